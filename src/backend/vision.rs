//! The image side of the trainer boundary: an image encoder trained by a multi-view
//! self-supervised objective. Plain data crosses it (u8 pixels in, f32 features and losses out,
//! files for weights and state), so `train ssl` never sees a backend's tensor types.
//!
//! The objectives, all on L2-normalised projections `z` of `K` views of `B` samples at
//! temperature `t`. Poly-View's code is not public: its two forms follow the paper's definitions as
//! reconstructed from its text and a third-party implementation (pakoromilas/Multi-View-CL);
//! DUET follows apple/ml-duet, BYOL and LARS google-deepmind's BYOL code.
//! - `simclr` / `infonce`: multi-crop InfoNCE, SimCLR's NT-Xent on every ordered pair of views,
//!   averaged over the pairs (Poly-View's baseline); `simclr` is K = 2.
//! - `polyview`: geometric PVC, each positive pair scored against all K views of every other
//!   sample, the K-1 pair losses of an anchor averaged.
//! - `suffstats`: each view against the mean of its sample's other K-1 projections.
//! - `byol`: online projector + predictor against an EMA target network, `2 - 2 cos` over ordered
//!   view pairs; the target moves by the momentum `train_step` is given.
//! - `duet`: the encoder's features as a `groups x channels` matrix: summed over groups and
//!   projected, trained with InfoNCE; averaged over channels and softmaxed over groups, pulled
//!   (Jensen-Shannon) towards a binned Gaussian at the view's [0, 1]-normalised transformation
//!   parameter.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Capabilities, Target};
use crate::error::Result;

/// Images of one side as u8 RGB, `[n, side, side, 3]` row-major (HWC), as views render them.
#[derive(Clone, Debug, Default)]
pub struct Images {
    pub pixels: Vec<u8>,
    pub n: usize,
    pub side: u32,
}

impl Images {
    pub fn check(&self) -> Result<()> {
        let want = self.n * (self.side as usize).pow(2) * 3;
        if self.pixels.len() != want || self.n == 0 {
            bail!(internal(
                "image batch of {} bytes is not {} images of {}x{}x3",
                self.pixels.len(),
                self.n,
                self.side,
                self.side
            ));
        }
        Ok(())
    }
}

/// One step's input: all K views of B samples. `views[k]` holds view k of every sample, in the
/// same sample order; `targets` (DUET) holds each view's transformation parameter in [0, 1],
/// `[K, B]`, or nothing.
#[derive(Clone, Debug, Default)]
pub struct SslBatch {
    pub views: Vec<Images>,
    pub targets: Vec<f32>,
}

impl SslBatch {
    pub fn samples(&self) -> usize {
        self.views.first().map_or(0, |v| v.n)
    }

    pub fn check(&self) -> Result<()> {
        let b = self.samples();
        for (k, v) in self.views.iter().enumerate() {
            v.check()?;
            if v.n != b || v.side != self.views[0].side {
                bail!(internal(
                    "view {k} holds {} images of side {}, view 0 {b} of side {}",
                    v.n,
                    v.side,
                    self.views[0].side
                ));
            }
        }
        if !self.targets.is_empty() && self.targets.len() != self.views.len() * b {
            bail!(internal("view targets do not match their batch"));
        }
        Ok(())
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Objective {
    /// InfoNCE over 2 views (NT-Xent).
    Simclr,
    /// Multi-crop InfoNCE over K views (Poly-View's baseline).
    Infonce,
    /// Poly-View's geometric PVC over K views.
    Polyview,
    /// Poly-View's sufficient-statistics contrastive loss over K views.
    Suffstats,
    /// BYOL: predictor + EMA target.
    Byol,
    /// DUET: 2D representation, contrastive + transformation targets.
    Duet,
}

impl Objective {
    /// The views recipe this objective is trained with unless `--recipe` says otherwise.
    pub fn default_recipe(self) -> &'static str {
        match self {
            Objective::Byol => "byol",
            Objective::Duet => "duet",
            _ => "simclr",
        }
    }

    /// Every objective compares views of one sample: two at least.
    pub const MIN_VIEWS: u32 = 2;
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
pub enum EncoderKind {
    /// ResNet-18 (torchvision's layout); a 3x3 stride-1 stem without max-pool at 64 px and below.
    #[value(name = "resnet18")]
    #[serde(rename = "resnet18")]
    Resnet18,
    /// ViT-Tiny (dim 192, 12 blocks, 3 heads; patch 4 at 64 px and below, else 16).
    #[value(name = "vit-tiny")]
    #[serde(rename = "vit-tiny")]
    VitTiny,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    /// SGD with momentum 0.9.
    Sgd,
    /// AdamW (0.9, 0.999).
    Adamw,
    /// LARS (SGD momentum 0.9, trust coefficient 0.001; biases and norms neither adapted nor decayed).
    Lars,
}

/// Everything that decides the model and how a step changes it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SslModelConfig {
    pub encoder: EncoderKind,
    pub width: f64,
    pub size: u32,
    pub objective: Objective,
    pub k: u32,
    pub proj_hidden: usize,
    pub proj_dim: usize,
    pub temperature: f64,
    pub optimizer: OptimizerKind,
    pub weight_decay: f64,
    /// AdamW's moment decays (scaled with the batch by the EMA rule).
    pub adam_betas: (f64, f64),
    /// DUET: groups of the 2D representation, and the weight of its structure term.
    pub duet_groups: usize,
    pub duet_weight: f64,
    /// σReparam on the ViT blocks' linear layers.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sigma_reparam: bool,
    pub seed: u64,
}

/// What one optimizer step reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StepLoss {
    /// The objective's loss (for DUET: contrastive + weight x structure).
    pub loss: f64,
    /// DUET's structure term alone.
    pub aux: Option<f64>,
}

