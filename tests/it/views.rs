//! `views gen`, `replay` and `preview` on the shipped photos: fidelity to torchvision, sampling
//! statistics, determinism, layout, replay, resume and bad input.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use image::RgbImage;
use sluice::views::decode::decode;
use sluice::views::ops;
use sluice::views::params::ViewParams;
use sluice::views::recipe::{Interpolation, builtin};
use sluice::views::render::resized_crop;
use sluice::views::replay::{ViewRow, read_shard};
use sluice::views::sample::sample_view;
use sluice::views::source::Columns;
use sluice::views::stream::{StreamConfig, ViewStream};

use crate::util::*;

fn images() -> PathBuf {
    samples().join("images")
}

fn load(rel: &str) -> RgbImage {
    decode(&std::fs::read(images().join(rel)).unwrap(), 1 << 30).unwrap()
}

pub fn views_gen(input: &Path, out: &Path, k: u32) -> std::process::Command {
    let mut c = sluice();
    c.args(["views", "gen", "--quiet", "--k", &k.to_string(), "--input"])
        .arg(input)
        .arg("--out")
        .arg(out);
    c
}

/// Every view of an output, keyed by (sample_id, view), shards in manifest order.
fn rows(dir: &Path) -> Vec<ViewRow> {
    let m = manifest(dir);
    m["shards"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            read_shard(&dir.join(s["path"].as_str().unwrap()), None)
                .unwrap()
                .1
        })
        .collect()
}

fn keyed(dir: &Path) -> BTreeMap<(String, u16), (Vec<u8>, Vec<f32>)> {
    rows(dir)
        .into_iter()
        .map(|r| ((r.sample_id, r.view), (r.image, r.params.to_array())))
        .collect()
}

#[test]
fn ops_match_torchvision() {
    let py = python("numpy, torch, torchvision, PIL");
    let tmp = tempfile::tempdir().unwrap();
    let mut cases = Vec::new();
    let mut case = |name: String,
                    input: &Path,
                    out: &RgbImage,
                    op: &str,
                    args: serde_json::Value,
                    tol: &str| {
        let path = tmp.path().join(format!("{name}.png"));
        out.save(&path).unwrap();
        cases.push(serde_json::json!({"name": name, "input": input, "output": path, "op": op, "args": args, "tol": tol}));
    };
    for rel in [
        "animal/baboon.jpg",
        "food/smarties.png",
        "animal/butterfly.webp",
        "scene/march-pastoral.jpg",
    ] {
        let src = load(rel);
        let stem = Path::new(rel)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let input = tmp.path().join(format!("{stem}-src.png"));
        src.save(&input).unwrap();
        let (h, w) = (src.height(), src.width());
        let crop = (h / 7, w / 5, h / 2, w / 3);
        let box_args = |extra: serde_json::Value| {
            let mut a = serde_json::json!({"top": crop.0, "left": crop.1, "height": crop.2, "width": crop.3});
            a.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            a
        };
        let same = resized_crop(&src, crop, crop.3, crop.2, Interpolation::Bilinear).unwrap();
        case(
            format!("{stem}-crop"),
            &input,
            &same,
            "crop",
            box_args(serde_json::json!({})),
            "lsb",
        );
        for (interp, name) in [
            (Interpolation::Bilinear, "bilinear"),
            (Interpolation::Bicubic, "bicubic"),
        ] {
            let v = resized_crop(&src, crop, 224, 224, interp).unwrap();
            case(
                format!("{stem}-resize-{name}"),
                &input,
                &v,
                "resized_crop",
                box_args(serde_json::json!({"size": 224, "interpolation": name})),
                "psnr40",
            );
        }
        // The other ops act on a 224-px view, as in the pipeline.
        let base = resized_crop(&src, (0, 0, h, w), 224, 224, Interpolation::Bilinear).unwrap();
        let base_path = tmp.path().join(format!("{stem}-base.png"));
        base.save(&base_path).unwrap();
        let mut run = |name: &str,
                       op: &str,
                       args: serde_json::Value,
                       tol: &str,
                       f: &dyn Fn(&mut RgbImage)| {
            let mut v = base.clone();
            f(&mut v);
            case(format!("{stem}-{name}"), &base_path, &v, op, args, tol);
        };
        run("hflip", "hflip", serde_json::json!({}), "lsb", &|v| {
            ops::hflip(v)
        });
        run("vflip", "vflip", serde_json::json!({}), "lsb", &|v| {
            ops::vflip(v)
        });
        for k in 1..4u32 {
            run(
                &format!("rot90-{k}"),
                "rot90",
                serde_json::json!({"k": k}),
                "lsb",
                &|v| *v = ops::rot90(v, k),
            );
        }
        run(
            "rotate-30",
            "rotate",
            serde_json::json!({"degrees": 30.0}),
            "lsb",
            &|v| *v = ops::rotate(v, 30.0),
        );
        run(
            "grayscale",
            "grayscale",
            serde_json::json!({}),
            "lsb",
            &|v| ops::grayscale(v),
        );
        run(
            "solarize",
            "solarize",
            serde_json::json!({"threshold": 128}),
            "lsb",
            &|v| ops::solarize(v, 128.0),
        );
        // Colour jitter ops, each at a factor below and above neutral.
        type Jitter = fn(&mut RgbImage, f32);
        let jitter: [(&str, [f32; 2], Jitter); 4] = [
            ("brightness", [0.4, 1.37], ops::brightness),
            ("contrast", [0.3, 1.6], ops::contrast),
            ("saturation", [0.2, 1.8], ops::saturation),
            ("hue", [-0.3, 0.12], ops::hue),
        ];
        for (op, factors, f) in jitter {
            for x in factors {
                run(
                    &format!("{op}-{x}"),
                    op,
                    serde_json::json!({"factor": x}),
                    "lsb",
                    &|v| f(v, x),
                );
            }
        }
        for (k, s) in [(23u32, 1.3f32), (9, 0.5), (3, 2.0)] {
            run(
                &format!("blur-{k}-{s}"),
                "blur",
                serde_json::json!({"kernel": k, "sigma": s}),
                "lsb",
                &|v| ops::gaussian_blur(v, k, s),
            );
        }
    }
    // SimCLR's crop box distribution on a real source size, against torchvision's sampler.
    let spec = &builtin("simclr").unwrap().views[0];
    let samples: Vec<[u32; 2]> = (0..4000u64)
        .map(|key| {
            let p = sample_view(spec, 224, 790, 1024, 3, key, 0);
            [p.crop().2, p.crop().3]
        })
        .collect();
    cases.push(serde_json::json!({"name": "simclr-crop", "op": "crop_distribution",
        "args": {"height": 790, "width": 1024, "scale": [0.08, 1.0], "ratio": [0.75, 4.0 / 3.0], "samples": samples}}));
    let n = cases.len();
    let file = tmp.path().join("cases.json");
    std::fs::write(&file, serde_json::to_vec(&cases).unwrap()).unwrap();
    let script = repo().join("tests/python/check_views_ops.py");
    let text = run_python(&py, &[script.as_os_str(), file.as_os_str()]);
    println!("{text}");
    assert_eq!(
        text.matches(": ok").count() + text.matches(") ok").count(),
        n + 1,
        "{text}"
    );
}

