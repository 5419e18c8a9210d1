//! The image side of the libtorch backend: ResNet-18 (torchvision's layout and names, a small-image
//! stem at 64 px and below) or ViT-Tiny (timm's names), a projector (and BYOL's predictor and EMA
//! target), the objectives of [`super::vision`] and the optimizers, written here per tensor so
//! their state can be saved and a resumed run continues bit for bit on CPU.

use std::collections::BTreeMap;
use std::path::Path;

use tch::nn;
use tch::{Device, Kind, Tensor};

use super::sigma_reparam::{GammaInit, SpectralScale, attention_entropy};
use super::torch_impl::{guarded, host, open_device, torch_version};
use super::vision::{
    EncoderKind, Images, Objective, OptimizerKind, SslBackend, SslBatch, SslModelConfig, StepLoss,
};
use super::{Capabilities, Weights};
use crate::core::atomic::write_atomic;
use crate::error::{Error, Result};

/// Inputs are scaled to [0, 1] and standardised with ImageNet's channel statistics, as
/// torchvision's pretrained encoders expect.
const MEAN: [f64; 3] = [0.485, 0.456, 0.406];
const STD: [f64; 3] = [0.229, 0.224, 0.225];
/// LARS trust coefficient and the momentum of SGD and LARS.
const LARS_ETA: f64 = 1e-3;
const MOMENTUM: f64 = 0.9;
/// DUET's target width over [0, 1] (apple/ml-duet's Gaussian default).
const DUET_SIGMA: f64 = 0.2;

fn bn2d(p: nn::Path, c: i64) -> nn::BatchNorm {
    let cfg = nn::BatchNormConfig {
        ws_init: nn::Init::Const(1.0),
        ..Default::default()
    };
    nn::batch_norm2d(p, c, cfg)
}

fn conv(p: nn::Path, cin: i64, cout: i64, k: i64, stride: i64) -> nn::Conv2D {
    let cfg = nn::ConvConfig {
        stride,
        padding: k / 2,
        bias: false,
        ws_init: nn::Init::Kaiming {
            dist: nn::init::NormalOrUniform::Normal,
            fan: nn::init::FanInOut::FanOut,
            non_linearity: nn::init::NonLinearity::ReLU,
        },
        ..Default::default()
    };
    nn::conv2d(p, cin, cout, k, cfg)
}

/// torchvision's `BasicBlock`.
struct Block {
    conv1: nn::Conv2D,
    bn1: nn::BatchNorm,
    conv2: nn::Conv2D,
    bn2: nn::BatchNorm,
    down: Option<(nn::Conv2D, nn::BatchNorm)>,
}

impl Block {
    fn new(p: nn::Path, cin: i64, cout: i64, stride: i64) -> Self {
        let down = (stride != 1 || cin != cout).then(|| {
            (
                conv(&p / "downsample" / 0, cin, cout, 1, stride),
                bn2d(&p / "downsample" / 1, cout),
            )
        });
        Block {
            conv1: conv(&p / "conv1", cin, cout, 3, stride),
            bn1: bn2d(&p / "bn1", cout),
            conv2: conv(&p / "conv2", cout, cout, 3, 1),
            bn2: bn2d(&p / "bn2", cout),
            down,
        }
    }

    fn forward_t(&self, x: &Tensor, train: bool) -> Tensor {
        let y = x
            .apply(&self.conv1)
            .apply_t(&self.bn1, train)
            .relu()
            .apply(&self.conv2)
            .apply_t(&self.bn2, train);
        let skip = match &self.down {
            Some((c, b)) => x.apply(c).apply_t(b, train),
            None => x.shallow_clone(),
        };
        (y + skip).relu()
    }
}

/// ResNet-18 with torchvision's parameter names; `fc` is left out (features are the pooled
/// last stage). Widths are 64, 128, 256, 512 times `--width`.
struct ResNet {
    conv1: nn::Conv2D,
    bn1: nn::BatchNorm,
    small_stem: bool,
    blocks: Vec<Block>,
    dim: i64,
}

impl ResNet {
    fn new(p: &nn::Path, width: f64, size: u32) -> Self {
        let w = |c: f64| ((c * width).round() as i64).max(1);
        let small_stem = size <= 64;
        let c0 = w(64.0);
        let conv1 = if small_stem {
            conv(p / "conv1", 3, c0, 3, 1)
        } else {
            conv(p / "conv1", 3, c0, 7, 2)
        };
        let mut blocks = Vec::new();
        let mut cin = c0;
        for (stage, c) in [64.0, 128.0, 256.0, 512.0].into_iter().enumerate() {
            let cout = w(c);
            let layer = p / format!("layer{}", stage + 1);
            for b in 0..2 {
                let stride = if stage > 0 && b == 0 { 2 } else { 1 };
                blocks.push(Block::new(&layer / b, cin, cout, stride));
                cin = cout;
            }
        }
        ResNet {
            conv1,
            bn1: bn2d(p / "bn1", c0),
            small_stem,
            blocks,
            dim: cin,
        }
    }

