//! Killing a run (SIGKILL) and running the same command again gives the uninterrupted output.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::util::*;

fn build(out: &Path) -> std::process::Command {
    let mut c = small_build(out);
    c.args([
        "--inject",
        "0.05",
        "--shard-rows",
        "40",
        "--epochs",
        "2",
        "--format",
        "parquet,megatron",
        "--threads",
        "2",
    ]);
    c
}

/// When to kill: after a delay, or as soon as a given train shard exists.
#[derive(Debug, Clone, Copy)]
enum Kill {
    After(f64),
    AtShard(u32),
}

#[test]
fn killed_runs_resume_to_identical_output() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("ref");
    let t0 = Instant::now();
    ok(&mut build(&reference));
    let full = t0.elapsed();
    let want = tree_digest(&reference);
    assert!(
        want.len() > 100,
        "many shards to cut between: {}",
        want.len()
    );

    let mut landed_in_phase2 = 0;
    let plans: [&[Kill]; 6] = [
        &[Kill::After(0.1)],
        &[Kill::After(0.4)],
        &[Kill::AtShard(1)],
        &[Kill::AtShard(40)],
        &[Kill::AtShard(100)],
        &[Kill::After(0.2), Kill::AtShard(10), Kill::AtShard(60)],
    ];
    for (i, plan) in plans.iter().enumerate() {
        let out = tmp.path().join(format!("k{i}"));
        for kill in plan.iter() {
            let mut child = build(&out).spawn().unwrap();
            let start = Instant::now();
            loop {
                let due = match kill {
                    Kill::After(frac) => start.elapsed().as_secs_f64() >= full.as_secs_f64() * frac,
                    Kill::AtShard(k) => out.join(format!("train/part-{k:05}.parquet")).exists(),
                };
                if due || child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
            if out.join("train").exists() && !out.join("manifest.json").exists() {
                landed_in_phase2 += 1;
            }
        }
        ok(&mut build(&out));
        assert_eq!(tree_digest(&out), want, "kill plan {plan:?}");
    }
    assert!(
        landed_in_phase2 >= 3,
        "only {landed_in_phase2} kills landed while shards were written (run took {full:?})"
    );
}

#[test]
fn a_killed_slice_resumes_and_the_merge_is_the_single_build() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("ref");
    ok(&mut build(&reference));
    let want = tree_digest(&reference);
    let out = tmp.path().join("sliced");
    let slice = |i: u32| {
        let mut c = build(&out);
        c.args(["--shard", &i.to_string(), "--of", "2", "--wait", "120"]);
        c
    };
    let lone = slice(0)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Slice 1 is killed twice: while tokenizing (at once) and once it writes shards.
    let phase2 = out.join("slices/1-of-2/train/part-00003.parquet");
    for wait_for_shards in [false, true] {
        let mut child = slice(1).spawn().unwrap();
        let start = Instant::now();
        while (wait_for_shards && !phase2.exists()
            || !wait_for_shards && start.elapsed() < Duration::from_millis(50))
            && child.try_wait().unwrap().is_none()
        {
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    assert!(
        phase2.exists() && !out.join("slices/1-of-2/manifest.json").exists(),
        "the second kill landed while slice 1 wrote its shards"
    );
    ok(&mut slice(1));
    let o = lone.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    ok(sluice().args(["mix", "merge", "--of", "2"]).arg(&out));
    assert_eq!(tree_digest(&out), want);
}
