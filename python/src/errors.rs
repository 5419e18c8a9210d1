//! sluice's error classes as Python exceptions: `SluiceError` and one subclass per class, each
//! carrying the message, `kind` (the class) and `exit_code` (the CLI's).

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use sluice::error::Error;

create_exception!(_native, SluiceError, PyException, "A sluice error.");
create_exception!(_native, ConfigError, SluiceError, "Bad options.");
create_exception!(_native, InputError, SluiceError, "Bad input data.");
create_exception!(_native, IoError, SluiceError, "The file system failed.");
create_exception!(
    _native,
    BackendError,
    SluiceError,
    "A compute backend failed."
);
create_exception!(
    _native,
    BusyError,
    SluiceError,
    "Another run holds the output directory."
);
create_exception!(_native, InternalError, SluiceError, "A bug in sluice.");

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("SluiceError", py.get_type::<SluiceError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("IoError", py.get_type::<IoError>())?;
    m.add("BackendError", py.get_type::<BackendError>())?;
    m.add("BusyError", py.get_type::<BusyError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    Ok(())
}

/// The Python exception for `e`.
pub fn to_py(e: Error) -> PyErr {
    let (kind, code, msg) = (e.class(), e.exit_code(), e.to_string());
    let err = match e {
        Error::Config(_) => ConfigError::new_err(msg),
        Error::Input(_) => InputError::new_err(msg),
        Error::Io { .. } => IoError::new_err(msg),
        Error::Backend(_) => BackendError::new_err(msg),
        Error::Busy(_) => BusyError::new_err(msg),
        Error::Internal(_) => InternalError::new_err(msg),
    };
    Python::with_gil(|py| {
        let v = err.value(py);
        // Attributes on a fresh exception instance cannot fail short of memory exhaustion.
        let _ = v.setattr("kind", kind);
        let _ = v.setattr("exit_code", code);
    });
    err
}

/// `?` from sluice's `Result` into a `PyResult`.
pub trait Py<T> {
    fn py(self) -> PyResult<T>;
}

impl<T> Py<T> for sluice::error::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}
