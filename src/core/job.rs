//! The shape every command runs in. A [`Job`] says what it is called, which entries of its output
//! directory it owns, what decides its output (its identity) and how to do the work; [`run_job`]
//! does the rest, the same way for every command:
//!
//! 1. check the options ([`Job::validate`]), before anything is read;
//! 2. lock the output directory ([`DirLock`]): a second run on it fails as `busy`, untouched;
//! 3. fingerprint the identity (always with the sluice version);
//! 4. the output-directory protocol ([`outdir::prepare`]): a finished output of this fingerprint
//!    is up to date, an unfinished one is resumed, another one is refused or, with `--overwrite`,
//!    cleared;
//! 5. [`Job::execute`], which keeps whatever an earlier run of this fingerprint finished;
//! 6. the manifest, last: a common [`Header`] and the job's own body;
//! 7. on a failure before any output was written, no trace is left.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::core::fingerprint::{sha256_bytes, sha256_file};
use crate::core::lock::DirLock;
use crate::core::manifest::{InputFingerprint, read_json, write_json};
use crate::core::outdir::{self, Fingerprinted, OutState, WORK};
use crate::core::progress::Progress;
use crate::error::{IoContext, Result};
use crate::store::{self, Location, Published};

/// One command's work on one output directory.
pub trait Job {
    /// What the manifest holds after the common header.
    type Body: Serialize + DeserializeOwned;
    /// The command as a user types it, e.g. `mix build`.
    fn command(&self) -> &'static str;
    /// Entries of the output directory this job writes; cleared when they belong to another
    /// configuration. The work directory and the manifest are added by [`run_job`], which asks
    /// after [`Job::identity`].
    fn outputs(&self) -> Vec<String>;
    /// Entries of `outputs` that only hold resume state (checkpoints): removed once the manifest
    /// is written.
    fn transient(&self) -> Vec<String> {
        Vec::new()
    }
    /// Checks on the options alone; nothing is read yet.
    fn validate(&self) -> Result<()> {
        Ok(())
    }
    /// Write everything that decides the output into `id`: options, input fingerprints.
    fn identity(&mut self, id: &mut Identity) -> Result<()>;
    /// Do the work in `ctx.out` (locked and prepared), keeping what an earlier run of the same
    /// fingerprint finished.
    fn execute(&mut self, ctx: &mut Ctx) -> Result<Self::Body>;
}

/// What decides a job's output. The fingerprint is the sha256 of these fields as JSON (keys
/// sorted), with `version` (sluice's) always among them and `inputs` when any were added.
pub struct Identity {
    fields: serde_json::Map<String, serde_json::Value>,
    inputs: BTreeMap<String, Vec<InputFingerprint>>,
    threads: usize,
}

impl Identity {
    fn new(threads: usize) -> Self {
        Identity {
            fields: serde_json::Map::new(),
            inputs: BTreeMap::new(),
            threads,
        }
    }

    /// Workers for hashing many inputs: the run's `--threads`.
    pub fn pool(&self) -> Result<rayon::ThreadPool> {
        pool(self.threads)
    }

    /// Add a field (options, a digest); it changes the fingerprint.
    pub fn add(&mut self, key: &str, value: impl Serialize) -> Result<()> {
        let v = serde_json::to_value(value)
            .map_err(|e| err!(internal("fingerprint field `{key}`: {e}")))?;
        self.fields.insert(key.to_string(), v);
        Ok(())
    }

    /// Add an input under `role`, as given (when its digest is known already).
    pub fn input(&mut self, role: &str, fp: InputFingerprint) {
        self.inputs.entry(role.to_string()).or_default().push(fp);
    }

    /// Add the file at `path` (or object at a URL: its content is hashed as it streams by, since
    /// the sha256 is what later runs compare) under `role`; returns its sha256.
    pub fn input_file(&mut self, role: &str, path: &Path) -> Result<String> {
        let (bytes, sha256) = if store::is_url(path) {
            let at = Location::parse(&path.to_string_lossy())?;
            let meta =
                (at.head()?).ok_or_else(|| err!(input("{role} {} does not exist", at.url())))?;
            (meta.size, at.sha256()?)
        } else {
            (
                std::fs::metadata(path).at("stat", path)?.len(),
                sha256_file(path)?,
            )
        };
        self.input(
            role,
            InputFingerprint {
                path: path.display().to_string(),
                bytes,
                sha256: Some(sha256.clone()),
                etag: None,
            },
        );
        Ok(sha256)
    }

