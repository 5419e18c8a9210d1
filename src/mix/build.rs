//! `mix build`, in two phases.
//!
//! 1. Read and tokenize every document (in parallel, results kept in source order), decide its
//!    split from its content key, and spill it to shuffle buckets.
//! 2. With the token counts known, fix the schedule (two sources: `--inject p`; N sources: token
//!    weights), check that the data suffices, then stream packed sequences into the output files.
//!
//! Work lives in `OUT/.sluice/` until the manifest is written. A rerun of the same command reuses a
//! finished phase 1 and every finished shard, and redoes the rest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::pack::{BestFit, LongDocs, Pack, Packer, Packing};
use super::schedule::{Blend, InjectOrder, Interleave, Schedule};
use super::slices::{self, Slice, SpillDirs};
use super::spill::{SequenceStream, SpillInfo, SpillReader, SpillWriter};
use crate::core::fingerprint::sha256_file;
use crate::core::fraction::Fraction;
use crate::core::job::{Ctx, Identity, Job};
use crate::core::manifest::{InputFingerprint, ShardInfo, read_json, write_json};
use crate::core::progress::Progress;
use crate::core::rng::{content_key, draw, unit};
use crate::dataset::mix::{
    MixBody, ReadReport, ScheduleReport, SourceCounts, SourceShare, SplitReport,
};
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
    /// In schedule order; the two-source form is `target` then `pretrain`.
    pub sources: Vec<MixSource>,
    /// `--inject` as typed, e.g. "0.01" (the two-source form); None: the sources carry weights.
    pub inject: Option<String>,
    pub tokenizer: PathBuf,
    pub tokenizer_engine: Engine,
    /// None: detect; Some(""): no end-of-document token.
    pub eos: Option<String>,
    pub seq_len: u32,
    pub val_frac: f64,
    pub seed: u64,
    pub formats: Vec<OutputFormat>,
    pub shard_rows: u64,
    pub packing: Packing,
    pub long_docs: LongDocs,
}

/// One source of a mixture: where its documents are, how often they repeat, its weight.
#[derive(Clone, Debug, Serialize)]
pub struct MixSource {
    #[serde(flatten)]
    pub spec: SourceSpec,
    /// Passes over its train documents, each in a fresh order.
    pub epochs: u32,
    /// Fraction of the training tokens as typed (the weighted form).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    /// Read only as many of its files as the schedule needs.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub read_as_needed: bool,
}

impl MixSource {
    fn name(&self) -> &str {
        &self.spec.name
    }
}

/// The validated weights: the two-source form or N exact token fractions.
#[derive(Clone, Debug)]
enum Weights {
    Inject(Fraction),
    Blend(Vec<Fraction>),
}

impl Weights {
    /// Each source's weight, summing to 1.
    fn fractions(&self, n: usize) -> Vec<Fraction> {
        match self {
            Weights::Inject(p) => {
                let target = Fraction {
                    num: p.den - p.num,
                    den: p.den,
                };
                let mut v = vec![target, *p];
                v.truncate(n);
                v
            }
            Weights::Blend(w) => w.clone(),
        }
    }
}

/// What phase 1 found and spilled (of one slice, in a sharded build).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Phase1 {
    /// The build's fingerprint: a slice's phase 1 serves only its own configuration.
    #[serde(default)]
    pub fingerprint: String,
    pub sources: BTreeMap<String, SourceCounts>,
    pub spills: BTreeMap<String, SpillInfo>,
}

/// Phase 1 ready for phase 2: the counts, and each spill directory with the number of its first
/// document per source (one directory unless the build is sliced).
struct Tokenized {
    phase1: Phase1,
    dirs: SpillDirs,
}

/// `mix build` as a [`Job`]: the sources and tokenizer are opened when its identity is taken.
pub struct MixBuild {
    cfg: MixConfig,
    /// Memory for shuffle buckets, bytes.
    shuffle_mem: u64,
    /// Some: this process builds one slice (its output directory is `OUT/slices/i-of-N`).
    slice: Option<Slice>,
    opened: Option<Opened>,
}

