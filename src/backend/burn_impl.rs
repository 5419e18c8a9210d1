//! The `Backend` trait over any burn autodiff backend: ndarray on CPU, cuda behind the feature.

use std::path::Path;

use burn::module::AutodiffModule;
use burn::optim::adaptor::OptimizerAdaptor;
use burn::optim::{AdamW, AdamWConfig, GradientsAccumulator, GradientsParams, Optimizer};
use burn::prelude::*;
use burn::record::{BinFileRecorder, FullPrecisionSettings, Recorder};
use burn::tensor::backend::AutodiffBackend;
use burn::tensor::{Int, TensorData};

use super::model::{Inputs, Llama, LlamaConfig, to_vec};
use super::{
    Backend as SluiceBackend, Capabilities, DistillConfig, Logits, LossSum, OptimConfig,
    TeacherTargets, TokenBatch, Weights,
};
use crate::error::{Error, Result};

type Optim<B> = OptimizerAdaptor<AdamW, Llama<B>, B>;

pub struct BurnBackend<B: AutodiffBackend> {
    name: &'static str,
    device_label: String,
    device: B::Device,
    cfg: LlamaConfig,
    // Taken out and put back around each optimizer step (burn's step consumes the module).
    model: Option<Llama<B>>,
    optim: Optim<B>,
}

impl<B: AutodiffBackend> BurnBackend<B> {
    fn new(
        name: &'static str,
        device_label: String,
        device: B::Device,
        cfg: &LlamaConfig,
        weights: &mut Weights,
        optim: &OptimConfig,
    ) -> Result<Self> {
        let model = Llama::from_weights(cfg, weights, &device)?;
        let optim = AdamWConfig::new()
            .with_beta_1(optim.beta1)
            .with_beta_2(optim.beta2)
            .with_epsilon(optim.eps)
            .with_weight_decay(optim.weight_decay)
            .init();
        Ok(BurnBackend {
            name,
            device_label,
            device,
            cfg: cfg.clone(),
            model: Some(model),
            optim,
        })
    }

    fn model(&self) -> &Llama<B> {
        self.model
            .as_ref()
            .expect("model is put back after every step")
    }

    fn inputs<BB: burn::tensor::backend::Backend<Device = B::Device>>(
        &self,
        b: &TokenBatch,
    ) -> Inputs<BB> {
        Inputs::new(
            &self.cfg,
            &b.tokens,
            b.batch,
            b.len,
            &b.doc_starts,
            &self.device,
        )
    }

    /// One optimizer step over micro-batches: each one's summed loss is divided by the predicted
    /// tokens of the whole step before backward, so the step minimises the mean over all of them.
    fn accumulated_step<T>(
        &mut self,
        micro: &[T],
        batch_of: fn(&T) -> &TokenBatch,
        lr: f64,
        what: &str,
        loss: impl Fn(&Self, &Llama<B>, &T) -> (Tensor<B, 1>, f64),
    ) -> Result<LossSum> {
        let total: f64 = micro
            .iter()
            .map(|m| {
                batch_of(m)
                    .targets()
                    .1
                    .iter()
                    .map(|&w| w as f64)
                    .sum::<f64>()
            })
            .sum();
        let mut model = self.model.take().expect("model present");
        let mut acc = GradientsAccumulator::<Llama<B>>::new();
        let mut sum = LossSum::default();
        for m in micro {
            let (l, count) = loss(self, &model, m);
            let value = to_vec(l.clone())[0] as f64;
            let grads = GradientsParams::from_grads((l / total.max(1.0)).backward(), &model);
            acc.accumulate(&model, grads);
            sum.add(LossSum {
                nll: value,
                tokens: count as u64,
            });
        }
        model = self.optim.step(lr, model, acc.grads());
        self.model = Some(model);
        if !sum.nll.is_finite() {
            return Err(Error::Backend(format!(
                "{what} loss became {} (learning rate {lr}): diverged",
                sum.nll
            )));
        }
        Ok(sum)
    }

    fn targets<BB: burn::tensor::backend::Backend>(
        &self,
        batch: &TokenBatch,
        device: &BB::Device,
    ) -> (Tensor<BB, 2, Int>, Tensor<BB, 2>, f64) {
        let (targets, weights) = batch.targets();
        let count: f64 = weights.iter().map(|&w| w as f64).sum();
        let shape = [batch.batch, batch.len];
        let targets: Vec<i64> = targets.into_iter().map(|t| t as i64).collect();
        (
            Tensor::from_data(TensorData::new(targets, shape), device),
            Tensor::from_data(TensorData::new(weights, shape), device),
            count,
        )
    }
}

