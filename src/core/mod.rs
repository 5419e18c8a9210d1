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

/// `fn NAME() -> T { VALUE }` for each `NAME: T = VALUE`: the defaults that clap's
/// `default_value_t = NAME()` and serde's `default = "NAME"` share, so each is written once.
#[macro_export]
macro_rules! defaults {
    ($($name:ident: $t:ty = $v:expr),* $(,)?) => {
        $(fn $name() -> $t { $v })*
    };
}
