//! `logits cache` with the real teacher (SmolLM2-135M) on real text: layout read back by pyarrow,
//! fidelity against the live teacher, resume after SIGKILL, refusals, and distillation beating
//! plain cross-entropy.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::backend::teacher;
use crate::util::{fails, mix_build, ok, python, run_python, samples, sluice, tree_digest};

/// `mix build` of the samples with the teacher's own tokenizer (32-token rows).
fn smol_data(dir: &Path, seed: u64) -> PathBuf {
    let mut tok = dir.join("tokenizer.json");
    if !tok.exists() {
        std::fs::create_dir_all(dir).unwrap();
        tok = crate::backend::teacher_tokenizer(dir);
    }
    let out = dir.join(format!("mix-{seed}"));
    let s = samples();
    let mut c = mix_build(&s.join("target/rust"), Some(&s.join("pretrain")), &out);
    c.args([
        "--seq-len",
        "32",
        "--val-frac",
        "0.05",
        "--inject",
        "0.1",
        "--seed",
        &seed.to_string(),
    ]);
    c.arg("--tokenizer").arg(&tok);
    ok(&mut c);
    out
}

fn cache(data: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut c = sluice();
    c.args(["--quiet", "logits", "cache", "--data"])
        .arg(data)
        .arg("--teacher")
        .arg(teacher());
    c.arg("--out").arg(out).args(extra);
    c
}

fn inspect(cache: &Path) -> serde_json::Value {
    let o = ok(sluice()
        .args(["logits", "inspect", "--json", "--positions", "192"])
        .arg(cache)
        .arg("--teacher")
        .arg(teacher()));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn top_k_and_sampled_caches_are_compact_exact_and_readable() {
    let tmp = tempfile::tempdir().unwrap();
    let data = smol_data(tmp.path(), 0);
    let topk = tmp.path().join("top64");
    ok(&mut cache(
        &data,
        &topk,
        &["--limit", "12", "--k", "64", "--shard-rows", "8"],
    ));
    let r = inspect(&topk);
    eprintln!("top-64: {r}");
    assert_eq!(r["positions_checked"], 192);
    // Quantisation KL (goal <= 1e-3 nats; seen 9e-5) and an exact log Z.
    assert!(r["kl_quantisation"].as_f64().unwrap() < 1e-3, "{r}");
    assert!(r["max_abs_logz_error"].as_f64().unwrap() < 1e-4, "{r}");
    let mass = r["mean_mass_covered"].as_f64().unwrap();
    assert!((0.5..1.0).contains(&mass), "{r}");
    assert!(r["bytes_per_token"].as_f64().unwrap() < 260.0, "{r}");

    let sampled = tmp.path().join("n50");
    ok(&mut cache(
        &data,
        &sampled,
        &["--limit", "12", "--mode", "sample", "--draws", "50"],
    ));
    let s = inspect(&sampled);
    eprintln!("sampled N=50: {s}");
    // KL(decoded || teacher) of 50 draws is sampling noise (seen: 1.16 nats); finite and bounded.
    assert!(s["kl_full"].as_f64().unwrap() < 3.0, "{s}");
    assert!(s["bytes_per_token"].as_f64().unwrap() < r["bytes_per_token"].as_f64().unwrap() / 2.0);

    // pyarrow reads both layouts; every row obeys the documented encoding.
    let py = python("pyarrow, numpy");
    let script = crate::util::repo().join("tests/python/check_logits_cache.py");
    let golden = crate::util::repo().join("schemas/logits.json");
    let out = run_python(
        &py,
        &[
            script.as_os_str(),
            topk.as_os_str(),
            sampled.as_os_str(),
            golden.as_os_str(),
        ],
    );
    assert!(out.contains("logits cache OK"), "{out}");
}

#[test]
fn a_killed_cache_resumes_with_no_gap_and_no_duplicate() {
    let tmp = tempfile::tempdir().unwrap();
    let data = smol_data(tmp.path(), 0);
    let args = [
        "--limit",
        "16",
        "--k",
        "16",
        "--shard-rows",
        "4",
        "--splits",
        "train",
    ];
    let full = tmp.path().join("full");
    ok(&mut cache(&data, &full, &args));
    let out = tmp.path().join("killed");
    let mut child = cache(&data, &out, &args).spawn().unwrap();
    let first = out.join("train/part-00001.parquet");
    let t0 = Instant::now();
    while !first.exists() && t0.elapsed() < Duration::from_secs(300) {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        first.exists() && !out.join("manifest.json").exists(),
        "killed mid-run"
    );
    let o = ok(&mut cache(&data, &out, &args));
    assert!(String::from_utf8_lossy(&o.stdout).contains("kept from an earlier run"));
    let (mut a, mut b) = (tree_digest(&full), tree_digest(&out));
    // Only the manifest's timings differ.
    a.remove("manifest.json");
    b.remove("manifest.json");
    assert_eq!(a, b);
    // Every sequence once, in order.
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["sequences"], 16);
    ok(sluice()
        .args(["logits", "inspect"])
        .arg(&out)
        .arg("--data")
        .arg(&data));
}

