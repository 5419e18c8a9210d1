//! The `Backend` trait on libtorch (crate `tch`, feature `torch`): PyTorch's kernels on CPU and CUDA.
//!
//! The model is `model.rs`'s Llama written with libtorch ops: RMSNorm in f32, rotary tables from
//! the same host code, grouped-query attention through `scaled_dot_product_attention` (with
//! `enable_gqa`, so PyTorch picks its fused kernel; `is_causal` and no mask when no row holds a
//! document boundary, else a causal block-diagonal boolean mask), SwiGLU, tied embeddings.
//! Weights are f32 masters under their HF names; on CUDA the matmuls run in bf16 (weights cast per
//! forward, as autocast does), the loss and the optimizer in f32. AdamW is written here, per
//! tensor, with PyTorch's formula (decoupled decay, bias correction), because tch reaches neither
//! the fused nor the foreach kernels and its optimizer state cannot be saved: ours is saved in a
//! safetensors file, so a resumed run continues bit for bit on CPU.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use tch::{Device, Kind, Tensor};

use super::model::{LlamaConfig, doc_ids, rope_tables};
use super::sigma_reparam::{GammaInit, SpectralScale, attention_entropy};
use super::{
    Backend, Capabilities, DistillConfig, Ewc, Logits, LossSum, OptimConfig, TeacherTargets,
    TokenBatch, Weights,
};
use crate::error::{Error, Result};

/// One Llama layer's weights, f32, [out, in] as HF stores them (what `linear` takes).
struct Layer {
    attn_norm: Tensor,
    wq: Tensor,
    wk: Tensor,
    wv: Tensor,
    wo: Tensor,
    ffn_norm: Tensor,
    gate: Tensor,
    up: Tensor,
    down: Tensor,
    /// σReparam of the seven matrices, in `LINEARS` order (None: plain weights).
    sr: Option<Vec<SpectralScale>>,
}

/// A layer's linear weights under their HF names (after `model.layers.{i}.`), in `Layer::mats`
/// order.
const LINEARS: [&str; 7] = [
    "self_attn.q_proj.weight",
    "self_attn.k_proj.weight",
    "self_attn.v_proj.weight",
    "self_attn.o_proj.weight",
    "mlp.gate_proj.weight",
    "mlp.up_proj.weight",
    "mlp.down_proj.weight",
];

impl Layer {
    fn mats(&self) -> [&Tensor; 7] {
        [
            &self.wq, &self.wk, &self.wv, &self.wo, &self.gate, &self.up, &self.down,
        ]
    }

    /// The matrices as the layer computes with them (σReparam applied), f32.
    fn effective(&self) -> [Tensor; 7] {
        let m = self.mats();
        std::array::from_fn(|i| match &self.sr {
            Some(sr) => sr[i].weight(m[i]),
            None => m[i].shallow_clone(),
        })
    }
}

pub struct TorchBackend {
    cfg: LlamaConfig,
    device: Device,
    /// Matmul dtype: f32 on CPU, bf16 on CUDA.
    compute: Kind,
    label: String,
    embed: Tensor,
    layers: Vec<Layer>,
    norm: Tensor,
    lm_head: Option<Tensor>,
    optim: OptimConfig,
    /// AdamW moments per parameter (in `named` order) and the steps taken.
    moments: Vec<(Tensor, Tensor)>,
    steps: i64,
    /// EWC: per parameter (in `named` order) lambda * Fisher and the anchor weights.
    ewc: Option<Vec<(Tensor, Tensor)>>,
}

/// A batch on the device: ids, rotary tables and the attention mask (None: plain causal).
struct Inputs {
    tokens: Tensor,
    cos: Tensor,
    sin: Tensor,
    mask: Option<Tensor>,
    targets: Tensor,
    weights: Tensor,
    count: f64,
}

/// Runs libtorch work, turning its panics (tch's unchecked ops panic on a libtorch error, e.g.
/// CUDA out of memory) into a backend error.
pub(super) fn guarded<T>(what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "libtorch failed".into());
            Err(Error::Backend(format!("backend `torch` ({what}): {msg}")))
        }
    }
}

