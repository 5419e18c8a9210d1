//! Object storage against a real S3-compatible server (moto, started per test on 127.0.0.1 with
//! signature checks on): inputs read from a bucket give the bytes of the same files on disk, an
//! output published to a bucket is the local output object for object, a killed upload leaves no
//! manifest, and store failures are named and classed.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::*;

const BUCKET: &str = "corpora";

/// `tests/python/s3_server.py`, driven over its stdin.
struct S3 {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    endpoint: String,
    dropping: String,
    key: String,
    secret: String,
    stage: tempfile::TempDir,
}

impl S3 {
    fn start() -> S3 {
        let py = python("moto.server, boto3");
        let mut child = Command::new(py)
            .arg(repo().join("tests/python/s3_server.py"))
            .arg(BUCKET)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the S3 server");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let v: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("S3 server did not start ({e}): {line:?}"));
        let s = |k: &str| v[k].as_str().unwrap().to_string();
        S3 {
            endpoint: s("endpoint"),
            dropping: s("dropping_endpoint"),
            key: s("access_key"),
            secret: s("secret_key"),
            child,
            stdin,
            stdout,
            stage: tempfile::tempdir().unwrap(),
        }
    }

    fn ask(&mut self, cmd: &str) -> serde_json::Value {
        writeln!(self.stdin, "{cmd}").unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert!(v.get("error").is_none(), "{cmd}: {v}");
        v["ok"].clone()
    }

    fn put(&mut self, prefix: &str, local: &Path) {
        self.ask(&format!("put {prefix} {}", local.display()));
    }

    fn get(&mut self, prefix: &str, local: &Path) {
        self.ask(&format!("get {prefix} {}", local.display()));
    }

    fn list(&mut self, prefix: &str) -> Vec<String> {
        let v = self.ask(&format!("list {prefix}"));
        (v.as_array().unwrap().iter())
            .map(|k| k.as_str().unwrap().to_string())
            .collect()
    }

    /// The store's endpoint and this test's credentials, and nothing of the machine's own.
    fn env<'a>(&self, c: &'a mut Command) -> &'a mut Command {
        for (k, _) in std::env::vars() {
            if k.starts_with("AWS_") {
                c.env_remove(k);
            }
        }
        c.env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", &self.key)
            .env("AWS_SECRET_ACCESS_KEY", &self.secret)
            .env("AWS_REGION", "us-east-1")
            .env("SLUICE_STAGE_DIR", self.stage.path())
    }
}

impl Drop for S3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn url(key: &str) -> String {
    format!("s3://{BUCKET}/{key}")
}

/// The reference flags: both formats, small shards so there are many objects.
fn flags(c: &mut Command) -> &mut Command {
    c.args([
        "--seq-len",
        "64",
        "--val-frac",
        "0.05",
        "--inject",
        "0.05",
        "--shard-rows",
        "40",
        "--format",
        "parquet,megatron",
    ])
}

fn without_manifest(
    mut t: std::collections::BTreeMap<String, String>,
) -> std::collections::BTreeMap<String, String> {
    t.remove("manifest.json");
    t
}

#[test]
fn objects_in_s3_give_the_bytes_of_the_same_files_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s3 = S3::start();
    let (target, pretrain) = (
        samples().join("target/rust/iter"),
        samples().join("pretrain"),
    );
    s3.put("in/target", &target);
    s3.put("in/pretrain", &pretrain);
    let local = tmp.path().join("local");
    ok(flags(&mut mix_build(&target, Some(&pretrain), &local)));
    let remote = tmp.path().join("remote");
    // A directory (a prefix) and a glob.
    ok(s3.env(flags(&mut mix_build(
        Path::new(&url("in/target")),
        Some(Path::new(&url("in/pretrain/*.jsonl"))),
        &remote,
    ))));
    let want = without_manifest(tree_digest(&local));
    assert!(want.len() > 10, "{} files", want.len());
    assert_eq!(without_manifest(tree_digest(&remote)), want);
    let (ml, mr) = (manifest(&local), manifest(&remote));
    assert_eq!(ml["schedule"], mr["schedule"]);
    // The inputs are named by URL and fingerprinted by their ETags, file for file.
    let (il, ir) = (&ml["inputs"]["target"], &mr["inputs"]["target"]);
    assert_eq!(il.as_array().unwrap().len(), ir.as_array().unwrap().len());
    let first = &ir[0];
    assert!(
        first["path"]
            .as_str()
            .unwrap()
            .starts_with(&url("in/target/")),
        "{first}"
    );
    assert!(
        first["etag"].is_string() && first["sha256"].is_null(),
        "{first}"
    );
    // Nothing fetched stays behind.
    assert!(!remote.join(".sluice").exists());
}

