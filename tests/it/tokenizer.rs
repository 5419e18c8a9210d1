//! sluice's byte-level BPE gives the same ids as HuggingFace `tokenizers` on the same tokenizer.json.

use sluice::mix::tokenize::{Engine, load};

use crate::util::*;

fn texts() -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![samples().join("target")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p)
            } else {
                out.push(std::fs::read_to_string(&p).unwrap())
            }
        }
    }
    for line in std::fs::read_to_string(samples().join("pretrain/sotu_1790_1849.jsonl"))
        .unwrap()
        .lines()
    {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        out.push(v["text"].as_str().unwrap().to_string());
    }
    // Edge cases: contractions, whitespace runs, non-ASCII letters and digits, the special token
    // inside text, long words, control characters, emoji.
    out.extend([
        "it's  they're we'll I'd  'tis ''s 'S 'LL".to_string(),
        " \n\n\t  \r\n  x  \u{a0}\u{3000} y   ".to_string(),
        "Grüße aus Köln – ١٢٣ ½ Ⅻ 東京タワー 😀👍🏽 naïve café".to_string(),
        "before<|endoftext|>after <|endoftext|> <|endof".to_string(),
        "a".repeat(5000) + &" ".repeat(3000) + &"=-".repeat(2000),
        "\u{0}\u{1}\u{7f}\u{85}\u{2028} ok".to_string(),
        String::new(),
    ]);
    out
}

#[test]
fn fast_bpe_matches_hf_tokenizers_on_the_samples() {
    let path = samples().join("tokenizer.json");
    let (fast, fi) = load(&path, Engine::Fast, None).unwrap();
    let (hf, hi) = load(&path, Engine::Hf, None).unwrap();
    assert_eq!(
        (fi.engine.as_str(), hi.engine.as_str()),
        ("fast-bpe", "hf-tokenizers")
    );
    let mut tokens = 0;
    for t in texts() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        fast.encode(&t, &mut a).unwrap();
        hf.encode(&t, &mut b).unwrap();
        if a != b {
            let i = a
                .iter()
                .zip(&b)
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()));
            panic!(
                "ids differ at token {i}: fast {:?} hf {:?} in text starting {:?}",
                &a[i..(i + 5).min(a.len())],
                &b[i..(i + 5).min(b.len())],
                &t[..t.len().min(80)]
            );
        }
        tokens += a.len();
    }
    assert!(tokens > 500_000, "compared {tokens} tokens");
}

#[test]
fn engine_fast_refuses_a_tokenizer_it_cannot_reproduce() {
    let tmp = tempfile::tempdir().unwrap();
    let mut j: serde_json::Value =
        serde_json::from_slice(&std::fs::read(samples().join("tokenizer.json")).unwrap()).unwrap();
    j["normalizer"] = serde_json::json!({"type": "Lowercase"});
    let p = tmp.path().join("lower.json");
    std::fs::write(&p, serde_json::to_vec(&j).unwrap()).unwrap();
    let err = load(&p, Engine::Fast, None)
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("normalizer"), "{err}");
    // auto falls back to the general engine, which applies the normalizer.
    let (enc, info) = load(&p, Engine::Auto, None).unwrap();
    assert_eq!(info.engine, "hf-tokenizers");
    let (mut a, mut b) = (Vec::new(), Vec::new());
    enc.encode("Hello World", &mut a).unwrap();
    enc.encode("hello world", &mut b).unwrap();
    assert_eq!(a, b);
}
