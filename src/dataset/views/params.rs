//! The parameters one view was rendered with: every sampled value, recorded per row so a trainer can
//! use them as targets (DUET) and `views replay` can re-render the view without the RNG.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Float32Array, Float32Builder, StructArray};
use arrow::datatypes::{DataType, Field, Fields};

use crate::error::Result;

macro_rules! view_params {
    ($($(#[doc = $doc:literal])* $name:ident),* $(,)?) => {
        /// One view's parameters; all `f32` so the Arrow struct is fixed-width. Flags are 0 or 1.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct ViewParams {
            $($(#[doc = $doc])* pub $name: f32,)*
        }

        impl ViewParams {
            /// Field names in schema order.
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($name)),*];

            pub fn to_array(&self) -> Vec<f32> {
                vec![$(self.$name),*]
            }

            pub fn from_slice(v: &[f32]) -> Self {
                let mut it = v.iter().copied();
                ViewParams { $($name: it.next().unwrap_or(0.0)),* }
            }
        }
    };
}

view_params! {
    /// Decoded source image size, pixels.
    source_height, source_width,
    /// Crop box in source pixels (integers), then the same box divided by the source size.
    crop_top, crop_left, crop_height, crop_width,
    crop_top_norm, crop_left_norm, crop_height_norm, crop_width_norm,
    hflip, vflip,
    /// Arbitrary-angle rotation (counter-clockwise degrees) and quarter turns (ESSL's label).
    rotation_deg, rotation_k,
    /// Color jitter: applied flag, the four factors, and which op (0 brightness, 1 contrast,
    /// 2 saturation, 3 hue) ran at each of the four positions.
    jitter_applied, brightness, contrast, saturation, hue,
    jitter_order_0, jitter_order_1, jitter_order_2, jitter_order_3,
    grayscale,
    blur_applied, blur_sigma, blur_kernel,
    solarize_applied, solarize_threshold,
}

impl ViewParams {
    /// No augmentation on a `height` x `width` source: the whole image, neutral factors.
    pub fn identity(height: u32, width: u32) -> Self {
        let mut p = ViewParams::from_slice(&[]);
        p.source_height = height as f32;
        p.source_width = width as f32;
        p.set_crop(0, 0, height, width);
        p.brightness = 1.0;
        p.contrast = 1.0;
        p.saturation = 1.0;
        p.set_jitter_order([0, 1, 2, 3]);
        p
    }

    pub fn set_crop(&mut self, top: u32, left: u32, height: u32, width: u32) {
        self.crop_top = top as f32;
        self.crop_left = left as f32;
        self.crop_height = height as f32;
        self.crop_width = width as f32;
        self.crop_top_norm = top as f32 / self.source_height;
        self.crop_left_norm = left as f32 / self.source_width;
        self.crop_height_norm = height as f32 / self.source_height;
        self.crop_width_norm = width as f32 / self.source_width;
    }

    pub fn set_jitter_order(&mut self, order: [u8; 4]) {
        self.jitter_order_0 = order[0] as f32;
        self.jitter_order_1 = order[1] as f32;
        self.jitter_order_2 = order[2] as f32;
        self.jitter_order_3 = order[3] as f32;
    }

    pub fn jitter_order(&self) -> [u8; 4] {
        [
            self.jitter_order_0,
            self.jitter_order_1,
            self.jitter_order_2,
            self.jitter_order_3,
        ]
        .map(|v| v as u8)
    }

    /// The crop box as integers (top, left, height, width).
    pub fn crop(&self) -> (u32, u32, u32, u32) {
        (
            self.crop_top as u32,
            self.crop_left as u32,
            self.crop_height as u32,
            self.crop_width as u32,
        )
    }

    pub fn arrow_fields() -> Fields {
        ViewParams::FIELDS
            .iter()
            .map(|n| Arc::new(Field::new(*n, DataType::Float32, false)))
            .collect()
    }

    /// Build the `params` struct column of a batch.
    pub fn to_struct_array(rows: &[ViewParams]) -> StructArray {
        let n = ViewParams::FIELDS.len();
        let mut builders: Vec<Float32Builder> = (0..n)
            .map(|_| Float32Builder::with_capacity(rows.len()))
            .collect();
        for r in rows {
            for (b, v) in builders.iter_mut().zip(r.to_array()) {
                b.append_value(v);
            }
        }
        let arrays: Vec<ArrayRef> = builders
            .into_iter()
            .map(|mut b| Arc::new(b.finish()) as ArrayRef)
            .collect();
        StructArray::new(ViewParams::arrow_fields(), arrays, None)
    }

    /// Read row `i` of a `params` struct column.
    pub fn from_struct_array(a: &StructArray, i: usize) -> Result<Self> {
        let mut v = Vec::with_capacity(ViewParams::FIELDS.len());
        for name in ViewParams::FIELDS {
            let col = a
                .column_by_name(name)
                .and_then(|c| c.as_any().downcast_ref::<Float32Array>())
                .ok_or_else(|| err!(input("params field `{name}` missing or not float32")))?;
            if col.is_null(i) {
                bail!(input("params field `{name}` is null"));
            }
            v.push(col.value(i));
        }
        Ok(ViewParams::from_slice(&v))
    }
}
