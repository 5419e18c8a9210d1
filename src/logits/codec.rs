//! Per-position codecs for a teacher distribution at temperature T.
//!
//! - top-K: the K most likely ids with their log-probabilities quantised to u8 as
//!   `q = round(-log p * 16)` (clamped to 255; decode `-q / 16`, error <= 1/32 nat). With the stored
//!   log-normaliser the tail mass `1 - sum(top-K p)` is known, so a student is not taught `p / mass`.
//! - sampled: N draws with replacement from p (keyed counter RNG), stored as unique ids and counts;
//!   `count / N` is an unbiased estimate of p.

use crate::core::rng::KeyedRng;

pub use crate::dataset::logits::{STEPS_PER_NAT, Sparse, dequantise, quantise};

/// Log-probabilities at temperature `t` of one position, with log Z of `logits / t`.
pub fn log_probs(logits: &[f32], t: f32) -> (f32, Vec<f32>) {
    let inv = 1.0 / t as f64;
    let m = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64 * inv;
    let s: f64 = logits.iter().map(|&x| (x as f64 * inv - m).exp()).sum();
    let lz = m + s.ln();
    (
        lz as f32,
        logits
            .iter()
            .map(|&x| (x as f64 * inv - lz) as f32)
            .collect(),
    )
}

/// The `k` most likely ids (ties broken by the smaller id) and their quantised log-probabilities.
pub fn top_k(logp: &[f32], k: usize, ids: &mut Vec<u32>, values: &mut Vec<u8>) {
    let mut idx: Vec<u32> = (0..logp.len() as u32).collect();
    let k = k.min(idx.len());
    let cmp = |a: &u32, b: &u32| {
        logp[*b as usize]
            .total_cmp(&logp[*a as usize])
            .then(a.cmp(b))
    };
    idx.select_nth_unstable_by(k.saturating_sub(1), cmp);
    let top = &mut idx[..k];
    top.sort_unstable_by(cmp);
    for &i in top.iter() {
        ids.push(i);
        values.push(quantise(logp[i as usize]));
    }
}

/// `n` draws from `exp(logp)` by inverse CDF on keyed uniforms; unique ids ascending with counts.
pub fn sample(logp: &[f32], n: usize, rng: &KeyedRng, ids: &mut Vec<u32>, counts: &mut Vec<u16>) {
    let mut cdf = Vec::with_capacity(logp.len());
    let mut acc = 0f64;
    for &l in logp {
        acc += (l as f64).exp();
        cdf.push(acc);
    }
    let mut draws: Vec<u32> = (0..n as u64)
        .map(|i| {
            let u = (rng.at(i) >> 11) as f64 * (1.0 / (1u64 << 53) as f64) * acc;
            cdf.partition_point(|&c| c <= u).min(logp.len() - 1) as u32
        })
        .collect();
    draws.sort_unstable();
    for d in draws {
        if ids.last() == Some(&d) {
            *counts.last_mut().expect("pushed with its id") += 1;
        } else {
            ids.push(d);
            counts.push(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantisation_error_is_at_most_half_a_step() {
        for i in 0..2000 {
            let lp = -(i as f32) * 0.0077;
            let back = dequantise(quantise(lp));
            if lp > -15.9 {
                assert!(
                    (back - lp).abs() <= 0.5 / STEPS_PER_NAT + 1e-6,
                    "{lp} {back}"
                );
            }
        }
    }

    #[test]
    fn top_k_orders_by_probability_then_id() {
        let logp = [-3.0, -0.5, -2.0, -0.5, -9.0];
        let (mut ids, mut v) = (Vec::new(), Vec::new());
        top_k(&logp, 3, &mut ids, &mut v);
        assert_eq!(ids, [1, 3, 2]);
        assert_eq!(v, [8, 8, 32]);
    }

    #[test]
    fn sampled_counts_estimate_the_distribution() {
        let p = [0.5f32, 0.3, 0.2];
        let logp: Vec<f32> = p.iter().map(|v| v.ln()).collect();
        let rng = KeyedRng::new(1, 2, "t");
        let (mut ids, mut counts) = (Vec::new(), Vec::new());
        sample(&logp, 20000, &rng, &mut ids, &mut counts);
        assert_eq!(ids, [0, 1, 2]);
        for (c, want) in counts.iter().zip(p) {
            assert!((*c as f32 / 20000.0 - want).abs() < 0.01, "{counts:?}");
        }
    }
}
