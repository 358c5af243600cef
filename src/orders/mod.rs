//! Retailer ordering and the order workflow: browse, place, accept, deliver.

pub mod api;
pub mod cart;
#[cfg(feature = "ssr")]
pub mod live;
pub mod messages;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::order::{DeliveryMode, OrderState};
use serde::{Deserialize, Serialize};

/// One distributor's offer of a product to this retailer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Offer {
    pub sku_id: i64,
    pub listing_id: i64,
    pub distributor_id: i64,
    pub distributor_name: String,
    pub price_paise: i64,
    pub available: i32,
    pub min_order_qty: i32,
    pub rate_bp: i32,
    /// The distributor is in the retailer's state: CGST + SGST, else IGST.
    pub intra_state: bool,
    /// The distributor rounds invoice totals to whole rupees.
    pub round_off: bool,
    /// The distributor delivers to the retailer's pincode.
    pub delivers_here: bool,
    /// Where and when the retailer may collect, if the distributor offers pickup.
    pub pickup_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub sku_id: i64,
    pub name: String,
    pub brand: String,
    pub category: String,
    pub unit: String,
    pub pack_size: i32,
    pub mrp_paise: i64,
    /// 0 without a photo (see `catalog::photo_url`).
    #[serde(default)]
    pub image_version: i32,
    pub offers: Vec<Offer>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrowseFilter {
    pub q: String,
    /// Category id, or empty for all.
    pub category: String,
    pub brand: String,
    /// Rupees, or empty.
    pub min_price: String,
    pub max_price: String,
    pub in_stock: bool,
    pub page: u32,
}

impl BrowseFilter {
    /// Any filter besides the search words is set.
    pub fn narrows(&self) -> bool {
        !self.category.is_empty()
            || !self.brand.is_empty()
            || !self.min_price.is_empty()
            || !self.max_price.is_empty()
            || self.in_stock
    }

