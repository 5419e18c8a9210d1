//! `pipeline run`: steps in dependency order, each into `OUT/STEP/` through the same library call as
//! its CLI command, so each keeps its own atomic shards, manifest, fingerprint and resume. A rerun
//! finds finished steps up to date and resumes unfinished ones. With `--shard i --of N`, shardable
//! steps write slice i to `OUT/STEP/slices/i-of-N/`; other steps are built by slice 0 and awaited by
//! the rest; `pipeline merge` then writes each shardable step's combined manifest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::prelude::{
    CsvReadOptions, JsonReadOptions, ParquetReadOptions, SessionConfig, SessionContext,
};
use futures::StreamExt;
use parquet::arrow::ArrowWriter;
use serde::{Deserialize, Serialize};

use crate::core::atomic::AtomicFile;
use crate::core::fingerprint::{sha256_bytes, sha256_file};
use crate::core::manifest::{ShardInfo, read_json, write_json};
use crate::core::progress::Progress;
use crate::error::{Error, Result};
use crate::pipeline::spec::{MixStep, SqlStep, Step, ViewsStep};
use crate::pipeline::validate::{Loaded, load, order, step_ref};
use crate::source::SourceSpec;

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
    let out = loaded.base.join(&loaded.pipeline.out);
    std::fs::create_dir_all(&out).map_err(|e| Error::io("create", &out, e))?;
    let mut steps = Vec::new();
    for name in order(&loaded.pipeline) {
        let step = &loaded.pipeline.steps[&name];
        let report = match (opts.slice, step.shardable()) {
            (Some((i, _)), false) if i != 0 => wait_for(&loaded, &name, step, opts.wait)?,
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
        Error::config(format!(
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
                if !rest.is_empty() {
                    return dir.join(rest);
                }
                match self.pipeline.steps.get(name) {
                    Some(Step::Mix(_)) => dir.join("train"),
                    Some(Step::Views(_)) => dir.join("views"),
                    _ => dir.join("data"),
                }
            }
            None => self.base.join(p),
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
        Error::Config(m) => Error::config(format!("step `{name}`: {m}")),
        Error::Input(m) => Error::input(format!("step `{name}`: {m}")),
        other => other,
    };
    let (fingerprint, up_to_date) = match step {
        Step::Mix(m) => run_mix(loaded, m, &dir, opts).map_err(at)?,
        Step::Views(v) => run_views(loaded, v, &dir, opts).map_err(at)?,
        Step::Sql(q) => run_sql(loaded, q, &dir).map_err(at)?,
    };
    Ok(StepReport {
        name: name.into(),
        kind: step.kind().into(),
        out: rel,
        fingerprint,
        up_to_date,
    })
}

/// A slice other than 0 waits until slice 0 has built `step` for this very configuration: the
/// manifest must exist and carry the fingerprint this slice computes itself (inputs included).
fn wait_for(loaded: &Loaded, name: &str, step: &Step, wait: Duration) -> Result<StepReport> {
    let (dir, rel) = step_out(loaded, name, step, None);
    let manifest = dir.join("manifest.json");
    let want = match step {
        Step::Mix(m) => crate::mix::build::fingerprint(&mix_config(loaded, m))?,
        Step::Sql(q) => sql_fingerprint(loaded, q)?.0,
        Step::Views(_) => return Err(Error::internal("views steps are sharded, not awaited")),
    };
    let start = Instant::now();
    loop {
        let found = read_json::<serde_json::Value>(&manifest)
            .ok()
            .and_then(|m| m["fingerprint"].as_str().map(str::to_string));
        if found.as_deref() == Some(want.as_str()) {
            break;
        }
        if start.elapsed() > wait {
            let why = match found {
                Some(_) => "holds a build of another configuration or input",
                None => "did not appear",
            };
            return Err(Error::input(format!(
                "step `{name}` is built by slice 0 and {} {why} within {} s",
                manifest.display(),
                wait.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    Ok(StepReport {
        name: name.into(),
        kind: step.kind().into(),
        out: rel,
        fingerprint: want,
        up_to_date: true,
    })
}

fn mix_config(loaded: &Loaded, m: &MixStep) -> crate::mix::build::MixConfig {
    let spec = |name: &str, paths: &[String], filter: &Option<String>| SourceSpec {
        name: name.into(),
        paths: paths.iter().map(|p| loaded.resolve(p)).collect(),
        text_column: m.text_column.clone(),
        filter: filter.clone().or_else(|| m.filter.clone()),
        on_error: m.on_error,
    };
    crate::mix::build::MixConfig {
        target: spec("target", &m.target, &m.target_where),
        pretrain: (!m.pretrain.is_empty())
            .then(|| spec("pretrain", &m.pretrain, &m.pretrain_where)),
        inject: m.inject.clone(),
        tokenizer: loaded.resolve(&m.tokenizer),
        tokenizer_engine: m.tokenizer_engine,
        eos: m.eos.clone(),
        seq_len: m.seq_len,
        epochs: m.epochs,
        val_frac: m.val_frac,
        seed: m.seed.unwrap_or(loaded.pipeline.seed),
        formats: m.format.clone(),
        shard_rows: m.shard_rows,
    }
}

fn run_mix(loaded: &Loaded, m: &MixStep, dir: &Path, opts: &RunOptions) -> Result<(String, bool)> {
    let cfg = mix_config(loaded, m);
    let exec = crate::mix::build::ExecConfig {
        out: dir.to_path_buf(),
        threads: opts.threads,
        shuffle_mem: 1 << 30,
        overwrite: true,
        progress: opts.progress,
    };
    let o = crate::mix::build::run(&cfg, &exec)?;
    Ok((o.manifest.fingerprint, o.up_to_date))
}

fn run_views(
    loaded: &Loaded,
    v: &ViewsStep,
    dir: &Path,
    opts: &RunOptions,
) -> Result<(String, bool)> {
    let recipe = match crate::views::recipe::builtin(&v.recipe) {
        Some(r) => r,
        None => {
            crate::views::recipe::Recipe::resolve(&loaded.resolve(&v.recipe).to_string_lossy())?
        }
    };
    let (shard, of) = opts.slice.unwrap_or((0, 1));
    let cfg = crate::views::generate::ViewsConfig {
        input: loaded.resolve(&v.input),
        columns: crate::views::source::Columns {
            image: v.image_column.clone(),
            label: v.label_column.clone(),
            id: v.id_column.clone(),
        },
        k: v.k,
        recipe,
        size: v.size,
        seed: v.seed.unwrap_or(loaded.pipeline.seed),
        format: v.format,
        quality: v.quality,
        shard,
        of,
        on_error: v.on_error,
        max_pixels: v.max_pixels,
        group_samples: v.group_samples,
        shard_samples: v.shard_samples,
    };
    let exec = crate::views::generate::ExecConfig {
        out: dir.to_path_buf(),
        threads: opts.threads,
        overwrite: true,
        progress: opts.progress,
    };
    let o = crate::views::generate::run(&cfg, &exec)?;
    Ok((o.manifest.fingerprint, o.up_to_date))
}

/// `OUT/STEP/manifest.json` of a SQL step.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SqlManifest {
    pub sluice_version: String,
    pub command: String,
    pub fingerprint: String,
    pub query: String,
    pub sources: BTreeMap<String, String>,
    pub rows: u64,
    pub shards: Vec<ShardInfo>,
}

/// A SQL step's fingerprint: version, the step's options, each source file's sha256.
fn sql_fingerprint(loaded: &Loaded, q: &SqlStep) -> Result<(String, BTreeMap<String, String>)> {
    let mut inputs = BTreeMap::new();
    for (table, p) in &q.sources {
        inputs.insert(table.clone(), sha256_file(&loaded.resolve(p))?);
    }
    let fingerprint = sha256_bytes(
        serde_json::json!({"version": env!("CARGO_PKG_VERSION"), "step": q, "inputs": inputs})
            .to_string()
            .as_bytes(),
    );
    Ok((fingerprint, inputs))
}

fn run_sql(loaded: &Loaded, q: &SqlStep, dir: &Path) -> Result<(String, bool)> {
    let (fingerprint, inputs) = sql_fingerprint(loaded, q)?;
    let files: BTreeMap<String, PathBuf> = q
        .sources
        .iter()
        .map(|(t, p)| (t.clone(), loaded.resolve(p)))
        .collect();
    let manifest_path = dir.join("manifest.json");
    if let Ok(m) = read_json::<SqlManifest>(&manifest_path)
        && m.fingerprint == fingerprint
    {
        return Ok((fingerprint, true));
    }
    // Start clean: a different query or input, or an interrupted run.
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| Error::io("clear", dir, e))?;
    }
    let data = dir.join("data");
    std::fs::create_dir_all(&data).map_err(|e| Error::io("create", &data, e))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("start async runtime: {e}")))?;
    // One partition: rows come out in one deterministic order (give ORDER BY to choose it).
    let ctx = SessionContext::new_with_config(
        SessionConfig::new()
            .with_target_partitions(1)
            .with_repartition_file_scans(false),
    );
    let err = |e: datafusion::error::DataFusionError| Error::input(format!("query: {e}"));
    let (rows, shards) = rt.block_on(async {
        for (table, path) in &files {
            let p = path.to_string_lossy().to_string();
            let ext = format!(
                ".{}",
                path.extension().and_then(|e| e.to_str()).unwrap_or("")
            );
            let r = match ext.as_str() {
                ".parquet" => {
                    ctx.register_parquet(table, &p, ParquetReadOptions::default())
                        .await
                }
                ".jsonl" | ".json" | ".ndjson" => {
                    ctx.register_json(table, &p, JsonReadOptions::default().file_extension(&ext))
                        .await
                }
                ".csv" => {
                    ctx.register_csv(table, &p, CsvReadOptions::new().has_header(true))
                        .await
                }
                _ => {
                    return Err(Error::input(format!(
                        "source `{table}` ({p}): not a .parquet, .jsonl or .csv file"
                    )));
                }
            };
            r.map_err(|e| Error::input(format!("source `{table}` ({p}): {e}")))?;
        }
        let df = ctx.sql(&q.query).await.map_err(err)?;
        let schema = Arc::new(df.schema().as_arrow().clone());
        let mut stream = df.execute_stream().await.map_err(err)?;
        let mut shards = Vec::new();
        let mut rows = 0u64;
        let mut writer: Option<(ArrowWriter<AtomicFile>, u64)> = None;
        let finish =
            |w: ArrowWriter<AtomicFile>, n: u64, shards: &mut Vec<ShardInfo>| -> Result<()> {
                let mut f = w.into_inner().map_err(|e| Error::internal(e.to_string()))?;
                f.flush_and_sync()?;
                let (bytes, sha256) = f.digest();
                let path = f.path().to_path_buf();
                f.commit()?;
                shards.push(ShardInfo {
                    path: format!(
                        "data/{}",
                        path.file_name().unwrap_or_default().to_string_lossy()
                    ),
                    rows: n,
                    bytes,
                    sha256,
                });
                Ok(())
            };
        while let Some(batch) = stream.next().await {
            let batch = batch.map_err(err)?;
            let mut offset = 0;
            while offset < batch.num_rows() {
                if writer.is_none() {
                    let path = data.join(format!("part-{:05}.parquet", shards.len()));
                    let w = ArrowWriter::try_new(AtomicFile::create(&path)?, schema.clone(), None)
                        .map_err(|e| Error::internal(e.to_string()))?;
                    writer = Some((w, 0));
                }
                let (w, n) = writer.as_mut().expect("opened above");
                let take = ((q.rows_per_file - *n) as usize).min(batch.num_rows() - offset);
                w.write(&batch.slice(offset, take))
                    .map_err(|e| Error::internal(e.to_string()))?;
                *n += take as u64;
                rows += take as u64;
                offset += take;
                if *n >= q.rows_per_file {
                    let (w, n) = writer.take().expect("open");
                    finish(w, n, &mut shards)?;
                }
            }
        }
        if let Some((w, n)) = writer.take() {
            finish(w, n, &mut shards)?;
        }
        Ok::<_, Error>((rows, shards))
    })?;
    let manifest = SqlManifest {
        sluice_version: env!("CARGO_PKG_VERSION").into(),
        command: "pipeline sql".into(),
        fingerprint: fingerprint.clone(),
        query: q.query.clone(),
        sources: inputs,
        rows,
        shards,
    };
    write_json(&manifest_path, &manifest)?;
    Ok((fingerprint, false))
}

/// One slice of a shardable step, as merged.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SliceInfo {
    pub slice: String,
    pub fingerprint: String,
    pub samples: u64,
    pub views: u64,
    /// Files relative to the step's directory.
    pub shards: Vec<ShardInfo>,
}

