//! Parquet shards of packed sequences (`dataset::mix`'s schema), rows in training order,
//! `rows_per_shard` sequences per file.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, ListBuilder, RecordBatch, StringBuilder, UInt32Builder};
use arrow::datatypes::{DataType, Field};

use super::SequenceSink;
use crate::core::manifest::ShardInfo;
use crate::dataset::mix::{ROW_GROUP_ROWS, Sequence, sequence_props, sequence_schema};
use crate::dataset::parquet::{ShardWriter, Shards};
use crate::error::Result;

pub struct ParquetShards {
    shards: Shards,
    rows_per_shard: u64,
    shard: usize,
    rows_in_shard: u64,
    /// `(i, N)`: this process writes the shards `k` with `k % N == i` (a slice of a sharded build).
    slice: (usize, usize),
    /// None while skipping a shard a previous run finished or another slice writes.
    writer: Option<ShardWriter>,
    ids: ListBuilder<UInt32Builder>,
    sources: StringBuilder,
    starts: ListBuilder<UInt32Builder>,
    /// Some when sequences may be padded (best-fit packing): the `padding` column.
    padding: Option<UInt32Builder>,
    buffered: usize,
    done: Vec<ShardInfo>,
}

impl ParquetShards {
    /// Shards `out_dir/split/part-NNNNN.parquet` of `rows_per_shard` rows each; `padded` adds the
    /// `padding` column; of slice `(i, N)`, only shards `k % N == i` are written and reported.
    pub fn create(
        out_dir: &Path,
        split: &str,
        rows_per_shard: u64,
        padded: bool,
        slice: (usize, usize),
    ) -> Result<Self> {
        let list = || {
            ListBuilder::new(UInt32Builder::new()).with_field(Arc::new(Field::new(
                "item",
                DataType::UInt32,
                false,
            )))
        };
        Ok(ParquetShards {
            shards: Shards::new(out_dir, split, sequence_schema(padded), sequence_props())?,
            rows_per_shard,
            shard: 0,
            rows_in_shard: 0,
            slice,
            writer: None,
            ids: list(),
            sources: StringBuilder::new(),
            starts: list(),
            padding: padded.then(UInt32Builder::new),
            buffered: 0,
            done: Vec::new(),
        })
    }

    fn owned(&self) -> bool {
        self.shard % self.slice.1 == self.slice.0
    }

    fn open_shard(&mut self) -> Result<()> {
        // A shard in place was finished by an earlier run: its rows are counted, not built.
        self.writer = match self.owned() && !self.shards.finished(self.shard) {
            false => None,
            true => Some(self.shards.create(self.shard)?),
        };
        Ok(())
    }

    fn flush_rows(&mut self) -> Result<()> {
        if self.buffered == 0 {
            return Ok(());
        }
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(self.ids.finish()),
            Arc::new(self.sources.finish()),
            Arc::new(self.starts.finish()),
        ];
        columns.extend(
            self.padding
                .as_mut()
                .map(|p| Arc::new(p.finish()) as ArrayRef),
        );
        let batch = RecordBatch::try_new(sequence_schema(self.padding.is_some()), columns)
            .map_err(|e| err!(internal("build sequence batch: {e}")))?;
        self.buffered = 0;
        match self.writer.as_mut() {
            Some(w) => w.write(&batch),
            None => Ok(()),
        }
    }

    fn close_shard(&mut self) -> Result<()> {
        self.flush_rows()?;
        match self.writer.take() {
            Some(w) => self.done.push(w.finish()?),
            None if self.owned() => self
                .done
                .push(self.shards.info(self.shard, self.rows_in_shard)?),
            None => {}
        }
        self.shard += 1;
        self.rows_in_shard = 0;
        Ok(())
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
            if let Some(p) = self.padding.as_mut() {
                p.append_value(seq.pad);
            }
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
        Ok(self.done)
    }
}
