//! GST tax invoices and credit notes: issued when a distributor accepts (or cancels
//! after accepting) an order, stored immutably with their PDF, listed and downloaded
//! by both parties; monthly statements; e-invoice (INV-01) export.
//!
//! The details, for readers of the code and of the repository: this folder's README.md.
#![doc = include_str!("README.md")]

pub mod api;
#[cfg(feature = "ssr")]
pub mod einvoice;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod render;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod sample;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod statement;

use crate::domain::invoice::DocKind;
use serde::{Deserialize, Serialize};

/// An invoice or credit note in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InvoiceRow {
    pub id: i64,
    pub kind: DocKind,
    pub number: String,
    /// "25 Nov 2026".
    pub issued_on: String,
    pub order_id: i64,
    pub retailer_id: i64,
    pub retailer_name: String,
    pub distributor_id: i64,
    pub distributor_name: String,
    pub taxable_paise: i64,
    pub tax_paise: i64,
    pub total_paise: i64,
    /// The invoice a credit note reverses.
    pub refers_to_number: Option<String>,
    /// The distributor exports e-invoices and this is a B2B invoice.
    pub einvoice: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceFilter {
    /// "invoice", "credit_note" or empty for both.
    pub kind: String,
    /// YYYY-MM-DD inclusive, empty for no bound.
    pub from: String,
    pub to: String,
    /// Number, or the other party's name.
    pub q: String,
}

/// A retailer–distributor pair with invoices in a month, for the statement list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct StatementRow {
    /// "2026-11".
    pub month: String,
    pub retailer_id: i64,
    pub retailer_name: String,
    pub distributor_id: i64,
    pub distributor_name: String,
    pub invoices: i64,
    pub credit_notes: i64,
    /// Invoices less credit notes.
    pub net_paise: i64,
}

/// A distributor's billing settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingSettings {
    pub gstin: Option<String>,
    pub state_code: i16,
    pub upi_id: String,
    pub invoice_prefix: String,
    pub round_off: bool,
    pub einvoice_enabled: bool,
    /// What stops the distributor from accepting orders, if anything.
    pub missing: Vec<String>,
    /// The next invoice number in this financial year's series.
    pub next_number: String,
}

/// Download addresses, shared by pages and tests.
pub fn pdf_href(id: i64) -> String {
    format!("/invoices/{id}/pdf")
}

pub fn einvoice_href(id: i64) -> String {
    format!("/invoices/{id}/einvoice.json")
}

pub fn statement_href(month: &str, retailer_id: i64, distributor_id: i64) -> String {
    format!("/statements/{month}/{distributor_id}/{retailer_id}/pdf")
}
