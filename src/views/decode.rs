//! Decoding once per image: JPEG, PNG or WebP to 8-bit RGB. Grayscale, alpha and 16-bit inputs are
//! converted (alpha dropped, 16-bit scaled), oversized or broken files are refused by name.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits, RgbImage};

/// Why an image could not be used; `Display` is the message, `reason()` the counter key.
#[derive(Debug)]
pub enum DecodeError {
    Empty,
    Unsupported(String),
    TooLarge { width: u32, height: u32, max: u64 },
    Truncated,
    Corrupt(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Empty => write!(f, "is empty (0 bytes)"),
            DecodeError::Unsupported(what) => {
                write!(
                    f,
                    "is not a supported image ({what}; JPEG, PNG and WebP are)"
                )
            }
            DecodeError::TooLarge { width, height, max } => write!(
                f,
                "is {width}x{height} pixels, more than --max-pixels {max}"
            ),
            DecodeError::Truncated => write!(f, "is truncated (the JPEG stream has no end marker)"),
            DecodeError::Corrupt(e) => write!(f, "could not be decoded: {e}"),
        }
    }
}

impl DecodeError {
    pub fn reason(&self) -> &'static str {
        match self {
            DecodeError::Empty => "empty",
            DecodeError::Unsupported(_) => "unsupported_format",
            DecodeError::TooLarge { .. } => "too_large",
            DecodeError::Truncated => "truncated",
            DecodeError::Corrupt(_) => "corrupt",
        }
    }
}

/// Decode `bytes` to RGB8, refusing images of more than `max_pixels` before allocating them.
pub fn decode(bytes: &[u8], max_pixels: u64) -> Result<RgbImage, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let format = image::guess_format(bytes)
        .map_err(|_| DecodeError::Unsupported("unrecognised signature".into()))?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(DecodeError::Unsupported(format!("{format:?}")));
    }
    if format == ImageFormat::Jpeg && !has_jpeg_end(bytes) {
        // zune-jpeg fills a cut-off scan with grey and reports success: refuse it here instead.
        return Err(DecodeError::Truncated);
    }
    let reader = |bytes| {
        let mut r = ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = Limits::default();
        limits.max_alloc = Some(max_pixels.saturating_mul(8).max(1 << 20));
        r.limits(limits);
        r
    };
    let (width, height) = reader(bytes)
        .into_dimensions()
        .map_err(|e| DecodeError::Corrupt(e.to_string()))?;
    if width as u64 * height as u64 > max_pixels {
        return Err(DecodeError::TooLarge {
            width,
            height,
            max: max_pixels,
        });
    }
    if width == 0 || height == 0 {
        return Err(DecodeError::Corrupt(format!("{width}x{height} pixels")));
    }
    let img = reader(bytes).decode().map_err(|e| match e {
        image::ImageError::Limits(_) => DecodeError::TooLarge {
            width,
            height,
            max: max_pixels,
        },
        e => DecodeError::Corrupt(e.to_string()),
    })?;
    Ok(img.into_rgb8())
}

/// The main image's EOI marker (FF D9) follows its last start-of-scan (FF DA). Neither pair can
/// occur inside entropy-coded data (byte stuffing), and an EXIF thumbnail's EOI comes before the
/// main scan, so a cut-off file fails this test.
fn has_jpeg_end(bytes: &[u8]) -> bool {
    let last = |m: u8| bytes.windows(2).rposition(|w| w == [0xFF, m]);
    matches!((last(0xDA), last(0xD9)), (Some(sos), Some(eoi)) if eoi > sos)
}
