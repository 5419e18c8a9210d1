//! The on-disk formats and their readers, below every producer and consumer: [`parquet`] (the one
//! shard writer and the column readers), [`mix`] (packed sequences), [`views`] (K views per
//! sample with their parameters), [`logits`] (teacher caches), [`tokens`] (`sluice tokenize`),
//! and [`loader`] (how a data loader cuts an epoch between ranks, workers and batches).
//! Producers (`mix`, `logits`, `views`) write through these, consumers (`train`, `logits inspect`)
//! read through them, and nothing here depends on either.

pub mod loader;
pub mod logits;
pub mod mix;
pub mod parquet;
pub mod tokens;
pub mod views;
