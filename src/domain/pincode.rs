//! Indian postal index numbers: six digits, the first 1-9.

use super::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Pincode(String);

impl Pincode {
    pub fn parse(input: &str) -> Result<Pincode, Invalid> {
        let p: String = input.trim().chars().filter(|c| *c != ' ').collect();
        if p.len() != 6 || !p.chars().all(|c| c.is_ascii_digit()) {
            return Err(Invalid::new("A pincode has exactly 6 digits, like 411001"));
        }
        if p.starts_with('0') {
            return Err(Invalid::new("No Indian pincode starts with 0"));
        }
        Ok(Pincode(p))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Pincode {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Pincode::parse(&value)
    }
}

impl From<Pincode> for String {
    fn from(p: Pincode) -> String {
        p.0
    }
}

impl fmt::Display for Pincode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid() {
        for ok in ["411001", "560 001", " 110001 "] {
            assert!(Pincode::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "41100", "4110011", "011001", "41100a", "४११००१"] {
            assert!(Pincode::parse(bad).is_err(), "{bad}");
        }
    }
}