#[test]
fn an_output_in_s3_is_the_local_output_and_its_manifest_comes_last() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s3 = S3::start();
    let (target, pretrain) = (
        samples().join("target/rust/iter"),
        samples().join("pretrain"),
    );
    let local = tmp.path().join("local");
    ok(flags(&mut mix_build(&target, Some(&pretrain), &local)));
    let want = tree_digest(&local);

    let out = url("out/a");
    ok(s3.env(flags(&mut mix_build(
        &target,
        Some(&pretrain),
        Path::new(&out),
    ))));
    let got = tmp.path().join("got");
    s3.get("out/a", &got);
    assert_eq!(
        tree_digest(&got),
        want,
        "object for object, manifest included"
    );
    let staged: Vec<_> = std::fs::read_dir(s3.stage.path()).unwrap().collect();
    assert!(
        staged.is_empty(),
        "the staged copy goes once uploaded: {staged:?}"
    );

    // The same command again: up to date, from the remote manifest alone.
    let again = ok(s3.env(flags(&mut mix_build(
        &target,
        Some(&pretrain),
        Path::new(&out),
    ))));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("already complete"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    // Another configuration on the same prefix is refused and touches nothing.
    let before = s3.list("out/a");
    let e = fails(
        s3.env(
            flags(&mut mix_build(&target, Some(&pretrain), Path::new(&out))).args(["--seed", "7"]),
        ),
        2,
    );
    assert!(e.contains(&out) && e.contains("--overwrite"), "{e}");
    assert_eq!(s3.list("out/a"), before);
    assert!(
        std::fs::read_dir(s3.stage.path()).unwrap().next().is_none(),
        "refused before anything was built"
    );

    // Killed while uploading: objects but no manifest, nothing that looks finished; the rerun
    // completes it to the same bytes.
    let mut child = s3
        .env(flags(&mut mix_build(
            &target,
            Some(&pretrain),
            Path::new(&url("out/b")),
        )))
        .env("SLUICE_TEST_UPLOAD_PAUSE_MS", "150")
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "upload never began"
        );
        assert!(child.try_wait().unwrap().is_none(), "the run ended first");
        if s3.list("out/b/train/").len() >= 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let left = s3.list("out/b");
    assert!(!left.is_empty());
    assert!(
        !left.contains(&"out/b/manifest.json".to_string()),
        "{left:?}"
    );
    ok(s3.env(flags(&mut mix_build(
        &target,
        Some(&pretrain),
        Path::new(&url("out/b")),
    ))));
    let got_b = tmp.path().join("got_b");
    s3.get("out/b", &got_b);
    assert_eq!(tree_digest(&got_b), want);

    // Another command, all in the bucket: `tokenize` from an object, with a tokenizer.json that
    // is an object too (with `add_special_tokens`, which reads it a second time), into a prefix.
    let sotu = samples().join("pretrain/sotu_1790_1849.jsonl");
    s3.put("in/sotu.jsonl", &sotu);
    let tokenizer = samples().join("tokenizer.json");
    s3.put("in/tokenizer.json", &tokenizer);
    let tokenize = |input: &Path, tokenizer: &Path, out: &Path| {
        let mut c = sluice();
        c.args(["--quiet", "tokenize", "--add-special-tokens"])
            .arg(input);
        c.arg("--tokenizer").arg(tokenizer);
        c.args(["--docs-per-shard", "7", "--out"]).arg(out);
        c
    };
    let tok_local = tmp.path().join("tok");
    ok(&mut tokenize(&sotu, &tokenizer, &tok_local));
    let remote_tokenizer = url("in/tokenizer.json");
    ok(s3.env(&mut tokenize(
        Path::new(&url("in/sotu.jsonl")),
        Path::new(&remote_tokenizer),
        Path::new(&url("out/tok")),
    )));
    let tok_got = tmp.path().join("tok_got");
    s3.get("out/tok", &tok_got);
    let want = without_manifest(tree_digest(&tok_local));
    assert!(want.len() >= 3, "{want:?}");
    assert_eq!(without_manifest(tree_digest(&tok_got)), want);
    let (l, r) = (manifest(&tok_local), manifest(&tok_got));
    assert_eq!(r["tokenizer"]["path"], remote_tokenizer.as_str());
    assert_eq!(r["tokenizer"]["sha256"], l["tokenizer"]["sha256"]);
    let missing = url("in/no-tokenizer.json");
    let e = fails(
        s3.env(&mut tokenize(
            &sotu,
            Path::new(&missing),
            &tmp.path().join("t"),
        )),
        3,
    );
    assert!(
        e.contains(&format!("tokenizer {missing} does not exist")),
        "{e}"
    );
}

