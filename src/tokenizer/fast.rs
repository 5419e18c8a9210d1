//! sluice's own encoder for the tokenizer.json shapes in use: byte-level BPE behind GPT-2's split
//! or `Split` regexes (Llama-3, Qwen, GPT-4o, DeepSeek, SmolLM2), and SentencePiece-style BPE with
//! byte fallback (Llama-2, Mistral, Gemma). It runs the file's own steps — added tokens, then
//! [`normalize`](super::normalize), [`pretok`](super::pretok) and the [`bpe`](super::bpe) model —
//! without the offset bookkeeping `tokenizers` does, and tests keep it id-identical to it.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, MatchKind};
use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde_json::Value;

use super::Encoder;
use super::bpe::Bpe;
use super::normalize::{self, Normalize};
use super::pretok::{self, CutBefore, PreTokenize};
use crate::error::Result;

/// SentencePiece's word-start mark, which its files put where spaces were.
const SPIECE_SPACE: char = '\u{2581}';

/// A tokenizer.json as the fast engine reads it: the model's tables typed and borrowed from the
/// file's bytes (as a `serde_json::Value` they would be a BTreeMap of 100k+ owned strings, most
/// of the load time), the small objects as JSON.
#[derive(Deserialize)]
pub struct TokenizerFile<'a> {
    #[serde(default)]
    pub normalizer: Value,
    #[serde(default)]
    pub pre_tokenizer: Value,
    #[serde(default)]
    pub added_tokens: Value,
    #[serde(borrow)]
    pub model: ModelFile<'a>,
}

#[derive(Deserialize)]
pub struct ModelFile<'a> {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub dropout: Option<f64>,
    #[serde(default)]
    pub unk_token: Option<String>,
    #[serde(default)]
    pub continuing_subword_prefix: Option<String>,
    #[serde(default)]
    pub end_of_word_suffix: Option<String>,
    #[serde(default)]
    pub fuse_unk: bool,
    #[serde(default)]
    pub byte_fallback: bool,
    #[serde(default)]
    pub ignore_merges: bool,
    #[serde(borrow)]
    pub vocab: FxHashMap<Cow<'a, str>, u32>,
    #[serde(borrow, default)]
    pub merges: Vec<Merge<'a>>,
}

/// A merge as `"a b"` (older files) or `["a", "b"]`.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum Merge<'a> {
    Joined(#[serde(borrow)] Cow<'a, str>),
    Pair(#[serde(borrow)] Cow<'a, str>, #[serde(borrow)] Cow<'a, str>),
}

impl TokenizerFile<'_> {
    /// A token's id, added tokens first (as `tokenizers` looks it up).
    pub fn token_id(&self, t: &str) -> Option<u32> {
        self.added_tokens
            .as_array()
            .and_then(|a| a.iter().find(|x| x["content"] == t))
            .and_then(|x| x["id"].as_u64())
            .map(|id| id as u32)
            .or_else(|| self.model.vocab.get(t).copied())
    }

    /// The size `tokenizers` reports with added tokens: the model's plus those not in it.
    pub fn vocab_size(&self) -> u32 {
        let vocab = &self.model.vocab;
        let mut added: Vec<&str> = self
            .added_tokens
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter_map(|x| x["content"].as_str())
            .filter(|t| !vocab.contains_key(*t))
            .collect();
        added.sort_unstable();
        added.dedup();
        (vocab.len() + added.len()) as u32
    }
}

pub struct FastBpe {
    /// Added tokens, matched leftmost-longest on the raw text, and their ids.
    added: Option<(AhoCorasick, Vec<u32>)>,
    normalizers: Vec<Box<dyn Normalize>>,
    steps: Vec<Box<dyn PreTokenize>>,
    model: Bpe,
}

impl FastBpe {
    /// Build from a parsed tokenizer.json; `Err` says why the file needs the general engine.
    pub fn from_file(j: &TokenizerFile) -> std::result::Result<Self, String> {
        let mut normalizers = Vec::new();
        normalize::parse(&j.normalizer, &mut normalizers)?;
        let mut steps = Vec::new();
        let mut byte_level = false;
        pretok::parse(&j.pre_tokenizer, &mut steps, &mut byte_level)?;
        let model = Bpe::from_model(&j.model, byte_level)?;
        if !byte_level && model.never_joins_before(SPIECE_SPACE) {
            steps.push(Box::new(CutBefore(SPIECE_SPACE)));
        }
        Ok(FastBpe {
            added: added_tokens(&j.added_tokens, !normalizers.is_empty())?,
            normalizers,
            steps,
            model,
        })
    }

    /// Encode the text between two added tokens; `first`: it starts the document.
    fn encode_segment(&self, segment: &str, first: bool, out: &mut Vec<u32>) {
        let text = self
            .normalizers
            .iter()
            .fold(std::borrow::Cow::Borrowed(segment), |s, n| n.normalize(s));
        if !text.is_empty() {
            self.pieces(0, &text, first, out);
        }
    }

    /// Run pre-tokenization step `k` on `piece`, the model on what the last step leaves.
    fn pieces(&self, k: usize, piece: &str, first: bool, out: &mut Vec<u32>) {
        match self.steps.get(k) {
            None => self.model.encode_piece(piece, out),
            Some(step) => step.split(piece, first, &mut |p, f| self.pieces(k + 1, p, f, out)),
        }
    }
}

fn added_tokens(
    v: &Value,
    normalizing: bool,
) -> std::result::Result<Option<(AhoCorasick, Vec<u32>)>, String> {
    let mut patterns = Vec::new();
    let mut ids = Vec::new();
    for t in v.as_array().map(Vec::as_slice).unwrap_or(&[]) {
        if t["single_word"] == true || t["lstrip"] == true || t["rstrip"] == true {
            return Err("an added token strips or matches single words".into());
        }
        if normalizing && t["normalized"] == true {
            return Err("an added token is matched on normalized text".into());
        }
        patterns.push(
            t["content"]
                .as_str()
                .ok_or("added token without content")?
                .to_string(),
        );
        ids.push(t["id"].as_u64().ok_or("added token without id")? as u32);
    }
    if patterns.is_empty() {
        return Ok(None);
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns)
        .map_err(|e| e.to_string())?;
    Ok(Some((ac, ids)))
}

impl Encoder for FastBpe {
    fn encode(&self, text: &str, out: &mut Vec<u32>) -> Result<()> {
        match &self.added {
            None => self.encode_segment(text, true, out),
            Some((ac, ids)) => {
                let mut at = 0;
                for m in ac.find_iter(text) {
                    self.encode_segment(&text[at..m.start()], at == 0, out);
                    out.push(ids[m.pattern().as_usize()]);
                    at = m.end();
                }
                self.encode_segment(&text[at..], at == 0, out);
            }
        }
        Ok(())
    }
}
