//! `sluice logits cache`: run the teacher once over a `mix build` output and store, per packed
//! sequence, what students need: next-token log-probabilities, log Z, and a sparse distribution
//! (top-K or sampled) per position. Shards are atomic; a killed run resumes at the first missing one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use arrow::array::{
    ArrayRef, Float32Builder, ListBuilder, RecordBatch, UInt8Builder, UInt16Builder, UInt32Builder,
    UInt64Builder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};

use super::codec;
use crate::backend::{self, BackendKind, OptimConfig, TokenBatch, weights};
use crate::core::atomic::AtomicFile;
use crate::core::fingerprint::{sha256_bytes, sha256_file};
use crate::core::manifest::{ShardInfo, write_json};
use crate::core::outdir::{self, Fingerprinted, OutState};
use crate::core::progress::Progress;
use crate::core::rng::KeyedRng;
use crate::error::{Error, Result};
use crate::train::data::MixData;

/// Parquet key-value metadata key holding [`CacheMeta`] as JSON.
pub const META_KEY: &str = "sluice.logits";
pub const CONVENTION: &str = "row position t predicts token t+1";
pub const VALUE_ENCODING: &str = "u8 q = round(-logp * 16) clamped to 255; decode p = exp(-q / 16), \
    rescaled so the K probabilities sum to 1 - tail_mass (exact, float32)";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Topk,
    Sample,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CacheConfig {
    pub data: PathBuf,
    pub teacher: PathBuf,
    pub mode: Mode,
    /// top-K: ids kept per position.
    pub k: usize,
    /// sampled: draws per position.
    pub draws: usize,
    pub temperature: f32,
    /// Splits to cache (default: every non-empty split of the data).
    pub splits: Vec<String>,
    /// Sequences per teacher forward pass.
    pub batch_size: usize,
    pub shard_rows: usize,
    pub seed: u64,
    /// Cache only the first N sequences of each split.
    pub limit: Option<usize>,
}

/// What every shard's metadata and the manifest record about the cache.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CacheMeta {
    pub teacher: String,
    pub teacher_sha256: String,
    pub tokenizer_sha256: String,
    pub data_fingerprint: String,
    pub vocab_size: usize,
    pub seq_len: usize,
    pub mode: Mode,
    pub k: Option<usize>,
    pub draws: Option<usize>,
    pub temperature: f32,
    pub seed: u64,
    pub value_encoding: String,
    pub convention: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CacheManifest {
    pub sluice_version: String,
    pub fingerprint: String,
    pub meta: CacheMeta,
    pub splits: BTreeMap<String, Vec<ShardInfo>>,
    pub sequences: u64,
    pub tokens: u64,
    pub bytes: u64,
    pub bytes_per_token: f64,
    /// Seconds spent in the teacher's forward pass and in encoding + writing (this run only).
    pub teacher_seconds: f64,
    pub writer_seconds: f64,
}

impl Fingerprinted for CacheManifest {
    fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
}

pub struct CacheExec {
    pub out: PathBuf,
    pub backend: BackendKind,
    pub overwrite: bool,
    pub progress: Progress,
}

pub struct Outcome {
    pub manifest: CacheManifest,
    pub up_to_date: bool,
    pub shards_reused: usize,
}

pub fn schema(mode: Mode) -> SchemaRef {
    let list = |t: DataType| DataType::List(Arc::new(Field::new("item", t, false)));
    let nested = |t: DataType| list(list(t));
    let mut fields = vec![
        Field::new("seq_id", DataType::UInt64, false),
        Field::new("input_ids", list(DataType::UInt32), false),
        Field::new("doc_starts", list(DataType::UInt32), false),
        Field::new("target_logprob", list(DataType::Float32), false),
        Field::new("logz", list(DataType::Float32), false),
    ];
    match mode {
        Mode::Topk => fields.extend([
            Field::new("topk_ids", nested(DataType::UInt32), false),
            Field::new("topk_logprob_q", nested(DataType::UInt8), false),
            Field::new("tail_mass", list(DataType::Float32), false),
        ]),
        Mode::Sample => fields.extend([
            Field::new("sample_ids", nested(DataType::UInt32), false),
            Field::new("sample_counts", nested(DataType::UInt16), false),
        ]),
    }
    Arc::new(Schema::new(fields))
}

