//! Pipeline files: the types a `pipelines/*.toml` file deserializes into. The JSON Schema in
//! `schemas/pipeline.schema.json` is generated from these types (`sluice pipeline schema`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::logits::cache::CacheOptions;
use crate::mix::options::MixOptions;
use crate::tokenizer::job::TokenizeOptions;
use crate::train::fisher::FisherOptions;
use crate::train::lm::TrainOptions;
use crate::train::ssl::SslOptions;
use crate::views::options::ViewsOptions;

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

// Defaults, each written once (the CLI and the file share them).
crate::defaults! {
    utc: String = "UTC".into(),
    ten: u32 = 10,
    sixty: u64 = 60,
    sql_rows: u64 = 1_000_000,
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

/// One step; `kind` picks the command, the other keys are that command's options (the same
/// options, defaults and checks as its CLI flags, with `_` for `-`).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Step {
    /// `sluice mix build`.
    Mix(MixOptions),
    /// `sluice views gen` (shardable: `--shard i --of N` runs one slice).
    Views(ViewsOptions),
    /// A DataFusion SQL query over named sources, written as Parquet.
    Sql(SqlStep),
    /// `sluice logits cache`.
    Logits(CacheOptions),
    /// `sluice train lm`.
    Train(TrainOptions),
    /// `sluice train ssl`.
    Ssl(SslOptions),
    /// `sluice fisher` (for `train lm --ewc`).
    Fisher(FisherOptions),
    /// `sluice tokenize`: every document's ids, one row per document in input order.
    Tokenize(TokenizeOptions),
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

/// The JSON Schema of pipeline files, generated from the types above.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Pipeline);
    serde_json::to_value(schema).expect("a schema serializes")
}
