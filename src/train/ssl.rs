//! `sluice train ssl`: multi-view self-supervised training of an image encoder, fed by online
//! views ([`crate::views::stream`]) and evaluated by kNN and a linear probe on a held-out split.
//!
//! Step `s` trains on batch `s mod E` of epoch `s div E` (E full batches per epoch), every view
//! keyed as the stream keys it, so the data of a step is a pure function of (seed, step) and a
//! resumed run continues with exactly the batches it would have seen. A sample is held out for
//! evaluation by the hash of its id alone (not the seed), so runs of every seed evaluate on the
//! same split; held-out samples are never trained on.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::backend::vision::{
    self, EncoderKind, Images, Objective, OptimizerKind, SslBackend, SslBatch, SslModelConfig,
    StepLoss,
};
use crate::backend::{BackendKind, Target};
use crate::core::fingerprint::sha256_file;
use crate::core::job::{Ctx, Identity, Job, Manifest};
use crate::core::rng::{content_key, unit};
use crate::dataset::views::InputReport;
use crate::error::{Error, Result};
use crate::plan::ema;
use crate::train::checkpoint;
use crate::train::probe::{self, Labelled};
use crate::views::generate::{Files, hashed_inputs, image_inputs};
use crate::views::params::ViewParams;
use crate::views::recipe::{MAX_SIZE, Recipe};
use crate::views::source::{Columns, ImageSource, SampleRef};
use crate::views::stored::StoredInfo;
use crate::views::stream::{StreamConfig, ViewBatch, ViewStream};

/// `train ssl`'s options, declared once (the CLI flattens them, a pipeline's `kind = "ssl"` step
/// holds them).
#[derive(Clone, Debug, PartialEq, clap::Args, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SslOptions {
    /// Steps that must finish first (pipeline files only).
    #[arg(skip)]
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// Images in class folders (DIR/CLASS/x.png; the label is used only for evaluation),
    /// Parquet file(s) with an image column and a `label` column, or a `views gen` output (its
    /// stored views, the same in every epoch; evaluation embeds each sample's view 0).
    #[arg(long, value_name = "PATH")]
    pub data: PathBuf,
    #[arg(long, value_enum, default_value_t = simclr())]
    #[serde(default = "simclr")]
    pub objective: Objective,
    /// Views per sample [default: 2; 4 for infonce, polyview, suffstats].
    #[arg(long)]
    #[serde(default)]
    pub k: Option<u32>,
    /// Views recipe: a built-in name or a TOML file [default: byol for byol, duet for duet,
    /// else simclr].
    #[arg(long)]
    #[serde(default)]
    pub recipe: Option<String>,
    #[arg(long, value_enum, default_value_t = resnet18())]
    #[serde(default = "resnet18")]
    pub encoder: EncoderKind,
    /// Channel (ResNet) or embedding (ViT) width multiplier; below 1 keeps CPU runs small.
    #[arg(long, default_value_t = unit_f())]
    #[serde(default = "unit_f")]
    pub width: f64,
    /// View side in pixels (ResNet: a small-image stem at 64 and below).
    #[arg(long, default_value_t = side())]
    #[serde(default = "side")]
    pub size: u32,
    /// Optimizer steps.
    #[arg(long, default_value_t = hundred())]
    #[serde(default = "hundred")]
    pub steps: u64,
    /// Samples per step (views per step = samples x K).
    #[arg(long, default_value_t = sixty_four())]
    #[serde(default = "sixty_four")]
    pub batch_size: usize,
    /// Peak learning rate (at --ema-ref-batch when that is given: scaled by the optimizer's rule).
    #[arg(long, default_value_t = lr())]
    #[serde(default = "lr")]
    pub lr: f64,
    /// Linear warmup steps, then cosine decay to 0.
    #[arg(long, default_value_t = ten())]
    #[serde(default = "ten")]
    pub warmup: u64,
    #[arg(long, value_enum, default_value_t = adamw())]
    #[serde(default = "adamw")]
    pub optimizer: OptimizerKind,
    /// Weight decay (biases and norm weights are not decayed).
    #[arg(long, default_value_t = decay())]
    #[serde(default = "decay")]
    pub weight_decay: f64,
    /// Softmax temperature of the contrastive objectives.
    #[arg(long, default_value_t = temperature())]
    #[serde(default = "temperature")]
    pub temperature: f64,
    /// Projector hidden width and output width (DUET's projector takes the group-pooled
    /// features).
    #[arg(long, default_value_t = hidden())]
    #[serde(default = "hidden")]
    pub proj_hidden: usize,
    #[arg(long, default_value_t = proj())]
    #[serde(default = "proj")]
    pub proj_dim: usize,
    /// BYOL: base momentum of the EMA target (cosine schedule to 1 over the run).
    #[arg(long, default_value_t = momentum())]
    #[serde(default = "momentum")]
    pub ema: f64,
    /// The batch size --ema and --lr were tuned at: apply the EMA scaling rule
    /// (momentum^(B/B_ref)) and the optimizer's learning-rate rule, as `plan ema` computes.
    #[arg(long)]
    #[serde(default)]
    pub ema_ref_batch: Option<usize>,
    /// DUET: groups of the 2D representation and the weight of its structure term.
    #[arg(long, default_value_t = groups())]
    #[serde(default = "groups")]
    pub duet_groups: usize,
    #[arg(long, default_value_t = duet_weight())]
    #[serde(default = "duet_weight")]
    pub duet_weight: f64,
    /// Evaluate every N steps (and at step 0 and the last step).
    #[arg(long, default_value_t = quarter())]
    #[serde(default = "quarter")]
    pub eval_every: u64,
    /// Fraction of samples held out for evaluation (by the hash of their id).
    #[arg(long, default_value_t = fifth())]
    #[serde(default = "fifth")]
    pub eval_frac: f64,
    /// At most this many samples in the kNN bank and in the held-out queries.
    #[arg(long, default_value_t = five_thousand())]
    #[serde(default = "five_thousand")]
    pub eval_samples: usize,
    /// Neighbours of the kNN classifier.
    #[arg(long, default_value_t = twenty())]
    #[serde(default = "twenty")]
    pub knn_k: usize,
    /// Checkpoint every N steps; a rerun resumes from the newest.
    #[arg(long, default_value_t = fifty())]
    #[serde(default = "fifty")]
    pub checkpoint_every: u64,
    /// Seed of the initial weights and of every view [default: 0; in a pipeline, its seed].
    #[arg(long)]
    #[serde(default)]
    pub seed: Option<u64>,
    /// σReparam on every linear layer of the ViT's blocks: `W` used as `γ/σ(W)·W`, `σ` by power
    /// iteration, `γ` learned from 1 (vit-tiny only).
    #[arg(long)]
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sigma_reparam: bool,
    /// Start from a `train ssl` output: its encoder, and its projector (and predictor) where this
    /// run has the same objective and widths (fresh heads otherwise). A finetune: new optimizer
    /// state, the schedule from step 0. With --steps 0 the run only evaluates that encoder on
    /// --data (kNN and linear probe).
    #[arg(long, value_name = "DIR")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<PathBuf>,
    /// Elastic weight consolidation: a `sluice fisher` output of the --init run; every step adds
    /// `lambda/2 * sum F (w - w_init)^2` over the encoder's parameters.
    #[arg(long, value_name = "DIR")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ewc: Option<PathBuf>,
    /// EWC's strength lambda (needed with --ewc).
    #[arg(long, value_name = "L")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ewc_lambda: Option<f64>,
    #[arg(long, value_enum, default_value_t = torch())]
    #[serde(default = "torch")]
    pub backend: BackendKind,
    /// cpu, cuda or cuda:N.
    #[arg(long)]
    #[serde(default)]
    pub device: Option<String>,
}

