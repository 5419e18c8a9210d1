//! What the pipeline needs of a step, behind one small trait: its dependencies, its paths, where
//! its output lies, whether it runs per slice, and the [`Job`] it runs. Every command is a step
//! kind; [`Step`] delegates to the kind once (the `each!` match), so adding a kind touches the
//! enum, that match and its `impl StepKind`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::core::job::{self, Exec, Job, Manifest, run_job};
use crate::core::manifest::{ShardInfo, read_json};
use crate::error::Result;
use crate::logits::cache::{CacheOptions, LogitsJob};
use crate::mix::build::MixBuild;
use crate::mix::options::MixOptions;
use crate::mix::slices::Slice;
use crate::pipeline::spec::{SqlStep, Step};
use crate::pipeline::sql::SqlJob;
use crate::tokenizer::job::{TokenizeJob, TokenizeOptions};
use crate::train::fisher::{FisherJob, FisherOptions};
use crate::train::lm::{TrainJob, TrainOptions};
use crate::train::ssl::{SslJob, SslOptions};
use crate::views::generate::{ViewsBody, ViewsGen};
use crate::views::options::ViewsOptions;
use crate::views::recipe::builtin;

/// Where a step runs: the pipeline's seed, the slice, and how its paths resolve.
pub struct StepEnv<'a> {
    pub seed: u64,
    /// `(i, N)`; `(0, 1)` for a whole run.
    pub slice: (u32, u32),
    /// Run as a slice of a sharded run (`--shard/--of`, even `--of 1`).
    pub sharded: bool,
    /// How long a slice waits for the others (a sharded mix step's tokenization).
    pub wait: std::time::Duration,
    /// `step:NAME[/rest]` or a path relative to the file's folder -> where it is.
    pub resolve: &'a dyn Fn(&str) -> PathBuf,
}

/// One kind of pipeline step.
pub trait StepKind: Clone {
    type Job: Job;
    /// The step's `kind` in a pipeline file.
    const KIND: &'static str;
    /// Steps named in `depends_on`.
    fn depends_on(&self) -> &[String];
    /// Path-valued options, with their JSON pointer below the step.
    fn paths_mut(&mut self) -> Vec<(String, &mut PathBuf)>;
    /// Path-valued options as written (roots, existence and `step:` references are checked on
    /// these).
    fn paths(&self) -> Vec<(String, String)> {
        let mut o = self.clone();
        o.paths_mut()
            .into_iter()
            .map(|(ptr, p)| (ptr, p.to_string_lossy().into_owned()))
            .collect()
    }
    /// The step's main output inside its directory ("" for the directory itself): what
    /// `step:NAME` names.
    fn primary(&self) -> &'static str;
    /// Runs as one slice of N on each of N workers, its output the union of the slices.
    fn shardable(&self) -> bool {
        false
    }
    /// The job, from these options with their paths resolved.
    fn job(&self, env: &StepEnv) -> Result<Self::Job>;
    /// What a merge adds up over the slices' manifests (shardable kinds).
    fn totals(_body: &<Self::Job as Job>::Body) -> (BTreeMap<String, u64>, Vec<ShardInfo>) {
        (BTreeMap::new(), Vec::new())
    }
}

/// `opts` with each path replaced by what `env` resolves it to.
fn resolved<K: StepKind>(opts: &K, env: &StepEnv) -> K {
    let mut o = opts.clone();
    for (_, p) in o.paths_mut() {
        *p = (env.resolve)(&p.to_string_lossy());
    }
    o
}

impl StepKind for MixOptions {
    type Job = MixBuild;
    const KIND: &'static str = "mix";
    fn depends_on(&self) -> &[String] {
        &self.depends_on
    }
    fn paths_mut(&mut self) -> Vec<(String, &mut PathBuf)> {
        MixOptions::paths_mut(self)
    }
    fn primary(&self) -> &'static str {
        ""
    }
    /// With `shard = true`: each slice of a sharded run builds its slice, slice 0 merges them.
    fn shardable(&self) -> bool {
        self.shard
    }
    fn job(&self, env: &StepEnv) -> Result<MixBuild> {
        let o = resolved(self, env);
        let job = MixBuild::new(o.config(env.seed)?, 1 << 30);
        Ok(match env.sharded && self.shard {
            true => job.sliced(Slice {
                index: env.slice.0,
                of: env.slice.1,
                wait: env.wait,
            }),
            false => job,
        })
    }
}

