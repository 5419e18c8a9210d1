//! Pre-tokenizers of a tokenizer.json that the fast engine reproduces. Each step splits a piece of
//! normalized text into smaller pieces, as `tokenizers` does: `Split` with any regex the `regex`
//! crate accepts (the lookahead `\s+(?!\S)` of the GPT-4-style patterns is handled exactly, see
//! [`RegexSplit`]), `Digits`, `Metaspace`, and `ByteLevel` (GPT-2's split by a hand scanner, or no
//! split with `use_regex: false`), in `Sequence`s.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};

use regex_automata::meta::{Cache, Regex};
use regex_automata::{Anchored, Input};
use serde_json::Value;

use super::gpt2::{CharClasses, Kind};

/// One pre-tokenization step.
pub(super) trait PreTokenize: Send + Sync {
    /// Split `piece` and pass each non-empty sub-piece, in order, to `next`, with whether it
    /// starts the text (`first`, which `Metaspace` reads).
    fn split(&self, piece: &str, first: bool, next: &mut dyn FnMut(&str, bool));
}

/// What happens to the delimiters a pattern finds (`tokenizers`' `SplitDelimiterBehavior`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Behavior {
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}

impl Behavior {
    fn parse(v: &Value) -> Result<Self, String> {
        Ok(match v.as_str().unwrap_or("") {
            "Removed" => Behavior::Removed,
            "Isolated" => Behavior::Isolated,
            "MergedWithPrevious" => Behavior::MergedWithPrevious,
            "MergedWithNext" => Behavior::MergedWithNext,
            "Contiguous" => Behavior::Contiguous,
            other => return Err(format!("split behavior `{other}`")),
        })
    }

    /// Turn `(start, end, is_delimiter)` spans into pieces, as `NormalizedString::split` does.
    fn apply(
        self,
        spans: &[(usize, usize, bool)],
        s: &str,
        first: bool,
        next: &mut dyn FnMut(&str, bool),
    ) {
        let mut emit = |a: usize, b: usize| {
            if b > a {
                next(&s[a..b], first && a == 0);
            }
        };
        match self {
            Behavior::Isolated => spans.iter().for_each(|&(a, b, _)| emit(a, b)),
            Behavior::Removed => spans
                .iter()
                .filter(|sp| !sp.2)
                .for_each(|&(a, b, _)| emit(a, b)),
            Behavior::Contiguous | Behavior::MergedWithPrevious => {
                let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
                let mut previous = false;
                for &(a, b, m) in spans {
                    let join = if self == Behavior::Contiguous {
                        m == previous
                    } else {
                        m && !previous
                    };
                    match merged.last_mut() {
                        Some(last) if join => last.1 = b,
                        _ => merged.push((a, b)),
                    }
                    previous = m;
                }
                merged.into_iter().for_each(|(a, b)| emit(a, b));
            }
            Behavior::MergedWithNext => {
                let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
                let mut previous = false;
                for &(a, b, m) in spans.iter().rev() {
                    match merged.last_mut() {
                        Some(last) if m && !previous => last.0 = a,
                        _ => merged.push((a, b)),
                    }
                    previous = m;
                }
                merged.into_iter().rev().for_each(|(a, b)| emit(a, b));
            }
        }
    }
}

/// `ByteLevel` with `use_regex`: GPT-2's split.
struct Gpt2(CharClasses);

impl PreTokenize for Gpt2 {
    fn split(&self, piece: &str, first: bool, next: &mut dyn FnMut(&str, bool)) {
        let mut start = 0;
        while start < piece.len() {
            let end = self.0.next_word(piece, start);
            next(&piece[start..end], first && start == 0);
            start = end;
        }
    }
}

/// `ByteLevel` with `add_prefix_space`.
struct PrefixSpace;

impl PreTokenize for PrefixSpace {
    fn split(&self, piece: &str, first: bool, next: &mut dyn FnMut(&str, bool)) {
        if piece.starts_with(' ') {
            next(piece, first)
        } else {
            next(&format!(" {piece}"), first)
        }
    }
}

/// `Digits`: each digit alone, or runs of digits.
struct Digits {
    individual: bool,
}

impl PreTokenize for Digits {
    fn split(&self, piece: &str, first: bool, next: &mut dyn FnMut(&str, bool)) {
        let behavior = if self.individual {
            Behavior::Isolated
        } else {
            Behavior::Contiguous
        };
        behavior.apply(&char_spans(piece, char::is_numeric), piece, first, next)
    }
}

