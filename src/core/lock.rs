//! One process owns an output directory at a time. A run takes an OS lock (`flock`) on
//! `DIR/.sluice.lock` before it reads or writes anything in `DIR` and holds it to the end, so a
//! second run on the same directory (a cron overlap, a resubmitted job, enter pressed twice) gets
//! [`Error::Busy`] and touches nothing. The OS drops the lock when the holder dies, so a killed run
//! leaves no stale lock, only a stale file that the next run takes over.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, IoContext, Result};

/// The lock file's name inside the directory it guards.
pub const LOCK_FILE: &str = ".sluice.lock";

/// Test hook: hold the lock this many milliseconds before working, so a test can start a second
/// run while the first one certainly holds the directory.
const PAUSE_ENV: &str = "SLUICE_TEST_LOCK_PAUSE_MS";

/// An exclusive hold on a directory; released (and its file removed) on drop.
pub struct DirLock {
    path: PathBuf,
    // Kept open: closing the file would release the lock.
    _file: File,
    /// The directory did not exist before this lock created it.
    pub created: bool,
}

impl DirLock {
    /// Create `dir` if needed and lock it, or fail with [`Error::Busy`] naming the holder.
    pub fn acquire(dir: &Path) -> Result<DirLock> {
        let created = !dir.exists();
        fs::create_dir_all(dir).at("create", dir)?;
        let path = dir.join(LOCK_FILE);
        let file = loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .at("open lock file", &path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => return Err(busy(dir, &path)),
                Err(TryLockError::Error(e)) => return Err(Error::io("lock", &path, e)),
            }
            // The previous holder removes the file as it lets go; if it did so after we opened
            // it, we hold a lock on a file nobody else can find: open the path again.
            if same_file(&file, &path) {
                break file;
            }
        };
        file.set_len(0).at("write", &path)?;
        let mut f = &file;
        writeln!(f, "pid {} on {}", std::process::id(), hostname()).at("write", &path)?;
        if let Some(ms) = std::env::var(PAUSE_ENV).ok().and_then(|v| v.parse().ok()) {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        Ok(DirLock {
            path,
            _file: file,
            created,
        })
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Removed while still held, so no other run can lock the file and then lose it to us.
        let _ = fs::remove_file(&self.path);
    }
}

fn busy(dir: &Path, lock: &Path) -> Error {
    let holder = fs::read_to_string(lock).unwrap_or_default();
    let holder = match holder.trim() {
        "" => "a run that is just starting".to_string(),
        h => h.to_string(),
    };
    Error::Busy(format!(
        "{} is in use by another sluice run ({holder}; lock {}): wait for it to finish, or choose another output directory",
        dir.display(),
        lock.display()
    ))
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

pub(crate) fn hostname() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown host".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_is_busy_and_names_the_holder_then_free_after_drop() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let first = DirLock::acquire(&out).unwrap();
        assert!(first.created);
        let e = DirLock::acquire(&out).err().expect("second lock refused");
        assert_eq!(e.exit_code(), crate::error::exit::BUSY);
        let msg = e.to_string();
        assert!(msg.contains(&out.display().to_string()), "{msg}");
        assert!(
            msg.contains(&format!("pid {}", std::process::id())),
            "{msg}"
        );
        drop(first);
        assert!(!out.join(LOCK_FILE).exists());
        let again = DirLock::acquire(&out).unwrap();
        assert!(!again.created);
    }
}
