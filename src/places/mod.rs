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

/// A list of pincodes (a distributor's delivery area) in a few words: how many
/// lie in each district, and those India Post does not have.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PincodeList {
    /// (district, state, pincodes), most pincodes first.
    pub districts: Vec<(String, String, i64)>,
    pub unknown: Vec<String>,
}

impl PincodeList {
    /// "12 pincodes in Pune, Maharashtra; 3 in Thane, Maharashtra"
    pub fn summary(&self) -> String {
        self.districts
            .iter()
            .enumerate()
            .map(|(i, (district, state, n))| {
                let what = match (i, n) {
                    (0, 1) => "1 pincode in ".to_string(),
                    (0, n) => format!("{n} pincodes in "),
                    (_, n) => format!("{n} in "),
                };
                format!("{what}{district}, {state}")
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_counts_pincodes_by_district() {
        let mut l = PincodeList::default();
        assert_eq!(l.summary(), "");
        l.districts.push(("Pune".into(), "Maharashtra".into(), 1));
        assert_eq!(l.summary(), "1 pincode in Pune, Maharashtra");
        l.districts[0].2 = 12;
        l.districts.push(("Thane".into(), "Maharashtra".into(), 3));
        assert_eq!(
            l.summary(),
            "12 pincodes in Pune, Maharashtra; 3 in Thane, Maharashtra"
        );
    }

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
