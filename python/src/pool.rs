//! Rayon pools made in the process that uses them. A DataLoader worker is a fork of the trainer:
//! it inherits the parent's memory but none of its threads, so a pool the parent made is dead
//! there. Each pool is keyed by the process id and rebuilt (the dead copy leaked, not dropped:
//! dropping would signal threads that do not exist) when the id or the thread count changes.

use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use rayon::ThreadPool;

use crate::errors::InternalError;

#[derive(Default)]
pub struct Pool(Mutex<Option<(u32, usize, Arc<ThreadPool>)>>);

impl Pool {
    /// This process's pool of `threads` threads, made now if it has none.
    pub fn get(&self, threads: usize) -> PyResult<Arc<ThreadPool>> {
        let pid = std::process::id();
        let mut slot = self
            .0
            .lock()
            .map_err(|_| InternalError::new_err("thread pool lock poisoned"))?;
        if let Some((p, t, pool)) = slot.as_ref()
            && *p == pid
            && *t == threads
        {
            return Ok(pool.clone());
        }
        if let Some((p, _, old)) = slot.take()
            && p != pid
        {
            std::mem::forget(old);
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .thread_name(|i| format!("sluice-{i}"))
            .build()
            .map(Arc::new)
            .map_err(|e| InternalError::new_err(format!("thread pool: {e}")))?;
        *slot = Some((pid, threads, pool.clone()));
        Ok(pool)
    }
}