struct Opened {
    weights: Weights,
    sources: Vec<FileSource>,
    encoder: Box<dyn Encoder>,
    tok_info: TokenizerInfo,
}

impl MixBuild {
    pub fn new(cfg: MixConfig, shuffle_mem: u64) -> Self {
        MixBuild {
            cfg,
            shuffle_mem,
            slice: None,
            opened: None,
        }
    }

    /// Build slice `s` only (see [`slices`]).
    pub fn sliced(mut self, s: Slice) -> Self {
        self.slice = Some(s);
        self
    }
}

impl Job for MixBuild {
    type Body = MixBody;

    fn command(&self) -> &'static str {
        "mix build"
    }

    fn outputs(&self) -> Vec<String> {
        std::iter::once("train".to_string())
            .chain(self.cfg.sources.iter().map(|s| format!("val_{}", s.name())))
            .chain(std::iter::once("megatron".to_string()))
            .chain(self.slice.map(|_| "phase1".to_string()))
            .collect()
    }

    fn validate(&self) -> Result<()> {
        if self.slice.is_some() && self.cfg.sources.iter().any(|s| s.read_as_needed) {
            return Err(Error::config(
                "--read-as-needed does not work with --shard/--of yet: a slice cannot know what the others read",
            ));
        }
        validate(&self.cfg).map(|_| ())
    }

    /// Version, config, every input file's sha256, the tokenizer's.
    fn identity(&mut self, id: &mut Identity) -> Result<()> {
        let cfg = &self.cfg;
        let weights = validate(cfg)?;
        let scratch = std::env::temp_dir();
        let sources = cfg
            .sources
            .iter()
            .map(|s| FileSource::open(s.spec.clone(), &scratch))
            .collect::<Result<Vec<_>>>()?;
        let (encoder, tok_info) =
            tokenize::load(&cfg.tokenizer, cfg.tokenizer_engine, cfg.eos.as_deref())?;
        if cfg.packing == Packing::BestFit && tok_info.eos_id.is_none() {
            bail!(config(
                "--packing best-fit pads with the end-of-document token, and {} has none: name one with --eos",
                cfg.tokenizer.display()
            ));
        }
        for src in &sources {
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
            weights,
            sources,
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
        for s in o.sources.iter_mut() {
            s.set_scratch(&scratch);
        }
        let tok = load_or_tokenize(&self.cfg, self.shuffle_mem, o, ctx, self.slice)?;
        let streams = Streams {
            cfg: &self.cfg,
            vocab: o.tok_info.vocab_size,
            pad_id: o.tok_info.eos_id.unwrap_or(0),
            out: ctx.out,
            spill_dirs: &tok.dirs,
            phase1: &tok.phase1,
            slice: self
                .slice
                .map_or((0, 1), |s| (s.index as usize, s.of as usize)),
        };
        let plan = Plan::new(&self.cfg, &o.weights, &streams)?;
        build(&self.cfg, o, ctx, &streams, &plan)
    }
}

fn validate(cfg: &MixConfig) -> Result<Weights> {
    if cfg.seq_len == 0 {
        return Err(Error::config("--seq-len must be at least 1"));
    }
    if !(0.0..1.0).contains(&cfg.val_frac) {
        bail!(config("--val-frac {} is outside [0, 1)", cfg.val_frac));
    }
    if cfg.formats.is_empty() {
        return Err(Error::config(
            "--format needs at least one of parquet, megatron",
        ));
    }
    if let Some(s) = cfg.sources.iter().find(|s| s.epochs == 0) {
        bail!(config(
            "--epochs must be at least 1 (source `{}`)",
            s.name()
        ));
    }
    validate_read_as_needed(cfg)?;
    match &cfg.inject {
        Some(p) => validate_inject(cfg, p).map(Weights::Inject),
        None => validate_weights(cfg).map(Weights::Blend),
    }
}

