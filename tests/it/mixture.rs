//! `mix build` with N weighted sources, mixture files, globs and best-fit packing.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::util::*;

/// `mix build` of the three shipped corpora as weighted sources; callers add the weights.
fn weighted(out: &Path) -> Command {
    let mut c = sluice();
    c.args(["mix", "build", "--quiet", "--seq-len", "64"])
        .arg("--source")
        .arg(format!(
            "code={}",
            samples().join("target/rust/iter").display()
        ))
        .arg("--source")
        .arg(format!(
            "coll={}",
            samples().join("target/rust/collections/*").display()
        ))
        .arg("--source")
        .arg(format!("prose={}", samples().join("pretrain").display()))
        .arg("--tokenizer")
        .arg(samples().join("tokenizer.json"))
        .arg("--out")
        .arg(out);
    c
}

/// Data files only (the manifest names paths and options).
fn data_digest(dir: &Path) -> BTreeMap<String, String> {
    tree_digest(dir)
        .into_iter()
        .filter(|(k, _)| k != "manifest.json")
        .collect()
}

#[test]
fn weighted_sources_hold_every_prefix_within_one_sequence() {
    let tmp = tempfile::tempdir().unwrap();
    let weights = [("code", 0.45), ("coll", 0.35), ("prose", 0.2)];
    let mut digests = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("t{threads}"));
        ok(weighted(&out).args([
            "--weights",
            "code=0.45,coll=0.35,prose=0.2",
            "--threads",
            threads,
        ]));
        digests.push(data_digest(&out));
    }
    assert_eq!(digests[0], digests[1], "thread count changed the output");
    let out = tmp.path().join("t1");
    let rows = read_split(&out.join("train"));
    assert!(rows.len() > 3000, "{} sequences", rows.len());
    let mut c: BTreeMap<&str, u64> = BTreeMap::new();
    for (n, r) in rows.iter().enumerate() {
        *c.entry(r.source.as_str()).or_default() += 1;
        for (name, w) in weights {
            let dev = (c.get(name).copied().unwrap_or(0) as f64 - w * (n + 1) as f64).abs();
            assert!(
                dev <= 1.0,
                "after {} sequences `{name}` is {dev} off",
                n + 1
            );
        }
    }
    let m = manifest(&out);
    let s = &m["schedule"];
    assert_eq!(s["total_sequences"].as_u64().unwrap(), rows.len() as u64);
    assert!(s["max_prefix_deviation"].as_f64().unwrap() < 1.0);
    for (name, w) in weights {
        let share = &s["sources"][name];
        assert_eq!(share["sequences"].as_u64().unwrap(), c[name], "{name}");
        assert_eq!(share["tokens"].as_u64().unwrap(), c[name] * 64, "{name}");
        assert!((share["weight"].as_f64().unwrap() - w).abs() < 1e-12);
        assert!(out.join(format!("val_{name}")).is_dir(), "val_{name}");
    }
    // The code source is the scarcest for its weight: it sets the length and is used up.
    assert_eq!(s["limited_by"], "code");
    assert!(s["sources"]["code"]["unused_tokens"].as_u64().unwrap() < 64);
    // The glob found the collections sources.
    assert!(m["sources"]["coll"]["files"].as_u64().unwrap() > 30);
}

