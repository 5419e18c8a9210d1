//! `views preview`: a PNG contact sheet, one row per sample, one column per view, each view's key
//! parameters printed under it, so a person can check that the augmentations look right.

use std::path::Path;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use image::{Rgb, RgbImage};

use crate::core::FONT_TTF;
use crate::core::atomic::write_atomic;
use crate::dataset::views::params::ViewParams;
use crate::dataset::views::recipe::Interpolation;
use crate::dataset::views::{ViewFormat, ViewRow, decode_view, read_manifest, read_shard};
use crate::error::Result;
use crate::views::generate::encode;
use crate::views::render::resized_crop;

const TILE: u32 = 160;
const PAD: u32 = 8;
const LINE: u32 = 13;
const LINES: u32 = 4;
const LEFT: u32 = 170;

/// Draw the first `samples` samples of the output in `dir` into `out` (PNG).
pub fn contact_sheet(dir: &Path, samples: usize, out: &Path) -> Result<(usize, usize)> {
    let manifest = read_manifest(dir)?;
    let mut rows: Vec<ViewRow> = Vec::new();
    let mut k = 0;
    let mut format = ViewFormat::Png;
    for shard in &manifest.shards {
        let (meta, more) = read_shard(&dir.join(&shard.path), None)?;
        k = meta.k as usize;
        format = meta.format;
        rows.extend(more);
        if rows.len() >= samples * k {
            break;
        }
    }
    rows.truncate(samples * k.max(1));
    if rows.is_empty() {
        bail!(input("{} holds no views", dir.display()));
    }
    let n = rows.len() / k;
    let font =
        FontRef::try_from_slice(FONT_TTF).map_err(|e| err!(internal("embedded font: {e}")))?;
    let cell_h = TILE + LINES * LINE + 2 * PAD;
    let width = LEFT + k as u32 * (TILE + PAD) + PAD;
    let height = n as u32 * cell_h + PAD;
    let mut sheet = RgbImage::from_pixel(width, height, Rgb([255, 255, 255]));
    for (i, group) in rows.chunks(k).enumerate() {
        let y0 = i as u32 * cell_h + PAD;
        let first = &group[0];
        let mut lines = wrap(&first.sample_id, 20);
        lines.push(format!("label: {}", first.label.as_deref().unwrap_or("-")));
        for (j, l) in lines.iter().take(8).enumerate() {
            text(&mut sheet, &font, PAD, y0 + j as u32 * LINE, l);
        }
        for (v, row) in group.iter().enumerate() {
            let x0 = LEFT + v as u32 * (TILE + PAD);
            let img = decode_view(&row.image, format, row.width, row.height)?;
            let thumb = fit(&img)?;
            image::imageops::overlay(&mut sheet, &thumb, x0 as i64, y0 as i64);
            for (j, l) in describe(row.view, &row.params).iter().enumerate() {
                text(&mut sheet, &font, x0, y0 + TILE + 2 + j as u32 * LINE, l);
            }
        }
    }
    let png = encode(&sheet, ViewFormat::Png, 100)?;
    write_atomic(out, &png)?;
    Ok((n, k))
}

/// Scale a view to fit the tile (smaller views, e.g. ESSL's 96 px crops, keep their size).
fn fit(img: &RgbImage) -> Result<RgbImage> {
    let side = img.width().max(img.height());
    if side <= TILE {
        return Ok(img.clone());
    }
    let (w, h) = (
        (img.width() * TILE / side).max(1),
        (img.height() * TILE / side).max(1),
    );
    resized_crop(
        img,
        (0, 0, img.height(), img.width()),
        w,
        h,
        Interpolation::Bilinear,
    )
}

/// Up to four short lines of the params that matter to a person.
fn describe(view: u16, p: &ViewParams) -> Vec<String> {
    let mut l = vec![format!(
        "v{view} crop {}x{} @{},{}",
        p.crop_width, p.crop_height, p.crop_left, p.crop_top
    )];
    let mut geo = Vec::new();
    if p.hflip != 0.0 {
        geo.push("hflip".to_string());
    }
    if p.vflip != 0.0 {
        geo.push("vflip".into());
    }
    if p.rotation_deg != 0.0 {
        geo.push(format!("rot {:.0}deg", p.rotation_deg));
    }
    if p.rotation_k != 0.0 {
        geo.push(format!("rot90 k={}", p.rotation_k));
    }
    l.push(if geo.is_empty() {
        "-".into()
    } else {
        geo.join(" ")
    });
    l.push(if p.jitter_applied != 0.0 {
        format!(
            "cj b{:.2} c{:.2} s{:.2} h{:+.2}",
            p.brightness, p.contrast, p.saturation, p.hue
        )
    } else {
        "no jitter".into()
    });
    let mut rest = Vec::new();
    if p.grayscale != 0.0 {
        rest.push("gray".to_string());
    }
    if p.blur_applied != 0.0 {
        rest.push(format!("blur s{:.2}", p.blur_sigma));
    }
    if p.solarize_applied != 0.0 {
        rest.push("solar".into());
    }
    l.push(rest.join(" "));
    l
}

fn wrap(s: &str, width: usize) -> Vec<String> {
    s.chars()
        .collect::<Vec<_>>()
        .chunks(width)
        .map(|c| c.iter().collect())
        .collect()
}

/// Draw `s` in dark grey with its top-left corner at (x, y).
fn text(img: &mut RgbImage, font: &FontRef, x: u32, y: u32, s: &str) {
    let scale = PxScale::from(11.0);
    let sf = font.as_scaled(scale);
    let mut caret = x as f32;
    let base = y as f32 + sf.ascent();
    for c in s.chars() {
        let id = sf.glyph_id(c);
        let glyph = id.with_scale_and_position(scale, point(caret, base));
        caret += sf.h_advance(id);
        if let Some(og) = font.outline_glyph(glyph) {
            let b = og.px_bounds();
            og.draw(|gx, gy, cov| {
                let (px, py) = (b.min.x as i64 + gx as i64, b.min.y as i64 + gy as i64);
                if px >= 0 && py >= 0 && (px as u32) < img.width() && (py as u32) < img.height() {
                    let p = img.get_pixel_mut(px as u32, py as u32);
                    for ch in p.0.iter_mut() {
                        *ch = (*ch as f32 * (1.0 - cov) + 40.0 * cov) as u8;
                    }
                }
            });
        }
    }
}
