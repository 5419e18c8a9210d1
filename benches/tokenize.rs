//! Encoder throughput on the shipped samples: sluice's byte-level BPE against HF `tokenizers`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sluice::tokenizer::{Engine, load};

fn corpus() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    std::fs::read_to_string(root.join("pretrain/sotu_1790_1849.jsonl"))
        .unwrap()
        .lines()
        .take(20)
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let docs = corpus();
    let bytes: usize = docs.iter().map(String::len).sum();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/tokenizer.json");
    let mut g = c.benchmark_group("encode_sotu_20_docs");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    for engine in [Engine::Fast, Engine::Hf] {
        let (enc, info) = load(&path, engine, None).unwrap();
        g.bench_function(info.engine.clone(), |b| {
            b.iter(|| {
                let mut ids = Vec::new();
                for d in &docs {
                    enc.encode(d, &mut ids).unwrap();
                }
                ids.len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
