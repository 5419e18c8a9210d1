//! Byte-level BPE (GPT-2 style) without regexes or offset tracking.
//!
//! HuggingFace `tokenizers` spends most of its time in the GPT-2 split regex and in bookkeeping of
//! offsets that training data does not need. This encoder splits with a hand-written scanner that
//! follows the regex `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
//! exactly (character classes taken from `regex-syntax`, the tables the regex engine uses), caches
//! the ids of each distinct word, and merges with a heap, so long words stay O(n log n). Tests keep
//! it id-identical to `tokenizers` on real corpora.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hash::BuildHasher;
use std::sync::Mutex;

use aho_corasick::{AhoCorasick, MatchKind};
use regex_syntax::hir::{Class, HirKind};
use rustc_hash::{FxBuildHasher, FxHashMap};
use serde_json::Value;

use super::tokenize::Encoder;
use crate::error::Result;

const CACHE_SHARDS: usize = 64;
/// Entries per shard before it is cleared; words longer than this many bytes are not cached.
const CACHE_CAP: usize = 1 << 14;
const CACHE_MAX_WORD: usize = 256;

/// Ids of recently seen words.
type WordCache = FxHashMap<Box<[u8]>, Box<[u32]>>;

pub struct ByteLevelBpe {
    byte_ids: [u32; 256],
    merges: FxHashMap<(u32, u32), (u32, u32)>,
    added: Option<(AhoCorasick, Vec<u32>)>,
    classes: CharClasses,
    cache: Vec<Mutex<WordCache>>,
}

/// GPT-2's map from bytes to printable characters.
fn bytes_to_unicode() -> [char; 256] {
    let mut out = ['\0'; 256];
    let mut n = 0u32;
    for b in 0..256u32 {
        let printable =
            (33..=126).contains(&b) || (161..=172).contains(&b) || (174..=255).contains(&b);
        out[b as usize] = if printable {
            char::from_u32(b).unwrap_or('\0')
        } else {
            n += 1;
            char::from_u32(255 + n).unwrap_or('\0')
        };
    }
    out
}

impl ByteLevelBpe {
    /// Build from a tokenizer.json; `Err` says why the file needs the general engine.
    pub fn from_tokenizer_json(bytes: &[u8]) -> std::result::Result<Self, String> {
        let j: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if !j["normalizer"].is_null() {
            return Err("it has a normalizer".into());
        }
        let pre = &j["pre_tokenizer"];
        if pre["type"] != "ByteLevel"
            || pre["add_prefix_space"] != false
            || pre["use_regex"] == false
        {
            return Err("its pre-tokenizer is not GPT-2's ByteLevel".into());
        }
        let m = &j["model"];
        if m["type"] != "BPE" {
            return Err("its model is not BPE".into());
        }
        for (key, ok) in [
            ("dropout", m["dropout"].is_null()),
            ("ignore_merges", m["ignore_merges"] != true),
            ("byte_fallback", m["byte_fallback"] != true),
            (
                "continuing_subword_prefix",
                m["continuing_subword_prefix"]
                    .as_str()
                    .unwrap_or("")
                    .is_empty(),
            ),
            (
                "end_of_word_suffix",
                m["end_of_word_suffix"].as_str().unwrap_or("").is_empty(),
            ),
        ] {
            if !ok {
                return Err(format!("its BPE model sets `{key}`"));
            }
        }
        let vocab: FxHashMap<&str, u32> = m["vocab"]
            .as_object()
            .ok_or("model.vocab is not an object")?
            .iter()
            .map(|(k, v)| {
                Ok((
                    k.as_str(),
                    v.as_u64().ok_or("vocab id is not a number")? as u32,
                ))
            })
            .collect::<std::result::Result<_, String>>()?;
        let b2u = bytes_to_unicode();
        let mut byte_ids = [0u32; 256];
        for (b, c) in b2u.iter().enumerate() {
            let mut s = [0u8; 4];
            byte_ids[b] = *vocab
                .get(c.encode_utf8(&mut s) as &str)
                .ok_or_else(|| format!("byte {b} has no token"))?;
        }
        let mut merges = FxHashMap::default();
        for (rank, mg) in m["merges"]
            .as_array()
            .ok_or("model.merges is not a list")?
            .iter()
            .enumerate()
        {
            let (a, b) = match mg {
                Value::String(s) => s.split_once(' ').ok_or("a merge has no space")?,
                Value::Array(p) if p.len() == 2 => (
                    p[0].as_str().ok_or("bad merge")?,
                    p[1].as_str().ok_or("bad merge")?,
                ),
                _ => return Err("bad merge entry".into()),
            };
            let id = |t: &str| {
                vocab
                    .get(t)
                    .copied()
                    .ok_or_else(|| format!("merge token `{t}` not in vocab"))
            };
            let joined = format!("{a}{b}");
            merges
                .entry((id(a)?, id(b)?))
                .or_insert((rank as u32, id(&joined)?));
        }
        let mut patterns = Vec::new();
        let mut ids = Vec::new();
        for t in j["added_tokens"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if t["single_word"] == true || t["lstrip"] == true || t["rstrip"] == true {
                return Err("an added token strips or matches single words".into());
            }
            patterns.push(
                t["content"]
                    .as_str()
                    .ok_or("added token without content")?
                    .to_string(),
            );
            ids.push(t["id"].as_u64().ok_or("added token without id")? as u32);
        }
        let added = if patterns.is_empty() {
            None
        } else {
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .map_err(|e| e.to_string())?;
            Some((ac, ids))
        };
        Ok(ByteLevelBpe {
            byte_ids,
            merges,
            added,
            classes: CharClasses::new()?,
            cache: (0..CACHE_SHARDS)
                .map(|_| Mutex::new(FxHashMap::default()))
                .collect(),
        })
    }

