//! GGUF reader (llama.cpp's model format, v2/v3): metadata, tensor directory, and dequantisation of
//! F32, F16, BF16, Q8_0, Q4_0 and Q4_1 tensors to f32.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use half::{bf16, f16};

use crate::error::{Error, Result};

/// One metadata value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Uint(u64),
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
    Array(Vec<Value>),
}

impl Value {
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Uint(v) => Some(*v),
            Value::Int(v) => u64::try_from(*v).ok(),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float(v) => Some(*v),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(v) => Some(v),
            _ => None,
        }
    }
}

/// ggml tensor types sluice dequantises (ggml's numbering).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dtype {
    F32,
    F16,
    Q4_0,
    Q4_1,
    Q8_0,
    Bf16,
}

impl Dtype {
    fn from_ggml(code: u32) -> Option<Self> {
        Some(match code {
            0 => Dtype::F32,
            1 => Dtype::F16,
            2 => Dtype::Q4_0,
            3 => Dtype::Q4_1,
            8 => Dtype::Q8_0,
            30 => Dtype::Bf16,
            _ => return None,
        })
    }
    /// (elements per block, bytes per block)
    fn block(self) -> (usize, usize) {
        match self {
            Dtype::F32 => (1, 4),
            Dtype::F16 | Dtype::Bf16 => (1, 2),
            Dtype::Q4_0 => (32, 18),
            Dtype::Q4_1 => (32, 20),
            Dtype::Q8_0 => (32, 34),
        }
    }
}

/// ggml's names for the types it has and sluice does not dequantise.
fn ggml_type_name(code: u32) -> String {
    const NAMES: [&str; 31] = [
        "F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K",
        "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL",
        "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16",
    ];
    NAMES
        .get(code as usize)
        .map_or_else(|| format!("type {code}"), |n| n.to_string())
}

#[derive(Clone, Debug)]
pub struct TensorInfo {
    pub name: String,
    /// ggml order: dims[0] is the fastest-varying (a row's length).
    pub dims: Vec<u64>,
    pub dtype: Dtype,
    offset: u64,
}

impl TensorInfo {
    pub fn elements(&self) -> u64 {
        self.dims.iter().product()
    }
    /// Shape in row-major (PyTorch) order.
    pub fn shape(&self) -> Vec<usize> {
        self.dims.iter().rev().map(|&d| d as usize).collect()
    }
}

/// A parsed GGUF file, its tensor data kept in memory.
pub struct Gguf {
    pub path: PathBuf,
    pub metadata: BTreeMap<String, Value>,
    pub tensors: Vec<TensorInfo>,
    data: Vec<u8>,
    data_start: usize,
}

struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
    path: &'a Path,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        let end = end.ok_or_else(|| {
            err!(input(
                "GGUF file {} is truncated: {what} at byte {} runs past the end ({} bytes)",
                self.path.display(),
                self.pos,
                self.buf.len()
            ))
        })?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(
            self.take(4, what)?.try_into().expect("4 bytes"),
        ))
    }
    fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(
            self.take(8, what)?.try_into().expect("8 bytes"),
        ))
    }
    fn count(&mut self, what: &str) -> Result<usize> {
        let n = self.u64(what)?;
        // Every counted item takes at least one byte: a larger count is a corrupt file.
        if n > (self.buf.len() - self.pos) as u64 {
            bail!(input(
                "GGUF file {} is corrupt: {what} {n} is larger than the file",
                self.path.display()
            ));
        }
        Ok(n as usize)
    }
    fn string(&mut self, what: &str) -> Result<String> {
        let n = self.count(what)?;
        let b = self.take(n, what)?;
        String::from_utf8(b.to_vec()).map_err(|_| {
            err!(input(
                "GGUF file {}: {what} is not UTF-8",
                self.path.display()
            ))
        })
    }
    fn value(&mut self, ty: u32, key: &str) -> Result<Value> {
        Ok(match ty {
            0 => Value::Uint(self.take(1, key)?[0] as u64),
            1 => Value::Int(self.take(1, key)?[0] as i8 as i64),
            2 => Value::Uint(u16::from_le_bytes(self.take(2, key)?.try_into().expect("2")) as u64),
            3 => Value::Int(i16::from_le_bytes(self.take(2, key)?.try_into().expect("2")) as i64),
            4 => Value::Uint(self.u32(key)? as u64),
            5 => Value::Int(self.u32(key)? as i32 as i64),
            6 => Value::Float(f32::from_bits(self.u32(key)?) as f64),
            7 => Value::Bool(self.take(1, key)?[0] != 0),
            8 => Value::Str(self.string(key)?),
            9 => {
                let inner = self.u32(key)?;
                let n = self.count(key)?;
                let mut v = Vec::with_capacity(n.min(1 << 20));
                for _ in 0..n {
                    v.push(self.value(inner, key)?);
                }
                Value::Array(v)
            }
            10 => Value::Uint(self.u64(key)?),
            11 => Value::Int(self.u64(key)? as i64),
            12 => Value::Float(f64::from_bits(self.u64(key)?)),
            other => {
                bail!(input(
                    "GGUF file {}: metadata `{key}` has unknown value type {other}",
                    self.path.display()
                ));
            }
        })
    }
}

