//! `views gen`: list samples, decode each once, render K views, write Parquet shards whose row groups
//! hold whole K-view groups, then the manifest.
//!
//! Shard j holds selected samples `[j * shard_samples, (j + 1) * shard_samples)`. A shard's report is
//! written to `OUT/.sluice/` before the shard is renamed into place, so a rerun keeps every finished
//! shard and redoes the rest; the manifest is written last.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};

use arrow::array::{
    ArrayRef, BinaryBuilder, RecordBatch, StringBuilder, UInt16Builder, UInt32Builder,
};
use arrow::datatypes::SchemaRef;
use image::RgbImage;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::fingerprint::{sha256_bytes, sha256_file};
use crate::core::job::{Ctx, Identity, Job};
use crate::core::manifest::{InputFingerprint, ShardInfo, read_json, write_json};
use crate::core::outdir::WORK;
use crate::core::rng::content_key;
use crate::dataset::parquet::{ShardWriter, Shards, zstd};
pub use crate::dataset::views::{
    InputReport, META_KEY, SampleCounts, Skipped, ViewFormat, ViewsBody, ViewsManifest, ViewsMeta,
    decode_view, read_manifest, views_schema,
};
use crate::error::{Error, IoContext, Result};
use crate::source::OnError;
use crate::views::decode::decode;
use crate::views::params::ViewParams;
use crate::views::recipe::Recipe;
use crate::views::render::render_views;
use crate::views::source::{Columns, ImageSource, SampleRef};

/// Everything that decides the output bytes. Threads never change them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ViewsConfig {
    pub input: PathBuf,
    pub columns: Columns,
    pub k: u32,
    pub recipe: Recipe,
    pub size: u32,
    pub seed: u64,
    pub format: ViewFormat,
    pub quality: u8,
    pub shard: u32,
    pub of: u32,
    pub on_error: OnError,
    pub max_pixels: u64,
    /// Samples per Parquet row group (x K rows).
    pub group_samples: u32,
    /// Samples per output file.
    pub shard_samples: u32,
}

/// One finished shard, kept in the work directory so a resumed run can rebuild the manifest.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
struct ShardReport {
    samples: u64,
    skipped: Vec<Skipped>,
    info: Option<ShardInfo>,
}

impl ViewsConfig {
    fn meta(&self) -> ViewsMeta {
        ViewsMeta {
            recipe: self.recipe.clone(),
            k: self.k,
            size: self.size,
            seed: self.seed,
            format: self.format,
            quality: self.quality,
            params_fields: ViewParams::FIELDS.iter().map(|s| s.to_string()).collect(),
            layout: "K consecutive rows per sample (view 0..K-1); row groups hold whole samples; \
                     crop fields in source pixels, *_norm divided by the source size; flags 0/1"
                .into(),
        }
    }

    fn validate(&self) -> Result<()> {
        if self.k == 0 {
            return Err(Error::config("--k must be at least 1 (views per sample)"));
        }
        if self.k > u16::MAX as u32 {
            bail!(config("--k {} is above 65535", self.k));
        }
        if self.size == 0 || self.size > crate::views::recipe::MAX_SIZE {
            bail!(config(
                "--size {} is outside 1..={}",
                self.size,
                crate::views::recipe::MAX_SIZE
            ));
        }
        if self.of == 0 || self.shard >= self.of {
            bail!(config(
                "--shard {} --of {}: need 0 <= shard < of",
                self.shard,
                self.of
            ));
        }
        if !(1..=100).contains(&self.quality) {
            return Err(Error::config("--quality must be in 1..=100"));
        }
        if self.group_samples == 0 || self.shard_samples == 0 {
            return Err(Error::config(
                "--group-samples and --shard-samples must be at least 1",
            ));
        }
        self.recipe
            .validate()
            .map_err(|e| err!(config("recipe `{}`: {e}", self.recipe.name)))
    }
}

