//! `mix build`, in two phases.
//!
//! 1. Read and tokenize every document (in parallel, results kept in source order), decide its
//!    split from its content key, and spill it to shuffle buckets.
//! 2. With the token counts known, fix the schedule (two sources: `--inject p`; N sources: token
//!    weights), check that the data suffices, then stream packed sequences into the output files.
//!
//! Phase 1 is [`super::phase1`]. Work lives in `OUT/.sluice/` until the manifest is written. A
//! rerun of the same command reuses a finished phase 1 and every finished shard, and redoes the
//! rest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::pack::{BestFit, LongDocs, Pack, Packer, Packing};
use super::phase1::{Phase1, load_or_tokenize};
use super::schedule::{Blend, InjectOrder, Interleave, Schedule};
use super::slices::Slice;
use super::spill::{SequenceStream, SpillReader};
use crate::core::fraction::Fraction;
use crate::core::job::{Ctx, Identity, Job};
use crate::core::manifest::ShardInfo;
use crate::core::progress::Progress;
use crate::dataset::mix::{MixBody, ScheduleReport, SourceShare, SplitReport};
use crate::error::{Error, Result};
use crate::sink::SequenceSink;
use crate::sink::megatron::MegatronFiles;
use crate::sink::parquet::ParquetShards;
use crate::source::{FileSource, Source, SourceSpec};
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
    pub(super) fn name(&self) -> &str {
        &self.spec.name
    }
}

/// The validated weights: the two-source form or N exact token fractions.
#[derive(Clone, Debug)]
pub(super) enum Weights {
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

/// `mix build` as a [`Job`]: the sources and tokenizer are opened when its identity is taken.
pub struct MixBuild {
    cfg: MixConfig,
    /// Memory for shuffle buckets, bytes.
    shuffle_mem: u64,
    /// Some: this process builds one slice (its output directory is `OUT/slices/i-of-N`).
    slice: Option<Slice>,
    opened: Option<Opened>,
}

pub(super) struct Opened {
    pub(super) weights: Weights,
    pub(super) sources: Vec<FileSource>,
    pub(super) encoder: Box<dyn Encoder>,
    pub(super) tok_info: TokenizerInfo,
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

    /// A slice's `phase1/` is not among them: other slices may be reading it, so a rerun (even
    /// with `--overwrite`) must not clear it; phase 1 redoes it only when it is of another
    /// configuration, and `mix merge` removes it.
    fn outputs(&self) -> Vec<String> {
        std::iter::once("train".to_string())
            .chain(self.cfg.sources.iter().map(|s| format!("val_{}", s.name())))
            .chain(std::iter::once("megatron".to_string()))
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
                id.input(&src.spec().name, f.fingerprint()?);
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
