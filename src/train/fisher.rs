//! `sluice fisher`: the diagonal empirical Fisher information of a model over a data set, for
//! elastic weight consolidation (`train lm --ewc DIR`, `train ssl --ewc DIR`).
//! - An LM over a split of a `mix build` output: each sequence contributes the square of its own
//!   gradient (the mean next-token loss of that sequence), the estimate EWC (Kirkpatrick et al.
//!   2017) uses; a batch gradient squared would underestimate it.
//! - A `train ssl` output (encoder and heads) over images: the run's own objective on batches of
//!   its training stream; see [`crate::backend::vision::SslBackend::fisher`] for why batches.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::backend::vision::{self, SslModelConfig};
use crate::backend::{self, BackendKind, LlamaConfig, OptimConfig, Target, Weights, weights};
use crate::core::fingerprint::sha256_file;
use crate::core::job::{Ctx, Identity, Job, Manifest};
use crate::dataset::mix::MixData;
use crate::dataset::views::InputReport;
use crate::error::{Error, Result};
use crate::train::ssl::{HEADS, SslManifest, SslOptions, hash_data, run_dir};

/// `sluice fisher`'s options, declared once.
#[derive(Clone, Debug, PartialEq, clap::Args, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FisherOptions {
    /// Steps that must finish first (pipeline files only).
    #[arg(skip)]
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// The model EWC will hold a finetune close to: an LM (GGUF or safetensors) or a `train ssl`
    /// output directory (its encoder and heads).
    #[arg(long, value_name = "PATH")]
    pub model: PathBuf,
    /// For an LM, a `mix build` output tokenized with its tokenizer; for an SSL encoder, images
    /// as `train ssl --data` takes them (its samples held out by the run's --eval-frac are left
    /// out).
    #[arg(long, value_name = "PATH")]
    pub data: PathBuf,
    /// The split to take it over (LM): what the finetune must not forget (e.g. `train` of a mix
    /// of pretraining text, whose held-out documents then stay unseen for evaluation).
    #[arg(long, default_value_t = train())]
    #[serde(default = "train")]
    pub split: String,
    /// Sequences from the start of the split (all when the split is shorter); for an SSL encoder,
    /// images: that many rounded up to whole batches of the run's --batch-size, from epoch 0 of
    /// its training stream.
    #[arg(long, visible_alias = "samples", default_value_t = sixty_four())]
    #[serde(default = "sixty_four")]
    pub sequences: usize,
    /// burn or torch (on --device).
    #[arg(long, value_enum, default_value_t = torch())]
    #[serde(default = "torch")]
    pub backend: BackendKind,
    /// cpu, cuda or cuda:N.
    #[arg(long)]
    #[serde(default)]
    pub device: Option<String>,
}

crate::defaults! {
    train: String = "train".into(),
    sixty_four: usize = 64,
    torch: BackendKind = BackendKind::Torch,
}

/// The file a `sluice fisher` output holds the estimate in (safetensors, the model's tensor names
/// and shapes, the model's config in the metadata).
pub const FILE: &str = "fisher.safetensors";

/// What `sluice fisher`'s manifest holds after the common header.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FisherBody {
    pub config: FisherOptions,
    pub model: FisherModel,
    /// sha256 of the model file (an SSL run's encoder file): `--ewc` anchors to these weights only.
    pub model_sha256: String,
    /// The data's fingerprint (a `mix build` output's) or its files' sha256 (images).
    pub data_fingerprint: String,
    pub backend: String,
    /// Sequences (LM) or images (SSL) the estimate averages over.
    pub sequences: u64,
    /// Predicted tokens (LM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<u64>,
    /// Mean and largest entry over all parameters, and the sum (the trace).
    pub mean: f64,
    pub max: f64,
    pub trace: f64,
    pub file: String,
    pub sha256: String,
}

/// The model the Fisher is of.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FisherModel {
    Lm(LlamaConfig),
    Ssl(SslModelConfig),
}

pub type FisherManifest = Manifest<FisherBody>;

/// What `identity` opened for `execute`, and the model's sha256.
enum Opened {
    Lm(Box<MixData>, String),
    Ssl(Box<(PathBuf, SslManifest)>, InputReport, String),
}

pub struct FisherJob {
    cfg: FisherOptions,
    opened: Option<Opened>,
}

impl FisherJob {
    pub fn new(cfg: FisherOptions) -> Self {
        FisherJob { cfg, opened: None }
    }

    fn target(&self) -> Result<Target> {
        self.cfg.backend.target(self.cfg.device.as_deref())
    }

