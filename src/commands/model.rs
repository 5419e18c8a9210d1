use std::io::Write;

use serde_json::json;

use crate::backend::{self, OptimConfig, TokenBatch, gguf::Gguf, weights};
use crate::cli::model::{ModelCommand, ScoreArgs};
use crate::core::atomic::{AtomicFile, write_atomic};
use crate::error::{Error, IoContext, Result};

pub fn run(cmd: ModelCommand) -> Result<()> {
    match cmd {
        ModelCommand::Info { model, json } => info(&model, json),
        ModelCommand::Tokenizer { model, out } => {
            let g = Gguf::open(&model)?;
            let t = backend::tokenizer::tokenizer_json(&g)?;
            write_atomic(&out, serde_json::to_string(&t).expect("json").as_bytes())?;
            eprintln!(
                "wrote {} ({} tokens)",
                out.display(),
                t["model"]["vocab"].as_object().map_or(0, |v| v.len())
            );
            Ok(())
        }
        ModelCommand::Score(a) => score(a),
    }
}

fn info(path: &std::path::Path, as_json: bool) -> Result<()> {
    let l = weights::load(path)?;
    let c = &l.config;
    let mut types = std::collections::BTreeMap::<String, usize>::new();
    if let Some(g) = &l.gguf {
        for t in &g.tensors {
            *types.entry(format!("{:?}", t.dtype)).or_default() += 1;
        }
    }
    let name = l
        .gguf
        .as_ref()
        .and_then(|g| g.get("general.name"))
        .and_then(|v| v.as_str())
        .unwrap_or("");
    if as_json {
        println!(
            "{}",
            json!({"name": name, "config": c, "parameters": c.parameters(), "tensor_types": types})
        );
    } else {
        println!("{} {name}", path.display());
        println!("  parameters  {}", super::thousands(c.parameters()));
        println!(
            "  layers {}  hidden {}  ffn {}  heads {} (kv {})  vocab {}  rope theta {}  tied {}",
            c.num_hidden_layers,
            c.hidden_size,
            c.intermediate_size,
            c.num_attention_heads,
            c.num_key_value_heads,
            c.vocab_size,
            c.rope_theta,
            c.tie_word_embeddings
        );
        if !types.is_empty() {
            println!("  tensor types {types:?}");
        }
    }
    Ok(())
}

fn score(a: ScoreArgs) -> Result<()> {
    let mut l = weights::load(&a.model)?;
    let ids: Vec<u32> = match (&a.ids, &a.text) {
        (Some(ids), _) => ids.clone(),
        (None, Some(text)) => {
            let tok = match (&a.tokenizer, &l.gguf) {
                (Some(p), _) => tokenizers::Tokenizer::from_file(p)
                    .map_err(|e| Error::input(format!("tokenizer {}: {e}", p.display())))?,
                (None, Some(g)) => {
                    let j = backend::tokenizer::tokenizer_json(g)?;
                    tokenizers::Tokenizer::from_bytes(serde_json::to_vec(&j).expect("json"))
                        .map_err(|e| {
                            Error::input(format!("tokenizer in {}: {e}", a.model.display()))
                        })?
                }
                (None, None) => {
                    return Err(Error::config(
                        "--text needs --tokenizer for a safetensors model",
                    ));
                }
            };
            tok.encode(text.as_str(), false)
                .map_err(|e| Error::input(format!("tokenizing --text: {e}")))?
                .get_ids()
                .to_vec()
        }
        (None, None) => return Err(Error::config("give --text or --ids")),
    };
    if ids.len() < 2 {
        return Err(Error::config("need at least 2 tokens to score"));
    }
    let b = backend::open(
        a.backend,
        &l.config.clone(),
        &mut l.weights,
        &OptimConfig::default(),
    )?;
    let vocab = b.config().vocab_size;
    let mut dump = a
        .dump_logits
        .as_ref()
        .map(|p| AtomicFile::create(p))
        .transpose()?;
    let mut logprobs = Vec::new();
    let mut last_top = Vec::new();
    for chunk in ids.chunks(a.window.max(2)) {
        let batch = TokenBatch {
            tokens: chunk.to_vec(),
            batch: 1,
            len: chunk.len(),
            doc_starts: vec![vec![0]],
        };
        let logits = b.forward_logits(&batch)?;
        for t in 0..chunk.len() {
            let row = logits.at(0, t);
            if let (Some(f), Some(p)) = (dump.as_mut(), a.dump_logits.as_ref()) {
                let bytes: Vec<u8> = row.iter().flat_map(|v| v.to_le_bytes()).collect();
                f.write_all(&bytes).at("write", p)?;
            }
            let (_, lp) = backend::log_softmax(row);
            if t + 1 < chunk.len() {
                logprobs.push(lp[chunk[t + 1] as usize]);
            } else {
                let mut idx: Vec<usize> = (0..vocab).collect();
                idx.sort_by(|&x, &y| lp[y].total_cmp(&lp[x]));
                last_top = idx[..5].iter().map(|&i| (i, lp[i].exp())).collect();
            }
        }
    }
    if let Some(f) = dump {
        f.commit()?;
    }
    let nll = -logprobs.iter().sum::<f64>() / logprobs.len() as f64;
    if a.json {
        println!(
            "{}",
            json!({"backend": b.name(), "tokens": ids.len(), "ids": ids, "scored": logprobs.len(),
                "logprobs": logprobs, "nll_mean": nll, "perplexity": nll.exp(), "next_top5": last_top})
        );
    } else {
        println!(
            "{} tokens, {} scored on {}: mean NLL {nll:.4} nats, perplexity {:.2}",
            ids.len(),
            logprobs.len(),
            b.capabilities().device,
            nll.exp()
        );
        println!("most likely next tokens: {last_top:?}");
    }
    Ok(())
}
