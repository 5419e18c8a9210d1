//! The `views gen` format: K consecutive rows per sample with the encoded view and every sampled
//! parameter (`schemas/views.json`), the recipe and layout in the file metadata, the manifest's
//! body, and the reader. The recipe ([`recipe`]) and the parameter record ([`params`]) are part of
//! the format: a reader needs them to interpret and replay what it reads.

pub mod params;
pub mod recipe;

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, UInt16Type, UInt32Type};
use image::RgbImage;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde::{Deserialize, Serialize};

use self::params::ViewParams;
use self::recipe::Recipe;
use super::parquet::{column, primitive, read_err};
use crate::core::job::Manifest;
use crate::core::manifest::ShardInfo;
use crate::error::{IoContext, Result};

/// Parquet key-value metadata holding the recipe and layout (JSON).
pub const META_KEY: &str = "sluice.views";

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ViewFormat {
    /// Lossless PNG.
    Png,
    /// JPEG at `--quality`.
    Jpeg,
    /// Raw HWC RGB bytes (`height` x `width` x 3).
    Raw,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct InputReport {
    pub kind: String,
    pub root: String,
    pub files: u64,
    pub bytes: u64,
    /// sha256 over every input file's relative path and sha256.
    pub sha256: String,
    /// Files under the root that are not images, left alone.
    pub ignored_files: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Skipped {
    pub sample_id: String,
    pub origin: String,
    pub reason: String,
    pub message: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SampleCounts {
    pub listed: u64,
    /// In this slice (`--shard i --of N`).
    pub selected: u64,
    pub written: u64,
    pub skipped: BTreeMap<String, u64>,
}

/// What `views gen`'s manifest holds after the common header.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ViewsBody {
    pub config: serde_json::Value,
    pub input: InputReport,
    pub samples: SampleCounts,
    pub views: u64,
    pub skipped_samples: Vec<Skipped>,
    pub shards: Vec<ShardInfo>,
}

/// `manifest.json` of a `views gen` output.
pub type ViewsManifest = Manifest<ViewsBody>;

/// The Arrow schema of every views shard (see `schemas/views.json`).
pub fn views_schema(metadata: &str) -> SchemaRef {
    Arc::new(
        Schema::new(vec![
            Field::new("sample_id", DataType::Utf8, false),
            Field::new("view", DataType::UInt16, false),
            Field::new("label", DataType::Utf8, true),
            Field::new("image", DataType::Binary, false),
            Field::new("height", DataType::UInt32, false),
            Field::new("width", DataType::UInt32, false),
            Field::new("recipe", DataType::Utf8, false),
            Field::new(
                "params",
                DataType::Struct(ViewParams::arrow_fields()),
                false,
            ),
        ])
        .with_metadata([(META_KEY.to_string(), metadata.to_string())].into()),
    )
}

/// What a reader needs to interpret (and replay) the views: stored as JSON in the file metadata.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ViewsMeta {
    pub recipe: Recipe,
    pub k: u32,
    pub size: u32,
    pub seed: u64,
    pub format: ViewFormat,
    pub quality: u8,
    pub params_fields: Vec<String>,
    pub layout: String,
}

/// One stored view.
#[derive(Clone, Debug)]
pub struct ViewRow {
    pub sample_id: String,
    pub view: u16,
    pub label: Option<String>,
    pub image: Vec<u8>,
    pub height: u32,
    pub width: u32,
    pub params: ViewParams,
}

/// The recipe and layout stored in a shard's metadata, and its rows (at most `limit`).
pub fn read_shard(path: &Path, limit: Option<usize>) -> Result<(ViewsMeta, Vec<ViewRow>)> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).at("open", path)?)
        .map_err(|e| read_err(path, e))?;
    let meta = meta_of(builder.schema(), path)?;
    let mut rows = Vec::new();
    for batch in builder.build().map_err(|e| read_err(path, e))? {
        let batch = batch.map_err(|e| read_err(path, e))?;
        if read_rows(&batch, path, limit, &mut rows)? {
            break;
        }
    }
    Ok((meta, rows))
}

/// The recipe and layout in a shard's metadata (its footer only is read).
pub fn read_meta(path: &Path) -> Result<ViewsMeta> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).at("open", path)?)
        .map_err(|e| read_err(path, e))?;
    meta_of(builder.schema(), path)
}

fn meta_of(schema: &Schema, path: &Path) -> Result<ViewsMeta> {
    let bad = |e: &dyn std::fmt::Display| err!(input("{}: {e}", path.display()));
    let meta: ViewsMeta = schema
        .metadata()
        .get(META_KEY)
        .ok_or_else(|| {
            bad(&format!(
                "no `{META_KEY}` metadata: not a sluice views shard"
            ))
        })
        .and_then(|m| serde_json::from_str(m).map_err(|e| bad(&e)))?;
    meta.recipe
        .validate()
        .map_err(|e| bad(&format!("recipe in the metadata: {e}")))?;
    Ok(meta)
}

/// Append the rows of one batch; true once `limit` rows are read.
fn read_rows(
    batch: &RecordBatch,
    path: &Path,
    limit: Option<usize>,
    rows: &mut Vec<ViewRow>,
) -> Result<bool> {
    let text = |n: &str| {
        column(batch, n, path)?
            .as_string_opt::<i32>()
            .ok_or_else(|| err!(input("column `{n}` in {} is not utf8", path.display())))
    };
    let (ids, labels) = (text("sample_id")?, text("label")?);
    let views = primitive::<UInt16Type>(batch, "view", path)?;
    let images = column(batch, "image", path)?
        .as_binary_opt::<i32>()
        .ok_or_else(|| err!(input("column `image` in {} is not binary", path.display())))?;
    let heights = primitive::<UInt32Type>(batch, "height", path)?;
    let widths = primitive::<UInt32Type>(batch, "width", path)?;
    let params = column(batch, "params", path)?
        .as_struct_opt()
        .ok_or_else(|| {
            err!(input(
                "column `params` in {} is not a struct",
                path.display()
            ))
        })?;
    for i in 0..batch.num_rows() {
        if limit.is_some_and(|l| rows.len() >= l) {
            return Ok(true);
        }
        rows.push(ViewRow {
            sample_id: ids.value(i).to_string(),
            view: views.value(i),
            label: (!labels.is_null(i)).then(|| labels.value(i).to_string()),
            image: images.value(i).to_vec(),
            height: heights.value(i),
            width: widths.value(i),
            params: ViewParams::from_struct_array(params, i)
                .map_err(|e| err!(input("{}: {e}", path.display())))?,
        });
    }
    Ok(false)
}

/// Decode a stored view back to pixels.
pub fn decode_view(bytes: &[u8], format: ViewFormat, width: u32, height: u32) -> Result<RgbImage> {
    match format {
        ViewFormat::Raw => RgbImage::from_raw(width, height, bytes.to_vec()).ok_or_else(|| {
            err!(input(
                "raw view holds {} bytes, not {width}x{height}x3",
                bytes.len()
            ))
        }),
        _ => image::load_from_memory(bytes)
            .map(|i| i.into_rgb8())
            .map_err(|e| err!(input("stored view does not decode: {e}"))),
    }
}

/// Read `manifest.json` of a views output directory.
pub fn read_manifest(dir: &Path) -> Result<ViewsManifest> {
    Manifest::read(dir, "views gen")
}
