//! Llama-architecture causal LM in burn: RMSNorm, rotary embeddings (HF `rotate_half` layout),
//! grouped-query attention, SwiGLU, optionally tied embeddings; attention masked causally and at
//! document boundaries.

use burn::module::{Module, Param, ParamId};
use burn::prelude::*;
use burn::tensor::activation::{log_softmax, silu, softmax};
use burn::tensor::{Bool, Int, TensorData};
use serde::{Deserialize, Serialize};

use super::weights::Weights;
use crate::error::Result;

/// Architecture hyper-parameters (HF `LlamaConfig` names in the JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LlamaConfig {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub intermediate_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub num_key_value_heads: usize,
    pub rope_theta: f64,
    pub rms_norm_eps: f64,
    pub max_position_embeddings: usize,
    pub tie_word_embeddings: bool,
}

impl LlamaConfig {
    pub fn head_dim(&self) -> usize {
        self.hidden_size / self.num_attention_heads
    }

    pub fn check(&self) -> Result<()> {
        let c = self;
        let bad = |m: String| Err(err!(config("model config: {m}")));
        if c.vocab_size == 0 || c.hidden_size == 0 || c.num_hidden_layers == 0 {
            return bad("vocab_size, hidden_size and num_hidden_layers must be > 0".into());
        }
        if c.num_attention_heads == 0 || !c.hidden_size.is_multiple_of(c.num_attention_heads) {
            return bad(format!(
                "hidden_size {} is not a multiple of num_attention_heads {}",
                c.hidden_size, c.num_attention_heads
            ));
        }
        if !c.head_dim().is_multiple_of(2) {
            return bad(format!(
                "head dim {} must be even (rotary pairs)",
                c.head_dim()
            ));
        }
        if c.num_key_value_heads == 0
            || !c.num_attention_heads.is_multiple_of(c.num_key_value_heads)
        {
            return bad(format!(
                "num_attention_heads {} is not a multiple of num_key_value_heads {}",
                c.num_attention_heads, c.num_key_value_heads
            ));
        }
        Ok(())
    }

    /// Parameter count (tied embeddings counted once).
    pub fn parameters(&self) -> u64 {
        let (d, f, v) = (
            self.hidden_size as u64,
            self.intermediate_size as u64,
            self.vocab_size as u64,
        );
        let kv = (self.num_key_value_heads * self.head_dim()) as u64;
        let layer = 2 * d * d + 2 * d * kv + 3 * d * f + 2 * d;
        let head = if self.tie_word_embeddings { 0 } else { v * d };
        v * d + self.num_hidden_layers as u64 * layer + d + head
    }
}

#[derive(Module, Debug)]
pub struct Block<B: Backend> {
    attn_norm: Param<Tensor<B, 1>>,
    // Linear weights are stored [in, out] so that `x.matmul(w)` needs no transpose.
    wq: Param<Tensor<B, 2>>,
    wk: Param<Tensor<B, 2>>,
    wv: Param<Tensor<B, 2>>,
    wo: Param<Tensor<B, 2>>,
    ffn_norm: Param<Tensor<B, 1>>,
    w_gate: Param<Tensor<B, 2>>,
    w_up: Param<Tensor<B, 2>>,
    w_down: Param<Tensor<B, 2>>,
}

#[derive(Module, Debug)]
pub struct Llama<B: Backend> {
    embed: Param<Tensor<B, 2>>,
    blocks: Vec<Block<B>>,
    norm: Param<Tensor<B, 1>>,
    lm_head: Option<Param<Tensor<B, 2>>>,
}

/// One forward batch on the device: token ids, the attention mask, rotary tables.
pub struct Inputs<B: Backend> {
    pub tokens: Tensor<B, 2, Int>,
    /// [batch, 1, len, len]; true where attention is not allowed.
    pub mask: Tensor<B, 4, Bool>,
    pub cos: Tensor<B, 4>,
    pub sin: Tensor<B, 4>,
}

