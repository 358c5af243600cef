//! Manufacturers' catalog: categories (approved by the admin), SKUs, CSV import.
//!
//! The details, for readers of the code and of the repository: this folder's README.md.
#![doc = include_str!("README.md")]

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod photo;
pub mod proposals;
pub mod rates_page;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Category {
    pub id: i64,
    pub name: String,
    /// proposed | approved | rejected
    pub status: String,
    pub proposed_by_name: Option<String>,
}

/// A SKU as its manufacturer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SkuRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub brand: String,
    pub category_id: i64,
    pub category: String,
    pub hsn: String,
    pub mrp_paise: i64,
    pub unit: String,
    pub pack_size: i32,
    pub active: bool,
    /// GST rate in force today, in basis points; None blocks the SKU from sale.
    pub rate_bp: Option<i32>,
    /// The schedule entry its maker chose, and why (see `domain::gst_schedule`).
    pub gst_rate_id: Option<i64>,
    pub gst_reason: Option<String>,
    /// Distributors carrying it, and their stock on hand.
    pub distributors: i64,
    pub stock_on_hand: i64,
    /// 0 without a photo; changes with every upload (see `photo_url`).
    pub image_version: i32,
}

/// Where a SKU's photo is served: `thumb` (160 px square) or `picture`
/// (up to 800 px). The version in the path lets browsers cache it for good.
pub fn photo_url(sku_id: i64, version: i32, size: &str) -> Option<String> {
    (version > 0).then(|| format!("/media/sku/{sku_id}/{version}/{size}.jpg"))
}

/// One refused CSV row: line number (1 = header), field and reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: usize,
    pub field: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Rows written: all of them, or none when `errors` is not empty.
    pub imported: usize,
    pub updated: usize,
    pub errors: Vec<RowError>,
}

/// What checking one part of a large file found (its rows are staged until
/// the import finishes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartReport {
    /// Records in the part that were not blank, good or bad.
    pub records: usize,
    pub errors: Vec<RowError>,
}

/// Records per part when the page uploads a large file piece by piece.
pub const CSV_PART_ROWS: usize = 2_500;
/// And at most about this many bytes per part.
pub const CSV_PART_BYTES: usize = 256 * 1024;

/// The CSV header the import expects, in this order.
pub const CSV_HEADER: [&str; 8] = [
    "code",
    "name",
    "brand",
    "category",
    "hsn",
    "mrp",
    "unit",
    "pack_size",
];
/// At most this many rows in one file.
pub const CSV_MAX_ROWS: usize = 100_000;

pub const SAMPLE_CSV: &str = "code,name,brand,category,hsn,mrp,unit,pack_size
SAH-MARIE-200,Marie Gold Biscuits 200 g,Sahyadri,Biscuits,1905,30.00,pack,1
SAH-BHUJIA-400,Aloo Bhujia 400 g,Sahyadri,Namkeen,2106,110,pack,1
SAH-GHEE-1L,Cow Ghee 1 litre,Sahyadri,Dairy,0405,650,litre,1
";

/// One row of the GST schedule on the admin's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GstRateRow {
    pub id: i64,
    pub hsn: String,
    /// `YYYY-MM-DD`.
    pub valid_from: String,
    pub rate_bp: i32,
    pub min_unit_paise: i64,
    pub max_unit_paise: Option<i64>,
    pub condition: String,
    pub general: bool,
    pub description: String,
    pub source: String,
    /// The admin who added it; None for rows of the law's file.
    pub added_by: Option<String>,
    /// Its date has come.
    pub in_force: bool,
}

/// A brand's proposal of an HSN code the schedule does not name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HsnProposalRow {
    pub id: i64,
    pub hsn: String,
    pub description: String,
    /// The rate the brand believes applies, in basis points.
    pub rate_bp: Option<i32>,
    pub source: String,
    pub brand: String,
    pub proposed_by: String,
    /// IST, `YYYY-MM-DD HH:MM`.
    pub proposed: String,
    /// None while open, else "added" or "declined".
    pub outcome: Option<String>,
    pub outcome_note: String,
}

/// The columns of a rate notification's CSV, in order.
pub const RATE_CSV_HEADER: [&str; 8] = [
    "hsn",
    "condition",
    "valid_from",
    "rate",
    "min_value",
    "max_value",
    "description",
    "source",
];

/// What importing a rate notification did: every row added, or none and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateImport {
    pub added: usize,
    pub errors: Vec<RowError>,
}

impl RateImport {
    pub fn refused(errors: Vec<RowError>) -> RateImport {
        RateImport { added: 0, errors }
    }
}
