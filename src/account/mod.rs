//! The signed-in user's own organisation: profile, team and announcements choice.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::{ApprovalState, Language, MemberRole, OrgKind};
use serde::{Deserialize, Serialize};

/// A shop's consent to show its name to the brands it buys, and since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandConsent {
    pub shares: bool,
    /// When it was last given or taken back, in India time; None if never.
    pub since: Option<String>,
}

/// Whether staff may download reports over long periods (more than
/// `reports::service::STAFF_DOWNLOAD_DAYS`), and whether the caller may change it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportPolicy {
    pub staff_long_downloads: bool,
    pub can_change: bool,
}

/// An organisation as its own members (and the admin) see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OrgProfile {
    pub id: i64,
    pub kind: OrgKind,
    pub legal_name: String,
    pub trade_name: String,
    pub gstin: Option<String>,
    pub address_line: String,
    pub city: String,
    pub state_code: i16,
    pub pincode: String,
    pub whatsapp: String,
    pub approval: ApprovalState,
    pub approval_note: Option<String>,
    pub upi_id: Option<String>,
    pub pickup_address: Option<String>,
    pub pickup_hours: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct TeamMember {
    pub id: i64,
    pub name: String,
    pub role: MemberRole,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub whatsapp_opt_in: bool,
    pub language: Language,
}

impl OrgProfile {
    pub fn state_name(&self) -> &'static str {
        u8::try_from(self.state_code)
            .ok()
            .and_then(crate::domain::IndianState::by_code)
            .map(|s| s.name)
            .unwrap_or("Unknown state")
    }
}
