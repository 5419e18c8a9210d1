//! `sluice fisher`: the diagonal empirical Fisher information of an LM over a split of a
//! `mix build` output, for elastic weight consolidation (`train lm --ewc DIR`). Each sequence
//! contributes the square of its own gradient (the mean next-token loss of that sequence), the
//! estimate EWC (Kirkpatrick et al. 2017) uses; a batch gradient squared would underestimate it.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::backend::{self, BackendKind, LlamaConfig, OptimConfig, Target, Weights, weights};
use crate::core::fingerprint::sha256_file;
use crate::core::job::{Ctx, Identity, Job, Manifest};
use crate::dataset::mix::MixData;
use crate::error::{Error, Result};

/// `sluice fisher`'s options, declared once.
#[derive(Clone, Debug, PartialEq, clap::Args, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FisherOptions {
    /// Steps that must finish first (pipeline files only).
    #[arg(skip)]
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// The model (GGUF or safetensors): the weights EWC will hold a finetune close to.
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// A `mix build` output tokenized with the model's tokenizer.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// The split to take it over: what the finetune must not forget (e.g. `train` of a mix of
    /// pretraining text, whose held-out documents then stay unseen for evaluation).
    #[arg(long, default_value_t = train())]
    #[serde(default = "train")]
    pub split: String,
    /// Sequences from the start of the split (all when the split is shorter).
    #[arg(long, default_value_t = sixty_four())]
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
    pub model: LlamaConfig,
    /// sha256 of the model file: `train lm --ewc` anchors to these weights only.
    pub model_sha256: String,
    pub data_fingerprint: String,
    pub backend: String,
    pub sequences: u64,
    pub tokens: u64,
    /// Mean and largest entry over all parameters, and the sum (the trace).
    pub mean: f64,
    pub max: f64,
    pub trace: f64,
    pub file: String,
    pub sha256: String,
}

pub type FisherManifest = Manifest<FisherBody>;

pub struct FisherJob {
    cfg: FisherOptions,
    opened: Option<(MixData, String)>,
}

impl FisherJob {
    pub fn new(cfg: FisherOptions) -> Self {
        FisherJob { cfg, opened: None }
    }

    fn target(&self) -> Result<Target> {
        self.cfg.backend.target(self.cfg.device.as_deref())
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
        self.opened = Some((data, model_sha));
        Ok(())
    }

    fn execute(&mut self, ctx: &mut Ctx) -> Result<FisherBody> {
        let (data, model_sha256) = self
            .opened
            .take()
            .ok_or_else(|| Error::internal("fisher executed before its identity"))?;
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
        let (mean, max, trace) = stats(&f);
        let path = ctx.out.join(FILE);
        f.save_safetensors(&path, &l.config)?;
        Ok(FisherBody {
            config: cfg.clone(),
            model: l.config,
            model_sha256,
            data_fingerprint: data.manifest.header.fingerprint.clone(),
            backend: b.capabilities().device,
            sequences: split.rows() as u64,
            tokens,
            mean,
            max,
            trace,
            file: FILE.into(),
            sha256: sha256_file(&path)?,
        })
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
