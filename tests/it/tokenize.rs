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
    let said = check_output(&py, &out, &sotu(), "1800");
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

/// `tests/python/check_tokenize_output.py`: the output's ids against Python `tokenizers` on the
/// documents of `src` (the addresses from year `filter` on, or `all` lines).
fn check_output(py: &str, out: &Path, src: &Path, filter: &str) -> String {
    let script = repo().join("tests/python/check_tokenize_output.py");
    run_python(
        py,
        &[
            script.as_os_str(),
            out.as_os_str(),
            llama3().as_os_str(),
            src.as_os_str(),
            filter.as_ref(),
        ],
    )
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

#[test]
fn jsonl_is_read_as_python_json_reads_it() {
    // No --where: JSONL goes through sluice's own line reader. Escapes, surrogate pairs, nested
    // and repeated keys, CRLF, blank lines, every JSON type in other fields, and more than one
    // batch of text (the addresses twice, ~3 MB): the documents are what `json.loads` gives.
    let py = python("pyarrow, tokenizers");
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("tricky.jsonl");
    let mut body = String::new();
    body +=
        r#"{"text": "plain \"quoted\" \\ back\/slash \u00e9 \ud83d\ude00 tab\tnl\n", "year": 1}"#;
    body += "\n";
    body += r#"{"meta": {"text": "not me", "l": [1, 2.5e3, true, null, {"text": "nor me"}]}, "text": "the outer field"}"#;
    body += "\r\n\n   \n";
    body += r#"{"text": "first", "n": -0.0, "text": "last wins, as in Python"}"#;
    body += "\n";
    body += r#"{"te\u0078t": "an escaped key", "x": "\u0000 nul and \u2028 separator"}"#;
    body += "\n{\"text\": \"raw \u{2028} separator and \u{1F600} in the line\"}\n";
    let sotu = std::fs::read_to_string(sotu()).unwrap();
    body += &sotu;
    body += &sotu;
    body += r#"{"text": ""}"#;
    std::fs::write(&src, &body).unwrap();
    let out = tmp.path().join("tok");
    let mut c = sluice();
    c.args(["--quiet", "tokenize"]).arg(&src);
    c.arg("--tokenizer").arg(llama3());
    c.args([
        "--add-special-tokens",
        "--docs-per-shard",
        "13",
        "--threads",
        "2",
    ]);
    ok(c.arg("--out").arg(&out));
    assert_eq!(manifest(&out)["documents"], 126, "6 + 2 x 60 documents");
    let said = check_output(&py, &out, &src, "all");
    assert!(said.contains("ok: 126 documents"), "{said}");
}

#[test]
fn jsonl_records_without_a_usable_text_are_named_by_line() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let run = |name: &str, body: String, skip: bool| {
        let src = t.join(name);
        std::fs::write(&src, body).unwrap();
        let out = t.join(format!("out-{name}"));
        let mut c = sluice();
        c.args(["--quiet", "tokenize"]).arg(&src);
        c.arg("--tokenizer").arg(samples().join("tokenizer.json"));
        if skip {
            c.args(["--on-error", "skip"]);
        }
        c.arg("--out").arg(&out);
        (c, out)
    };
    // A number where the text should be: named by its line, or skipped and counted.
    let body = "{\"text\": \"fine\"}\n{\"text\": 5}\n{\"text\": \"also fine\"}\n".to_string();
    let err = fails(&mut run("num.jsonl", body.clone(), false).0, 3);
    assert!(
        err.contains("num.jsonl line 2") && err.contains("column `text` is not a string"),
        "{err}"
    );
    let (mut c, out) = run("num2.jsonl", body, true);
    ok(&mut c);
    let m = manifest(&out);
    assert_eq!(m["documents"], 2);
    assert_eq!(m["scan"]["skipped"]["text_not_a_string"], 1, "{m}");
    // The column absent from the first 1,000 objects is missing (what DataFusion's schema
    // inference over 1,000 records says), though a later line has it.
    let mut body = "{\"body\": \"x\", \"id\": 1}\n".repeat(1000);
    body += "{\"text\": \"too late\"}\n";
    let err = fails(&mut run("late.jsonl", body, true).0, 3);
    assert!(
        err.contains("column `text` missing in source `input`, file")
            && err.contains("late.jsonl")
            && err.contains("(columns: body, id)"),
        "{err}"
    );
    // Absent before it first appears: those lines hold nulls.
    let body = "{\"body\": \"x\"}\n{\"text\": \"here\"}\n{\"text\": null}\n".to_string();
    let err = fails(&mut run("nulls.jsonl", body.clone(), false).0, 3);
    assert!(
        err.contains("nulls.jsonl line 1: column `text` is null in row 1"),
        "{err}"
    );
    let (mut c, out) = run("nulls2.jsonl", body, true);
    ok(&mut c);
    let m = manifest(&out);
    assert_eq!(m["documents"], 1);
    assert_eq!(m["scan"]["skipped"]["null_text"], 2, "{m}");
    assert_eq!(m["scan"]["records"], 3, "{m}");
}
