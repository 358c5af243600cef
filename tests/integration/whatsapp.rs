//! WhatsApp against a fake Graph API on loopback: exact request bodies and headers,
//! signed webhooks, button replies, delivery receipts, retries, several senders,
//! monthly statements and broadcasts.

use crate::common::fake_graph::{APP_SECRET, FakeGraph, PHONE_ID, Recorded, TOKEN, VERSION};
use crate::common::{TestApp, pairs, spawn_app_with, spawn_process};
use auromart::domain::Paise;
use auromart::server::config::Config;
use auromart::whatsapp::webhook::{envelope, signature};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

async fn wa_app() -> (TestApp, FakeGraph) {
    let fake = FakeGraph::start().await;
    let mut config = Config::default();
    fake.configure(&mut config);
    (spawn_app_with(config).await, fake)
}

fn to(phone_n: u32) -> String {
    format!("91{}", crate::common::phone(phone_n))
}

fn sent_to<'a>(msgs: &'a [Recorded], number: &str, template: &str) -> Vec<&'a Recorded> {
    msgs.iter()
        .filter(|r| r.json["to"] == number && r.json["template"]["name"] == template)
        .collect()
}

/// POSTs a webhook body signed (or not) as Meta would.
async fn webhook(app: &TestApp, value: Value, sig: Option<&str>) -> u16 {
    let body = serde_json::to_vec(&envelope(value)).expect("json");
    let mut req = reqwest::Client::new()
        .post(format!("{}/webhooks/whatsapp", app.base))
        .header("content-type", "application/json");
    let good = signature(APP_SECRET.as_bytes(), &body);
    match sig {
        Some("good") => req = req.header("x-hub-signature-256", good),
        Some(other) => req = req.header("x-hub-signature-256", other),
        None => {}
    }
    req.body(body)
        .send()
        .await
        .expect("webhook reaches the server")
        .status()
        .as_u16()
}

fn tap(from: &str, id: &str, payload: &str) -> Value {
    json!({"messages": [{"from": from, "id": id, "timestamp": "1764000000", "type": "button",
                         "button": {"payload": payload, "text": "x"}}]})
}

async fn order_state(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar!("SELECT state FROM orders WHERE id = $1", id)
        .fetch_one(&app.db)
        .await
        .expect("order")
}

