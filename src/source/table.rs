//! Parquet, CSV and filtered JSONL files through DataFusion (JSONL without a filter is read by
//! `jsonl.rs`): one file per scan, one partition, so rows come in file order; an optional SQL
//! `WHERE` expression filters them.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use datafusion::dataframe::DataFrame;
use datafusion::prelude::{
    CsvReadOptions, JsonReadOptions, ParquetReadOptions, SessionConfig, SessionContext,
};
use futures::StreamExt;

use super::{DocBatch, Format, InputFile, OnError, ScanStats, SourceSpec};
use crate::error::{Error, IoContext, Result};

pub(super) struct TableReader {
    spec: SourceSpec,
    scratch: PathBuf,
    rt: tokio::runtime::Runtime,
    ctx: SessionContext,
}

impl TableReader {
    pub fn new(spec: &SourceSpec, scratch: &Path) -> Result<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| err!(internal("start async runtime: {e}")))?;
        let config = SessionConfig::new()
            .with_target_partitions(1)
            .with_repartition_file_scans(false)
            .with_batch_size(1024);
        Ok(TableReader {
            spec: spec.clone(),
            scratch: scratch.to_path_buf(),
            rt,
            ctx: SessionContext::new_with_config(config),
        })
    }

    /// Stream the text column of one table file, read from `at` (the file itself, or its fetched
    /// copy when it is an object).
    pub fn read(
        &self,
        index: usize,
        file: &InputFile,
        at: &Path,
        stats: &mut ScanStats,
        emit: &mut dyn FnMut(DocBatch) -> Result<()>,
    ) -> Result<()> {
        let name = &self.spec.name;
        let shown = file.path.display().to_string();
        // JSONL is checked line by line first, so a bad line is named (or skipped) before DataFusion
        // would fail on it somewhere mid-stream.
        let mut path = at.to_path_buf();
        if file.format == Format::Parquet {
            check_parquet_footer(at).map_err(|why| {
                err!(input(
                    "source `{name}`, file {shown}: not a readable Parquet file: {why}"
                ))
            })?;
        }
        if file.format == Format::Jsonl {
            match self.check_jsonl(index, file, at, stats)? {
                Jsonl::Empty => {
                    return emit(DocBatch {
                        docs: Vec::new(),
                        input_bytes: file.bytes,
                        stats: std::mem::take(stats),
                    });
                }
                Jsonl::Clean(p) => path = p,
                Jsonl::Valid => {}
            }
        }
        if file.bytes == 0 && file.format == Format::Csv {
            return emit(DocBatch {
                docs: Vec::new(),
                input_bytes: 0,
                stats: std::mem::take(stats),
            });
        }
        let err = |e: datafusion::error::DataFusionError| {
            err!(input(
                "source `{name}`, file {shown}: cannot read: {}",
                strip(&e)
            ))
        };
        self.rt.block_on(async {
            let p = path
                .to_str()
                .ok_or_else(|| err!(input("source `{name}`: path {shown} is not UTF-8")))?;
            let ext = format!(
                ".{}",
                path.extension().and_then(|e| e.to_str()).unwrap_or("")
            );
            let df = match file.format {
                Format::Parquet => {
                    self.ctx
                        .read_parquet(p, ParquetReadOptions::default().file_extension(&ext))
                        .await
                }
                Format::Jsonl => {
                    self.ctx
                        .read_json(p, JsonReadOptions::default().file_extension(&ext))
                        .await
                }
                Format::Csv => {
                    self.ctx
                        .read_csv(
                            p,
                            CsvReadOptions::new()
                                .has_header(true)
                                .newlines_in_values(true)
                                .file_extension(&ext),
                        )
                        .await
                }
                Format::Text => unreachable!("text files are not tables"),
            }
            .map_err(err)?;
            let df = self.select_text(df, &shown)?;
            let mut stream = df.execute_stream().await.map_err(err)?;
            let mut row = 0u64;
            while let Some(batch) = stream.next().await {
                let batch = batch.map_err(err)?;
                let docs = self.texts(batch.column(0), &shown, &mut row, stats)?;
                emit(DocBatch {
                    docs,
                    input_bytes: 0,
                    stats: std::mem::take(stats),
                })?;
            }
            emit(DocBatch {
                docs: Vec::new(),
                input_bytes: file.bytes,
                stats: std::mem::take(stats),
            })
        })
    }

    /// Check the text column, apply the filter, keep the text column alone.
    fn select_text(&self, df: DataFrame, shown: &str) -> Result<DataFrame> {
        let (name, col) = (&self.spec.name, &self.spec.text_column);
        let schema = df.schema();
        let Some(field) = schema.fields().iter().find(|f| f.name() == col) else {
            let cols: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            bail!(input(
                "column `{col}` missing in source `{name}`, file {shown} (columns: {}); choose one with --text-column",
                cols.join(", ")
            ));
        };
        if !matches!(
            field.data_type(),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        ) {
            bail!(input(
                "column `{col}` in source `{name}`, file {shown} has type {}, expected a string",
                field.data_type()
            ));
        }
        let df = match &self.spec.filter {
            Some(sql) => {
                let expr = df
                    .parse_sql_expr(sql)
                    .map_err(|e| bad_filter(name, sql, shown, &e))?;
                df.filter(expr)
                    .map_err(|e| bad_filter(name, sql, shown, &e))?
            }
            None => df,
        };
        df.select_columns(&[col.as_str()])
            .map_err(|e| err!(internal("select `{col}`: {e}")))
    }

    fn texts(
        &self,
        arr: &ArrayRef,
        shown: &str,
        row: &mut u64,
        stats: &mut ScanStats,
    ) -> Result<Vec<String>> {
        let mut out = Vec::with_capacity(arr.len());
        let mut push = |v: Option<&str>, stats: &mut ScanStats| -> Result<()> {
            stats.records += 1;
            *row += 1;
            match v {
                Some(s) => out.push(s.to_string()),
                None if self.spec.on_error == OnError::Skip => stats.skip("null_text"),
                None => {
                    bail!(input(
                        "source `{}`, file {shown}: column `{}` is null in row {}{} (pass --on-error skip to skip such rows)",
                        self.spec.name,
                        self.spec.text_column,
                        *row,
                        if self.spec.filter.is_some() {
                            " of the filtered rows"
                        } else {
                            ""
                        }
                    ));
                }
            }
            Ok(())
        };
        match arr.data_type() {
            DataType::Utf8 => arr
                .as_string::<i32>()
                .iter()
                .try_for_each(|v| push(v, stats))?,
            DataType::LargeUtf8 => arr
                .as_string::<i64>()
                .iter()
                .try_for_each(|v| push(v, stats))?,
            DataType::Utf8View => arr
                .as_string_view()
                .iter()
                .try_for_each(|v| push(v, stats))?,
            other => bail!(internal("text column became {other}")),
        }
        Ok(out)
    }

    /// Validate a JSONL file; make a cleaned copy when lines were skipped.
    fn check_jsonl(
        &self,
        index: usize,
        file: &InputFile,
        path: &Path,
        stats: &mut ScanStats,
    ) -> Result<Jsonl> {
        let reader = BufReader::new(std::fs::File::open(path).at("open", path)?);
        let mut bad: Vec<(u64, &'static str)> = Vec::new();
        let mut line_no = 0u64;
        let mut objects = 0u64;
        for line in reader.split(b'\n') {
            let line = line.at("read", path)?;
            line_no += 1;
            let reason = match std::str::from_utf8(&line) {
                Err(_) => Some(("invalid_utf8", "invalid UTF-8".to_string())),
                Ok(s) if s.trim().is_empty() => None,
                Ok(s) => match serde_json::from_str::<serde_json::Value>(s) {
                    Ok(serde_json::Value::Object(_)) => {
                        objects += 1;
                        None
                    }
                    Ok(_) => Some((
                        "bad_json_line",
                        "a JSON value that is not an object".to_string(),
                    )),
                    Err(e) => Some(("bad_json_line", format!("not valid JSON ({e})"))),
                },
            };
            if let Some((kind, msg)) = reason {
                if self.spec.on_error == OnError::Fail {
                    bail!(input(
                        "source `{}`, file {} line {line_no}: {msg} (pass --on-error skip to skip such lines)",
                        self.spec.name,
                        file.path.display()
                    ));
                }
                bad.push((line_no, kind));
            }
        }
        if objects == 0 {
            for (_, kind) in &bad {
                stats.skip(kind);
                stats.records += 1;
            }
            return Ok(Jsonl::Empty);
        }
        if bad.is_empty() {
            return Ok(Jsonl::Valid);
        }
        for (_, kind) in &bad {
            stats.skip(kind);
            stats.records += 1;
        }
        std::fs::create_dir_all(&self.scratch).at("create", &self.scratch)?;
        let clean = self
            .scratch
            .join(format!("{}-{index}.jsonl", self.spec.name));
        let mut out = std::io::BufWriter::new(std::fs::File::create(&clean).at("create", &clean)?);
        let reader = BufReader::new(std::fs::File::open(path).at("open", path)?);
        let mut skip = bad.iter().map(|b| b.0).peekable();
        for (i, line) in reader.split(b'\n').enumerate() {
            let line = line.at("read", path)?;
            if skip.peek() == Some(&(i as u64 + 1)) {
                skip.next();
                continue;
            }
            out.write_all(&line)
                .and_then(|_| out.write_all(b"\n"))
                .at("write", &clean)?;
        }
        out.flush().at("write", &clean)?;
        Ok(Jsonl::Clean(clean))
    }

    /// Apply the source's filter to plain-text documents, as a table of `path` and the text column.
    pub fn filter_texts(&self, paths: Vec<String>, docs: Vec<String>) -> Result<Vec<String>> {
        let col = self.spec.text_column.clone();
        let schema = Arc::new(Schema::new(vec![
            Field::new("path", DataType::Utf8, false),
            Field::new(&col, DataType::Utf8, false),
        ]));
        let batch = RecordBatch::try_new(
            schema,
            vec![
                Arc::new(StringArray::from(paths)),
                Arc::new(StringArray::from(docs)),
            ],
        )
        .map_err(|e| err!(internal("build text batch: {e}")))?;
        let shown = format!("(text files; columns `path`, `{col}`)");
        let df = self
            .ctx
            .read_batch(batch)
            .map_err(|e| err!(internal("register text batch: {e}")))?;
        let df = self.select_text(df, &shown)?;
        let batches = self.rt.block_on(df.collect()).map_err(|e| {
            bad_filter(
                &self.spec.name,
                self.spec.filter.as_deref().unwrap_or(""),
                &shown,
                &e,
            )
        })?;
        let mut out = Vec::new();
        let mut stats = ScanStats::default();
        let mut row = 0;
        for b in batches {
            out.extend(self.texts(b.column(0), &shown, &mut row, &mut stats)?);
        }
        Ok(out)
    }
}

