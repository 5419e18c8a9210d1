//! Pipeline files: validation, runs, sharded slices, crash-resume, and the scheduler.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::util::*;

fn example(name: &str) -> PathBuf {
    repo().join("pipelines").join(name)
}

fn run(file: &Path, out: &Path) -> std::process::Command {
    let mut c = sluice();
    c.args(["pipeline", "run", "--quiet"])
        .arg(file)
        .arg("--out")
        .arg(out);
    c
}

/// Every file except the run manifests (`pipeline*.json`), which name the slice.
fn outputs(dir: &Path) -> BTreeMap<String, String> {
    tree_digest(dir)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("pipeline"))
        .collect()
}

#[test]
fn shipped_pipelines_validate_run_and_rerun_up_to_date() {
    let tmp = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("pipelines"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        // `train ssl` steps and EWC need the libtorch backend.
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            cfg!(feature = "torch")
                || !(text.contains("kind = \"ssl\"") || text.contains("backend = \"torch\""))
        })
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    let text =
        String::from_utf8_lossy(&ok(sluice().args(["pipeline", "validate"]).args(&files)).stdout)
            .to_string();
    assert_eq!(text.matches("ok: ").count(), files.len(), "{text}");
    assert!(text.contains("in order: addresses, mix"), "{text}");
    for f in &files {
        let out = tmp.path().join(f.file_stem().unwrap());
        let first = String::from_utf8_lossy(&ok(&mut run(f, &out)).stdout).to_string();
        assert!(
            first.contains("built") && !first.contains("up to date"),
            "{first}"
        );
        let m = manifest_at(&out.join("pipeline.json"));
        for s in m["steps"].as_array().unwrap() {
            let dir = out.join(s["out"].as_str().unwrap());
            assert!(dir.join("manifest.json").exists(), "{}", dir.display());
        }
        let digest = outputs(&out);
        let again = String::from_utf8_lossy(&ok(&mut run(f, &out)).stdout).to_string();
        assert!(!again.contains("built"), "{again}");
        assert_eq!(outputs(&out), digest);
    }
    // The SQL step's rows feed the mix step: 1800-1849 addresses only.
    let sql = manifest_at(&tmp.path().join("code-mix/addresses/manifest.json"));
    assert_eq!(sql["rows"], 50, "{sql}");
    // The tokenize step reads the SQL step's output and writes what `sluice tokenize` writes.
    let ft = tmp.path().join("filter-tokenize");
    let ids = manifest_at(&ft.join("ids/manifest.json"));
    let long = manifest_at(&ft.join("long_addresses/manifest.json"));
    assert_eq!(ids["documents"], 28, "{ids}");
    assert_eq!(ids["documents"], long["rows"]);
    let cli = tmp.path().join("cli-ids");
    ok(sluice()
        .args(["--quiet", "tokenize"])
        .arg(ft.join("long_addresses/data"))
        .arg("--tokenizer")
        .arg(samples().join("tokenizer.json"))
        .args(["--docs-per-shard", "16", "--out"])
        .arg(&cli));
    let data = |d: &Path| {
        let mut t = tree_digest(d);
        t.remove("manifest.json");
        t
    };
    assert_eq!(data(&ft.join("ids")), data(&cli));
    assert_eq!(data(&cli).len(), 2);
}

