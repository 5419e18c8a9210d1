use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::mix::options::MixOptions;

#[derive(Debug, Subcommand)]
pub enum MixCommand {
    /// Tokenize, pack, shuffle and interleave target and pretraining text into training shards.
    Build(Box<MixBuildArgs>),
    /// After a build sharded with --shard/--of: check every slice finished and put the combined
    /// output (the single build's bytes) in place.
    Merge(MixMergeArgs),
}

#[derive(Debug, Args)]
pub struct MixMergeArgs {
    /// The build's --out.
    pub out: PathBuf,
    /// Number of slices it was built in.
    #[arg(long)]
    pub of: u32,
    /// Print the manifest as JSON instead of the summary.
    #[arg(long)]
    pub json: bool,
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
    /// Build slice i of a build sharded across machines, into OUT/slices/i-of-N/, then `sluice mix
    /// merge OUT --of N` [default: SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX when set].
    #[arg(long)]
    pub shard: Option<u32>,
    /// Number of slices [default: SLURM_ARRAY_TASK_COUNT, or SLUICE_SHARDS with JOB_COMPLETION_INDEX].
    #[arg(long)]
    pub of: Option<u32>,
    /// Seconds a slice waits for the other slices' tokenization.
    #[arg(long, default_value_t = 86_400)]
    pub wait: u64,
    /// Print the manifest as JSON instead of the summary.
    #[arg(long)]
    pub json: bool,
}
