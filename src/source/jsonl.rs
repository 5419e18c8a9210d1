//! JSONL read natively when no SQL filter applies: each line checked and parsed once, keeping the
//! text field and skipping the others without building them, in batches bounded in bytes. Memory
//! stays flat however long the documents are (DataFusion's batches are 1,024 rows: 47 MB of
//! speeches), and the reading thread does a third of the work it did validating every line with
//! serde and parsing it again in DataFusion. With `--where`, JSONL goes through DataFusion.

use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::{DocBatch, InputFile, OnError, ScanStats, SourceSpec};
use crate::error::{IoContext, Result};

/// A batch goes out at this many bytes of text or this many documents, whichever comes first.
const BATCH_BYTES: usize = 2 << 20;
const BATCH_DOCS: usize = 1024;
/// Objects read before a text column never seen is called missing (as many as DataFusion's schema
/// inference reads, so both readers refuse the same files).
const INFER_OBJECTS: u64 = 1000;

/// Stream the text field of every object line of `at` (the file, or its fetched copy).
pub(super) fn read(
    spec: &SourceSpec,
    file: &InputFile,
    at: &Path,
    stats: &mut ScanStats,
    emit: &mut dyn FnMut(DocBatch) -> Result<()>,
) -> Result<()> {
    let mut r = LineReader {
        spec,
        shown: file.path.display().to_string(),
        column: Column::Unseen {
            keys: Vec::new(),
            nulls: Vec::new(),
        },
        objects: 0,
    };
    let mut reader = BufReader::with_capacity(1 << 16, std::fs::File::open(at).at("open", at)?);
    let (mut line, mut line_no) = (Vec::new(), 0u64);
    let (mut docs, mut bytes, mut consumed, mut reported) = (Vec::new(), 0usize, 0u64, 0u64);
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).at("read", at)?;
        if n == 0 {
            break;
        }
        line_no += 1;
        consumed += n as u64;
        if let Some(doc) = r.line(&line, line_no, stats)? {
            bytes += doc.len();
            docs.push(doc);
            if bytes >= BATCH_BYTES || docs.len() >= BATCH_DOCS {
                emit(DocBatch {
                    docs: std::mem::take(&mut docs),
                    input_bytes: consumed - reported,
                    stats: std::mem::take(stats),
                })?;
                (bytes, reported) = (0, consumed);
            }
        }
    }
    r.end(stats)?;
    emit(DocBatch {
        docs,
        input_bytes: file.bytes.saturating_sub(reported),
        stats: std::mem::take(stats),
    })
}

/// Whether the text column has been seen yet, and until it is, what a "missing" error would name
/// and which object lines lacked it (nulls once it turns up).
enum Column {
    Unseen {
        keys: Vec<String>,
        nulls: Vec<(u64, u64)>,
    },
    Seen,
}

struct LineReader<'a> {
    spec: &'a SourceSpec,
    shown: String,
    column: Column,
    objects: u64,
}

