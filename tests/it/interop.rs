//! The output read back by independent readers: pyarrow, numpy and Python `tokenizers`.

use std::process::Command;

use crate::util::*;

#[test]
fn pyarrow_and_python_tokenizers_agree_with_the_output() {
    let py = python("pyarrow, numpy, tokenizers");
    let tmp = tempfile::tempdir().unwrap();
    // Concat at 64 tokens; best-fit at 8192, where most documents fit whole and padding shows.
    for (packing, seq_len) in [("concat", "64"), ("best-fit", "8192")] {
        let out = tmp.path().join(packing);
        ok(small_build(&out).args([
            "--inject",
            "0.2",
            "--format",
            "parquet,megatron",
            "--shard-rows",
            "300",
            "--val-frac",
            "0.1",
            "--packing",
            packing,
            "--seq-len",
            seq_len,
        ]));
        let o = Command::new(&py)
            .arg(repo().join("tests/python/check_mix_output.py"))
            .arg(&out)
            .arg(samples().join("tokenizer.json"))
            .arg(samples().join("target/rust/iter"))
            .arg(samples().join("pretrain/sotu_1790_1849.jsonl"))
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(o.status.success(), "{packing}: {text}");
        assert!(
            text.contains("train/target:")
                && text.contains("train/pretrain:")
                && text.contains("val_pretrain/pretrain:"),
            "{packing}: {text}"
        );
        assert!(text.contains("megatron/train.idx"), "{packing}: {text}");
    }
}

#[test]
fn pyarrow_and_python_tokenizers_agree_with_a_weighted_output() {
    let py = python("pyarrow, numpy, tokenizers");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let s = samples();
    let named = |n: &str, p: &str| format!("{n}={}", s.join(p).display());
    let sources = [
        named("code", "target/rust/iter"),
        named("coll", "target/rust/collections"),
        named("prose", "pretrain"),
    ];
    let mut c = sluice();
    c.args([
        "mix",
        "build",
        "--quiet",
        "--seq-len",
        "128",
        "--val-frac",
        "0.1",
    ]);
    for src in &sources {
        c.arg("--source").arg(src);
    }
    ok(c.args([
        "--weights",
        "code=0.3,coll=0.3,prose=0.4",
        "--format",
        "parquet,megatron",
    ])
    .arg("--tokenizer")
    .arg(s.join("tokenizer.json"))
    .arg("--out")
    .arg(&out));
    let text = run_python(
        &py,
        &[
            repo().join("tests/python/check_mix_output.py").as_os_str(),
            out.as_os_str(),
            s.join("tokenizer.json").as_os_str(),
            std::ffi::OsStr::new(&sources[0]),
            std::ffi::OsStr::new(&sources[1]),
            std::ffi::OsStr::new(&sources[2]),
        ],
    );
    for part in [
        "train/code:",
        "train/coll:",
        "train/prose:",
        "megatron/train.idx",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
}