fn manifest_at(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn schema_file_is_generated_from_the_types() {
    let out = ok(sluice().args(["pipeline", "schema"]));
    let generated: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let committed = manifest_at(&repo().join("schemas/pipeline.schema.json"));
    assert_eq!(
        generated, committed,
        "regenerate: sluice pipeline schema > schemas/pipeline.schema.json"
    );
}

#[test]
fn validate_reports_every_problem_with_pointer_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        r#"name = "bad"
out = "out"
colour = "blue"

[schedule]
cron = "61 * * * *"
timezone = "Mars/Olympus"

[steps.a]
kind = "mix"
target = ["/etc"]
inject = 0.01
tokenizer = "tok.json"
seq_len = -4

[steps.b]
kind = "views"
input = "step:c"
k = 2
depends_on = ["nowhere"]

[steps.c]
kind = "sql"
sources = { t = "step:b/x.parquet" }
query = "SELECT 1"

[steps.d]
kind = "teleport"
"#,
    )
    .unwrap();
    let err = fails(sluice().args(["pipeline", "validate"]).arg(&bad), 2);
    // Schema errors come first, all of them, each with pointer and line.
    for want in [
        "line 3: /colour: unknown key `colour`",
        "line 12: /steps/a/inject: expected string",
        "line 14: /steps/a/seq_len: -4 is below the minimum 0",
        "line 27: /steps/d: `kind` must be one of \"mix\", \"views\", \"sql\", \"logits\", \"train\", \"ssl\", \"fisher\", \"tokenize\" (found \"teleport\")",
    ] {
        assert!(err.contains(want), "missing `{want}` in:\n{err}");
    }
    // Fixed, the file's other problems show: roots, references, cycles, cron, time zone.
    let text = std::fs::read_to_string(&bad)
        .unwrap()
        .replace("colour = \"blue\"\n", "")
        .replace("inject = 0.01", "inject = \"0.01\"")
        .replace("seq_len = -4", "seq_len = 4")
        .replace("[steps.d]\nkind = \"teleport\"\n", "");
    std::fs::write(&bad, text).unwrap();
    let err = fails(sluice().args(["pipeline", "validate"]).arg(&bad), 2);
    for want in [
        "line 10: /steps/a/target/0: `/etc` is outside the declared roots",
        "/steps/a/tokenizer: `tok.json` does not exist",
        "line 19: /steps/b/depends_on/0: no step named `nowhere`",
        "/steps: dependency cycle: b -> c -> b",
        "line 5: /schedule/cron: `61 * * * *` is not a 5-field cron expression",
        "line 6: /schedule/timezone: `Mars/Olympus` is not an IANA time zone",
    ] {
        assert!(err.contains(want), "missing `{want}` in:\n{err}");
    }
    // A path that climbs out of the roots with `..` is refused too, and nothing ran.
    std::fs::write(
        dir.join("escape.toml"),
        "name = \"e\"\nout = \"out\"\nroots = [\".\"]\n[steps.s]\nkind = \"sql\"\nsources = { t = \"../../../etc/passwd.csv\" }\nquery = \"SELECT 1\"\n",
    )
    .unwrap();
    let err = fails(
        sluice()
            .args(["pipeline", "run"])
            .arg(dir.join("escape.toml")),
        2,
    );
    assert!(
        err.contains("/steps/s/sources/t: `../../../etc/passwd.csv` is outside the declared roots"),
        "{err}"
    );
    assert!(!dir.join("out").exists());
}

/// Every view of a views output directory (possibly several slices), keyed by (sample, view).
fn views_rows(dirs: &[PathBuf]) -> BTreeMap<(String, u16), Vec<u8>> {
    let mut out = BTreeMap::new();
    for d in dirs {
        let m = manifest(d);
        for s in m["shards"].as_array().unwrap() {
            let (_, rows) =
                sluice::views::replay::read_shard(&d.join(s["path"].as_str().unwrap()), None)
                    .unwrap();
            for r in rows {
                assert!(
                    out.insert((r.sample_id, r.view), r.image).is_none(),
                    "a view in two slices"
                );
            }
        }
    }
    out
}

