//! One handler per verb: turn parsed arguments into library calls and print the result.

pub mod logits;
pub mod mix;
pub mod model;
pub mod pipeline;
pub mod plan;
pub mod tokenize;
pub mod train;
pub mod views;

use std::path::PathBuf;

use crate::cli::{Cli, Command};
use crate::error::{Error, Result};

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Mix(crate::cli::mix::MixCommand::Build(args)) => mix::build::run(*args, cli.quiet),
        Command::Mix(crate::cli::mix::MixCommand::Merge(args)) => mix::build::merge(args),
        Command::Plan(cmd) => plan::run(cmd),
        Command::Tokenize(args) => tokenize::run(args, cli.quiet),
        Command::Views(cmd) => views::run(cmd, cli.quiet),
        Command::Pipeline(cmd) => pipeline::run_command(cmd, cli.quiet),
        Command::Train(crate::cli::train::TrainCommand::Lm(args)) => train::lm(args, cli.quiet),
        Command::Train(crate::cli::train::TrainCommand::Ssl(args)) => train::ssl(args, cli.quiet),
        Command::Fisher(args) => train::fisher(args, cli.quiet),
        Command::Model(cmd) => model::run(cmd),
        Command::Logits(cmd) => logits::run(cmd, cli.quiet),
    }
}

/// The shipped samples: `./samples` when run from a checkout, else the checkout sluice was built from.
pub fn samples_dir() -> Result<PathBuf> {
    let here = PathBuf::from("samples");
    if here.join("tokenizer.json").exists() {
        return Ok(here);
    }
    let built = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    if built.join("tokenizer.json").exists() {
        return Ok(built);
    }
    Err(Error::config(
        "no input given and the shipped samples are not found (run from the sluice checkout, or pass --target, --pretrain and --tokenizer)",
    ))
}

/// What a summary line adds about an earlier run: nothing done, or the shards it kept.
pub(crate) fn shards_note(up_to_date: bool, resumed: u64) -> String {
    if up_to_date {
        " (already complete: nothing to do)".to_string()
    } else if resumed > 0 {
        format!(" (resumed: {resumed} shards kept)")
    } else {
        String::new()
    }
}

/// `1234567` -> `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
