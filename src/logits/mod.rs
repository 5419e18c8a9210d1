//! Teacher-logit caches for distillation: [`codec`] (top-K quantisation, sampled counts),
//! [`cache`] (the teacher run and atomic shards), [`inspect`] (size and fidelity report). The
//! format and its reader are in [`crate::dataset::logits`].

pub mod cache;
pub mod codec;
pub mod inspect;
