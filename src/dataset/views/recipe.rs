//! Augmentation recipes: per-view crop, resampling and an ordered list of random ops. Built-ins
//! follow the papers (SimCLR, BYOL, DUET, ESSL); user recipes are TOML files of the same shape.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Result;

/// A recipe: the view specs are expanded by `count` and cycled to fill K views, so BYOL's
/// asymmetric pair alternates for K > 2 and `2 large + 6 small` is two specs with counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    pub name: String,
    /// DUET: which transform's parameters the model predicts (names the `params` fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equivariant: Option<String>,
    pub views: Vec<ViewSpec>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewSpec {
    #[serde(default = "one")]
    pub count: u32,
    /// Output side in pixels; unset: `--size`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
    /// Output side as a fraction of `--size` (ESSL's 96 px crop is 0.4286 of 224).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_ratio: Option<f64>,
    #[serde(default)]
    pub crop: CropSpec,
    #[serde(default)]
    pub interpolation: Interpolation,
    #[serde(default)]
    pub ops: Vec<OpSpec>,
}

fn one() -> u32 {
    1
}
fn half() -> f64 {
    0.5
}
fn always() -> f64 {
    1.0
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interpolation {
    /// Triangle filter widened when downscaling (PIL / torchvision `antialias=True`).
    #[default]
    Bilinear,
    /// Cubic a = -0.5, widened when downscaling (PIL BICUBIC).
    Bicubic,
}

/// The first stage of every view: a crop box of the source resized to the output size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CropSpec {
    /// torchvision's RandomResizedCrop: area fraction ~ U(scale), log aspect ~ U(log ratio),
    /// 10 tries, then a central crop clamped to the ratio range.
    RandomResized {
        #[serde(default = "default_scale")]
        scale: [f64; 2],
        #[serde(default = "default_ratio")]
        ratio: [f64; 2],
    },
    /// The whole image, resized (aspect not kept).
    Full,
}

fn default_scale() -> [f64; 2] {
    [0.08, 1.0]
}
fn default_ratio() -> [f64; 2] {
    [3.0 / 4.0, 4.0 / 3.0]
}

impl Default for CropSpec {
    fn default() -> Self {
        CropSpec::RandomResized {
            scale: default_scale(),
            ratio: default_ratio(),
        }
    }
}

/// One random op; `p` is the probability it fires. Ops run in the order listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum OpSpec {
    Hflip {
        #[serde(default = "half")]
        p: f64,
    },
    Vflip {
        #[serde(default = "half")]
        p: f64,
    },
    /// Rotation by an angle ~ U(degrees), counter-clockwise, about the centre, bilinear, black fill.
    Rotate {
        #[serde(default = "always")]
        p: f64,
        degrees: [f64; 2],
    },
    /// Quarter turns: k drawn uniformly from `k` (ESSL's four-fold rotation label).
    Rotate90 {
        #[serde(default = "always")]
        p: f64,
        #[serde(default = "all_quarters")]
        k: Vec<u8>,
    },
    /// torchvision ColorJitter: factors ~ U(max(0, 1 - x), 1 + x), hue ~ U(-h, h), random order.
    ColorJitter {
        #[serde(default = "always")]
        p: f64,
        #[serde(default)]
        brightness: f64,
        #[serde(default)]
        contrast: f64,
        #[serde(default)]
        saturation: f64,
        #[serde(default)]
        hue: f64,
    },
    Grayscale {
        #[serde(default = "half")]
        p: f64,
    },
    /// Gaussian blur, sigma ~ U(sigma); odd kernel side `kernel`, or `kernel_ratio` of the view size.
    GaussianBlur {
        #[serde(default = "half")]
        p: f64,
        sigma: [f64; 2],
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kernel: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kernel_ratio: Option<f64>,
    },
    /// Invert every channel value >= threshold (0..=256, in 8-bit units).
    Solarize {
        #[serde(default = "half")]
        p: f64,
        #[serde(default = "mid")]
        threshold: f64,
    },
}

