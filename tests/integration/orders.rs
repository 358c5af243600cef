//! Ordering: atomic reservation under concurrency, idempotency, the workflow and
//! its stock effects, outbox rows, search, live updates, and bad input.

use crate::common::trade::{browse_form, order_form, sku_form};
use crate::common::{pairs, spawn_app};
use auromart::domain::OrgKind;
use futures::StreamExt;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_orders_never_oversell_fifty_units() {
    let app = spawn_app().await;
    let m = app.market(10, 50).await;
    // 200 orders of one unit each from ten shops at once.
    let mut shops = Vec::new();
    for n in 0..10 {
        let (c, _) = app.signup(OrgKind::Retailer, 300 + n).await;
        shops.push(c);
    }
    let mut tasks = Vec::new();
    for i in 0..200 {
        let client = crate::common::Client {
            http: shops[i % 10].http.clone(),
            base: app.base.clone(),
        };
        let form = order_form(m.distributor_org, &[(m.listing_id, 1)], None);
        tasks.push(tokio::spawn(async move {
            client.call("orders/place", &form).await
        }));
    }
    let mut placed = Vec::new();
    let mut refused = 0;
    for t in tasks {
        let a = t.await.expect("task");
        if a.status < 400 {
            placed.push(a.body["id"].as_i64().expect("id"));
        } else {
            let reason = a
                .field_reason(&format!("line-{}", m.listing_id))
                .unwrap_or_default();
            assert!(
                reason.contains("out of stock"),
                "clear out-of-stock message: {a:?}"
            );
            refused += 1;
        }
    }
    assert_eq!((placed.len(), refused), (50, 150));
    assert_eq!(
        m.stock(&app.db).await,
        (50, 50),
        "all 50 reserved, none oversold"
    );
    // Accept and deliver them all: exactly 50 units sold, stock never negative.
    for id in &placed {
        for action in ["accept_deliver", "pack", "dispatch", "delivered"] {
            m.act(&m.distributor, *id, action, "").await.ok();
        }
    }
    assert_eq!(m.stock(&app.db).await, (0, 0));
    let sold: i64 = sqlx::query_scalar!(r#"SELECT -sum(on_hand_delta) AS "v!" FROM stock_movements WHERE listing_id = $1 AND kind = 'sold'"#, m.listing_id)
    .fetch_one(&app.db)
    .await
    .expect("sum");
    assert_eq!(sold, 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_order_request_twice_makes_one_order() {
    let app = spawn_app().await;
    let m = app.market(20, 10).await;
    let form = order_form(
        m.distributor_org,
        &[(m.listing_id, 3)],
        Some("retry-key-0001"),
    );
    let first = m.retailer.call("orders/place", &form).await.ok()["id"].as_i64();
    let again = m.retailer.call("orders/place", &form).await.ok()["id"].as_i64();
    assert_eq!(first, again);
    // And when both arrive at the same instant.
    let form = order_form(
        m.distributor_org,
        &[(m.listing_id, 2)],
        Some("retry-key-0002"),
    );
    let (a, b) = tokio::join!(
        m.retailer.call("orders/place", &form),
        m.retailer.call("orders/place", &form)
    );
    assert_eq!(a.ok()["id"], b.ok()["id"]);
    let orders: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "v!" FROM orders"#)
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(orders, 2);
    assert_eq!(m.stock(&app.db).await, (10, 5), "reserved once per order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_stock_names_the_line_and_what_is_available() {
    let app = spawn_app().await;
    let m = app.market(30, 7).await;
    let a = m
        .retailer
        .call(
            "orders/place",
            &order_form(m.distributor_org, &[(m.listing_id, 9)], None),
        )
        .await;
    assert_eq!(a.status, 422);
    assert_eq!(
        a.field_reason(&format!("line-{}", m.listing_id)).as_deref(),
        Some("Marie Gold Biscuits 200 g: only 7 pack available, you asked for 9")
    );
    assert_eq!(m.stock(&app.db).await, (7, 0), "nothing reserved");
    let orders: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "v!" FROM orders"#)
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(orders, 0, "nothing half-written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_quantities_and_prices_are_refused_clearly() {
    let app = spawn_app().await;
    let m = app.market(40, 10).await;
    for (qty, text) in [
        (0, "at least 1"),
        (-5, "at least 1"),
        (1_000_000, "at most 100000"),
    ] {
        let a = m
            .retailer
            .call(
                "orders/place",
                &order_form(m.distributor_org, &[(m.listing_id, qty)], None),
            )
            .await;
        let reason = a
            .field_reason(&format!("line-{}", m.listing_id))
            .unwrap_or_default();
        assert!(reason.contains(text), "qty {qty}: {a:?}");
    }
    let empty = m
        .retailer
        .call("orders/place", &order_form(m.distributor_org, &[], None))
        .await;
    assert!(
        empty
            .field_reason("lines")
            .is_some_and(|r| r.contains("empty")),
        "{empty:?}"
    );
    let above = m
        .distributor
        .call(
            "trade/save_listing",
            &pairs(&[
                ("sku_id", &m.sku_id.to_string()),
                ("price", "30.01"),
                ("min_order_qty", "1"),
                ("active", "true"),
            ]),
        )
        .await;
    assert!(
        above
            .field_reason("price")
            .is_some_and(|r| r.contains("above the MRP")),
        "{above:?}"
    );
    let unknown_hsn = m
        .manufacturer
        .call(
            "catalog/save_sku",
            &sku_form("NEW-1", "Mystery goods", "9999", "10"),
        )
        .await;
    assert!(
        unknown_hsn
            .field_reason("gst_rate_id")
            .is_some_and(|r| r.contains("HSN 9999 is not named in the GST rate schedule")),
        "{unknown_hsn:?}"
    );
    let oversold = m
        .distributor
        .call(
            "trade/adjust_stock",
            &pairs(&[
                ("listing_id", &m.listing_id.to_string()),
                ("kind", "damaged"),
                ("qty", "11"),
                ("note", ""),
            ]),
        )
        .await;
    assert!(
        oversold.field_reason("qty").is_some(),
        "stock never negative: {oversold:?}"
    );
    let header = m
        .manufacturer
        .call("catalog/import_csv", &pairs(&[("csv", "sku,title\nA,B\n")]))
        .await;
    assert!(
        header.ok()["errors"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("must be exactly"))
    );
    assert_eq!(m.stock(&app.db).await, (10, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workflow_moves_stock_and_writes_the_outbox() {
    let app = spawn_app().await;
    let m = app.market(50, 20).await;
    let placed_order = m.order(4).await;
    assert_eq!(
        placed_order["total_paise"], 11_600,
        "4 × ₹27.50 = ₹110.00 plus CGST 2.5% ₹2.75 and SGST 2.5% ₹2.75, rounded off +₹0.50"
    );
    let id = placed_order["id"].as_i64().expect("id");
    // New order → WhatsApp alert to the distributor's owner, in the same transaction.
    let placed: Vec<(String, String, String)> = sqlx::query!(
        r#"SELECT recipient AS "recipient: String", template, dedupe_key FROM outbox WHERE order_id = $1 ORDER BY id"#,
        id
    )
    .fetch_all(&app.db)
    .await
    .expect("outbox")
    .into_iter()
    .map(|r| (r.recipient, r.template, r.dedupe_key))
    .collect();
    assert_eq!(placed.len(), 1);
    assert_eq!(
        (placed[0].0.as_str(), placed[0].1.as_str()),
        ("919800000051", "order_placed")
    );

    // The retailer cannot accept; the distributor cannot dispatch before packing.
    let a = m.act(&m.retailer, id, "accept_deliver", "").await;
    assert_eq!(
        a.body["Conflict"],
        "Only the distributor can accept this order."
    );
    let a = m.act(&m.distributor, id, "dispatch", "").await;
    assert_eq!(
        a.body["Conflict"],
        "This order is placed: it can no longer be sent out for delivery."
    );
    m.act(&m.distributor, id, "accept_pickup", "").await.ok();
    m.act(&m.distributor, id, "pack", "").await.ok();
    let wrong_mode = m.act(&m.distributor, id, "dispatch", "").await;
    assert!(
        wrong_mode.body["Conflict"]
            .as_str()
            .is_some_and(|s| s.contains("pickup by retailer")),
        "{wrong_mode:?}"
    );
    let late_cancel = m.act(&m.retailer, id, "cancel", "").await;
    assert_eq!(late_cancel.status, 409);
    m.act(&m.distributor, id, "ready_for_pickup", "").await.ok();
    let done = m.act(&m.distributor, id, "picked_up", "").await;
    let detail = done.ok();
    let states: Vec<&str> = detail["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["to_state"].as_str())
        .collect();
    assert_eq!(
        states,
        vec![
            "placed",
            "accepted",
            "packed",
            "ready_for_pickup",
            "picked_up"
        ]
    );
    assert_eq!(detail["events"][1]["note"], "Pickup by retailer");
    assert_eq!(m.stock(&app.db).await, (16, 0), "4 sold");
    let to_retailer: i64 = sqlx::query_scalar!(
        r#"SELECT count(*) AS "v!" FROM outbox WHERE order_id = $1 AND recipient = '919800000052'"#,
        id
    )
    .fetch_one(&app.db)
    .await
    .expect("count");
    assert_eq!(
        to_retailer, 5,
        "accepted (and its invoice), packed, ready, picked up"
    );

    // Rejection needs a reason and releases the stock.
    let id2 = m.order(5).await["id"].as_i64().expect("id");
    assert_eq!(m.stock(&app.db).await, (16, 5));
    let no_reason = m.act(&m.distributor, id2, "reject", " ").await;
    assert!(
        no_reason.body["Conflict"]
            .as_str()
            .is_some_and(|s| s.contains("Give a reason"))
    );
    m.act(&m.distributor, id2, "reject", "Shop closed for Diwali")
        .await
        .ok();
    assert_eq!(m.stock(&app.db).await, (16, 0));
    // The retailer may cancel before acceptance; that releases stock too.
    let id3 = m.order(2).await["id"].as_i64().expect("id");
    m.act(&m.retailer, id3, "cancel", "").await.ok();
    assert_eq!(m.stock(&app.db).await, (16, 0));
    let outbox_to_distributor: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "v!" FROM outbox WHERE order_id = $1 AND template = 'order_cancelled'"#, id3)
    .fetch_one(&app.db)
    .await
    .expect("count");
    assert_eq!(outbox_to_distributor, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_tolerates_typos_and_partial_words() {
    let app = spawn_app().await;
    let m = app.market(60, 5).await;
    m.manufacturer
        .call(
            "catalog/save_sku",
            &sku_form("BHUJIA-1", "Aloo Bhujia 400 g", "2106", "110"),
        )
        .await
        .ok();
    let search = |q: &'static str| {
        let c = &m.retailer;
        async move {
            let a = c.call("orders/browse", &browse_form(q)).await;
            a.ok()["products"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|p| p["name"].as_str().unwrap_or_default().to_string())
                .collect::<Vec<_>>()
        }
    };
    for q in [
        "biscuit",
        "biskut",
        "bisc",
        "marei gold",
        "sahyadri",
        "MARIE",
    ] {
        assert_eq!(
            search(q).await,
            vec!["Marie Gold Biscuits 200 g".to_string()],
            "{q}"
        );
    }
    assert!(
        search("bhujia").await.is_empty(),
        "not stocked by anyone serving this shop"
    );
    assert!(search("laptop").await.is_empty());
    // Words in any order, with punctuation; every word must match.
    for q in ["gold marie", "Marie-Gold, 200g!", "biscuits marie"] {
        assert_eq!(
            search(q).await,
            vec!["Marie Gold Biscuits 200 g".to_string()],
            "{q}"
        );
    }
    // The search says how it read a misspelt or unknown word.
    let shown = |q: &'static str| {
        let c = &m.retailer;
        async move {
            let a = c.call("orders/browse", &browse_form(q)).await;
            a.ok()["showing_for"].clone()
        }
    };
    assert_eq!(shown("marei gold").await, "marie gold");
    assert_eq!(shown("marie qzxv").await, "marie");
    assert_eq!(shown("marie gold").await, serde_json::Value::Null);
    assert_eq!(shown("bisc").await, serde_json::Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_distributor_hears_of_a_new_order_live() {
    let app = spawn_app().await;
    let m = app.market(70, 5).await;
    let res = m
        .distributor
        .http
        .get(format!("{}/events", app.base))
        .send()
        .await
        .expect("events");
    assert_eq!(res.status().as_u16(), 200);
    let mut body = res.bytes_stream();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let id = m.order(1).await["id"].as_i64().expect("id");
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !seen.contains(&format!("data: {id}")) {
        let chunk = tokio::time::timeout_at(deadline, body.next())
            .await
            .expect("event in time")
            .expect("stream open")
            .expect("chunk");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("event: order"));
    // Another distributor's stream does not hear about it; anonymous visitors get nothing.
    let anon = app
        .client()
        .http
        .get(format!("{}/events", app.base))
        .send()
        .await
        .expect("events");
    assert_eq!(anon.status().as_u16(), 401);
}

async fn offers_seen_by(c: &crate::common::Client) -> Vec<serde_json::Value> {
    let a = c.call("orders/browse", &browse_form("")).await;
    a.ok()["products"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["offers"].as_array().cloned().unwrap_or_default())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_distributor_with_a_pickup_point_serves_shops_in_its_district() {
    let app = spawn_app().await;
    let m = app.market(70, 10).await;
    // A shop in Pune (411001): same district as the distributor (411037), outside
    // its delivery pincodes (411037, 411038).
    let nearby = app.client();
    let form = crate::common::with(
        crate::common::signup_form(OrgKind::Retailer, 73),
        "pincode",
        "411001",
    );
    nearby.call("auth/signup", &form).await.ok();
    let offers = offers_seen_by(&nearby).await;
    assert_eq!(offers.len(), 1, "{offers:?}");
    assert_eq!(offers[0]["delivers_here"], false);
    assert_eq!(
        offers[0]["pickup_at"],
        "112 Market Yard, Pune \u{b7} 9 to 7"
    );
    // The market's own shop (411037) is delivered to, and may also collect.
    let own = offers_seen_by(&m.retailer).await;
    assert_eq!(own[0]["delivers_here"], true);

    let placed = nearby
        .call(
            "orders/place",
            &order_form(m.distributor_org, &[(m.listing_id, 2)], None),
        )
        .await;
    let order = placed.ok()["id"].as_i64().expect("order");
    assert_eq!(placed.ok()["deliverable"], false);
    // The WhatsApp alert offers only what the distributor can do: pickup or reject.
    let alerts: Vec<String> = sqlx::query_scalar!(
        "SELECT template FROM outbox WHERE order_id = $1 ORDER BY id",
        order
    )
    .fetch_all(&app.db)
    .await
    .expect("outbox");
    assert_eq!(alerts, vec!["order_placed_pickup".to_string()]);
    let buttons: Vec<_> = auromart::whatsapp::templates::find("order_placed_pickup")
        .expect("template")
        .buttons
        .iter()
        .map(|b| b.action)
        .collect();
    assert_eq!(buttons, ["accept_pickup", "reject"]);
    let deliver = m.act(&m.distributor, order, "accept_deliver", "").await;
    assert_eq!(deliver.error_kind().as_deref(), Some("Conflict"));
    assert!(
        deliver.body["Conflict"]
            .as_str()
            .is_some_and(|r| r.contains("You do not deliver to pincode 411001")),
        "{deliver:?}"
    );
    let pickup = m.act(&m.distributor, order, "accept_pickup", "").await;
    assert_eq!(pickup.ok()["order"]["delivery_mode"], "pickup");

    // A shop in another city sees nothing and cannot order.
    let (far, _) = app.retailer_elsewhere(74).await;
    assert!(offers_seen_by(&far).await.is_empty());
    let refused = far
        .call(
            "orders/place",
            &order_form(m.distributor_org, &[(m.listing_id, 1)], None),
        )
        .await;
    assert!(
        refused
            .field_reason("distributor")
            .is_some_and(|r| r.contains("nor has a pickup point near you")),
        "{refused:?}"
    );
    // Without pickup, the nearby shop is no longer served.
    m.distributor
        .call(
            "trade/save_delivery_options",
            &pairs(&[
                ("options[delivers]", "true"),
                ("options[pincodes]", "411037, 411038"),
                ("options[offers_pickup]", "false"),
                ("options[pickup_address]", ""),
                ("options[pickup_hours]", ""),
            ]),
        )
        .await
        .ok();
    assert!(offers_seen_by(&nearby).await.is_empty());
    assert_eq!(
        offers_seen_by(&m.retailer).await[0]["pickup_at"],
        serde_json::Value::Null
    );
}