#[test]
fn a_mixture_file_gives_the_flags_bytes_and_sets_options_per_source() {
    let tmp = tempfile::tempdir().unwrap();
    let flags = tmp.path().join("flags");
    ok(weighted(&flags).args(["--weights", "code=0.5,coll=0.3,prose=0.2"]));
    let file = tmp.path().join("mix.toml");
    let s = samples();
    std::fs::write(
        &file,
        format!(
            "[sources.code]\npaths = [\"{}\"]\nweight = 0.5\n\n\
             [sources.coll]\npaths = [\"{}\"]\nweight = \"0.3\"\n\n\
             [sources.prose]\npaths = [\"{}\"]\nweight = 0.2\n",
            s.join("target/rust/iter").display(),
            s.join("target/rust/collections/*").display(),
            s.join("pretrain").display()
        ),
    )
    .unwrap();
    let from_file = tmp.path().join("file");
    let mixture = |out: &Path| {
        let mut c = sluice();
        c.args(["mix", "build", "--quiet", "--seq-len", "64", "--mixture"])
            .arg(&file)
            .arg("--tokenizer")
            .arg(s.join("tokenizer.json"))
            .arg("--out")
            .arg(out);
        c
    };
    ok(&mut mixture(&from_file));
    assert_eq!(data_digest(&flags), data_digest(&from_file));

    // Per-source filter and epochs, paths relative to the file.
    let dir = tmp.path().join("m");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("mix.toml"),
        format!(
            "[sources.code]\npaths = [\"{}\"]\nweight = 0.98\nepochs = 3\n\n\
             [sources.prose]\npaths = [\"sotu.jsonl\"]\nweight = 0.02\nwhere = \"year < 1800\"\n",
            s.join("target/rust/iter").display()
        ),
    )
    .unwrap();
    std::fs::copy(
        s.join("pretrain/sotu_1790_1849.jsonl"),
        dir.join("sotu.jsonl"),
    )
    .unwrap();
    let out = tmp.path().join("per-source");
    ok(sluice()
        .args(["mix", "build", "--quiet", "--seq-len", "64", "--mixture"])
        .arg(dir.join("mix.toml"))
        .arg("--tokenizer")
        .arg(s.join("tokenizer.json"))
        .arg("--out")
        .arg(&out));
    let m = manifest(&out);
    assert_eq!(
        m["sources"]["prose"]["records"], 10,
        "addresses of 1790-1799"
    );
    // Three passes over the code: its documents begin about three times over in train.
    let unique = m["sources"]["code"]["train_documents"].as_u64().unwrap();
    let begun = m["splits"]["train"]["by_source"]["code"]["documents"]
        .as_u64()
        .unwrap();
    assert!(
        begun > 2 * unique && begun <= 3 * unique,
        "{begun} vs 3 x {unique}"
    );
}

#[test]
fn bad_weighted_mixtures_are_refused_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let cases: &[(&[&str], &str)] = &[
        (&["--weights", "code=0.5,coll=0.3,prose=0.1"], "sum to 0.9"),
        (
            &["--weights", "code=0.5,coll=0.5"],
            "source `prose` has no weight",
        ),
        (
            &["--weights", "code=0.5,coll=0.3,prose=0.1,web=0.1"],
            "`web`, which no --source defines",
        ),
        (&["--weights", "code=0.5,coll=0.3,prose=x"], "weight `x`"),
        (
            &[
                "--weights",
                "code=0.5,coll=0.3,prose=0.2",
                "--inject",
                "0.1",
            ],
            "two forms of a mixture",
        ),
        (
            &["--weights", "code=0.5,coll=0.3,prose=0.2", "--epochs", "2"],
            "--epochs",
        ),
    ];
    for (args, want) in cases {
        let err = fails(weighted(&out).args(*args), 2);
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!out.exists(), "{args:?} wrote something");
    }
    let err = fails(
        sluice().args([
            "mix",
            "build",
            "--source",
            "bad/name=samples/pretrain",
            "--source",
            "b=samples/pretrain",
            "--weights",
            "bad/name=0.5,b=0.5",
        ]),
        2,
    );
    assert!(err.contains("source name `bad/name`"), "{err}");
    let err = fails(
        sluice()
            .args([
                "mix",
                "build",
                "--source",
                "a=samples/nothing-*.jsonl",
                "--source",
                "b=samples/pretrain",
                "--weights",
                "a=0.5,b=0.5",
                "--out",
            ])
            .arg(&out),
        3,
    );
    assert!(err.contains("matches no files"), "{err}");
}

/// The rows of the train split as bytes: ids, source, starts; independent of Parquet encoding.
fn rows_digest(dir: &Path) -> String {
    let mut h = Sha256::new();
    for r in read_split(dir) {
        for t in &r.input_ids {
            h.update(t.to_le_bytes());
        }
        h.update(r.source.as_bytes());
        h.update([0]);
        h.update((r.doc_starts.len() as u32).to_le_bytes());
        for s in &r.doc_starts {
            h.update(s.to_le_bytes());
        }
    }
    hex::encode(h.finalize())
}

#[test]
fn the_two_source_form_keeps_its_bytes() {
    // Pinned from the build before N sources existed (same command, same samples).
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    ok(small_build(&out).args(["--inject", "0.05", "--epochs", "2", "--shard-rows", "500"]));
    assert_eq!(
        rows_digest(&out.join("train")),
        "348da365e699c65cd5c2943215c697c2ce13c63117122e1074e75e33299138ea"
    );
}

/// (rows, padding per row) of a split.
fn padding(dir: &Path) -> Vec<u32> {
    use arrow::array::AsArray;
    use arrow::datatypes::UInt32Type;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let r = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
            std::fs::File::open(&f).unwrap(),
        )
        .unwrap()
        .build()
        .unwrap();
        for b in r {
            let b = b.unwrap();
            let col = b.column_by_name("padding").expect("a padding column");
            out.extend(col.as_primitive::<UInt32Type>().values().iter().copied());
        }
    }
    out
}

