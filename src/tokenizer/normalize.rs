//! Normalizers of a tokenizer.json that the fast engine reproduces: the Unicode forms (with the
//! Unicode tables `tokenizers` itself uses), `Lowercase`, `Prepend`, `Replace` of a string, and
//! `Sequence`s of them.

use std::borrow::Cow;

use serde_json::Value;
use unicode_normalization_alignments::UnicodeNormalization;

/// One normalization step over a segment of text (the text between added tokens).
pub(super) trait Normalize: Send + Sync {
    fn normalize<'a>(&self, s: Cow<'a, str>) -> Cow<'a, str>;
}

#[derive(Clone, Copy)]
enum Form {
    Nfc,
    Nfd,
    Nfkc,
    Nfkd,
}

impl Normalize for Form {
    fn normalize<'a>(&self, s: Cow<'a, str>) -> Cow<'a, str> {
        // ASCII is unchanged by every form.
        if s.is_ascii() {
            return s;
        }
        let out: String = match self {
            Form::Nfc => s.nfc().map(|(c, _)| c).collect(),
            Form::Nfd => s.nfd().map(|(c, _)| c).collect(),
            Form::Nfkc => s.nfkc().map(|(c, _)| c).collect(),
            Form::Nfkd => s.nfkd().map(|(c, _)| c).collect(),
        };
        if out == *s { s } else { Cow::Owned(out) }
    }
}

struct Lowercase;

impl Normalize for Lowercase {
    fn normalize<'a>(&self, s: Cow<'a, str>) -> Cow<'a, str> {
        // Character by character, as `tokenizers` does (no final-sigma rule).
        if !s.chars().any(|c| c.to_lowercase().ne(std::iter::once(c))) {
            return s;
        }
        Cow::Owned(s.chars().flat_map(char::to_lowercase).collect())
    }
}

struct Prepend(String);

impl Normalize for Prepend {
    fn normalize<'a>(&self, s: Cow<'a, str>) -> Cow<'a, str> {
        if s.is_empty() {
            return s;
        }
        Cow::Owned(format!("{}{s}", self.0))
    }
}

struct Replace {
    from: String,
    to: String,
}

impl Normalize for Replace {
    fn normalize<'a>(&self, s: Cow<'a, str>) -> Cow<'a, str> {
        if self.from.is_empty() || !s.contains(self.from.as_str()) {
            return s;
        }
        Cow::Owned(s.replace(self.from.as_str(), &self.to))
    }
}

/// The steps of the `normalizer` object, in order; `Err` names what the fast engine lacks.
pub(super) fn parse(v: &Value, out: &mut Vec<Box<dyn Normalize>>) -> Result<(), String> {
    let kind = v["type"].as_str().unwrap_or("");
    match kind {
        _ if v.is_null() => {}
        "Sequence" => {
            for n in v["normalizers"]
                .as_array()
                .ok_or("a Sequence normalizer without `normalizers`")?
            {
                parse(n, out)?;
            }
        }
        "NFC" => out.push(Box::new(Form::Nfc)),
        "NFD" => out.push(Box::new(Form::Nfd)),
        "NFKC" => out.push(Box::new(Form::Nfkc)),
        "NFKD" => out.push(Box::new(Form::Nfkd)),
        "Lowercase" => out.push(Box::new(Lowercase)),
        "Prepend" => out.push(Box::new(Prepend(
            v["prepend"]
                .as_str()
                .ok_or("Prepend without `prepend`")?
                .into(),
        ))),
        "Replace" => {
            let from = v["pattern"]["String"]
                .as_str()
                .ok_or("a Replace normalizer with a regex pattern")?;
            out.push(Box::new(Replace {
                from: from.into(),
                to: v["content"]
                    .as_str()
                    .ok_or("Replace without `content`")?
                    .into(),
            }))
        }
        other => return Err(format!("its normalizer `{other}`")),
    }
    Ok(())
}
