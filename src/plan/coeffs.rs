//! Coefficient files (TOML): one table per law, keyed by domain or name.

use std::collections::BTreeMap;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Read `[section.name]` of a TOML file as `T`; unknown keys and missing coefficients are errors.
pub fn load<T: DeserializeOwned>(path: &Path, section: &str, name: &str) -> Result<T> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::io("read coefficients", path, e))?;
    let doc: toml::Table = toml::from_str(&text)
        .map_err(|e| err!(config("coefficient file {}: {e}", path.display())))?;
    let sec = doc.get(section).and_then(|v| v.as_table()).ok_or_else(|| {
        err!(config(
            "coefficient file {} has no [{section}] table",
            path.display()
        ))
    })?;
    let entry = sec.get(name).ok_or_else(|| {
        let names: Vec<&String> = sec.keys().collect();
        err!(config(
            "coefficient file {}: no [{section}.{name}] (has: {})",
            path.display(),
            names
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let value: T = entry.clone().try_into().map_err(|e: toml::de::Error| {
        err!(config(
            "coefficient file {}, [{section}.{name}]: {}",
            path.display(),
            e.message()
        ))
    })?;
    Ok(value)
}

/// Check that named coefficients are finite and, where asked, positive.
pub fn check(path: &Path, what: &str, values: &[(&str, f64, bool)]) -> Result<()> {
    let mut bad = BTreeMap::new();
    for &(k, v, positive) in values {
        if !v.is_finite() || (positive && v <= 0.0) {
            bad.insert(k, v);
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(err!(config(
            "coefficient file {}, [{what}]: {} must be finite{}",
            path.display(),
            bad.iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect::<Vec<_>>()
                .join(", "),
            if values.iter().any(|v| v.2) {
                " (and positive where a power law needs it)"
            } else {
                ""
            }
        )))
    }
}
