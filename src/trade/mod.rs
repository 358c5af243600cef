//! Manufacturer ↔ distributor links and the distributor's stock, prices and
//! delivery options.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

/// A link as either side sees it: the other party and the state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct LinkRow {
    pub other_id: i64,
    pub other_name: String,
    pub other_city: String,
    /// invited (manufacturer asked) | requested (distributor asked) | active | ended
    pub state: String,
    /// The caller must answer (the other side asked).
    pub awaiting_me: bool,
    /// The brand's SKUs the distributor sells, and their units on hand and reserved.
    pub carried: i64,
    pub on_hand: i64,
    pub reserved: i64,
}

/// An organisation of the other kind that the caller could link with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Partner {
    pub id: i64,
    pub name: String,
    pub city: String,
    pub state_code: i16,
}

/// One SKU the distributor carries (or could carry, when `listing_id` is None).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ListingRow {
    pub listing_id: Option<i64>,
    pub sku_id: i64,
    pub code: String,
    pub name: String,
    pub brand: String,
    pub category: String,
    pub manufacturer: String,
    pub unit: String,
    pub mrp_paise: i64,
    pub price_paise: Option<i64>,
    pub on_hand: i32,
    pub reserved: i32,
    pub min_order_qty: i32,
    pub active: bool,
    pub rate_bp: Option<i32>,
    /// The SKU's HSN when this distributor e-invoices and the code has fewer than
    /// the 6 digits e-invoices need (Notification 78/2020-Central Tax).
    pub short_hsn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct StockMove {
    pub kind: String,
    pub on_hand_delta: i32,
    pub reserved_delta: i32,
    pub on_hand_after: i32,
    pub reserved_after: i32,
    pub order_id: Option<i64>,
    pub note: Option<String>,
    pub by_name: Option<String>,
    pub at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryOptions {
    pub delivers: bool,
    /// Pincodes served, separated by commas, spaces or new lines.
    pub pincodes: String,
    pub offers_pickup: bool,
    pub pickup_address: String,
    pub pickup_hours: String,
}