fn check(cfg: &CacheConfig) -> Result<()> {
    let bad = |m: String| Err(Error::config(m));
    match cfg.mode {
        Mode::Topk if !(1..=1024).contains(&cfg.k) => {
            bad(format!("--k {} must be in 1..=1024", cfg.k))
        }
        Mode::Sample if !(1..=65535).contains(&cfg.draws) => {
            bad(format!("--draws {} must be in 1..=65535", cfg.draws))
        }
        _ if !(cfg.temperature > 0.0 && cfg.temperature.is_finite()) => bad(format!(
            "--temperature {} must be a positive number",
            cfg.temperature
        )),
        _ if cfg.batch_size == 0 || cfg.shard_rows == 0 => {
            bad("--batch-size and --shard-rows must be at least 1".into())
        }
        _ => Ok(()),
    }
}

/// Builders for one shard's columns.
struct Columns {
    seq_id: UInt64Builder,
    input_ids: ListBuilder<UInt32Builder>,
    doc_starts: ListBuilder<UInt32Builder>,
    target: ListBuilder<Float32Builder>,
    logz: ListBuilder<Float32Builder>,
    tail: ListBuilder<Float32Builder>,
    ids: ListBuilder<ListBuilder<UInt32Builder>>,
    q: ListBuilder<ListBuilder<UInt8Builder>>,
    counts: ListBuilder<ListBuilder<UInt16Builder>>,
}

fn item(t: DataType) -> Arc<Field> {
    Arc::new(Field::new("item", t, false))
}

impl Columns {
    fn new() -> Self {
        let l2 = |t: DataType| Arc::new(Field::new("item", DataType::List(item(t)), false));
        Columns {
            seq_id: UInt64Builder::new(),
            input_ids: ListBuilder::new(UInt32Builder::new()).with_field(item(DataType::UInt32)),
            doc_starts: ListBuilder::new(UInt32Builder::new()).with_field(item(DataType::UInt32)),
            target: ListBuilder::new(Float32Builder::new()).with_field(item(DataType::Float32)),
            logz: ListBuilder::new(Float32Builder::new()).with_field(item(DataType::Float32)),
            tail: ListBuilder::new(Float32Builder::new()).with_field(item(DataType::Float32)),
            ids: ListBuilder::new(
                ListBuilder::new(UInt32Builder::new()).with_field(item(DataType::UInt32)),
            )
            .with_field(l2(DataType::UInt32)),
            q: ListBuilder::new(
                ListBuilder::new(UInt8Builder::new()).with_field(item(DataType::UInt8)),
            )
            .with_field(l2(DataType::UInt8)),
            counts: ListBuilder::new(
                ListBuilder::new(UInt16Builder::new()).with_field(item(DataType::UInt16)),
            )
            .with_field(l2(DataType::UInt16)),
        }
    }

    fn finish(&mut self, mode: Mode) -> Vec<ArrayRef> {
        let mut cols: Vec<ArrayRef> = vec![
            Arc::new(self.seq_id.finish()),
            Arc::new(self.input_ids.finish()),
            Arc::new(self.doc_starts.finish()),
            Arc::new(self.target.finish()),
            Arc::new(self.logz.finish()),
            Arc::new(self.ids.finish()),
        ];
        match mode {
            Mode::Topk => {
                cols.push(Arc::new(self.q.finish()));
                cols.push(Arc::new(self.tail.finish()));
            }
            Mode::Sample => cols.push(Arc::new(self.counts.finish())),
        }
        cols
    }
}

