//! `sluice tokenize`: every input document to its ids, one row per document in input order (what
//! datatrove's tokenizer step and `datasets.map` do), on the job shape: the output directory
//! locked, shards of `docs_per_shard` documents written whole and kept by a resumed run, the
//! manifest last. Documents are encoded on the `--threads` pool in chunks of a few MB, so memory
//! stays flat in the corpus size, and the output does not depend on the thread count.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use rayon::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Encoder, Engine, TokenizerInfo, load, special_affixes};
use crate::core::job::{Ctx, Identity, Job};
use crate::core::manifest::ShardInfo;
use crate::dataset::parquet::{ShardWriter, Shards};
use crate::dataset::tokens::{self, TokenizeBody};
use crate::error::Result;
use crate::source::{DocBatch, FileSource, Flow, OnError, Source, SourceSpec, scan_pipelined};

/// Text encoded per parallel chunk.
const CHUNK_BYTES: usize = 4 << 20;

#[derive(Clone, Debug, clap::Args, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenizeOptions {
    /// Steps that must finish first (pipeline files only; left out of the fingerprint when empty,
    /// so a step and the same command line agree).
    #[arg(skip)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// Documents: Parquet/JSONL/CSV files, text files (one document each), or directories of them.
    #[arg(required = true, num_args = 1.., value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// HuggingFace tokenizer.json.
    #[arg(long, value_name = "FILE")]
    pub tokenizer: PathBuf,
    /// Column holding the document text in Parquet/JSONL/CSV inputs.
    #[arg(long, default_value_t = text())]
    #[serde(default = "text")]
    pub text_column: String,
    /// SQL filter on the inputs' rows, e.g. "length(text) > 200".
    #[arg(long = "where", value_name = "SQL")]
    #[serde(rename = "where", default)]
    pub filter: Option<String>,
    /// Put the tokens the tokenizer's post-processor adds around each document (e.g. Llama-3's
    /// `<|begin_of_text|>`), as `encode(..., add_special_tokens=True)` does.
    #[arg(long)]
    #[serde(default)]
    pub add_special_tokens: bool,
    /// Which encoder runs: sluice's exact fast engine where the tokenizer.json allows, else
    /// HuggingFace `tokenizers` (auto); either one alone (fast, hf).
    #[arg(long, value_enum, default_value_t = Engine::Auto)]
    #[serde(default = "auto")]
    pub tokenizer_engine: Engine,
    /// Documents per output shard.
    #[arg(long, default_value_t = docs_per_shard())]
    #[serde(default = "docs_per_shard")]
    pub docs_per_shard: u64,
    /// What to do with records that cannot be used (null text, invalid UTF-8, bad JSON lines).
    #[arg(long, value_enum, default_value_t = OnError::Fail)]
    #[serde(default = "fail")]
    pub on_error: OnError,
}

fn text() -> String {
    "text".into()
}
fn auto() -> Engine {
    Engine::Auto
}
fn docs_per_shard() -> u64 {
    100_000
}
fn fail() -> OnError {
    OnError::Fail
}

impl TokenizeOptions {
    /// The path options with their JSON pointers (a pipeline step resolves and checks them).
    pub fn paths_mut(&mut self) -> Vec<(String, &mut PathBuf)> {
        let mut v: Vec<(String, &mut PathBuf)> = (self.inputs.iter_mut().enumerate())
            .map(|(i, p)| (format!("/inputs/{i}"), p))
            .collect();
        v.push(("/tokenizer".into(), &mut self.tokenizer));
        v
    }
}

pub struct TokenizeJob {
    opts: TokenizeOptions,
    opened: Option<Opened>,
}

struct Opened {
    source: FileSource,
    encoder: Box<dyn Encoder>,
    info: TokenizerInfo,
    /// Ids put before and after every document.
    affixes: (Vec<u32>, Vec<u32>),
}

impl TokenizeJob {
    pub fn new(opts: TokenizeOptions) -> Self {
        TokenizeJob { opts, opened: None }
    }
}

impl Job for TokenizeJob {
    type Body = TokenizeBody;