    fn finish(mut self) -> Result<(String, BTreeMap<String, Vec<InputFingerprint>>)> {
        self.add("version", env!("CARGO_PKG_VERSION"))?;
        if !self.inputs.is_empty() {
            let inputs = std::mem::take(&mut self.inputs);
            self.add("inputs", &inputs)?;
            self.inputs = inputs;
        }
        let text = serde_json::Value::Object(self.fields).to_string();
        Ok((sha256_bytes(text.as_bytes()), self.inputs))
    }
}

/// The part of `manifest.json` every command writes the same way.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Header {
    pub command: String,
    pub sluice_version: String,
    pub fingerprint: String,
    /// Input files by role, as they were read.
    pub inputs: BTreeMap<String, Vec<InputFingerprint>>,
}

/// `manifest.json`: the header, then the job's body (its fields at the top level).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Manifest<B> {
    #[serde(flatten)]
    pub header: Header,
    #[serde(flatten)]
    pub body: B,
}

impl<B: DeserializeOwned> Manifest<B> {
    /// The manifest of a finished `command` output in `dir`.
    pub fn read(dir: &Path, command: &str) -> Result<Self> {
        let path = dir.join("manifest.json");
        if !path.exists() {
            bail!(input(
                "{} is not a finished `{command}` output (no manifest.json)",
                dir.display()
            ));
        }
        let v: serde_json::Value = read_json(&path)?;
        Self::from_value(
            v,
            &path.display().to_string(),
            &dir.display().to_string(),
            command,
        )
    }

    /// The manifest in `bytes`, read from `shown` (an object's URL).
    pub fn from_json(bytes: &[u8], shown: &str, command: &str) -> Result<Self> {
        let v: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| err!(input("{shown}/manifest.json is not valid JSON: {e}")))?;
        Self::from_value(v, &format!("{shown}/manifest.json"), shown, command)
    }

    fn from_value(v: serde_json::Value, path: &str, dir: &str, command: &str) -> Result<Self> {
        match v.get("command").and_then(|c| c.as_str()) {
            Some(found) if found == command => {}
            Some(found) => {
                bail!(input(
                    "{dir} holds a `{found}` output, not a `{command}` one"
                ));
            }
            None => {
                bail!(input(
                    "{path} names no command: not a `{command}` output of this sluice version ({})",
                    env!("CARGO_PKG_VERSION")
                ));
            }
        }
        serde_json::from_value(v)
            .map_err(|e| err!(input("{path} is not a valid `{command}` manifest: {e}")))
    }
}

impl<B> std::ops::Deref for Manifest<B> {
    type Target = B;
    fn deref(&self) -> &B {
        &self.body
    }
}

impl<B> Fingerprinted for Manifest<B> {
    fn fingerprint(&self) -> &str {
        &self.header.fingerprint
    }
}

/// How a job runs; none of it changes a byte of the output.
#[derive(Clone, Debug)]
pub struct Exec {
    /// The directory the job writes: `--out`, or for an object-store `--out` its local staging
    /// directory.
    pub out: PathBuf,
    /// An object-store `--out`: the finished output is uploaded there ([`store::publish`]).
    pub publish: Option<Location>,
    pub overwrite: bool,
    pub threads: usize,
    pub progress: Progress,
}

impl Exec {
    pub fn new(
        out: PathBuf,
        overwrite: bool,
        threads: Option<usize>,
        progress: Progress,
    ) -> Result<Self> {
        let (out, publish) = if store::is_url(&out) {
            let url = out.to_string_lossy().trim_end_matches('/').to_string();
            let dest = Location::parse(&url)?;
            (store::stage_dir(&dest.url())?, Some(dest))
        } else {
            (out, None)
        };
        Ok(Exec {
            out,
            publish,
            overwrite,
            threads: threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
            progress,
        })
    }

    /// Where the output goes, as the user named it.
    pub fn shown(&self) -> String {
        match &self.publish {
            Some(dest) => dest.url(),
            None => self.out.display().to_string(),
        }
    }
}

/// What [`Job::execute`] works with.
pub struct Ctx<'a> {
    pub out: &'a Path,
    pub fingerprint: &'a str,
    pub exec: &'a Exec,
    resumed: u64,
}

impl Ctx<'_> {
    /// Scratch space inside the output directory, removed once the manifest is written.
    pub fn work(&self) -> PathBuf {
        self.out.join(WORK)
    }

    /// Record that `n` units (shards, a phase, a checkpoint's steps) were kept from an earlier run.
    pub fn resumed(&mut self, n: u64) {
        self.resumed += n;
    }

    /// A thread pool of `--threads` workers.
    pub fn pool(&self) -> Result<rayon::ThreadPool> {
        pool(self.exec.threads.max(1))
    }
}

/// `threads` workers; 0: one per core.
fn pool(threads: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| err!(internal("start thread pool: {e}")))
}