async fn wait_outbox_settled(app: &TestApp, secs: u64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let open: i64 = sqlx::query_scalar!(
            r#"SELECT count(*) AS "v!" FROM outbox WHERE state IN ('pending', 'sending')"#
        )
        .fetch_one(&app.db)
        .await
        .expect("count");
        if open == 0 {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{open} messages still waiting"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How many times each announcement text reached the fake API.
fn times_sent(fake: &FakeGraph) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for r in fake.messages() {
        let text = r.json["template"]["components"][0]["parameters"][0]["text"]
            .as_str()
            .unwrap_or("")
            .to_string();
        *seen.entry(text).or_default() += 1;
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_order_alerts_the_distributor_with_three_buttons_and_the_invoice_follows() {
    let (app, fake) = wa_app().await;
    let m = app.market(300, 50).await;
    let order = m.order(4).await;
    let id = order["id"].as_i64().expect("id");
    let total = Paise(order["total_paise"].as_i64().expect("total")).to_string();
    let distributor = to(301);
    fake.wait_for(10, "the new-order alert", |msgs| {
        !sent_to(msgs, &distributor, "order_placed").is_empty()
    })
    .await;
    let msgs = fake.messages();
    let alert = sent_to(&msgs, &distributor, "order_placed")[0];
    assert_eq!(alert.path, format!("/{VERSION}/{PHONE_ID}/messages"));
    assert_eq!(alert.authorization, format!("Bearer {TOKEN}"));
    assert_eq!(alert.content_type, "application/json");
    let outbox_id: i64 = sqlx::query_scalar!(
        "SELECT id FROM outbox WHERE order_id = $1 AND template = 'order_placed'",
        id
    )
    .fetch_one(&app.db)
    .await
    .expect("outbox row");
    let button = |i: usize, action: &str| {
        json!({"type": "button", "sub_type": "quick_reply", "index": i.to_string(),
               "parameters": [{"type": "payload", "payload": format!("order:{id}:{action}")}]})
    };
    assert_eq!(
        alert.json,
        json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": distributor,
            "type": "template",
            "template": {
                "name": "order_placed",
                "language": {"code": "en"},
                "components": [
                    {"type": "body", "parameters": [
                        {"type": "text", "text": "Test Shop 302"},
                        {"type": "text", "text": id.to_string()},
                        {"type": "text", "text": "Marie Gold Biscuits 200 g × 4"},
                        {"type": "text", "text": total}
                    ]},
                    button(0, "accept_deliver"),
                    button(1, "accept_pickup"),
                    button(2, "reject")
                ]
            },
            "biz_opaque_callback_data": format!("outbox:{outbox_id}")
        })
    );
    wait_outbox_settled(&app, 10).await;
    let wamid: String = sqlx::query_scalar!(
        r#"SELECT provider_message_id AS "v!" FROM outbox WHERE id = $1"#,
        outbox_id
    )
    .fetch_one(&app.db)
    .await
    .expect("sent");
    assert_eq!(wamid, alert.id, "the API's message id is kept");

    // Accepting on the dashboard: the retailer hears of it and gets the invoice PDF.
    m.act(&m.distributor, id, "accept_deliver", "").await.ok();
    let retailer = to(302);
    fake.wait_for(10, "acceptance and invoice", |msgs| {
        !sent_to(msgs, &retailer, "order_accepted_delivery").is_empty()
            && !sent_to(msgs, &retailer, "invoice_issued").is_empty()
    })
    .await;
    let msgs = fake.messages();
    let accepted = sent_to(&msgs, &retailer, "order_accepted_delivery")[0];
    assert_eq!(
        accepted.json["template"]["components"][0]["parameters"],
        json!([{"type": "text", "text": "Test Shop 301"}, {"type": "text", "text": id.to_string()},
               {"type": "text", "text": total}])
    );
    let number: String = sqlx::query_scalar!("SELECT number FROM invoices WHERE order_id = $1", id)
        .fetch_one(&app.db)
        .await
        .expect("invoice");
    let upload = fake
        .accepted()
        .into_iter()
        .find(|r| r.path.ends_with("/media"))
        .expect("the PDF was uploaded");
    assert_eq!(upload.authorization, format!("Bearer {TOKEN}"));
    let raw = String::from_utf8_lossy(&upload.raw);
    assert!(raw.contains(&format!("filename=\"{}.pdf\"", number.replace('/', "-"))));
    assert!(raw.contains("application/pdf"));
    let invoice = sent_to(&msgs, &retailer, "invoice_issued")[0];
    assert_eq!(
        invoice.json["template"]["components"][0],
        json!({"type": "header", "parameters": [{"type": "document", "document": {
            "id": upload.id, "filename": format!("{}.pdf", number.replace('/', "-"))}}]})
    );
    assert_eq!(
        invoice.json["template"]["components"][1]["parameters"][1]["text"],
        number
    );
    wait_outbox_settled(&app, 10).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_need_a_valid_signature_and_the_handshake_needs_the_token() {
    let (app, _fake) = wa_app().await;
    let m = app.market(310, 10).await;
    let id = m.order(1).await["id"].as_i64().expect("id");
    let from = to(311);
    let body = tap(&from, "wamid.in.1", &format!("order:{id}:accept_deliver"));
    assert_eq!(webhook(&app, body.clone(), None).await, 401);
    let forged = signature(b"not-the-secret", b"whatever");
    assert_eq!(webhook(&app, body.clone(), Some(&forged)).await, 401);
    assert_eq!(webhook(&app, body.clone(), Some("sha256=00")).await, 401);
    assert_eq!(order_state(&app, id).await, "placed");
    let events: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "v!" FROM webhook_events"#)
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(events, 0, "a refused webhook changes nothing");

    let http = reqwest::Client::new();
    let verify = |token: &str| {
        http.get(format!(
            "{}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=12345",
            app.base
        ))
        .send()
    };
    let ok = verify("verify-me").await.expect("get");
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(ok.text().await.expect("body"), "12345");
    assert_eq!(verify("wrong").await.expect("get").status().as_u16(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_button_tap_moves_the_order_once_and_only_for_the_distributors_people() {
    let (app, fake) = wa_app().await;
    let m = app.market(320, 10).await;
    let id = m.order(2).await["id"].as_i64().expect("id");

    // A stranger's tap (and the retailer's own) is refused and answered.
    let stranger = "919999999999";
    assert_eq!(
        webhook(
            &app,
            tap(
                stranger,
                "wamid.in.s",
                &format!("order:{id}:accept_deliver")
            ),
            Some("good")
        )
        .await,
        200
    );
    let retailer = to(322);
    webhook(
        &app,
        tap(
            &retailer,
            "wamid.in.r",
            &format!("order:{id}:accept_deliver"),
        ),
        Some("good"),
    )
    .await;
    assert_eq!(order_state(&app, id).await, "placed");
    fake.wait_for(10, "the refusal", |msgs| {
        msgs.iter().any(|r| {
            r.json["to"] == stranger
                && r.json["text"]["body"]
                    .as_str()
                    .is_some_and(|b| b.contains("not registered with the distributor"))
        })
    })
    .await;

    // The distributor's owner taps "Accept & deliver" — and Meta delivers it three times.
    let owner = to(321);
    let body = tap(&owner, "wamid.in.ok", &format!("order:{id}:accept_deliver"));
    let (a, b, c) = tokio::join!(
        webhook(&app, body.clone(), Some("good")),
        webhook(&app, body.clone(), Some("good")),
        webhook(&app, body.clone(), Some("good"))
    );
    assert_eq!((a, b, c), (200, 200, 200));
    assert_eq!(order_state(&app, id).await, "accepted");
    let (via, mode) = sqlx::query!(
        r#"SELECT e.via AS "via: String", o.delivery_mode AS "mode!: String" FROM order_events e JOIN orders o ON o.id = e.order_id
            WHERE e.order_id = $1 AND e.to_state = 'accepted'"#,
        id
    )
    .fetch_one(&app.db)
    .await
    .map(|r| (r.via, r.mode))
    .expect("event");
    assert_eq!((via.as_str(), mode.as_str()), ("whatsapp", "deliver"));
    let invoices: i64 = sqlx::query_scalar!(
        r#"SELECT count(*) AS "v!" FROM invoices WHERE order_id = $1"#,
        id
    )
    .fetch_one(&app.db)
    .await
    .expect("count");
    assert_eq!(invoices, 1, "one acceptance, one invoice");
    fake.wait_for(10, "the confirmation", |msgs| {
        msgs.iter().any(|r| {
            r.json["to"] == owner.as_str()
                && r.json["text"]["body"] == format!("Done: order #{id} is now confirmed.")
        })
    })
    .await;
    wait_outbox_settled(&app, 10).await;
    let replies = fake
        .messages()
        .iter()
        .filter(|r| r.json["to"] == owner.as_str() && r.json["type"] == "text")
        .count();
    assert_eq!(replies, 1, "a repeated webhook answers once");
    assert!(
        !fake.messages().iter().any(|r| r.json["text"]["body"]
            .as_str()
            .is_some_and(|b| b.contains("was not changed"))),
        "the copies of one tap are one event, not a refused second tap"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejecting_on_whatsapp_asks_for_a_reason_with_reply_buttons() {
    let (app, fake) = wa_app().await;
    let m = app.market(330, 10).await;
    let id = m.order(3).await["id"].as_i64().expect("id");
    let owner = to(331);
    webhook(
        &app,
        tap(&owner, "wamid.in.rj", &format!("order:{id}:reject")),
        Some("good"),
    )
    .await;
    fake.wait_for(10, "the reason picker", |msgs| {
        msgs.iter()
            .any(|r| r.json["to"] == owner.as_str() && r.json["type"] == "interactive")
    })
    .await;
    let msgs = fake.messages();
    let picker = msgs
        .iter()
        .find(|r| r.json["type"] == "interactive")
        .expect("picker");
    assert_eq!(
        picker.json["interactive"],
        json!({
            "type": "button",
            "body": {"text": format!("Why are you rejecting order #{id}? The retailer will see the reason.")},
            "action": {"buttons": [
                {"type": "reply", "reply": {"id": format!("order:{id}:reject:stock"), "title": "Items out of stock"}},
                {"type": "reply", "reply": {"id": format!("order:{id}:reject:area"), "title": "Area not served"}},
                {"type": "reply", "reply": {"id": format!("order:{id}:reject:closed"), "title": "Shop closed today"}}
            ]}
        })
    );
    assert_eq!(order_state(&app, id).await, "placed");
    let reply = json!({"messages": [{"from": owner, "id": "wamid.in.rj2", "timestamp": "1764000000",
        "type": "interactive", "interactive": {"type": "button_reply",
        "button_reply": {"id": format!("order:{id}:reject:stock"), "title": "Items out of stock"}}}]});
    webhook(&app, reply, Some("good")).await;
    assert_eq!(order_state(&app, id).await, "rejected");
    let retailer = to(332);
    fake.wait_for(10, "the rejection", |msgs| {
        sent_to(msgs, &retailer, "order_rejected").iter().any(|r| {
            r.json["template"]["components"][0]["parameters"][2]["text"] == "Items out of stock"
        })
    })
    .await;
    let (on_hand, reserved) = m.stock(&app.db).await;
    assert_eq!((on_hand, reserved), (10, 0), "rejection released the stock");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivery_receipts_only_move_forward_and_show_on_the_timeline() {
    let (app, fake) = wa_app().await;
    let m = app.market(340, 10).await;
    let id = m.order(1).await["id"].as_i64().expect("id");
    let distributor = to(341);
    fake.wait_for(10, "alert", |msgs| {
        !sent_to(msgs, &distributor, "order_placed").is_empty()
    })
    .await;
    wait_outbox_settled(&app, 10).await;
    let wamid = sent_to(&fake.messages(), &distributor, "order_placed")[0]
        .id
        .clone();
    let status = |s: &str| json!({"statuses": [{"id": wamid, "status": s, "timestamp": "1764000100", "recipient_id": distributor}]});
    for s in ["sent", "read", "delivered", "read"] {
        assert_eq!(webhook(&app, status(s), Some("good")).await, 200);
    }
    let delivery: Option<String> = sqlx::query_scalar!(
        "SELECT delivery FROM outbox WHERE provider_message_id = $1",
        &wamid
    )
    .fetch_one(&app.db)
    .await
    .expect("row");
    assert_eq!(
        delivery.as_deref(),
        Some("read"),
        "a late 'delivered' never undoes 'read'"
    );
    let detail = m
        .retailer
        .call("orders/detail", &pairs(&[("id", &id.to_string())]))
        .await;
    let messages = detail.ok()["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        messages
            .iter()
            .any(|x| x["template"] == "order_placed" && x["delivery"] == "read"),
        "{messages:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_retried_until_the_api_recovers_and_permanent_ones_reach_the_admin() {
    let fake = FakeGraph::start().await;
    let mut config = Config::default();
    fake.configure(&mut config);
    // 500s and 429s for a while: every message still arrives exactly once.
    fake.fail_next(6, 500, 131000);
    fake.fail_next(6, 429, 130429);
    let app = spawn_app_with(config).await;
    let m = app.market(350, 50).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(m.order(1).await["id"].as_i64().expect("id"));
    }
    wait_outbox_settled(&app, 30).await;
    assert!(fake.refused() >= 12, "the failures were served");
    let msgs = fake.messages();
    for id in &ids {
        let n = msgs
            .iter()
            .filter(|r| {
                r.json["template"]["components"][0]["parameters"][1]["text"].as_str()
                    == Some(id.to_string().as_str())
            })
            .count();
        assert_eq!(n, 1, "order {id}'s alert sent exactly once");
    }
    let (sent, retried) = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE state = 'sent') AS "sent!", count(*) FILTER (WHERE attempts > 1) AS "retried!" FROM outbox"#
    )
    .fetch_one(&app.db)
    .await
    .map(|r| (r.sent, r.retried))
    .expect("counts");
    assert_eq!(sent, 5);
    assert!(retried > 0);

    // A validation error is not retried: the admin sees it with the API's reason.
    fake.fail_next(1, 400, 132001);
    m.order(1).await;
    wait_outbox_settled(&app, 10).await;
    let (admin, _) = app.admin().await;
    let failed = admin.call("whatsapp/failed", &[]).await;
    let list = failed.ok().as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 1, "{list:?}");
    assert!(
        list[0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("code 132001") && e.contains("scripted failure")),
        "{list:?}"
    );
    assert_eq!(list[0]["attempts"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_server_processes_never_send_the_same_message() {
    let fake = FakeGraph::start().await;
    fake.set_delay(Duration::from_millis(5));
    let mut config = Config::default();
    fake.configure(&mut config);
    config.whatsapp.sender = false;
    let app = spawn_app_with(config.clone()).await;
    // 300 messages queued while no sender runs…
    sqlx::query!(
        "INSERT INTO outbox (dedupe_key, recipient, template, language, params, transactional)
         SELECT 'load:' || g, '9198000' || lpad(g::text, 5, '0'), 'announcement', 'en',
                jsonb_build_object('message', 'Message ' || g), true
           FROM generate_series(1, 300) g"
    )
    .execute(&app.db)
    .await
    .expect("queue");
    // …then two processes start sending from the same database.
    config.whatsapp.sender = true;
    let a = spawn_process(&app.db_url, config.clone()).await;
    let b = spawn_process(&app.db_url, config).await;
    wait_outbox_settled(&app, 60).await;
    let seen = times_sent(&fake);
    assert_eq!(seen.len(), 300);
    assert!(seen.values().all(|&n| n == 1), "no message sent twice");
    drop((a, b));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_monthly_statement_goes_once_per_retailer_and_distributor() {
    let (app, fake) = wa_app().await;
    let m = app.market(370, 20).await;
    let id = m.order(2).await["id"].as_i64().expect("id");
    m.act(&m.distributor, id, "accept_deliver", "").await.ok();
    let month: String = sqlx::query_scalar!(
        r#"SELECT to_char(issued_on, 'YYYY-MM') AS "v!" FROM invoices WHERE order_id = $1"#,
        id
    )
    .fetch_one(&app.db)
    .await
    .expect("invoice month");
    let first = auromart::whatsapp::monthly::run(&app.db, &month)
        .await
        .expect("runs");
    let again = auromart::whatsapp::monthly::run(&app.db, &month)
        .await
        .expect("runs");
    assert_eq!(
        (first, again),
        (Some(3), None),
        "the shop's statement, the distributor's and the brand's summaries; the second run does nothing"
    );
    let retailer = to(372);
    fake.wait_for(15, "the statement", |msgs| {
        !sent_to(msgs, &retailer, "monthly_statement").is_empty()
    })
    .await;
    let msgs = fake.messages();
    let s = sent_to(&msgs, &retailer, "monthly_statement");
    assert_eq!(s.len(), 1);
    let params = &s[0].json["template"]["components"][1]["parameters"];
    assert_eq!(params[1]["text"], "Test Shop 371");
    assert_eq!(params[2]["text"], "1");
    assert!(
        s[0].json["template"]["components"][0]["parameters"][0]["document"]["filename"]
            .as_str()
            .is_some_and(|f| f.ends_with(".pdf"))
    );
    // The distributor's month and the brand's, each with its report as a PDF.
    for (number, template, file, orders) in [
        (to(371), "monthly_sales_summary", "sales-summary-", "1"),
        (to(370), "monthly_brand_summary", "brand-summary-", "2"),
    ] {
        fake.wait_for(15, template, |msgs| {
            !sent_to(msgs, &number, template).is_empty()
        })
        .await;
        let msgs = fake.messages();
        let s = sent_to(&msgs, &number, template);
        assert_eq!(s.len(), 1, "{template} once");
        let components = &s[0].json["template"]["components"];
        assert!(
            components[0]["parameters"][0]["document"]["filename"]
                .as_str()
                .is_some_and(|f| f.starts_with(file) && f.ends_with(&format!("{month}.pdf"))),
            "{template}: {components}"
        );
        // Orders for the distributor, units for the brand.
        assert_eq!(components[1]["parameters"][1]["text"], orders, "{template}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcasts_skip_those_who_opted_out_and_report_progress() {
    let (app, fake) = wa_app().await;
    let mut retailers = Vec::new();
    for n in 380..383 {
        retailers.push(app.active(auromart::domain::OrgKind::Retailer, n).await);
    }
    // One retailer replies STOP on WhatsApp.
    let stopper = to(381);
    let stop = json!({"messages": [{"from": stopper, "id": "wamid.in.stop", "timestamp": "1764000000",
                                    "type": "text", "text": {"body": " stop "}}]});
    assert_eq!(webhook(&app, stop, Some("good")).await, 200);
    let (admin, _) = app.admin().await;
    let bad = admin
        .call(
            "whatsapp/broadcast",
            &pairs(&[
                ("message", ""),
                ("segment", "pincode"),
                ("segment_value", "0x"),
                ("per_second", "500"),
            ]),
        )
        .await;
    assert_eq!(bad.status, 422);
    for f in ["message", "segment_value", "per_second"] {
        assert!(bad.field_reason(f).is_some(), "{f}: {:?}", bad.body);
    }
    let started = admin
        .call(
            "whatsapp/broadcast",
            &pairs(&[
                ("message", "Diwali offers start Monday"),
                ("segment", "retailers"),
                ("segment_value", ""),
                ("per_second", "4"),
            ]),
        )
        .await;
    assert_eq!(
        started.ok()["recipients"],
        2,
        "the opted-out retailer is left out"
    );
    wait_outbox_settled(&app, 20).await;
    let msgs = fake.messages();
    let got: Vec<&str> = msgs
        .iter()
        .filter(|r| r.json["template"]["name"] == "announcement")
        .filter_map(|r| r.json["to"].as_str())
        .collect();
    assert_eq!(got.len(), 2);
    assert!(!got.contains(&stopper.as_str()));
    let list = admin.call("whatsapp/broadcasts", &[]).await;
    assert_eq!(list.ok()[0]["sent"], 2);
    // And the STOP was answered.
    assert!(msgs.iter().any(|r| {
        r.json["to"] == stopper.as_str()
            && r.json["text"]["body"]
                .as_str()
                .is_some_and(|b| b.contains("no longer get AuroMart announcements"))
    }));
    // Paced: at 4 a second each message has its own turn, 250 ms apart, and none went
    // before its turn.
    let times: Vec<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> =
        sqlx::query!(
            r#"SELECT next_attempt_at, sent_at AS "sent_at!" FROM outbox WHERE broadcast_id IS NOT NULL ORDER BY next_attempt_at"#
        )
        .fetch_all(&app.db)
        .await
        .expect("times")
        .into_iter()
        .map(|r| (r.next_attempt_at, r.sent_at))
        .collect();
    assert_eq!(times[1].0 - times[0].0, chrono::Duration::milliseconds(250));
    assert!(times.iter().all(|(turn, sent)| sent >= turn), "{times:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_phone_shows_the_alert_and_its_buttons_work() {
    let app = crate::common::spawn_app().await;
    let m = app.market(390, 10).await;
    let id = m.order(1).await["id"].as_i64().expect("id");
    let (admin, _) = app.admin().await;
    let distributor = to(391);
    let mut chat = Value::Null;
    for _ in 0..100 {
        chat = admin
            .call("whatsapp/sandbox_chat", &pairs(&[("phone", &distributor)]))
            .await
            .ok()
            .clone();
        if chat.as_array().is_some_and(|a| !a.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let first = &chat[0];
    assert!(
        first["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("New order from Test Shop 392.")),
        "{chat}"
    );
    assert_eq!(
        first["buttons"],
        json!(["Accept & deliver", "Accept – pickup", "Reject"])
    );
    let tapped = admin
        .call(
            "whatsapp/sandbox_tap",
            &pairs(&[("message_id", &first["id"].to_string()), ("button", "1")]),
        )
        .await;
    assert!(
        tapped
            .ok()
            .as_str()
            .is_some_and(|s| s.starts_with("accepted order")),
        "{:?}",
        tapped.body
    );
    assert_eq!(order_state(&app, id).await, "accepted");
    let mode: String = sqlx::query_scalar!(
        r#"SELECT delivery_mode AS "v!: String" FROM orders WHERE id = $1"#,
        id
    )
    .fetch_one(&app.db)
    .await
    .expect("mode");
    assert_eq!(mode, "pickup");
    // The sandbox phone went through the real webhook: receipts arrived too.
    let read: Option<String> = sqlx::query_scalar!(
        "SELECT delivery FROM outbox WHERE order_id = $1 AND template = 'order_placed'",
        id
    )
    .fetch_one(&app.db)
    .await
    .expect("row");
    assert_eq!(
        read.as_deref(),
        Some("read"),
        "opening the chat sent read receipts"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_a_dead_process_left_sending_are_sent_once_when_its_lease_ends() {
    let fake = FakeGraph::start().await;
    let mut config = Config::default();
    fake.configure(&mut config);
    config.whatsapp.sender = false;
    let app = spawn_app_with(config.clone()).await;
    // What a process killed mid-batch leaves: 50 rows claimed ('sending', lease still
    // running), 50 already sent, 50 never claimed.
    sqlx::query!("INSERT INTO outbox (dedupe_key, recipient, template, language, params, state, attempts, lease_until,
                             provider_message_id, sent_at)
         SELECT 'crash:' || g, '9198100' || lpad(g::text, 5, '0'), 'announcement', 'en',
                jsonb_build_object('message', 'Message ' || g),
                CASE WHEN g <= 50 THEN 'sending' WHEN g <= 100 THEN 'sent' ELSE 'pending' END,
                CASE WHEN g <= 100 THEN 1 ELSE 0 END,
                CASE WHEN g <= 50 THEN now() + interval '1 hour' END,
                CASE WHEN g > 50 AND g <= 100 THEN 'wamid.before.' || g END,
                CASE WHEN g > 50 AND g <= 100 THEN now() END
           FROM generate_series(1, 150) g")
    .execute(&app.db)
    .await
    .expect("queue");
    config.whatsapp.sender = true;
    let restarted = spawn_process(&app.db_url, config).await;
    // The never-claimed rows go at once; the claimed ones wait for their lease.
    fake.wait_for(10, "the unclaimed rows", |m| m.len() >= 50)
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        fake.messages().len(),
        50,
        "claimed rows wait for their lease"
    );
    // The lease runs out, and no status webhook says the API took them.
    sqlx::query!(
        "UPDATE outbox SET lease_until = now() - interval '5 seconds' WHERE state = 'sending'"
    )
    .execute(&app.db)
    .await
    .expect("expire");
    wait_outbox_settled(&app, 20).await;
    let seen = times_sent(&fake);
    assert_eq!(seen.len(), 100, "every unsent message went");
    assert!(seen.values().all(|&n| n == 1));
    assert!(
        !seen.contains_key("Message 75"),
        "sent ones are not sent again"
    );
    drop(restarted);
}

/// Starts the real server binary as its own process, sending to the fake API.
fn server_process(db_url: &str, fake: &FakeGraph, port: u16) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_auromart"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", db_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("AUROMART_DEMO_DATA", "false")
        .env("AUROMART_MONTHLY_SUMMARIES", "false")
        .env("AUROMART_WHATSAPP_API_BASE", &fake.base)
        .env("AUROMART_WHATSAPP_API_VERSION", VERSION)
        .env("AUROMART_WHATSAPP_PHONE_NUMBER_ID", PHONE_ID)
        .env("AUROMART_WHATSAPP_TOKEN", TOKEN)
        .env("AUROMART_WHATSAPP_APP_SECRET", APP_SECRET)
        .env("AUROMART_WHATSAPP_LEASE_SECS", "2")
        .env("AUROMART_WHATSAPP_IN_DOUBT_SECS", "10")
        .env("AUROMART_WHATSAPP_POLL_MS", "50")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the server binary starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_batch_loses_nothing_and_sends_nothing_twice() {
    let fake = FakeGraph::start().await;
    // Each send takes a while, so the kill lands with requests in flight.
    fake.set_delay(Duration::from_millis(30));
    let mut config = Config::default();
    fake.configure(&mut config);
    config.whatsapp.sender = false;
    let app = spawn_app_with(config).await;
    sqlx::query!(
        "INSERT INTO outbox (dedupe_key, recipient, template, language, params)
         SELECT 'kill:' || g, '9198200' || lpad(g::text, 5, '0'), 'announcement', 'en',
                jsonb_build_object('message', 'Message ' || g)
           FROM generate_series(1, 200) g"
    )
    .execute(&app.db)
    .await
    .expect("queue");
    // Both processes listen on one address, where the fake's status callbacks go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    fake.set_webhook(&format!("http://127.0.0.1:{port}/webhooks/whatsapp"));
    let mut first = server_process(&app.db_url, &fake, port);
    fake.wait_for(60, "the first process to be sending", |m| m.len() >= 40)
        .await;
    first.kill().expect("SIGKILL");
    first.wait().expect("reaped");
    let at_kill = fake.messages().len();
    assert!(
        at_kill < 200,
        "killed in the middle of the batch ({at_kill} sent)"
    );
    let mut second = server_process(&app.db_url, &fake, port);
    wait_outbox_settled(&app, 60).await;
    second.kill().expect("SIGKILL");
    second.wait().expect("reaped");
    let seen = times_sent(&fake);
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent twice: {twice:?}");
    assert_eq!(seen.len(), 200, "every message sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_for_a_message_in_doubt_marks_it_sent_instead_of_sending_again() {
    let fake = FakeGraph::start().await;
    let mut config = Config::default();
    fake.configure(&mut config);
    config.whatsapp.in_doubt_secs = 3;
    let app = spawn_app_with(config).await;
    // A process died after the API took this message: its lease has just ended.
    let id: i64 = sqlx::query_scalar!("INSERT INTO outbox (dedupe_key, recipient, template, params, state, attempts, lease_until)
         VALUES ('doubt', '919810000001', 'announcement', '{\"message\": \"x\"}', 'sending', 1, now())
         RETURNING id")
    .fetch_one(&app.db)
    .await
    .expect("row");
    let status = json!({"statuses": [{"id": "wamid.taken", "status": "sent", "timestamp": "1764000000",
                                      "recipient_id": "919810000001", "biz_opaque_callback_data": format!("outbox:{id}")}]});
    assert_eq!(webhook(&app, status, Some("good")).await, 200);
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (state, wamid) = sqlx::query!(
        r#"SELECT state AS "state: String", provider_message_id FROM outbox WHERE id = $1"#,
        id
    )
    .fetch_one(&app.db)
    .await
    .map(|r| (r.state, r.provider_message_id))
    .expect("row");
    assert_eq!(
        (state.as_str(), wamid.as_deref()),
        ("sent", Some("wamid.taken"))
    );
    assert!(fake.messages().is_empty(), "not sent a second time");
}

/// A message with control characters (a NUL that PostgreSQL's jsonb refuses) is
/// taken once, stored without them, and acted on: never a 5xx Meta would retry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_with_control_characters_is_stored_without_them() {
    let (app, _fake) = wa_app().await;
    app.active(auromart::domain::OrgKind::Retailer, 395).await;
    let from = to(395);
    let stop = json!({"messages": [{"from": from, "id": "wamid.in.nul", "timestamp": "1764000000",
                                    "type": "text", "text": {"body": "STOP\u{0}\u{7}"}}]});
    assert_eq!(webhook(&app, stop.clone(), Some("good")).await, 200);
    assert_eq!(
        webhook(&app, stop, Some("good")).await,
        200,
        "a repeat is fine too"
    );
    let (count, body) = sqlx::query!(
        r#"SELECT count(*) AS "count!", max(payload->'text'->>'body') AS body FROM webhook_events WHERE from_phone = $1"#,
        &from
    )
    .fetch_one(&app.db)
    .await
    .map(|r| (r.count, r.body))
    .expect("stored");
    assert_eq!((count, body.as_deref()), (1, Some("STOP")));
}