fn validate_read_as_needed(cfg: &MixConfig) -> Result<()> {
    let lazy: Vec<&MixSource> = cfg.sources.iter().filter(|s| s.read_as_needed).collect();
    let Some(first) = lazy.first() else {
        return Ok(());
    };
    let why = if lazy.len() == cfg.sources.len() {
        Some("every source would be; at least one must be read whole to fix the length")
    } else if cfg.inject.is_some() && cfg.sources[0].read_as_needed {
        Some("the target is always used whole")
    } else if lazy.iter().any(|s| s.epochs != 1) {
        Some("a source read more than once is read whole")
    } else if cfg.packing != Packing::Concat {
        Some("only with --packing concat, where tokens fix the number of sequences")
    } else {
        None
    };
    match why {
        Some(w) => bail!(config("--read-as-needed {}: {w}", first.name())),
        None => Ok(()),
    }
}

fn validate_weights(cfg: &MixConfig) -> Result<Vec<Fraction>> {
    let w = cfg
        .sources
        .iter()
        .map(|s| {
            let typed = s.weight.as_deref().unwrap_or("");
            match Fraction::parse(typed) {
                Ok(f) if f.num <= f.den => Ok(f),
                _ => Err(err!(config(
                    "source `{}`: weight `{typed}` is not a fraction in (0, 1]",
                    s.name()
                ))),
            }
        })
        .collect::<Result<Vec<_>>>()?;
    Blend::new(&w).map_err(|e| {
        let listed: Vec<String> = cfg
            .sources
            .iter()
            .map(|s| format!("{}={}", s.name(), s.weight.as_deref().unwrap_or("")))
            .collect();
        err!(config("--weights {}: {e}", listed.join(",")))
    })?;
    Ok(w)
}

fn validate_inject(cfg: &MixConfig, inject: &str) -> Result<Fraction> {
    let negative = inject.trim().starts_with('-') && Fraction::parse(&inject.trim()[1..]).is_ok();
    let p =
        Fraction::parse(inject).map_err(|_| err!(config("--inject `{inject}` is not a number")));
    if negative || p.as_ref().is_ok_and(|p| p.num >= p.den) {
        bail!(config(
            "--inject {inject} is outside [0, 1): it is the fraction of training tokens from pretraining data"
        ));
    }
    let p = p?;
    if !p.is_zero() && cfg.sources.len() < 2 {
        bail!(config(
            "--inject {inject} needs pretraining data: pass --pretrain PATH"
        ));
    }
    Ok(p)
}

/// Phase 1 as an earlier run of this fingerprint finished it, or run now; in a sliced build, this
/// slice's part, then every slice's once they are all there.
fn load_or_tokenize(
    cfg: &MixConfig,
    shuffle_mem: u64,
    o: &Opened,
    ctx: &mut Ctx,
    slice: Option<Slice>,
) -> Result<Tokenized> {
    let dir = match slice {
        Some(_) => ctx.out.join("phase1"),
        None => ctx.work(),
    };
    let (spill_dir, phase1_file) = (dir.join("spill"), dir.join("phase1.json"));
    let own = match read_json::<Phase1>(&phase1_file) {
        Ok(p1) if p1.fingerprint == ctx.fingerprint => {
            ctx.resumed(1);
            p1
        }
        _ => {
            let _ = std::fs::remove_dir_all(&spill_dir);
            std::fs::create_dir_all(&spill_dir).at("create", &spill_dir)?;
            let owners = slice.map(|s| (s.index, slices::file_owners(&o.sources, s.of)));
            let p1 = phase1(cfg, shuffle_mem, ctx, o, &spill_dir, owners.as_ref())?;
            write_json(&phase1_file, &p1)?;
            p1
        }
    };
    let (phase1, dirs) = match slice {
        None => (own, vec![(spill_dir, BTreeMap::new())]),
        Some(s) => {
            let parts = slices::await_phase1(ctx.out, s, ctx.fingerprint)?;
            slices::combine(ctx.out, s, &parts)?
        }
    };
    for (role, c) in &phase1.sources {
        if c.train_documents + c.val_documents == 0 {
            bail!(input(
                "source `{role}` has no documents ({} files, {} records read, skipped: {:?})",
                c.files,
                c.records,
                c.skipped
            ));
        }
    }
    Ok(Tokenized { phase1, dirs })
}