/// `OUT/STEP/manifest.json` of a sharded step: the union of its N slices.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MergedManifest {
    pub sluice_version: String,
    pub command: String,
    pub of: u32,
    pub samples: u64,
    pub views: u64,
    pub slices: Vec<SliceInfo>,
}

/// `pipeline merge FILE --of N`: check that every slice of every shardable step finished and write
/// each step's combined manifest (and `OUT/pipeline.json`).
pub fn merge(file: &Path, of: u32, out: Option<&Path>) -> Result<RunManifest> {
    let mut loaded = load_or_report(file)?;
    loaded.set_out(out)?;
    let out = loaded.out_dir();
    let mut steps = Vec::new();
    for name in order(&loaded.pipeline) {
        let step = &loaded.pipeline.steps[&name];
        if !step.shardable() {
            let (dir, rel) = step_out(&loaded, &name, step, None);
            let m: serde_json::Value = read_json(&dir.join("manifest.json")).map_err(|_| {
                Error::input(format!(
                    "step `{name}` has not finished ({} has no manifest)",
                    dir.display()
                ))
            })?;
            steps.push(StepReport {
                name: name.clone(),
                kind: step.kind().into(),
                out: rel,
                fingerprint: m["fingerprint"].as_str().unwrap_or_default().into(),
                up_to_date: true,
            });
            continue;
        }
        let mut slices = Vec::new();
        let mut missing = Vec::new();
        for i in 0..of {
            let (dir, rel) = step_out(&loaded, &name, step, Some((i, of)));
            match crate::views::generate::read_manifest(&dir) {
                Ok(m) => slices.push(SliceInfo {
                    slice: format!("{i}-of-{of}"),
                    fingerprint: m.fingerprint,
                    samples: m.samples.written,
                    views: m.views,
                    shards: m
                        .shards
                        .into_iter()
                        .map(|s| ShardInfo {
                            path: format!(
                                "{}/{}",
                                rel.trim_start_matches(&format!("{name}/")),
                                s.path
                            ),
                            ..s
                        })
                        .collect(),
                }),
                Err(_) => missing.push(i.to_string()),
            }
        }
        if !missing.is_empty() {
            return Err(Error::input(format!(
                "step `{name}`: slices {} of {of} have not finished",
                missing.join(", ")
            )));
        }
        let merged = MergedManifest {
            sluice_version: env!("CARGO_PKG_VERSION").into(),
            command: "pipeline merge".into(),
            of,
            samples: slices.iter().map(|s| s.samples).sum(),
            views: slices.iter().map(|s| s.views).sum(),
            slices,
        };
        let dir = out.join(&name);
        write_json(&dir.join("manifest.json"), &merged)?;
        steps.push(StepReport {
            name: name.clone(),
            kind: step.kind().into(),
            out: name.clone(),
            fingerprint: sha256_bytes(
                serde_json::to_string(&merged)
                    .unwrap_or_default()
                    .as_bytes(),
            ),
            up_to_date: false,
        });
    }
    let manifest = RunManifest {
        sluice_version: env!("CARGO_PKG_VERSION").into(),
        pipeline: loaded.pipeline.name.clone(),
        slice: None,
        steps,
    };
    write_json(&out.join("pipeline.json"), &manifest)?;
    Ok(manifest)
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
        return Err(Error::config(format!("slice {i} of {n}: need 0 <= i < N")));
    }
    Ok(Some((i, n)))
}
