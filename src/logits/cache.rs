//! `sluice logits cache`: run the teacher once over a `mix build` output and store, per packed
//! sequence, what students need: next-token log-probabilities, log Z, and a sparse distribution
//! (top-K or sampled) per position. Shards are atomic; a killed run resumes at the first missing one.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use arrow::array::{
    ArrayRef, Float32Builder, ListBuilder, RecordBatch, UInt8Builder, UInt16Builder, UInt32Builder,
    UInt64Builder,
};
use arrow::datatypes::{DataType, Field};
use parquet::basic::Encoding;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use rayon::prelude::*;

use super::codec;
use crate::backend::{self, Backend, BackendKind, OptimConfig, TokenBatch, weights};
use crate::core::job::{Ctx, Identity, Job};
use crate::core::manifest::ShardInfo;
use crate::core::rng::KeyedRng;
use crate::dataset::logits::{
    CONVENTION, CacheBody, CacheMeta, META_KEY, Mode, SAMPLE_ENCODING, VALUE_ENCODING, gaps, schema,
};
use crate::dataset::mix::{MixData, Split};
use crate::dataset::parquet::{Shards, zstd};
use crate::error::{Error, Result};

/// `logits cache`'s options, declared once (the CLI flattens them, a pipeline's `kind = "logits"`
/// step holds them).
#[derive(Clone, Debug, PartialEq, clap::Args, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CacheOptions {
    /// Steps that must finish first (pipeline files only).
    #[arg(skip)]
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// A `mix build` output directory, tokenized with the teacher's tokenizer.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Teacher weights (GGUF or safetensors).
    #[arg(long, value_name = "FILE")]
    pub teacher: PathBuf,
    /// burn or torch (on --device); cpu and cuda are burn on that device.
    #[arg(long, value_enum, default_value_t = cpu())]
    #[serde(default = "cpu")]
    pub backend: BackendKind,
    /// Device for the backend: cpu, cuda or cuda:N [default: cpu; with `--backend cuda`, cuda:0].
    #[arg(long)]
    #[serde(default)]
    pub device: Option<String>,
    #[arg(long, value_enum, default_value_t = topk())]
    #[serde(default = "topk")]
    pub mode: Mode,
    /// Ids kept per position (top-K mode).
    #[arg(long, default_value_t = k())]
    #[serde(default = "k")]
    pub k: usize,
    /// Draws per position (sample mode).
    #[arg(long, default_value_t = draws())]
    #[serde(default = "draws")]
    pub draws: usize,
    /// Softmax temperature of the cached distributions.
    #[arg(long, default_value_t = unit())]
    #[serde(default = "unit")]
    pub temperature: f32,
    /// Splits to cache [default: every non-empty split of the data].
    #[arg(long, value_delimiter = ',')]
    #[serde(default)]
    pub splits: Vec<String>,
    /// Cache only the first N sequences of each split.
    #[arg(long)]
    #[serde(default)]
    pub limit: Option<usize>,
    /// Sequences per teacher forward pass.
    #[arg(long, default_value_t = batch())]
    #[serde(default = "batch")]
    pub batch_size: usize,
    /// Sequences per Parquet shard.
    #[arg(long, default_value_t = shard_rows())]
    #[serde(default = "shard_rows")]
    pub shard_rows: usize,
    /// Seed of the sampled mode's draws [default: 0; in a pipeline, the pipeline's seed].
    #[arg(long)]
    #[serde(default)]
    pub seed: Option<u64>,
}

// Defaults, each written once (the CLI and the file share them).
crate::defaults! {
    cpu: BackendKind = BackendKind::Cpu,
    topk: Mode = Mode::Topk,
    k: usize = 64,
    draws: usize = 50,
    unit: f32 = 1.0,
    batch: usize = 4,
    shard_rows: usize = 1024,
}

impl CacheOptions {
    /// Every path-valued option, with its JSON pointer below the step.
    pub fn paths_mut(&mut self) -> Vec<(String, &mut PathBuf)> {
        vec![
            ("/data".to_string(), &mut self.data),
            ("/teacher".to_string(), &mut self.teacher),
        ]
    }
}

