//! `plan fit --law distill`: the distillation law's coefficients from measured `train lm` runs —
//! cross-entropy runs for the supervised part `E + (A/N^a + B/D^b)^g`, distilled runs (one
//! teacher of loss `L_T`) for the student part — fitting only the coefficients the runs identify
//! and holding every other at a given table's value, each with the reason. Huber loss on log
//! residuals, Nelder-Mead from a grid of starts, as the forgetting fit.

use std::path::Path;

use super::distill::DistillLaw;
use super::fit::{huber, nelder_mead};
use super::plot::{Chart, Series};
use super::{Plan, num};
use crate::core::job::Manifest;
use crate::error::Result;
use crate::train::lm::TrainBody;

/// One finished run as the law sees it: N parameters, D tokens trained, the held-out loss at the end.
#[derive(Clone, Debug)]
pub struct Point {
    pub label: String,
    pub n: f64,
    pub d: f64,
    pub loss: f64,
    pub distilled: bool,
}

/// A `train lm` output: N its parameters, D the tokens it trained on, the loss its last
/// `val_target`; distilled when it trained from a logits cache.
pub fn read_point(dir: &Path) -> Result<Point> {
    let m: Manifest<TrainBody> = Manifest::read(dir, "train lm")?;
    let loss = m
        .body
        .evals
        .last()
        .and_then(|e| e.val_target)
        .ok_or_else(|| {
            err!(input(
                "run {} has no `val_target` loss (its data has no val_target split)",
                dir.display()
            ))
        })?;
    Ok(Point {
        label: dir.display().to_string(),
        n: m.body.parameters as f64,
        d: m.body.tokens_trained as f64,
        loss,
        distilled: m.body.config.distill_from.is_some(),
    })
}

/// The coefficients in the order `theta` indexes them.
const NAMES: [&str; 10] = ["E", "A", "B", "a", "b", "g", "c0", "c1", "d1", "f1"];

fn get(l: &DistillLaw) -> [f64; 10] {
    [
        l.e, l.a_coef, l.b_coef, l.a, l.b, l.g, l.c0, l.c1, l.d1, l.f1,
    ]
}

fn law(v: &[f64; 10]) -> DistillLaw {
    DistillLaw {
        e: v[0],
        a_coef: v[1],
        b_coef: v[2],
        a: v[3],
        b: v[4],
        g: v[5],
        c0: v[6],
        c1: v[7],
        d1: v[8],
        f1: v[9],
    }
}

/// Coefficients searched in log space (positive scales).
const LOG: [bool; 10] = [
    false, true, true, false, false, false, false, false, true, false,
];

/// The law's own ranges: a loss floor E >= 0, exponents in (0, 3], c1 >= 0 (A, B, d1 are
/// positive by their log parametrisation). A fit outside them describes the runs with a law that
/// means nothing elsewhere (e.g. E < 0 to cancel a held B/D^b far too large at these D).
fn physical(v: &[f64; 10]) -> bool {
    let exp = |x: f64| x > 0.0 && x <= 3.0;
    v[0] >= 0.0 && exp(v[3]) && exp(v[4]) && exp(v[5]) && v[7] >= 0.0 && exp(v[9])
}

/// Distinct values, up to relative rounding.
fn distinct(xs: impl Iterator<Item = f64>) -> usize {
    let mut v: Vec<f64> = xs.collect();
    v.sort_by(f64::total_cmp);
    v.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * b.abs());
    v.len()
}

/// Fits the coefficients `free` (indices into `NAMES`) of `base` to the points' log losses under
/// `predict`; the others stay as in `base`.
fn fit(
    base: &[f64; 10],
    free: &[usize],
    points: &[&Point],
    predict: &dyn Fn(&DistillLaw, &Point) -> f64,
) -> [f64; 10] {
    if free.is_empty() {
        return *base;
    }
    let full = |t: &[f64]| {
        let mut v = *base;
        for (&i, &x) in free.iter().zip(t) {
            v[i] = if LOG[i] { x.exp() } else { x };
        }
        v
    };
    let objective = |t: &[f64]| {
        let v = full(t);
        if !physical(&v) {
            return 1e9;
        }
        let l = law(&v);
        points
            .iter()
            .map(|p| {
                let r = predict(&l, p).ln() - p.loss.ln();
                if r.is_finite() { huber(r, 1e-3) } else { 1e6 }
            })
            .sum::<f64>()
    };
    let start: Vec<f64> = free
        .iter()
        .map(|&i| if LOG[i] { base[i].ln() } else { base[i] })
        .collect();
    // Starts: the table's values, and each free coefficient scaled down and up.
    let mut starts = vec![start.clone()];
    for j in 0..free.len() {
        for f in [0.5, 2.0] {
            let mut s = start.clone();
            s[j] = if LOG[free[j]] {
                s[j] + f64::ln(f)
            } else {
                s[j] * f
            };
            starts.push(s);
        }
    }
    let mut best: Option<(Vec<f64>, f64)> = None;
    for s in starts {
        let mut cur = nelder_mead(&objective, &s, 0.1, 4000);
        for _ in 0..3 {
            cur = nelder_mead(&objective, &cur.0, 0.05, 4000);
        }
        if best.as_ref().is_none_or(|b| cur.1 < b.1) {
            best = Some(cur);
        }
    }
    best.map_or(*base, |(t, _)| full(&t))
}