/// Parses `cpu`, `cuda` or `cuda:N`.
pub(super) fn device(spec: &str) -> Result<Device> {
    match spec {
        "cpu" => Ok(Device::Cpu),
        "cuda" => Ok(Device::Cuda(0)),
        s => s
            .strip_prefix("cuda:")
            .and_then(|n| n.parse().ok())
            .map(Device::Cuda)
            .ok_or_else(|| err!(config("--device `{s}` is not cpu, cuda or cuda:N"))),
    }
}

/// The device `spec` names, checked against the CUDA devices libtorch sees; on the CPU, libtorch's
/// intra-op pool sized like sluice's own (the same bits for the same inputs).
pub(super) fn open_device(spec: &str) -> Result<Device> {
    let dev = device(spec)?;
    if let Device::Cuda(n) = dev {
        let have = tch::Cuda::device_count();
        if (n as i64) >= have {
            bail!(backend(
                "backend `torch`: --device {spec} asked, libtorch sees {have} CUDA device(s)"
            ));
        }
    }
    if dev == Device::Cpu {
        tch::set_num_threads(rayon::current_num_threads() as i32);
    }
    Ok(dev)
}

pub fn open(
    spec: &str,
    cfg: &LlamaConfig,
    w: &mut Weights,
    optim: &OptimConfig,
) -> Result<Box<dyn Backend>> {
    cfg.check()?;
    let dev = open_device(spec)?;
    guarded("loading weights", || {
        TorchBackend::new(cfg, w, optim, dev).map(|b| Box::new(b) as Box<dyn Backend>)
    })
}

impl TorchBackend {
    fn new(cfg: &LlamaConfig, w: &mut Weights, optim: &OptimConfig, dev: Device) -> Result<Self> {
        let (d, f, v) = (cfg.hidden_size, cfg.intermediate_size, cfg.vocab_size);
        let kv = cfg.num_key_value_heads * cfg.head_dim();
        let mut take = |name: &str, shape: &[usize]| -> Result<Tensor> {
            let data = w.take(name, shape)?;
            let dims: Vec<i64> = shape.iter().map(|&s| s as i64).collect();
            Ok(Tensor::from_slice(&data)
                .view(dims.as_slice())
                .to_device(dev)
                .set_requires_grad(true))
        };
        let embed = take("model.embed_tokens.weight", &[v, d])?;
        let mut layers = Vec::with_capacity(cfg.num_hidden_layers);
        for i in 0..cfg.num_hidden_layers {
            let p = format!("model.layers.{i}.");
            layers.push(Layer {
                attn_norm: take(&format!("{p}input_layernorm.weight"), &[d])?,
                ffn_norm: take(&format!("{p}post_attention_layernorm.weight"), &[d])?,
                wq: take(&format!("{p}self_attn.q_proj.weight"), &[d, d])?,
                wk: take(&format!("{p}self_attn.k_proj.weight"), &[kv, d])?,
                wv: take(&format!("{p}self_attn.v_proj.weight"), &[kv, d])?,
                wo: take(&format!("{p}self_attn.o_proj.weight"), &[d, d])?,
                gate: take(&format!("{p}mlp.gate_proj.weight"), &[f, d])?,
                up: take(&format!("{p}mlp.up_proj.weight"), &[f, d])?,
                down: take(&format!("{p}mlp.down_proj.weight"), &[d, f])?,
                sr: None,
            });
        }
        let norm = take("model.norm.weight", &[d])?;
        let lm_head = if cfg.tie_word_embeddings {
            w.discard("lm_head.weight");
            None
        } else {
            Some(take("lm_head.weight", &[v, d])?)
        };
        w.finish()?;
        let (compute, label) = match dev {
            Device::Cuda(n) => (
                Kind::BFloat16,
                format!("cuda:{n} (libtorch {}, bf16)", torch_version()),
            ),
            _ => (
                Kind::Float,
                format!(
                    "cpu (libtorch {}, {} threads)",
                    torch_version(),
                    tch::get_num_threads()
                ),
            ),
        };
        let mut b = TorchBackend {
            cfg: cfg.clone(),
            device: dev,
            compute,
            label,
            embed,
            layers,
            norm,
            lm_head,
            optim: optim.clone(),
            moments: Vec::new(),
            steps: 0,
            ewc: None,
        };
        b.reset_moments();
        Ok(b)
    }

