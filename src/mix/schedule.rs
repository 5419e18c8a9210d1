//! Which source each training sequence comes from.
//!
//! Two sources (`--inject p`, [`Schedule`]): sequence `i` (1-based) is a pretraining one exactly
//! when `round(p*i) > round(p*(i-1))`, so after any prefix of `n` sequences `round(p*n)` are
//! pretraining: within 1/2 of `p*n`. This is the "furthest behind its target" rule of Megatron's
//! BlendedDataset for two sources, in closed form.
//!
//! N weighted sources ([`Blend`]): "furthest behind" does not keep every prefix within one sequence
//! for N > 2 (on random 3- and 5-source weights it drifts to 1.02), so the blend schedules by
//! deadlines instead (see [`Blend`]).

use serde::{Deserialize, Serialize};

use crate::core::fraction::Fraction;
use crate::error::Result;

/// One interleaving rule: the source of the next sequence, for ever.
pub trait Interleave {
    fn next_source(&mut self) -> usize;
}

/// The two-source schedule as an [`Interleave`]: 0 = target, 1 = pretraining.
pub struct InjectOrder {
    schedule: Schedule,
    i: u64,
}

impl InjectOrder {
    pub fn new(schedule: Schedule) -> Self {
        InjectOrder { schedule, i: 0 }
    }
}

impl Interleave for InjectOrder {
    fn next_source(&mut self) -> usize {
        self.i += 1;
        self.schedule.is_pretrain(self.i - 1) as usize
    }
}

/// N sources with exact weights `a_i / d` (summing to 1), earliest deadline first.
///
/// Let `c_i(n)` count source `i` among the first `n` sequences. `|c_i(n) - w_i n| < 1` for every
/// `n` holds exactly when the `j`-th sequence of source `i` sits at a 1-based position `t` with
/// `(j-1)/w_i < t < j/w_i + 1`: a window with a release time and a deadline. Tijdeman (1980, the
/// chairman assignment problem) proved a sequence with `|c_i(n) - w_i n| <= 1 - 1/(2N-2)` exists,
/// so all windows can be met at once; for unit jobs with integer release times, picking among the
/// released jobs the one due first is optimal (the usual exchange argument), so this rule meets
/// them all. The property test checks the bound for random weights. A tie goes to the lower index.
pub struct Blend {
    a: Vec<u64>,
    d: u64,
    counts: Vec<u64>,
    t: u64,
}

impl Blend {
    /// `weights` must be positive and sum to exactly 1.
    pub fn new(weights: &[Fraction]) -> Result<Self> {
        let d = weights.iter().fold(1u64, |l, w| lcm(l, w.den));
        let a: Vec<u64> = weights.iter().map(|w| w.num * (d / w.den)).collect();
        let sum: u128 = a.iter().map(|&x| x as u128).sum();
        if sum != d as u128 {
            bail!(config(
                "the weights sum to {:.6}, not 1: they are fractions of the training tokens",
                sum as f64 / d as f64
            ));
        }
        if a.contains(&0) {
            bail!(config("a weight is 0: leave that source out instead"));
        }
        Ok(Blend {
            counts: vec![0; a.len()],
            a,
            d,
            t: 0,
        })
    }
}

impl Interleave for Blend {
    fn next_source(&mut self) -> usize {
        self.t += 1;
        let (t, d) = (self.t as u128, self.d as u128);
        let mut best: Option<(u128, usize)> = None;
        for (i, (&a, &c)) in self.a.iter().zip(&self.counts).enumerate() {
            let a = a as u128;
            // Released: (j-1)/w < t with j = c+1; due: the last t below j/w + 1.
            if c as u128 * d >= a * t {
                continue;
            }
            let due = ((c as u128 + 1) * d).div_ceil(a);
            if best.is_none_or(|(b, _)| due < b) {
                best = Some((due, i));
            }
        }
        // Released jobs by time t number sum_i ceil(w_i t) >= t, and t - 1 are placed: one is left.
        let i = best.map_or(0, |(_, i)| i);
        self.counts[i] += 1;
        i
    }
}

fn lcm(a: u64, b: u64) -> u64 {
    let (mut x, mut y) = (a, b);
    while y != 0 {
        (x, y) = (y, x % y);
    }
    a / x * b
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub target: u64,
    pub pretrain: u64,
    pub total: u64,
    #[serde(skip)]
    p: Option<Fraction>,
}

