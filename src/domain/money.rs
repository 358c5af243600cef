//! Money as integer paise. Never floats: ₹1 = 100 paise.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Paise(pub i64);

impl Paise {
    pub const ZERO: Paise = Paise(0);

    pub fn from_rupees(rupees: i64) -> Self {
        Paise(rupees * 100)
    }

    pub fn checked_add(self, other: Paise) -> Option<Paise> {
        self.0.checked_add(other.0).map(Paise)
    }

    pub fn checked_mul(self, qty: i64) -> Option<Paise> {
        self.0.checked_mul(qty).map(Paise)
    }

    /// Parses what a shop owner types: "1,234.5", "₹ 99", "12.05". At most two decimals.
    pub fn parse(input: &str) -> Result<Paise, super::Invalid> {
        let cleaned: String = input
            .trim()
            .trim_start_matches('₹')
            .trim_start_matches("Rs.")
            .trim_start_matches("Rs")
            .chars()
            .filter(|c| *c != ',' && !c.is_whitespace())
            .collect();
        let bad = || super::Invalid::new("Enter an amount like 1250 or 1250.50");
        if cleaned.is_empty() {
            return Err(bad());
        }
        let (negative, digits) = match cleaned.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, cleaned.as_str()),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        if whole.is_empty() && frac.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        if frac.len() > 2 {
            return Err(super::Invalid::new(
                "Use at most two digits after the decimal point",
            ));
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let frac_paise: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
            _ => frac.parse().map_err(|_| bad())?,
        };
        let value = whole
            .checked_mul(100)
            .and_then(|p| p.checked_add(frac_paise))
            .ok_or_else(|| super::Invalid::new("That amount is too large"))?;
        Ok(Paise(if negative { -value } else { value }))
    }
}

/// Groups digits the Indian way: 1,23,45,678.
pub fn group_indian(mut n: u64) -> String {
    let last3 = n % 1000;
    n /= 1000;
    if n == 0 {
        return last3.to_string();
    }
    let mut parts = vec![format!("{last3:03}")];
    while n > 0 {
        let two = n % 100;
        n /= 100;
        parts.push(if n > 0 {
            format!("{two:02}")
        } else {
            two.to_string()
        });
    }
    parts.reverse();
    parts.join(",")
}

impl fmt::Display for Paise {
    /// ₹1,23,45,678.50 — always two decimals, minus sign before the rupee sign.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}₹{}.{:02}", group_indian(abs / 100), abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_with_indian_grouping() {
        let cases = [
            (0, "₹0.00"),
            (5, "₹0.05"),
            (99_900, "₹999.00"),
            (100_000, "₹1,000.00"),
            (10_000_000, "₹1,00,000.00"),
            (1_234_567_850, "₹1,23,45,678.50"),
            (-150, "-₹1.50"),
        ];
        for (paise, shown) in cases {
            assert_eq!(Paise(paise).to_string(), shown, "{paise}");
        }
    }

    #[test]
    fn parses_typed_amounts() {
        let ok = [
            ("1250", 125_000),
            ("1,250.5", 125_050),
            ("₹ 12.05", 1_205),
            (".5", 50),
            ("0", 0),
        ];
        for (text, paise) in ok {
            assert_eq!(Paise::parse(text), Ok(Paise(paise)), "{text}");
        }
        for bad in ["", "abc", "1.234", "1.2.3", "12a", "."] {
            assert!(Paise::parse(bad).is_err(), "{bad}");
        }
    }
}
