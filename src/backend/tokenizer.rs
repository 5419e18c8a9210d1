//! The tokenizer a GGUF file carries in its metadata, written out as a HuggingFace tokenizer.json
//! (byte-level BPE: `tokenizer.ggml.model = "gpt2"`), so `mix build` can tokenize for that model.

use serde_json::{Value as Json, json};

use super::gguf::{Gguf, Value};
use crate::error::Result;

/// llama.cpp token types.
const CONTROL: i64 = 3;
const USER_DEFINED: i64 = 4;

pub fn tokenizer_json(g: &Gguf) -> Result<Json> {
    let bad = |m: String| err!(input("GGUF file {}: {m}", g.path.display()));
    let model = g.get("tokenizer.ggml.model").and_then(Value::as_str);
    if model != Some("gpt2") {
        return Err(bad(format!(
            "tokenizer model {model:?} is not supported (byte-level BPE `gpt2` only)"
        )));
    }
    let strings = |key: &str| -> Result<Vec<String>> {
        let arr = g
            .get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| bad(format!("metadata `{key}` is missing")))?;
        arr.iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad(format!("`{key}` holds a non-string")))
            })
            .collect()
    };
    let tokens = strings("tokenizer.ggml.tokens")?;
    let merges = strings("tokenizer.ggml.merges")?;
    let types: Vec<i64> = match g.get("tokenizer.ggml.token_type").and_then(Value::as_array) {
        Some(a) => a
            .iter()
            .map(|v| match v {
                Value::Int(i) => *i,
                Value::Uint(u) => *u as i64,
                _ => 1,
            })
            .collect(),
        None => vec![1; tokens.len()],
    };
    // Digits split one by one before the GPT-2 regex: llama.cpp's `smollm`/`qwen2`-style pre-tokenizers.
    let pre = g
        .get("tokenizer.ggml.pre")
        .and_then(Value::as_str)
        .unwrap_or("default");
    let byte_level = json!({"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true});
    let pre_tokenizer = match pre {
        "default" | "gpt2" | "gpt-2" => byte_level,
        "smollm" => json!({"type": "Sequence", "pretokenizers": [
            {"type": "Digits", "individual_digits": true}, byte_level]}),
        other => {
            return Err(bad(format!(
                "pre-tokenizer `{other}` is not supported (gpt2, smollm)"
            )));
        }
    };
    let mut vocab = serde_json::Map::new();
    let mut added = Vec::new();
    for (id, tok) in tokens.iter().enumerate() {
        vocab.insert(tok.clone(), json!(id));
        let ty = types.get(id).copied().unwrap_or(1);
        if ty == CONTROL || ty == USER_DEFINED {
            added.push(
                json!({"id": id, "content": tok, "single_word": false, "lstrip": false,
                "rstrip": false, "normalized": false, "special": ty == CONTROL}),
            );
        }
    }
    Ok(json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": added,
        "normalizer": null,
        "pre_tokenizer": pre_tokenizer,
        "post_processor": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
        "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
        "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
            "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
            "vocab": vocab, "merges": merges},
    }))
}
