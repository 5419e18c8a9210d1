use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::mix::options::MixOptions;

#[derive(Debug, Subcommand)]
pub enum MixCommand {
    /// Tokenize, pack, shuffle and interleave target and pretraining text into training shards.
    Build(MixBuildArgs),
}

#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub struct MixBuildArgs {
    #[command(flatten)]
    pub options: MixOptions,
    /// Tokenizer threads [default: all cores]; the output does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    #[arg(long, default_value = "sluice-out/mix")]
    pub out: PathBuf,
    /// Memory for shuffle buckets, MiB; the output does not depend on it.
    #[arg(long, default_value_t = 1024)]
    pub shuffle_mem_mb: u64,
    /// Replace a finished output of another configuration.
    #[arg(long)]
    pub overwrite: bool,
    /// Print the manifest as JSON instead of the summary.
    #[arg(long)]
    pub json: bool,
}
