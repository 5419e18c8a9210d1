//! Where packed sequences go: Parquet shards and Megatron `.bin/.idx` files. Every file is written
//! under a temporary name and renamed when whole; a file already in place is a finished one, so a
//! resumed run skips it.

pub mod megatron;
pub mod parquet;

use crate::core::manifest::ShardInfo;
use crate::dataset::mix::Sequence;
use crate::error::Result;

/// A consumer of sequences in training order.
pub trait SequenceSink {
    fn write(&mut self, seq: &Sequence, source: &str) -> Result<()>;
    /// Finish the last file; describe every file, including ones a previous run finished.
    fn finish(self: Box<Self>) -> Result<Vec<ShardInfo>>;
}
