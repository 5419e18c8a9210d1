//! The job shape every command shares: two runs on one output directory (one builds, the other is
//! refused as `busy` and touches nothing; the result equals a solo run), a distilled run is never
//! "up to date" on a plain run's output, and pipeline roots are checked through symlinks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{fails, manifest, mix_build, ok, samples, sluice, tree_digest};

/// Exit code of the `busy` class.
const BUSY: i32 = 6;

/// Data files of an output tree (manifests compared apart: they hold timings).
fn data_files(dir: &Path) -> BTreeMap<String, String> {
    tree_digest(dir)
        .into_iter()
        .filter(|(k, _)| !k.ends_with("manifest.json"))
        .collect()
}

/// Start `cmd` holding its output lock for a few seconds, and wait until it holds it.
fn start_holding(cmd: &mut Command, lock_dir: &Path) -> Child {
    let child = cmd
        .env("SLUICE_TEST_LOCK_PAUSE_MS", "4000")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lock = lock_dir.join(".sluice.lock");
    let start = Instant::now();
    while !std::fs::read_to_string(&lock).is_ok_and(|t| t.contains(&format!("pid {}", child.id())))
    {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{} never locked",
            lock_dir.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

/// Run `make(out)` twice at once on one directory and once alone: the second concurrent run is
/// refused as busy, naming the directory and the holder, and the first ends as the solo run did.
pub fn two_runs_on_one_out(tmp: &Path, name: &str, make: &dyn Fn(&Path) -> Command, lock_in: &str) {
    let solo = tmp.join(format!("{name}-solo"));
    ok(&mut make(&solo));
    let shared = tmp.join(format!("{name}-shared"));
    let lock_dir = match lock_in {
        "" => shared.clone(),
        sub => shared.join(sub),
    };
    let first = start_holding(&mut make(&shared), &lock_dir);
    let before = tree_digest(&shared);
    let err = fails(&mut make(&shared), BUSY);
    assert!(
        err.contains("error[busy]")
            && err.contains(&lock_dir.display().to_string())
            && err.contains(&format!("pid {}", first.id())),
        "{name}: {err}"
    );
    assert_eq!(
        tree_digest(&shared),
        before,
        "{name}: the refused run touched the output"
    );
    let out = first.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(data_files(&shared), data_files(&solo), "{name}");
    assert!(!data_files(&solo).is_empty(), "{name}");
    assert_eq!(
        manifest(&lock_dir)["fingerprint"],
        manifest(&solo.join(lock_in))["fingerprint"],
        "{name}"
    );
    assert!(
        !lock_dir.join(".sluice.lock").exists(),
        "{name}: lock left behind"
    );
}

/// A small mixture (Rust `iter` sources + SOTU, GPT-2 tokenizer, 32-token rows).
fn small_mix(out: &Path) -> Command {
    let s = samples();
    let mut c = mix_build(&s.join("target/rust/iter"), Some(&s.join("pretrain")), out);
    c.args(["--seq-len", "32", "--inject", "0.05"]);
    c
}

fn train_tiny(data: &Path, out: &Path, steps: &str) -> Command {
    let mut c = sluice();
    c.args(["--quiet", "train", "lm", "--data"]).arg(data);
    c.args(["--steps", steps, "--batch-size", "2", "--warmup", "1"]);
    c.args(["--eval-every", "2", "--eval-sequences", "2"]);
    c.arg("--out").arg(out);
    c
}

#[test]
fn every_command_refuses_a_second_run_on_its_output() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    two_runs_on_one_out(t, "mix", &small_mix, "");
    two_runs_on_one_out(
        t,
        "views",
        &|out| {
            let mut c = sluice();
            c.args(["--quiet", "views", "gen", "--k", "2", "--size", "32"]);
            c.arg("--out").arg(out);
            c
        },
        "",
    );
    two_runs_on_one_out(
        t,
        "tokenize",
        &|out| {
            let mut c = sluice();
            c.args(["--quiet", "tokenize"])
                .arg(samples().join("pretrain"))
                .arg("--tokenizer")
                .arg(samples().join("tokenizer.json"));
            c.args(["--docs-per-shard", "16"]).arg("--out").arg(out);
            c
        },
        "",
    );
    let data = t.join("data");
    ok(&mut small_mix(&data));
    two_runs_on_one_out(t, "train", &|out| train_tiny(&data, out, "2"), "");
    // The tiny model the train case just made is a teacher of the data's vocabulary.
    let model = t.join("train-solo/model.safetensors");
    two_runs_on_one_out(
        t,
        "logits",
        &|out| {
            let mut c = sluice();
            c.args(["--quiet", "logits", "cache", "--data"]).arg(&data);
            c.arg("--teacher").arg(&model);
            c.args(["--k", "8", "--limit", "4", "--splits", "train"]);
            c.arg("--out").arg(out);
            c
        },
        "",
    );
    // A pipeline's steps lock their own directories: the second run stops at the first step.
    let dir = t.join("p");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("q.toml");
    let sotu = samples().join("pretrain/sotu_1790_1849.jsonl");
    std::fs::write(
        &file,
        format!(
            "name = \"q\"\nout = \"out\"\nroots = [\"{}\", \"{}\"]\n[steps.early]\nkind = \"sql\"\nsources = {{ t = \"{}\" }}\nquery = \"SELECT year, name FROM t ORDER BY year, name\"\n",
            dir.display(),
            samples().display(),
            sotu.display()
        ),
    )
    .unwrap();
    two_runs_on_one_out(
        t,
        "pipeline",
        &|out| {
            let mut c = sluice();
            c.args(["--quiet", "pipeline", "run"]).arg(&file);
            c.arg("--out").arg(out);
            c
        },
        "early",
    );
}

#[test]
fn views_replay_and_preview_are_refused_while_a_run_rebuilds_their_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("views");
    let views_gen = || {
        let mut c = sluice();
        c.args(["--quiet", "views", "gen", "--k", "2", "--size", "32"]);
        c.arg("--out").arg(&out);
        c
    };
    ok(&mut views_gen());
    let preview = || {
        let mut c = sluice();
        c.args(["views", "preview"]).arg(&out);
        c
    };
    ok(&mut preview());
    let sheet = std::fs::read(out.join("preview.png")).unwrap();
    // A rebuild in progress holds the directory: both readers are refused as busy, untouched.
    let rebuild = start_holding(views_gen().arg("--overwrite"), &out);
    let err = fails(&mut preview(), BUSY);
    assert!(err.contains(&format!("pid {}", rebuild.id())), "{err}");
    let err = fails(sluice().args(["views", "replay"]).arg(&out), BUSY);
    assert!(err.contains("error[busy]"), "{err}");
    assert_eq!(std::fs::read(out.join("preview.png")).unwrap(), sheet);
    assert!(rebuild.wait_with_output().unwrap().status.success());
    ok(sluice().args(["views", "replay"]).arg(&out));
    // A directory that does not exist is named by the reader, not created by the lock.
    let missing = tmp.path().join("missing");
    fails(sluice().args(["views", "preview"]).arg(&missing), 3);
    assert!(!missing.exists());
}

