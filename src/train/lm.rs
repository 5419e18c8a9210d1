//! `sluice train lm`: next-token training on a `mix build` output with AdamW, warmup + cosine,
//! gradient accumulation, exact-resume checkpoints and `val_target` / `val_pretrain` evaluation.

use std::path::{Path, PathBuf};
use std::time::Instant;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::backend::{
    self, AttnEntropy, Backend, BackendKind, DistillConfig, LlamaConfig, LossSum, OptimConfig,
    Target, TeacherTargets, weights,
};
use crate::core::atomic::write_atomic;
use crate::core::fingerprint::sha256_file;
use crate::core::job::{Ctx, Identity, Job, Manifest};
use crate::core::manifest::{read_json, write_json};
use crate::dataset::logits::{CachedSeq, LogitsCache, Mode};
use crate::dataset::mix::{MixData, Split};
use crate::error::{Error, Result};
use crate::train::checkpoint;

/// `train lm`'s options, declared once (the CLI flattens them, a pipeline's `kind = "train"` step
/// holds them). Everything but `backend` decides the trained weights; the fingerprint covers it
/// with the contents of every input in place of its path.
#[derive(Clone, Debug, PartialEq, clap::Args, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainOptions {
    /// Steps that must finish first (pipeline files only).
    #[arg(skip)]
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// A `mix build` output directory (train/, val_target/, val_pretrain/, manifest.json).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Start from these weights (GGUF or safetensors); without it, train `arch` from scratch.
    #[arg(long, value_name = "FILE")]
    #[serde(default)]
    pub init: Option<PathBuf>,
    /// Architecture for training from scratch: tiny, small, smollm2-135m, or a LlamaConfig JSON file.
    #[arg(long, default_value_t = tiny())]
    #[serde(default = "tiny")]
    pub arch: String,
    /// burn or torch (on --device); cpu and cuda are burn on that device.
    #[arg(long, value_enum, default_value_t = cpu())]
    #[serde(default = "cpu")]
    pub backend: BackendKind,
    /// Device for the backend: cpu, cuda or cuda:N [default: cpu; with `--backend cuda`, cuda:0].
    #[arg(long)]
    #[serde(default)]
    pub device: Option<String>,
    /// Optimizer steps.
    #[arg(long, default_value_t = hundred())]
    #[serde(default = "hundred")]
    pub steps: u64,
    /// Sequences per micro-batch.
    #[arg(long, default_value_t = four())]
    #[serde(default = "four")]
    pub batch_size: usize,
    /// Micro-batches accumulated per optimizer step.
    #[arg(long, default_value_t = one())]
    #[serde(default = "one")]
    pub grad_accum: usize,
    /// Peak learning rate.
    #[arg(long, default_value_t = lr())]
    #[serde(default = "lr")]
    pub lr: f64,
    /// The cosine schedule ends at lr * this.
    #[arg(long, default_value_t = tenth())]
    #[serde(default = "tenth")]
    pub min_lr_ratio: f64,
    /// Linear warmup steps.
    #[arg(long, default_value_t = ten())]
    #[serde(default = "ten")]
    pub warmup: u64,
    /// AdamW weight decay.
    #[arg(long, default_value_t = decay())]
    #[serde(default = "decay")]
    pub weight_decay: f32,
    /// Evaluate every N steps (and always before the first and after the last).
    #[arg(long, default_value_t = quarter())]
    #[serde(default = "quarter")]
    pub eval_every: u64,
    /// Validation sequences scored per split at each evaluation.
    #[arg(long, default_value_t = sixteen())]
    #[serde(default = "sixteen")]
    pub eval_sequences: usize,
    /// Checkpoint (weights, optimizer, position) every N steps; a rerun resumes from the newest.
    #[arg(long, default_value_t = fifty())]
    #[serde(default = "fifty")]
    pub checkpoint_every: u64,
    /// Seed of the initial weights [default: 0; in a pipeline, the pipeline's seed].
    #[arg(long)]
    #[serde(default)]
    pub seed: Option<u64>,
    /// Distil from a `logits cache` of this data (its train split; temperature from the cache).
    #[arg(long, value_name = "DIR")]
    #[serde(default)]
    pub distill_from: Option<PathBuf>,
    /// Weight of the distillation term; the rest of the loss is next-token cross-entropy.
    #[arg(long, default_value_t = unit())]
    #[serde(default = "unit")]
    pub distill_weight: f32,
    /// Elastic weight consolidation: a `sluice fisher` output of the `--init` model; every step
    /// adds `lambda/2 * sum F (w - w_init)^2` (torch backend).
    #[arg(long, value_name = "DIR")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ewc: Option<PathBuf>,
    /// EWC's strength lambda (needed with --ewc).
    #[arg(long, value_name = "L")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ewc_lambda: Option<f64>,
    /// σReparam on every linear layer of the blocks (torch backend): `W` used as `γ/σ(W)·W`,
    /// `σ` by power iteration, `γ` learned (1 at the start from scratch, `σ(W)` from `--init`).
    #[arg(long)]
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sigma_reparam: bool,
}

