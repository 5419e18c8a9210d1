//! Megatron-LM / NeMo indexed datasets (`MMIDIDX` version 1): `split.bin` holds the tokens,
//! `split.idx` the lengths, byte offsets and document index. Each packed sequence is one Megatron
//! sequence and one document, in training order.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::SequenceSink;
use crate::core::atomic::AtomicFile;
use crate::core::manifest::ShardInfo;
use crate::dataset::mix::Sequence;
use crate::error::{IoContext, Result};

const MAGIC: &[u8; 9] = b"MMIDIDX\x00\x00";
/// Megatron's dtype codes.
const DTYPE_UINT16: u8 = 8;
const DTYPE_INT32: u8 = 4;

pub struct MegatronFiles {
    out_dir: PathBuf,
    split: String,
    wide: bool,
    /// None when a previous run finished both files.
    bin: Option<AtomicFile>,
    lengths: Vec<i32>,
}

impl MegatronFiles {
    /// `out_dir/megatron/{split}.bin|.idx`; ids fit u16 when `vocab_size <= 65536`.
    pub fn create(out_dir: &Path, split: &str, vocab_size: u32) -> Result<Self> {
        let dir = out_dir.join("megatron");
        std::fs::create_dir_all(&dir).at("create", &dir)?;
        let (bin, idx) = (
            dir.join(format!("{split}.bin")),
            dir.join(format!("{split}.idx")),
        );
        let bin = if bin.exists() && idx.exists() {
            None
        } else {
            Some(AtomicFile::create(&bin)?)
        };
        Ok(MegatronFiles {
            out_dir: out_dir.to_path_buf(),
            split: split.to_string(),
            wide: vocab_size > 65536,
            bin,
            lengths: Vec::new(),
        })
    }

    fn rel(&self, ext: &str) -> String {
        format!("megatron/{}.{ext}", self.split)
    }
}

impl SequenceSink for MegatronFiles {
    /// Padding is left out: a Megatron sequence carries its own length.
    fn write(&mut self, seq: &Sequence, _source: &str) -> Result<()> {
        let tokens = &seq.tokens[..seq.real_tokens() as usize];
        self.lengths.push(tokens.len() as i32);
        if let Some(bin) = self.bin.as_mut() {
            let mut buf = Vec::with_capacity(tokens.len() * 4);
            for &t in tokens {
                if self.wide {
                    buf.extend_from_slice(&(t as i32).to_le_bytes());
                } else {
                    buf.extend_from_slice(&(t as u16).to_le_bytes());
                }
            }
            let path = bin.path().to_path_buf();
            bin.write_all(&buf).at("write", &path)?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<Vec<ShardInfo>> {
        let rows = self.lengths.len() as u64;
        let idx_path = self.out_dir.join(self.rel("idx"));
        let (bin_rel, idx_rel) = (self.rel("bin"), self.rel("idx"));
        if let Some(bin) = self.bin {
            let width: i64 = if self.wide { 4 } else { 2 };
            let mut idx = Vec::with_capacity(34 + self.lengths.len() * 20);
            idx.extend_from_slice(MAGIC);
            idx.extend_from_slice(&1u64.to_le_bytes());
            idx.push(if self.wide { DTYPE_INT32 } else { DTYPE_UINT16 });
            idx.extend_from_slice(&rows.to_le_bytes());
            idx.extend_from_slice(&(rows + 1).to_le_bytes());
            for l in &self.lengths {
                idx.extend_from_slice(&l.to_le_bytes());
            }
            let mut ptr = 0i64;
            for l in &self.lengths {
                idx.extend_from_slice(&ptr.to_le_bytes());
                ptr += *l as i64 * width;
            }
            for d in 0..=rows as i64 {
                idx.extend_from_slice(&d.to_le_bytes());
            }
            // .bin first: a present .idx always has its .bin.
            bin.commit()?;
            crate::core::atomic::write_atomic(&idx_path, &idx)?;
        }
        Ok(vec![
            ShardInfo::of(&self.out_dir, &bin_rel, rows)?,
            ShardInfo::of(&self.out_dir, &idx_rel, rows)?,
        ])
    }
}