crate::defaults! {
    simclr: Objective = Objective::Simclr,
    resnet18: EncoderKind = EncoderKind::Resnet18,
    unit_f: f64 = 1.0,
    side: u32 = 32,
    hundred: u64 = 100,
    sixty_four: usize = 64,
    lr: f64 = 1e-3,
    ten: u64 = 10,
    adamw: OptimizerKind = OptimizerKind::Adamw,
    decay: f64 = 1e-4,
    temperature: f64 = 0.1,
    hidden: usize = 512,
    proj: usize = 128,
    momentum: f64 = 0.99,
    groups: usize = 8,
    duet_weight: f64 = 10.0,
    quarter: u64 = 25,
    fifth: f64 = 0.2,
    five_thousand: usize = 5000,
    twenty: usize = 20,
    fifty: u64 = 50,
    torch: BackendKind = BackendKind::Torch,
}

impl SslOptions {
    fn target(&self) -> Result<Target> {
        self.backend.target(self.device.as_deref())
    }

    pub fn k(&self) -> u32 {
        self.k.unwrap_or(match self.objective {
            Objective::Infonce | Objective::Polyview | Objective::Suffstats => 4,
            _ => 2,
        })
    }

    /// The recipe asked for; a `views gen` output's own recipe when the data is one.
    fn recipe(&self) -> Result<Recipe> {
        let Some(stored) = StoredInfo::detect(&self.data)? else {
            return Recipe::resolve(
                self.recipe
                    .as_deref()
                    .unwrap_or(self.objective.default_recipe()),
            );
        };
        let recipe = stored.meta.recipe;
        if let Some(asked) = &self.recipe
            && Recipe::resolve(asked)? != recipe
        {
            bail!(config(
                "--recipe {asked}: {} was rendered with recipe `{}`",
                self.data.display(),
                recipe.name
            ));
        }
        Ok(recipe)
    }

    /// Batch size over the reference batch, when the EMA scaling rule applies.
    fn kappa(&self) -> Option<f64> {
        self.ema_ref_batch
            .map(|r| self.batch_size as f64 / r as f64)
    }

    fn rule(&self) -> ema::Optimizer {
        match self.optimizer {
            OptimizerKind::Sgd => ema::Optimizer::Sgd,
            OptimizerKind::Adamw => ema::Optimizer::Adam,
            OptimizerKind::Lars => ema::Optimizer::Lars,
        }
    }

