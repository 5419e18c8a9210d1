//! Baseline for BENCHMARKS.md: bare encoding of a corpus, no reading, packing or writing.
//!
//! usage: bare_tokenize TOKENIZER_JSON THREADS ENGINE(hf|fast) PATH...
//! (PATH: .jsonl with a `text` field, or a directory of text files)
//! `hf` runs HuggingFace `tokenizers`' own `encode_batch_fast` on a rayon pool of THREADS threads.

use std::time::Instant;

use rayon::prelude::*;
use sluice::tokenizer::{Engine, load};

fn collect(path: &std::path::Path, out: &mut Vec<String>) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for e in entries {
            collect(&e, out);
        }
    } else if path.extension().is_some_and(|e| e == "jsonl") {
        for l in std::fs::read_to_string(path).unwrap().lines() {
            out.push(
                serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
    } else if let Ok(s) = std::fs::read_to_string(path) {
        out.push(s);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (tok, threads, engine) = (
        &args[1],
        args[2].parse::<usize>().unwrap(),
        args[3].as_str(),
    );
    let mut docs = Vec::new();
    for p in &args[4..] {
        collect(std::path::Path::new(p), &mut docs);
    }
    let bytes: usize = docs.iter().map(String::len).sum();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let t = Instant::now();
    let tokens: usize = match engine {
        "hf" => {
            let hf = tokenizers::Tokenizer::from_file(tok).unwrap();
            let refs: Vec<&str> = docs.iter().map(String::as_str).collect();
            pool.install(|| {
                hf.encode_batch_fast(refs, false)
                    .unwrap()
                    .iter()
                    .map(|e| e.len())
                    .sum()
            })
        }
        _ => {
            let (enc, _) = load(std::path::Path::new(tok), Engine::Fast, None).unwrap();
            pool.install(|| {
                docs.par_iter()
                    .map(|d| {
                        let mut ids = Vec::new();
                        enc.encode(d, &mut ids).unwrap();
                        ids.len()
                    })
                    .sum()
            })
        }
    };
    let s = t.elapsed().as_secs_f64();
    println!(
        "engine={engine} threads={threads} docs={} bytes={bytes} tokens={tokens} seconds={s:.3} tokens_per_s={:.0}",
        docs.len(),
        tokens as f64 / s
    );
}
