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
use crate::views::stored::{Stored, StoredInfo};

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

/// Where a stream's views come from: rendered now from images ([`Rendered`]), or read back from a
/// `views gen` output ([`Stored`]).
pub trait Producer: Send + Sync {
    /// The samples, in input order.
    fn samples(&self) -> &[SampleRef];
    /// The K views of samples `picked` (indices into [`Self::samples`]) in `epoch`, drawn with
    /// `keys` (one per sample), in `picked` order.
    fn views(
        &self,
        cfg: &StreamConfig,
        epoch: u64,
        keys: &[u64],
        picked: &[usize],
    ) -> Result<Vec<ViewSample>>;
    /// Samples `idx` as one unaugmented `size` x `size` image each (what an evaluation embeds).
    fn plain(&self, size: u32, idx: &[usize]) -> Result<Vec<RgbImage>>;
    /// The local copy of an object-store input, while the producer lives.
    fn local_copy(&self) -> Option<&Path> {
        None
    }
}

struct Inner {
    cfg: StreamConfig,
    producer: Box<dyn Producer>,
    keys: Vec<u64>,
}

/// Samples served epoch by epoch in keyed batches, their views from a [`Producer`].
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
        check(&cfg)?;
        let mut source = ImageSource::open(input, columns)?;
        if source.samples.is_empty() {
            bail!(input("no images under {}", input.display()));
        }
        source.samples.retain(|s| keep(s));
        let producer = Rendered {
            decoded: source.samples.iter().map(|_| OnceLock::new()).collect(),
            source,
            cached: AtomicU64::new(0),
            max_pixels: cfg.max_pixels,
            cache_bytes: cfg.cache_bytes,
        };
        Self::new(cfg, Box::new(producer))
    }

    /// As [`Self::open_where`] when `input` is a folder of images or Parquet; a finished
    /// `views gen` output serves its stored views instead ([`Stored`]).
    pub fn open_data(
        input: &Path,
        columns: &Columns,
        cfg: StreamConfig,
        keep: &dyn Fn(&SampleRef) -> bool,
    ) -> Result<Self> {
        match StoredInfo::detect(input)? {
            Some(info) => {
                check(&cfg)?;
                let stored = Stored::open(&info, &cfg, keep)?;
                Self::new(cfg, Box::new(stored))
            }
            None => Self::open_where(input, columns, cfg, keep),
        }
    }

    /// A stream over `producer`'s samples.
    pub fn new(cfg: StreamConfig, producer: Box<dyn Producer>) -> Result<Self> {
        check(&cfg)?;
        let keys = producer
            .samples()
            .iter()
            .map(|s| content_key(s.id.as_bytes()))
            .collect();
        Ok(ViewStream(Arc::new(Inner {
            cfg,
            producer,
            keys,
        })))
    }

    /// Where an object-store input was fetched, while this stream lives (see
    /// [`ImageSource::local_copy`]).
    pub fn local_copy(&self) -> Option<&Path> {
        self.0.producer.local_copy()
    }

    pub fn samples(&self) -> &[SampleRef] {
        self.0.producer.samples()
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
        let samples = self
            .0
            .producer
            .views(&self.0.cfg, epoch, &self.0.keys, picked)?;
        Ok(ViewBatch {
            epoch,
            index,
            samples,
        })
    }

    /// The K views of samples `picked` (indices into [`Self::samples`]) in `epoch`, rendered now
    /// on the rayon pool: what [`Self::batch`] renders for a batch, for callers that cut batches
    /// themselves (ranks and loader workers).
    pub fn views_of(&self, epoch: u64, picked: &[usize]) -> Result<Vec<ViewSample>> {
        self.0
            .producer
            .views(&self.0.cfg, epoch, &self.0.keys, picked)
    }

    /// Samples `idx` whole, each resized to `size` x `size` with no augmentation (what an
    /// evaluation embeds).
    pub fn plain(&self, idx: &[usize]) -> Result<Vec<RgbImage>> {
        self.0.producer.plain(self.0.cfg.size, idx)
    }
}

