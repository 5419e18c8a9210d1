//! Exact decimal fractions, so that "inject 0.01" means exactly 1/100 and schedules never drift.

use crate::error::Result;

/// A fraction `num / den` in [0, 1] parsed from a decimal string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fraction {
    pub num: u64,
    pub den: u64,
}

impl Fraction {
    /// Parse "0.01", "1e-3", ".5" or "0" exactly.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = || err!(config("`{s}` is not a decimal number"));
        let t = s.trim();
        let (mant, exp) = match t.find(['e', 'E']) {
            Some(i) => (&t[..i], t[i + 1..].parse::<i32>().map_err(|_| bad())?),
            None => (t, 0),
        };
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        if int.is_empty() && frac.is_empty()
            || !int.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        let digits = format!("{int}{frac}");
        let mut num: u128 = digits.parse().unwrap_or(0);
        let mut scale = frac.len() as i32 - exp;
        let mut den: u128 = 1;
        while scale > 0 {
            den = den.checked_mul(10).ok_or_else(bad)?;
            scale -= 1;
        }
        while scale < 0 {
            num = num.checked_mul(10).ok_or_else(bad)?;
            scale += 1;
        }
        let g = gcd(num, den);
        let (num, den) = (num / g.max(1), den / g.max(1));
        if num > u64::MAX as u128 || den > 1_000_000_000_000 {
            bail!(config("`{s}` has too many digits (at most 12 decimals)"));
        }
        Ok(Fraction {
            num: num as u64,
            den: den as u64,
        })
    }

    pub fn is_zero(&self) -> bool {
        self.num == 0
    }

    pub fn as_f64(&self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// `round(self * n)`, halves rounded up, computed exactly.
    pub fn round_mul(&self, n: u64) -> u64 {
        ((2 * self.num as u128 * n as u128 + self.den as u128) / (2 * self.den as u128)) as u64
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl std::fmt::Display for Fraction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(
            Fraction::parse("0.01").unwrap(),
            Fraction { num: 1, den: 100 }
        );
        assert_eq!(Fraction::parse("0.5").unwrap(), Fraction { num: 1, den: 2 });
        assert_eq!(
            Fraction::parse("1e-3").unwrap(),
            Fraction { num: 1, den: 1000 }
        );
        assert_eq!(Fraction::parse(".25").unwrap(), Fraction { num: 1, den: 4 });
        assert_eq!(Fraction::parse("0").unwrap().num, 0);
        for bad in ["", "abc", "-0.1", "0.1.2", "1e", "e5"] {
            assert!(Fraction::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rounds_half_up() {
        let p = Fraction::parse("0.01").unwrap();
        assert_eq!(p.round_mul(49), 0);
        assert_eq!(p.round_mul(50), 1);
        assert_eq!(p.round_mul(149), 1);
        assert_eq!(p.round_mul(150), 2);
    }
}
