//! The output read back by independent readers: pyarrow, numpy and Python `tokenizers`.

use std::process::Command;

use crate::util::*;

#[test]
fn pyarrow_and_python_tokenizers_agree_with_the_output() {
    let py = python("pyarrow, numpy, tokenizers");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    ok(small_build(&out).args([
        "--inject",
        "0.2",
        "--format",
        "parquet,megatron",
        "--shard-rows",
        "300",
        "--val-frac",
        "0.1",
    ]));
    let o = Command::new(py)
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
    assert!(o.status.success(), "{text}");
    assert!(
        text.contains("train/target:")
            && text.contains("train/pretrain:")
            && text.contains("val_pretrain/pretrain:"),
        "{text}"
    );
    assert!(text.contains("megatron/train.idx"), "{text}");
}
