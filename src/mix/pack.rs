//! Packing documents into fixed-length sequences, recording where each document starts.
//!
//! Two packers behind one [`Pack`] contract: [`Packer`] (`concat`) cuts the concatenated stream and
//! never pads; [`BestFit`] places whole documents into sequences best-fit-decreasing, a window of
//! documents at a time, and pads what is left of each sequence.

use std::collections::{BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use crate::core::rng::draw;
pub use crate::dataset::mix::Sequence;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Packing {
    Concat,
    BestFit,
}

/// What best-fit packing does with a document longer than a sequence.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum LongDocs {
    /// Full sequences of it, then its remainder packed like a document.
    Split,
    /// Its first `seq_len` tokens only.
    Truncate,
}

/// Documents in, sequences out, in a deterministic order.
pub trait Pack {
    fn push_doc(&mut self, tokens: &[u32]);
    /// No more documents: what is buffered may be packed now.
    fn finish(&mut self);
    fn pop(&mut self) -> Option<Sequence>;
    /// Tokens that will never reach a sequence (a concat tail, truncated document ends).
    fn dropped_tokens(&self) -> u64;
}

fn empty(seq_len: usize) -> Sequence {
    Sequence {
        tokens: Vec::with_capacity(seq_len),
        doc_starts: Vec::new(),
        pad: 0,
    }
}

/// Concatenates documents and cuts them into `seq_len` pieces; a document may span sequences.
pub struct Packer {
    seq_len: usize,
    cur: Sequence,
    ready: VecDeque<Sequence>,
}

impl Packer {
    pub fn new(seq_len: usize) -> Self {
        assert!(seq_len > 0);
        Packer {
            seq_len,
            cur: empty(seq_len),
            ready: VecDeque::new(),
        }
    }
}

impl Pack for Packer {
    fn push_doc(&mut self, mut tokens: &[u32]) {
        if tokens.is_empty() {
            return;
        }
        self.cur.doc_starts.push(self.cur.tokens.len() as u32);
        while !tokens.is_empty() {
            let room = self.seq_len - self.cur.tokens.len();
            let take = room.min(tokens.len());
            self.cur.tokens.extend_from_slice(&tokens[..take]);
            tokens = &tokens[take..];
            if self.cur.tokens.len() == self.seq_len {
                let next = empty(self.seq_len);
                self.ready.push_back(std::mem::replace(&mut self.cur, next));
            }
        }
    }

    fn finish(&mut self) {}

    fn pop(&mut self) -> Option<Sequence> {
        self.ready.pop_front()
    }

    /// The unfinished last sequence, dropped at the end of a stream.
    fn dropped_tokens(&self) -> u64 {
        self.cur.tokens.len() as u64
    }
}

/// Sequences' worth of tokens that best-fit packs at a time: large enough that documents find
/// good partners, small enough to hold in memory.
pub const BEST_FIT_WINDOW: usize = 1024;

/// One piece to place: a whole document, or the remainder of a split one (a continuation). A
/// continuation goes first in its sequence, right after the full sequences of its document, so
/// that, as in concat packing, a row that continues a document does not list 0 in `doc_starts`.
struct Piece {
    tokens: Vec<u32>,
    /// The full sequences of a split document, which leave just before the remainder's.
    lead: Vec<Sequence>,
    continuation: bool,
}

#[derive(Default)]
struct Bin {
    pieces: Vec<usize>,
    used: usize,
    has_continuation: bool,
}

/// Best-fit-decreasing packing of windows of documents. Within a window, pieces are taken
/// longest first (ties in arrival order) and each goes to the fullest sequence it fits in, a
/// continuation only where there is none yet. Each sequence then leaves as a unit with the full
/// sequences of its continuation's document before it, units in an order drawn from
/// `(seed, window, unit)`, so that long documents do not all come first.
pub struct BestFit {
    seq_len: usize,
    long_docs: LongDocs,
    pad_id: u32,
    seed: u64,
    purpose: String,
    window: u64,
    pieces: Vec<Piece>,
    /// Long documents that fill whole sequences exactly (or were truncated to one).
    whole: Vec<Vec<Sequence>>,
    buffered: usize,
    ready: VecDeque<Sequence>,
    dropped: u64,
}

impl BestFit {
    pub fn new(seq_len: usize, long_docs: LongDocs, pad_id: u32, seed: u64, purpose: &str) -> Self {
        assert!(seq_len > 0);
        BestFit {
            seq_len,
            long_docs,
            pad_id,
            seed,
            purpose: purpose.to_string(),
            window: 0,
            pieces: Vec::new(),
            whole: Vec::new(),
            buffered: 0,
            ready: VecDeque::new(),
            dropped: 0,
        }
    }

