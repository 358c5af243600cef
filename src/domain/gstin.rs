//! GSTIN: 2-digit state code, 10-character PAN, entity code, 'Z', check character.
//! Check character per the GSTN algorithm (see shared INDIA.md): over the first 14
//! characters, values from the alphabet 0-9A-Z, factors alternating 1, 2 from the
//! first character; sum `p / 36 + p % 36`; check = (36 - sum % 36) % 36.

use super::{IndianState, Invalid};
use serde::{Deserialize, Serialize};
use std::fmt;

const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Gstin(String);

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|a| *a == c).map(|p| p as u32)
}

/// The check character for the first 14 characters of a GSTIN.
pub fn check_char(first14: &[u8]) -> Option<char> {
    if first14.len() != 14 {
        return None;
    }
    let mut sum = 0u32;
    for (i, c) in first14.iter().enumerate() {
        let factor = if i % 2 == 0 { 1 } else { 2 };
        let product = value(*c)? * factor;
        sum += product / 36 + product % 36;
    }
    Some(ALPHABET[((36 - sum % 36) % 36) as usize] as char)
}

impl Gstin {
    pub fn parse(input: &str) -> Result<Gstin, Invalid> {
        let g: String = input
            .trim()
            .to_ascii_uppercase()
            .chars()
            .filter(|c| *c != ' ')
            .collect();
        let b = g.as_bytes();
        if b.len() != 15 {
            return Err(Invalid::new(
                "A GSTIN has exactly 15 characters, like 27AAPFU0939F1ZV",
            ));
        }
        if !b.iter().all(|c| value(*c).is_some()) {
            return Err(Invalid::new("A GSTIN has only letters and digits"));
        }
        let state: u8 = g[0..2]
            .parse()
            .map_err(|_| Invalid::new("A GSTIN starts with a 2-digit state code"))?;
        if IndianState::by_code(state).is_none() {
            return Err(Invalid::new(format!(
                "{:02} is not a GST state code",
                state
            )));
        }
        let pan = &b[2..12];
        let pan_ok = pan[..5].iter().all(u8::is_ascii_uppercase)
            && pan[5..9].iter().all(u8::is_ascii_digit)
            && pan[9].is_ascii_uppercase();
        if !pan_ok {
            return Err(Invalid::new(
                "Characters 3 to 12 of a GSTIN are the PAN (like AAPFU0939F)",
            ));
        }
        if b[12] == b'0' {
            return Err(Invalid::new("The 13th character of a GSTIN is 1-9 or A-Z"));
        }
        if b[13] != b'Z' {
            return Err(Invalid::new(
                "The 14th character of a GSTIN is the letter Z",
            ));
        }
        if check_char(&b[..14]) != Some(b[14] as char) {
            return Err(Invalid::new(
                "This GSTIN's check character is wrong: please check for a typo",
            ));
        }
        Ok(Gstin(g))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn state_code(&self) -> u8 {
        self.0[0..2].parse().unwrap_or(0)
    }

    pub fn pan(&self) -> &str {
        &self.0[2..12]
    }
}

impl TryFrom<String> for Gstin {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Gstin::parse(&value)
    }
}

impl From<Gstin> for String {
    fn from(g: Gstin) -> String {
        g.0
    }
}

impl fmt::Display for Gstin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_from_the_rules_validates() {
        let g = Gstin::parse("27AAPFU0939F1ZV").expect("valid");
        assert_eq!(g.state_code(), 27);
        assert_eq!(g.pan(), "AAPFU0939F");
        assert_eq!(
            Gstin::parse(" 27aapfu0939f1zv ").map(|g| g.0),
            Ok("27AAPFU0939F1ZV".into())
        );
    }

    #[test]
    fn any_single_changed_character_fails() {
        let good = b"27AAPFU0939F1ZV";
        for pos in 0..15 {
            for &c in ALPHABET.iter() {
                if c == good[pos] {
                    continue;
                }
                let mut bad = *good;
                bad[pos] = c;
                let text = std::str::from_utf8(&bad).expect("ascii");
                assert!(Gstin::parse(text).is_err(), "{text} must be refused");
            }
        }
    }

    #[test]
    fn structural_errors_are_named() {
        let cases = [
            ("27AAPFU0939F1Z", "15 characters"),
            ("27AAPFU0939F1Z-", "letters and digits"),
            ("99AAPFU0939F1ZV", "not a GST state code"),
            ("271APFU0939F1ZV", "PAN"),
            ("27AAPFU0939F1YV", "letter Z"),
            ("27AAPFU0939F1ZA", "check character"),
        ];
        for (input, reason) in cases {
            let err = Gstin::parse(input).expect_err(input);
            assert!(err.0.contains(reason), "{input}: {err}");
        }
    }

    #[test]
    fn check_char_matches_generated() {
        // A GSTIN built from any valid 14 characters plus its check char validates.
        for first in ["29ABCDE1234F1Z", "07AAACR5055K1Z", "24AAACC1206D1Z"] {
            let c = check_char(first.as_bytes()).expect("computable");
            assert!(Gstin::parse(&format!("{first}{c}")).is_ok(), "{first}{c}");
        }
    }
}
