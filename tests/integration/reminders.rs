//! Payment reminders: on the distributor's days around each due date, once per
//! invoice and day, with what is still due and how to pay (the gateway's link
//! when connected); a payment skips the reminders still waiting; a shop that
//! replied STOP gets none; a paid invoice gets no more.

use crate::common::fake_razorpay::{FakeRazorpay, KEY_ID, KEY_SECRET, WEBHOOK_SECRET};
use crate::common::trade::Market;
use crate::common::{TestApp, pairs, spawn_app_with};
use crate::holds::terms;
use crate::khata::{invoiced, pay, payment, rupees};
use auromart::server::AppState;
use chrono::NaiveDate;
use serde_json::Value;

/// The app (with the sender off, reminders stay in the outbox to be read), the
/// fake Razorpay, and an AppState of its own to run the job with a chosen day.
async fn setup(sender: bool) -> (TestApp, AppState, FakeRazorpay) {
    let fake = FakeRazorpay::start().await;
    let mut config = auromart::server::config::Config::default();
    fake.configure(&mut config);
    config.whatsapp.sender = sender;
    config.whatsapp.poll_ms = 50;
    let app = spawn_app_with(config.clone()).await;
    config.database_url = app.db_url.clone();
    let state = AppState::new(
        auromart::server::startup::loopback_options(),
        config,
        app.db.clone(),
    )
    .expect("state");
    (app, state, fake)
}