    /// Best-fit decreasing: each piece into the bin with the least room that holds it.
    fn bins(&self) -> Vec<Bin> {
        let pieces = &self.pieces;
        let mut order: Vec<usize> = (0..pieces.len()).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(pieces[i].tokens.len()), i));
        let mut bins: Vec<Bin> = Vec::new();
        // (room, bin) of the open bins without and with a continuation.
        let (mut open, mut open_cont) = (BTreeSet::new(), BTreeSet::new());
        for i in order {
            let (len, cont) = (pieces[i].tokens.len(), pieces[i].continuation);
            let fit = |set: &BTreeSet<(usize, usize)>| set.range((len, 0)..).next().copied();
            let best = match (fit(&open), if cont { None } else { fit(&open_cont) }) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let b = match best {
                Some(key) => {
                    if !open.remove(&key) {
                        open_cont.remove(&key);
                    }
                    key.1
                }
                None => {
                    bins.push(Bin::default());
                    bins.len() - 1
                }
            };
            let bin = &mut bins[b];
            bin.pieces.push(i);
            bin.used += len;
            bin.has_continuation |= cont;
            let room = self.seq_len - bin.used;
            if room > 0 {
                let set = if bin.has_continuation {
                    &mut open_cont
                } else {
                    &mut open
                };
                set.insert((room, b));
            }
        }
        bins
    }

    fn pack_window(&mut self) {
        let bins = self.bins();
        let mut pieces = std::mem::take(&mut self.pieces);
        let mut units = std::mem::take(&mut self.whole);
        self.buffered = 0;
        for bin in &bins {
            let mut seq = empty(self.seq_len);
            seq.pad = (self.seq_len - bin.used) as u32;
            let (conts, docs): (Vec<usize>, Vec<usize>) =
                bin.pieces.iter().partition(|&&i| pieces[i].continuation);
            let mut unit = Vec::new();
            for i in conts.into_iter().chain(docs) {
                unit.append(&mut pieces[i].lead);
                if !pieces[i].continuation {
                    seq.doc_starts.push(seq.tokens.len() as u32);
                }
                seq.tokens.extend_from_slice(&pieces[i].tokens);
            }
            seq.tokens.resize(self.seq_len, self.pad_id);
            unit.push(seq);
            units.push(unit);
        }
        let mut keyed: Vec<(u64, usize)> = (0..units.len())
            .map(|u| {
                let key = (self.window << 32) | u as u64;
                (draw(self.seed, key, &self.purpose), u)
            })
            .collect();
        keyed.sort_unstable();
        let mut units: Vec<Option<Vec<Sequence>>> = units.into_iter().map(Some).collect();
        for (_, u) in keyed {
            self.ready.extend(units[u].take().into_iter().flatten());
        }
        self.window += 1;
    }
}

impl Pack for BestFit {
    fn push_doc(&mut self, mut tokens: &[u32]) {
        if tokens.is_empty() {
            return;
        }
        let n = self.seq_len;
        let (mut lead, mut continuation) = (Vec::new(), false);
        if tokens.len() > n {
            let full = match self.long_docs {
                LongDocs::Truncate => 1,
                LongDocs::Split => tokens.len() / n,
            };
            lead = (0..full)
                .map(|k| Sequence {
                    tokens: tokens[k * n..(k + 1) * n].to_vec(),
                    doc_starts: if k == 0 { vec![0] } else { vec![] },
                    pad: 0,
                })
                .collect();
            self.buffered += full * n;
            if self.long_docs == LongDocs::Truncate {
                self.dropped += (tokens.len() - n) as u64;
                tokens = &[];
            } else {
                tokens = &tokens[full * n..];
            }
            continuation = true;
        }
        if tokens.is_empty() {
            self.whole.push(lead);
        } else {
            self.buffered += tokens.len();
            self.pieces.push(Piece {
                tokens: tokens.to_vec(),
                lead,
                continuation,
            });
        }
        if self.buffered >= BEST_FIT_WINDOW * n {
            self.pack_window();
        }
    }

    fn finish(&mut self) {
        if !self.pieces.is_empty() || !self.whole.is_empty() {
            self.pack_window();
        }
    }

    fn pop(&mut self) -> Option<Sequence> {
        self.ready.pop_front()
    }