impl StepKind for ViewsOptions {
    type Job = ViewsGen;
    const KIND: &'static str = "views";
    fn depends_on(&self) -> &[String] {
        &self.depends_on
    }
    fn paths_mut(&mut self) -> Vec<(String, &mut PathBuf)> {
        ViewsOptions::paths_mut(self)
    }
    /// The input, and the recipe when it is a file.
    fn paths(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self
            .input
            .iter()
            .map(|p| ("/input".to_string(), p.to_string_lossy().into_owned()))
            .collect();
        if builtin(&self.recipe).is_none() {
            v.push(("/recipe".into(), self.recipe.clone()));
        }
        v
    }
    fn primary(&self) -> &'static str {
        "views"
    }
    fn shardable(&self) -> bool {
        true
    }
    fn job(&self, env: &StepEnv) -> Result<ViewsGen> {
        let mut o = resolved(self, env);
        if builtin(&o.recipe).is_none() {
            o.recipe = (env.resolve)(&o.recipe).to_string_lossy().into_owned();
        }
        Ok(ViewsGen::new(o.config(env.seed, env.slice)?))
    }
    fn totals(body: &ViewsBody) -> (BTreeMap<String, u64>, Vec<ShardInfo>) {
        let totals = [
            ("samples".to_string(), body.samples.written),
            ("views".to_string(), body.views),
        ];
        (totals.into(), body.shards.clone())
    }
}

impl StepKind for CacheOptions {
    type Job = LogitsJob;
    const KIND: &'static str = "logits";
    fn depends_on(&self) -> &[String] {
        &self.depends_on
    }
    fn paths_mut(&mut self) -> Vec<(String, &mut PathBuf)> {
        CacheOptions::paths_mut(self)
    }
    fn primary(&self) -> &'static str {
        ""
    }
    fn job(&self, env: &StepEnv) -> Result<LogitsJob> {
        let mut o = resolved(self, env);
        o.seed = o.seed.or(Some(env.seed));
        Ok(LogitsJob::new(o))
    }
}

impl StepKind for TrainOptions {
    type Job = TrainJob;
    const KIND: &'static str = "train";
    fn depends_on(&self) -> &[String] {
        &self.depends_on
    }
    fn paths_mut(&mut self) -> Vec<(String, &mut PathBuf)> {
        TrainOptions::paths_mut(self)
    }
    fn primary(&self) -> &'static str {
        "model.safetensors"
    }
    fn job(&self, env: &StepEnv) -> Result<TrainJob> {
        let mut o = resolved(self, env);
        o.seed = o.seed.or(Some(env.seed));
        // The evaluation table goes to the step's metrics.jsonl, not the pipeline's stdout.
        Ok(TrainJob::new(o, Box::new(std::io::sink())))
    }
}

impl StepKind for FisherOptions {
    type Job = FisherJob;
    const KIND: &'static str = "fisher";
    fn depends_on(&self) -> &[String] {
        &self.depends_on
    }
    fn paths_mut(&mut self) -> Vec<(String, &mut PathBuf)> {
        vec![
            ("/model".into(), &mut self.model),
            ("/data".into(), &mut self.data),
        ]
    }
    /// The directory: `train`'s `ewc` takes the whole output (its manifest names the model).
    fn primary(&self) -> &'static str {
        ""
    }
    fn job(&self, env: &StepEnv) -> Result<FisherJob> {
        Ok(FisherJob::new(resolved(self, env)))
    }
}

impl StepKind for SslOptions {
    type Job = SslJob;
    const KIND: &'static str = "ssl";
    fn depends_on(&self) -> &[String] {
        &self.depends_on
    }
    fn paths_mut(&mut self) -> Vec<(String, &mut PathBuf)> {
        SslOptions::paths_mut(self)
    }
    /// The path options (data, --init, --ewc), and the recipe when it is a file.
    fn paths(&self) -> Vec<(String, String)> {
        let mut o = self.clone();
        let mut v: Vec<(String, String)> = o
            .paths_mut()
            .into_iter()
            .map(|(ptr, p)| (ptr, p.to_string_lossy().into_owned()))
            .collect();
        if let Some(r) = self.recipe.as_ref().filter(|r| builtin(r).is_none()) {
            v.push(("/recipe".into(), r.clone()));
        }
        v
    }
    fn primary(&self) -> &'static str {
        "encoder.safetensors"
    }
    fn job(&self, env: &StepEnv) -> Result<SslJob> {
        let mut o = resolved(self, env);
        o.seed = o.seed.or(Some(env.seed));
        if let Some(r) = o.recipe.as_mut().filter(|r| builtin(r).is_none()) {
            *r = (env.resolve)(r).to_string_lossy().into_owned();
        }
        // The evaluation table goes to the step's metrics.jsonl, not the pipeline's stdout.
        Ok(SslJob::new(o, Box::new(std::io::sink())))
    }
}