/// Each character that `is_match` accepts as its own match, the runs between as gaps.
fn char_spans(s: &str, is_match: impl Fn(char) -> bool) -> Vec<(usize, usize, bool)> {
    let mut spans = Vec::new();
    let mut gap = 0;
    for (i, c) in s.char_indices() {
        if is_match(c) {
            if gap < i {
                spans.push((gap, i, false));
            }
            gap = i + c.len_utf8();
            spans.push((i, gap, true));
        }
    }
    if gap < s.len() {
        spans.push((gap, s.len(), false));
    }
    spans
}

/// `Metaspace`: spaces become the replacement character, which is prepended per the scheme; with
/// `split`, each replacement character starts a piece.
struct Metaspace {
    replacement: char,
    always: bool,
    first_only: bool,
    split: bool,
}

impl PreTokenize for Metaspace {
    fn split(&self, piece: &str, first: bool, next: &mut dyn FnMut(&str, bool)) {
        let mut rep = [0u8; 4];
        let rep = self.replacement.encode_utf8(&mut rep);
        let mut s = piece.replace(' ', rep);
        if (self.always || (self.first_only && first)) && !s.starts_with(self.replacement) {
            s.insert(0, self.replacement);
        }
        if self.split {
            let spans = char_spans(&s, |c| c == self.replacement);
            Behavior::MergedWithNext.apply(&spans, &s, first, next)
        } else {
            next(&s, first)
        }
    }
}

/// A cut before every `c` that follows another character, added by the engine (not the file)
/// when no merge can cross such a cut: it leaves the ids unchanged and lets SentencePiece-style
/// files, whose whole text is one piece, be encoded and cached word by word.
pub(super) struct CutBefore(pub(super) char);

impl PreTokenize for CutBefore {
    fn split(&self, piece: &str, first: bool, next: &mut dyn FnMut(&str, bool)) {
        let mut start = 0;
        let mut prev: Option<char> = None;
        for (i, c) in piece.char_indices() {
            if c == self.0 && prev.is_some_and(|p| p != self.0) {
                next(&piece[start..i], first && start == 0);
                start = i;
            }
            prev = Some(c);
        }
        if start < piece.len() {
            next(&piece[start..], first && start == 0);
        }
    }
}

/// `Split` on a regex (or a literal string).
///
/// `tokenizers` runs the pattern with Oniguruma, a backtracking engine; sluice runs it with the
/// `regex` crate's lazy DFA, which reports the same leftmost-first match for any pattern without
/// look-around. The one look-around in use, the alternatives `\s+(?!\S)|\s+` that end the
/// GPT-4-style patterns, is rewritten as `\s+` with a check: when `\s+` won with two or more
/// spaces followed by a non-space, and none of the earlier alternatives matches there, the
/// backtracking engine would have given back the last space, so the match is shortened by it.
struct RegexSplit {
    /// Names this split's search caches in each thread's [`CACHES`].
    id: usize,
    re: Regex,
    /// The alternatives before `\s+(?!\S)`, when the pattern ends that way.
    before_lookahead: Option<Regex>,
    classes: CharClasses,
    behavior: Behavior,
    invert: bool,
}

const LOOKAHEAD_TAIL: &str = r"|\s+(?!\S)|\s+";

thread_local! {
    /// Each split's search caches (pattern, lookahead head) in this thread. A `Regex`'s own cache
    /// pool is fast for one thread only and takes a lock per search for the others (8 % of a
    /// 2-thread `tokenize` in `perf`); here a piece looks its caches up once.
    static CACHES: RefCell<Vec<(usize, Cache, Option<Cache>)>> = const { RefCell::new(Vec::new()) };
}

fn compile(pattern: &str) -> Result<Regex, String> {
    let hir = regex_syntax::ParserBuilder::new()
        .multi_line(true)
        .build()
        .parse(pattern)
        .map_err(|e| format!("its split regex is not one the fast engine runs ({e})"))?;
    if hir.properties().minimum_len().unwrap_or(0) == 0 {
        return Err("its split regex can match the empty string".into());
    }
    Regex::builder()
        .build_from_hir(&hir)
        .map_err(|e| format!("its split regex does not compile: {e}"))
}

