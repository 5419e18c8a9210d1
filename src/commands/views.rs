//! `sluice views gen | replay | preview`.

use std::path::Path;
use std::time::Instant;

use crate::cli::views::{ViewsCommand, ViewsGenArgs};
use crate::commands::{samples_dir, shards_note, thousands};
use crate::core::job::{Exec, run_job};
use crate::core::lock::DirLock;
use crate::core::progress::Progress;
use crate::error::{Error, Result};
use crate::views::generate::{ViewsConfig, ViewsGen, ViewsManifest};

pub fn run(cmd: ViewsCommand, quiet: bool) -> Result<()> {
    match cmd {
        ViewsCommand::Gen(args) => generate_views(args, quiet),
        ViewsCommand::Replay(args) => {
            let _lock = hold(&args.dir)?;
            let start = Instant::now();
            let r = crate::views::replay::replay(&args.dir, args.input.as_deref())?;
            println!(
                "sluice views replay: {} of {} views re-rendered bit-identically from their params in {:.1} s",
                r.identical,
                r.views,
                start.elapsed().as_secs_f64()
            );
            if r.identical != r.views {
                bail!(input(
                    "{} views differ from their replay: {}",
                    r.views - r.identical,
                    r.differing.join(", ")
                ));
            }
            Ok(())
        }
        ViewsCommand::Preview(args) => {
            let _lock = hold(&args.dir)?;
            let out = args.out.unwrap_or_else(|| args.dir.join("preview.png"));
            let (n, k) = crate::views::preview::contact_sheet(&args.dir, args.samples, &out)?;
            println!(
                "sluice views preview: {n} samples x {k} views -> {}",
                out.display()
            );
            Ok(())
        }
    }
}

/// Replay and preview read a finished output (and preview writes into it by default): they hold
/// its lock, so a `views gen` run rebuilding the directory cannot change it underneath them. A
/// missing directory is left for the reader to name; one this user cannot write (a shared,
/// read-only dataset) is read without the lock, as it was before readers took it.
fn hold(dir: &Path) -> Result<Option<DirLock>> {
    if !dir.is_dir() {
        return Ok(None);
    }
    match DirLock::acquire(dir) {
        Ok(lock) => Ok(Some(lock)),
        Err(Error::Io { source, .. })
            if matches!(
                source.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

fn generate_views(mut args: ViewsGenArgs, quiet: bool) -> Result<()> {
    let start = Instant::now();
    if args.options.input.is_none() {
        args.options.input = Some(samples_dir()?.join("images"));
    }
    let cfg = args.options.config(0, (args.shard, args.of))?;
    let exec = Exec::new(
        args.out.clone(),
        args.overwrite,
        args.threads,
        Progress::auto(quiet || args.json),
    )?;
    let outcome = run_job(&mut ViewsGen::new(cfg.clone()), &exec)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&outcome.manifest)
                .map_err(|e| Error::internal(e.to_string()))?
        );
        return Ok(());
    }
    let note = shards_note(outcome.up_to_date, outcome.resumed);
    let secs = start.elapsed().as_secs_f64();
    print!(
        "{}",
        summary(&outcome.manifest, &cfg, &exec.shown(), secs, &note)
    );
    Ok(())
}

fn summary(m: &ViewsManifest, cfg: &ViewsConfig, out: &str, secs: f64, note: &str) -> String {
    let s = &m.samples;
    let mut o = format!("sluice views gen: {out} in {secs:.1} s{note}\n");
    o += &format!(
        "  input      {} ({} {} files, {} bytes{})\n",
        m.input.root,
        m.input.files,
        m.input.kind,
        thousands(m.input.bytes),
        if m.input.ignored_files > 0 {
            format!(", {} non-image files ignored", m.input.ignored_files)
        } else {
            String::new()
        }
    );
    o += &format!(
        "  recipe     {} x K={} at {} px, {:?}, seed {}{}\n",
        cfg.recipe.name,
        cfg.k,
        cfg.size,
        cfg.format,
        cfg.seed,
        if cfg.of > 1 {
            format!(", slice {} of {}", cfg.shard, cfg.of)
        } else {
            String::new()
        }
    );
    let skipped: u64 = s.skipped.values().sum();
    o += &format!(
        "  samples    {} listed, {} in this slice, {} written, {skipped} skipped{}\n",
        thousands(s.listed),
        thousands(s.selected),
        thousands(s.written),
        if skipped > 0 {
            format!(" {:?}", s.skipped)
        } else {
            String::new()
        }
    );
    o += &format!(
        "  views      {} in {} files ({:.0} views/s)\n",
        thousands(m.views),
        m.shards.len(),
        m.views as f64 / secs.max(1e-9)
    );
    o += &format!("  manifest   {out}/manifest.json\n");
    o
}
