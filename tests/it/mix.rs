//! `mix build`: exact injection, determinism, splits, epochs, filters, formats.

use std::collections::HashSet;

use crate::util::*;

#[test]
fn default_command_runs_on_the_shipped_samples() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("mix");
    let o = ok(sluice()
        .args(["mix", "build", "--inject", "0.01", "--out"])
        .arg(&out));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("inject     0.01 = 1/100"), "{stdout}");
    let m = manifest(&out);
    let s = &m["schedule"];
    let (n, p) = (
        s["total_sequences"].as_u64().unwrap(),
        s["sources"]["pretrain"]["sequences"].as_u64().unwrap(),
    );
    assert_eq!(p, (n + 50) / 100, "round(0.01 n) with halves up");
    let rows = read_split(&out.join("train"));
    assert_eq!(rows.len() as u64, n);
    assert!(rows.iter().all(|r| r.input_ids.len() == 2048));
    assert_eq!(
        rows.iter().filter(|r| r.source == "pretrain").count() as u64,
        p
    );
    assert!(
        !read_split(&out.join("val_target")).is_empty(),
        "the samples give a target validation set"
    );
    assert!(
        !read_split(&out.join("val_pretrain")).is_empty(),
        "the samples give a pretraining validation set"
    );
    assert_eq!(m["tokenizer"]["eos_id"], 50256);
    assert_eq!(m["tokenizer"]["engine"], "fast-bpe");
    // Every shard listed with its real hash.
    for f in m["splits"]["train"]["files"].as_array().unwrap() {
        let path = out.join(f["path"].as_str().unwrap());
        assert_eq!(
            sluice::core::fingerprint::sha256_file(&path).unwrap(),
            f["sha256"].as_str().unwrap()
        );
    }
    assert!(
        !out.join(".sluice").exists(),
        "work directory removed after the manifest"
    );
}

#[test]
fn every_prefix_holds_the_exact_fraction() {
    let tmp = tempfile::tempdir().unwrap();
    for p in ["0", "0.001", "0.01", "0.05", "0.5"] {
        let out = tmp.path().join(format!("p{p}"));
        ok(small_build(&out).args(["--inject", p, "--seq-len", "32"]));
        let rows = read_split(&out.join("train"));
        let pf: f64 = p.parse().unwrap();
        let mut pre = 0usize;
        for (i, r) in rows.iter().enumerate() {
            pre += (r.source == "pretrain") as usize;
            let dev = (pre as f64 - pf * (i + 1) as f64).abs();
            assert!(
                dev <= 1.0,
                "p={p}: after {} sequences {pre} are pretraining (dev {dev})",
                i + 1
            );
        }
        assert!(
            rows.len() > 1000,
            "enough sequences to mean something: {}",
            rows.len()
        );
        if pf > 0.0 {
            assert!(pre > 0, "p={p} injected nothing");
        }
        assert_eq!(
            manifest(&out)["schedule"]["sources"]["pretrain"]["sequences"]
                .as_u64()
                .unwrap(),
            pre as u64
        );
    }
}

#[test]
fn output_is_byte_identical_across_threads_and_reruns_and_bucket_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let mut digests = Vec::new();
    for (i, extra) in [
        ["--threads", "1"],
        ["--threads", "2"],
        ["--threads", "4"],
        ["--threads", "2"],
    ]
    .iter()
    .enumerate()
    {
        let out = tmp.path().join(format!("run{i}"));
        let mut c = small_build(&out);
        c.args(["--inject", "0.05", "--shard-rows", "500", "--epochs", "2"])
            .args(extra);
        if i == 3 {
            // One MiB of shuffle memory: many buckets, same order.
            c.args(["--shuffle-mem-mb", "1"]);
        }
        ok(&mut c);
        digests.push(tree_digest(&out));
    }
    assert!(digests[0].len() > 4, "{:?}", digests[0].keys());
    for d in &digests[1..] {
        assert_eq!(&digests[0], d);
    }
}

#[test]
fn seeds_change_the_order_but_not_the_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    ok(small_build(&a).args(["--inject", "0.05", "--seed", "1"]));
    ok(small_build(&b).args(["--inject", "0.05", "--seed", "2"]));
    let (ra, rb) = (read_split(&a.join("train")), read_split(&b.join("train")));
    assert_ne!(ra, rb, "another seed, another order");
    let (ma, mb) = (manifest(&a), manifest(&b));
    // Same documents read; a different held-out set.
    assert_eq!(
        ma["sources"]["target"]["records"],
        mb["sources"]["target"]["records"]
    );
    assert_ne!(
        read_split(&a.join("val_target")),
        read_split(&b.join("val_target"))
    );
}

/// Split a stream of rows back into whole documents (those that start and end inside it).
fn documents(rows: &[Row]) -> Vec<Vec<u32>> {
    let mut flat = Vec::new();
    let mut starts = Vec::new();
    for r in rows {
        let base = flat.len() as u32;
        starts.extend(r.doc_starts.iter().map(|s| s + base));
        flat.extend_from_slice(&r.input_ids);
    }
    starts
        .windows(2)
        .map(|w| flat[w[0] as usize..w[1] as usize].to_vec())
        .collect()
}

