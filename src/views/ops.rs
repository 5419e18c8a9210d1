//! Pixel ops on 8-bit RGB images, written to match torchvision's `transforms.v2.functional` on
//! uint8 tensors: the same float32 formulas, the same truncation or rounding back to 8 bits.

use image::RgbImage;

pub fn hflip(img: &mut RgbImage) {
    let w = img.width() as usize;
    for row in img.chunks_exact_mut(w * 3) {
        for x in 0..w / 2 {
            let (a, b) = (x * 3, (w - 1 - x) * 3);
            for c in 0..3 {
                row.swap(a + c, b + c);
            }
        }
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
                out[o + ch] = acc[ch].round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    RgbImage::from_raw(w as u32, h as u32, out).expect("buffer sized w*h*3")
}

/// ITU-R 601 luma in float32, as torchvision computes it.
#[inline]
fn luma(p: &[u8]) -> f32 {
    p[0] as f32 * 0.2989 + p[1] as f32 * 0.587 + p[2] as f32 * 0.114
}

/// Three equal channels of the luma, truncated to 8 bits.
pub fn grayscale(img: &mut RgbImage) {
    for p in img.chunks_exact_mut(3) {
        let l = luma(p) as u8;
        p.fill(l);
    }
}

/// `x * f + other * (1 - f)`, clamped and truncated (torchvision `_blend`).
#[inline]
fn blend(x: u8, other: f32, f: f32) -> u8 {
    (x as f32 * f + other * (1.0 - f)).clamp(0.0, 255.0) as u8
}

pub fn brightness(img: &mut RgbImage, f: f32) {
    for v in img.iter_mut() {
        *v = (*v as f32 * f).clamp(0.0, 255.0) as u8;
    }
}

pub fn contrast(img: &mut RgbImage, f: f32) {
    let n = (img.width() * img.height()).max(1) as f64;
    let sum: f64 = img.chunks_exact(3).map(|p| luma(p).floor() as f64).sum();
    let mean = (sum / n) as f32;
    for v in img.iter_mut() {
        *v = blend(*v, mean, f);
    }
}

pub fn saturation(img: &mut RgbImage, f: f32) {
    for p in img.chunks_exact_mut(3) {
        let g = luma(p).floor();
        for v in p.iter_mut() {
            *v = blend(*v, g, f);
        }
    }
}

/// Shift hue by `shift` (a fraction of the colour wheel) through HSV in float32.
pub fn hue(img: &mut RgbImage, shift: f32) {
    if shift == 0.0 {
        return;
    }
    for px in img.chunks_exact_mut(3) {
        let [r, g, b] = [px[0], px[1], px[2]].map(|v| v as f32 / 255.0);
        let maxc = r.max(g).max(b);
        let minc = r.min(g).min(b);
        let range = maxc - minc;
        let eq = maxc == minc;
        let s = range / if eq { 1.0 } else { maxc };
        let div = if eq { 1.0 } else { range };
        let (rc, gc, bc) = ((maxc - r) / div, (maxc - g) / div, (maxc - b) / div);
        let h = if maxc == r {
            bc - gc
        } else if maxc == g {
            2.0 + rc - bc
        } else {
            4.0 + gc - rc
        };
        let h = (h / 6.0 + 1.0) % 1.0;
        let h = (h + shift).rem_euclid(1.0);
        let v = maxc;
        let h6 = h * 6.0;
        let i = h6.floor();
        let f = h6 - i;
        let q = ((1.0 - s * f) * v).clamp(0.0, 1.0);
        let t = ((s * f + (1.0 - s)) * v).clamp(0.0, 1.0);
        let p = ((1.0 - s) * v).clamp(0.0, 1.0);
        let (r, g, b) = match (i as i32).rem_euclid(6) {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
        // torchvision's float -> uint8: x * (256 - 1e-3), truncated.
        for (o, c) in px.iter_mut().zip([r, g, b]) {
            *o = (c * 255.999).clamp(0.0, 255.0) as u8;
        }
    }
}

pub fn solarize(img: &mut RgbImage, threshold: f32) {
    for v in img.iter_mut() {
        if *v as f32 >= threshold {
            *v = 255 - *v;
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

/// Gaussian blur, odd `kernel` side, reflect padding, float32, rounded (torchvision
/// `gaussian_blur`); separable, which equals its 2-D kernel up to float rounding.
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
    // Horizontal pass into f32, one padded row at a time so the inner loop is a plain axpy.
    let mut tmp = vec![0f32; w * h * 3];
    let mut padded = vec![0f32; (w + k - 1) * 3];
    for y in 0..h {
        let row = &img.as_raw()[y * w * 3..(y + 1) * w * 3];
        for (j, px) in padded.chunks_exact_mut(3).enumerate() {
            let sx = reflect(j as i64 - r, w as i64);
            for c in 0..3 {
                px[c] = row[sx * 3 + c] as f32;
            }
        }
        let out = &mut tmp[y * w * 3..(y + 1) * w * 3];
        for (t, &wt) in weights.iter().enumerate() {
            let src = &padded[t * 3..t * 3 + w * 3];
            for (o, s) in out.iter_mut().zip(src) {
                *o += wt * s;
            }
        }
    }
    // Vertical pass: rows of the intermediate, reflected, accumulated the same way.
    let mut acc = vec![0f32; w * 3];
    let buf: &mut [u8] = img;
    for y in 0..h {
        acc.fill(0.0);
        for (t, &wt) in weights.iter().enumerate() {
            let sy = reflect(y as i64 + t as i64 - r, h as i64);
            let src = &tmp[sy * w * 3..(sy + 1) * w * 3];
            for (o, s) in acc.iter_mut().zip(src) {
                *o += wt * s;
            }
        }
        for (o, a) in buf[y * w * 3..(y + 1) * w * 3].iter_mut().zip(&acc) {
            *o = a.round().clamp(0.0, 255.0) as u8;
        }
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
