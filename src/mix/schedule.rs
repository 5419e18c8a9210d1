//! The injection schedule: which training sequence comes from pretraining data.
//!
//! Sequence `i` (1-based) is a pretraining one exactly when `round(p*i) > round(p*(i-1))`, so after
//! any prefix of `n` sequences `round(p*n)` are pretraining: within 1/2 of `p*n`. This is the
//! "furthest behind its target" rule of Megatron's BlendedDataset for two sources, in closed form.

use serde::{Deserialize, Serialize};

use crate::core::fraction::Fraction;

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

    #[test]
    fn counts_for_one_percent() {
        let s = Schedule::new(Fraction::parse("0.01").unwrap(), 990);
        assert_eq!((s.total, s.pretrain), (1000, 10));
    }
}