impl Schedule {
    /// The shortest schedule that places all `target` sequences; `p < 1`.
    pub fn new(p: Fraction, target: u64) -> Self {
        assert!(p.num < p.den, "inject fraction must be below 1");
        let targets_in = |n: u64| n - p.round_mul(n);
        // targets_in is non-decreasing with steps of 0 or 1: binary search its first n.
        let (mut lo, mut hi) = (
            target,
            (target as u128 * p.den as u128 / (p.den - p.num) as u128) as u64 + 2,
        );
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if targets_in(mid) >= target {
                hi = mid
            } else {
                lo = mid + 1
            }
        }
        Schedule {
            target,
            pretrain: p.round_mul(lo),
            total: lo,
            p: Some(p),
        }
    }

    /// Pretraining sequences among the first `n`.
    pub fn pretrain_in(&self, n: u64) -> u64 {
        self.p.map_or(0, |p| p.round_mul(n))
    }

    /// Is sequence `i` (0-based) a pretraining one?
    pub fn is_pretrain(&self, i: u64) -> bool {
        self.pretrain_in(i + 1) > self.pretrain_in(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prefix_is_within_half_a_sequence() {
        for p in ["0", "0.001", "0.01", "0.05", "0.3333", "0.5", "0.9"] {
            let f = Fraction::parse(p).unwrap();
            for target in [0u64, 1, 7, 99, 1000, 12345] {
                let s = Schedule::new(f, target);
                let (mut pre, mut tgt) = (0u64, 0u64);
                for i in 0..s.total {
                    if s.is_pretrain(i) {
                        pre += 1
                    } else {
                        tgt += 1
                    }
                    let dev = (pre as f64 - f.as_f64() * (i + 1) as f64).abs();
                    assert!(dev <= 0.5 + 1e-9, "p={p} target={target} i={i} dev={dev}");
                }
                assert_eq!((tgt, pre), (s.target, s.pretrain), "p={p} target={target}");
                if s.total > 0 {
                    assert!(!s.is_pretrain(s.total - 1), "ends on a target sequence");
                }
            }
        }
    }

    /// Weights from a small deterministic generator, at least 1e-4 each, summing to 1 exactly.
    fn random_weights(n: usize, seed: u64) -> Vec<Fraction> {
        let den = 1_000_000u64;
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut raw: Vec<u64> = (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // A quarter of the sources sit at the 1e-4 floor.
                if x.is_multiple_of(4) { 0 } else { x % 1000 }
            })
            .collect();
        if raw.iter().all(|&r| r == 0) {
            raw[0] = 1;
        }
        let total: u64 = raw.iter().sum();
        let min = den / 10_000;
        let spare = den - min * n as u64;
        let mut w: Vec<u64> = raw.iter().map(|r| min + spare * r / total).collect();
        let short = den - w.iter().sum::<u64>();
        w[0] += short;
        w.into_iter()
            .map(|num| {
                let g = gcd(num, den);
                Fraction {
                    num: num / g,
                    den: den / g,
                }
            })
            .collect()
    }

    fn gcd(a: u64, b: u64) -> u64 {
        if b == 0 { a } else { gcd(b, a % b) }
    }

    #[test]
    fn blend_keeps_every_source_within_one_sequence_in_every_prefix() {
        for n in [2usize, 3, 5] {
            for seed in 0..40u64 {
                let w = random_weights(n, seed * 7 + n as u64);
                let mut b = Blend::new(&w).unwrap();
                let mut c = vec![0u64; n];
                for t in 1..=20_000u64 {
                    c[b.next_source()] += 1;
                    for i in 0..n {
                        // Exact: |c*den - num*t| < den.
                        let lhs =
                            (c[i] as i128 * w[i].den as i128 - w[i].num as i128 * t as i128).abs();
                        assert!(
                            lhs < w[i].den as i128,
                            "N={n} seed={seed} weights={w:?}: after {t} sequences source {i} has {} (w*t = {:.3})",
                            c[i],
                            w[i].as_f64() * t as f64
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn blend_with_extreme_weights() {
        // One source at the 1e-4 floor beside four others.
        let w: Vec<Fraction> = ["0.0001", "0.4999", "0.25", "0.125", "0.125"]
            .iter()
            .map(|s| Fraction::parse(s).unwrap())
            .collect();
        let mut b = Blend::new(&w).unwrap();
        let mut c = [0u64; 5];
        for t in 1..=100_000u64 {
            c[b.next_source()] += 1;
            for i in 0..5 {
                assert!(
                    (c[i] as f64 - w[i].as_f64() * t as f64).abs() < 1.0,
                    "t={t} i={i}"
                );
            }
        }
        assert_eq!(c, [10, 49_990, 25_000, 12_500, 12_500]);
    }

    #[test]
    fn blend_rejects_weights_that_do_not_sum_to_one() {
        let w = |v: &[&str]| {
            v.iter()
                .map(|s| Fraction::parse(s).unwrap())
                .collect::<Vec<_>>()
        };
        let e = Blend::new(&w(&["0.5", "0.4"])).err().unwrap().to_string();
        assert!(e.contains("sum to 0.9"), "{e}");
        assert!(Blend::new(&w(&["1", "0"])).is_err());
        assert!(Blend::new(&w(&["0.3333", "0.3333", "0.3334"])).is_ok());
    }

    #[test]
    fn counts_for_one_percent() {
        let s = Schedule::new(Fraction::parse("0.01").unwrap(), 990);
        assert_eq!((s.total, s.pretrain), (1000, 10));
    }
}
