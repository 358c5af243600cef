//! The platform owner's console: approve or suspend organisations, watch totals.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::{ApprovalState, OrgKind};
use serde::{Deserialize, Serialize};

/// One row of the admin's organisation list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OrgRow {
    pub id: i64,
    pub kind: OrgKind,
    pub legal_name: String,
    pub trade_name: String,
    pub gstin: Option<String>,
    pub city: String,
    pub state_code: i16,
    pub pincode: String,
    pub whatsapp: String,
    pub approval: ApprovalState,
    pub approval_note: Option<String>,
    pub owner_name: Option<String>,
    pub owner_phone: Option<String>,
    /// Signed-up time, already shown in Asia/Kolkata.
    pub created: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgFilter {
    /// retailer | distributor | manufacturer, or empty for all.
    pub kind: String,
    /// pending | active | suspended, or empty for all.
    pub approval: String,
    /// Matches names, GSTIN, city, pincode or phone.
    pub q: String,
}

/// Counts per kind and approval state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformSummary {
    pub retailers: i64,
    pub distributors: i64,
    pub manufacturers: i64,
    pub pending: i64,
    pub suspended: i64,
    pub users: i64,
}
