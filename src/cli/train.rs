use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::train::lm::TrainOptions;
use crate::train::ssl::SslOptions;

#[derive(Debug, Subcommand)]
pub enum TrainCommand {
    /// Train or finetune a Llama-architecture LM on a `mix build` output.
    Lm(LmArgs),
    /// Train an image encoder self-supervised (SimCLR, Poly-View, BYOL, DUET) on online views.
    Ssl(SslArgs),
}

#[derive(Debug, Args)]
pub struct SslArgs {
    #[command(flatten)]
    pub options: SslOptions,
    #[arg(long, value_name = "DIR", default_value = "sluice-out/ssl")]
    pub out: PathBuf,
    /// Replace an output directory of another configuration.
    #[arg(long)]
    pub overwrite: bool,
}

#[derive(Debug, Args)]
pub struct LmArgs {
    #[command(flatten)]
    pub options: TrainOptions,
    #[arg(long, value_name = "DIR", default_value = "sluice-out/train")]
    pub out: PathBuf,
    /// Replace an output directory of another configuration.
    #[arg(long)]
    pub overwrite: bool,
}

#[derive(Debug, Args)]
pub struct FisherArgs {
    #[command(flatten)]
    pub options: crate::train::fisher::FisherOptions,
    #[arg(long, value_name = "DIR", default_value = "sluice-out/fisher")]
    pub out: PathBuf,
    /// Replace an output directory of another configuration.
    #[arg(long)]
    pub overwrite: bool,
}
