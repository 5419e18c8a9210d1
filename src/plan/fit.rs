//! `plan fit`: robust least squares (Huber loss on log residuals, as in Chinchilla's fits) of the
//! forgetting law to measured runs, by Nelder-Mead from a grid of starts.

use std::path::Path;

use super::forgetting::{ForgettingLaw, Run};
use super::plot::{Chart, Series};
use super::{Plan, num};
use crate::error::{Error, Result};

/// Huber's loss: quadratic within `delta`, linear beyond, so outlying runs pull less.
pub fn huber(r: f64, delta: f64) -> f64 {
    if r.abs() <= delta {
        0.5 * r * r
    } else {
        delta * (r.abs() - 0.5 * delta)
    }
}

/// Minimize `f` from `x0` (simplex of relative size `step`).
pub fn nelder_mead(
    f: &dyn Fn(&[f64]) -> f64,
    x0: &[f64],
    step: f64,
    iters: usize,
) -> (Vec<f64>, f64) {
    let n = x0.len();
    let mut simplex: Vec<Vec<f64>> = vec![x0.to_vec()];
    for i in 0..n {
        let mut x = x0.to_vec();
        x[i] += if x[i].abs() > 1e-9 {
            step * x[i].abs()
        } else {
            step
        };
        simplex.push(x);
    }
    let mut vals: Vec<f64> = simplex.iter().map(|x| f(x)).collect();
    for _ in 0..iters {
        let mut idx: Vec<usize> = (0..=n).collect();
        idx.sort_by(|&a, &b| vals[a].total_cmp(&vals[b]));
        simplex = idx.iter().map(|&i| simplex[i].clone()).collect();
        vals = idx.iter().map(|&i| vals[i]).collect();
        if (vals[n] - vals[0]).abs() <= 1e-15 * (1.0 + vals[0].abs()) {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| simplex[..n].iter().map(|x| x[j]).sum::<f64>() / n as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            (0..n)
                .map(|j| centroid[j] + t * (simplex[n][j] - centroid[j]))
                .collect()
        };
        let xr = along(-1.0);
        let fr = f(&xr);
        if fr < vals[0] {
            let xe = along(-2.0);
            let fe = f(&xe);
            if fe < fr {
                (simplex[n], vals[n]) = (xe, fe)
            } else {
                (simplex[n], vals[n]) = (xr, fr)
            }
        } else if fr < vals[n - 1] {
            (simplex[n], vals[n]) = (xr, fr);
        } else {
            let xc = if fr < vals[n] {
                along(-0.5)
            } else {
                along(0.5)
            };
            let fc = f(&xc);
            if fc < vals[n].min(fr) {
                (simplex[n], vals[n]) = (xc, fc);
            } else {
                for i in 1..=n {
                    simplex[i] = (0..n)
                        .map(|j| simplex[0][j] + 0.5 * (simplex[i][j] - simplex[0][j]))
                        .collect();
                    vals[i] = f(&simplex[i]);
                }
            }
        }
    }
    let best = (0..=n)
        .min_by(|&a, &b| vals[a].total_cmp(&vals[b]))
        .unwrap_or(0);
    (simplex[best].clone(), vals[best])
}

/// Parameters θ = (ln A, alpha, beta, ln B).
fn law_of(t: &[f64]) -> ForgettingLaw {
    ForgettingLaw {
        a: t[0].exp(),
        alpha: t[1],
        beta: t[2],
        b: t[3].exp(),
        l0: None,
    }
}

fn residual(t: &[f64], r: &Run) -> f64 {
    t[0] + t[2] * r.d.ln() - t[1] * ((1.0 + t[3].exp() * r.p) * r.n).ln() - r.forgetting.ln()
}

pub struct FitReport {
    pub law: ForgettingLaw,
    /// Root mean square of log residuals.
    pub rmse_log: f64,
    pub max_rel_error: f64,
}

