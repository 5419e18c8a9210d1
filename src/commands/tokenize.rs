//! `sluice tokenize`.

use std::time::Instant;

use crate::cli::tokenize::TokenizeArgs;
use crate::commands::{shards_note, thousands};
use crate::core::job::{Exec, run_job};
use crate::core::progress::Progress;
use crate::error::{Error, Result};
use crate::tokenizer::job::TokenizeJob;

pub fn run(args: TokenizeArgs, quiet: bool) -> Result<()> {
    let start = Instant::now();
    let exec = Exec::new(
        args.out.clone(),
        args.overwrite,
        args.threads,
        Progress::auto(quiet || args.json),
    )?;
    let outcome = run_job(&mut TokenizeJob::new(args.options), &exec)?;
    let m = &outcome.manifest;
    if args.json {
        let text = serde_json::to_string_pretty(m).map_err(|e| Error::internal(e.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    let note = shards_note(outcome.up_to_date, outcome.resumed);
    let secs = start.elapsed().as_secs_f64();
    let skipped: u64 = m.scan.skipped.values().sum();
    println!(
        "sluice tokenize: {} documents -> {} tokens in {} shards ({}, {}; {} records skipped) in {secs:.1} s{note}\n  {}/docs/part-*.parquet  (doc: uint64, input_ids: list<uint32>; manifest.json)",
        thousands(m.documents),
        thousands(m.tokens),
        m.shards.len(),
        m.tokenizer.engine,
        m.tokenizer.path,
        thousands(skipped),
        exec.shown(),
    );
    Ok(())
}
