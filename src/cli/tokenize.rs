use std::path::PathBuf;

use clap::Args;

use crate::tokenizer::job::TokenizeOptions;

#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub struct TokenizeArgs {
    #[command(flatten)]
    pub options: TokenizeOptions,
    #[arg(long, default_value = "sluice-out/tokens")]
    pub out: PathBuf,
    /// Worker threads [default: all cores]; the output does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Replace a finished output of another configuration.
    #[arg(long)]
    pub overwrite: bool,
    /// Print the manifest as JSON instead of the summary.
    #[arg(long)]
    pub json: bool,
}
