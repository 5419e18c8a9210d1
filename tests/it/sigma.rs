//! σReparam (`--sigma-reparam`) and the attention entropy both trainers log: the reparametrised
//! model computes what it did (from `--init`) or starts at spectral norm 1 (from scratch), resumes
//! bit for bit, exports the weights it computes with (transformers scores them as the run did),
//! and the entropy equals the one transformers' own attention probabilities give.
#![cfg(feature = "torch")]

use std::path::Path;
use std::process::Command;

use sluice::backend::{self, BackendKind, OptimConfig};

use crate::backend::{batch, open, tiny};

use crate::util::{fails, manifest, ok, python, run_python, samples, sluice};

/// The largest singular value of a row-major `[rows, cols]` matrix, by 500 power iterations in
/// f64 (independent of libtorch's SVD that σReparam starts from).
fn spectral_norm(m: &[f32], cols: usize) -> f64 {
    let rows = m.len() / cols;
    let mut u = vec![1.0f64; cols];
    let mut s = 0.0;
    for _ in 0..500 {
        let v: Vec<f64> = (0..rows)
            .map(|r| (0..cols).map(|c| m[r * cols + c] as f64 * u[c]).sum())
            .collect();
        let w: Vec<f64> = (0..cols)
            .map(|c| (0..rows).map(|r| m[r * cols + c] as f64 * v[r]).sum())
            .collect();
        let n = w.iter().map(|x| x * x).sum::<f64>().sqrt();
        s = n.sqrt();
        u = w.iter().map(|x| x / n).collect();
    }
    s
}

#[test]
fn sigma_reparam_keeps_function_normalises_and_resumes_bit_for_bit() {
    let cfg = tiny(97);
    let doc_a: Vec<u32> = (0..9).map(|i| (i * 7 + 3) % 97).collect();
    let doc_b: Vec<u32> = (0..7).map(|i| (i * 11 + 5) % 97).collect();
    let packed = batch(&[[doc_a.clone(), doc_b.clone()].concat()], &[vec![0, 9]]);

    // From --init: gamma = sigma(W), so the model computes exactly what it did.
    let mut b = open(BackendKind::Torch, &cfg, 7);
    let before = b.forward_logits(&packed).unwrap().values;
    let w0 = b.weights();
    b.set_sigma_reparam(false).unwrap();
    assert_eq!(b.forward_logits(&packed).unwrap().values, before);
    let w1 = b.weights();
    for name in w0.names() {
        assert_eq!(w1.get(name).unwrap().1, w0.get(name).unwrap().1, "{name}");
    }

    // From scratch: gamma = 1, every block matrix at spectral norm 1 (the embeddings untouched).
    let mut s = open(BackendKind::Torch, &cfg, 7);
    s.set_sigma_reparam(true).unwrap();
    let w = s.weights();
    for name in ["self_attn.q_proj", "self_attn.k_proj", "mlp.down_proj"] {
        let n = format!("model.layers.1.{name}.weight");
        let (shape, data) = w.get(&n).unwrap();
        let sigma = spectral_norm(data, shape[1]);
        assert!((sigma - 1.0).abs() < 1e-3, "{n}: spectral norm {sigma}");
        let raw = w0.get(&n).unwrap();
        assert!((spectral_norm(raw.1, shape[1]) - 1.0).abs() > 0.05, "{n}");
    }
    assert_eq!(
        w.get("model.embed_tokens.weight").unwrap().1,
        w0.get("model.embed_tokens.weight").unwrap().1
    );

    // Attention entropy: per layer and head, in [0, ln 16]; a packed row's is the position-
    // weighted mean of its documents' alone (the document mask, and RoPE is relative).
    let e = s
        .attention_entropy(&packed)
        .unwrap()
        .expect("torch measures it");
    assert_eq!((e.len(), e[0].len()), (2, 4));
    assert!(e.iter().flatten().all(|&h| (0.0..=16f64.ln()).contains(&h)));
    let ea = s
        .attention_entropy(&batch(std::slice::from_ref(&doc_a), &[vec![0]]))
        .unwrap()
        .unwrap();
    let eb = s
        .attention_entropy(&batch(std::slice::from_ref(&doc_b), &[vec![0]]))
        .unwrap()
        .unwrap();
    for l in 0..2 {
        for h in 0..4 {
            let want = (9.0 * ea[l][h] + 7.0 * eb[l][h]) / 16.0;
            assert!((e[l][h] - want).abs() < 1e-5, "layer {l} head {h}");
        }
    }

    // Resume: 3 steps, checkpoint, a new backend from it, 3 more, against 6 uninterrupted.
    let micro = [packed.clone()];
    let tmp = tempfile::tempdir().unwrap();
    let (mut whole, mut first) = (
        open(BackendKind::Torch, &cfg, 11),
        open(BackendKind::Torch, &cfg, 11),
    );
    whole.set_sigma_reparam(true).unwrap();
    first.set_sigma_reparam(true).unwrap();
    for _ in 0..3 {
        whole.train_step(&micro, 1e-2).unwrap();
        first.train_step(&micro, 1e-2).unwrap();
    }
    first.save_optimizer(tmp.path()).unwrap();
    let mut w = first.weights();
    drop(first);
    let mut resumed =
        backend::open(BackendKind::Torch, &cfg, &mut w, &OptimConfig::default()).unwrap();
    resumed.set_sigma_reparam(true).unwrap();
    resumed.load_optimizer(tmp.path()).unwrap();
    for _ in 0..3 {
        let a = whole.train_step(&micro, 1e-2).unwrap();
        let b = resumed.train_step(&micro, 1e-2).unwrap();
        assert_eq!(a.nll.to_bits(), b.nll.to_bits(), "resumed loss");
    }
    assert_eq!(
        whole.forward_logits(&packed).unwrap().values,
        resumed.forward_logits(&packed).unwrap().values
    );

    // burn has neither.
    let mut burn = open(BackendKind::Cpu, &cfg, 7);
    let e = burn.set_sigma_reparam(true).unwrap_err().to_string();
    assert!(e.contains("does not support sigma reparam"), "{e}");
    assert!(burn.attention_entropy(&packed).unwrap().is_none());
}

