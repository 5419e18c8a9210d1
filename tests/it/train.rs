//! `train lm` on real `mix build` outputs: evaluation table and metrics, learning, exact resume,
//! gradient accumulation, finetuning the real teacher, checkpoints transformers can read.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::backend::teacher;
use crate::util::{fails, mix_build, ok, python, run_python, sluice, tree_digest};

/// `mix build` of the sample corpora (Rust sources + SOTU, GPT-2 tokenizer, 32-token rows).
fn data(dir: &Path) {
    mix(dir, None);
}

fn mix(dir: &Path, tokenizer: Option<&Path>) {
    let s = crate::util::samples();
    let mut c = mix_build(&s.join("target/rust"), Some(&s.join("pretrain")), dir);
    c.args(["--seq-len", "32", "--val-frac", "0.05", "--inject", "0.1"]);
    if let Some(t) = tokenizer {
        c.arg("--tokenizer").arg(t);
    }
    ok(&mut c);
}

fn train(data: &Path, out: &Path, steps: u32) -> Command {
    train_with(data, out, steps, 4)
}

fn train_with(data: &Path, out: &Path, steps: u32, batch: usize) -> Command {
    let mut c = sluice();
    c.args(["--quiet", "train", "lm", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out);
    c.args([
        "--steps",
        &steps.to_string(),
        "--batch-size",
        &batch.to_string(),
    ]);
    c.args(["--warmup", "2", "--lr", "3e-3"]);
    c.args([
        "--eval-every",
        "4",
        "--eval-sequences",
        "8",
        "--checkpoint-every",
        "4",
    ]);
    c
}

fn metrics(out: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join("metrics.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn trains_from_scratch_with_an_evaluation_table_and_metrics() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("mix");
    data(&d);
    let out = tmp.path().join("run");
    let o = ok(&mut train(&d, &out, 12));
    let table = String::from_utf8_lossy(&o.stdout).to_string();
    let header = table.lines().next().unwrap();
    let cols: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(
        cols,
        [
            "step",
            "tokens",
            "lr",
            "train",
            "val_target",
            "val_pretrain"
        ],
        "{table}"
    );
    let m = metrics(&out);
    let steps: Vec<u64> = m.iter().map(|r| r["step"].as_u64().unwrap()).collect();
    assert_eq!(
        steps,
        [0, 4, 8, 12],
        "evaluation before the first step, every 4, at the end"
    );
    assert_eq!(table.lines().count(), 5, "{table}");
    assert!(m[0]["train_loss"].is_null());
    let vt: Vec<f64> = m
        .iter()
        .map(|r| r["val_target"].as_f64().unwrap())
        .collect();
    let vp: Vec<f64> = m
        .iter()
        .map(|r| r["val_pretrain"].as_f64().unwrap())
        .collect();
    // From scratch the first loss is about ln(vocab) = ln(50257) = 10.8 nats.
    assert!((vt[0] - 50257f64.ln()).abs() < 0.3, "{vt:?}");
    // (seen: val_target 10.77 -> 9.72, val_pretrain 10.84 -> 10.23 in 12 steps of 128 tokens)
    assert!(vt[3] < vt[0] - 0.7 && vp[3] < vp[0] - 0.3, "{vt:?} {vp:?}");
    // tokens = steps * batch * seq_len; lr follows warmup + cosine (peak 3e-3 at step 2).
    assert_eq!(m[3]["tokens_seen"], 12 * 4 * 32);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["backend"], "cpu");
    assert_eq!(manifest["evals"].as_array().unwrap().len(), 4);
    assert!(
        !out.join("checkpoints").exists(),
        "checkpoints removed once the run finished"
    );
    // A rerun is up to date and changes nothing.
    let before = tree_digest(&out);
    let o = ok(&mut train(&d, &out, 12));
    assert!(String::from_utf8_lossy(&o.stdout).contains("up to date"));
    assert_eq!(tree_digest(&out), before);
}

#[test]
fn a_killed_run_resumes_to_identical_weights_and_metrics() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("mix");
    data(&d);
    let full = tmp.path().join("full");
    ok(&mut train(&d, &full, 12));
    let want = tree_digest(&full);

    let out = tmp.path().join("killed");
    let mut child = train(&d, &out, 12).spawn().unwrap();
    let ckpt = out.join("checkpoints/step-00000004/state.json");
    let t0 = Instant::now();
    while !ckpt.exists() && t0.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        ckpt.exists() && !out.join("manifest.json").exists(),
        "killed mid-run"
    );
    let o = ok(&mut train(&d, &out, 12));
    assert!(String::from_utf8_lossy(&o.stderr).contains("resumed from the checkpoint at step"));
    let mut got = tree_digest(&out);
    let mut want = want.clone();
    // The manifest differs only in its measured throughput.
    got.remove("manifest.json");
    want.remove("manifest.json");
    assert_eq!(got, want, "resumed run == uninterrupted run, byte for byte");
}

