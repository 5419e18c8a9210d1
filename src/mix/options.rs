//! `mix build`'s options, declared once: the CLI flattens them (`sluice mix build --seq-len ...`)
//! and a pipeline's `kind = "mix"` step holds them (`seq_len = ...`), with the same defaults and the
//! same checks ([`MixOptions::config`], then the job's own validation).
//!
//! A mixture takes one of two forms. The two-source form: `--target`, `--pretrain`, `--inject p`.
//! The weighted form: named sources with token weights, from `--source NAME=PATH,... --weights
//! NAME=W,...`, a `--mixture FILE` of `[sources.NAME]` tables, or (in a pipeline) the same tables
//! under the step as `sources`; per-source settings (text column, filter, epochs) live in the tables.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::build::{MixConfig, MixSource, OutputFormat};
use super::pack::Packing;
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
    /// Pipeline files only: in a sharded run, every slice builds its slice of this step (all
    /// slices must run at once) and slice 0 merges them before later steps read it.
    #[arg(skip)]
    #[serde(default)]
    pub shard: bool,
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
    #[serde(default)]
    pub inject: Option<String>,
    /// Weighted form: one named source, `NAME=PATH[,PATH...]` (files, directories or globs); repeat
    /// for each source.
    #[arg(long = "source", value_name = "NAME=PATH[,PATH...]")]
    #[serde(skip)]
    pub source: Vec<String>,
    /// Weighted form: each source's fraction of the training tokens, `NAME=W,...`, summing to 1
    /// (with best-fit packing, of the training sequences: padding counts to its row's source).
    #[arg(long, value_name = "NAME=W,...")]
    #[serde(skip)]
    pub weights: Option<String>,
    /// Weighted form from a TOML file of `[sources.NAME]` tables: `paths`, `weight`, and optional
    /// `text_column`, `where`, `epochs`; paths relative to the file.
    #[arg(long, value_name = "FILE")]
    #[serde(default)]
    pub mixture: Option<PathBuf>,
    /// Weighted form in a pipeline file: `[steps.NAME.sources.web]` tables, as in a mixture file.
    #[arg(skip)]
    #[serde(default)]
    pub sources: BTreeMap<String, WeightedSource>,
    /// HuggingFace tokenizer.json [CLI default: the shipped samples/tokenizer.json (GPT-2)].
    #[arg(long, value_name = "FILE")]
    #[serde(default)]
    pub tokenizer: Option<PathBuf>,
    /// Tokens per packed sequence.
    #[arg(long, default_value_t = seq_len())]
    #[serde(default = "seq_len")]
    pub seq_len: u32,
    /// Passes over the target data, reshuffled each time; pretraining data never repeats (weighted
    /// form: `epochs` per source, in its table).
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
    /// How documents become sequences: `concat` cuts the concatenated stream (no padding);
    /// `best-fit` places whole documents into sequences best-fit-decreasing and pads the rest.
    #[arg(long, value_enum, default_value_t = concat())]
    #[serde(default = "concat")]
    pub packing: Packing,
    /// Sources to read only as far as the schedule needs (comma-separated names; `pretrain` in the
    /// two-source form): their files in an order keyed on their paths, stopping after the file
    /// that covers the need. For a small fraction of a huge corpus.
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    #[serde(default)]
    pub read_as_needed: Vec<String>,
    /// With best-fit packing, what happens to a document longer than a sequence: `split` it into
    /// full sequences plus a packed remainder, or `truncate` it to one sequence.
    #[arg(long, value_enum, default_value_t = split())]
    #[serde(default = "split")]
    pub long_docs: LongDocs,
}

/// One source of the weighted form.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeightedSource {
    /// Files, directories or globs.
    pub paths: Vec<PathBuf>,
    /// This source's fraction of the training tokens: a decimal string ("0.7") or a number.
    pub weight: Decimal,
    /// Column holding the text [default: the step's `text_column`].
    #[serde(default)]
    pub text_column: Option<String>,
    /// SQL filter for this source [default: the step's `where`].
    #[serde(rename = "where", default)]
    pub filter: Option<String>,
    /// Passes over this source's data, reshuffled each time; 1 = never repeat.
    #[serde(default = "one")]
    pub epochs: u32,
}