fn train(data: &Path, out: &Path) -> Command {
    let mut c = sluice();
    c.args(["-q", "train", "lm", "--data"]).arg(data);
    c.arg("--out").arg(out);
    c.args(["--arch", "tiny", "--steps", "3", "--batch-size", "4"]);
    c.args(["--warmup", "1", "--lr", "1e-2", "--eval-every", "1"]);
    c.args(["--eval-sequences", "4"]);
    c
}

#[test]
fn train_lm_sigma_reparam_exports_what_it_computes_and_logs_entropy() {
    let py = python("transformers, torch, pyarrow");
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let s = samples();
    let data = t.join("mix");
    ok(crate::util::mix_build(
        &s.join("target/rust/iter"),
        Some(&s.join("pretrain")),
        &data,
    )
    .args(["--seq-len", "32", "--val-frac", "0.2", "--inject", "0.1"]));
    let run = t.join("sr");
    ok(train(&data, &run).args(["--backend", "torch", "--sigma-reparam"]));
    let m = manifest(&run);
    assert_eq!(m["config"]["sigma_reparam"], true);
    let evals = m["evals"].as_array().unwrap();
    assert_eq!(evals.len(), 4);
    for e in evals {
        let per = e["attn_entropy"].as_array().unwrap();
        assert_eq!(per.len(), 2, "{e}");
        let min = e["attn_entropy_min"].as_f64().unwrap();
        let mean = e["attn_entropy_mean"].as_f64().unwrap();
        assert!(min <= mean && min >= 0.0 && mean <= 32f64.ln(), "{e}");
    }
    // transformers reads the exported weights: its loss on the evaluated val_target rows and its
    // eager attention's entropy over the first batch are the run's last evaluation. Each
    // document is run alone (what sluice's document mask computes; RoPE is relative).
    let script = format!(
        r#"
import glob, json, torch, pyarrow.parquet as pq
from transformers import AutoModelForCausalLM
m = AutoModelForCausalLM.from_pretrained('{run}', dtype=torch.float32, attn_implementation='eager')
rows = pq.read_table(sorted(glob.glob('{data}/val_target/*.parquet'))[0]).slice(0, 4).to_pylist()
nll, n = 0.0, 0
ent = torch.zeros(2, 4, dtype=torch.float64)
positions = 0
for r in rows:
    ids = r['input_ids']
    starts = sorted(set([0] + list(r['doc_starts']))) + [len(ids)]
    for a, b in zip(starts, starts[1:]):
        doc = torch.tensor([ids[a:b]], dtype=torch.long)
        with torch.no_grad():
            out = m(doc, output_attentions=True)
        logp = out.logits[0, :-1].log_softmax(-1)
        nll -= logp.gather(1, doc[0, 1:, None]).sum().item()
        n += b - a - 1
        for l, p in enumerate(out.attentions):
            ent[l] -= torch.special.xlogy(p[0], p[0]).sum(-1).sum(-1).double()
    positions += len(ids)
print(json.dumps({{'loss': nll / n, 'entropy': (ent / positions).tolist()}}))
"#,
        run = run.display(),
        data = data.display()
    );
    let out = run_python(&py, &["-c".as_ref(), script.as_ref()]);
    let r: serde_json::Value =
        serde_json::from_str(out.lines().rfind(|l| l.starts_with('{')).unwrap()).unwrap();
    let last = evals.last().unwrap();
    let (theirs, ours) = (
        r["loss"].as_f64().unwrap(),
        last["val_target"].as_f64().unwrap(),
    );
    assert!((theirs - ours).abs() < 1e-4, "loss: {theirs} vs {ours}");
    for l in 0..2 {
        for h in 0..4 {
            let a = r["entropy"][l][h].as_f64().unwrap();
            let b = last["attn_entropy"][l][h].as_f64().unwrap();
            assert!((a - b).abs() < 1e-4, "layer {l} head {h}: {a} vs {b}");
        }
    }

    // Without the option the same run is another configuration; burn cannot; EWC refuses it.
    let plain = t.join("plain");
    ok(train(&data, &plain).args(["--backend", "torch"]));
    assert!(manifest(&plain)["config"].get("sigma_reparam").is_none());
    assert_ne!(manifest(&plain)["fingerprint"], m["fingerprint"]);
    let e = fails(
        train(&data, &t.join("burn")).args(["--backend", "cpu", "--sigma-reparam"]),
        5,
    );
    assert!(e.contains("does not support sigma reparam"), "{e}");
    let e = fails(
        train(&data, &t.join("ewc")).args([
            "--backend",
            "torch",
            "--sigma-reparam",
            "--ewc",
            "x",
            "--ewc-lambda",
            "1",
            "--init",
            "y",
        ]),
        2,
    );
    assert!(e.contains("--sigma-reparam with --ewc"), "{e}");
}

