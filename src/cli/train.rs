use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::backend::BackendKind;

#[derive(Debug, Subcommand)]
pub enum TrainCommand {
    /// Train or finetune a Llama-architecture LM on a `mix build` output.
    Lm(LmArgs),
}

#[derive(Debug, Args)]
pub struct LmArgs {
    /// A `mix build` output directory (train/, val_target/, val_pretrain/, manifest.json).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Start from these weights (GGUF or safetensors); without it, train `--arch` from scratch.
    #[arg(long, value_name = "FILE")]
    pub init: Option<PathBuf>,
    /// Architecture for training from scratch: tiny, small, smollm2-135m, or a LlamaConfig JSON file.
    #[arg(long, default_value = "tiny")]
    pub arch: String,
    #[arg(long, value_enum, default_value = "cpu")]
    pub backend: BackendKind,
    /// Optimizer steps.
    #[arg(long, default_value_t = 100)]
    pub steps: u64,
    /// Sequences per micro-batch.
    #[arg(long, default_value_t = 4)]
    pub batch_size: usize,
    /// Micro-batches accumulated per optimizer step.
    #[arg(long, default_value_t = 1)]
    pub grad_accum: usize,
    /// Peak learning rate.
    #[arg(long, default_value_t = 3e-4)]
    pub lr: f64,
    /// The cosine schedule ends at lr * this.
    #[arg(long, default_value_t = 0.1)]
    pub min_lr_ratio: f64,
    /// Linear warmup steps.
    #[arg(long, default_value_t = 10)]
    pub warmup: u64,
    #[arg(long, default_value_t = 0.1)]
    pub weight_decay: f32,
    /// Evaluate every N steps (and always before the first and after the last).
    #[arg(long, default_value_t = 25)]
    pub eval_every: u64,
    /// Validation sequences scored per split at each evaluation.
    #[arg(long, default_value_t = 16)]
    pub eval_sequences: usize,
    /// Checkpoint (weights, optimizer, position) every N steps; a rerun resumes from the newest.
    #[arg(long, default_value_t = 50)]
    pub checkpoint_every: u64,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Distil from a `logits cache` of this data (its train split; temperature from the cache).
    #[arg(long, value_name = "DIR")]
    pub distill_from: Option<PathBuf>,
    /// Weight of the distillation term; the rest of the loss is next-token cross-entropy.
    #[arg(long, default_value_t = 1.0)]
    pub distill_weight: f32,
    #[arg(long, value_name = "DIR", default_value = "sluice-out/train")]
    pub out: PathBuf,
    /// Replace an output directory of another configuration.
    #[arg(long)]
    pub overwrite: bool,
}
