//! `mix build`, in two phases.
//!
//! 1. Read and tokenize every document (in parallel, results kept in source order), decide its
//!    split from its content key, and spill it to shuffle buckets.
//! 2. With the token counts known, fix the injection schedule, check that the pretraining data
//!    suffices, then stream packed sequences into the output files.
//!
//! Work lives in `OUT/.sluice/` until the manifest is written. A rerun of the same command reuses a
//! finished phase 1 and every finished shard, and redoes the rest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::schedule::Schedule;
use super::spill::{SequenceStream, SpillInfo, SpillReader, SpillWriter};
use super::tokenize::{self, Encoder, Engine, TokenizerInfo};
use crate::core::fingerprint::sha256_bytes;
use crate::core::fraction::Fraction;
use crate::core::manifest::{InputFingerprint, ShardInfo, read_json, write_json};
use crate::core::outdir::{self, OutState, WORK};
use crate::core::progress::Progress;
use crate::core::rng::{content_key, draw, unit};
use crate::error::{Error, IoContext, Result};
use crate::sink::SequenceSink;
use crate::sink::megatron::MegatronFiles;
use crate::sink::parquet::ParquetShards;
use crate::source::{DocBatch, FileSource, Source, SourceSpec};

const OUTPUTS: [&str; 6] = [
    "train",
    "val_target",
    "val_pretrain",
    "megatron",
    "manifest.json",
    WORK,
];

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    Parquet,
    Megatron,
}

/// Everything that decides the output. Execution settings (threads, memory) are kept apart: they
/// never change a byte of it.
#[derive(Clone, Debug, Serialize)]
pub struct MixConfig {
    pub target: SourceSpec,
    pub pretrain: Option<SourceSpec>,
    /// `--inject` as typed, e.g. "0.01".
    pub inject: String,
    pub tokenizer: PathBuf,
    pub tokenizer_engine: Engine,
    /// None: detect; Some(""): no end-of-document token.
    pub eos: Option<String>,
    pub seq_len: u32,
    pub epochs: u32,
    pub val_frac: f64,
    pub seed: u64,
    pub formats: Vec<OutputFormat>,
    pub shard_rows: u64,
}

#[derive(Clone, Debug)]
pub struct ExecConfig {
    pub out: PathBuf,
    pub threads: usize,
    /// Memory for shuffle buckets, bytes.
    pub shuffle_mem: u64,
    pub overwrite: bool,
    pub progress: Progress,
}

/// Per-source counts from phase 1.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SourceCounts {
    pub files: u64,
    pub bytes: u64,
    pub records: u64,
    pub skipped: BTreeMap<String, u64>,
    pub train_documents: u64,
    pub val_documents: u64,
    /// Unique train tokens (one epoch), end-of-document tokens included.
    pub train_tokens: u64,
    pub val_tokens: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