    fn forward_t(&self, x: &Tensor, train: bool) -> Tensor {
        let mut x = x.apply(&self.conv1).apply_t(&self.bn1, train).relu();
        if !self.small_stem {
            x = x.max_pool2d([3, 3], [2, 2], [1, 1], [1, 1], false);
        }
        for b in &self.blocks {
            x = b.forward_t(&x, train);
        }
        x.adaptive_avg_pool2d([1, 1]).flatten(1, -1)
    }
}

/// One pre-norm transformer block (timm's `Block`).
struct VitBlock {
    norm1: nn::LayerNorm,
    qkv: nn::Linear,
    proj: nn::Linear,
    norm2: nn::LayerNorm,
    fc1: nn::Linear,
    fc2: nn::Linear,
    /// σReparam of qkv, proj, fc1, fc2 (None: plain weights).
    sr: Option<Vec<SpectralScale>>,
}

/// The blocks' linear layers, in `VitBlock::linears` order.
const VIT_LINEARS: [&str; 4] = ["attn.qkv", "attn.proj", "mlp.fc1", "mlp.fc2"];

impl VitBlock {
    fn linears(&self) -> [&nn::Linear; 4] {
        [&self.qkv, &self.proj, &self.fc1, &self.fc2]
    }

    /// Linear layer `i` applied to `x`, with its σReparam weight if on.
    fn apply(&self, i: usize, x: &Tensor) -> Tensor {
        let l = self.linears()[i];
        match &self.sr {
            Some(sr) => x.linear(&sr[i].weight(&l.ws), l.bs.as_ref()),
            None => x.apply(l),
        }
    }
}

/// ViT-Tiny with timm's parameter names; the feature is the class token after the last norm.
struct Vit {
    patch: nn::Conv2D,
    cls: Tensor,
    pos: Tensor,
    blocks: Vec<VitBlock>,
    norm: nn::LayerNorm,
    heads: i64,
    dim: i64,
}

impl Vit {
    fn new(p: &nn::Path, width: f64, size: u32, sigma_reparam: bool) -> Self {
        let heads = 3;
        // A multiple of the head count, at least one 16-wide head each.
        let dim = (((192.0 * width) / heads as f64).round() as i64).max(16) * heads;
        let patch = if size <= 64 { 4 } else { 16 };
        let n = (size as i64 / patch).pow(2);
        let ln = |q: nn::Path| nn::layer_norm(q, vec![dim], Default::default());
        let lin = |q: nn::Path, i, o| nn::linear(q, i, o, Default::default());
        let pc = nn::ConvConfig {
            stride: patch,
            ..Default::default()
        };
        let blocks = (0..12)
            .map(|i| {
                let b = p / "blocks" / i;
                let mut blk = VitBlock {
                    norm1: ln(&b / "norm1"),
                    qkv: lin(&b / "attn" / "qkv", dim, 3 * dim),
                    proj: lin(&b / "attn" / "proj", dim, dim),
                    norm2: ln(&b / "norm2"),
                    fc1: lin(&b / "mlp" / "fc1", dim, 4 * dim),
                    fc2: lin(&b / "mlp" / "fc2", 4 * dim, dim),
                    sr: None,
                };
                if sigma_reparam {
                    // From scratch, as the paper trains its ViTs: gamma starts at 1.
                    let sr = VIT_LINEARS
                        .iter()
                        .zip(blk.linears())
                        .map(|(name, l)| {
                            let (module, layer) = name.split_once('.').unwrap_or((name, ""));
                            let at = &b / module / layer;
                            SpectralScale::new(&l.ws, GammaInit::One).registered(&at)
                        })
                        .collect();
                    blk.sr = Some(sr);
                }
                blk
            })
            .collect();
        let trunc = nn::Init::Randn {
            mean: 0.0,
            stdev: 0.02,
        };
        Vit {
            patch: nn::conv2d(p / "patch_embed" / "proj", 3, dim, patch, pc),
            cls: p.var("cls_token", &[1, 1, dim], trunc),
            pos: p.var("pos_embed", &[1, n + 1, dim], trunc),
            blocks,
            norm: ln(p / "norm"),
            heads,
            dim,
        }
    }

    /// The class token's feature; with `probe`, each block's per-head attention entropy is
    /// appended to it.
    fn forward(&self, x: &Tensor, mut probe: Option<&mut Vec<Vec<f64>>>) -> Tensor {
        let x = x.apply(&self.patch).flatten(2, -1).transpose(1, 2);
        let b = x.size()[0];
        let mut x = Tensor::cat(&[self.cls.expand([b, 1, self.dim], false), x], 1) + &self.pos;
        let (n, hd) = (x.size()[1], self.dim / self.heads);
        for blk in &self.blocks {
            let qkv = blk
                .apply(0, &x.apply(&blk.norm1))
                .reshape([b, n, 3, self.heads, hd])
                .permute([2, 0, 3, 1, 4]);
            let (q, k, v) = (qkv.get(0), qkv.get(1), qkv.get(2));
            if let Some(p) = probe.as_deref_mut() {
                p.push(attention_entropy(&q, &k, None));
            }
            let att = Tensor::scaled_dot_product_attention(
                &q,
                &k,
                &v,
                None::<&Tensor>,
                0.0,
                false,
                None,
                false,
            );
            let att = att.transpose(1, 2).reshape([b, n, self.dim]);
            x = &x + blk.apply(1, &att);
            let h = blk.apply(2, &x.apply(&blk.norm2)).gelu("none");
            x = &x + blk.apply(3, &h);
        }
        x.apply(&self.norm).select(1, 0)
    }