impl RegexSplit {
    fn new(pattern: &str, behavior: Behavior, invert: bool) -> Result<Self, String> {
        // Oniguruma syntax that the `regex` crate would read differently (or not at all).
        for bad in [
            "(?=", "(?!", "(?<=", "(?<!", "(?>", "[:", r"\h", r"\H", r"\R", r"\X", r"\K", r"\G",
            r"\Z", r"\p{^", r"\P{^", r"\0", "++", "*+", "?+",
        ] {
            let rest = pattern.strip_suffix(LOOKAHEAD_TAIL).unwrap_or(pattern);
            if rest.contains(bad) {
                return Err(format!("its split regex uses `{bad}`"));
            }
        }
        let (re, before_lookahead) = match pattern.strip_suffix(LOOKAHEAD_TAIL) {
            Some(head) if head.chars().rev().take_while(|&c| c == '\\').count() % 2 == 0 => {
                (compile(&format!(r"{head}|\s+"))?, Some(compile(head)?))
            }
            _ => (compile(pattern)?, None),
        };
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        Ok(RegexSplit {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            re,
            before_lookahead,
            classes: CharClasses::new()?,
            behavior,
            invert,
        })
    }

    /// End of the match found at `pos` ending at `end`, after the lookahead check.
    fn lookahead_end(&self, s: &str, pos: usize, end: usize, cache: Option<&mut Cache>) -> usize {
        let (Some(head), Some(cache)) = (&self.before_lookahead, cache) else {
            return end;
        };
        let space = |c: char| self.classes.kind(c) == Kind::Space;
        let run = &s[pos..end];
        let followed_by_non_space = s[end..].chars().next().is_some_and(|c| !space(c));
        if !followed_by_non_space || !run.chars().all(space) {
            return end;
        }
        let last = run.char_indices().last().map_or(0, |(i, _)| i);
        if last == 0 || head.search_with(cache, &anchored(s, pos)).is_some() {
            return end;
        }
        pos + last
    }

    fn spans(&self, s: &str) -> Vec<(usize, usize, bool)> {
        CACHES.with(|caches| {
            let mut caches = caches.borrow_mut();
            let i = match caches.iter().position(|c| c.0 == self.id) {
                Some(i) => i,
                None => {
                    // A thread that used many tokenizers keeps the latest ones' caches.
                    if caches.len() >= 16 {
                        caches.clear();
                    }
                    let head = self.before_lookahead.as_ref().map(Regex::create_cache);
                    caches.push((self.id, self.re.create_cache(), head));
                    caches.len() - 1
                }
            };
            let (_, cache, head) = &mut caches[i];
            self.spans_with(s, cache, head.as_mut())
        })
    }

    fn spans_with(
        &self,
        s: &str,
        cache: &mut Cache,
        mut head: Option<&mut Cache>,
    ) -> Vec<(usize, usize, bool)> {
        let mut spans = Vec::new();
        let mut pos = 0;
        while pos < s.len() {
            match self.re.search_with(cache, &anchored(s, pos)) {
                Some(m) => {
                    let end = self.lookahead_end(s, pos, m.end(), head.as_deref_mut());
                    spans.push((pos, end, !self.invert));
                    pos = end;
                }
                None => {
                    // No match here: the text up to the next match is a gap.
                    let gap_end = self
                        .re
                        .search_with(cache, &Input::new(s).span(pos..s.len()))
                        .map_or(s.len(), |m| m.start());
                    spans.push((pos, gap_end, self.invert));
                    pos = gap_end;
                }
            }
        }
        spans
    }
}

fn anchored(s: &str, pos: usize) -> Input<'_> {
    Input::new(s).span(pos..s.len()).anchored(Anchored::Yes)
}

impl PreTokenize for RegexSplit {
    fn split(&self, piece: &str, first: bool, next: &mut dyn FnMut(&str, bool)) {
        self.behavior.apply(&self.spans(piece), piece, first, next)
    }
}