/// Observed rate of `hits` in `n` trials is within 4.5 standard deviations of `p`.
fn rate_ok(hits: u32, n: u32, p: f64) -> bool {
    let sd = (p * (1.0 - p) / n as f64).sqrt().max(1e-12);
    ((hits as f64 / n as f64) - p).abs() <= 4.5 * sd
}

/// Kolmogorov-Smirnov distance of `xs` from U(lo, hi).
fn ks_uniform(mut xs: Vec<f64>, lo: f64, hi: f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    xs.iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = ((x - lo) / (hi - lo)).clamp(0.0, 1.0);
            (f - i as f64 / n).abs().max((f - (i + 1) as f64 / n).abs())
        })
        .fold(0.0, f64::max)
}

#[test]
fn ops_fire_at_their_probabilities_and_factors_follow_their_ranges() {
    let n = 20_000u32;
    let simclr = builtin("simclr").unwrap();
    let byol = builtin("byol").unwrap();
    let essl = builtin("essl-rot").unwrap();
    let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
    let mut factors: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut quarters = [0u32; 4];
    for key in 0..n as u64 {
        let p = sample_view(&simclr.views[0], 224, 600, 800, 11, key, 0);
        for (name, v) in [
            ("hflip", p.hflip),
            ("jitter", p.jitter_applied),
            ("gray", p.grayscale),
            ("blur", p.blur_applied),
        ] {
            *counts.entry(name).or_default() += v as u32;
        }
        if p.jitter_applied == 1.0 {
            factors
                .entry("brightness")
                .or_default()
                .push(p.brightness as f64);
            factors.entry("hue").or_default().push(p.hue as f64);
            *counts.entry("brightness first").or_default() += (p.jitter_order()[0] == 0) as u32;
        }
        if p.blur_applied == 1.0 {
            factors
                .entry("sigma")
                .or_default()
                .push(p.blur_sigma as f64);
        }
        let b2 = sample_view(byol.view(1), 224, 600, 800, 11, key, 1);
        *counts.entry("byol2 solarize").or_default() += b2.solarize_applied as u32;
        *counts.entry("byol2 blur").or_default() += b2.blur_applied as u32;
        let b1 = sample_view(byol.view(0), 224, 600, 800, 11, key, 0);
        *counts.entry("byol1 blur").or_default() += b1.blur_applied as u32;
        *counts.entry("byol1 solarize").or_default() += b1.solarize_applied as u32;
        quarters[sample_view(essl.view(2), 96, 600, 800, 11, key, 2).rotation_k as usize] += 1;
    }
    let jittered = counts["jitter"];
    for (name, hits, trials, p) in [
        ("hflip", counts["hflip"], n, 0.5),
        ("jitter", jittered, n, 0.8),
        ("gray", counts["gray"], n, 0.2),
        ("blur", counts["blur"], n, 0.5),
        (
            "brightness first",
            counts["brightness first"],
            jittered,
            0.25,
        ),
        ("byol2 solarize", counts["byol2 solarize"], n, 0.2),
        ("byol2 blur", counts["byol2 blur"], n, 0.1),
    ] {
        assert!(
            rate_ok(hits, trials, p),
            "{name}: {hits}/{trials} vs p = {p}"
        );
    }
    assert_eq!(counts["byol1 blur"], n, "BYOL view 1 always blurs");
    assert_eq!(counts["byol1 solarize"], 0, "BYOL view 1 never solarizes");
    for q in quarters {
        assert!(rate_ok(q, n, 0.25), "ESSL quarter turns {quarters:?}");
    }
    // One-sample KS against the recipe's uniform ranges (critical value at alpha 0.001: 1.95/sqrt(n)).
    for (name, lo, hi) in [
        ("brightness", 0.2, 1.8),
        ("hue", -0.2, 0.2),
        ("sigma", 0.1, 2.0),
    ] {
        let xs = factors.remove(name).unwrap();
        let crit = 1.95 / (xs.len() as f64).sqrt();
        let d = ks_uniform(xs, lo, hi);
        assert!(d < crit, "{name}: KS D = {d} >= {crit}");
    }
}