fn all_quarters() -> Vec<u8> {
    vec![0, 1, 2, 3]
}
fn mid() -> f64 {
    128.0
}

impl OpSpec {
    pub fn name(&self) -> &'static str {
        match self {
            OpSpec::Hflip { .. } => "hflip",
            OpSpec::Vflip { .. } => "vflip",
            OpSpec::Rotate { .. } => "rotate",
            OpSpec::Rotate90 { .. } => "rotate90",
            OpSpec::ColorJitter { .. } => "color_jitter",
            OpSpec::Grayscale { .. } => "grayscale",
            OpSpec::GaussianBlur { .. } => "gaussian_blur",
            OpSpec::Solarize { .. } => "solarize",
        }
    }

    pub fn p(&self) -> f64 {
        match self {
            OpSpec::Hflip { p }
            | OpSpec::Vflip { p }
            | OpSpec::Rotate { p, .. }
            | OpSpec::Rotate90 { p, .. }
            | OpSpec::ColorJitter { p, .. }
            | OpSpec::Grayscale { p }
            | OpSpec::GaussianBlur { p, .. }
            | OpSpec::Solarize { p, .. } => *p,
        }
    }
}

/// The names `--recipe` accepts besides a file path.
pub const BUILTINS: &[&str] = &[
    "simclr",
    "byol",
    "duet",
    "duet:rotate90",
    "duet:hflip",
    "duet:vflip",
    "essl-rot",
];

impl Recipe {
    /// A built-in name, or a TOML file.
    pub fn resolve(spec: &str) -> Result<Recipe> {
        if let Some(r) = builtin(spec) {
            return Ok(r);
        }
        let path = Path::new(spec);
        if !path.exists() {
            bail!(config(
                "--recipe `{spec}` is neither a built-in recipe ({}) nor an existing file",
                BUILTINS.join(", ")
            ));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| err!(config("recipe {}: {e}", path.display())))?;
        let recipe: Recipe =
            toml::from_str(&text).map_err(|e| err!(config("recipe {}: {e}", path.display())))?;
        recipe
            .validate()
            .map_err(|e| err!(config("recipe {}: {e}", path.display())))?;
        Ok(recipe)
    }

    /// The spec of view `v` (0-based) among K.
    pub fn view(&self, v: u32) -> &ViewSpec {
        let total: u32 = self.views.iter().map(|s| s.count).sum();
        let mut i = v % total;
        for s in &self.views {
            if i < s.count {
                return s;
            }
            i -= s.count;
        }
        unreachable!("validated: counts sum to total")
    }

