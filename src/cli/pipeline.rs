use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum PipelineCommand {
    /// Check pipeline files: every problem, with its JSON pointer and line; nothing runs.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema of pipeline files (schemas/pipeline.schema.json).
    Schema,
    /// Run a pipeline's steps in dependency order; a rerun skips finished steps and resumes the rest.
    Run(PipelineRunArgs),
    /// After a sharded run: check every slice finished and write the combined manifests.
    Merge {
        file: PathBuf,
        /// Number of slices the shardable steps were run in.
        #[arg(long)]
        of: u32,
        /// Output directory instead of the file's `out`.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run every scheduled pipeline in DIR on its cron schedule, state in SQLite.
    Schedule(PipelineScheduleArgs),
    /// List the scheduler's runs.
    Status {
        dir: PathBuf,
        /// State database [default: DIR/.sluice-schedule.db].
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct PipelineRunArgs {
    pub file: PathBuf,
    /// Run slice i of the shardable steps [default: SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX].
    #[arg(long)]
    pub shard: Option<u32>,
    /// Number of slices [default: SLURM_ARRAY_TASK_COUNT, or SLUICE_SHARDS with JOB_COMPLETION_INDEX].
    #[arg(long)]
    pub of: Option<u32>,
    /// Worker threads [default: all cores]; outputs do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Seconds a slice other than 0 waits for the steps slice 0 builds.
    #[arg(long, default_value_t = 86_400)]
    pub wait: u64,
    /// Output directory instead of the file's `out`.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PipelineScheduleArgs {
    pub dir: PathBuf,
    /// State database [default: DIR/.sluice-schedule.db].
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Handle the slots due now, wait for their runs, exit (for cron-driven or test use).
    #[arg(long)]
    pub once: bool,
    /// The current time, RFC 3339 (tests and backfills) [default: the clock].
    #[arg(long)]
    pub now: Option<String>,
    /// Seconds between checks.
    #[arg(long, default_value_t = 30)]
    pub tick: u64,
}
