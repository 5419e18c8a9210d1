//! Multi-view augmentation for poly-view contrastive, DUET, BYOL and ESSL training: each image is
//! decoded once and rendered into K views; every sampled parameter is recorded next to the view,
//! and rendering is a pure function of (pixels, recipe, params), so any view can be replayed.

pub mod decode;
pub mod generate;
pub mod ops;
pub mod options;
pub mod preview;
pub mod render;
pub mod replay;
pub mod sample;
pub mod source;
pub mod stored;
pub mod stream;

// The recipe and the parameter record are part of the views format (`dataset::views`).
pub use crate::dataset::views::{params, recipe};
