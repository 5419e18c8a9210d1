//! `sluice fisher` and `train lm --ewc`: the Fisher equal to PyTorch's per-sequence squared
//! gradients (transformers reading the same weights), EWC holding a finetune near its start,
//! lambda 0 equal to a plain run bit for bit, and the refusals.
#![cfg(feature = "torch")]

use std::path::Path;
use std::process::Command;

use crate::util::{fails, manifest, mix_build, ok, python, run_python, samples, sluice};

fn train(data: &Path, out: &Path, steps: u32) -> Command {
    let mut c = sluice();
    c.args(["-q", "train", "lm", "--backend", "torch", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out);
    c.args([
        "--steps",
        &steps.to_string(),
        "--batch-size",
        "4",
        "--warmup",
        "1",
    ]);
    c.args([
        "--lr",
        "3e-3",
        "--eval-every",
        "100",
        "--eval-sequences",
        "4",
    ]);
    c
}

fn sha(p: &Path) -> String {
    sluice::core::fingerprint::sha256_file(p).unwrap()
}

#[test]
fn fisher_matches_pytorch_and_ewc_holds_a_finetune_near_its_start() {
    let py = python("transformers, torch, pyarrow, safetensors");
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let s = samples();
    // Pretraining text alone (what must not be forgotten; its held-out documents are the ones
    // the finetuning mix holds out, chosen by content), and a finetuning mix of Rust sources.
    let pt = t.join("pt");
    ok(
        mix_build(&s.join("pretrain"), Some(&s.join("pretrain")), &pt).args([
            "--seq-len",
            "32",
            "--inject",
            "0",
        ]),
    );
    let ft = t.join("ft");
    ok(
        mix_build(&s.join("target/rust/iter"), Some(&s.join("pretrain")), &ft).args([
            "--seq-len",
            "32",
            "--inject",
            "0",
        ]),
    );
    let base = t.join("base");
    ok(train(&pt, &base, 6).args(["--arch", "tiny"]));
    let model = base.join("model.safetensors");

    let fisher = t.join("fisher");
    ok(sluice()
        .args(["-q", "fisher", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&pt)
        .args(["--sequences", "6", "--out"])
        .arg(&fisher));
    let m = manifest(&fisher);
    assert_eq!(m["command"], "fisher");
    assert_eq!(m["sequences"], 6);
    assert_eq!(m["model_sha256"], sha(&model));
    // PyTorch: per sequence, the gradient of its mean next-token loss, squared, averaged.
    let script = format!(
        r#"
import glob, json, torch, pyarrow.parquet as pq
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM
m = AutoModelForCausalLM.from_pretrained('{base}', dtype=torch.float32)
rows = pq.read_table(sorted(glob.glob('{pt}/train/*.parquet'))[0]).slice(0, 6).to_pylist()
assert all(set(r['doc_starts']) <= {{0}} for r in rows), 'a row holds two documents'
acc = {{n: torch.zeros_like(p) for n, p in m.named_parameters()}}
for r in rows:
    m.zero_grad()
    ids = torch.tensor([r['input_ids']], dtype=torch.long)
    m(ids, labels=ids).loss.backward()
    for n, p in m.named_parameters():
        acc[n] += p.grad ** 2
ours = load_file('{fisher}/fisher.safetensors')
worst = 0.0
for n, a in acc.items():
    a = a / len(rows)
    o = ours[n]
    worst = max(worst, ((o - a).abs().max() / a.abs().max().clamp_min(1e-30)).item())
missing = set(acc) ^ set(ours)
print(json.dumps({{'worst': worst, 'tensors': len(ours), 'missing': sorted(missing)}}))
"#,
        base = base.display(),
        pt = pt.display(),
        fisher = fisher.display()
    );
    let out = run_python(&py, &["-c".as_ref(), script.as_ref()]);
    let line = out.lines().rfind(|l| l.starts_with('{')).unwrap();
    let r: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(r["missing"], serde_json::json!([]), "{out}");
    assert!(r["worst"].as_f64().unwrap() < 1e-3, "{out}");

    // Finetune from the base: plain, EWC with lambda 0 (the same bits), EWC with a strong lambda.
    let run = |name: &str, ewc: Option<&str>| {
        let out = t.join(name);
        let mut c = train(&ft, &out, 6);
        c.arg("--init").arg(&model);
        if let Some(l) = ewc {
            c.arg("--ewc").arg(&fisher).args(["--ewc-lambda", l]);
        }
        ok(&mut c);
        out
    };
    let plain = run("plain", None);
    let zero = run("ewc0", Some("0"));
    let strong = run("ewc", Some("1e6"));
    assert_eq!(
        sha(&plain.join("model.safetensors")),
        sha(&zero.join("model.safetensors"))
    );
    // The Fisher-weighted distance from the start: EWC's own measure of drift.
    let script = format!(
        r#"
import json
from safetensors.torch import load_file
f, w0 = load_file('{fisher}/fisher.safetensors'), load_file('{model}')
def drift(p):
    w = load_file(p)
    return sum((f[n] * (w[n] - w0[n]) ** 2).sum().item() for n in f)
print(json.dumps([drift('{plain}/model.safetensors'), drift('{strong}/model.safetensors')]))
"#,
        fisher = fisher.display(),
        model = model.display(),
        plain = plain.display(),
        strong = strong.display()
    );
    let out = run_python(&py, &["-c".as_ref(), script.as_ref()]);
    let d: Vec<f64> =
        serde_json::from_str(out.lines().rfind(|l| l.starts_with('[')).unwrap()).unwrap();
    assert!(
        d[1] < 0.5 * d[0],
        "Fisher-weighted drift: plain {}, EWC {}",
        d[0],
        d[1]
    );
    // A run with EWC is another configuration than the plain one on the same --out.
    let e = fails(
        train(&ft, &plain, 6)
            .arg("--init")
            .arg(&model)
            .arg("--ewc")
            .arg(&fisher)
            .args(["--ewc-lambda", "1"]),
        2,
    );
    assert!(e.contains("another configuration"), "{e}");

    // Refusals: the Fisher of another model; --ewc without --init; lambda without --ewc.
    let e = fails(
        train(&ft, &t.join("x1"), 2)
            .arg("--init")
            .arg(plain.join("model.safetensors"))
            .arg("--ewc")
            .arg(&fisher)
            .args(["--ewc-lambda", "1"]),
        3,
    );
    assert!(e.contains("is the Fisher of another model"), "{e}");
    let e = fails(
        train(&ft, &t.join("x2"), 2)
            .arg("--ewc")
            .arg(&fisher)
            .args(["--ewc-lambda", "1"]),
        2,
    );
    assert!(e.contains("--ewc needs --init"), "{e}");
    let e = fails(train(&ft, &t.join("x3"), 2).args(["--ewc-lambda", "1"]), 2);
    assert!(e.contains("--ewc-lambda needs --ewc"), "{e}");
    assert!(!t.join("x1").join("manifest.json").exists());
}

/// `train ssl` on the shipped Fashion-MNIST slice, small: `extra` flags follow the defaults.
fn ssl(out: &Path, steps: u32, extra: &[&str]) -> Command {
    let mut c = sluice();
    c.args(["-q", "train", "ssl", "--data"])
        .arg(samples().join("fashion-mnist"))
        .arg("--out")
        .arg(out)
        .args(["--steps", &steps.to_string()]);
    c.args(["--width", "0.125", "--batch-size", "16", "--warmup", "1"]);
    c.args(["--proj-hidden", "64", "--eval-frac", "0.5", "--knn-k", "5"]);
    c.args(extra);
    c
}

#[test]
fn ssl_fisher_is_the_scaled_batch_gradient_and_ewc_holds_the_encoder_near_its_start() {
    let py = python("torch, safetensors");
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let base = t.join("base");
    ok(&mut ssl(&base, 4, &[]));
    assert!(base.join("heads.safetensors").exists());

    // One batch: the Fisher is 16 x (gradient)^2, and one SGD step at lr 1 from the same start on
    // the same batch (epoch 0, batch 0 of the run's stream) moves the encoder by exactly -gradient.
    let one_batch = t.join("fisher1");
    ok(sluice()
        .args(["-q", "fisher", "--model"])
        .arg(&base)
        .arg("--data")
        .arg(samples().join("fashion-mnist"))
        .args(["--samples", "16", "--out"])
        .arg(&one_batch));
    let m = manifest(&one_batch);
    assert_eq!(m["sequences"], 16);
    assert_eq!(m["model_sha256"], manifest(&base)["encoder_sha256"]);
    assert!(m.get("tokens").is_none());
    let step = t.join("step");
    let init = base.join("encoder.safetensors"); // a pipeline's reference names the file
    ok(ssl(
        &step,
        1,
        &["--optimizer", "sgd", "--weight-decay", "0", "--lr", "1"],
    )
    .arg("--init")
    .arg(&init));
    assert_eq!(manifest(&step)["heads_from_init"], true);
    // The whole estimate: 4 batches (the slice's 100 training images hold 6).
    let fisher = t.join("fisher");
    ok(sluice()
        .args(["-q", "fisher", "--model"])
        .arg(&base)
        .arg("--data")
        .arg(samples().join("fashion-mnist"))
        .args(["--samples", "64", "--out"])
        .arg(&fisher));
    assert_eq!(manifest(&fisher)["sequences"], 64);

    // Evaluation only: --steps 0 scores the --init encoder as the run that wrote it did.
    let eval = t.join("eval");
    ok(ssl(&eval, 0, &[]).arg("--init").arg(&base));
    let (last, first) = (
        manifest(&base)["evals"].as_array().unwrap().last().cloned(),
        manifest(&eval)["evals"][0].clone(),
    );
    let last = last.unwrap();
    assert_eq!(first["knn_top1"], last["knn_top1"]);
    assert_eq!(first["linear_top1"], last["linear_top1"]);

    let run = |name: &str, ewc: Option<&str>| {
        let out = t.join(name);
        let mut c = ssl(&out, 6, &[]);
        c.arg("--init").arg(&base);
        if let Some(l) = ewc {
            c.arg("--ewc").arg(&fisher).args(["--ewc-lambda", l]);
        }
        ok(&mut c);
        out
    };
    let plain = run("plain", None);
    let zero = run("ewc0", Some("0"));
    let strong = run("ewc", Some("100"));
    assert_eq!(
        sha(&plain.join("encoder.safetensors")),
        sha(&zero.join("encoder.safetensors"))
    );
    let script = format!(
        r#"
import json
from safetensors.torch import load_file
w0, w1, f1 = (load_file(f'{{d}}') for d in ['{base}/encoder.safetensors', '{step}/encoder.safetensors', '{one}/fisher.safetensors'])
worst = max((((f1[n] - 16 * (w0[n] - w1[n]) ** 2).abs().max() / f1[n].abs().max().clamp_min(1e-30)).item() for n in f1))
trainable = [n for n in w0 if not n.endswith(('running_mean', 'running_var', 'num_batches_tracked'))]
f = load_file('{fisher}/fisher.safetensors')
def drift(p):
    w = load_file(p)
    return sum((f[n] * (w[n] - w0[n]) ** 2).sum().item() for n in f)
print(json.dumps({{'worst': worst, 'missing': sorted(set(trainable) ^ set(f1)),
    'drift': [drift('{plain}/encoder.safetensors'), drift('{strong}/encoder.safetensors')]}}))
"#,
        base = base.display(),
        step = step.display(),
        one = one_batch.display(),
        fisher = fisher.display(),
        plain = plain.display(),
        strong = strong.display()
    );
    let out = run_python(&py, &["-c".as_ref(), script.as_ref()]);
    let r: serde_json::Value =
        serde_json::from_str(out.lines().rfind(|l| l.starts_with('{')).unwrap()).unwrap();
    assert_eq!(r["missing"], serde_json::json!([]), "{out}");
    assert!(r["worst"].as_f64().unwrap() < 1e-4, "{out}");
    let d: Vec<f64> = serde_json::from_value(r["drift"].clone()).unwrap();
    assert!(
        d[1] < 0.5 * d[0],
        "Fisher-weighted drift: plain {}, EWC {}",
        d[0],
        d[1]
    );

    // Refusals: the Fisher of another model; --ewc without --init; --steps 0 without it; another
    // encoder; a directory that is not a train ssl output.
    let e = fails(
        ssl(&t.join("x1"), 2, &["--ewc-lambda", "1"])
            .arg("--init")
            .arg(&plain)
            .arg("--ewc")
            .arg(&fisher),
        3,
    );
    assert!(e.contains("is the Fisher of another model"), "{e}");
    let e = fails(
        ssl(&t.join("x2"), 2, &["--ewc-lambda", "1"])
            .arg("--ewc")
            .arg(&fisher),
        2,
    );
    assert!(e.contains("--ewc needs --init"), "{e}");
    let e = fails(&mut ssl(&t.join("x3"), 0, &[]), 2);
    assert!(e.contains("0 only evaluates an --init encoder"), "{e}");
    let e = fails(
        ssl(&t.join("x4"), 2, &["--encoder", "vit-tiny"])
            .arg("--init")
            .arg(&base),
        2,
    );
    assert!(e.contains("trained Resnet18 at --width 0.125"), "{e}");
    let e = fails(ssl(&t.join("x5"), 2, &[]).arg("--init").arg(&fisher), 3);
    assert!(
        e.contains("holds a `fisher` output, not a `train ssl` one"),
        "{e}"
    );
    assert!(!t.join("x1").join("manifest.json").exists());
}