impl Gguf {
    pub fn open(path: &Path) -> Result<Self> {
        let data = std::fs::read(path).map_err(|e| Error::io("reading model", path, e))?;
        Self::parse(path, data)
    }

    pub fn parse(path: &Path, data: Vec<u8>) -> Result<Self> {
        let mut c = Cursor {
            buf: &data,
            pos: 0,
            path,
        };
        let magic = c.take(4, "magic").map_err(|_| bad_magic(path))?;
        if magic != b"GGUF" {
            return Err(bad_magic(path));
        }
        let version = c.u32("version")?;
        if !(2..=3).contains(&version) {
            bail!(input(
                "GGUF file {}: version {version} is not supported (2 or 3)",
                path.display()
            ));
        }
        let n_tensors = c.count("tensor count")?;
        let n_kv = c.count("metadata count")?;
        let mut metadata = BTreeMap::new();
        for _ in 0..n_kv {
            let key = c.string("metadata key")?;
            let ty = c.u32(&key)?;
            let v = c.value(ty, &key)?;
            metadata.insert(key, v);
        }
        let mut tensors = Vec::with_capacity(n_tensors);
        for _ in 0..n_tensors {
            let name = c.string("tensor name")?;
            let n_dims = c.u32(&name)? as usize;
            if n_dims == 0 || n_dims > 4 {
                bail!(input(
                    "GGUF file {}: tensor `{name}` has {n_dims} dimensions (1 to 4 allowed)",
                    path.display()
                ));
            }
            let dims = (0..n_dims)
                .map(|_| c.u64(&name))
                .collect::<Result<Vec<_>>>()?;
            let code = c.u32(&name)?;
            let dtype = Dtype::from_ggml(code).ok_or_else(|| {
                err!(input(
                    "GGUF file {}: tensor `{name}` is {}, which sluice cannot dequantise \
                     (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1)",
                    path.display(),
                    ggml_type_name(code)
                ))
            })?;
            let offset = c.u64(&name)?;
            tensors.push(TensorInfo {
                name,
                dims,
                dtype,
                offset,
            });
        }
        let align = metadata
            .get("general.alignment")
            .and_then(Value::as_u64)
            .unwrap_or(32)
            .max(1) as usize;
        let data_start = c.pos.div_ceil(align) * align;
        let g = Gguf {
            path: path.to_path_buf(),
            metadata,
            tensors,
            data,
            data_start,
        };
        for t in &g.tensors {
            g.byte_range(t)?;
        }
        Ok(g)
    }

    fn byte_range(&self, t: &TensorInfo) -> Result<std::ops::Range<usize>> {
        let (per_block, block_bytes) = t.dtype.block();
        let n = t.elements();
        let row = t.dims[0];
        if !row.is_multiple_of(per_block as u64) {
            bail!(input(
                "GGUF file {}: tensor `{}` rows of {row} are not whole {:?} blocks of {per_block}",
                self.path.display(),
                t.name,
                t.dtype
            ));
        }
        let len = (n / per_block as u64).checked_mul(block_bytes as u64);
        let start = (self.data_start as u64).checked_add(t.offset);
        match (start, len) {
            (Some(s), Some(l)) if s + l <= self.data.len() as u64 => {
                Ok(s as usize..(s + l) as usize)
            }
            _ => Err(err!(input(
                "GGUF file {} is truncated: tensor `{}` ({:?}, {n} elements) lies past the end of the file",
                self.path.display(),
                t.name,
                t.dtype
            ))),
        }
    }

    pub fn tensor(&self, name: &str) -> Option<&TensorInfo> {
        self.tensors.iter().find(|t| t.name == name)
    }