    /// Learning rate at `step`: linear warmup, cosine to 0; scaled by the optimizer's rule.
    pub fn lr_at(&self, step: u64) -> f64 {
        let peak = self.lr * self.kappa().map_or(1.0, |k| ema::lr_factor(self.rule(), k));
        if step < self.warmup {
            return peak * (step + 1) as f64 / self.warmup as f64;
        }
        let p = (step - self.warmup) as f64 / self.steps.saturating_sub(self.warmup).max(1) as f64;
        0.5 * peak * (1.0 + (std::f64::consts::PI * p.min(1.0)).cos())
    }

    /// BYOL's target momentum at `step`: `1 - (1 - ema)(cos(pi s / S) + 1) / 2`, raised to kappa
    /// by the EMA scaling rule. None for objectives without a target.
    pub fn ema_at(&self, step: u64) -> Option<f64> {
        (self.objective == Objective::Byol).then(|| {
            let p = (step as f64 / self.steps as f64).min(1.0);
            let tau = 1.0 - (1.0 - self.ema) * ((std::f64::consts::PI * p).cos() + 1.0) / 2.0;
            ema::scaled_momentum(tau, self.kappa().unwrap_or(1.0))
        })
    }

    pub fn model(&self, seed: u64) -> SslModelConfig {
        SslModelConfig {
            encoder: self.encoder,
            width: self.width,
            size: self.size,
            objective: self.objective,
            k: self.k(),
            proj_hidden: self.proj_hidden,
            proj_dim: self.proj_dim,
            temperature: self.temperature,
            optimizer: self.optimizer,
            weight_decay: self.weight_decay,
            adam_betas: match self.kappa() {
                // Adam's moments follow the EMA scaling rule too (beta -> beta^kappa).
                Some(k) if self.optimizer == OptimizerKind::Adamw => {
                    (ema::scaled_momentum(0.9, k), ema::scaled_momentum(0.999, k))
                }
                _ => (0.9, 0.999),
            },
            duet_groups: self.duet_groups,
            duet_weight: self.duet_weight,
            sigma_reparam: self.sigma_reparam,
            seed,
        }
    }

    pub fn paths_mut(&mut self) -> Vec<(String, &mut PathBuf)> {
        let mut v = vec![("/data".to_string(), &mut self.data)];
        if let Some(p) = self.init.as_mut() {
            v.push(("/init".into(), p));
        }
        if let Some(p) = self.ewc.as_mut() {
            v.push(("/ewc".into(), p));
        }
        v
    }

    /// The `train ssl` output --init names, checked against this run's encoder.
    pub fn init_run(&self) -> Result<Option<(PathBuf, SslManifest)>> {
        let Some(path) = &self.init else {
            return Ok(None);
        };
        let dir = run_dir(path).unwrap_or_else(|| path.clone());
        let m: SslManifest = Manifest::read(&dir, "train ssl")?;
        let theirs = &m.body.model;
        if theirs.encoder != self.encoder || theirs.width != self.width {
            bail!(config(
                "--init {} trained {:?} at --width {}; this run asks for {:?} at --width {}",
                dir.display(),
                theirs.encoder,
                theirs.width,
                self.encoder,
                self.width
            ));
        }
        Ok(Some((dir, m)))
    }

    /// The Fisher file of --ewc, checked to be of the --init run's encoder.
    fn ewc_file(&self, init: &SslManifest) -> Result<Option<PathBuf>> {
        self.ewc
            .as_deref()
            .map(|dir| crate::train::fisher::check_for(dir, &init.body.encoder_sha256))
            .transpose()
    }

    /// The training samples' stream (held-out ones left out), epoch by epoch.
    pub(crate) fn training_stream(&self) -> Result<ViewStream> {
        let stream = ViewStream::open_data(&self.data, &columns(), self.stream_config()?, &|s| {
            !held_out(&s.id, self.eval_frac)
        })?;
        if stream.batches() == 0 {
            bail!(input(
                "{} has {} training samples, fewer than --batch-size {}",
                self.data.display(),
                stream.samples().len(),
                self.batch_size
            ));
        }
        Ok(stream)
    }

    fn stream_config(&self) -> Result<StreamConfig> {
        Ok(StreamConfig {
            k: self.k(),
            recipe: self.recipe()?,
            size: self.size,
            seed: self.seed.unwrap_or(0),
            batch_size: self.batch_size,
            shuffle: true,
            drop_last: true,
            max_pixels: 100_000_000,
            prefetch: 2,
            cache_bytes: 2 << 30,
        })
    }

    /// DUET's target: the recorded parameter it learns (None for the other objectives).
    pub(crate) fn duet(&self) -> Result<Option<Duet>> {
        (self.objective == Objective::Duet)
            .then(|| duet_target(&self.recipe()?))
            .transpose()
    }

