//! Rendering a view from its recorded parameters: a pure function of (source pixels, view spec,
//! params), with no randomness, so `views replay` reproduces every view bit for bit.

use std::cell::RefCell;

use fast_image_resize::images::{CroppedImage, Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbImage;

use crate::error::{Error, Result};
use crate::views::ops;
use crate::views::params::ViewParams;
use crate::views::recipe::{Interpolation, OpSpec, Recipe, ViewSpec};
use crate::views::sample::sample_view;

thread_local! {
    static RESIZER: RefCell<Resizer> = RefCell::new(Resizer::new());
}

/// Crop `(top, left, height, width)` of `src` and resize it to `out_w` x `out_h` with a
/// PIL-style convolution (filter support widened when downscaling, i.e. antialiased).
pub fn resized_crop(
    src: &RgbImage,
    crop: (u32, u32, u32, u32),
    out_w: u32,
    out_h: u32,
    interpolation: Interpolation,
) -> Result<RgbImage> {
    let (top, left, h, w) = crop;
    if h == 0 || w == 0 || top + h > src.height() || left + w > src.width() {
        bail!(input(
            "crop box top={top} left={left} height={h} width={w} is outside the {}x{} source",
            src.width(),
            src.height()
        ));
    }
    let filter = match interpolation {
        Interpolation::Bilinear => FilterType::Bilinear,
        Interpolation::Bicubic => FilterType::CatmullRom,
    };
    let full = ImageRef::new(src.width(), src.height(), src.as_raw(), PixelType::U8x3)
        .map_err(|e| err!(internal("source buffer: {e}")))?;
    // A cropped view, not a crop option: the filter must clamp at the box's edges (crop, then
    // resize, as torchvision does) instead of reading the pixels around it.
    let view =
        CroppedImage::new(&full, left, top, w, h).map_err(|e| err!(internal("crop box: {e}")))?;
    let mut dst = Image::new(out_w, out_h, PixelType::U8x3);
    let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(filter));
    RESIZER
        .with(|r| r.borrow_mut().resize(&view, &mut dst, &opts))
        .map_err(|e| err!(internal("resize: {e}")))?;
    RgbImage::from_raw(out_w, out_h, dst.into_vec())
        .ok_or_else(|| Error::internal("resize returned a short buffer"))
}

/// The `k` views of one decoded sample whose key is `key`: each view's params sampled from
/// `(seed, key, view)`, rendered at that view's side and handed to `finish` (encode, keep), views
/// in parallel, one task per view. `views gen` and the online stream (`views::stream`) both render
/// through here, so their views are the same bytes.
pub fn render_views<T: Send>(
    recipe: &Recipe,
    (k, size, seed, key): (u32, u32, u64, u64),
    img: &RgbImage,
    finish: impl Fn(ViewParams, u32, RgbImage) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    use rayon::prelude::*;
    (0..k)
        .into_par_iter()
        .map(|v| {
            let spec = recipe.view(v);
            let side = spec.side(size);
            let p = sample_view(spec, side, img.height(), img.width(), seed, key, v);
            finish(p, side, render(img, spec, side, &p)?)
        })
        .collect()
}

/// Render one view: crop + resize to `side`, then the recipe's ops in order, each as recorded.
pub fn render(src: &RgbImage, spec: &ViewSpec, side: u32, p: &ViewParams) -> Result<RgbImage> {
    if p.source_height as u32 != src.height() || p.source_width as u32 != src.width() {
        bail!(input(
            "params were sampled on a {}x{} source, not this {}x{} one",
            p.source_width,
            p.source_height,
            src.width(),
            src.height()
        ));
    }
    check(p, side)?;
    let mut img = resized_crop(src, p.crop(), side, side, spec.interpolation)?;
    for op in &spec.ops {
        match op {
            OpSpec::Hflip { .. } if p.hflip != 0.0 => ops::hflip(&mut img),
            OpSpec::Vflip { .. } if p.vflip != 0.0 => ops::vflip(&mut img),
            OpSpec::Rotate { .. } if p.rotation_deg != 0.0 => {
                img = ops::rotate(&img, p.rotation_deg)
            }
            OpSpec::Rotate90 { .. } if p.rotation_k != 0.0 => {
                img = ops::rot90(&img, p.rotation_k as u32)
            }
            OpSpec::ColorJitter { .. } if p.jitter_applied != 0.0 => {
                for op in p.jitter_order() {
                    match op {
                        0 => ops::brightness(&mut img, p.brightness),
                        1 => ops::contrast(&mut img, p.contrast),
                        2 => ops::saturation(&mut img, p.saturation),
                        _ => ops::hue(&mut img, p.hue),
                    }
                }
            }
            OpSpec::Grayscale { .. } if p.grayscale != 0.0 => ops::grayscale(&mut img),
            OpSpec::GaussianBlur { .. } if p.blur_applied != 0.0 => {
                ops::gaussian_blur(&mut img, p.blur_kernel as u32, p.blur_sigma)
            }
            OpSpec::Solarize { .. } if p.solarize_applied != 0.0 => {
                ops::solarize(&mut img, p.solarize_threshold)
            }
            _ => {}
        }
    }
    Ok(img)
}

/// Params read back from a file are input: refuse values no sampler produces before they size a
/// buffer or a kernel.
fn check(p: &ViewParams, side: u32) -> Result<()> {
    let bad = |what: &str| Err(err!(input("view params: {what}")));
    if side == 0 || side > crate::views::recipe::MAX_SIZE {
        return bad(&format!(
            "side {side} is outside 1..={}",
            crate::views::recipe::MAX_SIZE
        ));
    }
    if p.to_array().iter().any(|v| !v.is_finite()) {
        return bad("a field is not finite");
    }
    if p.blur_applied != 0.0 {
        let k = p.blur_kernel;
        if !(k >= 1.0 && k <= 2.0 * crate::views::recipe::MAX_SIZE as f32 + 1.0 && k % 2.0 == 1.0) {
            return bad(&format!("blur kernel {k} is not an odd size"));
        }
        if p.blur_sigma <= 0.0 {
            return bad("blur sigma must be above 0");
        }
    }
    if [p.brightness, p.contrast, p.saturation]
        .iter()
        .any(|f| *f < 0.0)
        || p.hue.abs() > 0.5
    {
        return bad("jitter factors out of range");
    }
    if p.jitter_order().iter().any(|o| *o > 3) || !(0.0..=3.0).contains(&p.rotation_k) {
        return bad("jitter order or quarter turns out of range");
    }
    Ok(())
}
