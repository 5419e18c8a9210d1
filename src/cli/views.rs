use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::views::options::ViewsOptions;

#[derive(Debug, Subcommand)]
pub enum ViewsCommand {
    /// Decode each image once and write K augmented views per image, with every sampled parameter.
    Gen(ViewsGenArgs),
    /// Re-render every stored view from its recorded parameters and check it is bit-identical.
    Replay(ViewsReplayArgs),
    /// Write a PNG contact sheet: rows = samples, columns = views, key parameters under each view.
    Preview(ViewsPreviewArgs),
}

#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub struct ViewsGenArgs {
    #[command(flatten)]
    pub options: ViewsOptions,
    #[arg(long, default_value = "sluice-out/views")]
    pub out: PathBuf,
    /// Worker threads [default: all cores]; the output does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// This slice of the samples (by hash of the sample id): 0 <= shard < of.
    #[arg(long, default_value_t = 0)]
    pub shard: u32,
    #[arg(long, default_value_t = 1)]
    pub of: u32,
    /// Replace a finished output of another configuration.
    #[arg(long)]
    pub overwrite: bool,
    /// Print the manifest as JSON instead of the summary.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ViewsReplayArgs {
    /// A `views gen` output directory.
    #[arg(default_value = "sluice-out/views")]
    pub dir: PathBuf,
    /// The source images, if they moved since `views gen` ran.
    #[arg(long)]
    pub input: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ViewsPreviewArgs {
    /// A `views gen` output directory.
    #[arg(default_value = "sluice-out/views")]
    pub dir: PathBuf,
    /// Samples (rows) to show.
    #[arg(long, default_value_t = 4)]
    pub samples: usize,
    /// PNG to write [default: DIR/preview.png].
    #[arg(long)]
    pub out: Option<PathBuf>,
}
