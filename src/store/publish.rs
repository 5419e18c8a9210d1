//! Outputs in object storage. A run with `--out s3://...` builds in a local staging directory
//! (locked and resumed like any output directory) and, once its manifest is written there,
//! uploads it: every data object by one PUT or one multipart upload, which S3, GCS and Azure make
//! visible only once complete (a killed upload leaves no partial object), then `manifest.json`
//! last, as the commit. Readers take an output as finished only when its manifest is there; a run
//! killed mid-upload leaves objects without one, and the next run replaces them.
//!
//! Object stores have no `flock`: the destination is held by a `.sluice.lock` object created only
//! if absent (a conditional PUT). A lock left by a killed run on this host is taken over.

use std::path::{Path, PathBuf};
use std::time::Duration;

use object_store::{ObjectStoreExt, PutMode, PutOptions, PutPayload, WriteMultipart};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncReadExt;

use super::{Location, block};
use crate::core::fingerprint::sha256_bytes;
use crate::core::lock::{LOCK_FILE, hostname};
use crate::core::outdir::WORK;
use crate::core::progress::Progress;
use crate::error::{Error, IoContext, Result};

/// Objects up to this size go in one PUT; larger ones as a multipart upload of such parts.
const PART: usize = 8 << 20;
/// Test hook: sleep this many milliseconds after each uploaded object, so a test can kill a run
/// while it uploads.
const PAUSE_ENV: &str = "SLUICE_TEST_UPLOAD_PAUSE_MS";

/// What [`publish`] did.
pub enum Published {
    /// The destination already held this output.
    UpToDate,
    Uploaded {
        objects: u64,
        bytes: u64,
    },
}

/// Where an output bound for `url` is built: `$SLUICE_STAGE_DIR/<digest of url>`, by default
/// under the user's cache directory. Fixed per URL, so a killed run resumes its build.
pub fn stage_dir(url: &str) -> Result<PathBuf> {
    Ok(stage_base(&format!("--out {url}"))?.join(&sha256_bytes(url.as_bytes())[..16]))
}

/// Where object-store files are staged on this machine: `SLUICE_STAGE_DIR`, else
/// `$XDG_CACHE_HOME/sluice/stage` or `~/.cache/sluice/stage`. `what` names the input or output
/// that needs it, in the error when none of these is set.
pub fn stage_base(what: &str) -> Result<PathBuf> {
    match std::env::var_os("SLUICE_STAGE_DIR") {
        Some(d) => Ok(PathBuf::from(d)),
        None => Ok(std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .ok_or_else(|| {
                err!(config(
                    "{what}: set SLUICE_STAGE_DIR (or HOME) to say where sluice stages object-store files"
                ))
            })?
            .join("sluice")
            .join("stage")),
    }
}

#[derive(Deserialize)]
struct Fingerprint {
    fingerprint: String,
}

/// The fingerprint in the manifest at `dest`, when a finished output is there.
pub fn remote_fingerprint(dest: &Location) -> Result<Option<String>> {
    let m = dest.join("manifest.json");
    let Some(bytes) = m.read()? else {
        return Ok(None);
    };
    // Not a sluice manifest: nothing of ours is finished there.
    Ok(serde_json::from_slice::<Fingerprint>(&bytes)
        .ok()
        .map(|f| f.fingerprint))
}