#[test]
fn a_distilled_run_is_not_up_to_date_on_a_plain_runs_output() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let data = t.join("data");
    ok(&mut small_mix(&data));
    let teacher = t.join("teacher");
    ok(&mut train_tiny(&data, &teacher, "2"));
    let cache = t.join("cache");
    ok(sluice()
        .args(["--quiet", "logits", "cache", "--data"])
        .arg(&data)
        .arg("--teacher")
        .arg(teacher.join("model.safetensors"))
        .args(["--k", "8", "--limit", "8", "--splits", "train", "--out"])
        .arg(&cache));
    // An output of another command where a cache belongs is named as such.
    let err = fails(
        train_tiny(&data, &t.join("wrong"), "2")
            .arg("--distill-from")
            .arg(&data),
        3,
    );
    assert!(
        err.contains("holds a `mix build` output, not a `logits cache` one"),
        "{err}"
    );
    assert!(!t.join("wrong").exists(), "a refused run leaves no output");
    let run = t.join("run");
    ok(&mut train_tiny(&data, &run, "2"));
    let plain = manifest(&run);
    // The same flags plus --distill-from: another configuration, so the finished plain run is
    // neither "up to date" nor replaced without --overwrite.
    let err = fails(
        train_tiny(&data, &run, "2")
            .arg("--distill-from")
            .arg(&cache),
        2,
    );
    assert!(err.contains("--overwrite"), "{err}");
    assert_eq!(manifest(&run), plain, "the refused run changed the output");
    let o = ok(train_tiny(&data, &run, "2")
        .arg("--distill-from")
        .arg(&cache)
        .arg("--overwrite"));
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("up to date"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let distilled = manifest(&run);
    assert_ne!(distilled["fingerprint"], plain["fingerprint"]);
    assert_eq!(distilled["command"], "train lm");
    assert_eq!(
        distilled["config"]["distill_from"],
        serde_json::json!(cache.display().to_string())
    );
    // Every manifest carries the same header, the sluice version among it.
    for dir in [&data, &teacher, &cache, &run] {
        let m = manifest(dir);
        for key in ["command", "sluice_version", "fingerprint", "inputs"] {
            assert!(!m[key].is_null(), "{} lacks `{key}`", dir.display());
        }
        assert_eq!(m["sluice_version"], env!("CARGO_PKG_VERSION"));
    }
}

#[test]
fn a_symlink_out_of_the_roots_is_refused_before_anything_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("x.csv"), "a\n1\n").unwrap();
    let dir = tmp.path().join("p");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("data")).unwrap();
    let file = dir.join("link.toml");
    std::fs::write(
        &file,
        "name = \"link\"\nout = \"out\"\nroots = [\".\"]\n[steps.s]\nkind = \"sql\"\nsources = { t = \"data/x.csv\" }\nquery = \"SELECT a FROM t\"\n",
    )
    .unwrap();
    let real: PathBuf = std::fs::canonicalize(outside.join("x.csv")).unwrap();
    for verb in ["validate", "run"] {
        let err = fails(sluice().args(["pipeline", verb]).arg(&file), 2);
        assert!(
            err.contains("/steps/s/sources/t: `data/x.csv` is outside the declared roots")
                && err.contains(&real.display().to_string()),
            "{verb}: {err}"
        );
    }
    assert!(!dir.join("out").exists(), "nothing ran");
}