fn check(cfg: &CacheOptions) -> Result<()> {
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

/// One position's encoding: log Z, the target's log-probability, and the sparse distribution.
struct PosCode {
    logz: f32,
    target: f32,
    ids: Vec<u32>,
    /// Quantised log-probs (top-K) or counts (sampled).
    values: Vec<u16>,
    tail: f32,
}

/// Encodes position `t` of a row from its logits (independent of every other position, so the
/// positions of a batch are encoded in parallel with the same bits as one by one).
fn encode_position(
    cfg: &CacheOptions,
    seq_id: u64,
    row: &[u32],
    t: usize,
    logits: &[f32],
) -> PosCode {
    let (logz, lp) = codec::log_probs(logits, cfg.temperature);
    let target = row.get(t + 1).map_or(f32::NAN, |&next| lp[next as usize]);
    let mut ids = Vec::new();
    let (values, tail) = match cfg.mode {
        Mode::Topk => {
            let mut q = Vec::new();
            codec::top_k(&lp, cfg.k, &mut ids, &mut q);
            // Exact mass outside the top K (from the unquantised values), so decoding can
            // renormalise the quantised ones and the student sees the true tail.
            let inside: f64 = ids.iter().map(|&i| (lp[i as usize] as f64).exp()).sum();
            (
                q.into_iter().map(u16::from).collect(),
                (1.0 - inside).max(0.0) as f32,
            )
        }
        Mode::Sample => {
            let key = seq_id.wrapping_mul(1 << 20).wrapping_add(t as u64);
            let rng = KeyedRng::new(cfg.seed.unwrap_or(0), key, "logits-sample");
            let mut counts = Vec::new();
            codec::sample(&lp, cfg.draws, &rng, &mut ids, &mut counts);
            (counts, 0.0)
        }
    };
    PosCode {
        logz,
        target,
        ids,
        values,
        tail,
    }
}

/// Appends one row, its positions encoded, to the builders.
fn append_row(
    mode: Mode,
    seq_id: u64,
    row: &[u32],
    starts: &[u32],
    codes: &[PosCode],
    c: &mut Columns,
) {
    c.seq_id.append_value(seq_id);
    c.input_ids.values().append_slice(row);
    c.input_ids.append(true);
    c.doc_starts.values().append_slice(starts);
    c.doc_starts.append(true);
    for p in codes {
        c.logz.values().append_value(p.logz);
        c.target.values().append_value(p.target);
        match mode {
            Mode::Topk => c.ids.values().values().append_slice(&p.ids),
            Mode::Sample => c.ids.values().values().extend(gaps(&p.ids).map(Some)),
        }
        c.ids.values().append(true);
        match mode {
            Mode::Topk => {
                for &q in &p.values {
                    c.q.values().values().append_value(q as u8);
                }
                c.q.values().append(true);
                c.tail.values().append_value(p.tail);
            }
            Mode::Sample => {
                c.counts.values().values().append_slice(&p.values);
                c.counts.values().append(true);
            }
        }
    }
    c.target.append(true);
    c.logz.append(true);
    c.ids.append(true);
    match mode {
        Mode::Topk => {
            c.q.append(true);
            c.tail.append(true);
        }
        Mode::Sample => c.counts.append(true),
    }
}

/// `logits cache` as a [`Job`]: the data and teacher are opened when its identity is taken.
pub struct LogitsJob {
    cfg: CacheOptions,
    opened: Option<Opened>,
}

struct Opened {
    data: MixData,
    loaded: weights::Loaded,
    meta: CacheMeta,
    splits: Vec<String>,
}

impl LogitsJob {
    pub fn new(cfg: CacheOptions) -> Self {
        LogitsJob { cfg, opened: None }
    }
}

impl Job for LogitsJob {
    type Body = CacheBody;

    fn command(&self) -> &'static str {
        "logits cache"
    }

    fn outputs(&self) -> Vec<String> {
        match &self.opened {
            Some(o) => o.splits.clone(),
            None => self.cfg.splits.clone(),
        }
    }

    fn validate(&self) -> Result<()> {
        self.cfg.backend.target(self.cfg.device.as_deref())?;
        check(&self.cfg)
    }

    fn identity(&mut self, id: &mut Identity) -> Result<()> {
        let cfg = &self.cfg;
        let data = MixData::open(&cfg.data)?;
        id.input_file("data", &cfg.data.join("manifest.json"))?;
        let teacher_sha = id.input_file("teacher", &cfg.teacher)?;
        let loaded = weights::load(&cfg.teacher)?;
        let o = open(cfg, data, loaded, teacher_sha)?;
        let fp_cfg = CacheOptions {
            depends_on: Vec::new(),
            data: PathBuf::new(),
            teacher: PathBuf::new(),
            splits: o.splits.clone(),
            // Batching changes neither the values nor the files; the backend is added resolved.
            batch_size: 0,
            backend: BackendKind::Cpu,
            device: None,
            seed: Some(cfg.seed.unwrap_or(0)),
            ..cfg.clone()
        };
        id.add("config", &fp_cfg)?;
        id.add("backend", cfg.backend.target(cfg.device.as_deref())?)?;
        id.add("meta", &o.meta)?;
        self.opened = Some(o);
        Ok(())
    }

    fn execute(&mut self, ctx: &mut Ctx) -> Result<CacheBody> {
        let mut o = self
            .opened
            .take()
            .ok_or_else(|| Error::internal("logits cache executed before its identity"))?;
        let teacher = backend::open(
            self.cfg.backend.target(self.cfg.device.as_deref())?,
            &o.loaded.config.clone(),
            &mut o.loaded.weights,
            &OptimConfig::default(),
        )?;
        drop(o.loaded);
        let mut run = CacheRun {
            cfg: &self.cfg,
            teacher: teacher.as_ref(),
            vocab: o.meta.vocab_size,
            meta_json: serde_json::to_string(&o.meta)
                .map_err(|e| Error::internal(e.to_string()))?,
            teacher_s: 0.0,
            writer_s: 0.0,
            stall_s: 0.0,
            reused: 0,
        };
        let mut shards = BTreeMap::new();
        let (mut sequences, mut tokens, mut bytes) = (0u64, 0u64, 0u64);
        for name in &o.splits {
            let split = o.data.split(name)?;
            let infos = run.split(ctx, &split)?;
            sequences += infos.iter().map(|i| i.rows).sum::<u64>();
            tokens += infos.iter().map(|i| i.rows).sum::<u64>() * split.seq_len as u64;
            bytes += infos.iter().map(|i| i.bytes).sum::<u64>();
            shards.insert(name.clone(), infos);
        }
        ctx.resumed(run.reused);
        Ok(CacheBody {
            meta: o.meta,
            splits: shards,
            sequences,
            tokens,
            bytes,
            bytes_per_token: bytes as f64 / tokens.max(1) as f64,
            teacher_seconds: run.teacher_s,
            writer_seconds: run.writer_s,
            stall_seconds: run.stall_s,
        })
    }
}