    /// A stream batch as the backend takes it (DUET's targets from the recorded parameters).
    pub(crate) fn batch(&self, batch: &ViewBatch, duet: Option<Duet>) -> Result<SslBatch> {
        let k = self.k();
        let views = (0..k)
            .map(|v| {
                let (pixels, side) = batch.pixels(v)?;
                Ok(Images {
                    pixels,
                    n: batch.samples.len(),
                    side,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let targets = match duet {
            Some(f) => (0..k as usize)
                .flat_map(|v| batch.samples.iter().map(move |s| f(&s.views[v].params)))
                .collect(),
            None => Vec::new(),
        };
        Ok(SslBatch { views, targets })
    }

    fn check(&self) -> Result<()> {
        let bad = |m: String| Err(Error::config(m));
        vision::check_target(&self.target()?)?;
        let k = self.k();
        if k < Objective::MIN_VIEWS {
            return bad(format!(
                "--k {k}: {:?} compares views of one sample, so it needs --k 2 or more",
                self.objective
            ));
        }
        if self.objective == Objective::Simclr && k != 2 {
            return bad(format!(
                "--objective simclr is InfoNCE over 2 views; for --k {k} use infonce or polyview"
            ));
        }
        if (self.steps == 0 && self.init.is_none()) || self.batch_size < 2 {
            return bad(
                "--steps must be at least 1 (0 only evaluates an --init encoder) and --batch-size at least 2"
                    .into(),
            );
        }
        let ewc = self.ewc.is_some();
        if let Some(m) =
            crate::train::fisher::check_flags(ewc, self.ewc_lambda, self.init.is_some())
        {
            return bad(m.into());
        }
        if self.sigma_reparam && self.init.is_some() {
            return bad(
                "--sigma-reparam with --init: σReparam starts its scales from scratch; train the --init run with it instead"
                    .into(),
            );
        }
        let positive = |v: f64| v > 0.0 && v.is_finite();
        if !positive(self.lr) || !positive(self.temperature) {
            return bad("--lr and --temperature must be positive numbers".into());
        }
        if !(self.width > 0.0 && self.width <= 4.0) {
            return bad(format!("--width {} is outside (0, 4]", self.width));
        }
        if self.size < 8 || self.size > MAX_SIZE {
            return bad(format!("--size {} is outside 8..={MAX_SIZE}", self.size));
        }
        if !(0.0..1.0).contains(&self.ema) || self.ema_ref_batch == Some(0) {
            return bad("--ema must be in [0, 1) and --ema-ref-batch at least 1".into());
        }
        if !(self.eval_frac > 0.0 && self.eval_frac < 1.0) {
            return bad(format!("--eval-frac {} is outside (0, 1)", self.eval_frac));
        }
        if self.eval_every == 0 || self.checkpoint_every == 0 || self.knn_k == 0 {
            return bad("--eval-every, --checkpoint-every and --knn-k must be at least 1".into());
        }
        if self.proj_hidden == 0 || self.proj_dim == 0 || self.eval_samples == 0 {
            return bad("--proj-hidden, --proj-dim and --eval-samples must be at least 1".into());
        }
        if self.sigma_reparam && self.encoder != EncoderKind::VitTiny {
            return bad(
                "--sigma-reparam rescales attention models' linear layers: use --encoder vit-tiny"
                    .into(),
            );
        }
        if let Some(stored) = StoredInfo::detect(&self.data)? {
            stored.serves(k, self.size)?;
        }
        let recipe = self.recipe()?;
        let sides: Vec<u32> = (0..k).map(|v| recipe.view(v).side(self.size)).collect();
        if sides.iter().any(|&s| s != sides[0]) {
            return bad(format!(
                "recipe `{}` renders views of different sizes ({sides:?}); train ssl takes views of one size",
                recipe.name
            ));
        }
        if self.objective == Objective::Duet {
            duet_target(&recipe)?;
            let feats = match self.encoder {
                EncoderKind::Resnet18 => ((512.0 * self.width).round() as usize).max(1),
                EncoderKind::VitTiny => 0,
            };
            if self.duet_groups == 0 || feats == 0 || feats % self.duet_groups != 0 {
                return bad(format!(
                    "--objective duet needs the resnet18 encoder with features ({feats} at --width {}) divisible by --duet-groups {}",
                    self.width, self.duet_groups
                ));
            }
        }
        Ok(())
    }
}

/// The recorded parameter DUET learns, normalised to [0, 1].
pub(crate) type Duet = fn(&ViewParams) -> f32;

/// DUET's target for a recipe.
fn duet_target(recipe: &Recipe) -> Result<Duet> {
    Ok(match recipe.equivariant.as_deref() {
        Some("rotation") => |p| ((p.rotation_deg + 180.0) / 360.0).clamp(0.0, 1.0),
        Some("rotate90") => |p| p.rotation_k / 4.0,
        Some("hflip") => |p| p.hflip,
        Some("vflip") => |p| p.vflip,
        other => bail!(config(
            "recipe `{}` names no transformation DUET can learn (equivariant = {other:?}; use duet, duet:rotate90, duet:hflip or duet:vflip)",
            recipe.name
        )),
    })
}

/// Whether sample `id` is held out for evaluation.
fn held_out(id: &str, frac: f64) -> bool {
    unit(0, content_key(id.as_bytes()), "ssl-heldout") < frac
}

/// One evaluation row of `metrics.jsonl`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SslRow {
    pub step: u64,
    pub epoch: u64,
    pub samples_seen: u64,
    pub lr: f64,
    /// BYOL's target momentum at this step.
    pub ema: Option<f64>,
    /// Mean training loss of the steps since the previous row (none at step 0).
    pub loss: Option<f64>,
    /// DUET's structure term, likewise.
    pub structure: Option<f64>,
    pub knn_top1: f64,
    /// At the last step only.
    pub linear_top1: Option<f64>,
    /// Attention entropy over the first held-out images (ViT).
    #[serde(flatten)]
    pub entropy: crate::backend::AttnEntropy,
}

/// What `train ssl`'s manifest holds after the common header.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SslBody {
    pub config: SslOptions,
    pub recipe: String,
    pub model: SslModelConfig,
    pub encoder_parameters: u64,
    pub feature_dim: usize,
    pub backend: String,
    pub device: String,
    pub input: InputReport,
    pub classes: Vec<String>,
    pub train_samples: u64,
    pub heldout_samples: u64,
    /// kNN top-1 of the raw pixels (the floor an encoder must beat).
    pub pixel_knn_top1: f64,
    pub evals: Vec<SslRow>,
    pub views_seen: u64,
    /// This process's time waiting for the view stream and inside training steps.
    pub data_wait_seconds: f64,
    pub step_seconds: f64,
    pub encoder: String,
    pub encoder_sha256: String,
    /// The projector (and predictor): `--init` and `sluice fisher` start from them.
    #[serde(default)]
    pub heads: String,
    /// With --init: whether its heads fitted this run (else they started fresh).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heads_from_init: Option<bool>,
}

pub type SslManifest = Manifest<SslBody>;

/// A checkpoint's `state.json`. Rows are kept as the JSON lines already written and the pending
/// sums as bits, so a resumed run writes the same bytes as an uninterrupted one.
#[derive(Serialize, Deserialize)]
struct SslState {
    fingerprint: String,
    step: u64,
    rows: Vec<String>,
    pending: [u64; 3],
}

/// `train ssl` as a [`Job`].
pub struct SslJob {
    cfg: SslOptions,
    table: Box<dyn std::io::Write>,
    input: Option<InputReport>,
}

impl SslJob {
    pub fn new(cfg: SslOptions, table: Box<dyn std::io::Write>) -> Self {
        SslJob {
            cfg,
            table,
            input: None,
        }
    }
}

fn columns() -> Columns {
    Columns {
        image: "image".into(),
        label: None,
        id: None,
    }
}

impl Job for SslJob {
    type Body = SslBody;

    fn command(&self) -> &'static str {
        "train ssl"
    }

    fn outputs(&self) -> Vec<String> {
        ["checkpoints", "encoder.safetensors", HEADS, "metrics.jsonl"]
            .map(String::from)
            .to_vec()
    }

    fn transient(&self) -> Vec<String> {
        vec!["checkpoints".into()]
    }

    fn validate(&self) -> Result<()> {
        self.cfg.check()
    }

    /// The options without the data's path, the images' contents and the resolved backend.
    fn identity(&mut self, id: &mut Identity) -> Result<()> {
        let input = hash_data(id, &self.cfg.data)?;
        id.add(
            "config",
            SslOptions {
                depends_on: Vec::new(),
                data: PathBuf::new(),
                backend: BackendKind::Torch,
                device: None,
                seed: Some(self.cfg.seed.unwrap_or(0)),
                k: Some(self.cfg.k()),
                init: None,
                ewc: None,
                ..self.cfg.clone()
            },
        )?;
        id.add("recipe", self.cfg.recipe()?)?;
        id.add("backend", self.cfg.target()?)?;
        // What --init and --ewc hold, not where they are.
        if let Some((dir, init)) = self.cfg.init_run()? {
            id.input_file("init", &dir.join(&init.body.encoder))?;
            let heads = dir.join(HEADS);
            if heads.exists() {
                id.input_file("init_heads", &heads)?;
            }
            if let Some(file) = self.cfg.ewc_file(&init)? {
                id.input_file("ewc", &file)?;
            }
        }
        self.input = Some(input);
        Ok(())
    }

    fn execute(&mut self, ctx: &mut Ctx) -> Result<SslBody> {
        let input = self
            .input
            .take()
            .ok_or_else(|| Error::internal("train ssl executed before its identity"))?;
        let mut run = SslRun::open(&self.cfg, ctx)?;
        ctx.resumed(run.step);
        run.train(ctx, self.table.as_mut())?;
        run.finish(ctx, input)
    }
}

/// The projector and predictor beside the encoder (what `--init` and `sluice fisher` need
/// besides it).
pub const HEADS: &str = "heads.safetensors";

/// The `train ssl` output `path` names: the directory itself, or the directory of its
/// `encoder.safetensors` (what a pipeline's reference to an `ssl` step resolves to).
pub fn run_dir(path: &std::path::Path) -> Option<PathBuf> {
    if path.is_dir() {
        return Some(path.to_path_buf());
    }
    let dir = path.parent()?;
    let m: serde_json::Value = crate::core::manifest::read_json(&dir.join("manifest.json")).ok()?;
    (m.get("command")?.as_str()? == "train ssl"
        && path.file_name()? == dir.join(m.get("encoder")?.as_str()?).file_name()?)
    .then(|| dir.to_path_buf())
}

/// The images (or stored views) `data` names, hashed into the run's identity.
pub(crate) fn hash_data(id: &mut Identity, data: &std::path::Path) -> Result<InputReport> {
    match StoredInfo::detect(data)? {
        Some(stored) => {
            let files = Files {
                kind: "views",
                root: &stored.dir,
                shown: &stored.dir.to_string_lossy(),
                files: &stored.shards,
                ignored: 0,
            };
            hashed_inputs(id, "views", files)
        }
        None => image_inputs(id, &ImageSource::open(data, &columns())?),
    }
}

/// The held-out evaluation: plain images of the bank (training samples) and the queries.
struct Eval {
    bank: (Images, Vec<u32>),
    queries: (Images, Vec<u32>),
    classes: Vec<String>,
    train_samples: u64,
    heldout_samples: u64,
}

impl Eval {
    fn open(cfg: &SslOptions, stream: &ViewStream) -> Result<Self> {
        let samples = stream.samples();
        if let Some(s) = samples.iter().find(|s| s.label.is_none()) {
            bail!(input(
                "image `{}` in {} has no label: train ssl evaluates against labels (class folders DATA/CLASS/x.png, or a `label` column)",
                s.id,
                cfg.data.display()
            ));
        }
        let label = |s: &SampleRef| s.label.clone().unwrap_or_default();
        let mut classes: Vec<String> = samples.iter().map(label).collect();
        classes.sort();
        classes.dedup();
        if classes.len() < 2 {
            bail!(input(
                "{} holds one class ({:?}): kNN accuracy needs two or more",
                cfg.data.display(),
                classes
            ));
        }
        // In hash order, so that `--eval-samples` keeps a sample of every class, not the first
        // folders.
        let mut order: Vec<usize> = (0..samples.len()).collect();
        order.sort_by_key(|&i| (content_key(samples[i].id.as_bytes()), i));
        let (held, train): (Vec<usize>, Vec<usize>) = order
            .into_iter()
            .partition(|&i| held_out(&samples[i].id, cfg.eval_frac));
        if held.is_empty() || train.is_empty() {
            bail!(input(
                "--eval-frac {} holds out {} of {} samples in {}: both splits need samples",
                cfg.eval_frac,
                held.len(),
                samples.len(),
                cfg.data.display()
            ));
        }
        let class_of = |i: &usize| classes.binary_search(&label(&samples[*i])).unwrap_or(0) as u32;
        let images = |idx: &[usize]| -> Result<(Images, Vec<u32>)> {
            let idx = &idx[..idx.len().min(cfg.eval_samples)];
            let pixels = stream
                .plain(idx)?
                .into_iter()
                .flat_map(|i| i.into_raw())
                .collect();
            let im = Images {
                pixels,
                n: idx.len(),
                side: cfg.size,
            };
            Ok((im, idx.iter().map(class_of).collect()))
        };
        Ok(Eval {
            bank: images(&train)?,
            queries: images(&held)?,
            classes,
            train_samples: train.len() as u64,
            heldout_samples: held.len() as u64,
        })
    }

