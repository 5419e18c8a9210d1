//! `views gen`'s options, declared once: the CLI flattens them and a pipeline's `kind = "views"`
//! step holds them, with the same defaults and the same checks.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::generate::{ViewFormat, ViewsConfig};
use super::recipe::Recipe;
use super::source::Columns;
use crate::error::{Error, Result};
use crate::source::OnError;

#[derive(Clone, Debug, clap::Args, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewsOptions {
    /// Steps that must finish first (pipeline files only).
    #[arg(skip)]
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// A directory of JPEG/PNG/WebP images (label = parent folder), an image, or Parquet file(s)
    /// with an image-bytes column [CLI default: the shipped samples/images].
    #[arg(long, value_name = "PATH")]
    #[serde(default)]
    pub input: Option<PathBuf>,
    /// Views per image; a batch of B samples always holds all B x K views.
    #[arg(long)]
    pub k: u32,
    /// simclr, byol, duet, duet:rotate90, duet:hflip, duet:vflip, essl-rot, or a recipe TOML file.
    #[arg(long, default_value_t = simclr())]
    #[serde(default = "simclr")]
    pub recipe: String,
    /// Output side in pixels (a recipe may set other sizes per view).
    #[arg(long, default_value_t = side())]
    #[serde(default = "side")]
    pub size: u32,
    /// Seed of every draw [default: 0; in a pipeline, the pipeline's seed].
    #[arg(long)]
    #[serde(default)]
    pub seed: Option<u64>,
    #[arg(long, value_enum, default_value_t = png())]
    #[serde(default = "png")]
    pub format: ViewFormat,
    /// JPEG quality, 1-100.
    #[arg(long, default_value_t = quality())]
    #[serde(default = "quality")]
    pub quality: u8,
    /// What to do with images that cannot be used (corrupt, truncated, empty, unsupported, too big).
    #[arg(long, value_enum, default_value_t = fail())]
    #[serde(default = "fail")]
    pub on_error: OnError,
    /// Refuse images with more pixels than this (before decoding them).
    #[arg(long, default_value_t = max_pixels())]
    #[serde(default = "max_pixels")]
    pub max_pixels: u64,
    /// Parquet input: the column with the encoded image (binary or struct<bytes>).
    #[arg(long, default_value_t = image())]
    #[serde(default = "image")]
    pub image_column: String,
    /// Parquet input: label column [default: `label` when present].
    #[arg(long)]
    #[serde(default)]
    pub label_column: Option<String>,
    /// Parquet input: column with a unique sample id [default: file name # row].
    #[arg(long)]
    #[serde(default)]
    pub id_column: Option<String>,
    /// Samples per Parquet row group (each holds all K views of its samples).
    #[arg(long, default_value_t = group())]
    #[serde(default = "group")]
    pub group_samples: u32,
    /// Samples per output file.
    #[arg(long, default_value_t = shard_samples())]
    #[serde(default = "shard_samples")]
    pub shard_samples: u32,
}

// Defaults, each written once (the CLI and the file share them).
crate::defaults! {
    simclr: String = "simclr".into(),
    side: u32 = 224,
    png: ViewFormat = ViewFormat::Png,
    quality: u8 = 95,
    fail: OnError = OnError::Fail,
    max_pixels: u64 = 100_000_000,
    image: String = "image".into(),
    group: u32 = 64,
    shard_samples: u32 = 1024,
}

impl ViewsOptions {
    /// The run these options describe for slice `shard` of `of`; `seed` when none is set here. The
    /// recipe is a built-in name or a file (as given: a pipeline resolves it first).
    pub fn config(&self, seed: u64, (shard, of): (u32, u32)) -> Result<ViewsConfig> {
        let input = self.input.clone().ok_or_else(|| {
            Error::config("no input: pass --input (in a pipeline: `input`), the images to render")
        })?;
        Ok(ViewsConfig {
            input,
            columns: Columns {
                image: self.image_column.clone(),
                label: self.label_column.clone(),
                id: self.id_column.clone(),
            },
            k: self.k,
            recipe: Recipe::resolve(&self.recipe)?,
            size: self.size,
            seed: self.seed.unwrap_or(seed),
            format: self.format,
            quality: self.quality,
            shard,
            of,
            on_error: self.on_error,
            max_pixels: self.max_pixels,
            group_samples: self.group_samples,
            shard_samples: self.shard_samples,
        })
    }

    /// Every path-valued option, with its JSON pointer below the step.
    pub fn paths_mut(&mut self) -> Vec<(String, &mut PathBuf)> {
        self.input
            .as_mut()
            .map(|p| ("/input".to_string(), p))
            .into_iter()
            .collect()
    }
}
