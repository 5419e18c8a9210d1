//! The commands as functions: a step of any kind (`mix`, `views`, `logits`, `train`, `ssl`,
//! `sql`), with the options a pipeline file gives it, run through the same job protocol as the
//! CLI (lock, fingerprint, resume, manifest last).

use std::path::PathBuf;

use pyo3::prelude::*;
use sluice::core::job::Exec;
use sluice::core::progress::Progress;
use sluice::pipeline::spec::Step;
use sluice::pipeline::step::StepEnv;

use crate::errors::{ConfigError, Py as _};

/// Runs step `kind` with `options` (a JSON object: the pipeline keys) into `out`; returns the
/// output's `manifest.json` text (for an object-store `out`, the staged copy is gone: returns
/// `{"fingerprint": ...}`).
#[pyfunction]
#[pyo3(signature = (kind, out, options, overwrite = false, progress = false))]
pub fn run_step(
    py: Python<'_>,
    kind: &str,
    out: PathBuf,
    options: &str,
    overwrite: bool,
    progress: bool,
) -> PyResult<String> {
    let mut value: serde_json::Value = serde_json::from_str(options)
        .map_err(|e| ConfigError::new_err(format!("options are not JSON: {e}")))?;
    let obj = value
        .as_object_mut()
        .ok_or_else(|| ConfigError::new_err("options must be a dict"))?;
    let seed = obj.get("seed").and_then(|s| s.as_u64()).unwrap_or(0);
    obj.insert("kind".into(), kind.into());
    let step: Step = serde_json::from_value(value)
        .map_err(|e| ConfigError::new_err(format!("`{kind}` options: {e}")))?;
    py.allow_threads(|| {
        let resolve = |p: &str| PathBuf::from(p);
        let env = StepEnv {
            seed,
            slice: (0, 1),
            sharded: false,
            wait: std::time::Duration::from_secs(86_400),
            resolve: &resolve,
        };
        let exec = Exec::new(out.clone(), overwrite, None, Progress::auto(!progress))?;
        let ran = step.run(&env, &exec)?;
        let manifest = out.join("manifest.json");
        if exec.publish.is_some() {
            return Ok(serde_json::json!({ "fingerprint": ran.fingerprint }).to_string());
        }
        std::fs::read_to_string(&manifest)
            .map_err(|e| sluice::error::Error::io("read", &manifest, e))
    })
    .py()
}
