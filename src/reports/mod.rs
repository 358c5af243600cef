//! Reports: what was ordered and sold over a period, for the distributor (its
//! sales, by shop, product and category, and how orders fared) and the shop
//! (what it bought, from whom, of what), compared with the period before,
//! grouped by day, week or month, on screen and as CSV from one table definition.
//!
//! Figures are read from rollups (`sales_daily`, `orders_daily`, migration
//! 0014) that triggers keep in the same transaction as the orders they count,
//! and over whole ended months from their monthly sums (migration 0018, `fold`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod brand;
#[cfg(feature = "ssr")]
pub mod demand;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod fold;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod pdf;
#[cfg(feature = "ssr")]
pub mod platform;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod summary;
pub mod table;
#[cfg(feature = "ssr")]
pub mod xlsx;

use crate::domain::period::{Change, Grouping, Period};
use serde::{Deserialize, Serialize};
use table::ReportTable;

/// A report page's period, as its link carries it (`?period=this_month`,
/// `?period=custom&from=2026-11-01&to=2026-11-30`, `&group=week`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PeriodQuery {
    pub period: String,
    pub from: String,
    pub to: String,
    pub group: String,
    /// "off" hides the comparison with the period before.
    pub compare: String,
}

impl PeriodQuery {
    /// Whether the page shows each figure against the period before.
    pub fn compares(&self) -> bool {
        self.compare != "off"
    }

    /// True when the link names no period at all (the user's last choice applies).
    pub fn is_unset(&self) -> bool {
        self.period.is_empty()
            && self.from.is_empty()
            && self.to.is_empty()
            && self.group.is_empty()
    }

    /// The link's query string, for the download and the sections' links.
    pub fn to_query(&self) -> String {
        let mut q = format!("period={}", enc(&self.period));
        for (k, v) in [
            ("from", &self.from),
            ("to", &self.to),
            ("group", &self.group),
            ("compare", &self.compare),
        ] {
            if !v.is_empty() {
                q.push_str(&format!("&{k}={}", enc(v)));
            }
        }
        q
    }
}

/// Keeps a query value to the characters a date or a preset name has.
fn enc(v: &str) -> String {
    v.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// One bucket of a series over time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    /// "3 Dec", "Week of 30 Nov 2026", "Dec 2026".
    pub label: String,
    pub value_paise: i64,
    pub orders: i64,
}

/// Orders by where they stand: placed, confirmed, delivered, refused, withdrawn.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    pub placed: i64,
    pub open: i64,
    pub accepted: i64,
    pub fulfilled: i64,
    pub rejected: i64,
    pub withdrawn: i64,
    pub cancelled: i64,
}

impl Funnel {
    /// Accepted orders per answered order (open and withdrawn ones were never
    /// answered), in tenths of a per cent.
    pub fn acceptance_per_mille(&self) -> Option<i64> {
        let answered = self.accepted + self.rejected;
        (answered > 0).then(|| (self.accepted * 1000 + answered / 2) / answered)
    }

    /// Delivered or picked up per placed order, in tenths of a per cent.
    pub fn fill_per_mille(&self) -> Option<i64> {
        (self.placed > 0).then(|| (self.fulfilled * 1000 + self.placed / 2) / self.placed)
    }
}

/// "87.5 %" from tenths of a per cent.
pub fn show_per_mille(p: Option<i64>) -> String {
    p.map(|p| format!("{}.{} %", p / 10, p % 10))
        .unwrap_or_else(|| "—".into())
}

/// The orders home's first figure: this month so far with GST, against the
/// same days of last month, its orders, and the three biggest trading partners
/// (name, value with GST).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Glance {
    pub previous: Period,
    pub total: Change,
    pub orders: i64,
    pub top: Vec<(String, i64)>,
}

/// A sales (or, for a shop, purchases) report over one period. "Sales" are the
/// goods of accepted orders not cancelled: what was invoiced and not credited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesReport {
    /// The period as chosen (the link's, or the user's last choice), for the
    /// form and the download links.
    pub query: PeriodQuery,
    /// Why the caller may not download this period (a staff member over a long
    /// period their owner keeps to themselves); None when they may.
    pub downloads_blocked: Option<String>,
    pub period: Period,
    pub previous: Period,
    pub grouping: Grouping,
    /// Value with tax (what the shop pays), orders, order lines and goods' value
    /// before tax, each against the period before.
    pub total: Change,
    pub orders: Change,
    pub lines: Change,
    pub goods: Change,
    /// GST on the invoices issued in the period less their credit notes: what
    /// a shop paid, what a distributor collected.
    pub gst: Change,
    pub series: Vec<Point>,
    /// Lines of every order placed in the period, whatever became of it:
    /// what the order-lines download holds.
    pub placed_lines: i64,
    pub funnel: Funnel,
    /// Per shop (for a distributor) or per distributor (for a shop).
    pub parties: ReportTable,
    pub products: ReportTable,
    pub categories: ReportTable,
    /// Trading partners who ordered before but not in the last `IDLE_DAYS`
    /// (a distributor's quiet shops; empty for a shop).
    pub inactive: ReportTable,
    /// Why orders were rejected, most common first (distributor only).
    pub rejections: ReportTable,
}