/// Each position's document number within its row: a row that continues a document starts in
/// document 0; each listed start opens the next one.
pub fn doc_ids(len: usize, doc_starts: &[u32]) -> Vec<u32> {
    let mut ids = vec![0u32; len];
    let mut doc = 0;
    let mut starts = doc_starts.iter().peekable();
    for (p, id) in ids.iter_mut().enumerate() {
        while starts.peek().is_some_and(|&&s| s as usize <= p) {
            // A start at 0 opens document 1; harmless, ids only need to differ.
            doc += 1;
            starts.next();
        }
        *id = doc;
    }
    ids
}

impl<B: Backend> Inputs<B> {
    pub fn new(
        cfg: &LlamaConfig,
        tokens: &[u32],
        batch: usize,
        len: usize,
        doc_starts: &[Vec<u32>],
        device: &B::Device,
    ) -> Self {
        let ids: Vec<i64> = tokens.iter().map(|&t| t as i64).collect();
        let tokens = Tensor::<B, 2, Int>::from_data(TensorData::new(ids, [batch, len]), device);
        let mut mask = Vec::with_capacity(batch * len * len);
        for b in 0..batch {
            let docs = doc_ids(len, doc_starts.get(b).map_or(&[][..], |v| v));
            for i in 0..len {
                for j in 0..len {
                    mask.push(j > i || docs[j] != docs[i]);
                }
            }
        }
        let mask =
            Tensor::<B, 4, Bool>::from_data(TensorData::new(mask, [batch, 1, len, len]), device);
        let (cos, sin) = rope_tables(cfg, len);
        let hd = cfg.head_dim();
        let cos = Tensor::<B, 4>::from_data(TensorData::new(cos, [1, 1, len, hd]), device);
        let sin = Tensor::<B, 4>::from_data(TensorData::new(sin, [1, 1, len, hd]), device);
        Inputs {
            tokens,
            mask,
            cos,
            sin,
        }
    }
}

/// cos/sin of position * inv_freq, duplicated over both halves (HF layout), computed in f64.
pub(crate) fn rope_tables(cfg: &LlamaConfig, len: usize) -> (Vec<f32>, Vec<f32>) {
    let hd = cfg.head_dim();
    let half = hd / 2;
    let mut cos = Vec::with_capacity(len * hd);
    let mut sin = Vec::with_capacity(len * hd);
    for p in 0..len {
        for i in 0..hd {
            // HF computes inv_freq in f32 then the angle in f32; match it.
            let inv = (1.0 / cfg.rope_theta.powf((2 * (i % half)) as f64 / hd as f64)) as f32;
            let ang = p as f32 * inv;
            cos.push(ang.cos());
            sin.push(ang.sin());
        }
    }
    (cos, sin)
}

/// Moves named weights onto the device as parameters. Ids are fixed (the order parameters are
/// built in) so optimizer state saved by one process maps onto the model rebuilt by another.
struct Loader<'a, B: Backend> {
    w: &'a mut Weights,
    id: u64,
    device: &'a B::Device,
}

impl<B: Backend> Loader<'_, B> {
    fn param<const D: usize>(&mut self, t: Tensor<B, D>) -> Param<Tensor<B, D>> {
        self.id += 1;
        Param::initialized(ParamId::from(self.id), t.require_grad())
    }

    fn mat(
        &mut self,
        name: &str,
        out: usize,
        inp: usize,
        transpose: bool,
    ) -> Result<Param<Tensor<B, 2>>> {
        let data = self.w.take(name, &[out, inp])?;
        let t = Tensor::<B, 2>::from_data(TensorData::new(data, [out, inp]), self.device);
        Ok(self.param(if transpose { t.transpose() } else { t }))
    }

    fn vec(&mut self, name: &str, n: usize) -> Result<Param<Tensor<B, 1>>> {
        let data = self.w.take(name, &[n])?;
        let t = Tensor::<B, 1>::from_data(TensorData::new(data, [n]), self.device);
        Ok(self.param(t))
    }
}