    /// σReparam's power iteration on every block (once per optimizer step).
    fn power_step(&self) {
        for blk in &self.blocks {
            for (s, l) in blk.sr.iter().flatten().zip(blk.linears()) {
                s.power_step(&l.ws);
            }
        }
    }

    /// The blocks' weights as they are computed with (σReparam applied), under their names
    /// below the encoder; empty without σReparam.
    fn effective(&self) -> BTreeMap<String, Tensor> {
        let mut m = BTreeMap::new();
        for (i, blk) in self.blocks.iter().enumerate() {
            let Some(sr) = &blk.sr else { continue };
            for ((name, l), s) in VIT_LINEARS.iter().zip(blk.linears()).zip(sr) {
                let w = tch::no_grad(|| s.weight(&l.ws));
                m.insert(format!("blocks.{i}.{name}.weight"), w);
            }
        }
        m
    }
}

enum Encoder {
    ResNet(ResNet),
    Vit(Vit),
}

impl Encoder {
    fn forward_t(&self, x: &Tensor, train: bool) -> Tensor {
        match self {
            Encoder::ResNet(r) => r.forward_t(x, train),
            Encoder::Vit(v) => v.forward(x, None),
        }
    }

    fn dim(&self) -> i64 {
        match self {
            Encoder::ResNet(r) => r.dim,
            Encoder::Vit(v) => v.dim,
        }
    }
}

/// Linear -> BatchNorm -> ReLU -> Linear (SimCLR v2's and BYOL's projector and predictor).
struct Mlp {
    fc1: nn::Linear,
    bn: nn::BatchNorm,
    fc2: nn::Linear,
}

impl Mlp {
    fn new(p: nn::Path, i: i64, h: i64, o: i64) -> Self {
        let cfg = nn::BatchNormConfig {
            ws_init: nn::Init::Const(1.0),
            ..Default::default()
        };
        Mlp {
            fc1: nn::linear(&p / "fc1", i, h, Default::default()),
            bn: nn::batch_norm1d(&p / "bn", h, cfg),
            fc2: nn::linear(&p / "fc2", h, o, Default::default()),
        }
    }

    fn forward_t(&self, x: &Tensor, train: bool) -> Tensor {
        x.apply(&self.fc1)
            .apply_t(&self.bn, train)
            .relu()
            .apply(&self.fc2)
    }
}

/// Encoder and projector (and the online network's predictor) under one var store.
struct Net {
    vs: nn::VarStore,
    encoder: Encoder,
    projector: Mlp,
    predictor: Option<Mlp>,
}

impl Net {
    fn new(cfg: &SslModelConfig, dev: Device, predictor: bool) -> Self {
        let vs = nn::VarStore::new(dev);
        let root = vs.root();
        let e = &root / "encoder";
        let encoder = match cfg.encoder {
            EncoderKind::Resnet18 => Encoder::ResNet(ResNet::new(&e, cfg.width, cfg.size)),
            EncoderKind::VitTiny => {
                Encoder::Vit(Vit::new(&e, cfg.width, cfg.size, cfg.sigma_reparam))
            }
        };
        // DUET projects the group-pooled features (channels = features / groups).
        let input = match cfg.objective {
            Objective::Duet => encoder.dim() / cfg.duet_groups as i64,
            _ => encoder.dim(),
        };
        let (h, out) = (cfg.proj_hidden as i64, cfg.proj_dim as i64);
        let projector = Mlp::new(&root / "projector", input, h, out);
        let predictor = predictor.then(|| Mlp::new(&root / "predictor", out, h, out));
        Net {
            vs,
            encoder,
            projector,
            predictor,
        }
    }

    /// Every variable (parameters and norm statistics) by name, sorted: the order state is kept in.
    fn named(&self) -> BTreeMap<String, Tensor> {
        self.vs.variables().into_iter().collect()
    }

    /// The trainable ones, sorted by name.
    fn params(&self) -> Vec<(String, Tensor)> {
        self.named()
            .into_iter()
            .filter(|(_, t)| t.requires_grad())
            .collect()
    }

    /// Encoder features and their projection.
    fn project(&self, x: &Tensor, train: bool, groups: Option<i64>) -> (Tensor, Tensor) {
        let f = self.encoder.forward_t(x, train);
        let pooled = match groups {
            // DUET's content: the features as [groups, channels], summed over the groups.
            Some(g) => f
                .view([f.size()[0], g, -1])
                .sum_dim_intlist(1, false, Kind::Float),
            None => f.shallow_clone(),
        };
        let z = self.projector.forward_t(&pooled, train);
        (f, z)
    }
}

/// Per-parameter optimizer state: SGD/LARS momentum, or AdamW's two moments.
struct Optim {
    kind: OptimizerKind,
    weight_decay: f64,
    betas: (f64, f64),
    state: Vec<(Tensor, Tensor)>,
    steps: i64,
}