// Defaults, each written once (the CLI and the file share them).
crate::defaults! {
    tiny: String = "tiny".into(),
    cpu: BackendKind = BackendKind::Cpu,
    hundred: u64 = 100,
    four: usize = 4,
    one: usize = 1,
    lr: f64 = 3e-4,
    tenth: f64 = 0.1,
    ten: u64 = 10,
    decay: f32 = 0.1,
    quarter: u64 = 25,
    sixteen: usize = 16,
    fifty: u64 = 50,
    unit: f32 = 1.0,
}

impl TrainOptions {
    fn target(&self) -> Result<Target> {
        self.backend.target(self.device.as_deref())
    }

    fn optim(&self) -> OptimConfig {
        OptimConfig {
            weight_decay: self.weight_decay,
            ..OptimConfig::default()
        }
    }

    /// Every path-valued option, with its JSON pointer below the step.
    pub fn paths_mut(&mut self) -> Vec<(String, &mut PathBuf)> {
        let mut v = vec![("/data".to_string(), &mut self.data)];
        if let Some(p) = self.init.as_mut() {
            v.push(("/init".into(), p));
        }
        if let Some(p) = self.distill_from.as_mut() {
            v.push(("/distill_from".into(), p));
        }
        if let Some(p) = self.ewc.as_mut() {
            v.push(("/ewc".into(), p));
        }
        v
    }
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
    /// Attention entropy over the first batch of `val_target` (else `train`).
    #[serde(flatten)]
    pub entropy: AttnEntropy,
}

/// What `train lm`'s manifest holds after the common header.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrainBody {
    pub config: TrainOptions,
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

