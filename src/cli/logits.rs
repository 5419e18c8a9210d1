use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::backend::BackendKind;
use crate::logits::cache::Mode;

#[derive(Debug, Subcommand)]
pub enum LogitsCommand {
    /// Run a teacher over a `mix build` output once and cache its distributions.
    Cache(CacheArgs),
    /// Size and fidelity of a cache: bytes/token, top-K mass, KL to the live teacher.
    Inspect(InspectArgs),
}

#[derive(Debug, Args)]
pub struct CacheArgs {
    /// A `mix build` output directory, tokenized with the teacher's tokenizer.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Teacher weights (GGUF or safetensors).
    #[arg(long, value_name = "FILE")]
    pub teacher: PathBuf,
    #[arg(long, value_enum, default_value = "cpu")]
    pub backend: BackendKind,
    #[arg(long, value_enum, default_value = "topk")]
    pub mode: Mode,
    /// Ids kept per position (top-K mode).
    #[arg(long, default_value_t = 64)]
    pub k: usize,
    /// Draws per position (sample mode).
    #[arg(long, default_value_t = 50)]
    pub draws: usize,
    #[arg(long, default_value_t = 1.0)]
    pub temperature: f32,
    /// Splits to cache [default: every non-empty split].
    #[arg(long, value_delimiter = ',')]
    pub splits: Vec<String>,
    /// Cache only the first N sequences of each split.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Sequences per teacher forward pass.
    #[arg(long, default_value_t = 4)]
    pub batch_size: usize,
    #[arg(long, default_value_t = 1024)]
    pub shard_rows: usize,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    #[arg(long, value_name = "DIR", default_value = "sluice-out/logits")]
    pub out: PathBuf,
    #[arg(long)]
    pub overwrite: bool,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    pub cache: PathBuf,
    /// Recompute the teacher on a sample of positions to measure the KL (must be the cache's teacher).
    #[arg(long, value_name = "FILE")]
    pub teacher: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "cpu")]
    pub backend: BackendKind,
    #[arg(long, default_value = "train")]
    pub split: String,
    /// Positions to recompute.
    #[arg(long, default_value_t = 256)]
    pub positions: usize,
    /// Check the cache against this `mix build` output (refuses a mismatch).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}