/// A decimal written as a string or a number; a number is read back through its shortest form,
/// so `0.7` is exactly 7/10.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Decimal {
    Text(String),
    Number(f64),
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Decimal::Text(s) => f.write_str(s),
            Decimal::Number(x) => write!(f, "{x}"),
        }
    }
}

/// A `--mixture` file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MixtureFile {
    sources: BTreeMap<String, WeightedSource>,
}

pub use super::pack::LongDocs;

// Defaults, each written once (the CLI and the file share them).
crate::defaults! {
    seq_len: u32 = 2048,
    one: u32 = 1,
    val_frac: f64 = 0.05,
    text: String = "text".into(),
    parquet: Vec<OutputFormat> = vec![OutputFormat::Parquet],
    fail: OnError = OnError::Fail,
    auto: Engine = Engine::Auto,
    concat: Packing = Packing::Concat,
    split: LongDocs = LongDocs::Split,
}

impl MixOptions {
    /// The build these options describe, paths as given; `seed` when none is set here.
    pub fn config(&self, seed: u64) -> Result<MixConfig> {
        let tokenizer = self.tokenizer.clone().ok_or_else(|| {
            Error::config("no tokenizer: pass --tokenizer (in a pipeline: `tokenizer`)")
        })?;
        let spec =
            |name: &str, paths: &[PathBuf], column: &Option<String>, filter: &Option<String>| {
                SourceSpec {
                    name: name.into(),
                    paths: paths.to_vec(),
                    text_column: column.clone().unwrap_or_else(|| self.text_column.clone()),
                    filter: filter.clone().or_else(|| self.filter.clone()),
                    on_error: self.on_error,
                }
            };
        let weighted = self.weighted()?;
        let sources = if let Some(ws) = weighted {
            self.refuse_two_source_options()?;
            ws.iter()
                .map(|(name, w)| MixSource {
                    spec: spec(name, &w.paths, &w.text_column, &w.filter),
                    epochs: w.epochs,
                    weight: Some(w.weight.to_string()),
                    read_as_needed: self.read_as_needed.contains(name),
                })
                .collect::<Vec<_>>()
        } else {
            if self.target.is_empty() {
                return Err(Error::config(
                    "no target data: pass --target (in a pipeline: `target`), the target-domain data to finetune on, \
                     or name weighted sources with --source NAME=PATH and --weights",
                ));
            }
            if self.inject.is_none() {
                return Err(Error::config(
                    "pass --inject P, the fraction of training tokens from pretraining data (0 for none)",
                ));
            }
            let two = [
                ("target", &self.target, &self.target_where, self.epochs),
                ("pretrain", &self.pretrain, &self.pretrain_where, 1),
            ];
            two.into_iter()
                .filter(|(_, paths, _, _)| !paths.is_empty())
                .map(|(name, paths, filter, epochs)| MixSource {
                    spec: spec(name, paths, &None, filter),
                    epochs,
                    weight: None,
                    read_as_needed: self.read_as_needed.iter().any(|n| n == name),
                })
                .collect::<Vec<_>>()
        };
        if let Some(n) =
            (self.read_as_needed.iter()).find(|n| !sources.iter().any(|s| &s.spec.name == *n))
        {
            bail!(config(
                "--read-as-needed names `{n}`, which is not a source of this mixture"
            ));
        }
        Ok(MixConfig {
            sources,
            inject: self.inject.clone(),
            tokenizer,
            tokenizer_engine: self.tokenizer_engine,
            eos: self.eos.clone(),
            seq_len: self.seq_len,
            val_frac: self.val_frac,
            seed: self.seed.unwrap_or(seed),
            formats: self.format.clone(),
            shard_rows: self.shard_rows,
            packing: self.packing,
            long_docs: self.long_docs,
        })
    }

