//! The `logits cache` format: one row per packed sequence with the teacher's next-token
//! log-probabilities, log Z and a sparse distribution per position (`schemas/logits.json`), its
//! value encoding, the manifest's body, and the reader with its alignment checks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::{
    DataType, Field, Float32Type, Schema, SchemaRef, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use serde::{Deserialize, Serialize};

use super::mix::Split;
use super::parquet::{for_each_batch, list, list_values, nested_values, primitive};
use crate::core::fingerprint::sha256_file;
use crate::core::job::Manifest;
use crate::core::manifest::ShardInfo;
use crate::error::Result;

/// Parquet key-value metadata key holding [`CacheMeta`] as JSON.
pub const META_KEY: &str = "sluice.logits";
pub const CONVENTION: &str = "row position t predicts token t+1";
pub const VALUE_ENCODING: &str = "u8 q = round(-logp * 16) clamped to 255; decode p = exp(-q / 16), \
    rescaled so the K probabilities sum to 1 - tail_mass (exact, float32)";
pub const SAMPLE_ENCODING: &str = "counts of N draws with replacement, p = count / N; the distinct ids \
    ascending, stored as gaps (the first id, then differences): ids = cumsum(sample_id_gaps)";

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Topk,
    Sample,
}

/// Quantisation steps per nat of the top-K log-probabilities.
pub const STEPS_PER_NAT: f32 = 16.0;

pub fn quantise(logp: f32) -> u8 {
    (-logp * STEPS_PER_NAT).round().clamp(0.0, 255.0) as u8
}

pub fn dequantise(q: u8) -> f32 {
    -(q as f32) / STEPS_PER_NAT
}

/// A decoded sparse teacher distribution for one position.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sparse {
    pub ids: Vec<u32>,
    pub probs: Vec<f32>,
    /// Probability outside `ids` (top-K: from log Z; sampled: 0).
    pub tail: f32,
}

/// What every shard's metadata and the manifest record about the cache.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CacheMeta {
    pub teacher: String,
    pub teacher_sha256: String,
    pub tokenizer_sha256: String,
    pub data_fingerprint: String,
    pub vocab_size: usize,
    pub seq_len: usize,
    pub mode: Mode,
    pub k: Option<usize>,
    pub draws: Option<usize>,
    pub temperature: f32,
    pub seed: u64,
    pub value_encoding: String,
    pub convention: String,
}

/// What `logits cache`'s manifest holds after the common header.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CacheBody {
    pub meta: CacheMeta,
    pub splits: BTreeMap<String, Vec<ShardInfo>>,
    pub sequences: u64,
    pub tokens: u64,
    pub bytes: u64,
    pub bytes_per_token: f64,
    /// Seconds spent in the teacher's forward pass and in encoding + writing (this run only).
    /// Encoding overlaps the teacher's next batch, so the two can add up to more than the run.
    pub teacher_seconds: f64,
    pub writer_seconds: f64,
    /// Seconds the teacher waited for the encoder: what encoding added to the run.
    #[serde(default)]
    pub stall_seconds: f64,
}

/// `manifest.json` of a `logits cache` output.
pub type CacheManifest = Manifest<CacheBody>;

pub fn schema(mode: Mode) -> SchemaRef {
    let list = |t: DataType| DataType::List(Arc::new(Field::new("item", t, false)));
    let nested = |t: DataType| list(list(t));
    let mut fields = vec![
        Field::new("seq_id", DataType::UInt64, false),
        Field::new("input_ids", list(DataType::UInt32), false),
        Field::new("doc_starts", list(DataType::UInt32), false),
        Field::new("target_logprob", list(DataType::Float32), false),
        Field::new("logz", list(DataType::Float32), false),
    ];
    match mode {
        Mode::Topk => fields.extend([
            Field::new("topk_ids", nested(DataType::UInt32), false),
            Field::new("topk_logprob_q", nested(DataType::UInt8), false),
            Field::new("tail_mass", list(DataType::Float32), false),
        ]),
        Mode::Sample => fields.extend([
            Field::new("sample_id_gaps", nested(DataType::UInt32), false),
            Field::new("sample_counts", nested(DataType::UInt16), false),
        ]),
    }
    Arc::new(Schema::new(fields))
}

/// A finished cache: its manifest and where it lies.
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

/// Sampled ids are stored ascending as gaps: small numbers, which byte-stream-split + zstd codes in
/// about 12 bits where a dictionary index of the ids takes 15 (BENCHMARKS.md, issue 13).
pub fn gaps(ids: &[u32]) -> impl Iterator<Item = u32> + '_ {
    ids.iter()
        .scan(0u32, |prev, &id| Some(id - std::mem::replace(prev, id)))
}

/// The ids back from their gaps; a gap of 0 after the first (a repeated id) or an overflow is a
/// corrupt shard.
fn ungap(gaps: &[u32], path: &Path) -> Result<Vec<u32>> {
    let mut acc = 0u32;
    gaps.iter()
        .enumerate()
        .map(|(i, &g)| {
            acc = acc
                .checked_add(g)
                .filter(|_| i == 0 || g > 0)
                .ok_or_else(|| {
                    err!(input(
                        "logits shard {}: `sample_id_gaps` are not ascending distinct ids",
                        path.display()
                    ))
                })?;
            Ok(acc)
        })
        .collect()
}