/// What the train split will hold: the length, each source's count, the interleaving rule.
struct Plan {
    weights: Weights,
    fractions: Vec<Fraction>,
    total: u64,
    counts: Vec<u64>,
    limited_by: usize,
}

impl Plan {
    /// Fix the length from what each source supplies; the two-source form places every target
    /// sequence and fails when the pretraining data falls short, the weighted form stops where the
    /// first source runs out.
    fn new(cfg: &MixConfig, weights: &Weights, streams: &Streams) -> Result<Plan> {
        let supply = cfg
            .sources
            .iter()
            .map(|s| streams.available(&format!("{}-train", s.name())))
            .collect::<Result<Vec<u64>>>()?;
        let seq_len = cfg.seq_len as u64;
        let tokens = |i: usize| streams.tokens(&format!("{}-train", cfg.sources[i].name()));
        // Every source must give a sequence; the two-source form's pretraining shortfall is
        // reported below, against what --inject asks.
        let must_give = match weights {
            Weights::Inject(_) => 1,
            Weights::Blend(_) => supply.len(),
        };
        if let Some(i) = supply[..must_give].iter().position(|&n| n == 0) {
            bail!(input(
                "the {} data gives {} train tokens over {} epoch(s), fewer than one sequence of --seq-len {}",
                cfg.sources[i].name(),
                tokens(i),
                cfg.sources[i].epochs,
                cfg.seq_len
            ));
        }
        let fractions = weights.fractions(cfg.sources.len());
        let (total, counts, limited_by) = match weights {
            Weights::Inject(p) => {
                let s = Schedule::new(*p, supply[0]);
                let have = supply.get(1).copied().unwrap_or(0);
                if s.pretrain > have {
                    bail!(input(
                        "--inject {} needs {} pretraining tokens ({} sequences of {seq_len} beside {} target sequences), but the pretraining \
                         sources give {} train tokens ({have} sequences); pretraining data is never repeated: add pretraining data or lower --inject",
                        cfg.inject.as_deref().unwrap_or(""),
                        s.pretrain * seq_len,
                        s.pretrain,
                        s.target,
                        tokens(1),
                    ));
                }
                let mut counts = vec![s.target, s.pretrain];
                counts.truncate(cfg.sources.len());
                (s.total, counts, 0)
            }
            Weights::Blend(w) => {
                let mut order = Blend::new(w)?;
                let mut counts = vec![0u64; w.len()];
                let limited_by = loop {
                    let i = order.next_source();
                    if counts[i] == supply[i] {
                        break i;
                    }
                    counts[i] += 1;
                };
                (counts.iter().sum(), counts, limited_by)
            }
        };
        Ok(Plan {
            weights: weights.clone(),
            fractions,
            total,
            counts,
            limited_by,
        })
    }

    fn order(&self) -> Result<Box<dyn Interleave>> {
        Ok(match &self.weights {
            Weights::Inject(p) => Box::new(InjectOrder::new(Schedule::new(*p, self.counts[0]))),
            Weights::Blend(w) => Box::new(Blend::new(w)?),
        })
    }
}

