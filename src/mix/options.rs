//! `mix build`'s options, declared once: the CLI flattens them (`sluice mix build --seq-len ...`)
//! and a pipeline's `kind = "mix"` step holds them (`seq_len = ...`), with the same defaults and the
//! same checks ([`MixOptions::config`], then the job's own validation).

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::build::{MixConfig, OutputFormat};
use crate::error::{Error, Result};
use crate::source::{OnError, SourceSpec};
use crate::tokenizer::Engine;

#[derive(Clone, Debug, clap::Args, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MixOptions {
    /// Steps that must finish first (pipeline files only).
    #[arg(skip)]
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// Target-domain data: Parquet/JSONL/CSV files, text files, or directories of them
    /// [CLI default, with no --pretrain either: the shipped samples/target].
    #[arg(long, num_args = 1.., value_name = "PATH")]
    #[serde(default)]
    pub target: Vec<PathBuf>,
    /// General pretraining data, same forms as `target`, never repeated [CLI default, with no
    /// --target either: the shipped samples/pretrain].
    #[arg(long, num_args = 1.., value_name = "PATH")]
    #[serde(default)]
    pub pretrain: Vec<PathBuf>,
    /// Fraction of training tokens drawn from pretraining data, in [0, 1), exact in every prefix,
    /// as a decimal string ("0.01").
    #[arg(long, value_name = "P", allow_negative_numbers = true)]
    pub inject: String,
    /// HuggingFace tokenizer.json [CLI default: the shipped samples/tokenizer.json (GPT-2)].
    #[arg(long, value_name = "FILE")]
    #[serde(default)]
    pub tokenizer: Option<PathBuf>,
    /// Tokens per packed sequence.
    #[arg(long, default_value_t = seq_len())]
    #[serde(default = "seq_len")]
    pub seq_len: u32,
    /// Passes over the target data, reshuffled each time; pretraining data never repeats.
    #[arg(long, default_value_t = one())]
    #[serde(default = "one")]
    pub epochs: u32,
    /// Fraction of documents held out for validation, per source, chosen by content hash.
    #[arg(long, default_value_t = val_frac())]
    #[serde(default = "val_frac")]
    pub val_frac: f64,
    /// Seed of every random choice [default: 0; in a pipeline, the pipeline's seed].
    #[arg(long)]
    #[serde(default)]
    pub seed: Option<u64>,
    /// Column holding the document text in Parquet/JSONL/CSV sources.
    #[arg(long, default_value_t = text())]
    #[serde(default = "text")]
    pub text_column: String,
    /// SQL filter applied to every source, e.g. "year >= 1800" or "length(text) > 200".
    #[arg(long = "where", value_name = "SQL")]
    #[serde(rename = "where", default)]
    pub filter: Option<String>,
    /// SQL filter for the target source only (overrides `where`).
    #[arg(long, value_name = "SQL")]
    #[serde(default)]
    pub target_where: Option<String>,
    /// SQL filter for the pretraining source only (overrides `where`).
    #[arg(long, value_name = "SQL")]
    #[serde(default)]
    pub pretrain_where: Option<String>,
    /// Output formats (comma-separated on the command line).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = parquet())]
    #[serde(default = "parquet")]
    pub format: Vec<OutputFormat>,
    /// What to do with records that cannot be used (null text, invalid UTF-8, bad JSON lines).
    #[arg(long, value_enum, default_value_t = fail())]
    #[serde(default = "fail")]
    pub on_error: OnError,
    /// End-of-document token appended to every document [default: detected]; "" for none.
    #[arg(long)]
    #[serde(default)]
    pub eos: Option<String>,
    #[arg(long, value_enum, default_value_t = auto())]
    #[serde(default = "auto")]
    pub tokenizer_engine: Engine,
    /// Sequences per Parquet shard [default: 16M tokens' worth].
    #[arg(long, default_value_t = 0)]
    #[serde(default)]
    pub shard_rows: u64,
}

// Defaults, each written once (the CLI and the file share them).
crate::defaults! {
    seq_len: u32 = 2048,
    one: u32 = 1,
    val_frac: f64 = 0.05,
    text: String = "text".into(),
    parquet: Vec<OutputFormat> = vec![OutputFormat::Parquet],
    fail: OnError = OnError::Fail,
    auto: Engine = Engine::Auto,
}

impl MixOptions {
    /// The build these options describe, paths as given; `seed` when none is set here.
    pub fn config(&self, seed: u64) -> Result<MixConfig> {
        if self.target.is_empty() {
            return Err(Error::config(
                "no target data: pass --target (in a pipeline: `target`), the target-domain data to finetune on",
            ));
        }
        let tokenizer = self.tokenizer.clone().ok_or_else(|| {
            Error::config("no tokenizer: pass --tokenizer (in a pipeline: `tokenizer`)")
        })?;
        let spec = |name: &str, paths: &[PathBuf], filter: &Option<String>| SourceSpec {
            name: name.into(),
            paths: paths.to_vec(),
            text_column: self.text_column.clone(),
            filter: filter.clone().or_else(|| self.filter.clone()),
            on_error: self.on_error,
        };
        Ok(MixConfig {
            target: spec("target", &self.target, &self.target_where),
            pretrain: (!self.pretrain.is_empty())
                .then(|| spec("pretrain", &self.pretrain, &self.pretrain_where)),
            inject: self.inject.clone(),
            tokenizer,
            tokenizer_engine: self.tokenizer_engine,
            eos: self.eos.clone(),
            seq_len: self.seq_len,
            epochs: self.epochs,
            val_frac: self.val_frac,
            seed: self.seed.unwrap_or(seed),
            formats: self.format.clone(),
            shard_rows: self.shard_rows,
        })
    }

    /// Every path-valued option, with its JSON pointer below the step.
    pub fn paths_mut(&mut self) -> Vec<(String, &mut PathBuf)> {
        let mut v: Vec<(String, &mut PathBuf)> = Vec::new();
        for (i, p) in self.target.iter_mut().enumerate() {
            v.push((format!("/target/{i}"), p));
        }
        for (i, p) in self.pretrain.iter_mut().enumerate() {
            v.push((format!("/pretrain/{i}"), p));
        }
        if let Some(t) = self.tokenizer.as_mut() {
            v.push(("/tokenizer".into(), t));
        }
        v
    }
}
