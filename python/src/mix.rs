//! A `mix build` split for `sluice.torch.MixDataset`: read once (in the process that constructs
//! it, so forked DataLoader workers share its pages), then served as packed batches in the
//! epoch's keyed order.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyDict, PyList};
use sluice::dataset::loader::order;
use sluice::dataset::mix::{MixData, Split};

use crate::errors::{ConfigError, InternalError, Py as _};

/// The last order made, kept for the next batches of the same epoch.
pub struct Orders<K, V>(Mutex<Option<(K, Arc<Vec<V>>)>>);

impl<K, V> Default for Orders<K, V> {
    fn default() -> Self {
        Orders(Mutex::new(None))
    }
}

impl<K: PartialEq, V> Orders<K, V> {
    /// The order for `key`, made by `make` when it is not the cached one. The lock is not held
    /// while `make` runs: it releases the GIL, and a thread waiting here holds it.
    pub fn get(&self, key: K, make: impl FnOnce() -> Vec<V>) -> PyResult<Arc<Vec<V>>> {
        let lock = || {
            self.0
                .lock()
                .map_err(|_| InternalError::new_err("order cache lock poisoned"))
        };
        if let Some((k, o)) = lock()?.as_ref()
            && *k == key
        {
            return Ok(o.clone());
        }
        let o = Arc::new(make());
        *lock()? = Some((key, o.clone()));
        Ok(o)
    }
}

#[pyclass(module = "sluice._native", frozen)]
pub struct MixSplit {
    split: Split,
    fingerprint: String,
    order: Orders<(u64, u64, bool), u32>,
}

#[pymethods]
impl MixSplit {
    #[new]
    #[pyo3(signature = (path, split = "train"))]
    fn new(py: Python<'_>, path: PathBuf, split: &str) -> PyResult<Self> {
        let (split, fingerprint) = py
            .allow_threads(|| {
                let data = MixData::open(&path)?;
                let names: Vec<&String> = data.manifest.splits.keys().collect();
                if !data.manifest.splits.contains_key(split) {
                    return Err(sluice::error::Error::config(format!(
                        "{} has no split `{split}` (it has {names:?})",
                        path.display()
                    )));
                }
                Ok((data.split(split)?, data.manifest.header.fingerprint.clone()))
            })
            .py()?;
        if split.rows() == 0 {
            return Err(ConfigError::new_err(format!(
                "split `{}` of {} holds no sequences",
                split.name,
                path.display()
            )));
        }
        Ok(MixSplit {
            split,
            fingerprint,
            order: Orders::default(),
        })
    }

    #[getter]
    fn rows(&self) -> usize {
        self.split.rows()
    }

    #[getter]
    fn seq_len(&self) -> usize {
        self.split.seq_len
    }

    #[getter]
    fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    #[getter]
    fn sources(&self) -> Vec<String> {
        self.split.sources.clone()
    }

    /// Rows `lo..hi` of the epoch's order as one batch: `input_ids` and `position_ids` (int64
    /// `[B, T]` bytes; positions restart at every document start and at each row's start),
    /// `cu_seqlens` (int32 bytes: every row and document boundary of the flattened batch, for
    /// varlen attention), `max_seqlen`, `doc_starts`, `source` and `rows` (the split's row ids).
    #[pyo3(signature = (seed, epoch, shuffle, lo, hi))]
    fn read<'py>(
        &self,
        py: Python<'py>,
        seed: u64,
        epoch: u64,
        shuffle: bool,
        lo: usize,
        hi: usize,
    ) -> PyResult<Bound<'py, PyDict>> {
        let order = self.order(py, seed, epoch, shuffle)?;
        let picked = order
            .get(lo..hi)
            .filter(|p| !p.is_empty())
            .ok_or_else(|| ConfigError::new_err(format!("rows {lo}..{hi} of {}", order.len())))?;
        let s = &self.split;
        let t = s.seq_len;
        let rows: Vec<(&[u32], &[u32])> = picked
            .iter()
            .map(|&r| {
                let r = r as usize;
                (&s.tokens[r * t..(r + 1) * t], s.doc_starts[r].as_slice())
            })
            .collect();
        let d = packed(py, t, &rows)?;
        d.set_item(
            "source",
            picked
                .iter()
                .map(|&r| s.sources[s.source[r as usize] as usize].as_str())
                .collect::<Vec<_>>(),
        )?;
        d.set_item("rows", picked.to_vec())?;
        Ok(d)
    }
}

impl MixSplit {
    fn order(
        &self,
        py: Python<'_>,
        seed: u64,
        epoch: u64,
        shuffle: bool,
    ) -> PyResult<Arc<Vec<u32>>> {
        let n = self.split.rows();
        self.order.get((seed, epoch, shuffle), || {
            py.allow_threads(|| order(n, seed, epoch, shuffle, "mix-loader"))
        })
    }
}

/// Packed token rows `(ids, doc_starts)` of length `t` as a batch: `input_ids` and `position_ids`
/// (int64 `[B, T]` bytes; positions restart at every document start and at each row's start),
/// `cu_seqlens` (int32 bytes: every row and document boundary of the flattened batch),
/// `max_seqlen`, `doc_starts`, `batch`, `seq_len`.
pub fn packed<'py>(
    py: Python<'py>,
    t: usize,
    rows: &[(&[u32], &[u32])],
) -> PyResult<Bound<'py, PyDict>> {
    let ids = PyByteArray::new_with(py, rows.len() * t * 8, |buf| {
        for (chunk, (row, _)) in buf.chunks_exact_mut(t * 8).zip(rows) {
            for (b, &id) in chunk.chunks_exact_mut(8).zip(row.iter()) {
                b.copy_from_slice(&i64::from(id).to_le_bytes());
            }
        }
        Ok(())
    })?;
    let mut cu: Vec<i32> = Vec::with_capacity(rows.len() * 2 + 1);
    let positions = PyByteArray::new_with(py, rows.len() * t * 8, |buf| {
        for (i, (chunk, (_, starts))) in buf.chunks_exact_mut(t * 8).zip(rows).enumerate() {
            let (mut k, mut begin) = (0, 0);
            cu.push((i * t) as i32);
            for (p, b) in chunk.chunks_exact_mut(8).enumerate() {
                // Starts are ascending; a repeated one is passed over.
                while k < starts.len() && starts[k] as usize <= p {
                    if starts[k] as usize == p && p > begin {
                        cu.push((i * t + p) as i32);
                        begin = p;
                    }
                    k += 1;
                }
                b.copy_from_slice(&((p - begin) as i64).to_le_bytes());
            }
        }
        cu.push((rows.len() * t) as i32);
        Ok(())
    })?;
    let max_seqlen = cu.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
    let cu_bytes: Vec<u8> = cu.iter().flat_map(|v| v.to_le_bytes()).collect();
    let d = PyDict::new(py);
    d.set_item("input_ids", ids)?;
    d.set_item("position_ids", positions)?;
    d.set_item("cu_seqlens", PyByteArray::new(py, &cu_bytes))?;
    d.set_item("max_seqlen", max_seqlen)?;
    let starts = PyList::empty(py);
    for (_, s) in rows {
        starts.append(s.to_vec())?;
    }
    d.set_item("doc_starts", starts)?;
    d.set_item("batch", rows.len())?;
    d.set_item("seq_len", t)?;
    Ok(d)
}