#[test]
fn slices_under_slurm_and_kubernetes_union_to_the_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let file = example("sharded.toml");
    let whole = tmp.path().join("whole");
    ok(&mut run(&file, &whole));
    let want = views_rows(&[whole.join("views")]);
    assert_eq!(want.len(), 9 * 4);
    // Three slices: by flags, as a Slurm array (indices 1-3), as a Kubernetes Indexed Job.
    let out = tmp.path().join("sliced");
    ok(run(&file, &out).args(["--shard", "0", "--of", "3"]));
    ok(run(&file, &out)
        .env("SLURM_ARRAY_TASK_ID", "2")
        .env("SLURM_ARRAY_TASK_MIN", "1")
        .env("SLURM_ARRAY_TASK_COUNT", "3"));
    let err = fails(
        sluice()
            .args(["pipeline", "merge"])
            .arg(&file)
            .args(["--of", "3", "--out"])
            .arg(&out),
        3,
    );
    assert!(err.contains("slices 2 of 3 have not finished"), "{err}");
    ok(run(&file, &out)
        .env("JOB_COMPLETION_INDEX", "2")
        .env("SLUICE_SHARDS", "3"));
    ok(sluice()
        .args(["pipeline", "merge"])
        .arg(&file)
        .args(["--of", "3", "--out"])
        .arg(&out));
    let slices: Vec<PathBuf> = (0..3)
        .map(|i| out.join(format!("views/slices/{i}-of-3")))
        .collect();
    assert_eq!(views_rows(&slices), want);
    let merged = manifest(&out.join("views"));
    assert_eq!(merged["views"], 36);
    assert_eq!(merged["slices"].as_array().unwrap().len(), 3);
    // A slice > 0 waits for slice 0's build of its own configuration, never a stale one.
    let lone = tmp.path().join("lone");
    let err = fails(
        run(&file, &lone).args(["--shard", "1", "--of", "3", "--wait", "1"]),
        3,
    );
    assert!(
        err.contains("step `early` is built by slice 0") && err.contains("did not appear"),
        "{err}"
    );
    std::fs::create_dir_all(lone.join("early")).unwrap();
    std::fs::write(
        lone.join("early/manifest.json"),
        r#"{"fingerprint": "0000"}"#,
    )
    .unwrap();
    let err = fails(
        run(&file, &lone).args(["--shard", "1", "--of", "3", "--wait", "1"]),
        3,
    );
    assert!(
        err.contains("holds a build of another configuration"),
        "{err}"
    );
    // Non-shardable steps are built once (by slice 0); their data equal the single run's (the
    // manifests differ only in the input paths, which name the output directory).
    for step in ["mix", "early"] {
        let data = |d: &Path| -> BTreeMap<String, String> {
            tree_digest(&d.join(step))
                .into_iter()
                .filter(|(k, _)| k.ends_with(".parquet"))
                .collect()
        };
        assert_eq!(data(&out), data(&whole), "{step}");
        assert!(!data(&out).is_empty());
    }
}

