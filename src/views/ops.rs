//! Pixel ops on 8-bit RGB images, written to match torchvision's `transforms.v2.functional` on
//! uint8 tensors: the same float32 formulas, the same truncation or rounding back to 8 bits.

use image::RgbImage;

/// Compile an op twice, for the baseline CPU and with AVX2 (picked at run time), so its float loops
/// run 8 lanes wide. Both versions do the same IEEE operations in the same order (AVX2 without
/// FMA), so the bytes they produce are identical.
macro_rules! multiversion {
    ($(#[$m:meta])* pub fn $name:ident($($arg:ident: $ty:ty),*) $body:block) => {
        $(#[$m])*
        pub fn $name($($arg: $ty),*) {
            #[inline(always)]
            fn imp($($arg: $ty),*) $body
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                fn avx2($($arg: $ty),*) {
                    imp($($arg),*)
                }
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: the CPU has AVX2, checked just above.
                    return unsafe { avx2($($arg),*) };
                }
            }
            imp($($arg),*)
        }
    };
}

pub fn hflip(img: &mut RgbImage) {
    let w = img.width() as usize;
    for row in img.chunks_exact_mut(w * 3) {
        row.as_chunks_mut::<3>().0.reverse();
    }
}

pub fn vflip(img: &mut RgbImage) {
    let stride = img.width() as usize * 3;
    let h = img.height() as usize;
    let buf: &mut [u8] = img;
    for y in 0..h / 2 {
        let (top, bottom) = buf.split_at_mut((h - 1 - y) * stride);
        top[y * stride..(y + 1) * stride].swap_with_slice(&mut bottom[..stride]);
    }
}

/// `k` quarter turns counter-clockwise (`torch.rot90(img, k, dims=[-2, -1])`).
pub fn rot90(img: &RgbImage, k: u32) -> RgbImage {
    let (w, h) = (img.width(), img.height());
    match k % 4 {
        0 => img.clone(),
        1 => RgbImage::from_fn(h, w, |x, y| *img.get_pixel(w - 1 - y, x)),
        2 => RgbImage::from_fn(w, h, |x, y| *img.get_pixel(w - 1 - x, h - 1 - y)),
        _ => RgbImage::from_fn(h, w, |x, y| *img.get_pixel(y, h - 1 - x)),
    }
}

/// Rotate by `deg` counter-clockwise about the centre, same size, bilinear, black outside
/// (torchvision `rotate(..., BILINEAR, expand=False, fill=0)`).
pub fn rotate(img: &RgbImage, deg: f32) -> RgbImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let (s, c) = (deg as f64).to_radians().sin_cos();
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let src = img.as_raw();
    let mut out = vec![0u8; w * h * 3];
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as f64 + 0.5 - cx, y as f64 + 0.5 - cy);
            // Inverse map: output pixel -> source position (pixel centres at integer + 0.5).
            let sx = dx * c - dy * s + cx - 0.5;
            let sy = dx * s + dy * c + cy - 0.5;
            let (x0, y0) = (sx.floor(), sy.floor());
            let (fx, fy) = ((sx - x0) as f32, (sy - y0) as f32);
            let mut acc = [0f32; 3];
            for (oy, wy) in [(0i64, 1.0 - fy), (1, fy)] {
                for (ox, wx) in [(0i64, 1.0 - fx), (1, fx)] {
                    let (px, py) = (x0 as i64 + ox, y0 as i64 + oy);
                    if px < 0 || py < 0 || px >= w as i64 || py >= h as i64 {
                        continue;
                    }
                    let i = (py as usize * w + px as usize) * 3;
                    for ch in 0..3 {
                        acc[ch] += wx * wy * src[i + ch] as f32;
                    }
                }
            }
            let o = (y * w + x) * 3;
            for ch in 0..3 {
                out[o + ch] = to_u8(acc[ch].round_ties_even());
            }
        }
    }
    RgbImage::from_raw(w as u32, h as u32, out).expect("buffer sized w*h*3")
}

/// A float clamped to 0..=255 and truncated to 8 bits (NaN -> 0), as `tensor.to(uint8)` after
/// a clamp; written so the conversion is one vector instruction.
#[inline(always)]
#[allow(clippy::manual_clamp)] // max/min map NaN to 0, where clamp would keep it
fn to_u8(x: f32) -> u8 {
    let x = x.max(0.0).min(255.0);
    // SAFETY: x is finite and within 0..=255 (max/min map NaN to 0).
    unsafe { x.to_int_unchecked::<i32>() as u8 }
}

/// ITU-R 601 luma in float32, as torchvision computes it.
#[inline(always)]
fn luma(p: &[u8]) -> f32 {
    p[0] as f32 * 0.2989 + p[1] as f32 * 0.587 + p[2] as f32 * 0.114
}

multiversion! {
    /// Three equal channels of the luma, truncated to 8 bits.
    pub fn grayscale(img: &mut RgbImage) {
        for p in img.as_chunks_mut::<3>().0 {
            let l = to_u8(luma(p));
            *p = [l; 3];
        }
    }
}

