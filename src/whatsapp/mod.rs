//! WhatsApp, the product's main channel: the Cloud API client, the outbox sender,
//! the signed webhook (receipts, button replies, STOP/START), the sandbox phone,
//! monthly statements and admin broadcasts. Templates live in `templates`.
//!
//! The details, for readers of the code and of the repository: this folder's README.md.
#![doc = include_str!("README.md")]

pub mod api;
#[cfg(feature = "ssr")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod monthly;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod sandbox;
#[cfg(feature = "ssr")]
pub mod sender;
#[cfg(feature = "ssr")]
pub mod service;
pub mod templates;
#[cfg(feature = "ssr")]
pub mod transport;
#[cfg(feature = "ssr")]
pub mod webhook;

use serde::{Deserialize, Serialize};

/// The admin's view of the sender.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub sandbox: bool,
    pub connection: String,
    pub pending: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
    pub skipped: i64,
    pub delivered: i64,
    pub read: i64,
}

/// A message that could not be sent or delivered, with the API's reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct FailedMessage {
    pub id: i64,
    pub recipient: String,
    pub to_name: Option<String>,
    pub template: String,
    pub order_id: Option<i64>,
    pub attempts: i32,
    pub error: String,
    pub at: String,
}

/// A number the sandbox holds messages for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SandboxPhone {
    pub phone: String,
    pub name: Option<String>,
    pub org: Option<String>,
    pub messages: i64,
}

/// One message as the sandbox phone shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneMessage {
    pub id: i64,
    pub at: String,
    pub text: String,
    /// (file name, media id) of an attached PDF.
    pub document: Option<(String, String)>,
    pub buttons: Vec<String>,
    pub delivery: Option<String>,
}

/// Who a broadcast goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    Retailers,
    Distributors,
    /// Every business in a state (its two-digit GST state code).
    State,
    /// Every business whose pincode starts with the given digits.
    Pincode,
}

impl Segment {
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::Retailers => "retailers",
            Segment::Distributors => "distributors",
            Segment::State => "state",
            Segment::Pincode => "pincode",
        }
    }
    pub fn parse(s: &str) -> Option<Segment> {
        [
            Segment::Retailers,
            Segment::Distributors,
            Segment::State,
            Segment::Pincode,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Segment::Retailers => "All retailers",
            Segment::Distributors => "All distributors",
            Segment::State => "Businesses in a state",
            Segment::Pincode => "Businesses by pincode prefix",
        }
    }
}

/// A broadcast and how far it has got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct BroadcastRow {
    pub id: i64,
    pub message: String,
    pub segment: String,
    pub segment_value: String,
    pub per_second: i32,
    pub recipients: i32,
    pub sent: i64,
    pub failed: i64,
    pub skipped: i64,
    pub at: String,
}

impl BroadcastRow {
    pub fn done(&self) -> i64 {
        self.sent + self.failed + self.skipped
    }
    /// 0–100.
    pub fn percent(&self) -> i64 {
        if self.recipients == 0 {
            100
        } else {
            self.done() * 100 / i64::from(self.recipients)
        }
    }
}