impl Optim {
    /// One step over `params` (sorted by name) with their gradients. Biases and norm weights
    /// (1-D tensors) are neither decayed nor, with LARS, adapted, as SimCLR and BYOL do.
    fn step(&mut self, params: &[(String, Tensor)], lr: f64) {
        self.steps += 1;
        let ((b1, b2), eps) = (self.betas, 1e-8);
        let c1 = 1.0 - b1.powi(self.steps as i32);
        let c2 = 1.0 - b2.powi(self.steps as i32);
        tch::no_grad(|| {
            for ((_, p), (s1, s2)) in params.iter().zip(self.state.iter_mut()) {
                let mut g = p.grad();
                if !g.defined() {
                    continue;
                }
                let mut p = p.shallow_clone();
                let plain = p.dim() <= 1;
                let wd = if plain { 0.0 } else { self.weight_decay };
                match self.kind {
                    OptimizerKind::Adamw => {
                        let _ = p.g_mul_scalar_(1.0 - lr * wd);
                        let _ = s1.lerp_(&g, 1.0 - b1);
                        let _ = s2.g_mul_scalar_(b2);
                        let _ = s2.addcmul_(&g, &(&g * (1.0 - b2)));
                        let denom = (s2.sqrt() / c2.sqrt() + eps) * (-c1 / lr);
                        let _ = p.addcdiv_(s1, &denom);
                    }
                    OptimizerKind::Sgd | OptimizerKind::Lars => {
                        let mut d = if wd > 0.0 {
                            &g + &p * wd
                        } else {
                            g.shallow_clone()
                        };
                        if self.kind == OptimizerKind::Lars && !plain {
                            // trust = eta * |w| / |g + wd w|, 1 where either norm is 0.
                            let (pn, dn) = (p.norm(), d.norm());
                            let ok = pn.gt(0.0).logical_and(&dn.gt(0.0));
                            let trust = (&pn * LARS_ETA / &dn).where_self(&ok, &pn.ones_like());
                            d *= trust;
                        }
                        let _ = s1.g_mul_scalar_(MOMENTUM);
                        let _ = s1.g_add_(&d);
                        let _ = p.g_add_(&(&*s1 * -lr));
                    }
                }
                let _ = g.zero_();
            }
        });
    }
}

pub struct TorchSsl {
    cfg: SslModelConfig,
    device: Device,
    label: String,
    online: Net,
    /// BYOL's EMA target (encoder + projector).
    target: Option<Net>,
    optim: Optim,
    /// EWC by variable name: lambda * Fisher and the anchor weights.
    ewc: BTreeMap<String, (Tensor, Tensor)>,
}

pub fn open(spec: &str, cfg: &SslModelConfig) -> Result<Box<dyn SslBackend>> {
    let dev = open_device(spec)?;
    guarded("building the encoder", || {
        // Every initial weight is drawn from the seed (libtorch's generator, on the CPU).
        tch::manual_seed(cfg.seed as i64);
        let byol = cfg.objective == Objective::Byol;
        let online = Net::new(cfg, dev, byol);
        let target = match byol {
            true => {
                let mut t = Net::new(cfg, dev, false);
                t.vs.freeze();
                t.vs.copy(&online.vs)
                    .map_err(|e| err!(internal("byol target from the online network: {e}")))?;
                Some(t)
            }
            false => None,
        };
        let state = online
            .params()
            .iter()
            .map(|(_, t)| (t.zeros_like(), t.zeros_like()))
            .collect();
        let label = match dev {
            Device::Cuda(n) => format!("cuda:{n} (libtorch {}, f32)", torch_version()),
            _ => format!(
                "cpu (libtorch {}, {} threads)",
                torch_version(),
                tch::get_num_threads()
            ),
        };
        Ok(Box::new(TorchSsl {
            cfg: cfg.clone(),
            device: dev,
            label,
            online,
            target,
            optim: Optim {
                kind: cfg.optimizer,
                weight_decay: cfg.weight_decay,
                betas: cfg.adam_betas,
                state,
                steps: 0,
            },
            ewc: BTreeMap::new(),
        }) as Box<dyn SslBackend>)
    })
}

impl TorchSsl {
    /// The objective's loss on `batch` with the online network in training mode (what a step
    /// differentiates), and DUET's structure term.
    fn batch_loss(&self, batch: &SslBatch) -> Result<(Tensor, Option<Tensor>)> {
        let views: Vec<&Images> = batch.views.iter().collect();
        let x = self.input(&views);
        let groups = (self.cfg.objective == Objective::Duet).then_some(self.cfg.duet_groups as i64);
        let (f, z) = self.online.project(&x, true, groups);
        self.loss(&f, &z, &x, batch)
    }

    /// Every gradient of the online network set to 0.
    fn zero_grads(&self) {
        tch::no_grad(|| {
            for (_, p) in self.online.params() {
                let mut g = p.grad();
                if g.defined() {
                    let _ = g.zero_();
                }
            }
        });
    }

    /// EWC's penalty `lambda/2 * sum F (w - w0)^2` adds `lambda * F * (w - w0)` to each encoder
    /// gradient (the loss reported stays the objective's, comparable with runs without it).
    fn add_ewc_grad(&self, params: &[(String, Tensor)]) {
        if self.ewc.is_empty() {
            return;
        }
        tch::no_grad(|| {
            for (name, p) in params {
                if let Some((lf, anchor)) = self.ewc.get(name) {
                    let mut g = p.grad();
                    if g.defined() {
                        let _ = g.g_add_(&(lf * (p - anchor)));
                    }
                }
            }
        });
    }

