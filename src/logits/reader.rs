//! Reading a logits cache back: per sequence its ids, next-token log-probabilities, log Z and a
//! sparse teacher distribution per position; checked against the data it is paired with.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::{Array, AsArray, ListArray, RecordBatch};
use arrow::datatypes::{Float32Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::cache::{CacheManifest, Mode};
use super::codec::{Sparse, dequantise};
use crate::core::fingerprint::sha256_file;
use crate::core::manifest::read_json;
use crate::error::{Error, IoContext, Result};
use crate::train::data::Split;

pub struct LogitsCache {
    pub dir: PathBuf,
    pub manifest: CacheManifest,
}

/// One cached sequence.
#[derive(Clone, Debug)]
pub struct CachedSeq {
    pub seq_id: u64,
    pub input_ids: Vec<u32>,
    pub doc_starts: Vec<u32>,
    /// Teacher log p(token t+1 | ..t) at the cache temperature; NaN at the last position.
    pub target_logprob: Vec<f32>,
    pub logz: Vec<f32>,
    /// top-K: exact teacher mass outside the K ids per position (empty when sampled).
    pub tail_mass: Vec<f32>,
    /// Per position: ids and quantised log-probs (top-K) or counts (sampled).
    pub ids: Vec<Vec<u32>>,
    pub values: Vec<Vec<u16>>,
}

impl CachedSeq {
    /// The sparse teacher distribution at position `t` (probabilities at the cache temperature).
    pub fn sparse(&self, mode: Mode, draws: usize, t: usize) -> Sparse {
        let ids = self.ids[t].clone();
        match mode {
            Mode::Topk => {
                let raw: Vec<f32> = self.values[t]
                    .iter()
                    .map(|&q| dequantise(q as u8).exp())
                    .collect();
                let tail = self.tail_mass[t];
                let scale = (1.0 - tail) / raw.iter().sum::<f32>().max(f32::MIN_POSITIVE);
                Sparse {
                    ids,
                    probs: raw.iter().map(|p| p * scale).collect(),
                    tail,
                }
            }
            Mode::Sample => Sparse {
                ids,
                probs: self.values[t]
                    .iter()
                    .map(|&c| c as f32 / draws as f32)
                    .collect(),
                tail: 0.0,
            },
        }
    }
}

fn col<'a>(b: &'a RecordBatch, name: &str, path: &Path) -> Result<&'a ListArray> {
    b.column_by_name(name)
        .and_then(|c| c.as_list_opt::<i32>())
        .ok_or_else(|| Error::input(format!("column `{name}` missing in {}", path.display())))
}

fn nested<T: arrow::datatypes::ArrowPrimitiveType>(
    l: &ListArray,
    row: usize,
    name: &str,
    path: &Path,
) -> Result<Vec<Vec<T::Native>>> {
    let inner = l.value(row);
    let inner = inner.as_list_opt::<i32>().ok_or_else(|| {
        Error::input(format!(
            "column `{name}` in {} is not a list of lists",
            path.display()
        ))
    })?;
    (0..inner.len())
        .map(|i| {
            let v = inner.value(i);
            v.as_primitive_opt::<T>()
                .map(|p| p.values().to_vec())
                .ok_or_else(|| {
                    Error::input(format!(
                        "column `{name}` in {} has the wrong item type",
                        path.display()
                    ))
                })
        })
        .collect()
}

fn flat<T: arrow::datatypes::ArrowPrimitiveType>(
    l: &ListArray,
    row: usize,
    name: &str,
    path: &Path,
) -> Result<Vec<T::Native>> {
    l.value(row)
        .as_primitive_opt::<T>()
        .map(|p| p.values().to_vec())
        .ok_or_else(|| {
            Error::input(format!(
                "column `{name}` in {} has the wrong item type",
                path.display()
            ))
        })
}

impl LogitsCache {
    pub fn open(dir: &Path) -> Result<Self> {
        let p = dir.join("manifest.json");
        if !p.exists() {
            return Err(Error::input(format!(
                "{} is not a finished `logits cache` output (no manifest.json)",
                dir.display()
            )));
        }
        Ok(LogitsCache {
            dir: dir.to_path_buf(),
            manifest: read_json(&p)?,
        })
    }

