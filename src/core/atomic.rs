//! Files that are whole or absent: written under a temporary name, synced, then renamed.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{IoContext, Result};

/// The temporary name a file is written under before it is renamed into place.
pub fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// A file being written; `commit` makes it visible under its final name. Bytes written through
/// its `Write` impl are hashed on the way, so callers get the sha256 without reading it back.
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    writer: Option<BufWriter<File>>,
    hasher: Sha256,
    written: u64,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<Self> {
        let tmp = temp_path(path);
        let file = File::create(&tmp).at("create", &tmp)?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            writer: Some(BufWriter::with_capacity(1 << 20, file)),
            hasher: Sha256::new(),
            written: 0,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("writer taken only by commit")
    }

    /// Flush and fsync under the temporary name; the file stays invisible until `commit`.
    pub fn flush_and_sync(&mut self) -> Result<()> {
        let tmp = self.tmp.clone();
        let writer = self.writer();
        writer.flush().at("write", &tmp)?;
        writer.get_ref().sync_all().at("sync", &tmp)
    }

    /// Bytes written so far and their sha256 (hex).
    pub fn digest(&self) -> (u64, String) {
        (self.written, hex::encode(self.hasher.clone().finalize()))
    }

    /// Flush, fsync and rename into place.
    pub fn commit(mut self) -> Result<()> {
        let writer = self.writer.take().expect("commit runs once");
        let file = writer
            .into_inner()
            .map_err(|e| e.into_error())
            .at("write", &self.tmp)?;
        file.sync_all().at("sync", &self.tmp)?;
        fs::rename(&self.tmp, &self.path).at("rename into place", &self.path)?;
        sync_parent(&self.path);
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.writer().write(buf)?;
        self.hasher.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.writer().flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed: leave nothing half-written behind.
        if self.writer.is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Write `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes).at("write", path)?;
    f.commit()
}

/// Make a rename durable; best effort, since not every file system supports syncing directories.
fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent()
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
}
