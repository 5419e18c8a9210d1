//! Malformed inputs: a clear message naming the object at fault, and the exit code of its class
//! (2 config, 3 input, 4 io).

use std::path::Path;
use std::process::Command;

use crate::util::*;

fn build_with_target(target: &Path, out: &Path) -> Command {
    let mut c = mix_build(target, None, out);
    c.args(["--inject", "0", "--seq-len", "16"]);
    c
}

#[test]
fn malformed_inputs_are_named_with_their_class() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let out = t.join("out");
    let write = |name: &str, bytes: &[u8]| {
        let p = t.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };

    let err = fails(&mut build_with_target(&t.join("nope"), &out), 3);
    assert!(
        err.contains("nope") && err.contains("does not exist"),
        "{err}"
    );

    let p = write("corrupt.parquet", b"PAR1 this is not parquet at all PAR1");
    let err = fails(&mut build_with_target(&p, &out), 3);
    assert!(
        err.contains("corrupt.parquet") && err.contains("source `target`"),
        "{err}"
    );

    let p = write(
        "bad.jsonl",
        b"{\"text\": \"fine line one\"}\n{\"text\": \"fine\"}\n{not json}\n",
    );
    let err = fails(&mut build_with_target(&p, &out), 3);
    assert!(
        err.contains("bad.jsonl line 3") && err.contains("not valid JSON"),
        "{err}"
    );

    let p = write("notext.jsonl", b"{\"body\": \"hello there\"}\n");
    let err = fails(&mut build_with_target(&p, &out), 3);
    assert!(
        err.contains("column `text` missing in source `target`, file")
            && err.contains("notext.jsonl")
            && err.contains("body"),
        "{err}"
    );

    let p = write(
        "latin1.txt",
        b"caf\xe9 au lait, and more words to make a document",
    );
    let err = fails(&mut build_with_target(&p, &out), 3);
    assert!(
        err.contains("latin1.txt") && err.contains("invalid UTF-8 at byte 3"),
        "{err}"
    );

    let p = write("empty.jsonl", b"");
    let err = fails(&mut build_with_target(&p, &out), 3);
    assert!(err.contains("source `target` has no documents"), "{err}");

    let p = write(
        "nulls.jsonl",
        b"{\"text\": \"some words here\"}\n{\"text\": null}\n",
    );
    let err = fails(&mut build_with_target(&p, &out), 3);
    assert!(
        err.contains("nulls.jsonl") && err.contains("null in row 2"),
        "{err}"
    );

    let p = write("ok.jsonl", "{\"text\": \"A perfectly fine document with enough words to fill a sequence or two of sixteen tokens.\"}\n".repeat(3).as_bytes());
    let bad_tok = write("tokenizer.json", b"{\"model\": 42}");
    let err = fails(
        build_with_target(&p, &out).arg("--tokenizer").arg(&bad_tok),
        3,
    );
    assert!(
        err.contains("tokenizer.json") && err.contains("not a valid HuggingFace tokenizer.json"),
        "{err}"
    );
    let err = fails(
        build_with_target(&p, &out)
            .arg("--tokenizer")
            .arg(t.join("missing.json")),
        4,
    );
    assert!(err.contains("missing.json"), "{err}");

    for (args, needle) in [
        (vec!["--inject", "1"], "outside [0, 1)"),
        (vec!["--inject", "-0.1"], "outside [0, 1)"),
        (vec!["--inject", "abc"], "not a number"),
        (vec!["--seq-len", "0"], "--seq-len must be at least 1"),
        (
            vec!["--inject", "0.01"],
            "needs pretraining data: pass --pretrain",
        ),
        (vec!["--val-frac", "1.5"], "--val-frac 1.5 is outside"),
        (
            vec!["--where", "nonexistent_col > 3"],
            "--where `nonexistent_col > 3`",
        ),
    ] {
        let mut c = build_with_target(&p, &out);
        // A later --inject overrides the earlier one.
        c.args(&args);
        let err = fails(&mut c, 2);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    assert!(!out.exists(), "failed runs leave no output directory");

    // A directory that is not ours is never clobbered.
    let mine = t.join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), b"keep me").unwrap();
    let err = fails(&mut build_with_target(&p, &mine), 2);
    assert!(err.contains("not a sluice output"), "{err}");
    assert_eq!(std::fs::read(mine.join("notes.txt")).unwrap(), b"keep me");
}

#[test]
fn on_error_skip_counts_what_it_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let dir = t.join("mixed");
    std::fs::create_dir(&dir).unwrap();
    let good = "{\"text\": \"A perfectly fine document with enough words to fill a sequence or two of sixteen tokens.\"}\n";
    let mut bytes = format!("{good}{{broken\n{good}{{\"text\": null}}\n").into_bytes();
    bytes.extend_from_slice(b"\xff\xfe\n");
    std::fs::write(dir.join("a.jsonl"), bytes).unwrap();
    std::fs::write(dir.join("b.txt"), b"\xff not utf8 at all").unwrap();
    std::fs::write(
        dir.join("c.txt"),
        "plain text document that is fine and long enough to matter here",
    )
    .unwrap();
    std::fs::write(dir.join("d.txt"), "").unwrap();
    let out = t.join("out");
    ok(build_with_target(&dir, &out).args(["--on-error", "skip", "--val-frac", "0"]));
    let m = manifest(&out);
    let s = &m["sources"]["target"];
    assert_eq!(s["skipped"]["bad_json_line"], 1, "{s}");
    assert_eq!(s["skipped"]["invalid_utf8"], 2, "{s}");
    assert_eq!(s["skipped"]["null_text"], 1, "{s}");
    assert_eq!(s["skipped"]["empty"], 1, "{s}");
    assert_eq!(s["train_documents"], 3, "{s}");
}
