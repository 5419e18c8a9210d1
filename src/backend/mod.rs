//! Trainer backends behind one trait: burn (pure Rust: ndarray on CPU, cuda behind the `cuda`
//! feature) and libtorch (`torch` feature: PyTorch's kernels on CPU and CUDA). All run the same
//! Llama model (`model`), loaded from GGUF or safetensors (`weights`, `gguf`) or initialised from
//! a seed; which one runs is chosen at run time by name ([`Target`]). Image encoders trained by
//! self-supervised objectives have their own side of the boundary ([`vision`], libtorch only).

mod burn_impl;
pub mod gguf;
pub mod model;
#[cfg(feature = "torch")]
mod sigma_reparam;
pub mod tokenizer;
#[cfg(feature = "torch")]
mod torch_impl;
#[cfg(feature = "torch")]
mod torch_vision;
pub mod vision;
pub mod weights;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use model::LlamaConfig;
pub use weights::Weights;

/// Which backend runs the model: `burn` or `torch` on `--device`; `cpu` and `cuda` are burn on
/// that device (the names before there was a choice of engine).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    Cpu,
    Cuda,
    Burn,
    Torch,
}

/// A backend resolved: engine, device and compute dtype. It goes into the fingerprints of what a
/// model computes (the values differ in their last bits from one to another).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Target {
    pub engine: &'static str,
    pub device: String,
    pub dtype: &'static str,
}

impl BackendKind {
    /// The backend on `device` (`cpu`, `cuda`, `cuda:N`; None: cpu, or cuda:0 for `cuda`).
    pub fn target(self, device: Option<&str>) -> Result<Target> {
        let cuda = |d: &str| {
            d == "cuda"
                || d.strip_prefix("cuda:")
                    .is_some_and(|n| n.parse::<u32>().is_ok())
        };
        let dev = match (self, device) {
            (BackendKind::Cuda, None) => "cuda:0".to_string(),
            (_, None) => "cpu".to_string(),
            (_, Some("cuda")) => "cuda:0".to_string(),
            (_, Some(d)) if d == "cpu" || cuda(d) => d.to_string(),
            (_, Some(d)) => bail!(config("--device `{d}` is not cpu, cuda or cuda:N")),
        };
        let on_cpu = dev == "cpu";
        let (engine, dtype) = match self {
            BackendKind::Cpu if !on_cpu => {
                bail!(config(
                    "--backend cpu runs on the cpu; for {dev} use --backend burn or torch"
                ))
            }
            BackendKind::Cuda if on_cpu => {
                bail!(config(
                    "--backend cuda runs on a GPU; for the cpu use --backend burn or torch"
                ))
            }
            BackendKind::Torch if !on_cpu => ("torch", "bf16"),
            BackendKind::Torch => ("torch", "f32"),
            _ if dev != "cpu" && dev != "cuda:0" => {
                bail!(config("the burn backend runs on cpu or cuda:0, not {dev}"))
            }
            _ => ("burn", "f32"),
        };
        Ok(Target {
            engine,
            device: dev,
            dtype,
        })
    }
}

