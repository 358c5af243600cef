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

const ONES: [&str; 20] = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
];
/// A crore (1,00,00,000) and a lakh (1,00,000).
const CRORE: u64 = 10_000_000;
const LAKH: u64 = 100_000;

const TENS: [&str; 10] = [
    "", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety",
];

/// 0..=99 in words: "Seventy-Eight".
fn two_digits(n: u64) -> String {
    match n {
        0..=19 => ONES[n as usize].to_string(),
        _ if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_string(),
        _ => format!("{}-{}", TENS[(n / 10) as usize], ONES[(n % 10) as usize]),
    }
}

/// A whole number in words with Indian numbering (thousand, lakh, crore); a count of
/// crores above 99 is itself written the same way ("One Thousand Two Hundred Crore").
pub fn number_in_words(n: u64) -> String {
    if n == 0 {
        return ONES[0].to_string();
    }
    let mut parts = Vec::new();
    let crore = n / CRORE;
    let rest = n % CRORE;
    if crore > 0 {
        parts.push(format!("{} Crore", number_in_words(crore)));
    }
    let lakh = rest / LAKH;
    let thousand = rest / 1_000 % 100;
    let hundred = rest / 100 % 10;
    let last = rest % 100;
    if lakh > 0 {
        parts.push(format!("{} Lakh", two_digits(lakh)));
    }
    if thousand > 0 {
        parts.push(format!("{} Thousand", two_digits(thousand)));
    }
    if hundred > 0 {
        parts.push(format!("{} Hundred", ONES[hundred as usize]));
    }
    if last > 0 {
        parts.push(two_digits(last));
    }
    parts.join(" ")
}

/// The amount as every Indian invoice writes it:
/// "Rupees One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred Seventy-Eight
/// and Fifty Paise Only".
pub fn amount_in_words(paise: i64) -> String {
    let abs = paise.unsigned_abs();
    let (rupees, p) = (abs / 100, abs % 100);
    let minus = if paise < 0 { "Minus " } else { "" };
    match (rupees, p) {
        (0, 0) => "Rupees Zero Only".to_string(),
        (0, p) => format!("{minus}{} Paise Only", two_digits(p)),
        (r, 0) => format!("{minus}Rupees {} Only", number_in_words(r)),
        (r, p) => format!(
            "{minus}Rupees {} and {} Paise Only",
            number_in_words(r),
            two_digits(p)
        ),
    }
}

/// "1,23,45,678.50" — figures for a table column, without the rupee sign.
pub fn plain(paise: i64) -> String {
    let sign = if paise < 0 { "-" } else { "" };
    let abs = paise.unsigned_abs();
    format!("{sign}{}.{:02}", group_indian(abs / 100), abs % 100)
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

    #[test]
    fn writes_amounts_in_indian_words() {
        let cases = [
            (
                1_234_567_850,
                "Rupees One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred Seventy-Eight and Fifty Paise Only",
            ),
            (30_000_000, "Rupees Three Lakh Only"),
            (0, "Rupees Zero Only"),
            (5, "Five Paise Only"),
            (100, "Rupees One Only"),
            (1_100, "Rupees Eleven Only"),
            (200_000, "Rupees Two Thousand Only"),
            (
                1_010_101,
                "Rupees Ten Thousand One Hundred One and One Paise Only",
            ),
            (
                99_999_999_999,
                "Rupees Ninety-Nine Crore Ninety-Nine Lakh Ninety-Nine Thousand Nine Hundred Ninety-Nine and Ninety-Nine Paise Only",
            ),
            (
                1_200_000_000_000,
                "Rupees One Thousand Two Hundred Crore Only",
            ),
            (53_100, "Rupees Five Hundred Thirty-One Only"),
            (-150, "Minus Rupees One and Fifty Paise Only"),
        ];
        for (paise, words) in cases {
            assert_eq!(amount_in_words(paise), words, "{paise}");
        }
        assert_eq!(plain(1_234_567_850), "1,23,45,678.50");
        assert_eq!(plain(-5), "-0.05");
    }
}
