//! `views gen`: list samples, decode each once, render K views, write Parquet shards whose row groups
//! hold whole K-view groups, then the manifest.
//!
//! Shard j holds selected samples `[j * shard_samples, (j + 1) * shard_samples)`. A shard's report is
//! written to `OUT/.sluice/` before the shard is renamed into place, so a rerun keeps every finished
//! shard and redoes the rest; the manifest is written last.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};

use arrow::array::{
    ArrayRef, BinaryBuilder, RecordBatch, StringBuilder, UInt16Builder, UInt32Builder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use image::RgbImage;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::atomic::AtomicFile;
use crate::core::fingerprint::{sha256_bytes, sha256_file};
use crate::core::manifest::{ShardInfo, read_json, write_json};
use crate::core::outdir::{self, OutState, WORK};
use crate::core::progress::Progress;
use crate::core::rng::content_key;
use crate::error::{Error, IoContext, Result};
use crate::source::OnError;
use crate::views::decode::decode;
use crate::views::params::ViewParams;
use crate::views::recipe::Recipe;
use crate::views::render::render;
use crate::views::sample::sample_view;
use crate::views::source::{Columns, ImageSource, SampleRef};

const OUTPUTS: [&str; 3] = ["views", "manifest.json", WORK];
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

#[derive(Clone, Debug)]
pub struct ExecConfig {
    pub out: PathBuf,
    pub threads: usize,
    pub overwrite: bool,
    pub progress: Progress,
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

/// `manifest.json`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ViewsManifest {
    pub sluice_version: String,
    pub command: String,
    pub fingerprint: String,
    pub config: serde_json::Value,
    pub input: InputReport,
    pub samples: SampleCounts,
    pub views: u64,
    pub skipped_samples: Vec<Skipped>,
    pub shards: Vec<ShardInfo>,
}

impl outdir::Fingerprinted for ViewsManifest {
    fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
}

/// One finished shard, kept in the work directory so a resumed run can rebuild the manifest.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
struct ShardReport {
    samples: u64,
    skipped: Vec<Skipped>,
    info: Option<ShardInfo>,
}

pub struct Outcome {
    pub manifest: ViewsManifest,
    pub up_to_date: bool,
    pub resumed_shards: u64,
}

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
            return Err(Error::config(format!("--k {} is above 65535", self.k)));
        }
        if self.size == 0 || self.size > crate::views::recipe::MAX_SIZE {
            return Err(Error::config(format!(
                "--size {} is outside 1..={}",
                self.size,
                crate::views::recipe::MAX_SIZE
            )));
        }
        if self.of == 0 || self.shard >= self.of {
            return Err(Error::config(format!(
                "--shard {} --of {}: need 0 <= shard < of",
                self.shard, self.of
            )));
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
            .map_err(|e| Error::config(format!("recipe `{}`: {e}", self.recipe.name)))
    }
}

