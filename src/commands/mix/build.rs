//! `sluice mix build`.

use std::time::Instant;

use crate::cli::mix::{MixBuildArgs, MixMergeArgs};
use crate::commands::{samples_dir, thousands};
use crate::core::job::{Exec, run_job};
use crate::core::progress::Progress;
use crate::dataset::mix::MixManifest;
use crate::error::{Error, Result};
use crate::mix::build::MixBuild;
use crate::mix::slices::{self, Slice};
use crate::pipeline::run::slice_from_env;

pub fn run(mut args: MixBuildArgs, quiet: bool) -> Result<()> {
    let start = Instant::now();
    let o = &mut args.options;
    // The shipped samples stand in for whatever is not given; --target alone means no pretraining data.
    let weighted = !o.source.is_empty() || o.weights.is_some() || o.mixture.is_some();
    let use_samples = o.target.is_empty() && o.pretrain.is_empty() && !weighted;
    if use_samples {
        let s = samples_dir()?;
        (o.target, o.pretrain) = (vec![s.join("target")], vec![s.join("pretrain")]);
    }
    if o.tokenizer.is_none() {
        o.tokenizer = Some(samples_dir()?.join("tokenizer.json"));
    }
    if o.target.is_empty() && !o.pretrain.is_empty() {
        return Err(Error::config(
            "--pretrain needs --target: the target-domain data to finetune on",
        ));
    }
    let cfg = o.config(0)?;
    let slice = slice_from_env(args.shard, args.of)?.map(|(index, of)| Slice {
        index,
        of,
        wait: std::time::Duration::from_secs(args.wait),
    });
    if let (Some(s), None) = (slice, args.shard) {
        eprintln!(
            "sluice mix build: slice {} of {} (from the Slurm / Kubernetes job variables); `sluice mix merge` once all have finished",
            s.index, s.of
        );
    }
    if slice.is_some() && crate::store::is_url(&args.out) {
        return Err(Error::config(
            "--shard needs --out on a file system every slice shares (the slices wait for each other's files); build into it, then copy the merged output to object storage",
        ));
    }
    let out = match slice {
        Some(s) => slices::slice_dir(&args.out, s.index, s.of),
        None => args.out.clone(),
    };
    let exec = Exec::new(
        out,
        args.overwrite,
        args.threads,
        Progress::auto(quiet || args.json),
    )?;
    let mut job = MixBuild::new(cfg, args.shuffle_mem_mb << 20);
    if let Some(s) = slice {
        job = job.sliced(s);
    }
    let outcome = run_job(&mut job, &exec)?;
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
                &exec.shown(),
                start.elapsed().as_secs_f64(),
                note
            )
        );
    }
    Ok(())
}

/// `sluice mix merge`.
pub fn merge(args: MixMergeArgs) -> Result<()> {
    let start = Instant::now();
    if crate::store::is_url(&args.out) {
        return Err(Error::config(
            "mix merge works on the shared directory the slices wrote, not on object storage",
        ));
    }
    let m = slices::merge(&args.out, args.of)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&m).map_err(|e| Error::internal(e.to_string()))?
        );
    } else {
        let note = format!(" (merged {} slices)", args.of);
        print!(
            "{}",
            summary(
                &m,
                &args.out.display().to_string(),
                start.elapsed().as_secs_f64(),
                &note
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
    match (&s.inject, &s.inject_exact, s.sources.get("pretrain")) {
        (Some(typed), Some(exact), Some(pre)) => {
            o += &format!(
                "  inject     {typed} = {exact}: {} of {} train sequences from pretraining ({:.6}), max prefix deviation {:.2} sequences\n",
                thousands(pre.sequences),
                thousands(s.total_sequences),
                pre.fraction,
                s.max_prefix_deviation
            );
        }
        _ => {
            o += &format!(
                "  weights    {} train sequences, max prefix deviation {:.2} sequences, length set by `{}`\n",
                thousands(s.total_sequences),
                s.max_prefix_deviation,
                s.limited_by
            );
            for (name, x) in &s.sources {
                o += &format!(
                    "    {name:<12} weight {:<10} {:>11} sequences ({:.6}), {} tokens ({:.6}), {} unused\n",
                    x.weight_exact,
                    thousands(x.sequences),
                    x.fraction,
                    thousands(x.tokens),
                    x.token_fraction,
                    thousands(x.unused_tokens)
                );
            }
        }
    }
    let names: Vec<&String> = m.sources.keys().collect();
    let mut head = format!("  {:<13}{:>11}{:>14}", "split", "sequences", "tokens");
    for n in &names {
        head += &format!("{:>w$}", format!("{n} docs"), w = n.len().max(6) + 7);
    }
    o += &format!("{head}{:>7}\n", "files");
    for (name, sp) in &m.splits {
        let mut row = format!(
            "  {name:<13}{:>11}{:>14}",
            thousands(sp.sequences),
            thousands(sp.tokens)
        );
        for n in &names {
            let docs = sp.by_source.get(*n).map_or(0, |x| x.documents);
            row += &format!("{:>w$}", thousands(docs), w = n.len().max(6) + 7);
        }
        o += &format!("{row}{:>7}\n", sp.files.len());
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
        if let Some(r) = &c.read {
            o += &format!(
                "  {:<10} read as needed: {} of {} files{}, {:.1} of {:.1} MB, {} records, for {} train tokens\n",
                "",
                c.files,
                r.files_total,
                if r.last_file_partial {
                    " (the last one in part)"
                } else {
                    ""
                },
                c.bytes as f64 / 1e6,
                r.bytes_total as f64 / 1e6,
                thousands(c.records),
                thousands(r.needed_tokens)
            );
        }
    }
    o += &format!("  manifest   {out}/manifest.json\n");
    o
}