impl StepKind for TokenizeOptions {
    type Job = TokenizeJob;
    const KIND: &'static str = "tokenize";
    fn depends_on(&self) -> &[String] {
        &self.depends_on
    }
    fn paths_mut(&mut self) -> Vec<(String, &mut PathBuf)> {
        TokenizeOptions::paths_mut(self)
    }
    fn primary(&self) -> &'static str {
        "docs"
    }
    fn job(&self, env: &StepEnv) -> Result<TokenizeJob> {
        Ok(TokenizeJob::new(resolved(self, env)))
    }
}

impl StepKind for SqlStep {
    type Job = SqlJob;
    const KIND: &'static str = "sql";
    fn depends_on(&self) -> &[String] {
        &self.depends_on
    }
    /// The sources are strings (table name -> path), resolved by the job itself.
    fn paths_mut(&mut self) -> Vec<(String, &mut PathBuf)> {
        Vec::new()
    }
    fn paths(&self) -> Vec<(String, String)> {
        self.sources
            .iter()
            .map(|(k, p)| (format!("/sources/{k}"), p.clone()))
            .collect()
    }
    fn primary(&self) -> &'static str {
        "data"
    }
    fn job(&self, env: &StepEnv) -> Result<SqlJob> {
        Ok(SqlJob::new(self, env.resolve))
    }
}

/// `each!(step, s => expr)`: `expr` with `s` bound to the step's options, whatever its kind.
macro_rules! each {
    ($step:expr, $s:ident => $e:expr) => {
        match $step {
            Step::Mix($s) => $e,
            Step::Views($s) => $e,
            Step::Sql($s) => $e,
            Step::Logits($s) => $e,
            Step::Train($s) => $e,
            Step::Ssl($s) => $e,
            Step::Fisher($s) => $e,
            Step::Tokenize($s) => $e,
        }
    };
}

/// What a run did with a step: its fingerprint, and whether it was found finished.
pub struct Ran {
    pub fingerprint: String,
    pub up_to_date: bool,
}

/// A slice's manifest as a merge reads it.
pub struct SliceTotals {
    pub fingerprint: String,
    pub totals: BTreeMap<String, u64>,
    pub shards: Vec<ShardInfo>,
}

impl Step {
    pub fn depends_on(&self) -> &[String] {
        each!(self, s => s.depends_on())
    }

    pub fn paths(&self) -> Vec<(String, String)> {
        each!(self, s => s.paths())
    }

    pub fn primary(&self) -> &'static str {
        each!(self, s => s.primary())
    }

    pub fn shardable(&self) -> bool {
        each!(self, s => s.shardable())
    }

    /// A shardable step whose slices slice 0 merges during the run, so that later steps can read
    /// its output (a sharded mix step); other shardable steps are merged by `pipeline merge`.
    pub fn merged_in_run(&self) -> bool {
        matches!(self, Step::Mix(m) if m.shard)
    }

    /// The checks the step's command makes on its options, before anything is read.
    pub fn check(&self, env: &StepEnv) -> Result<()> {
        each!(self, s => s.job(env)?.validate())
    }

    /// The fingerprint a run would give the step now.
    pub fn fingerprint(&self, env: &StepEnv) -> Result<String> {
        each!(self, s => job::fingerprint(&mut s.job(env)?))
    }

    /// Run the step into `exec.out`.
    pub fn run(&self, env: &StepEnv, exec: &Exec) -> Result<Ran> {
        each!(self, s => {
            let o = run_job(&mut s.job(env)?, exec)?;
            Ok(Ran { fingerprint: o.manifest.header.fingerprint, up_to_date: o.up_to_date })
        })
    }

    /// A finished slice's manifest in `dir`, read as this step's kind wrote it.
    pub fn slice(&self, dir: &Path) -> Result<SliceTotals> {
        each!(self, s => read_slice(s, dir))
    }

    pub fn kind(&self) -> &'static str {
        each!(self, s => kind_of(s))
    }
}

fn kind_of<K: StepKind>(_: &K) -> &'static str {
    K::KIND
}

fn read_slice<K: StepKind>(_: &K, dir: &Path) -> Result<SliceTotals> {
    let path = dir.join("manifest.json");
    if !path.exists() {
        bail!(input("{} has no manifest", dir.display()));
    }
    let m: Manifest<<K::Job as Job>::Body> = read_json(&path)?;
    let (totals, shards) = K::totals(&m.body);
    Ok(SliceTotals {
        fingerprint: m.header.fingerprint,
        totals,
        shards,
    })
}
