use crate::backend::OptimConfig;
use crate::cli::train::LmArgs;
use crate::core::progress::Progress;
use crate::error::Result;
use crate::train::lm::{self, TrainConfig, TrainExec};

pub fn lm(a: LmArgs, quiet: bool) -> Result<()> {
    let cfg = TrainConfig {
        data: a.data,
        init: a.init,
        arch: a.arch,
        steps: a.steps,
        batch_size: a.batch_size,
        grad_accum: a.grad_accum,
        lr: a.lr,
        min_lr_ratio: a.min_lr_ratio,
        warmup: a.warmup,
        eval_every: a.eval_every,
        eval_sequences: a.eval_sequences,
        checkpoint_every: a.checkpoint_every,
        seed: a.seed,
        optim: OptimConfig {
            weight_decay: a.weight_decay,
            ..OptimConfig::default()
        },
        distill_from: a.distill_from,
        distill_weight: a.distill_weight,
    };
    let mut exec = TrainExec {
        out: a.out,
        backend: a.backend,
        overwrite: a.overwrite,
        progress: Progress::auto(quiet),
        table: Box::new(std::io::stdout()),
    };
    let o = lm::train(&cfg, &mut exec)?;
    let m = &o.manifest;
    if o.up_to_date {
        println!(
            "{} is up to date (fingerprint {})",
            exec.out.display(),
            &m.fingerprint[..12]
        );
    }
    if let Some(s) = o.resumed_from {
        eprintln!("resumed from the checkpoint at step {s}");
    }
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
        fmt(last.and_then(|e| e.val_pretrain)),
    );
    eprintln!(
        "wrote {} (weights + config.json for transformers, metrics.jsonl, manifest.json)",
        exec.out.display()
    );
    Ok(())
}