/// The checks every stream's configuration passes.
pub fn check(cfg: &StreamConfig) -> Result<()> {
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
        .map_err(|e| err!(config("recipe `{}`: {e}", cfg.recipe.name)))
}

/// Views rendered from images with the recipe, each image decoded once and kept (up to
/// `cache_bytes`) across epochs.
struct Rendered {
    source: ImageSource,
    decoded: Vec<OnceLock<Arc<RgbImage>>>,
    cached: AtomicU64,
    max_pixels: u64,
    cache_bytes: u64,
}

impl Producer for Rendered {
    fn samples(&self) -> &[SampleRef] {
        &self.source.samples
    }

    fn local_copy(&self) -> Option<&Path> {
        self.source.local_copy()
    }

    fn views(
        &self,
        cfg: &StreamConfig,
        epoch: u64,
        keys: &[u64],
        picked: &[usize],
    ) -> Result<Vec<ViewSample>> {
        let bytes = self.load(picked)?;
        // Collected whole, then the first failure in batch order is reported.
        picked
            .par_iter()
            .zip(bytes)
            .map(|(&i, b)| {
                let s = &self.source.samples[i];
                let img = self.image(i, b)?;
                let key = epoch_key(keys[i], epoch);
                let views = render_views(
                    &cfg.recipe,
                    (cfg.k, cfg.size, cfg.seed, key),
                    &img,
                    |params, _, image| Ok(View { image, params }),
                )?;
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

    /// Decoded on the rayon pool, resized whole.
    fn plain(&self, size: u32, idx: &[usize]) -> Result<Vec<RgbImage>> {
        idx.par_iter()
            .zip(self.load(idx)?)
            .map(|(&i, b)| {
                let img = self.image(i, b)?;
                let whole = (0, 0, img.height(), img.width());
                resized_crop(&img, whole, size, size, Interpolation::Bilinear)
            })
            .collect()
    }
}

impl Rendered {
    /// The bytes of samples `picked` not cached yet: Parquet rows read together (each file once);
    /// image files are left to the worker decoding them (None), as are cached samples.
    fn load(&self, picked: &[usize]) -> Result<Vec<Option<std::io::Result<Vec<u8>>>>> {
        let mut bytes: Vec<Option<std::io::Result<Vec<u8>>>> =
            picked.iter().map(|_| None).collect();
        if self.source.is_parquet() {
            let missing: Vec<usize> = (0..picked.len())
                .filter(|&j| self.decoded[picked[j]].get().is_none())
                .collect();
            let refs: Vec<&SampleRef> = missing
                .iter()
                .map(|&j| &self.source.samples[picked[j]])
                .collect();
            for (j, b) in missing.into_iter().zip(self.source.load(&refs)?) {
                bytes[j] = Some(b);
            }
        }
        Ok(bytes)
    }

    /// The decoded pixels of sample `i`: from the cache, or decoded from `bytes` (read here when
    /// None) and kept while the cache has room.
    fn image(&self, i: usize, bytes: Option<std::io::Result<Vec<u8>>>) -> Result<Arc<RgbImage>> {
        if let Some(img) = self.decoded[i].get() {
            return Ok(img.clone());
        }
        let s = &self.source.samples[i];
        let origin = || self.source.origin(s);
        let bytes = bytes
            .unwrap_or_else(|| self.source.read_file(s))
            .map_err(|e| {
                err!(input(
                    "image `{}` ({}) could not be read: {e}",
                    s.id,
                    origin()
                ))
            })?;
        let img = decode(&bytes, self.max_pixels)
            .map_err(|e| err!(input("image `{}` ({}) {e}", s.id, origin())))?;
        let img = Arc::new(img);
        let size = img.as_raw().len() as u64;
        // Room is reserved first; given back when over budget or when another caller (a `batch`
        // beside an `epoch`) cached this image first.
        let room = self.cached.fetch_add(size, Ordering::Relaxed) + size <= self.cache_bytes;
        if !room || self.decoded[i].set(img.clone()).is_err() {
            self.cached.fetch_sub(size, Ordering::Relaxed);
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