    /// Every sequence of `split`, in order; each shard's sha256 is checked against the manifest.
    pub fn read_split(&self, split: &str) -> Result<Vec<CachedSeq>> {
        let shards = self.manifest.splits.get(split).ok_or_else(|| {
            Error::input(format!(
                "logits cache {} has no split `{split}`",
                self.dir.display()
            ))
        })?;
        let mode = self.manifest.meta.mode;
        let mut out = Vec::new();
        for s in shards {
            let path = self.dir.join(&s.path);
            let sha = sha256_file(&path)?;
            if sha != s.sha256 {
                return Err(Error::input(format!(
                    "logits shard {} is corrupt: sha256 {sha}, the manifest says {}",
                    path.display(),
                    s.sha256
                )));
            }
            let file = File::open(&path).at("open", &path)?;
            let reader = ParquetRecordBatchReaderBuilder::try_new(file)
                .and_then(|b| b.build())
                .map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
            for b in reader {
                let b = b.map_err(|e| Error::input(format!("{}: {e}", path.display())))?;
                let seq = b
                    .column_by_name("seq_id")
                    .and_then(|c| c.as_primitive_opt::<UInt64Type>())
                    .ok_or_else(|| {
                        Error::input(format!("column `seq_id` missing in {}", path.display()))
                    })?;
                let (ids_name, val_name) = match mode {
                    Mode::Topk => ("topk_ids", "topk_logprob_q"),
                    Mode::Sample => ("sample_ids", "sample_counts"),
                };
                let (inp, tgt, lz) = (
                    col(&b, "input_ids", &path)?,
                    col(&b, "target_logprob", &path)?,
                    col(&b, "logz", &path)?,
                );
                let (ids, vals) = (col(&b, ids_name, &path)?, col(&b, val_name, &path)?);
                for r in 0..b.num_rows() {
                    let values: Vec<Vec<u16>> = match mode {
                        Mode::Topk => nested::<UInt8Type>(vals, r, val_name, &path)?
                            .into_iter()
                            .map(|v| v.into_iter().map(u16::from).collect())
                            .collect(),
                        Mode::Sample => nested::<UInt16Type>(vals, r, val_name, &path)?,
                    };
                    out.push(CachedSeq {
                        seq_id: seq.value(r),
                        input_ids: flat::<UInt32Type>(inp, r, "input_ids", &path)?,
                        doc_starts: flat::<UInt32Type>(
                            col(&b, "doc_starts", &path)?,
                            r,
                            "doc_starts",
                            &path,
                        )?,
                        target_logprob: flat::<Float32Type>(tgt, r, "target_logprob", &path)?,
                        logz: flat::<Float32Type>(lz, r, "logz", &path)?,
                        tail_mass: match mode {
                            Mode::Topk => flat::<Float32Type>(
                                col(&b, "tail_mass", &path)?,
                                r,
                                "tail_mass",
                                &path,
                            )?,
                            Mode::Sample => Vec::new(),
                        },
                        ids: nested::<UInt32Type>(ids, r, ids_name, &path)?,
                        values,
                    });
                }
            }
        }
        Ok(out)
    }

    /// The cache must hold the same token ids as the data split it is used with, row by row.
    pub fn check_against(&self, cached: &[CachedSeq], data: &Split) -> Result<()> {
        for (i, c) in cached.iter().enumerate() {
            if i >= data.rows() {
                return Err(Error::input(format!(
                    "logits cache {} holds {} sequences of `{}`, the data only {}",
                    self.dir.display(),
                    cached.len(),
                    data.name,
                    data.rows()
                )));
            }
            let row = &data.tokens[i * data.seq_len..(i + 1) * data.seq_len];
            if c.seq_id != i as u64 || c.input_ids != row {
                let pos = c
                    .input_ids
                    .iter()
                    .zip(row)
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                return Err(Error::input(format!(
                    "logits cache {} does not match the data: sequence {i} of `{}` differs at position {pos} \
                     (cache seq_id {}); rebuild the cache for this data",
                    self.dir.display(),
                    data.name,
                    c.seq_id
                )));
            }
        }
        Ok(())
    }
}
