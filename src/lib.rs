//! sluice builds training data and feeds it to GPU trainers.
//!
//! Architecture, outermost first:
//! - [`cli`] parses arguments (clap derive only) and [`commands`] runs one thin handler per verb.
//! - [`tokenizer`]: one `Encoder` trait over HuggingFace `tokenizers` and sluice's exact fast BPE
//!   engine ([`tokenizer::fast`]) for the tokenizer.json shapes in use; `sluice tokenize` and
//!   `mix build` encode through it.
//! - [`mix`] builds finetuning mixtures: [`mix::options`] (the two-source and weighted forms),
//!   [`mix::spill`] (external shuffle by keyed random order), [`mix::pack`] (concat, best-fit),
//!   [`mix::schedule`] (exact injection, the N-source blend), [`mix::build`] (the two phases,
//!   resume, read-as-needed), [`mix::slices`] (a build sharded across machines, `mix merge`).
//! - [`views`] makes K augmented views per image: [`views::source`], [`views::decode`],
//!   [`views::recipe`], [`views::sample`] (keyed draws), [`views::render`] and [`views::ops`]
//!   (pure functions of pixels and params), [`views::generate`], [`views::replay`],
//!   [`views::preview`].
//! - [`pipeline`] runs steps declared in TOML: [`pipeline::spec`] (types, generated JSON Schema),
//!   [`pipeline::validate`], [`pipeline::run`] (order, slices, merge), [`pipeline::state`]
//!   (SQLite) and [`pipeline::schedule`] (cron).
//! - [`backend`] runs a Llama-architecture model behind one `Backend` trait (burn ndarray on CPU,
//!   burn cuda behind the `cuda` feature), loaded from GGUF ([`backend::gguf`]) or safetensors.
//! - [`train`] trains on `mix build` outputs ([`train::lm`]: schedule, accumulation, exact-resume
//!   checkpoints, `val_target`/`val_pretrain` evaluation, distillation from a logits cache).
//! - [`logits`] caches a teacher's distributions ([`logits::codec`], [`logits::cache`]) and
//!   reports on a cache ([`logits::inspect`]).
//! - [`dataset`] owns the on-disk formats (mix sequences, logits caches) and their readers, and
//!   the one Parquet shard writer every producer uses.
//! - [`plan`] turns the seed papers' scaling laws into recommendations, tables and plots.
//! - [`source`] reads documents (Parquet/JSONL/CSV through DataFusion, plain-text directories),
//!   local or in object storage.
//! - [`store`] is object storage (`s3://`, `gs://`, `az://`, `http(s)://`): listing and fetching
//!   inputs, and publishing a finished output (data objects whole, the manifest last).
//! - [`sink`] writes sequences: Parquet shards, Megatron `.bin/.idx`; every file atomically.
//! - [`core`] holds what every command shares: the [`core::job::Job`] shape and its runner (lock,
//!   fingerprint, resume, manifest last), keyed counter-based randomness, exact fractions, atomic
//!   files, fingerprints, manifests, the output-directory protocol, progress.
//! - [`error`] classes every failure by who is at fault, each with its own exit code.

// First, so that its `err!` and `bail!` are in scope in every module below.
#[macro_use]
pub mod error;

pub mod backend;
pub mod cli;
pub mod commands;
pub mod core;
pub mod dataset;
pub mod logits;
pub mod mix;
pub mod pipeline;
pub mod plan;
pub mod sink;
pub mod source;
pub mod store;
pub mod tokenizer;
pub mod train;
pub mod views;
