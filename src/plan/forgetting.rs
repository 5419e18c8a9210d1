//! Forgetting during finetuning with pretraining-data injection:
//! `L_pt(N, D, p) = L_pt0 + A * D^beta / ((1 + B*p) * N)^alpha`
//! (N parameters, D unique finetuning tokens, p injected fraction).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::plot::{Chart, Series};
use super::{Plan, coeffs, num};
use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ForgettingLaw {
    #[serde(rename = "A")]
    pub a: f64,
    pub alpha: f64,
    pub beta: f64,
    #[serde(rename = "B")]
    pub b: f64,
    /// Pretraining loss before finetuning, if known: then absolute losses are shown too.
    #[serde(default)]
    pub l0: Option<f64>,
}

impl ForgettingLaw {
    pub fn load(path: &Path, domain: &str) -> Result<Self> {
        let law: ForgettingLaw = coeffs::load(path, "forgetting", domain)?;
        coeffs::check(
            path,
            &format!("forgetting.{domain}"),
            &[
                ("A", law.a, true),
                ("alpha", law.alpha, true),
                ("beta", law.beta, false),
                ("B", law.b, true),
            ],
        )?;
        Ok(law)
    }

    /// Rise of the pretraining loss, in nats.
    pub fn forgetting(&self, n: f64, d: f64, p: f64) -> f64 {
        self.a * d.powf(self.beta) / ((1.0 + self.b * p) * n).powf(self.alpha)
    }

    /// Smallest p with forgetting <= budget; None when even p -> 1 is not enough.
    pub fn min_inject(&self, n: f64, d: f64, budget: f64) -> Option<f64> {
        let need = (self.a * d.powf(self.beta) / budget).powf(1.0 / self.alpha) / n;
        let p = ((need - 1.0) / self.b).max(0.0);
        (p < 1.0).then_some(p)
    }
}

pub const GRID: [f64; 10] = [0.0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5];

pub fn plan(law: &ForgettingLaw, domain: &str, n: f64, d: f64, budget: f64) -> Result<Plan> {
    if !(n > 0.0 && d > 0.0 && budget > 0.0) {
        return Err(Error::config(
            "--params, --tokens and --budget must be positive",
        ));
    }
    let best = law.min_inject(n, d, budget);
    let summary = match best {
        Some(p) => format!(
            "smallest injection for forgetting <= {budget} nats: p = {p:.5} ({:.3} %); use `sluice mix build --inject {:.4}`",
            100.0 * p,
            (p * 1e4).ceil() / 1e4
        ),
        None => format!(
            "no p < 1 keeps forgetting within {budget} nats for N = {}, D = {}",
            num(n),
            num(d)
        ),
    };
    let mut rows = Vec::new();
    let mut pts = Vec::new();
    for p in GRID {
        let f = law.forgetting(n, d, p);
        let mut r = vec![
            format!("{p}"),
            format!("{f:.5}"),
            if f <= budget {
                "yes".into()
            } else {
                "no".into()
            },
        ];
        if let Some(l0) = law.l0 {
            r.push(format!("{:.4}", l0 + f));
        }
        rows.push(r);
    }
    // Zoom on the interesting part: a few times the chosen p.
    let p_max = best.map_or(0.5, |p| (5.0 * p).clamp(0.05, 0.5));
    for i in 0..=200 {
        let p = p_max * i as f64 / 200.0;
        pts.push((p, law.forgetting(n, d, p)));
    }
    let mut columns = vec![
        "p".to_string(),
        "forgetting (nats)".into(),
        "within budget".into(),
    ];
    if law.l0.is_some() {
        columns.push("L_pt".into());
    }
    let marker = best.map(|p| (p, law.forgetting(n, d, p), format!("p = {p:.4}")));
    Ok(Plan {
        title: format!(
            "plan inject: domain `{domain}`, N = {}, D = {}, budget {budget} nats",
            num(n),
            num(d)
        ),
        summary,
        columns,
        rows,
        result: serde_json::json!({
            "domain": domain, "params": n, "tokens": d, "budget": budget, "law": law,
            "min_inject": best,
            "grid": GRID.iter().map(|&p| serde_json::json!({"p": p, "forgetting": law.forgetting(n, d, p)})).collect::<Vec<_>>(),
        }),
        chart: Some(Chart {
            title: format!("forgetting vs injected fraction ({domain})"),
            x_label: "injected fraction p".into(),
            y_label: "forgetting (nats)".into(),
            series: vec![Series {
                dots: false,
                name: "law".into(),
                points: pts,
            }],
            hline: Some((budget, "budget".into())),
            marker,
        }),
    })
}

/// One measured run for `plan fit`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Run {
    pub n: f64,
    pub d: f64,
    pub p: f64,
    /// Forgetting (loss rise) in nats.
    pub forgetting: f64,
}
