//! `train ssl` on the shipped Fashion-MNIST slice: learning (loss falls, kNN rises), every
//! objective, exact resume, the EMA rule as `plan ema` computes it, the encoder read by
//! torchvision, and bad inputs refused with the usual classes.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{fails, samples, sluice};
#[cfg(feature = "torch")]
use crate::util::{manifest, ok};

fn fashion() -> PathBuf {
    samples().join("fashion-mnist")
}

/// A small, fast run: width 1/8 ResNet-18 at 32 px; `extra` flags replace these defaults.
fn ssl(data: &Path, out: &Path, steps: u32, extra: &[&str]) -> Command {
    let mut c = sluice();
    c.args(["--quiet", "train", "ssl", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out);
    c.args(["--steps", &steps.to_string()]);
    let defaults = [
        ("--width", "0.125"),
        ("--size", "32"),
        ("--batch-size", "16"),
        ("--warmup", "2"),
        ("--eval-every", "10"),
        ("--proj-hidden", "64"),
    ];
    for (flag, value) in defaults {
        if !extra.contains(&flag) {
            c.args([flag, value]);
        }
    }
    c.args(extra);
    c
}

#[cfg(feature = "torch")]
fn rows(out: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join("metrics.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[cfg(feature = "torch")]
fn f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

#[cfg(feature = "torch")]
#[test]
fn simclr_on_fashion_mnist_learns_and_reruns_up_to_date() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    // Half held out and 5 neighbours: the slice has 20 images per class.
    let flags = [
        "--width",
        "0.25",
        "--batch-size",
        "32",
        "--lr",
        "3e-3",
        "--warmup",
        "10",
        "--eval-every",
        "50",
        "--proj-hidden",
        "512",
        "--eval-frac",
        "0.5",
        "--knn-k",
        "5",
    ];
    let o = ok(&mut ssl(&fashion(), &out, 150, &flags));
    let table = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(table.starts_with("   step"), "{table}");
    let m = rows(&out);
    let steps: Vec<u64> = m.iter().map(|r| r["step"].as_u64().unwrap()).collect();
    assert_eq!(steps, [0, 50, 100, 150], "at step 0, every 50, at the end");
    assert!(m[0]["loss"].is_null() && m[0]["linear_top1"].is_null());
    let loss: Vec<f64> = m[1..].iter().map(|r| f(&r["loss"])).collect();
    let knn: Vec<f64> = m.iter().map(|r| f(&r["knn_top1"])).collect();
    // (seen: loss 3.64 -> 3.31 -> 3.12 nats, chance ln(63) = 4.14; kNN 0.541 -> 0.561; linear 0.633)
    assert!(
        loss[2] < loss[0] - 0.3 && loss[0] < 63f64.ln(),
        "loss falls: {loss:?}"
    );
    assert!(knn[3] > knn[0], "kNN top-1 rises: {knn:?}");
    let lin = f(&m[3]["linear_top1"]);
    assert!(lin > 0.4, "linear probe at the end: {lin}");
    let man = manifest(&out);
    assert_eq!(man["command"], "train ssl");
    assert_eq!(man["classes"].as_array().unwrap().len(), 10);
    let (tr, held) = (
        man["train_samples"].as_u64().unwrap(),
        man["heldout_samples"].as_u64().unwrap(),
    );
    assert_eq!(tr + held, 200);
    assert!((80..=120).contains(&held), "~50 % held out: {held}");
    assert_eq!(man["views_seen"], 150 * 32 * 2);
    assert!(f(&man["pixel_knn_top1"]) > 0.3, "{}", man["pixel_knn_top1"]);
    assert!(!out.join("checkpoints").exists());
    let before = crate::util::tree_digest(&out);
    let o = ok(&mut ssl(&fashion(), &out, 150, &flags));
    assert!(String::from_utf8_lossy(&o.stdout).contains("up to date"));
    assert_eq!(crate::util::tree_digest(&out), before);
}

#[cfg(feature = "torch")]
#[test]
fn every_objective_and_encoder_trains_a_step() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, extra) in [
        ("polyview", &["--objective", "polyview", "--k", "4"][..]),
        ("infonce", &["--objective", "infonce", "--k", "3"]),
        ("suffstats", &["--objective", "suffstats", "--k", "3"]),
        (
            "byol",
            &["--objective", "byol", "--optimizer", "lars", "--lr", "0.3"],
        ),
        (
            "duet",
            &["--objective", "duet", "--optimizer", "sgd", "--lr", "0.05"],
        ),
        ("vit", &["--encoder", "vit-tiny", "--width", "0.25"]),
    ] {
        let out = tmp.path().join(name);
        ok(&mut ssl(&fashion(), &out, 2, extra));
        let m = rows(&out);
        let last = m.last().unwrap();
        assert!(f(&last["loss"]).is_finite(), "{name}: {last}");
        if name == "duet" {
            assert!(f(&last["structure"]).is_finite(), "{name}: {last}");
        }
        let man = manifest(&out);
        let recipe = man["recipe"].as_str().unwrap();
        let want = match name {
            "byol" => "byol",
            "duet" => "duet",
            _ => "simclr",
        };
        assert_eq!(recipe, want, "default recipe per objective");
    }
}