/// What a run did.
pub struct Outcome<B> {
    pub manifest: Manifest<B>,
    /// The output was already complete; nothing was done.
    pub up_to_date: bool,
    /// Units kept from an earlier, interrupted run (0: none).
    pub resumed: u64,
}

/// The fingerprint `run_job` would give `job` now, without locking or writing anything (a slice of
/// a sharded pipeline checks that the build it waits for is of its own configuration).
pub fn fingerprint<J: Job>(job: &mut J) -> Result<String> {
    job.validate()?;
    let mut id = Identity::new(0);
    job.identity(&mut id)?;
    Ok(id.finish()?.0)
}

/// Run `job` into `exec.out` with the lock, the resume protocol and the manifest last.
pub fn run_job<J: Job>(job: &mut J, exec: &Exec) -> Result<Outcome<J::Body>> {
    job.validate()?;
    let lock = DirLock::acquire(&exec.out)?;
    let result = locked(job, exec);
    if result.is_err() && !wrote_any(&exec.out, &job.outputs()) {
        // Nothing was written for the user: leave no trace (output directories made for
        // shards that never came go too; only empty ones can be removed).
        let _ = std::fs::remove_dir_all(exec.out.join(WORK));
        for o in job.outputs() {
            let _ = std::fs::remove_dir(exec.out.join(o));
        }
        let created = lock.created;
        drop(lock);
        if created {
            let _ = std::fs::remove_dir(&exec.out);
        }
    } else if result.is_ok() && exec.publish.is_some() {
        // Uploaded: the emptied staging directory goes with its lock (if no other run took it).
        drop(lock);
        let _ = std::fs::remove_dir(&exec.out);
    }
    result
}

fn locked<J: Job>(job: &mut J, exec: &Exec) -> Result<Outcome<J::Body>> {
    let out = exec.out.as_path();
    let mut id = Identity::new(exec.threads);
    job.identity(&mut id)?;
    let (fingerprint, inputs) = id.finish()?;
    if let Some(dest) = &exec.publish {
        match store::remote_fingerprint(dest)? {
            Some(f) if f == fingerprint => {
                let bytes = (dest.join("manifest.json").read()?).unwrap_or_default();
                let manifest = Manifest::from_json(&bytes, &dest.url(), job.command())?;
                return Ok(Outcome {
                    manifest,
                    up_to_date: true,
                    resumed: 0,
                });
            }
            // Refused before the build, not after it.
            Some(_) if !exec.overwrite => bail!(config(
                "{} holds a finished build of another configuration or input; pass --overwrite or choose another --out",
                dest.url()
            )),
            _ => {}
        }
    }
    // Asked after the identity: what a job writes may depend on its inputs (a cache's splits).
    let outputs = job.outputs();
    let mut owned: Vec<&str> = outputs.iter().map(String::as_str).collect();
    owned.extend(["manifest.json", WORK]);
    let (manifest, up_to_date, resumed) =
        match outdir::prepare::<Manifest<J::Body>>(out, &fingerprint, exec.overwrite, &owned)? {
            OutState::UpToDate(manifest) => (*manifest, true, 0),
            OutState::Ready => {
                let mut ctx = Ctx {
                    out,
                    fingerprint: &fingerprint,
                    exec,
                    resumed: 0,
                };
                let body = job.execute(&mut ctx)?;
                let resumed = ctx.resumed;
                let manifest = Manifest {
                    header: Header {
                        command: job.command().to_string(),
                        sluice_version: env!("CARGO_PKG_VERSION").to_string(),
                        fingerprint: fingerprint.clone(),
                        inputs,
                    },
                    body,
                };
                write_json(&out.join("manifest.json"), &manifest)?;
                for scratch in job.transient().iter().map(String::as_str).chain([WORK]) {
                    let _ = std::fs::remove_dir_all(out.join(scratch));
                }
                (manifest, false, resumed)
            }
        };
    let Some(dest) = &exec.publish else {
        return Ok(Outcome {
            manifest,
            up_to_date,
            resumed,
        });
    };
    let outputs: Vec<&str> = outputs.iter().map(String::as_str).collect();
    let published = store::publish(
        out,
        dest,
        &fingerprint,
        exec.overwrite,
        &outputs,
        exec.progress,
    )?;
    store::clear_stage(out)?;
    Ok(Outcome {
        manifest,
        up_to_date: up_to_date && matches!(published, Published::UpToDate),
        resumed,
    })
}

/// Whether any of `outputs` holds something (a file, or a directory with an entry).
fn wrote_any(out: &Path, outputs: &[String]) -> bool {
    outputs.iter().any(|o| {
        let p = out.join(o);
        match std::fs::read_dir(&p) {
            Ok(mut d) => d.next().is_some(),
            Err(_) => p.exists(),
        }
    })
}