    /// The shop's link to `page` of these results, every value percent-encoded.
    pub fn page_href(&self, page: u32) -> String {
        let mut href = format!(
            "?q={}&category={}&brand={}&min={}&max={}",
            crate::ui::query_value(&self.q),
            crate::ui::query_value(&self.category),
            crate::ui::query_value(&self.brand),
            crate::ui::query_value(&self.min_price),
            crate::ui::query_value(&self.max_price),
        );
        if self.in_stock {
            href.push_str("&in_stock=on");
        }
        href.push_str(&format!("&page={page}"));
        href
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrowsePage {
    pub products: Vec<Product>,
    pub has_more: bool,
    /// Brands among the matches, for the brand filter.
    pub brands: Vec<String>,
    /// The search as understood, when a word was misspelt or unknown
    /// ("mattres" → "mattress").
    pub showing_for: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub listing_id: i64,
    pub qty: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrder {
    pub distributor_id: i64,
    /// Absent in a form post when the cart is empty.
    #[serde(default)]
    pub lines: Vec<CartLine>,
    /// Made by the browser once per cart; a retried request with the same key
    /// returns the first order instead of placing another.
    pub idempotency_key: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OrderSummary {
    pub id: i64,
    pub retailer_id: i64,
    pub retailer_name: String,
    pub retailer_city: String,
    pub distributor_id: i64,
    pub distributor_name: String,
    pub state: OrderState,
    pub delivery_mode: Option<DeliveryMode>,
    /// Lines' value plus GST (the amount the retailer pays).
    pub total_paise: i64,
    pub line_count: i32,
    pub note: Option<String>,
    /// Placed at, shown in Asia/Kolkata.
    pub placed: String,
    /// The distributor delivers to the retailer's pincode (else pickup only).
    pub deliverable: bool,
    /// Held for the distributor's approval, and why (None: not held, or let through).
    pub held: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OrderLineRow {
    pub line_no: i32,
    pub sku_id: i64,
    pub name: String,
    pub brand: String,
    pub hsn: String,
    pub unit: String,
    pub qty: i32,
    pub unit_price_paise: i64,
    pub tax_rate_bp: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OrderEventRow {
    pub from_state: Option<OrderState>,
    pub to_state: OrderState,
    pub by_name: Option<String>,
    pub by_org: Option<String>,
    pub via: String,
    pub note: Option<String>,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    pub order: OrderSummary,
    /// Supplier and retailer are in one state (CGST + SGST), else IGST.
    pub intra_state: bool,
    pub round_off: bool,
    pub lines: Vec<OrderLineRow>,
    pub events: Vec<OrderEventRow>,
    /// The order's WhatsApp messages and how far each got.
    #[serde(default)]
    pub messages: Vec<OrderMessageRow>,
}

/// A WhatsApp message about an order, for the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OrderMessageRow {
    pub to_name: Option<String>,
    pub to_org: Option<String>,
    pub template: String,
    /// Outbox state: pending, sending, sent, failed, skipped.
    pub state: String,
    /// What WhatsApp reported: sent, delivered, read, failed.
    pub delivery: Option<String>,
    pub error: Option<String>,
    pub at: String,
}

impl OrderMessageRow {
    /// "Read", "Delivered", "Waiting to send"…
    pub fn status_label(&self) -> &'static str {
        match (self.delivery.as_deref(), self.state.as_str()) {
            (Some("read"), _) => "Read",
            (Some("delivered"), _) => "Delivered",
            (Some("failed"), _) => "Not delivered",
            (Some("sent"), _) | (None, "sent") => "Sent",
            (_, "failed") => "Could not send",
            (_, "skipped") => "Not sent (opted out)",
            _ => "Waiting to send",
        }
    }

    /// "New order alert", "Invoice"…
    pub fn what(&self) -> &'static str {
        match self.template.as_str() {
            "order_placed" | "order_placed_pickup" => "New order alert",
            "order_accepted_delivery" | "order_accepted_pickup" => "Order accepted",
            "order_rejected" => "Order rejected",
            "order_cancelled" => "Order cancelled",
            "invoice_issued" => "Tax invoice (PDF)",
            "credit_note_issued" => "Credit note (PDF)",
            "reply" => "Reply",
            _ => "Status update",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFilter {
    /// An order state, "open" (not final), or empty for all.
    pub state: String,
    /// YYYY-MM-DD, inclusive, in Asia/Kolkata; empty for no bound.
    pub from: String,
    pub to: String,
    /// Retailer or distributor name.
    pub q: String,
}

/// Badge counts for the order panel, and every status's count for its tracking row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCounts {
    pub new: i64,
    pub open: i64,
    /// Each status with its number of orders, in the order of `OrderState::ALL`.
    pub by_state: Vec<(crate::domain::order::OrderState, i64)>,
}

impl OrderCounts {
    /// The counts from one (state, orders) pair per state present: every state
    /// listed in `OrderState::ALL` order (absent ones as 0), new = placed,
    /// open = every state that is not final.
    pub fn from_groups(groups: &[(crate::domain::order::OrderState, i64)]) -> OrderCounts {
        use crate::domain::order::OrderState;
        let of = |state: OrderState| {
            groups
                .iter()
                .filter(|(s, _)| *s == state)
                .map(|(_, n)| n)
                .sum::<i64>()
        };
        let by_state: Vec<_> = OrderState::ALL.into_iter().map(|s| (s, of(s))).collect();
        OrderCounts {
            new: of(OrderState::Placed),
            open: by_state
                .iter()
                .filter(|(s, _)| !s.is_final())
                .map(|(_, n)| n)
                .sum(),
            by_state,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{BrowseFilter, OrderCounts};

    #[test]
    fn the_next_page_link_keeps_every_filter_encoded() {
        let f = BrowseFilter {
            q: "tea & biscuits".into(),
            brand: "बिस्कुट".into(),
            min_price: "10.5".into(),
            in_stock: true,
            ..Default::default()
        };
        assert!(f.narrows());
        assert_eq!(
            f.page_href(2),
            "?q=tea%20%26%20biscuits&category=&brand=%E0%A4%AC%E0%A4%BF%E0%A4%B8%E0%A5%8D%E0%A4%95%E0%A5%81%E0%A4%9F\
             &min=10.5&max=&in_stock=on&page=2"
        );
        let plain = BrowseFilter {
            q: "sabun".into(),
            ..Default::default()
        };
        assert!(!plain.narrows());
        assert_eq!(
            plain.page_href(1),
            "?q=sabun&category=&brand=&min=&max=&page=1"
        );
    }
    use crate::domain::order::OrderState;

    #[test]
    fn counts_from_groups_list_every_state_and_sum_the_open_ones() {
        let c = OrderCounts::from_groups(&[
            (OrderState::Delivered, 40),
            (OrderState::Placed, 3),
            (OrderState::Packed, 2),
            (OrderState::Cancelled, 1),
        ]);
        assert_eq!(c.new, 3);
        assert_eq!(c.open, 5);
        assert_eq!(c.by_state.len(), OrderState::ALL.len());
        assert_eq!(c.by_state[0], (OrderState::ALL[0], 3));
        let delivered = c.by_state.iter().find(|(s, _)| *s == OrderState::Delivered);
        assert_eq!(delivered, Some(&(OrderState::Delivered, 40)));
        let accepted = c.by_state.iter().find(|(s, _)| *s == OrderState::Accepted);
        assert_eq!(accepted, Some(&(OrderState::Accepted, 0)));
        assert_eq!(OrderCounts::from_groups(&[]).open, 0);
    }
}