    /// kNN top-1 of the encoder's features (and the linear probe's when `linear`).
    fn score(
        &self,
        b: &dyn SslBackend,
        cfg: &SslOptions,
        linear: bool,
    ) -> Result<(f64, Option<f64>)> {
        let (fb, fq) = (embed(b, &self.bank.0)?, embed(b, &self.queries.0)?);
        Ok(self.rate(&fb, &fq, b.feature_dim(), cfg.knn_k, linear))
    }

    fn rate(
        &self,
        fb: &[f32],
        fq: &[f32],
        dim: usize,
        k: usize,
        linear: bool,
    ) -> (f64, Option<f64>) {
        let bank = Labelled {
            x: fb,
            y: &self.bank.1,
            dim,
        };
        let q = Labelled {
            x: fq,
            y: &self.queries.1,
            dim,
        };
        let n = self.classes.len();
        let knn = probe::knn_top1(&bank, &q, k, n);
        (knn, linear.then(|| probe::linear_top1(&bank, &q, n)))
    }

    /// Per block and head, the attention entropy over the first `batch_size` held-out images.
    fn attention_entropy(
        &self,
        b: &dyn SslBackend,
        cfg: &SslOptions,
    ) -> Result<Option<Vec<Vec<f64>>>> {
        let q = &self.queries.0;
        let n = q.n.min(cfg.batch_size);
        let per = (q.side as usize).pow(2) * 3;
        b.attention_entropy(&Images {
            pixels: q.pixels[..n * per].to_vec(),
            n,
            side: q.side,
        })
    }

