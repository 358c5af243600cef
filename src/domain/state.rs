//! Indian states and union territories with their GST state codes
//! (the first two digits of a GSTIN, CGST Rules / GSTN state code list).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IndianState {
    pub code: u8,
    pub name: &'static str,
    /// Union territory without a legislature: UTGST is levied instead of SGST.
    pub utgst: bool,
    /// Still valid inside old GSTINs but no longer chosen for a new address.
    pub legacy: bool,
}

const fn s(code: u8, name: &'static str) -> IndianState {
    IndianState {
        code,
        name,
        utgst: false,
        legacy: false,
    }
}
const fn ut(code: u8, name: &'static str) -> IndianState {
    IndianState {
        code,
        name,
        utgst: true,
        legacy: false,
    }
}

pub const STATES: &[IndianState] = &[
    s(1, "Jammu and Kashmir"),
    s(2, "Himachal Pradesh"),
    s(3, "Punjab"),
    ut(4, "Chandigarh"),
    s(5, "Uttarakhand"),
    s(6, "Haryana"),
    s(7, "Delhi"),
    s(8, "Rajasthan"),
    s(9, "Uttar Pradesh"),
    s(10, "Bihar"),
    s(11, "Sikkim"),
    s(12, "Arunachal Pradesh"),
    s(13, "Nagaland"),
    s(14, "Manipur"),
    s(15, "Mizoram"),
    s(16, "Tripura"),
    s(17, "Meghalaya"),
    s(18, "Assam"),
    s(19, "West Bengal"),
    s(20, "Jharkhand"),
    s(21, "Odisha"),
    s(22, "Chhattisgarh"),
    s(23, "Madhya Pradesh"),
    s(24, "Gujarat"),
    IndianState {
        code: 25,
        name: "Daman and Diu",
        utgst: true,
        legacy: true,
    },
    ut(26, "Dadra and Nagar Haveli and Daman and Diu"),
    s(27, "Maharashtra"),
    IndianState {
        code: 28,
        name: "Andhra Pradesh (before division)",
        utgst: false,
        legacy: true,
    },
    s(29, "Karnataka"),
    s(30, "Goa"),
    ut(31, "Lakshadweep"),
    s(32, "Kerala"),
    s(33, "Tamil Nadu"),
    s(34, "Puducherry"),
    ut(35, "Andaman and Nicobar Islands"),
    s(36, "Telangana"),
    s(37, "Andhra Pradesh"),
    ut(38, "Ladakh"),
];

impl IndianState {
    pub fn by_code(code: u8) -> Option<IndianState> {
        STATES.iter().copied().find(|st| st.code == code)
    }

    /// Parses "27" or "7" as a state code for a new address (legacy codes refused).
    pub fn parse_code(input: &str) -> Result<IndianState, super::Invalid> {
        input
            .trim()
            .parse::<u8>()
            .ok()
            .and_then(IndianState::by_code)
            .filter(|st| !st.legacy)
            .ok_or_else(|| super::Invalid::new("Choose your state from the list"))
    }

    /// A current state or union territory by its name in any letter case, as India
    /// Post writes them ("MAHARASHTRA", "THE DADRA AND NAGAR HAVELI AND DAMAN AND
    /// DIU"): spaces and a leading "The" do not matter; legacy codes never match.
    pub fn by_name(name: &str) -> Option<IndianState> {
        let key = |s: &str| -> String {
            let lower = s.trim().to_lowercase();
            let rest = lower.strip_prefix("the ").unwrap_or(&lower).to_string();
            rest.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        let wanted = key(name);
        STATES
            .iter()
            .copied()
            .filter(|st| !st.legacy)
            .find(|st| key(st.name) == wanted)
    }

    /// States offered when someone types an address.
    pub fn selectable() -> impl Iterator<Item = IndianState> {
        STATES.iter().copied().filter(|st| !st.legacy)
    }

    /// Two-digit code as printed on invoices: "07".
    pub fn code_str(&self) -> String {
        format!("{:02}", self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes() {
        assert_eq!(
            IndianState::by_code(27).map(|s| s.name),
            Some("Maharashtra")
        );
        assert_eq!(IndianState::by_code(29).map(|s| s.name), Some("Karnataka"));
        assert_eq!(IndianState::by_code(7).map(|s| s.name), Some("Delhi"));
        assert_eq!(IndianState::by_code(24).map(|s| s.name), Some("Gujarat"));
        assert_eq!(
            IndianState::by_code(9).map(|s| s.name),
            Some("Uttar Pradesh")
        );
        assert!(IndianState::by_code(0).is_none());
        assert!(IndianState::by_code(39).is_none());
    }

    #[test]
    fn india_post_names() {
        for (name, code) in [
            ("MAHARASHTRA", 27),
            ("KARNATAKA", 29),
            ("THE DADRA AND NAGAR HAVELI AND DAMAN AND DIU", 26),
            ("JAMMU AND KASHMIR", 1),
            ("ANDAMAN AND NICOBAR ISLANDS", 35),
            ("  andhra   pradesh ", 37),
            ("LADAKH", 38),
        ] {
            assert_eq!(
                IndianState::by_name(name).map(|s| s.code),
                Some(code),
                "{name}"
            );
        }
        for name in [
            "Daman and Diu",
            "Andhra Pradesh (before division)",
            "Atlantis",
            "",
        ] {
            assert_eq!(IndianState::by_name(name).map(|s| s.code), None, "{name}");
        }
    }

    #[test]
    fn codes_are_unique_and_parse() {
        for (i, a) in STATES.iter().enumerate() {
            assert!(STATES[i + 1..].iter().all(|b| b.code != a.code));
        }
        assert_eq!(IndianState::parse_code("07").map(|s| s.code), Ok(7));
        assert!(
            IndianState::parse_code("28").is_err(),
            "legacy code is not offered"
        );
        assert!(IndianState::parse_code("x").is_err());
        assert_eq!(IndianState::by_code(4).map(|s| s.utgst), Some(true));
        assert_eq!(IndianState::by_code(7).map(|s| s.utgst), Some(false));
    }
}
