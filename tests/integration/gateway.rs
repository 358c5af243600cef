//! Online payments through the fake Razorpay: connecting an account, payment
//! links for what is due, signed webhooks recorded once (replays, a second
//! event for the same payment, forged signatures), part and excess payments,
//! concurrent webhooks on one invoice.

use crate::common::fake_razorpay::{self, FakeRazorpay, KEY_ID, KEY_SECRET, WEBHOOK_SECRET};
use crate::common::trade::Market;
use crate::common::{TestApp, pairs, spawn_app_with};
use crate::khata::{account, dues, invoiced, recount};
use serde_json::Value;

async fn app_with_gateway() -> (TestApp, FakeRazorpay) {
    let fake = FakeRazorpay::start().await;
    let mut config = auromart::server::config::Config::default();
    fake.configure(&mut config);
    (spawn_app_with(config).await, fake)
}

fn keys(id: &str, secret: &str, webhook: &str) -> Vec<(String, String)> {
    pairs(&[
        ("key_id", id),
        ("key_secret", secret),
        ("webhook_secret", webhook),
    ])
}

async fn connect(m: &Market) {
    let c = m
        .distributor
        .call(
            "khata/connect_gateway",
            &keys(KEY_ID, KEY_SECRET, WEBHOOK_SECRET),
        )
        .await;
    assert_eq!(c.ok()["key_id"], KEY_ID, "{c:?}");
}

fn hook(app: &TestApp, d: i64) -> String {
    format!("{}/webhooks/razorpay/{d}", app.base)
}

/// The shop asks for a payment link (for one invoice, or everything due).
async fn link(m: &Market, invoice: Option<i64>) -> Value {
    let mut form = pairs(&[("other_id", &m.distributor_org.to_string())]);
    if let Some(i) = invoice {
        form.push(("invoice_id".into(), i.to_string()));
    }
    m.retailer
        .call("khata/payment_link", &form)
        .await
        .ok()
        .clone()
}

