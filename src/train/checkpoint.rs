//! Checkpoints every trainer writes the same way: `OUT/checkpoints/step-NNNNNNNN/` holding the
//! trainer's files and its `state.json`, built under a temporary name and renamed into place
//! whole; the newest two are kept, and a rerun resumes from the newest of its own fingerprint.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::core::manifest::{read_json, write_json};
use crate::error::{IoContext, Result};

fn dir(out: &Path, step: u64) -> PathBuf {
    out.join("checkpoints").join(format!("step-{step:08}"))
}

/// The newest complete checkpoint whose state `accept`s (the run's own fingerprint).
pub fn latest<S: DeserializeOwned>(
    out: &Path,
    accept: impl Fn(&S) -> bool,
) -> Option<(PathBuf, S)> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(out.join("checkpoints"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("step-") && !n.ends_with(".tmp"))
        })
        .collect();
    dirs.sort();
    dirs.into_iter().rev().find_map(|d| {
        let s: S = read_json(&d.join("state.json")).ok()?;
        accept(&s).then_some((d, s))
    })
}

/// Writes the checkpoint of `step`: `files` fills the directory, then `state.json`; older ones
/// but the previous are removed.
pub fn save<S: Serialize>(
    out: &Path,
    step: u64,
    state: &S,
    files: impl FnOnce(&Path) -> Result<()>,
) -> Result<()> {
    let dir = dir(out, step);
    let tmp = dir.with_extension("tmp");
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).at("remove", &tmp)?;
    }
    std::fs::create_dir_all(&tmp).at("create", &tmp)?;
    files(&tmp)?;
    write_json(&tmp.join("state.json"), state)?;
    std::fs::rename(&tmp, &dir).at("rename into place", &dir)?;
    // Keep the newest two: the one just written and its predecessor.
    let parent = out.join("checkpoints");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&parent)
        .at("list", &parent)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p != &dir && !p.to_string_lossy().ends_with(".tmp"))
        .collect();
    dirs.sort();
    let n = dirs.len();
    for d in dirs.into_iter().take(n.saturating_sub(1)) {
        std::fs::remove_dir_all(&d).at("remove", &d)?;
    }
    Ok(())
}