/// Check the teacher against the data and describe the cache it will make.
fn open(
    cfg: &CacheOptions,
    data: MixData,
    loaded: weights::Loaded,
    teacher_sha256: String,
) -> Result<Opened> {
    let vocab = data.vocab_size();
    if loaded.config.vocab_size != vocab {
        bail!(input(
            "teacher {} has a vocabulary of {} tokens, the data in {} was tokenized with {} ({vocab} tokens): \
             cache with the teacher's own tokenizer (`sluice model tokenizer`)",
            cfg.teacher.display(),
            loaded.config.vocab_size,
            data.dir.display(),
            data.manifest.tokenizer.path
        ));
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
    let teacher = loaded
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
        teacher,
        teacher_sha256,
        tokenizer_sha256: data.manifest.tokenizer.sha256.clone(),
        data_fingerprint: data.manifest.header.fingerprint.clone(),
        vocab_size: vocab,
        seq_len: data.seq_len()?,
        mode: cfg.mode,
        k: (cfg.mode == Mode::Topk).then_some(cfg.k),
        draws: (cfg.mode == Mode::Sample).then_some(cfg.draws),
        temperature: cfg.temperature,
        seed: cfg.seed.unwrap_or(0),
        value_encoding: match cfg.mode {
            Mode::Topk => VALUE_ENCODING.into(),
            Mode::Sample => SAMPLE_ENCODING.into(),
        },
        convention: CONVENTION.into(),
    };
    Ok(Opened {
        data,
        loaded,
        meta,
        splits,
    })
}

/// The teacher at work over the splits, with its timings.
struct CacheRun<'a> {
    cfg: &'a CacheOptions,
    teacher: &'a dyn Backend,
    vocab: usize,
    meta_json: String,
    teacher_s: f64,
    writer_s: f64,
    stall_s: f64,
    reused: u64,
}