#[test]
fn store_failures_name_the_object_and_their_class() {
    let mut s3 = S3::start();
    let pretrain = samples().join("pretrain");
    s3.put("in/pretrain", &pretrain);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    // The target from the bucket, the pretraining data from disk.
    let build = |s3: &S3, target: &str| {
        let mut c = mix_build(Path::new(target), Some(&pretrain), &out);
        c.args(["--inject", "0.05"]);
        s3.env(&mut c);
        c
    };

    let missing = url("in/nothing-here");
    let e = fails(&mut build(&s3, &missing), 3);
    assert!(
        e.contains(&missing) && e.contains("does not exist") && e.contains("source `target`"),
        "{e}"
    );

    let there = url("in/pretrain");
    let e = fails(
        build(&s3, &there).env("AWS_SECRET_ACCESS_KEY", "not-the-secret"),
        3,
    );
    assert!(e.contains(&there) && e.contains("access denied"), "{e}");

    let e = fails(
        build(&s3, &there)
            .env("AWS_ENDPOINT_URL", &s3.dropping)
            .env("SLUICE_STORE_RETRIES", "1")
            .env("SLUICE_STORE_RETRY_TIMEOUT_S", "5"),
        4,
    );
    // hyper words a dropped connection several ways depending on when the server hangs up
    // ("connection closed before message completed", "Connection reset by peer", "connection
    // was not ready"); all of them name the connection.
    let dropped = e.to_lowercase().contains("connection");
    assert!(e.contains(&there) && dropped, "{e}");
    assert!(!out.exists(), "a failed run leaves no output");
}

#[test]
fn images_in_s3_render_the_views_of_the_same_files_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s3 = S3::start();
    let images = samples().join("images");
    s3.put("in/images", &images);
    let views_gen = |input: &str, out: &Path| {
        let mut c = sluice();
        c.args([
            "--quiet", "views", "gen", "--k", "2", "--size", "32", "--input", input,
        ]);
        c.arg("--out").arg(out);
        c
    };
    let local = tmp.path().join("local");
    ok(&mut views_gen(&images.display().to_string(), &local));
    let remote = tmp.path().join("remote");
    let there = url("in/images");
    ok(s3.env(&mut views_gen(&there, &remote)));
    // Same ids, labels, order and pixels: every view byte for byte.
    let want = without_manifest(tree_digest(&local));
    assert!(want.keys().any(|k| k.starts_with("views/")), "{want:?}");
    assert_eq!(without_manifest(tree_digest(&remote)), want);
    let (l, r) = (manifest(&local), manifest(&remote));
    assert_eq!(r["input"]["root"], there.as_str(), "{r}");
    for k in ["files", "bytes", "sha256", "kind"] {
        assert_eq!(r["input"][k], l["input"][k], "{k}");
    }
    // The fetched copy goes with the run; a rerun hashes the objects again and is up to date.
    let staged = s3.stage.path().join("inputs");
    assert_eq!(std::fs::read_dir(&staged).unwrap().count(), 0);
    let again = ok(s3.env(&mut views_gen(&there, &remote)));
    assert!(String::from_utf8_lossy(&again.stdout).contains("already complete"));
    // A glob in the last segment takes what it matches; a missing prefix is named.
    let glob = url("in/images/animal/*.jpg");
    let few = tmp.path().join("few");
    ok(s3.env(&mut views_gen(&glob, &few)));
    assert_eq!(manifest(&few)["input"]["files"], 2);
    let missing = url("in/no-images");
    let e = fails(
        s3.env(&mut views_gen(&missing, &tmp.path().join("none"))),
        3,
    );
    assert!(e.contains(&missing) && e.contains("does not exist"), "{e}");
    // An image that does not decode is named by its object's URL, not by the local copy.
    let bad = tmp.path().join("bad");
    std::fs::create_dir_all(bad.join("cats")).unwrap();
    std::fs::write(bad.join("cats/broken.jpg"), b"not a JPEG").unwrap();
    s3.put("in/bad", &bad);
    let e = fails(
        s3.env(&mut views_gen(&url("in/bad/"), &tmp.path().join("b"))),
        3,
    );
    assert!(e.contains(&url("in/bad/cats/broken.jpg")), "{e}");
    assert!(!e.contains(&s3.stage.path().display().to_string()), "{e}");
}