#[test]
fn views_are_identical_across_threads_reruns_and_slices() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |name: &str, extra: &[&str]| {
        let out = tmp.path().join(name);
        ok(views_gen(&images(), &out, 3)
            .args([
                "--recipe",
                "byol",
                "--size",
                "96",
                "--group-samples",
                "2",
                "--shard-samples",
                "4",
            ])
            .args(extra));
        out
    };
    let one = run("t1", &["--threads", "1"]);
    let want = tree_digest(&one);
    assert!(want.contains_key("views/part-00002.parquet"), "{want:?}");
    for t in ["2", "4"] {
        assert_eq!(
            tree_digest(&run(&format!("t{t}"), &["--threads", t])),
            want,
            "--threads {t}"
        );
    }
    let again = ok(views_gen(&images(), &one, 3).args([
        "--recipe",
        "byol",
        "--size",
        "96",
        "--group-samples",
        "2",
        "--shard-samples",
        "4",
        "--threads",
        "1",
    ]));
    assert!(String::from_utf8_lossy(&again.stdout).contains("already complete"));
    assert_eq!(tree_digest(&one), want);
    // Three slices: disjoint, together exactly the single run's views, byte for byte.
    let whole = keyed(&one);
    let mut union = BTreeMap::new();
    for i in 0..3 {
        let part = keyed(&run(
            &format!("s{i}"),
            &["--shard", &i.to_string(), "--of", "3"],
        ));
        assert!(
            !part.is_empty() && part.len() < whole.len(),
            "slice {i}: {}",
            part.len()
        );
        for (k, v) in part {
            assert!(union.insert(k, v).is_none(), "a view in two slices");
        }
    }
    assert_eq!(union, whole);
    // Another seed changes the views but not the layout.
    let other = keyed(&run("seed", &["--seed", "1"]));
    assert_eq!(
        other.keys().collect::<Vec<_>>(),
        whole.keys().collect::<Vec<_>>()
    );
    assert!(other.iter().zip(&whole).all(|(a, b)| a.1.0 != b.1.0));
}