/// BYOL at batch 16 tuned at 8: momentum and learning rate as `plan ema` gives them.
#[cfg(feature = "torch")]
#[test]
fn byol_applies_the_ema_rule_as_plan_ema_computes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("byol");
    let extra = [
        "--objective",
        "byol",
        "--optimizer",
        "lars",
        "--lr",
        "0.2",
        "--ema",
        "0.99",
        "--ema-ref-batch",
        "8",
        "--warmup",
        "0",
    ];
    ok(&mut ssl(&fashion(), &out, 3, &extra));
    let plan = ok(sluice().args([
        "plan",
        "ema",
        "--momentum",
        "0.99",
        "--batch-size",
        "8",
        "--new-batch-size",
        "16",
        "--optimizer",
        "lars",
        "--lr",
        "0.2",
        "--json",
    ]));
    let p: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let r = &p["result"];
    let m = rows(&out);
    // Step 0 of the cosine schedule is the base momentum, scaled: 0.99^2.
    assert_eq!(f(&m[0]["ema"]), f(&r["momenta"][0]["to"]), "{m:?}");
    assert_eq!(f(&r["momenta"][0]["to"]), 0.99f64.powi(2));
    // LARS scales the learning rate linearly: peak 0.4 at step 0 (no warmup).
    assert_eq!(f(&m[0]["lr"]), f(&r["lr"]));
    assert_eq!(f(&r["lr"]), 0.4);
    // The schedule rises to 1 at the end, each step's value scaled the same way.
    let last = f(&m.last().unwrap()["ema"]);
    assert!(last > f(&m[0]["ema"]) && last <= 1.0, "{m:?}");
}

#[cfg(feature = "torch")]
#[test]
fn a_killed_run_resumes_to_identical_encoder_and_metrics() {
    let tmp = tempfile::tempdir().unwrap();
    let extra = ["--checkpoint-every", "3", "--eval-every", "3"];
    let full = tmp.path().join("full");
    ok(&mut ssl(&fashion(), &full, 9, &extra));
    let out = tmp.path().join("killed");
    let mut child = ssl(&fashion(), &out, 9, &extra).spawn().unwrap();
    let ckpt = out.join("checkpoints/step-00000003/state.json");
    let t0 = std::time::Instant::now();
    while !ckpt.exists() && t0.elapsed() < std::time::Duration::from_secs(120) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        ckpt.exists() && !out.join("manifest.json").exists(),
        "killed mid-run"
    );
    let o = ok(&mut ssl(&fashion(), &out, 9, &extra));
    assert!(String::from_utf8_lossy(&o.stderr).contains("resumed from the checkpoint at step"));
    let digest = |d: &Path| {
        let mut t = crate::util::tree_digest(d);
        // The manifest differs only in its measured times.
        t.remove("manifest.json");
        t
    };
    assert_eq!(digest(&out), digest(&full), "resumed == uninterrupted");
    for k in ["evals", "encoder_sha256", "pixel_knn_top1"] {
        assert_eq!(manifest(&out)[k], manifest(&full)[k], "{k}");
    }
}