    /// u8 HWC images -> standardised f32 NCHW on the device (bytes travel, not floats).
    fn input(&self, views: &[&Images]) -> Tensor {
        let parts: Vec<Tensor> = views
            .iter()
            .map(|im| {
                let s = im.side as i64;
                Tensor::from_slice(&im.pixels).view([im.n as i64, s, s, 3])
            })
            .collect();
        let x = Tensor::cat(&parts, 0)
            .to_device(self.device)
            .permute([0, 3, 1, 2])
            .to_kind(Kind::Float)
            / 255.0;
        let opts = (Kind::Float, self.device);
        let mean = Tensor::from_slice(&MEAN)
            .to_kind(Kind::Float)
            .view([1, 3, 1, 1])
            .to_device(opts.1);
        let std = Tensor::from_slice(&STD)
            .to_kind(Kind::Float)
            .view([1, 3, 1, 1])
            .to_device(opts.1);
        (x - mean) / std
    }

    /// The objective's loss over encoder features and their projections `z` `[K * B, D]`
    /// (view-major), and DUET's structure term alone.
    fn loss(
        &self,
        feats: &Tensor,
        z: &Tensor,
        x: &Tensor,
        batch: &SslBatch,
    ) -> Result<(Tensor, Option<Tensor>)> {
        let (k, b) = (batch.views.len() as i64, batch.samples() as i64);
        let t = self.cfg.temperature;
        Ok(match self.cfg.objective {
            Objective::Simclr | Objective::Infonce => (infonce(&normalize(z), k, b, t), None),
            Objective::Polyview => (geometric_pvc(&normalize(z), k, b, t), None),
            Objective::Suffstats => (suff_stats(&normalize(z), k, b, t), None),
            Objective::Byol => {
                let target = self
                    .target
                    .as_ref()
                    .ok_or_else(|| Error::internal("byol without its target network"))?;
                let predictor = self
                    .online
                    .predictor
                    .as_ref()
                    .ok_or_else(|| Error::internal("byol without its predictor"))?;
                let p = predictor.forward_t(z, true);
                let zt = tch::no_grad(|| target.project(x, true, None).1);
                (byol(&p, &zt, k, b), None)
            }
            Objective::Duet => {
                let params = Tensor::from_slice(&batch.targets)
                    .view([k * b])
                    .to_device(self.device);
                let g = self.cfg.duet_groups as i64;
                let m = feats.view([k * b, g, -1]);
                let con = infonce(&normalize(z), k, b, t);
                let st = duet_structure(&m, &params);
                (con + &st * self.cfg.duet_weight, Some(st))
            }
        })
    }
}

fn normalize(z: &Tensor) -> Tensor {
    let n = z.norm_scalaropt_dim(2, [1], true).clamp_min(1e-12);
    z / n
}

/// Scaled cosine similarities `[K * B, K * B]` of normalised `z`, self-pairs at -inf.
fn scores(z: &Tensor, t: f64) -> Tensor {
    let n = z.size()[0];
    let sim = z.matmul(&z.tr()) / t;
    sim.masked_fill(&Tensor::eye(n, (Kind::Bool, z.device())), f64::NEG_INFINITY)
}

/// Row r = (view a, sample i) of `s`: `[K * B, K]`, its score against view b of the same sample.
fn same_sample(s: &Tensor, k: i64, b: i64) -> Tensor {
    let i = Tensor::arange(k * b, (Kind::Int64, s.device())).remainder(b);
    s.view([k * b, k, b])
        .gather(
            2,
            &i.view([k * b, 1, 1]).expand([k * b, k, 1], false),
            false,
        )
        .squeeze_dim(2)
}

/// `[K * B, K]`, true where b is the row's own view (no pair).
fn own_view(k: i64, b: i64, dev: Device) -> Tensor {
    let a = Tensor::arange(k * b, (Kind::Int64, dev)).floor_divide_scalar(b);
    a.unsqueeze(1)
        .eq_tensor(&Tensor::arange(k, (Kind::Int64, dev)).unsqueeze(0))
}

/// Mean of `l` `[K * B, K]` over the rows and their K-1 other views.
fn mean_over_pairs(l: &Tensor, k: i64, b: i64) -> Tensor {
    l.masked_fill(&own_view(k, b, l.device()), 0.0)
        .sum(Kind::Float)
        / (k * b * (k - 1)) as f64
}

/// Multi-crop InfoNCE: for every ordered pair of views (a, b), sample i's view a scores its view b
/// against views a and b of the whole batch (itself excluded), i.e. SimCLR's NT-Xent on that pair;
/// the mean over pairs. K = 2 is SimCLR.
fn infonce(z: &Tensor, k: i64, b: i64, t: f64) -> Tensor {
    let s = scores(z, t);
    // Log-sum-exp of each row within each view's block of columns: [K * B, K].
    let lse = s.view([k * b, k, b]).logsumexp([2], false);
    let own = lse.gather(
        1,
        &Tensor::arange(k * b, (Kind::Int64, z.device()))
            .floor_divide_scalar(b)
            .unsqueeze(1),
        false,
    );
    let denom = lse.logaddexp(&own);
    mean_over_pairs(&(denom - same_sample(&s, k, b)), k, b)
}

