//! `sluice train lm`: next-token training on a `mix build` output with AdamW, warmup + cosine,
//! gradient accumulation, exact-resume checkpoints and `val_target` / `val_pretrain` evaluation.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::data::{MixData, Split};
use crate::backend::{
    self, Backend, BackendKind, DistillConfig, LlamaConfig, LossSum, OptimConfig, TeacherTargets,
    weights,
};
use crate::core::atomic::write_atomic;
use crate::core::fingerprint::{sha256_bytes, sha256_file};
use crate::core::manifest::{read_json, write_json};
use crate::core::outdir::{self, Fingerprinted, OutState};
use crate::core::progress::Progress;
use crate::error::{Error, IoContext, Result};
use crate::logits::cache::Mode;
use crate::logits::reader::{CachedSeq, LogitsCache};

/// Everything that determines the trained weights (the fingerprint covers all of it).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TrainConfig {
    pub data: PathBuf,
    /// Weights to start from (GGUF or safetensors); none: `arch` from scratch.
    pub init: Option<PathBuf>,
    /// Architecture when training from scratch: a preset name or a JSON file of `LlamaConfig`.
    pub arch: String,
    pub steps: u64,
    /// Sequences per micro-batch.
    pub batch_size: usize,
    /// Micro-batches per optimizer step.
    pub grad_accum: usize,
    pub lr: f64,
    /// The cosine decays to `lr * min_lr_ratio`.
    pub min_lr_ratio: f64,
    pub warmup: u64,
    pub eval_every: u64,
    /// Validation sequences scored per split at each evaluation.
    pub eval_sequences: usize,
    pub checkpoint_every: u64,
    pub seed: u64,
    pub optim: OptimConfig,
    /// A `logits cache` of this data's train split: train towards the teacher's distributions.
    pub distill_from: Option<PathBuf>,
    /// Share of the distillation term in the loss (the rest is next-token cross-entropy).
    pub distill_weight: f32,
}

pub struct TrainExec {
    pub out: PathBuf,
    pub backend: BackendKind,
    pub overwrite: bool,
    pub progress: Progress,
    /// Where the evaluation table goes (stdout for the CLI).
    pub table: Box<dyn std::io::Write>,
}

/// One evaluation: losses in nats per predicted token.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EvalRow {
    pub step: u64,
    pub tokens_seen: u64,
    pub lr: f64,
    /// Mean loss of the steps since the previous evaluation (none at step 0).
    pub train_loss: Option<f64>,
    pub val_target: Option<f64>,
    pub val_pretrain: Option<f64>,
}

/// `manifest.json` of a training run, written last.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrainManifest {
    pub sluice_version: String,
    pub fingerprint: String,
    pub config: TrainConfig,
    pub model: LlamaConfig,
    pub parameters: u64,
    pub backend: String,
    pub device: String,
    pub data_fingerprint: String,
    pub init_sha256: Option<String>,
    pub tokens_trained: u64,
    pub train_tokens_per_second: f64,
    pub evals: Vec<EvalRow>,
    pub weights: String,
    pub weights_sha256: String,
}

impl Fingerprinted for TrainManifest {
    fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
}

/// What a checkpoint directory records beside the weights and optimizer state. Floats are kept
/// as their bits: a JSON decimal round trip may change the last digit, and resumes must be exact.
#[derive(Serialize, Deserialize)]
struct CheckpointState {
    fingerprint: String,
    step: u64,
    tokens_seen: u64,
    /// `EvalRow`s with every float as `f64::to_bits`.
    evals: Vec<[Option<u64>; 6]>,
    pending_nll_bits: u64,
    pending_tokens: u64,
}

impl CheckpointState {
    fn new(
        fingerprint: &str,
        step: u64,
        tokens_seen: u64,
        evals: &[EvalRow],
        pending: LossSum,
    ) -> Self {
        let bits = |v: Option<f64>| v.map(f64::to_bits);
        CheckpointState {
            fingerprint: fingerprint.into(),
            step,
            tokens_seen,
            evals: evals
                .iter()
                .map(|e| {
                    [
                        Some(e.step),
                        Some(e.tokens_seen),
                        bits(Some(e.lr)),
                        bits(e.train_loss),
                        bits(e.val_target),
                        bits(e.val_pretrain),
                    ]
                })
                .collect(),
            pending_nll_bits: pending.nll.to_bits(),
            pending_tokens: pending.tokens,
        }
    }

