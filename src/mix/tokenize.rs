//! Tokenizers behind one small trait: HuggingFace `tokenizers` for any tokenizer.json, and sluice's
//! own byte-level BPE for GPT-2-style files, kept id-identical to it by tests.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::bpe::ByteLevelBpe;
use crate::core::fingerprint::sha256_file;
use crate::error::{Error, Result};

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
    /// sluice's byte-level BPE when the tokenizer.json allows it, else `hf`.
    Auto,
    /// sluice's byte-level BPE; an error when the tokenizer.json is not GPT-2-style.
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

/// Load `path`; `eos` names the end-of-document token (None: detect; Some("")): none).
pub fn load(
    path: &Path,
    engine: Engine,
    eos: Option<&str>,
) -> Result<(Box<dyn Encoder>, TokenizerInfo)> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| Error::io("read tokenizer", path, e))?;
    let hf = tokenizers::Tokenizer::from_bytes(&bytes).map_err(|e| {
        err!(input(
            "tokenizer {shown} is not a valid HuggingFace tokenizer.json: {e}"
        ))
    })?;
    let vocab_size = hf.get_vocab_size(true) as u32;
    let (eos_token, eos_id) = match eos {
        Some("") => (None, None),
        Some(tok) => match hf.token_to_id(tok) {
            Some(id) => (Some(tok.to_string()), Some(id)),
            None => {
                bail!(config("--eos `{tok}` is not in the vocabulary of {shown}"));
            }
        },
        None => EOS_CANDIDATES
            .iter()
            .find_map(|t| hf.token_to_id(t).map(|id| (Some(t.to_string()), Some(id))))
            .unwrap_or((None, None)),
    };
    let fast = match engine {
        Engine::Hf => None,
        Engine::Auto => ByteLevelBpe::from_tokenizer_json(&bytes).ok(),
        Engine::Fast => Some(ByteLevelBpe::from_tokenizer_json(&bytes).map_err(|why| {
            err!(config(
                "--tokenizer-engine fast cannot encode {shown}: {why}; use auto or hf"
            ))
        })?),
    };
    let info = |engine: &str| -> Result<TokenizerInfo> {
        Ok(TokenizerInfo {
            path: shown.to_string(),
            sha256: sha256_file(path)?,
            vocab_size,
            eos_token: eos_token.clone(),
            eos_id,
            engine: engine.to_string(),
        })
    };
    Ok(match fast {
        Some(f) => (Box::new(f), info("fast-bpe")?),
        None => (Box::new(HfEncoder(hf)), info("hf-tokenizers")?),
    })
}

/// The default tokenizer shipped with the samples.
pub fn default_path(samples: &Path) -> PathBuf {
    samples.join("tokenizer.json")
}
