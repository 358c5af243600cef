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
    /// The pincode's district in India Post's directory.
    pub district: Option<String>,
    /// Its users, and when one last logged in (Asia/Kolkata).
    pub users: i64,
    pub last_login: Option<String>,
}

/// One page of the directory and the id the next page starts after.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgPage {
    pub rows: Vec<OrgRow>,
    pub next_after: Option<i64>,
}

/// A user of an organisation, for the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub role: crate::domain::MemberRole,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub active: bool,
    pub created: String,
    pub last_login: Option<String>,
    /// When the user was removed (their row stays for the history they made).
    pub removed: Option<String>,
}

/// An approval decision in an organisation's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalEvent {
    pub at: String,
    pub from_state: String,
    pub to_state: String,
    pub note: Option<String>,
    pub by: String,
}

/// A brand–distributor link, seen from the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRow {
    pub other_id: i64,
    pub other_name: String,
    pub state: String,
}

/// Everything the admin sees about one organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgDetail {
    pub org: OrgRow,
    pub address: String,
    pub users: Vec<UserRow>,
    pub links: Vec<LinkRow>,
    /// Orders placed by or with it, and documents it issued or received.
    pub orders: i64,
    pub invoices: i64,
    pub history: Vec<ApprovalEvent>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgFilter {
    /// retailer | distributor | manufacturer, or empty for all.
    pub kind: String,
    /// pending | active | suspended, or empty for all.
    pub approval: String,
    /// Matches any name, phone, e-mail, GSTIN or pincode of the organisation or its users.
    pub q: String,
    /// A state code, or empty.
    #[serde(default)]
    pub state: String,
    /// A district (India Post's name), or empty.
    #[serde(default)]
    pub district: String,
    /// Only those with a log-in in the last this many days, or empty.
    #[serde(default)]
    pub active_days: String,
    /// The page after this organisation id (keyset paging), or empty.
    #[serde(default)]
    pub after: String,
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

/// One entry of the audit log, as the admin's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    /// When, already shown in Asia/Kolkata.
    pub at: String,
    /// "Name (phone)" as the actor was then.
    pub actor: String,
    pub action: crate::domain::audit::AuditAction,
    /// The table and id of the row acted on, and how it read then.
    pub subject_table: String,
    pub subject_id: Option<i64>,
    pub subject: String,
    /// Each changed value: (name, before, after); empty text where there was none.
    pub changes: Vec<(String, String, String)>,
    pub note: Option<String>,
}

/// The audit page's filters; `before` (an entry's id) pages back in time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// An `AuditAction` name, or empty for all.
    pub action: String,
    /// Matches who, the subject or the note.
    pub q: String,
    /// India days, `YYYY-MM-DD`, either may be empty.
    pub from: String,
    pub to: String,
    pub before: String,
}

/// One page of the audit log, newest first, and where the next page starts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub next_before: Option<i64>,
}

/// The values that differ between `before` and `after` (JSON objects), by name.
pub fn changes(
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Vec<(String, String, String)> {
    use serde_json::Value;
    let text = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let mut names: Vec<&String> = before
        .and_then(Value::as_object)
        .into_iter()
        .chain(after.and_then(Value::as_object))
        .flat_map(|m| m.keys())
        .collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|k| {
            let b = text(before.and_then(|v| v.get(k)));
            let a = text(after.and_then(|v| v.get(k)));
            (b != a).then(|| (k.clone(), b, a))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn changes_list_what_differs_by_name() {
        let before = json!({"approval": "pending", "note": null, "same": 1});
        let after = json!({"approval": "suspended", "note": "Fake GSTIN", "same": 1, "count": 3});
        assert_eq!(
            super::changes(Some(&before), Some(&after)),
            vec![
                ("approval".into(), "pending".into(), "suspended".into()),
                ("count".into(), "".into(), "3".into()),
                ("note".into(), "".into(), "Fake GSTIN".into()),
            ]
        );
        assert_eq!(
            super::changes(None, Some(&json!({"x": "y"}))),
            vec![("x".into(), "".into(), "y".into())]
        );
        assert!(super::changes(None, None).is_empty());
    }
}
