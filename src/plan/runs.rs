//! Training runs read back for the planners, so a user refits the laws from their own runs:
//! `plan fit --run` (a `train lm` run as the forgetting law sees it) and `plan curves` (any run's
//! `metrics.jsonl`, one metric against another).

use std::path::{Path, PathBuf};

use super::forgetting::Run;
use super::plot::{Chart, Series};
use super::{Plan, num};
use crate::core::job::Manifest;
use crate::dataset::mix::MixBody;
use crate::error::{Error, Result};
use crate::train::lm::TrainBody;

/// A finished `train lm` run with the coordinates of the forgetting law.
#[derive(Clone, Debug)]
pub struct LmRun {
    pub dir: PathBuf,
    pub run: Run,
    /// `val_pretrain` before the first step and after the last, nats per token.
    pub pretrain_loss: (f64, f64),
    pub target_loss: (f64, f64),
}

/// Read a `train lm` output and the `mix build` output it trained on: N is the model's parameter
/// count, p the mix's injected fraction, D the target tokens the run trained on (at most the
/// target's unique train tokens: a second epoch adds no unique data), forgetting the rise of
/// `val_pretrain` from its first to its last evaluation (may be <= 0: nothing was forgotten).
pub fn read_lm_run(dir: &Path) -> Result<LmRun> {
    let m: Manifest<TrainBody> = Manifest::read(dir, "train lm")?;
    let shown = dir.display();
    let data = &m.body.config.data;
    let mix: Manifest<MixBody> = Manifest::read(data, "mix build").map_err(|e| {
        err!(input(
            "run {shown} trained on {}, which cannot be read ({e}); plan fit needs that mix build output for p and D",
            data.display()
        ))
    })?;
    let sched = &mix.body.schedule;
    let p = match &sched.inject {
        Some(p) => p.parse::<f64>().ok(),
        None => None,
    }
    .ok_or_else(|| {
        err!(input(
            "run {shown}: its data {} is not a two-source `mix build --inject P` output, so it has no injected fraction p",
            data.display()
        ))
    })?;
    let target = sched.sources.get("target").map(|s| s.token_fraction);
    let unique = mix.body.sources.get("target").map(|s| s.train_tokens);
    let (Some(frac), Some(unique)) = (target, unique) else {
        bail!(input(
            "run {shown}: its data {} has no `target` source",
            data.display()
        ));
    };
    let d = (m.body.tokens_trained as f64 * frac).min(unique as f64);
    let (first, last) = match (m.body.evals.first(), m.body.evals.last()) {
        (Some(a), Some(b)) if m.body.evals.len() >= 2 => (a, b),
        _ => bail!(input(
            "run {shown} has fewer than two evaluations (before the first step and after the last)"
        )),
    };
    let pair = |a: Option<f64>, b: Option<f64>, split: &str| match (a, b) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(err!(input(
            "run {shown} has no `{split}` losses (its data {} has no {split} split)",
            data.display()
        ))),
    };
    let pretrain_loss = pair(first.val_pretrain, last.val_pretrain, "val_pretrain")?;
    let target_loss = pair(first.val_target, last.val_target, "val_target")?;
    Ok(LmRun {
        dir: dir.to_path_buf(),
        run: Run {
            n: m.body.parameters as f64,
            d,
            p,
            forgetting: pretrain_loss.1 - pretrain_loss.0,
        },
        pretrain_loss,
        target_loss,
    })
}

/// One run's curve for `plan curves`: a label and the path of the run directory.
#[derive(Clone, Debug)]
pub struct RunArg {
    pub label: String,
    pub dir: PathBuf,
}

impl std::str::FromStr for RunArg {
    type Err = String;
    /// `LABEL=DIR`, or `DIR` (labelled by its last path component).
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let (label, dir) = match s.split_once('=') {
            Some((l, d)) if !l.is_empty() && !d.is_empty() => (l.to_string(), PathBuf::from(d)),
            _ => {
                let dir = PathBuf::from(s);
                let label = dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| s.to_string());
                (label, dir)
            }
        };
        Ok(RunArg { label, dir })
    }
}

/// What `plan curves` draws.
pub struct CurvesSpec<'a> {
    pub runs: &'a [RunArg],
    pub x: &'a str,
    pub y: &'a str,
    /// Plot the change from each run's first value instead of the value.
    pub relative: bool,
}

/// Read `metrics.jsonl` of a run (train lm or train ssl) as (x, y) pairs; rows without `y`
/// (e.g. no training loss before step 0) are skipped.
fn read_curve(run: &RunArg, x: &str, y: &str) -> Result<Vec<(f64, f64)>> {
    let path = run.dir.join("metrics.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    let mut pts = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let row: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line)
            .map_err(|e| err!(input("{} line {}: {e}", path.display(), i + 1)))?;
        if keys.is_empty() {
            keys = row.keys().cloned().collect();
        }
        let get = |k: &str| row.get(k).and_then(|v| v.as_f64());
        if let (Some(a), Some(b)) = (get(x), get(y)) {
            pts.push((a, b));
        }
    }
    for k in [x, y] {
        if !keys.iter().any(|c| c == k) {
            bail!(input(
                "{}: no metric `{k}` (has: {})",
                path.display(),
                keys.join(", ")
            ));
        }
    }
    if pts.is_empty() {
        bail!(input("{}: no row has both `{x}` and `{y}`", path.display()));
    }
    Ok(pts)
}

pub fn curves(spec: &CurvesSpec) -> Result<Plan> {
    if spec.runs.is_empty() {
        return Err(Error::config("plan curves needs at least one --run"));
    }
    let mut series = Vec::new();
    let mut rows = Vec::new();
    for r in spec.runs {
        let mut pts = read_curve(r, spec.x, spec.y)?;
        let (x0, y0) = pts[0];
        let (x1, y1) = pts[pts.len() - 1];
        let (lo, hi) = pts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |a, p| {
            (a.0.min(p.1), a.1.max(p.1))
        });
        rows.push(vec![
            r.label.clone(),
            pts.len().to_string(),
            format!("{} -> {}", num(x0), num(x1)),
            format!("{y0:.4}"),
            format!("{y1:.4}"),
            format!("{:+.4}", y1 - y0),
            format!("{lo:.4}"),
            format!("{hi:.4}"),
        ]);
        if spec.relative {
            pts.iter_mut().for_each(|p| p.1 -= y0);
        }
        series.push(Series {
            name: r.label.clone(),
            points: pts,
            dots: false,
        });
    }
    let y_label = if spec.relative {
        format!("{} - first", spec.y)
    } else {
        spec.y.to_string()
    };
    Ok(Plan {
        title: format!("plan curves: `{}` against `{}`", spec.y, spec.x),
        summary: format!("{} runs", spec.runs.len()),
        columns: [
            "run", "rows", spec.x, "first", "last", "change", "min", "max",
        ]
        .map(String::from)
        .to_vec(),
        result: serde_json::json!({
            "x": spec.x, "y": spec.y,
            "runs": spec.runs.iter().zip(&series).map(|(r, s)| serde_json::json!({
                "label": r.label, "dir": r.dir, "points": s.points,
            })).collect::<Vec<_>>(),
        }),
        rows,
        chart: Some(Chart {
            title: format!("{y_label} against {}", spec.x),
            x_label: spec.x.to_string(),
            y_label,
            series,
            hline: None,
            marker: None,
        }),
    })
}