    /// kNN top-1 on raw pixels.
    fn pixels(&self, k: usize) -> f64 {
        let f = |im: &Images| {
            im.pixels
                .iter()
                .map(|&v| v as f32 / 255.0)
                .collect::<Vec<_>>()
        };
        let dim = (self.bank.0.side as usize).pow(2) * 3;
        self.rate(&f(&self.bank.0), &f(&self.queries.0), dim, k, false)
            .0
    }
}

/// Features of `images`, embedded in chunks (activation memory stays that of one chunk).
fn embed(b: &dyn SslBackend, images: &Images) -> Result<Vec<f32>> {
    const CHUNK: usize = 256;
    let per = (images.side as usize).pow(2) * 3;
    let mut out = Vec::with_capacity(images.n * b.feature_dim());
    for px in images.pixels.chunks(CHUNK * per) {
        let n = px.len() / per;
        out.extend(b.embed(&Images {
            pixels: px.to_vec(),
            n,
            side: images.side,
        })?);
    }
    Ok(out)
}

/// A run in progress.
struct SslRun<'a> {
    cfg: &'a SslOptions,
    b: Box<dyn SslBackend>,
    stream: ViewStream,
    eval: Eval,
    duet: Option<Duet>,
    /// With --init: whether its projector (and predictor) were taken.
    heads_from_init: Option<bool>,
    step: u64,
    rows: Vec<String>,
    /// Loss sum, structure sum and steps since the last row.
    pending: (f64, f64, u64),
    fingerprint: String,
    waited: Duration,
    stepping: Duration,
}

