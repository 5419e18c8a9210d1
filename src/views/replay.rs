//! Reading views back, and replaying them: every stored view is re-rendered from the source image
//! and its recorded parameters alone (no RNG) and compared byte for byte.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{UInt16Type, UInt32Type};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use rayon::prelude::*;

use crate::error::{Error, IoContext, Result};
use crate::views::decode::decode;
use crate::views::generate::{META_KEY, ViewsConfig, ViewsMeta, encode, read_manifest};
use crate::views::params::ViewParams;
use crate::views::render::render;
use crate::views::source::ImageSource;

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
    let shown = path.display();
    let bad = |e: &dyn std::fmt::Display| Error::input(format!("{shown}: {e}"));
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).at("open", path)?)
        .map_err(|e| bad(&e))?;
    let meta: ViewsMeta = builder
        .schema()
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
    let mut rows = Vec::new();
    for batch in builder.build().map_err(|e| bad(&e))? {
        let batch = batch.map_err(|e| bad(&e))?;
        let col = |n: &str| {
            batch
                .column_by_name(n)
                .ok_or_else(|| bad(&format!("column `{n}` missing")))
        };
        let ids = col("sample_id")?.as_string::<i32>();
        let views = col("view")?.as_primitive::<UInt16Type>();
        let labels = col("label")?.as_string::<i32>();
        let images = col("image")?.as_binary::<i32>();
        let heights = col("height")?.as_primitive::<UInt32Type>();
        let widths = col("width")?.as_primitive::<UInt32Type>();
        let params = col("params")?.as_struct();
        for i in 0..batch.num_rows() {
            if limit.is_some_and(|l| rows.len() >= l) {
                return Ok((meta, rows));
            }
            rows.push(ViewRow {
                sample_id: ids.value(i).to_string(),
                view: views.value(i),
                label: (!labels.is_null(i)).then(|| labels.value(i).to_string()),
                image: images.value(i).to_vec(),
                height: heights.value(i),
                width: widths.value(i),
                params: ViewParams::from_struct_array(params, i).map_err(|e| bad(&e))?,
            });
        }
    }
    Ok((meta, rows))
}

#[derive(Debug, Default)]
pub struct ReplayReport {
    pub views: u64,
    pub identical: u64,
    /// `sample_id view N` of views that differ (first 20).
    pub differing: Vec<String>,
}

/// Re-render every view of the output in `dir` from its params and compare the encoded bytes.
/// `input` overrides the source path recorded in the manifest (if the images moved).
pub fn replay(dir: &Path, input: Option<&Path>) -> Result<ReplayReport> {
    let manifest = read_manifest(dir)?;
    let cfg: ViewsConfig = serde_json::from_value(manifest.config.clone())
        .map_err(|e| Error::input(format!("{}: manifest config: {e}", dir.display())))?;
    let source = ImageSource::open(input.unwrap_or(&cfg.input), &cfg.columns)?;
    let by_id: HashMap<&str, usize> = source
        .samples
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut report = ReplayReport::default();
    for shard in &manifest.shards {
        let (meta, rows) = read_shard(&dir.join(&shard.path), None)?;
        let groups: Vec<&[ViewRow]> = rows.chunk_by(|a, b| a.sample_id == b.sample_id).collect();
        let results: Vec<Vec<(String, bool)>> = groups
            .par_iter()
            .map(|views| {
                let id = &views[0].sample_id;
                let s = by_id
                    .get(id.as_str())
                    .map(|&i| &source.samples[i])
                    .ok_or_else(|| {
                        Error::input(format!("sample `{id}` is not in the source any more"))
                    })?;
                let bytes = source
                    .load(&[s])?
                    .remove(0)
                    .at("read", Path::new(&source.origin(s)))?;
                let img = decode(&bytes, cfg.max_pixels)
                    .map_err(|e| Error::input(format!("{} {e}", source.origin(s))))?;
                views
                    .iter()
                    .map(|v| {
                        let spec = meta.recipe.view(v.view as u32);
                        let again = render(&img, spec, v.height, &v.params)?;
                        let same = encode(&again, meta.format, meta.quality)? == v.image;
                        Ok((format!("{id} view {}", v.view), same))
                    })
                    .collect()
            })
            .collect::<Result<_>>()?;
        for (name, same) in results.into_iter().flatten() {
            report.views += 1;
            if same {
                report.identical += 1;
            } else if report.differing.len() < 20 {
                report.differing.push(name);
            }
        }
    }
    Ok(report)
}