#[test]
fn replay_reproduces_every_view_of_every_builtin_recipe() {
    let tmp = tempfile::tempdir().unwrap();
    for (recipe, format) in [
        ("simclr", "png"),
        ("byol", "jpeg"),
        ("duet", "raw"),
        ("duet:rotate90", "png"),
        ("essl-rot", "png"),
    ] {
        let out = tmp.path().join(recipe.replace(':', "-"));
        ok(views_gen(&images(), &out, 4)
            .args(["--recipe", recipe, "--format", format, "--size", "112"]));
        let text =
            String::from_utf8_lossy(&ok(sluice().args(["views", "replay"]).arg(&out)).stdout)
                .to_string();
        assert!(
            text.contains("36 of 36 views re-rendered bit-identically"),
            "{recipe}: {text}"
        );
    }
    // A stored view swapped for another one is caught, by name.
    let out = tmp.path().join("simclr");
    let shard = out.join("views/part-00000.parquet");
    swap_images(&shard, 5, 6);
    let err = fails(sluice().args(["views", "replay"]).arg(&out), 3);
    assert!(
        err.contains("2 views differ") && err.contains("view 1"),
        "{err}"
    );
}

/// Rewrite a shard with the images of rows `a` and `b` exchanged (schema and metadata kept).
fn swap_images(path: &Path, a: usize, b: usize) {
    use arrow::array::{Array, ArrayRef, AsArray, BinaryArray, RecordBatch};
    use parquet::arrow::ArrowWriter;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap()).unwrap();
    let schema = builder.schema().clone();
    let batches: Vec<RecordBatch> = builder.build().unwrap().map(|b| b.unwrap()).collect();
    let batch = arrow::compute::concat_batches(&schema, &batches).unwrap();
    let idx = schema.index_of("image").unwrap();
    let images = batch.column(idx).as_binary::<i32>();
    let swapped: BinaryArray = (0..images.len())
        .map(|i| {
            Some(images.value(if i == a {
                b
            } else if i == b {
                a
            } else {
                i
            }))
        })
        .collect();
    let mut cols: Vec<ArrayRef> = batch.columns().to_vec();
    cols[idx] = std::sync::Arc::new(swapped);
    let batch = RecordBatch::try_new(schema.clone(), cols).unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

#[test]
fn pyarrow_and_pillow_read_the_layout_and_torchvision_rerenders_the_views() {
    let py = python("pyarrow, numpy, torch, torchvision, PIL");
    let tmp = tempfile::tempdir().unwrap();
    let multicrop = tmp.path().join("multicrop.toml");
    std::fs::write(
        &multicrop,
        r#"
name = "multicrop"
[[views]]
count = 2
crop = { kind = "random_resized", scale = [0.14, 1.0] }
ops = [{ op = "hflip" }, { op = "color_jitter", p = 0.8, brightness = 0.4, contrast = 0.4, saturation = 0.2, hue = 0.1 }, { op = "grayscale", p = 0.2 }, { op = "gaussian_blur", p = 1.0, sigma = [0.1, 2.0], kernel_ratio = 0.1 }]
[[views]]
count = 6
size = 96
crop = { kind = "random_resized", scale = [0.05, 0.14] }
interpolation = "bicubic"
ops = [{ op = "hflip" }, { op = "solarize", p = 0.3 }, { op = "rotate", p = 0.5, degrees = [-20.0, 20.0] }]
"#,
    )
    .unwrap();
    let out = tmp.path().join("o");
    ok(views_gen(&images(), &out, 8)
        .arg("--recipe")
        .arg(&multicrop)
        .args(["--group-samples", "2", "--shard-samples", "5"]));
    let r = rows(&out);
    assert_eq!(r.len(), 9 * 8);
    let sides: Vec<u32> = r[..8].iter().map(|v| v.height).collect();
    assert_eq!(sides, [224, 224, 96, 96, 96, 96, 96, 96]);
    let script = repo().join("tests/python/check_views_output.py");
    let text = run_python(&py, &[script.as_os_str(), out.as_os_str(), OsStr::new("8")]);
    println!("{text}");
    assert!(
        text.contains("row groups: 5 (whole samples)") && text.contains("re-rendered 72 views"),
        "{text}"
    );
}

#[test]
fn preview_draws_a_contact_sheet() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    ok(views_gen(&images(), &out, 5).args(["--size", "64"]));
    let sheet = tmp.path().join("sheet.png");
    ok(sluice()
        .args(["views", "preview", "--samples", "3", "--out"])
        .arg(&sheet)
        .arg(&out));
    let img = image::open(&sheet).unwrap().into_rgb8();
    // Three rows of five 64-px views with four caption lines each, beside the id column.
    assert_eq!(
        (img.width(), img.height()),
        (170 + 5 * (160 + 8) + 8, 3 * (160 + 4 * 13 + 16) + 8)
    );
    let first = rows(&out).remove(0);
    let view = sluice::views::generate::decode_view(
        &first.image,
        sluice::views::generate::ViewFormat::Png,
        64,
        64,
    )
    .unwrap();
    // The first view is drawn unscaled at its place.
    assert_eq!(img.get_pixel(170 + 10, 8 + 10), view.get_pixel(10, 10));
}

