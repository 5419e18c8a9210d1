//! Views versus samples at a fixed budget of views per step (Poly-View: more views of fewer samples
//! can beat more samples). The table trades unique samples per step against views per sample K,
//! with the data-loading cost from measured decode and augmentation rates.

use serde::Serialize;

use super::plot::{Chart, Series};
use super::{Plan, num};
use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Budget {
    pub views_per_step: u64,
    pub steps: u64,
    pub dataset: u64,
    /// Images decoded per second per core.
    pub decode_per_sec: f64,
    /// Augmented views produced per second per core.
    pub views_per_sec: f64,
    pub cores: u64,
    /// Fewest samples per step a contrastive loss should see (its negatives).
    pub min_samples: u64,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Row {
    pub k: u64,
    pub samples_per_step: u64,
    pub loader_core_seconds_per_step: f64,
    pub steps_per_sec: f64,
    pub epochs: f64,
}

pub fn rows(b: &Budget) -> Vec<Row> {
    (0..)
        .map(|i| 1u64 << i)
        .take_while(|&k| k <= b.views_per_step)
        .filter(|&k| b.views_per_step.is_multiple_of(k))
        .map(|k| {
            let samples = b.views_per_step / k;
            let secs =
                samples as f64 / b.decode_per_sec + b.views_per_step as f64 / b.views_per_sec;
            Row {
                k,
                samples_per_step: samples,
                loader_core_seconds_per_step: secs,
                steps_per_sec: b.cores as f64 / secs,
                epochs: (b.steps * samples) as f64 / b.dataset as f64,
            }
        })
        .collect()
}

pub fn plan(b: &Budget) -> Result<Plan> {
    if b.views_per_step == 0
        || b.dataset == 0
        || b.cores == 0
        || !(b.decode_per_sec > 0.0 && b.views_per_sec > 0.0)
    {
        return Err(Error::config(
            "--views-per-step, --dataset, --cores and the rates must be positive",
        ));
    }
    let rows = rows(b);
    let ok: Vec<&Row> = rows
        .iter()
        .filter(|r| r.k >= 2 && r.samples_per_step >= b.min_samples)
        .collect();
    let summary = match ok.last() {
        Some(r) => format!(
            "largest K with >= {} samples per step: K = {} ({} samples x {} views), loader {:.1} steps/s on {} cores vs {:.1} at K = 2",
            b.min_samples,
            r.k,
            r.samples_per_step,
            r.k,
            r.steps_per_sec,
            b.cores,
            rows.iter()
                .find(|x| x.k == 2)
                .map_or(f64::NAN, |x| x.steps_per_sec)
        ),
        None => format!(
            "no K >= 2 keeps {} samples per step at {} views per step",
            b.min_samples, b.views_per_step
        ),
    };
    Ok(Plan {
        title: format!(
            "plan views: {} views/step, {} steps, dataset {}, decode {}/s/core, augment {} views/s/core, {} cores",
            b.views_per_step,
            b.steps,
            num(b.dataset as f64),
            b.decode_per_sec,
            b.views_per_sec,
            b.cores
        ),
        summary,
        columns: [
            "K",
            "samples/step",
            "loader core-s/step",
            "loader steps/s",
            "epochs",
        ]
        .map(String::from)
        .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.k.to_string(),
                    r.samples_per_step.to_string(),
                    format!("{:.4}", r.loader_core_seconds_per_step),
                    format!("{:.2}", r.steps_per_sec),
                    format!("{:.2}", r.epochs),
                ]
            })
            .collect(),
        result: serde_json::json!({"budget": b, "rows": rows, "recommended_k": ok.last().map(|r| r.k)}),
        chart: Some(Chart {
            title: "data loading vs views per sample".into(),
            x_label: "log2 K (views per sample)".into(),
            y_label: "loader steps/s".into(),
            series: vec![Series {
                dots: false,
                name: "steps/s".into(),
                points: rows
                    .iter()
                    .map(|r| ((r.k as f64).log2(), r.steps_per_sec))
                    .collect(),
            }],
            hline: None,
            marker: ok
                .last()
                .map(|r| ((r.k as f64).log2(), r.steps_per_sec, format!("K = {}", r.k))),
        }),
    })
}
