//! Pieces every pipeline shares: keyed randomness, exact fractions, atomic files, fingerprints,
//! manifests.

pub mod atomic;
pub mod fingerprint;
pub mod fraction;
pub mod job;
pub mod lock;
pub mod manifest;
pub mod outdir;
pub mod progress;
pub mod rng;

/// DejaVu Sans Mono, embedded so charts and previews render the same everywhere.
pub const FONT_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono.ttf");
