//! Packed sequences read back from a `mix build` output directory, in training order.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::{Array, ListArray, UInt32Array};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::backend::TokenBatch;
use crate::core::manifest::read_json;
use crate::error::{Error, IoContext, Result};
use crate::mix::build::MixManifest;

/// One split held in memory: `rows * seq_len` ids and each row's document starts.
pub struct Split {
    pub name: String,
    pub seq_len: usize,
    pub tokens: Vec<u32>,
    pub doc_starts: Vec<Vec<u32>>,
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
        let path = dir.join("manifest.json");
        if !path.exists() {
            return Err(Error::input(format!(
                "{} is not a finished `mix build` output (no manifest.json)",
                dir.display()
            )));
        }
        let manifest: MixManifest = read_json(&path)?;
        Ok(MixData {
            dir: dir.to_path_buf(),
            manifest,
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
                Error::input(format!(
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
            Error::input(format!(
                "{}: the manifest lists no split `{name}`",
                self.dir.display()
            ))
        })?;
        let mut split = Split {
            name: name.to_string(),
            seq_len,
            tokens: Vec::with_capacity(report.tokens as usize),
            doc_starts: Vec::with_capacity(report.sequences as usize),
        };
        for f in &report.files {
            if !f.path.ends_with(".parquet") {
                continue;
            }
            read_shard(&self.dir.join(&f.path), &mut split)?;
        }
        if split.rows() as u64 != report.sequences {
            return Err(Error::input(format!(
                "{}: split `{name}` holds {} sequences, its manifest says {}",
                self.dir.display(),
                split.rows(),
                report.sequences
            )));
        }
        Ok(split)
    }
}

fn list_column<'a>(
    batch: &'a arrow::record_batch::RecordBatch,
    name: &str,
    path: &Path,
) -> Result<&'a ListArray> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<ListArray>())
        .ok_or_else(|| {
            Error::input(format!(
                "column `{name}` (list<uint32>) missing in {}",
                path.display()
            ))
        })
}

fn u32_values<'a>(list: &'a ListArray, row: usize, name: &str, path: &Path) -> Result<&'a [u32]> {
    let values = list
        .values()
        .as_any()
        .downcast_ref::<UInt32Array>()
        .ok_or_else(|| {
            Error::input(format!(
                "column `{name}` in {} is not list<uint32>",
                path.display()
            ))
        })?;
    let offsets = list.value_offsets();
    let (s, e) = (offsets[row] as usize, offsets[row + 1] as usize);
    Ok(&values.values()[s..e])
}

fn read_shard(path: &Path, split: &mut Split) -> Result<()> {
    let file = File::open(path).at("open shard", path)?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| {
            Error::input(format!(
                "{} is not a readable Parquet shard: {e}",
                path.display()
            ))
        })?;
    for batch in reader {
        let batch = batch.map_err(|e| Error::input(format!("reading {}: {e}", path.display())))?;
        let ids = list_column(&batch, "input_ids", path)?;
        let starts = list_column(&batch, "doc_starts", path)?;
        for r in 0..batch.num_rows() {
            let row = u32_values(ids, r, "input_ids", path)?;
            if row.len() != split.seq_len {
                return Err(Error::input(format!(
                    "{}: row {r} has {} tokens, the manifest's seq_len is {}",
                    path.display(),
                    row.len(),
                    split.seq_len
                )));
            }
            split.tokens.extend_from_slice(row);
            split
                .doc_starts
                .push(u32_values(starts, r, "doc_starts", path)?.to_vec());
        }
    }
    Ok(())
}
