//! The `sluice tokenize` format: one row per input document, in input order
//! (`doc: uint64`, `input_ids: list<uint32>`), in shards of a fixed number of documents, and the
//! manifest's body.

use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, ListArray, RecordBatch, UInt32Array, UInt64Array};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};

use super::mix::TokenizerInfo;
use super::parquet::{for_each_batch, list};
use crate::core::manifest::ShardInfo;
use crate::error::Result;
use crate::source::ScanStats;

pub fn schema() -> SchemaRef {
    let item = Arc::new(Field::new("item", DataType::UInt32, false));
    Arc::new(Schema::new(vec![
        Field::new("doc", DataType::UInt64, false),
        Field::new("input_ids", DataType::List(item), false),
    ]))
}

/// ZSTD level 3, row groups of 1024 documents.
pub fn props() -> WriterProperties {
    super::parquet::zstd(3)
        .set_max_row_group_row_count(Some(1024))
        .build()
}

/// Documents `first..first + docs.len()` as one batch.
pub fn batch(first: u64, docs: &[Vec<u32>]) -> Result<RecordBatch> {
    let doc = UInt64Array::from_iter_values(first..first + docs.len() as u64);
    let offsets = OffsetBuffer::from_lengths(docs.iter().map(Vec::len));
    let values = UInt32Array::from_iter_values(docs.iter().flatten().copied());
    let item = Arc::new(Field::new("item", DataType::UInt32, false));
    let ids = ListArray::try_new(item, offsets, Arc::new(values), None)
        .map_err(|e| err!(internal("tokenize batch: {e}")))?;
    RecordBatch::try_new(schema(), vec![Arc::new(doc) as ArrayRef, Arc::new(ids)])
        .map_err(|e| err!(internal("tokenize batch: {e}")))
}

/// The tokens of a finished shard (a resumed run counts what it keeps).
pub fn shard_tokens(path: &Path) -> Result<u64> {
    let mut n = 0;
    for_each_batch(path, |b| {
        n += list(b, "input_ids", path)?.values().len() as u64;
        Ok(())
    })?;
    Ok(n)
}

/// What `manifest.json` of a `sluice tokenize` output holds after the common header.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TokenizeBody {
    pub tokenizer: TokenizerInfo,
    pub add_special_tokens: bool,
    pub text_column: String,
    #[serde(rename = "where")]
    pub filter: Option<String>,
    pub documents: u64,
    pub tokens: u64,
    pub docs_per_shard: u64,
    pub scan: ScanStats,
    pub shards: Vec<ShardInfo>,
}
