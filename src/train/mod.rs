//! Training on sluice outputs through a `Backend`: [`data`] reads `mix build` splits back,
//! [`lm`] runs `train lm` (schedule, accumulation, checkpoints, evaluation).

pub mod data;
pub mod lm;