    fn evals(&self) -> Vec<EvalRow> {
        let f = |v: Option<u64>| v.map(f64::from_bits);
        self.evals
            .iter()
            .map(|e| EvalRow {
                step: e[0].unwrap_or(0),
                tokens_seen: e[1].unwrap_or(0),
                lr: f(e[2]).unwrap_or(0.0),
                train_loss: f(e[3]),
                val_target: f(e[4]),
                val_pretrain: f(e[5]),
            })
            .collect()
    }

    fn pending(&self) -> LossSum {
        LossSum {
            nll: f64::from_bits(self.pending_nll_bits),
            tokens: self.pending_tokens,
        }
    }
}

/// Learning rate at `step` (0-based): linear warmup to `lr`, then cosine to `lr * min_lr_ratio`.
pub fn lr_at(cfg: &TrainConfig, step: u64) -> f64 {
    if step < cfg.warmup {
        return cfg.lr * (step + 1) as f64 / cfg.warmup as f64;
    }
    let decay = cfg.steps.saturating_sub(cfg.warmup).max(1) as f64;
    let p = ((step - cfg.warmup) as f64 / decay).min(1.0);
    let min = cfg.lr * cfg.min_lr_ratio;
    min + 0.5 * (cfg.lr - min) * (1.0 + (std::f64::consts::PI * p).cos())
}

/// Built-in architectures for training from scratch (vocab comes from the data).
pub fn preset(name: &str, vocab: usize) -> Option<LlamaConfig> {
    let c = |hidden, inter, layers, heads, kv| LlamaConfig {
        vocab_size: vocab,
        hidden_size: hidden,
        intermediate_size: inter,
        num_hidden_layers: layers,
        num_attention_heads: heads,
        num_key_value_heads: kv,
        rope_theta: 10000.0,
        rms_norm_eps: 1e-5,
        max_position_embeddings: 8192,
        tie_word_embeddings: true,
    };
    Some(match name {
        "tiny" => c(64, 192, 2, 4, 2),
        "small" => c(256, 768, 4, 8, 4),
        "smollm2-135m" => LlamaConfig {
            rope_theta: 100000.0,
            ..c(576, 1536, 30, 9, 3)
        },
        _ => return None,
    })
}

fn check_config(cfg: &TrainConfig) -> Result<()> {
    let bad = |m: &str| Err(Error::config(m.to_string()));
    if cfg.steps == 0 {
        return bad("--steps must be at least 1");
    }
    if cfg.batch_size == 0 || cfg.grad_accum == 0 {
        return bad("--batch-size and --grad-accum must be at least 1");
    }
    if !(cfg.lr > 0.0 && cfg.lr.is_finite()) {
        return bad("--lr must be a positive number");
    }
    if !(0.0..=1.0).contains(&cfg.min_lr_ratio) {
        return bad("--min-lr-ratio must be in [0, 1]");
    }
    if !(0.0..=1.0).contains(&cfg.distill_weight) {
        return bad("--distill-weight must be in [0, 1]");
    }
    if cfg.eval_every == 0 || cfg.checkpoint_every == 0 {
        return bad("--eval-every and --checkpoint-every must be at least 1");
    }
    Ok(())
}

/// The model to start from: its config and weights (from `--init` or seeded from scratch).
fn initial_model(cfg: &TrainConfig, data: &MixData) -> Result<(LlamaConfig, backend::Weights)> {
    let vocab = data.vocab_size();
    let (model, w) = match &cfg.init {
        Some(path) => {
            let l = weights::load(path)?;
            (l.config, l.weights)
        }
        None => {
            let arch = match preset(&cfg.arch, vocab) {
                Some(a) => a,
                None => {
                    let p = Path::new(&cfg.arch);
                    let mut a: LlamaConfig = read_json(p).map_err(|_| {
                        Error::config(format!(
                            "--arch `{}` is neither a preset (tiny, small, smollm2-135m) nor a readable LlamaConfig JSON file",
                            cfg.arch
                        ))
                    })?;
                    a.vocab_size = vocab;
                    a
                }
            };
            let w = backend::model::init_weights(&arch, cfg.seed)?;
            (arch, w)
        }
    };
    if model.vocab_size < vocab {
        return Err(Error::input(format!(
            "vocab mismatch: the data in {} was tokenized with {} ({} tokens), the model{} has {} embeddings",
            data.dir.display(),
            data.manifest.tokenizer.path,
            vocab,
            cfg.init
                .as_ref()
                .map(|p| format!(" {}", p.display()))
                .unwrap_or_default(),
            model.vocab_size
        )));
    }
    Ok((model, w))
}

