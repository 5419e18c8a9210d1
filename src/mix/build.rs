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

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::schedule::Schedule;
use super::spill::{SequenceStream, SpillInfo, SpillReader, SpillWriter};
use crate::core::fingerprint::sha256_file;
use crate::core::fraction::Fraction;
use crate::core::job::{Ctx, Identity, Job};
use crate::core::manifest::{InputFingerprint, ShardInfo, read_json, write_json};
use crate::core::progress::Progress;
use crate::core::rng::{content_key, draw, unit};
use crate::dataset::mix::{MixBody, ScheduleReport, SourceCounts, SplitReport};
use crate::error::{Error, IoContext, Result};
use crate::sink::SequenceSink;
use crate::sink::megatron::MegatronFiles;
use crate::sink::parquet::ParquetShards;
use crate::source::{DocBatch, FileSource, Source, SourceSpec, scan_pipelined};
use crate::tokenizer::{self as tokenize, Encoder, Engine, TokenizerInfo};

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

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
struct Phase1 {
    sources: BTreeMap<String, SourceCounts>,
    spills: BTreeMap<String, SpillInfo>,
}

/// `mix build` as a [`Job`]: the sources and tokenizer are opened when its identity is taken.
pub struct MixBuild {
    cfg: MixConfig,
    /// Memory for shuffle buckets, bytes.
    shuffle_mem: u64,
    opened: Option<Opened>,
}

struct Opened {
    p: Fraction,
    target: FileSource,
    pretrain: Option<FileSource>,
    encoder: Box<dyn Encoder>,
    tok_info: TokenizerInfo,
}

impl MixBuild {
    pub fn new(cfg: MixConfig, shuffle_mem: u64) -> Self {
        MixBuild {
            cfg,
            shuffle_mem,
            opened: None,
        }
    }
}

impl Job for MixBuild {
    type Body = MixBody;

    fn command(&self) -> &'static str {
        "mix build"
    }

    fn outputs(&self) -> Vec<String> {
        ["train", "val_target", "val_pretrain", "megatron"]
            .map(String::from)
            .to_vec()
    }

    fn validate(&self) -> Result<()> {
        validate(&self.cfg).map(|_| ())
    }

    /// Version, config, every input file's sha256, the tokenizer's.
    fn identity(&mut self, id: &mut Identity) -> Result<()> {
        let cfg = &self.cfg;
        let scratch = std::env::temp_dir();
        let target = FileSource::open(cfg.target.clone(), &scratch)?;
        let pretrain = cfg
            .pretrain
            .clone()
            .map(|s| FileSource::open(s, &scratch))
            .transpose()?;
        let (encoder, tok_info) =
            tokenize::load(&cfg.tokenizer, cfg.tokenizer_engine, cfg.eos.as_deref())?;
        for src in std::iter::once(&target).chain(pretrain.as_ref()) {
            for f in src.files() {
                id.input(
                    &src.spec().name,
                    InputFingerprint {
                        path: f.path.display().to_string(),
                        bytes: f.bytes,
                        sha256: sha256_file(&f.path)?,
                    },
                );
            }
        }
        id.add("config", cfg)?;
        id.add("tokenizer", &tok_info.sha256)?;
        self.opened = Some(Opened {
            p: validate(cfg)?,
            target,
            pretrain,
            encoder,
            tok_info,
        });
        Ok(())
    }

    fn execute(&mut self, ctx: &mut Ctx) -> Result<MixBody> {
        let o = self
            .opened
            .as_mut()
            .ok_or_else(|| Error::internal("mix build executed before its identity"))?;
        let scratch = ctx.work().join("scratch");
        o.target.set_scratch(&scratch);
        if let Some(p) = o.pretrain.as_mut() {
            p.set_scratch(&scratch);
        }
        let phase1 = load_or_tokenize(&self.cfg, self.shuffle_mem, o, ctx)?;
        let supply = Supply::check(&self.cfg, o.p, &phase1)?;
        build(&self.cfg, o, ctx, &phase1, &supply)
    }
}

