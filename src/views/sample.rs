//! Sampling a view's parameters. Each op draws from its own keyed stream
//! `(seed, sample key, "view/{v}/{op}")`, so a view never depends on thread count, shard or order,
//! and adding an op to a recipe leaves the other ops' draws unchanged.

use crate::core::rng::KeyedRng;
use crate::views::params::ViewParams;
use crate::views::recipe::{CropSpec, OpSpec, ViewSpec};

struct Draws(KeyedRng);

impl Draws {
    fn new(seed: u64, key: u64, view: u32, what: &str) -> Self {
        Draws(KeyedRng::new(seed, key, &format!("view/{view}/{what}")))
    }
    fn unit(&mut self) -> f64 {
        self.0.next_f64()
    }
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    /// Uniform integer in 0..n.
    fn below(&mut self, n: u64) -> u64 {
        ((self.0.next_u64() as u128 * n as u128) >> 64) as u64
    }
    fn fires(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// Sample every parameter of view `view` of the sample with key `key`.
pub fn sample_view(
    spec: &ViewSpec,
    side: u32,
    src_h: u32,
    src_w: u32,
    seed: u64,
    key: u64,
    view: u32,
) -> ViewParams {
    let mut p = ViewParams::identity(src_h, src_w);
    if let CropSpec::RandomResized { scale, ratio } = &spec.crop {
        let (t, l, h, w) = random_resized_crop(
            &mut Draws::new(seed, key, view, "crop"),
            src_h,
            src_w,
            *scale,
            *ratio,
        );
        p.set_crop(t, l, h, w);
    }
    for op in &spec.ops {
        let mut d = Draws::new(seed, key, view, op.name());
        if !d.fires(op.p()) {
            continue;
        }
        match op {
            OpSpec::Hflip { .. } => p.hflip = 1.0,
            OpSpec::Vflip { .. } => p.vflip = 1.0,
            OpSpec::Rotate { degrees, .. } => {
                p.rotation_deg = d.uniform(degrees[0], degrees[1]) as f32
            }
            OpSpec::Rotate90 { k, .. } => p.rotation_k = k[d.below(k.len() as u64) as usize] as f32,
            OpSpec::ColorJitter {
                brightness,
                contrast,
                saturation,
                hue,
                ..
            } => {
                p.jitter_applied = 1.0;
                // Fisher-Yates over the four ops, as torch.randperm(4) orders them.
                let mut order = [0u8, 1, 2, 3];
                for i in (1..4).rev() {
                    order.swap(i, d.below(i as u64 + 1) as usize);
                }
                p.set_jitter_order(order);
                let factor = |d: &mut Draws, x: f64| {
                    if x > 0.0 {
                        d.uniform((1.0 - x).max(0.0), 1.0 + x) as f32
                    } else {
                        1.0
                    }
                };
                p.brightness = factor(&mut d, *brightness);
                p.contrast = factor(&mut d, *contrast);
                p.saturation = factor(&mut d, *saturation);
                p.hue = if *hue > 0.0 {
                    d.uniform(-hue, *hue) as f32
                } else {
                    0.0
                };
            }
            OpSpec::Grayscale { .. } => p.grayscale = 1.0,
            OpSpec::GaussianBlur {
                sigma,
                kernel,
                kernel_ratio,
                ..
            } => {
                p.blur_applied = 1.0;
                p.blur_sigma = d.uniform(sigma[0], sigma[1]) as f32;
                p.blur_kernel = blur_kernel(*kernel, *kernel_ratio, side) as f32;
            }
            OpSpec::Solarize { threshold, .. } => {
                p.solarize_applied = 1.0;
                p.solarize_threshold = *threshold as f32;
            }
        }
    }
    p
}

/// Odd kernel side: fixed, or `ratio` of the view side rounded down to odd as in SimCLR
/// (`int(0.1 * 224) = 22` -> 23).
pub fn blur_kernel(kernel: Option<u32>, ratio: Option<f64>, side: u32) -> u32 {
    match (kernel, ratio) {
        (Some(k), _) => k,
        (None, Some(r)) => ((side as f64 * r) as u32) | 1,
        (None, None) => 3,
    }
}

/// torchvision's `RandomResizedCrop.get_params`: (top, left, height, width).
fn random_resized_crop(
    d: &mut Draws,
    height: u32,
    width: u32,
    scale: [f64; 2],
    ratio: [f64; 2],
) -> (u32, u32, u32, u32) {
    let area = height as f64 * width as f64;
    let (lr0, lr1) = (ratio[0].ln(), ratio[1].ln());
    for _ in 0..10 {
        let target = area * d.uniform(scale[0], scale[1]);
        let aspect = d.uniform(lr0, lr1).exp();
        let w = (target * aspect).sqrt().round_ties_even();
        let h = (target / aspect).sqrt().round_ties_even();
        if w > 0.0 && h > 0.0 && w <= width as f64 && h <= height as f64 {
            let (h, w) = (h as u32, w as u32);
            let top = d.below((height - h + 1) as u64) as u32;
            let left = d.below((width - w + 1) as u64) as u32;
            return (top, left, h, w);
        }
    }
    // Fallback: central crop with the aspect clamped into the ratio range.
    let in_ratio = width as f64 / height as f64;
    let (h, w) = if in_ratio < ratio[0] {
        (
            ((width as f64 / ratio[0]).round_ties_even() as u32).clamp(1, height),
            width,
        )
    } else if in_ratio > ratio[1] {
        (
            height,
            ((height as f64 * ratio[1]).round_ties_even() as u32).clamp(1, width),
        )
    } else {
        (height, width)
    };
    ((height - h) / 2, (width - w) / 2, h, w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::recipe::builtin;

    #[test]
    fn crops_stay_inside_the_source() {
        let spec = &builtin("simclr").unwrap().views[0];
        for key in 0..5000u64 {
            for (h, w) in [(1, 1), (3, 500), (480, 640), (1024, 790)] {
                let p = sample_view(spec, 224, h, w, 9, key, 0);
                let (t, l, ch, cw) = p.crop();
                assert!(ch >= 1 && cw >= 1 && t + ch <= h && l + cw <= w, "{p:?}");
            }
        }
    }

    #[test]
    fn simclr_kernel_matches_the_paper() {
        assert_eq!(blur_kernel(None, Some(0.1), 224), 23);
        assert_eq!(blur_kernel(None, Some(0.1), 96), 9);
    }
}
