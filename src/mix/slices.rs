//! `mix build` sharded across machines, and `mix merge`.
//!
//! Slice `i` of `N` writes into `OUT/slices/i-of-N/`. Phase 1: it tokenizes its contiguous range of
//! the input files (all sources in order, cut by bytes) into `phase1/` there, then waits until
//! every slice's `phase1/phase1.json` carries this build's fingerprint. Phase 2 reads the union of
//! the slices' spills (each bucket merged and sorted as one, document numbers shifted by the
//! documents of earlier slices, so ties sort as in a single build), runs the whole closed-form
//! schedule, and writes only the output shards `k` with `k % N == i` (slice 0 also the Megatron
//! files). `mix merge OUT --of N` then moves every slice's shards into `OUT/`, writes the
//! manifest of the single build (the same bytes), and removes `OUT/slices/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::phase1::Phase1;
use crate::core::fingerprint::sha256_file;
use crate::core::lock::DirLock;
use crate::core::manifest::{ShardInfo, read_json, write_json};
use crate::dataset::mix::{MixManifest, SourceCounts};
use crate::error::{Error, IoContext, Result};
use crate::source::{FileSource, Source};

/// One slice of a sharded build.
#[derive(Clone, Copy, Debug)]
pub struct Slice {
    pub index: u32,
    pub of: u32,
    /// How long phase 2 waits for the other slices' phase 1.
    pub wait: Duration,
}

/// `OUT/slices/i-of-N`.
pub fn slice_dir(out: &Path, index: u32, of: u32) -> PathBuf {
    out.join("slices").join(format!("{index}-of-{of}"))
}

/// Which slice tokenizes each file, per source: contiguous ranges of the files of all sources in
/// order, cut where the running byte count crosses a multiple of total/N.
pub fn file_owners(sources: &[FileSource], of: u32) -> Vec<Vec<u32>> {
    let total: u64 = sources
        .iter()
        .flat_map(|s| s.files())
        .map(|f| f.bytes)
        .sum();
    let mut at = 0u64;
    sources
        .iter()
        .map(|s| {
            s.files()
                .iter()
                .map(|f| {
                    let owner = (at as u128 * of as u128 / total.max(1) as u128) as u32;
                    at += f.bytes;
                    owner.min(of - 1)
                })
                .collect()
        })
        .collect()
}

/// `phase1/failed.json`: a slice's phase 1 failed, so its peers stop waiting for it.
pub const FAILED: &str = "failed.json";

#[derive(serde::Serialize, serde::Deserialize)]
pub struct Failed {
    fingerprint: String,
    error: String,
}

impl Failed {
    pub fn new(fingerprint: &str, e: &Error) -> Self {
        Failed {
            fingerprint: fingerprint.to_string(),
            error: e.to_string(),
        }
    }
}

