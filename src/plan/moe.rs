//! Mixture-of-experts sizing: total and active parameters, FLOPs per token and memory, and the
//! number of experts (sparsity) that fits a parameter budget.

use serde::Serialize;

use super::plot::{Chart, Series};
use super::{Plan, num};
use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, Serialize)]
pub struct MoeConfig {
    pub d_model: u64,
    pub layers: u64,
    pub experts: u64,
    pub top_k: u64,
    /// Hidden size of one expert's SwiGLU feed-forward.
    pub d_ff: u64,
    pub vocab: u64,
    /// Key/value width (d_model without grouped-query attention).
    pub kv_dim: u64,
    pub seq_len: u64,
    pub tied_embeddings: bool,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct MoeSize {
    pub total_params: f64,
    pub active_params: f64,
    /// Forward FLOPs per token: 2 per active weight plus causal attention scores.
    pub forward_flops_per_token: f64,
    pub training_flops_per_token: f64,
    pub sparsity: f64,
    /// bf16 weights.
    pub weight_bytes: f64,
    /// Mixed-precision Adam: bf16 weights and grads, fp32 master, m and v (16 bytes per parameter).
    pub training_bytes: f64,
}

impl MoeConfig {
    pub fn size(&self) -> MoeSize {
        let d = self.d_model as f64;
        let attn = 2.0 * d * d + 2.0 * d * self.kv_dim as f64;
        let expert = 3.0 * d * self.d_ff as f64;
        let router = d * self.experts as f64;
        let norms = 2.0 * d;
        let emb = self.vocab as f64 * d * if self.tied_embeddings { 1.0 } else { 2.0 };
        let l = self.layers as f64;
        let total = emb + l * (attn + self.experts as f64 * expert + router + norms) + d;
        let active_layer = attn + self.top_k as f64 * expert + router + norms;
        // The input embedding is a lookup: only the output projection costs FLOPs.
        let active = self.vocab as f64 * d + l * active_layer;
        let fwd = 2.0 * active + 2.0 * l * self.seq_len as f64 * d;
        MoeSize {
            total_params: total,
            active_params: active,
            forward_flops_per_token: fwd,
            training_flops_per_token: 3.0 * fwd,
            sparsity: 1.0 - self.top_k as f64 / self.experts as f64,
            weight_bytes: 2.0 * total,
            training_bytes: 16.0 * total,
        }
    }

    /// The most experts whose total parameters fit `budget`.
    pub fn experts_for(&self, budget: f64) -> Option<u64> {
        let one = MoeConfig {
            experts: 1,
            ..*self
        }
        .size()
        .total_params;
        let per_expert = MoeConfig {
            experts: 2,
            ..*self
        }
        .size()
        .total_params
            - one;
        (budget
            >= MoeConfig {
                experts: self.top_k,
                ..*self
            }
            .size()
            .total_params)
            .then(|| 1 + ((budget - one) / per_expert).floor() as u64)
    }
}

const GIB: f64 = (1u64 << 30) as f64;

pub fn plan(c: &MoeConfig, param_budget: Option<f64>) -> Result<Plan> {
    if c.d_model == 0 || c.layers == 0 || c.experts == 0 || c.d_ff == 0 || c.top_k == 0 {
        return Err(Error::config(
            "--d-model, --layers, --experts, --top-k and --d-ff must be positive",
        ));
    }
    if c.top_k > c.experts {
        bail!(config(
            "--top-k {} exceeds --experts {}",
            c.top_k,
            c.experts
        ));
    }
    let s = c.size();
    let fit = param_budget.map(|b| (b, c.experts_for(b)));
    let mut rows = vec![
        vec!["total parameters".into(), num(s.total_params)],
        vec!["active parameters / token".into(), num(s.active_params)],
        vec![
            "forward FLOPs / token".into(),
            num(s.forward_flops_per_token),
        ],
        vec![
            "training FLOPs / token".into(),
            num(s.training_flops_per_token),
        ],
        vec!["sparsity (1 - k/E)".into(), format!("{:.4}", s.sparsity)],
        vec![
            "weights (bf16)".into(),
            format!("{:.2} GiB", s.weight_bytes / GIB),
        ],
        vec![
            "training state (Adam, mixed)".into(),
            format!("{:.2} GiB", s.training_bytes / GIB),
        ],
    ];
    let summary = match fit {
        Some((b, Some(e))) => {
            let f = MoeConfig { experts: e, ..*c }.size();
            rows.push(vec![
                format!("experts within {} params", num(b)),
                format!(
                    "{e} (sparsity {:.4}, total {})",
                    f.sparsity,
                    num(f.total_params)
                ),
            ]);
            format!(
                "{e} experts fit {} parameters at top-{}: sparsity {:.4}",
                num(b),
                c.top_k,
                f.sparsity
            )
        }
        Some((b, None)) => format!("not even {} experts fit {} parameters", c.top_k, num(b)),
        None => format!(
            "{} of {} parameters active per token",
            num(s.active_params),
            num(s.total_params)
        ),
    };
    let curve = (0..=8)
        .map(|i| 1u64 << i)
        .filter(|&e| e >= c.top_k)
        .map(|e| {
            let z = MoeConfig { experts: e, ..*c }.size();
            (z.sparsity, z.total_params / 1e9)
        })
        .collect();
    Ok(Plan {
        title: format!(
            "plan moe: d_model {}, {} layers, {} experts (top-{}), d_ff {}, vocab {}",
            c.d_model, c.layers, c.experts, c.top_k, c.d_ff, c.vocab
        ),
        summary,
        columns: vec!["quantity".into(), "value".into()],
        rows,
        result: serde_json::json!({"config": c, "size": s, "param_budget": param_budget, "experts_for_budget": fit.and_then(|f| f.1)}),
        chart: Some(Chart {
            title: "total parameters vs sparsity (experts 1..256)".into(),
            x_label: "sparsity 1 - k/E".into(),
            y_label: "total parameters (B)".into(),
            series: vec![Series {
                dots: false,
                name: format!("top-{}", c.top_k),
                points: curve,
            }],
            hline: param_budget.map(|b| (b / 1e9, "budget".into())),
            marker: Some((
                s.sparsity,
                s.total_params / 1e9,
                format!("E = {}", c.experts),
            )),
        }),
    })
}