/// `x * f + other * (1 - f)`, clamped and truncated (torchvision `_blend`).
#[inline(always)]
fn blend(x: u8, other: f32, f: f32) -> u8 {
    to_u8(x as f32 * f + other * (1.0 - f))
}

multiversion! {
    pub fn brightness(img: &mut RgbImage, f: f32) {
        for v in img.iter_mut() {
            *v = to_u8(*v as f32 * f);
        }
    }
}

multiversion! {
    pub fn contrast(img: &mut RgbImage, f: f32) {
        // The floored lumas are integers: their sum is exact in u64, whatever the order.
        let n = (img.width() * img.height()).max(1) as f64;
        let sum: u64 = img.chunks_exact(3).map(|p| to_u8(luma(p)) as u64).sum();
        let mean = (sum as f64 / n) as f32;
        for v in img.iter_mut() {
            *v = blend(*v, mean, f);
        }
    }
}

multiversion! {
    pub fn saturation(img: &mut RgbImage, f: f32) {
        for p in img.chunks_exact_mut(3) {
            let g = luma(p).floor();
            for v in p.iter_mut() {
                *v = blend(*v, g, f);
            }
        }
    }
}

/// Pixels per block of the hue op: de-interleaved into planes so the float math runs in lanes.
const BLOCK: usize = 64;

multiversion! {
    /// Shift hue by `shift` (a fraction of the colour wheel) through HSV in float32, with
    /// torchvision's formulas (`_rgb_to_hsv`, `_hsv_to_rgb`) written without branches.
    pub fn hue(img: &mut RgbImage, shift: f32) {
        if shift == 0.0 {
            return;
        }
        let mut planes = [[0f32; BLOCK]; 3];
        for chunk in img.chunks_mut(3 * BLOCK) {
            let n = chunk.len() / 3;
            for i in 0..n {
                for c in 0..3 {
                    planes[c][i] = chunk[3 * i + c] as f32 / 255.0;
                }
            }
            let [rs, gs, bs] = &mut planes;
            for i in 0..BLOCK {
                let (r, g, b) = (rs[i], gs[i], bs[i]);
                let maxc = r.max(g).max(b);
                let minc = r.min(g).min(b);
                let range = maxc - minc;
                let eq = maxc == minc;
                let s = range / if eq { 1.0 } else { maxc };
                let div = if eq { 1.0 } else { range };
                let (rc, gc, bc) = ((maxc - r) / div, (maxc - g) / div, (maxc - b) / div);
                let is_r = maxc == r;
                let is_g = maxc == g && !is_r;
                let h = if is_r {
                    bc - gc
                } else if is_g {
                    (rc + 2.0) - bc
                } else {
                    (gc + 4.0) - rc
                };
                let h = h * (1.0f32 / 6.0) + 1.0;
                let h = if h >= 1.0 { h - 1.0 } else { h };
                let h = h + shift;
                let h = h - h.floor();
                let h6 = h * 6.0;
                let fi = h6.floor();
                let f = h6 - fi;
                let fi = if fi >= 6.0 { fi - 6.0 } else { fi };
                let v = maxc;
                let q = ((1.0 - s * f) * v).clamp(0.0, 1.0);
                let t = ((s * f + (1.0 - s)) * v).clamp(0.0, 1.0);
                let p = ((1.0 - s) * v).clamp(0.0, 1.0);
                rs[i] = if fi == 0.0 || fi == 5.0 {
                    v
                } else if fi == 1.0 {
                    q
                } else if fi == 4.0 {
                    t
                } else {
                    p
                };
                gs[i] = if fi == 0.0 {
                    t
                } else if fi == 1.0 || fi == 2.0 {
                    v
                } else if fi == 3.0 {
                    q
                } else {
                    p
                };
                bs[i] = if fi == 2.0 {
                    t
                } else if fi == 3.0 || fi == 4.0 {
                    v
                } else if fi == 5.0 {
                    q
                } else {
                    p
                };
            }
            // torchvision's float -> uint8: x * (256 - 1e-3), truncated.
            for i in 0..n {
                for c in 0..3 {
                    chunk[3 * i + c] = to_u8(planes[c][i] * 255.999);
                }
            }
        }
    }
}

multiversion! {
    pub fn solarize(img: &mut RgbImage, threshold: f32) {
        for v in img.iter_mut() {
            if *v as f32 >= threshold {
                *v = 255 - *v;
            }
        }
    }
}

/// Reflect index into 0..n without repeating the edge (PyTorch "reflect"), for any offset.
fn reflect(i: i64, n: i64) -> usize {
    if n == 1 {
        return 0;
    }
    let period = 2 * (n - 1);
    let m = i.rem_euclid(period);
    (if m < n { m } else { period - m }) as usize
}