impl CacheRun<'_> {
    /// ZSTD 3; the float columns byte-stream-split instead of dictionary-coded (a dictionary of
    /// nearly unique floats only falls back to plain; split bytes let zstd find the shared
    /// exponents: 46.1 -> 42.6 B/token on sampled N = 50, see BENCHMARKS.md); the sampled id gaps
    /// and counts likewise (small integers: their high byte planes are nearly all zero, and zstd
    /// entropy-codes the low one; 42.1 -> 36.8 B/token, `bench/logits_layouts.py`).
    fn props(&self) -> WriterProperties {
        let mut b = zstd(3).set_key_value_metadata(Some(vec![KeyValue::new(
            META_KEY.into(),
            self.meta_json.clone(),
        )]));
        let leaf = |col: &str, depth: usize| {
            let mut p = vec![col.to_string()];
            for _ in 0..depth {
                p.extend(["list".into(), "item".into()]);
            }
            ColumnPath::new(p)
        };
        for leaf in [
            leaf("target_logprob", 1),
            leaf("logz", 1),
            leaf("tail_mass", 1),
            leaf("sample_id_gaps", 2),
            leaf("sample_counts", 2),
        ] {
            b = b
                .set_column_dictionary_enabled(leaf.clone(), false)
                .set_column_encoding(leaf, Encoding::BYTE_STREAM_SPLIT);
        }
        b.build()
    }

    /// One split's shards: those an earlier run finished are kept, the rest computed.
    fn split(&mut self, ctx: &Ctx, split: &Split) -> Result<Vec<ShardInfo>> {
        let cfg = self.cfg;
        let rows = cfg.limit.map_or(split.rows(), |l| l.min(split.rows()));
        let bar = ctx
            .exec
            .progress
            .bar(rows as u64, &format!("logits {}", split.name), "seqs");
        let shards = Shards::new(ctx.out, &split.name, schema(cfg.mode), self.props())?;
        let mut infos = Vec::new();
        for (shard, start) in (0..rows).step_by(cfg.shard_rows).enumerate() {
            let n = cfg.shard_rows.min(rows - start);
            bar.set_position(start as u64);
            if shards.finished(shard) {
                self.reused += 1;
                infos.push(shards.info(shard, n as u64)?);
                continue;
            }
            let batch = self.encode(split, start, n, &bar)?;
            let t0 = Instant::now();
            let mut w = shards.create(shard)?;
            w.write(&batch)?;
            infos.push(w.finish()?);
            self.writer_s += t0.elapsed().as_secs_f64();
        }
        bar.finish_and_clear();
        Ok(infos)
    }

    /// Rows `start..start+n` through the teacher, encoded into one record batch. The encoding
    /// runs on its own thread (its positions on the rayon pool) while the teacher computes the
    /// next batch, so on a fast teacher the host work overlaps instead of adding up.
    fn encode(
        &mut self,
        split: &Split,
        start: usize,
        n: usize,
        bar: &indicatif::ProgressBar,
    ) -> Result<RecordBatch> {
        let (cfg, vocab, teacher) = (self.cfg, self.vocab, self.teacher);
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, TokenBatch, Vec<f32>)>(1);
        let (mut cols, writer_s) = std::thread::scope(|s| -> Result<(Columns, f64)> {
            let encoder = s.spawn(move || {
                let mut cols = Columns::new();
                let mut busy = 0.0;
                for (b0, batch, logits) in rx {
                    let t0 = Instant::now();
                    let len = batch.len;
                    let codes: Vec<PosCode> = (0..batch.batch * len)
                        .into_par_iter()
                        .map(|i| {
                            let (r, t) = (i / len, i % len);
                            let at = &logits[i * vocab..(i + 1) * vocab];
                            encode_position(cfg, (b0 + r) as u64, batch.row(r), t, at)
                        })
                        .collect();
                    for r in 0..batch.batch {
                        let row_codes = &codes[r * len..(r + 1) * len];
                        let starts = &batch.doc_starts[r];
                        append_row(
                            cfg.mode,
                            (b0 + r) as u64,
                            batch.row(r),
                            starts,
                            row_codes,
                            &mut cols,
                        );
                    }
                    busy += t0.elapsed().as_secs_f64();
                }
                (cols, busy)
            });
            for b0 in (start..start + n).step_by(cfg.batch_size) {
                let nb = cfg.batch_size.min(start + n - b0);
                let batch: TokenBatch = split.batch(b0 as u64, nb);
                let t0 = Instant::now();
                let logits = teacher.forward_logits(&batch)?;
                self.teacher_s += t0.elapsed().as_secs_f64();
                // The encoder has stopped only if it panicked; join reports that below.
                let t1 = Instant::now();
                if tx.send((b0, batch, logits.values)).is_err() {
                    break;
                }
                self.stall_s += t1.elapsed().as_secs_f64();
                bar.set_position((b0 + nb) as u64);
            }
            drop(tx);
            let t1 = Instant::now();
            let done = encoder.join();
            self.stall_s += t1.elapsed().as_secs_f64();
            done.map_err(|_| Error::internal("the logits encoder thread panicked"))
        })?;
        self.writer_s += writer_s;
        RecordBatch::try_new(schema(cfg.mode), cols.finish(cfg.mode))
            .map_err(|e| err!(internal("logits batch: {e}")))
    }
}
