//! What the audit log records: each admin action has one name, stored as its
//! `as_str()` in the `audit_action` domain (migration 0020).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// An organisation approved, rejected, suspended or re-activated.
    OrgApproval,
    /// A proposed category approved or rejected.
    CategoryDecision,
    /// A failed WhatsApp message queued again.
    MessageRetry,
    /// An announcement sent to a segment.
    Broadcast,
    /// A button tapped in the WhatsApp sandbox (acts as that phone).
    SandboxTap,
    /// A message typed in the WhatsApp sandbox (acts as that phone).
    SandboxType,
    /// A GST rate added to the schedule (by hand or from a notification's CSV).
    GstRateChange,
    /// A user's log-in turned off (signed out everywhere at once).
    UserDisabled,
    /// A user's log-in turned back on.
    UserEnabled,
    /// A user's password reset: the old one stops working, a code goes to WhatsApp.
    PasswordReset,
    /// Another admin invited (a code to choose a password goes to WhatsApp).
    AdminInvited,
    /// A staff member (or another admin) removed: no log-in, phone and e-mail freed.
    UserRemoved,
    /// A brand's proposal of an HSN code the schedule lacks, declined with a reason.
    HsnProposalDeclined,
    /// A distributor connected, replaced or disconnected its payment gateway.
    PaymentGateway,
}

impl AuditAction {
    pub const ALL: [AuditAction; 14] = [
        AuditAction::OrgApproval,
        AuditAction::CategoryDecision,
        AuditAction::MessageRetry,
        AuditAction::Broadcast,
        AuditAction::SandboxTap,
        AuditAction::SandboxType,
        AuditAction::GstRateChange,
        AuditAction::UserDisabled,
        AuditAction::UserEnabled,
        AuditAction::PasswordReset,
        AuditAction::AdminInvited,
        AuditAction::UserRemoved,
        AuditAction::HsnProposalDeclined,
        AuditAction::PaymentGateway,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::OrgApproval => "org_approval",
            AuditAction::CategoryDecision => "category_decision",
            AuditAction::MessageRetry => "message_retry",
            AuditAction::Broadcast => "broadcast",
            AuditAction::SandboxTap => "sandbox_tap",
            AuditAction::SandboxType => "sandbox_type",
            AuditAction::GstRateChange => "gst_rate_change",
            AuditAction::UserDisabled => "user_disabled",
            AuditAction::UserEnabled => "user_enabled",
            AuditAction::PasswordReset => "password_reset",
            AuditAction::AdminInvited => "admin_invited",
            AuditAction::UserRemoved => "user_removed",
            AuditAction::HsnProposalDeclined => "hsn_proposal_declined",
            AuditAction::PaymentGateway => "payment_gateway",
        }
    }

    pub fn parse(s: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditAction::OrgApproval => "Approval changed",
            AuditAction::CategoryDecision => "Category decided",
            AuditAction::MessageRetry => "Message retried",
            AuditAction::Broadcast => "Broadcast sent",
            AuditAction::SandboxTap => "Sandbox button tapped",
            AuditAction::SandboxType => "Sandbox message typed",
            AuditAction::GstRateChange => "GST rate added",
            AuditAction::UserDisabled => "User disabled",
            AuditAction::UserEnabled => "User enabled",
            AuditAction::PasswordReset => "Password reset",
            AuditAction::AdminInvited => "Admin invited",
            AuditAction::UserRemoved => "User removed",
            AuditAction::HsnProposalDeclined => "HSN proposal declined",
            AuditAction::PaymentGateway => "Payment gateway changed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.as_str()), Some(a));
            assert!(seen.insert(a.as_str()), "{a:?}");
            assert!(!a.label().is_empty());
        }
        assert_eq!(AuditAction::parse("drop_table"), None);
    }

    #[test]
    fn the_migration_allows_each_one() {
        let sql = include_str!("../../migrations/0028_payment_gateway.sql");
        for a in AuditAction::ALL {
            assert!(sql.contains(&format!("'{}'", a.as_str())), "{a:?}");
        }
    }
}
