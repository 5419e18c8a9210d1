//! The seed-claim experiments (`bench/seeds/*.sh`) in their smoke mode: each script runs end to
//! end on the shipped samples in well under a minute and writes its report and plots. The
//! numbers of a smoke run mean nothing; this checks the plumbing CI can afford.
#![cfg(feature = "torch")]

use std::path::Path;
use std::process::Command;

use crate::util::repo;

fn smoke(script: &str, out: &Path) -> String {
    let o = Command::new("bash")
        .arg(repo().join("bench/seeds").join(script))
        .arg("--smoke")
        .arg(out)
        .env("SLUICE_BIN", env!("CARGO_BIN_EXE_sluice"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "{script}: {text}");
    std::fs::read_to_string(out.join("report.md")).unwrap()
}

fn is_png(p: &Path) -> bool {
    std::fs::read(p).is_ok_and(|b| b.starts_with(b"\x89PNG\r\n\x1a\n"))
}

/// Table rows of a markdown report: lines starting with `| ` below the header separator.
fn rows(report: &str) -> Vec<Vec<String>> {
    report
        .lines()
        .skip_while(|l| !l.starts_with("|---"))
        .skip(1)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn forgetting_script_runs_every_fraction_and_amount_and_reports_the_fit() {
    let tmp = tempfile::tempdir().unwrap();
    let report = smoke("forgetting.sh", tmp.path());
    let r = rows(&report);
    // p in {0, 0.25} x 2 amounts of target data, then the EWC run.
    let runs: Vec<(&str, &str)> = r.iter().map(|c| (c[0].as_str(), c[1].as_str())).collect();
    assert_eq!(
        runs,
        [
            ("0", "2"),
            ("0", "4"),
            ("0.25", "2"),
            ("0.25", "4"),
            ("0 + EWC 100", "4")
        ],
        "{report}"
    );
    // Each row's rise is its run's last val_pretrain less its first.
    for c in &r {
        let (a, b) = c[4].split_once(" -> ").unwrap();
        let rise: f64 = c[5].trim_matches('*').parse().unwrap();
        let want = b.parse::<f64>().unwrap() - a.parse::<f64>().unwrap();
        assert!((rise - want).abs() < 2e-4, "{c:?}");
    }
    assert!(report.contains("plan fit --run"), "{report}");
    for png in ["val_pretrain_rise.png", "val_target.png"] {
        assert!(is_png(&tmp.path().join(png)), "{png}");
    }
}

#[test]
fn ewc_ssl_script_finetunes_plainly_and_with_ewc_and_scores_each_encoder_on_task_a() {
    let tmp = tempfile::tempdir().unwrap();
    let report = smoke("ewc_ssl.sh", tmp.path());
    let r = rows(&report);
    let labels: Vec<&str> = r.iter().map(|c| c[0].as_str()).collect();
    assert_eq!(labels, ["plain", "EWC 100"], "{report}");
    // The task-A encoder scored by `--steps 0` equals what its own run measured last.
    let last = |d: &str| -> f64 {
        let m: serde_json::Value = serde_json::from_slice(
            &std::fs::read(tmp.path().join(d).join("manifest.json")).unwrap(),
        )
        .unwrap();
        m["evals"].as_array().unwrap().last().unwrap()["knn_top1"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(last("a"), last("eval-a-a"));
    // Each change on A is the finetune's kNN on A minus the task-A encoder's.
    for (c, run) in r.iter().zip(["b-plain", "b-ewc100"]) {
        let change: f64 = c[3].trim_matches('*').parse().unwrap();
        let want = last(&format!("eval-a-{run}")) - last("eval-a-a");
        assert!((change - want).abs() < 1e-3, "{report}");
    }
    assert!(is_png(&tmp.path().join("knn_b.png")));
}

#[test]
fn ema_script_compares_both_batch_sizes_at_equal_samples_seen() {
    let tmp = tempfile::tempdir().unwrap();
    let report = smoke("ema.sh", tmp.path());
    let r = rows(&report);
    let labels: Vec<&str> = r.iter().map(|c| c[0].as_str()).collect();
    assert_eq!(
        labels,
        ["B8", "B8 seed 1", "B32 rule", "B32 no rule"],
        "{report}"
    );
    // Every run evaluated at the same samples seen (the header's columns), all filled in.
    assert!(
        r.iter()
            .all(|c| c[1..c.len() - 1].iter().all(|v| v.parse::<f64>().is_ok())),
        "{report}"
    );
    // The rule's momentum is 0.99^4 at 4x the batch; without it, 0.99.
    assert!(
        report.contains("B32 rule: 0.960596") && report.contains("B32 no rule: 0.990000"),
        "{report}"
    );
    assert!(is_png(&tmp.path().join("knn.png")));
}

#[test]
fn distill_script_trains_each_student_both_ways_on_the_cached_sequences() {
    let tmp = tempfile::tempdir().unwrap();
    let report = smoke("distill.sh", tmp.path());
    let r = rows(&report);
    let students: Vec<&str> = r.iter().map(|c| c[0].as_str()).collect();
    assert_eq!(students, ["tiny", "mid"], "{report}");
    for c in &r {
        // Both students of a size saw the same tokens: 4 steps x 4 rows x 32.
        assert_eq!(c[2], "512", "{c:?}");
        let (ce, kd): (f64, f64) = (c[3].parse().unwrap(), c[4].parse().unwrap());
        let better = if kd < ce {
            "distillation"
        } else {
            "supervised"
        };
        assert_eq!(c[7], better, "{c:?}");
        assert!(
            c[8].starts_with("distillation") || c[8].starts_with("supervised"),
            "{c:?}"
        );
    }
    assert!(is_png(&tmp.path().join("val_target.png")));
    // The law fitted to the runs, with the teacher's measured loss.
    assert!(
        report.contains("`plan fit --law distill`: fitted E"),
        "{report}"
    );
    assert!(is_png(&tmp.path().join("fit.png")));
    let toml = std::fs::read_to_string(tmp.path().join("fitted.toml")).unwrap();
    assert!(
        toml.contains("[distill.seeds-smoke]") && toml.contains("# c0 held at"),
        "{toml}"
    );
}

#[test]
fn sigma_reparam_script_trains_plain_and_reparametrised_lm_and_vit() {
    let tmp = tempfile::tempdir().unwrap();
    let report = smoke("sigma_reparam.sh", tmp.path());
    // Two tables (LM, ViT), each: two learning rates x plain / sigma.
    let lm = rows(&report);
    let labels: Vec<&str> = lm.iter().map(|c| c[0].as_str()).collect();
    assert_eq!(
        labels,
        [
            "lr 1e-3 plain",
            "lr 1e-3 sigma",
            "lr 3e-2 plain",
            "lr 3e-2 sigma"
        ],
        "{report}"
    );
    let vit_part = &report[report.find("## ViT").expect("a ViT table")..];
    let vit = rows(vit_part);
    assert_eq!(vit.len(), 4, "{report}");
    for c in lm.iter().chain(&vit) {
        // Entropy: start, lowest, end, in that order of columns; the lowest is the minimum.
        let e: Vec<f64> = c[4..7].iter().map(|v| v.parse().unwrap()).collect();
        assert!(e[1] <= e[0] && e[1] <= e[2] && e[1] >= 0.0, "{c:?}");
    }
    for p in ["lm-entropy", "lm-loss", "vit-entropy", "vit-loss"] {
        assert!(is_png(&tmp.path().join(format!("{p}.png"))), "{p}");
    }
}
