//! Command-line syntax (clap derive only); handlers live in `commands/`.

pub mod logits;
pub mod mix;
pub mod model;
pub mod pipeline;
pub mod plan;
pub mod tokenize;
pub mod train;
pub mod views;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "sluice",
    version,
    about = "Build training data and feed it to GPU trainers."
)]
pub struct Cli {
    /// No progress bars.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Finetuning mixtures with an exact fraction of pretraining data.
    #[command(subcommand)]
    Mix(mix::MixCommand),
    /// Tokenize documents: one row of ids per document, in input order.
    Tokenize(tokenize::TokenizeArgs),
    /// K augmented views per image for multi-view self-supervised learning.
    #[command(subcommand)]
    Views(views::ViewsCommand),
    /// Pipeline files: validate, run (whole or one slice), merge, schedule, status.
    #[command(subcommand)]
    Pipeline(pipeline::PipelineCommand),
    /// Teacher-logit caches for distillation: cache, inspect.
    #[command(subcommand)]
    Logits(logits::LogitsCommand),
    /// Train through a backend: an LM on a mixture, an image encoder on online views.
    #[command(subcommand)]
    Train(train::TrainCommand),
    /// Diagonal Fisher information of an LM over a split, for EWC (`train lm --ewc`).
    Fisher(train::FisherArgs),
    /// Model files (GGUF, safetensors): inspect, extract the tokenizer, score text.
    #[command(subcommand)]
    Model(model::ModelCommand),
    /// Scaling-law planners: injection, distillation, EMA, views, MoE.
    #[command(subcommand)]
    Plan(plan::PlanCommand),
}
