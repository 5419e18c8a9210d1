//! Finetuning mixtures: tokenize target and pretraining documents, shuffle them, pack them into
//! fixed-length sequences, and interleave an exact fraction of pretraining sequences.

pub mod build;
pub mod options;
pub mod pack;
pub mod phase1;
pub mod schedule;
pub mod slices;
pub mod spill;