    /// Every parameter under its HF name, in a fixed order (the optimizer state follows it).
    fn named(&self) -> Vec<(String, &Tensor)> {
        let mut v = vec![("model.embed_tokens.weight".to_string(), &self.embed)];
        for (i, l) in self.layers.iter().enumerate() {
            let p = format!("model.layers.{i}.");
            for (n, t) in [
                ("input_layernorm.weight", &l.attn_norm),
                ("post_attention_layernorm.weight", &l.ffn_norm),
                ("self_attn.q_proj.weight", &l.wq),
                ("self_attn.k_proj.weight", &l.wk),
                ("self_attn.v_proj.weight", &l.wv),
                ("self_attn.o_proj.weight", &l.wo),
                ("mlp.gate_proj.weight", &l.gate),
                ("mlp.up_proj.weight", &l.up),
                ("mlp.down_proj.weight", &l.down),
            ] {
                v.push((format!("{p}{n}"), t));
            }
        }
        v.push(("model.norm.weight".into(), &self.norm));
        if let Some(h) = &self.lm_head {
            v.push(("lm_head.weight".into(), h));
        }
        v
    }

    /// What the optimizer steps: the weights (`named`), then σReparam's `γ` per matrix.
    fn trainable(&self) -> Vec<(String, Tensor)> {
        let mut v: Vec<(String, Tensor)> = self
            .named()
            .into_iter()
            .map(|(n, t)| (n, t.shallow_clone()))
            .collect();
        for (i, l) in self.layers.iter().enumerate() {
            for (name, s) in LINEARS.iter().zip(l.sr.iter().flatten()) {
                v.push((
                    format!("model.layers.{i}.{name}.sigma_reparam.gamma"),
                    s.gamma.shallow_clone(),
                ));
            }
        }
        v
    }

    fn reset_moments(&mut self) {
        self.moments = self
            .trainable()
            .iter()
            .map(|(_, t)| (t.zeros_like(), t.zeros_like()))
            .collect();
    }

    /// σReparam's state beside the raw weights it scales, under `sr.{raw,gamma,u,v}.{name}`.
    fn sr_state(&self) -> Vec<(String, Tensor)> {
        let mut v = Vec::new();
        for (i, l) in self.layers.iter().enumerate() {
            let Some(sr) = &l.sr else { continue };
            for ((name, w), s) in LINEARS.iter().zip(l.mats()).zip(sr) {
                let n = format!("model.layers.{i}.{name}");
                for (part, t) in [("raw", w), ("gamma", &s.gamma), ("u", &s.u), ("v", &s.v)] {
                    v.push((format!("sr.{part}.{n}"), t.shallow_clone()));
                }
            }
        }
        v
    }

    fn inputs(&self, b: &TokenBatch) -> Result<Inputs> {
        b.check(self.cfg.vocab_size)?;
        let (bs, len, dev) = (b.batch as i64, b.len as i64, self.device);
        let ids: Vec<i64> = b.tokens.iter().map(|&t| t as i64).collect();
        let tokens = Tensor::from_slice(&ids).view([bs, len]).to_device(dev);
        let hd = self.cfg.head_dim() as i64;
        let (cos, sin) = rope_tables(&self.cfg, b.len);
        let table = |v: Vec<f32>| {
            Tensor::from_slice(&v)
                .view([1, 1, len, hd])
                .to_device(dev)
                .to_kind(self.compute)
        };
        // Only a boundary inside a row needs a mask; without one the fused causal kernel runs.
        let boundary = b.doc_starts.iter().any(|s| s.iter().any(|&p| p > 0));
        let mask = boundary.then(|| {
            let docs: Vec<i64> = b
                .doc_starts
                .iter()
                .flat_map(|s| doc_ids(b.len, s))
                .map(i64::from)
                .collect();
            let docs = Tensor::from_slice(&docs).view([bs, len]).to_device(dev);
            let same = docs.unsqueeze(2).eq_tensor(&docs.unsqueeze(1));
            let causal = Tensor::ones([len, len], (Kind::Bool, dev)).tril(0);
            same.logical_and(&causal).unsqueeze(1)
        });
        let (targets, weights) = b.targets();
        let count = weights.iter().map(|&w| w as f64).sum();
        let targets: Vec<i64> = targets.into_iter().map(i64::from).collect();
        Ok(Inputs {
            tokens,
            cos: table(cos),
            sin: table(sin),
            mask,
            targets: Tensor::from_slice(&targets).view([bs, len]).to_device(dev),
            weights: Tensor::from_slice(&weights).view([bs, len]).to_device(dev),
            count,
        })
    }