#[test]
fn gradient_accumulation_matches_the_larger_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("mix");
    data(&d);
    let one = tmp.path().join("b4");
    ok(&mut train(&d, &one, 4));
    let two = tmp.path().join("b2x2");
    let mut c = train_with(&d, &two, 4, 2);
    c.args(["--grad-accum", "2"]);
    ok(&mut c);
    let (a, b) = (metrics(&one), metrics(&two));
    for (x, y) in a.iter().zip(&b) {
        for k in ["train_loss", "val_target", "val_pretrain"] {
            if let (Some(x), Some(y)) = (x[k].as_f64(), y[k].as_f64()) {
                assert!((x - y).abs() < 1e-4, "{k}: {x} vs {y}");
            }
        }
    }
}

#[test]
fn finetunes_the_teacher_and_writes_weights_transformers_loads() {
    let model = teacher();
    let py = python("transformers, torch");
    let tmp = tempfile::tempdir().unwrap();
    let tok = crate::backend::teacher_tokenizer(tmp.path());
    // Data tokenized with the teacher's own tokenizer (49152 ids).
    let d = tmp.path().join("mix");
    mix(&d, Some(&tok));
    let out = tmp.path().join("ft");
    let mut c = sluice();
    c.args(["--quiet", "train", "lm", "--data"])
        .arg(&d)
        .arg("--init")
        .arg(&model);
    c.arg("--out")
        .arg(&out)
        .args(["--steps", "2", "--batch-size", "1", "--warmup", "1"]);
    c.args(["--lr", "1e-4", "--eval-every", "2", "--eval-sequences", "2"]);
    ok(&mut c);
    let m = metrics(&out);
    let vt0 = m[0]["val_target"].as_f64().unwrap();
    // A pretrained model starts far below ln(49152) = 10.8 nats (seen: 4.63 on Rust sources
    // in 32-token windows).
    assert!(vt0 < 6.0, "pretrained val_target {vt0}");
    // transformers reads the checkpoint (safetensors + config.json) and scores as sluice does.
    let ids = "1,504,3575,282,4649,314";
    let s: serde_json::Value = serde_json::from_slice(
        &ok(sluice()
            .args(["model", "score", "--json", "--ids", ids])
            .arg(out.join("model.safetensors")))
        .stdout,
    )
    .unwrap();
    let script = format!(
        "import torch, json\nfrom transformers import AutoModelForCausalLM\n\
         m = AutoModelForCausalLM.from_pretrained('{}', dtype=torch.float32)\n\
         ids = [{ids}]\n\
         with torch.no_grad(): lp = torch.log_softmax(m(torch.tensor([ids])).logits[0].double(), -1)\n\
         print(json.dumps([lp[t, ids[t + 1]].item() for t in range(len(ids) - 1)]))",
        out.display()
    );
    let got = run_python(&py, &["-c".as_ref(), script.as_ref()]);
    let line = got
        .lines()
        .rfind(|l| l.starts_with('['))
        .expect("logprobs line");
    let theirs: Vec<f64> = serde_json::from_str(line).unwrap();
    let ours: Vec<f64> = serde_json::from_value(s["logprobs"].clone()).unwrap();
    for (a, b) in ours.iter().zip(&theirs) {
        assert!((a - b).abs() < 1e-3, "{ours:?} vs {theirs:?}");
    }
}

#[test]
fn mismatched_data_and_bad_flags_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("mix");
    data(&d);
    // GPT-2-tokenized data (50257 ids) cannot feed SmolLM2 (49152 embeddings).
    let mut c = sluice();
    c.args(["train", "lm", "--data"])
        .arg(&d)
        .arg("--init")
        .arg(teacher());
    c.arg("--out").arg(tmp.path().join("x"));
    let e = fails(&mut c, 3);
    assert!(
        e.contains("vocab mismatch") && e.contains("50257") && e.contains("49152"),
        "{e}"
    );
    let e = fails(&mut train(tmp.path(), &tmp.path().join("y"), 2), 3);
    assert!(e.contains("not a finished `mix build` output"), "{e}");
    let mut c = train(&d, &tmp.path().join("z"), 2);
    c.args(["--grad-accum", "0"]);
    let e = fails(&mut c, 2);
    assert!(e.contains("--grad-accum"), "{e}");
}
