use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::plan::ema::Optimizer;

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Smallest pretraining-injection fraction for a forgetting budget (forgetting scaling law).
    Inject(InjectArgs),
    /// Fit the forgetting law's coefficients to measured runs (Huber-robust least squares).
    Fit(FitArgs),
    /// One metric of training runs against another (their `metrics.jsonl`): table and plot.
    Curves(CurvesArgs),
    /// Distillation versus supervised training at a compute budget (distillation scaling law).
    Distill(DistillArgs),
    /// EMA momentum and learning rate for a new batch size (EMA scaling rule).
    Ema(EmaArgs),
    /// Views per sample versus unique samples at a fixed views-per-step budget.
    Views(ViewsArgs),
    /// Parameters, FLOPs and memory of a mixture-of-experts model; experts for a parameter budget.
    Moe(MoeArgs),
}

#[derive(Debug, Args)]
pub struct Output {
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Draw the curve to FILE.png or FILE.svg.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InjectArgs {
    /// TOML with a [forgetting.DOMAIN] table: A, alpha, beta, B (and optional l0).
    #[arg(long, value_name = "FILE")]
    pub coeffs: PathBuf,
    #[arg(long)]
    pub domain: String,
    /// Model parameters N.
    #[arg(long)]
    pub params: f64,
    /// Unique finetuning tokens D.
    #[arg(long)]
    pub tokens: f64,
    /// Largest acceptable rise of the pretraining loss, nats.
    #[arg(long)]
    pub budget: f64,
    #[command(flatten)]
    pub output: Output,
}

/// Which law `plan fit` fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Law {
    /// Forgetting vs injection (`plan forgetting`): N, D, p and the rise of the pretraining loss.
    Forgetting,
    /// Distillation vs supervised (`plan distill`): supervised and distilled runs' held-out loss.
    Distill,
}

#[derive(Debug, Args)]
pub struct FitArgs {
    #[arg(long, value_enum, default_value = "forgetting")]
    pub law: Law,
    /// CSV of runs (forgetting): columns N, D, p and forgetting (or loss and base_loss).
    #[arg(
        long,
        value_name = "CSV",
        required_unless_present = "run",
        conflicts_with = "run"
    )]
    pub runs: Option<PathBuf>,
    /// `train lm` output directories instead of a CSV. Forgetting: N is the model's parameters, p
    /// the data's `--inject`, D the target tokens trained on, forgetting the rise of
    /// `val_pretrain` from the first evaluation to the last (the run's mix build output must still
    /// be where it trained). Distill: N, the tokens trained and the last `val_target`; runs with
    /// `--distill-from` are the distilled students, the others the supervised baseline.
    #[arg(long, value_name = "DIR", num_args = 1..)]
    pub run: Vec<PathBuf>,
    /// The fitted table's name ([forgetting.DOMAIN] or [distill.DOMAIN]).
    #[arg(long, default_value = "default")]
    pub domain: String,
    /// Distill: the [distill.default] table whose values the coefficients the runs cannot
    /// identify keep (e.g. samples/plan/distill.toml).
    #[arg(long, value_name = "FILE")]
    pub coeffs: Option<PathBuf>,
    /// Distill: the teacher's loss on the same held-out split (nats per token).
    #[arg(long, value_name = "L")]
    pub teacher_loss: Option<f64>,
    /// Write the fitted table to this TOML file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Debug, Args)]
pub struct CurvesArgs {
    /// A `train lm` or `train ssl` output directory, as `LABEL=DIR` or `DIR`; repeat per run.
    #[arg(long, value_name = "[LABEL=]DIR", required = true, num_args = 1..)]
    pub run: Vec<crate::plan::runs::RunArg>,
    /// The metric on the x axis (a key of `metrics.jsonl`: step, tokens_seen, samples_seen, ...).
    #[arg(long, default_value = "step")]
    pub x: String,
    /// The metric on the y axis (val_target, val_pretrain, train_loss, knn_top1, loss, ...).
    #[arg(long)]
    pub y: String,
    /// Plot each run's change from its first value (e.g. the rise of val_pretrain: forgetting).
    #[arg(long)]
    pub relative: bool,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Debug, Args)]
pub struct DistillArgs {
    /// TOML with a [distill.NAME] table: E, A, B, a, b, g, c0, c1, d1, f1.
    #[arg(long, value_name = "FILE")]
    pub coeffs: PathBuf,
    #[arg(long, default_value = "default")]
    pub law: String,
    /// Compute budget, FLOPs.
    #[arg(long)]
    pub compute: f64,
    /// Student parameters.
    #[arg(long)]
    pub student: f64,
    /// Teacher parameters.
    #[arg(long)]
    pub teacher: f64,
    /// Tokens the teacher is (or was) trained on.
    #[arg(long)]
    pub teacher_tokens: f64,
    /// The teacher already exists: its training is not paid from the budget.
    #[arg(long)]
    pub teacher_exists: bool,
    /// Students that share one cached teacher pass (`sluice logits cache`).
    #[arg(long, default_value_t = 1.0)]
    pub students: f64,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Debug, Args)]
pub struct EmaArgs {
    /// EMA momentum at the current batch size; repeat for several EMAs.
    #[arg(long, required = true)]
    pub momentum: Vec<f64>,
    #[arg(long)]
    pub batch_size: f64,
    #[arg(long)]
    pub new_batch_size: f64,
    #[arg(long, value_enum, default_value = "sgd")]
    pub optimizer: Optimizer,
    /// Current learning rate, to print the new one.
    #[arg(long)]
    pub lr: Option<f64>,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Debug, Args)]
pub struct ViewsArgs {
    /// Views per training step (samples x K), fixed.
    #[arg(long)]
    pub views_per_step: u64,
    #[arg(long)]
    pub steps: u64,
    /// Images in the data set.
    #[arg(long)]
    pub dataset: u64,
    /// Images decoded per second per core [default: `views gen` on 1024-px JPEGs, BENCHMARKS.md].
    #[arg(long, default_value_t = 190.0)]
    pub decode_per_sec: f64,
    /// Augmented views per second per core [default: `views gen`'s SimCLR view at 224 px].
    #[arg(long, default_value_t = 1000.0)]
    pub views_per_sec: f64,
    /// Loader cores.
    #[arg(long, default_value_t = 16)]
    pub cores: u64,
    /// Fewest samples per step (negatives for a contrastive loss).
    #[arg(long, default_value_t = 256)]
    pub min_samples: u64,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Debug, Args)]
pub struct MoeArgs {
    #[arg(long)]
    pub d_model: u64,
    #[arg(long)]
    pub layers: u64,
    #[arg(long)]
    pub experts: u64,
    #[arg(long)]
    pub top_k: u64,
    /// Hidden size of one expert (SwiGLU).
    #[arg(long)]
    pub d_ff: u64,
    #[arg(long, default_value_t = 50304)]
    pub vocab: u64,
    /// Key/value width [default: d_model, no grouped-query attention].
    #[arg(long)]
    pub kv_dim: Option<u64>,
    #[arg(long, default_value_t = 4096)]
    pub seq_len: u64,
    #[arg(long)]
    pub untied_embeddings: bool,
    /// Total parameter budget: print how many experts fit it.
    #[arg(long)]
    pub param_budget: Option<f64>,
    #[command(flatten)]
    pub output: Output,
}