#[test]
fn train_ssl_vit_sigma_reparam_logs_entropy_and_exports_unit_norm_blocks() {
    let py = python("torch, safetensors");
    let tmp = tempfile::tempdir().unwrap();
    let data = samples().join("fashion-mnist");
    let ssl = |out: &Path, extra: &[&str]| {
        let mut c = sluice();
        c.args(["-q", "train", "ssl", "--data"]).arg(&data);
        c.arg("--out").arg(out);
        c.args(["--steps", "2", "--batch-size", "8", "--size", "32"]);
        c.args(["--eval-every", "1", "--warmup", "0", "--lr", "1e-5"]);
        c.args(extra);
        c
    };
    let out = tmp.path().join("vit");
    ok(&mut ssl(
        &out,
        &[
            "--encoder",
            "vit-tiny",
            "--width",
            "0.25",
            "--sigma-reparam",
        ],
    ));
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(out.join("metrics.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    for r in &rows {
        let per = r["attn_entropy"].as_array().unwrap();
        assert_eq!(
            (per.len(), per[0].as_array().unwrap().len()),
            (12, 3),
            "{r}"
        );
        let (min, mean) = (
            r["attn_entropy_min"].as_f64().unwrap(),
            r["attn_entropy_mean"].as_f64().unwrap(),
        );
        // 64 patches and the class token: at most ln 65 nats.
        assert!(0.0 <= min && min <= mean && mean <= 65f64.ln(), "{r}");
    }
    // The exported blocks are the matrices computed with: spectral norm gamma, ~1 after two steps
    // at lr 1e-5; no σReparam state in the encoder file.
    let script = format!(
        r#"
import json, torch
from safetensors.torch import load_file
w = load_file('{enc}')
norms = [torch.linalg.matrix_norm(t.double(), ord=2).item() for n, t in w.items()
         if n.startswith('blocks.') and n.endswith('.weight') and t.dim() == 2]
print(json.dumps({{'norms': norms, 'sr': [n for n in w if 'sr_' in n]}}))
"#,
        enc = out.join("encoder.safetensors").display()
    );
    let o = run_python(&py, &["-c".as_ref(), script.as_ref()]);
    let r: serde_json::Value =
        serde_json::from_str(o.lines().rfind(|l| l.starts_with('{')).unwrap()).unwrap();
    let norms = r["norms"].as_array().unwrap();
    assert_eq!(norms.len(), 48, "{o}");
    assert!(
        norms
            .iter()
            .all(|n| (n.as_f64().unwrap() - 1.0).abs() < 1e-3),
        "{o}"
    );
    assert_eq!(r["sr"], serde_json::json!([]));
    // A ResNet has no attention to reparametrise.
    let e = fails(&mut ssl(&tmp.path().join("r"), &["--sigma-reparam"]), 2);
    assert!(e.contains("use --encoder vit-tiny"), "{e}");
}
