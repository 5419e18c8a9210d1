//! The EMA scaling rule (Busbridge et al. 2023): when the batch size scales by `kappa`, an EMA's
//! momentum `rho` becomes `rho^kappa`, with the learning rate scaled by the optimizer's own rule
//! (SGD: linear; Adam: square root, with `beta1, beta2 -> beta^kappa`, after Malladi et al.;
//! LARS: linear, the rule SimCLR and BYOL scale it by).

use serde::Serialize;

use super::Plan;
use super::plot::{Chart, Series};
use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Optimizer {
    Sgd,
    Adam,
    /// LARS: learning rate scaled linearly with the batch, as SimCLR and BYOL do.
    Lars,
}

pub fn scaled_momentum(rho: f64, kappa: f64) -> f64 {
    rho.powf(kappa)
}

pub fn lr_factor(opt: Optimizer, kappa: f64) -> f64 {
    match opt {
        Optimizer::Sgd | Optimizer::Lars => kappa,
        Optimizer::Adam => kappa.sqrt(),
    }
}

pub fn plan(
    momenta: &[f64],
    batch: f64,
    new_batch: f64,
    opt: Optimizer,
    lr: Option<f64>,
) -> Result<Plan> {
    if !(batch > 0.0 && new_batch > 0.0) {
        return Err(Error::config(
            "--batch-size and --new-batch-size must be positive",
        ));
    }
    if momenta.is_empty() {
        return Err(Error::config("give at least one --momentum"));
    }
    for &m in momenta {
        if !(0.0..1.0).contains(&m) {
            bail!(config("--momentum {m} is outside [0, 1)"));
        }
    }
    let kappa = new_batch / batch;
    let f = lr_factor(opt, kappa);
    let mut rows: Vec<Vec<String>> = momenta
        .iter()
        .map(|&m| {
            vec![
                format!("EMA momentum"),
                format!("{m}"),
                format!("{:.6}", scaled_momentum(m, kappa)),
            ]
        })
        .collect();
    rows.push(vec![
        "learning rate".into(),
        lr.map_or("x".into(), |l| format!("{l}")),
        lr.map_or(format!("x {f:.4}"), |l| format!("{:.6}", l * f)),
    ]);
    if opt == Optimizer::Adam {
        for (name, b) in [("Adam beta1", 0.9), ("Adam beta2", 0.999)] {
            rows.push(vec![
                name.into(),
                format!("{b}"),
                format!("{:.6}", scaled_momentum(b, kappa)),
            ]);
        }
    }
    let series = momenta
        .iter()
        .map(|&m| Series {
            dots: false,
            name: format!("rho = {m}"),
            points: (0..=60)
                .map(|i| {
                    let k = 2f64.powf(-3.0 + 9.0 * i as f64 / 60.0);
                    ((batch * k).log2(), scaled_momentum(m, k))
                })
                .collect(),
        })
        .collect();
    Ok(Plan {
        title: format!(
            "plan ema: batch {batch} -> {new_batch} (kappa = {kappa}), optimizer {opt:?}"
        ),
        summary: format!("momentum rho -> rho^{kappa}; learning rate x {f:.4}"),
        columns: ["what", "at batch", "at new batch"]
            .map(String::from)
            .to_vec(),
        rows,
        result: serde_json::json!({
            "kappa": kappa, "optimizer": opt, "lr_factor": f, "lr": lr.map(|l| l * f),
            "momenta": momenta.iter().map(|&m| serde_json::json!({"from": m, "to": scaled_momentum(m, kappa)})).collect::<Vec<_>>(),
        }),
        chart: Some(Chart {
            title: "EMA momentum vs batch size".into(),
            x_label: "log2 batch size".into(),
            y_label: "momentum".into(),
            series,
            hline: None,
            marker: Some((
                new_batch.log2(),
                scaled_momentum(momenta[0], kappa),
                "new batch".into(),
            )),
        }),
    })
}