    fn encode_segment(&self, text: &str, out: &mut Vec<u32>) {
        let mut start = 0;
        while start < text.len() {
            let end = self.classes.next_word(text, start);
            self.encode_word(&text.as_bytes()[start..end], out);
            start = end;
        }
    }

    fn encode_word(&self, word: &[u8], out: &mut Vec<u32>) {
        if word.len() == 1 {
            out.push(self.byte_ids[word[0] as usize]);
            return;
        }
        if word.len() > CACHE_MAX_WORD {
            self.merge_word(word, out);
            return;
        }
        let shard = &self.cache[(FxBuildHasher.hash_one(word) >> 58) as usize % CACHE_SHARDS];
        if let Ok(c) = shard.lock()
            && let Some(ids) = c.get(word)
        {
            out.extend_from_slice(ids);
            return;
        }
        let from = out.len();
        self.merge_word(word, out);
        if let Ok(mut c) = shard.lock() {
            if c.len() >= CACHE_CAP {
                c.clear();
            }
            c.insert(word.into(), out[from..].into());
        }
    }

    /// Apply merges lowest rank first, leftmost first among equal ranks.
    fn merge_word(&self, word: &[u8], out: &mut Vec<u32>) {
        let n = word.len();
        let mut ids: Vec<u32> = word.iter().map(|&b| self.byte_ids[b as usize]).collect();
        let mut next: Vec<usize> = (1..=n).collect();
        let mut prev: Vec<usize> = (0..n).map(|i| i.wrapping_sub(1)).collect();
        let mut alive = vec![true; n];
        let mut heap = BinaryHeap::new();
        for i in 0..n - 1 {
            if let Some(&(rank, _)) = self.merges.get(&(ids[i], ids[i + 1])) {
                heap.push(Reverse((rank, i, ids[i], ids[i + 1])));
            }
        }
        while let Some(Reverse((rank, i, a, b))) = heap.pop() {
            let j = next.get(i).copied().unwrap_or(n);
            // Stale entry: a neighbour merged since it was pushed.
            if !alive[i] || j >= n || ids[i] != a || ids[j] != b {
                continue;
            }
            let (_, new_id) = self.merges[&(a, b)];
            debug_assert_eq!(self.merges[&(a, b)].0, rank);
            ids[i] = new_id;
            alive[j] = false;
            next[i] = next[j];
            if next[i] < n {
                prev[next[i]] = i;
            }
            if let Some(p) = Some(prev[i]).filter(|&p| p < n)
                && let Some(&(r, _)) = self.merges.get(&(ids[p], ids[i]))
            {
                heap.push(Reverse((r, p, ids[p], ids[i])));
            }
            let k = next[i];
            if k < n
                && let Some(&(r, _)) = self.merges.get(&(ids[i], ids[k]))
            {
                heap.push(Reverse((r, i, ids[i], ids[k])));
            }
        }
        let mut i = 0;
        while i < n {
            out.push(ids[i]);
            i = next[i];
        }
    }
}

impl Encoder for ByteLevelBpe {
    fn encode(&self, text: &str, out: &mut Vec<u32>) -> Result<()> {
        match &self.added {
            None => self.encode_segment(text, out),
            Some((ac, ids)) => {
                let mut at = 0;
                for m in ac.find_iter(text) {
                    self.encode_segment(&text[at..m.start()], out);
                    out.push(ids[m.pattern().as_usize()]);
                    at = m.end();
                }
                self.encode_segment(&text[at..], out);
            }
        }
        Ok(())
    }
}

/// Unicode classes of the GPT-2 split pattern.
struct CharClasses {
    letter: Vec<(char, char)>,
    number: Vec<(char, char)>,
    space: Vec<(char, char)>,
    ascii: [Kind; 128],
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
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
    fn new() -> std::result::Result<Self, String> {
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
    fn kind(&self, c: char) -> Kind {
        if c.is_ascii() {
            self.ascii[c as usize]
        } else {
            self.classify(c)
        }
    }

    /// End of the word that starts at byte `start` of `s`.
    fn next_word(&self, s: &str, start: usize) -> usize {
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
