//! `sluice pipeline validate | schema | run | merge | schedule | status`.

use std::path::Path;
use std::time::Duration;

use crate::cli::pipeline::PipelineCommand;
use crate::core::progress::Progress;
use crate::error::{Error, Result};
use crate::pipeline::run::{RunOptions, load_or_report, merge, run, slice_from_env};
use crate::pipeline::schedule::{ScheduleOptions, schedule};
use crate::pipeline::state::State;
use crate::pipeline::validate::order;

pub fn run_command(cmd: PipelineCommand, quiet: bool) -> Result<()> {
    match cmd {
        PipelineCommand::Validate { files } => validate(&files),
        PipelineCommand::Schema => {
            let s = crate::pipeline::spec::json_schema();
            println!(
                "{}",
                serde_json::to_string_pretty(&s).map_err(|e| Error::internal(e.to_string()))?
            );
            Ok(())
        }
        PipelineCommand::Run(a) => run_pipeline(a, quiet),
        PipelineCommand::Merge { file, of, out } => {
            let m = merge(&file, of, out.as_deref())?;
            println!(
                "sluice pipeline merge: {} ({} steps, {of} slices)",
                m.pipeline,
                m.steps.len()
            );
            Ok(())
        }
        PipelineCommand::Schedule(a) => {
            let now = a
                .now
                .as_deref()
                .map(|s| {
                    chrono::DateTime::parse_from_rfc3339(s)
                        .map(|t| t.with_timezone(&chrono::Utc))
                        .map_err(|e| err!(config("--now {s}: {e}")))
                })
                .transpose()?;
            schedule(&ScheduleOptions {
                db: a.db.unwrap_or_else(|| default_db(&a.dir)),
                dir: a.dir,
                once: a.once,
                now,
                tick: Duration::from_secs(a.tick.max(1)),
            })
        }
        PipelineCommand::Status { dir, db, json } => status(&dir, db, json),
    }
}

/// `pipeline validate FILE...`: every problem of every file, then one error naming the invalid ones.
fn validate(files: &[std::path::PathBuf]) -> Result<()> {
    let mut failed = Vec::new();
    for f in files {
        match load_or_report(f) {
            Ok(l) => {
                let n = l.pipeline.steps.len();
                println!(
                    "ok: {} ({n} step{}, in order: {})",
                    f.display(),
                    if n == 1 { "" } else { "s" },
                    order(&l.pipeline).join(", ")
                )
            }
            Err(e) => {
                eprintln!("{e}");
                failed.push(f.display().to_string());
            }
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(err!(config("invalid: {}", failed.join(", "))))
    }
}

fn run_pipeline(a: crate::cli::pipeline::PipelineRunArgs, quiet: bool) -> Result<()> {
    let opts = RunOptions {
        slice: slice_from_env(a.shard, a.of)?,
        threads: a
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        progress: Progress::auto(quiet),
        wait: Duration::from_secs(a.wait),
        out: a.out.clone(),
    };
    let start = std::time::Instant::now();
    let m = run(&a.file, &opts)?;
    let slice = opts
        .slice
        .map_or(String::new(), |(i, n)| format!(" (slice {i} of {n})"));
    println!(
        "sluice pipeline run: {}{slice} in {:.1} s",
        m.pipeline,
        start.elapsed().as_secs_f64()
    );
    for s in &m.steps {
        let what = if s.up_to_date { "up to date" } else { "built" };
        println!("  {:<16} {:<6} {what:<11} {}", s.name, s.kind, s.out);
    }
    Ok(())
}

/// `pipeline status DIR`: the scheduler's runs.
fn status(dir: &Path, db: Option<std::path::PathBuf>, json: bool) -> Result<()> {
    let db = db.unwrap_or_else(|| default_db(dir));
    if !db.exists() {
        bail!(input("no scheduler state at {}", db.display()));
    }
    let runs = State::open(&db)?.runs(None)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&runs).map_err(|e| Error::internal(e.to_string()))?
        );
        return Ok(());
    }
    println!(
        "{:<20} {:<21} {:<12} {:>8}  note",
        "pipeline", "slot", "status", "attempts"
    );
    for r in runs {
        println!(
            "{:<20} {:<21} {:<12} {:>8}  {}",
            r.pipeline,
            r.slot,
            r.status,
            r.attempts,
            r.note.unwrap_or_default()
        );
    }
    Ok(())
}

fn default_db(dir: &Path) -> std::path::PathBuf {
    dir.join(".sluice-schedule.db")
}