/// Staff whose owner keeps long downloads to themselves get at most this many
/// days (a quarter) per download.
pub const STAFF_DOWNLOAD_DAYS: i32 = 92;

/// A shop with no order for this many days counts as inactive.
pub const IDLE_DAYS: i32 = 30;

/// The tables the reports offer as downloads, by the name in their link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Series,
    Parties,
    Products,
    Categories,
    Distributors,
    Districts,
    Pincodes,
    Shops,
    Messages,
    Inactive,
    Rejections,
    Visibility,
    ProductPlaces,
    /// What each shop owes a distributor today, by age (`khata::report`).
    Receivables,
    /// Money a distributor collected in the period (`khata::report`).
    Collections,
    /// Every order line of the period, streamed (see `export`).
    Lines,
}

impl Section {
    pub const ALL: [Section; 16] = [
        Section::Series,
        Section::Parties,
        Section::Products,
        Section::Categories,
        Section::Distributors,
        Section::Districts,
        Section::Pincodes,
        Section::Shops,
        Section::Messages,
        Section::Inactive,
        Section::Rejections,
        Section::Visibility,
        Section::ProductPlaces,
        Section::Receivables,
        Section::Collections,
        Section::Lines,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Series => "series",
            Section::Parties => "parties",
            Section::Products => "products",
            Section::Categories => "categories",
            Section::Distributors => "distributors",
            Section::Districts => "districts",
            Section::Pincodes => "pincodes",
            Section::Shops => "shops",
            Section::Messages => "messages",
            Section::Inactive => "inactive",
            Section::Rejections => "rejections",
            Section::Visibility => "visibility",
            Section::ProductPlaces => "product_places",
            Section::Receivables => "receivables",
            Section::Collections => "collections",
            Section::Lines => "lines",
        }
    }

    pub fn parse(text: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// The download link of one section of a report (`sales` or `brand`) for this period.
pub fn csv_href(report: &str, section: Section, q: &PeriodQuery) -> String {
    format!(
        "/reports/{report}/{}/csv?{}",
        section.as_str(),
        q.to_query()
    )
}

/// A series as a table, for its download.
pub fn series_table(
    grouping: Grouping,
    value_label: &str,
    count_label: &str,
    series: &[Point],
) -> ReportTable {
    use table::{Cell, Kind};
    let mut t = ReportTable::new(
        grouping.label(),
        &[
            ("Period", Kind::Text),
            (count_label, Kind::Count),
            (value_label, Kind::Money),
        ],
    );
    t.rows = series
        .iter()
        .map(|p| {
            vec![
                Cell::Text(p.label.clone()),
                Cell::Count(p.orders),
                Cell::Money(p.value_paise),
            ]
        })
        .collect();
    t.with_totals()
}

/// What the downloads need of a report.
pub trait Report {
    /// Its name in links and file names: "sales", "brand", "platform".
    const NAME: &'static str;
    /// The workbook's heading.
    const TITLE: &'static str;
    fn period(&self) -> Period;
    /// The period as chosen.
    fn query(&self) -> &PeriodQuery;
    /// Why the caller may not download it, if they may not.
    fn downloads_blocked(&self) -> Option<String>;
    /// The table behind a download, or None for a section this report has not.
    fn section(self, s: Section) -> Option<ReportTable>;
}

impl Report for SalesReport {
    const NAME: &'static str = "sales";
    const TITLE: &'static str = "Sales";
    fn period(&self) -> Period {
        self.period
    }
    fn downloads_blocked(&self) -> Option<String> {
        self.downloads_blocked.clone()
    }
    fn query(&self) -> &PeriodQuery {
        &self.query
    }
    fn section(self, s: Section) -> Option<ReportTable> {
        match s {
            Section::Series => Some(series_table(
                self.grouping,
                "Value with GST",
                "Orders",
                &self.series,
            )),
            Section::Parties => Some(self.parties),
            Section::Products => Some(self.products),
            Section::Categories => Some(self.categories),
            Section::Inactive => Some(self.inactive),
            Section::Rejections => Some(self.rejections),
            _ => None,
        }
    }
}

/// A brand's view of its products' sales over a period: by distributor, by
/// place (state, district, pincode), by product with its growth, and the
/// shops that buy, named only where the shop consented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandReport {
    /// The period as chosen (the link's, or the user's last choice), for the
    /// form and the download links.
    pub query: PeriodQuery,
    /// Why the caller may not download this period (a staff member over a long
    /// period their owner keeps to themselves); None when they may.
    pub downloads_blocked: Option<String>,
    pub period: Period,
    pub previous: Period,
    pub grouping: Grouping,
    /// Goods' value before tax, units, order lines and distinct shops.
    pub goods: Change,
    pub qty: Change,
    pub lines: Change,
    pub shops: Change,
    /// The series counts order lines of the brand's products.
    pub series: Vec<Point>,
    pub distributors: ReportTable,
    pub districts: ReportTable,
    pub pincodes: ReportTable,
    pub products: ReportTable,
    /// Per product: stock at distributors now, sold, and requested (sold plus
    /// what was not filled: rejected or cancelled orders, carts refused for
    /// stock, searches that found none in stock).
    pub visibility: ReportTable,
    /// Distinct shops buying each product, per district (India Post's).
    pub product_places: ReportTable,
    /// Only shops that let brands see their name.
    pub named_shops: ReportTable,
    /// Shops that bought in the period and keep their name private.
    pub private_shops: i64,
}

