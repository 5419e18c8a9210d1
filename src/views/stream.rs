//! Online views: for epoch `e`, K fresh views of every sample rendered on worker threads straight
//! into in-memory batches, for a trainer to consume while the next batches render (no files).
//!
//! Keys: epoch 0 renders with the key `views gen` uses (`content_key(sample id)`), so with the same
//! seed, recipe, K and size its views are exactly the ones `views gen` writes; a later epoch
//! renders with [`epoch_key`], fresh draws that are still a pure function of (seed, sample, epoch).
//! The order of samples in an epoch is a keyed shuffle of the same kind, so the batches, and every
//! view in them, are the same whatever the thread count or prefetch depth.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, OnceLock};

use image::RgbImage;
use rayon::prelude::*;

use crate::core::rng::{KeyedRng, content_key};
use crate::error::{Error, Result};
use crate::views::decode::decode;
use crate::views::params::ViewParams;
use crate::views::recipe::{Interpolation, MAX_SIZE, Recipe};
use crate::views::render::{render_views, resized_crop};
use crate::views::source::{Columns, ImageSource, SampleRef};

/// What decides the stream's views and batches (threads and prefetch never change them).
#[derive(Clone, Debug)]
pub struct StreamConfig {
    pub k: u32,
    pub recipe: Recipe,
    pub size: u32,
    pub seed: u64,
    /// Samples per batch (views per batch = samples x K).
    pub batch_size: usize,
    /// Leave out an epoch's last, short batch (a trainer's steps all see `batch_size` samples);
    /// otherwise it is served short.
    pub drop_last: bool,
    /// Keyed shuffle of the sample order per epoch; off: input order every epoch.
    pub shuffle: bool,
    pub max_pixels: u64,
    /// Batches rendered ahead of the consumer.
    pub prefetch: usize,
    /// Decoded pixels kept in memory across epochs, in bytes (images past it are decoded again).
    pub cache_bytes: u64,
}

/// One view as rendered, with every parameter that made it.
#[derive(Clone, Debug)]
pub struct View {
    pub image: RgbImage,
    pub params: ViewParams,
}

/// One sample's K views, in view order.
#[derive(Clone, Debug)]
pub struct ViewSample {
    pub id: String,
    pub label: Option<String>,
    pub views: Vec<View>,
}

/// Whole samples: all K views of a sample are in the same batch.
#[derive(Clone, Debug)]
pub struct ViewBatch {
    pub epoch: u64,
    pub index: usize,
    pub samples: Vec<ViewSample>,
}

impl ViewBatch {
    /// View `v` of every sample as one `[samples, side, side, 3]` u8 buffer (HWC, row-major), and
    /// its side.
    pub fn pixels(&self, v: u32) -> Result<(Vec<u8>, u32)> {
        let side = self
            .samples
            .first()
            .and_then(|s| s.views.get(v as usize))
            .map(|x| x.image.width())
            .ok_or_else(|| err!(internal("view {v} of an empty batch")))?;
        let mut out = Vec::with_capacity(self.samples.len() * (side * side * 3) as usize);
        for s in &self.samples {
            out.extend_from_slice(s.views[v as usize].image.as_raw());
        }
        Ok((out, side))
    }
}

/// The key a sample's views are drawn with in `epoch`: `views gen`'s key in epoch 0.
pub fn epoch_key(key: u64, epoch: u64) -> u64 {
    if epoch == 0 {
        return key;
    }
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&key.to_le_bytes());
    b[8..].copy_from_slice(&epoch.to_le_bytes());
    content_key(&b)
}

struct Inner {
    cfg: StreamConfig,
    source: ImageSource,
    keys: Vec<u64>,
    decoded: Vec<OnceLock<Arc<RgbImage>>>,
    cached: AtomicU64,
}

/// Images and a recipe, rendered epoch by epoch.
#[derive(Clone)]
pub struct ViewStream(Arc<Inner>);

impl ViewStream {
    /// Lists the images under `input` (class folders or Parquet, as `views gen` takes them).
    pub fn open(input: &Path, columns: &Columns, cfg: StreamConfig) -> Result<Self> {
        Self::open_where(input, columns, cfg, &|_| true)
    }

