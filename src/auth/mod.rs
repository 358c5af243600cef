//! Sign-up, log-in, log-out and "who am I".

pub mod api;
pub mod notice;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod reset;
#[cfg(feature = "ssr")]
pub mod service;
pub mod user;

use crate::domain::{ApprovalState, Language, MemberRole, OrgKind};
use serde::{Deserialize, Serialize};

/// The signed-in person and the organisation they act for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub user_id: i64,
    pub name: String,
    pub role: MemberRole,
    pub language: Language,
    pub org_id: i64,
    pub org_kind: OrgKind,
    pub org_name: String,
    pub approval: ApprovalState,
}

/// Sign-up as typed; the server validates every field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupForm {
    pub kind: String,
    pub legal_name: String,
    pub trade_name: String,
    pub gstin: String,
    pub address_line: String,
    pub city: String,
    pub state_code: String,
    pub pincode: String,
    pub whatsapp: String,
    pub owner_name: String,
    pub phone: String,
    pub email: String,
    pub password: String,
}