#[test]
fn best_fit_keeps_documents_whole_where_concat_splits_them() {
    let tmp = tempfile::tempdir().unwrap();
    let mut figures = Vec::new();
    for packing in ["concat", "best-fit"] {
        let out = tmp.path().join(packing);
        ok(mix_build(&samples().join("target/rust"), None, &out).args([
            "--inject",
            "0",
            "--seq-len",
            "4096",
            "--packing",
            packing,
        ]));
        let rows = read_split(&out.join("train"));
        let pads = if packing == "best-fit" {
            padding(&out.join("train"))
        } else {
            vec![0; rows.len()]
        };
        assert_eq!(pads.len(), rows.len());
        // A document is split when it is its row's last, the row has no padding, and the next
        // row continues it (lists no start at 0).
        let mut split = 0;
        for (k, (r, &p)) in rows.iter().zip(&pads).enumerate() {
            let next_continues = rows
                .get(k + 1)
                .is_some_and(|n| n.doc_starts.first() != Some(&0));
            split += (!r.doc_starts.is_empty() && p == 0 && next_continues) as usize;
        }
        let begun: usize = rows.iter().map(|r| r.doc_starts.len()).sum();
        let pad: u64 = pads.iter().map(|&p| p as u64).sum();
        let m = manifest(&out);
        assert_eq!(
            m["splits"]["train"]["padding_tokens"].as_u64().unwrap(),
            pad
        );
        for (r, &p) in rows.iter().zip(&pads) {
            assert_eq!(r.input_ids.len(), 4096);
            let real = 4096 - p as usize;
            assert!(
                r.input_ids[real..].iter().all(|&t| t == 50256),
                "pads are eos"
            );
            assert!(r.doc_starts.iter().all(|&s| (s as usize) < real.max(1)));
        }
        let pad_frac = pad as f64 / (rows.len() * 4096) as f64;
        figures.push((packing, rows.len(), split as f64 / begun as f64, pad_frac));
    }
    eprintln!("(packing, sequences, share of documents split, pad fraction): {figures:?}");
    let (concat, best) = (figures[0], figures[1]);
    assert_eq!(concat.3, 0.0);
    assert!(
        best.2 < concat.2,
        "best-fit splits fewer documents: {figures:?}"
    );
    assert!(best.3 > 0.0 && best.3 < 0.15, "pad fraction {figures:?}");
}

