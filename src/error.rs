//! One error type, classed by who is at fault; each class has its own exit code.

use std::path::Path;

/// `Error::CLASS(format!(...))` in one call:
/// `err!(input("column `{name}` missing in {}", p.display()))`. Defined before every other
/// module (`#[macro_use]` in lib.rs), so no module imports it.
macro_rules! err {
    ($class:ident($($fmt:tt)+)) => {
        $crate::error::Error::$class(format!($($fmt)+))
    };
}

/// `return Err(err!(...))`.
macro_rules! bail {
    ($($t:tt)+) => {
        return Err(err!($($t)+))
    };
}

/// Exit codes, one per class, stable for scripts and schedulers.
pub mod exit {
    pub const OK: i32 = 0;
    pub const INTERNAL: i32 = 1;
    pub const CONFIG: i32 = 2;
    pub const INPUT: i32 = 3;
    pub const IO: i32 = 4;
    pub const BACKEND: i32 = 5;
    /// Another run holds the output directory: retry later.
    pub const BUSY: i32 = 6;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad flags or configuration: the user must change the command.
    #[error("{0}")]
    Config(String),
    /// Bad input data: a file, column, line or record is at fault.
    #[error("{0}")]
    Input(String),
    /// The file system failed us (permissions, disk full, missing directory).
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// A compute backend failed or is missing.
    #[error("{0}")]
    Backend(String),
    /// Another process is writing the same output directory; nothing was touched. Retryable.
    #[error("{0}")]
    Busy(String),
    /// A bug in sluice.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn config(msg: impl Into<String>) -> Self {
        Error::Config(msg.into())
    }
    pub fn input(msg: impl Into<String>) -> Self {
        Error::Input(msg.into())
    }
    pub fn backend(msg: impl Into<String>) -> Self {
        Error::Backend(msg.into())
    }
    pub fn internal(msg: impl Into<String>) -> Self {
        Error::Internal(msg.into())
    }
    /// An I/O error on `path`, with what we were doing.
    pub fn io(what: &str, path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            context: format!("{what} {}", path.display()),
            source,
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Config(_) => exit::CONFIG,
            Error::Input(_) => exit::INPUT,
            Error::Io { .. } => exit::IO,
            Error::Backend(_) => exit::BACKEND,
            Error::Busy(_) => exit::BUSY,
            Error::Internal(_) => exit::INTERNAL,
        }
    }

    pub fn class(&self) -> &'static str {
        match self {
            Error::Config(_) => "config",
            Error::Input(_) => "input",
            Error::Io { .. } => "io",
            Error::Backend(_) => "backend",
            Error::Busy(_) => "busy",
            Error::Internal(_) => "internal",
        }
    }
}

/// Attach a path to `std::io::Result`s: `fs::read(p).at("read", p)?`.
pub trait IoContext<T> {
    fn at(self, what: &str, path: &Path) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, what: &str, path: &Path) -> Result<T> {
        self.map_err(|e| Error::io(what, path, e))
    }
}