impl From<BackendKind> for Target {
    fn from(k: BackendKind) -> Self {
        k.target(None).expect("every backend has a default device")
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Capabilities {
    pub forward: bool,
    pub train: bool,
    /// Human-readable device, e.g. "cpu (ndarray, 2 threads)".
    pub device: String,
    /// The attention kernel for a plain causal batch and for one with document boundaries.
    pub attention: String,
}

/// Packed sequences of equal length, as `mix build` writes them.
#[derive(Clone, Debug, Default)]
pub struct TokenBatch {
    /// batch * len ids, row-major.
    pub tokens: Vec<u32>,
    pub batch: usize,
    pub len: usize,
    /// Per row, the positions where a document begins.
    pub doc_starts: Vec<Vec<u32>>,
}

impl TokenBatch {
    pub fn row(&self, b: usize) -> &[u32] {
        &self.tokens[b * self.len..(b + 1) * self.len]
    }

    /// Ids must index the embedding table: an id past it is a data/model mismatch.
    pub fn check(&self, vocab: usize) -> Result<()> {
        if self.tokens.len() != self.batch * self.len || self.doc_starts.len() != self.batch {
            bail!(internal(
                "token batch of {} ids is not {} rows of {}",
                self.tokens.len(),
                self.batch,
                self.len
            ));
        }
        if let Some(i) = self.tokens.iter().position(|&t| t as usize >= vocab) {
            bail!(input(
                "token id {} (row {} of the batch, position {}) is >= the model's vocab size {vocab}",
                self.tokens[i],
                i / self.len.max(1),
                i % self.len.max(1)
            ));
        }
        Ok(())
    }

    /// Next-token targets and their weights: position t predicts token t+1, except where t+1 opens
    /// a new document (masked attention leaves it no context) and at the last position.
    pub fn targets(&self) -> (Vec<u32>, Vec<f32>) {
        let mut targets = vec![0u32; self.tokens.len()];
        let mut weights = vec![0f32; self.tokens.len()];
        for b in 0..self.batch {
            let row = self.row(b);
            let starts = &self.doc_starts[b];
            for t in 0..self.len.saturating_sub(1) {
                let i = b * self.len + t;
                targets[i] = row[t + 1];
                if !starts.contains(&((t + 1) as u32)) {
                    weights[i] = 1.0;
                }
            }
        }
        (targets, weights)
    }
}

/// Full-vocabulary logits, [batch, len, vocab] row-major.
pub struct Logits {
    pub values: Vec<f32>,
    pub batch: usize,
    pub len: usize,
    pub vocab: usize,
}

impl Logits {
    pub fn at(&self, b: usize, t: usize) -> &[f32] {
        let i = (b * self.len + t) * self.vocab;
        &self.values[i..i + self.vocab]
    }
}

/// Summed next-token loss (nats) and the number of predicted tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LossSum {
    pub nll: f64,
    pub tokens: u64,
}

impl LossSum {
    pub fn add(&mut self, o: LossSum) {
        self.nll += o.nll;
        self.tokens += o.tokens;
    }
    pub fn mean(&self) -> f64 {
        self.nll / self.tokens.max(1) as f64
    }
}

/// Sparse teacher targets for one micro-batch: per position up to `k` ids with their probabilities
/// (zero-padded) and the teacher mass outside them, all [batch, len] row-major.
#[derive(Clone, Debug, Default)]
pub struct TeacherTargets {
    pub k: usize,
    pub ids: Vec<u32>,
    pub probs: Vec<f32>,
    pub tail: Vec<f32>,
}

impl TeacherTargets {
    /// The targets must cover `b` position by position and name ids the student has.
    pub fn check(&self, b: &TokenBatch, vocab: usize) -> Result<()> {
        b.check(vocab)?;
        let n = b.batch * b.len;
        if self.ids.len() != n * self.k || self.probs.len() != n * self.k || self.tail.len() != n {
            return Err(Error::internal("teacher targets do not match their batch"));
        }
        if let Some(&id) = self.ids.iter().find(|&&i| i as usize >= vocab) {
            bail!(input(
                "teacher target id {id} is >= the student's vocab size {vocab}"
            ));
        }
        Ok(())
    }
}

/// How distillation mixes its terms: `weight * T^2 * CE(teacher_T, student_T) + (1 - weight) * NLL`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
pub struct DistillConfig {
    pub temperature: f32,
    pub weight: f32,
}

/// AdamW hyper-parameters (the learning rate is given per step by the schedule).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OptimConfig {
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub weight_decay: f32,
}

impl Default for OptimConfig {
    fn default() -> Self {
        OptimConfig {
            beta1: 0.9,
            beta2: 0.95,
            eps: 1e-8,
            weight_decay: 0.1,
        }
    }
}

/// One evaluation's attention entropy (nats): its minimum and mean over layers and heads, and per
/// layer and head; empty where the backend does not measure it. Both trainers' metric rows hold it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AttnEntropy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attn_entropy_min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attn_entropy_mean: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attn_entropy: Option<Vec<Vec<f64>>>,
}

impl AttnEntropy {
    pub fn of(per_head: Option<Vec<Vec<f64>>>) -> Self {
        let Some(e) = per_head.filter(|e| e.iter().any(|l| !l.is_empty())) else {
            return AttnEntropy::default();
        };
        let all: Vec<f64> = e.iter().flatten().copied().collect();
        AttnEntropy {
            attn_entropy_min: Some(all.iter().copied().fold(f64::INFINITY, f64::min)),
            attn_entropy_mean: Some(all.iter().sum::<f64>() / all.len() as f64),
            attn_entropy: Some(e),
        }
    }
}

/// Elastic weight consolidation (Kirkpatrick et al. 2017): a diagonal Fisher, the weights it
/// anchors to, and the penalty's strength.
pub struct Ewc {
    pub fisher: Weights,
    pub anchor: Weights,
    pub lambda: f64,
}

