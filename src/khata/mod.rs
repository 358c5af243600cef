//! Getting paid: payments a distributor receives from a shop (cash, cheque,
//! bank transfer, UPI), applied to invoices oldest first or as chosen, reversed
//! (never edited) with a reason; the shop's account (khata) with each
//! distributor, derived from invoices, credit notes and payments, with ageing
//! and a statement for any period; payment terms and credit limits per shop.
//!
//! The rules are pure in `domain::ledger`; the details are in this folder's README.md.
#![doc = include_str!("README.md")]

pub mod api;
#[cfg(feature = "ssr")]
pub mod holds;
#[cfg(feature = "ssr")]
pub mod online;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod razorpay;
#[cfg(feature = "ssr")]
pub mod receipt;
#[cfg(feature = "ssr")]
pub mod reminders;
#[cfg(feature = "ssr")]
pub mod report;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::ledger::EntryKind;
use serde::{Deserialize, Serialize};

/// How a payment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Cash,
    Cheque,
    /// NEFT, IMPS or RTGS.
    Bank,
    /// To the distributor's UPI id.
    Upi,
    /// Through a payment gateway.
    Gateway,
}

impl Method {
    /// The methods a distributor records by hand.
    pub const BY_HAND: [Method; 4] = [Method::Cash, Method::Cheque, Method::Bank, Method::Upi];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Cash => "cash",
            Method::Cheque => "cheque",
            Method::Bank => "bank",
            Method::Upi => "upi",
            Method::Gateway => "gateway",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        [
            Method::Cash,
            Method::Cheque,
            Method::Bank,
            Method::Upi,
            Method::Gateway,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Method::Cash => "Cash",
            Method::Cheque => "Cheque",
            Method::Bank => "Bank transfer (NEFT/IMPS/RTGS)",
            Method::Upi => "UPI",
            Method::Gateway => "Online (payment gateway)",
        }
    }

    /// What the reference is called for this method; None when it needs none.
    pub fn reference_label(self) -> Option<&'static str> {
        match self {
            Method::Cash => None,
            Method::Cheque => Some("Cheque number"),
            Method::Bank | Method::Upi => Some("UTR (transaction reference)"),
            Method::Gateway => Some("Gateway payment id"),
        }
    }
}

/// Part of a payment applied to one invoice, as typed (rupees).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationInput {
    pub invoice_id: i64,
    #[serde(default)]
    pub amount: String,
}

/// A payment as the distributor types it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentInput {
    pub retailer_id: i64,
    /// Rupees, e.g. "1500" or "1500.50".
    pub amount: String,
    /// `YYYY-MM-DD`.
    pub received_on: String,
    pub method: String,
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub note: String,
    /// Chosen allocations; none (or all empty): oldest invoices first.
    #[serde(default)]
    pub allocations: Vec<AllocationInput>,
    /// The distributor confirmed that what is not applied stays as an advance.
    #[serde(default)]
    pub advance_ok: bool,
    /// The form's key: a retried submit records the payment once.
    pub request_key: String,
}

/// A payment or reversal as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRow {
    pub id: i64,
    pub retailer_id: i64,
    pub kind: EntryKind,
    pub amount_paise: i64,
    /// `YYYY-MM-DD`.
    pub received_on: String,
    pub method: Method,
    pub reference: String,
    pub note: String,
    /// (invoice number, paise) applied.
    pub applied: Vec<(String, i64)>,
    /// Not applied to any invoice: an advance.
    pub advance_paise: i64,
    /// A reversal of this payment exists.
    pub reversed: bool,
}

/// A shop's terms with its distributor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    /// Days the shop has to pay an invoice.
    pub due_days: i32,
    /// The days are the distributor's default, not the shop's own.
    pub default_days: bool,
    /// None: no limit.
    pub credit_limit_paise: Option<i64>,
}

/// One line of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerLine {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub kind: EntryKind,
    /// The invoice's or credit note's id, or the payment's.
    pub id: i64,
    /// Invoice number, or the payment's method and reference.
    pub document: String,
    pub note: String,
    pub debit_paise: i64,
    pub credit_paise: i64,
    /// After this line; positive: the shop owes.
    pub balance_paise: i64,
}

/// An invoice with something still to pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenItem {
    pub invoice_id: i64,
    pub number: String,
    pub issued_on: String,
    pub due_on: String,
    pub total_paise: i64,
    pub due_paise: i64,
    /// Nothing paid yet (else part-paid).
    pub unpaid: bool,
    /// Days past the due date (negative: not yet due).
    pub days_past: i64,
}

/// A shop's account with one distributor, for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub distributor_id: i64,
    pub distributor: String,
    pub retailer_id: i64,
    pub retailer: String,
    pub from: String,
    pub to: String,
    pub opening_paise: i64,
    pub lines: Vec<LedgerLine>,
    pub closing_paise: i64,
    /// Today's balance (may differ from closing when `to` is in the past).
    pub balance_paise: i64,
    pub open: Vec<OpenItem>,
    /// Dues by `domain::ledger::Bucket::ALL`.
    pub ageing: [i64; 5],
    /// Paid but not applied to any open invoice.
    pub advance_paise: i64,
    pub terms: Terms,
    /// The distributor takes payments online (a gateway is connected).
    pub online: bool,
    /// Payments and reversals of the period, newest first (for the reverse action).
    pub payments: Vec<PaymentRow>,
}

/// One account in a list (a distributor's shops, or a shop's distributors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    /// The other party's organisation id.
    pub other_id: i64,
    pub other_name: String,
    pub city: String,
    pub balance_paise: i64,
    /// Past the due date.
    pub overdue_paise: i64,
    pub ageing: [i64; 5],
    /// `YYYY-MM-DD` of the last payment.
    pub last_payment: Option<String>,
    pub credit_limit_paise: Option<i64>,
}

/// What a distributor is owed, for its dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receivables {
    pub total_paise: i64,
    pub ageing: [i64; 5],
    /// Payments received this month, less reversals.
    pub collected_this_month_paise: i64,
    /// Every shop with a balance or history, most overdue first.
    pub accounts: Vec<AccountRow>,
    /// Days a shop has to pay, unless its own terms say otherwise.
    pub default_due_days: i32,
    /// New orders are held while a due is more than this many days late (None: never).
    pub hold_overdue_days: Option<i32>,
    /// Days relative to the due date on which shops are reminded (empty: never).
    pub reminder_days: Vec<i16>,
}

/// A distributor's payment gateway as its page shows it (never the secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gateway {
    /// The connected Razorpay key id; None: not connected.
    pub key_id: Option<String>,
    pub connected_at: Option<String>,
    /// Where Razorpay must send webhooks (pasted into its dashboard).
    pub webhook_url: String,
    /// The webhook events to tick there.
    pub events: Vec<String>,
}

/// A payment link at the gateway for what is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayLink {
    pub url: String,
    pub amount_paise: i64,
    /// Payable until (shown as "08 Dec 2026, 14:05").
    pub expires: String,
    /// The invoice's number; None: the whole due.
    pub invoice: Option<String>,
    /// The link as a QR code (SVG) for the shop to scan off the distributor's phone.
    pub qr_svg: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_round_trip() {
        for m in [Method::Gateway].into_iter().chain(Method::BY_HAND) {
            assert_eq!(Method::parse(m.as_str()), Some(m));
        }
        assert_eq!(Method::parse("barter"), None);
        assert!(Method::Cash.reference_label().is_none());
    }
}