/// Slices of one build, run at once as a cluster would, then merged.
fn sharded(args: &[&str], out: &Path, n: u32, env: &[(&str, String)]) {
    let children: Vec<_> = (0..n)
        .map(|i| {
            let mut c = sluice();
            c.args(["mix", "build", "--quiet"])
                .args(args)
                .arg("--out")
                .arg(out);
            if env.is_empty() {
                c.args(["--shard", &i.to_string(), "--of", &n.to_string()]);
            }
            for (k, v) in env {
                c.env(k, v.replace("{i}", &i.to_string()));
            }
            c.stdout(std::process::Stdio::null());
            c.spawn().unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    ok(sluice()
        .args(["mix", "merge", "--of", &n.to_string()])
        .arg(out));
}

#[test]
fn sliced_builds_merge_to_the_single_build_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let s = samples();
    let (target, pre, tok) = (
        s.join("target/rust").display().to_string(),
        s.join("pretrain").display().to_string(),
        s.join("tokenizer.json").display().to_string(),
    );
    let two: Vec<&str> = vec![
        "--target",
        &target,
        "--pretrain",
        &pre,
        "--inject",
        "0.05",
        "--seq-len",
        "64",
        "--shard-rows",
        "700",
        "--format",
        "parquet,megatron",
    ];
    let (code, coll) = (
        format!("code={}", s.join("target/rust/iter").display()),
        format!("coll={}", s.join("target/rust/collections").display()),
    );
    let prose = format!("prose={pre}");
    let weighted: Vec<&str> = vec![
        "--source",
        &code,
        "--source",
        &coll,
        "--source",
        &prose,
        "--weights",
        "code=0.4,coll=0.4,prose=0.2",
        "--tokenizer",
        &tok,
        "--seq-len",
        "512",
        "--packing",
        "best-fit",
        "--shard-rows",
        "60",
    ];
    for (form, args) in [("two", &two), ("weighted", &weighted)] {
        let single = tmp.path().join(format!("{form}-single"));
        ok(sluice()
            .args(["mix", "build", "--quiet"])
            .args(args.iter())
            .arg("--out")
            .arg(&single));
        let want = tree_digest(&single);
        assert!(want.len() > 8, "{form}: {want:?}");
        for n in [1, 2, 3] {
            let out = tmp.path().join(format!("{form}-{n}"));
            sharded(args, &out, n, &[]);
            assert_eq!(tree_digest(&out), want, "{form}, {n} slices");
        }
    }
    // Slurm array variables name the slice as --shard/--of do.
    let out = tmp.path().join("slurm");
    let env = [
        ("SLURM_ARRAY_TASK_ID", "{i}".to_string()),
        ("SLURM_ARRAY_TASK_COUNT", "2".to_string()),
    ];
    sharded(&two, &out, 2, &env);
    assert_eq!(
        tree_digest(&out),
        tree_digest(&tmp.path().join("two-single"))
    );
}

#[test]
fn slices_wait_for_their_own_configuration_and_a_merge_for_every_slice() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let slice = |i: &str, seed: &str| {
        let mut c = small_build(&out);
        c.args([
            "--inject", "0.05", "--shard", i, "--of", "2", "--wait", "1", "--seed", seed,
        ]);
        c
    };
    // Slice 0 alone tokenizes its share, waits for slice 1's, then gives up with the reason.
    let err = fails(&mut slice("0", "0"), 3);
    assert!(
        err.contains("the phase 1 of slices 1 did not appear"),
        "{err}"
    );
    // A rerun, even with --overwrite, keeps a finished phase 1 (other slices may be reading it).
    let phase1 = out.join("slices/0-of-2/phase1/phase1.json");
    let written = || std::fs::metadata(&phase1).unwrap().modified().unwrap();
    let kept = written();
    fails(slice("0", "0").arg("--overwrite"), 3);
    assert_eq!(written(), kept, "phase 1 was redone");
    // Slice 1 of another seed finds slice 0's phase 1, of another configuration: not its own.
    let err = fails(&mut slice("1", "9"), 3);
    assert!(
        err.contains("the phase 1 of slices 0 did not appear"),
        "{err}"
    );
    let err = fails(sluice().args(["mix", "merge", "--of", "2"]).arg(&out), 3);
    assert!(err.contains("slices 0, 1 of 2 have not finished"), "{err}");
}

