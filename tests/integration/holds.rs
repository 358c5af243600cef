//! Credit holds: an order past the shop's credit limit, or from a shop with
//! dues long overdue, is placed but held with its reason shown to both sides;
//! it cannot be accepted until the distributor's owner approves it once or
//! raises the limit; two orders at once are checked one after the other.

use crate::common::trade::{Market, order_form};
use crate::common::{TestApp, pairs, spawn_app};
use crate::khata::{invoiced, pay, payment, rupees};
use serde_json::Value;

/// Sets the shop's days to pay and credit limit (empty: the default, none).
pub(crate) async fn terms(m: &Market, days: &str, limit: &str) {
    let t = m
        .distributor
        .call(
            "khata/set_terms",
            &pairs(&[
                ("retailer_id", &m.retailer_org.to_string()),
                ("due_days", days),
                ("credit_limit", limit),
            ]),
        )
        .await;
    assert!(t.status < 400, "{t:?}");
}

async fn detail(m: &Market, order: i64) -> Value {
    m.retailer
        .call("orders/detail", &pairs(&[("id", &order.to_string())]))
        .await
        .ok()
        .clone()
}

async fn alerts(app: &TestApp, order: i64) -> Vec<(String, Value)> {
    sqlx::query!(
        "SELECT template, params FROM outbox WHERE order_id = $1 ORDER BY id",
        order
    )
    .fetch_all(&app.db)
    .await
    .expect("outbox")
    .into_iter()
    .map(|r| (r.template, r.params))
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_past_the_credit_limit_waits_for_approval() {
    let app = spawn_app().await;
    let m = app.market(970, 200).await;
    let (_, _, first) = invoiced(&m, 2).await;
    // A limit that the invoice plus one more unit passes.
    let unit = first / 2;
    terms(&m, "", &rupees(first + unit / 2)).await;
    let held = m.order(1).await;
    let id = held["id"].as_i64().expect("order");
    let why = held["held"]
        .as_str()
        .expect("held with a reason")
        .to_string();
    assert!(why.starts_with("Over the credit limit"), "{why}");
    assert!(why.contains("limit ₹"), "{why}");
    // Both sides see it.
    assert_eq!(detail(&m, id).await["order"]["held"], why.as_str());
    let list = m
        .distributor
        .call(
            "orders/list",
            &pairs(&[
                ("filter[state]", ""),
                ("filter[from]", ""),
                ("filter[to]", ""),
                ("filter[q]", ""),
            ]),
        )
        .await;
    assert!(
        list.ok()
            .as_array()
            .is_some_and(|l| l.iter().any(|o| o["id"] == id && o["held"] == why.as_str())),
        "{list:?}"
    );
    // The distributor's alert says why, with the figures.
    let sent = alerts(&app, id).await;
    assert!(
        sent.iter().all(|(t, _)| t == "order_held_limit"),
        "{sent:?}"
    );
    assert_eq!(sent[0].1["limit_paise"], first + unit / 2);
    assert_eq!(
        sent[0].1["exposure_paise"],
        first + held["total_paise"].as_i64().unwrap_or(0)
    );
    // Not accepted while held (a WhatsApp tap goes through the same check).
    let refused = m.act(&m.distributor, id, "accept_deliver", "").await;
    assert_eq!(refused.status, 409, "{refused:?}");
    assert!(refused.body.to_string().contains("held"), "{refused:?}");
    // Staff cannot approve; the owner can, once.
    let staff = app.staff(m.distributor_org, "919811100970").await;
    let s = staff
        .call(
            "khata/approve_held_order",
            &pairs(&[("order_id", &id.to_string())]),
        )
        .await;
    assert_eq!(s.status, 403, "{s:?}");
    let ok = m
        .distributor
        .call(
            "khata/approve_held_order",
            &pairs(&[("order_id", &id.to_string())]),
        )
        .await;
    assert!(ok.status < 400, "{ok:?}");
    assert!(detail(&m, id).await["order"]["held"].is_null());
    let again = m
        .distributor
        .call(
            "khata/approve_held_order",
            &pairs(&[("order_id", &id.to_string())]),
        )
        .await;
    assert_eq!(again.status, 409);
    let accepted = m.act(&m.distributor, id, "accept_deliver", "").await;
    assert!(accepted.status < 400, "{accepted:?}");
    let timeline = detail(&m, id).await["events"].to_string();
    assert!(timeline.contains("Approved once"), "{timeline}");

    // The next order is held too; raising the limit lets it through by itself.
    let next = m.order(1).await;
    let next_id = next["id"].as_i64().expect("order");
    assert!(next["held"].is_string());
    terms(&m, "", "1000000").await;
    assert!(detail(&m, next_id).await["order"]["held"].is_null());
    assert!(
        m.act(&m.distributor, next_id, "accept_deliver", "")
            .await
            .status
            < 400
    );
    // No limit at all: nothing is held.
    terms(&m, "", "").await;
    assert!(m.order(1).await["held"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_orders_at_once_cannot_both_slip_under_the_limit() {
    let app = spawn_app().await;
    let m = app.market(971, 200).await;
    let one = m.order(1).await;
    let total = one["total_paise"].as_i64().expect("total");
    m.act(&m.retailer, one["id"].as_i64().expect("id"), "cancel", "")
        .await;
    // Room for one order of this size, not two.
    terms(&m, "", &rupees(total + total / 2)).await;
    let a = order_form(m.distributor_org, &[(m.listing_id, 1)], None);
    let b = order_form(m.distributor_org, &[(m.listing_id, 1)], None);
    let (x, y) = tokio::join!(
        m.retailer.call("orders/place", &a),
        m.retailer.call("orders/place", &b),
    );
    let held: Vec<bool> = [x.ok(), y.ok()]
        .iter()
        .map(|o| o["held"].is_string())
        .collect();
    assert_eq!(
        held.iter().filter(|h| **h).count(),
        1,
        "exactly one waits: {x:?} {y:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shop_with_dues_long_overdue_waits_until_it_pays() {
    let app = spawn_app().await;
    let m = app.market(972, 200).await;
    let bad = m
        .distributor
        .call("khata/set_hold_days", &pairs(&[("days", "400")]))
        .await;
    assert_eq!(bad.status, 422);
    let set = m
        .distributor
        .call("khata/set_hold_days", &pairs(&[("days", "30")]))
        .await;
    assert_eq!(set.ok(), &Value::from(30));
    let (_, invoice, total) = invoiced(&m, 1).await;
    // 45 days pass (the invoice is otherwise never changed).
    sqlx::query("ALTER TABLE invoices DISABLE TRIGGER invoices_immutable")
        .execute(&app.db)
        .await
        .expect("trigger off");
    sqlx::query!(
        "UPDATE invoices SET issued_on = ist_today() - 60, due_on = ist_today() - 45 WHERE id = $1",
        invoice
    )
    .execute(&app.db)
    .await
    .expect("backdate");
    sqlx::query("ALTER TABLE invoices ENABLE TRIGGER invoices_immutable")
        .execute(&app.db)
        .await
        .expect("trigger on");
    let held = m.order(1).await;
    let why = held["held"].as_str().expect("held").to_string();
    assert!(why.contains("overdue, the oldest by 45 days"), "{why}");
    let id = held["id"].as_i64().expect("id");
    let sent = alerts(&app, id).await;
    assert_eq!(sent[0].0, "order_held_overdue");
    assert_eq!(sent[0].1["days"], "45");
    // Paid: the next order goes straight through.
    let p = pay(
        &m.distributor,
        &app,
        payment(
            m.retailer_org,
            &rupees(total),
            "cash",
            "",
            &[],
            false,
            "key-holds-overdue-1",
        ),
    )
    .await;
    assert!(p.status < 400, "{p:?}");
    assert!(m.order(1).await["held"].is_null());
    // Never hold: the setting is cleared.
    let off = m
        .distributor
        .call("khata/set_hold_days", &pairs(&[("days", "")]))
        .await;
    assert!(off.ok().is_null());
    let r = m.distributor.call("khata/receivables", &[]).await;
    assert!(r.ok()["hold_overdue_days"].is_null());
}
