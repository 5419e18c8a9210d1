//! Views of images for `sluice.torch.ViewStream` (rendered online, per epoch, by the recipe) and
//! `sluice.torch.ViewsDataset` (read back from a `views gen` output): whole samples, all K views
//! of a sample together, in the stream's keyed order of the epoch.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyDict};
use sluice::views::params::ViewParams;
use sluice::views::recipe::Recipe;
use sluice::views::source::Columns;
use sluice::views::stored::StoredInfo;
use sluice::views::stream::{StreamConfig, ViewStream};

use crate::errors::{ConfigError, Py as _};
use crate::mix::Orders;
use crate::pool::Pool;

#[pyclass(module = "sluice._native", frozen)]
pub struct Views {
    stream: ViewStream,
    /// Side of every view.
    side: u32,
    stored: bool,
    pool: Pool,
    order: Orders<u64, usize>,
}

#[pymethods]
impl Views {
    /// `path`: class folders of images, Parquet with an image column, or a `views gen` output
    /// (its stored views; `recipe` must then be None or the one it was rendered with).
    #[new]
    // The Python constructor's keyword arguments, one each.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (path, k, size, recipe = None, seed = 0, image_column = "image", label_column = None))]
    fn new(
        py: Python<'_>,
        path: PathBuf,
        k: u32,
        size: u32,
        recipe: Option<String>,
        seed: u64,
        image_column: &str,
        label_column: Option<String>,
    ) -> PyResult<Self> {
        let columns = Columns {
            image: image_column.to_string(),
            label: label_column,
            id: None,
        };
        let (stream, stored) = py
            .allow_threads(|| {
                let stored = StoredInfo::detect(&path)?;
                let recipe = match (&stored, recipe) {
                    (Some(s), None) => s.meta.recipe.clone(),
                    (Some(s), Some(r)) => {
                        let asked = Recipe::resolve(&r)?;
                        if asked != s.meta.recipe {
                            return Err(sluice::error::Error::config(format!(
                                "recipe `{r}`: {} was rendered with recipe `{}`",
                                path.display(),
                                s.meta.recipe.name
                            )));
                        }
                        asked
                    }
                    (None, r) => Recipe::resolve(r.as_deref().unwrap_or("simclr"))?,
                };
                if let Some(s) = &stored {
                    s.serves(k, size)?;
                }
                let cfg = StreamConfig {
                    k,
                    recipe,
                    size,
                    seed,
                    // Batches are cut by the caller (`Share`), not by the stream.
                    batch_size: 1,
                    drop_last: false,
                    shuffle: true,
                    max_pixels: 100_000_000,
                    prefetch: 1,
                    cache_bytes: 1 << 30,
                };
                let stream = ViewStream::open_data(&path, &columns, cfg, &|_| true)?;
                Ok((stream, stored.is_some()))
            })
            .py()?;
        let cfg = stream.config();
        let sides: Vec<u32> = (0..k).map(|v| cfg.recipe.view(v).side(size)).collect();
        if sides.iter().any(|&s| s != sides[0]) {
            return Err(ConfigError::new_err(format!(
                "recipe `{}` renders views of different sizes ({sides:?}); a batch tensor needs one size",
                cfg.recipe.name
            )));
        }
        Ok(Views {
            side: sides[0],
            stream,
            stored,
            pool: Pool::default(),
            order: Orders::default(),
        })
    }

    fn __len__(&self) -> usize {
        self.stream.samples().len()
    }

    #[getter]
    fn side(&self) -> u32 {
        self.side
    }

    #[getter]
    fn k(&self) -> u32 {
        self.stream.config().k
    }

    #[getter]
    fn recipe(&self) -> String {
        self.stream.config().recipe.name.clone()
    }

    /// Where images in object storage were fetched to (None for local images): a spawned
    /// DataLoader worker opens this copy, which this object removes when it is dropped.
    #[getter]
    fn local_copy(&self) -> Option<PathBuf> {
        self.stream.local_copy().map(PathBuf::from)
    }

    /// True for a `views gen` output (the same views every epoch).
    #[getter]
    fn stored(&self) -> bool {
        self.stored
    }

    /// `(k, size)` of a `views gen` output.
    #[staticmethod]
    fn stored_layout(py: Python<'_>, path: PathBuf) -> PyResult<(u32, u32)> {
        let info = py.allow_threads(|| StoredInfo::detect(&path)).py()?;
        let info = info.ok_or_else(|| {
            ConfigError::new_err(format!(
                "{} is not a `views gen` output (no manifest.json)",
                path.display()
            ))
        })?;
        Ok((info.meta.k, info.meta.size))
    }

    /// Names of the recorded parameters, in the order of `params`' last axis.
    #[staticmethod]
    fn param_names() -> Vec<&'static str> {
        ViewParams::FIELDS.to_vec()
    }

    /// Samples `lo..hi` of the epoch's order, rendered on `threads` threads: `views` (uint8
    /// `[B, K, 3, side, side]` bytes), `params` (float32 `[B, K, P]` bytes), `sample_id`, `label`.
    #[pyo3(signature = (epoch, lo, hi, threads))]
    fn read<'py>(
        &self,
        py: Python<'py>,
        epoch: u64,
        lo: usize,
        hi: usize,
        threads: usize,
    ) -> PyResult<Bound<'py, PyDict>> {
        let order = self.order(py, epoch)?;
        let picked = order.get(lo..hi).filter(|p| !p.is_empty()).ok_or_else(|| {
            ConfigError::new_err(format!("samples {lo}..{hi} of {}", order.len()))
        })?;
        let pool = self.pool.get(threads)?;
        let samples = py
            .allow_threads(|| pool.install(|| self.stream.views_of(epoch, picked)))
            .py()?;
        let side = self.side as usize;
        let plane = side * side;
        let k = self.stream.config().k as usize;
        let views = PyByteArray::new_with(py, samples.len() * k * 3 * plane, |buf| {
            // HWC as rendered -> CHW, as torch's image tensors lie.
            for (dst, view) in buf
                .chunks_exact_mut(3 * plane)
                .zip(samples.iter().flat_map(|s| &s.views))
            {
                for (p, px) in view.image.as_raw().chunks_exact(3).enumerate() {
                    dst[p] = px[0];
                    dst[plane + p] = px[1];
                    dst[2 * plane + p] = px[2];
                }
            }
            Ok(())
        })?;
        let params: Vec<u8> = samples
            .iter()
            .flat_map(|s| &s.views)
            .flat_map(|v| v.params.to_array())
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let d = PyDict::new(py);
        d.set_item("views", views)?;
        d.set_item("params", PyByteArray::new(py, &params))?;
        d.set_item(
            "sample_id",
            samples.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "label",
            samples
                .iter()
                .map(|s| s.label.as_deref())
                .collect::<Vec<_>>(),
        )?;
        d.set_item("batch", samples.len())?;
        Ok(d)
    }
}

impl Views {
    fn order(&self, py: Python<'_>, epoch: u64) -> PyResult<Arc<Vec<usize>>> {
        self.order
            .get(epoch, || py.allow_threads(|| self.stream.order(epoch)))
    }
}