    /// As [`Self::open`], streaming only the samples `keep` selects (e.g. a trainer's train split).
    pub fn open_where(
        input: &Path,
        columns: &Columns,
        cfg: StreamConfig,
        keep: &dyn Fn(&SampleRef) -> bool,
    ) -> Result<Self> {
        if cfg.k == 0 {
            return Err(Error::config("--k must be at least 1 (views per sample)"));
        }
        if cfg.size == 0 || cfg.size > MAX_SIZE {
            bail!(config("--size {} is outside 1..={MAX_SIZE}", cfg.size));
        }
        if cfg.batch_size == 0 {
            return Err(Error::config("--batch-size must be at least 1"));
        }
        cfg.recipe
            .validate()
            .map_err(|e| err!(config("recipe `{}`: {e}", cfg.recipe.name)))?;
        let mut source = ImageSource::open(input, columns)?;
        if source.samples.is_empty() {
            bail!(input("no images under {}", input.display()));
        }
        source.samples.retain(|s| keep(s));
        let keys = source
            .samples
            .iter()
            .map(|s| content_key(s.id.as_bytes()))
            .collect();
        let decoded = source.samples.iter().map(|_| OnceLock::new()).collect();
        Ok(ViewStream(Arc::new(Inner {
            cfg,
            source,
            keys,
            decoded,
            cached: AtomicU64::new(0),
        })))
    }

    pub fn samples(&self) -> &[SampleRef] {
        &self.0.source.samples
    }

    pub fn config(&self) -> &StreamConfig {
        &self.0.cfg
    }

    /// Batches per epoch.
    pub fn batches(&self) -> usize {
        let (n, bs) = (self.0.keys.len(), self.0.cfg.batch_size);
        if self.0.cfg.drop_last {
            n / bs
        } else {
            n.div_ceil(bs)
        }
    }

