//! A finished `views gen` output as the views of a stream: the views are the ones on disk (the
//! same in every epoch, as an offline dataset's are), served in the stream's keyed batch order.
//! The encoded views are held in memory (the output's size on disk) and decoded per batch on the
//! rayon pool.
//!
//! A stored output holds no unaugmented image, so [`Producer::plain`] gives a sample's view 0.

use std::path::{Path, PathBuf};

use image::RgbImage;
use rayon::prelude::*;

use crate::core::job::Header;
use crate::dataset::views::{
    ViewFormat, ViewRow, ViewsMeta, decode_view, read_manifest, read_meta,
};
use crate::error::Result;
use crate::views::replay::read_shard;
use crate::views::source::{Loc, SampleRef};
use crate::views::stream::{Producer, StreamConfig, View, ViewSample};

/// A `views gen` output: its shards and the recipe and layout they were written with.
pub struct StoredInfo {
    pub dir: PathBuf,
    pub shards: Vec<PathBuf>,
    pub meta: ViewsMeta,
}

impl StoredInfo {
    /// `dir` as a `views gen` output; None when `dir` holds no `manifest.json` (a folder of
    /// images). Another command's output is refused.
    pub fn detect(dir: &Path) -> Result<Option<Self>> {
        let path = dir.join("manifest.json");
        if !dir.is_dir() || !path.exists() {
            return Ok(None);
        }
        let header: Header = crate::core::manifest::read_json(&path)?;
        if header.command != "views gen" {
            bail!(input(
                "{} is a `{}` output: train on images or on a `views gen` output",
                dir.display(),
                header.command
            ));
        }
        let m = read_manifest(dir)?;
        let shards: Vec<PathBuf> = m.body.shards.iter().map(|s| dir.join(&s.path)).collect();
        let first = shards.first().ok_or_else(|| {
            err!(input(
                "{} holds no views (its manifest lists no shards)",
                dir.display()
            ))
        })?;
        Ok(Some(StoredInfo {
            dir: dir.to_path_buf(),
            meta: read_meta(first)?,
            shards,
        }))
    }

    /// Whether this output can serve `k` views per sample at `size`.
    pub fn serves(&self, k: u32, size: u32) -> Result<()> {
        let (meta, dir) = (&self.meta, self.dir.display());
        if k > meta.k {
            bail!(config(
                "{dir} holds {} views per sample; --k {k} needs at least as many",
                meta.k
            ));
        }
        if size != meta.size {
            bail!(config(
                "{dir} holds views of --size {}; this run asks for --size {size}",
                meta.size
            ));
        }
        Ok(())
    }
}

/// The stored views of the samples a stream keeps.
pub struct Stored {
    samples: Vec<SampleRef>,
    /// Per sample, its first K stored views.
    views: Vec<Vec<ViewRow>>,
    format: ViewFormat,
}

impl Stored {
    /// Reads the views of `info` that `keep` selects, checking that they hold `cfg.k` views per
    /// sample at `cfg.size` (the stream takes the first K of each sample).
    pub fn open(
        info: &StoredInfo,
        cfg: &StreamConfig,
        keep: &dyn Fn(&SampleRef) -> bool,
    ) -> Result<Self> {
        info.serves(cfg.k, cfg.size)?;
        let meta = &info.meta;
        let mut stored = Stored {
            samples: Vec::new(),
            views: Vec::new(),
            format: meta.format,
        };
        for (file, shard) in info.shards.iter().enumerate() {
            let (m, rows) = read_shard(shard, None)?;
            if m != *meta {
                bail!(input(
                    "{}: recipe or layout differs from the first shard's",
                    shard.display()
                ));
            }
            stored.add(shard, file, rows, meta.k as usize, cfg.k as usize, keep)?;
        }
        if stored.samples.is_empty() {
            bail!(input("no views under {}", info.dir.display()));
        }
        Ok(stored)
    }

    /// The samples of one shard: K consecutive rows each, views 0..K in order.
    fn add(
        &mut self,
        shard: &Path,
        file: usize,
        rows: Vec<ViewRow>,
        per: usize,
        k: usize,
        keep: &dyn Fn(&SampleRef) -> bool,
    ) -> Result<()> {
        if !rows.len().is_multiple_of(per) {
            bail!(input(
                "{} holds {} rows, not whole samples of {per} views",
                shard.display(),
                rows.len()
            ));
        }
        let mut rows = rows.into_iter().enumerate().peekable();
        while let Some((row, first)) = rows.next() {
            let sample = SampleRef {
                id: first.sample_id.clone(),
                label: first.label.clone(),
                loc: Loc::Row { file, row },
            };
            if first.view != 0 {
                bail!(input(
                    "{} row {row}: sample `{}` starts at view {}, not 0",
                    shard.display(),
                    sample.id,
                    first.view
                ));
            }
            let mut views = vec![first];
            for v in 1..per {
                let (_, r) = rows
                    .next()
                    .ok_or_else(|| err!(internal("rows end mid-sample")))?;
                if r.sample_id != sample.id || r.view as usize != v {
                    bail!(input(
                        "{} row {}: expected view {v} of sample `{}`, found view {} of `{}`",
                        shard.display(),
                        row + v,
                        sample.id,
                        r.view,
                        r.sample_id
                    ));
                }
                views.push(r);
            }
            if keep(&sample) {
                views.truncate(k);
                self.samples.push(sample);
                self.views.push(views);
            }
        }
        Ok(())
    }

    fn decode(&self, i: usize, v: usize) -> Result<RgbImage> {
        let r = &self.views[i][v];
        decode_view(&r.image, self.format, r.width, r.height)
            .map_err(|e| err!(input("view {v} of sample `{}`: {e}", self.samples[i].id)))
    }
}

impl Producer for Stored {
    fn samples(&self) -> &[SampleRef] {
        &self.samples
    }

    /// The stored views whatever the epoch.
    fn views(
        &self,
        _cfg: &StreamConfig,
        _epoch: u64,
        _keys: &[u64],
        picked: &[usize],
    ) -> Result<Vec<ViewSample>> {
        picked
            .par_iter()
            .map(|&i| {
                let views = (0..self.views[i].len())
                    .map(|v| {
                        Ok(View {
                            image: self.decode(i, v)?,
                            params: self.views[i][v].params,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                let s = &self.samples[i];
                Ok(ViewSample {
                    id: s.id.clone(),
                    label: s.label.clone(),
                    views,
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .collect()
    }

    /// View 0 of each sample (a stored output has no unaugmented image).
    fn plain(&self, _size: u32, idx: &[usize]) -> Result<Vec<RgbImage>> {
        idx.par_iter().map(|&i| self.decode(i, 0)).collect()
    }
}