    /// Check ranges and probabilities; the message names the view and op at fault.
    pub fn validate(&self) -> Result<(), String> {
        if self.views.is_empty() {
            return Err("needs at least one [[views]] entry".into());
        }
        for (i, v) in self.views.iter().enumerate() {
            let at = |what: &str| format!("views[{i}]: {what}");
            if v.count == 0 {
                return Err(at("count must be at least 1"));
            }
            if v.size.is_some() && v.size_ratio.is_some() {
                return Err(at("give size or size_ratio, not both"));
            }
            if v.size.is_some_and(|s| s == 0 || s > MAX_SIZE) {
                return Err(at(&format!("size must be in 1..={MAX_SIZE}")));
            }
            if v.size_ratio.is_some_and(|r| !(r > 0.0 && r <= 16.0)) {
                return Err(at("size_ratio must be in (0, 16]"));
            }
            if let CropSpec::RandomResized { scale, ratio } = &v.crop {
                range(scale, 0.0, 1.0).map_err(|e| at(&format!("crop.scale {e}")))?;
                if scale[1] <= 0.0 {
                    return Err(at("crop.scale upper bound must be above 0"));
                }
                if !(ratio[0] > 0.0 && ratio[0] <= ratio[1] && ratio[1].is_finite()) {
                    return Err(at("crop.ratio must be 0 < lo <= hi"));
                }
            }
            let mut seen = Vec::new();
            for (j, op) in v.ops.iter().enumerate() {
                let at = |what: &str| format!("views[{i}].ops[{j}] ({}): {what}", op.name());
                if seen.contains(&op.name()) {
                    return Err(at(
                        "appears twice in one view (each op records one set of params)",
                    ));
                }
                seen.push(op.name());
                if !(0.0..=1.0).contains(&op.p()) {
                    return Err(at("p must be in [0, 1]"));
                }
                match op {
                    OpSpec::Rotate { degrees, .. } => {
                        range(degrees, -360.0, 360.0).map_err(|e| at(&format!("degrees {e}")))?
                    }
                    OpSpec::Rotate90 { k, .. } => {
                        if k.is_empty() || k.iter().any(|&k| k > 3) {
                            return Err(at("k must list quarter turns in 0..=3"));
                        }
                    }
                    OpSpec::ColorJitter {
                        brightness,
                        contrast,
                        saturation,
                        hue,
                        ..
                    } => {
                        for (n, x) in [
                            ("brightness", brightness),
                            ("contrast", contrast),
                            ("saturation", saturation),
                        ] {
                            if !(*x >= 0.0 && x.is_finite()) {
                                return Err(at(&format!("{n} must be >= 0")));
                            }
                        }
                        if !(0.0..=0.5).contains(hue) {
                            return Err(at("hue must be in [0, 0.5]"));
                        }
                    }
                    OpSpec::GaussianBlur {
                        sigma,
                        kernel,
                        kernel_ratio,
                        ..
                    } => {
                        range(sigma, 0.0, 100.0).map_err(|e| at(&format!("sigma {e}")))?;
                        if sigma[0] <= 0.0 {
                            return Err(at("sigma must be above 0"));
                        }
                        match (kernel, kernel_ratio) {
                            (Some(k), None) if k % 2 == 1 => {}
                            (Some(_), None) => return Err(at("kernel must be odd")),
                            (None, Some(r)) if *r > 0.0 && *r <= 1.0 => {}
                            (None, Some(_)) => return Err(at("kernel_ratio must be in (0, 1]")),
                            _ => return Err(at("give kernel or kernel_ratio (one of them)")),
                        }
                    }
                    OpSpec::Solarize { threshold, .. } => {
                        if !(0.0..=256.0).contains(threshold) {
                            return Err(at("threshold must be in [0, 256]"));
                        }
                    }
                    OpSpec::Hflip { .. } | OpSpec::Vflip { .. } | OpSpec::Grayscale { .. } => {}
                }
            }
        }
        Ok(())
    }
}

/// Largest output side: keeps a view's buffer (and a row) bounded.
pub const MAX_SIZE: u32 = 4096;

fn range(r: &[f64; 2], lo: f64, hi: f64) -> Result<(), String> {
    if lo <= r[0] && r[0] <= r[1] && r[1] <= hi {
        Ok(())
    } else {
        Err(format!("must be a range [lo, hi] within [{lo}, {hi}]"))
    }
}

impl ViewSpec {
    /// Output side for this view given `--size`.
    pub fn side(&self, size: u32) -> u32 {
        match (self.size, self.size_ratio) {
            (Some(s), _) => s,
            (None, Some(r)) => ((size as f64 * r).round() as u32).clamp(1, MAX_SIZE),
            (None, None) => size,
        }
    }
}

fn simclr_view() -> ViewSpec {
    ViewSpec {
        count: 1,
        size: None,
        size_ratio: None,
        crop: CropSpec::default(),
        interpolation: Interpolation::Bilinear,
        ops: vec![
            OpSpec::Hflip { p: 0.5 },
            OpSpec::ColorJitter {
                p: 0.8,
                brightness: 0.8,
                contrast: 0.8,
                saturation: 0.8,
                hue: 0.2,
            },
            OpSpec::Grayscale { p: 0.2 },
            OpSpec::GaussianBlur {
                p: 0.5,
                sigma: [0.1, 2.0],
                kernel: None,
                kernel_ratio: Some(0.1),
            },
        ],
    }
}