    fn dropped_tokens(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_span_sequences_and_starts_are_recorded() {
        let mut p = Packer::new(4);
        p.push_doc(&[1, 2, 3]);
        p.push_doc(&[4, 5, 6, 7, 8, 9]);
        p.push_doc(&[10]);
        assert_eq!(
            p.pop().unwrap(),
            Sequence {
                tokens: vec![1, 2, 3, 4],
                doc_starts: vec![0, 3],
                pad: 0,
            }
        );
        assert_eq!(
            p.pop().unwrap(),
            Sequence {
                tokens: vec![5, 6, 7, 8],
                doc_starts: vec![],
                pad: 0,
            }
        );
        assert_eq!(p.pop(), None);
        assert_eq!(p.dropped_tokens(), 2);
    }

    fn drain(p: &mut dyn Pack) -> Vec<Sequence> {
        p.finish();
        std::iter::from_fn(|| p.pop()).collect()
    }

    #[test]
    fn best_fit_places_whole_documents_and_pads() {
        let mut p = BestFit::new(8, LongDocs::Split, 0, 1, "t");
        // Lengths 5, 3, 6, 2, 4: best-fit decreasing gives {6,2}, {5,3}, {4}.
        for (i, len) in [5usize, 3, 6, 2, 4].into_iter().enumerate() {
            p.push_doc(&vec![i as u32 + 1; len]);
        }
        let seqs = drain(&mut p);
        assert_eq!(seqs.len(), 3);
        let mut shapes: Vec<(Vec<u32>, u32)> =
            seqs.iter().map(|s| (s.doc_starts.clone(), s.pad)).collect();
        shapes.sort();
        assert_eq!(shapes, vec![(vec![0], 4), (vec![0, 5], 0), (vec![0, 6], 0)]);
        for s in &seqs {
            assert_eq!(s.tokens.len(), 8);
            assert!(s.tokens[8 - s.pad as usize..].iter().all(|&t| t == 0));
            // Each document stays whole and contiguous.
            for (k, &st) in s.doc_starts.iter().enumerate() {
                let end = s.doc_starts.get(k + 1).map_or(8 - s.pad, |&e| e) as usize;
                let d = &s.tokens[st as usize..end];
                assert!(d.iter().all(|&t| t == d[0]));
            }
        }
    }

    #[test]
    fn best_fit_splits_or_truncates_long_documents() {
        let long: Vec<u32> = (1..=19).collect();
        let mut p = BestFit::new(8, LongDocs::Split, 0, 1, "t");
        p.push_doc(&long);
        p.push_doc(&[100, 101]);
        let seqs = drain(&mut p);
        assert_eq!(seqs.len(), 3);
        assert_eq!(seqs[0].tokens, (1..=8).collect::<Vec<_>>());
        assert_eq!(seqs[0].doc_starts, vec![0]);
        assert_eq!(seqs[1].tokens, (9..=16).collect::<Vec<_>>());
        assert!(seqs[1].doc_starts.is_empty());
        // The remainder 17..19 leads the next sequence, unlisted; the short document follows it.
        assert_eq!(seqs[2].tokens, vec![17, 18, 19, 100, 101, 0, 0, 0]);
        assert_eq!((seqs[2].doc_starts.clone(), seqs[2].pad), (vec![3], 3));
        assert_eq!(p.dropped_tokens(), 0);

        let mut p = BestFit::new(8, LongDocs::Truncate, 0, 1, "t");
        p.push_doc(&long);
        let seqs = drain(&mut p);
        assert_eq!(seqs.len(), 1);
        assert_eq!(p.dropped_tokens(), 11);
    }

    #[test]
    fn best_fit_keeps_split_documents_contiguous_and_continuations_apart() {
        let mut p = BestFit::new(10, LongDocs::Split, 0, 3, "t");
        p.push_doc(&[7; 12]);
        p.push_doc(&[8; 13]);
        p.push_doc(&[9; 20]);
        let seqs = drain(&mut p);
        // 12 -> full + 2, 13 -> full + 3 (never in one sequence), 20 -> two full.
        assert_eq!(seqs.len(), 6);
        for w in seqs.windows(2) {
            if w[1].doc_starts.first() != Some(&0) {
                assert_eq!(
                    w[0].pad, 0,
                    "a continuation follows a full sequence of its document"
                );
                assert_eq!(w[0].tokens[9], w[1].tokens[0], "of the same document");
            }
        }
        assert_eq!(seqs.iter().filter(|s| s.pad > 0).count(), 2);
    }
}