fn rms_norm<B: Backend, const D: usize>(
    x: Tensor<B, D>,
    w: &Param<Tensor<B, 1>>,
    eps: f64,
) -> Tensor<B, D> {
    let var = x.clone().powi_scalar(2).mean_dim(D - 1);
    let x = x * (var + eps).sqrt().recip();
    let mut shape = [1usize; D];
    shape[D - 1] = w.dims()[0];
    x * w.val().reshape(shape)
}

fn rotate<B: Backend>(x: Tensor<B, 4>, cos: &Tensor<B, 4>, sin: &Tensor<B, 4>) -> Tensor<B, 4> {
    let hd = x.dims()[3];
    let x1 = x.clone().narrow(3, 0, hd / 2);
    let x2 = x.clone().narrow(3, hd / 2, hd / 2);
    let rot = Tensor::cat(vec![x2.neg(), x1], 3);
    x * cos.clone() + rot * sin.clone()
}

impl<B: Backend> Block<B> {
    fn forward(
        &self,
        cfg: &LlamaConfig,
        x: Tensor<B, 2>,
        inp: &Inputs<B>,
        batch: usize,
        len: usize,
    ) -> Tensor<B, 2> {
        let (h, kvh, hd) = (
            cfg.num_attention_heads,
            cfg.num_key_value_heads,
            cfg.head_dim(),
        );
        let n = rms_norm(x.clone(), &self.attn_norm, cfg.rms_norm_eps);
        let heads = |w: &Param<Tensor<B, 2>>, nh: usize| {
            n.clone()
                .matmul(w.val())
                .reshape([batch, len, nh, hd])
                .swap_dims(1, 2)
        };
        let q = rotate(heads(&self.wq, h), &inp.cos, &inp.sin);
        let k = rotate(heads(&self.wk, kvh), &inp.cos, &inp.sin);
        let v = heads(&self.wv, kvh);
        let rep = h / kvh;
        let expand = |t: Tensor<B, 4>| {
            if rep == 1 {
                t
            } else {
                t.unsqueeze_dim::<5>(2)
                    .repeat_dim(2, rep)
                    .reshape([batch, h, len, hd])
            }
        };
        let (k, v) = (expand(k), expand(v));
        let scores = q.matmul(k.swap_dims(2, 3)) / (hd as f64).sqrt();
        let scores = scores.mask_fill(inp.mask.clone(), f32::NEG_INFINITY);
        let att = softmax(scores, 3).matmul(v);
        let att = att.swap_dims(1, 2).reshape([batch * len, h * hd]);
        let x = x + att.matmul(self.wo.val());
        let n = rms_norm(x.clone(), &self.ffn_norm, cfg.rms_norm_eps);
        let g = silu(n.clone().matmul(self.w_gate.val())) * n.matmul(self.w_up.val());
        x + g.matmul(self.w_down.val())
    }
}

impl<B: Backend> Llama<B> {
    /// Logits [batch, len, vocab].
    pub fn forward(&self, cfg: &LlamaConfig, inp: &Inputs<B>) -> Tensor<B, 3> {
        let [batch, len] = inp.tokens.dims();
        let flat = inp.tokens.clone().reshape([batch * len]);
        let mut x = self.embed.val().select(0, flat);
        for b in &self.blocks {
            x = b.forward(cfg, x, inp, batch, len);
        }
        let x = rms_norm(x, &self.norm, cfg.rms_norm_eps);
        let logits = match &self.lm_head {
            Some(w) => x.matmul(w.val()),
            None => x.matmul(self.embed.val().transpose()),
        };
        logits.reshape([batch, len, cfg.vocab_size])
    }

    /// Summed next-token negative log-likelihood (nats) over the positions where `weights` is 1;
    /// `targets[b, t]` is the token position t predicts.
    pub fn nll_sum(
        &self,
        cfg: &LlamaConfig,
        inp: &Inputs<B>,
        targets: Tensor<B, 2, Int>,
        weights: Tensor<B, 2>,
    ) -> Tensor<B, 1> {
        let logp = log_softmax(self.forward(cfg, inp), 2);
        let picked = logp.gather(2, targets.unsqueeze_dim(2)).squeeze_dim::<2>(2);
        (picked * weights).sum().neg()
    }