impl<'a> SslRun<'a> {
    fn open(cfg: &'a SslOptions, ctx: &Ctx) -> Result<Self> {
        let seed = cfg.seed.unwrap_or(0);
        // Every sample for the evaluation (decoded once, not cached); the training stream leaves
        // the held-out ones out.
        let all_cfg = StreamConfig {
            cache_bytes: 0,
            ..cfg.stream_config()?
        };
        let all = ViewStream::open_data(&cfg.data, &columns(), all_cfg, &|_| true)?;
        let eval = Eval::open(cfg, &all)?;
        let stream = cfg.training_stream()?;
        let mut b = vision::open(&cfg.target()?, &cfg.model(seed))?;
        let mut heads_from_init = None;
        if let Some((dir, init)) = cfg.init_run()? {
            // The anchor of EWC is this starting point, also when the run resumes below.
            heads_from_init = Some(b.load_init(&dir.join(&init.body.encoder), &dir.join(HEADS))?);
            if let (Some(file), Some(lambda)) = (cfg.ewc_file(&init)?, cfg.ewc_lambda) {
                b.set_ewc(&file, lambda)?;
            }
        }
        let mut run = SslRun {
            cfg,
            b,
            stream,
            eval,
            duet: cfg.duet()?,
            heads_from_init,
            step: 0,
            rows: Vec::new(),
            pending: (0.0, 0.0, 0),
            fingerprint: ctx.fingerprint.to_string(),
            waited: Duration::ZERO,
            stepping: Duration::ZERO,
        };
        let resume = checkpoint::latest(ctx.out, |s: &SslState| s.fingerprint == ctx.fingerprint);
        if let Some((dir, s)) = resume {
            tracing::info!("resuming from {} (step {})", dir.display(), s.step);
            run.b.load_state(&dir)?;
            run.step = s.step;
            run.rows = s.rows;
            run.pending = (
                f64::from_bits(s.pending[0]),
                f64::from_bits(s.pending[1]),
                s.pending[2],
            );
        }
        Ok(run)
    }

    /// The row of the current step, evaluated now.
    fn row(&mut self, last: bool) -> Result<String> {
        let (knn, linear) = self.eval.score(self.b.as_ref(), self.cfg, last)?;
        let entropy = self.eval.attention_entropy(self.b.as_ref(), self.cfg)?;
        let n = self.pending.2;
        let mean = |v: f64| (n > 0).then(|| v / n as f64);
        let per_epoch = self.stream.batches() as u64;
        let row = SslRow {
            step: self.step,
            epoch: self.step / per_epoch,
            samples_seen: self.step * self.cfg.batch_size as u64,
            lr: self.cfg.lr_at(self.step.saturating_sub(1)),
            ema: self.cfg.ema_at(self.step),
            loss: mean(self.pending.0),
            structure: (self.cfg.objective == Objective::Duet)
                .then(|| mean(self.pending.1))
                .flatten(),
            knn_top1: knn,
            linear_top1: linear,
            entropy: crate::backend::AttnEntropy::of(entropy),
        };
        self.pending = (0.0, 0.0, 0);
        serde_json::to_string(&row).map_err(|e| err!(internal("metrics row: {e}")))
    }

    fn write_metrics(&self, out: &std::path::Path) -> Result<()> {
        let text: String = self.rows.iter().map(|r| format!("{r}\n")).collect();
        crate::core::atomic::write_atomic(&out.join("metrics.jsonl"), text.as_bytes())
    }