#[test]
fn parquet_input_with_hf_image_structs_equals_the_directory_input() {
    use arrow::array::{ArrayRef, BinaryArray, Int64Array, RecordBatch, StringArray, StructArray};
    use arrow::datatypes::{DataType, Field, Fields, Schema};
    let tmp = tempfile::tempdir().unwrap();
    let dir_out = tmp.path().join("from-dir");
    ok(&mut views_gen(&images(), &dir_out, 2));
    let from_dir = rows(&dir_out);
    // An HF `datasets`-style table: image = struct<bytes, path>, integer labels, an id column.
    let ids: Vec<String> = from_dir
        .iter()
        .step_by(2)
        .map(|r| r.sample_id.clone())
        .collect();
    let bytes: Vec<Vec<u8>> = ids
        .iter()
        .map(|id| std::fs::read(images().join(id)).unwrap())
        .collect();
    let fields = Fields::from(vec![
        Field::new("bytes", DataType::Binary, true),
        Field::new("path", DataType::Utf8, true),
    ]);
    let image = StructArray::new(
        fields.clone(),
        vec![
            std::sync::Arc::new(BinaryArray::from_iter_values(bytes.iter())) as ArrayRef,
            std::sync::Arc::new(StringArray::from_iter_values(ids.iter())),
        ],
        None,
    );
    let schema = std::sync::Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("image", DataType::Struct(fields), true),
        Field::new("label", DataType::Int64, true),
    ]));
    let labels: Vec<i64> = (0..ids.len() as i64).collect();
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            std::sync::Arc::new(StringArray::from_iter_values(ids.iter())),
            std::sync::Arc::new(image),
            std::sync::Arc::new(Int64Array::from(labels)),
        ],
    )
    .unwrap();
    let pq = tmp.path().join("images.parquet");
    let mut w =
        parquet::arrow::ArrowWriter::try_new(std::fs::File::create(&pq).unwrap(), schema, None)
            .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let pq_out = tmp.path().join("from-parquet");
    ok(views_gen(&pq, &pq_out, 2).args(["--id-column", "id"]));
    let from_pq = rows(&pq_out);
    assert_eq!(from_pq.len(), from_dir.len());
    for (a, b) in from_pq.iter().zip(&from_dir) {
        assert_eq!(
            (&a.sample_id, a.view, &a.image, a.params),
            (&b.sample_id, b.view, &b.image, b.params)
        );
    }
    assert_eq!(
        from_pq[2].label.as_deref(),
        Some("1"),
        "integer labels as text"
    );
    // Without an id column the ids are file#row; a missing image column is named.
    ok(&mut views_gen(&pq, &tmp.path().join("rows"), 1));
    assert_eq!(
        rows(&tmp.path().join("rows"))[3].sample_id,
        "images.parquet#3"
    );
    let err = fails(
        views_gen(&pq, &tmp.path().join("bad"), 1).args(["--image-column", "pixels"]),
        3,
    );
    assert!(
        err.contains("column `pixels` missing") && err.contains("images.parquet"),
        "{err}"
    );
}

#[test]
fn killed_runs_resume_to_identical_output() {
    let tmp = tempfile::tempdir().unwrap();
    let cmd = |out: &Path| {
        let mut c = views_gen(&images(), out, 4);
        c.args([
            "--shard-samples",
            "1",
            "--group-samples",
            "1",
            "--threads",
            "1",
            "--size",
            "160",
        ]);
        c
    };
    let reference = tmp.path().join("ref");
    ok(&mut cmd(&reference));
    let want = tree_digest(&reference);
    for (i, at) in [0usize, 2, 5, 7].into_iter().enumerate() {
        let out = tmp.path().join(format!("k{i}"));
        let mut child = cmd(&out).spawn().unwrap();
        let shard = out.join(format!("views/part-{at:05}.parquet"));
        while !shard.exists() && child.try_wait().unwrap().is_none() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        assert!(
            !out.join("manifest.json").exists(),
            "killed before the end (shard {at})"
        );
        let text = String::from_utf8_lossy(&ok(&mut cmd(&out)).stdout).to_string();
        assert!(at == 0 || text.contains("resumed"), "{text}");
        assert_eq!(tree_digest(&out), want, "killed at shard {at}");
    }
}

/// A tree with the shipped photos plus derived variants: grayscale, RGBA and 16-bit PNGs.
fn variants(dir: &Path) {
    let src = image::open(images().join("food/fruits.jpg")).unwrap();
    std::fs::create_dir_all(dir.join("odd")).unwrap();
    src.to_luma8().save(dir.join("odd/gray.png")).unwrap();
    src.to_rgba8().save(dir.join("odd/rgba.png")).unwrap();
    src.to_rgb16().save(dir.join("odd/rgb16.png")).unwrap();
    image::DynamicImage::ImageLumaA16(src.to_luma_alpha16())
        .save(dir.join("odd/graya16.png"))
        .unwrap();
    std::fs::copy(images().join("animal/baboon.jpg"), dir.join("baboon.jpg")).unwrap();
}