#[test]
fn a_model_in_s3_serves_as_teacher_and_init_as_the_same_file_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let s = samples();
    let data = t.join("data");
    ok(mix_build(
        &s.join("target/rust/iter"),
        Some(&s.join("pretrain")),
        &data,
    )
    .args(["--seq-len", "32", "--inject", "0.05"]));
    let train = |init: Option<&str>, out: &Path| {
        let mut c = sluice();
        c.args(["--quiet", "train", "lm", "--data"]).arg(&data);
        c.args(["--steps", "2", "--batch-size", "2", "--warmup", "1"]);
        c.args(["--eval-every", "2", "--eval-sequences", "2"]);
        if let Some(m) = init {
            c.args(["--init", m]);
        }
        c.arg("--out").arg(out);
        c
    };
    ok(&mut train(None, &t.join("teacher")));
    let local = t.join("teacher/model.safetensors");
    let mut s3 = S3::start();
    s3.put("models/teacher.safetensors", &local);
    let there = url("models/teacher.safetensors");
    let cache = |teacher: &str, out: &Path| {
        let mut c = sluice();
        c.args(["--quiet", "logits", "cache", "--data"]).arg(&data);
        c.args([
            "--teacher",
            teacher,
            "--k",
            "8",
            "--limit",
            "4",
            "--splits",
            "train",
        ]);
        c.arg("--out").arg(out);
        c
    };
    ok(&mut cache(
        &local.display().to_string(),
        &t.join("cache-local"),
    ));
    ok(s3.env(&mut cache(&there, &t.join("cache-s3"))));
    // The same distributions, value for value (each shard's metadata names its teacher's file,
    // `model.safetensors` on disk and `teacher.safetensors` in the bucket: the files differ there).
    let batches = |d: &str| -> Vec<arrow::array::RecordBatch> {
        let f = std::fs::File::open(t.join(d).join("train/part-00000.parquet")).unwrap();
        let r = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
        r.build().unwrap().map(|b| b.unwrap()).collect()
    };
    let want = batches("cache-local");
    assert!(want.iter().map(|b| b.num_rows()).sum::<usize>() >= 4);
    assert_eq!(batches("cache-s3"), want);
    let (l, r) = (
        manifest(&t.join("cache-local")),
        manifest(&t.join("cache-s3")),
    );
    assert_eq!(r["inputs"]["teacher"][0]["path"], there.as_str(), "{r}");
    assert_eq!(r["meta"]["teacher"], "teacher.safetensors", "{r}");
    for (k, v) in l["meta"].as_object().unwrap() {
        if k != "teacher" {
            assert_eq!(&r["meta"][k], v, "{k}");
        }
    }
    assert_eq!(
        r["inputs"]["teacher"][0]["sha256"],
        l["inputs"]["teacher"][0]["sha256"]
    );
    // A finetune from the object gives the weights of a finetune from the file.
    ok(&mut train(
        Some(&local.display().to_string()),
        &t.join("ft-local"),
    ));
    ok(s3.env(&mut train(Some(&there), &t.join("ft-s3"))));
    let weights = |d: &str| std::fs::read(t.join(d).join("model.safetensors")).unwrap();
    assert_eq!(weights("ft-s3"), weights("ft-local"));
    let missing = url("models/none.safetensors");
    let e = fails(s3.env(&mut cache(&missing, &t.join("none"))), 3);
    assert!(
        e.contains(&format!("teacher {missing} does not exist")),
        "{e}"
    );
}

