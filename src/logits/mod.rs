//! Teacher-logit caches for distillation: [`codec`] (top-K quantisation, sampled counts),
//! [`cache`] (the teacher run and atomic shards), [`reader`] (decoding and alignment checks),
//! [`inspect`] (size and fidelity report).

pub mod cache;
pub mod codec;
pub mod inspect;
pub mod reader;
