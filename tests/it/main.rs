//! The integration suite: the real binary on real sample data.

mod bad_input;
mod interop;
mod mix;
mod pipeline;
mod plan;
mod resume;
mod tokenizer;
mod util;
mod views;
