//! `sluice mix build`.

use std::time::Instant;

use crate::cli::mix::MixBuildArgs;
use crate::commands::{samples_dir, thousands};
use crate::core::progress::Progress;
use crate::error::{Error, Result};
use crate::mix::build::{ExecConfig, MixConfig, MixManifest, run as build};
use crate::source::SourceSpec;

pub fn run(args: MixBuildArgs, quiet: bool) -> Result<()> {
    let start = Instant::now();
    // The shipped samples stand in for whatever is not given; --target alone means no pretraining data.
    let use_samples = args.target.is_empty() && args.pretrain.is_empty();
    let samples = if use_samples || args.tokenizer.is_none() {
        Some(samples_dir()?)
    } else {
        None
    };
    let sample = |rel: &str| {
        samples
            .as_ref()
            .map(|s| s.join(rel))
            .ok_or_else(|| Error::internal("samples"))
    };
    let spec = |name: &str, paths, filter: &Option<String>| SourceSpec {
        name: name.to_string(),
        paths,
        text_column: args.text_column.clone(),
        filter: filter.clone().or_else(|| args.filter.clone()),
        on_error: args.on_error,
    };
    let (target, pretrain) = if use_samples {
        (vec![sample("target")?], vec![sample("pretrain")?])
    } else {
        (args.target.clone(), args.pretrain.clone())
    };
    if target.is_empty() {
        return Err(Error::config(
            "--pretrain needs --target: the target-domain data to finetune on",
        ));
    }
    let cfg = MixConfig {
        target: spec("target", target, &args.target_where),
        pretrain: (!pretrain.is_empty()).then(|| spec("pretrain", pretrain, &args.pretrain_where)),
        inject: args.inject.clone(),
        tokenizer: match &args.tokenizer {
            Some(t) => t.clone(),
            None => sample("tokenizer.json")?,
        },
        tokenizer_engine: args.tokenizer_engine,
        eos: args.eos.clone(),
        seq_len: args.seq_len,
        epochs: args.epochs,
        val_frac: args.val_frac,
        seed: args.seed,
        formats: args.format.clone(),
        shard_rows: args.shard_rows,
    };
    let exec = ExecConfig {
        out: args.out.clone(),
        threads: args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        shuffle_mem: args.shuffle_mem_mb << 20,
        overwrite: args.overwrite,
        progress: Progress::auto(quiet || args.json),
    };
    let outcome = build(&cfg, &exec)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&outcome.manifest)
                .map_err(|e| Error::internal(e.to_string()))?
        );
    } else {
        let note = if outcome.up_to_date {
            " (already complete: nothing to do)"
        } else if outcome.resumed {
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
            "  {:<13}{:>11}{:>14}{:>12}{:>14}{:>7}\n",
            name,
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
            "  {:<10} {} files, {} records: {} train docs ({} tokens), {} val docs ({} tokens), {} skipped{}\n",
            name,
            c.files,
            thousands(c.records),
            thousands(c.train_documents),
            thousands(c.train_tokens),
            thousands(c.val_documents),
            thousands(c.val_tokens),
            skipped,
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
