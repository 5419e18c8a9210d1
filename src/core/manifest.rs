//! Pieces of `manifest.json` that every command writes the same way. The manifest is written last,
//! atomically, and holds no timestamps, so identical runs give identical manifests.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::core::atomic::write_atomic;
use crate::core::fingerprint::sha256_file;
use crate::error::{Error, Result};

/// One input file as it was read: a local file by its sha256; an object by the ETag its store
/// gives it (a content identity too, known without downloading the object).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct InputFingerprint {
    pub path: String,
    pub bytes: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
}

/// One finished output file, relative to the output directory.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ShardInfo {
    pub path: String,
    pub rows: u64,
    pub bytes: u64,
    pub sha256: String,
}

impl ShardInfo {
    /// Describe the finished file `dir/rel`.
    pub fn of(dir: &Path, rel: &str, rows: u64) -> Result<Self> {
        let path = dir.join(rel);
        let bytes = std::fs::metadata(&path)
            .map_err(|e| Error::io("stat", &path, e))?
            .len();
        Ok(ShardInfo {
            path: rel.to_string(),
            rows,
            bytes,
            sha256: sha256_file(&path)?,
        })
    }
}

/// Serialize `value` as pretty JSON and write it atomically.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| err!(internal("serialize {}: {e}", path.display())))?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)
}

/// Read a JSON file written by [`write_json`].
pub fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| err!(input("{} is not a valid sluice file: {e}", path.display())))
}