    /// The weighted form's sources, merged from `--source`/`--weights`, `--mixture` and `sources`;
    /// None in the two-source form.
    fn weighted(&self) -> Result<Option<BTreeMap<String, WeightedSource>>> {
        let mut all = self.sources.clone();
        if let Some(file) = &self.mixture {
            for (name, s) in read_mixture(file)? {
                if all.insert(name.clone(), s).is_some() {
                    bail!(config(
                        "source `{name}` is named twice (in {} and elsewhere)",
                        file.display()
                    ));
                }
            }
        }
        let mut weights = BTreeMap::new();
        for item in self
            .weights
            .iter()
            .flat_map(|w| w.split(','))
            .filter(|s| !s.trim().is_empty())
        {
            let (name, w) = item.split_once('=').ok_or_else(|| {
                err!(config(
                    "--weights `{item}`: write NAME=W, e.g. --weights web=0.7,code=0.3"
                ))
            })?;
            if weights
                .insert(name.trim().to_string(), w.trim().to_string())
                .is_some()
            {
                bail!(config("--weights names source `{}` twice", name.trim()));
            }
        }
        for item in &self.source {
            let (name, paths) = item.split_once('=').ok_or_else(|| {
                err!(config(
                    "--source `{item}`: write NAME=PATH[,PATH...], e.g. --source web=data/web"
                ))
            })?;
            let name = name.trim().to_string();
            let weight = weights.remove(&name).ok_or_else(|| {
                err!(config(
                    "source `{name}` has no weight: add {name}=W to --weights"
                ))
            })?;
            let s = WeightedSource {
                paths: paths
                    .split(',')
                    .filter(|p| !p.is_empty())
                    .map(PathBuf::from)
                    .collect(),
                weight: Decimal::Text(weight),
                text_column: None,
                filter: None,
                epochs: 1,
            };
            if all.insert(name.clone(), s).is_some() {
                bail!(config("source `{name}` is named twice"));
            }
        }
        if let Some(name) = weights.keys().next() {
            bail!(config(
                "--weights names `{name}`, which no --source defines"
            ));
        }
        if all.is_empty() {
            return Ok(None);
        }
        for (name, s) in &all {
            let ok = !name.is_empty()
                && name.len() <= 64
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !ok {
                bail!(config(
                    "source name `{name}` must be 1-64 letters, digits, `_` or `-` (it names the val_{name} split)"
                ));
            }
            if s.paths.is_empty() {
                bail!(config("source `{name}` has no paths"));
            }
            if s.epochs == 0 {
                bail!(config("source `{name}`: epochs must be at least 1"));
            }
        }
        if all.len() < 2 {
            bail!(config(
                "a weighted mixture needs at least two sources; one source alone needs no mixing (`sluice tokenize` encodes it)"
            ));
        }
        Ok(Some(all))
    }

    fn refuse_two_source_options(&self) -> Result<()> {
        let used: Vec<&str> = [
            (!self.target.is_empty(), "--target"),
            (!self.pretrain.is_empty(), "--pretrain"),
            (self.inject.is_some(), "--inject"),
            (self.target_where.is_some(), "--target-where"),
            (self.pretrain_where.is_some(), "--pretrain-where"),
            (
                self.epochs != 1,
                "--epochs (set `epochs` per source in a mixture file)",
            ),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        if !used.is_empty() {
            bail!(config(
                "weighted sources (--source/--weights/--mixture/sources) and {} are two forms of a mixture: use one",
                used.join(", ")
            ));
        }
        Ok(())
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
        for (name, s) in self.sources.iter_mut() {
            for (i, p) in s.paths.iter_mut().enumerate() {
                v.push((format!("/sources/{name}/paths/{i}"), p));
            }
        }
        if let Some(m) = self.mixture.as_mut() {
            v.push(("/mixture".into(), m));
        }
        if let Some(t) = self.tokenizer.as_mut() {
            v.push(("/tokenizer".into(), t));
        }
        v
    }
}

/// A mixture file's sources, their paths made relative to the file's directory.
fn read_mixture(file: &Path) -> Result<BTreeMap<String, WeightedSource>> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| err!(config("--mixture {}: {e}", file.display())))?;
    let m: MixtureFile =
        toml::from_str(&text).map_err(|e| err!(config("--mixture {}: {e}", file.display())))?;
    let base = file.parent().unwrap_or(Path::new("."));
    Ok(m.sources
        .into_iter()
        .map(|(name, mut s)| {
            for p in s.paths.iter_mut() {
                if p.is_relative() {
                    *p = base.join(&*p);
                }
            }
            (name, s)
        })
        .collect())
}
