//! `pipeline run`: steps in dependency order, each into `OUT/STEP/` through the same job as its CLI
//! command (lock, fingerprint, atomic shards, resume, manifest last). A rerun finds finished steps
//! up to date and resumes unfinished ones. With `--shard i --of N`, shardable steps write slice i to
//! `OUT/STEP/slices/i-of-N/`; other steps are built by slice 0 and awaited by the rest; `pipeline
//! merge` then writes each shardable step's combined manifest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::core::fingerprint::sha256_bytes;
use crate::core::job::Exec;
use crate::core::lock::DirLock;
use crate::core::manifest::{ShardInfo, read_json, write_json};
use crate::core::progress::Progress;
use crate::error::{Error, Result};
use crate::pipeline::spec::Step;
use crate::pipeline::step::StepEnv;
use crate::pipeline::validate::{Loaded, load, order, step_ref};

#[derive(Clone, Debug)]
pub struct RunOptions {
    /// `(i, N)`: run slice i of N of every shardable step.
    pub slice: Option<(u32, u32)>,
    pub threads: usize,
    pub progress: Progress,
    /// How long a slice other than 0 waits for a step that slice 0 builds.
    pub wait: Duration,
    /// Replaces the file's `out`.
    pub out: Option<PathBuf>,
}

/// What a run did with one step; written (without timings) to `OUT/pipeline.json`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct StepReport {
    pub name: String,
    pub kind: String,
    /// Output directory, relative to the pipeline's `out`.
    pub out: String,
    pub fingerprint: String,
    /// Found finished: nothing was done.
    #[serde(skip)]
    pub up_to_date: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RunManifest {
    pub sluice_version: String,
    pub pipeline: String,
    pub slice: Option<(u32, u32)>,
    pub steps: Vec<StepReport>,
}

/// Load, validate (every problem reported) and run the pipeline in `file`.
pub fn run(file: &Path, opts: &RunOptions) -> Result<RunManifest> {
    let mut loaded = load_or_report(file)?;
    loaded.set_out(opts.out.as_deref())?;
    let out = loaded.out_dir();
    std::fs::create_dir_all(&out).map_err(|e| Error::io("create", &out, e))?;
    let mut steps = Vec::new();
    for name in order(&loaded.pipeline) {
        let step = &loaded.pipeline.steps[&name];
        let report = match (opts.slice, step.shardable()) {
            (Some((i, _)), false) if i != 0 => wait_for(&loaded, &name, step, opts.wait)?,
            (Some((i, n)), true) if step.merged_in_run() => {
                match merged_already(&loaded, &name, step)? {
                    Some(report) => report,
                    None => {
                        run_step(&loaded, &name, step, opts)?;
                        match i {
                            0 => merge_when_done(&loaded, &name, step, n, opts.wait)?,
                            _ => wait_for(&loaded, &name, step, opts.wait)?,
                        }
                    }
                }
            }
            _ => run_step(&loaded, &name, step, opts)?,
        };
        steps.push(report);
    }
    let manifest = RunManifest {
        sluice_version: env!("CARGO_PKG_VERSION").into(),
        pipeline: loaded.pipeline.name.clone(),
        slice: opts.slice,
        steps,
    };
    let name = match opts.slice {
        Some((i, n)) => format!("pipeline-{i}-of-{n}.json"),
        None => "pipeline.json".into(),
    };
    write_json(&out.join(name), &manifest)?;
    Ok(manifest)
}

/// All validation problems as one configuration error, one per line.
pub fn load_or_report(file: &Path) -> Result<Loaded> {
    load_checked(file, true)
}

/// [`load_or_report`]; `inputs_exist: false` checks the structure only.
pub fn load_checked(file: &Path, inputs_exist: bool) -> Result<Loaded> {
    load(file, inputs_exist).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        err!(config(
            "{} has {} problem(s):\n{}",
            file.display(),
            problems.len(),
            lines.join("\n")
        ))
    })
}