fn validate(cfg: &MixConfig) -> Result<Fraction> {
    let negative =
        cfg.inject.trim().starts_with('-') && Fraction::parse(&cfg.inject.trim()[1..]).is_ok();
    let p = Fraction::parse(&cfg.inject)
        .map_err(|_| err!(config("--inject `{}` is not a number", cfg.inject)));
    if negative || p.as_ref().is_ok_and(|p| p.num >= p.den) {
        bail!(config(
            "--inject {} is outside [0, 1): it is the fraction of training tokens from pretraining data",
            cfg.inject
        ));
    }
    let p = p?;
    if cfg.seq_len == 0 {
        return Err(Error::config("--seq-len must be at least 1"));
    }
    if cfg.epochs == 0 {
        return Err(Error::config("--epochs must be at least 1"));
    }
    if !(0.0..1.0).contains(&cfg.val_frac) {
        bail!(config("--val-frac {} is outside [0, 1)", cfg.val_frac));
    }
    if !p.is_zero() && cfg.pretrain.is_none() {
        bail!(config(
            "--inject {} needs pretraining data: pass --pretrain PATH",
            cfg.inject
        ));
    }
    if cfg.formats.is_empty() {
        return Err(Error::config(
            "--format needs at least one of parquet, megatron",
        ));
    }
    Ok(p)
}

/// Phase 1 as an earlier run of this fingerprint finished it, or run now.
fn load_or_tokenize(
    cfg: &MixConfig,
    shuffle_mem: u64,
    o: &Opened,
    ctx: &mut Ctx,
) -> Result<Phase1> {
    let spill_dir = ctx.work().join("spill");
    let phase1_file = ctx.work().join("phase1.json");
    if phase1_file.exists()
        && let Ok(p1) = read_json::<Phase1>(&phase1_file)
    {
        ctx.resumed(1);
        return Ok(p1);
    }
    let _ = std::fs::remove_dir_all(&spill_dir);
    std::fs::create_dir_all(&spill_dir).at("create", &spill_dir)?;
    let p1 = phase1(cfg, shuffle_mem, ctx, o, &spill_dir)?;
    write_json(&phase1_file, &p1)?;
    Ok(p1)
}

/// The injection schedule, once the pretraining data is known to supply it.
struct Supply {
    schedule: Schedule,
    target_tokens: u64,
    pretrain_tokens: u64,
}

impl Supply {
    fn check(cfg: &MixConfig, p: Fraction, phase1: &Phase1) -> Result<Supply> {
        let seq_len = cfg.seq_len as u64;
        let tokens = |name: &str| phase1.spills.get(name).map_or(0, |s| s.tokens);
        let target_tokens = tokens("target-train");
        let n_target = target_tokens / seq_len;
        if n_target == 0 {
            bail!(input(
                "the target data gives {target_tokens} train tokens over {} epoch(s), fewer than one sequence of --seq-len {}",
                cfg.epochs,
                cfg.seq_len
            ));
        }
        let schedule = Schedule::new(p, n_target);
        let pre_tokens = tokens("pretrain-train");
        if schedule.pretrain * seq_len > pre_tokens {
            bail!(input(
                "--inject {} needs {} pretraining tokens ({} sequences of {seq_len} beside {n_target} target sequences), but the pretraining \
                 sources give {pre_tokens} train tokens ({} sequences); pretraining data is never repeated: add pretraining data or lower --inject",
                cfg.inject,
                schedule.pretrain * seq_len,
                schedule.pretrain,
                pre_tokens / seq_len
            ));
        }
        Ok(Supply {
            schedule,
            target_tokens,
            pretrain_tokens: pre_tokens,
        })
    }
}

/// Phase 2: the train split in schedule order, then the validation splits.
fn build(
    cfg: &MixConfig,
    o: &Opened,
    ctx: &mut Ctx,
    phase1: &Phase1,
    supply: &Supply,
) -> Result<MixBody> {
    let out = ctx.out;
    let resumed_shards =
        out.join("train").join("part-00000.parquet").exists() || out.join("megatron").exists();
    ctx.resumed(resumed_shards as u64);
    let streams = Streams {
        cfg,
        vocab: o.tok_info.vocab_size,
        out,
        spill_dir: ctx.work().join("spill"),
        phase1,
    };
    let (train, max_dev) = write_train(&streams, o.p, supply, ctx.exec.progress)?;
    let mut splits = BTreeMap::new();
    splits.insert("train".to_string(), train);
    let val_splits: &[(&str, &str, &str)] = if o.pretrain.is_some() {
        &[
            ("val_target", "target-val", "target"),
            ("val_pretrain", "pretrain-val", "pretrain"),
        ]
    } else {
        &[("val_target", "target-val", "target")]
    };
    for &(split, spill_name, source) in val_splits {
        splits.insert(
            split.to_string(),
            write_val(&streams, split, spill_name, source)?,
        );
    }
    let (s, seq_len) = (&supply.schedule, cfg.seq_len as u64);
    Ok(MixBody {
        config: serde_json::to_value(cfg).map_err(|e| Error::internal(e.to_string()))?,
        tokenizer: o.tok_info.clone(),
        sources: phase1.sources.clone(),
        schedule: ScheduleReport {
            inject: cfg.inject.clone(),
            inject_exact: o.p.to_string(),
            target_sequences: s.target,
            pretrain_sequences: s.pretrain,
            total_sequences: s.total,
            achieved_fraction: s.pretrain as f64 / s.total as f64,
            max_prefix_deviation: max_dev,
            pretrain_unused_tokens: supply.pretrain_tokens - s.pretrain * seq_len,
        },
        splits,
    })
}