    /// One step on the stream's next batch.
    fn step_once(&mut self, batch: ViewBatch) -> Result<StepLoss> {
        let batch = self.cfg.batch(&batch, self.duet)?;
        let ema = self.cfg.ema_at(self.step).unwrap_or(0.0);
        let t = Instant::now();
        let l = self.b.train_step(&batch, self.cfg.lr_at(self.step), ema)?;
        self.stepping += t.elapsed();
        Ok(l)
    }

    /// Steps to the end, evaluating and checkpointing on the way.
    fn train(&mut self, ctx: &Ctx, table: &mut dyn std::io::Write) -> Result<()> {
        let (cfg, out) = (self.cfg, ctx.out);
        let _ = writeln!(
            table,
            "{:>7} {:>10} {:>8} {:>9} {:>9} {:>9}",
            "step", "lr", "ema", "loss", "knn_top1", "linear"
        );
        for r in &self.rows {
            print_row(table, r);
        }
        if self.step == 0 {
            let row = self.row(cfg.steps == 0)?;
            print_row(table, &row);
            self.rows.push(row);
            self.write_metrics(out)?;
        }
        let bar = ctx.exec.progress.bar(cfg.steps, "train ssl", "steps");
        bar.set_position(self.step);
        let per_epoch = self.stream.batches() as u64;
        while self.step < cfg.steps {
            let (epoch, first) = (self.step / per_epoch, (self.step % per_epoch) as usize);
            let mut batches = self.stream.epoch_from(epoch, first);
            for _ in first as u64..per_epoch {
                if self.step >= cfg.steps {
                    break;
                }
                let t = Instant::now();
                let batch = batches
                    .next()
                    .ok_or_else(|| Error::internal("the view stream ended early"))??;
                self.waited += t.elapsed();
                let l = self.step_once(batch)?;
                self.pending.0 += l.loss;
                self.pending.1 += l.aux.unwrap_or(0.0);
                self.pending.2 += 1;
                self.step += 1;
                bar.set_position(self.step);
                bar.set_message(format!("loss {:.4}", l.loss));
                let last = self.step == cfg.steps;
                if self.step.is_multiple_of(cfg.eval_every) || last {
                    let row = self.row(last)?;
                    bar.suspend(|| print_row(table, &row));
                    self.rows.push(row);
                    self.write_metrics(out)?;
                }
                if self.step.is_multiple_of(cfg.checkpoint_every) && !last {
                    let p = self.pending;
                    let state = SslState {
                        fingerprint: self.fingerprint.clone(),
                        step: self.step,
                        rows: self.rows.clone(),
                        pending: [p.0.to_bits(), p.1.to_bits(), p.2],
                    };
                    let b = self.b.as_ref();
                    checkpoint::save(out, self.step, &state, |dir| b.save_state(dir))?;
                }
            }
        }
        bar.finish_and_clear();
        Ok(())
    }

    /// The encoder and metrics in place; the manifest body.
    fn finish(self, ctx: &Ctx, input: InputReport) -> Result<SslBody> {
        let path = ctx.out.join("encoder.safetensors");
        self.b.save_encoder(&path)?;
        self.b.save_heads(&ctx.out.join(HEADS))?;
        self.write_metrics(ctx.out)?;
        let evals = self
            .rows
            .iter()
            .map(|r| serde_json::from_str(r).map_err(|e| err!(internal("metrics row: {e}"))))
            .collect::<Result<Vec<SslRow>>>()?;
        let cfg = self.cfg;
        Ok(SslBody {
            config: cfg.clone(),
            recipe: cfg.recipe()?.name,
            model: cfg.model(cfg.seed.unwrap_or(0)),
            encoder_parameters: self.b.encoder_parameters(),
            feature_dim: self.b.feature_dim(),
            backend: self.b.name().into(),
            device: self.b.capabilities().device,
            input,
            classes: self.eval.classes.clone(),
            train_samples: self.eval.train_samples,
            heldout_samples: self.eval.heldout_samples,
            pixel_knn_top1: self.eval.pixels(cfg.knn_k),
            evals,
            views_seen: cfg.steps * cfg.batch_size as u64 * cfg.k() as u64,
            data_wait_seconds: self.waited.as_secs_f64(),
            step_seconds: self.stepping.as_secs_f64(),
            encoder: "encoder.safetensors".into(),
            encoder_sha256: sha256_file(&path)?,
            heads: HEADS.into(),
            heads_from_init: self.heads_from_init,
        })
    }
}

fn print_row(table: &mut dyn std::io::Write, line: &str) {
    let Ok(r) = serde_json::from_str::<SslRow>(line) else {
        return;
    };
    let f = |v: Option<f64>| v.map_or_else(|| "-".into(), |v| format!("{v:.4}"));
    let _ = writeln!(
        table,
        "{:>7} {:>10.3e} {:>8} {:>9} {:>9.4} {:>9}",
        r.step,
        r.lr,
        f(r.ema),
        f(r.loss),
        r.knn_top1,
        f(r.linear_top1)
    );
    let _ = table.flush();
}
