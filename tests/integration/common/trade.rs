//! A small working market, built through the server functions as real users
//! would: a brand with a SKU, a linked distributor that stocks it and delivers to
//! a retailer's pincode, and that retailer.

use super::{Client, TestApp, pairs, signup_form, with};
use auromart::domain::OrgKind;
use serde_json::Value;

pub struct Market {
    pub manufacturer: Client,
    pub manufacturer_org: i64,
    pub distributor: Client,
    pub distributor_org: i64,
    pub retailer: Client,
    pub retailer_org: i64,
    pub sku_id: i64,
    pub listing_id: i64,
}

/// The shop's search form: text `q`, every other filter empty.
pub fn browse_form(q: &str) -> Vec<(String, String)> {
    pairs(&[
        ("filter[q]", q),
        ("filter[category]", ""),
        ("filter[brand]", ""),
        ("filter[min_price]", ""),
        ("filter[max_price]", ""),
        ("filter[in_stock]", "false"),
        ("filter[page]", "0"),
    ])
}

pub fn sku_form(code: &str, name: &str, hsn: &str, mrp: &str) -> Vec<(String, String)> {
    pairs(&[
        ("sku[code]", code),
        ("sku[name]", name),
        ("sku[brand]", "Sahyadri"),
        ("sku[category]", "Biscuits"),
        ("sku[hsn]", hsn),
        ("sku[mrp]", mrp),
        ("sku[unit]", "pack"),
        ("sku[pack_size]", "1"),
    ])
}

impl TestApp {
    /// Signs up a retailer in another town (pincode 560001, Karnataka).
    pub async fn retailer_elsewhere(&self, n: u32) -> (Client, i64) {
        let client = self.client();
        let form = with(
            with(
                with(signup_form(OrgKind::Retailer, n), "gstin", ""),
                "state_code",
                "29",
            ),
            "pincode",
            "560001",
        );
        let org = client.call("auth/signup", &form).await.ok()["org_id"]
            .as_i64()
            .expect("org id");
        (client, org)
    }

    /// The three parties of a market, approved, nothing linked, listed or stocked;
    /// the shop in the distributor's town, or `elsewhere` (560001).
    pub async fn parties(&self, n: u32, elsewhere: bool) -> Market {
        let (manufacturer, manufacturer_org) = self.active(OrgKind::Manufacturer, n).await;
        let (distributor, distributor_org) = self.active(OrgKind::Distributor, n + 1).await;
        let (retailer, retailer_org) = if elsewhere {
            self.retailer_elsewhere(n + 2).await
        } else {
            self.signup(OrgKind::Retailer, n + 2).await
        };
        Market {
            manufacturer,
            manufacturer_org,
            distributor,
            distributor_org,
            retailer,
            retailer_org,
            sku_id: 0,
            listing_id: 0,
        }
    }

    /// Builds the market; `n` keeps phone numbers apart between markets in one database.
    pub async fn market(&self, n: u32, stock: u32) -> Market {
        let parties = self.parties(n, false).await;
        let (manufacturer, distributor) = (&parties.manufacturer, &parties.distributor);
        let sku = manufacturer
            .call(
                "catalog/save_sku",
                &sku_form(
                    &format!("MARIE-{n}"),
                    "Marie Gold Biscuits 200 g",
                    "1905",
                    "30",
                ),
            )
            .await;
        let sku_id = sku.ok()["id"].as_i64().expect("sku id");
        manufacturer
            .call(
                "trade/ask_link",
                &pairs(&[("other_id", &parties.distributor_org.to_string())]),
            )
            .await
            .ok();
        distributor
            .call(
                "trade/answer_link",
                &pairs(&[
                    ("other_id", &parties.manufacturer_org.to_string()),
                    ("accept", "true"),
                ]),
            )
            .await
            .ok();
        distributor
            .call(
                "invoices/save_billing",
                &pairs(&[
                    ("upi_id", &format!("testshop{}@okaxis", n + 1)),
                    ("invoice_prefix", &format!("T{n}")),
                    ("round_off", "true"),
                    ("einvoice_enabled", "false"),
                ]),
            )
            .await
            .ok();
        distributor
            .call(
                "trade/save_delivery_options",
                &pairs(&[
                    ("options[delivers]", "true"),
                    ("options[pincodes]", "411037, 411038"),
                    ("options[offers_pickup]", "true"),
                    ("options[pickup_address]", "112 Market Yard, Pune"),
                    ("options[pickup_hours]", "9 to 7"),
                ]),
            )
            .await
            .ok();
        let listing = distributor
            .call(
                "trade/save_listing",
                &pairs(&[
                    ("sku_id", &sku_id.to_string()),
                    ("price", "27.50"),
                    ("min_order_qty", "1"),
                    ("active", "true"),
                ]),
            )
            .await;
        let listing_id = listing.ok()["listing_id"].as_i64().expect("listing id");
        if stock > 0 {
            distributor
                .call(
                    "trade/adjust_stock",
                    &pairs(&[
                        ("listing_id", &listing_id.to_string()),
                        ("kind", "received"),
                        ("qty", &stock.to_string()),
                        ("note", ""),
                    ]),
                )
                .await
                .ok();
        }
        Market {
            sku_id,
            listing_id,
            ..parties
        }
    }
}

static KEY: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

pub fn order_form(
    distributor: i64,
    lines: &[(i64, i64)],
    key: Option<&str>,
) -> Vec<(String, String)> {
    let key = key.map(str::to_string).unwrap_or_else(|| {
        format!(
            "test-key-{:08}",
            KEY.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        )
    });
    let mut form = pairs(&[
        ("order[distributor_id]", &distributor.to_string()),
        ("order[idempotency_key]", &key),
        ("order[note]", ""),
    ]);
    for (i, (listing, qty)) in lines.iter().enumerate() {
        form.push((
            format!("order[lines][{i}][listing_id]"),
            listing.to_string(),
        ));
        form.push((format!("order[lines][{i}][qty]"), qty.to_string()));
    }
    form
}

impl Market {
    pub async fn order(&self, qty: i64) -> Value {
        self.retailer
            .call(
                "orders/place",
                &order_form(self.distributor_org, &[(self.listing_id, qty)], None),
            )
            .await
            .ok()
            .clone()
    }

    pub async fn act(&self, who: &Client, order: i64, action: &str, reason: &str) -> super::Answer {
        who.call(
            "orders/act",
            &pairs(&[
                ("id", &order.to_string()),
                ("action", action),
                ("reason", reason),
            ]),
        )
        .await
    }

    pub async fn stock(&self, db: &sqlx::PgPool) -> (i32, i32) {
        sqlx::query!(
            r#"SELECT on_hand AS "on_hand: i32", reserved FROM listings WHERE id = $1"#,
            self.listing_id
        )
        .fetch_one(db)
        .await
        .map(|r| (r.on_hand, r.reserved))
        .expect("listing")
    }
}