#[test]
fn a_pipeline_reads_its_sources_from_s3_as_from_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s3 = S3::start();
    let s = samples();
    s3.put("in/code", &s.join("target/rust/iter"));
    s3.put("in/prose", &s.join("pretrain"));
    let pipeline = |code: &str, prose: &str| {
        format!(
            "name = \"p\"\nout = \"out\"\nroots = [\".\", \"{root}\"]\n\n\
             [steps.mix]\nkind = \"mix\"\ntokenizer = \"{root}/tokenizer.json\"\nseq_len = 128\n\n\
             [steps.mix.sources.code]\npaths = [\"{code}\"]\nweight = \"0.7\"\n\n\
             [steps.mix.sources.prose]\npaths = [\"{prose}\"]\nweight = \"0.3\"\nwhere = \"year >= 1800\"\n",
            root = s.display()
        )
    };
    let local = tmp.path().join("local.toml");
    let remote = tmp.path().join("remote.toml");
    let code = s.join("target/rust/iter").display().to_string();
    let prose = s.join("pretrain").display().to_string() + "/*.jsonl";
    std::fs::write(&local, pipeline(&code, &prose)).unwrap();
    std::fs::write(&remote, pipeline(&url("in/code"), &url("in/prose/*.jsonl"))).unwrap();
    ok(s3.env(sluice().args(["pipeline", "validate"]).arg(&remote)));
    let run = |file: &Path, out: &Path| {
        let mut c = sluice();
        c.args(["pipeline", "run", "--quiet"])
            .arg(file)
            .arg("--out")
            .arg(out);
        c
    };
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    ok(&mut run(&local, &a));
    ok(s3.env(&mut run(&remote, &b)));
    let data = |d: &Path| without_manifest(tree_digest(&d.join("mix")));
    assert!(data(&a).len() >= 3);
    assert_eq!(data(&a), data(&b));

    // A pipeline's own out stays a directory: its steps read each other's outputs there.
    let text = pipeline(&url("in/code"), &url("in/prose/*.jsonl"))
        .replace("out = \"out\"", &format!("out = \"{}\"", url("runs/p")));
    std::fs::write(&remote, text).unwrap();
    let e = fails(
        s3.env(sluice().args(["pipeline", "validate"]).arg(&remote)),
        2,
    );
    assert!(e.contains("/out") && e.contains("object storage"), "{e}");
    // A glob must sit in the key's last segment.
    let mut glob = mix_build(Path::new(&url("in/*/x.jsonl")), None, &tmp.path().join("g"));
    glob.args(["--inject", "0"]);
    let e = fails(s3.env(&mut glob), 2);
    assert!(e.contains("last segment"), "{e}");
}

#[test]
fn a_file_over_http_reads_as_from_disk() {
    // Python's file server: no listing, no ETag, so sluice hashes the object as it streams.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(python("http.server"))
        .args(["-m", "http.server", "--bind", "127.0.0.1", "--directory"])
        .arg(samples())
        .arg(port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "http.server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let tmp = tempfile::tempdir().unwrap();
    let target = samples().join("target/rust/iter");
    let file = samples().join("pretrain/sotu_1790_1849.jsonl");
    let http = format!("http://127.0.0.1:{port}/pretrain/sotu_1790_1849.jsonl");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    ok(mix_build(&target, Some(&file), &a).args(["--inject", "0.05"]));
    let got = mix_build(&target, Some(Path::new(&http)), &b)
        .args(["--inject", "0.05"])
        .output()
        .unwrap();
    let missing = format!("http://127.0.0.1:{port}/pretrain/none.jsonl");
    let gone = mix_build(&target, Some(Path::new(&missing)), &tmp.path().join("c"))
        .args(["--inject", "0.05"])
        .output()
        .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    let e = String::from_utf8_lossy(&gone.stderr);
    assert_eq!(gone.status.code(), Some(3), "{e}");
    assert!(e.contains(&missing) && e.contains("does not exist"), "{e}");
    assert!(
        got.status.success(),
        "{}",
        String::from_utf8_lossy(&got.stderr)
    );
    assert_eq!(
        without_manifest(tree_digest(&a)),
        without_manifest(tree_digest(&b))
    );
    let (ia, ib) = (
        &manifest(&a)["inputs"]["pretrain"][0],
        &manifest(&b)["inputs"]["pretrain"][0],
    );
    assert_eq!(ib["path"], http.as_str());
    assert_eq!(ib["sha256"], ia["sha256"], "hashed as it streamed: {ib}");
}