    /// The kernel `scaled_dot_product_attention` dispatches to for this model's heads, dtype and
    /// device, asked of libtorch (`_fused_sdp_choice`) with and without a document mask. Flash
    /// kernels take no mask, so a batch with boundaries inside rows falls to another kernel; the
    /// varlen (cumulative sequence length) entry points `_flash_attention_forward` and
    /// `_efficient_attention_forward` are not generated by tch 0.24, only their backwards.
    fn attention_kernels(&self) -> String {
        let c = &self.cfg;
        let (h, kvh, hd, len) = (
            c.num_attention_heads as i64,
            c.num_key_value_heads as i64,
            c.head_dim() as i64,
            128,
        );
        let opts = (self.compute, self.device);
        let q = Tensor::zeros([1, h, len, hd], opts).set_requires_grad(true);
        let kv = Tensor::zeros([1, kvh, len, hd], opts).set_requires_grad(true);
        let mask = Tensor::ones([len, len], (Kind::Bool, self.device)).tril(0);
        let name = |mask: Option<&Tensor>| {
            let choice = guarded("choosing an attention kernel", || {
                Ok(Tensor::f_internal_fused_sdp_choice(
                    &q,
                    &kv,
                    &kv,
                    mask,
                    0.0,
                    mask.is_none(),
                    None,
                    true,
                )
                .unwrap_or(-1))
            });
            match choice {
                Ok(0) => "math",
                Ok(1) => "flash_attention",
                Ok(2) => "efficient_attention",
                Ok(3) => "cudnn_attention",
                Ok(4) => "overrideable",
                _ => "unknown",
            }
        };
        format!(
            "sdpa causal: {}; with document mask: {}",
            name(None),
            name(Some(&mask))
        )
    }

    /// A weight as the matmuls take it.
    fn w(&self, t: &Tensor) -> Tensor {
        if self.compute == Kind::Float {
            t.shallow_clone()
        } else {
            t.to_kind(self.compute)
        }
    }

    /// RMSNorm computed in f32 (as HF does), returned in the compute dtype.
    fn rms_norm(&self, x: &Tensor, w: &Tensor) -> Tensor {
        let x32 = x.to_kind(Kind::Float);
        let var = x32.pow_tensor_scalar(2).mean_dim(-1, true, Kind::Float);
        let y = x32 * (var + self.cfg.rms_norm_eps).rsqrt() * w;
        y.to_kind(self.compute)
    }

