//! GPT-2's split, `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
//! (the `ByteLevel` pre-tokenizer with `use_regex`), as a hand-written scanner that follows the
//! regex exactly: its character classes come from `regex-syntax`, the tables the regex engine uses.
//! It is several times faster than running the regex.

use regex_syntax::hir::{Class, HirKind};

/// Unicode classes of the GPT-2 split pattern.
pub(super) struct CharClasses {
    letter: Vec<(char, char)>,
    number: Vec<(char, char)>,
    space: Vec<(char, char)>,
    ascii: [Kind; 128],
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    Letter,
    Number,
    Space,
    Other,
}

fn class_ranges(pattern: &str) -> std::result::Result<Vec<(char, char)>, String> {
    let hir = regex_syntax::Parser::new()
        .parse(pattern)
        .map_err(|e| e.to_string())?;
    match hir.kind() {
        HirKind::Class(Class::Unicode(c)) => {
            Ok(c.ranges().iter().map(|r| (r.start(), r.end())).collect())
        }
        _ => Err(format!("{pattern} is not a Unicode class")),
    }
}

fn in_ranges(ranges: &[(char, char)], c: char) -> bool {
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

impl CharClasses {
    pub(super) fn new() -> std::result::Result<Self, String> {
        let mut cc = CharClasses {
            letter: class_ranges(r"\p{L}")?,
            number: class_ranges(r"\p{N}")?,
            space: class_ranges(r"\s")?,
            ascii: [Kind::Other; 128],
        };
        for b in 0..128u8 {
            cc.ascii[b as usize] = cc.classify(b as char);
        }
        Ok(cc)
    }

    fn classify(&self, c: char) -> Kind {
        if in_ranges(&self.letter, c) {
            Kind::Letter
        } else if in_ranges(&self.number, c) {
            Kind::Number
        } else if in_ranges(&self.space, c) {
            Kind::Space
        } else {
            Kind::Other
        }
    }

    #[inline]
    pub(super) fn kind(&self, c: char) -> Kind {
        if c.is_ascii() {
            self.ascii[c as usize]
        } else {
            self.classify(c)
        }
    }

    /// End of the word that starts at byte `start` of `s`.
    pub(super) fn next_word(&self, s: &str, start: usize) -> usize {
        let bytes = s.as_bytes();
        let rest = &bytes[start..];
        if rest[0] == b'\'' && rest.len() > 1 {
            for suffix in [&b"s"[..], b"t", b"re", b"ve", b"m", b"ll", b"d"] {
                if rest[1..].starts_with(suffix) {
                    return start + 1 + suffix.len();
                }
            }
        }
        let mut chars = s[start..].char_indices();
        let Some((_, c0)) = chars.next() else {
            return start;
        };
        let k0 = self.kind(c0);
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional space, then a run of one kind.
        let (run_kind, run_from) = if c0 == ' ' {
            match s[start + 1..].chars().next().map(|c| self.kind(c)) {
                Some(k) if k != Kind::Space => (k, start + 1),
                _ => (Kind::Space, start),
            }
        } else {
            (k0, start)
        };
        if run_kind != Kind::Space {
            return self.run_end(s, run_from, run_kind);
        }
        // `\s+(?!\S)|\s+`: a whitespace run, less its last character when a non-space follows.
        let mut last_start = start;
        let mut end = start;
        for (i, c) in s[start..].char_indices() {
            if self.kind(c) != Kind::Space {
                break;
            }
            last_start = start + i;
            end = start + i + c.len_utf8();
        }
        if end == s.len() || last_start == start {
            end
        } else {
            last_start
        }
    }

    fn run_end(&self, s: &str, from: usize, kind: Kind) -> usize {
        for (i, c) in s[from..].char_indices() {
            if self.kind(c) != kind {
                return from + i;
            }
        }
        s.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<&str> {
        let cc = CharClasses::new().unwrap();
        let mut out = Vec::new();
        let mut at = 0;
        while at < s.len() {
            let end = cc.next_word(s, at);
            out.push(&s[at..end]);
            at = end;
        }
        out
    }

    #[test]
    fn splits_like_the_gpt2_regex() {
        assert_eq!(words("Hello world"), ["Hello", " world"]);
        assert_eq!(
            words("it's  fine\n\n  ok"),
            ["it", "'s", " ", " fine", "\n\n ", " ok"]
        );
        assert_eq!(words("a \n b"), ["a", " \n", " b"]);
        assert_eq!(words("x\t\ty"), ["x", "\t", "\t", "y"]);
        assert_eq!(
            words("fn f()  {\n    x += 1;\n}  "),
            [
                "fn", " f", "()", " ", " {", "\n   ", " x", " +=", " 1", ";", "\n", "}", "  "
            ]
        );
        assert_eq!(words("!'s 'x '"), ["!'", "s", " '", "x", " '"]);
        assert_eq!(words("Grüße 42°"), ["Grüße", " 42", "°"]);
    }
}