/// A model on a device. Forward, loss and weights are required; training is optional.
pub trait Backend {
    fn name(&self) -> &'static str;
    fn capabilities(&self) -> Capabilities;
    fn config(&self) -> &LlamaConfig;
    /// Full logits for every position (position t scores token t+1).
    fn forward_logits(&self, batch: &TokenBatch) -> Result<Logits>;
    /// Next-token loss over the positions `TokenBatch::targets` weights.
    fn eval_loss(&self, batch: &TokenBatch) -> Result<LossSum>;
    /// One optimizer step over `micro` batches (gradient accumulation); returns the step's loss.
    fn train_step(&mut self, _micro: &[TokenBatch], _lr: f64) -> Result<LossSum> {
        Err(unsupported(self.name(), "training"))
    }
    /// One optimizer step towards cached teacher distributions (see `DistillConfig`).
    fn distill_step(
        &mut self,
        _micro: &[(TokenBatch, TeacherTargets)],
        _cfg: &DistillConfig,
        _lr: f64,
    ) -> Result<LossSum> {
        Err(unsupported(self.name(), "distillation"))
    }
    /// The diagonal empirical Fisher over `batches`: the mean over sequences of the squared
    /// gradient of each sequence's mean next-token loss, per parameter under its HF name.
    fn fisher(&mut self, _batches: &[TokenBatch]) -> Result<Weights> {
        Err(unsupported(self.name(), "Fisher information"))
    }
    /// From now on every training step adds EWC's penalty `lambda/2 * sum F (w - anchor)^2` (its
    /// gradient), for `fisher` and `anchor` under the parameters' HF names.
    fn set_ewc(&mut self, _ewc: Ewc) -> Result<()> {
        Err(unsupported(self.name(), "EWC"))
    }
    /// σReparam (Zhai et al. 2023) on every linear layer of the blocks from now on: `W` is used
    /// as `γ/σ(W)·W`, `γ` learned; it starts at 1 `from_scratch` (the paper), else at `σ(W)`, so
    /// a pretrained model computes what it did. `weights` then gives the scaled matrices.
    fn set_sigma_reparam(&mut self, _from_scratch: bool) -> Result<()> {
        Err(unsupported(self.name(), "sigma reparam"))
    }
    /// Mean attention entropy (nats) per layer and head over `batch`'s positions; None where the
    /// backend cannot measure it.
    fn attention_entropy(&self, _batch: &TokenBatch) -> Result<Option<Vec<Vec<f64>>>> {
        Ok(None)
    }
    /// The current weights under HF names.
    fn weights(&self) -> Weights;
    fn save_optimizer(&self, _dir: &Path) -> Result<()> {
        Err(unsupported(self.name(), "optimizer checkpoints"))
    }
    fn load_optimizer(&mut self, _dir: &Path) -> Result<()> {
        Err(unsupported(self.name(), "optimizer checkpoints"))
    }
}

pub fn unsupported(backend: &str, what: &str) -> Error {
    Error::Backend(format!("backend `{backend}` does not support {what}"))
}

/// Builds the backend `target` names with the model described by `cfg` and `weights` (every
/// tensor must be used).
pub fn open(
    target: impl Into<Target>,
    cfg: &LlamaConfig,
    weights: &mut Weights,
    optim: &OptimConfig,
) -> Result<Box<dyn Backend>> {
    let t = target.into();
    match (t.engine, t.device.as_str()) {
        ("torch", dev) => torch(dev, cfg, weights, optim),
        (_, "cpu") => burn_impl::cpu(cfg, weights, optim),
        _ => burn_impl::cuda(cfg, weights, optim),
    }
}

#[cfg(feature = "torch")]
fn torch(
    dev: &str,
    cfg: &LlamaConfig,
    w: &mut Weights,
    o: &OptimConfig,
) -> Result<Box<dyn Backend>> {
    torch_impl::open(dev, cfg, w, o)
}

#[cfg(not(feature = "torch"))]
fn torch(_: &str, _: &LlamaConfig, _: &mut Weights, _: &OptimConfig) -> Result<Box<dyn Backend>> {
    Err(Error::Backend(
        "backend `torch` is not in this build: rebuild with `--features torch` (see the README)"
            .into(),
    ))
}

/// Log-sum-exp and log-softmax helpers on host logits (f64 accumulation).
pub fn log_softmax(logits: &[f32]) -> (f64, Vec<f64>) {
    let m = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
    let s: f64 = logits.iter().map(|&x| (x as f64 - m).exp()).sum();
    let lz = m + s.ln();
    (lz, logits.iter().map(|&x| x as f64 - lz).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_skip_document_openings_and_last_position() {
        let b = TokenBatch {
            tokens: vec![5, 6, 7, 8, 9],
            batch: 1,
            len: 5,
            doc_starts: vec![vec![0, 3]],
        };
        let (t, w) = b.targets();
        assert_eq!(t, vec![6, 7, 8, 9, 0]);
        assert_eq!(w, vec![1.0, 1.0, 0.0, 1.0, 0.0]);
        assert!(b.check(10).is_ok());
        let e = b.check(9).unwrap_err().to_string();
        assert!(e.contains("token id 9") && e.contains("position 4"), "{e}");
    }
}