    /// The tensor's values as f32, row-major.
    pub fn dequantize(&self, t: &TensorInfo) -> Result<Vec<f32>> {
        let bytes = &self.data[self.byte_range(t)?];
        let mut out = Vec::with_capacity(t.elements() as usize);
        dequantize_into(t.dtype, bytes, &mut out);
        Ok(out)
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.metadata.get(key)
    }

    pub fn require_u64(&self, key: &str) -> Result<u64> {
        self.get(key).and_then(Value::as_u64).ok_or_else(|| {
            err!(input(
                "GGUF file {}: metadata `{key}` is missing or not an integer",
                self.path.display()
            ))
        })
    }
}

fn bad_magic(path: &Path) -> Error {
    err!(input(
        "{} is not a GGUF file (the first 4 bytes are not `GGUF`)",
        path.display()
    ))
}

fn f16_at(b: &[u8]) -> f32 {
    f16::from_le_bytes([b[0], b[1]]).to_f32()
}

/// ggml's block formats (ggml-quants.c): Q4_0 `d*(q-8)`, Q4_1 `d*q+m`, Q8_0 `d*q`; in a 4-bit block the
/// low nibbles are elements 0..16 and the high nibbles 16..32.
pub fn dequantize_into(dtype: Dtype, bytes: &[u8], out: &mut Vec<f32>) {
    match dtype {
        Dtype::F32 => out.extend(
            bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        ),
        Dtype::F16 => out.extend(bytes.chunks_exact(2).map(f16_at)),
        Dtype::Bf16 => out.extend(
            bytes
                .chunks_exact(2)
                .map(|b| bf16::from_le_bytes([b[0], b[1]]).to_f32()),
        ),
        Dtype::Q8_0 => {
            for blk in bytes.chunks_exact(34) {
                let d = f16_at(blk);
                out.extend(blk[2..].iter().map(|&q| d * (q as i8) as f32));
            }
        }
        Dtype::Q4_0 => {
            for blk in bytes.chunks_exact(18) {
                let d = f16_at(blk);
                let qs = &blk[2..];
                out.extend(qs.iter().map(|&q| d * ((q & 0xF) as i32 - 8) as f32));
                out.extend(qs.iter().map(|&q| d * ((q >> 4) as i32 - 8) as f32));
            }
        }
        Dtype::Q4_1 => {
            for blk in bytes.chunks_exact(20) {
                let d = f16_at(blk);
                let m = f16_at(&blk[2..]);
                let qs = &blk[4..];
                out.extend(qs.iter().map(|&q| d * (q & 0xF) as f32 + m));
                out.extend(qs.iter().map(|&q| d * (q >> 4) as f32 + m));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_q4_1(d: f32, m: f32, q: [u8; 32]) -> Vec<u8> {
        let mut b = f16::from_f32(d).to_le_bytes().to_vec();
        b.extend(f16::from_f32(m).to_le_bytes());
        b.extend((0..16).map(|j| q[j] | (q[j + 16] << 4)));
        b
    }

    #[test]
    fn q4_1_block_matches_formula() {
        let q: [u8; 32] = std::array::from_fn(|i| (i % 16) as u8);
        let mut out = Vec::new();
        dequantize_into(Dtype::Q4_1, &block_q4_1(0.5, -1.0, q), &mut out);
        let want: Vec<f32> = q.iter().map(|&v| 0.5 * v as f32 - 1.0).collect();
        assert_eq!(out, want);
    }

    #[test]
    fn q4_0_and_q8_0_blocks() {
        let mut b = f16::from_f32(0.25).to_le_bytes().to_vec();
        b.extend((0..16u8).map(|j| j | ((15 - j) << 4)));
        let mut out = Vec::new();
        dequantize_into(Dtype::Q4_0, &b, &mut out);
        assert_eq!(out[0], -2.0);
        assert_eq!(out[15], 0.25 * 7.0);
        assert_eq!(out[16], 0.25 * 7.0);
        assert_eq!(out[31], -2.0);
        let mut b = f16::from_f32(2.0).to_le_bytes().to_vec();
        b.extend((0..32).map(|j| (j as i8 - 16) as u8));
        out.clear();
        dequantize_into(Dtype::Q8_0, &b, &mut out);
        assert_eq!(out[0], -32.0);
        assert_eq!(out[31], 30.0);
    }
}
