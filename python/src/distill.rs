//! A `logits cache` split for `sluice.torch.DistillDataset`: the cached sequences with the
//! teacher's sparse distributions decoded as `train lm --distill-from` decodes them
//! (`CachedSeq::sparse`), batched in the epoch's keyed order.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyDict};
use sluice::backend::TokenBatch;
use sluice::dataset::loader::order;
use sluice::dataset::logits::{CachedSeq, LogitsCache, Mode};

use crate::errors::{ConfigError, Py as _};
use crate::mix::{Orders, packed};

#[pyclass(module = "sluice._native", frozen)]
pub struct DistillSplit {
    seqs: Vec<CachedSeq>,
    mode: Mode,
    draws: usize,
    temperature: f32,
    fingerprint: String,
    order: Orders<(u64, u64, bool), u32>,
}

#[pymethods]
impl DistillSplit {
    #[new]
    #[pyo3(signature = (path, split = "train"))]
    fn new(py: Python<'_>, path: PathBuf, split: &str) -> PyResult<Self> {
        let (cache, seqs) = py
            .allow_threads(|| {
                let cache = LogitsCache::open(&path)?;
                let seqs = cache.read_split(split)?;
                Ok((cache, seqs))
            })
            .py()?;
        if seqs.is_empty() {
            return Err(ConfigError::new_err(format!(
                "split `{split}` of logits cache {} holds no sequences",
                path.display()
            )));
        }
        let meta = &cache.manifest.meta;
        Ok(DistillSplit {
            mode: meta.mode,
            draws: meta.draws.unwrap_or(1),
            temperature: meta.temperature,
            fingerprint: cache.manifest.header.fingerprint.clone(),
            seqs,
            order: Orders::default(),
        })
    }

    #[getter]
    fn rows(&self) -> usize {
        self.seqs.len()
    }

    #[getter]
    fn seq_len(&self) -> usize {
        self.seqs[0].input_ids.len()
    }

    /// `topk` or `sample`.
    #[getter]
    fn mode(&self) -> &'static str {
        match self.mode {
            Mode::Topk => "topk",
            Mode::Sample => "sample",
        }
    }

    /// The temperature the teacher's distributions were cached at.
    #[getter]
    fn temperature(&self) -> f32 {
        self.temperature
    }

    #[getter]
    fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Rows `lo..hi` of the epoch's order: the packed batch (as `MixSplit.read`) plus `targets`
    /// (int64 `[B, T]`: token t+1), `loss_mask` (float32 `[B, T]`: 0 at the last position and
    /// where t+1 opens a document, as `train lm` weighs positions), the teacher's `teacher_ids`
    /// (int64 `[B, T, K]`) and `teacher_probs` (float32 `[B, T, K]`, zero-padded to the batch's
    /// largest K), `tail_mass` and `logz` (float32 `[B, T]`), `k`, `rows`.
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
        let n = self.seqs.len();
        let order = self.order.get((seed, epoch, shuffle), || {
            py.allow_threads(|| order(n, seed, epoch, shuffle, "distill-loader"))
        })?;
        let picked: Vec<&CachedSeq> = order
            .get(lo..hi)
            .filter(|p| !p.is_empty())
            .ok_or_else(|| ConfigError::new_err(format!("rows {lo}..{hi} of {n}")))?
            .iter()
            .map(|&r| &self.seqs[r as usize])
            .collect();
        let t = self.seq_len();
        let rows: Vec<(&[u32], &[u32])> = picked
            .iter()
            .map(|s| (s.input_ids.as_slice(), s.doc_starts.as_slice()))
            .collect();
        let d = packed(py, t, &rows)?;
        // Targets and weights exactly as the trainer derives them.
        let batch = TokenBatch {
            tokens: picked
                .iter()
                .flat_map(|s| s.input_ids.iter().copied())
                .collect(),
            batch: picked.len(),
            len: t,
            doc_starts: picked.iter().map(|s| s.doc_starts.clone()).collect(),
        };
        let (targets, mask) = batch.targets();
        let sparse: Vec<_> = picked
            .iter()
            .flat_map(|s| (0..t).map(move |p| s.sparse(self.mode, self.draws, p)))
            .collect();
        let k = sparse.iter().map(|s| s.ids.len()).max().unwrap_or(1).max(1);
        let mut ids = Vec::with_capacity(sparse.len() * k * 8);
        let mut probs = Vec::with_capacity(sparse.len() * k * 4);
        for s in &sparse {
            for j in 0..k {
                ids.extend_from_slice(&i64::from(s.ids.get(j).copied().unwrap_or(0)).to_le_bytes());
                probs.extend_from_slice(&s.probs.get(j).copied().unwrap_or(0.0).to_le_bytes());
            }
        }
        let f32s = |v: &mut dyn Iterator<Item = f32>| -> Vec<u8> {
            v.flat_map(f32::to_le_bytes).collect()
        };
        let tail = f32s(&mut sparse.iter().map(|s| s.tail));
        let logz = f32s(&mut picked.iter().flat_map(|s| s.logz.iter().copied()));
        let targets: Vec<u8> = targets
            .iter()
            .flat_map(|&v| i64::from(v).to_le_bytes())
            .collect();
        d.set_item("targets", PyByteArray::new(py, &targets))?;
        d.set_item(
            "loss_mask",
            PyByteArray::new(py, &f32s(&mut mask.into_iter())),
        )?;
        d.set_item("teacher_ids", PyByteArray::new(py, &ids))?;
        d.set_item("teacher_probs", PyByteArray::new(py, &probs))?;
        d.set_item("tail_mass", PyByteArray::new(py, &tail))?;
        d.set_item("logz", PyByteArray::new(py, &logz))?;
        d.set_item("k", k)?;
        d.set_item("rows", order[lo..hi].to_vec())?;
        Ok(d)
    }
}
