//! The BPE model of a tokenizer.json, applied to one pre-tokenized piece at a time: the piece's
//! first symbols (its bytes for byte-level files; its characters, with byte fallback and `<unk>`,
//! for SentencePiece-style files), then merges lowest rank first with a heap, so long pieces stay
//! O(n log n). The ids of recent pieces are cached.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hash::BuildHasher;
use std::sync::Mutex;

use rustc_hash::{FxBuildHasher, FxHashMap};

use super::fast::{Merge, ModelFile};

const CACHE_SHARDS: usize = 64;
/// Entries per shard before it is cleared; pieces longer than this many bytes are not cached.
const CACHE_CAP: usize = 1 << 14;
const CACHE_MAX_PIECE: usize = 256;

/// Ids of recently seen pieces.
type PieceCache = FxHashMap<Box<[u8]>, Box<[u32]>>;

/// How a piece becomes its first symbols: one per byte (byte-level files) or per character,
/// each looked up in the vocabulary; one that is not there becomes its bytes' `<0xXX>` tokens
/// (`byte_fallback`, characters only) or `<unk>` (fused when `fuse_unk`), or is dropped when the
/// file has no `<unk>`, exactly as `tokenizers` does.
struct Alphabet {
    units: Units,
    byte_fallback: Option<[u32; 256]>,
    unk: Option<u32>,
    fuse_unk: bool,
}

enum Units {
    Bytes(Box<[Option<u32>; 256]>),
    Chars(FxHashMap<char, u32>),
}

pub(super) struct Bpe {
    alphabet: Alphabet,
    merges: FxHashMap<(u32, u32), (u32, u32)>,
    /// `ignore_merges`: a piece that is itself a token is that token.
    whole: Option<FxHashMap<Box<[u8]>, u32>>,
    /// Characters that some merge joins to a different character before them.
    joined_after: rustc_hash::FxHashSet<char>,
    cache: Vec<Mutex<PieceCache>>,
}