    fn command(&self) -> &'static str {
        "tokenize"
    }

    fn outputs(&self) -> Vec<String> {
        vec!["docs".into()]
    }

    fn validate(&self) -> Result<()> {
        if self.opts.docs_per_shard == 0 {
            bail!(config("--docs-per-shard must be at least 1"));
        }
        Ok(())
    }

    /// Version, options, every input file's sha256, the tokenizer's.
    fn identity(&mut self, id: &mut Identity) -> Result<()> {
        let o = &self.opts;
        let spec = SourceSpec {
            name: "input".into(),
            paths: o.inputs.clone(),
            text_column: o.text_column.clone(),
            filter: o.filter.clone(),
            on_error: o.on_error,
        };
        let source = FileSource::open(spec, &std::env::temp_dir())?;
        for f in source.files() {
            id.input("input", f.fingerprint()?);
        }
        let (encoder, info) = load(&o.tokenizer, o.tokenizer_engine, Some(""))?;
        let affixes = if o.add_special_tokens {
            special_affixes(&o.tokenizer)?
        } else {
            Default::default()
        };
        id.add("options", o)?;
        id.add("tokenizer", &info.sha256)?;
        self.opened = Some(Opened {
            source,
            encoder,
            info,
            affixes,
        });
        Ok(())
    }

    fn execute(&mut self, ctx: &mut Ctx) -> Result<TokenizeBody> {
        let mut o = self
            .opened
            .take()
            .ok_or_else(|| err!(internal("tokenize: execute before identity")))?;
        o.source.set_scratch(&ctx.work().join("scratch"));
        let total: u64 = o.source.files().iter().map(|f| f.bytes).sum();
        let bar = ctx.exec.progress.bar(total, "tokenize", "bytes");
        let pool = ctx.pool()?;
        let shards = Shards::new(ctx.out, "docs", tokens::schema(), tokens::props())?;
        // Parquet encoding, compression and hashing run on a writer thread, overlapping the
        // encoding; two chunks are encoded at once, so a long document at a chunk's end does not
        // leave the other threads idle.
        let (scan, documents, tokens, kept, done) = std::thread::scope(|s| -> Result<_> {
            let (tx, rx) = sync_channel::<ToWriter>(1);
            let sink = {
                let shards = shards.clone();
                s.spawn(move || write_shards(&shards, rx))
            };
            let (read, documents, tokens, kept) = pool.in_place_scope(|scope| {
                let mut w = ShardedWriter {
                    shards: &shards,
                    per_shard: self.opts.docs_per_shard,
                    encoder: &*o.encoder,
                    affixes: &o.affixes,
                    scope,
                    in_flight: VecDeque::new(),
                    tx,
                    next_doc: 0,
                    pending: Vec::new(),
                    pending_bytes: 0,
                    tokens: 0,
                    kept: 0,
                    current: None,
                };
                let read = scan_pipelined(&o.source, |b: DocBatch| {
                    bar.inc(b.input_bytes);
                    w.push(b.docs).map(|()| Flow::Go)
                })
                .and_then(|scan| w.finish().map(|()| scan));
                (read, w.next_doc, w.tokens, w.kept)
            });
            let written = sink
                .join()
                .map_err(|_| err!(internal("tokenize: the shard writer panicked")))?;
            // The writer's own failure explains a failed send: report it first.
            let (done, kept_tokens) = written?;
            Ok((read?, documents, tokens + kept_tokens, kept, done))
        })?;
        let shards = done;
        bar.finish_and_clear();
        ctx.resumed(kept);
        Ok(TokenizeBody {
            tokenizer: o.info,
            add_special_tokens: self.opts.add_special_tokens,
            text_column: self.opts.text_column.clone(),
            filter: self.opts.filter.clone(),
            documents,
            tokens,
            docs_per_shard: self.opts.docs_per_shard,
            scan,
            shards,
        })
    }
}

/// What the encoding side sends the writer thread.
enum ToWriter {
    /// Encoded documents `first..`, appended to shard `shard` as one row group.
    Write {
        shard: usize,
        first: u64,
        ids: Vec<Vec<u32>>,
    },
    /// Shard `shard` has all its `rows` documents (an earlier run's, when nothing was written).
    Close { shard: usize, rows: u64 },
}

/// The writer thread: appends chunks to their shard and finishes it; returns the shard reports
/// in order and the tokens of the shards an earlier run finished.
fn write_shards(shards: &Shards, rx: Receiver<ToWriter>) -> Result<(Vec<ShardInfo>, u64)> {
    let mut open: Option<ShardWriter> = None;
    let mut done = Vec::new();
    let mut kept_tokens = 0;
    for msg in rx {
        match msg {
            ToWriter::Write { shard, first, ids } => {
                let w = match &mut open {
                    Some(w) => w,
                    None => open.insert(shards.create(shard)?),
                };
                w.write(&tokens::batch(first, &ids)?)?;
                // One row group per chunk: memory stays bounded by the chunk size.
                w.flush()?;
            }
            ToWriter::Close { shard, rows } => match open.take() {
                Some(w) => done.push(w.finish()?),
                None => {
                    done.push(shards.info(shard, rows)?);
                    kept_tokens += tokens::shard_tokens(&shards.path(shard))?;
                }
            },
        }
    }
    Ok((done, kept_tokens))
}