/// Poly-View's geometric PVC: every positive pair (i, a), (i, b) is scored against all K views of
/// every other sample, `l = softplus(N_ia - s(ia, ib))` with `N_ia` their log-sum-exp, and the
/// K-1 pair losses of an anchor are averaged (the geometric mean of its critics).
fn geometric_pvc(z: &Tensor, k: i64, b: i64, t: f64) -> Tensor {
    let s = scores(z, t);
    let sample = Tensor::arange(k * b, (Kind::Int64, z.device())).remainder(b);
    let same = sample.unsqueeze(1).eq_tensor(&sample.unsqueeze(0));
    let n = s.masked_fill(&same, f64::NEG_INFINITY).logsumexp([1], true);
    mean_over_pairs(&(n - same_sample(&s, k, b)).softplus(), k, b)
}

/// Poly-View's sufficient-statistics form: each view a of sample i against the (re-normalised)
/// mean of its other K-1 projections, as a two-set NT-Xent, averaged over a.
fn suff_stats(z: &Tensor, k: i64, b: i64, t: f64) -> Tensor {
    let v = z.view([k, b, -1]);
    let total = v.sum_dim_intlist(0, false, Kind::Float);
    let mut sum = Tensor::zeros([], (Kind::Float, z.device()));
    for a in 0..k {
        let za = v.get(a);
        let rest = normalize(&((&total - &za) / (k - 1) as f64));
        sum += infonce(&Tensor::cat(&[za, rest], 0), 2, b, t);
    }
    sum / k as f64
}

/// BYOL: `2 - 2 cos(p_a, zt_b)` over ordered view pairs, summed over the pairs / (K-1) and
/// averaged over samples (K = 2: BYOL's symmetrised loss).
fn byol(p: &Tensor, zt: &Tensor, k: i64, b: i64) -> Tensor {
    let p = normalize(p).view([k, b, -1]);
    let zt = normalize(zt).view([k, b, -1]);
    // cos[a, c, i] = <p_a,i, zt_c,i>
    let cos = Tensor::einsum("aid,cid->aci", &[&p, &zt], None::<&[i64]>);
    let off = Tensor::eye(k, (Kind::Float, p.device())).neg() + 1.0;
    let per = (cos.neg() * 2.0 + 2.0) * off.unsqueeze(2);
    per.sum(Kind::Float) / (b * (k - 1)) as f64
}

/// DUET's structure term (apple/ml-duet): the features as `[groups, channels]`, their mean over
/// channels softmaxed over the groups, against the view's [0, 1] parameter as a Gaussian
/// (sigma 0.2) integrated over each group's bin; Jensen-Shannon divergence, mean over views.
fn duet_structure(m: &Tensor, params: &Tensor) -> Tensor {
    let (n, g) = (m.size()[0], m.size()[1]);
    let p = m.mean_dim(2, false, Kind::Float).softmax(1, Kind::Float);
    let grid = Tensor::linspace(0.0, 1.0, g * 100, (Kind::Float, m.device()));
    let d = (grid.unsqueeze(0) - params.view([n, 1])) / DUET_SIGMA;
    let q = (d.square() * -0.5)
        .exp()
        .view([n, g, 100])
        .sum_dim_intlist(2, false, Kind::Float);
    let q = &q / q.sum_dim_intlist(1, true, Kind::Float).clamp_min(1e-30);
    let mid = ((&p + &q) * 0.5).clamp_min(1e-30);
    let kl = |x: &Tensor| {
        (x * (x.clamp_min(1e-30).log() - mid.log())).sum_dim_intlist(1, false, Kind::Float)
    };
    ((kl(&p) + kl(&q)) * 0.5).mean(Kind::Float)
}