    /// Logits [batch, len, vocab] in f32; with `probe`, each layer's per-head attention entropy
    /// is appended to it.
    fn forward(&self, inp: &Inputs, mut probe: Option<&mut Vec<Vec<f64>>>) -> Tensor {
        let c = &self.cfg;
        let (bs, len) = inp.tokens.size2().expect("ids are [batch, len]");
        let (h, kvh, hd) = (
            c.num_attention_heads as i64,
            c.num_key_value_heads as i64,
            c.head_dim() as i64,
        );
        let rotate = |x: Tensor| {
            let x1 = x.narrow(3, 0, hd / 2);
            let x2 = x.narrow(3, hd / 2, hd / 2);
            let rot = Tensor::cat(&[x2.neg(), x1], 3);
            x * &inp.cos + rot * &inp.sin
        };
        let mut x = Tensor::embedding(&self.w(&self.embed), &inp.tokens, -1, false, false);
        for l in &self.layers {
            let [wq, wk, wv, wo, gate, up, down] = l.effective().map(|t| self.w(&t));
            let n = self.rms_norm(&x, &l.attn_norm);
            let heads = |w: &Tensor, nh: i64| {
                n.linear::<Tensor>(w, None)
                    .view([bs, len, nh, hd])
                    .transpose(1, 2)
            };
            let q = rotate(heads(&wq, h));
            let k = rotate(heads(&wk, kvh));
            let v = heads(&wv, kvh);
            if let Some(p) = probe.as_deref_mut() {
                let causal = Tensor::ones([len, len], (Kind::Bool, self.device)).tril(0);
                let allowed = inp.mask.as_ref().unwrap_or(&causal);
                let k_all = k.repeat_interleave_self_int(h / kvh, 1, None::<i64>);
                p.push(attention_entropy(&q, &k_all, Some(allowed)));
            }
            let att = Tensor::scaled_dot_product_attention(
                &q,
                &k,
                &v,
                inp.mask.as_ref(),
                0.0,
                inp.mask.is_none(),
                None,
                true,
            );
            let att = att.transpose(1, 2).reshape([bs, len, h * hd]);
            // Not `+=`: in place would change a tensor autograd kept for RMSNorm's backward.
            x = &x + att.linear::<Tensor>(&wo, None);
            let n = self.rms_norm(&x, &l.ffn_norm);
            let g = n.linear::<Tensor>(&gate, None).silu() * n.linear::<Tensor>(&up, None);
            x = &x + g.linear::<Tensor>(&down, None);
        }
        let x = self.rms_norm(&x, &self.norm);
        let head = self.lm_head.as_ref().unwrap_or(&self.embed);
        x.linear::<Tensor>(&self.w(head), None).to_kind(Kind::Float)
    }

    /// Summed NLL of the weighted targets, from f32 logits.
    fn nll(&self, logits: &Tensor, inp: &Inputs) -> Tensor {
        let logp = logits.log_softmax(-1, Kind::Float);
        let picked = logp
            .gather(2, &inp.targets.unsqueeze(2), false)
            .squeeze_dim(2);
        -(picked * &inp.weights).sum(Kind::Float)
    }

    /// The parameters as mutable handles (libtorch tensors share storage).
    fn handles(&self) -> Vec<Tensor> {
        self.named()
            .iter()
            .map(|(_, t)| t.shallow_clone())
            .collect()
    }

    /// One optimizer step over micro-batches: each one's summed loss divided by the weighted
    /// targets of the whole step before backward, so the step minimises their mean (as the CPU
    /// backend does).
    fn accumulated_step<T>(
        &mut self,
        micro: &[T],
        batch_of: fn(&T) -> &TokenBatch,
        lr: f64,
        what: &str,
        loss: impl Fn(&Self, &T, &Inputs) -> Result<Tensor>,
    ) -> Result<LossSum> {
        let inputs: Vec<Inputs> = micro
            .iter()
            .map(|m| self.inputs(batch_of(m)))
            .collect::<Result<_>>()?;
        let total: f64 = inputs.iter().map(|i| i.count).sum();
        // σReparam's power iteration: once per optimizer step, before its forwards.
        for l in &self.layers {
            for (s, w) in l.sr.iter().flatten().zip(l.mats()) {
                s.power_step(w);
            }
        }
        let mut sum = LossSum::default();
        for (m, inp) in micro.iter().zip(&inputs) {
            let l = loss(self, m, inp)?;
            sum.add(LossSum {
                nll: l.double_value(&[]),
                tokens: inp.count as u64,
            });
            (l / total.max(1.0)).backward();
        }
        if !sum.nll.is_finite() {
            return Err(Error::Backend(format!(
                "{what} loss became {} (learning rate {lr}): diverged",
                sum.nll
            )));
        }
        self.add_ewc_grad();
        self.adamw(lr);
        Ok(sum)
    }

    /// EWC's penalty `lambda/2 * sum F (w - anchor)^2` adds `lambda * F * (w - anchor)` to each
    /// gradient (the loss value reported stays the data loss, comparable with runs without it).
    fn add_ewc_grad(&self) {
        let Some(ewc) = &self.ewc else { return };
        tch::no_grad(|| {
            for (p, (lf, anchor)) in self.handles().into_iter().zip(ewc) {
                let mut g = p.grad();
                if g.defined() {
                    let _ = g.g_add_(&(lf * (&p - anchor)));
                }
            }
        });
    }