/// Chunks encoded at once on the pool.
const IN_FLIGHT: usize = 2;

type Encoded = Receiver<Result<Vec<Vec<u32>>>>;

/// Documents in, encoded chunks out to the writer thread in order, in shards of `per_shard` rows;
/// shards an earlier run finished are kept and their documents not encoded again.
struct ShardedWriter<'a, 's> {
    shards: &'a Shards,
    per_shard: u64,
    encoder: &'s dyn Encoder,
    affixes: &'s (Vec<u32>, Vec<u32>),
    scope: &'a rayon::Scope<'s>,
    /// Chunks being encoded, oldest first: shard, first document, where the ids come back.
    in_flight: VecDeque<(usize, u64, Encoded)>,
    tx: SyncSender<ToWriter>,
    /// Index of the next document read.
    next_doc: u64,
    /// Documents of the current shard read and not yet encoded.
    pending: Vec<String>,
    pending_bytes: usize,
    tokens: u64,
    kept: u64,
    /// The shard the last document fell in, and whether an earlier run finished it.
    current: Option<(usize, bool)>,
}

impl<'s> ShardedWriter<'_, 's> {
    fn shard_of(&self, doc: u64) -> usize {
        (doc / self.per_shard) as usize
    }

    fn send(&self, msg: ToWriter) -> Result<()> {
        self.tx
            .send(msg)
            .map_err(|_| err!(internal("tokenize: the shard writer stopped")))
    }

    fn push(&mut self, docs: Vec<String>) -> Result<()> {
        for doc in docs {
            let d = self.next_doc;
            let shard = self.shard_of(d);
            if d.is_multiple_of(self.per_shard) && d > 0 {
                self.close_shard(shard - 1)?;
            }
            self.next_doc += 1;
            let finished = match self.current {
                Some((s, f)) if s == shard => f,
                _ => {
                    let f = self.shards.finished(shard);
                    self.current = Some((shard, f));
                    f
                }
            };
            if finished {
                continue;
            }
            self.pending_bytes += doc.len();
            self.pending.push(doc);
            if self.pending_bytes >= CHUNK_BYTES {
                self.encode_pending()?;
            }
        }
        Ok(())
    }

    /// Start encoding the pending documents on the pool; pass the oldest chunk on to the writer
    /// once `IN_FLIGHT` are being encoded.
    fn encode_pending(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let first = self.next_doc - self.pending.len() as u64;
        let docs = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        let (encoder, (prefix, suffix)) = (self.encoder, self.affixes);
        let (tx, rx) = std::sync::mpsc::channel();
        self.scope.spawn(move |_| {
            let ids = docs
                .par_iter()
                .map(|text| {
                    let mut ids = prefix.clone();
                    encoder.encode(text, &mut ids)?;
                    ids.extend_from_slice(suffix);
                    Ok(ids)
                })
                .collect::<Result<_>>();
            // The receiver is gone only when the run already failed.
            let _ = tx.send(ids);
        });
        self.in_flight.push_back((self.shard_of(first), first, rx));
        while self.in_flight.len() >= IN_FLIGHT {
            self.write_oldest()?;
        }
        Ok(())
    }

    /// Wait for the oldest chunk in flight and send it to the writer.
    fn write_oldest(&mut self) -> Result<()> {
        let Some((shard, first, rx)) = self.in_flight.pop_front() else {
            return Ok(());
        };
        let ids = rx
            .recv()
            .map_err(|_| err!(internal("tokenize: an encoding task stopped")))??;
        self.tokens += ids.iter().map(|v| v.len() as u64).sum::<u64>();
        self.send(ToWriter::Write { shard, first, ids })
    }

    /// Shard `i` has all its documents.
    fn close_shard(&mut self, i: usize) -> Result<()> {
        self.encode_pending()?;
        while !self.in_flight.is_empty() {
            self.write_oldest()?;
        }
        if self.current == Some((i, true)) {
            self.kept += 1;
        }
        let start = i as u64 * self.per_shard;
        let rows = self.next_doc.min(start + self.per_shard) - start;
        self.send(ToWriter::Close { shard: i, rows })
    }

    fn finish(&mut self) -> Result<()> {
        if self.next_doc > 0 {
            self.close_shard(self.shard_of(self.next_doc - 1))?;
        }
        Ok(())
    }
}
