//! Plain-text files, one document per file, batched so that tokenization can run in parallel.

use std::path::Path;

use super::table::TableReader;
use super::{DocBatch, InputFile, OnError, ScanStats, SourceSpec};
use crate::error::{Error, IoContext, Result};

const BATCH_DOCS: usize = 256;
const BATCH_BYTES: u64 = 8 << 20;

pub(super) struct TextBatcher<'a> {
    spec: &'a SourceSpec,
    paths: Vec<String>,
    docs: Vec<String>,
    bytes: u64,
}

impl<'a> TextBatcher<'a> {
    pub fn new(spec: &'a SourceSpec) -> Self {
        TextBatcher {
            spec,
            paths: Vec::new(),
            docs: Vec::new(),
            bytes: 0,
        }
    }

    pub fn push(
        &mut self,
        file: &InputFile,
        at: &Path,
        tables: &TableReader,
        stats: &mut ScanStats,
        emit: &mut dyn FnMut(DocBatch) -> Result<()>,
    ) -> Result<()> {
        let bytes = std::fs::read(at).at("read", at)?;
        self.bytes += file.bytes;
        match String::from_utf8(bytes) {
            Ok(text) => {
                self.paths.push(file.path.display().to_string());
                self.docs.push(text);
            }
            Err(e) => match self.spec.on_error {
                OnError::Fail => return Err(invalid_utf8(self.spec, &file.path, e.utf8_error())),
                OnError::Skip => {
                    stats.records += 1;
                    stats.skip("invalid_utf8")
                }
            },
        }
        if self.docs.len() >= BATCH_DOCS || self.bytes >= BATCH_BYTES {
            self.flush(tables, stats, emit)?;
        }
        Ok(())
    }

    pub fn flush(
        &mut self,
        tables: &TableReader,
        stats: &mut ScanStats,
        emit: &mut dyn FnMut(DocBatch) -> Result<()>,
    ) -> Result<()> {
        if self.docs.is_empty() && self.bytes == 0 {
            return Ok(());
        }
        let paths = std::mem::take(&mut self.paths);
        let docs = std::mem::take(&mut self.docs);
        let docs = if self.spec.filter.is_some() && !docs.is_empty() {
            tables.filter_texts(paths, docs)?
        } else {
            docs
        };
        // Records are counted after the filter, as for tables.
        stats.records += docs.len() as u64;
        let input_bytes = std::mem::take(&mut self.bytes);
        emit(DocBatch {
            docs,
            input_bytes,
            stats: std::mem::take(stats),
        })
    }
}

fn invalid_utf8(spec: &SourceSpec, path: &Path, e: std::str::Utf8Error) -> Error {
    err!(input(
        "source `{}`, file {}: invalid UTF-8 at byte {} (pass --on-error skip to skip such files)",
        spec.name,
        path.display(),
        e.valid_up_to()
    ))
}
