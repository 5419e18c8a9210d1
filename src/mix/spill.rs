//! External shuffle of tokenized documents.
//!
//! Each document gets a random sort key from `(seed, content key, purpose)`. Documents are spilled
//! to bucket files by the key's high bits, so bucket `b` holds a contiguous key range; reading the
//! buckets in order and sorting each in memory yields the documents sorted by key. The order is the
//! same whatever the number of buckets, which only bounds memory.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::pack::{Pack, Sequence};
use crate::error::{IoContext, Result};

/// What a finished spill holds.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SpillInfo {
    /// Buckets per epoch.
    pub buckets: u32,
    pub epochs: u32,
    pub documents: u64,
    /// Tokens over all epochs, end-of-document tokens included.
    pub tokens: u64,
}

pub struct SpillWriter {
    dir: PathBuf,
    name: String,
    info: SpillInfo,
    files: Vec<BufWriter<File>>,
}

fn bucket_path(dir: &Path, name: &str, i: usize) -> PathBuf {
    dir.join(format!("{name}-{i:05}.bin"))
}

impl SpillWriter {
    pub fn create(dir: &Path, name: &str, buckets: u32, epochs: u32) -> Result<Self> {
        let files = (0..(buckets * epochs) as usize)
            .map(|i| {
                let p = bucket_path(dir, name, i);
                Ok(BufWriter::with_capacity(
                    32 << 10,
                    File::create(&p).at("create", &p)?,
                ))
            })
            .collect::<Result<_>>()?;
        Ok(SpillWriter {
            dir: dir.to_path_buf(),
            name: name.to_string(),
            info: SpillInfo {
                buckets,
                epochs,
                ..Default::default()
            },
            files,
        })
    }

    /// Spill one document (its tokens, end-of-document token included) for `epoch`.
    pub fn write(&mut self, epoch: u32, sort_key: u64, seq_no: u64, tokens: &[u32]) -> Result<()> {
        let b = ((sort_key as u128 * self.info.buckets as u128) >> 64) as usize;
        let i = epoch as usize * self.info.buckets as usize + b;
        let f = &mut self.files[i];
        let mut rec = Vec::with_capacity(20 + 4 * tokens.len());
        rec.extend_from_slice(&sort_key.to_le_bytes());
        rec.extend_from_slice(&seq_no.to_le_bytes());
        rec.extend_from_slice(&(tokens.len() as u32).to_le_bytes());
        for t in tokens {
            rec.extend_from_slice(&t.to_le_bytes());
        }
        f.write_all(&rec)
            .at("write", &bucket_path(&self.dir, &self.name, i))?;
        if epoch == 0 {
            self.info.documents += 1;
        }
        self.info.tokens += tokens.len() as u64;
        Ok(())
    }

    pub fn finish(self) -> Result<SpillInfo> {
        for (i, f) in self.files.into_iter().enumerate() {
            let p = bucket_path(&self.dir, &self.name, i);
            let file = f.into_inner().map_err(|e| e.into_error()).at("write", &p)?;
            file.sync_all().at("sync", &p)?;
        }
        Ok(self.info)
    }
}

/// Documents of a spill in key order, epoch after epoch, one bucket in memory at a time. A spill
/// written in slices (one directory per slice, same buckets) reads as one: bucket `b` is the union
/// of the slices' bucket `b`, sorted together, each slice's document numbers shifted by the
/// documents of the slices before it, so that ties sort as in a single build.
pub struct SpillReader {
    dirs: Vec<(PathBuf, u64)>,
    name: String,
    files: usize,
    next_file: usize,
    tokens: Vec<u32>,
    /// (sort key, seq no, offset, len) of the loaded bucket, sorted.
    entries: Vec<(u64, u64, usize, usize)>,
    pos: usize,
}

impl SpillReader {
    /// `dirs`: each slice's spill directory and the number of its first document.
    pub fn open(dirs: &[(PathBuf, u64)], name: &str, info: &SpillInfo) -> Self {
        SpillReader {
            dirs: dirs.to_vec(),
            name: name.to_string(),
            files: (info.buckets * info.epochs) as usize,
            next_file: 0,
            tokens: Vec::new(),
            entries: Vec::new(),
            pos: 0,
        }
    }

    fn load(&mut self, i: usize) -> Result<()> {
        self.tokens.clear();
        self.entries.clear();
        self.pos = 0;
        for d in 0..self.dirs.len() {
            let (dir, first) = &self.dirs[d];
            let p = bucket_path(dir, &self.name, i);
            let mut bytes = Vec::new();
            File::open(&p)
                .at("open", &p)?
                .read_to_end(&mut bytes)
                .at("read", &p)?;
            self.parse(&bytes, *first, &p)?;
        }
        self.entries.sort_unstable();
        Ok(())
    }

    fn parse(&mut self, bytes: &[u8], first: u64, p: &Path) -> Result<()> {
        let corrupt = || err!(internal("spill file {} is truncated", p.display()));
        let mut at = 0;
        let u64_at = |b: &[u8], i: usize| {
            b.get(i..i + 8)
                .map(|s| u64::from_le_bytes(s.try_into().unwrap_or_default()))
        };
        while at < bytes.len() {
            let key = u64_at(bytes, at).ok_or_else(corrupt)?;
            let seq = u64_at(bytes, at + 8).ok_or_else(corrupt)?;
            let len = bytes
                .get(at + 16..at + 20)
                .map(|s| u32::from_le_bytes(s.try_into().unwrap_or_default()) as usize)
                .ok_or_else(corrupt)?;
            let body = bytes.get(at + 20..at + 20 + 4 * len).ok_or_else(corrupt)?;
            let off = self.tokens.len();
            self.tokens.extend(
                body.chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
            self.entries.push((key, first + seq, off, len));
            at += 20 + 4 * len;
        }
        Ok(())
    }

    /// The next document's tokens, or None at the end.
    pub fn next_doc(&mut self) -> Result<Option<&[u32]>> {
        while self.pos >= self.entries.len() {
            if self.next_file >= self.files {
                return Ok(None);
            }
            let i = self.next_file;
            self.next_file += 1;
            self.load(i)?;
        }
        let (_, _, off, len) = self.entries[self.pos];
        self.pos += 1;
        Ok(Some(&self.tokens[off..off + len]))
    }
}

/// Packed sequences drawn from a spill.
pub struct SequenceStream {
    reader: SpillReader,
    packer: Box<dyn Pack>,
    done: bool,
}

impl SequenceStream {
    pub fn new(reader: SpillReader, packer: Box<dyn Pack>) -> Self {
        SequenceStream {
            reader,
            packer,
            done: false,
        }
    }

    pub fn next_seq(&mut self) -> Result<Option<Sequence>> {
        loop {
            if let Some(s) = self.packer.pop() {
                return Ok(Some(s));
            }
            if self.done {
                return Ok(None);
            }
            match self.reader.next_doc()? {
                Some(doc) => self.packer.push_doc(doc),
                None => {
                    self.packer.finish();
                    self.done = true
                }
            }
        }
    }

    /// Tokens that no sequence will hold (a concat tail, truncated ends of long documents).
    pub fn dropped_tokens(&self) -> u64 {
        self.packer.dropped_tokens()
    }
}
