//! The `mix build` format: packed sequences (`schemas/mix_sequences.json`), the manifest's body,
//! and the reader that gives the splits back in training order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::AsArray;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, UInt32Type};
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};

use super::parquet::{column, for_each_batch, list, list_values, zstd};
use crate::backend::TokenBatch;
use crate::core::job::Manifest;
use crate::core::manifest::ShardInfo;
use crate::error::Result;

/// One packed training sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sequence {
    pub tokens: Vec<u32>,
    /// Positions in `tokens` where a document begins.
    pub doc_starts: Vec<u32>,
    /// Padding tokens at the end of `tokens` (best-fit packing only).
    pub pad: u32,
}

impl Sequence {
    /// Tokens of real documents.
    pub fn real_tokens(&self) -> u64 {
        (self.tokens.len() - self.pad as usize) as u64
    }
}

/// The Arrow schema of every sequence shard (see `schemas/mix_sequences.json`); `padded` adds
/// the `padding` column of best-fit packing.
pub fn sequence_schema(padded: bool) -> SchemaRef {
    let item = || Arc::new(Field::new("item", DataType::UInt32, false));
    let mut fields = vec![
        Field::new("input_ids", DataType::List(item()), false),
        Field::new("source", DataType::Utf8, false),
        Field::new("doc_starts", DataType::List(item()), false),
    ];
    if padded {
        fields.push(Field::new("padding", DataType::UInt32, false));
    }
    Arc::new(Schema::new(fields))
}

/// Rows per row group of a sequence shard.
pub const ROW_GROUP_ROWS: usize = 1024;

/// How sequence shards are written: ZSTD level 1, row groups of 1024 sequences.
pub fn sequence_props() -> WriterProperties {
    zstd(1)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .build()
}

/// What the manifest records about the tokenizer.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TokenizerInfo {
    pub path: String,
    pub sha256: String,
    pub vocab_size: u32,
    pub eos_token: Option<String>,
    pub eos_id: Option<u32>,
    pub engine: String,
}

/// Per-source counts from phase 1.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SourceCounts {
    pub files: u64,
    pub bytes: u64,
    pub records: u64,
    pub skipped: BTreeMap<String, u64>,
    pub train_documents: u64,
    pub val_documents: u64,
    /// Unique train tokens (one epoch), end-of-document tokens included.
    pub train_tokens: u64,
    pub val_tokens: u64,
    /// For a source read as needed: what it holds in all (`files`, `bytes` are what was read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<ReadReport>,
}

/// How much of a source read as needed the schedule asked for, and what the source holds.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ReadReport {
    pub needed_tokens: u64,
    pub files_total: u64,
    pub bytes_total: u64,
    /// Reading stopped inside the last file read (its `bytes` count whole).
    #[serde(default)]
    pub last_file_partial: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SourceInSplit {
    pub sequences: u64,
    /// Tokens of real documents (padding not counted).
    pub tokens: u64,
    /// Documents that begin inside this split (a document repeated over epochs counts each time).
    pub documents: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SplitReport {
    pub sequences: u64,
    /// Tokens of real documents (padding not counted).
    pub tokens: u64,
    /// Padding tokens (best-fit packing).
    #[serde(default)]
    pub padding_tokens: u64,
    pub by_source: BTreeMap<String, SourceInSplit>,
    /// Tokens left over at the end of a stream, fewer than one sequence.
    pub dropped_tail_tokens: u64,
    pub files: Vec<ShardInfo>,
}

impl SplitReport {
    pub fn count(&mut self, source: &str, seq: &Sequence) {
        self.sequences += 1;
        self.tokens += seq.real_tokens();
        self.padding_tokens += seq.pad as u64;
        let s = self.by_source.entry(source.to_string()).or_default();
        s.sequences += 1;
        s.tokens += seq.real_tokens();
        s.documents += seq.doc_starts.len() as u64;
    }
}

/// How the train split interleaves its sources.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ScheduleReport {
    /// `--inject` as typed and exactly (the two-source form only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inject_exact: Option<String>,
    pub total_sequences: u64,
    /// max over sources and prefixes n of |count(n) - weight*n|, in sequences.
    pub max_prefix_deviation: f64,
    /// The source whose data ran out first and so fixed the length.
    pub limited_by: String,
    pub sources: BTreeMap<String, SourceShare>,
}

/// One source's share of the train split, asked vs realised.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SourceShare {
    /// The weight asked for, exactly ("7/10") and as a number.
    pub weight_exact: String,
    pub weight: f64,
    pub sequences: u64,
    /// sequences / total_sequences: the weight is met in sequences.
    pub fraction: f64,
    /// Real tokens placed and their share of all real train tokens (equal to `fraction` when
    /// packing is concat; best-fit sequences carry different amounts of padding).
    pub tokens: u64,
    pub token_fraction: f64,
    /// Train tokens of this source, over its epochs, that no sequence holds.
    pub unused_tokens: u64,
}

/// What `mix build`'s manifest holds after the common header.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MixBody {
    pub config: serde_json::Value,
    pub tokenizer: TokenizerInfo,
    pub sources: BTreeMap<String, SourceCounts>,
    pub schedule: ScheduleReport,
    pub splits: BTreeMap<String, SplitReport>,
}

