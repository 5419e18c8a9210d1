//! Running the binary and reading its output.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arrow::array::AsArray;
use arrow::datatypes::UInt32Type;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn samples() -> PathBuf {
    repo().join("samples")
}

pub fn sluice() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sluice"));
    c.current_dir(repo());
    c
}

/// Run and require success.
pub fn ok(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("run sluice");
    assert!(
        out.status.success(),
        "sluice failed ({:?}):\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Run and require failure with `code`; returns stderr.
pub fn fails(cmd: &mut Command, code: i32) -> String {
    let out = cmd.output().expect("run sluice");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(code),
        "stderr:\n{stderr}\nstdout:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

/// `mix build --quiet --target T [--pretrain P] --out O`; callers add the rest.
pub fn mix_build(target: &Path, pretrain: Option<&Path>, out: &Path) -> Command {
    let mut c = sluice();
    c.args(["mix", "build", "--quiet", "--target"]).arg(target);
    if let Some(p) = pretrain {
        c.arg("--pretrain").arg(p);
    }
    c.arg("--out").arg(out);
    c
}

/// A small real corpus: the `iter` part of the Rust sample as target, the SOTU addresses as pretraining.
pub fn small_build(out: &Path) -> Command {
    let mut c = mix_build(
        &samples().join("target/rust/iter"),
        Some(&samples().join("pretrain")),
        out,
    );
    c.args(["--seq-len", "64", "--val-frac", "0.05"]);
    c
}

/// Every file under `dir` with its bytes' sha256, relative path as key.
pub fn tree_digest(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, sluice::core::fingerprint::sha256_file(&p).unwrap());
            }
        }
    }
    out
}

/// One row of a sequence shard.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub input_ids: Vec<u32>,
    pub source: String,
    pub doc_starts: Vec<u32>,
}

/// All rows of a split, shards in name order.
pub fn read_split(dir: &Path) -> Vec<Row> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    files.sort();
    let mut rows = Vec::new();
    for f in files {
        let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&f).unwrap())
            .unwrap()
            .build()
            .unwrap();
        for batch in reader {
            let batch = batch.unwrap();
            let ids = batch.column(0).as_list::<i32>();
            let src = batch.column(1).as_string::<i32>();
            let starts = batch.column(2).as_list::<i32>();
            for i in 0..batch.num_rows() {
                rows.push(Row {
                    input_ids: ids.value(i).as_primitive::<UInt32Type>().values().to_vec(),
                    source: src.value(i).to_string(),
                    doc_starts: starts
                        .value(i)
                        .as_primitive::<UInt32Type>()
                        .values()
                        .to_vec(),
                });
            }
        }
    }
    rows
}

pub fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

/// The Python that `scripts/test.sh` sets up (SLUICE_PYTHON), checked to import `modules`.
pub fn python(modules: &str) -> String {
    let py = std::env::var("SLUICE_PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = std::process::Command::new(&py)
        .args(["-c", &format!("import {modules}")])
        .output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "`{py}` lacks {modules}: run the tests with scripts/test.sh, or set SLUICE_PYTHON"
    );
    py
}

/// Run a Python check script; require success and return what it printed.
pub fn run_python(py: &str, args: &[&std::ffi::OsStr]) -> String {
    let o = std::process::Command::new(py).args(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{text}");
    text
}
