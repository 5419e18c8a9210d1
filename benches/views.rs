//! Per-stage cost of one view on a shipped 1024-px photo: decode, crop + resize, each op, encode;
//! and the online view stream's throughput on the shipped Fashion-MNIST slice (one epoch of 200
//! 28x28 images, K = 8 views at 32 px = 1,600 views; images decoded once, then cached).

use criterion::{Criterion, criterion_group, criterion_main};
use sluice::views::decode::decode;
use sluice::views::generate::{ViewFormat, encode};
use sluice::views::ops;
use sluice::views::recipe::{Interpolation, builtin};
use sluice::views::render::{render, resized_crop};
use sluice::views::sample::sample_view;

fn bench(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/images/plant/acanthus-mollis.jpg");
    let bytes = std::fs::read(path).unwrap();
    let src = decode(&bytes, 1 << 30).unwrap();
    let (h, w) = (src.height(), src.width());
    let view = resized_crop(&src, (0, 0, h, w), 224, 224, Interpolation::Bilinear).unwrap();
    let mut g = c.benchmark_group("views");
    g.sample_size(20);
    g.bench_function("decode_jpeg_790x1024", |b| {
        b.iter(|| decode(&bytes, 1 << 30).unwrap())
    });
    g.bench_function("resized_crop_half_to_224", |b| {
        b.iter(|| {
            resized_crop(
                &src,
                (h / 4, w / 4, h / 2, w / 2),
                224,
                224,
                Interpolation::Bilinear,
            )
            .unwrap()
        })
    });
    let op = |name: &str, f: fn(&mut image::RgbImage)| (name.to_string(), f);
    for (name, f) in [
        op("hflip", ops::hflip),
        op("grayscale", ops::grayscale),
        op("brightness", |v| ops::brightness(v, 1.3)),
        op("contrast", |v| ops::contrast(v, 1.3)),
        op("saturation", |v| ops::saturation(v, 1.3)),
        op("hue", |v| ops::hue(v, 0.1)),
        op("blur_23", |v| ops::gaussian_blur(v, 23, 1.5)),
    ] {
        g.bench_function(format!("{name}_224"), |b| {
            b.iter(|| {
                let mut v = view.clone();
                f(&mut v);
                v
            })
        });
    }
    let recipe = builtin("simclr").unwrap();
    let spec = &recipe.views[0];
    g.bench_function("simclr_view_render", |b| {
        let mut key = 0;
        b.iter(|| {
            key += 1;
            let p = sample_view(spec, 224, h, w, 0, key, 0);
            render(&src, spec, 224, &p).unwrap()
        })
    });
    g.bench_function("encode_png_224", |b| {
        b.iter(|| encode(&view, ViewFormat::Png, 95).unwrap())
    });
    g.bench_function("encode_jpeg_224_q95", |b| {
        b.iter(|| encode(&view, ViewFormat::Jpeg, 95).unwrap())
    });
    g.finish();
}

fn stream(c: &mut Criterion) {
    use sluice::views::source::Columns;
    use sluice::views::stream::{StreamConfig, ViewStream};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/fashion-mnist");
    let cols = Columns {
        image: "image".into(),
        label: None,
        id: None,
    };
    let cfg = StreamConfig {
        k: 8,
        recipe: builtin("simclr").unwrap(),
        size: 32,
        seed: 0,
        batch_size: 64,
        shuffle: true,
        drop_last: false,
        max_pixels: 1 << 30,
        prefetch: 2,
        cache_bytes: 1 << 30,
    };
    let s = ViewStream::open(&dir, &cols, cfg).unwrap();
    let mut g = c.benchmark_group("stream");
    g.sample_size(20);
    g.throughput(criterion::Throughput::Elements(200 * 8));
    let mut epoch = 0;
    g.bench_function("fashion_mnist_epoch_k8_32px", |b| {
        b.iter(|| {
            epoch += 1;
            s.epoch(epoch)
                .map(|b| b.unwrap().samples.len())
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench, stream);
criterion_main!(benches);
