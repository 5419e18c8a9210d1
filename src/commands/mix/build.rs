//! `sluice mix build`.

use std::time::Instant;

use crate::cli::mix::MixBuildArgs;
use crate::commands::{samples_dir, thousands};
use crate::core::job::{Exec, run_job};
use crate::core::progress::Progress;
use crate::dataset::mix::MixManifest;
use crate::error::{Error, Result};
use crate::mix::build::MixBuild;

pub fn run(mut args: MixBuildArgs, quiet: bool) -> Result<()> {
    let start = Instant::now();
    let o = &mut args.options;
    // The shipped samples stand in for whatever is not given; --target alone means no pretraining data.
    let use_samples = o.target.is_empty() && o.pretrain.is_empty();
    if use_samples {
        let s = samples_dir()?;
        (o.target, o.pretrain) = (vec![s.join("target")], vec![s.join("pretrain")]);
    }
    if o.tokenizer.is_none() {
        o.tokenizer = Some(samples_dir()?.join("tokenizer.json"));
    }
    if o.target.is_empty() {
        return Err(Error::config(
            "--pretrain needs --target: the target-domain data to finetune on",
        ));
    }
    let cfg = o.config(0)?;
    let exec = Exec::new(
        args.out.clone(),
        args.overwrite,
        args.threads,
        Progress::auto(quiet || args.json),
    );
    let outcome = run_job(&mut MixBuild::new(cfg, args.shuffle_mem_mb << 20), &exec)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&outcome.manifest)
                .map_err(|e| Error::internal(e.to_string()))?
        );
    } else {
        let note = if outcome.up_to_date {
            " (already complete: nothing to do)"
        } else if outcome.resumed > 0 {
            " (resumed)"
        } else {
            ""
        };
        print!(
            "{}",
            summary(
                &outcome.manifest,
                &exec.out.display().to_string(),
                start.elapsed().as_secs_f64(),
                note
            )
        );
    }
    Ok(())
}

/// The one-screen summary.
pub fn summary(m: &MixManifest, out: &str, secs: f64, note: &str) -> String {
    let t = &m.tokenizer;
    let s = &m.schedule;
    let mut o = format!("sluice mix build: {out} in {secs:.1} s{note}\n");
    o += &format!(
        "  tokenizer  {} ({}, vocab {}, eos {})\n",
        t.path,
        t.engine,
        t.vocab_size,
        match (&t.eos_token, t.eos_id) {
            (Some(tok), Some(id)) => format!("{tok}={id}"),
            _ => "none".into(),
        }
    );
    o += &format!(
        "  inject     {} = {}: {} of {} train sequences from pretraining ({:.6}), max prefix deviation {:.2} sequences\n",
        s.inject,
        s.inject_exact,
        thousands(s.pretrain_sequences),
        thousands(s.total_sequences),
        s.achieved_fraction,
        s.max_prefix_deviation
    );
    o += &format!(
        "  {:<13}{:>11}{:>14}{:>12}{:>14}{:>7}\n",
        "split", "sequences", "tokens", "target docs", "pretrain docs", "files"
    );
    for (name, sp) in &m.splits {
        let docs = |src: &str| sp.by_source.get(src).map_or(0, |x| x.documents);
        o += &format!(
            "  {name:<13}{:>11}{:>14}{:>12}{:>14}{:>7}\n",
            thousands(sp.sequences),
            thousands(sp.tokens),
            thousands(docs("target")),
            thousands(docs("pretrain")),
            sp.files.len()
        );
    }
    for (name, c) in &m.sources {
        let skipped: u64 = c.skipped.values().sum();
        o += &format!(
            "  {name:<10} {} files, {} records: {} train docs ({} tokens), {} val docs ({} tokens), {skipped} skipped{}\n",
            c.files,
            thousands(c.records),
            thousands(c.train_documents),
            thousands(c.train_tokens),
            thousands(c.val_documents),
            thousands(c.val_tokens),
            if skipped > 0 {
                format!(" {:?}", c.skipped)
            } else {
                String::new()
            }
        );
    }
    o += &format!("  manifest   {out}/manifest.json\n");
    o
}