    /// The `train ssl` output --model names, when it names a directory.
    fn ssl_run(&self) -> Result<Option<(PathBuf, SslManifest)>> {
        let Some(dir) = run_dir(&self.cfg.model) else {
            return Ok(None);
        };
        let run: SslManifest = Manifest::read(&dir, "train ssl")?;
        if run.body.config.sigma_reparam {
            bail!(config(
                "--model {}: a σReparam run's exported encoder holds its scaled matrices, not the weights it trains; its Fisher is not supported",
                self.cfg.model.display()
            ));
        }
        if self.cfg.split != train() {
            bail!(config(
                "--split {}: an SSL run's data has one split, its training samples",
                self.cfg.split
            ));
        }
        Ok(Some((dir, run)))
    }

    fn lm_identity(&mut self, id: &mut Identity) -> Result<()> {
        let data = MixData::open(&self.cfg.data)?;
        if !data.has_split(&self.cfg.split) {
            bail!(input(
                "{} has no split `{}`",
                self.cfg.data.display(),
                self.cfg.split
            ));
        }
        id.input_file("data", &self.cfg.data.join("manifest.json"))?;
        let model_sha = id.input_file("model", &self.cfg.model)?;
        id.add("split", &self.cfg.split)?;
        id.add("sequences", self.cfg.sequences)?;
        id.add("backend", self.target()?)?;
        id.add("data", &data.manifest.header.fingerprint)?;
        self.opened = Some(Opened::Lm(Box::new(data), model_sha));
        Ok(())
    }

    /// The images' contents, the run's encoder, heads and configuration.
    fn ssl_identity(
        &mut self,
        id: &mut Identity,
        (dir, run): (PathBuf, SslManifest),
    ) -> Result<()> {
        let input = hash_data(id, &self.cfg.data)?;
        let model_sha = id.input_file("model", &dir.join(&run.body.encoder))?;
        let heads = dir.join(HEADS);
        if !heads.exists() {
            bail!(input(
                "{} has no {HEADS} (its projector): rerun that `train ssl` with this sluice",
                dir.display()
            ));
        }
        id.input_file("heads", &heads)?;
        id.add("run", &run.header.fingerprint)?;
        id.add("sequences", self.cfg.sequences)?;
        id.add("backend", self.target()?)?;
        self.opened = Some(Opened::Ssl(Box::new((dir, run)), input, model_sha));
        Ok(())
    }

    fn lm_fisher(&self, ctx: &mut Ctx, data: MixData, model_sha256: String) -> Result<FisherBody> {
        let cfg = &self.cfg;
        let l = weights::load(&cfg.model)?;
        if l.config.vocab_size < data.vocab_size() {
            bail!(input(
                "vocab mismatch: {} was tokenized with {} ({} tokens), the model {} has {} embeddings",
                data.dir.display(),
                data.manifest.tokenizer.path,
                data.vocab_size(),
                cfg.model.display(),
                l.config.vocab_size
            ));
        }
        let mut split = data.split(&cfg.split)?;
        split.truncate(cfg.sequences);
        let batches = split.chunks(8, split.rows());
        let tokens: u64 = batches
            .iter()
            .map(|b| b.targets().1.iter().sum::<f32>() as u64)
            .sum();
        let target = self.target()?;
        let mut w = l.weights;
        let mut b = backend::open(target.clone(), &l.config, &mut w, &OptimConfig::default())?;
        drop(w);
        let f = b.fisher(&batches)?;
        let path = ctx.out.join(FILE);
        f.save_safetensors(&path, &l.config)?;
        self.body(
            &f,
            FisherModel::Lm(l.config),
            model_sha256,
            data.manifest.header.fingerprint.clone(),
            b.capabilities().device,
            (split.rows() as u64, Some(tokens)),
            &path,
        )
    }