impl<B: AutodiffBackend> SluiceBackend for BurnBackend<B> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            forward: true,
            train: true,
            device: self.device_label.clone(),
            attention: "scores materialised (QK^T, causal/document mask, softmax) in both cases"
                .into(),
        }
    }

    fn config(&self) -> &LlamaConfig {
        &self.cfg
    }

    fn forward_logits(&self, batch: &TokenBatch) -> Result<Logits> {
        batch.check(self.cfg.vocab_size)?;
        let model = self.model().valid();
        let inp = self.inputs(batch);
        let values = to_vec(model.forward(&self.cfg, &inp));
        Ok(Logits {
            values,
            batch: batch.batch,
            len: batch.len,
            vocab: self.cfg.vocab_size,
        })
    }

    fn eval_loss(&self, batch: &TokenBatch) -> Result<LossSum> {
        batch.check(self.cfg.vocab_size)?;
        let model = self.model().valid();
        let inp = self.inputs(batch);
        let (targets, weights, count) = self.targets(batch, &self.device);
        let nll = to_vec(model.nll_sum(&self.cfg, &inp, targets, weights));
        Ok(LossSum {
            nll: nll[0] as f64,
            tokens: count as u64,
        })
    }

    fn train_step(&mut self, micro: &[TokenBatch], lr: f64) -> Result<LossSum> {
        for b in micro {
            b.check(self.cfg.vocab_size)?;
        }
        self.accumulated_step(
            micro,
            |b| b,
            lr,
            "training",
            |this, model, b| {
                let inp = this.inputs::<B>(b);
                let (targets, weights, count) = this.targets::<B>(b, &this.device);
                (model.nll_sum(&this.cfg, &inp, targets, weights), count)
            },
        )
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
        self.accumulated_step(
            micro,
            |m| &m.0,
            lr,
            "distillation",
            |this, model, (b, t)| {
                let inp = this.inputs::<B>(b);
                let (targets, weights, count) = this.targets::<B>(b, &this.device);
                let shape = [b.batch, b.len, t.k];
                let ids: Vec<i64> = t.ids.iter().map(|&i| i as i64).collect();
                let ids = Tensor::<B, 3, Int>::from_data(TensorData::new(ids, shape), &this.device);
                let probs = Tensor::<B, 3>::from_data(
                    TensorData::new(t.probs.clone(), shape),
                    &this.device,
                );
                let tail = Tensor::<B, 2>::from_data(
                    TensorData::new(t.tail.clone(), [b.batch, b.len]),
                    &this.device,
                );
                let (kd, nll) =
                    model.distill_sums(&this.cfg, &inp, targets, weights, ids, probs, tail, temp);
                (kd * (w * temp * temp) + nll * (1.0 - w), count)
            },
        )
    }

    fn weights(&self) -> Weights {
        self.model().to_weights()
    }

    fn save_optimizer(&self, dir: &Path) -> Result<()> {
        Recorder::<B>::record(
            &BinFileRecorder::<FullPrecisionSettings>::new(),
            self.optim.to_record(),
            dir.join("optimizer"),
        )
        .map_err(|e| Error::Backend(format!("saving optimizer state in {}: {e}", dir.display())))
    }

    fn load_optimizer(&mut self, dir: &Path) -> Result<()> {
        let rec: <Optim<B> as Optimizer<Llama<B>, B>>::Record = Recorder::<B>::load(
            &BinFileRecorder::<FullPrecisionSettings>::new(),
            dir.join("optimizer"),
            &self.device,
        )
        .map_err(|e| err!(input("optimizer state in {}: {e}", dir.display())))?;
        let optim = std::mem::replace(&mut self.optim, AdamWConfig::new().init());
        self.optim = optim.load_record(rec);
        Ok(())
    }
}

pub fn cpu(
    cfg: &LlamaConfig,
    w: &mut Weights,
    optim: &OptimConfig,
) -> Result<Box<dyn SluiceBackend>> {
    use burn::backend::{Autodiff, NdArray, ndarray::NdArrayDevice};
    let threads = rayon::current_num_threads();
    let label = format!("cpu (burn ndarray, {threads} threads)");
    Ok(Box::new(BurnBackend::<Autodiff<NdArray<f32>>>::new(
        "cpu",
        label,
        NdArrayDevice::Cpu,
        cfg,
        w,
        optim,
    )?))
}

#[cfg(feature = "cuda")]
pub fn cuda(
    cfg: &LlamaConfig,
    w: &mut Weights,
    optim: &OptimConfig,
) -> Result<Box<dyn SluiceBackend>> {
    use burn::backend::{Autodiff, Cuda, cuda::CudaDevice};
    type B = Autodiff<Cuda<f32, i32>>;
    let device = CudaDevice::new(0);
    // cubecl panics when there is no driver or device: probe once and report it as an error.
    let probe = device.clone();
    let ok = std::panic::catch_unwind(move || {
        Tensor::<B, 1>::from_data(TensorData::new(vec![1f32], [1]), &probe).into_data()
    });
    if ok.is_err() {
        return Err(Error::Backend(
            "backend `cuda`: no usable NVIDIA GPU (the CUDA driver or device 0 could not be \
             opened; CUDA_PATH must point at the CUDA headers); use --backend cpu"
                .into(),
        ));
    }
    Ok(Box::new(BurnBackend::<B>::new(
        "cuda",
        "cuda:0 (burn cuda, f32)".into(),
        device,
        cfg,
        w,
        optim,
    )?))
}

#[cfg(not(feature = "cuda"))]
pub fn cuda(_: &LlamaConfig, _: &mut Weights, _: &OptimConfig) -> Result<Box<dyn SluiceBackend>> {
    Err(Error::Backend(
        "backend `cuda` is not in this build: rebuild with `cargo build --release --features cuda`"
            .into(),
    ))
}