async fn today(app: &TestApp) -> NaiveDate {
    sqlx::query_scalar!(r#"SELECT ist_today() AS "d!""#)
        .fetch_one(&app.db)
        .await
        .expect("today")
}

/// Reminders in the outbox: (template, state, params), oldest first.
async fn reminders(app: &TestApp) -> Vec<(String, String, Value)> {
    sqlx::query!(
        "SELECT template, state, params FROM outbox WHERE template LIKE 'payment_reminder%' ORDER BY id"
    )
    .fetch_all(&app.db)
    .await
    .expect("outbox")
    .into_iter()
    .map(|r| (r.template, r.state, r.params))
    .collect()
}

async fn days(m: &Market, text: &str) -> crate::common::Answer {
    m.distributor
        .call("khata/set_reminder_days", &pairs(&[("days", text)]))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_go_once_on_the_chosen_days_and_stop_when_paid() {
    let (app, state, _fake) = setup(false).await;
    let m = app.market(980, 200).await;
    assert_eq!(days(&m, "soon").await.status, 422);
    assert_eq!(
        days(&m, "-3, 0, 7").await.ok(),
        &serde_json::json!([-3, 0, 7])
    );
    // Terms are per shop the distributor has traded with: a first order.
    m.order(1).await;
    terms(&m, "3", "").await;
    let (_, _, total) = invoiced(&m, 2).await;
    let day0 = today(&app).await;
    let run = |d: NaiveDate| auromart::khata::reminders::run(&state, d);
    // Three days before the due date.
    assert_eq!(run(day0).await.expect("run"), 1);
    assert_eq!(run(day0).await.expect("run"), 0, "once per day and invoice");
    let sent = reminders(&app).await;
    assert_eq!(sent.len(), 1);
    let (template, _, params) = &sent[0];
    assert_eq!(template, "payment_reminder_due");
    assert_eq!(params["due_paise"], total);
    assert_eq!(
        params["due_on"],
        (day0 + chrono::Days::new(3)).format("%d %b %Y").to_string()
    );
    assert!(params["invoices"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(
        params["pay"].as_str().is_some_and(|s| !s.is_empty()),
        "{params}"
    );
    // A day that is not a reminder day: nothing.
    assert_eq!(run(day0 + chrono::Days::new(1)).await.expect("run"), 0);
    // On the due date; then part of it is paid: the waiting reminder is not sent.
    assert_eq!(run(day0 + chrono::Days::new(3)).await.expect("run"), 1);
    let half = total / 2;
    let p = pay(
        &m.distributor,
        &app,
        payment(
            m.retailer_org,
            &rupees(half),
            "cash",
            "",
            &[],
            false,
            "key-remind-1",
        ),
    )
    .await;
    assert!(p.status < 400, "{p:?}");
    let sent = reminders(&app).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].1, "skipped", "{sent:?}");
    // A week late: overdue, for what is left.
    assert_eq!(run(day0 + chrono::Days::new(10)).await.expect("run"), 1);
    let sent = reminders(&app).await;
    assert_eq!(sent[2].0, "payment_reminder_overdue");
    assert_eq!(sent[2].2["due_paise"], total - half);
    // Paid in full: no reminder on a later reminder day for it.
    days(&m, "-3, 0, 7, 15").await.ok();
    pay(
        &m.distributor,
        &app,
        payment(
            m.retailer_org,
            &rupees(total - half),
            "cash",
            "",
            &[],
            false,
            "key-remind-2",
        ),
    )
    .await
    .ok();
    assert_eq!(run(day0 + chrono::Days::new(18)).await.expect("run"), 0);
    assert_eq!(reminders(&app).await.len(), 3);
    // None at all once turned off.
    assert_eq!(days(&m, "").await.ok(), &serde_json::json!([]));
    invoiced(&m, 1).await;
    assert_eq!(run(day0 + chrono::Days::new(3)).await.expect("run"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_carries_the_payment_link_and_respects_stop() {
    let (app, state, fake) = setup(true).await;
    let m = app.market(981, 200).await;
    m.distributor
        .call(
            "khata/connect_gateway",
            &pairs(&[
                ("key_id", KEY_ID),
                ("key_secret", KEY_SECRET),
                ("webhook_secret", WEBHOOK_SECRET),
            ]),
        )
        .await
        .ok();
    days(&m, "0").await.ok();
    m.order(1).await;
    terms(&m, "0", "").await;
    let (_, _, total) = invoiced(&m, 1).await;
    // The shop replied STOP.
    sqlx::query!(
        "UPDATE users SET whatsapp_opt_in = false WHERE org_id = $1",
        m.retailer_org
    )
    .execute(&app.db)
    .await
    .expect("opt out");
    let day0 = today(&app).await;
    assert_eq!(
        auromart::khata::reminders::run(&state, day0)
            .await
            .expect("run"),
        1
    );
    let sent = reminders(&app).await;
    let links = fake.links();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].amount, total);
    assert!(
        sent[0].2["pay"]
            .as_str()
            .is_some_and(|p| p.starts_with("https://rzp.io/i/")),
        "{sent:?}"
    );
    // The sender leaves it unsent, saying why.
    let mut state = String::new();
    for _ in 0..200 {
        state =
            sqlx::query_scalar!("SELECT state FROM outbox WHERE template = 'payment_reminder_due'")
                .fetch_one(&app.db)
                .await
                .expect("row");
        if state != "pending" && state != "sending" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(state, "skipped");
    let sandbox: i64 = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM sandbox_messages WHERE request::text LIKE '%payment_reminder%'"#
    )
    .fetch_one(&app.db)
    .await
    .expect("sandbox");
    assert_eq!(sandbox, 0, "nothing reached the phone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_issued_later_the_same_day_gets_its_own_reminder() {
    let (app, state, _fake) = setup(false).await;
    let m = app.market(982, 200).await;
    // Reminded the day an invoice is issued (15 days before it falls due).
    days(&m, "-15").await.ok();
    let (_, _, first) = invoiced(&m, 1).await;
    let day0 = today(&app).await;
    assert_eq!(
        auromart::khata::reminders::run(&state, day0)
            .await
            .expect("run"),
        1
    );
    let (_, _, second) = invoiced(&m, 2).await;
    assert_eq!(
        auromart::khata::reminders::run(&state, day0)
            .await
            .expect("run"),
        1
    );
    assert_eq!(
        auromart::khata::reminders::run(&state, day0)
            .await
            .expect("run"),
        0
    );
    let sent = reminders(&app).await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(sent[0].2["due_paise"], first);
    assert_eq!(sent[1].2["due_paise"], second, "the new invoice alone");
}