pub fn fit_forgetting(runs: &[Run]) -> Result<FitReport> {
    if runs.len() < 5 {
        bail!(input(
            "plan fit needs at least 5 runs for 4 coefficients, got {}",
            runs.len()
        ));
    }
    const DELTA: f64 = 1e-3;
    let objective = |t: &[f64]| {
        runs.iter()
            .map(|r| huber(residual(t, r), DELTA))
            .sum::<f64>()
    };
    let mut starts = Vec::new();
    for alpha in [0.1, 0.3, 0.6, 1.0] {
        for beta in [0.05, 0.2, 0.5, 0.8] {
            for ln_b in [0.0, 2.0, 4.0, 6.0] {
                // ln A that zeroes the mean residual.
                let mut t = [0.0, alpha, beta, ln_b];
                t[0] = -runs.iter().map(|r| residual(&t, r)).sum::<f64>() / runs.len() as f64;
                starts.push((objective(&t), t));
            }
        }
    }
    starts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best: Option<(Vec<f64>, f64)> = None;
    for (_, t) in starts.iter().take(8) {
        let mut cur = nelder_mead(&objective, t, 0.1, 4000);
        // Restart from the optimum: Nelder-Mead stalls on narrow valleys.
        for _ in 0..3 {
            cur = nelder_mead(&objective, &cur.0, 0.05, 4000);
        }
        if best.as_ref().is_none_or(|b| cur.1 < b.1) {
            best = Some(cur);
        }
    }
    let (t, _) = best.ok_or_else(|| Error::internal("no fit"))?;
    let law = law_of(&t);
    let res: Vec<f64> = runs.iter().map(|r| residual(&t, r)).collect();
    Ok(FitReport {
        law,
        rmse_log: (res.iter().map(|r| r * r).sum::<f64>() / res.len() as f64).sqrt(),
        max_rel_error: res.iter().map(|r| r.exp_m1().abs()).fold(0.0, f64::max),
    })
}

/// A measured run and where it came from (a CSV line or a run directory).
#[derive(Clone, Debug)]
pub struct Measured {
    pub label: String,
    pub run: Run,
}

/// Read runs from a CSV with columns N, D, p and either `forgetting` or `loss` and `base_loss`.
pub fn read_runs(path: &Path) -> Result<Vec<Measured>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("read runs", path, e))?;
    let shown = path.display();
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines
        .next()
        .ok_or_else(|| err!(input("{shown} is empty")))?;
    let cols: Vec<String> = header.split(',').map(|c| c.trim().to_string()).collect();
    let col = |name: &str| cols.iter().position(|c| c == name);
    let need = |name: &str| {
        col(name).ok_or_else(|| {
            err!(input(
                "{shown}: column `{name}` missing (columns: {}); need N, D, p and forgetting (or loss and base_loss)",
                cols.join(", ")
            ))
        })
    };
    let (ci_n, ci_d, ci_p) = (need("N")?, need("D")?, need("p")?);
    let target = match (col("forgetting"), col("loss"), col("base_loss")) {
        (Some(f), _, _) => (f, None),
        (None, Some(l), Some(b)) => (l, Some(b)),
        _ => {
            return Err(need("forgetting")
                .err()
                .unwrap_or_else(|| Error::internal("column check")));
        }
    };
    let mut runs = Vec::new();
    for (i, line) in lines {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let get = |c: usize| -> Result<f64> {
            let cell = cells
                .get(c)
                .ok_or_else(|| err!(input("{shown} line {}: too few columns", i + 1)))?;
            cell.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    err!(input(
                        "{shown} line {}, column `{}`: `{cell}` is not a number",
                        i + 1,
                        cols[c]
                    ))
                })
        };
        let forgetting = match target {
            (f, None) => get(f)?,
            (l, Some(b)) => get(l)? - get(b)?,
        };
        let run = Run {
            n: get(ci_n)?,
            d: get(ci_d)?,
            p: get(ci_p)?,
            forgetting,
        };
        check_run(&run, &format!("{shown} line {}", i + 1))?;
        runs.push(Measured {
            label: format!("line {}", i + 1),
            run,
        });
    }
    Ok(runs)
}

/// N, D and p must be in the law's domain; forgetting may be <= 0 (the run is then reported and
/// left out of the fit, since the law only describes a rise).
pub fn check_run(run: &Run, shown: &str) -> Result<()> {
    if run.n <= 0.0 || run.d <= 0.0 || !(0.0..1.0).contains(&run.p) {
        bail!(input(
            "{shown}: need N > 0, D > 0 and 0 <= p < 1 (got N={}, D={}, p={})",
            run.n,
            run.d,
            run.p
        ));
    }
    Ok(())
}

/// The coefficients the runs cannot pin down, each with the reason.
pub fn unidentified(runs: &[Run]) -> Vec<String> {
    let distinct = |f: &dyn Fn(&Run) -> f64| {
        let mut v: Vec<f64> = runs.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * b.abs().max(1e-12));
        v.len()
    };
    let (ns, ds, ps) = (distinct(&|r| r.n), distinct(&|r| r.d), distinct(&|r| r.p));
    let mut out = Vec::new();
    if ns < 2 {
        out.push(
            "A and alpha's N-scaling: one model size, so A*N^-alpha is one constant and alpha is set by the p-dependence alone".to_string(),
        );
    }
    if ds < 2 {
        out.push("beta: one amount of target data".into());
    }
    if ps < 2 {
        out.push("B: one injected fraction".into());
    } else if ps < 3 && ns < 2 {
        out.push(
            "B and alpha apart: two injected fractions give one ratio for two coefficients".into(),
        );
    }
    out
}

