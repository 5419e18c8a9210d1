//! Killing a run (SIGKILL) and running the same command again gives the uninterrupted output.

use std::time::{Duration, Instant};

use crate::util::*;

fn args(c: &mut std::process::Command) {
    c.args(["--inject", "0.05", "--shard-rows", "40", "--epochs", "2", "--format", "parquet,megatron", "--threads", "2"]);
}

#[test]
fn killed_runs_resume_to_identical_output() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("ref");
    let t0 = Instant::now();
    let mut c = small_build(&reference);
    args(&mut c);
    ok(&mut c);
    let full = t0.elapsed();
    let want = tree_digest(&reference);
    assert!(want.len() > 20, "many shards to cut between: {}", want.len());

    let mut saw_partial_shards = false;
    // Kill points spread over the run, then one directory killed three times in a row.
    let plans: [&[f64]; 5] = [&[0.1], &[0.45], &[0.7], &[0.9], &[0.3, 0.6, 0.85]];
    for (i, plan) in plans.iter().enumerate() {
        let out = tmp.path().join(format!("k{i}"));
        for frac in plan.iter() {
            let mut c = small_build(&out);
            args(&mut c);
            let mut child = c.spawn().unwrap();
            std::thread::sleep(Duration::from_secs_f64(full.as_secs_f64() * frac));
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
            if out.join("train").exists() && !out.join("manifest.json").exists() {
                saw_partial_shards = true;
            }
        }
        let mut c = small_build(&out);
        args(&mut c);
        ok(&mut c);
        assert_eq!(tree_digest(&out), want, "kill plan {plan:?}");
    }
    assert!(saw_partial_shards, "no kill landed while shards were being written (run took {full:?})");
}