/// `manifest.json` of a `mix build` output.
pub type MixManifest = Manifest<MixBody>;

/// One split held in memory: `rows * seq_len` ids and each row's document starts.
pub struct Split {
    pub name: String,
    pub seq_len: usize,
    pub tokens: Vec<u32>,
    pub doc_starts: Vec<Vec<u32>>,
    /// Each row's source, an index into `sources`.
    pub source: Vec<u32>,
    /// Source names in order of first appearance.
    pub sources: Vec<String>,
}

impl Split {
    pub fn rows(&self) -> usize {
        self.doc_starts.len()
    }

    /// Keeps the first `n` rows.
    pub fn truncate(&mut self, n: usize) {
        let n = n.min(self.rows());
        self.tokens.truncate(n * self.seq_len);
        self.doc_starts.truncate(n);
        self.source.truncate(n);
    }

    /// Rows `start..start+n`, wrapping around the split (later epochs repeat the order).
    pub fn batch(&self, start: u64, n: usize) -> TokenBatch {
        let mut b = TokenBatch {
            tokens: Vec::with_capacity(n * self.seq_len),
            batch: n,
            len: self.seq_len,
            doc_starts: Vec::with_capacity(n),
        };
        for i in 0..n as u64 {
            let r = ((start + i) % self.rows() as u64) as usize;
            b.tokens
                .extend_from_slice(&self.tokens[r * self.seq_len..(r + 1) * self.seq_len]);
            b.doc_starts.push(self.doc_starts[r].clone());
        }
        b
    }

    /// Consecutive batches of at most `n` rows covering the first `limit` rows once.
    pub fn chunks(&self, n: usize, limit: usize) -> Vec<TokenBatch> {
        let rows = self.rows().min(limit);
        (0..rows)
            .step_by(n.max(1))
            .map(|s| self.batch(s as u64, n.min(rows - s)))
            .collect()
    }
}

/// A `mix build` output: its manifest and where it lies.
pub struct MixData {
    pub dir: PathBuf,
    pub manifest: MixManifest,
}

impl MixData {
    pub fn open(dir: &Path) -> Result<Self> {
        Ok(MixData {
            dir: dir.to_path_buf(),
            manifest: Manifest::read(dir, "mix build")?,
        })
    }

    pub fn vocab_size(&self) -> usize {
        self.manifest.tokenizer.vocab_size as usize
    }

    pub fn seq_len(&self) -> Result<usize> {
        self.manifest
            .config
            .get("seq_len")
            .and_then(|v| v.as_u64())
            .map(|v| v as usize)
            .ok_or_else(|| {
                err!(input(
                    "{}: manifest.json has no config.seq_len",
                    self.dir.display()
                ))
            })
    }

    pub fn has_split(&self, name: &str) -> bool {
        self.manifest
            .splits
            .get(name)
            .is_some_and(|s| s.sequences > 0)
    }

    /// Reads every shard of `name` in manifest order (the training order).
    pub fn split(&self, name: &str) -> Result<Split> {
        let seq_len = self.seq_len()?;
        let report = self.manifest.splits.get(name).ok_or_else(|| {
            err!(input(
                "{}: the manifest lists no split `{name}`",
                self.dir.display()
            ))
        })?;
        let mut split = Split {
            name: name.to_string(),
            seq_len,
            tokens: Vec::with_capacity(report.tokens as usize),
            doc_starts: Vec::with_capacity(report.sequences as usize),
            source: Vec::with_capacity(report.sequences as usize),
            sources: Vec::new(),
        };
        for f in &report.files {
            if !f.path.ends_with(".parquet") {
                continue;
            }
            read_shard(&self.dir.join(&f.path), &mut split)?;
        }
        if split.rows() as u64 != report.sequences {
            bail!(input(
                "{}: split `{name}` holds {} sequences, its manifest says {}",
                self.dir.display(),
                split.rows(),
                report.sequences
            ));
        }
        Ok(split)
    }
}

fn read_shard(path: &Path, split: &mut Split) -> Result<()> {
    for_each_batch(path, |batch| {
        let ids = list(batch, "input_ids", path)?;
        let starts = list(batch, "doc_starts", path)?;
        let names = column(batch, "source", path)?
            .as_string_opt::<i32>()
            .ok_or_else(|| err!(input("column `source` in {} is not utf8", path.display())))?;
        for r in 0..batch.num_rows() {
            let name = names.value(r);
            let at = match split.sources.iter().position(|s| s == name) {
                Some(i) => i,
                None => {
                    split.sources.push(name.to_string());
                    split.sources.len() - 1
                }
            };
            split.source.push(at as u32);
            let row = list_values::<UInt32Type>(ids, r, "input_ids", path)?;
            if row.len() != split.seq_len {
                bail!(input(
                    "{}: row {r} has {} tokens, the manifest's seq_len is {}",
                    path.display(),
                    row.len(),
                    split.seq_len
                ));
            }
            split.tokens.extend_from_slice(row);
            split
                .doc_starts
                .push(list_values::<UInt32Type>(starts, r, "doc_starts", path)?.to_vec());
        }
        Ok(())
    })
}