#[test]
fn killed_pipeline_runs_resume_to_identical_output() {
    let tmp = tempfile::tempdir().unwrap();
    let file = example("sharded.toml");
    // Every run uses the same output path: manifests record input paths, some inside it.
    let out = tmp.path().join("o");
    let t0 = Instant::now();
    ok(&mut run(&file, &out));
    let full = t0.elapsed().as_secs_f64();
    let want = outputs(&out);
    // 20 kill points (SLUICE_CRASH_POINTS for a longer run) spread over the run by a fixed
    // pseudo-random sequence (SplitMix64).
    let points: u32 = std::env::var("SLUICE_CRASH_POINTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let mut x = 0x5EED_u64;
    let mut killed_mid_run = 0;
    for i in 0..points {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        let frac = ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64;
        std::fs::remove_dir_all(&out).unwrap();
        let mut child = run(&file, &out).spawn().unwrap();
        let start = Instant::now();
        while start.elapsed().as_secs_f64() < full * frac && child.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = child.kill(); // SIGKILL
        let finished = child.wait().unwrap().success();
        killed_mid_run += !finished as u32;
        ok(&mut run(&file, &out));
        assert_eq!(
            outputs(&out),
            want,
            "kill point {i} at {frac:.3} of the run"
        );
    }
    assert!(
        killed_mid_run >= points * 3 / 4,
        "only {killed_mid_run} of {points} kills landed mid-run"
    );
}

/// A scheduled pipeline (hourly) that renders two photos, in its own folder.
fn scheduled(dir: &Path, catchup: &str, concurrency: &str, extra: &str) -> PathBuf {
    std::fs::create_dir_all(dir.join("imgs")).unwrap();
    for f in ["animal/baboon.jpg", "food/fruits.jpg"] {
        std::fs::copy(
            samples().join("images").join(f),
            dir.join("imgs").join(Path::new(f).file_name().unwrap()),
        )
        .unwrap();
    }
    let file = dir.join("hourly.toml");
    std::fs::write(
        &file,
        format!(
            "name = \"hourly\"\nout = \"out\"\n[schedule]\ncron = \"0 * * * *\"\ntimezone = \"UTC\"\ncatchup = \"{catchup}\"\nmax_catchup = 3\nconcurrency = \"{concurrency}\"\n{extra}\n[steps.v]\nkind = \"views\"\ninput = \"imgs\"\nk = 2\nsize = 32\n"
        ),
    )
    .unwrap();
    file
}

fn tick(dir: &Path, now: &str) -> std::process::Command {
    let mut c = sluice();
    c.args(["pipeline", "schedule", "--once", "--now", now])
        .arg(dir);
    c
}

fn runs(dir: &Path) -> Vec<(String, String, i64)> {
    let out = ok(sluice().args(["pipeline", "status", "--json"]).arg(dir));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["slot"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
                r["attempts"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn scheduler_catches_up_exactly_by_policy() {
    let tmp = tempfile::tempdir().unwrap();
    for (policy, want) in [
        (
            "all",
            vec!["skipped", "skipped", "succeeded", "succeeded", "succeeded"],
        ),
        (
            "latest",
            vec!["skipped", "skipped", "skipped", "skipped", "succeeded"],
        ),
        (
            "skip",
            vec!["skipped", "skipped", "skipped", "skipped", "skipped"],
        ),
    ] {
        let dir = tmp.path().join(policy);
        scheduled(&dir, policy, "queue", "");
        // First sight at 00:10 registers the pipeline; nothing is due before it.
        ok(&mut tick(&dir, "2026-11-27T00:10:00Z"));
        assert!(runs(&dir).is_empty());
        // Down until 05:30: slots 01:00 .. 05:00 were missed.
        ok(&mut tick(&dir, "2026-11-27T05:30:00Z"));
        let r = runs(&dir);
        let slots: Vec<&str> = r.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            slots,
            [
                "2026-11-27T01:00:00Z",
                "2026-11-27T02:00:00Z",
                "2026-11-27T03:00:00Z",
                "2026-11-27T04:00:00Z",
                "2026-11-27T05:00:00Z"
            ]
        );
        let statuses: Vec<&str> = r.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(statuses, want, "{policy}");
        // On time at 06:00 every policy runs the slot; rerunning the same instant adds nothing.
        ok(&mut tick(&dir, "2026-11-27T06:00:20Z"));
        ok(&mut tick(&dir, "2026-11-27T06:00:20Z"));
        let r = runs(&dir);
        assert_eq!(r.len(), 6, "{policy}: {r:?}");
        assert_eq!(r[5], ("2026-11-27T06:00:00Z".into(), "succeeded".into(), 1));
    }
}

#[test]
fn forbid_never_overlaps_and_a_killed_scheduler_never_reruns_a_slot() {
    let tmp = tempfile::tempdir().unwrap();
    // forbid: three slots due at once; the first runs, the others are refused while it is active.
    let dir = tmp.path().join("forbid");
    scheduled(&dir, "all", "forbid", "");
    ok(&mut tick(&dir, "2026-11-27T00:00:30Z"));
    ok(&mut tick(&dir, "2026-11-27T03:00:30Z"));
    let statuses: Vec<String> = runs(&dir).into_iter().map(|r| r.1).collect();
    assert_eq!(statuses, ["succeeded", "skipped", "skipped"]);
    // queue runs them one after another; replace keeps only the newest.
    for (policy, want) in [
        ("queue", ["succeeded", "succeeded", "succeeded"]),
        ("replace", ["cancelled", "cancelled", "succeeded"]),
    ] {
        let dir = tmp.path().join(policy);
        scheduled(&dir, "all", policy, "");
        ok(&mut tick(&dir, "2026-11-27T00:00:30Z"));
        ok(&mut tick(&dir, "2026-11-27T03:00:30Z"));
        let statuses: Vec<String> = runs(&dir).into_iter().map(|r| r.1).collect();
        assert_eq!(statuses, want, "{policy}");
    }
    // Kill the scheduler while a slot's run is in flight; a restart must not start it again.
    let dir = tmp.path().join("killed");
    scheduled(&dir, "latest", "queue", "");
    ok(&mut tick(&dir, "2026-11-27T00:00:30Z"));
    // The run holds its step's lock for 3 s first, so it is certainly in flight when the
    // scheduler is killed (each status poll below is a whole process start).
    let mut child = tick(&dir, "2026-11-27T01:00:10Z")
        .env("SLUICE_TEST_LOCK_PAUSE_MS", "3000")
        .spawn()
        .unwrap();
    let db = dir.join(".sluice-schedule.db");
    let start = Instant::now();
    // Until the slot row says running (then the scheduler is waiting on the run).
    while start.elapsed() < Duration::from_secs(60) {
        if db.exists() && runs(&dir).iter().any(|r| r.1 == "running") {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.kill();
    let _ = child.wait();
    ok(&mut tick(&dir, "2026-11-27T01:00:10Z"));
    ok(&mut tick(&dir, "2026-11-27T01:30:00Z"));
    let r = runs(&dir);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!((r[0].1.as_str(), r[0].2), ("interrupted", 1), "{r:?}");
    // The next slot runs normally and finds the interrupted run's outputs to resume from.
    ok(&mut tick(&dir, "2026-11-27T02:00:05Z"));
    assert_eq!(runs(&dir)[1].1, "succeeded");
}

#[test]
fn failed_runs_are_retried_with_backoff() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("retry");
    let file = scheduled(&dir, "latest", "queue", "retries = 2\nbackoff_seconds = 60");
    ok(&mut tick(&dir, "2026-11-27T00:00:30Z"));
    // Break the input: the 01:00 run fails, then is retried after 60 s and 120 s.
    std::fs::rename(dir.join("imgs"), dir.join("gone")).unwrap();
    ok(&mut tick(&dir, "2026-11-27T01:00:05Z"));
    assert_eq!(runs(&dir)[0].1, "queued");
    ok(&mut tick(&dir, "2026-11-27T01:01:05Z"));
    assert_eq!(runs(&dir)[0].2, 2);
    std::fs::rename(dir.join("gone"), dir.join("imgs")).unwrap();
    ok(&mut tick(&dir, "2026-11-27T01:02:00Z"));
    assert_eq!(
        runs(&dir)[0].1,
        "queued",
        "backoff doubles: not before 01:03:05"
    );
    ok(&mut tick(&dir, "2026-11-27T01:03:05Z"));
    assert_eq!(
        runs(&dir)[0],
        ("2026-11-27T01:00:00Z".into(), "succeeded".into(), 3)
    );
    drop(file);
}

#[test]
fn a_sharded_mix_step_is_merged_by_slice_0_before_later_steps_read_it() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("p.toml");
    let s = samples();
    std::fs::write(
        &file,
        format!(
            "name = \"sharded-mix\"\nout = \"out\"\nroots = [\".\", \"{root}\"]\n\n\
             [steps.mix]\nkind = \"mix\"\nshard = true\n\
             target = [\"{root}/target/rust\"]\npretrain = [\"{root}/pretrain\"]\n\
             inject = \"0.05\"\ntokenizer = \"{root}/tokenizer.json\"\nseq_len = 64\nshard_rows = 500\n\n\
             [steps.teacher]\nkind = \"train\"\ndata = \"step:mix\"\narch = \"tiny\"\nsteps = 2\n\
             batch_size = 2\nwarmup = 1\neval_every = 2\neval_sequences = 2\n",
            root = s.display()
        ),
    )
    .unwrap();
    // Slice 1 alone builds its own slice of the step, then waits for slice 0's tokenization.
    let err = fails(
        run(&file, &tmp.path().join("alone")).args(["--shard", "1", "--of", "2", "--wait", "1"]),
        3,
    );
    assert!(
        err.contains("the phase 1 of slices 0 did not appear"),
        "{err}"
    );
    let whole = tmp.path().join("whole");
    ok(&mut run(&file, &whole));
    let out = tmp.path().join("sliced");
    let children: Vec<_> = (0..2)
        .map(|i| {
            run(&file, &out)
                .args(["--shard", &i.to_string(), "--of", "2", "--wait", "300"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    // The merged mix is the whole run's, byte for byte; the step after it read it.
    assert_eq!(
        tree_digest(&out.join("mix")),
        tree_digest(&whole.join("mix"))
    );
    assert!(!out.join("mix/slices").exists());
    let model = |d: &Path| tree_digest(&d.join("teacher"))["model.safetensors"].clone();
    assert_eq!(model(&out), model(&whole));
    ok(sluice()
        .args(["pipeline", "merge"])
        .arg(&file)
        .args(["--of", "2", "--out"])
        .arg(&out));
    // A rerun of one slice alone finds the merged step up to date (no waiting for the other).
    let again = ok(run(&file, &out).args(["--shard", "1", "--of", "2", "--wait", "1"]));
    assert!(!String::from_utf8_lossy(&again.stdout).contains("built"));
    assert_eq!(
        tree_digest(&out.join("mix")),
        tree_digest(&whole.join("mix"))
    );
    // What a slice cannot do is refused when the file is validated, not when slices run.
    let text = std::fs::read_to_string(&file).unwrap().replace(
        "shard = true\n",
        "shard = true\nread_as_needed = [\"pretrain\"]\n",
    );
    std::fs::write(&file, text).unwrap();
    let err = fails(sluice().args(["pipeline", "validate"]).arg(&file), 2);
    assert!(
        err.contains("/steps/mix") && err.contains("--read-as-needed does not work with --shard"),
        "{err}"
    );
}
