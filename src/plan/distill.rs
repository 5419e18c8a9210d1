//! Distillation versus supervised training (Busbridge et al. 2025).
//!
//! Supervised: `L~(N, D) = E + (A/N^a + B/D^b)^g`. Distilled student (Eq. 8):
//! `L_S = L_T + L_T^-c0 * (1 + (L_T / (L~_S * d1))^(1/f1))^(-c1*f1) * (A/N_S^a + B/D_S^b)^g`.
//! Compute: `3F(N_S)D_S + F(N_T)(D_S/k + 3D_T)`, `F(N) = 2N` FLOPs per token; the teacher's
//! training term is paid only when the teacher does not exist yet, its forward pass is shared by
//! the `k` students that read one logit cache.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::plot::{Chart, Series};
use super::{Plan, coeffs, num};
use crate::error::Result;

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DistillLaw {
    #[serde(rename = "E")]
    pub e: f64,
    #[serde(rename = "A")]
    pub a_coef: f64,
    #[serde(rename = "B")]
    pub b_coef: f64,
    pub a: f64,
    pub b: f64,
    pub g: f64,
    pub c0: f64,
    pub c1: f64,
    pub d1: f64,
    pub f1: f64,
}

impl DistillLaw {
    pub fn load(path: &Path, name: &str) -> Result<Self> {
        let l: DistillLaw = coeffs::load(path, "distill", name)?;
        coeffs::check(
            path,
            &format!("distill.{name}"),
            &[
                ("E", l.e, true),
                ("A", l.a_coef, true),
                ("B", l.b_coef, true),
                ("a", l.a, true),
                ("b", l.b, true),
                ("g", l.g, true),
                ("c0", l.c0, false),
                ("c1", l.c1, false),
                ("d1", l.d1, true),
                ("f1", l.f1, true),
            ],
        )?;
        Ok(l)
    }

    fn capacity(&self, n: f64, d: f64) -> f64 {
        (self.a_coef / n.powf(self.a) + self.b_coef / d.powf(self.b)).powf(self.g)
    }

    /// Supervised loss of an `n`-parameter model trained on `d` tokens.
    pub fn supervised(&self, n: f64, d: f64) -> f64 {
        self.e + self.capacity(n, d)
    }

    /// Loss of an `ns`-parameter student distilled on `ds` tokens from a teacher of loss `lt`.
    pub fn student(&self, lt: f64, ns: f64, ds: f64) -> f64 {
        let ls = self.supervised(ns, ds);
        lt + lt.powf(-self.c0)
            * (1.0 + (lt / (ls * self.d1)).powf(1.0 / self.f1)).powf(-self.c1 * self.f1)
            * self.capacity(ns, ds)
    }
}

/// Training FLOPs per token of an `n`-parameter model's forward pass.
fn fwd(n: f64) -> f64 {
    2.0 * n
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Setup {
    pub compute: f64,
    pub student_params: f64,
    pub teacher_params: f64,
    pub teacher_tokens: f64,
    /// The teacher exists: its training is not paid from this budget.
    pub teacher_exists: bool,
    /// Students sharing one logit cache.
    pub students: f64,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Outcome {
    pub teacher_loss: f64,
    pub distill_tokens: f64,
    pub distill_loss: Option<f64>,
    pub supervised_tokens: f64,
    pub supervised_loss: f64,
    pub student_flops: f64,
    pub teacher_forward_flops: f64,
    pub teacher_training_flops: f64,
}

pub fn evaluate(law: &DistillLaw, s: &Setup) -> Outcome {
    let lt = law.supervised(s.teacher_params, s.teacher_tokens);
    let teacher_training = if s.teacher_exists {
        0.0
    } else {
        3.0 * fwd(s.teacher_params) * s.teacher_tokens
    };
    let per_token = 3.0 * fwd(s.student_params) + fwd(s.teacher_params) / s.students;
    let left = s.compute - teacher_training;
    let ds = (left / per_token).max(0.0);
    let sup_tokens = s.compute / (3.0 * fwd(s.student_params));
    Outcome {
        teacher_loss: lt,
        distill_tokens: ds,
        distill_loss: (ds > 0.0).then(|| law.student(lt, s.student_params, ds)),
        supervised_tokens: sup_tokens,
        supervised_loss: law.supervised(s.student_params, sup_tokens),
        student_flops: 3.0 * fwd(s.student_params) * ds,
        teacher_forward_flops: fwd(s.teacher_params) * ds / s.students,
        teacher_training_flops: teacher_training,
    }
}

pub fn plan(law: &DistillLaw, s: &Setup) -> Result<Plan> {
    for (k, v) in [
        ("--compute", s.compute),
        ("--student", s.student_params),
        ("--teacher", s.teacher_params),
        ("--teacher-tokens", s.teacher_tokens),
        ("--students", s.students),
    ] {
        if !(v > 0.0 && v.is_finite()) {
            bail!(config("{k} must be positive, got {v}"));
        }
    }
    let o = evaluate(law, s);
    let better = match o.distill_loss {
        Some(l) if l < o.supervised_loss => {
            format!("distil: {l:.4} < {:.4} nats supervised", o.supervised_loss)
        }
        Some(l) => format!(
            "train supervised: {:.4} <= {l:.4} nats distilled",
            o.supervised_loss
        ),
        None => "train supervised: the teacher's training uses the whole budget".to_string(),
    };
    let rows = vec![
        vec![
            "distillation".into(),
            num(o.distill_tokens),
            o.distill_loss.map_or("-".into(), |l| format!("{l:.4}")),
            num(o.student_flops),
            num(o.teacher_forward_flops),
            num(o.teacher_training_flops),
        ],
        vec![
            "supervised".into(),
            num(o.supervised_tokens),
            format!("{:.4}", o.supervised_loss),
            num(s.compute),
            "0".into(),
            "0".into(),
        ],
    ];
    // Curve over budgets: 1/100x .. 100x the given compute.
    let (mut dist, mut sup) = (Vec::new(), Vec::new());
    for i in 0..=80 {
        let c = s.compute * 10f64.powf(-2.0 + 4.0 * i as f64 / 80.0);
        let o = evaluate(law, &Setup { compute: c, ..*s });
        if let Some(l) = o.distill_loss {
            dist.push((c.log10(), l));
        }
        sup.push((c.log10(), o.supervised_loss));
    }
    Ok(Plan {
        title: format!(
            "plan distill: student {} params, teacher {} params ({} tokens, {}), {} student(s) per cache, budget {} FLOPs",
            num(s.student_params),
            num(s.teacher_params),
            num(s.teacher_tokens),
            if s.teacher_exists {
                "exists"
            } else {
                "to be trained"
            },
            s.students,
            num(s.compute)
        ),
        summary: format!("teacher loss {:.4} nats; {better}", o.teacher_loss),
        columns: [
            "route",
            "student tokens",
            "student loss",
            "student FLOPs",
            "teacher fwd FLOPs",
            "teacher train FLOPs",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        result: serde_json::json!({"setup": s, "law": law, "outcome": o}),
        chart: Some(Chart {
            title: "student loss vs compute".into(),
            x_label: "log10 FLOPs".into(),
            y_label: "loss (nats)".into(),
            series: vec![
                Series {
                    dots: false,
                    name: "distillation".into(),
                    points: dist,
                },
                Series {
                    dots: false,
                    name: "supervised".into(),
                    points: sup,
                },
            ],
            hline: None,
            marker: o
                .distill_loss
                .map(|l| (s.compute.log10(), l.min(o.supervised_loss), "budget".into())),
        }),
    })
}
