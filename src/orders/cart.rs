//! The retailer's carts, one per distributor, kept in the browser (localStorage)
//! so a patchy connection never loses them. Totals use the shared GST rule.

use super::{Offer, Product};
use crate::domain::catalog::MAX_LINE_QTY;
use crate::domain::gst::{Supply, TaxLine, compute};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartItem {
    pub listing_id: i64,
    pub sku_id: i64,
    pub name: String,
    pub unit: String,
    pub price_paise: i64,
    pub rate_bp: i32,
    pub available: i32,
    pub min_order_qty: i32,
    pub qty: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistributorCart {
    pub distributor_id: i64,
    pub distributor_name: String,
    /// Idempotency key for placing this cart; a new one after each placed order.
    pub key: String,
    pub items: Vec<CartItem>,
    /// The distributor is in the shop's state (CGST + SGST), else IGST.
    #[serde(default)]
    pub intra_state: bool,
    /// The distributor rounds totals to whole rupees.
    #[serde(default)]
    pub round_off: bool,
    /// The distributor delivers to the shop (else the shop collects).
    #[serde(default = "yes")]
    pub delivers: bool,
    /// The distributor's pickup point and hours, if it offers pickup.
    #[serde(default)]
    pub pickup_at: Option<String>,
}

fn yes() -> bool {
    true
}

/// How an order from this distributor reaches the shop, in a line.
pub fn fulfilment(delivers: bool, pickup_at: Option<&str>) -> String {
    match (delivers, pickup_at) {
        (true, None) => "Delivers to your shop".to_string(),
        (true, Some(at)) => format!("Delivers to your shop, or collect at {at}"),
        (false, Some(at)) => format!("Pickup only: collect at {at}"),
        (false, None) => "Does not deliver to your pincode".to_string(),
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub taxable: i64,
    pub tax: i64,
    pub round_off: i64,
    pub total: i64,
    pub units: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Carts(pub Vec<DistributorCart>);

impl DistributorCart {
    /// The same figures the order and its invoice will carry (`domain::gst::compute`).
    pub fn totals(&self) -> Totals {
        let supply = Supply::from_intra_state(self.intra_state);
        let lines: Vec<TaxLine<'_>> = self
            .items
            .iter()
            .map(|i| TaxLine {
                hsn: "",
                qty: i.qty.max(1),
                unit_price_paise: i.price_paise,
                discount_paise: 0,
                rate_bp: i.rate_bp,
            })
            .collect();
        let c = compute(&lines, supply, self.round_off).unwrap_or_default();
        Totals {
            taxable: c.taxable,
            tax: c.tax.total(),
            round_off: c.round_off,
            total: c.grand_total,
            units: self.items.iter().map(|i| i.qty).sum(),
        }
    }
}

impl Carts {
    pub fn count(&self) -> usize {
        self.0.iter().map(|c| c.items.len()).sum()
    }

    /// The goods' value before tax, every distributor's cart together (the shop's
    /// cart bar: the tax is worked out on the cart page, so the shop's code stays
    /// without the GST rules).
    pub fn goods_paise(&self) -> i64 {
        self.0
            .iter()
            .flat_map(|c| &c.items)
            .map(|i| i.qty.max(1) * i.price_paise)
            .sum()
    }

    pub fn qty_of(&self, listing_id: i64) -> i64 {
        self.0
            .iter()
            .flat_map(|c| &c.items)
            .find(|i| i.listing_id == listing_id)
            .map(|i| i.qty)
            .unwrap_or(0)
    }

    /// Adds `qty` (at least the minimum order) of an offer to that distributor's cart.
    pub fn add(
        &mut self,
        product: &Product,
        offer: &Offer,
        qty: i64,
        new_key: impl FnOnce() -> String,
    ) {
        let cart = match self
            .0
            .iter()
            .position(|c| c.distributor_id == offer.distributor_id)
        {
            Some(i) => &mut self.0[i],
            None => {
                self.0.push(DistributorCart {
                    distributor_id: offer.distributor_id,
                    distributor_name: offer.distributor_name.clone(),
                    key: new_key(),
                    items: Vec::new(),
                    intra_state: offer.intra_state,
                    round_off: offer.round_off,
                    delivers: offer.delivers_here,
                    pickup_at: offer.pickup_at.clone(),
                });
                let last = self.0.len() - 1;
                &mut self.0[last]
            }
        };
        // The distributor's tax facts may have changed since the cart was saved.
        cart.intra_state = offer.intra_state;
        cart.round_off = offer.round_off;
        cart.delivers = offer.delivers_here;
        cart.pickup_at.clone_from(&offer.pickup_at);
        match cart
            .items
            .iter_mut()
            .find(|i| i.listing_id == offer.listing_id)
        {
            Some(item) => item.qty = (item.qty + qty).min(MAX_LINE_QTY),
            None => cart.items.push(CartItem {
                listing_id: offer.listing_id,
                sku_id: product.sku_id,
                name: product.name.clone(),
                unit: product.unit.clone(),
                price_paise: offer.price_paise,
                rate_bp: offer.rate_bp,
                available: offer.available,
                min_order_qty: offer.min_order_qty,
                qty: qty.max(i64::from(offer.min_order_qty)).min(MAX_LINE_QTY),
            }),
        }
    }

    /// Sets a line's quantity; 0 removes it (and an empty cart).
    pub fn set_qty(&mut self, distributor_id: i64, listing_id: i64, qty: i64) {
        if let Some(cart) = self
            .0
            .iter_mut()
            .find(|c| c.distributor_id == distributor_id)
        {
            if qty <= 0 {
                cart.items.retain(|i| i.listing_id != listing_id);
            } else if let Some(item) = cart.items.iter_mut().find(|i| i.listing_id == listing_id) {
                item.qty = qty.min(MAX_LINE_QTY);
            }
        }
        self.0.retain(|c| !c.items.is_empty());
    }

    pub fn clear(&mut self, distributor_id: i64) {
        self.0.retain(|c| c.distributor_id != distributor_id);
    }
}

#[cfg(feature = "hydrate")]
mod storage {
    use super::Carts;
    const KEY: &str = "auromart.carts.v1";

    fn local() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub fn load() -> Carts {
        local()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    pub fn save(carts: &Carts) {
        if let (Some(s), Ok(json)) = (local(), serde_json::to_string(carts)) {
            let _ = s.set_item(KEY, &json);
        }
    }

    pub fn new_key() -> String {
        let r = || (js_sys::Math::random() * 4_294_967_296.0) as u64;
        format!(
            "c{:x}{:08x}{:08x}{:08x}",
            js_sys::Date::now() as u64,
            r(),
            r(),
            r()
        )
    }
}

#[cfg(not(feature = "hydrate"))]
mod storage {
    use super::Carts;
    pub fn load() -> Carts {
        Carts::default()
    }
    pub fn save(_: &Carts) {}
    pub fn new_key() -> String {
        String::new()
    }
}

pub use storage::{load, new_key, save};

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: i64) -> Product {
        Product {
            sku_id: id,
            name: format!("P{id}"),
            brand: "B".into(),
            category: "C".into(),
            unit: "pack".into(),
            pack_size: 1,
            mrp_paise: 5000,
            image_version: 0,
            offers: vec![],
        }
    }
    fn offer(listing: i64, dist: i64, price: i64, rate: i32) -> Offer {
        Offer {
            sku_id: listing,
            listing_id: listing,
            distributor_id: dist,
            distributor_name: format!("D{dist}"),
            price_paise: price,
            available: 100,
            min_order_qty: 2,
            rate_bp: rate,
            intra_state: dist == 10,
            round_off: dist == 20,
            delivers_here: dist != 30,
            pickup_at: (dist == 30).then(|| "Market Yard, 9-7".to_string()),
        }
    }

    #[test]
    fn the_cart_bar_adds_up_every_cart_before_tax() {
        let mut c = Carts::default();
        assert_eq!(c.goods_paise(), 0);
        // Two of ₹27.50 from one distributor, two (the minimum) of ₹10.00 from another.
        c.add(&product(1), &offer(1, 10, 2750, 500), 2, || {
            "k1xxxxxx".into()
        });
        c.add(&product(2), &offer(2, 20, 1000, 1800), 1, || {
            "k2xxxxxx".into()
        });
        assert_eq!(c.count(), 2);
        assert_eq!(c.goods_paise(), 2 * 2750 + 2 * 1000);
    }

    #[test]
    fn a_pickup_only_cart_says_where_to_collect() {
        let mut c = Carts::default();
        c.add(&product(1), &offer(1, 30, 2750, 500), 2, || {
            "k3xxxxxx".into()
        });
        assert!(!c.0[0].delivers);
        assert_eq!(
            fulfilment(c.0[0].delivers, c.0[0].pickup_at.as_deref()),
            "Pickup only: collect at Market Yard, 9-7"
        );
        // Carts saved before these fields existed still read, as delivering.
        let old: DistributorCart = serde_json::from_str(
            r#"{"distributor_id":1,"distributor_name":"D","key":"k","items":[]}"#,
        )
        .expect("old cart");
        assert!(old.delivers && old.pickup_at.is_none());
        assert_eq!(fulfilment(true, None), "Delivers to your shop");
    }

    #[test]
    fn carts_per_distributor_with_exact_totals() {
        let mut c = Carts::default();
        c.add(&product(1), &offer(1, 10, 2750, 500), 1, || {
            "k1xxxxxx".into()
        });
        c.add(&product(2), &offer(2, 10, 10_000, 1800), 3, || {
            unreachable!("cart exists")
        });
        c.add(&product(3), &offer(3, 20, 999, 0), 5, || "k2xxxxxx".into());
        assert_eq!(c.0.len(), 2);
        assert_eq!(c.qty_of(1), 2, "raised to the minimum order");
        let t = c.0[0].totals();
        // Intra-state: 2 × 27.50 = 55.00 at 2.5% + 2.5% = 1.375 → 1.38 each;
        // 3 × 100 = 300 at 9% + 9% = 27 each.
        assert_eq!(
            t,
            Totals {
                taxable: 35_500,
                tax: 2 * 138 + 2 * 2_700,
                round_off: 0,
                total: 35_500 + 5_676,
                units: 5
            }
        );
        // Inter-state with round-off: 5 × 9.99 = 49.95, no tax, rounds to 50.00.
        let t = c.0[1].totals();
        assert_eq!(
            (t.taxable, t.tax, t.round_off, t.total),
            (4_995, 0, 5, 5_000)
        );
        c.set_qty(10, 1, 0);
        c.set_qty(10, 2, 0);
        assert_eq!(c.0.len(), 1, "an emptied cart disappears");
        c.set_qty(20, 3, 1_000_000);
        assert_eq!(c.qty_of(3), MAX_LINE_QTY);
    }
}
