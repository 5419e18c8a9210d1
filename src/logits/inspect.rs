//! `logits inspect`: bytes per token, top-K mass, and the KL between the teacher's full distribution
//! (recomputed live) and what the cache decodes to, on a sample of positions.

use serde::Serialize;

use super::codec::log_probs;
use crate::backend::{self, OptimConfig, Target, TokenBatch, weights};
use crate::core::fingerprint::sha256_file;
use crate::dataset::logits::{LogitsCache, Mode};
use crate::error::Result;

#[derive(Debug, Serialize)]
pub struct Report {
    pub mode: Mode,
    pub k: Option<usize>,
    pub draws: Option<usize>,
    pub temperature: f32,
    pub sequences: u64,
    pub tokens: u64,
    pub bytes: u64,
    pub bytes_per_token: f64,
    /// Mean teacher probability inside the stored ids (top-K: exact, from log Z).
    pub mean_mass_covered: Option<f64>,
    pub positions_checked: usize,
    /// top-K: KL(teacher || decoded) over the K ids plus one tail bucket: the quantisation error.
    pub kl_quantisation: Option<f64>,
    /// top-K: KL(teacher || decoded) over the whole vocabulary, the tail spread evenly.
    /// sampled: KL(decoded || teacher) (the estimate's noise; the other direction is infinite).
    pub kl_full: Option<f64>,
    pub max_abs_logz_error: Option<f64>,
}

/// `positions`: how many positions (spread over the first sequences of `split`) to recompute.
pub fn inspect(
    cache: &LogitsCache,
    split: &str,
    teacher: Option<(&std::path::Path, Target)>,
    positions: usize,
) -> Result<Report> {
    let m = &cache.manifest;
    let meta = &m.meta;
    let mut r = Report {
        mode: meta.mode,
        k: meta.k,
        draws: meta.draws,
        temperature: meta.temperature,
        sequences: m.sequences,
        tokens: m.tokens,
        bytes: m.bytes,
        bytes_per_token: m.bytes_per_token,
        mean_mass_covered: None,
        positions_checked: 0,
        kl_quantisation: None,
        kl_full: None,
        max_abs_logz_error: None,
    };
    let Some((path, target)) = teacher else {
        return Ok(r);
    };
    if sha256_file(path)? != meta.teacher_sha256 {
        bail!(input(
            "{} is not the teacher this cache was made with (sha256 differs from {})",
            path.display(),
            meta.teacher_sha256
        ));
    }
    let seqs = cache.read_split(split)?;
    let mut l = weights::load(path)?;
    let b = backend::open(
        target,
        &l.config.clone(),
        &mut l.weights,
        &OptimConfig::default(),
    )?;
    let vocab = meta.vocab_size;
    let per_seq = meta.seq_len.max(1);
    let n_seqs = positions
        .div_ceil(per_seq)
        .clamp(1, seqs.len().max(1))
        .min(seqs.len());
    let (mut mass, mut klq, mut klf, mut lz_err, mut n) = (0f64, 0f64, 0f64, 0f64, 0usize);
    for s in &seqs[..n_seqs] {
        let batch = TokenBatch {
            tokens: s.input_ids.clone(),
            batch: 1,
            len: s.input_ids.len(),
            doc_starts: vec![s.doc_starts.clone()],
        };
        let logits = b.forward_logits(&batch)?;
        for t in 0..s.input_ids.len() {
            if n >= positions {
                break;
            }
            let (lz, lp) = log_probs(logits.at(0, t), meta.temperature);
            lz_err = lz_err.max((lz - s.logz[t]).abs() as f64);
            let sp = s.sparse(meta.mode, meta.draws.unwrap_or(1), t);
            match meta.mode {
                Mode::Topk => {
                    let covered: f64 = sp.ids.iter().map(|&i| (lp[i as usize] as f64).exp()).sum();
                    mass += covered;
                    let tail_p = (1.0 - covered).max(1e-12);
                    let tail_q = (sp.tail as f64).max(1e-12);
                    let mut kq = tail_p * (tail_p / tail_q).ln();
                    for (&i, &q) in sp.ids.iter().zip(&sp.probs) {
                        let p = (lp[i as usize] as f64).exp();
                        kq += p * (p / (q as f64).max(1e-30)).ln();
                    }
                    klq += kq;
                    let rest = (vocab - sp.ids.len()).max(1) as f64;
                    let mut kf = 0.0;
                    let mut q_of = vec![tail_q / rest; vocab];
                    for (&i, &q) in sp.ids.iter().zip(&sp.probs) {
                        q_of[i as usize] = q as f64;
                    }
                    for (i, &l) in lp.iter().enumerate() {
                        let p = (l as f64).exp();
                        if p > 0.0 {
                            kf += p * (l as f64 - q_of[i].max(1e-30).ln());
                        }
                    }
                    klf += kf;
                }
                Mode::Sample => {
                    let mut k = 0.0;
                    for (&i, &q) in sp.ids.iter().zip(&sp.probs) {
                        k += q as f64 * ((q as f64).ln() - lp[i as usize] as f64);
                    }
                    klf += k;
                }
            }
            n += 1;
        }
    }
    let mean = |v: f64| Some(v / n.max(1) as f64);
    r.positions_checked = n;
    r.max_abs_logz_error = Some(lz_err);
    r.kl_full = mean(klf);
    if meta.mode == Mode::Topk {
        r.mean_mass_covered = mean(mass);
        r.kl_quantisation = mean(klq);
    }
    Ok(r)
}