pub fn plan(measured: &[Measured], domain: &str) -> Result<Plan> {
    let (kept, dropped): (Vec<&Measured>, Vec<&Measured>) =
        measured.iter().partition(|m| m.run.forgetting > 0.0);
    let runs: Vec<Run> = kept.iter().map(|m| m.run).collect();
    if runs.len() < 5 {
        bail!(input(
            "plan fit needs at least 5 runs with a rise of the pretraining loss for 4 coefficients, got {}{}",
            runs.len(),
            if dropped.is_empty() {
                String::new()
            } else {
                format!(
                    " ({} left out with no rise: {})",
                    dropped.len(),
                    dropped
                        .iter()
                        .map(|m| format!("{} ({:+.4})", m.label, m.run.forgetting))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ));
    }
    let rep = fit_forgetting(&runs)?;
    let l = rep.law;
    let unknown = unidentified(&runs);
    let row = |m: &Measured, fitted: String, error: String| {
        let r = m.run;
        vec![
            m.label.clone(),
            num(r.n),
            num(r.d),
            format!("{}", r.p),
            format!("{:.5}", r.forgetting),
            fitted,
            error,
        ]
    };
    let mut rows: Vec<Vec<String>> = kept
        .iter()
        .map(|m| {
            let pred = l.forgetting(m.run.n, m.run.d, m.run.p);
            row(
                m,
                format!("{pred:.5}"),
                format!("{:+.2} %", 100.0 * (pred / m.run.forgetting - 1.0)),
            )
        })
        .collect();
    rows.extend(
        dropped
            .iter()
            .map(|m| row(m, "-".into(), "left out: no rise".into())),
    );
    let toml = format!(
        "[forgetting.{domain}]\nA = {:e}\nalpha = {}\nbeta = {}\nB = {}\n",
        l.a, l.alpha, l.beta, l.b
    );
    let mut summary = format!(
        "A = {:.4e}, alpha = {:.4}, beta = {:.4}, B = {:.4}; fit error: rms log residual {:.4}, max relative error {:.2} %",
        l.a,
        l.alpha,
        l.beta,
        l.b,
        rep.rmse_log,
        100.0 * rep.max_rel_error
    );
    if !dropped.is_empty() {
        summary += &format!(
            "\n{} runs left out: the pretraining loss did not rise",
            dropped.len()
        );
    }
    for u in &unknown {
        summary += &format!("\nnot identified by these runs: {u}");
    }
    // The law's form has forgetting grow with the finetuning data (beta > 0) and fall with the
    // injected fraction (alpha > 0); a fit outside that describes these runs, not the law.
    if l.beta < 0.0 || l.alpha <= 0.0 {
        summary += &format!(
            "\noutside the law's ranges (beta > 0, alpha > 0): {}; the table describes these runs only, do not plan with it",
            if l.beta < 0.0 {
                "forgetting falls with more target data here"
            } else {
                "forgetting grows with the injected fraction here"
            }
        );
    }
    Ok(Plan {
        title: format!(
            "plan fit: forgetting law for `{domain}` from {} runs",
            runs.len()
        ),
        summary,
        columns: ["run", "N", "D", "p", "measured", "fitted", "error"]
            .map(String::from)
            .to_vec(),
        rows,
        result: serde_json::json!({
            "domain": domain, "law": l, "rmse_log": rep.rmse_log,
            "max_rel_error": rep.max_rel_error, "toml": toml, "unidentified": unknown,
            "left_out": dropped.iter().map(|m| serde_json::json!({"run": m.label, "forgetting": m.run.forgetting})).collect::<Vec<_>>(),
        }),
        chart: Some(fit_chart(&runs, &l, domain)),
    })
}

fn fit_chart(runs: &[Run], l: &ForgettingLaw, domain: &str) -> Chart {
    let (lo, hi) = runs.iter().fold((f64::INFINITY, 0f64), |(a, b), r| {
        (a.min(r.forgetting), b.max(r.forgetting))
    });
    Chart {
        title: format!("fitted vs measured forgetting ({domain})"),
        x_label: "measured (nats)".into(),
        y_label: "fitted (nats)".into(),
        series: vec![
            Series {
                name: "runs".into(),
                points: runs
                    .iter()
                    .map(|r| (r.forgetting, l.forgetting(r.n, r.d, r.p)))
                    .collect(),
                dots: true,
            },
            Series {
                name: "y = x".into(),
                points: vec![(lo, lo), (hi, hi)],
                dots: false,
            },
        ],
        hline: None,
        marker: None,
    }
}
