//! Training on sluice outputs through a `Backend`: [`lm`] runs `train lm` (schedule,
//! accumulation, checkpoints, evaluation, distillation) on splits read by [`crate::dataset::mix`].

pub mod lm;