/// The cached teacher distributions a distillation run trains towards.
struct Teacher {
    seqs: Vec<CachedSeq>,
    mode: Mode,
    draws: usize,
    cfg: DistillConfig,
}

impl Teacher {
    fn open(path: &Path, data: &MixData, train: &mut Split, weight: f32) -> Result<(Self, String)> {
        let cache = LogitsCache::open(path)?;
        let meta = &cache.manifest.meta;
        if meta.vocab_size != data.vocab_size()
            || meta.tokenizer_sha256 != data.manifest.tokenizer.sha256
        {
            return Err(Error::input(format!(
                "logits cache {} was made with another tokenizer (vocab {}, sha256 {}) than the data in {} ({}, vocab {})",
                path.display(),
                meta.vocab_size,
                &meta.tokenizer_sha256[..12.min(meta.tokenizer_sha256.len())],
                data.dir.display(),
                data.manifest.tokenizer.path,
                data.vocab_size()
            )));
        }
        let seqs = cache.read_split("train")?;
        cache.check_against(&seqs, train)?;
        if seqs.is_empty() {
            return Err(Error::input(format!(
                "logits cache {} holds no train sequences",
                path.display()
            )));
        }
        // Train on the cached rows only (a cache may cover a prefix of the split).
        train.truncate(seqs.len());
        let t = Teacher {
            mode: meta.mode,
            draws: meta.draws.unwrap_or(1),
            cfg: DistillConfig {
                temperature: meta.temperature,
                weight,
            },
            seqs,
        };
        Ok((t, cache.manifest.fingerprint.clone()))
    }

    fn targets(&self, start: u64, n: usize) -> TeacherTargets {
        let rows: Vec<&CachedSeq> = (0..n as u64)
            .map(|i| &self.seqs[((start + i) % self.seqs.len() as u64) as usize])
            .collect();
        let len = rows[0].input_ids.len();
        let k = rows
            .iter()
            .flat_map(|r| r.ids.iter().map(Vec::len))
            .max()
            .unwrap_or(1)
            .max(1);
        let mut t = TeacherTargets {
            k,
            ids: Vec::with_capacity(n * len * k),
            probs: Vec::with_capacity(n * len * k),
            tail: Vec::with_capacity(n * len),
        };
        for r in rows {
            for pos in 0..len {
                let sp = r.sparse(self.mode, self.draws, pos);
                t.ids
                    .extend(sp.ids.iter().copied().chain(std::iter::repeat(0)).take(k));
                t.probs.extend(
                    sp.probs
                        .iter()
                        .copied()
                        .chain(std::iter::repeat(0.0))
                        .take(k),
                );
                t.tail.push(sp.tail);
            }
        }
        t
    }
}

fn evaluate(b: &dyn Backend, split: Option<&Split>, cfg: &TrainConfig) -> Result<Option<f64>> {
    let Some(split) = split else { return Ok(None) };
    let mut sum = LossSum::default();
    for batch in split.chunks(cfg.batch_size, cfg.eval_sequences) {
        sum.add(b.eval_loss(&batch)?);
    }
    Ok((sum.tokens > 0).then(|| sum.mean()))
}

fn fmt_loss(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.4}"))
}

fn write_row(out: &mut dyn std::io::Write, r: &EvalRow) {
    let _ = writeln!(
        out,
        "{:>7} {:>11} {:>10.3e} {:>10} {:>10} {:>12}",
        r.step,
        r.tokens_seen,
        r.lr,
        fmt_loss(r.train_loss),
        fmt_loss(r.val_target),
        fmt_loss(r.val_pretrain)
    );
    let _ = out.flush();
}

fn write_metrics(out: &Path, evals: &[EvalRow]) -> Result<()> {
    let mut text = String::new();
    for e in evals {
        text.push_str(&serde_json::to_string(e).expect("row serialises"));
        text.push('\n');
    }
    write_atomic(&out.join("metrics.jsonl"), text.as_bytes())
}

fn checkpoint_dir(out: &Path, step: u64) -> PathBuf {
    out.join("checkpoints").join(format!("step-{step:08}"))
}