#[test]
fn grayscale_alpha_and_16_bit_inputs_are_converted() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    variants(&input);
    let out = tmp.path().join("o");
    ok(views_gen(&input, &out, 2).args(["--recipe", "duet:hflip", "--size", "64"]));
    let m = manifest(&out);
    assert_eq!(m["samples"]["written"], 5);
    let gray = rows(&out)
        .into_iter()
        .find(|r| r.sample_id == "odd/gray.png")
        .unwrap();
    assert_eq!(gray.label.as_deref(), Some("odd"));
    let px = sluice::views::generate::decode_view(
        &gray.image,
        sluice::views::generate::ViewFormat::Png,
        64,
        64,
    )
    .unwrap();
    // A gray source stays gray unless hue/saturation jitter fired... both are channel-symmetric here.
    assert!(gray.params.jitter_applied == 1.0 || px.pixels().all(|p| p[0] == p[1] && p[1] == p[2]));
}

#[test]
fn bad_images_are_named_or_counted_and_never_split_a_group() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    variants(&input);
    let jpeg = std::fs::read(images().join("animal/house-cat.jpg")).unwrap();
    let png = std::fs::read(images().join("food/smarties.png")).unwrap();
    let bad = input.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("truncated.jpg"), &jpeg[..jpeg.len() / 2]).unwrap();
    std::fs::write(bad.join("empty.jpg"), b"").unwrap();
    let mut corrupt = png.clone();
    for b in &mut corrupt[200..2000] {
        *b ^= 0x5A;
    }
    std::fs::write(bad.join("corrupt.png"), &corrupt).unwrap();
    std::fs::write(
        bad.join("really-a-gif.png"),
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    )
    .unwrap();
    // A PNG header claiming 100000 x 100000 pixels: refused before any allocation.
    let mut huge = Vec::new();
    let mut enc = png::Encoder::new(&mut huge, 100_000, 100_000);
    enc.set_color(png::ColorType::Rgb);
    let mut w = enc.write_header().unwrap();
    w.write_chunk(png::chunk::IDAT, &[0x78, 0x9c]).unwrap();
    drop(w);
    std::fs::write(bad.join("huge.png"), &huge).unwrap();
    std::fs::write(input.join("notes.txt"), "not an image").unwrap();

    let out = tmp.path().join("fail");
    let err = fails(&mut views_gen(&input, &out, 3), 3);
    assert!(
        err.contains("bad/corrupt.png") && err.contains("--on-error skip"),
        "{err}"
    );
    assert!(!out.join("manifest.json").exists());
    for (name, want) in [
        ("truncated.jpg", "truncated"),
        ("empty.jpg", "empty"),
        ("really-a-gif.png", "not a supported image (Gif"),
        ("huge.png", "100000x100000 pixels, more than --max-pixels"),
    ] {
        let one = tmp.path().join(name);
        let err = fails(
            &mut views_gen(&bad.join(name), &tmp.path().join(format!("o-{name}")), 3),
            3,
        );
        assert!(err.contains(name) && err.contains(want), "{name}: {err}");
        drop(one);
    }
    let out = tmp.path().join("skip");
    let text = String::from_utf8_lossy(
        &ok(views_gen(&input, &out, 3).args([
            "--on-error",
            "skip",
            "--group-samples",
            "2",
            "--size",
            "48",
        ]))
        .stdout,
    )
    .to_string();
    let m = manifest(&out);
    assert_eq!(m["samples"]["written"], 5, "{text}");
    assert_eq!(m["input"]["ignored_files"], 1);
    let skipped: BTreeMap<String, u64> =
        serde_json::from_value(m["samples"]["skipped"].clone()).unwrap();
    let want: BTreeMap<String, u64> = [
        ("corrupt", 1),
        ("empty", 1),
        ("too_large", 1),
        ("truncated", 1),
        ("unsupported_format", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(skipped, want);
    let r = rows(&out);
    assert_eq!(r.len(), 15);
    for g in r.chunks(3) {
        assert!(
            g.iter()
                .enumerate()
                .all(|(i, v)| v.view as usize == i && v.sample_id == g[0].sample_id)
        );
    }
    // K = 0 and bad recipes are configuration errors.
    let err = fails(&mut views_gen(&images(), &tmp.path().join("k0"), 0), 2);
    assert!(err.contains("--k must be at least 1"), "{err}");
    let recipe = tmp.path().join("bad.toml");
    std::fs::write(
        &recipe,
        "name = \"x\"\n[[views]]\nops = [{ op = \"hflip\", p = 1.5 }]\n",
    )
    .unwrap();
    let err = fails(
        views_gen(&images(), &tmp.path().join("r"), 2)
            .arg("--recipe")
            .arg(&recipe),
        2,
    );
    assert!(
        err.contains("views[0].ops[0] (hflip): p must be in [0, 1]"),
        "{err}"
    );
    std::fs::write(&recipe, "name = \"x\"\n[[views]]\nflip = true\n").unwrap();
    let err = fails(
        views_gen(&images(), &tmp.path().join("r"), 2)
            .arg("--recipe")
            .arg(&recipe),
        2,
    );
    assert!(err.contains("unknown field `flip`"), "{err}");
    let err = fails(
        views_gen(&images(), &tmp.path().join("r"), 2).args(["--recipe", "simclr2"]),
        2,
    );
    assert!(err.contains("neither a built-in recipe"), "{err}");
}

#[test]
fn params_round_trip_through_arrow() {
    let p = sample_view(
        &builtin("essl-rot").unwrap().views[1],
        96,
        300,
        400,
        1,
        2,
        2,
    );
    let a = ViewParams::to_struct_array(&[p, ViewParams::identity(3, 4)]);
    assert_eq!(ViewParams::from_struct_array(&a, 0).unwrap(), p);
    assert_eq!(
        ViewParams::from_struct_array(&a, 1).unwrap().crop(),
        (0, 0, 3, 4)
    );
    // Params are input when replayed: values no sampler makes are refused, not used to size a kernel.
    let src = load("food/fruits.jpg");
    let spec = &builtin("simclr").unwrap().views[0];
    let mut p = sample_view(spec, 64, src.height(), src.width(), 0, 1, 0);
    assert!(sluice::views::render::render(&src, spec, 64, &p).is_ok());
    p.blur_applied = 1.0;
    p.blur_sigma = 1.0;
    p.blur_kernel = 1e9;
    let err = sluice::views::render::render(&src, spec, 64, &p)
        .unwrap_err()
        .to_string();
    assert!(err.contains("blur kernel"), "{err}");
    p.blur_kernel = 3.0;
    p.crop_width = 1e6;
    let err = sluice::views::render::render(&src, spec, 64, &p)
        .unwrap_err()
        .to_string();
    assert!(err.contains("outside"), "{err}");
}

fn stream_config(k: u32, size: u32, seed: u64, batch_size: usize) -> StreamConfig {
    StreamConfig {
        k,
        recipe: builtin("simclr").unwrap(),
        size,
        seed,
        batch_size,
        shuffle: true,
        drop_last: false,
        max_pixels: 1 << 30,
        prefetch: 2,
        cache_bytes: 1 << 30,
    }
}

fn dir_columns() -> Columns {
    Columns {
        image: "image".into(),
        label: None,
        id: None,
    }
}

/// (epoch, batch, sample id, view) -> (pixels, params) of every view of an epoch.
type Epoch = Vec<(usize, String, Option<String>, u16, Vec<u8>, Vec<f32>)>;

fn epoch(stream: &ViewStream, e: u64) -> Epoch {
    let mut out = Vec::new();
    for b in stream.epoch(e) {
        let b = b.unwrap();
        assert_eq!(b.epoch, e);
        for s in b.samples {
            // All K views of a sample travel in one batch.
            assert_eq!(s.views.len(), stream.config().k as usize, "{}", s.id);
            for (v, view) in s.views.into_iter().enumerate() {
                out.push((
                    b.index,
                    s.id.clone(),
                    s.label.clone(),
                    v as u16,
                    view.image.into_raw(),
                    view.params.to_array().to_vec(),
                ));
            }
        }
    }
    out
}

/// Online views: epoch 0 renders exactly the views `views gen` writes for the same seed, recipe,
/// K and size; a later epoch draws fresh views in a fresh order; every epoch is the same whatever
/// the prefetch depth or the rayon pool size.
#[test]
fn online_views_epoch_0_equals_views_gen_and_later_epochs_are_fresh_and_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("gen");
    ok(views_gen(&images(), &out, 4).args(["--size", "48", "--seed", "11", "--format", "raw"]));
    let want = keyed(&out);
    assert_eq!(want.len(), 9 * 4);
    let stream = ViewStream::open(&images(), &dir_columns(), stream_config(4, 48, 11, 4)).unwrap();
    assert_eq!(stream.batches(), 3);
    let e0 = epoch(&stream, 0);
    assert_eq!(e0.len(), 9 * 4);
    for (_, id, label, v, px, params) in &e0 {
        let (gen_px, gen_params) = &want[&(id.clone(), *v)];
        assert!(px == gen_px, "{id} view {v}: pixels differ from views gen");
        assert_eq!(params, gen_params, "{id} view {v}");
        assert_eq!(label.as_deref(), id.split('/').next(), "{id}");
    }
    // 4 + 4 + 1 samples per batch.
    let per_batch = |e: &Epoch, i: usize| e.iter().filter(|r| r.0 == i).count() / 4;
    assert_eq!(
        (per_batch(&e0, 0), per_batch(&e0, 1), per_batch(&e0, 2)),
        (4, 4, 1)
    );

    let e1 = epoch(&stream, 1);
    let ids = |e: &Epoch| e.iter().step_by(4).map(|r| r.1.clone()).collect::<Vec<_>>();
    let mut sorted0 = ids(&e0);
    let mut sorted1 = ids(&e1);
    assert_ne!(sorted0, sorted1, "epoch 1 has the order of epoch 0");
    sorted0.sort();
    sorted1.sort();
    assert_eq!(sorted0, sorted1, "an epoch holds every sample once");
    let fresh = e1
        .iter()
        .filter(|r| r.5 != want[&(r.1.clone(), r.3)].1)
        .count();
    assert!(
        fresh >= 30,
        "only {fresh} of 36 views of epoch 1 have new params"
    );

    // One worker, no prefetch, cache off: the same bytes.
    let mut cfg = stream_config(4, 48, 11, 4);
    cfg.prefetch = 1;
    cfg.cache_bytes = 0;
    let slow = ViewStream::open(&images(), &dir_columns(), cfg).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let again = pool.install(|| slow.batch(1, 2).unwrap());
    let last = e1.iter().filter(|r| r.0 == 2).collect::<Vec<_>>();
    assert_eq!(again.samples.len(), 1);
    assert_eq!(again.samples[0].id, last[0].1);
    for (v, view) in again.samples[0].views.iter().enumerate() {
        assert!(view.image.as_raw() == &last[v].4, "view {v}");
    }
    assert!(
        epoch(&slow, 1) == e1,
        "epoch 1 differs with one worker and no cache"
    );
}