/// `views gen` as a [`Job`]; the source is listed and hashed when its identity is taken.
pub struct ViewsGen {
    cfg: ViewsConfig,
    opened: Option<(ImageSource, InputReport)>,
}

impl ViewsGen {
    pub fn new(cfg: ViewsConfig) -> Self {
        ViewsGen { cfg, opened: None }
    }
}

impl Job for ViewsGen {
    type Body = ViewsBody;

    fn command(&self) -> &'static str {
        "views gen"
    }

    fn outputs(&self) -> Vec<String> {
        vec!["views".into()]
    }

    fn validate(&self) -> Result<()> {
        self.cfg.validate()
    }

    fn identity(&mut self, id: &mut Identity) -> Result<()> {
        let source = ImageSource::open(&self.cfg.input, &self.cfg.columns)?;
        let input = image_inputs(id, &source)?;
        id.add("config", &self.cfg)?;
        self.opened = Some((source, input));
        Ok(())
    }

    fn execute(&mut self, ctx: &mut Ctx) -> Result<ViewsBody> {
        let (source, input) = self
            .opened
            .take()
            .ok_or_else(|| Error::internal("views gen executed before its identity"))?;
        generate(&self.cfg, ctx, &source, input)
    }
}

fn generate(
    cfg: &ViewsConfig,
    ctx: &mut Ctx,
    source: &ImageSource,
    input: InputReport,
) -> Result<ViewsBody> {
    let pool = ctx.pool()?;
    let out = ctx.out;
    let selected: Vec<&SampleRef> = source
        .samples
        .iter()
        .filter(|s| cfg.of == 1 || content_key(s.id.as_bytes()) % cfg.of as u64 == cfg.shard as u64)
        .collect();
    let meta = serde_json::to_string(&cfg.meta()).map_err(|e| Error::internal(e.to_string()))?;
    let shards = Shards::new(out, "views", views_schema(&meta), props(cfg))?;
    let bar = ctx
        .exec
        .progress
        .bar(selected.len() as u64, "views", "samples");
    let chunks: Vec<&[&SampleRef]> = selected.chunks(cfg.shard_samples as usize).collect();
    let mut reports: Vec<Option<ShardReport>> = vec![None; chunks.len()];
    let mut todo = Vec::new();
    for (j, chunk) in chunks.iter().enumerate() {
        let report_path = out.join(WORK).join(format!("part-{j:05}.json"));
        if shards.finished(j) && report_path.exists() {
            reports[j] = Some(read_json::<ShardReport>(&report_path)?);
            bar.inc(chunk.len() as u64);
        } else {
            todo.push((j, *chunk));
        }
    }
    ctx.resumed((chunks.len() - todo.len()) as u64);
    // Rendering (the pool) and writing (one thread) overlap: the writer takes finished row groups
    // through a short queue and owns each shard from open to rename.
    let written = std::thread::scope(|scope| -> Result<Vec<(usize, ShardReport)>> {
        let (tx, rx) = sync_channel::<ToWriter>(2);
        let writer = scope.spawn(|| shard_writer(rx, &shards, cfg, out));
        let produced = (|| -> Result<()> {
            for (j, chunk) in &todo {
                let open = ToWriter::Open {
                    shard: *j,
                    samples: chunk.len() as u64,
                };
                if tx.send(open).is_err() {
                    return Ok(()); // the writer failed; join() reports why
                }
                for group in chunk.chunks(cfg.group_samples as usize) {
                    let (kept, skipped) = pool.install(|| render_group(cfg, source, group))?;
                    bar.inc(group.len() as u64);
                    if tx.send(ToWriter::Group { kept, skipped }).is_err() {
                        return Ok(());
                    }
                }
                if tx.send(ToWriter::Close).is_err() {
                    return Ok(());
                }
            }
            Ok(())
        })();
        drop(tx);
        let written = writer
            .join()
            .map_err(|_| Error::internal("the shard writer thread panicked"))??;
        produced?;
        Ok(written)
    })?;
    for (j, report) in written {
        reports[j] = Some(report);
    }
    bar.finish_and_clear();
    let reports: Vec<ShardReport> = reports
        .into_iter()
        .collect::<Option<_>>()
        .ok_or_else(|| Error::internal("a shard was neither resumed nor written"))?;
    body(cfg, source, selected.len() as u64, input, reports)
}

