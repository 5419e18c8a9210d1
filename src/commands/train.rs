use crate::cli::train::{FisherArgs, LmArgs, SslArgs};
use crate::core::job::{Exec, Outcome, run_job};
use crate::core::progress::Progress;
use crate::error::Result;
use crate::train::lm::TrainJob;
use crate::train::ssl::SslJob;

pub fn lm(a: LmArgs, quiet: bool) -> Result<()> {
    let exec = Exec::new(a.out, a.overwrite, None, Progress::auto(quiet))?;
    let mut job = TrainJob::new(a.options, Box::new(std::io::stdout()));
    let o = run_job(&mut job, &exec)?;
    report(&o, &exec);
    let m = &o.manifest;
    let last = m.evals.last();
    let first = m.evals.first();
    let fmt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.4}"));
    eprintln!(
        "trained {} tokens on {} ({:.0} tokens/s), {} parameters; val_target {} -> {}, val_pretrain {} -> {} nats",
        m.tokens_trained,
        m.device,
        m.train_tokens_per_second,
        super::thousands(m.parameters),
        fmt(first.and_then(|e| e.val_target)),
        fmt(last.and_then(|e| e.val_target)),
        fmt(first.and_then(|e| e.val_pretrain)),
        fmt(last.and_then(|e| e.val_pretrain))
    );
    eprintln!(
        "wrote {} (weights + config.json for transformers, metrics.jsonl, manifest.json)",
        exec.shown()
    );
    Ok(())
}

pub fn ssl(a: SslArgs, quiet: bool) -> Result<()> {
    let exec = Exec::new(a.out, a.overwrite, None, Progress::auto(quiet))?;
    let mut job = SslJob::new(a.options, Box::new(std::io::stdout()));
    let o = run_job(&mut job, &exec)?;
    report(&o, &exec);
    let m = &o.manifest;
    let knn = |r: Option<&crate::train::ssl::SslRow>| r.map_or(0.0, |r| r.knn_top1);
    let what = match (m.config.steps, &m.config.init) {
        (0, Some(init)) => format!("evaluated {}: a", init.display()),
        (_, Some(init)) => format!("finetuned {}: a", init.display()),
        _ => "trained a".into(),
    };
    eprintln!(
        "{what} {:?} encoder ({} parameters) on {} with {:?}: {} views; kNN top-1 {:.3} -> {:.3} (raw pixels {:.3}), linear probe {}",
        m.config.encoder,
        super::thousands(m.encoder_parameters),
        m.device,
        m.config.objective,
        m.views_seen,
        knn(m.evals.first()),
        knn(m.evals.last()),
        m.pixel_knn_top1,
        m.evals
            .last()
            .and_then(|r| r.linear_top1)
            .map_or("-".into(), |v| format!("{v:.3}"))
    );
    eprintln!(
        "wrote {} (encoder.safetensors, heads.safetensors, metrics.jsonl, manifest.json)",
        exec.shown()
    );
    Ok(())
}

pub fn fisher(a: FisherArgs, quiet: bool) -> Result<()> {
    let exec = Exec::new(a.out, a.overwrite, None, Progress::auto(quiet))?;
    let o = run_job(&mut crate::train::fisher::FisherJob::new(a.options), &exec)?;
    report(&o, &exec);
    let m = &o.manifest;
    let over = match m.tokens {
        Some(t) => format!(
            "{} sequences ({} tokens) of `{}`",
            m.sequences,
            super::thousands(t),
            m.config.split
        ),
        None => format!("{} images of {}", m.sequences, m.config.data.display()),
    };
    eprintln!(
        "Fisher of {} over {over} on {}: mean {:.3e}, max {:.3e}, trace {:.4e}\nwrote {}/{} (manifest.json)",
        m.config.model.display(),
        m.backend,
        m.mean,
        m.max,
        m.trace,
        exec.shown(),
        m.file
    );
    Ok(())
}

/// What every trainer says first: a finished output left alone, or the checkpoint resumed from.
fn report<B>(o: &Outcome<B>, exec: &Exec) {
    if o.up_to_date {
        println!(
            "{} is up to date (fingerprint {})",
            exec.shown(),
            &o.manifest.header.fingerprint[..12]
        );
    }
    if o.resumed > 0 {
        eprintln!("resumed from the checkpoint at step {}", o.resumed);
    }
}
