//! Tokenizers behind one small trait: HuggingFace `tokenizers` for any tokenizer.json, and sluice's
//! own [`fast`] BPE engine for the shapes in use (byte-level BPE behind GPT-2's or a `Split`
//! regex, SentencePiece-style BPE), kept id-identical to `tokenizers` by tests.

mod bpe;
pub mod fast;
mod gpt2;
pub mod job;
mod normalize;
mod pretok;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::core::fingerprint::sha256_bytes;
use crate::error::Result;
use fast::FastBpe;

/// Turns a document into token ids (no special tokens added).
pub trait Encoder: Send + Sync {
    fn encode(&self, text: &str, out: &mut Vec<u32>) -> Result<()>;
}

/// Which implementation encodes.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    serde::Deserialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// sluice's BPE engine when the tokenizer.json allows it, else `hf`.
    Auto,
    /// sluice's BPE engine; an error when the tokenizer.json has a shape it does not reproduce.
    Fast,
    /// HuggingFace `tokenizers`.
    Hf,
}

pub use crate::dataset::mix::TokenizerInfo;

/// End-of-document tokens tried, in order, when `--eos` is not given.
const EOS_CANDIDATES: [&str; 4] = ["<|endoftext|>", "<|end_of_text|>", "</s>", "<eos>"];

pub struct HfEncoder(tokenizers::Tokenizer);

impl Encoder for HfEncoder {
    fn encode(&self, text: &str, out: &mut Vec<u32>) -> Result<()> {
        let enc = self
            .0
            .encode_fast(text, false)
            .map_err(|e| err!(input("tokenizer failed on a document: {e}")))?;
        out.extend_from_slice(enc.get_ids());
        Ok(())
    }
}

/// What `load` needs of a vocabulary: its size and token lookups.
enum Vocab<'a> {
    File(Box<fast::TokenizerFile<'a>>),
    Hf(Box<tokenizers::Tokenizer>),
}

impl Vocab<'_> {
    fn token_id(&self, t: &str) -> Option<u32> {
        match self {
            Vocab::Hf(hf) => hf.token_to_id(t),
            Vocab::File(f) => f.token_id(t),
        }
    }

    fn size(&self) -> u32 {
        match self {
            Vocab::Hf(hf) => hf.get_vocab_size(true) as u32,
            Vocab::File(f) => f.vocab_size(),
        }
    }
}

/// Load `path`; `eos` names the end-of-document token (None: detect; Some("")): none). The fast
/// engine reads the file itself; `tokenizers` loads it only when it is the engine.
pub fn load(
    path: &Path,
    engine: Engine,
    eos: Option<&str>,
) -> Result<(Box<dyn Encoder>, TokenizerInfo)> {
    let shown = path.display();
    let bytes = crate::store::read_whole(path, "tokenizer")?;
    let fast = match engine {
        Engine::Hf => None,
        Engine::Auto | Engine::Fast => {
            let tried = serde_json::from_slice::<fast::TokenizerFile>(&bytes)
                .map_err(|e| e.to_string())
                .and_then(|j| Ok((FastBpe::from_file(&j)?, j)));
            match tried {
                Ok(ok) => Some(ok),
                Err(why) if engine == Engine::Fast => bail!(config(
                    "--tokenizer-engine fast cannot encode {shown}: {why}; use auto or hf"
                )),
                Err(_) => None,
            }
        }
    };
    let (encoder, vocab, engine): (Box<dyn Encoder>, Vocab, &str) = match fast {
        Some((f, j)) => (Box::new(f), Vocab::File(Box::new(j)), "fast-bpe"),
        None => {
            let hf = tokenizers::Tokenizer::from_bytes(&bytes).map_err(|e| {
                err!(input(
                    "tokenizer {shown} is not a valid HuggingFace tokenizer.json: {e}"
                ))
            })?;
            (
                Box::new(HfEncoder(hf.clone())),
                Vocab::Hf(Box::new(hf)),
                "hf-tokenizers",
            )
        }
    };
    let (eos_token, eos_id) = match eos {
        Some("") => (None, None),
        Some(tok) => match vocab.token_id(tok) {
            Some(id) => (Some(tok.to_string()), Some(id)),
            None => {
                bail!(config("--eos `{tok}` is not in the vocabulary of {shown}"));
            }
        },
        None => EOS_CANDIDATES
            .iter()
            .find_map(|t| vocab.token_id(t).map(|id| (Some(t.to_string()), Some(id))))
            .unwrap_or((None, None)),
    };
    let info = TokenizerInfo {
        path: shown.to_string(),
        sha256: sha256_bytes(&bytes),
        vocab_size: vocab.size(),
        eos_token,
        eos_id,
        engine: engine.to_string(),
    };
    Ok((encoder, info))
}

/// The ids `tokenizers`' post-processor puts around one document (`add_special_tokens`), e.g.
/// Llama-3's `<|begin_of_text|>` before it; an error when it does more than add fixed tokens.
pub fn special_affixes(path: &Path) -> Result<(Vec<u32>, Vec<u32>)> {
    let shown = path.display();
    let bytes = crate::store::read_whole(path, "tokenizer")?;
    let hf = tokenizers::Tokenizer::from_bytes(&bytes).map_err(|e| {
        err!(input(
            "tokenizer {shown} is not a valid HuggingFace tokenizer.json: {e}"
        ))
    })?;
    let ids = |text: &str, special: bool| -> Result<Vec<u32>> {
        Ok(hf
            .encode_fast(text, special)
            .map_err(|e| err!(input("tokenizer {shown} failed on a probe text: {e}")))?
            .get_ids()
            .to_vec())
    };
    let split = |probe: &str| -> Result<Option<(Vec<u32>, Vec<u32>)>> {
        let (plain, full) = (ids(probe, false)?, ids(probe, true)?);
        Ok((0..full.len().saturating_sub(plain.len()) + 1)
            .find(|&i| full[i..].starts_with(&plain))
            .map(|i| (full[..i].to_vec(), full[i + plain.len()..].to_vec())))
    };
    let affixes = split("a")?;
    let same = affixes.is_some()
        && split("Hello world, 42 times.")? == affixes
        && affixes
            .as_ref()
            .is_some_and(|(p, s)| ids("", true).is_ok_and(|e| e == [&p[..], &s[..]].concat()));
    match affixes {
        Some(a) if same => Ok(a),
        _ => bail!(config(
            "the post-processor of {shown} does more than put fixed tokens around a document; \
             --add-special-tokens needs that"
        )),
    }
}

/// The default tokenizer shipped with the samples.
pub fn default_path(samples: &Path) -> PathBuf {
    samples.join("tokenizer.json")
}