    /// Summed distillation and next-token losses over the weighted positions: the student's
    /// cross-entropy at temperature `t` against sparse teacher targets (`ids`/`probs` [b, len, k],
    /// `tail` [b, len] mass outside them, scored as one bucket), and the plain NLL.
    #[allow(clippy::too_many_arguments)]
    pub fn distill_sums(
        &self,
        cfg: &LlamaConfig,
        inp: &Inputs<B>,
        targets: Tensor<B, 2, Int>,
        weights: Tensor<B, 2>,
        ids: Tensor<B, 3, Int>,
        probs: Tensor<B, 3>,
        tail: Tensor<B, 2>,
        t: f64,
    ) -> (Tensor<B, 1>, Tensor<B, 1>) {
        let logits = self.forward(cfg, inp);
        let logq = log_softmax(logits.clone() / t, 2).gather(2, ids);
        let ce = (logq.clone() * probs).sum_dim(2).squeeze_dim::<2>(2).neg();
        let inside = logq.exp().sum_dim(2).squeeze_dim::<2>(2);
        let outside = (inside.neg() + 1.0).clamp_min(1e-6).log();
        let distill = ((ce - outside * tail) * weights.clone()).sum();
        let logp = log_softmax(logits, 2);
        let nll = (logp.gather(2, targets.unsqueeze_dim(2)).squeeze_dim::<2>(2) * weights)
            .sum()
            .neg();
        (distill, nll)
    }

    /// Builds the model from named weights (HF names, [out, in] layout), checking every shape.
    pub fn from_weights(cfg: &LlamaConfig, w: &mut Weights, device: &B::Device) -> Result<Self> {
        cfg.check()?;
        let (d, f, v) = (cfg.hidden_size, cfg.intermediate_size, cfg.vocab_size);
        let kv = cfg.num_key_value_heads * cfg.head_dim();
        let mut l = Loader { w, id: 0, device };
        let embed = l.mat("model.embed_tokens.weight", v, d, false)?;
        let mut blocks = Vec::with_capacity(cfg.num_hidden_layers);
        for i in 0..cfg.num_hidden_layers {
            let p = format!("model.layers.{i}.");
            blocks.push(Block {
                attn_norm: l.vec(&format!("{p}input_layernorm.weight"), d)?,
                ffn_norm: l.vec(&format!("{p}post_attention_layernorm.weight"), d)?,
                wq: l.mat(&format!("{p}self_attn.q_proj.weight"), d, d, true)?,
                wk: l.mat(&format!("{p}self_attn.k_proj.weight"), kv, d, true)?,
                wv: l.mat(&format!("{p}self_attn.v_proj.weight"), kv, d, true)?,
                wo: l.mat(&format!("{p}self_attn.o_proj.weight"), d, d, true)?,
                w_gate: l.mat(&format!("{p}mlp.gate_proj.weight"), f, d, true)?,
                w_up: l.mat(&format!("{p}mlp.up_proj.weight"), f, d, true)?,
                w_down: l.mat(&format!("{p}mlp.down_proj.weight"), d, f, true)?,
            });
        }
        let norm = l.vec("model.norm.weight", d)?;
        let lm_head = if cfg.tie_word_embeddings {
            l.w.discard("lm_head.weight");
            None
        } else {
            Some(l.mat("lm_head.weight", v, d, true)?)
        };
        l.w.finish()?;
        Ok(Llama {
            embed,
            blocks,
            norm,
            lm_head,
        })
    }

