//! Indian mobile numbers, stored as WhatsApp wants them: international form
//! without '+', e.g. 919812345678.

use super::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Accepts "98123 45678", "+91-98123-45678", "09812345678", "919812345678".
    pub fn parse(input: &str) -> Result<Phone, Invalid> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(Invalid::new("Enter a 10-digit mobile number"));
        }
        if trimmed
            .chars()
            .any(|c| !(c.is_ascii_digit() || " -+()".contains(c)))
        {
            return Err(Invalid::new("A mobile number has only digits"));
        }
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let national = match digits.len() {
            10 => digits.as_str(),
            11 if digits.starts_with('0') => &digits[1..],
            12 if digits.starts_with("91") => &digits[2..],
            _ => {
                return Err(Invalid::new(
                    "Enter a 10-digit mobile number, like 98123 45678",
                ));
            }
        };
        if !matches!(national.as_bytes()[0], b'6'..=b'9') {
            return Err(Invalid::new(
                "Indian mobile numbers start with 6, 7, 8 or 9",
            ));
        }
        Ok(Phone(format!("91{national}")))
    }

    /// International digits without '+', as the WhatsApp Cloud API expects.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 10 digits a person dials inside India.
    pub fn national(&self) -> &str {
        &self.0[2..]
    }
}

impl TryFrom<String> for Phone {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Phone::parse(&value)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

impl fmt::Display for Phone {
    /// +91 98123 45678
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.national();
        write!(f, "+91 {} {}", &n[..5], &n[5..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_common_ways_of_writing() {
        for input in [
            "9812345678",
            "98123 45678",
            "+91 98123-45678",
            "09812345678",
            "919812345678",
            "(+91) 98123 45678",
        ] {
            assert_eq!(
                Phone::parse(input).map(|p| p.0),
                Ok("919812345678".to_string()),
                "{input}"
            );
        }
        assert_eq!(
            Phone::parse("9812345678").map(|p| p.to_string()),
            Ok("+91 98123 45678".into())
        );
    }

    #[test]
    fn refuses_what_is_not_a_mobile() {
        for input in [
            "",
            "12345",
            "5812345678",
            "98123456789",
            "981234567a",
            "+44 7911 123456",
            "0",
        ] {
            assert!(Phone::parse(input).is_err(), "{input}");
        }
    }
}