/// Small and grayscale sources render at the asked size (the shipped Fashion-MNIST slice, 28x28
/// gray, and 20x20 images); labels come from the class folders; a corrupt image is named.
#[test]
fn online_views_take_small_grayscale_images_and_name_a_corrupt_one() {
    let fm = samples().join("fashion-mnist");
    let stream = ViewStream::open(&fm, &dir_columns(), stream_config(2, 32, 3, 64)).unwrap();
    assert_eq!((stream.samples().len(), stream.batches()), (200, 4));
    let mut per_class = BTreeMap::<String, usize>::new();
    for b in stream.epoch(0) {
        let b = b.unwrap();
        for s in &b.samples {
            *per_class.entry(s.label.clone().unwrap()).or_default() += 1;
        }
        let (px, side) = b.pixels(1).unwrap();
        assert_eq!((side, px.len()), (32, b.samples.len() * 32 * 32 * 3));
    }
    assert_eq!(per_class.len(), 10, "{per_class:?}");
    assert!(per_class.values().all(|&n| n == 20), "{per_class:?}");

    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    for (class, side) in [("a", 20u32), ("b", 20)] {
        std::fs::create_dir_all(input.join(class)).unwrap();
        for i in 0..3u32 {
            let img = image::GrayImage::from_fn(side, side, |x, y| {
                image::Luma([((x * 7 + y * 13 + i * 31) % 256) as u8])
            });
            img.save(input.join(class).join(format!("{i}.png")))
                .unwrap();
        }
    }
    let stream = ViewStream::open(&input, &dir_columns(), stream_config(2, 32, 0, 4)).unwrap();
    let b = stream.batch(0, 0).unwrap();
    assert_eq!(b.samples.len(), 4);
    for v in 0..2 {
        let (px, side) = b.pixels(v).unwrap();
        assert_eq!((side, px.len()), (32, 4 * 32 * 32 * 3));
    }
    std::fs::write(
        input.join("b").join("9.png"),
        b"\x89PNG\r\n\x1a\nnot really",
    )
    .unwrap();
    let broken = ViewStream::open(&input, &dir_columns(), stream_config(2, 32, 0, 7)).unwrap();
    let e = broken
        .epoch(0)
        .find_map(|b| b.err())
        .expect("the corrupt image fails its batch")
        .to_string();
    assert!(e.contains("b/9.png"), "{e}");
    let e = ViewStream::open(&input, &dir_columns(), stream_config(0, 32, 0, 4))
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("--k"), "{e}");
}