pub fn run(cfg: &ViewsConfig, exec: &ExecConfig) -> Result<Outcome> {
    cfg.validate()?;
    let source = ImageSource::open(&cfg.input, &cfg.columns)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(exec.threads.max(1))
        .build()
        .map_err(|e| Error::internal(format!("thread pool: {e}")))?;
    let input = pool.install(|| fingerprint_inputs(&source))?;
    let config_json = serde_json::to_value(cfg).map_err(|e| Error::internal(e.to_string()))?;
    let fingerprint = sha256_bytes(
        serde_json::json!({
            "version": env!("CARGO_PKG_VERSION"),
            "config": config_json,
            "inputs": input.sha256,
        })
        .to_string()
        .as_bytes(),
    );
    let out = &exec.out;
    if let OutState::UpToDate(manifest) =
        outdir::prepare::<ViewsManifest>(out, &fingerprint, exec.overwrite, &OUTPUTS)?
    {
        return Ok(Outcome {
            manifest: *manifest,
            up_to_date: true,
            resumed_shards: 0,
        });
    }

    let selected: Vec<&SampleRef> = source
        .samples
        .iter()
        .filter(|s| cfg.of == 1 || content_key(s.id.as_bytes()) % cfg.of as u64 == cfg.shard as u64)
        .collect();
    let meta = serde_json::to_string(&cfg.meta()).map_err(|e| Error::internal(e.to_string()))?;
    let schema = views_schema(&meta);
    let dir = out.join("views");
    std::fs::create_dir_all(&dir).at("create", &dir)?;
    let bar = exec.progress.bar(selected.len() as u64, "views", "samples");
    let chunks: Vec<&[&SampleRef]> = selected.chunks(cfg.shard_samples as usize).collect();
    let mut reports: Vec<Option<ShardReport>> = vec![None; chunks.len()];
    let mut todo = Vec::new();
    for (j, chunk) in chunks.iter().enumerate() {
        let report_path = out.join(WORK).join(format!("part-{j:05}.json"));
        if out.join(shard_rel(j)).exists() && report_path.exists() {
            reports[j] = Some(read_json::<ShardReport>(&report_path)?);
            bar.inc(chunk.len() as u64);
        } else {
            todo.push((j, *chunk));
        }
    }
    let resumed = (chunks.len() - todo.len()) as u64;
    // Rendering (the pool) and writing (one thread) overlap: the writer takes finished row groups
    // through a short queue and owns each shard from open to rename.
    let written = std::thread::scope(|scope| -> Result<Vec<(usize, ShardReport)>> {
        let (tx, rx) = sync_channel::<ToWriter>(2);
        let writer = scope.spawn(|| shard_writer(rx, &schema, cfg, out));
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
                    let (kept, skipped) = pool.install(|| render_group(cfg, &source, group))?;
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

    let mut samples = SampleCounts {
        listed: source.samples.len() as u64,
        selected: selected.len() as u64,
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
    let manifest = ViewsManifest {
        sluice_version: env!("CARGO_PKG_VERSION").into(),
        command: "views gen".into(),
        fingerprint,
        config: config_json,
        input,
        views: samples.written * cfg.k as u64,
        samples,
        skipped_samples,
        shards,
    };
    write_json(&out.join("manifest.json"), &manifest)?;
    let _ = std::fs::remove_dir_all(out.join(WORK));
    Ok(Outcome {
        manifest,
        up_to_date: false,
        resumed_shards: resumed,
    })
}

fn fingerprint_inputs(source: &ImageSource) -> Result<InputReport> {
    let hashed: Vec<(String, u64, String)> = source
        .files
        .par_iter()
        .map(|f| {
            let bytes = std::fs::metadata(f).at("stat", f)?.len();
            let rel = f.strip_prefix(&source.root).unwrap_or(f);
            Ok((rel.display().to_string(), bytes, sha256_file(f)?))
        })
        .collect::<Result<_>>()?;
    let listing: String = hashed
        .iter()
        .map(|(p, _, h)| format!("{h}  {p}\n"))
        .collect();
    Ok(InputReport {
        kind: source.kind().into(),
        root: source.root.display().to_string(),
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

fn shard_rel(j: usize) -> String {
    format!("views/part-{j:05}.parquet")
}

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
    schema: &SchemaRef,
    cfg: &ViewsConfig,
    out: &Path,
) -> Result<Vec<(usize, ShardReport)>> {
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(3).expect("valid level"),
        ))
        // Encoded images do not compress; raw pixels are left raw for speed.
        .set_column_compression(ColumnPath::from("image"), Compression::UNCOMPRESSED)
        .set_column_dictionary_enabled(ColumnPath::from("image"), false)
        .set_max_row_group_row_count(Some((cfg.group_samples as usize * cfg.k as usize).max(1)))
        .set_created_by(format!("sluice {}", env!("CARGO_PKG_VERSION")))
        .build();
    let mut done = Vec::new();
    let mut open: Option<(usize, ArrowWriter<AtomicFile>, ShardReport, u64)> = None;
    for msg in rx {
        match msg {
            ToWriter::Open { shard, samples } => {
                let path = out.join(shard_rel(shard));
                let writer = ArrowWriter::try_new(
                    AtomicFile::create(&path)?,
                    schema.clone(),
                    Some(props.clone()),
                )
                .map_err(|e| {
                    Error::internal(format!("parquet writer for {}: {e}", path.display()))
                })?;
                let report = ShardReport {
                    samples,
                    ..Default::default()
                };
                open = Some((shard, writer, report, 0));
            }
            ToWriter::Group { kept, skipped } => {
                let (shard, writer, report, rows) = open
                    .as_mut()
                    .ok_or_else(|| Error::internal("row group outside a shard"))?;
                report.skipped.extend(skipped);
                if !kept.is_empty() {
                    // Built here, not in the render loop, so the copy overlaps the next group.
                    let batch = to_batch(schema, cfg, &kept)?;
                    *rows += batch.num_rows() as u64;
                    writer
                        .write(&batch)
                        .and_then(|_| writer.flush())
                        .map_err(|e| {
                            Error::internal(format!("write {}: {e}", shard_rel(*shard)))
                        })?;
                }
            }
            ToWriter::Close => {
                let (shard, writer, mut report, rows) = open
                    .take()
                    .ok_or_else(|| Error::internal("close outside a shard"))?;
                let rel = shard_rel(shard);
                let mut file = writer
                    .into_inner()
                    .map_err(|e| Error::internal(format!("finish {rel}: {e}")))?;
                file.flush_and_sync()?;
                let (bytes, sha256) = file.digest();
                report.info = Some(ShardInfo {
                    path: rel,
                    rows,
                    bytes,
                    sha256,
                });
                // The report first, then the rename: a shard on disk always has its report.
                write_json(
                    &out.join(WORK).join(format!("part-{shard:05}.json")),
                    &report,
                )?;
                file.commit()?;
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
            OnError::Fail => Err(Error::input(format!(
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
    let views = (0..cfg.k)
        .into_par_iter()
        .map(|v| {
            let spec = cfg.recipe.view(v);
            let side = spec.side(cfg.size);
            let p = sample_view(spec, side, img.height(), img.width(), cfg.seed, key, v);
            let view = render(&img, spec, side, &p)?;
            let bytes = match cfg.format {
                ViewFormat::Raw => view.into_raw(),
                _ => encode(&view, cfg.format, cfg.quality)?,
            };
            Ok((p, side, bytes))
        })
        .collect::<Result<Vec<_>>>()?;
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
    res.map_err(|e| Error::internal(format!("encode view: {e}")))?;
    Ok(buf)
}

/// Decode a stored view back to pixels.
pub fn decode_view(bytes: &[u8], format: ViewFormat, width: u32, height: u32) -> Result<RgbImage> {
    match format {
        ViewFormat::Raw => RgbImage::from_raw(width, height, bytes.to_vec()).ok_or_else(|| {
            Error::input(format!(
                "raw view holds {} bytes, not {width}x{height}x3",
                bytes.len()
            ))
        }),
        _ => image::load_from_memory(bytes)
            .map(|i| i.into_rgb8())
            .map_err(|e| Error::input(format!("stored view does not decode: {e}"))),
    }
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
    RecordBatch::try_new(schema.clone(), columns)
        .map_err(|e| Error::internal(format!("views batch: {e}")))
}

/// Read `manifest.json` of a views output directory.
pub fn read_manifest(dir: &Path) -> Result<ViewsManifest> {
    let path = dir.join("manifest.json");
    if !path.exists() {
        return Err(Error::input(format!(
            "{} has no manifest.json: not a finished `views gen` output",
            dir.display()
        )));
    }
    read_json(&path)
}