/// Phase 2: the train split in schedule order, then the validation splits.
fn build(
    cfg: &MixConfig,
    o: &Opened,
    ctx: &mut Ctx,
    streams: &Streams,
    plan: &Plan,
) -> Result<MixBody> {
    let out = ctx.out;
    let resumed_shards =
        out.join("train").join("part-00000.parquet").exists() || out.join("megatron").exists();
    ctx.resumed(resumed_shards as u64);
    let (train, max_dev) = write_train(streams, plan, ctx.exec.progress)?;
    let mut schedule = ScheduleReport {
        inject: cfg.inject.clone(),
        inject_exact: match &o.weights {
            Weights::Inject(p) => Some(p.to_string()),
            Weights::Blend(_) => None,
        },
        total_sequences: plan.total,
        max_prefix_deviation: tidy(max_dev),
        limited_by: cfg.sources[plan.limited_by].name().to_string(),
        sources: BTreeMap::new(),
    };
    for (i, s) in cfg.sources.iter().enumerate() {
        let placed = train.by_source.get(s.name()).map_or(0, |x| x.tokens);
        schedule.sources.insert(
            s.name().to_string(),
            SourceShare {
                weight_exact: plan.fractions[i].to_string(),
                weight: tidy(plan.fractions[i].as_f64()),
                sequences: plan.counts[i],
                fraction: tidy(plan.counts[i] as f64 / plan.total as f64),
                tokens: placed,
                token_fraction: tidy(placed as f64 / train.tokens.max(1) as f64),
                unused_tokens: streams.tokens(&format!("{}-train", s.name())) - placed,
            },
        );
    }
    let mut splits = BTreeMap::new();
    for s in &cfg.sources {
        let split = format!("val_{}", s.name());
        let rep = write_val(streams, &split, &format!("{}-val", s.name()), s.name())?;
        splits.insert(split, rep);
    }
    splits.insert("train".to_string(), train);
    Ok(MixBody {
        config: serde_json::to_value(cfg).map_err(|e| Error::internal(e.to_string()))?,
        tokenizer: o.tok_info.clone(),
        sources: streams.phase1.sources.clone(),
        schedule,
        splits,
    })
}

/// `x` to 12 decimals: serde_json reads such short numbers back exactly (longer ones it may not,
/// without its `float_roundtrip` feature), so `mix merge` writes the single build's manifest bytes.
fn tidy(x: f64) -> f64 {
    (x * 1e12).round() / 1e12
}

/// Phase 1's spills and where phase 2 writes.
struct Streams<'a> {
    cfg: &'a MixConfig,
    vocab: u32,
    pad_id: u32,
    out: &'a Path,
    spill_dirs: &'a [(PathBuf, BTreeMap<String, u64>)],
    phase1: &'a Phase1,
    /// `(i, N)`: the output shards this process writes are those `k % N == i`.
    slice: (usize, usize),
}

