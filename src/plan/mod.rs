//! Planners: the seed papers' scaling laws turned into recommendations.
//!
//! Each planner is a pure function from inputs to a [`Plan`]: a table for people, JSON for
//! machines, and curves for `--plot`.

pub mod coeffs;
pub mod distill;
pub mod distill_fit;
pub mod ema;
pub mod fit;
pub mod forgetting;
pub mod moe;
pub mod plot;
pub mod runs;
pub mod views;

use serde::Serialize;

/// One planner's answer.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    pub title: String,
    /// The recommendation in one or two sentences.
    pub summary: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Machine-readable result.
    pub result: serde_json::Value,
    #[serde(skip)]
    pub chart: Option<plot::Chart>,
}

impl Plan {
    /// The table as aligned text.
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.len()).collect();
        for r in &self.rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.len());
            }
        }
        let line = |cells: &[String]| {
            let mut s = String::from(" ");
            for (c, w) in cells.iter().zip(&widths) {
                s += &format!(" {c:>w$}");
            }
            s + "\n"
        };
        let mut out = format!("{}\n{}\n", self.title, self.summary);
        out += &line(&self.columns);
        for r in &self.rows {
            out += &line(r);
        }
        out
    }
}

/// Numbers for tables: 4 significant digits, engineering suffixes for big ones.
pub fn num(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 1e15 {
        format!(
            "{:.3}e{}",
            x / 10f64.powi(a.log10().floor() as i32),
            a.log10().floor() as i32
        )
    } else if a >= 1e12 {
        format!("{:.3}T", x / 1e12)
    } else if a >= 1e9 {
        format!("{:.3}B", x / 1e9)
    } else if a >= 1e6 {
        format!("{:.3}M", x / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", x / 1e3)
    } else if a >= 0.01 {
        format!("{x:.4}")
    } else {
        format!("{x:.3e}")
    }
}