/// An image encoder with its self-supervised heads on a device.
pub trait SslBackend {
    fn name(&self) -> &'static str;
    fn capabilities(&self) -> Capabilities;
    /// Width of the encoder's features (what evaluation and downstream heads see).
    fn feature_dim(&self) -> usize;
    /// Trainable parameters of the encoder alone.
    fn encoder_parameters(&self) -> u64;
    /// One optimizer step at learning rate `lr`; the EMA target (BYOL) then moves with momentum
    /// `ema`.
    fn train_step(&mut self, batch: &SslBatch, lr: f64, ema: f64) -> Result<StepLoss>;
    /// Mean attention entropy (nats) per block and head over `images`; None for encoders
    /// without attention.
    fn attention_entropy(&self, _images: &Images) -> Result<Option<Vec<Vec<f64>>>> {
        Ok(None)
    }
    /// Encoder features of `images` in inference mode, `[n, feature_dim]` row-major.
    fn embed(&self, images: &Images) -> Result<Vec<f32>>;
    /// The encoder alone as safetensors, under torchvision's (ResNet) or timm's (ViT) names.
    fn save_encoder(&self, path: &Path) -> Result<()>;
    /// The projector (and BYOL's predictor) as safetensors, so that a later run can start from
    /// the whole model (`train ssl --init`, `sluice fisher`).
    fn save_heads(&self, path: &Path) -> Result<()>;
    /// Start from a `train ssl` output: its `encoder` file (every tensor, in this model's shapes)
    /// and its `heads` where they hold this model's heads (the same objective and widths).
    /// Returns whether the heads were taken; BYOL's target starts as a copy of the result.
    fn load_init(&mut self, encoder: &Path, heads: &Path) -> Result<bool>;
    /// The diagonal empirical Fisher of the objective over `batches`, for the encoder's trainable
    /// parameters under `save_encoder`'s names: per batch, the squared gradient of its loss times
    /// its sample count, averaged over the batches. A contrastive loss (and BatchNorm) couples
    /// the samples of a batch, so there is no per-sample gradient to square; when per-sample
    /// gradients are independent and average to about 0 (at the optimum EWC anchors to),
    /// `B * mean_gradient^2` estimates the per-sample Fisher's diagonal.
    fn fisher(&mut self, batches: &[SslBatch]) -> Result<super::Weights>;
    /// From now on every step adds EWC's penalty `lambda/2 * sum F (w - w0)^2` (its gradient) over
    /// the encoder, `w0` its weights now and `fisher` under `save_encoder`'s names.
    fn set_ewc(&mut self, fisher: &Path, lambda: f64) -> Result<()>;
    /// Everything a resumed run needs (all networks, norm statistics, optimizer state) in `dir`.
    fn save_state(&self, dir: &Path) -> Result<()>;
    fn load_state(&mut self, dir: &Path) -> Result<()>;
}

/// Whether `target`'s engine trains image encoders (the user must change a flag otherwise: a
/// configuration error, not a failed backend).
pub fn check_target(target: &Target) -> Result<()> {
    match target.engine {
        "torch" => Ok(()),
        other => bail!(config(
            "backend `{other}` does not support train ssl: use --backend torch"
        )),
    }
}

/// Builds the SSL model on `target`, initialised from `cfg.seed`.
pub fn open(target: &Target, cfg: &SslModelConfig) -> Result<Box<dyn SslBackend>> {
    check_target(target)?;
    torch(&target.device, cfg)
}

#[cfg(feature = "torch")]
fn torch(dev: &str, cfg: &SslModelConfig) -> Result<Box<dyn SslBackend>> {
    super::torch_vision::open(dev, cfg)
}

#[cfg(not(feature = "torch"))]
fn torch(_: &str, _: &SslModelConfig) -> Result<Box<dyn SslBackend>> {
    bail!(backend(
        "backend `torch` is not in this build: rebuild with `--features torch` (see the README)"
    ))
}