/// `manifest.json` of a training run, written last.
pub type TrainManifest = Manifest<TrainBody>;

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
    /// Each row's attention entropy per layer and head, as bits.
    #[serde(default)]
    entropy: Vec<Option<Vec<Vec<u64>>>>,
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
            entropy: evals
                .iter()
                .map(|e| {
                    e.entropy.attn_entropy.as_ref().map(|l| {
                        l.iter()
                            .map(|h| h.iter().map(|v| v.to_bits()).collect())
                            .collect()
                    })
                })
                .collect(),
        }
    }

    fn evals(&self) -> Vec<EvalRow> {
        let f = |v: Option<u64>| v.map(f64::from_bits);
        self.evals
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let entropy = self.entropy.get(i).cloned().flatten().map(|l| {
                    l.iter()
                        .map(|h| h.iter().map(|&b| f64::from_bits(b)).collect())
                        .collect()
                });
                EvalRow {
                    step: e[0].unwrap_or(0),
                    tokens_seen: e[1].unwrap_or(0),
                    lr: f(e[2]).unwrap_or(0.0),
                    train_loss: f(e[3]),
                    val_target: f(e[4]),
                    val_pretrain: f(e[5]),
                    entropy: AttnEntropy::of(entropy),
                }
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
pub fn lr_at(cfg: &TrainOptions, step: u64) -> f64 {
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

fn check_config(cfg: &TrainOptions) -> Result<()> {
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
    if let Some(m) =
        crate::train::fisher::check_flags(cfg.ewc.is_some(), cfg.ewc_lambda, cfg.init.is_some())
    {
        return bad(m);
    }
    if cfg.sigma_reparam && cfg.ewc.is_some() {
        return bad(
            "--sigma-reparam with --ewc: EWC anchors the weights a step changes, which σReparam rescales; use one",
        );
    }
    Ok(())
}

/// The model to start from: its config and weights (from `--init` or seeded from scratch).
fn initial_model(cfg: &TrainOptions, data: &MixData) -> Result<(LlamaConfig, backend::Weights)> {
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
                        err!(config(
                            "--arch `{}` is neither a preset (tiny, small, smollm2-135m) nor a readable LlamaConfig JSON file",
                            cfg.arch
                        ))
                    })?;
                    a.vocab_size = vocab;
                    a
                }
            };
            let w = backend::model::init_weights(&arch, cfg.seed.unwrap_or(0))?;
            (arch, w)
        }
    };
    if model.vocab_size < vocab {
        bail!(input(
            "vocab mismatch: the data in {} was tokenized with {} ({vocab} tokens), the model{} has {} embeddings",
            data.dir.display(),
            data.manifest.tokenizer.path,
            cfg.init
                .as_ref()
                .map(|p| format!(" {}", p.display()))
                .unwrap_or_default(),
            model.vocab_size
        ));
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
    fn open(cache: LogitsCache, data: &MixData, train: &mut Split, weight: f32) -> Result<Self> {
        let path = cache.dir.clone();
        let meta = &cache.manifest.meta;
        if meta.vocab_size != data.vocab_size()
            || meta.tokenizer_sha256 != data.manifest.tokenizer.sha256
        {
            bail!(input(
                "logits cache {} was made with another tokenizer (vocab {}, sha256 {}) than the data in {} ({}, vocab {})",
                path.display(),
                meta.vocab_size,
                &meta.tokenizer_sha256[..12.min(meta.tokenizer_sha256.len())],
                data.dir.display(),
                data.manifest.tokenizer.path,
                data.vocab_size()
            ));
        }
        let seqs = cache.read_split("train")?;
        cache.check_against(&seqs, train)?;
        if seqs.is_empty() {
            bail!(input(
                "logits cache {} holds no train sequences",
                path.display()
            ));
        }
        // Train on the cached rows only (a cache may cover a prefix of the split).
        train.truncate(seqs.len());
        Ok(Teacher {
            mode: meta.mode,
            draws: meta.draws.unwrap_or(1),
            cfg: DistillConfig {
                temperature: meta.temperature,
                weight,
            },
            seqs,
        })
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

fn evaluate(b: &dyn Backend, split: Option<&Split>, cfg: &TrainOptions) -> Result<Option<f64>> {
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

/// `train lm` as a [`Job`]; the data (and the logits cache) are opened when its identity is taken.
pub struct TrainJob {
    cfg: TrainOptions,
    /// Where the evaluation table goes (stdout for the CLI).
    table: Box<dyn std::io::Write>,
    opened: Option<(MixData, Option<LogitsCache>, Option<String>)>,
}

impl TrainJob {
    pub fn new(cfg: TrainOptions, table: Box<dyn std::io::Write>) -> Self {
        TrainJob {
            cfg,
            table,
            opened: None,
        }
    }
}

impl Job for TrainJob {
    type Body = TrainBody;

    fn command(&self) -> &'static str {
        "train lm"
    }

    fn outputs(&self) -> Vec<String> {
        [
            "checkpoints",
            "model.safetensors",
            "config.json",
            "metrics.jsonl",
        ]
        .map(String::from)
        .to_vec()
    }

    fn transient(&self) -> Vec<String> {
        vec!["checkpoints".into()]
    }

    fn validate(&self) -> Result<()> {
        self.cfg.target()?;
        check_config(&self.cfg)
    }

    /// The options without paths, the data's fingerprint, the initial weights' sha256 and the
    /// logits cache's fingerprint: a distilled run is never "up to date" on a plain run's output.
    fn identity(&mut self, id: &mut Identity) -> Result<()> {
        let cfg = &self.cfg;
        let data = MixData::open(&cfg.data)?;
        id.input_file("data", &cfg.data.join("manifest.json"))?;
        let init_sha = match &cfg.init {
            Some(p) => Some(id.input_file("init", p)?),
            None => None,
        };
        let cache = cfg
            .distill_from
            .as_deref()
            .map(LogitsCache::open)
            .transpose()?;
        id.add("config", cfg_without_paths(cfg))?;
        id.add("backend", cfg.target()?)?;
        id.add("data", &data.manifest.header.fingerprint)?;
        id.add("init", &init_sha)?;
        id.add(
            "distill_from",
            cache.as_ref().map(|c| &c.manifest.header.fingerprint),
        )?;
        if let (Some(dir), Some(init)) = (&cfg.ewc, &init_sha) {
            let file = crate::train::fisher::check_for(dir, init)?;
            id.input_file("ewc", &file)?;
        }
        self.opened = Some((data, cache, init_sha));
        Ok(())
    }

    fn execute(&mut self, ctx: &mut Ctx) -> Result<TrainBody> {
        let (data, cache, init_sha) = self
            .opened
            .take()
            .ok_or_else(|| Error::internal("train lm executed before its identity"))?;
        let target = self.cfg.target()?;
        let mut run = TrainRun::open(&self.cfg, target, &data, cache, ctx)?;
        ctx.resumed(run.step);
        run.train(ctx, self.table.as_mut())?;
        run.finish(ctx.out, &data, init_sha)
    }
}

/// A training run in progress: the backend, the splits and where it stands.
struct TrainRun<'a> {
    cfg: &'a TrainOptions,
    b: Box<dyn Backend>,
    train: Split,
    val_t: Option<Split>,
    val_p: Option<Split>,
    teacher: Option<Teacher>,
    step: u64,
    tokens_seen: u64,
    evals: Vec<EvalRow>,
    pending: LossSum,
    fingerprint: String,
    timed: (Instant, u64),
}

impl<'a> TrainRun<'a> {
    /// Open the splits and the model: from the newest checkpoint of this fingerprint, or anew.
    fn open(
        cfg: &'a TrainOptions,
        backend: Target,
        data: &MixData,
        cache: Option<LogitsCache>,
        ctx: &Ctx,
    ) -> Result<Self> {
        let mut train = data.split("train")?;
        let teacher = cache
            .map(|c| Teacher::open(c, data, &mut train, cfg.distill_weight))
            .transpose()?;
        if train.rows() == 0 {
            bail!(input("{}: the train split is empty", data.dir.display()));
        }
        let val = |name: &str| data.has_split(name).then(|| data.split(name)).transpose();
        let resume = checkpoint::latest(ctx.out, |s: &CheckpointState| {
            s.fingerprint == ctx.fingerprint
        });
        let (model_cfg, mut w) = match &resume {
            Some((dir, _)) => {
                let l = weights::load(&dir.join("model.safetensors"))?;
                (l.config, l.weights)
            }
            None => initial_model(cfg, data)?,
        };
        let mut b = backend::open(backend, &model_cfg, &mut w, &cfg.optim())?;
        drop(w);
        if cfg.sigma_reparam {
            // On a resume the checkpoint's optimizer state replaces what this sets up.
            b.set_sigma_reparam(cfg.init.is_none())?;
        }
        if let (Some(dir), Some(lambda)) = (&cfg.ewc, cfg.ewc_lambda) {
            // The anchor is the run's starting point, also when it resumes from a checkpoint
            // (`identity` checked that the Fisher is of these weights).
            let fisher = weights::load(&dir.join(crate::train::fisher::FILE))?.weights;
            let (_, anchor) = initial_model(cfg, data)?;
            b.set_ewc(backend::Ewc {
                fisher,
                anchor,
                lambda,
            })?;
        }
        let mut run = TrainRun {
            cfg,
            b,
            train,
            val_t: val("val_target")?,
            val_p: val("val_pretrain")?,
            teacher,
            step: 0,
            tokens_seen: 0,
            evals: Vec::new(),
            pending: LossSum::default(),
            fingerprint: ctx.fingerprint.to_string(),
            timed: (Instant::now(), 0),
        };
        if let Some((dir, s)) = resume {
            run.b.load_optimizer(&dir)?;
            tracing::info!("resuming from {} (step {})", dir.display(), s.step);
            (run.step, run.tokens_seen, run.evals, run.pending) =
                (s.step, s.tokens_seen, s.evals(), s.pending());
        }
        Ok(run)
    }

    fn eval_row(&self, lr: f64, train_loss: Option<f64>) -> Result<EvalRow> {
        let probe = match self.val_t.as_ref().filter(|s| s.rows() > 0) {
            Some(v) => v.batch(0, self.cfg.batch_size.min(v.rows())),
            None => self.train.batch(0, self.cfg.batch_size),
        };
        Ok(EvalRow {
            step: self.step,
            tokens_seen: self.tokens_seen,
            lr,
            train_loss,
            val_target: evaluate(self.b.as_ref(), self.val_t.as_ref(), self.cfg)?,
            val_pretrain: evaluate(self.b.as_ref(), self.val_p.as_ref(), self.cfg)?,
            entropy: AttnEntropy::of(self.b.attention_entropy(&probe)?),
        })
    }

    /// One optimizer step over `grad_accum` micro-batches.
    fn step_once(&mut self, lr: f64) -> Result<LossSum> {
        let cfg = self.cfg;
        let per_step = (cfg.batch_size * cfg.grad_accum) as u64;
        let micro: Vec<_> = (0..cfg.grad_accum as u64)
            .map(|m| {
                self.train.batch(
                    self.step * per_step + m * cfg.batch_size as u64,
                    cfg.batch_size,
                )
            })
            .collect();
        match &self.teacher {
            None => self.b.train_step(&micro, lr),
            Some(t) => {
                let paired: Vec<_> = micro
                    .into_iter()
                    .enumerate()
                    .map(|(m, batch)| {
                        let start = self.step * per_step + m as u64 * cfg.batch_size as u64;
                        (batch, t.targets(start, cfg.batch_size))
                    })
                    .collect();
                self.b.distill_step(&paired, &t.cfg, lr)
            }
        }
    }

    /// Steps to the end, evaluating and checkpointing on the way.
    fn train(&mut self, ctx: &Ctx, table: &mut dyn std::io::Write) -> Result<()> {
        let (cfg, out) = (self.cfg, ctx.out);
        let _ = writeln!(
            table,
            "{:>7} {:>11} {:>10} {:>10} {:>10} {:>12}",
            "step", "tokens", "lr", "train", "val_target", "val_pretrain"
        );
        for r in &self.evals {
            write_row(table, r);
        }
        if self.step == 0 {
            let row = self.eval_row(lr_at(cfg, 0), None)?;
            write_row(table, &row);
            self.evals.push(row);
            write_metrics(out, &self.evals)?;
        }
        let bar = ctx.exec.progress.bar(cfg.steps, "train", "steps");
        bar.set_position(self.step);
        self.timed = (Instant::now(), 0);
        let per_step = (cfg.batch_size * cfg.grad_accum) as u64;
        while self.step < cfg.steps {
            let lr = lr_at(cfg, self.step);
            let loss = self.step_once(lr)?;
            self.pending.add(loss);
            let n_tokens = per_step * self.train.seq_len as u64;
            self.tokens_seen += n_tokens;
            self.timed.1 += n_tokens;
            self.step += 1;
            bar.set_position(self.step);
            bar.set_message(format!("loss {:.4}", loss.mean()));
            if self.step.is_multiple_of(cfg.eval_every) || self.step == cfg.steps {
                let row = self.eval_row(lr, Some(self.pending.mean()))?;
                self.pending = LossSum::default();
                bar.suspend(|| write_row(table, &row));
                self.evals.push(row);
                write_metrics(out, &self.evals)?;
            }
            if self.step.is_multiple_of(cfg.checkpoint_every) && self.step < cfg.steps {
                let state = CheckpointState::new(
                    &self.fingerprint,
                    self.step,
                    self.tokens_seen,
                    &self.evals,
                    self.pending,
                );
                let b = self.b.as_ref();
                checkpoint::save(out, self.step, &state, |dir| {
                    b.weights()
                        .save_safetensors(&dir.join("model.safetensors"), b.config())?;
                    b.save_optimizer(dir)
                })?;
            }
        }
        bar.finish_and_clear();
        Ok(())
    }

    /// The weights, config.json and metrics in place, checkpoints gone; the manifest body.
    fn finish(self, out: &Path, data: &MixData, init_sha: Option<String>) -> Result<TrainBody> {
        let elapsed = self.timed.0.elapsed().as_secs_f64();
        let cfg_model = self.b.config().clone();
        let weights_path = out.join("model.safetensors");
        self.b
            .weights()
            .save_safetensors(&weights_path, &cfg_model)?;
        write_json(
            &out.join("config.json"),
            &weights::hf_config_json(&cfg_model),
        )?;
        write_metrics(out, &self.evals)?;
        let caps = self.b.capabilities();
        let body = TrainBody {
            config: self.cfg.clone(),
            parameters: cfg_model.parameters(),
            model: cfg_model,
            backend: self.b.name().into(),
            device: caps.device,
            data_fingerprint: data.manifest.header.fingerprint.clone(),
            init_sha256: init_sha,
            tokens_trained: self.tokens_seen,
            train_tokens_per_second: if elapsed > 0.0 {
                self.timed.1 as f64 / elapsed
            } else {
                0.0
            },
            evals: self.evals,
            weights: "model.safetensors".into(),
            weights_sha256: sha256_file(&weights_path)?,
        };
        Ok(body)
    }
}

/// Paths do not change what is trained; their contents are fingerprinted separately.
fn cfg_without_paths(cfg: &TrainOptions) -> TrainOptions {
    TrainOptions {
        depends_on: Vec::new(),
        data: PathBuf::new(),
        init: None,
        distill_from: None,
        ewc: None,
        // Aliases normalised: the resolved backend is added to the identity on its own.
        backend: BackendKind::Cpu,
        device: None,
        seed: Some(cfg.seed.unwrap_or(0)),
        ..cfg.clone()
    }
}