#[test]
fn a_source_read_as_needed_is_read_only_as_far_as_the_schedule_needs() {
    let tmp = tempfile::tempdir().unwrap();
    // A pretraining corpus of 40 files, each the shipped addresses marked with its number.
    let big = tmp.path().join("big");
    std::fs::create_dir_all(&big).unwrap();
    let text = std::fs::read_to_string(samples().join("pretrain/sotu_1790_1849.jsonl")).unwrap();
    for f in 0..40 {
        let mut body = String::new();
        for line in text.lines().take(20) {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            v["text"] = format!("[part {f}] {}", v["text"].as_str().unwrap()).into();
            body += &(v.to_string() + "\n");
        }
        std::fs::write(big.join(format!("part-{f:02}.jsonl")), body).unwrap();
    }
    let build = |out: &Path, threads: &str| {
        let mut c = mix_build(&samples().join("target/rust/iter"), Some(&big), out);
        c.args([
            "--inject",
            "0.05",
            "--seq-len",
            "256",
            "--read-as-needed",
            "pretrain",
        ])
        .args(["--threads", threads]);
        c
    };
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    ok(&mut build(&a, "1"));
    ok(&mut build(&b, "2"));
    assert_eq!(tree_digest(&a), tree_digest(&b));
    let m = manifest(&a);
    let pre = &m["sources"]["pretrain"];
    let need = pre["read"]["needed_tokens"].as_u64().unwrap();
    let placed = m["schedule"]["sources"]["pretrain"]["sequences"]
        .as_u64()
        .unwrap()
        * 256;
    assert_eq!(need, placed, "the need is what the schedule places");
    assert!(pre["train_tokens"].as_u64().unwrap() >= need);
    let (read, total) = (
        pre["files"].as_u64().unwrap(),
        pre["read"]["files_total"].as_u64().unwrap(),
    );
    assert_eq!(total, 40);
    assert!((1..=4).contains(&read), "read {read} of 40 files");
    // Every prefix still holds the exact fraction.
    let rows = read_split(&a.join("train"));
    let mut n_pre = 0;
    for (i, r) in rows.iter().enumerate() {
        n_pre += (r.source == "pretrain") as usize;
        assert!((n_pre as f64 - 0.05 * (i + 1) as f64).abs() <= 0.5 + 1e-9);
    }
    let err = fails(
        mix_build(
            &samples().join("target/rust/iter"),
            Some(&big),
            &tmp.path().join("c"),
        )
        .args(["--inject", "0.05", "--read-as-needed", "target"]),
        2,
    );
    assert!(err.contains("the target is always used whole"), "{err}");
    let err = fails(
        mix_build(
            &samples().join("target/rust/iter"),
            Some(&big),
            &tmp.path().join("c"),
        )
        .args(["--inject", "0.05", "--read-as-needed", "web"]),
        2,
    );
    assert!(err.contains("`web`, which is not a source"), "{err}");

    // One file of 9,000-odd sentences: reading stops inside it, after the first batch of rows
    // that covers the need, the same at any thread count.
    let one = tmp.path().join("sentences.jsonl");
    let mut body = String::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for sentence in v["text"].as_str().unwrap().split(". ") {
            body += &(serde_json::json!({ "text": sentence }).to_string() + "\n");
        }
    }
    let lines = body.lines().count() as u64;
    std::fs::write(&one, body).unwrap();
    let build_one = |out: &Path, threads: &str| {
        let mut c = mix_build(&samples().join("target/rust/iter"), Some(&one), out);
        c.args(["--inject", "0.05", "--seq-len", "256"]).args([
            "--read-as-needed",
            "pretrain",
            "--threads",
            threads,
        ]);
        c
    };
    let (c, d) = (tmp.path().join("c1"), tmp.path().join("d1"));
    ok(&mut build_one(&c, "1"));
    ok(&mut build_one(&d, "2"));
    assert_eq!(tree_digest(&c), tree_digest(&d));
    let pre = &manifest(&c)["sources"]["pretrain"];
    let records = pre["records"].as_u64().unwrap();
    assert!(
        lines > 9000 && records < lines / 4,
        "{records} of {lines} rows read"
    );
    assert_eq!(pre["read"]["last_file_partial"], true);
    assert!(
        pre["train_tokens"].as_u64().unwrap() >= pre["read"]["needed_tokens"].as_u64().unwrap()
    );
}

#[test]
fn a_merge_never_replaces_a_finished_build_of_another_configuration() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    ok(small_build(&out).args(["--inject", "0.05", "--seed", "1"]));
    let before = tree_digest(&out);
    let args = [
        "--inject", "0.05", "--seed", "2", "--shard", "0", "--of", "1",
    ];
    ok(small_build(&out).args(args));
    let err = fails(sluice().args(["mix", "merge", "--of", "1"]).arg(&out), 2);
    assert!(
        err.contains("another configuration than its slices"),
        "{err}"
    );
    let after: BTreeMap<String, String> = tree_digest(&out)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("slices/"))
        .collect();
    assert_eq!(after, before);
}

#[test]
fn a_slice_whose_tokenization_fails_stops_its_peers_waiting() {
    let tmp = tempfile::tempdir().unwrap();
    let (good, bad) = (tmp.path().join("a.jsonl"), tmp.path().join("b.jsonl"));
    let text = std::fs::read_to_string(samples().join("pretrain/sotu_1790_1849.jsonl")).unwrap();
    std::fs::write(&good, &text).unwrap();
    // The broken file is small, so it starts past half the bytes: slice 1 of 2 reads it.
    let first = text.lines().next().unwrap();
    std::fs::write(&bad, format!("{first}\n{{\"text\": broken\n")).unwrap();
    let out = tmp.path().join("o");
    let slice = |i: &str| {
        let mut c = sluice();
        c.args([
            "mix",
            "build",
            "--quiet",
            "--seq-len",
            "64",
            "--inject",
            "0",
        ])
        .arg("--target")
        .arg(&good)
        .arg(&bad)
        .arg("--tokenizer")
        .arg(samples().join("tokenizer.json"))
        .args(["--shard", i, "--of", "2", "--wait", "600"])
        .arg("--out")
        .arg(&out);
        c
    };
    // Slice 1 owns the broken file and fails; slice 0 then stops at once, naming it.
    fails(&mut slice("1"), 3);
    let start = std::time::Instant::now();
    let err = fails(&mut slice("0"), 3);
    assert!(err.contains("slice 1's tokenization failed"), "{err}");
    assert!(err.contains("b.jsonl"), "{err}");
    assert!(start.elapsed().as_secs() < 60, "slice 0 waited");
}