/// The newest complete checkpoint of this run (directories are renamed into place whole).
fn latest_checkpoint(out: &Path, fingerprint: &str) -> Option<(PathBuf, CheckpointState)> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(out.join("checkpoints"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("step-") && !n.ends_with(".tmp"))
        })
        .collect();
    dirs.sort();
    dirs.into_iter().rev().find_map(|d| {
        let s: CheckpointState = read_json(&d.join("state.json")).ok()?;
        (s.fingerprint == fingerprint).then_some((d, s))
    })
}

fn save_checkpoint(out: &Path, b: &dyn Backend, state: &CheckpointState) -> Result<()> {
    let dir = checkpoint_dir(out, state.step);
    let tmp = dir.with_extension("tmp");
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).at("remove", &tmp)?;
    }
    std::fs::create_dir_all(&tmp).at("create", &tmp)?;
    b.weights()
        .save_safetensors(&tmp.join("model.safetensors"), b.config())?;
    b.save_optimizer(&tmp)?;
    write_json(&tmp.join("state.json"), state)?;
    std::fs::rename(&tmp, &dir).at("rename into place", &dir)?;
    // Keep the newest two: the one just written and its predecessor.
    let parent = out.join("checkpoints");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&parent)
        .at("list", &parent)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p != &dir && !p.to_string_lossy().ends_with(".tmp"))
        .collect();
    dirs.sort();
    let n = dirs.len();
    for d in dirs.into_iter().take(n.saturating_sub(1)) {
        std::fs::remove_dir_all(&d).at("remove", &d)?;
    }
    Ok(())
}

pub struct Outcome {
    pub manifest: TrainManifest,
    pub up_to_date: bool,
    pub resumed_from: Option<u64>,
}