/// Decode the rows of one batch of a cache shard.
fn read_rows(b: &RecordBatch, mode: Mode, path: &Path, out: &mut Vec<CachedSeq>) -> Result<()> {
    let seq = primitive::<UInt64Type>(b, "seq_id", path)?;
    let (ids_name, val_name) = match mode {
        Mode::Topk => ("topk_ids", "topk_logprob_q"),
        Mode::Sample => ("sample_id_gaps", "sample_counts"),
    };
    let (inp, starts) = (list(b, "input_ids", path)?, list(b, "doc_starts", path)?);
    let (tgt, lz) = (list(b, "target_logprob", path)?, list(b, "logz", path)?);
    let (ids, vals) = (list(b, ids_name, path)?, list(b, val_name, path)?);
    let tail = match mode {
        Mode::Topk => Some(list(b, "tail_mass", path)?),
        Mode::Sample => None,
    };
    for r in 0..b.num_rows() {
        let values: Vec<Vec<u16>> = match mode {
            Mode::Topk => nested_values::<UInt8Type>(vals, r, val_name, path)?
                .into_iter()
                .map(|v| v.into_iter().map(u16::from).collect())
                .collect(),
            Mode::Sample => nested_values::<UInt16Type>(vals, r, val_name, path)?,
        };
        out.push(CachedSeq {
            seq_id: seq.value(r),
            input_ids: list_values::<UInt32Type>(inp, r, "input_ids", path)?.to_vec(),
            doc_starts: list_values::<UInt32Type>(starts, r, "doc_starts", path)?.to_vec(),
            target_logprob: list_values::<Float32Type>(tgt, r, "target_logprob", path)?.to_vec(),
            logz: list_values::<Float32Type>(lz, r, "logz", path)?.to_vec(),
            tail_mass: match tail {
                Some(t) => list_values::<Float32Type>(t, r, "tail_mass", path)?.to_vec(),
                None => Vec::new(),
            },
            ids: match mode {
                Mode::Topk => nested_values::<UInt32Type>(ids, r, ids_name, path)?,
                Mode::Sample => nested_values::<UInt32Type>(ids, r, ids_name, path)?
                    .into_iter()
                    .map(|gaps| ungap(&gaps, path))
                    .collect::<Result<_>>()?,
            },
            values,
        });
    }
    Ok(())
}

impl LogitsCache {
    pub fn open(dir: &Path) -> Result<Self> {
        Ok(LogitsCache {
            dir: dir.to_path_buf(),
            manifest: Manifest::read(dir, "logits cache")?,
        })
    }

    /// Every sequence of `split`, in order; each shard's sha256 is checked against the manifest.
    pub fn read_split(&self, split: &str) -> Result<Vec<CachedSeq>> {
        let shards = self.manifest.splits.get(split).ok_or_else(|| {
            err!(input(
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
                bail!(input(
                    "logits shard {} is corrupt: sha256 {sha}, the manifest says {}",
                    path.display(),
                    s.sha256
                ));
            }
            for_each_batch(&path, |b| read_rows(b, mode, &path, &mut out))?;
        }
        Ok(out)
    }

    /// The cache must hold the same token ids as the data split it is used with, row by row.
    pub fn check_against(&self, cached: &[CachedSeq], data: &Split) -> Result<()> {
        for (i, c) in cached.iter().enumerate() {
            if i >= data.rows() {
                bail!(input(
                    "logits cache {} holds {} sequences of `{}`, the data only {}",
                    self.dir.display(),
                    cached.len(),
                    data.name,
                    data.rows()
                ));
            }
            let row = &data.tokens[i * data.seq_len..(i + 1) * data.seq_len];
            if c.seq_id != i as u64 || c.input_ids != row {
                let pos = c
                    .input_ids
                    .iter()
                    .zip(row)
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                bail!(input(
                    "logits cache {} does not match the data: sequence {i} of `{}` differs at position {pos} \
                     (cache seq_id {}); rebuild the cache for this data",
                    self.dir.display(),
                    data.name,
                    c.seq_id
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampled_ids_round_trip_through_their_gaps_and_repeats_are_refused() {
        let ids = [0u32, 7, 8, 49_151];
        let g: Vec<u32> = gaps(&ids).collect();
        assert_eq!(g, [0, 7, 1, 49_143]);
        let p = Path::new("x.parquet");
        assert_eq!(ungap(&g, p).unwrap(), ids);
        assert_eq!(ungap(&[5], p).unwrap(), [5]);
        let repeat = ungap(&[3, 0], p).unwrap_err().to_string();
        assert!(
            repeat.contains("x.parquet") && repeat.contains("sample_id_gaps"),
            "{repeat}"
        );
        assert!(ungap(&[u32::MAX, 1], p).is_err());
    }
}
