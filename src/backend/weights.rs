//! Named f32 weights (HF names, row-major [out, in]) loaded from GGUF or safetensors files, and
//! written back as safetensors that `transformers` can read.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use half::{bf16, f16};

use super::gguf::{Gguf, Value};
use super::model::LlamaConfig;
use crate::core::atomic::AtomicFile;
use crate::error::{IoContext, Result};

/// Key under which sluice stores the model config in a safetensors header.
const CONFIG_KEY: &str = "sluice.llama_config";

pub struct Weights {
    /// The file (or "init") the weights came from, for error messages.
    origin: String,
    map: BTreeMap<String, (Vec<usize>, Vec<f32>)>,
}

impl Weights {
    pub fn new(origin: &str) -> Self {
        Weights {
            origin: origin.to_string(),
            map: BTreeMap::new(),
        }
    }

    pub fn insert(&mut self, name: String, shape: Vec<usize>, data: Vec<f32>) {
        self.map.insert(name, (shape, data));
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }

    pub fn get(&self, name: &str) -> Option<(&[usize], &[f32])> {
        self.map
            .get(name)
            .map(|(s, d)| (s.as_slice(), d.as_slice()))
    }

    /// Removes and returns a tensor, checking its shape.
    pub fn take(&mut self, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
        let (have, data) = self
            .map
            .remove(name)
            .ok_or_else(|| err!(input("model {}: tensor `{name}` is missing", self.origin)))?;
        if have != shape {
            bail!(input(
                "model {}: tensor `{name}` has shape {have:?}, the model config needs {shape:?}",
                self.origin
            ));
        }
        Ok(data)
    }

    pub fn discard(&mut self, name: &str) {
        self.map.remove(name);
    }

    /// Tensors left over mean the file is not the architecture the config describes.
    pub fn finish(&self) -> Result<()> {
        if let Some(name) = self.map.keys().next() {
            bail!(input(
                "model {}: tensor `{name}` (and {} more) is not part of a Llama model with this config",
                self.origin,
                self.map.len() - 1
            ));
        }
        Ok(())
    }

    /// Writes the weights as F32 safetensors with the config in the header metadata, atomically.
    pub fn save_safetensors(&self, path: &Path, cfg: &LlamaConfig) -> Result<()> {
        let config = serde_json::to_string(cfg).expect("config serialises");
        self.save_safetensors_with(path, CONFIG_KEY, config)
    }

    /// Writes the weights as F32 safetensors with `value` under `key` in the header metadata.
    pub fn save_safetensors_with(&self, path: &Path, key: &str, value: String) -> Result<()> {
        let mut header = serde_json::Map::new();
        let mut meta = serde_json::Map::new();
        meta.insert(key.into(), value.into());
        meta.insert("format".into(), "pt".into());
        header.insert("__metadata__".into(), meta.into());
        let mut offset = 0usize;
        for (name, (shape, data)) in &self.map {
            // A tensor whose data does not fill its shape would make a file no reader can load.
            if shape.iter().product::<usize>() != data.len() {
                bail!(internal(
                    "tensor `{name}` of {} holds {} values for shape {shape:?}; not writing {}",
                    self.origin,
                    data.len(),
                    path.display()
                ));
            }
            let end = offset + data.len() * 4;
            header.insert(
                name.clone(),
                serde_json::json!({"dtype": "F32", "shape": shape, "data_offsets": [offset, end]}),
            );
            offset = end;
        }
        let mut h = serde_json::to_vec(&serde_json::Value::Object(header)).expect("json");
        while !h.len().is_multiple_of(8) {
            h.push(b' ');
        }
        let mut f = AtomicFile::create(path)?;
        f.write_all(&(h.len() as u64).to_le_bytes())
            .at("write", path)?;
        f.write_all(&h).at("write", path)?;
        for (_, data) in self.map.values() {
            let bytes: Vec<u8> = data.iter().flat_map(|v| v.to_le_bytes()).collect();
            f.write_all(&bytes).at("write", path)?;
        }
        f.commit()
    }
}