/// Fits what `points` identify; `prior` gives every coefficient they do not, `teacher_loss` the
/// teacher's loss (needed with distilled runs).
pub fn plan(
    points: &[Point],
    prior: &DistillLaw,
    prior_name: &str,
    teacher_loss: Option<f64>,
    name: &str,
) -> Result<Plan> {
    let ce: Vec<&Point> = points.iter().filter(|p| !p.distilled).collect();
    let kd: Vec<&Point> = points.iter().filter(|p| p.distilled).collect();
    if ce.is_empty() {
        bail!(input(
            "plan fit --law distill needs cross-entropy runs (the supervised part the student law builds on); all {} runs are distilled",
            points.len()
        ));
    }
    let lt = match (kd.is_empty(), teacher_loss) {
        (true, _) => None,
        (false, Some(l)) if l > 0.0 && l.is_finite() => Some(l),
        (false, _) => bail!(config(
            "distilled runs need --teacher-loss L: the teacher's loss on the same held-out split, in nats per token (e.g. the first evaluation of a `train lm --init TEACHER` run on that data)"
        )),
    };
    let mut held: Vec<(usize, String)> = Vec::new();
    let hold = |held: &mut Vec<(usize, String)>, idx: &[usize], why: &str| {
        for &i in idx {
            held.push((i, why.to_string()));
        }
    };
    let sizes = distinct(ce.iter().map(|p| p.n));
    let amounts = distinct(ce.iter().map(|p| p.d));
    let mut sup = Vec::new();
    if sizes >= 3 {
        sup.extend([0, 1, 3]);
    } else {
        sup.push(0);
        hold(
            &mut held,
            &[1, 3],
            &format!("{sizes} model size(s) among cross-entropy runs: A and a need 3"),
        );
    }
    if amounts >= 3 {
        sup.extend([2, 4]);
    } else {
        hold(
            &mut held,
            &[2, 4],
            &format!(
                "{amounts} amount(s) of data among cross-entropy runs: B and b need 3 (at one D, E and B/D^b are one constant)"
            ),
        );
    }
    hold(
        &mut held,
        &[5],
        "g: the shape of the compound term, not separable from a and b at this scale",
    );
    if ce.len() < sup.len() {
        bail!(input(
            "{} cross-entropy runs cannot fit {} coefficients ({})",
            ce.len(),
            sup.len(),
            sup.iter().map(|&i| NAMES[i]).collect::<Vec<_>>().join(", ")
        ));
    }
    let v = fit(&get(prior), &sup, &ce, &|l, p| l.supervised(p.n, p.d));
    let kd_sizes = distinct(kd.iter().map(|p| p.n));
    let mut student = Vec::new();
    hold(
        &mut held,
        &[6],
        "c0: one teacher, so L_T^-c0 is one constant factor",
    );
    if kd_sizes >= 2 {
        student.extend([7, 8]);
    } else {
        hold(
            &mut held,
            &[7, 8],
            &format!("{kd_sizes} distilled student size(s): c1 and d1 need 2"),
        );
    }
    hold(
        &mut held,
        &[9],
        "f1: the sharpness of the teacher-student transition, needs teachers of several losses",
    );
    let teacher = lt.unwrap_or(0.0);
    let v = fit(&v, &student, &kd, &|l, p| l.student(teacher, p.n, p.d));
    let fitted = law(&v);
    let predict = |p: &Point| match p.distilled {
        true => fitted.student(teacher, p.n, p.d),
        false => fitted.supervised(p.n, p.d),
    };
    held.sort_by_key(|h| h.0);
    let free: Vec<usize> = sup.iter().chain(&student).copied().collect();
    let rows: Vec<Vec<String>> = points
        .iter()
        .map(|p| {
            let pred = predict(p);
            vec![
                p.label.clone(),
                if p.distilled {
                    "distilled"
                } else {
                    "supervised"
                }
                .into(),
                num(p.n),
                num(p.d),
                format!("{:.4}", p.loss),
                format!("{pred:.4}"),
                format!("{:+.2} %", 100.0 * (pred / p.loss - 1.0)),
            ]
        })
        .collect();
    let res: Vec<f64> = points
        .iter()
        .map(|p| predict(p).ln() - p.loss.ln())
        .collect();
    let rmse = (res.iter().map(|r| r * r).sum::<f64>() / res.len() as f64).sqrt();
    let dof = points.len() as i64 - free.len() as i64;
    let mut toml = format!(
        "# Fitted by `sluice plan fit --law distill` to {} runs ({} supervised, {} distilled{}).\n",
        points.len(),
        ce.len(),
        kd.len(),
        lt.map(|l| format!(", teacher loss {l}"))
            .unwrap_or_default()
    );
    for (i, why) in &held {
        toml += &format!("# {} held at {prior_name}'s value: {why}\n", NAMES[*i]);
    }
    toml += &format!("[distill.{name}]\n");
    for (n, x) in NAMES.iter().zip(v) {
        toml += &format!("{n} = {x}\n");
    }
    let mut summary = format!(
        "fitted {}: {}; rms log residual {rmse:.4} with {dof} degree(s) of freedom",
        if free.is_empty() {
            "nothing".to_string()
        } else {
            free.iter()
                .map(|&i| NAMES[i])
                .collect::<Vec<_>>()
                .join(", ")
        },
        free.iter()
            .map(|&i| format!("{} = {:.4}", NAMES[i], v[i]))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if dof <= 0 {
        summary += " (an exact solve: the runs cannot test the law's form)";
    }
    let worst = res.iter().map(|r| r.exp_m1().abs()).fold(0.0, f64::max);
    if worst > 0.05 {
        summary += &format!(
            "
the law does not describe these runs within its ranges (worst error {:.1} %): the held coefficients do not fit them; more amounts of data, sizes or teachers would free them",
            100.0 * worst
        );
    }
    for (i, why) in &held {
        summary += &format!("\nheld at {prior_name}: {} ({why})", NAMES[*i]);
    }
    Ok(Plan {
        title: format!(
            "plan fit: distillation law `{name}` from {} runs",
            points.len()
        ),
        summary,
        columns: ["run", "kind", "N", "D", "measured", "fitted", "error"]
            .map(String::from)
            .to_vec(),
        rows,
        result: serde_json::json!({
            "name": name, "law": fitted, "teacher_loss": lt, "rmse_log": rmse,
            "max_rel_error": worst,
            "degrees_of_freedom": dof,
            "fitted": free.iter().map(|&i| NAMES[i]).collect::<Vec<_>>(),
            "held": held.iter().map(|(i, why)| serde_json::json!({"coefficient": NAMES[*i], "why": why})).collect::<Vec<_>>(),
            "toml": toml,
        }),
        chart: Some(chart(points, &predict)),
    })
}

/// Measured and fitted loss against the student's parameters, one pair of series per kind.
fn chart(points: &[Point], predict: &dyn Fn(&Point) -> f64) -> Chart {
    let mut series = Vec::new();
    for (kind, distilled) in [("supervised", false), ("distilled", true)] {
        let mut ps: Vec<&Point> = points.iter().filter(|p| p.distilled == distilled).collect();
        if ps.is_empty() {
            continue;
        }
        ps.sort_by(|a, b| a.n.total_cmp(&b.n));
        series.push(Series {
            name: format!("{kind}: measured"),
            points: ps.iter().map(|p| (p.n, p.loss)).collect(),
            dots: true,
        });
        series.push(Series {
            name: format!("{kind}: fitted"),
            points: ps.iter().map(|p| (p.n, predict(p))).collect(),
            dots: false,
        });
    }
    Chart {
        title: "held-out loss against student parameters".into(),
        x_label: "parameters".into(),
        y_label: "val_target (nats/token)".into(),
        series,
        hline: None,
        marker: None,
    }
}
