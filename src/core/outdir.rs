//! The output directory protocol every command shares: work lives in `OUT/.sluice/` (with the run's
//! fingerprint) until the manifest is written; a finished output of the same fingerprint is up to
//! date, an unfinished one is resumed, anything else is refused or (with `--overwrite`) cleared.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::core::manifest::{read_json, write_json};
use crate::error::{IoContext, Result};

/// Work directory inside every output directory.
pub const WORK: &str = ".sluice";

/// A manifest that records the fingerprint of the run that wrote it.
pub trait Fingerprinted {
    fn fingerprint(&self) -> &str;
}

#[derive(Serialize, Deserialize)]
struct RunFile {
    fingerprint: String,
}

pub enum OutState<M> {
    UpToDate(Box<M>),
    Ready,
}

/// `out` exists and is locked by the caller ([`crate::core::job::run_job`]).
pub fn prepare<M: DeserializeOwned + Fingerprinted>(
    out: &Path,
    fingerprint: &str,
    overwrite: bool,
    outputs: &[&str],
) -> Result<OutState<M>> {
    let shown = out.display();
    let manifest = out.join("manifest.json");
    let run_file = out.join(WORK).join("run.json");
    let ours = manifest.exists() || run_file.exists();
    // The run's own lock file does not make a directory non-empty.
    let empty = std::fs::read_dir(out)
        .at("list", out)?
        .filter_map(|e| e.ok())
        // A run killed before its run file was in place leaves only the lock and the work
        // directory: that is still ours.
        .all(|e| e.file_name() == crate::core::lock::LOCK_FILE || e.file_name() == WORK);
    if manifest.exists() {
        // A finished output of the same fingerprint is up to date, with or without --overwrite.
        let m: Option<M> = read_json(&manifest).ok();
        match m {
            Some(m) if m.fingerprint() == fingerprint => {
                let _ = std::fs::remove_dir_all(out.join(WORK));
                return Ok(OutState::UpToDate(Box::new(m)));
            }
            _ if !overwrite => {
                bail!(config(
                    "{shown} holds a finished build of another configuration or input; pass --overwrite or choose another --out"
                ));
            }
            _ => {}
        }
    }
    if !ours && !empty && !overwrite {
        bail!(config(
            "{shown} exists and is not a sluice output; choose an empty or new --out (or pass --overwrite)"
        ));
    }
    let same_run = run_file.exists()
        && read_json::<RunFile>(&run_file)
            .map(|r| r.fingerprint == fingerprint)
            .unwrap_or(false);
    if !same_run || overwrite {
        // An unfinished run of another configuration, or a forced rebuild: start clean.
        for name in outputs {
            let p = out.join(name);
            if p.is_dir() {
                std::fs::remove_dir_all(&p).at("remove", &p)?;
            } else if p.exists() {
                std::fs::remove_file(&p).at("remove", &p)?;
            }
        }
        std::fs::create_dir_all(out.join(WORK)).at("create", out)?;
        write_json(
            &run_file,
            &RunFile {
                fingerprint: fingerprint.into(),
            },
        )?;
    }
    Ok(OutState::Ready)
}
