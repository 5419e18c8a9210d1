//! sluice's fast BPE engine gives the same ids as HuggingFace `tokenizers` on the same tokenizer.json,
//! for GPT-2 and for the modern tokenizer shapes (Llama-3.1, Qwen3, GPT-4o, Llama-2, SmolLM2).

use sluice::tokenizer::{Engine, load};

use crate::backend::teacher_tokenizer;
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
    j["normalizer"] = serde_json::json!({"type": "Strip", "strip_left": true, "strip_right": true});
    let p = tmp.path().join("strip.json");
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
    enc.encode("  Hello World ", &mut a).unwrap();
    enc.encode("Hello World", &mut b).unwrap();
    assert_eq!(a, b);
}

/// Deterministic random strings for the differential test: mixed scripts, spaces, newlines,
/// digits, punctuation, contractions, emoji, combining marks, any code point.
fn random_strings(n: usize, seed: u64) -> Vec<String> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let ranges: &[(u32, u32)] = &[
        (0x61, 0x7a),       // a-z
        (0x41, 0x5a),       // A-Z
        (0x30, 0x39),       // digits
        (0x21, 0x2f),       // punctuation
        (0x3a, 0x40),       // punctuation
        (0xc0, 0x17f),      // Latin-1, Latin Extended-A (incl. ſ)
        (0x300, 0x36f),     // combining marks
        (0x391, 0x3c9),     // Greek
        (0x410, 0x44f),     // Cyrillic
        (0x5d0, 0x5ea),     // Hebrew
        (0x620, 0x64a),     // Arabic
        (0x660, 0x669),     // Arabic-Indic digits
        (0x905, 0x939),     // Devanagari
        (0xe01, 0xe3a),     // Thai
        (0x3041, 0x3096),   // Hiragana
        (0x30a1, 0x30fa),   // Katakana
        (0x4e00, 0x9fff),   // CJK
        (0xac00, 0xd7a3),   // Hangul
        (0xff01, 0xff5e),   // fullwidth forms
        (0x2000, 0x206f),   // general punctuation and spaces
        (0x2150, 0x218b),   // number forms
        (0x1f300, 0x1f64f), // emoji
        (0x1f3fb, 0x1f3ff), // skin tones
        (0x1, 0x10ffff),    // anything
    ];
    let words = [
        " ",
        "  ",
        "   ",
        "\n",
        "\n\n",
        "\r\n",
        "\t",
        " \n ",
        "\u{a0}",
        "\u{3000}",
        "\u{85}",
        "\u{2028}",
        "\u{200d}",
        "\u{2581}",
        "'s",
        "'T",
        "'re",
        "'LL",
        "'d",
        "'",
        "ſ",
        "K",
        "1234567",
        "3.14159",
        " 2026",
        "<|endoftext|>",
        "<s>",
        "</s>",
        "<|im_start|>",
        "Hello",
        " world",
        "don't",
        "\u{fe0f}",
        "e\u{301}",
        "ﬁ",
        "Ⅻ",
        "½",
    ];
    (0..n)
        .map(|_| {
            let len = (next() % 24) as usize;
            let mut s = String::new();
            for _ in 0..len {
                let r = next();
                if r % 3 == 0 {
                    s.push_str(words[(r >> 8) as usize % words.len()]);
                } else {
                    let (lo, hi) = ranges[(r >> 8) as usize % ranges.len()];
                    let run = 1 + (r >> 40) % 6;
                    for k in 0..run {
                        let c =
                            lo + ((r >> 16).wrapping_add(k * 7919) % (hi - lo + 1) as u64) as u32;
                        s.extend(char::from_u32(c));
                    }
                }
            }
            s
        })
        .collect()
}

/// Real text of several kinds: the shipped prose and code, CJK, emoji, digit and space runs.
fn real_texts() -> Vec<String> {
    let mut out = texts();
    out.extend([
        "東京は日本の首都です。人口は約1400万人で、世界最大級の都市圏を形成している。".to_string(),
        "我们的目标是构建一个快速、精确的分词器。中文文本没有空格，所以分词依赖于正则表达式。"
            .to_string(),
        "한국어 문장도 포함합니다. Ελληνικά και русский текст, עברית, العربية.".to_string(),
        "Emoji: 👨‍👩‍👧‍👦 🇯🇵 👍🏽 ❤️ 🤖🤖🤖".to_string(),
        "1".repeat(100) + " " + &"9876543210".repeat(30),
        " ".repeat(50) + "x" + &"\n".repeat(20) + &"\t \t".repeat(10),
        "Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(40),
        "fn main() {\n    let x: Vec<u32> = (0..10).map(|i| i * 2).collect();\n    println!(\"{x:?}\");\n}\n"
            .to_string(),
        "<|im_start|>user\nHi<|im_end|>\n<|begin_of_text|><s> </s>".to_string(),
    ]);
    out
}