/// Upload the finished output in `stage` to `dest`. `owned` names the entries the job writes;
/// objects below them that this output does not have (left by an earlier build) are removed
/// before anything is uploaded.
pub fn publish(
    stage: &Path,
    dest: &Location,
    fingerprint: &str,
    overwrite: bool,
    owned: &[&str],
    progress: Progress,
) -> Result<Published> {
    let _lock = RemoteLock::acquire(dest)?;
    let url = dest.url();
    let marker = dest.join(&format!("{WORK}/run.json"));
    match remote_fingerprint(dest)? {
        Some(f) if f == fingerprint => return Ok(Published::UpToDate),
        Some(_) if !overwrite => bail!(config(
            "{url} holds a finished build of another configuration or input; pass --overwrite or choose another --out"
        )),
        // Unfinished from here on: the old manifest goes first.
        Some(_) => delete(&dest.join("manifest.json"))?,
        None => {}
    }
    let files = stage_files(stage)?;
    let present = dest.list()?;
    let ours = overwrite
        || present
            .iter()
            .all(|(rel, _)| rel == LOCK_FILE || rel.starts_with(&format!("{WORK}/")))
        || marker.head()?.is_some();
    if !ours {
        bail!(config(
            "{url} holds objects that are not a sluice output; choose an empty prefix for --out (or pass --overwrite)"
        ));
    }
    let run = serde_json::json!({ "fingerprint": fingerprint }).to_string();
    put_small(&marker, run.into_bytes(), PutMode::Overwrite)?;
    for (rel, _) in &present {
        let top = rel.split('/').next().unwrap_or("");
        if owned.contains(&top) && !files.iter().any(|(r, _)| r == rel) {
            delete(&dest.join(rel))?;
        }
    }
    let total: u64 = files.iter().map(|(_, p)| file_len(p)).sum();
    let bar = progress.bar(total, "upload", "bytes");
    let pause = std::env::var(PAUSE_ENV).ok().and_then(|v| v.parse().ok());
    let mut bytes = 0u64;
    // The manifest sorts last (stage_files puts it there): it is the commit.
    for (rel, path) in &files {
        let n = upload(path, &dest.join(rel))?;
        bytes += n;
        bar.inc(n);
        if let Some(ms) = pause {
            std::thread::sleep(Duration::from_millis(ms));
        }
    }
    bar.finish_and_clear();
    delete(&marker)?;
    Ok(Published::Uploaded {
        objects: files.len() as u64,
        bytes,
    })
}

/// Empty `stage` once it is published, all but its lock file (the caller holds the lock): the
/// staged copy has served its purpose.
pub fn clear_stage(stage: &Path) -> Result<()> {
    for e in std::fs::read_dir(stage).at("list", stage)?.flatten() {
        if e.file_name() != LOCK_FILE {
            let p = e.path();
            let _ = match p.is_dir() {
                true => std::fs::remove_dir_all(&p),
                false => std::fs::remove_file(&p),
            };
        }
    }
    Ok(())
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map_or(0, |m| m.len())
}