    /// AdamW as PyTorch defines it: p *= 1 - lr*wd; m, v moving averages; bias-corrected step.
    fn adamw(&mut self, lr: f64) {
        self.steps += 1;
        let o = &self.optim;
        let (b1, b2) = (o.beta1 as f64, o.beta2 as f64);
        let c1 = 1.0 - b1.powi(self.steps as i32);
        let c2 = 1.0 - b2.powi(self.steps as i32);
        let params: Vec<Tensor> = self.trainable().into_iter().map(|(_, t)| t).collect();
        // In place, as PyTorch's single-tensor AdamW: every temporary is a pass over 4 bytes per
        // parameter, which on a CPU step costs as much as the arithmetic (two are left: g(1-b2)
        // and the denominator; tch's addcmul_/addcdiv_ take no scale, so scales are folded in).
        let step = -lr / c1;
        tch::no_grad(|| {
            for (mut p, (m, v)) in params.into_iter().zip(self.moments.iter_mut()) {
                let mut g = p.grad();
                if !g.defined() {
                    continue;
                }
                let _ = p.g_mul_scalar_(1.0 - lr * o.weight_decay as f64);
                let _ = m.lerp_(&g, 1.0 - b1);
                let _ = v.g_mul_scalar_(b2);
                let _ = v.addcmul_(&g, &(&g * (1.0 - b2)));
                // p += step * m / (sqrt(v / c2) + eps), the division by `step` folded into denom.
                let mut denom = v.sqrt();
                let _ = denom.g_div_scalar_(c2.sqrt());
                let _ = denom.g_add_scalar_(o.eps as f64);
                let _ = denom.g_div_scalar_(step);
                let _ = p.addcdiv_(m, &denom);
                let _ = g.zero_();
            }
        });
    }
}

pub(super) fn torch_version() -> String {
    // libtorch has no version call through tch; the crate pins one exactly.
    "2.11".into()
}

/// Host f32 values of a tensor (any device, any float kind).
pub(super) fn host(t: &Tensor) -> Result<Vec<f32>> {
    Vec::<f32>::try_from(
        t.to_kind(Kind::Float)
            .to_device(Device::Cpu)
            .contiguous()
            .view(-1),
    )
    .map_err(|e| Error::Backend(format!("backend `torch`: reading a tensor back: {e}")))
}