/// A model file read from disk: config, weights, and the GGUF (for its tokenizer) when it was one.
pub struct Loaded {
    pub path: PathBuf,
    pub config: LlamaConfig,
    pub weights: Weights,
    pub gguf: Option<Gguf>,
}

/// Reads a GGUF or safetensors model, told apart by their first bytes, from a local path or an
/// object-store URL (read whole, as a local file is).
pub fn load(path: &Path) -> Result<Loaded> {
    let bytes = crate::store::read_whole(path, "model")?;
    if bytes.starts_with(b"GGUF") {
        let g = Gguf::parse(path, bytes)?;
        let (config, weights) = from_gguf(&g)?;
        return Ok(Loaded {
            path: path.to_path_buf(),
            config,
            weights,
            gguf: Some(g),
        });
    }
    let is_safetensors = bytes.len() >= 9 && bytes[8] == b'{';
    if !is_safetensors {
        bail!(input(
            "{} is neither a GGUF file (magic `GGUF`) nor safetensors (8-byte length + JSON header)",
            path.display()
        ));
    }
    let (config, weights) = from_safetensors(path, &bytes)?;
    Ok(Loaded {
        path: path.to_path_buf(),
        config,
        weights,
        gguf: None,
    })
}

fn gguf_config(g: &Gguf) -> Result<LlamaConfig> {
    let arch = g
        .get("general.architecture")
        .and_then(Value::as_str)
        .unwrap_or("(none)");
    if arch != "llama" {
        bail!(input(
            "GGUF file {}: architecture `{arch}` is not supported (llama)",
            g.path.display()
        ));
    }
    let u = |k: &str| g.require_u64(&format!("llama.{k}")).map(|v| v as usize);
    let f = |k: &str, d: f64| {
        g.get(&format!("llama.{k}"))
            .and_then(Value::as_f64)
            .unwrap_or(d)
    };
    let heads = u("attention.head_count")?;
    let vocab = match g.get("llama.vocab_size").and_then(Value::as_u64) {
        Some(v) => v as usize,
        None => g
            .tensor("token_embd.weight")
            .map(|t| t.dims.get(1).copied().unwrap_or(0) as usize)
            .unwrap_or(0),
    };
    Ok(LlamaConfig {
        vocab_size: vocab,
        hidden_size: u("embedding_length")?,
        intermediate_size: u("feed_forward_length")?,
        num_hidden_layers: u("block_count")?,
        num_attention_heads: heads,
        num_key_value_heads: g
            .get("llama.attention.head_count_kv")
            .and_then(Value::as_u64)
            .map_or(heads, |v| v as usize),
        rope_theta: f("rope.freq_base", 10000.0),
        rms_norm_eps: f("attention.layer_norm_rms_epsilon", 1e-5),
        max_position_embeddings: u("context_length")?,
        tie_word_embeddings: g.tensor("output.weight").is_none(),
    })
}

/// GGUF tensor name -> HF name.
fn hf_name(gguf: &str) -> Option<String> {
    match gguf {
        "token_embd.weight" => return Some("model.embed_tokens.weight".into()),
        "output_norm.weight" => return Some("model.norm.weight".into()),
        "output.weight" => return Some("lm_head.weight".into()),
        _ => {}
    }
    let rest = gguf.strip_prefix("blk.")?;
    let (layer, part) = rest.split_once('.')?;
    let layer: usize = layer.parse().ok()?;
    let hf = match part {
        "attn_norm.weight" => "input_layernorm.weight",
        "ffn_norm.weight" => "post_attention_layernorm.weight",
        "attn_q.weight" => "self_attn.q_proj.weight",
        "attn_k.weight" => "self_attn.k_proj.weight",
        "attn_v.weight" => "self_attn.v_proj.weight",
        "attn_output.weight" => "self_attn.o_proj.weight",
        "ffn_gate.weight" => "mlp.gate_proj.weight",
        "ffn_up.weight" => "mlp.up_proj.weight",
        "ffn_down.weight" => "mlp.down_proj.weight",
        _ => return None,
    };
    Some(format!("model.layers.{layer}.{hf}"))
}