fn byol_view(blur_p: f64, solarize_p: f64) -> ViewSpec {
    ViewSpec {
        count: 1,
        size: None,
        size_ratio: None,
        crop: CropSpec::default(),
        interpolation: Interpolation::Bicubic,
        ops: vec![
            OpSpec::Hflip { p: 0.5 },
            OpSpec::ColorJitter {
                p: 0.8,
                brightness: 0.4,
                contrast: 0.4,
                saturation: 0.2,
                hue: 0.1,
            },
            OpSpec::Grayscale { p: 0.2 },
            OpSpec::GaussianBlur {
                p: blur_p,
                sigma: [0.1, 2.0],
                kernel: None,
                kernel_ratio: Some(0.1),
            },
            OpSpec::Solarize {
                p: solarize_p,
                threshold: 128.0,
            },
        ],
    }
}

fn duet(equivariant: &str) -> Recipe {
    let mut ops = vec![
        OpSpec::ColorJitter {
            p: 0.8,
            brightness: 0.4,
            contrast: 0.4,
            saturation: 0.4,
            hue: 0.1,
        },
        OpSpec::Grayscale { p: 0.2 },
        OpSpec::GaussianBlur {
            p: 0.5,
            sigma: [0.1, 2.0],
            kernel: Some(3),
            kernel_ratio: None,
        },
    ];
    let geometric = match equivariant {
        "rotate90" => OpSpec::Rotate90 {
            p: 1.0,
            k: all_quarters(),
        },
        "hflip" => OpSpec::Hflip { p: 0.5 },
        "vflip" => OpSpec::Vflip { p: 0.5 },
        _ => OpSpec::Rotate {
            p: 1.0,
            degrees: [-180.0, 180.0],
        },
    };
    ops.insert(0, geometric);
    Recipe {
        name: if equivariant == "rotation" {
            "duet".into()
        } else {
            format!("duet:{equivariant}")
        },
        equivariant: Some(equivariant.into()),
        views: vec![ViewSpec {
            crop: CropSpec::RandomResized {
                scale: [0.2, 1.0],
                ratio: default_ratio(),
            },
            ops,
            ..simclr_view()
        }],
    }
}

/// A built-in recipe by name.
pub fn builtin(name: &str) -> Option<Recipe> {
    let r = match name {
        "simclr" => Recipe {
            name: "simclr".into(),
            equivariant: None,
            views: vec![simclr_view()],
        },
        "byol" => Recipe {
            name: "byol".into(),
            equivariant: None,
            views: vec![byol_view(1.0, 0.0), byol_view(0.1, 0.2)],
        },
        "duet" => duet("rotation"),
        "duet:rotate90" => duet("rotate90"),
        "duet:hflip" => duet("hflip"),
        "duet:vflip" => duet("vflip"),
        "essl-rot" => {
            let mut small = simclr_view();
            small.size_ratio = Some(96.0 / 224.0);
            small.crop = CropSpec::RandomResized {
                scale: [0.05, 0.14],
                ratio: default_ratio(),
            };
            small.ops.push(OpSpec::Rotate90 {
                p: 1.0,
                k: all_quarters(),
            });
            Recipe {
                name: "essl-rot".into(),
                equivariant: Some("rotate90".into()),
                views: vec![
                    ViewSpec {
                        count: 2,
                        ..simclr_view()
                    },
                    small,
                ],
            }
        }
        _ => return None,
    };
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_validate_and_cycle() {
        for name in BUILTINS {
            let r = builtin(name).unwrap();
            r.validate().unwrap();
            assert_eq!(&r.name, name);
        }
        let byol = builtin("byol").unwrap();
        // Asymmetric pair alternates: views 0, 2, 4 blur always; 1, 3, 5 solarize sometimes.
        assert_eq!(byol.view(0), byol.view(2));
        assert_eq!(byol.view(1), byol.view(5));
        assert_ne!(byol.view(0), byol.view(1));
        let essl = builtin("essl-rot").unwrap();
        assert_eq!(essl.view(2).side(224), 96);
        assert_eq!(essl.view(3).side(224), 224);
    }
}