/// GPT-2's map from bytes to printable characters.
pub(super) fn bytes_to_unicode() -> [char; 256] {
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

impl Bpe {
    /// Build from the `model` object; `byte_level` says whether tokens are spelled in GPT-2's
    /// byte alphabet. `Err` says why the file needs the general engine.
    pub(super) fn from_model(m: &ModelFile, byte_level: bool) -> Result<Self, String> {
        if m.kind.as_deref().is_some_and(|k| k != "BPE") {
            return Err("its model is not BPE".into());
        }
        let empty = |v: &Option<String>| v.as_deref().unwrap_or("").is_empty();
        for (key, ok) in [
            ("dropout", m.dropout.is_none()),
            (
                "continuing_subword_prefix",
                empty(&m.continuing_subword_prefix),
            ),
            ("end_of_word_suffix", empty(&m.end_of_word_suffix)),
        ] {
            if !ok {
                return Err(format!("its BPE model sets `{key}`"));
            }
        }
        let vocab = &m.vocab;
        // Each token's spelling as raw bytes (byte-level tokens decoded from GPT-2's alphabet).
        let b2u = bytes_to_unicode();
        let mut u2b: FxHashMap<char, u8> = FxHashMap::default();
        for (b, c) in b2u.iter().enumerate() {
            u2b.insert(*c, b as u8);
        }
        let raw = |t: &str| -> Option<Vec<u8>> {
            if byte_level {
                t.chars().map(|c| u2b.get(&c).copied()).collect()
            } else {
                Some(t.as_bytes().to_vec())
            }
        };
        let units = if byte_level {
            let mut ids = [None; 256];
            for (b, c) in b2u.iter().enumerate() {
                let mut s = [0u8; 4];
                ids[b] = vocab.get(c.encode_utf8(&mut s) as &str).copied();
            }
            Units::Bytes(Box::new(ids))
        } else {
            let mut chars = FxHashMap::default();
            for (t, &id) in vocab {
                let mut it = t.chars();
                if let (Some(c), None) = (it.next(), it.next()) {
                    chars.insert(c, id);
                }
            }
            Units::Chars(chars)
        };
        let byte_fallback = if !m.byte_fallback {
            None
        } else if byte_level {
            return Err("a byte-level model sets byte_fallback".into());
        } else {
            let mut ids = [0u32; 256];
            for (b, id) in ids.iter_mut().enumerate() {
                *id = *vocab.get(format!("<{b:#04X}>").as_str()).ok_or_else(|| {
                    format!("byte_fallback is on but byte {b} has no <0x..> token")
                })?;
            }
            Some(ids)
        };
        let unk = match m.unk_token.as_deref() {
            None => None,
            Some(u) => Some(
                *vocab
                    .get(u)
                    .ok_or_else(|| format!("unk_token `{u}` is not in the vocabulary"))?,
            ),
        };
        let alphabet = Alphabet {
            units,
            byte_fallback,
            unk,
            fuse_unk: m.fuse_unk,
        };
        // Later duplicates win, as in `tokenizers` (it collects the merges into a map).
        let mut merges = FxHashMap::default();
        let mut joined_after = rustc_hash::FxHashSet::default();
        for (rank, mg) in m.merges.iter().enumerate() {
            let (a, b) = match mg {
                Merge::Joined(s) => s.split_once(' ').ok_or("a merge has no space")?,
                Merge::Pair(a, b) => (a.as_ref(), b.as_ref()),
            };
            let id = |t: &str| {
                vocab
                    .get(t)
                    .copied()
                    .ok_or_else(|| format!("merge token `{t}` not in vocab"))
            };
            let joined = format!("{a}{b}");
            let mut prev = None;
            for x in joined.chars() {
                if prev.is_some_and(|p| p != x) {
                    joined_after.insert(x);
                }
                prev = Some(x);
            }
            merges.insert((id(a)?, id(b)?), (rank as u32, id(&joined)?));
        }
        let whole = m.ignore_merges.then(|| {
            vocab
                .iter()
                .filter_map(|(t, &id)| Some((raw(t)?.into_boxed_slice(), id)))
                .collect()
        });
        Ok(Bpe {
            alphabet,
            merges,
            whole,
            joined_after,
            cache: (0..CACHE_SHARDS)
                .map(|_| Mutex::new(FxHashMap::default()))
                .collect(),
        })
    }

    /// Whether no merge joins a character other than `c` to a following `c`: then a piece may be
    /// cut before every such `c` without changing its ids (SentencePiece-style files, whose
    /// whole text is one piece, are encoded word by word this way).
    pub(super) fn never_joins_before(&self, c: char) -> bool {
        !self.joined_after.contains(&c)
    }

    pub(super) fn encode_piece(&self, piece: &str, out: &mut Vec<u32>) {
        let bytes = piece.as_bytes();
        if let Some(whole) = &self.whole
            && let Some(&id) = whole.get(bytes)
        {
            out.push(id);
            return;
        }
        if let Units::Bytes(ids) = &self.alphabet.units
            && bytes.len() == 1
            && let Some(id) = ids[bytes[0] as usize]
        {
            out.push(id);
            return;
        }
        if bytes.len() > CACHE_MAX_PIECE {
            self.merge(piece, out);
            return;
        }
        let shard = &self.cache[(FxBuildHasher.hash_one(bytes) >> 58) as usize % CACHE_SHARDS];
        if let Ok(c) = shard.lock()
            && let Some(ids) = c.get(bytes)
        {
            out.extend_from_slice(ids);
            return;
        }
        let from = out.len();
        self.merge(piece, out);
        if let Ok(mut c) = shard.lock() {
            if c.len() >= CACHE_CAP {
                c.clear();
            }
            c.insert(bytes.into(), out[from..].into());
        }
    }

    fn symbols(&self, piece: &str) -> Vec<u32> {
        let a = &self.alphabet;
        let mut syms = Vec::with_capacity(piece.len());
        if let Units::Bytes(ids) = &a.units
            && ids.iter().all(Option::is_some)
        {
            syms.extend(piece.bytes().filter_map(|b| ids[b as usize]));
            return syms;
        }
        // The pending `<unk>`; like `tokenizers`, byte-fallback tokens do not flush it.
        let mut pending = false;
        let mut unit = |found: Option<u32>, c: &[u8], syms: &mut Vec<u32>| {
            if let Some(id) = found {
                if pending {
                    syms.extend(a.unk);
                    pending = false;
                }
                syms.push(id);
            } else if let Some(bytes) = &a.byte_fallback {
                syms.extend(c.iter().map(|&b| bytes[b as usize]));
            } else if a.unk.is_some() {
                if pending && !a.fuse_unk {
                    syms.extend(a.unk);
                }
                pending = true;
            }
        };
        match &a.units {
            Units::Bytes(ids) => {
                for b in piece.bytes() {
                    unit(ids[b as usize], &[b], &mut syms);
                }
            }
            Units::Chars(chars) => {
                for c in piece.chars() {
                    let mut buf = [0u8; 4];
                    unit(
                        chars.get(&c).copied(),
                        c.encode_utf8(&mut buf).as_bytes(),
                        &mut syms,
                    );
                }
            }
        }
        if pending {
            syms.extend(a.unk);
        }
        syms
    }

    /// Apply merges lowest rank first, leftmost first among equal ranks.
    fn merge(&self, piece: &str, out: &mut Vec<u32>) {
        let mut ids = self.symbols(piece);
        let n = ids.len();
        if n < 2 {
            out.extend_from_slice(&ids);
            return;
        }
        let mut next: Vec<usize> = (1..=n).collect();
        let mut prev: Vec<usize> = (0..n).map(|i| i.wrapping_sub(1)).collect();
        let mut alive = vec![true; n];
        let mut heap = BinaryHeap::new();
        for i in 0..n - 1 {
            if let Some(&(rank, _)) = self.merges.get(&(ids[i], ids[i + 1])) {
                heap.push(Reverse((rank, i, ids[i], ids[i + 1])));
            }
        }
        while let Some(Reverse((_, i, a, b))) = heap.pop() {
            let j = next.get(i).copied().unwrap_or(n);
            // Stale entry: a neighbour merged since it was pushed.
            if !alive[i] || j >= n || ids[i] != a || ids[j] != b {
                continue;
            }
            let Some(&(_, new_id)) = self.merges.get(&(a, b)) else {
                continue;
            };
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