    /// The weights under HF names in [out, in] layout (what `from_weights` takes).
    pub fn to_weights(&self) -> Weights {
        let mut w = Weights::new("model");
        let mut put = |name: String, t: Tensor<B, 2>, transpose: bool| {
            let t = if transpose { t.transpose() } else { t };
            let dims = t.dims();
            w.insert(name, vec![dims[0], dims[1]], to_vec(t));
        };
        put("model.embed_tokens.weight".into(), self.embed.val(), false);
        for (l, b) in self.blocks.iter().enumerate() {
            let p = format!("model.layers.{l}.");
            for (name, t) in [
                ("self_attn.q_proj.weight", &b.wq),
                ("self_attn.k_proj.weight", &b.wk),
                ("self_attn.v_proj.weight", &b.wv),
                ("self_attn.o_proj.weight", &b.wo),
                ("mlp.gate_proj.weight", &b.w_gate),
                ("mlp.up_proj.weight", &b.w_up),
                ("mlp.down_proj.weight", &b.w_down),
            ] {
                put(format!("{p}{name}"), t.val(), true);
            }
        }
        if let Some(h) = &self.lm_head {
            put("lm_head.weight".into(), h.val(), true);
        }
        let mut put1 = |name: String, t: Tensor<B, 1>| {
            let n = t.dims()[0];
            w.insert(name, vec![n], to_vec(t));
        };
        for (l, b) in self.blocks.iter().enumerate() {
            put1(
                format!("model.layers.{l}.input_layernorm.weight"),
                b.attn_norm.val(),
            );
            put1(
                format!("model.layers.{l}.post_attention_layernorm.weight"),
                b.ffn_norm.val(),
            );
        }
        put1("model.norm.weight".into(), self.norm.val());
        w
    }
}

pub fn to_vec<B: Backend, const D: usize>(t: Tensor<B, D>) -> Vec<f32> {
    t.into_data()
        .convert::<f32>()
        .into_vec::<f32>()
        .expect("float tensor converted to f32")
}

/// Fresh weights for training from scratch: N(0, 0.02) matrices from the counter RNG keyed by
/// (seed, tensor name), ones for norms; the same bits on every backend.
pub fn init_weights(cfg: &LlamaConfig, seed: u64) -> Result<Weights> {
    cfg.check()?;
    let (d, f, v) = (cfg.hidden_size, cfg.intermediate_size, cfg.vocab_size);
    let kv = cfg.num_key_value_heads * cfg.head_dim();
    let mut w = Weights::new("init");
    let mut normal = |name: String, shape: Vec<usize>| {
        let n: usize = shape.iter().product();
        let data = crate::core::rng::normal_f32(seed, &name, n, 0.02);
        w.insert(name, shape, data);
    };
    normal("model.embed_tokens.weight".into(), vec![v, d]);
    if !cfg.tie_word_embeddings {
        normal("lm_head.weight".into(), vec![v, d]);
    }
    for l in 0..cfg.num_hidden_layers {
        let p = format!("model.layers.{l}.");
        for (name, out, inp) in [
            ("self_attn.q_proj.weight", d, d),
            ("self_attn.k_proj.weight", kv, d),
            ("self_attn.v_proj.weight", kv, d),
            ("self_attn.o_proj.weight", d, d),
            ("mlp.gate_proj.weight", f, d),
            ("mlp.up_proj.weight", f, d),
            ("mlp.down_proj.weight", d, f),
        ] {
            normal(format!("{p}{name}"), vec![out, inp]);
        }
    }
    for l in 0..cfg.num_hidden_layers {
        for n in ["input_layernorm.weight", "post_attention_layernorm.weight"] {
            w.insert(format!("model.layers.{l}.{n}"), vec![d], vec![1.0; d]);
        }
    }
    w.insert("model.norm.weight".into(), vec![d], vec![1.0; d]);
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_ids_follow_starts() {
        assert_eq!(doc_ids(6, &[0, 3]), vec![1, 1, 1, 2, 2, 2]);
        assert_eq!(doc_ids(5, &[2]), vec![0, 0, 1, 1, 1]);
        assert_eq!(doc_ids(3, &[]), vec![0, 0, 0]);
    }
}