/// The encoder as torchvision reads it: the backend's own features for 4 real images equal
/// torchvision's resnet18 (small-image stem) with the saved weights, after a training step.
#[cfg(feature = "torch")]
#[test]
fn encoder_loads_strictly_into_torchvision_resnet18() {
    use sluice::backend::vision::{self, Images, SslBatch};
    let tmp = tempfile::tempdir().unwrap();
    let opts: sluice::train::ssl::SslOptions = serde_json::from_value(serde_json::json!({
        "data": fashion(), "batch_size": 4, "proj_hidden": 32, "proj_dim": 16
    }))
    .unwrap();
    let target = sluice::backend::BackendKind::Torch.target(None).unwrap();
    let mut b = vision::open(&target, &opts.model(1)).unwrap();
    let classes = ["bag", "coat", "sandal", "trouser"];
    let mut pixels = Vec::new();
    for c in classes {
        let dir = fashion().join(c);
        let first = std::fs::read_dir(&dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let img = image::open(first).unwrap().to_rgb8();
        let img = image::imageops::resize(&img, 32, 32, image::imageops::FilterType::Triangle);
        pixels.extend_from_slice(img.as_raw());
    }
    let images = Images {
        pixels,
        n: 4,
        side: 32,
    };
    let batch = SslBatch {
        views: vec![images.clone(), images.clone()],
        targets: Vec::new(),
    };
    b.train_step(&batch, 1e-3, 0.0).unwrap();
    let feats = b.embed(&images).unwrap();
    assert_eq!(feats.len(), 4 * 512);
    let enc = tmp.path().join("encoder.safetensors");
    b.save_encoder(&enc).unwrap();
    let px = tmp.path().join("pixels.u8");
    std::fs::write(&px, &images.pixels).unwrap();
    let fx = tmp.path().join("features.f32");
    let bytes: Vec<u8> = feats.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(&fx, bytes).unwrap();
    let py = crate::util::python("torchvision, safetensors");
    let script = crate::util::repo().join("tests/python/check_ssl_encoder.py");
    let text = crate::util::run_python(
        &py,
        &[
            script.as_os_str(),
            enc.as_os_str(),
            px.as_os_str(),
            "4".as_ref(),
            "32".as_ref(),
            fx.as_os_str(),
        ],
    );
    assert!(text.contains("ok: strict load"), "{text}");
}

#[test]
fn bad_inputs_and_flags_are_refused_with_their_class() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    // K = 1: no pair of views to compare.
    let e = fails(
        &mut ssl(
            &fashion(),
            &out,
            2,
            &["--objective", "polyview", "--k", "1"],
        ),
        2,
    );
    assert!(e.contains("--k 1") && e.contains("--k 2 or more"), "{e}");
    let e = fails(&mut ssl(&fashion(), &out, 2, &["--k", "4"]), 2);
    assert!(e.contains("simclr is InfoNCE over 2 views"), "{e}");
    let e = fails(&mut ssl(&fashion(), &out, 2, &["--backend", "burn"]), 2);
    assert!(
        e.contains("backend `burn` does not support train ssl"),
        "{e}"
    );
    let e = fails(
        &mut ssl(
            &fashion(),
            &out,
            2,
            &["--objective", "duet", "--recipe", "simclr"],
        ),
        2,
    );
    assert!(e.contains("names no transformation DUET can learn"), "{e}");
    assert!(!out.exists(), "a refused run leaves nothing");

    // Images without class folders: nothing to evaluate against.
    let flat = tmp.path().join("flat");
    std::fs::create_dir_all(&flat).unwrap();
    for c in ["bag", "coat"] {
        let d = fashion().join(c);
        for e in std::fs::read_dir(&d).unwrap().take(3) {
            let p = e.unwrap().path();
            std::fs::copy(
                &p,
                flat.join(format!("{c}-{}", p.file_name().unwrap().to_string_lossy())),
            )
            .unwrap();
        }
    }
    let e = fails(&mut ssl(&flat, &out, 2, &[]), 3);
    assert!(
        e.contains("has no label") && e.contains("class folders"),
        "{e}"
    );

    // A corrupt image is named.
    let bad = tmp.path().join("bad");
    for c in ["bag", "coat"] {
        std::fs::create_dir_all(bad.join(c)).unwrap();
        for e in std::fs::read_dir(fashion().join(c)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, bad.join(c).join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(
        bad.join("coat/zz-broken.png"),
        b"\x89PNG\r\n\x1a\nnot really",
    )
    .unwrap();
    let e = fails(&mut ssl(&bad, &out, 2, &[]), 3);
    assert!(e.contains("coat/zz-broken.png"), "{e}");

    // A build without libtorch says how to get it (backend class).
    if !cfg!(feature = "torch") {
        let e = fails(&mut ssl(&fashion(), &out, 2, &[]), 5);
        assert!(e.contains("--features torch"), "{e}");
    }
}

#[cfg(feature = "torch")]
#[test]
fn a_second_run_on_the_same_out_is_refused_as_busy() {
    let tmp = tempfile::tempdir().unwrap();
    crate::jobs::two_runs_on_one_out(tmp.path(), "ssl", &|out| ssl(&fashion(), out, 2, &[]), "");
}

/// `--data` a `views gen` output: with the seed, K, recipe and size `views gen` used, its stored
/// views are exactly the online views of epoch 0, so the same steps train the same encoder; a
/// dataset that cannot serve the run (too few views, another size or recipe, another command's
/// output) is refused.
#[cfg(feature = "torch")]
#[test]
fn a_views_gen_output_trains_the_encoder_the_online_views_train() {
    let tmp = tempfile::tempdir().unwrap();
    let views = tmp.path().join("views");
    ok(crate::views::views_gen(&fashion(), &views, 2).args([
        "--size", "32", "--seed", "5", "--format", "png", "--recipe", "simclr",
    ]));
    // 6 steps of 16 samples stay inside epoch 0 (160 training samples).
    let flags = ["--seed", "5", "--eval-every", "3"];
    let (online, stored) = (tmp.path().join("online"), tmp.path().join("stored"));
    ok(&mut ssl(&fashion(), &online, 6, &flags));
    ok(&mut ssl(&views, &stored, 6, &flags));
    let (a, b) = (manifest(&online), manifest(&stored));
    assert_eq!(
        a["encoder_sha256"], b["encoder_sha256"],
        "same views, same encoder"
    );
    assert_eq!(b["input"]["kind"], "views");
    assert_eq!(
        (a["train_samples"].clone(), a["heldout_samples"].clone()),
        (b["train_samples"].clone(), b["heldout_samples"].clone()),
        "the held-out split is chosen by sample id in both"
    );
    let losses = |o: &Path| {
        rows(o)
            .iter()
            .map(|r| r["loss"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(losses(&online), losses(&stored));

    let out = tmp.path().join("refused");
    let e = fails(
        &mut ssl(&views, &out, 2, &["--objective", "polyview", "--k", "4"]),
        2,
    );
    assert!(
        e.contains("holds 2 views per sample") && e.contains("--k 4"),
        "{e}"
    );
    let e = fails(&mut ssl(&views, &out, 2, &["--size", "48"]), 2);
    assert!(e.contains("views of --size 32"), "{e}");
    let e = fails(&mut ssl(&views, &out, 2, &["--recipe", "byol"]), 2);
    assert!(e.contains("rendered with recipe `simclr`"), "{e}");
    let e = fails(&mut ssl(&stored, &out, 2, &[]), 3);
    assert!(e.contains("is a `train ssl` output"), "{e}");
    assert!(!out.exists(), "a refused run leaves nothing");
}