impl SslBackend for TorchSsl {
    fn name(&self) -> &'static str {
        "torch"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            forward: true,
            train: true,
            device: self.label.clone(),
            attention: match self.cfg.encoder {
                EncoderKind::VitTiny => "sdpa (no mask)".into(),
                EncoderKind::Resnet18 => "none (convolutional)".into(),
            },
        }
    }

    fn feature_dim(&self) -> usize {
        self.online.encoder.dim() as usize
    }

    fn encoder_parameters(&self) -> u64 {
        self.online
            .params()
            .iter()
            .filter(|(n, _)| n.starts_with("encoder."))
            .map(|(_, t)| t.numel() as u64)
            .sum()
    }

    fn train_step(&mut self, batch: &SslBatch, lr: f64, ema: f64) -> Result<StepLoss> {
        batch.check()?;
        if batch.samples() < 2 {
            bail!(config(
                "a training step needs at least 2 samples (--batch-size)"
            ));
        }
        guarded("ssl train step", || {
            for net in std::iter::once(&self.online).chain(&self.target) {
                if let Encoder::Vit(v) = &net.encoder {
                    v.power_step();
                }
            }
            let (loss, aux) = self.batch_loss(batch)?;
            let value = loss.double_value(&[]);
            if !value.is_finite() {
                bail!(backend(
                    "train ssl: the loss became {value} (learning rate {lr}): diverged"
                ));
            }
            loss.backward();
            let params = self.online.params();
            self.add_ewc_grad(&params);
            self.optim.step(&params, lr);
            if let Some(t) = &self.target {
                let online = self.online.named();
                tch::no_grad(|| {
                    // σReparam's u, v follow each network's own weights (power_step above).
                    for (name, mut v) in t.named() {
                        if name.ends_with(".sr_u") || name.ends_with(".sr_v") {
                            continue;
                        }
                        if let Some(o) = online.get(&name) {
                            let _ = v.lerp_(o, 1.0 - ema);
                        }
                    }
                });
            }
            Ok(StepLoss {
                loss: value,
                aux: aux.map(|a| a.double_value(&[])),
            })
        })
    }

    fn embed(&self, images: &Images) -> Result<Vec<f32>> {
        images.check()?;
        guarded("ssl embed", || {
            let x = self.input(&[images]);
            let f = tch::no_grad(|| self.online.encoder.forward_t(&x, false));
            Vec::<f32>::try_from(f.to_device(Device::Cpu).contiguous().view(-1))
                .map_err(|e| err!(backend("backend `torch`: reading features back: {e}")))
        })
    }

    fn attention_entropy(&self, images: &Images) -> Result<Option<Vec<Vec<f64>>>> {
        let Encoder::Vit(vit) = &self.online.encoder else {
            return Ok(None);
        };
        images.check()?;
        guarded("attention entropy", || {
            let x = self.input(&[images]);
            let mut per_block = Vec::with_capacity(vit.blocks.len());
            let _ = tch::no_grad(|| vit.forward(&x, Some(&mut per_block)));
            Ok(Some(per_block))
        })
    }

    /// timm's names; with σReparam, the blocks' matrices as they are computed with (timm loads
    /// them as plain linear layers).
    fn save_encoder(&self, path: &Path) -> Result<()> {
        let effective = match &self.online.encoder {
            Encoder::Vit(v) => v.effective(),
            Encoder::ResNet(_) => BTreeMap::new(),
        };
        let mut tensors: Vec<(String, Tensor)> = Vec::new();
        for (name, t) in self.online.named() {
            let Some(n) = name.strip_prefix("encoder.") else {
                continue;
            };
            if n.ends_with(".sr_gamma") || n.ends_with(".sr_u") || n.ends_with(".sr_v") {
                continue;
            }
            let t = effective.get(n).map(|e| e.shallow_clone()).unwrap_or(t);
            if let Some(bn) = n.strip_suffix(".running_mean") {
                // torchvision's BatchNorm2d counts its training batches (one per step here).
                let steps = Tensor::from(self.optim.steps);
                tensors.push((format!("{bn}.num_batches_tracked"), steps));
            }
            tensors.push((n.to_string(), t.to_device(Device::Cpu)));
        }
        write_tensors(path, &tensors)
    }

    fn save_heads(&self, path: &Path) -> Result<()> {
        let tensors: Vec<(String, Tensor)> = self
            .online
            .named()
            .into_iter()
            .filter(|(n, _)| !n.starts_with("encoder."))
            .map(|(n, t)| (n, t.to_device(Device::Cpu)))
            .collect();
        write_tensors(path, &tensors)
    }

    fn load_init(&mut self, encoder: &Path, heads: &Path) -> Result<bool> {
        let enc = read_tensors(encoder)?;
        let dev = self.device;
        let named = self.online.named();
        for (name, v) in &named {
            let Some(n) = name.strip_prefix("encoder.") else {
                continue;
            };
            let src = named_like(&enc, n, v, "--init", encoder)?;
            tch::no_grad(|| v.shallow_clone().copy_(&src.to_device(dev)));
        }
        // The heads only where every one of this model's is there in its shape.
        let own: Vec<(&String, &Tensor)> = named
            .iter()
            .filter(|(n, _)| !n.starts_with("encoder."))
            .collect();
        let saved = match heads.exists() {
            true => read_tensors(heads)?,
            false => BTreeMap::new(),
        };
        let fits = own
            .iter()
            .all(|(n, v)| saved.get(*n).is_some_and(|t| t.size() == v.size()));
        if fits {
            for (n, v) in own {
                tch::no_grad(|| v.shallow_clone().copy_(&saved[n.as_str()].to_device(dev)));
            }
        }
        if let Some(t) = &mut self.target {
            t.vs.copy(&self.online.vs)
                .map_err(|e| err!(internal("byol target from the online network: {e}")))?;
        }
        Ok(fits)
    }

    fn fisher(&mut self, batches: &[SslBatch]) -> Result<Weights> {
        if batches.is_empty() {
            bail!(input(
                "no batch of training samples to take the Fisher over"
            ));
        }
        guarded("fisher", || {
            let params: Vec<(String, Tensor)> = self
                .online
                .params()
                .into_iter()
                .filter(|(n, _)| n.starts_with("encoder."))
                .collect();
            let mut sums: Vec<Tensor> = params.iter().map(|(_, p)| p.zeros_like()).collect();
            for batch in batches {
                batch.check()?;
                self.zero_grads();
                let (loss, _) = self.batch_loss(batch)?;
                loss.backward();
                let b = batch.samples() as f64;
                tch::no_grad(|| {
                    for (s, (_, p)) in sums.iter_mut().zip(&params) {
                        let g = p.grad();
                        if g.defined() {
                            let _ = s.g_add_(&(&g * &g * b));
                        }
                    }
                });
            }
            self.zero_grads();
            let mut w = Weights::new("fisher");
            for ((name, p), s) in params.iter().zip(&sums) {
                let shape = p.size().iter().map(|&d| d as usize).collect();
                let n = name.strip_prefix("encoder.").unwrap_or(name);
                w.insert(n.to_string(), shape, host(&(s / batches.len() as f64))?);
            }
            Ok(w)
        })
    }

    fn set_ewc(&mut self, fisher: &Path, lambda: f64) -> Result<()> {
        let f = read_tensors(fisher)?;
        let mut ewc = BTreeMap::new();
        for (name, p) in self.online.params() {
            let Some(n) = name.strip_prefix("encoder.") else {
                continue;
            };
            let t = named_like(&f, n, &p, "--ewc", fisher)?;
            let anchor = p.detach().copy();
            ewc.insert(name, (t.to_device(self.device) * lambda, anchor));
        }
        self.ewc = ewc;
        Ok(())
    }

    fn save_state(&self, dir: &Path) -> Result<()> {
        let mut tensors: Vec<(String, Tensor)> = Vec::new();
        for (name, t) in self.online.named() {
            tensors.push((format!("online.{name}"), t.to_device(Device::Cpu)));
        }
        if let Some(t) = &self.target {
            for (name, t) in t.named() {
                tensors.push((format!("target.{name}"), t.to_device(Device::Cpu)));
            }
        }
        for ((name, _), (a, b)) in self.online.params().iter().zip(&self.optim.state) {
            tensors.push((format!("optim.1.{name}"), a.to_device(Device::Cpu)));
            tensors.push((format!("optim.2.{name}"), b.to_device(Device::Cpu)));
        }
        tensors.push(("optim.steps".into(), Tensor::from(self.optim.steps)));
        write_tensors(&dir.join("state.safetensors"), &tensors)
    }

    fn load_state(&mut self, dir: &Path) -> Result<()> {
        let path = dir.join("state.safetensors");
        let bad = |m: String| err!(input("training state {}: {m}", path.display()));
        let read = Tensor::read_safetensors(&path).map_err(|e| bad(e.to_string()))?;
        let map: BTreeMap<String, Tensor> = read.into_iter().collect();
        let get = |k: String, like: &Tensor| {
            map.get(&k)
                .filter(|t| t.size() == like.size())
                .map(|t| t.to_device(self.device))
                .ok_or_else(|| bad(format!("`{k}` missing or of another shape")))
        };
        let restore = |prefix: &str, net: &Net| -> Result<()> {
            for (name, mut v) in net.named() {
                let src = get(format!("{prefix}.{name}"), &v)?;
                tch::no_grad(|| v.copy_(&src));
            }
            Ok(())
        };
        restore("online", &self.online)?;
        if let Some(t) = &self.target {
            restore("target", t)?;
        }
        let mut state = Vec::new();
        for (name, p) in self.online.params() {
            state.push((
                get(format!("optim.1.{name}"), &p)?,
                get(format!("optim.2.{name}"), &p)?,
            ));
        }
        self.optim.state = state;
        self.optim.steps = map
            .get("optim.steps")
            .ok_or_else(|| bad("no `optim.steps`".into()))?
            .int64_value(&[]);
        Ok(())
    }
}

