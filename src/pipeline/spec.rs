//! Pipeline files: the types a `pipelines/*.toml` file deserializes into. The JSON Schema in
//! `schemas/pipeline.schema.json` is generated from these types (`sluice pipeline schema`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::mix::build::OutputFormat;
use crate::mix::tokenize::Engine;
use crate::source::OnError;
use crate::views::generate::ViewFormat;

/// A pipeline: named steps, run in dependency order, optionally on a schedule.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    /// Name; the scheduler's state is keyed by it.
    pub name: String,
    /// Output directory: step `S` writes `OUT/S/`. Relative paths resolve against the file's folder.
    pub out: String,
    /// Folders every input path must resolve inside (relative to the file's folder). Default: the
    /// file's folder and its parent.
    #[serde(default)]
    pub roots: Vec<String>,
    /// Seed of every step that does not set its own.
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub schedule: Option<Schedule>,
    /// Steps by name. An input `step:NAME[/path]` reads step NAME's output (and depends on it).
    pub steps: BTreeMap<String, Step>,
}

/// When and how a scheduled pipeline runs.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// POSIX cron, five fields: minute hour day-of-month month day-of-week.
    pub cron: String,
    /// IANA time zone of the cron fields, e.g. "Europe/Paris".
    #[serde(default = "utc")]
    pub timezone: String,
    /// Slots missed while the scheduler was down: run none, the latest, or all (at most `max_catchup`).
    #[serde(default)]
    pub catchup: Catchup,
    #[serde(default = "ten")]
    pub max_catchup: u32,
    /// A slot due while a run is active: skip it, queue it, or cancel the active run.
    #[serde(default)]
    pub concurrency: Concurrency,
    /// Extra attempts of a failed run.
    #[serde(default)]
    pub retries: u32,
    /// Wait before the first retry, doubled at each further attempt.
    #[serde(default = "sixty")]
    pub backoff_seconds: u64,
}

fn utc() -> String {
    "UTC".into()
}
fn ten() -> u32 {
    10
}
fn sixty() -> u64 {
    60
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Catchup {
    Skip,
    #[default]
    Latest,
    All,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Concurrency {
    #[default]
    Forbid,
    Queue,
    Replace,
}

/// One step; `kind` picks the command, the other keys are that command's options.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Step {
    /// `sluice mix build`.
    Mix(MixStep),
    /// `sluice views gen` (shardable: `--shard i --of N` runs one slice).
    Views(ViewsStep),
    /// A DataFusion SQL query over named sources, written as Parquet.
    Sql(SqlStep),
}

impl Step {
    pub fn depends_on(&self) -> &[String] {
        match self {
            Step::Mix(s) => &s.depends_on,
            Step::Views(s) => &s.depends_on,
            Step::Sql(s) => &s.depends_on,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Step::Mix(_) => "mix",
            Step::Views(_) => "views",
            Step::Sql(_) => "sql",
        }
    }

    /// Map-only steps whose output is a union over sample slices.
    pub fn shardable(&self) -> bool {
        matches!(self, Step::Views(_))
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MixStep {
    #[serde(default)]
    pub depends_on: Vec<String>,
    pub target: Vec<String>,
    #[serde(default)]
    pub pretrain: Vec<String>,
    /// Fraction of training tokens from pretraining data, as a decimal string ("0.01").
    pub inject: String,
    pub tokenizer: String,
    #[serde(default = "seq_len")]
    pub seq_len: u32,
    #[serde(default = "one")]
    pub epochs: u32,
    #[serde(default = "val_frac")]
    pub val_frac: f64,
    pub seed: Option<u64>,
    #[serde(default = "text")]
    pub text_column: String,
    #[serde(rename = "where")]
    pub filter: Option<String>,
    pub target_where: Option<String>,
    pub pretrain_where: Option<String>,
    #[serde(default = "parquet")]
    pub format: Vec<OutputFormat>,
    #[serde(default = "fail")]
    pub on_error: OnError,
    pub eos: Option<String>,
    #[serde(default = "auto")]
    pub tokenizer_engine: Engine,
    #[serde(default)]
    pub shard_rows: u64,
}

fn seq_len() -> u32 {
    2048
}
fn one() -> u32 {
    1
}
fn val_frac() -> f64 {
    0.05
}
fn text() -> String {
    "text".into()
}
fn parquet() -> Vec<OutputFormat> {
    vec![OutputFormat::Parquet]
}
fn fail() -> OnError {
    OnError::Fail
}
fn auto() -> Engine {
    Engine::Auto
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewsStep {
    #[serde(default)]
    pub depends_on: Vec<String>,
    pub input: String,
    pub k: u32,
    #[serde(default = "simclr")]
    pub recipe: String,
    #[serde(default = "side")]
    pub size: u32,
    pub seed: Option<u64>,
    #[serde(default = "png")]
    pub format: ViewFormat,
    #[serde(default = "quality")]
    pub quality: u8,
    #[serde(default = "fail")]
    pub on_error: OnError,
    #[serde(default = "max_pixels")]
    pub max_pixels: u64,
    #[serde(default = "image")]
    pub image_column: String,
    pub label_column: Option<String>,
    pub id_column: Option<String>,
    #[serde(default = "group")]
    pub group_samples: u32,
    #[serde(default = "shard_samples")]
    pub shard_samples: u32,
}

fn simclr() -> String {
    "simclr".into()
}
fn side() -> u32 {
    224
}
fn png() -> ViewFormat {
    ViewFormat::Png
}
fn quality() -> u8 {
    95
}
fn max_pixels() -> u64 {
    100_000_000
}
fn image() -> String {
    "image".into()
}
fn group() -> u32 {
    64
}
fn shard_samples() -> u32 {
    1024
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SqlStep {
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// Table name -> Parquet, JSONL or CSV file (or `step:NAME/...`).
    pub sources: BTreeMap<String, String>,
    /// One SELECT over those tables; its result is the step's output.
    pub query: String,
    /// Rows per output file.
    #[serde(default = "sql_rows")]
    pub rows_per_file: u64,
}

fn sql_rows() -> u64 {
    1_000_000
}

/// The JSON Schema of pipeline files, generated from the types above.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Pipeline);
    serde_json::to_value(schema).expect("a schema serializes")
}