thread_local! {
    /// The blur's float intermediate, kept per thread: a fresh 600 kB buffer per view costs page
    /// faults that show up as system time.
    static BLUR_TMP: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `out[i] = w * c[i]`, then `out[i] += wt * (lo[i] + hi[i])` for each mirrored tap pair: the
/// kernel is symmetric, so one multiply per pair. Equal-length slices so the loops vectorise.
#[inline(always)]
fn symmetric_taps<'a>(out: &mut [f32], weights: &[f32], tap: impl Fn(usize) -> &'a [f32]) {
    let n = out.len();
    let r = weights.len() / 2;
    let (c, wc) = (&tap(r)[..n], weights[r]);
    for i in 0..n {
        out[i] = wc * c[i];
    }
    for t in 0..r {
        let (lo, hi, wt) = (&tap(t)[..n], &tap(weights.len() - 1 - t)[..n], weights[t]);
        for i in 0..n {
            out[i] += wt * (lo[i] + hi[i]);
        }
    }
}

multiversion! {
    /// Gaussian blur, odd `kernel` side, reflect padding, float32, rounded half to even
    /// (torchvision `gaussian_blur`); separable, which equals its 2-D kernel up to float rounding.
    pub fn gaussian_blur(img: &mut RgbImage, kernel: u32, sigma: f32) {
        let (w, h) = (img.width() as usize, img.height() as usize);
        let r = (kernel / 2) as i64;
        let weights: Vec<f32> = {
            let raw: Vec<f32> = (-r..=r)
                .map(|i| (-0.5 * (i as f32 / sigma).powi(2)).exp())
                .collect();
            let sum: f32 = raw.iter().sum();
            raw.iter().map(|v| v / sum).collect()
        };
        let k = weights.len();
        let n = w * 3;
        // Horizontal pass into f32 rows, from a reflect-padded copy of each row.
        let mut tmp = BLUR_TMP.take();
        tmp.clear();
        tmp.resize(n * h, 0.0);
        let mut padded = vec![0f32; (w + k - 1) * 3];
        for (y, out) in tmp.chunks_exact_mut(n).enumerate() {
            let row = &img.as_raw()[y * n..(y + 1) * n];
            // The row itself, then the reflected margins (2r pixels).
            let body = &mut padded[r as usize * 3..r as usize * 3 + n];
            for (p, v) in body.iter_mut().zip(row) {
                *p = *v as f32;
            }
            for j in (0..r as usize).chain(r as usize + w..w + k - 1) {
                let sx = reflect(j as i64 - r, w as i64);
                for c in 0..3 {
                    padded[j * 3 + c] = row[sx * 3 + c] as f32;
                }
            }
            symmetric_taps(out, &weights, |t| &padded[t * 3..]);
        }
        // Vertical pass over the reflected rows of the intermediate.
        let mut acc = vec![0f32; n];
        let buf: &mut [u8] = img;
        for (y, dst) in buf.chunks_exact_mut(n).enumerate() {
            symmetric_taps(&mut acc, &weights, |t| {
                let sy = reflect(y as i64 + t as i64 - r, h as i64);
                &tmp[sy * n..(sy + 1) * n]
            });
            for (o, a) in dst.iter_mut().zip(&acc) {
                *o = to_u8(a.round_ties_even());
            }
        }
        BLUR_TMP.set(tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([x as u8 * 10, y as u8 * 20, (x + y) as u8])
        })
    }

    #[test]
    fn flips_and_quarter_turns_are_exact_permutations() {
        let img = ramp(5, 3);
        let mut f = img.clone();
        hflip(&mut f);
        assert_eq!(f.get_pixel(0, 1), img.get_pixel(4, 1));
        hflip(&mut f);
        assert_eq!(f, img);
        vflip(&mut f);
        assert_eq!(f.get_pixel(2, 0), img.get_pixel(2, 2));
        let r1 = rot90(&img, 1);
        assert_eq!((r1.width(), r1.height()), (3, 5));
        // Counter-clockwise: the top-right corner moves to the top-left.
        assert_eq!(r1.get_pixel(0, 0), img.get_pixel(4, 0));
        assert_eq!(rot90(&rot90(&r1, 2), 1), img);
    }

    #[test]
    fn reflect_matches_pytorch() {
        let got: Vec<usize> = (-3..7).map(|i| reflect(i, 4)).collect();
        assert_eq!(got, vec![3, 2, 1, 0, 1, 2, 3, 2, 1, 0]);
    }

    #[test]
    fn blur_keeps_a_flat_image_and_neutral_jitter_is_identity() {
        let mut flat = RgbImage::from_pixel(9, 7, image::Rgb([200, 10, 77]));
        gaussian_blur(&mut flat, 23, 1.7);
        assert!(flat.pixels().all(|p| p.0 == [200, 10, 77]));
        let img = ramp(6, 6);
        let mut j = img.clone();
        brightness(&mut j, 1.0);
        contrast(&mut j, 1.0);
        saturation(&mut j, 1.0);
        hue(&mut j, 0.0);
        assert_eq!(j, img);
    }
}
