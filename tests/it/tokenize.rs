//! `sluice tokenize`: one row per document in input order with the ids Python `tokenizers` gives
//! (read back by pyarrow), the same bytes for any thread count and after a resume, clear errors.

use std::path::Path;
use std::process::Command;

use crate::util::*;

fn llama3() -> std::path::PathBuf {
    let dir = std::env::var("SLUICE_TOKENIZERS").expect(
        "SLUICE_TOKENIZERS unset: run the tests with scripts/test.sh (it fetches the tokenizers)",
    );
    Path::new(&dir).join("llama3_1.json")
}

fn sotu() -> std::path::PathBuf {
    samples().join("pretrain/sotu_1790_1849.jsonl")
}

fn tokenize(out: &Path, threads: &str) -> Command {
    let mut c = sluice();
    c.args(["--quiet", "tokenize"]).arg(sotu());
    c.arg("--tokenizer").arg(llama3());
    c.args(["--where", "year >= 1800", "--add-special-tokens"]);
    c.args(["--docs-per-shard", "7", "--threads", threads]);
    c.arg("--out").arg(out);
    c
}

#[test]
fn tokenize_writes_every_document_in_order_with_the_reference_ids() {
    let py = python("pyarrow, tokenizers");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("tok");
    let text = String::from_utf8(ok(&mut tokenize(&out, "2")).stdout).unwrap();
    assert!(text.contains("fast-bpe"), "{text}");
    let m = manifest(&out);
    assert_eq!(m["command"], "tokenize");
    assert_eq!(m["tokenizer"]["engine"], "fast-bpe");
    assert_eq!(m["documents"], 50, "SOTU 1800-1849: 50 addresses");
    assert_eq!(
        m["shards"].as_array().unwrap().len(),
        8,
        "50 documents, 7 per shard"
    );
    let said = run_python(
        &py,
        &[
            repo()
                .join("tests/python/check_tokenize_output.py")
                .as_os_str(),
            out.as_os_str(),
            llama3().as_os_str(),
            sotu().as_os_str(),
            "1800".as_ref(),
        ],
    );
    assert!(said.contains("ok: 50 documents"), "{said}");
}

#[test]
fn tokenize_output_is_the_same_for_any_thread_count_and_after_a_resume() {
    let tmp = tempfile::tempdir().unwrap();
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    ok(&mut tokenize(&one, "1"));
    ok(&mut tokenize(&two, "2"));
    assert_eq!(tree_digest(&one), tree_digest(&two));
    // What an interrupted run leaves: its run file, no manifest, a shard not yet written and
    // another one half-written under its temporary name.
    let fingerprint = manifest(&two)["fingerprint"].as_str().unwrap().to_string();
    std::fs::remove_file(two.join("manifest.json")).unwrap();
    std::fs::create_dir_all(two.join(".sluice")).unwrap();
    std::fs::write(
        two.join(".sluice/run.json"),
        serde_json::json!({ "fingerprint": fingerprint }).to_string(),
    )
    .unwrap();
    std::fs::remove_file(two.join("docs/part-00003.parquet")).unwrap();
    std::fs::remove_file(two.join("docs/part-00005.parquet")).unwrap();
    std::fs::write(two.join("docs/part-00005.parquet.tmp"), b"PAR1 torn").unwrap();
    let text = String::from_utf8(ok(&mut tokenize(&two, "2")).stdout).unwrap();
    assert!(text.contains("resumed: 6 shards kept"), "{text}");
    assert_eq!(data(&one), data(&two));
    assert_eq!(manifest(&one)["tokens"], manifest(&two)["tokens"]);
    assert_eq!(manifest(&one)["shards"], manifest(&two)["shards"]);
    let again = String::from_utf8(ok(&mut tokenize(&two, "1")).stdout).unwrap();
    assert!(again.contains("already complete"), "{again}");
}

/// The shards of an output.
fn data(dir: &Path) -> std::collections::BTreeMap<String, String> {
    tree_digest(dir)
        .into_iter()
        .filter(|(k, _)| k.ends_with(".parquet"))
        .collect()
}

#[test]
fn tokenize_rejects_bad_input_with_the_object_named() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let base = |c: &mut Command| {
        c.args(["--quiet", "tokenize"]).arg(sotu());
        c.arg("--out").arg(&out);
    };
    let mut c = sluice();
    base(&mut c);
    c.arg("--tokenizer").arg(samples().join("tokenizer.json"));
    c.args(["--text-column", "body"]);
    let err = fails(&mut c, 3);
    assert!(
        err.contains("body") && err.contains("sotu_1790_1849.jsonl"),
        "{err}"
    );
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, b"{\"model\": 42}").unwrap();
    let mut c = sluice();
    base(&mut c);
    c.arg("--tokenizer").arg(&bad);
    let err = fails(&mut c, 3);
    assert!(
        err.contains("bad.json") && err.contains("not a valid HuggingFace tokenizer.json"),
        "{err}"
    );
    let mut j: serde_json::Value =
        serde_json::from_slice(&std::fs::read(samples().join("tokenizer.json")).unwrap()).unwrap();
    j["pre_tokenizer"] = serde_json::json!({"type": "Whitespace"});
    let ws = tmp.path().join("ws.json");
    std::fs::write(&ws, serde_json::to_vec(&j).unwrap()).unwrap();
    let mut c = sluice();
    base(&mut c);
    c.arg("--tokenizer")
        .arg(&ws)
        .args(["--tokenizer-engine", "fast"]);
    let err = fails(&mut c, 2);
    assert!(
        err.contains("ws.json") && err.contains("Whitespace"),
        "{err}"
    );
    assert!(!out.exists(), "a refused run left {}", out.display());
}
