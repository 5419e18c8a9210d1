//! Packing documents into fixed-length sequences, recording where each document starts.

use std::collections::VecDeque;

pub use crate::dataset::mix::Sequence;

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
            cur: Sequence {
                tokens: Vec::with_capacity(seq_len),
                doc_starts: Vec::new(),
            },
            ready: VecDeque::new(),
        }
    }

    pub fn push_doc(&mut self, mut tokens: &[u32]) {
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
                let next = Sequence {
                    tokens: Vec::with_capacity(self.seq_len),
                    doc_starts: Vec::new(),
                };
                self.ready.push_back(std::mem::replace(&mut self.cur, next));
            }
        }
    }

    pub fn pop(&mut self) -> Option<Sequence> {
        self.ready.pop_front()
    }

    /// Tokens of the unfinished last sequence (dropped at the end of a stream).
    pub fn pending_tokens(&self) -> usize {
        self.cur.tokens.len()
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
                doc_starts: vec![0, 3]
            }
        );
        assert_eq!(
            p.pop().unwrap(),
            Sequence {
                tokens: vec![5, 6, 7, 8],
                doc_starts: vec![]
            }
        );
        assert_eq!(p.pop(), None);
        assert_eq!(p.pending_tokens(), 2);
    }
}
