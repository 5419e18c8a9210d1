//! Parquet shards of packed sequences: `input_ids: list<uint32>`, `source: utf8`,
//! `doc_starts: list<uint32>`, rows in training order.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ListBuilder, RecordBatch, StringBuilder, UInt32Builder};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use super::SequenceSink;
use crate::core::atomic::AtomicFile;
use crate::core::manifest::ShardInfo;
use crate::error::{Error, IoContext, Result};
use crate::mix::pack::Sequence;

/// The Arrow schema of every sequence shard (see `schemas/mix_sequences.json`).
pub fn sequence_schema() -> SchemaRef {
    let item = || Arc::new(Field::new("item", DataType::UInt32, false));
    Arc::new(Schema::new(vec![
        Field::new("input_ids", DataType::List(item()), false),
        Field::new("source", DataType::Utf8, false),
        Field::new("doc_starts", DataType::List(item()), false),
    ]))
}

const ROW_GROUP_ROWS: usize = 1024;

pub struct ParquetShards {
    out_dir: PathBuf,
    split: String,
    rows_per_shard: u64,
    shard: usize,
    rows_in_shard: u64,
    /// None while skipping a shard a previous run finished.
    writer: Option<ArrowWriter<AtomicFile>>,
    ids: ListBuilder<UInt32Builder>,
    sources: StringBuilder,
    starts: ListBuilder<UInt32Builder>,
    buffered: usize,
    done: Vec<(String, u64)>,
}

impl ParquetShards {
    /// Shards `out_dir/split/part-NNNNN.parquet` of `rows_per_shard` rows each.
    pub fn create(out_dir: &Path, split: &str, rows_per_shard: u64) -> Result<Self> {
        let dir = out_dir.join(split);
        std::fs::create_dir_all(&dir).at("create", &dir)?;
        let list = || {
            ListBuilder::new(UInt32Builder::new()).with_field(Arc::new(Field::new(
                "item",
                DataType::UInt32,
                false,
            )))
        };
        Ok(ParquetShards {
            out_dir: out_dir.to_path_buf(),
            split: split.to_string(),
            rows_per_shard,
            shard: 0,
            rows_in_shard: 0,
            writer: None,
            ids: list(),
            sources: StringBuilder::new(),
            starts: list(),
            buffered: 0,
            done: Vec::new(),
        })
    }

    fn rel(&self, shard: usize) -> String {
        format!("{}/part-{shard:05}.parquet", self.split)
    }

    fn open_shard(&mut self) -> Result<()> {
        let path = self.out_dir.join(self.rel(self.shard));
        if path.exists() {
            self.writer = None; // finished by an earlier run
            return Ok(());
        }
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(
                ZstdLevel::try_new(1).map_err(|e| Error::internal(e.to_string()))?,
            ))
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let file = AtomicFile::create(&path)?;
        let w = ArrowWriter::try_new(file, sequence_schema(), Some(props))
            .map_err(|e| Error::internal(format!("open parquet writer {}: {e}", path.display())))?;
        self.writer = Some(w);
        Ok(())
    }

    fn flush_rows(&mut self) -> Result<()> {
        if self.buffered == 0 {
            return Ok(());
        }
        let batch = RecordBatch::try_new(
            sequence_schema(),
            vec![
                Arc::new(self.ids.finish()),
                Arc::new(self.sources.finish()),
                Arc::new(self.starts.finish()),
            ],
        )
        .map_err(|e| Error::internal(format!("build sequence batch: {e}")))?;
        self.buffered = 0;
        let path = self.out_dir.join(self.rel(self.shard));
        if let Some(w) = self.writer.as_mut() {
            w.write(&batch).map_err(|e| parquet_err(&path, e))?;
        }
        Ok(())
    }

    fn close_shard(&mut self) -> Result<()> {
        self.flush_rows()?;
        let path = self.out_dir.join(self.rel(self.shard));
        if let Some(w) = self.writer.take() {
            let file = w.into_inner().map_err(|e| parquet_err(&path, e))?;
            file.commit()?;
        }
        self.done.push((self.rel(self.shard), self.rows_in_shard));
        self.shard += 1;
        self.rows_in_shard = 0;
        Ok(())
    }
}

fn parquet_err(path: &Path, e: parquet::errors::ParquetError) -> Error {
    match e {
        parquet::errors::ParquetError::External(inner) => Error::Io {
            context: format!("write {}", path.display()),
            source: std::io::Error::other(inner),
        },
        other => Error::internal(format!("write {}: {other}", path.display())),
    }
}

impl SequenceSink for ParquetShards {
    fn write(&mut self, seq: &Sequence, source: &str) -> Result<()> {
        if self.rows_in_shard == 0 {
            self.open_shard()?;
        }
        if self.writer.is_some() {
            self.ids.values().append_slice(&seq.tokens);
            self.ids.append(true);
            self.sources.append_value(source);
            self.starts.values().append_slice(&seq.doc_starts);
            self.starts.append(true);
            self.buffered += 1;
            if self.buffered >= ROW_GROUP_ROWS {
                self.flush_rows()?;
            }
        }
        self.rows_in_shard += 1;
        if self.rows_in_shard == self.rows_per_shard {
            self.close_shard()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<Vec<ShardInfo>> {
        if self.rows_in_shard > 0 || self.shard == 0 {
            // An empty split still gets one (empty) shard, so readers find the schema.
            if self.rows_in_shard == 0 {
                self.open_shard()?;
            }
            self.close_shard()?;
        }
        self.done
            .iter()
            .map(|(rel, rows)| ShardInfo::of(&self.out_dir, rel, *rows))
            .collect()
    }
}