/// The files of a finished output, relative `/`-paths in byte order, `manifest.json` last; the
/// lock and the work directory are not part of it.
fn stage_files(stage: &Path) -> Result<Vec<(String, PathBuf)>> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) -> Result<()> {
        for e in std::fs::read_dir(dir).at("list", dir)? {
            let e = e.at("list", dir)?;
            let name = e.file_name().to_string_lossy().to_string();
            let r = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if rel.is_empty() && (name == LOCK_FILE || name == WORK || name == "manifest.json") {
                continue;
            }
            if e.file_type().at("stat", &e.path())?.is_dir() {
                walk(&e.path(), &r, out)?;
            } else {
                out.push((r, e.path()));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(stage, "", &mut out)?;
    out.sort();
    let manifest = stage.join("manifest.json");
    if !manifest.exists() {
        bail!(internal(
            "publish {}: the staged output has no manifest",
            stage.display()
        ));
    }
    out.push(("manifest.json".into(), manifest));
    Ok(out)
}

/// Upload the file at `src` to `dest`: one PUT when it fits a part, else a multipart upload that
/// is aborted on failure. Either way the object appears only whole.
fn upload(src: &Path, dest: &Location) -> Result<u64> {
    let len = file_len(src);
    if len as usize <= PART {
        let bytes = std::fs::read(src).at("read", src)?;
        put_small(dest, bytes, PutMode::Overwrite)?;
        return Ok(len);
    }
    enum Fail {
        Disk(std::io::Error),
        Store(object_store::Error),
    }
    let res: std::result::Result<u64, Fail> = block(async {
        let mut f = tokio::fs::File::open(src).await.map_err(Fail::Disk)?;
        let upload = dest
            .store
            .put_multipart(&dest.key)
            .await
            .map_err(Fail::Store)?;
        let mut w = WriteMultipart::new_with_chunk_size(upload, PART);
        let mut buf = vec![0u8; PART];
        let mut n = 0u64;
        loop {
            let got = match f.read(&mut buf).await {
                Ok(g) => g,
                Err(e) => {
                    let _ = w.abort().await;
                    return Err(Fail::Disk(e));
                }
            };
            if got == 0 {
                break;
            }
            n += got as u64;
            if let Err(e) = w.wait_for_capacity(4).await {
                let _ = w.abort().await;
                return Err(Fail::Store(e));
            }
            w.write(&buf[..got]);
        }
        w.finish().await.map_err(Fail::Store)?;
        Ok(n)
    });
    res.map_err(|e| match e {
        Fail::Disk(e) => Error::io("read", src, e),
        Fail::Store(e) => dest.error("upload to", e),
    })
}

fn put_small(dest: &Location, bytes: Vec<u8>, mode: PutMode) -> Result<()> {
    let opts = PutOptions {
        mode,
        ..Default::default()
    };
    block(
        dest.store
            .put_opts(&dest.key, PutPayload::from(bytes), opts),
    )
    .map(|_| ())
    .map_err(|e| dest.error("upload to", e))
}

fn delete(loc: &Location) -> Result<()> {
    match block(loc.store.delete(&loc.key)) {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
        Err(e) => Err(loc.error("delete", e)),
    }
}

#[derive(Serialize, Deserialize)]
struct Holder {
    host: String,
    pid: u32,
}

/// `DEST/.sluice.lock`, created only where none is; deleted on drop.
struct RemoteLock {
    at: Location,
}

impl RemoteLock {
    fn acquire(dest: &Location) -> Result<RemoteLock> {
        let at = dest.join(LOCK_FILE);
        let me = Holder {
            host: hostname(),
            pid: std::process::id(),
        };
        let body = serde_json::to_vec(&me).map_err(|e| err!(internal("lock body: {e}")))?;
        for _ in 0..2 {
            let opts = PutOptions {
                mode: PutMode::Create,
                ..Default::default()
            };
            let put = block(
                at.store
                    .put_opts(&at.key, PutPayload::from(body.clone()), opts),
            );
            match put {
                Ok(_) => return Ok(RemoteLock { at }),
                Err(object_store::Error::AlreadyExists { .. }) => {
                    let holder = at
                        .read()?
                        .and_then(|b| serde_json::from_slice::<Holder>(&b).ok());
                    match holder {
                        // Its run died on this host: the lock is stale.
                        Some(h)
                            if h.host == me.host
                                && !Path::new(&format!("/proc/{}", h.pid)).exists() =>
                        {
                            delete(&at)?;
                        }
                        h => {
                            let who = h.map_or("an unknown run".into(), |h| {
                                format!("pid {} on {}", h.pid, h.host)
                            });
                            return Err(Error::Busy(format!(
                                "{} is being written by another sluice run ({who}); wait for it, or delete {} if that run is gone",
                                dest.url(),
                                at.url()
                            )));
                        }
                    }
                }
                // A store without conditional writes: no cross-machine lock, say so and go on.
                Err(object_store::Error::NotImplemented { .. }) => {
                    tracing::warn!(
                        "{}: the store cannot create objects conditionally; no lock is held",
                        dest.url()
                    );
                    return Ok(RemoteLock { at });
                }
                Err(e) => return Err(at.error("lock", e)),
            }
        }
        Err(Error::Busy(format!(
            "{}: could not take over the stale lock {}",
            dest.url(),
            at.url()
        )))
    }
}

impl Drop for RemoteLock {
    fn drop(&mut self) {
        let _ = delete(&self.at);
    }
}