/// The steps of the `pre_tokenizer` object, in order. Sets `byte_level` when it ends in
/// `ByteLevel` (the model's tokens are then spelled in GPT-2's byte alphabet); `Err` names what
/// the fast engine lacks.
pub(super) fn parse(
    v: &Value,
    out: &mut Vec<Box<dyn PreTokenize>>,
    byte_level: &mut bool,
) -> Result<(), String> {
    if v.is_null() {
        return Ok(());
    }
    let kind = v["type"].as_str().unwrap_or("");
    if *byte_level {
        return Err(format!("its pre-tokenizer `{kind}` comes after ByteLevel"));
    }
    match kind {
        "Sequence" => {
            for p in v["pretokenizers"]
                .as_array()
                .ok_or("a Sequence pre-tokenizer without `pretokenizers`")?
            {
                parse(p, out, byte_level)?;
            }
        }
        "ByteLevel" => {
            if v["add_prefix_space"] == true {
                out.push(Box::new(PrefixSpace));
            }
            if v["use_regex"] != false {
                out.push(Box::new(Gpt2(CharClasses::new()?)));
            }
            *byte_level = true;
        }
        "Split" => {
            let pattern = match (&v["pattern"]["Regex"], &v["pattern"]["String"]) {
                (Value::String(r), _) => r.clone(),
                (_, Value::String(s)) => regex_syntax::escape(s),
                _ => return Err("a Split pre-tokenizer without a pattern".into()),
            };
            out.push(Box::new(RegexSplit::new(
                &pattern,
                Behavior::parse(&v["behavior"])?,
                v["invert"] == true,
            )?));
        }
        "Digits" => out.push(Box::new(Digits {
            individual: v["individual_digits"] == true,
        })),
        "Metaspace" => {
            let replacement = v["replacement"]
                .as_str()
                .and_then(|r| r.chars().next())
                .ok_or("Metaspace without `replacement`")?;
            // Files from before `prepend_scheme` say `add_prefix_space` instead.
            let legacy = if v["add_prefix_space"] == false {
                "never"
            } else {
                "always"
            };
            let scheme = v["prepend_scheme"].as_str().unwrap_or(legacy);
            out.push(Box::new(Metaspace {
                replacement,
                always: scheme == "always",
                first_only: scheme == "first",
                split: v["split"] != false,
            }));
        }
        other => return Err(format!("its pre-tokenizer `{other}`")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Llama-3's split pattern.
    const LLAMA3: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    fn pieces(step: &dyn PreTokenize, s: &str) -> Vec<String> {
        let mut out = Vec::new();
        step.split(s, true, &mut |p, _| out.push(p.to_string()));
        out
    }

    fn split(pattern: &str, behavior: &str, s: &str) -> Vec<String> {
        let b = Behavior::parse(&Value::String(behavior.into())).unwrap();
        pieces(&RegexSplit::new(pattern, b, false).unwrap(), s)
    }

    // Expected pieces from Python `tokenizers` 0.23.3, `pre_tokenizers.Split(...).pre_tokenize_str`.
    #[test]
    fn the_lookahead_gives_back_the_last_space_as_oniguruma_does() {
        assert_eq!(
            split(LLAMA3, "Isolated", "a  b\n\n  c   "),
            ["a", " ", " b", "\n\n", " ", " c", "   "]
        );
        assert_eq!(
            split(LLAMA3, "Isolated", "I'M  12345 x\t\ty"),
            ["I", "'M", " ", " ", "123", "45", " x", "\t", "\ty"]
        );
        assert_eq!(
            split(LLAMA3, "Isolated", "  \u{3000}z"),
            ["  ", "\u{3000}z"]
        );
    }

    #[test]
    fn delimiter_behaviors_match_tokenizers() {
        assert_eq!(split("[0-9]+", "Removed", "ab12cd345"), ["ab", "cd"]);
        assert_eq!(
            split("[0-9]", "MergedWithPrevious", "ab12cd3"),
            ["ab1", "2", "cd3"]
        );
        assert_eq!(
            split("[0-9]", "MergedWithNext", "ab12cd3"),
            ["ab", "1", "2cd", "3"]
        );
        assert_eq!(
            split("[0-9]", "Contiguous", "ab12cd3"),
            ["ab", "12", "cd", "3"]
        );
    }

    #[test]
    fn patterns_the_regex_crate_would_read_differently_are_refused() {
        for p in [
            r"\s+(?=x)",
            r"[[:alpha:]]+",
            r"a++",
            r"(?>ab)",
            r"\h+",
            "x*",
        ] {
            assert!(
                RegexSplit::new(p, Behavior::Isolated, false).is_err(),
                "{p}"
            );
        }
    }
}
