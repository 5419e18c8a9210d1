//! The pipeline's `sql` step: a DataFusion query over named Parquet/JSONL/CSV tables, its rows
//! written as Parquet files `data/part-NNNNN.parquet` in the order the query gives them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::prelude::{
    CsvReadOptions, JsonReadOptions, ParquetReadOptions, SessionConfig, SessionContext,
};
use futures::StreamExt;
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};

use crate::core::job::{Ctx, Identity, Job};
use crate::core::manifest::ShardInfo;
use crate::dataset::parquet::{ShardWriter, Shards};
use crate::error::{Error, Result};
use crate::pipeline::spec::SqlStep;

/// What a SQL step's manifest holds after the common header.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SqlBody {
    pub query: String,
    /// Table name -> the sha256 of its file.
    pub sources: BTreeMap<String, String>,
    pub rows: u64,
    pub shards: Vec<ShardInfo>,
}

/// A SQL step as a [`Job`]: the query's result as Parquet files under `data/`.
pub struct SqlJob {
    step: SqlStep,
    files: BTreeMap<String, PathBuf>,
    sources: BTreeMap<String, String>,
}

impl SqlJob {
    /// The step's query over its sources, each at the path `resolve` gives it.
    pub fn new(q: &SqlStep, resolve: &dyn Fn(&str) -> PathBuf) -> Self {
        let files = q
            .sources
            .iter()
            .map(|(t, p)| (t.clone(), resolve(p)))
            .collect();
        SqlJob {
            step: q.clone(),
            files,
            sources: BTreeMap::new(),
        }
    }
}

impl Job for SqlJob {
    type Body = SqlBody;

    fn command(&self) -> &'static str {
        "pipeline sql"
    }

    fn outputs(&self) -> Vec<String> {
        vec!["data".into()]
    }

    fn validate(&self) -> Result<()> {
        if self.step.sources.is_empty() {
            return Err(Error::config("`sources` needs at least one table"));
        }
        if self.step.rows_per_file == 0 {
            return Err(Error::config("`rows_per_file` must be at least 1"));
        }
        Ok(())
    }

    fn identity(&mut self, id: &mut Identity) -> Result<()> {
        for (table, path) in &self.files {
            let sha = id.input_file(table, path)?;
            self.sources.insert(table.clone(), sha);
        }
        id.add("step", &self.step)
    }

    fn execute(&mut self, ctx: &mut Ctx) -> Result<SqlBody> {
        // A query's result is not resumed: an interrupted one starts over.
        let data = ctx.out.join("data");
        if data.exists() {
            std::fs::remove_dir_all(&data).map_err(|e| Error::io("clear", &data, e))?;
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| err!(internal("start async runtime: {e}")))?;
        let (rows, shards) = rt.block_on(query(&self.step, &self.files, ctx.out))?;
        Ok(SqlBody {
            query: self.step.query.clone(),
            sources: self.sources.clone(),
            rows,
            shards,
        })
    }
}

/// Register each source as a table.
async fn register(ctx: &SessionContext, files: &BTreeMap<String, PathBuf>) -> Result<()> {
    for (table, path) in files {
        let p = path.to_string_lossy().to_string();
        let ext = format!(
            ".{}",
            path.extension().and_then(|e| e.to_str()).unwrap_or("")
        );
        let r = match ext.as_str() {
            ".parquet" => {
                ctx.register_parquet(table, &p, ParquetReadOptions::default())
                    .await
            }
            ".jsonl" | ".json" | ".ndjson" => {
                ctx.register_json(table, &p, JsonReadOptions::default().file_extension(&ext))
                    .await
            }
            ".csv" => {
                ctx.register_csv(table, &p, CsvReadOptions::new().has_header(true))
                    .await
            }
            _ => {
                bail!(input(
                    "source `{table}` ({p}): not a .parquet, .jsonl or .csv file"
                ));
            }
        };
        r.map_err(|e| err!(input("source `{table}` ({p}): {e}")))?;
    }
    Ok(())
}

/// Run the query and write its rows, `rows_per_file` per file, in the order they come.
async fn query(
    q: &SqlStep,
    files: &BTreeMap<String, PathBuf>,
    out: &Path,
) -> Result<(u64, Vec<ShardInfo>)> {
    // One partition: rows come out in one deterministic order (give ORDER BY to choose it).
    let ctx = SessionContext::new_with_config(
        SessionConfig::new()
            .with_target_partitions(1)
            .with_repartition_file_scans(false),
    );
    let err = |e: datafusion::error::DataFusionError| err!(input("query: {e}"));
    register(&ctx, files).await?;
    let df = ctx.sql(&q.query).await.map_err(err)?;
    let schema = Arc::new(df.schema().as_arrow().clone());
    let mut stream = df.execute_stream().await.map_err(err)?;
    let shards = Shards::new(out, "data", schema, WriterProperties::default())?;
    let mut done = Vec::new();
    let mut rows = 0u64;
    let mut writer: Option<ShardWriter> = None;
    while let Some(batch) = stream.next().await {
        let batch = batch.map_err(err)?;
        let mut offset = 0;
        while offset < batch.num_rows() {
            let w = match writer.as_mut() {
                Some(w) => w,
                None => writer.insert(shards.create(done.len())?),
            };
            let take = ((q.rows_per_file - w.rows()) as usize).min(batch.num_rows() - offset);
            w.write(&batch.slice(offset, take))?;
            rows += take as u64;
            offset += take;
            if w.rows() >= q.rows_per_file
                && let Some(w) = writer.take()
            {
                done.push(w.finish()?);
            }
        }
    }
    if let Some(w) = writer.take() {
        done.push(w.finish()?);
    }
    Ok((rows, done))
}