/// Phase 1's spills and where phase 2 writes.
struct Streams<'a> {
    cfg: &'a MixConfig,
    vocab: u32,
    out: &'a Path,
    spill_dir: PathBuf,
    phase1: &'a Phase1,
}

impl Streams<'_> {
    fn stream(&self, name: &str) -> SequenceStream {
        let info = self.phase1.spills.get(name).cloned().unwrap_or_default();
        SequenceStream::new(
            SpillReader::open(&self.spill_dir, name, &info),
            self.cfg.seq_len as usize,
        )
    }

    fn sinks(&self, split: &str) -> Result<Vec<Box<dyn SequenceSink>>> {
        let rows = if self.cfg.shard_rows > 0 {
            self.cfg.shard_rows
        } else {
            ((1u64 << 24) / self.cfg.seq_len as u64).max(1)
        };
        self.cfg
            .formats
            .iter()
            .map(|f| -> Result<Box<dyn SequenceSink>> {
                Ok(match f {
                    OutputFormat::Parquet => {
                        Box::new(ParquetShards::create(self.out, split, rows)?)
                    }
                    OutputFormat::Megatron => {
                        Box::new(MegatronFiles::create(self.out, split, self.vocab)?)
                    }
                })
            })
            .collect()
    }
}

fn finish_sinks(sinks: Vec<Box<dyn SequenceSink>>) -> Result<Vec<ShardInfo>> {
    Ok(sinks
        .into_iter()
        .map(|s| s.finish())
        .collect::<Result<Vec<_>>>()?
        .concat())
}

/// The train split: sequence i from pretraining data exactly when the schedule says so.
fn write_train(
    s: &Streams,
    p: Fraction,
    supply: &Supply,
    progress: Progress,
) -> Result<(SplitReport, f64)> {
    let schedule = &supply.schedule;
    let bar = progress.bar(schedule.total, "train", "sequences");
    let mut train = SplitReport::default();
    let mut sinks = s.sinks("train")?;
    let (mut tgt, mut pre) = (s.stream("target-train"), s.stream("pretrain-train"));
    let (mut max_dev, mut n_pre) = (0f64, 0u64);
    for i in 0..schedule.total {
        let from_pre = schedule.is_pretrain(i);
        let (st, name) = if from_pre {
            (&mut pre, "pretrain")
        } else {
            (&mut tgt, "target")
        };
        let seq = st
            .next_seq()?
            .ok_or_else(|| err!(internal("{name} sequences ran out at {i}")))?;
        for sink in sinks.iter_mut() {
            sink.write(&seq, name)?;
        }
        train.count(name, &seq);
        n_pre += from_pre as u64;
        max_dev = max_dev.max((n_pre as f64 - p.as_f64() * (i + 1) as f64).abs());
        if i % 256 == 0 {
            bar.set_position(i);
        }
    }
    bar.finish_and_clear();
    train.dropped_tail_tokens = supply.target_tokens - schedule.target * s.cfg.seq_len as u64;
    train.files = finish_sinks(sinks)?;
    Ok((train, max_dev))
}

/// A validation split: its documents' sequences in their keyed order.
fn write_val(s: &Streams, split: &str, spill_name: &str, source: &str) -> Result<SplitReport> {
    let mut rep = SplitReport::default();
    let mut sinks = s.sinks(split)?;
    let mut st = s.stream(spill_name);
    while let Some(seq) = st.next_seq()? {
        for sink in sinks.iter_mut() {
            sink.write(&seq, source)?;
        }
        rep.count(source, &seq);
    }
    rep.dropped_tail_tokens = st.pending_tokens() as u64;
    rep.files = finish_sinks(sinks)?;
    Ok(rep)
}