/// The tokenizer.json files of the shapes the fast engine covers: the five real ones the tests
/// fetch or make, and variants of them in shapes other models use (Metaspace, prefix space).
fn modern_tokenizers(dir: &std::path::Path) -> Vec<(String, std::path::PathBuf)> {
    let fetched = std::path::PathBuf::from(std::env::var("SLUICE_TOKENIZERS").expect(
        "SLUICE_TOKENIZERS unset: run the tests with scripts/test.sh (it fetches the tokenizers)",
    ));
    let mut out = vec![("gpt2".to_string(), samples().join("tokenizer.json"))];
    for name in ["llama3_1", "qwen3", "gpt4o", "llama2"] {
        out.push((name.to_string(), fetched.join(format!("{name}.json"))));
    }
    out.push(("smollm2".to_string(), teacher_tokenizer(dir)));
    let edit = |from: &std::path::Path, name: &str, f: &dyn Fn(&mut serde_json::Value)| {
        let mut j: serde_json::Value =
            serde_json::from_slice(&std::fs::read(from).unwrap()).unwrap();
        f(&mut j);
        let p = dir.join(format!("{name}.json"));
        std::fs::write(&p, serde_json::to_vec(&j).unwrap()).unwrap();
        (name.to_string(), p)
    };
    let llama2 = fetched.join("llama2.json");
    // Newer SentencePiece conversions (Mistral, Llama-2 re-exports): Metaspace instead of the
    // Prepend/Replace normalizers.
    out.push(edit(&llama2, "llama2-metaspace", &|j| {
        j["normalizer"] = serde_json::Value::Null;
        j["pre_tokenizer"] = serde_json::json!({"type": "Metaspace", "replacement": "\u{2581}",
            "prepend_scheme": "first", "split": false});
    }));
    out.push(edit(&llama2, "llama2-metaspace-split", &|j| {
        j["normalizer"] = serde_json::json!({"type": "NFKC"});
        j["pre_tokenizer"] = serde_json::json!({"type": "Metaspace", "replacement": "\u{2581}",
            "prepend_scheme": "always", "split": true});
    }));
    out.push(edit(
        &samples().join("tokenizer.json"),
        "gpt2-prefix-space",
        &|j| {
            j["pre_tokenizer"]["add_prefix_space"] = serde_json::Value::Bool(true);
        },
    ));
    out
}

#[test]
fn fast_engine_matches_python_tokenizers_on_modern_tokenizers() {
    let py = python("tokenizers");
    let tmp = tempfile::tempdir().unwrap();
    let real = real_texts();
    let random = random_strings(10_000, 42);
    let all: Vec<&String> = real.iter().chain(&random).collect();
    let texts_json = tmp.path().join("texts.json");
    std::fs::write(&texts_json, serde_json::to_vec(&all).unwrap()).unwrap();
    let toks = modern_tokenizers(tmp.path());
    // Python encodes with every tokenizer in one process, alongside the fast engine here.
    let mut reference = std::process::Command::new(&py);
    reference
        .arg(repo().join("tests/python/encode_reference.py"))
        .arg(&texts_json);
    for (name, path) in &toks {
        reference
            .arg(path)
            .arg(tmp.path().join(format!("{name}.ids.json")));
    }
    let mut reference = reference.spawn().unwrap();
    let mut got_all = Vec::new();
    for (name, path) in &toks {
        let (fast, info) = load(path, Engine::Fast, None)
            .unwrap_or_else(|e| panic!("{name}: the fast engine refused it: {e}"));
        assert_eq!(info.engine, "fast-bpe", "{name}");
        let ids: Vec<Vec<u32>> = all
            .iter()
            .map(|t| {
                let mut ids = Vec::new();
                fast.encode(t, &mut ids).unwrap();
                ids
            })
            .collect();
        got_all.push(ids);
    }
    assert!(
        reference.wait().unwrap().success(),
        "encode_reference.py failed"
    );
    for ((name, _), got) in toks.iter().zip(got_all) {
        let ids_json = tmp.path().join(format!("{name}.ids.json"));
        let want: Vec<Vec<u32>> =
            serde_json::from_slice(&std::fs::read(&ids_json).unwrap()).unwrap();
        assert_eq!(want.len(), all.len());
        let mut tokens = 0;
        for ((t, want), got) in all.iter().zip(&want).zip(&got) {
            if got != want {
                let i = got
                    .iter()
                    .zip(want)
                    .position(|(a, b)| a != b)
                    .unwrap_or(got.len().min(want.len()));
                panic!(
                    "{name}: ids differ at token {i}: fast {:?} tokenizers {:?} on {:?}",
                    &got[i..(i + 6).min(got.len())],
                    &want[i..(i + 6).min(want.len())],
                    t.chars().take(120).collect::<String>()
                );
            }
            tokens += got.len();
        }
        assert!(tokens > 400_000, "{name}: compared {tokens} tokens");
    }
}