impl Loaded {
    /// `--out`: another output directory than the file's (absolute, so it does not move with it).
    pub fn set_out(&mut self, out: Option<&Path>) -> Result<()> {
        if let Some(o) = out {
            std::fs::create_dir_all(o).map_err(|e| Error::io("create", o, e))?;
            let abs = std::fs::canonicalize(o).map_err(|e| Error::io("resolve", o, e))?;
            self.pipeline.out = abs.to_string_lossy().into_owned();
        }
        Ok(())
    }

    pub fn out_dir(&self) -> PathBuf {
        self.base.join(&self.pipeline.out)
    }

    /// A path from the file: `step:NAME[/rest]` -> that step's primary output (or `rest` in its
    /// directory), anything else relative to the file's folder.
    pub fn resolve(&self, p: &str) -> PathBuf {
        match step_ref(p) {
            Some((name, rest)) => {
                let dir = self.out_dir().join(name);
                let inner = match (rest, self.pipeline.steps.get(name)) {
                    ("", Some(step)) => step.primary(),
                    _ => rest,
                };
                if inner.is_empty() {
                    dir
                } else {
                    dir.join(inner)
                }
            }
            None => from_file(&self.base, p),
        }
    }

    /// Where a step of this pipeline runs, for `slice`.
    pub fn env<'a>(
        &self,
        resolve: &'a dyn Fn(&str) -> PathBuf,
        slice: Option<(u32, u32)>,
    ) -> StepEnv<'a> {
        StepEnv {
            seed: self.pipeline.seed,
            slice: slice.unwrap_or((0, 1)),
            sharded: slice.is_some(),
            wait: Duration::from_secs(86_400),
            resolve,
        }
    }
}

fn step_out(
    loaded: &Loaded,
    name: &str,
    step: &Step,
    slice: Option<(u32, u32)>,
) -> (PathBuf, String) {
    let rel = match slice {
        Some((i, n)) if step.shardable() => format!("{name}/slices/{i}-of-{n}"),
        _ => name.to_string(),
    };
    (loaded.out_dir().join(&rel), rel)
}

fn run_step(loaded: &Loaded, name: &str, step: &Step, opts: &RunOptions) -> Result<StepReport> {
    let (dir, rel) = step_out(loaded, name, step, opts.slice);
    let at = |e: Error| match e {
        Error::Config(m) => err!(config("step `{name}`: {m}")),
        Error::Input(m) => err!(input("step `{name}`: {m}")),
        other => other,
    };
    // Each step owns its directory: a changed configuration replaces what it left.
    let exec = Exec::new(dir, true, Some(opts.threads), opts.progress)?;
    let resolve = |p: &str| loaded.resolve(p);
    let mut env = loaded.env(&resolve, opts.slice);
    env.wait = opts.wait;
    let ran = step.run(&env, &exec).map_err(at)?;
    Ok(StepReport {
        name: name.into(),
        kind: step.kind().into(),
        out: rel,
        fingerprint: ran.fingerprint,
        up_to_date: ran.up_to_date,
    })
}