/// Every slice's phase 1 once it is there for `fingerprint`, in slice order; an error as soon as
/// one slice's phase 1 failed for it.
pub fn await_phase1(slice_out: &Path, s: Slice, fingerprint: &str) -> Result<Vec<Phase1>> {
    let slices = slice_out.parent().unwrap_or(slice_out);
    let file = |j: u32| {
        slices
            .join(format!("{j}-of-{}", s.of))
            .join("phase1/phase1.json")
    };
    let start = Instant::now();
    let mut told = false;
    loop {
        let found: Vec<Option<Phase1>> = (0..s.of)
            .map(|j| read_json::<Phase1>(&file(j)).ok())
            .collect();
        let missing: Vec<String> = found
            .iter()
            .enumerate()
            .filter(|(_, p)| p.as_ref().is_none_or(|p| p.fingerprint != fingerprint))
            .map(|(j, _)| j.to_string())
            .collect();
        if missing.is_empty() {
            return Ok(found.into_iter().flatten().collect());
        }
        for j in 0..s.of {
            let f = file(j).with_file_name(FAILED);
            if let Ok(failed) = read_json::<Failed>(&f)
                && failed.fingerprint == fingerprint
            {
                bail!(input(
                    "slice {} of {}: slice {j}'s tokenization failed ({}): {}",
                    s.index,
                    s.of,
                    f.display(),
                    failed.error
                ));
            }
        }
        if start.elapsed() > s.wait {
            bail!(input(
                "slice {} of {}: the phase 1 of slices {} did not appear for this configuration within {} s (looked for {})",
                s.index,
                s.of,
                missing.join(", "),
                s.wait.as_secs(),
                file(0).display()
            ));
        }
        if !told {
            eprintln!(
                "slice {} of {}: waiting for the phase 1 of slices {}",
                s.index,
                s.of,
                missing.join(", ")
            );
            told = true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Each slice's spill directory with the number of its first document per source.
pub type SpillDirs = Vec<(PathBuf, BTreeMap<String, u64>)>;

/// The slices' phase 1 as one, and their spill directories.
pub fn combine(slice_out: &Path, s: Slice, parts: &[Phase1]) -> Result<(Phase1, SpillDirs)> {
    let slices = slice_out.parent().unwrap_or(slice_out);
    let mut all = Phase1 {
        fingerprint: parts
            .first()
            .map(|p| p.fingerprint.clone())
            .unwrap_or_default(),
        ..Default::default()
    };
    let mut dirs = Vec::new();
    for (j, p) in parts.iter().enumerate() {
        let first: BTreeMap<String, u64> = p
            .sources
            .keys()
            .map(|k| {
                let c = all.sources.get(k);
                (
                    k.clone(),
                    c.map_or(0, |c| c.train_documents + c.val_documents),
                )
            })
            .collect();
        dirs.push((
            slices.join(format!("{j}-of-{}", s.of)).join("phase1/spill"),
            first,
        ));
        for (name, c) in &p.sources {
            add_counts(all.sources.entry(name.clone()).or_default(), c);
        }
        for (name, info) in &p.spills {
            let a = all
                .spills
                .entry(name.clone())
                .or_insert_with(|| info.clone());
            if j > 0 {
                if (a.buckets, a.epochs) != (info.buckets, info.epochs) {
                    bail!(input(
                        "slice {j} of {} spilled `{name}` into {} buckets x {} epochs, slice 0 into {} x {}: run every slice with the same --shuffle-mem-mb",
                        s.of,
                        info.buckets,
                        info.epochs,
                        a.buckets,
                        a.epochs
                    ));
                }
                a.documents += info.documents;
                a.tokens += info.tokens;
            }
        }
    }
    Ok((all, dirs))
}

fn add_counts(a: &mut SourceCounts, c: &SourceCounts) {
    a.files += c.files;
    a.bytes += c.bytes;
    a.records += c.records;
    for (k, v) in &c.skipped {
        *a.skipped.entry(k.clone()).or_default() += v;
    }
    a.train_documents += c.train_documents;
    a.val_documents += c.val_documents;
    a.train_tokens += c.train_tokens;
    a.val_tokens += c.val_tokens;
}

/// `mix merge OUT --of N`: every slice finished for one fingerprint; their shards moved into
/// `OUT/`; the single build's manifest written last; `OUT/slices/` removed.
pub fn merge(out: &Path, of: u32) -> Result<MixManifest> {
    if of == 0 {
        return Err(Error::config("--of must be at least 1"));
    }
    let _lock = DirLock::acquire(out)?;
    let mut manifests = Vec::new();
    let mut missing = Vec::new();
    for i in 0..of {
        let dir = slice_dir(out, i, of);
        match MixManifest::read(&dir, "mix build") {
            Ok(m) => manifests.push((dir, m)),
            Err(_) => missing.push(i.to_string()),
        }
    }
    let done = MixManifest::read(out, "mix build").ok();
    let slice_fp = manifests.first().map(|(_, m)| m.header.fingerprint.clone());
    if let Some(d) = done {
        match slice_fp {
            // Merged before (perhaps cut short while clearing `slices/`): finish the cleanup.
            None => return Ok(d),
            Some(fp) if fp == d.header.fingerprint => {
                let _ = std::fs::remove_dir_all(out.join("slices"));
                return Ok(d);
            }
            Some(_) => bail!(config(
                "{} holds a finished build of another configuration than its slices: move it away or build into another --out",
                out.display()
            )),
        }
    }
    if !missing.is_empty() {
        bail!(input(
            "{}: slices {} of {of} have not finished (no manifest.json in {})",
            out.display(),
            missing.join(", "),
            slice_dir(out, 0, of).parent().unwrap_or(out).display()
        ));
    }
    let fp = &manifests[0].1.header.fingerprint;
    if let Some((dir, _)) = manifests.iter().find(|(_, m)| &m.header.fingerprint != fp) {
        bail!(input(
            "{} is a slice of another configuration than {}",
            dir.display(),
            manifests[0].0.display()
        ));
    }
    let formats: Vec<String> = manifests[0].1.config["formats"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let rank = |f: &ShardInfo| {
        let fmt = if f.path.ends_with(".parquet") {
            "parquet"
        } else {
            "megatron"
        };
        formats.iter().position(|x| x == fmt).unwrap_or(usize::MAX)
    };
    let mut merged = manifests[0].1.clone();
    let _ = std::fs::remove_file(out.join("manifest.json"));
    for (name, split) in merged.body.splits.iter_mut() {
        let mut files: Vec<ShardInfo> = Vec::new();
        for (dir, m) in &manifests {
            for f in m
                .splits
                .get(name)
                .map(|s| s.files.as_slice())
                .unwrap_or(&[])
            {
                move_into(dir, out, f)?;
                files.push(f.clone());
            }
        }
        // In the build's order: by format, then shard number (zero-padded to five digits, longer
        // past 99,999).
        files.sort_by_key(|f| (rank(f), f.path.len(), f.path.clone()));
        split.files = files;
    }
    remove_unlisted(out, &merged)?;
    write_json(&out.join("manifest.json"), &merged)?;
    // A slice process may still be clearing its work directory: retry, then leave what is left
    // (the merged output is complete either way).
    let slices = out.join("slices");
    for attempt in 0..10 {
        match std::fs::remove_dir_all(&slices) {
            Ok(()) => break,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
            Err(e) if attempt == 9 => {
                eprintln!("warning: could not remove {}: {e}", slices.display())
            }
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    Ok(merged)
}

/// Files an earlier build left in the split directories that this build does not list.
fn remove_unlisted(out: &Path, m: &MixManifest) -> Result<()> {
    let listed: std::collections::BTreeSet<&str> = m
        .splits
        .values()
        .flat_map(|s| s.files.iter().map(|f| f.path.as_str()))
        .collect();
    let dirs = m.splits.keys().map(String::as_str).chain(["megatron"]);
    for d in dirs {
        let Ok(entries) = std::fs::read_dir(out.join(d)) else {
            continue;
        };
        for e in entries.flatten() {
            let rel = format!("{d}/{}", e.file_name().to_string_lossy());
            if !listed.contains(rel.as_str()) {
                std::fs::remove_file(e.path()).at("remove", &e.path())?;
            }
        }
    }
    Ok(())
}

/// Move one finished shard of a slice to its place in `out` (kept if a merge before moved it).
fn move_into(slice: &Path, out: &Path, f: &ShardInfo) -> Result<()> {
    let (from, to) = (slice.join(&f.path), out.join(&f.path));
    if !from.exists() && to.exists() && sha256_file(&to)? == f.sha256 {
        return Ok(());
    }
    if sha256_file(&from)? != f.sha256 {
        bail!(input(
            "{}: its bytes differ from the slice's manifest",
            from.display()
        ));
    }
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).at("create", parent)?;
    }
    std::fs::rename(&from, &to).at("move into place", &to)
}