#[test]
fn validation_documents_never_appear_in_train_and_pretraining_never_repeats() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    ok(small_build(&out).args(["--inject", "0.3", "--val-frac", "0.2", "--epochs", "3"]));
    let train = read_split(&out.join("train"));
    let tgt: Vec<Row> = train
        .iter()
        .filter(|r| r.source == "target")
        .cloned()
        .collect();
    let pre: Vec<Row> = train
        .iter()
        .filter(|r| r.source == "pretrain")
        .cloned()
        .collect();
    let train_docs: HashSet<Vec<u32>> =
        documents(&tgt).into_iter().chain(documents(&pre)).collect();
    for split in ["val_target", "val_pretrain"] {
        let val = documents(&read_split(&out.join(split)));
        assert!(!val.is_empty(), "{split} has whole documents");
        for d in &val {
            assert!(
                !train_docs.contains(d),
                "a {split} document is also in train"
            );
        }
    }
    // Target documents repeat once per epoch; pretraining documents never do.
    let pre_docs = documents(&pre);
    assert_eq!(
        pre_docs.iter().collect::<HashSet<_>>().len(),
        pre_docs.len(),
        "a pretraining document repeats"
    );
    let m = manifest(&out);
    let t = &m["sources"]["target"];
    let docs_in_train = m["splits"]["train"]["by_source"]["target"]["documents"]
        .as_u64()
        .unwrap();
    let unique = t["train_documents"].as_u64().unwrap();
    assert!(
        docs_in_train > 2 * unique && docs_in_train <= 3 * unique,
        "{docs_in_train} vs 3 x {unique}"
    );
    // Each epoch is a different order.
    let tdocs = documents(&tgt);
    let u = unique as usize;
    assert_ne!(tdocs[..u / 2], tdocs[u..u + u / 2]);
}

#[test]
fn not_enough_pretraining_data_fails_before_writing_anything() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let pre = tmp.path().join("pre.jsonl");
    std::fs::write(
        &pre,
        "{\"text\": \"Only a few words of general English text here.\"}\n".repeat(5),
    )
    .unwrap();
    let mut c = mix_build(&samples().join("target/rust/iter"), Some(&pre), &out);
    c.args(["--seq-len", "64", "--inject", "0.5", "--val-frac", "0"]);
    let err = fails(&mut c, 3);
    assert!(
        err.contains("pretraining tokens") && err.contains("needs"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn where_filters_and_text_columns_apply_per_source() {
    let tmp = tempfile::tempdir().unwrap();
    let (all, some) = (tmp.path().join("all"), tmp.path().join("some"));
    ok(small_build(&all).args(["--inject", "0.01"]));
    ok(small_build(&some).args([
        "--inject",
        "0.01",
        "--pretrain-where",
        "year < 1800",
        "--target-where",
        "path NOT LIKE '%adapters%'",
    ]));
    let (ma, ms) = (manifest(&all), manifest(&some));
    let recs = |m: &serde_json::Value, s: &str| m["sources"][s]["records"].as_u64().unwrap();
    assert_eq!(recs(&ms, "pretrain"), 10, "addresses of 1790-1799");
    assert!(recs(&ma, "pretrain") > 50);
    assert!(recs(&ms, "target") < recs(&ma, "target"));
}

#[test]
fn parquet_and_csv_sources_read_like_jsonl() {
    // The same documents as JSONL, CSV and Parquet (written with arrow) give the same output.
    let tmp = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(samples().join("pretrain/sotu_1790_1849.jsonl")).unwrap();
    let texts: Vec<String> = src
        .lines()
        .take(40)
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let jsonl = tmp.path().join("d.jsonl");
    std::fs::write(
        &jsonl,
        texts
            .iter()
            .map(|t| serde_json::json!({"body": t}).to_string() + "\n")
            .collect::<String>(),
    )
    .unwrap();
    let csv = tmp.path().join("d.csv");
    let mut w = String::from("id,body\n");
    for (i, t) in texts.iter().enumerate() {
        w += &format!("{i},\"{}\"\n", t.replace('"', "\"\""));
    }
    std::fs::write(&csv, w).unwrap();
    let pq = tmp.path().join("d.parquet");
    {
        use arrow::array::{RecordBatch, StringArray};
        use std::sync::Arc;
        let batch =
            RecordBatch::try_from_iter([("body", Arc::new(StringArray::from(texts.clone())) as _)])
                .unwrap();
        let mut wr = parquet::arrow::ArrowWriter::try_new(
            std::fs::File::create(&pq).unwrap(),
            batch.schema(),
            None,
        )
        .unwrap();
        wr.write(&batch).unwrap();
        wr.close().unwrap();
    }
    let mut outs = Vec::new();
    for (i, input) in [&jsonl, &csv, &pq].iter().enumerate() {
        let out = tmp.path().join(format!("o{i}"));
        ok(mix_build(input, Some(input), &out).args([
            "--inject",
            "0",
            "--seq-len",
            "128",
            "--text-column",
            "body",
        ]));
        outs.push((
            read_split(&out.join("train")),
            read_split(&out.join("val_target")),
        ));
    }
    assert!(!outs[0].0.is_empty());
    assert_eq!(outs[0], outs[1], "CSV differs from JSONL");
    assert_eq!(outs[0], outs[2], "Parquet differs from JSONL");
}

#[test]
fn json_output_is_the_manifest_and_a_rerun_is_a_no_op() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let o = ok(small_build(&out).args(["--inject", "0.01", "--json"]));
    let printed: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(printed, manifest(&out));
    let before = tree_digest(&out);
    let o = ok(small_build(&out).args(["--inject", "0.01"]));
    assert!(String::from_utf8_lossy(&o.stdout).contains("already complete"));
    assert_eq!(before, tree_digest(&out));
    // Another configuration into the same directory is refused without --overwrite.
    let err = fails(small_build(&out).args(["--inject", "0.02"]), 2);
    assert!(err.contains("--overwrite"), "{err}");
    ok(small_build(&out).args(["--inject", "0.02", "--overwrite"]));
    assert_eq!(manifest(&out)["schedule"]["inject"], "0.02");
}
