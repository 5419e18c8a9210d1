//! `pipeline schedule DIR`: a long-running scheduler for every pipeline file in DIR with a
//! `[schedule]`. Each due slot gets a row in the state database before its run starts (so a crash
//! never starts a slot twice); runs are child processes (`sluice pipeline run FILE`), so a failed
//! or killed run never takes the scheduler down and `replace` can stop one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::core::manifest::read_json;
use crate::error::{Error, Result};
use crate::pipeline::run::{RunManifest, load_checked};
use crate::pipeline::spec::{Catchup, Concurrency, Schedule};
use crate::pipeline::state::State;
use crate::pipeline::validate::{Loaded, parse_cron};

pub struct ScheduleOptions {
    pub dir: PathBuf,
    pub db: PathBuf,
    /// Handle what is due now, wait for the runs started, and exit.
    pub once: bool,
    /// Pretend it is this time (tests, backfills).
    pub now: Option<DateTime<Utc>>,
    pub tick: Duration,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn parse_stamp(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| err!(internal("bad time {s} in the state database: {e}")))
}

struct Scheduled {
    file: PathBuf,
    name: String,
    schedule: Schedule,
}

/// Every pipeline file in `dir` with a schedule; any invalid file stops the scheduler at start.
fn discover(dir: &Path) -> Result<Vec<Scheduled>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io("list", dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let Loaded { pipeline, .. } = load_checked(&file, false)?;
        if let Some(schedule) = pipeline.schedule {
            out.push(Scheduled {
                file,
                name: pipeline.name,
                schedule,
            });
        }
    }
    Ok(out)
}

/// Slots of `s` in (after, now], in order.
fn due(s: &Schedule, after: DateTime<Utc>, now: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>> {
    let cron = parse_cron(&s.cron).map_err(Error::config)?;
    let tz: chrono_tz::Tz = s
        .timezone
        .parse()
        .map_err(|_| err!(config("time zone `{}`", s.timezone)))?;
    let mut out = Vec::new();
    for t in cron.iter_after(after.with_timezone(&tz)) {
        let t = t.with_timezone(&Utc);
        if t > now || out.len() > 100_000 {
            break;
        }
        out.push(t);
    }
    Ok(out)
}

/// Whether `pid` is (still) a `sluice pipeline run FILE` process, not a reused pid.
fn is_run_of(pid: u32, file: &Path) -> bool {
    std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| {
        let args: Vec<&[u8]> = c.split(|b| *b == 0).collect();
        args.windows(2)
            .any(|w| w == [b"pipeline".as_slice(), b"run".as_slice()])
            && args.contains(&file.as_os_str().as_encoded_bytes())
    })
}