/// A safetensors file's tensors by name (a file that is not one is the user's input at fault).
fn read_tensors(path: &Path) -> Result<BTreeMap<String, Tensor>> {
    Tensor::read_safetensors(path)
        .map(|v| v.into_iter().collect())
        .map_err(|e| {
            err!(input(
                "{}: not a readable safetensors file: {e}",
                path.display()
            ))
        })
}

/// Tensor `name` of a file read for option `flag`, in the shape of `like`.
fn named_like<'a>(
    map: &'a BTreeMap<String, Tensor>,
    name: &str,
    like: &Tensor,
    flag: &str,
    path: &Path,
) -> Result<&'a Tensor> {
    map.get(name)
        .filter(|t| t.size() == like.size())
        .ok_or_else(|| {
            err!(input(
                "{flag} {}: tensor `{name}` is missing or not of shape {:?} (another encoder, --width or --size)",
                path.display(),
                like.size()
            ))
        })
}

/// Safetensors written whole or not at all (a temporary name, then renamed).
fn write_tensors(path: &Path, tensors: &[(String, Tensor)]) -> Result<()> {
    let tmp = path.with_extension("safetensors.tmp");
    Tensor::write_safetensors(tensors, &tmp).map_err(|e| Error::Io {
        context: format!("write {}", tmp.display()),
        source: std::io::Error::other(e.to_string()),
    })?;
    let bytes = std::fs::read(&tmp).map_err(|e| Error::io("read", &tmp, e))?;
    let _ = std::fs::remove_file(&tmp);
    write_atomic(path, &bytes)
}