impl LineReader<'_> {
    /// One line: its document, or None for a blank, skipped or text-less line.
    fn line(&mut self, raw: &[u8], line_no: u64, stats: &mut ScanStats) -> Result<Option<String>> {
        let Ok(s) = std::str::from_utf8(raw) else {
            stats.records += 1;
            self.bad(line_no, "invalid_utf8", "invalid UTF-8".into(), stats)?;
            return Ok(None);
        };
        if s.trim().is_empty() {
            return Ok(None);
        }
        stats.records += 1;
        let keys = match &mut self.column {
            Column::Unseen { keys, .. } => Some(keys),
            Column::Seen => None,
        };
        let parsed = parse(s, &self.spec.text_column, keys);
        let text = match parsed {
            Ok(t) => t,
            Err(e) => {
                // Tell a malformed line from a well-formed one of the wrong shape.
                let (kind, msg) = match serde_json::from_str::<IgnoredAny>(s) {
                    Err(e) => ("bad_json_line", format!("not valid JSON ({e})")),
                    Ok(_) if !s.trim_start().starts_with('{') => (
                        "bad_json_line",
                        "a JSON value that is not an object".to_string(),
                    ),
                    Ok(_) => (
                        "text_not_a_string",
                        format!("column `{}` is not a string ({e})", self.spec.text_column),
                    ),
                };
                self.bad(line_no, kind, msg, stats)?;
                return Ok(None);
            }
        };
        self.objects += 1;
        match text {
            Text::Str(t) => {
                self.seen(stats)?;
                Ok(Some(t))
            }
            Text::Null => {
                self.seen(stats)?;
                self.null(line_no, self.objects, stats)?;
                Ok(None)
            }
            Text::Missing => {
                match &mut self.column {
                    Column::Seen => self.null(line_no, self.objects, stats)?,
                    Column::Unseen { nulls, .. } => {
                        nulls.push((line_no, self.objects));
                        if self.objects >= INFER_OBJECTS {
                            return Err(self.missing());
                        }
                    }
                }
                Ok(None)
            }
        }
    }

    /// The column exists: the object lines before that lacked it hold nulls.
    fn seen(&mut self, stats: &mut ScanStats) -> Result<()> {
        if let Column::Unseen { nulls, .. } = std::mem::replace(&mut self.column, Column::Seen) {
            for (line_no, row) in nulls {
                self.null(line_no, row, stats)?;
            }
        }
        Ok(())
    }

    fn end(&mut self, stats: &mut ScanStats) -> Result<()> {
        match &self.column {
            Column::Unseen { .. } if self.objects > 0 => Err(self.missing()),
            _ => self.seen(stats),
        }
    }

    fn missing(&self) -> crate::error::Error {
        let keys = match &self.column {
            Column::Unseen { keys, .. } => keys.join(", "),
            Column::Seen => String::new(),
        };
        err!(input(
            "column `{}` missing in source `{}`, file {} (columns: {keys}); choose one with --text-column",
            self.spec.text_column,
            self.spec.name,
            self.shown
        ))
    }

    /// Object line `line_no`, the `row`-th record, has no text.
    fn null(&self, line_no: u64, row: u64, stats: &mut ScanStats) -> Result<()> {
        let msg = format!("column `{}` is null in row {row}", self.spec.text_column);
        self.bad(line_no, "null_text", msg, stats)
    }

    /// A line that cannot be used: skipped and counted, or the run fails naming it.
    fn bad(&self, line_no: u64, kind: &str, msg: String, stats: &mut ScanStats) -> Result<()> {
        if self.spec.on_error == OnError::Skip {
            stats.skip(kind);
            return Ok(());
        }
        bail!(input(
            "source `{}`, file {} line {line_no}: {msg} (pass --on-error skip to skip such lines)",
            self.spec.name,
            self.shown
        ))
    }
}

enum Text {
    Missing,
    Null,
    Str(String),
}

/// The text field of one JSON object line (the last one, if the key repeats); other fields are
/// checked and skipped. Object keys are added to `keys` when given.
fn parse(line: &str, column: &str, keys: Option<&mut Vec<String>>) -> serde_json::Result<Text> {
    let mut de = serde_json::Deserializer::from_str(line);
    let text = ObjectSeed { column, keys }.deserialize(&mut de)?;
    de.end()?;
    Ok(text)
}

struct ObjectSeed<'c, 'k> {
    column: &'c str,
    keys: Option<&'k mut Vec<String>>,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_, '_> {
    type Value = Text;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Text, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_, '_> {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Text, A::Error> {
        let mut text = Text::Missing;
        while let Some(is_text) = map.next_key_seed(KeySeed {
            column: self.column,
            keys: self.keys.as_deref_mut(),
        })? {
            if is_text {
                text = match map.next_value::<Option<String>>()? {
                    Some(t) => Text::Str(t),
                    None => Text::Null,
                };
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(text)
    }
}

/// A key: whether it is the text column (and, when collecting, remembered).
struct KeySeed<'c, 'k> {
    column: &'c str,
    keys: Option<&'k mut Vec<String>>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_, '_> {
    type Value = bool;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<bool, E> {
        if let Some(keys) = self.keys
            && !keys.iter().any(|k| k == v)
        {
            keys.push(v.to_string());
        }
        Ok(v == self.column)
    }

    fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> Result<bool, E> {
        Err(E::custom("a key that is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &str) -> serde_json::Result<Text> {
        parse(line, "text", None)
    }

    #[test]
    fn the_text_field_is_found_among_any_others() {
        let t = text(
            r#"{"id": 3, "meta": {"text": "inner", "a": [1, {"b": null}]}, "text": "caf\u00e9 \"q\""}"#,
        );
        assert!(matches!(t, Ok(Text::Str(s)) if s == "café \"q\""));
        assert!(matches!(text(r#"{"text": null}"#), Ok(Text::Null)));
        assert!(matches!(text(r#"{"body": "x"}"#), Ok(Text::Missing)));
        assert!(matches!(text(r#"{"text": "a", "text": "b"}"#), Ok(Text::Str(s)) if s == "b"));
        assert!(text(r#"{"text": 5}"#).is_err());
        assert!(text(r#"{"text": "a"} x"#).is_err());
        assert!(text(r#"["text"]"#).is_err());
        assert!(text(r#"{"text": "a", "x": [1, }"#).is_err());
        let mut keys = Vec::new();
        parse(r#"{"b": 1, "a\u0301": 2, "b": 3}"#, "text", Some(&mut keys)).unwrap();
        assert_eq!(keys, ["b", "a\u{301}"]);
    }
}