    /// The run's objective on the first batches of epoch 0 of its training stream over --data.
    fn ssl_fisher(
        &self,
        ctx: &mut Ctx,
        dir: &Path,
        run: &SslManifest,
        input: InputReport,
        model_sha256: String,
    ) -> Result<FisherBody> {
        let rc = SslOptions {
            data: self.cfg.data.clone(),
            backend: self.cfg.backend,
            device: self.cfg.device.clone(),
            init: None,
            ewc: None,
            ewc_lambda: None,
            ..run.body.config.clone()
        };
        let mut b = vision::open(&self.target()?, &run.body.model)?;
        if !b.load_init(&dir.join(&run.body.encoder), &dir.join(HEADS))? {
            bail!(input(
                "{}: {HEADS} does not hold the heads of the run's model",
                dir.display()
            ));
        }
        let stream = rc.training_stream()?;
        let want = self
            .cfg
            .sequences
            .div_ceil(rc.batch_size)
            .min(stream.batches());
        let duet = rc.duet()?;
        let batches = stream
            .epoch_from(0, 0)
            .take(want)
            .map(|v| rc.batch(&v?, duet))
            .collect::<Result<Vec<_>>>()?;
        let f = b.fisher(&batches)?;
        let path = ctx.out.join(FILE);
        let model = serde_json::to_string(&run.body.model)
            .map_err(|e| err!(internal("ssl model config: {e}")))?;
        f.save_safetensors_with(&path, "sluice.ssl_model", model)?;
        self.body(
            &f,
            FisherModel::Ssl(run.body.model.clone()),
            model_sha256,
            input.sha256.clone(),
            b.capabilities().device,
            ((want * rc.batch_size) as u64, None),
            &path,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn body(
        &self,
        f: &Weights,
        model: FisherModel,
        model_sha256: String,
        data_fingerprint: String,
        backend: String,
        (sequences, tokens): (u64, Option<u64>),
        path: &Path,
    ) -> Result<FisherBody> {
        let (mean, max, trace) = stats(f);
        Ok(FisherBody {
            config: self.cfg.clone(),
            model,
            model_sha256,
            data_fingerprint,
            backend,
            sequences,
            tokens,
            mean,
            max,
            trace,
            file: FILE.into(),
            sha256: sha256_file(path)?,
        })
    }
}

impl Job for FisherJob {
    type Body = FisherBody;

    fn command(&self) -> &'static str {
        "fisher"
    }

    fn outputs(&self) -> Vec<String> {
        vec![FILE.into()]
    }

    fn validate(&self) -> Result<()> {
        self.target()?;
        if self.cfg.sequences == 0 {
            return Err(Error::config("--sequences must be at least 1"));
        }
        Ok(())
    }

    fn identity(&mut self, id: &mut Identity) -> Result<()> {
        match self.ssl_run()? {
            Some(run) => self.ssl_identity(id, run),
            None => self.lm_identity(id),
        }
    }

    fn execute(&mut self, ctx: &mut Ctx) -> Result<FisherBody> {
        match self.opened.take() {
            Some(Opened::Lm(data, sha)) => self.lm_fisher(ctx, *data, sha),
            Some(Opened::Ssl(run, input, sha)) => self.ssl_fisher(ctx, &run.0, &run.1, input, sha),
            None => Err(Error::internal("fisher executed before its identity")),
        }
    }
}

fn stats(f: &Weights) -> (f64, f64, f64) {
    let (mut n, mut sum, mut max) = (0u64, 0f64, 0f64);
    for name in f.names() {
        if let Some((_, v)) = f.get(name) {
            n += v.len() as u64;
            sum += v.iter().map(|&x| x as f64).sum::<f64>();
            max = v.iter().fold(max, |m, &x| m.max(x as f64));
        }
    }
    (sum / n.max(1) as f64, max, sum)
}

/// The EWC flags of a trainer, checked alike by `train lm` and `train ssl`: the message of the
/// first one that is wrong.
pub fn check_flags(ewc: bool, lambda: Option<f64>, init: bool) -> Option<&'static str> {
    match (ewc, lambda) {
        (true, _) if !init => Some(
            "--ewc needs --init: EWC holds a finetune close to the model its Fisher was taken of",
        ),
        (true, None) => Some("--ewc needs --ewc-lambda"),
        (false, Some(_)) => Some("--ewc-lambda needs --ewc"),
        (_, Some(l)) if !(l.is_finite() && l >= 0.0) => Some("--ewc-lambda must be a number >= 0"),
        _ => None,
    }
}

/// `train lm --ewc DIR`: the `sluice fisher` output must be of the weights the run starts from
/// (`init_sha256`, its `--init` file's sha256). Returns the Fisher file to fingerprint.
pub fn check_for(dir: &Path, init_sha256: &str) -> Result<PathBuf> {
    let m: FisherManifest = Manifest::read(dir, "fisher")?;
    if m.body.model_sha256 != init_sha256 {
        bail!(input(
            "--ewc {} is the Fisher of another model ({}, sha256 {}), this run starts from sha256 {}",
            dir.display(),
            m.body.config.model.display(),
            &m.body.model_sha256[..12],
            &init_sha256[..12.min(init_sha256.len())]
        ));
    }
    Ok(dir.join(&m.body.file))
}