/// The manifest body from every shard's report.
fn body(
    cfg: &ViewsConfig,
    source: &ImageSource,
    selected: u64,
    input: InputReport,
    reports: Vec<ShardReport>,
) -> Result<ViewsBody> {
    let mut samples = SampleCounts {
        listed: source.samples.len() as u64,
        selected,
        ..Default::default()
    };
    let mut skipped_samples = Vec::new();
    let mut shards = Vec::new();
    for r in reports {
        samples.written += r.samples - r.skipped.len() as u64;
        for s in r.skipped {
            *samples.skipped.entry(s.reason.clone()).or_default() += 1;
            skipped_samples.push(s);
        }
        shards.extend(r.info);
    }
    Ok(ViewsBody {
        config: serde_json::to_value(cfg).map_err(|e| Error::internal(e.to_string()))?,
        input,
        views: samples.written * cfg.k as u64,
        samples,
        skipped_samples,
        shards,
    })
}

/// How views shards are written: ZSTD 3, encoded images stored as they are, row groups of whole
/// K-view groups.
fn props(cfg: &ViewsConfig) -> WriterProperties {
    zstd(3)
        // Encoded images do not compress; raw pixels are left raw for speed.
        .set_column_compression(ColumnPath::from("image"), Compression::UNCOMPRESSED)
        .set_column_dictionary_enabled(ColumnPath::from("image"), false)
        .set_max_row_group_row_count(Some((cfg.group_samples as usize * cfg.k as usize).max(1)))
        .set_created_by(format!("sluice {}", env!("CARGO_PKG_VERSION")))
        .build()
}

/// The images of `source` as an input of `id` (role `images`): every file's relative path and
/// sha256, hashed on the run's workers.
pub fn image_inputs(id: &mut Identity, source: &ImageSource) -> Result<InputReport> {
    let files = Files {
        kind: source.kind(),
        root: &source.root,
        shown: &source.shown,
        files: &source.files,
        ignored: source.ignored,
    };
    hashed_inputs(id, "images", files)
}

/// Input files of a run, under one root.
pub struct Files<'a> {
    pub kind: &'a str,
    pub root: &'a std::path::Path,
    /// The root as the user named it (a URL for a local copy of objects).
    pub shown: &'a str,
    pub files: &'a [std::path::PathBuf],
    /// Files under the root that were not read.
    pub ignored: u64,
}

/// `files` as an input of `id` under `role`: every file's relative path and sha256, hashed on the
/// run's workers.
pub fn hashed_inputs(id: &mut Identity, role: &str, files: Files) -> Result<InputReport> {
    let input = id.pool()?.install(|| fingerprint_inputs(&files))?;
    id.input(
        role,
        InputFingerprint {
            path: input.root.clone(),
            bytes: input.bytes,
            sha256: Some(input.sha256.clone()),
            etag: None,
        },
    );
    Ok(input)
}

fn fingerprint_inputs(source: &Files) -> Result<InputReport> {
    let hashed: Vec<(String, u64, String)> = source
        .files
        .par_iter()
        .map(|f| {
            let bytes = std::fs::metadata(f).at("stat", f)?.len();
            let rel = f.strip_prefix(source.root).unwrap_or(f);
            Ok((rel.display().to_string(), bytes, sha256_file(f)?))
        })
        .collect::<Result<_>>()?;
    let listing: String = hashed
        .iter()
        .map(|(p, _, h)| format!("{h}  {p}\n"))
        .collect();
    Ok(InputReport {
        kind: source.kind.into(),
        root: source.shown.to_string(),
        files: hashed.len() as u64,
        bytes: hashed.iter().map(|h| h.1).sum(),
        sha256: sha256_bytes(listing.as_bytes()),
        ignored_files: source.ignored,
    })
}

