//! Reading views back, and replaying them: every stored view is re-rendered from the source image
//! and its recorded parameters alone (no RNG) and compared byte for byte.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use crate::dataset::views::read_manifest;
pub use crate::dataset::views::{ViewRow, read_shard};
use crate::error::{IoContext, Result};
use crate::views::decode::decode;
use crate::views::generate::{ViewsConfig, encode};
use crate::views::render::render;
use crate::views::source::ImageSource;

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
        .map_err(|e| err!(input("{}: manifest config: {e}", dir.display())))?;
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
                    .ok_or_else(|| err!(input("sample `{id}` is not in the source any more")))?;
                let bytes = source
                    .load(&[s])?
                    .remove(0)
                    .at("read", Path::new(&source.origin(s)))?;
                let img = decode(&bytes, cfg.max_pixels)
                    .map_err(|e| err!(input("{} {e}", source.origin(s))))?;
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