struct Phase1 {
    sources: BTreeMap<String, SourceCounts>,
    spills: BTreeMap<String, SpillInfo>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SourceInSplit {
    pub sequences: u64,
    pub tokens: u64,
    /// Documents that begin inside this split (a document repeated over epochs counts each time).
    pub documents: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SplitReport {
    pub sequences: u64,
    pub tokens: u64,
    pub by_source: BTreeMap<String, SourceInSplit>,
    /// Tokens left over at the end of a stream, fewer than one sequence.
    pub dropped_tail_tokens: u64,
    pub files: Vec<ShardInfo>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ScheduleReport {
    pub inject: String,
    pub inject_exact: String,
    pub target_sequences: u64,
    pub pretrain_sequences: u64,
    pub total_sequences: u64,
    pub achieved_fraction: f64,
    /// max over prefixes n of |pretrain(n) - p*n|, in sequences.
    pub max_prefix_deviation: f64,
    /// Pretraining train tokens never used (pretraining data does not repeat).
    pub pretrain_unused_tokens: u64,
}

/// `manifest.json`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MixManifest {
    pub sluice_version: String,
    pub command: String,
    pub fingerprint: String,
    pub config: serde_json::Value,
    pub tokenizer: TokenizerInfo,
    pub inputs: BTreeMap<String, Vec<InputFingerprint>>,
    pub sources: BTreeMap<String, SourceCounts>,
    pub schedule: ScheduleReport,
    pub splits: BTreeMap<String, SplitReport>,
}

impl outdir::Fingerprinted for MixManifest {
    fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
}

/// What happened.
pub struct Outcome {
    pub manifest: MixManifest,
    /// The output was already complete; nothing was done.
    pub up_to_date: bool,
    /// Shards found finished from an earlier run and kept.
    pub resumed: bool,
}

pub fn run(cfg: &MixConfig, exec: &ExecConfig) -> Result<Outcome> {
    let p = validate(cfg)?;
    let out = &exec.out;
    let work = out.join(WORK);
    let target = FileSource::open(cfg.target.clone(), &work.join("scratch"))?;
    let pretrain = cfg
        .pretrain
        .clone()
        .map(|s| FileSource::open(s, &work.join("scratch")))
        .transpose()?;
    let (encoder, tok_info) =
        tokenize::load(&cfg.tokenizer, cfg.tokenizer_engine, cfg.eos.as_deref())?;

    let (fingerprint, inputs, config_json) =
        fingerprint_of(cfg, &target, pretrain.as_ref(), &tok_info)?;

    let created = match outdir::prepare(out, &fingerprint, exec.overwrite, &OUTPUTS)? {
        OutState::UpToDate(manifest) => {
            return Ok(Outcome {
                manifest: *manifest,
                up_to_date: true,
                resumed: false,
            });
        }
        OutState::Ready { created } => created,
    };
    let result = build(
        cfg,
        exec,
        p,
        &target,
        pretrain.as_ref(),
        encoder.as_ref(),
        &tok_info,
        &fingerprint,
        inputs,
        config_json,
    );
    if let Err(e) = &result
        && e.wrote_nothing
    {
        // Nothing was written for the user: leave no trace.
        let _ = std::fs::remove_dir_all(&work);
        if created {
            let _ = std::fs::remove_dir(out);
        }
    }
    result.map_err(|e| e.error)
}

/// The fingerprint of a build: version, config, every input file's sha256, the tokenizer's.
fn fingerprint_of(
    cfg: &MixConfig,
    target: &FileSource,
    pretrain: Option<&FileSource>,
    tok_info: &TokenizerInfo,
) -> Result<(
    String,
    BTreeMap<String, Vec<InputFingerprint>>,
    serde_json::Value,
)> {
    let mut inputs = BTreeMap::new();
    for src in std::iter::once(target).chain(pretrain) {
        let fps = src
            .files()
            .iter()
            .map(|f| {
                Ok(InputFingerprint {
                    path: f.path.display().to_string(),
                    bytes: f.bytes,
                    sha256: crate::core::fingerprint::sha256_file(&f.path)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        inputs.insert(src.spec().name.clone(), fps);
    }
    let config_json = serde_json::to_value(cfg).map_err(|e| Error::internal(e.to_string()))?;
    let fingerprint = sha256_bytes(
        serde_json::to_string(&serde_json::json!({
            "version": env!("CARGO_PKG_VERSION"),
            "config": config_json,
            "inputs": inputs,
            "tokenizer": tok_info.sha256,
        }))
        .map_err(|e| Error::internal(e.to_string()))?
        .as_bytes(),
    );
    Ok((fingerprint, inputs, config_json))
}

/// The fingerprint `run` would give this configuration now, without building anything (a slice of
/// a sharded pipeline checks that the build it waits for is of its own configuration).
pub fn fingerprint(cfg: &MixConfig) -> Result<String> {
    let scratch = std::env::temp_dir();
    let target = FileSource::open(cfg.target.clone(), &scratch)?;
    let pretrain = cfg
        .pretrain
        .clone()
        .map(|s| FileSource::open(s, &scratch))
        .transpose()?;
    let (_, tok_info) = tokenize::load(&cfg.tokenizer, cfg.tokenizer_engine, cfg.eos.as_deref())?;
    Ok(fingerprint_of(cfg, &target, pretrain.as_ref(), &tok_info)?.0)
}

struct BuildError {
    error: Error,
    wrote_nothing: bool,
}

impl From<Error> for BuildError {
    fn from(error: Error) -> Self {
        BuildError {
            error,
            wrote_nothing: false,
        }
    }
}

fn before_output(error: Error) -> BuildError {
    BuildError {
        error,
        wrote_nothing: true,
    }
}

fn validate(cfg: &MixConfig) -> Result<Fraction> {
    let negative =
        cfg.inject.trim().starts_with('-') && Fraction::parse(&cfg.inject.trim()[1..]).is_ok();
    let p = Fraction::parse(&cfg.inject)
        .map_err(|_| Error::config(format!("--inject `{}` is not a number", cfg.inject)));
    if negative || p.as_ref().is_ok_and(|p| p.num >= p.den) {
        return Err(Error::config(format!(
            "--inject {} is outside [0, 1): it is the fraction of training tokens from pretraining data",
            cfg.inject
        )));
    }
    let p = p?;
    if cfg.seq_len == 0 {
        return Err(Error::config("--seq-len must be at least 1"));
    }
    if cfg.epochs == 0 {
        return Err(Error::config("--epochs must be at least 1"));
    }
    if !(0.0..1.0).contains(&cfg.val_frac) {
        return Err(Error::config(format!(
            "--val-frac {} is outside [0, 1)",
            cfg.val_frac
        )));
    }
    if !p.is_zero() && cfg.pretrain.is_none() {
        return Err(Error::config(format!(
            "--inject {} needs pretraining data: pass --pretrain PATH",
            cfg.inject
        )));
    }
    if cfg.formats.is_empty() {
        return Err(Error::config(
            "--format needs at least one of parquet, megatron",
        ));
    }
    Ok(p)
}

#[allow(clippy::too_many_arguments)]
fn build(
    cfg: &MixConfig,
    exec: &ExecConfig,
    p: Fraction,
    target: &FileSource,
    pretrain: Option<&FileSource>,
    encoder: &dyn Encoder,
    tok_info: &TokenizerInfo,
    fingerprint: &str,
    inputs: BTreeMap<String, Vec<InputFingerprint>>,
    config_json: serde_json::Value,
) -> Result<Outcome, BuildError> {
    let out = &exec.out;
    let work = out.join(WORK);
    let spill_dir = work.join("spill");
    let phase1_file = work.join("phase1.json");
    let seq_len = cfg.seq_len as u64;

    let mut resumed = false;
    let phase1 = match read_json::<Phase1>(&phase1_file) {
        Ok(p1) if phase1_file.exists() => {
            resumed = true;
            p1
        }
        _ => {
            let _ = std::fs::remove_dir_all(&spill_dir);
            std::fs::create_dir_all(&spill_dir)
                .at("create", &spill_dir)
                .map_err(before_output)?;
            let p1 = phase1(
                cfg,
                exec,
                target,
                pretrain,
                encoder,
                tok_info.eos_id,
                &spill_dir,
            )
            .map_err(before_output)?;
            write_json(&phase1_file, &p1).map_err(before_output)?;
            p1
        }
    };

    let spill = |name: &str| phase1.spills.get(name).cloned().unwrap_or_default();
    let target_tokens = spill("target-train").tokens;
    let n_target = target_tokens / seq_len;
    if n_target == 0 {
        return Err(before_output(Error::input(format!(
            "the target data gives {target_tokens} train tokens over {} epoch(s), fewer than one sequence of --seq-len {}",
            cfg.epochs, cfg.seq_len
        ))));
    }
    let schedule = Schedule::new(p, n_target);
    let pre_tokens = spill("pretrain-train").tokens;
    if schedule.pretrain * seq_len > pre_tokens {
        return Err(before_output(Error::input(format!(
            "--inject {} needs {} pretraining tokens ({} sequences of {} beside {} target sequences), but the pretraining \
             sources give {} train tokens ({} sequences); pretraining data is never repeated: add pretraining data or lower --inject",
            cfg.inject,
            schedule.pretrain * seq_len,
            schedule.pretrain,
            seq_len,
            n_target,
            pre_tokens,
            pre_tokens / seq_len
        ))));
    }

    // Phase 2.
    let sinks = |split: &str| -> Result<Vec<Box<dyn SequenceSink>>> {
        let rows = if cfg.shard_rows > 0 {
            cfg.shard_rows
        } else {
            ((1u64 << 24) / seq_len).max(1)
        };
        cfg.formats
            .iter()
            .map(|f| -> Result<Box<dyn SequenceSink>> {
                Ok(match f {
                    OutputFormat::Parquet => Box::new(ParquetShards::create(out, split, rows)?),
                    OutputFormat::Megatron => {
                        Box::new(MegatronFiles::create(out, split, tok_info.vocab_size)?)
                    }
                })
            })
            .collect()
    };
    let resumed_shards =
        out.join("train").join("part-00000.parquet").exists() || out.join("megatron").exists();
    resumed |= resumed_shards;
    let stream = |name: &str| {
        SequenceStream::new(
            SpillReader::open(&spill_dir, name, &spill(name)),
            seq_len as usize,
        )
    };
    let bar = exec.progress.bar(schedule.total, "train", "sequences");

    let mut train = SplitReport::default();
    let mut train_sinks = sinks("train")?;
    let mut tgt = stream("target-train");
    let mut pre = stream("pretrain-train");
    let mut max_dev = 0f64;
    let mut n_pre = 0u64;
    for i in 0..schedule.total {
        let from_pre = schedule.is_pretrain(i);
        let (s, name) = if from_pre {
            (&mut pre, "pretrain")
        } else {
            (&mut tgt, "target")
        };
        let seq = s
            .next_seq()?
            .ok_or_else(|| Error::internal(format!("{name} sequences ran out at {i}")))?;
        for sink in train_sinks.iter_mut() {
            sink.write(&seq, name)?;
        }
        count(&mut train, name, &seq);
        n_pre += from_pre as u64;
        max_dev = max_dev.max((n_pre as f64 - p.as_f64() * (i + 1) as f64).abs());
        if i % 256 == 0 {
            bar.set_position(i);
        }
    }
    bar.finish_and_clear();
    train.dropped_tail_tokens = target_tokens - n_target * seq_len;
    train.files = train_sinks
        .into_iter()
        .map(|s| s.finish())
        .collect::<Result<Vec<_>>>()?
        .concat();

    let mut splits = BTreeMap::new();
    splits.insert("train".to_string(), train);
    let val_splits: &[(&str, &str, &str)] = if pretrain.is_some() {
        &[
            ("val_target", "target-val", "target"),
            ("val_pretrain", "pretrain-val", "pretrain"),
        ]
    } else {
        &[("val_target", "target-val", "target")]
    };
    for &(split, spill_name, source) in val_splits {
        let mut rep = SplitReport::default();
        let mut ss = sinks(split)?;
        let mut st = stream(spill_name);
        while let Some(seq) = st.next_seq()? {
            for sink in ss.iter_mut() {
                sink.write(&seq, source)?;
            }
            count(&mut rep, source, &seq);
        }
        rep.dropped_tail_tokens = st.pending_tokens() as u64;
        rep.files = ss
            .into_iter()
            .map(|s| s.finish())
            .collect::<Result<Vec<_>>>()?
            .concat();
        splits.insert(split.to_string(), rep);
    }

    let manifest = MixManifest {
        sluice_version: env!("CARGO_PKG_VERSION").to_string(),
        command: "mix build".to_string(),
        fingerprint: fingerprint.to_string(),
        config: config_json,
        tokenizer: tok_info.clone(),
        inputs,
        sources: phase1.sources.clone(),
        schedule: ScheduleReport {
            inject: cfg.inject.clone(),
            inject_exact: p.to_string(),
            target_sequences: schedule.target,
            pretrain_sequences: schedule.pretrain,
            total_sequences: schedule.total,
            achieved_fraction: schedule.pretrain as f64 / schedule.total as f64,
            max_prefix_deviation: max_dev,
            pretrain_unused_tokens: pre_tokens - schedule.pretrain * seq_len,
        },
        splits,
    };
    write_json(&out.join("manifest.json"), &manifest)?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(Outcome {
        manifest,
        up_to_date: false,
        resumed,
    })
}

fn count(rep: &mut SplitReport, source: &str, seq: &super::pack::Sequence) {
    rep.sequences += 1;
    rep.tokens += seq.tokens.len() as u64;
    let s = rep.by_source.entry(source.to_string()).or_default();
    s.sequences += 1;
    s.tokens += seq.tokens.len() as u64;
    s.documents += seq.doc_starts.len() as u64;
}

/// Tokenize both sources into spills.
fn phase1(
    cfg: &MixConfig,
    exec: &ExecConfig,
    target: &FileSource,
    pretrain: Option<&FileSource>,
    encoder: &dyn Encoder,
    eos: Option<u32>,
    spill_dir: &Path,
) -> Result<Phase1> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(exec.threads.max(1))
        .build()
        .map_err(|e| Error::internal(format!("start thread pool: {e}")))?;
    let total_bytes: u64 = std::iter::once(target)
        .chain(pretrain)
        .flat_map(|s| s.files())
        .map(|f| f.bytes)
        .sum();
    let bar = exec.progress.bar(total_bytes, "tokenize", "bytes");
    let mut p1 = Phase1::default();
    for (src, role, epochs) in
        std::iter::once((target, "target", cfg.epochs)).chain(pretrain.map(|s| (s, "pretrain", 1)))
    {
        let est: u64 = src
            .files()
            .iter()
            .map(|f| {
                if f.format == crate::source::Format::Parquet {
                    4 * f.bytes
                } else {
                    f.bytes
                }
            })
            .sum();
        // Each of the two streams read at once in phase 2 holds a bucket and its parsed copy.
        let budget = (exec.shuffle_mem / 4).max(1 << 20);
        // Open files stay few: past 512 buckets a bucket grows beyond the budget instead.
        let buckets = |bytes: u64| {
            bytes
                .div_ceil(budget)
                .clamp(1, (512 / epochs as u64).max(1)) as u32
        };
        let mut train = SpillWriter::create(
            spill_dir,
            &format!("{role}-train"),
            buckets(est * epochs as u64),
            epochs,
        )?;
        let val_est = (est as f64 * cfg.val_frac * 1.2) as u64;
        let mut val = SpillWriter::create(spill_dir, &format!("{role}-val"), buckets(val_est), 1)?;
        let orders: Vec<String> = (0..epochs).map(|e| format!("order/{role}/{e}")).collect();
        let val_order = format!("order/{role}/val");
        let mut counts = SourceCounts {
            files: src.files().len() as u64,
            bytes: src.files().iter().map(|f| f.bytes).sum(),
            ..Default::default()
        };
        let mut seq_no = 0u64;
        let mut handle = |batch: DocBatch| -> Result<()> {
            let encoded: Vec<(u64, Vec<u32>)> = pool.install(|| {
                batch
                    .docs
                    .par_iter()
                    .map(|d| {
                        let mut ids = Vec::with_capacity(d.len() / 3 + 1);
                        if !d.is_empty() {
                            encoder.encode(d, &mut ids)?;
                            ids.extend(eos);
                        }
                        Ok((content_key(d.as_bytes()), ids))
                    })
                    .collect::<Result<Vec<_>>>()
            })?;
            for (key, ids) in encoded {
                if ids.is_empty() {
                    *counts.skipped.entry("empty".into()).or_default() += 1;
                    continue;
                }
                let n = ids.len() as u64;
                if cfg.val_frac > 0.0 && unit(cfg.seed, key, "split") < cfg.val_frac {
                    val.write(0, draw(cfg.seed, key, &val_order), seq_no, &ids)?;
                    counts.val_documents += 1;
                    counts.val_tokens += n;
                } else {
                    for (e, purpose) in orders.iter().enumerate() {
                        train.write(e as u32, draw(cfg.seed, key, purpose), seq_no, &ids)?;
                    }
                    counts.train_documents += 1;
                    counts.train_tokens += n;
                }
                seq_no += 1;
            }
            bar.inc(batch.input_bytes);
            bar.set_message(format!("{role}: {} docs", seq_no));
            Ok(())
        };
        let stats = std::thread::scope(|s| -> Result<_> {
            let (tx, rx) = sync_channel::<DocBatch>(2);
            let reader = s.spawn(move || {
                src.scan(&mut |b| {
                    tx.send(b)
                        .map_err(|_| Error::internal("document reader stopped"))
                })
            });
            let mut res = Ok(());
            while let Ok(b) = rx.recv() {
                if let Err(e) = handle(b) {
                    res = Err(e);
                    break;
                }
            }
            drop(rx);
            let scanned = reader
                .join()
                .map_err(|_| Error::internal("document reader panicked"))?;
            res?;
            scanned
        })?;
        counts.records = stats.records;
        for (k, v) in stats.skipped {
            *counts.skipped.entry(k).or_default() += v;
        }
        if counts.train_documents + counts.val_documents == 0 {
            return Err(Error::input(format!(
                "source `{role}` has no documents ({} files, {} records read, skipped: {:?})",
                counts.files, counts.records, counts.skipped
            )));
        }
        p1.spills.insert(format!("{role}-train"), train.finish()?);
        p1.spills.insert(format!("{role}-val"), val.finish()?);
        p1.sources.insert(role.to_string(), counts);
    }
    bar.finish_and_clear();
    Ok(p1)
}
