//! `sluice._native`: sluice's Rust library in-process for the `sluice` Python package. Readers
//! hand whole batches to Python as `bytearray`s (which `torch.frombuffer` wraps without a copy),
//! rendering and reading run with the GIL released, and every thread pool is made in the process
//! that uses it (a DataLoader worker forked from the trainer makes its own).

mod commands;
mod distill;
mod errors;
mod mix;
mod pool;
mod views;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add_class::<mix::MixSplit>()?;
    m.add_class::<distill::DistillSplit>()?;
    m.add_class::<views::Views>()?;
    m.add_class::<Share>()?;
    m.add_function(wrap_pyfunction!(commands::run_step, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

/// One rank's share of an epoch (`sluice::dataset::loader::Share`): which global rows each of its
/// batches takes, and where a resume starts.
#[pyclass(module = "sluice._native", frozen)]
pub struct Share(sluice::dataset::loader::Share);

#[pymethods]
impl Share {
    #[new]
    #[pyo3(signature = (rows, batch_size, rank, world_size, start, drop_last))]
    fn new(
        rows: u64,
        batch_size: u64,
        rank: u64,
        world_size: u64,
        start: u64,
        drop_last: bool,
    ) -> PyResult<Self> {
        if batch_size == 0 || world_size == 0 || rank >= world_size {
            return Err(errors::ConfigError::new_err(format!(
                "batch_size {batch_size}, rank {rank}, world_size {world_size}: need batch_size >= 1 and 0 <= rank < world_size"
            )));
        }
        if start > rows {
            return Err(errors::ConfigError::new_err(format!(
                "resume point {start} is past the epoch's {rows} rows"
            )));
        }
        Ok(Share(sluice::dataset::loader::Share {
            rows,
            batch: batch_size,
            rank,
            world: world_size,
            start,
            drop_last,
        }))
    }

    /// Batches this rank gets.
    fn batches(&self) -> u64 {
        self.0.batches()
    }

    /// Global row positions `(lo, hi)` of this rank's batch `j`.
    fn batch_rows(&self, j: u64) -> (u64, u64) {
        let r = self.0.batch_rows(j);
        (r.start, r.end)
    }

    /// The global row where an epoch resumes once every rank has taken `samples` rows.
    fn resume_point(&self, samples: u64) -> Option<u64> {
        self.0.resume_point(samples)
    }
}