impl Backend for TorchBackend {
    fn name(&self) -> &'static str {
        "torch"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            forward: true,
            train: true,
            device: self.label.clone(),
            attention: self.attention_kernels(),
        }
    }

    fn config(&self) -> &LlamaConfig {
        &self.cfg
    }

    fn forward_logits(&self, batch: &TokenBatch) -> Result<Logits> {
        guarded("forward", || {
            let inp = self.inputs(batch)?;
            let values = host(&tch::no_grad(|| self.forward(&inp, None)))?;
            Ok(Logits {
                values,
                batch: batch.batch,
                len: batch.len,
                vocab: self.cfg.vocab_size,
            })
        })
    }

    fn eval_loss(&self, batch: &TokenBatch) -> Result<LossSum> {
        guarded("eval", || {
            let inp = self.inputs(batch)?;
            let nll = tch::no_grad(|| self.nll(&self.forward(&inp, None), &inp));
            Ok(LossSum {
                nll: nll.double_value(&[]),
                tokens: inp.count as u64,
            })
        })
    }

    fn train_step(&mut self, micro: &[TokenBatch], lr: f64) -> Result<LossSum> {
        guarded("train step", || {
            self.accumulated_step(
                micro,
                |b| b,
                lr,
                "training",
                |this, _, inp| Ok(this.nll(&this.forward(inp, None), inp)),
            )
        })
    }

    fn distill_step(
        &mut self,
        micro: &[(TokenBatch, TeacherTargets)],
        dc: &DistillConfig,
        lr: f64,
    ) -> Result<LossSum> {
        for (b, t) in micro {
            t.check(b, self.cfg.vocab_size)?;
        }
        let (w, temp) = (dc.weight as f64, dc.temperature as f64);
        guarded("distill step", || {
            self.accumulated_step(
                micro,
                |m| &m.0,
                lr,
                "distillation",
                |this, (b, t), inp| {
                    let dev = this.device;
                    let shape = [b.batch as i64, b.len as i64, t.k as i64];
                    let ids: Vec<i64> = t.ids.iter().map(|&i| i as i64).collect();
                    let ids = Tensor::from_slice(&ids).view(shape).to_device(dev);
                    let probs = Tensor::from_slice(&t.probs).view(shape).to_device(dev);
                    let tail = Tensor::from_slice(&t.tail)
                        .view([shape[0], shape[1]])
                        .to_device(dev);
                    let logits = this.forward(inp, None);
                    // As `Llama::distill_sums`: CE against the sparse teacher at temperature T,
                    // the mass outside its ids scored as one bucket.
                    let logq = (&logits / temp)
                        .log_softmax(-1, Kind::Float)
                        .gather(2, &ids, false);
                    let ce = -(&logq * probs).sum_dim_intlist(2, false, Kind::Float);
                    let inside = logq.exp().sum_dim_intlist(2, false, Kind::Float);
                    let outside = (-inside + 1.0).clamp_min(1e-6).log();
                    let kd = ((ce - outside * tail) * &inp.weights).sum(Kind::Float);
                    let nll = this.nll(&logits, inp);
                    Ok(kd * (w * temp * temp) + nll * (1.0 - w))
                },
            )
        })
    }

    fn fisher(&mut self, batches: &[TokenBatch]) -> Result<Weights> {
        guarded("fisher", || {
            let params = self.handles();
            let mut sums: Vec<Tensor> = params.iter().map(|p| p.zeros_like()).collect();
            let mut rows = 0usize;
            for b in batches {
                for r in 0..b.batch {
                    let one = TokenBatch {
                        tokens: b.row(r).to_vec(),
                        batch: 1,
                        len: b.len,
                        doc_starts: vec![b.doc_starts[r].clone()],
                    };
                    let inp = self.inputs(&one)?;
                    if inp.count == 0.0 {
                        continue;
                    }
                    (self.nll(&self.forward(&inp, None), &inp) / inp.count).backward();
                    tch::no_grad(|| {
                        for (s, p) in sums.iter_mut().zip(&params) {
                            let mut g = p.grad();
                            if g.defined() {
                                let _ = s.addcmul_(&g, &g);
                                let _ = g.zero_();
                            }
                        }
                    });
                    rows += 1;
                }
            }
            if rows == 0 {
                bail!(input(
                    "no sequence with a predicted token to take the Fisher over"
                ));
            }
            let mut w = Weights::new("fisher");
            for ((name, p), s) in self.named().into_iter().zip(&sums) {
                let shape = p.size().iter().map(|&d| d as usize).collect();
                w.insert(name, shape, host(&(s / rows as f64))?);
            }
            Ok(w)
        })
    }

    fn set_ewc(&mut self, mut ewc: Ewc) -> Result<()> {
        let dev = self.device;
        let mut state = Vec::new();
        for (name, p) in self.named() {
            let shape: Vec<usize> = p.size().iter().map(|&d| d as usize).collect();
            let dims: Vec<i64> = p.size();
            let get = |w: &mut Weights, what: &str| -> Result<Tensor> {
                let v = w
                    .take(&name, &shape)
                    .map_err(|e| err!(input("EWC {what}: {e}")))?;
                Ok(Tensor::from_slice(&v).view(dims.as_slice()).to_device(dev))
            };
            let f = get(&mut ewc.fisher, "Fisher")? * ewc.lambda;
            state.push((f, get(&mut ewc.anchor, "anchor weights")?));
        }
        self.ewc = Some(state);
        Ok(())
    }

    fn set_sigma_reparam(&mut self, from_scratch: bool) -> Result<()> {
        let init = match from_scratch {
            true => GammaInit::One,
            false => GammaInit::KeepFunction,
        };
        guarded("sigma reparam", || {
            for l in &mut self.layers {
                l.sr = Some(
                    l.mats()
                        .iter()
                        .map(|w| SpectralScale::new(w, init))
                        .collect(),
                );
            }
            Ok(())
        })?;
        self.reset_moments();
        Ok(())
    }

    fn attention_entropy(&self, batch: &TokenBatch) -> Result<Option<Vec<Vec<f64>>>> {
        guarded("attention entropy", || {
            let inp = self.inputs(batch)?;
            let mut per_layer = Vec::with_capacity(self.layers.len());
            let _ = tch::no_grad(|| self.forward(&inp, Some(&mut per_layer)));
            Ok(Some(per_layer))
        })
    }

    /// The weights a model loader sees: with σReparam, each matrix as the layer computes with it.
    fn weights(&self) -> Weights {
        let mut effective = std::collections::HashMap::new();
        for (i, l) in self.layers.iter().enumerate() {
            if l.sr.is_some() {
                let e = tch::no_grad(|| l.effective());
                for (name, t) in LINEARS.iter().zip(e) {
                    effective.insert(format!("model.layers.{i}.{name}"), t);
                }
            }
        }
        let mut w = Weights::new("model");
        for (name, t) in self.named() {
            let t = effective.get(&name).unwrap_or(t);
            let shape: Vec<usize> = t.size().iter().map(|&s| s as usize).collect();
            // A tensor that cannot be read back is a libtorch failure: give empty data, which
            // `Weights::save_safetensors` refuses (its data does not fill its shape).
            w.insert(name, shape, host(t).unwrap_or_default());
        }
        w
    }

    fn save_optimizer(&self, dir: &Path) -> Result<()> {
        let names = self.trainable();
        let mut tensors: Vec<(String, Tensor)> = Vec::with_capacity(2 * names.len() + 1);
        for ((name, _), (m, v)) in names.iter().zip(&self.moments) {
            tensors.push((format!("m.{name}"), m.to_device(Device::Cpu)));
            tensors.push((format!("v.{name}"), v.to_device(Device::Cpu)));
        }
        for (name, t) in self.sr_state() {
            tensors.push((name, t.detach().to_device(Device::Cpu)));
        }
        tensors.push(("steps".into(), Tensor::from_slice(&[self.steps])));
        let path = dir.join("optimizer.safetensors");
        Tensor::write_safetensors(&tensors, &path).map_err(|e| Error::Io {
            context: format!("write {}", path.display()),
            source: std::io::Error::other(e.to_string()),
        })
    }

    fn load_optimizer(&mut self, dir: &Path) -> Result<()> {
        let path = dir.join("optimizer.safetensors");
        let bad = |m: String| err!(input("optimizer state {}: {m}", path.display()));
        let read = Tensor::read_safetensors(&path).map_err(|e| bad(e.to_string()))?;
        let map: std::collections::HashMap<String, Tensor> = read.into_iter().collect();
        let steps = map.get("steps").ok_or_else(|| bad("no `steps`".into()))?;
        let names: Vec<(String, Vec<i64>)> = self
            .trainable()
            .iter()
            .map(|(n, t)| (n.clone(), t.size()))
            .collect();
        let mut moments = Vec::with_capacity(names.len());
        for (name, size) in names {
            let get = |k: String| {
                map.get(&k)
                    .filter(|t| t.size() == size)
                    .map(|t| t.to_device(self.device))
                    .ok_or_else(|| bad(format!("`{k}` missing or of another shape")))
            };
            moments.push((get(format!("m.{name}"))?, get(format!("v.{name}"))?));
        }
        // σReparam: the raw weights (the checkpoint's model file holds the scaled ones), γ, u, v.
        for (name, mut t) in self.sr_state() {
            let src = map
                .get(&name)
                .filter(|s| s.size() == t.size())
                .ok_or_else(|| bad(format!("`{name}` missing or of another shape")))?;
            tch::no_grad(|| t.copy_(&src.to_device(self.device)));
        }
        self.steps = steps.int64_value(&[0]);
        self.moments = moments;
        Ok(())
    }
}