/// One rendered view: its params, side in pixels and encoded bytes.
type View = (ViewParams, u32, Vec<u8>);
/// One sample's K views, or why it was skipped.
type Rendered = std::result::Result<Vec<View>, Skipped>;

/// Samples of a row group that rendered, with their K views.
type Kept<'a> = Vec<(&'a SampleRef, Vec<View>)>;

/// What the render loop hands the shard writer.
enum ToWriter<'a> {
    Open {
        shard: usize,
        samples: u64,
    },
    Group {
        kept: Kept<'a>,
        skipped: Vec<Skipped>,
    },
    Close,
}

/// Render one row group's samples in parallel; the batch holds the kept samples' K views each.
fn render_group<'a>(
    cfg: &ViewsConfig,
    source: &ImageSource,
    group: &[&'a SampleRef],
) -> Result<(Kept<'a>, Vec<Skipped>)> {
    // Parquet rows are read together; image files are read by the worker that decodes them.
    let preloaded: Vec<Option<std::io::Result<Vec<u8>>>> = if source.is_parquet() {
        source.load(group)?.into_iter().map(Some).collect()
    } else {
        group.iter().map(|_| None).collect()
    };
    // Collected whole, then checked in input order: the error reported is the first sample's,
    // whatever the thread timing.
    let rendered: Vec<Result<Rendered>> = group
        .par_iter()
        .zip(preloaded)
        .map(|(s, b)| {
            let bytes = b.unwrap_or_else(|| source.read_file(s));
            render_sample(cfg, source, s, bytes)
        })
        .collect();
    let mut kept = Vec::new();
    let mut skipped = Vec::new();
    for (s, r) in group.iter().zip(rendered) {
        match r? {
            Ok(views) => kept.push((*s, views)),
            Err(skip) => skipped.push(skip),
        }
    }
    Ok((kept, skipped))
}

/// Write shards as their row groups arrive. A shard is renamed into place only on `Close`, after
/// its report is saved; if the queue ends mid-shard (the renderer failed), the temp file goes.
fn shard_writer(
    rx: Receiver<ToWriter<'_>>,
    shards: &Shards,
    cfg: &ViewsConfig,
    out: &Path,
) -> Result<Vec<(usize, ShardReport)>> {
    let mut done = Vec::new();
    let mut open: Option<(usize, ShardWriter, ShardReport)> = None;
    for msg in rx {
        match msg {
            ToWriter::Open { shard, samples } => {
                let report = ShardReport {
                    samples,
                    ..Default::default()
                };
                open = Some((shard, shards.create(shard)?, report));
            }
            ToWriter::Group { kept, skipped } => {
                let (_, writer, report) = open
                    .as_mut()
                    .ok_or_else(|| Error::internal("row group outside a shard"))?;
                report.skipped.extend(skipped);
                if !kept.is_empty() {
                    // Built here, not in the render loop, so the copy overlaps the next group.
                    writer.write(&to_batch(shards.schema(), cfg, &kept)?)?;
                    writer.flush()?;
                }
            }
            ToWriter::Close => {
                let (shard, writer, mut report) = open
                    .take()
                    .ok_or_else(|| Error::internal("close outside a shard"))?;
                let closed = writer.close()?;
                report.info = Some(closed.info.clone());
                // The report first, then the rename: a shard on disk always has its report.
                write_json(
                    &out.join(WORK).join(format!("part-{shard:05}.json")),
                    &report,
                )?;
                closed.commit()?;
                done.push((shard, report));
            }
        }
    }
    Ok(done)
}