/// Encodes one row's logits into the builders.
fn encode_row(
    cfg: &CacheConfig,
    seq_id: u64,
    row: &[u32],
    starts: &[u32],
    logits: &[f32],
    vocab: usize,
    c: &mut Columns,
) {
    let len = row.len();
    c.seq_id.append_value(seq_id);
    c.input_ids.values().append_slice(row);
    c.input_ids.append(true);
    c.doc_starts.values().append_slice(starts);
    c.doc_starts.append(true);
    let (mut ids, mut q, mut counts) = (Vec::new(), Vec::new(), Vec::new());
    for t in 0..len {
        let (lz, lp) = codec::log_probs(&logits[t * vocab..(t + 1) * vocab], cfg.temperature);
        c.logz.values().append_value(lz);
        c.target.values().append_value(if t + 1 < len {
            lp[row[t + 1] as usize]
        } else {
            f32::NAN
        });
        ids.clear();
        q.clear();
        counts.clear();
        match cfg.mode {
            Mode::Topk => {
                codec::top_k(&lp, cfg.k, &mut ids, &mut q);
                c.q.values().values().append_slice(&q);
                c.q.values().append(true);
                // Exact mass outside the top K (from the unquantised values), so decoding can
                // renormalise the quantised ones and the student sees the true tail.
                let inside: f64 = ids.iter().map(|&i| (lp[i as usize] as f64).exp()).sum();
                c.tail.values().append_value((1.0 - inside).max(0.0) as f32);
            }
            Mode::Sample => {
                let key = seq_id.wrapping_mul(1 << 20).wrapping_add(t as u64);
                let rng = KeyedRng::new(cfg.seed, key, "logits-sample");
                codec::sample(&lp, cfg.draws, &rng, &mut ids, &mut counts);
                c.counts.values().values().append_slice(&counts);
                c.counts.values().append(true);
            }
        }
        c.ids.values().values().append_slice(&ids);
        c.ids.values().append(true);
    }
    c.target.append(true);
    c.logz.append(true);
    c.ids.append(true);
    match cfg.mode {
        Mode::Topk => {
            c.q.append(true);
            c.tail.append(true);
        }
        Mode::Sample => c.counts.append(true),
    }
}

