//! Organisations, their members and the rules for sign-up fields.

use super::Invalid;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Retailer,
    Distributor,
    Manufacturer,
    /// The platform owner; its members are admins.
    Platform,
}

impl OrgKind {
    pub const ALL: [OrgKind; 4] = [
        OrgKind::Retailer,
        OrgKind::Distributor,
        OrgKind::Manufacturer,
        OrgKind::Platform,
    ];
    /// The two sides of an order: the shop and its distributor.
    pub const PARTIES: [OrgKind; 2] = [OrgKind::Retailer, OrgKind::Distributor];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Retailer => "retailer",
            OrgKind::Distributor => "distributor",
            OrgKind::Manufacturer => "manufacturer",
            OrgKind::Platform => "platform",
        }
    }

    pub fn parse(s: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::Retailer => "Retailer",
            OrgKind::Distributor => "Distributor",
            OrgKind::Manufacturer => "Manufacturer",
            OrgKind::Platform => "Admin",
        }
    }

    /// Where a member lands after logging in.
    pub fn home(self) -> &'static str {
        match self {
            OrgKind::Retailer => "/retailer",
            OrgKind::Distributor => "/distributor",
            OrgKind::Manufacturer => "/manufacturer",
            OrgKind::Platform => "/admin",
        }
    }

    /// Retailers trade at once; wholesalers and brands wait for the admin.
    pub fn needs_approval(self) -> bool {
        matches!(self, OrgKind::Distributor | OrgKind::Manufacturer)
    }

    /// A GSTIN is required for every business except a retailer (who may be unregistered).
    pub fn gstin_required(self) -> bool {
        matches!(self, OrgKind::Distributor | OrgKind::Manufacturer)
    }

    pub fn can_sign_up(self) -> bool {
        self != OrgKind::Platform
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    Owner,
    Staff,
}

impl MemberRole {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberRole::Owner => "owner",
            MemberRole::Staff => "staff",
        }
    }
    pub fn parse(s: &str) -> Option<MemberRole> {
        match s {
            "owner" => Some(MemberRole::Owner),
            "staff" => Some(MemberRole::Staff),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalState {
    Pending,
    Active,
    Suspended,
}

impl ApprovalState {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalState::Pending => "pending",
            ApprovalState::Active => "active",
            ApprovalState::Suspended => "suspended",
        }
    }
    pub fn parse(s: &str) -> Option<ApprovalState> {
        match s {
            "pending" => Some(ApprovalState::Pending),
            "active" => Some(ApprovalState::Active),
            "suspended" => Some(ApprovalState::Suspended),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ApprovalState::Pending => "Waiting for approval",
            ApprovalState::Active => "Active",
            ApprovalState::Suspended => "Suspended",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    Hi,
    Mr,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Hi => "hi",
            Language::Mr => "mr",
        }
    }
    pub fn parse(s: &str) -> Option<Language> {
        match s {
            "en" => Some(Language::En),
            "hi" => Some(Language::Hi),
            "mr" => Some(Language::Mr),
            _ => None,
        }
    }
}

/// A few passwords every guesser tries first.
const COMMON: &[&str] = &[
    "password",
    "password1",
    "password123",
    "12345678",
    "123456789",
    "1234567890",
    "qwerty123",
    "iloveyou",
    "11111111",
    "00000000",
    "abcd1234",
    "india123",
    "welcome1",
    "admin123",
    "qwertyuiop",
];

/// At least 8 characters, not all digits, not a common password, not the phone number.
pub fn check_password(password: &str, phone_digits: Option<&str>) -> Result<(), Invalid> {
    let len = password.chars().count();
    if len < 8 {
        return Err(Invalid::new("Use at least 8 characters"));
    }
    if len > 128 {
        return Err(Invalid::new("Use at most 128 characters"));
    }
    if password.chars().all(|c| c.is_ascii_digit()) {
        return Err(Invalid::new(
            "Mix letters with the digits: a number alone is easy to guess",
        ));
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str()) {
        return Err(Invalid::new(
            "This password is among the most guessed: choose another",
        ));
    }
    if let Some(phone) = phone_digits
        && phone.len() >= 10
        && lower.contains(&phone[phone.len() - 10..])
    {
        return Err(Invalid::new(
            "Do not use your phone number in your password",
        ));
    }
    if password
        .chars()
        .collect::<std::collections::HashSet<_>>()
        .len()
        < 4
    {
        return Err(Invalid::new("Use more different characters"));
    }
    Ok(())
}

/// Lower-cased, trimmed e-mail with one '@' and a dot in the domain.
pub fn normalise_email(input: &str) -> Result<String, Invalid> {
    let e = input.trim().to_lowercase();
    let bad = || Invalid::new("Enter an e-mail address like name@shop.in");
    let (local, domain) = e.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || e.len() > 254
        || e.chars().any(char::is_whitespace)
    {
        return Err(bad());
    }
    Ok(e)
}

/// A required free-text field: trimmed, 2..=max characters. `what` reads
/// after "Enter": "your name", "the city or town".
pub fn required_text(input: &str, what: &str, max: usize) -> Result<String, Invalid> {
    let t = input.trim();
    if t.chars().count() < 2 {
        return Err(Invalid::new(format!("Enter {what}")));
    }
    if t.chars().count() > max {
        return Err(Invalid::new(format!("Keep {what} under {max} characters")));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        assert!(check_password("Kirana@Pune7", Some("919812345678")).is_ok());
        assert!(
            check_password("ग्राहक-भाई-2026", None).is_ok(),
            "non-latin passwords allowed"
        );
        let refused = [
            ("short1", "at least 8"),
            ("123456789012", "Mix letters"),
            ("Password123", "most guessed"),
            ("shop9812345678", "phone number"),
            ("aaaaaaaaaaab", "different characters"),
        ];
        for (pw, why) in refused {
            let err = check_password(pw, Some("919812345678")).expect_err(pw);
            assert!(err.0.contains(why), "{pw}: {err}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(normalise_email(" Ravi@Shop.IN "), Ok("ravi@shop.in".into()));
        for bad in [
            "",
            "ravi",
            "ravi@",
            "@shop.in",
            "ravi@shop",
            "ravi@@shop.in",
            "ravi @shop.in",
            "ravi@shop.",
        ] {
            assert!(normalise_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kinds_round_trip() {
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::parse(k.as_str()), Some(k));
        }
        assert!(OrgKind::Distributor.needs_approval());
        assert!(!OrgKind::Retailer.needs_approval());
        assert!(!OrgKind::Platform.can_sign_up());
    }
}
