//! Places: India's pincode directory (India Post's post offices, loaded at start
//! by `server::reference`). A pincode must exist and lie in the address's state;
//! a pincode field shows its post offices and district as the user types.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

/// Where a pincode is: one entry per state it lies in (a few cross a border).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PincodePlace {
    pub pincode: String,
    pub state_code: u8,
    pub state: String,
    pub district: String,
    /// Post office names, sorted.
    pub offices: Vec<String>,
}

impl PincodePlace {
    /// "Kothrud S.O, Paud Road S.O and 3 more · Pune, Maharashtra"
    pub fn summary(&self) -> String {
        let shown: Vec<&str> = self.offices.iter().take(3).map(String::as_str).collect();
        let more = self.offices.len().saturating_sub(shown.len());
        let offices = if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        };
        format!("{offices} · {}, {}", self.district, self.state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_names_three_offices_then_counts() {
        let mut p = PincodePlace {
            pincode: "411038".into(),
            state_code: 27,
            state: "Maharashtra".into(),
            district: "Pune".into(),
            offices: vec!["Kothrud S.O".into(), "Paud Road S.O".into()],
        };
        assert_eq!(
            p.summary(),
            "Kothrud S.O, Paud Road S.O · Pune, Maharashtra"
        );
        p.offices.extend(["A".into(), "B".into(), "C".into()]);
        assert_eq!(
            p.summary(),
            "Kothrud S.O, Paud Road S.O, A and 2 more · Pune, Maharashtra"
        );
    }
}