impl Streams<'_> {
    fn stream(&self, name: &str) -> SequenceStream {
        let info = self.phase1.spills.get(name).cloned().unwrap_or_default();
        let seq_len = self.cfg.seq_len as usize;
        let packer: Box<dyn Pack> = match self.cfg.packing {
            Packing::Concat => Box::new(Packer::new(seq_len)),
            Packing::BestFit => Box::new(BestFit::new(
                seq_len,
                self.cfg.long_docs,
                self.pad_id,
                self.cfg.seed,
                &format!("pack/{name}"),
            )),
        };
        // Spill `NAME-train` / `NAME-val` belongs to source NAME.
        let source = name.rsplit_once('-').map_or(name, |(s, _)| s);
        let dirs: Vec<(PathBuf, u64)> = self
            .spill_dirs
            .iter()
            .map(|(d, first)| (d.clone(), first.get(source).copied().unwrap_or(0)))
            .collect();
        SequenceStream::new(SpillReader::open(&dirs, name, &info), packer)
    }

    /// Tokens a spill holds over all its epochs.
    fn tokens(&self, name: &str) -> u64 {
        self.phase1.spills.get(name).map_or(0, |s| s.tokens)
    }

    /// Sequences a spill packs into: known from its size when concatenating, counted by packing
    /// it once when sequences are padded.
    fn available(&self, name: &str) -> Result<u64> {
        match self.cfg.packing {
            Packing::Concat => Ok(self.tokens(name) / self.cfg.seq_len as u64),
            Packing::BestFit => {
                let mut st = self.stream(name);
                let mut n = 0;
                while st.next_seq()?.is_some() {
                    n += 1;
                }
                Ok(n)
            }
        }
    }

    fn sinks(&self, split: &str) -> Result<Vec<Box<dyn SequenceSink>>> {
        let rows = if self.cfg.shard_rows > 0 {
            self.cfg.shard_rows
        } else {
            ((1u64 << 24) / self.cfg.seq_len as u64).max(1)
        };
        let padded = self.cfg.packing == Packing::BestFit;
        self.cfg
            .formats
            .iter()
            // Megatron's one file per split is slice 0's.
            .filter(|f| **f == OutputFormat::Parquet || self.slice.0 == 0)
            .map(|f| -> Result<Box<dyn SequenceSink>> {
                Ok(match f {
                    OutputFormat::Parquet => Box::new(ParquetShards::create(
                        self.out, split, rows, padded, self.slice,
                    )?),
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

/// The train split: each sequence from the source the plan's order names.
fn write_train(s: &Streams, plan: &Plan, progress: Progress) -> Result<(SplitReport, f64)> {
    let bar = progress.bar(plan.total, "train", "sequences");
    let mut train = SplitReport::default();
    let mut sinks = s.sinks("train")?;
    let names: Vec<&str> = s.cfg.sources.iter().map(|x| x.name()).collect();
    let mut streams: Vec<SequenceStream> = names
        .iter()
        .map(|n| s.stream(&format!("{n}-train")))
        .collect();
    let weights: Vec<f64> = plan.fractions.iter().map(|f| f.as_f64()).collect();
    let mut order = plan.order()?;
    let mut counts = vec![0u64; names.len()];
    let mut max_dev = 0f64;
    for i in 0..plan.total {
        let k = order.next_source();
        let seq = streams[k]
            .next_seq()?
            .ok_or_else(|| err!(internal("{} sequences ran out at {i}", names[k])))?;
        for sink in sinks.iter_mut() {
            sink.write(&seq, names[k])?;
        }
        train.count(names[k], &seq);
        counts[k] += 1;
        for (c, w) in counts.iter().zip(&weights) {
            max_dev = max_dev.max((*c as f64 - w * (i + 1) as f64).abs());
        }
        if i % 256 == 0 {
            bar.set_position(i);
        }
    }
    bar.finish_and_clear();
    let limited = names[plan.limited_by];
    let placed = train.by_source.get(limited).map_or(0, |x| x.tokens);
    train.dropped_tail_tokens = s.tokens(&format!("{limited}-train")) - placed;
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
    rep.dropped_tail_tokens = st.dropped_tokens();
    rep.files = finish_sinks(sinks)?;
    Ok(rep)
}

/// Tokenize every source into spills.
/// `owners`: `(this slice, the slice of each file per source)` when the build is sliced. Sources
/// read as needed come last: how much of them the schedule needs is known once the others are in.
fn phase1(
    cfg: &MixConfig,
    shuffle_mem: u64,
    ctx: &Ctx,
    o: &Opened,
    spill_dir: &Path,
    owners: Option<&(u32, Vec<Vec<u32>>)>,
) -> Result<Phase1> {
    // Each source as far as this slice reads it.
    let mine: Vec<FileSource> = o
        .sources
        .iter()
        .enumerate()
        .map(|(k, f)| match owners {
            Some((i, own)) => f.subset(|j| own[k][j] == *i),
            None => f.subset(|_| true),
        })
        .collect();
    let total_bytes: u64 = mine.iter().flat_map(|s| s.files()).map(|f| f.bytes).sum();
    let mut run = Tokenizing {
        cfg,
        o,
        pool: ctx.pool()?,
        bar: ctx.exec.progress.bar(total_bytes, "tokenize", "bytes"),
    };
    let mut p1 = Phase1 {
        fingerprint: ctx.fingerprint.to_string(),
        ..Default::default()
    };
    let (lazy, eager): (Vec<usize>, Vec<usize>) =
        (0..cfg.sources.len()).partition(|&k| cfg.sources[k].read_as_needed);
    for k in eager.into_iter().chain(lazy) {
        let s = &cfg.sources[k];
        let need = match s.read_as_needed {
            true => Some(needed_tokens(cfg, &o.weights, &p1, k)?),
            false => None,
        };
        let mut spills = SourceSpills::create(cfg, shuffle_mem, &o.sources[k], s, spill_dir)?;
        let counts = run.source(&mine[k], s, &mut spills, need)?;
        p1.spills
            .insert(format!("{}-train", s.name()), spills.train.finish()?);
        p1.spills
            .insert(format!("{}-val", s.name()), spills.val.finish()?);
        p1.sources.insert(s.name().to_string(), counts);
    }
    run.bar.finish_and_clear();
    Ok(p1)
}

/// Train tokens of source `k` (read as needed) that the schedule will place, from the sources
/// already tokenized: the two-source form places every target sequence; the weighted form runs
/// its blend, with `k` and any other such source taken as unlimited, until a source runs out.
fn needed_tokens(cfg: &MixConfig, weights: &Weights, p1: &Phase1, k: usize) -> Result<u64> {
    let seq_len = cfg.seq_len as u64;
    let supply = |i: usize| {
        let s = &cfg.sources[i];
        let tokens = p1
            .spills
            .get(&format!("{}-train", s.name()))
            .map_or(0, |x| x.tokens);
        (!s.read_as_needed).then_some(tokens / seq_len)
    };
    let sequences = match weights {
        Weights::Inject(p) => Schedule::new(*p, supply(0).unwrap_or(0)).pretrain,
        Weights::Blend(w) => {
            let mut order = Blend::new(w)?;
            let mut counts = vec![0u64; w.len()];
            loop {
                let i = order.next_source();
                if supply(i).is_some_and(|n| counts[i] == n) {
                    break counts[k];
                }
                counts[i] += 1;
            }
        }
    };
    Ok(sequences * seq_len)
}

/// What tokenizing a source needs.
struct Tokenizing<'a> {
    cfg: &'a MixConfig,
    o: &'a Opened,
    pool: rayon::ThreadPool,
    bar: indicatif::ProgressBar,
}

impl Tokenizing<'_> {
    /// Tokenize `src` into `spills`. With `need`, read its files in an order keyed on their paths
    /// (no read needed to fix it) and stop after the file that brings its train tokens to `need`.
    fn source(
        &mut self,
        src: &FileSource,
        s: &MixSource,
        spills: &mut SourceSpills,
        need: Option<u64>,
    ) -> Result<SourceCounts> {
        let mut counts = SourceCounts::default();
        let mut seq_no = 0u64;
        let parts: Vec<FileSource> = match need {
            None => vec![src.subset(|_| true)],
            Some(_) => {
                let purpose = format!("read/{}", s.name());
                let mut order: Vec<(u64, usize)> = (src.files().iter().enumerate())
                    .map(|(j, f)| {
                        let key = content_key(f.path.to_string_lossy().as_bytes());
                        (draw(self.cfg.seed, key, &purpose), j)
                    })
                    .collect();
                order.sort_unstable();
                order.iter().map(|&(_, j)| src.subset(|i| i == j)).collect()
            }
        };
        for part in &parts {
            if need.is_some_and(|n| counts.train_tokens >= n) {
                break;
            }
            let stats =
                scan_pipelined(part, |b| self.batch(b, s, spills, &mut counts, &mut seq_no))?;
            counts.files += part.files().len() as u64;
            counts.bytes += part.files().iter().map(|f| f.bytes).sum::<u64>();
            counts.records += stats.records;
            for (k, v) in stats.skipped {
                *counts.skipped.entry(k).or_default() += v;
            }
        }
        if let Some(n) = need {
            counts.read = Some(ReadReport {
                needed_tokens: n,
                files_total: src.files().len() as u64,
                bytes_total: src.files().iter().map(|f| f.bytes).sum(),
            });
        }
        Ok(counts)
    }

    fn batch(
        &self,
        batch: DocBatch,
        s: &MixSource,
        spills: &mut SourceSpills,
        counts: &mut SourceCounts,
        seq_no: &mut u64,
    ) -> Result<()> {
        let o = self.o;
        let encoded: Vec<(u64, Vec<u32>)> = self.pool.install(|| {
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
            spills.write(self.cfg, key, *seq_no, &ids, counts)?;
            *seq_no += 1;
        }
        self.bar.inc(batch.input_bytes);
        self.bar.set_message(format!("{}: {seq_no} docs", s.name()));
        Ok(())
    }
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
        s: &MixSource,
        spill_dir: &Path,
    ) -> Result<Self> {
        let (role, epochs) = (s.name(), s.epochs);
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
        // Each of the streams read at once in phase 2 holds a bucket and its parsed copy.
        let budget = (shuffle_mem / (2 * cfg.sources.len().max(2) as u64)).max(1 << 20);
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
