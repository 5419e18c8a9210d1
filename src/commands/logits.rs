use crate::cli::logits::{CacheArgs, InspectArgs, LogitsCommand};
use crate::core::job::{Exec, run_job};
use crate::core::progress::Progress;
use crate::dataset::logits::LogitsCache;
use crate::dataset::mix::MixData;
use crate::error::Result;
use crate::logits::cache::LogitsJob;
use crate::logits::inspect::inspect;

pub fn run(cmd: LogitsCommand, quiet: bool) -> Result<()> {
    match cmd {
        LogitsCommand::Cache(a) => run_cache(a, quiet),
        LogitsCommand::Inspect(a) => run_inspect(a),
    }
}

fn run_cache(a: CacheArgs, quiet: bool) -> Result<()> {
    let exec = Exec::new(a.out, a.overwrite, None, Progress::auto(quiet))?;
    let o = run_job(&mut LogitsJob::new(a.options), &exec)?;
    let m = &o.manifest;
    if o.up_to_date {
        println!("{} is up to date", exec.shown());
        return Ok(());
    }
    let share = m.writer_seconds / m.teacher_seconds.max(1e-9);
    println!(
        "cached {} sequences ({} tokens) of {} in {}: {:.1} B/token; teacher {:.1} s, writer {:.1} s ({:.1} % of the teacher's time, overlapped: the teacher waited {:.1} s){}",
        m.sequences,
        super::thousands(m.tokens),
        m.meta.teacher,
        exec.shown(),
        m.bytes_per_token,
        m.teacher_seconds,
        m.writer_seconds,
        100.0 * share,
        m.stall_seconds,
        if o.resumed > 0 {
            format!("; {} shards kept from an earlier run", o.resumed)
        } else {
            String::new()
        }
    );
    Ok(())
}

fn run_inspect(a: InspectArgs) -> Result<()> {
    let c = LogitsCache::open(&a.cache)?;
    if let Some(d) = &a.data {
        let data = MixData::open(d)?;
        for split in c.manifest.splits.keys() {
            c.check_against(&c.read_split(split)?, &data.split(split)?)?;
        }
    }
    let target = a.backend.target(a.device.as_deref())?;
    let r = inspect(
        &c,
        &a.split,
        a.teacher.as_deref().map(|t| (t, target)),
        a.positions,
    )?;
    if a.json {
        println!("{}", serde_json::to_string(&r).expect("report serialises"));
        return Ok(());
    }
    let opt = |v: Option<f64>, p: usize| v.map_or("-".to_string(), |v| format!("{v:.p$e}"));
    println!(
        "{}: {:?} (k {:?}, draws {:?}) at temperature {}",
        a.cache.display(),
        r.mode,
        r.k,
        r.draws,
        r.temperature
    );
    println!(
        "  {} sequences, {} tokens, {} bytes",
        r.sequences, r.tokens, r.bytes
    );
    println!("  {:.1} B/token", r.bytes_per_token);
    if r.positions_checked > 0 {
        println!(
            "  mean top-K mass {}",
            r.mean_mass_covered
                .map_or("-".into(), |v| format!("{v:.4}"))
        );
        println!(
            "  KL over {} positions: quantisation {} nats, full vocabulary {} nats; max |log Z error| {}",
            r.positions_checked,
            opt(r.kl_quantisation, 2),
            opt(r.kl_full, 2),
            opt(r.max_abs_logz_error, 1)
        );
    }
    if a.data.is_some() {
        println!("  input_ids match the data");
    }
    Ok(())
}