fn render_sample(
    cfg: &ViewsConfig,
    source: &ImageSource,
    s: &SampleRef,
    bytes: std::io::Result<Vec<u8>>,
) -> Result<Rendered> {
    let origin = || source.origin(s);
    let fail = |reason: &str, message: String| -> Result<Rendered> {
        match cfg.on_error {
            OnError::Fail => Err(err!(input(
                "image `{}` ({}) {message}; pass --on-error skip to count and skip such images",
                s.id,
                origin()
            ))),
            OnError::Skip => Ok(Err(Skipped {
                sample_id: s.id.clone(),
                origin: origin(),
                reason: reason.into(),
                message,
            })),
        }
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => return fail("unreadable", format!("could not be read: {e}")),
    };
    let img = match decode(&bytes, cfg.max_pixels) {
        Ok(img) => img,
        Err(e) => return fail(e.reason(), e.to_string()),
    };
    drop(bytes);
    let key = content_key(s.id.as_bytes());
    let views = render_views(
        &cfg.recipe,
        (cfg.k, cfg.size, cfg.seed, key),
        &img,
        |p, side, view| {
            let bytes = match cfg.format {
                ViewFormat::Raw => view.into_raw(),
                _ => encode(&view, cfg.format, cfg.quality)?,
            };
            Ok((p, side, bytes))
        },
    )?;
    Ok(Ok(views))
}

/// Encode a rendered view in the output format.
pub fn encode(img: &RgbImage, format: ViewFormat, quality: u8) -> Result<Vec<u8>> {
    use image::ImageEncoder;
    let (w, h) = img.dimensions();
    let mut buf = Vec::new();
    let res = match format {
        ViewFormat::Raw => return Ok(img.as_raw().clone()),
        ViewFormat::Png => image::codecs::png::PngEncoder::new_with_quality(
            Cursor::new(&mut buf),
            image::codecs::png::CompressionType::Fast,
            image::codecs::png::FilterType::Adaptive,
        )
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8),
        ViewFormat::Jpeg => {
            image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut buf), quality)
                .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        }
    };
    res.map_err(|e| err!(internal("encode view: {e}")))?;
    Ok(buf)
}

fn to_batch(
    schema: &SchemaRef,
    cfg: &ViewsConfig,
    kept: &[(&SampleRef, Vec<View>)],
) -> Result<RecordBatch> {
    let n = kept.len() * cfg.k as usize;
    let mut ids = StringBuilder::with_capacity(n, n * 16);
    let mut view = UInt16Builder::with_capacity(n);
    let mut label = StringBuilder::with_capacity(n, n * 8);
    let bytes: usize = kept
        .iter()
        .flat_map(|(_, v)| v.iter().map(|x| x.2.len()))
        .sum();
    let mut image = BinaryBuilder::with_capacity(n, bytes);
    let mut height = UInt32Builder::with_capacity(n);
    let mut width = UInt32Builder::with_capacity(n);
    let mut recipe = StringBuilder::with_capacity(n, n * cfg.recipe.name.len());
    let mut params = Vec::with_capacity(n);
    for (s, views) in kept {
        for (v, (p, side, bytes)) in views.iter().enumerate() {
            ids.append_value(&s.id);
            view.append_value(v as u16);
            label.append_option(s.label.as_deref());
            image.append_value(bytes);
            height.append_value(*side);
            width.append_value(*side);
            recipe.append_value(&cfg.recipe.name);
            params.push(*p);
        }
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(ids.finish()),
        Arc::new(view.finish()),
        Arc::new(label.finish()),
        Arc::new(image.finish()),
        Arc::new(height.finish()),
        Arc::new(width.finish()),
        Arc::new(recipe.finish()),
        Arc::new(ViewParams::to_struct_array(&params)),
    ];
    RecordBatch::try_new(schema.clone(), columns).map_err(|e| err!(internal("views batch: {e}")))
}
