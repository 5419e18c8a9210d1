use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::source::OnError;
use crate::views::generate::ViewFormat;

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
    /// A directory of JPEG/PNG/WebP images (label = parent folder), an image, or Parquet file(s)
    /// with an image-bytes column [default: the shipped samples/images].
    #[arg(long, value_name = "PATH")]
    pub input: Option<PathBuf>,
    /// Views per image; a batch of B samples always holds all B x K views.
    #[arg(long)]
    pub k: u32,
    /// simclr, byol, duet, duet:rotate90, duet:hflip, duet:vflip, essl-rot, or a recipe TOML file.
    #[arg(long, default_value = "simclr")]
    pub recipe: String,
    /// Output side in pixels (a recipe may set other sizes per view).
    #[arg(long, default_value_t = 224)]
    pub size: u32,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    #[arg(long, value_enum, default_value = "png")]
    pub format: ViewFormat,
    /// JPEG quality, 1-100.
    #[arg(long, default_value_t = 95)]
    pub quality: u8,
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
    /// What to do with images that cannot be used (corrupt, truncated, empty, unsupported, too big).
    #[arg(long, value_enum, default_value = "fail")]
    pub on_error: OnError,
    /// Refuse images with more pixels than this (before decoding them).
    #[arg(long, default_value_t = 100_000_000)]
    pub max_pixels: u64,
    /// Parquet input: the column with the encoded image (binary or struct<bytes>).
    #[arg(long, default_value = "image")]
    pub image_column: String,
    /// Parquet input: label column [default: `label` when present].
    #[arg(long)]
    pub label_column: Option<String>,
    /// Parquet input: column with a unique sample id [default: file name # row].
    #[arg(long)]
    pub id_column: Option<String>,
    /// Samples per Parquet row group (each holds all K views of its samples).
    #[arg(long, default_value_t = 64)]
    pub group_samples: u32,
    /// Samples per output file.
    #[arg(long, default_value_t = 1024)]
    pub shard_samples: u32,
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
