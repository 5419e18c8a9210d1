//! Curves drawn with plotters: SVG, or PNG through a bitmap and the `png` encoder. The font is
//! embedded (DejaVu Sans Mono, assets/fonts), so plots render the same on any machine.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::Result;

#[derive(Clone, Debug)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Draw points as dots instead of a line.
    pub dots: bool,
}

#[derive(Clone, Debug)]
pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    /// A horizontal reference line (y, label), e.g. a budget.
    pub hline: Option<(f64, String)>,
    /// The chosen point (x, y, label).
    pub marker: Option<(f64, f64, String)>,
}

const SIZE: (u32, u32) = (900, 560);
/// Series colours (matplotlib's tab10 without red, which is kept for the budget line and the
/// chosen point).
const COLORS: [RGBColor; 9] = [
    RGBColor(31, 119, 180),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(23, 190, 207),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
];
static FONT: Once = Once::new();

fn register_font() {
    FONT.call_once(|| {
        // The embedded font is valid; a failure would only lose the labels.
        let _ =
            plotters::style::register_font("sans-serif", FontStyle::Normal, crate::core::FONT_TTF);
    });
}

impl Chart {
    fn bounds(&self) -> (f64, f64, f64, f64) {
        let pts = self.series.iter().flat_map(|s| s.points.iter().copied());
        let extra = self
            .hline
            .iter()
            .map(|h| (f64::NAN, h.0))
            .chain(self.marker.iter().map(|m| (m.0, m.1)));
        let (mut x0, mut x1, mut y0, mut y1) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        for (x, y) in pts.chain(extra) {
            if x.is_finite() {
                x0 = x0.min(x);
                x1 = x1.max(x);
            }
            if y.is_finite() {
                y0 = y0.min(y);
                y1 = y1.max(y);
            }
        }
        // Degenerate ranges (one point, or none) get a unit width around what there is.
        let widen = |lo: f64, hi: f64| match (lo.is_finite(), lo < hi) {
            (false, _) => (0.0, 1.0),
            (true, false) => (lo - 1.0, lo + 1.0),
            (true, true) => (lo, hi),
        };
        (x0, x1) = widen(x0, x1);
        (y0, y1) = widen(y0, y1);
        let pad = 0.05 * (y1 - y0);
        (x0, x1, y0 - pad, y1 + pad)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), String> {
        let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
        let (x0, x1, y0, y1) = self.bounds();
        root.fill(&WHITE).map_err(e)?;
        let mut c = ChartBuilder::on(&root)
            .caption(&self.title, ("sans-serif", 22))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(e)?;
        c.configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .label_style(("sans-serif", 14))
            .draw()
            .map_err(e)?;
        for (i, s) in self.series.iter().enumerate() {
            let color = COLORS[i % COLORS.len()].to_rgba();
            let drawn = if s.dots {
                c.draw_series(s.points.iter().map(|&p| Circle::new(p, 4, color.filled())))
            } else {
                c.draw_series(LineSeries::new(s.points.clone(), color.stroke_width(2)))
            };
            drawn
                .map_err(e)?
                .label(s.name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
        }
        if let Some((y, label)) = &self.hline {
            c.draw_series(LineSeries::new(
                vec![(x0, *y), (x1, *y)],
                RED.stroke_width(1),
            ))
            .map_err(e)?
            .label(label.as_str())
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED));
        }
        if let Some((x, y, label)) = &self.marker {
            c.draw_series(std::iter::once(Circle::new((*x, *y), 6, RED.filled())))
                .map_err(e)?;
            c.draw_series(std::iter::once(Text::new(
                format!("  {label}"),
                (*x, *y),
                ("sans-serif", 16),
            )))
            .map_err(e)?;
        }
        c.configure_series_labels()
            .label_font(("sans-serif", 14))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(e)?;
        root.present().map_err(e)
    }

    /// Write `path`, PNG or SVG by its extension.
    pub fn render(&self, path: &Path) -> Result<()> {
        register_font();
        let fail = |why: String| err!(internal("draw {}: {why}", path.display()));
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("svg") => {
                let mut svg = String::new();
                self.draw(SVGBackend::with_string(&mut svg, SIZE).into_drawing_area())
                    .map_err(fail)?;
                crate::core::atomic::write_atomic(path, svg.as_bytes())
            }
            Some("png") => {
                let mut rgb = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
                self.draw(BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area())
                    .map_err(fail)?;
                let mut bytes = Vec::new();
                let mut enc = png::Encoder::new(&mut bytes, SIZE.0, SIZE.1);
                enc.set_color(png::ColorType::Rgb);
                enc.set_depth(png::BitDepth::Eight);
                let mut w = enc.write_header().map_err(|e| fail(e.to_string()))?;
                w.write_image_data(&rgb).map_err(|e| fail(e.to_string()))?;
                w.finish().map_err(|e| fail(e.to_string()))?;
                crate::core::atomic::write_atomic(path, &bytes)
            }
            _ => Err(err!(config(
                "--plot {}: use a .png or .svg file name",
                path.display()
            ))),
        }
    }
}