/// SIGKILL an orphaned run and wait until it is gone.
fn stop(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status();
    let start = std::time::Instant::now();
    while Path::new(&format!("/proc/{pid}")).exists() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn schedule(opts: &ScheduleOptions) -> Result<()> {
    let pipelines = discover(&opts.dir)?;
    if pipelines.is_empty() {
        bail!(config(
            "no pipeline file in {} has a [schedule]",
            opts.dir.display()
        ));
    }
    let state = State::open(&opts.db)?;
    let logs = opts.db.with_extension("logs");
    std::fs::create_dir_all(&logs).map_err(|e| Error::io("create", &logs, e))?;
    let exe = std::env::current_exe().map_err(|e| err!(internal("own path: {e}")))?;
    let now = || opts.now.unwrap_or_else(Utc::now);
    // Runs a previous scheduler started and did not see finish are never started again. One still
    // alive is stopped first, so it cannot overlap the next slot's run (its outputs resume).
    for p in &pipelines {
        for (id, _, pid, _) in state.with_status(&p.name, "running")? {
            let note = match pid {
                Some(pid) if is_run_of(pid, &p.file) => {
                    stop(pid);
                    format!("scheduler stopped during the run; run pid {pid} stopped at restart")
                }
                _ => "scheduler stopped during the run".to_string(),
            };
            state.set(id, "interrupted", Some(&note), &stamp(now()))?;
        }
    }
    let mut active: HashMap<String, (i64, Child)> = HashMap::new();
    loop {
        let t = now();
        for p in &pipelines {
            plan_slots(&state, p, t, opts.tick, &mut active)?;
        }
        reap(&state, &pipelines, &mut active, t, opts.once)?;
        for p in &pipelines {
            dispatch(&state, p, &exe, &logs, t, &mut active)?;
        }
        if opts.once {
            // Wait for what was started (and any retries that fall due at this same instant).
            loop {
                reap(&state, &pipelines, &mut active, t, true)?;
                let mut started = false;
                for p in &pipelines {
                    started |= dispatch(&state, p, &exe, &logs, t, &mut active)?;
                }
                if active.is_empty() && !started {
                    return Ok(());
                }
            }
        }
        std::thread::sleep(opts.tick);
    }
}

/// Insert rows for the slots due at `t`, by the catch-up and concurrency policies.
fn plan_slots(
    state: &State,
    p: &Scheduled,
    t: DateTime<Utc>,
    tick: Duration,
    active: &mut HashMap<String, (i64, Child)>,
) -> Result<()> {
    let s = &p.schedule;
    let since = parse_stamp(&state.since(&p.name, &p.file.display().to_string(), &stamp(t))?)?;
    let after = match state.last_slot(&p.name)? {
        Some(last) => parse_stamp(&last)?.max(since),
        None => since,
    };
    let slots = due(s, after, t)?;
    let grace = chrono::Duration::from_std(tick * 2).unwrap_or_default();
    let keep = match s.catchup {
        Catchup::Skip => slots.iter().filter(|&&x| t - x <= grace).count().min(1),
        Catchup::Latest => slots.len().min(1),
        Catchup::All => slots.len().min(s.max_catchup as usize),
    };
    let (missed, run) = slots.split_at(slots.len() - keep);
    for slot in missed {
        state.insert(
            &p.name,
            &stamp(*slot),
            "skipped",
            Some("missed; catch-up policy"),
        )?;
    }
    for slot in run {
        let busy =
            active.contains_key(&p.name) || !state.with_status(&p.name, "queued")?.is_empty();
        match (busy, s.concurrency) {
            (true, Concurrency::Forbid) => {
                state.insert(
                    &p.name,
                    &stamp(*slot),
                    "skipped",
                    Some("forbid: a run was active"),
                )?;
            }
            (true, Concurrency::Replace) => {
                if let Some((id, mut child)) = active.remove(&p.name) {
                    let _ = child.kill();
                    let _ = child.wait();
                    state.set(id, "cancelled", Some("replaced by a newer slot"), &stamp(t))?;
                }
                for (id, ..) in state.with_status(&p.name, "queued")? {
                    state.set(id, "cancelled", Some("replaced by a newer slot"), &stamp(t))?;
                }
                state.insert(&p.name, &stamp(*slot), "queued", None)?;
            }
            _ => {
                state.insert(&p.name, &stamp(*slot), "queued", None)?;
            }
        }
    }
    Ok(())
}

/// Start the oldest queued slot of `p` whose retry time has come, if none of its runs is active.
fn dispatch(
    state: &State,
    p: &Scheduled,
    exe: &Path,
    logs: &Path,
    t: DateTime<Utc>,
    active: &mut HashMap<String, (i64, Child)>,
) -> Result<bool> {
    if active.contains_key(&p.name) {
        return Ok(false);
    }
    let next = state
        .with_status(&p.name, "queued")?
        .into_iter()
        .find(|(_, _, _, retry)| {
            retry
                .as_deref()
                .is_none_or(|r| parse_stamp(r).is_ok_and(|r| r <= t))
        });
    let Some((id, slot, _, _)) = next else {
        return Ok(false);
    };
    let log = logs.join(format!("{}-{}.log", p.name, slot.replace(':', "")));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .map_err(|e| Error::io("open", &log, e))?;
    let err = file.try_clone().map_err(|e| Error::io("open", &log, e))?;
    let child = Command::new(exe)
        .args(["pipeline", "run", "--quiet"])
        .arg(&p.file)
        .env("SLUICE_SLOT", &slot)
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(err)
        .spawn()
        .map_err(|e| Error::io("start a run of", &p.file, e))?;
    state.started(id, child.id(), &stamp(t))?;
    active.insert(p.name.clone(), (id, child));
    Ok(true)
}

/// Collect finished runs: succeeded (with their steps), retried with backoff, or failed.
fn reap(
    state: &State,
    pipelines: &[Scheduled],
    active: &mut HashMap<String, (i64, Child)>,
    t: DateTime<Utc>,
    block: bool,
) -> Result<()> {
    let names: Vec<String> = active.keys().cloned().collect();
    for name in names {
        let Some((id, child)) = active.get_mut(&name) else {
            continue;
        };
        let status = if block {
            Some(
                child
                    .wait()
                    .map_err(|e| err!(internal("wait for run: {e}")))?,
            )
        } else {
            child
                .try_wait()
                .map_err(|e| err!(internal("wait for run: {e}")))?
        };
        let Some(status) = status else { continue };
        let id = *id;
        active.remove(&name);
        let p = pipelines
            .iter()
            .find(|p| p.name == name)
            .expect("active runs are of known pipelines");
        if status.success() {
            state.set(id, "succeeded", None, &stamp(t))?;
            if let Ok(loaded) = load_checked(&p.file, false)
                && let Ok(m) = read_json::<RunManifest>(&loaded.out_dir().join("pipeline.json"))
            {
                for s in m.steps {
                    state.step(id, &s.name, &s.kind, &s.fingerprint)?;
                }
            }
            continue;
        }
        let attempts = state.attempts(id)?;
        let note = format!(
            "exit status {}",
            status.code().map_or("signal".into(), |c| c.to_string())
        );
        if attempts <= p.schedule.retries as i64 {
            let wait = p
                .schedule
                .backoff_seconds
                .saturating_mul(1 << (attempts - 1).min(20));
            state.set(
                id,
                "queued",
                Some(&format!("{note}; retry {attempts} after {wait} s")),
                &stamp(t),
            )?;
            state.retry_at(id, &stamp(t + chrono::Duration::seconds(wait as i64)))?;
        } else {
            state.set(id, "failed", Some(&note), &stamp(t))?;
        }
    }
    Ok(())
}
