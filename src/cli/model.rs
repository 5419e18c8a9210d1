use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::backend::BackendKind;

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Architecture, parameter count and tensor types of a GGUF or safetensors model.
    Info {
        model: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Write the tokenizer a GGUF file carries as a HuggingFace tokenizer.json.
    Tokenizer {
        model: PathBuf,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Score text: per-token log-probabilities, perplexity, and the top next tokens.
    Score(ScoreArgs),
    /// Forward and training throughput (tokens/s, TFLOP/s) on random tokens.
    Bench(BenchArgs),
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    pub model: PathBuf,
    /// burn or torch (on --device); cpu and cuda are burn on that device.
    #[arg(long, value_enum, default_value = "cpu")]
    pub backend: BackendKind,
    /// cpu, cuda or cuda:N [default: cpu; with `--backend cuda`, cuda:0].
    #[arg(long)]
    pub device: Option<String>,
    #[arg(long, default_value_t = 1)]
    pub batch_size: usize,
    #[arg(long, default_value_t = 256)]
    pub seq_len: usize,
    /// Timed repetitions (after one untimed warm-up each).
    #[arg(long, default_value_t = 3)]
    pub reps: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    pub model: PathBuf,
    /// tokenizer.json for the text (for GGUF files, the one they carry is used when omitted).
    #[arg(long, value_name = "FILE")]
    pub tokenizer: Option<PathBuf>,
    /// The text to score (or --ids).
    #[arg(long, conflicts_with = "ids")]
    pub text: Option<String>,
    /// Comma-separated token ids.
    #[arg(long, value_delimiter = ',')]
    pub ids: Option<Vec<u32>>,
    /// burn or torch (on --device); cpu and cuda are burn on that device.
    #[arg(long, value_enum, default_value = "cpu")]
    pub backend: BackendKind,
    /// cpu, cuda or cuda:N [default: cpu; with `--backend cuda`, cuda:0].
    #[arg(long)]
    pub device: Option<String>,
    /// Longest window scored at once; longer texts are scored in consecutive windows.
    #[arg(long, default_value_t = 512)]
    pub window: usize,
    /// Write the full logits (float32, little-endian, [tokens, vocab]) to FILE.
    #[arg(long, value_name = "FILE")]
    pub dump_logits: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}
