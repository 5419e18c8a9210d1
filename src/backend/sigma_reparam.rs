//! σReparam (Zhai et al. 2023, "Stabilizing Transformer Training by Preventing Attention Entropy
//! Collapse"), on libtorch: a linear layer's weight `W` is used as `γ / σ(W) · W`, `σ(W)` its
//! spectral norm and `γ` a learned scalar. As apple/ml-sigma-reparam does: `u`, `v` start as the
//! top singular vectors (an SVD), each training step moves them by one power iteration without
//! gradient, and `σ = vᵀ W u` is differentiated through `W`. Kept beside the layers that use it,
//! so checkpoints can hold the raw weight, `γ`, `u` and `v` and a resume continues bit for bit.
//!
//! Attention entropy (the quantity whose collapse the paper ties to instability) is measured here
//! too: both trainers log it per layer and head whether or not σReparam is on.

use tch::{Kind, Tensor};

/// One weight's reparametrisation state: `γ` `[1]` (trainable), `u` `[in]` and `v` `[out]`.
pub(super) struct SpectralScale {
    pub gamma: Tensor,
    pub u: Tensor,
    pub v: Tensor,
}

/// How `γ` starts: 1 (the paper, training from scratch: every layer starts at spectral norm 1) or
/// `σ(W)` (a pretrained model finetuned: the reparametrised model computes what it did).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GammaInit {
    One,
    KeepFunction,
}

impl SpectralScale {
    /// For weight `w` `[out, in]`.
    pub fn new(w: &Tensor, init: GammaInit) -> Self {
        tch::no_grad(|| {
            // torch.svd (reduced): W = U diag(S) Vᵀ, singular values in descending order.
            let (u_mat, _, v_mat) = w.to_kind(Kind::Float).svd(true, true);
            let u = v_mat.select(1, 0).contiguous();
            let v = u_mat.select(1, 0).contiguous();
            let mut s = SpectralScale {
                gamma: Tensor::ones([1], (Kind::Float, w.device())),
                u,
                v,
            };
            if init == GammaInit::KeepFunction {
                // The same expression the forward divides by, so γ/σ is exactly 1 at the start.
                s.gamma = s.sigma(w).detach().reshape([1]);
            }
            s.gamma = s.gamma.set_requires_grad(true);
            s
        })
    }

    /// One power-iteration step of `u`, `v` on `w`'s current values (in place, no gradient).
    pub fn power_step(&self, w: &Tensor) {
        tch::no_grad(|| {
            let w = w.to_kind(Kind::Float);
            let v = normalize(&w.mv(&self.u));
            let u = normalize(&w.tr().mv(&v));
            // Handles share storage: the copies land in the state itself.
            self.v.shallow_clone().copy_(&v);
            self.u.shallow_clone().copy_(&u);
        });
    }

    /// The same state as variables of `p` (`sr_gamma` trainable, `sr_u`, `sr_v` not), so a var
    /// store saves, restores and copies it with the weights.
    pub fn registered(self, p: &tch::nn::Path) -> Self {
        let fixed = |name: &str, t: &Tensor| {
            let mut v = p.zeros_no_train(name, &t.size());
            tch::no_grad(|| v.copy_(t));
            v
        };
        SpectralScale {
            gamma: p.var_copy("sr_gamma", &self.gamma.detach()),
            u: fixed("sr_u", &self.u),
            v: fixed("sr_v", &self.v),
        }
    }

    /// `σ = vᵀ W u`, differentiable in `W`.
    fn sigma(&self, w: &Tensor) -> Tensor {
        self.v.dot(&w.to_kind(Kind::Float).mv(&self.u))
    }

    /// The weight the layer computes with: `γ / σ(W) · W`.
    pub fn weight(&self, w: &Tensor) -> Tensor {
        let scale = &self.gamma.squeeze() / self.sigma(w);
        w * scale.to_kind(w.kind())
    }
}

fn normalize(x: &Tensor) -> Tensor {
    x / x.norm().clamp_min(1e-12)
}

/// Mean attention entropy (nats) per head of `softmax(q kᵀ / sqrt(d))`, `q` `[b, h, n, d]`, `k`
/// `[b, h, n, d]` (key/value heads already repeated), `allowed` a boolean mask broadcastable to
/// `[b, h, n, n]` (None: every key). Averaged over batch and query positions, computed in f32
/// without gradient.
pub(super) fn attention_entropy(q: &Tensor, k: &Tensor, allowed: Option<&Tensor>) -> Vec<f64> {
    tch::no_grad(|| {
        let d = q.size()[3] as f64;
        let q = q.to_kind(Kind::Float);
        let k = k.to_kind(Kind::Float);
        let mut s = q.matmul(&k.transpose(-2, -1)) / d.sqrt();
        if let Some(m) = allowed {
            s = s.masked_fill(&m.logical_not(), f64::NEG_INFINITY);
        }
        let p = s.softmax(-1, Kind::Float);
        let h = -(&p * p.clamp_min(1e-30).log()).sum_dim_intlist(-1, false, Kind::Float);
        let per_head = h.mean_dim([0, 2].as_slice(), false, Kind::Float);
        Vec::<f64>::try_from(per_head.to_kind(Kind::Double).to_device(tch::Device::Cpu))
            .unwrap_or_default()
    })
}