#[test]
fn mismatches_corruption_and_bad_flags_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let data = smol_data(tmp.path(), 0);
    let c = tmp.path().join("c");
    ok(&mut cache(
        &data,
        &c,
        &["--limit", "4", "--k", "8", "--splits", "train"],
    ));
    // Same corpus, another shuffle: the first sequence differs.
    let other = smol_data(tmp.path(), 1);
    let e = fails(
        sluice()
            .args(["logits", "inspect"])
            .arg(&c)
            .arg("--data")
            .arg(&other),
        3,
    );
    assert!(
        e.contains("does not match the data") && e.contains("sequence 0"),
        "{e}"
    );
    let mut t = sluice();
    t.args(["train", "lm", "--data"])
        .arg(&other)
        .arg("--distill-from")
        .arg(&c);
    t.arg("--out").arg(tmp.path().join("t"));
    let e = fails(&mut t, 3);
    assert!(e.contains("does not match the data"), "{e}");
    // GPT-2-tokenized data with the SmolLM2 teacher.
    let gpt2 = tmp.path().join("gpt2");
    let s = samples();
    ok(mix_build(
        &s.join("target/rust/iter"),
        Some(&s.join("pretrain")),
        &gpt2,
    )
    .args(["--seq-len", "32", "--inject", "0.1"]));
    let e = fails(&mut cache(&gpt2, &tmp.path().join("g"), &[]), 3);
    assert!(
        e.contains("vocabulary of 49152") && e.contains("50257"),
        "{e}"
    );
    // A flipped byte in a shard.
    let shard = c.join("train/part-00000.parquet");
    let mut bytes = std::fs::read(&shard).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&shard, bytes).unwrap();
    let e = fails(
        sluice()
            .args(["logits", "inspect"])
            .arg(&c)
            .arg("--data")
            .arg(&data),
        3,
    );
    assert!(
        e.contains("part-00000.parquet") && e.contains("corrupt"),
        "{e}"
    );
    for bad in [["--k", "0"], ["--k", "5000"]] {
        let e = fails(&mut cache(&data, &tmp.path().join("x"), &bad), 2);
        assert!(e.contains("--k"), "{e}");
    }
    let e = fails(
        &mut cache(
            &data,
            &tmp.path().join("x"),
            &["--mode", "sample", "--draws", "0"],
        ),
        2,
    );
    assert!(e.contains("--draws"), "{e}");
}

#[test]
fn a_student_distilled_from_the_cache_beats_plain_cross_entropy() {
    let tmp = tempfile::tempdir().unwrap();
    let data = smol_data(tmp.path(), 0);
    let c = tmp.path().join("cache");
    ok(&mut cache(
        &data,
        &c,
        &["--limit", "192", "--k", "64", "--splits", "train"],
    ));
    let run = |name: &str, distill: bool| -> f64 {
        let out = tmp.path().join(name);
        let mut t = sluice();
        t.args(["--quiet", "train", "lm", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(&out);
        t.args([
            "--steps",
            "24",
            "--batch-size",
            "8",
            "--warmup",
            "2",
            "--lr",
            "3e-3",
        ]);
        t.args([
            "--eval-every",
            "24",
            "--eval-sequences",
            "32",
            "--checkpoint-every",
            "100",
        ]);
        if distill {
            t.arg("--distill-from").arg(&c);
        }
        ok(&mut t);
        let text = std::fs::read_to_string(out.join("metrics.jsonl")).unwrap();
        let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
        eprintln!("{name}: {last}");
        last["val_target"].as_f64().unwrap() + last["val_pretrain"].as_f64().unwrap()
    };
    let ce = run("ce", false);
    let kd = run("kd", true);
    assert!(
        kd < ce,
        "distilled {kd} vs cross-entropy {ce} (sum of val_target and val_pretrain)"
    );
}
