//! The integration suite: the real binary on real sample data.

mod backend;
mod bad_input;
mod ewc;
mod interop;
mod jobs;
mod logits;
mod mix;
mod mixture;
mod pipeline;
mod plan;
mod resume;
mod seeds;
mod sigma;
mod ssl;
mod store;
mod tokenize;
mod tokenizer;
mod train;
mod util;
mod views;
