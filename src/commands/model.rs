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
        ModelCommand::Bench(a) => bench(a),
    }
}

/// Model FLOPs per token (forward): 2 per weight multiply-add over every matmul incl. the LM head,
/// plus the attention scores and weighted sum (4 * layers * context * hidden, causal half counted).
fn forward_flops_per_token(c: &backend::LlamaConfig, seq: usize) -> f64 {
    let d = c.hidden_size as f64;
    let kv = (c.num_key_value_heads * c.head_dim()) as f64;
    let f = c.intermediate_size as f64;
    let per_layer = 2.0 * (2.0 * d * d + 2.0 * d * kv + 3.0 * d * f);
    let attn = 4.0 * d * seq as f64 / 2.0;
    c.num_hidden_layers as f64 * (per_layer + attn) + 2.0 * d * c.vocab_size as f64
}

fn bench(a: crate::cli::model::BenchArgs) -> Result<()> {
    let mut l = weights::load(&a.model)?;
    let cfg = l.config.clone();
    let mut b = backend::open(
        a.backend.target(a.device.as_deref())?,
        &cfg,
        &mut l.weights,
        &OptimConfig::default(),
    )?;
    drop(l);
    let rng = crate::core::rng::KeyedRng::new(0, 0, "bench-tokens");
    let n = a.batch_size * a.seq_len;
    let batch = TokenBatch {
        tokens: (0..n as u64)
            .map(|i| (rng.at(i) % cfg.vocab_size as u64) as u32)
            .collect(),
        batch: a.batch_size,
        len: a.seq_len,
        doc_starts: vec![vec![0]; a.batch_size],
    };
    let time = |f: &mut dyn FnMut() -> Result<()>| -> Result<f64> {
        f()?; // warm-up: allocation, kernel compilation and autotuning on GPUs
        let t = std::time::Instant::now();
        for _ in 0..a.reps {
            f()?;
        }
        Ok(t.elapsed().as_secs_f64() / a.reps as f64)
    };
    let fwd = time(&mut || b.eval_loss(&batch).map(|_| ()))?;
    let train = time(&mut || b.train_step(std::slice::from_ref(&batch), 1e-5).map(|_| ()))?;
    let flops = forward_flops_per_token(&cfg, a.seq_len);
    let (fwd_tps, train_tps) = (n as f64 / fwd, n as f64 / train);
    let report = json!({
        "backend": b.name(), "device": b.capabilities().device, "parameters": cfg.parameters(),
        "attention": b.capabilities().attention,
        "batch_size": a.batch_size, "seq_len": a.seq_len, "reps": a.reps,
        "forward_tokens_per_s": fwd_tps, "train_tokens_per_s": train_tps,
        "forward_tflops": fwd_tps * flops / 1e12, "train_tflops": train_tps * 3.0 * flops / 1e12,
    });
    if a.json {
        println!("{report}");
    } else {
        println!(
            "{} on {}: forward {fwd_tps:.0} tokens/s ({:.3} TFLOP/s), train step {train_tps:.0} tokens/s ({:.3} TFLOP/s); batch {} x {} tokens",
            a.model.display(),
            b.capabilities().device,
            fwd_tps * flops / 1e12,
            train_tps * 3.0 * flops / 1e12,
            a.batch_size,
            a.seq_len
        );
    }
    Ok(())
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
                    .map_err(|e| err!(input("tokenizer {}: {e}", p.display())))?,
                (None, Some(g)) => {
                    let j = backend::tokenizer::tokenizer_json(g)?;
                    tokenizers::Tokenizer::from_bytes(serde_json::to_vec(&j).expect("json"))
                        .map_err(|e| err!(input("tokenizer in {}: {e}", a.model.display())))?
                }
                (None, None) => {
                    return Err(Error::config(
                        "--text needs --tokenizer for a safetensors model",
                    ));
                }
            };
            tok.encode(text.as_str(), false)
                .map_err(|e| err!(input("tokenizing --text: {e}")))?
                .get_ids()
                .to_vec()
        }
        (None, None) => return Err(Error::config("give --text or --ids")),
    };
    if ids.len() < 2 {
        return Err(Error::config("need at least 2 tokens to score"));
    }
    let b = backend::open(
        a.backend.target(a.device.as_deref())?,
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
