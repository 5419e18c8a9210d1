//! Training on sluice outputs through a backend: [`lm`] runs `train lm` (schedule, accumulation,
//! checkpoints, evaluation, distillation) on splits read by [`crate::dataset::mix`]; [`ssl`] runs
//! `train ssl` (multi-view self-supervised learning fed by online views, kNN and linear-probe
//! evaluation); both checkpoint through [`checkpoint`].

pub mod checkpoint;
pub mod fisher;
pub mod lm;
pub mod probe;
pub mod ssl;
