use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::mix::build::OutputFormat;
use crate::mix::tokenize::Engine;
use crate::source::OnError;

#[derive(Debug, Subcommand)]
pub enum MixCommand {
    /// Tokenize, pack, shuffle and interleave target and pretraining text into training shards.
    Build(MixBuildArgs),
}

#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub struct MixBuildArgs {
    /// Target-domain data: Parquet/JSONL/CSV files, text files, or directories of them
    /// [default, with no --pretrain either: the shipped samples/target].
    #[arg(long, num_args = 1.., value_name = "PATH")]
    pub target: Vec<PathBuf>,
    /// General pretraining data, same forms as --target, never repeated [default, with no --target
    /// either: the shipped samples/pretrain].
    #[arg(long, num_args = 1.., value_name = "PATH")]
    pub pretrain: Vec<PathBuf>,
    /// Fraction of training tokens drawn from pretraining data, in [0, 1), exact in every prefix.
    #[arg(long, value_name = "P", allow_negative_numbers = true)]
    pub inject: String,
    /// HuggingFace tokenizer.json [default: the shipped samples/tokenizer.json (GPT-2)].
    #[arg(long, value_name = "FILE")]
    pub tokenizer: Option<PathBuf>,
    /// Tokens per packed sequence.
    #[arg(long, default_value_t = 2048)]
    pub seq_len: u32,
    /// Passes over the target data, reshuffled each time; pretraining data never repeats.
    #[arg(long, default_value_t = 1)]
    pub epochs: u32,
    /// Fraction of documents held out for validation, per source, chosen by content hash.
    #[arg(long, default_value_t = 0.05)]
    pub val_frac: f64,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Tokenizer threads [default: all cores]; the output does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    #[arg(long, default_value = "sluice-out/mix")]
    pub out: PathBuf,
    /// Column holding the document text in Parquet/JSONL/CSV sources.
    #[arg(long, default_value = "text")]
    pub text_column: String,
    /// SQL filter applied to every source, e.g. "year >= 1800" or "length(text) > 200".
    #[arg(long = "where", value_name = "SQL")]
    pub filter: Option<String>,
    /// SQL filter for the target source only (overrides --where).
    #[arg(long, value_name = "SQL")]
    pub target_where: Option<String>,
    /// SQL filter for the pretraining source only (overrides --where).
    #[arg(long, value_name = "SQL")]
    pub pretrain_where: Option<String>,
    /// Output formats, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "parquet")]
    pub format: Vec<OutputFormat>,
    /// What to do with records that cannot be used (null text, invalid UTF-8, bad JSON lines).
    #[arg(long, value_enum, default_value = "fail")]
    pub on_error: OnError,
    /// End-of-document token appended to every document [default: detected]; "" for none.
    #[arg(long)]
    pub eos: Option<String>,
    #[arg(long, value_enum, default_value = "auto")]
    pub tokenizer_engine: Engine,
    /// Sequences per Parquet shard [default: 16M tokens' worth].
    #[arg(long, default_value_t = 0)]
    pub shard_rows: u64,
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
