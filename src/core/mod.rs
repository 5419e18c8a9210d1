//! Pieces every pipeline shares: keyed randomness, exact fractions, atomic files, fingerprints,
//! manifests.

pub mod atomic;
pub mod fingerprint;
pub mod fraction;
pub mod manifest;
pub mod outdir;
pub mod progress;
pub mod rng;