pub fn train(cfg: &TrainConfig, exec: &mut TrainExec) -> Result<Outcome> {
    check_config(cfg)?;
    let data = MixData::open(&cfg.data)?;
    let init_sha = cfg.init.as_deref().map(sha256_file).transpose()?;
    let fingerprint = sha256_bytes(
        serde_json::to_string(&(
            cfg_without_paths(cfg),
            &data.manifest.fingerprint,
            &init_sha,
        ))
        .expect("config serialises")
        .as_bytes(),
    );
    let out = exec.out.clone();
    let outputs = [
        "checkpoints",
        "model.safetensors",
        "config.json",
        "metrics.jsonl",
    ];
    if let OutState::UpToDate(m) =
        outdir::prepare::<TrainManifest>(&out, &fingerprint, exec.overwrite, &outputs)?
    {
        return Ok(Outcome {
            manifest: *m,
            up_to_date: true,
            resumed_from: None,
        });
    }
    let mut train_split = data.split("train")?;
    let teacher = cfg
        .distill_from
        .as_deref()
        .map(|p| Teacher::open(p, &data, &mut train_split, cfg.distill_weight))
        .transpose()?;
    let teacher = teacher.map(|(t, _)| t);
    if train_split.rows() == 0 {
        return Err(Error::input(format!(
            "{}: the train split is empty",
            data.dir.display()
        )));
    }
    let val_t = data
        .has_split("val_target")
        .then(|| data.split("val_target"))
        .transpose()?;
    let val_p = data
        .has_split("val_pretrain")
        .then(|| data.split("val_pretrain"))
        .transpose()?;

    let resume = latest_checkpoint(&out, &fingerprint);
    let (model_cfg, mut w) = match &resume {
        Some((dir, _)) => {
            let l = weights::load(&dir.join("model.safetensors"))?;
            (l.config, l.weights)
        }
        None => initial_model(cfg, &data)?,
    };
    let mut b = backend::open(exec.backend, &model_cfg, &mut w, &cfg.optim)?;
    drop(w);
    let (mut step, mut tokens_seen, mut evals, mut pending) =
        (0, 0, Vec::new(), LossSum::default());
    let resumed_from = match resume {
        Some((dir, s)) => {
            b.load_optimizer(&dir)?;
            tracing::info!("resuming from {} (step {})", dir.display(), s.step);
            (step, tokens_seen, evals, pending) = (s.step, s.tokens_seen, s.evals(), s.pending());
            Some(step)
        }
        None => None,
    };
    let _ = writeln!(
        exec.table,
        "{:>7} {:>11} {:>10} {:>10} {:>10} {:>12}",
        "step", "tokens", "lr", "train", "val_target", "val_pretrain"
    );
    for r in &evals {
        write_row(exec.table.as_mut(), r);
    }
    if resumed_from.is_none() {
        let row = EvalRow {
            step: 0,
            tokens_seen: 0,
            lr: lr_at(cfg, 0),
            train_loss: None,
            val_target: evaluate(b.as_ref(), val_t.as_ref(), cfg)?,
            val_pretrain: evaluate(b.as_ref(), val_p.as_ref(), cfg)?,
        };
        write_row(exec.table.as_mut(), &row);
        evals.push(row);
        write_metrics(&out, &evals)?;
    }
    let bar = exec.progress.bar(cfg.steps, "train", "steps");
    bar.set_position(step);
    let started = Instant::now();
    let mut timed_tokens = 0u64;
    let per_step = (cfg.batch_size * cfg.grad_accum) as u64;
    while step < cfg.steps {
        let lr = lr_at(cfg, step);
        let micro: Vec<_> = (0..cfg.grad_accum as u64)
            .map(|m| train_split.batch(step * per_step + m * cfg.batch_size as u64, cfg.batch_size))
            .collect();
        let loss = match &teacher {
            None => b.train_step(&micro, lr)?,
            Some(t) => {
                let paired: Vec<_> = micro
                    .into_iter()
                    .enumerate()
                    .map(|(m, batch)| {
                        let start = step * per_step + m as u64 * cfg.batch_size as u64;
                        (batch, t.targets(start, cfg.batch_size))
                    })
                    .collect();
                b.distill_step(&paired, &t.cfg, lr)?
            }
        };
        pending.add(loss);
        let n_tokens = per_step * train_split.seq_len as u64;
        tokens_seen += n_tokens;
        timed_tokens += n_tokens;
        step += 1;
        bar.set_position(step);
        bar.set_message(format!("loss {:.4}", loss.mean()));
        if step % cfg.eval_every == 0 || step == cfg.steps {
            let row = EvalRow {
                step,
                tokens_seen,
                lr,
                train_loss: Some(pending.mean()),
                val_target: evaluate(b.as_ref(), val_t.as_ref(), cfg)?,
                val_pretrain: evaluate(b.as_ref(), val_p.as_ref(), cfg)?,
            };
            pending = LossSum::default();
            bar.suspend(|| write_row(exec.table.as_mut(), &row));
            evals.push(row);
            write_metrics(&out, &evals)?;
        }
        if step % cfg.checkpoint_every == 0 && step < cfg.steps {
            let state = CheckpointState::new(&fingerprint, step, tokens_seen, &evals, pending);
            save_checkpoint(&out, b.as_ref(), &state)?;
        }
    }
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    let cfg_model = b.config().clone();
    let weights_path = out.join("model.safetensors");
    b.weights().save_safetensors(&weights_path, &cfg_model)?;
    write_json(
        &out.join("config.json"),
        &weights::hf_config_json(&cfg_model),
    )?;
    write_metrics(&out, &evals)?;
    let caps = b.capabilities();
    let manifest = TrainManifest {
        sluice_version: env!("CARGO_PKG_VERSION").into(),
        fingerprint,
        config: cfg.clone(),
        parameters: cfg_model.parameters(),
        model: cfg_model,
        backend: b.name().into(),
        device: caps.device,
        data_fingerprint: data.manifest.fingerprint.clone(),
        init_sha256: init_sha,
        tokens_trained: tokens_seen,
        train_tokens_per_second: if elapsed > 0.0 {
            timed_tokens as f64 / elapsed
        } else {
            0.0
        },
        evals,
        weights: "model.safetensors".into(),
        weights_sha256: sha256_file(&weights_path)?,
    };
    write_json(&out.join("manifest.json"), &manifest)?;
    let work = out.join(outdir::WORK);
    let _ = std::fs::remove_dir_all(&work);
    let ckpts = out.join("checkpoints");
    let _ = std::fs::remove_dir_all(&ckpts);
    Ok(Outcome {
        manifest,
        up_to_date: false,
        resumed_from,
    })
}

/// Paths do not change what is trained; their contents are fingerprinted separately.
fn cfg_without_paths(cfg: &TrainConfig) -> TrainConfig {
    TrainConfig {
        data: PathBuf::new(),
        init: None,
        distill_from: None,
        ..cfg.clone()
    }
}