async fn payments(app: &TestApp, d: i64) -> i64 {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM payments WHERE distributor_id = $1"#,
        d
    )
    .fetch_one(&app.db)
    .await
    .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_distributor_connects_razorpay_with_keys_razorpay_accepts() {
    let (app, fake) = app_with_gateway().await;
    let m = app.market(960, 50).await;
    // Shapes are checked before Razorpay is asked.
    let bad = m
        .distributor
        .call("khata/connect_gateway", &keys("key_123", "short", "x y"))
        .await;
    assert_eq!(bad.status, 422, "{bad:?}");
    for f in ["key_id", "key_secret", "webhook_secret"] {
        assert!(bad.field_reason(f).is_some(), "{f}: {bad:?}");
    }
    assert_eq!(fake.refused(), 0, "nothing reached Razorpay");
    // Razorpay refuses a wrong secret: a clear message, nothing stored.
    let wrong = m
        .distributor
        .call(
            "khata/connect_gateway",
            &keys(KEY_ID, "wrong-secret-999", WEBHOOK_SECRET),
        )
        .await;
    assert_eq!(wrong.status, 409, "{wrong:?}");
    assert!(
        wrong.body.to_string().contains("refused the API keys"),
        "{wrong:?}"
    );
    let g = m.distributor.call("khata/gateway", &[]).await;
    assert!(g.ok()["key_id"].is_null());
    // Razorpay down: try again later, nothing stored.
    fake.set_down(Some(503));
    let down = m
        .distributor
        .call(
            "khata/connect_gateway",
            &keys(KEY_ID, KEY_SECRET, WEBHOOK_SECRET),
        )
        .await;
    assert_eq!(down.status, 503, "{down:?}");
    fake.set_down(None);
    connect(&m).await;
    let g = m.distributor.call("khata/gateway", &[]).await;
    let text = g.body.to_string();
    assert_eq!(g.ok()["key_id"], KEY_ID);
    assert!(
        g.ok()["webhook_url"]
            .as_str()
            .is_some_and(|u| u.ends_with(&format!("/webhooks/razorpay/{}", m.distributor_org))),
        "{g:?}"
    );
    assert!(
        !text.contains(KEY_SECRET) && !text.contains(WEBHOOK_SECRET),
        "secrets never leave the server: {text}"
    );
    // Audited with the key id only.
    let audit: Vec<String> = sqlx::query_scalar!(
        r#"SELECT after::text AS "a!" FROM audit_log WHERE action = 'payment_gateway'"#
    )
    .fetch_all(&app.db)
    .await
    .expect("audit");
    assert_eq!(audit.len(), 1);
    assert!(audit[0].contains(KEY_ID) && !audit[0].contains(KEY_SECRET));
    // Staff cannot connect or disconnect.
    let staff = app.staff(m.distributor_org, "919811100960").await;
    let s = staff.call("khata/disconnect_gateway", &[]).await;
    assert_eq!(s.status, 403, "{s:?}");
    let off = m.distributor.call("khata/disconnect_gateway", &[]).await;
    assert!(off.ok()["key_id"].is_null());
    // Without a gateway the shop is told to pay by UPI.
    let (_, invoice, _) = invoiced(&m, 1).await;
    let l = m
        .retailer
        .call(
            "khata/payment_link",
            &pairs(&[
                ("other_id", &m.distributor_org.to_string()),
                ("invoice_id", &invoice.to_string()),
            ]),
        )
        .await;
    assert_eq!(l.status, 409, "{l:?}");
    assert!(l.body.to_string().contains("UPI"), "{l:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_paid_through_razorpay_settles_its_invoice_once() {
    let (app, fake) = app_with_gateway().await;
    let m = app.market(961, 50).await;
    connect(&m).await;
    let (_, older, older_total) = invoiced(&m, 1).await;
    let (_, invoice, total) = invoiced(&m, 2).await;
    let l = link(&m, Some(invoice)).await;
    assert_eq!(l["amount_paise"], total);
    assert!(l["qr_svg"].as_str().is_some_and(|s| s.starts_with("<svg")));
    // Asked again: the same link, not a second one at Razorpay.
    let again = link(&m, Some(invoice)).await;
    assert_eq!(again["url"], l["url"]);
    let links = fake.links();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].amount, total);
    assert_eq!(links[0].request["currency"], "INR");
    assert_eq!(links[0].request["accept_partial"], true);
    assert!(
        links[0].request["customer"]["contact"]
            .as_str()
            .is_some_and(|c| c.starts_with("+91") && c.len() == 13),
        "{:?}",
        links[0].request
    );
    assert_eq!(
        links[0].request["notes"]["retailer_id"], m.retailer_org,
        "{:?}",
        links[0].request
    );
    // The shop's "Pay online" button: a plain link that lands on Razorpay's page.
    let pay = m
        .retailer
        .http
        .get(format!(
            "{}/khata/{}/{}/pay?invoice={invoice}",
            app.base, m.distributor_org, m.retailer_org
        ))
        .send()
        .await
        .expect("pay");
    assert_eq!(pay.status().as_u16(), 303);
    assert_eq!(
        pay.headers().get("location").and_then(|v| v.to_str().ok()),
        l["url"].as_str(),
        "straight to the gateway's checkout"
    );
    // The distributor can make the same link to show at the counter.
    let d = m
        .distributor
        .call(
            "khata/payment_link",
            &pairs(&[
                ("other_id", &m.retailer_org.to_string()),
                ("invoice_id", &invoice.to_string()),
            ]),
        )
        .await;
    assert_eq!(d.ok()["url"], l["url"]);

    let url = hook(&app, m.distributor_org);
    let paid = fake.paid_event(&links[0].id, "pay_FakePay000001", total);
    // A forged signature, a missing one, another distributor's path: refused, nothing changes.
    assert_eq!(fake.post(&url, &paid, "not-the-secret", "evt_1").await, 401);
    let raw = serde_json::to_vec(&paid).expect("json");
    assert_eq!(fake.post_raw(&url, raw.clone(), None, "evt_1").await, 401);
    let mut tampered = paid.clone();
    tampered["payload"]["payment"]["entity"]["amount"] = Value::from(total * 10);
    let tampered_raw = serde_json::to_vec(&tampered).expect("json");
    assert_eq!(
        fake.post_raw(
            &url,
            tampered_raw,
            Some(fake_razorpay::sign(WEBHOOK_SECRET, &raw)),
            "evt_1"
        )
        .await,
        401,
        "the signature covers the raw body"
    );
    assert_eq!(
        fake.post(&hook(&app, m.retailer_org), &paid, WEBHOOK_SECRET, "evt_1")
            .await,
        401
    );
    assert_eq!(payments(&app, m.distributor_org).await, 0);

    assert_eq!(fake.post(&url, &paid, WEBHOOK_SECRET, "evt_1").await, 200);
    // Razorpay retries the same event, and sends another event for the same payment.
    assert_eq!(fake.post(&url, &paid, WEBHOOK_SECRET, "evt_1").await, 200);
    assert_eq!(fake.post(&url, &paid, WEBHOOK_SECRET, "evt_2").await, 200);
    assert_eq!(payments(&app, m.distributor_org).await, 1, "recorded once");

    let a = account(&m.retailer, m.distributor_org).await;
    assert_eq!(
        dues(&a).iter().map(|(_, d)| *d).collect::<Vec<_>>(),
        vec![older_total],
        "the link's invoice is paid, not the older one: {a}"
    );
    assert_eq!(a["balance_paise"], older_total);
    assert_eq!(
        a["balance_paise"],
        recount(&app, m.distributor_org, m.retailer_org).await
    );
    let p = &a["payments"][0];
    assert_eq!(p["method"], "gateway");
    assert_eq!(p["reference"], "pay_FakePay000001");
    assert!(
        p["note"]
            .as_str()
            .is_some_and(|n| n.contains("612345678901")),
        "{p}"
    );
    // The receipt goes to the shop on WhatsApp.
    let receipts: i64 = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM outbox WHERE template = 'payment_received' AND params->>'reference' LIKE 'Online%'"#
    )
    .fetch_one(&app.db)
    .await
    .expect("outbox");
    assert_eq!(receipts, 1);
    let status: String = sqlx::query_scalar!(
        "SELECT status FROM payment_links WHERE gateway_id = $1",
        links[0].id
    )
    .fetch_one(&app.db)
    .await
    .expect("link");
    assert_eq!(status, "paid");
    // The paid invoice has no link any more.
    let gone = m
        .retailer
        .call(
            "khata/payment_link",
            &pairs(&[
                ("other_id", &m.distributor_org.to_string()),
                ("invoice_id", &invoice.to_string()),
            ]),
        )
        .await;
    assert_eq!(gone.status, 409, "{gone:?}");
    let _ = older;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn part_and_excess_payments_are_recorded_as_what_they_are() {
    let (app, fake) = app_with_gateway().await;
    let m = app.market(962, 50).await;
    connect(&m).await;
    let (_, _, total) = invoiced(&m, 2).await;
    let first = link(&m, None).await;
    assert_eq!(first["amount_paise"], total);
    let links = fake.links();
    let url = hook(&app, m.distributor_org);
    // Part of it.
    let part = total / 3;
    let e = fake.paid_event(&links[0].id, "pay_FakePart00001", part);
    assert_eq!(e["event"], "payment_link.partially_paid");
    assert_eq!(fake.post(&url, &e, WEBHOOK_SECRET, "evt_p1").await, 200);
    let a = account(&m.retailer, m.distributor_org).await;
    assert_eq!(a["balance_paise"], total - part);
    assert_eq!(a["open"][0]["unpaid"], false, "part-paid");
    // A new link is for what is left; the old one is cancelled at Razorpay.
    let second = link(&m, None).await;
    assert_eq!(second["amount_paise"], total - part);
    assert_ne!(second["url"], first["url"]);
    let links = fake.links();
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].status, "cancelled", "{links:?}");
    // More than is due (the shop paid the old link's full amount before it was
    // cancelled): the rest is an advance, not lost and not refused.
    let e = fake.paid_event(&links[1].id, "pay_FakeMore00001", total);
    assert_eq!(fake.post(&url, &e, WEBHOOK_SECRET, "evt_p2").await, 200);
    let a = account(&m.distributor, m.retailer_org).await;
    assert_eq!(a["balance_paise"], -part, "{a}");
    assert_eq!(a["advance_paise"], part);
    assert!(dues(&a).is_empty());
    // Nothing due: no link.
    let none = m
        .retailer
        .call(
            "khata/payment_link",
            &pairs(&[("other_id", &m.distributor_org.to_string())]),
        )
        .await;
    assert_eq!(none.status, 409);
    // Events for links we did not make, or that change nothing, are stored and answered 200.
    let cancelled = serde_json::json!({"event": "payment_link.cancelled",
        "payload": {"payment_link": {"entity": {"id": "plink_Unknown", "status": "cancelled"}}}});
    assert_eq!(
        fake.post(&url, &cancelled, WEBHOOK_SECRET, "evt_p3").await,
        200
    );
    // A body that is not an event, correctly signed: 400, nothing stored.
    let junk = b"{\"not\": \"an event\"}".to_vec();
    let sig = fake_razorpay::sign(WEBHOOK_SECRET, &junk);
    assert_eq!(fake.post_raw(&url, junk, Some(sig), "evt_p4").await, 400);
    let events: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM gateway_events"#)
        .fetch_one(&app.db)
        .await
        .expect("events");
    assert_eq!(events, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_webhooks_and_a_cash_payment_on_one_invoice_add_up() {
    let (app, fake) = app_with_gateway().await;
    let m = app.market(963, 50).await;
    connect(&m).await;
    let (_, invoice, total) = invoiced(&m, 3).await;
    link(&m, Some(invoice)).await;
    let id = fake.links()[0].id.clone();
    let url = hook(&app, m.distributor_org);
    let half = total / 2;
    let a = fake.paid_event(&id, "pay_FakeConcA0001", half);
    let b = fake.paid_event(&id, "pay_FakeConcB0001", total - half);
    let cash = crate::khata::payment(
        m.retailer_org,
        "10.00",
        "cash",
        "",
        &[],
        true,
        "key-concurrent-cash",
    );
    let (x, y, z, w) = tokio::join!(
        fake.post(&url, &a, WEBHOOK_SECRET, "evt_c1"),
        fake.post(&url, &b, WEBHOOK_SECRET, "evt_c2"),
        fake.post(&url, &a, WEBHOOK_SECRET, "evt_c1"),
        crate::khata::pay(&m.distributor, &app, cash),
    );
    assert_eq!((x, y, z), (200, 200, 200));
    assert!(w.status < 400, "{w:?}");
    assert_eq!(payments(&app, m.distributor_org).await, 3);
    let expected = recount(&app, m.distributor_org, m.retailer_org).await;
    assert_eq!(expected, -1_000, "₹10 more than the invoice: an advance");
    let a = account(&m.distributor, m.retailer_org).await;
    assert_eq!(a["balance_paise"], expected);
    assert_eq!(a["advance_paise"], 1_000);
    // The collections report has each payment, and adds up to what was paid.
    let (status, _, csv) = m
        .distributor
        .download("/reports/receivables/collections/csv?period=this_month")
        .await;
    assert_eq!(status, 200);
    let csv = String::from_utf8(csv).expect("utf-8");
    assert!(
        csv.contains("pay_FakeConcA0001") && csv.contains("pay_FakeConcB0001"),
        "{csv}"
    );
    let total_line = csv.lines().last().unwrap_or_default().to_string();
    assert!(
        total_line.ends_with(&format!(
            "{}.{:02}",
            (total + 1_000) / 100,
            (total + 1_000) % 100
        )),
        "{total_line}"
    );
    // What shops owe today: an advance is a negative balance.
    let (status, _, csv) = m
        .distributor
        .download("/reports/receivables/receivables/csv?period=this_month")
        .await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&csv).contains("-10.00"));
    let (status, _, pdf) = m
        .distributor
        .download("/reports/receivables/receivables/pdf?period=this_month")
        .await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF"));
    // Shops have no receivables report.
    let (status, _, _) = m
        .retailer
        .download("/reports/receivables/receivables/csv?period=this_month")
        .await;
    assert_eq!(status, 403);
}