impl Report for BrandReport {
    const NAME: &'static str = "brand";
    const TITLE: &'static str = "Brand sales";
    fn period(&self) -> Period {
        self.period
    }
    fn downloads_blocked(&self) -> Option<String> {
        self.downloads_blocked.clone()
    }
    fn query(&self) -> &PeriodQuery {
        &self.query
    }
    fn section(self, s: Section) -> Option<ReportTable> {
        match s {
            Section::Series => Some(series_table(
                self.grouping,
                "Value before GST",
                "Order lines",
                &self.series,
            )),
            Section::Distributors => Some(self.distributors),
            Section::Districts => Some(self.districts),
            Section::Pincodes => Some(self.pincodes),
            Section::Products => Some(self.products),
            Section::Shops => Some(self.named_shops),
            Section::Visibility => Some(self.visibility),
            Section::ProductPlaces => Some(self.product_places),
            _ => None,
        }
    }
}

/// The platform's figures for its admin: volume, who is active, every shop's
/// orders, categories, the top products of each state, the order status
/// overview and WhatsApp delivery by template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformReport {
    /// The period as chosen (the link's, or the user's last choice), for the
    /// form and the download links.
    pub query: PeriodQuery,
    /// Why the caller may not download this period (a staff member over a long
    /// period their owner keeps to themselves); None when they may.
    pub downloads_blocked: Option<String>,
    pub period: Period,
    pub previous: Period,
    pub grouping: Grouping,
    pub total: Change,
    pub orders: Change,
    /// Organisations with at least one sold order in the period.
    pub active_retailers: Change,
    pub active_distributors: Change,
    pub active_manufacturers: Change,
    pub series: Vec<Point>,
    /// Lines of every order placed in the period, whatever became of it:
    /// what the order-lines download holds.
    pub placed_lines: i64,
    pub funnel: Funnel,
    pub messages: ReportTable,
}

/// The platform report's big tables, fetched after its figures (see
/// `platform::tables`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformTables {
    pub query: PeriodQuery,
    pub downloads_blocked: Option<String>,
    pub period: Period,
    pub retailers: ReportTable,
    pub categories: ReportTable,
    pub top_products: ReportTable,
}

impl Report for PlatformReport {
    const NAME: &'static str = "platform";
    const TITLE: &'static str = "Platform";
    fn period(&self) -> Period {
        self.period
    }
    fn downloads_blocked(&self) -> Option<String> {
        self.downloads_blocked.clone()
    }
    fn query(&self) -> &PeriodQuery {
        &self.query
    }
    fn section(self, s: Section) -> Option<ReportTable> {
        match s {
            Section::Series => Some(series_table(
                self.grouping,
                "Value with GST",
                "Orders",
                &self.series,
            )),
            Section::Messages => Some(self.messages),
            _ => None,
        }
    }
}

impl PlatformTables {
    /// The sections these tables answer.
    pub const SECTIONS: [Section; 3] = [Section::Parties, Section::Categories, Section::Products];
}

impl Report for PlatformTables {
    const NAME: &'static str = "platform";
    const TITLE: &'static str = "Platform";
    fn period(&self) -> Period {
        self.period
    }
    fn downloads_blocked(&self) -> Option<String> {
        self.downloads_blocked.clone()
    }
    fn query(&self) -> &PeriodQuery {
        &self.query
    }
    fn section(self, s: Section) -> Option<ReportTable> {
        match s {
            Section::Parties => Some(self.retailers),
            Section::Categories => Some(self.categories),
            Section::Products => Some(self.top_products),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_only_what_a_period_has() {
        let q = PeriodQuery {
            period: "custom".into(),
            from: "2026-11-01".into(),
            to: "2026-11-30\"><script>".into(),
            group: String::new(),
            compare: String::new(),
        };
        assert_eq!(
            csv_href("sales", Section::Products, &q),
            "/reports/sales/products/csv?period=custom&from=2026-11-01&to=2026-11-30script"
        );
        for s in Section::ALL {
            assert_eq!(Section::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn rates_count_only_answered_orders() {
        let f = Funnel {
            placed: 10,
            open: 1,
            accepted: 7,
            fulfilled: 5,
            rejected: 1,
            withdrawn: 1,
            cancelled: 1,
        };
        assert_eq!(show_per_mille(f.acceptance_per_mille()), "87.5 %");
        assert_eq!(show_per_mille(f.fill_per_mille()), "50.0 %");
        assert_eq!(show_per_mille(Funnel::default().fill_per_mille()), "—");
    }
}