    /// The samples of `epoch` in order (indices into [`Self::samples`]).
    pub fn order(&self, epoch: u64) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.0.keys.len()).collect();
        if self.0.cfg.shuffle {
            let purpose = format!("views-order/{epoch}");
            let rank = |i: usize| KeyedRng::new(self.0.cfg.seed, self.0.keys[i], &purpose).at(0);
            // Ties (equal ranks) fall back to input order, so the order is total.
            idx.sort_by_key(|&i| (rank(i), i));
        }
        idx
    }

    /// Batch `index` of `epoch`, rendered now on the rayon pool.
    pub fn batch(&self, epoch: u64, index: usize) -> Result<ViewBatch> {
        let order = self.order(epoch);
        self.render_batch(epoch, index, &order)
    }

    /// Every batch of `epoch` in order, rendered up to `prefetch` batches ahead on a producer
    /// thread. Dropping the iterator stops the producer after its current batch.
    pub fn epoch(&self, epoch: u64) -> EpochIter {
        self.epoch_from(epoch, 0)
    }

    /// The batches of `epoch` from batch `first` on (a resumed trainer starts mid-epoch).
    pub fn epoch_from(&self, epoch: u64, first: usize) -> EpochIter {
        let (tx, rx) = sync_channel(self.0.cfg.prefetch.max(1));
        let me = self.clone();
        std::thread::spawn(move || {
            let order = me.order(epoch);
            for index in first..me.batches() {
                let b = me.render_batch(epoch, index, &order);
                let failed = b.is_err();
                if tx.send(b).is_err() || failed {
                    return;
                }
            }
        });
        EpochIter(rx)
    }

    fn render_batch(&self, epoch: u64, index: usize, order: &[usize]) -> Result<ViewBatch> {
        let bs = self.0.cfg.batch_size;
        let picked = order.get(index * bs..((index + 1) * bs).min(order.len()));
        let picked = picked
            .filter(|p| !p.is_empty())
            .ok_or_else(|| err!(internal("batch {index} is past the epoch's end")))?;
        let bytes = self.load(picked)?;
        // Collected whole, then the first failure in batch order is reported.
        let samples = picked
            .par_iter()
            .zip(bytes)
            .map(|(&i, b)| self.render_sample(epoch, i, b))
            .collect::<Vec<_>>()
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
        Ok(ViewBatch {
            epoch,
            index,
            samples,
        })
    }

    /// The bytes of samples `picked` not cached yet: Parquet rows read together (each file once);
    /// image files are left to the worker decoding them (None), as are cached samples.
    fn load(&self, picked: &[usize]) -> Result<Vec<Option<std::io::Result<Vec<u8>>>>> {
        let inner = &self.0;
        let mut bytes: Vec<Option<std::io::Result<Vec<u8>>>> =
            picked.iter().map(|_| None).collect();
        if inner.source.is_parquet() {
            let missing: Vec<usize> = (0..picked.len())
                .filter(|&j| inner.decoded[picked[j]].get().is_none())
                .collect();
            let refs: Vec<&SampleRef> = missing
                .iter()
                .map(|&j| &inner.source.samples[picked[j]])
                .collect();
            for (j, b) in missing.into_iter().zip(inner.source.load(&refs)?) {
                bytes[j] = Some(b);
            }
        }
        Ok(bytes)
    }

    fn render_sample(
        &self,
        epoch: u64,
        i: usize,
        bytes: Option<std::io::Result<Vec<u8>>>,
    ) -> Result<ViewSample> {
        let inner = &self.0;
        let s = &inner.source.samples[i];
        let img = self.image(i, bytes)?;
        let c = &inner.cfg;
        let key = epoch_key(inner.keys[i], epoch);
        let views = render_views(
            &c.recipe,
            (c.k, c.size, c.seed, key),
            &img,
            |params, _, image| Ok(View { image, params }),
        )?;
        Ok(ViewSample {
            id: s.id.clone(),
            label: s.label.clone(),
            views,
        })
    }

    /// Samples `idx` whole, each resized to `size` x `size` with no augmentation (what an
    /// evaluation embeds), decoded on the rayon pool.
    pub fn plain(&self, idx: &[usize]) -> Result<Vec<RgbImage>> {
        let size = self.0.cfg.size;
        idx.par_iter()
            .zip(self.load(idx)?)
            .map(|(&i, b)| {
                let img = self.image(i, b)?;
                let whole = (0, 0, img.height(), img.width());
                resized_crop(&img, whole, size, size, Interpolation::Bilinear)
            })
            .collect()
    }

    /// The decoded pixels of sample `i`: from the cache, or decoded from `bytes` (read here when
    /// None) and kept while the cache has room.
    fn image(&self, i: usize, bytes: Option<std::io::Result<Vec<u8>>>) -> Result<Arc<RgbImage>> {
        let inner = &self.0;
        if let Some(img) = inner.decoded[i].get() {
            return Ok(img.clone());
        }
        let s = &inner.source.samples[i];
        let origin = || inner.source.origin(s);
        let bytes = bytes
            .unwrap_or_else(|| inner.source.read_file(s))
            .map_err(|e| {
                err!(input(
                    "image `{}` ({}) could not be read: {e}",
                    s.id,
                    origin()
                ))
            })?;
        let img = decode(&bytes, inner.cfg.max_pixels)
            .map_err(|e| err!(input("image `{}` ({}) {e}", s.id, origin())))?;
        let img = Arc::new(img);
        let size = img.as_raw().len() as u64;
        // Room is reserved first; given back when over budget or when another caller (a `batch`
        // beside an `epoch`) cached this image first.
        let room = inner.cached.fetch_add(size, Ordering::Relaxed) + size <= inner.cfg.cache_bytes;
        if !room || inner.decoded[i].set(img.clone()).is_err() {
            inner.cached.fetch_sub(size, Ordering::Relaxed);
        }
        Ok(img)
    }
}

/// The batches of one epoch, in order, as the producer renders them.
pub struct EpochIter(Receiver<Result<ViewBatch>>);

impl Iterator for EpochIter {
    type Item = Result<ViewBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.recv().ok()
    }
}
