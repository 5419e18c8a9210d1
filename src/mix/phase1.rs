//! Phase 1 of `mix build`: read and tokenize every source (in parallel, results kept in source
//! order), decide each document's split from its content key, and spill it to shuffle buckets;
//! in a sliced build, this slice's share, then every slice's once they are all there.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::build::{MixConfig, MixSource, Opened, Weights};
use super::schedule::{Blend, Interleave, Schedule};
use super::slices::{self, Slice, SpillDirs};
use super::spill::{SpillInfo, SpillWriter};
use crate::core::job::Ctx;
use crate::core::manifest::{read_json, write_json};
use crate::core::rng::{content_key, draw, unit};
use crate::dataset::mix::{ReadReport, SourceCounts};
use crate::error::{IoContext, Result};
use crate::source::{DocBatch, FileSource, Flow, Source, scan_pipelined};

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
pub(super) struct Tokenized {
    pub(super) phase1: Phase1,
    pub(super) dirs: SpillDirs,
}

/// Phase 1 as an earlier run of this fingerprint finished it, or run now; in a sliced build, this
/// slice's part, then every slice's once they are all there.
pub(super) fn load_or_tokenize(
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
            let failed = dir.join(slices::FAILED);
            let _ = std::fs::remove_file(&failed);
            let p1 = phase1(cfg, shuffle_mem, ctx, o, &spill_dir, owners.as_ref());
            // A sliced build's peers wait for this phase 1: tell them it failed, and why.
            if let (Err(e), Some(_)) = (&p1, slice) {
                let _ = write_json(&failed, &slices::Failed::new(ctx.fingerprint, e));
            }
            let p1 = p1?;
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
    /// (no read needed to fix it), each file's rows in order, and stop after the batch of rows
    /// that brings its train tokens to `need`: the documents taken are a function of the files'
    /// paths and contents alone.
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
        // A source with nothing to give still reads one batch: it has a validation split.
        let enough = |c: &SourceCounts| need.is_some_and(|n| c.train_tokens >= n);
        let mut partial = false;
        for part in &parts {
            if enough(&counts) {
                break;
            }
            let mut stopped = false;
            let stats = scan_pipelined(part, |b| {
                self.batch(b, s, spills, &mut counts, &mut seq_no)?;
                stopped = enough(&counts);
                Ok(if stopped { Flow::Stop } else { Flow::Go })
            })?;
            counts.files += part.files().len() as u64;
            counts.bytes += part.files().iter().map(|f| f.bytes).sum::<u64>();
            counts.records += stats.records;
            for (k, v) in stats.skipped {
                *counts.skipped.entry(k).or_default() += v;
            }
            partial |= stopped;
        }
        if let Some(n) = need {
            counts.read = Some(ReadReport {
                needed_tokens: n,
                files_total: src.files().len() as u64,
                bytes_total: src.files().iter().map(|f| f.bytes).sum(),
                last_file_partial: partial,
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