pub fn cache(cfg: &CacheConfig, exec: &CacheExec) -> Result<Outcome> {
    check(cfg)?;
    let data = MixData::open(&cfg.data)?;
    let teacher_sha = sha256_file(&cfg.teacher)?;
    let mut loaded = weights::load(&cfg.teacher)?;
    let vocab = data.vocab_size();
    if loaded.config.vocab_size != vocab {
        return Err(Error::input(format!(
            "teacher {} has a vocabulary of {} tokens, the data in {} was tokenized with {} ({} tokens): \
             cache with the teacher's own tokenizer (`sluice model tokenizer`)",
            cfg.teacher.display(),
            loaded.config.vocab_size,
            data.dir.display(),
            data.manifest.tokenizer.path,
            vocab
        )));
    }
    let splits: Vec<String> = if cfg.splits.is_empty() {
        data.manifest
            .splits
            .iter()
            .filter(|(_, s)| s.sequences > 0)
            .map(|(n, _)| n.clone())
            .collect()
    } else {
        cfg.splits.clone()
    };
    let teacher_name = loaded
        .gguf
        .as_ref()
        .and_then(|g| g.get("general.name"))
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| {
            cfg.teacher
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        });
    let meta = CacheMeta {
        teacher: teacher_name,
        teacher_sha256: teacher_sha.clone(),
        tokenizer_sha256: data.manifest.tokenizer.sha256.clone(),
        data_fingerprint: data.manifest.fingerprint.clone(),
        vocab_size: vocab,
        seq_len: data.seq_len()?,
        mode: cfg.mode,
        k: (cfg.mode == Mode::Topk).then_some(cfg.k),
        draws: (cfg.mode == Mode::Sample).then_some(cfg.draws),
        temperature: cfg.temperature,
        seed: cfg.seed,
        value_encoding: match cfg.mode {
            Mode::Topk => VALUE_ENCODING.into(),
            Mode::Sample => "counts of N draws with replacement; p = count / N".into(),
        },
        convention: CONVENTION.into(),
    };
    let fp_cfg = CacheConfig {
        data: PathBuf::new(),
        teacher: PathBuf::new(),
        splits: splits.clone(),
        // Batching changes neither the values nor the files.
        batch_size: 0,
        ..cfg.clone()
    };
    let fingerprint = sha256_bytes(
        serde_json::to_string(&(&fp_cfg, &meta))
            .expect("config serialises")
            .as_bytes(),
    );
    if let OutState::UpToDate(m) = outdir::prepare::<CacheManifest>(
        &exec.out,
        &fingerprint,
        exec.overwrite,
        &splits.iter().map(String::as_str).collect::<Vec<_>>(),
    )? {
        return Ok(Outcome {
            manifest: *m,
            up_to_date: true,
            shards_reused: 0,
        });
    }
    let teacher = backend::open(
        exec.backend,
        &loaded.config.clone(),
        &mut loaded.weights,
        &OptimConfig::default(),
    )?;
    drop(loaded);
    let meta_json = serde_json::to_string(&meta).expect("meta serialises");
    let schema = schema(cfg.mode);
    let (mut teacher_s, mut writer_s) = (0f64, 0f64);
    let mut reused = 0;
    let mut shards = BTreeMap::new();
    let (mut sequences, mut tokens, mut bytes) = (0u64, 0u64, 0u64);
    for split_name in &splits {
        let split = data.split(split_name)?;
        let rows = cfg.limit.map_or(split.rows(), |l| l.min(split.rows()));
        let bar = exec
            .progress
            .bar(rows as u64, &format!("logits {split_name}"), "seqs");
        let dir = exec.out.join(split_name);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
        let mut infos = Vec::new();
        for (shard, start) in (0..rows).step_by(cfg.shard_rows).enumerate() {
            let n = cfg.shard_rows.min(rows - start);
            let rel = format!("{split_name}/part-{shard:05}.parquet");
            let path = exec.out.join(&rel);
            bar.set_position(start as u64);
            if path.exists() {
                // Renamed into place whole by an earlier run of this fingerprint.
                reused += 1;
                infos.push(ShardInfo::of(&exec.out, &rel, n as u64)?);
                continue;
            }
            let props = WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::try_new(3).expect("level 3")))
                .set_key_value_metadata(Some(vec![KeyValue::new(
                    META_KEY.into(),
                    meta_json.clone(),
                )]))
                .build();
            let file = AtomicFile::create(&path)?;
            let mut w = ArrowWriter::try_new(file, schema.clone(), Some(props))
                .map_err(|e| Error::internal(format!("parquet writer for {rel}: {e}")))?;
            let mut cols = Columns::new();
            for b0 in (start..start + n).step_by(cfg.batch_size) {
                let nb = cfg.batch_size.min(start + n - b0);
                let batch: TokenBatch = split.batch(b0 as u64, nb);
                let t0 = Instant::now();
                let logits = teacher.forward_logits(&batch)?;
                let t1 = Instant::now();
                for r in 0..nb {
                    let per = batch.len * vocab;
                    encode_row(
                        cfg,
                        (b0 + r) as u64,
                        batch.row(r),
                        &batch.doc_starts[r],
                        &logits.values[r * per..(r + 1) * per],
                        vocab,
                        &mut cols,
                    );
                }
                teacher_s += (t1 - t0).as_secs_f64();
                writer_s += t1.elapsed().as_secs_f64();
                bar.set_position((b0 + nb) as u64);
            }
            let t0 = Instant::now();
            let rb = RecordBatch::try_new(schema.clone(), cols.finish(cfg.mode))
                .map_err(|e| Error::internal(format!("logits batch: {e}")))?;
            w.write(&rb)
                .map_err(|e| Error::internal(format!("writing {rel}: {e}")))?;
            let file = w
                .into_inner()
                .map_err(|e| Error::internal(format!("closing {rel}: {e}")))?;
            file.commit()?;
            writer_s += t0.elapsed().as_secs_f64();
            infos.push(ShardInfo::of(&exec.out, &rel, n as u64)?);
        }
        bar.finish_and_clear();
        sequences += rows as u64;
        tokens += (rows * split.seq_len) as u64;
        bytes += infos.iter().map(|i| i.bytes).sum::<u64>();
        shards.insert(split_name.clone(), infos);
    }
    let manifest = CacheManifest {
        sluice_version: env!("CARGO_PKG_VERSION").into(),
        fingerprint,
        meta,
        splits: shards,
        sequences,
        tokens,
        bytes,
        bytes_per_token: bytes as f64 / tokens.max(1) as f64,
        teacher_seconds: teacher_s,
        writer_seconds: writer_s,
    };
    write_json(&exec.out.join("manifest.json"), &manifest)?;
    let _ = std::fs::remove_dir_all(exec.out.join(outdir::WORK));
    Ok(Outcome {
        manifest,
        up_to_date: false,
        shards_reused: reused,
    })
}

/// Where a cache lies and what it holds.
pub fn manifest_path(dir: &Path) -> PathBuf {
    dir.join("manifest.json")
}