/// A slice other than 0 waits until slice 0 has built `step` for this very configuration: the
/// manifest must exist and carry the fingerprint this slice computes itself (inputs included).
fn wait_for(loaded: &Loaded, name: &str, step: &Step, wait: Duration) -> Result<StepReport> {
    let (dir, rel) = step_out(loaded, name, step, None);
    let manifest = dir.join("manifest.json");
    let start = Instant::now();
    let resolve = |p: &str| loaded.resolve(p);
    let mut want = None;
    loop {
        let found = read_json::<serde_json::Value>(&manifest)
            .ok()
            .and_then(|m| m["fingerprint"].as_str().map(str::to_string));
        // Computed once its inputs exist: they may be outputs of steps slice 0 is still building.
        if want.is_none() && found.is_some() {
            want = Some(step.fingerprint(&loaded.env(&resolve, None))?);
        }
        if found.is_some() && found == want {
            break;
        }
        if start.elapsed() > wait {
            let why = match found {
                Some(_) => "holds a build of another configuration or input",
                None => "did not appear",
            };
            bail!(input(
                "step `{name}` is built by slice 0 and {} {why} within {} s",
                manifest.display(),
                wait.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    Ok(StepReport {
        name: name.into(),
        kind: step.kind().into(),
        out: rel,
        fingerprint: want.unwrap_or_default(),
        up_to_date: true,
    })
}

/// A step merged in the run that a run before merged for this very configuration: nothing to do
/// (its slices are gone; rebuilding them would make every slice wait for the others again).
fn merged_already(loaded: &Loaded, name: &str, step: &Step) -> Result<Option<StepReport>> {
    let (dir, rel) = step_out(loaded, name, step, None);
    let found = read_json::<serde_json::Value>(&dir.join("manifest.json"))
        .ok()
        .and_then(|m| m["fingerprint"].as_str().map(str::to_string));
    let Some(found) = found else {
        return Ok(None);
    };
    let resolve = |p: &str| loaded.resolve(p);
    let want = step.fingerprint(&loaded.env(&resolve, None))?;
    Ok((found == want).then(|| StepReport {
        name: name.into(),
        kind: step.kind().into(),
        out: rel,
        fingerprint: want,
        up_to_date: true,
    }))
}

/// Slice 0 of a step merged in the run: once every slice's manifest is there, merge them into the
/// step's directory (the single build's bytes), for later steps and the other slices to read.
fn merge_when_done(
    loaded: &Loaded,
    name: &str,
    step: &Step,
    of: u32,
    wait: Duration,
) -> Result<StepReport> {
    let (dir, rel) = step_out(loaded, name, step, None);
    let start = Instant::now();
    let done = |j: u32| {
        crate::mix::slices::slice_dir(&dir, j, of)
            .join("manifest.json")
            .exists()
    };
    while !(0..of).all(done) {
        if start.elapsed() > wait {
            let missing: Vec<String> = (0..of)
                .filter(|&j| !done(j))
                .map(|j| j.to_string())
                .collect();
            bail!(input(
                "step `{name}`: slices {} of {of} did not finish within {} s",
                missing.join(", "),
                wait.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let m = crate::mix::slices::merge(&dir, of)?;
    Ok(StepReport {
        name: name.into(),
        kind: step.kind().into(),
        out: rel,
        fingerprint: m.header.fingerprint.clone(),
        up_to_date: false,
    })
}

/// One slice of a shardable step, as merged.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SliceInfo {
    pub slice: String,
    pub fingerprint: String,
    /// The slice's counts (views: `samples`, `views`).
    #[serde(flatten)]
    pub totals: BTreeMap<String, u64>,
    /// Files relative to the step's directory.
    pub shards: Vec<ShardInfo>,
}

/// `OUT/STEP/manifest.json` of a sharded step: the union of its N slices.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MergedManifest {
    pub sluice_version: String,
    pub command: String,
    pub kind: String,
    pub of: u32,
    /// The slices' counts added up.
    #[serde(flatten)]
    pub totals: BTreeMap<String, u64>,
    pub slices: Vec<SliceInfo>,
}

/// `pipeline merge FILE --of N`: check that every slice of every shardable step finished and write
/// each step's combined manifest (and `OUT/pipeline.json`).
pub fn merge(file: &Path, of: u32, out: Option<&Path>) -> Result<RunManifest> {
    let mut loaded = load_or_report(file)?;
    loaded.set_out(out)?;
    let mut steps = Vec::new();
    for name in order(&loaded.pipeline) {
        let step = &loaded.pipeline.steps[&name];
        let report = match step.shardable() && !step.merged_in_run() {
            false => finished(&loaded, &name, step)?,
            true => merge_step(&loaded, &name, step, of)?,
        };
        steps.push(report);
    }
    let manifest = RunManifest {
        sluice_version: env!("CARGO_PKG_VERSION").into(),
        pipeline: loaded.pipeline.name.clone(),
        slice: None,
        steps,
    };
    write_json(&loaded.out_dir().join("pipeline.json"), &manifest)?;
    Ok(manifest)
}

/// A step built once (by slice 0): it must have finished.
fn finished(loaded: &Loaded, name: &str, step: &Step) -> Result<StepReport> {
    let (dir, rel) = step_out(loaded, name, step, None);
    let m: serde_json::Value = read_json(&dir.join("manifest.json")).map_err(|_| {
        err!(input(
            "step `{name}` has not finished ({} has no manifest)",
            dir.display()
        ))
    })?;
    Ok(StepReport {
        name: name.into(),
        kind: step.kind().into(),
        out: rel,
        fingerprint: m["fingerprint"].as_str().unwrap_or_default().into(),
        up_to_date: true,
    })
}

/// The combined manifest of a shardable step's N slices.
fn merge_step(loaded: &Loaded, name: &str, step: &Step, of: u32) -> Result<StepReport> {
    let mut slices = Vec::new();
    let mut missing = Vec::new();
    for i in 0..of {
        let (dir, rel) = step_out(loaded, name, step, Some((i, of)));
        let Ok(s) = step.slice(&dir) else {
            missing.push(i.to_string());
            continue;
        };
        let prefix = rel.trim_start_matches(&format!("{name}/")).to_string();
        slices.push(SliceInfo {
            slice: format!("{i}-of-{of}"),
            fingerprint: s.fingerprint,
            totals: s.totals,
            shards: s
                .shards
                .into_iter()
                .map(|sh| ShardInfo {
                    path: format!("{prefix}/{}", sh.path),
                    ..sh
                })
                .collect(),
        });
    }
    if !missing.is_empty() {
        bail!(input(
            "step `{name}`: slices {} of {of} have not finished",
            missing.join(", ")
        ));
    }
    let mut totals = BTreeMap::new();
    for (k, v) in slices.iter().flat_map(|s| &s.totals) {
        *totals.entry(k.clone()).or_insert(0) += v;
    }
    let merged = MergedManifest {
        sluice_version: env!("CARGO_PKG_VERSION").into(),
        command: "pipeline merge".into(),
        kind: step.kind().into(),
        of,
        totals,
        slices,
    };
    let dir = loaded.out_dir().join(name);
    // The step directory is written: no other merge (or a run of the step itself) meanwhile.
    let _lock = DirLock::acquire(&dir)?;
    write_json(&dir.join("manifest.json"), &merged)?;
    let text = serde_json::to_string(&merged).map_err(|e| Error::internal(e.to_string()))?;
    Ok(StepReport {
        name: name.into(),
        kind: step.kind().into(),
        out: name.into(),
        fingerprint: sha256_bytes(text.as_bytes()),
        up_to_date: false,
    })
}

/// `(i, N)` from `--shard/--of`, else Slurm's array variables, else a Kubernetes Indexed Job's.
pub fn slice_from_env(shard: Option<u32>, of: Option<u32>) -> Result<Option<(u32, u32)>> {
    let var = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u32>().ok());
    let (i, n) = match (shard, of) {
        (Some(i), Some(n)) => (i, n),
        (None, None) => match (var("SLURM_ARRAY_TASK_ID"), var("SLURM_ARRAY_TASK_COUNT")) {
            // Arrays may start at 1 (`--array=1-8`): count from the array's first index.
            (Some(i), Some(n)) => (i - var("SLURM_ARRAY_TASK_MIN").unwrap_or(0).min(i), n),
            _ => match (var("JOB_COMPLETION_INDEX"), var("SLUICE_SHARDS")) {
                (Some(i), Some(n)) => (i, n),
                (Some(_), None) => {
                    return Err(Error::config(
                        "JOB_COMPLETION_INDEX is set: pass --of N (the Job's completions) or set SLUICE_SHARDS",
                    ));
                }
                _ => return Ok(None),
            },
        },
        _ => return Err(Error::config("--shard and --of go together")),
    };
    if n == 0 || i >= n {
        bail!(config("slice {i} of {n}: need 0 <= i < N"));
    }
    Ok(Some((i, n)))
}

/// A path as a pipeline file writes it: relative to the file's folder, or an object-store URL as
/// it is.
pub fn from_file(base: &Path, p: &str) -> PathBuf {
    match crate::store::is_url(Path::new(p)) {
        true => PathBuf::from(p),
        false => base.join(p),
    }
}