/// llama.cpp's converter interleaves each head's rotary halves in attn_q/attn_k (it uses adjacent
/// pairs); undo it so the model's `rotate_half` layout applies: HF row s*half+j = GGUF row 2j+s.
fn unpermute(data: &[f32], rows: usize, cols: usize, heads: usize) -> Vec<f32> {
    let hd = rows / heads;
    let half = hd / 2;
    let mut out = vec![0f32; data.len()];
    for h in 0..heads {
        for j in 0..half {
            for s in 0..2 {
                let src = (h * hd + 2 * j + s) * cols;
                let dst = (h * hd + s * half + j) * cols;
                out[dst..dst + cols].copy_from_slice(&data[src..src + cols]);
            }
        }
    }
    out
}

fn from_gguf(g: &Gguf) -> Result<(LlamaConfig, Weights)> {
    let cfg = gguf_config(g)?;
    cfg.check()?;
    let mut w = Weights::new(&g.path.display().to_string());
    for t in &g.tensors {
        let Some(name) = hf_name(&t.name) else {
            // e.g. rope_freqs (computed from the config instead).
            tracing::debug!("GGUF tensor {} not used", t.name);
            continue;
        };
        let shape = t.shape();
        let mut data = g.dequantize(t)?;
        let heads = if t.name.ends_with(".attn_q.weight") {
            Some(cfg.num_attention_heads)
        } else if t.name.ends_with(".attn_k.weight") {
            Some(cfg.num_key_value_heads)
        } else {
            None
        };
        if let Some(heads) = heads
            && shape.len() == 2
            && shape[0].is_multiple_of(2 * heads)
        {
            data = unpermute(&data, shape[0], shape[1], heads);
        }
        w.insert(name, shape, data);
    }
    Ok((cfg, w))
}

fn from_safetensors(path: &Path, bytes: &[u8]) -> Result<(LlamaConfig, Weights)> {
    let bad = |m: String| err!(input("safetensors file {}: {m}", path.display()));
    let n = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")) as usize;
    let header_end = 8usize
        .checked_add(n)
        .filter(|&e| e <= bytes.len())
        .ok_or_else(|| bad(format!("header length {n} runs past the end of the file")))?;
    let header: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&bytes[8..header_end])
            .map_err(|e| bad(format!("header is not JSON: {e}")))?;
    let data = &bytes[header_end..];
    let cfg = match header
        .get("__metadata__")
        .and_then(|m| m.get(CONFIG_KEY))
        .and_then(|v| v.as_str())
    {
        Some(s) => serde_json::from_str(s).map_err(|e| bad(format!("`{CONFIG_KEY}`: {e}")))?,
        None => config_json_beside(path)?,
    };
    let mut w = Weights::new(&path.display().to_string());
    for (name, info) in &header {
        if name == "__metadata__" {
            continue;
        }
        let dtype = info["dtype"].as_str().unwrap_or("");
        let shape: Vec<usize> = serde_json::from_value(info["shape"].clone())
            .map_err(|e| bad(format!("tensor `{name}`: shape: {e}")))?;
        let [start, end]: [usize; 2] = serde_json::from_value(info["data_offsets"].clone())
            .map_err(|e| bad(format!("tensor `{name}`: data_offsets: {e}")))?;
        let raw = data
            .get(start..end)
            .ok_or_else(|| bad(format!("tensor `{name}` lies past the end of the file")))?;
        let count: usize = shape.iter().product();
        let width = match dtype {
            "F32" => 4,
            "F16" | "BF16" => 2,
            other => {
                return Err(bad(format!(
                    "tensor `{name}` is {other}; supported: F32, F16, BF16"
                )));
            }
        };
        if raw.len() != count * width {
            return Err(bad(format!(
                "tensor `{name}` holds {} bytes, shape {shape:?} of {dtype} needs {}",
                raw.len(),
                count * width
            )));
        }
        let values: Vec<f32> = match dtype {
            "F32" => raw
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            "F16" => raw
                .chunks_exact(2)
                .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            _ => raw
                .chunks_exact(2)
                .map(|b| bf16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
        };
        w.insert(name.clone(), shape, values);
    }
    Ok((cfg, w))
}

