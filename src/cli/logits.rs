use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::backend::BackendKind;
use crate::logits::cache::CacheOptions;

#[derive(Debug, Subcommand)]
pub enum LogitsCommand {
    /// Run a teacher over a `mix build` output once and cache its distributions.
    Cache(CacheArgs),
    /// Size and fidelity of a cache: bytes/token, top-K mass, KL to the live teacher.
    Inspect(InspectArgs),
}

#[derive(Debug, Args)]
pub struct CacheArgs {
    #[command(flatten)]
    pub options: CacheOptions,
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
    /// burn or torch (on --device); cpu and cuda are burn on that device.
    #[arg(long, value_enum, default_value = "cpu")]
    pub backend: BackendKind,
    /// cpu, cuda or cuda:N [default: cpu; with `--backend cuda`, cuda:0].
    #[arg(long)]
    pub device: Option<String>,
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