/// Tokenize both sources into spills.
fn phase1(
    cfg: &MixConfig,
    shuffle_mem: u64,
    ctx: &Ctx,
    o: &Opened,
    spill_dir: &Path,
) -> Result<Phase1> {
    let pool = ctx.pool()?;
    let sources: Vec<(&FileSource, &str, u32)> = std::iter::once((&o.target, "target", cfg.epochs))
        .chain(o.pretrain.as_ref().map(|s| (s, "pretrain", 1)))
        .collect();
    let total_bytes: u64 = sources
        .iter()
        .flat_map(|s| s.0.files())
        .map(|f| f.bytes)
        .sum();
    let bar = ctx.exec.progress.bar(total_bytes, "tokenize", "bytes");
    let mut p1 = Phase1::default();
    for (src, role, epochs) in sources {
        let mut spills = SourceSpills::create(cfg, shuffle_mem, src, role, epochs, spill_dir)?;
        let mut counts = SourceCounts {
            files: src.files().len() as u64,
            bytes: src.files().iter().map(|f| f.bytes).sum(),
            ..Default::default()
        };
        let mut seq_no = 0u64;
        let handle = |batch: DocBatch| -> Result<()> {
            let encoded: Vec<(u64, Vec<u32>)> = pool.install(|| {
                batch
                    .docs
                    .par_iter()
                    .map(|d| {
                        let mut ids = Vec::with_capacity(d.len() / 3 + 1);
                        if !d.is_empty() {
                            o.encoder.encode(d, &mut ids)?;
                            ids.extend(o.tok_info.eos_id);
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
                spills.write(cfg, key, seq_no, &ids, &mut counts)?;
                seq_no += 1;
            }
            bar.inc(batch.input_bytes);
            bar.set_message(format!("{role}: {seq_no} docs"));
            Ok(())
        };
        let stats = scan_pipelined(src, handle)?;
        counts.records = stats.records;
        for (k, v) in stats.skipped {
            *counts.skipped.entry(k).or_default() += v;
        }
        if counts.train_documents + counts.val_documents == 0 {
            bail!(input(
                "source `{role}` has no documents ({} files, {} records read, skipped: {:?})",
                counts.files,
                counts.records,
                counts.skipped
            ));
        }
        p1.spills
            .insert(format!("{role}-train"), spills.train.finish()?);
        p1.spills
            .insert(format!("{role}-val"), spills.val.finish()?);
        p1.sources.insert(role.to_string(), counts);
    }
    bar.finish_and_clear();
    Ok(p1)
}

/// One source's shuffle buckets: its train documents once per epoch, its validation documents.
struct SourceSpills {
    train: SpillWriter,
    val: SpillWriter,
    orders: Vec<String>,
    val_order: String,
}

impl SourceSpills {
    fn create(
        cfg: &MixConfig,
        shuffle_mem: u64,
        src: &FileSource,
        role: &str,
        epochs: u32,
        spill_dir: &Path,
    ) -> Result<Self> {
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
        let budget = (shuffle_mem / 4).max(1 << 20);
        // Open files stay few: past 512 buckets a bucket grows beyond the budget instead.
        let buckets = |bytes: u64| {
            bytes
                .div_ceil(budget)
                .clamp(1, (512 / epochs as u64).max(1)) as u32
        };
        let train = SpillWriter::create(
            spill_dir,
            &format!("{role}-train"),
            buckets(est * epochs as u64),
            epochs,
        )?;
        let val_est = (est as f64 * cfg.val_frac * 1.2) as u64;
        Ok(SourceSpills {
            train,
            val: SpillWriter::create(spill_dir, &format!("{role}-val"), buckets(val_est), 1)?,
            orders: (0..epochs).map(|e| format!("order/{role}/{e}")).collect(),
            val_order: format!("order/{role}/val"),
        })
    }

    /// A document goes to validation by its content key, else to every epoch's train order.
    fn write(
        &mut self,
        cfg: &MixConfig,
        key: u64,
        seq_no: u64,
        ids: &[u32],
        counts: &mut SourceCounts,
    ) -> Result<()> {
        let n = ids.len() as u64;
        if cfg.val_frac > 0.0 && unit(cfg.seed, key, "split") < cfg.val_frac {
            self.val
                .write(0, draw(cfg.seed, key, &self.val_order), seq_no, ids)?;
            counts.val_documents += 1;
            counts.val_tokens += n;
        } else {
            for (e, purpose) in self.orders.iter().enumerate() {
                self.train
                    .write(e as u32, draw(cfg.seed, key, purpose), seq_no, ids)?;
            }
            counts.train_documents += 1;
            counts.train_tokens += n;
        }
        Ok(())
    }
}