/// HF checkpoints keep the architecture in `config.json` next to the weights.
fn config_json_beside(path: &Path) -> Result<LlamaConfig> {
    let cfg_path = path.with_file_name("config.json");
    let text = std::fs::read_to_string(&cfg_path).map_err(|_| {
        err!(input(
            "safetensors file {} has no `{CONFIG_KEY}` metadata and no config.json beside it",
            path.display()
        ))
    })?;
    #[derive(serde::Deserialize)]
    struct Hf {
        vocab_size: usize,
        hidden_size: usize,
        intermediate_size: usize,
        num_hidden_layers: usize,
        num_attention_heads: usize,
        num_key_value_heads: Option<usize>,
        #[serde(default = "default_theta")]
        rope_theta: f64,
        #[serde(default = "default_eps")]
        rms_norm_eps: f64,
        #[serde(default)]
        max_position_embeddings: usize,
        #[serde(default)]
        tie_word_embeddings: bool,
    }
    fn default_theta() -> f64 {
        10000.0
    }
    fn default_eps() -> f64 {
        1e-6
    }
    let h: Hf =
        serde_json::from_str(&text).map_err(|e| err!(input("{}: {e}", cfg_path.display())))?;
    Ok(LlamaConfig {
        vocab_size: h.vocab_size,
        hidden_size: h.hidden_size,
        intermediate_size: h.intermediate_size,
        num_hidden_layers: h.num_hidden_layers,
        num_attention_heads: h.num_attention_heads,
        num_key_value_heads: h.num_key_value_heads.unwrap_or(h.num_attention_heads),
        rope_theta: h.rope_theta,
        rms_norm_eps: h.rms_norm_eps,
        max_position_embeddings: h.max_position_embeddings,
        tie_word_embeddings: h.tie_word_embeddings,
    })
}

/// The config as HF `config.json` (LlamaForCausalLM), so `transformers` can load sluice checkpoints.
pub fn hf_config_json(cfg: &LlamaConfig) -> serde_json::Value {
    serde_json::json!({
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "vocab_size": cfg.vocab_size,
        "hidden_size": cfg.hidden_size,
        "intermediate_size": cfg.intermediate_size,
        "num_hidden_layers": cfg.num_hidden_layers,
        "num_attention_heads": cfg.num_attention_heads,
        "num_key_value_heads": cfg.num_key_value_heads,
        "head_dim": cfg.head_dim(),
        "rope_theta": cfg.rope_theta,
        "rms_norm_eps": cfg.rms_norm_eps,
        "max_position_embeddings": cfg.max_position_embeddings,
        "tie_word_embeddings": cfg.tie_word_embeddings,
        "hidden_act": "silu",
        "attention_bias": false,
        "mlp_bias": false,
        "torch_dtype": "float32",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tensor_short_of_its_shape_is_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.safetensors");
        let mut w = Weights::new("model");
        w.insert("model.norm.weight".into(), vec![4], vec![1.0; 3]);
        let cfg = crate::train::lm::preset("tiny", 10).unwrap();
        let e = w.save_safetensors(&path, &cfg).unwrap_err().to_string();
        assert!(e.contains("model.norm.weight") && e.contains("[4]"), "{e}");
        assert!(!path.exists());
    }

    #[test]
    fn unpermute_inverts_llama_cpp_permute() {
        // llama.cpp: w.reshape(heads, 2, hd/2, cols).swapaxes(1, 2): GGUF row 2j+s = HF row s*half+j.
        let (heads, hd, cols) = (2, 4, 3);
        let hf: Vec<f32> = (0..heads * hd * cols).map(|v| v as f32).collect();
        let mut gguf = vec![0f32; hf.len()];
        for h in 0..heads {
            for j in 0..hd / 2 {
                for s in 0..2 {
                    let g = (h * hd + 2 * j + s) * cols;
                    let f = (h * hd + s * hd / 2 + j) * cols;
                    gguf[g..g + cols].copy_from_slice(&hf[f..f + cols]);
                }
            }
        }
        assert_eq!(unpermute(&gguf, heads * hd, cols, heads), hf);
    }
}