enum Jsonl {
    Valid,
    /// No JSON object in the file.
    Empty,
    /// A copy without the skipped lines.
    Clean(PathBuf),
}

/// Parquet readers trust the footer length; check it first so a corrupt file is an error, not a panic.
pub(crate) fn check_parquet_footer(path: &Path) -> std::result::Result<(), String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let len = f.metadata().map_err(|e| e.to_string())?.len();
    if len < 12 {
        return Err(format!("{len} bytes is too short"));
    }
    let mut head = [0u8; 4];
    let mut tail = [0u8; 8];
    f.read_exact(&mut head).map_err(|e| e.to_string())?;
    f.seek(SeekFrom::End(-8))
        .and_then(|_| f.read_exact(&mut tail))
        .map_err(|e| e.to_string())?;
    if &head != b"PAR1" || &tail[4..] != b"PAR1" {
        return Err("missing PAR1 magic (encrypted or not Parquet)".into());
    }
    let footer = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]) as u64;
    if footer + 12 > len {
        return Err(format!(
            "footer of {footer} bytes does not fit in a {len}-byte file (truncated?)"
        ));
    }
    Ok(())
}

fn bad_filter(name: &str, sql: &str, shown: &str, e: &datafusion::error::DataFusionError) -> Error {
    err!(config(
        "--where `{sql}` for source `{name}`, file {shown}: {}",
        strip(e)
    ))
}

/// DataFusion errors nest their context; the innermost message is the useful one.
fn strip(e: &datafusion::error::DataFusionError) -> String {
    e.find_root().to_string()
}
