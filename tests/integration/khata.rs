//! Getting paid: payments recorded by a distributor against a shop's invoices,
//! the account both sides see, reversals, terms; and every balance equal to a
//! full recount after random sequences of invoices, credit notes, payments,
//! reversals, retried submits and concurrent payments.

use crate::common::trade::Market;
use crate::common::{Answer, Client, TestApp, pairs, spawn_app};
use serde_json::Value;

struct Steps(u64);

impl Steps {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// An accepted (invoiced) order; returns (order id, invoice id, invoice total).
pub(crate) async fn invoiced(m: &Market, qty: i64) -> (i64, i64, i64) {
    let order = m.order(qty).await["id"].as_i64().expect("order");
    let a = m.act(&m.distributor, order, "accept_deliver", "").await;
    assert!(a.status < 400, "{a:?}");
    let docs = m
        .distributor
        .call(
            "invoices/for_order",
            &pairs(&[("order_id", &order.to_string())]),
        )
        .await;
    let inv = &docs.ok()[0];
    (
        order,
        inv["id"].as_i64().expect("invoice id"),
        inv["total_paise"].as_i64().expect("total"),
    )
}

/// Rupees as the form takes them, from paise.
pub(crate) fn rupees(paise: i64) -> String {
    format!("{}.{:02}", paise / 100, paise % 100)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn payment(
    retailer: i64,
    amount: &str,
    method: &str,
    reference: &str,
    allocations: &[(i64, &str)],
    advance_ok: bool,
    key: &str,
) -> Vec<(String, String)> {
    let mut form = pairs(&[
        ("payment[retailer_id]", &retailer.to_string()),
        ("payment[amount]", amount),
        ("payment[received_on]", ""),
        ("payment[method]", method),
        ("payment[reference]", reference),
        ("payment[note]", ""),
        ("payment[request_key]", key),
    ]);
    if advance_ok {
        form.push(("payment[advance_ok]".into(), "true".into()));
    }
    for (i, (invoice, amount)) in allocations.iter().enumerate() {
        form.push((
            format!("payment[allocations][{i}][invoice_id]"),
            invoice.to_string(),
        ));
        form.push((
            format!("payment[allocations][{i}][amount]"),
            amount.to_string(),
        ));
    }
    form
}

pub(crate) async fn today(app: &TestApp) -> String {
    sqlx::query_scalar!(r#"SELECT ist_today()::text AS "d!""#)
        .fetch_one(&app.db)
        .await
        .expect("today")
}

/// Records a payment received today.
pub(crate) async fn pay(client: &Client, app: &TestApp, form: Vec<(String, String)>) -> Answer {
    let day = today(app).await;
    let form = form
        .into_iter()
        .map(|(k, v)| {
            if k == "payment[received_on]" {
                (k, day.clone())
            } else {
                (k, v)
            }
        })
        .collect::<Vec<_>>();
    client.call("khata/record_payment", &form).await
}

pub(crate) async fn account(client: &Client, other: i64) -> Value {
    client
        .call(
            "khata/account",
            &pairs(&[("other_id", &other.to_string()), ("from", ""), ("to", "")]),
        )
        .await
        .ok()
        .clone()
}

pub(crate) fn dues(a: &Value) -> Vec<(String, i64)> {
    a["open"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|o| {
                    (
                        o["number"].as_str().unwrap_or_default().to_string(),
                        o["due_paise"].as_i64().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cash_payment_settles_two_invoices_and_both_sides_see_it() {
    let app = spawn_app().await;
    let m = app.market(920, 100).await;
    let (_, first, t1) = invoiced(&m, 2).await;
    let (_, _, t2) = invoiced(&m, 3).await;
    let before = account(&m.distributor, m.retailer_org).await;
    assert_eq!(before["balance_paise"], t1 + t2);
    assert_eq!(dues(&before).len(), 2);
    assert_eq!(
        before["open"][0]["unpaid"], true,
        "nothing paid yet: {before}"
    );

    // Bad input names its field and records nothing.
    for (form, field) in [
        (
            payment(m.retailer_org, "0", "cash", "", &[], false, "key-zero-1"),
            "amount",
        ),
        (
            payment(m.retailer_org, "-5", "cash", "", &[], false, "key-neg-01"),
            "amount",
        ),
        (
            payment(
                m.retailer_org,
                "12abc",
                "cash",
                "",
                &[],
                false,
                "key-bad-01",
            ),
            "amount",
        ),
        (
            payment(
                m.retailer_org,
                "100",
                "barter",
                "",
                &[],
                false,
                "key-meth-1",
            ),
            "method",
        ),
        (
            payment(m.retailer_org, "100", "upi", "", &[], false, "key-utr-01"),
            "reference",
        ),
        (
            payment(m.retailer_org, "100", "cash", "", &[], false, "x"),
            "request_key",
        ),
        (
            payment(
                m.retailer_org,
                "100",
                "cash",
                "",
                &[(first, &rupees(t1 + 1))],
                false,
                "key-over-1",
            ),
            "allocations",
        ),
    ] {
        let a = pay(&m.distributor, &app, form).await;
        assert!(a.field_reason(field).is_some(), "{field}: {:?}", a.body);
    }
    let none: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM payments"#)
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(none, 0, "nothing half-written");

    // Cash: all of the first invoice and part of the second, oldest first.
    let part = t2 / 3;
    let cash = payment(
        m.retailer_org,
        &rupees(t1 + part),
        "cash",
        "",
        &[],
        false,
        "key-cash-01",
    );
    let paid = pay(&m.distributor, &app, cash.clone()).await;
    let p = paid.ok().clone();
    assert_eq!(p["amount_paise"], t1 + part);
    assert_eq!(p["applied"].as_array().map(Vec::len), Some(2), "{p}");
    assert_eq!(p["advance_paise"], 0);
    // The same submit again (a retry) records nothing more.
    let again = pay(&m.distributor, &app, cash).await;
    assert_eq!(again.ok()["id"], p["id"]);
    let after = account(&m.distributor, m.retailer_org).await;
    assert_eq!(after["balance_paise"], t2 - part);
    let open = dues(&after);
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].1, t2 - part);
    assert_eq!(after["open"][0]["unpaid"], false, "part-paid");
    // The shop sees the same account with its distributor.
    let shop_side = account(&m.retailer, m.distributor_org).await;
    assert_eq!(shop_side["balance_paise"], t2 - part);
    assert_eq!(dues(&shop_side), open);
    let mine = m.retailer.call("khata/my_accounts", &[]).await;
    assert_eq!(mine.ok()[0]["balance_paise"], t2 - part);
    let statement = after["lines"].as_array().cloned().unwrap_or_default();
    let kinds: Vec<&str> = statement
        .iter()
        .filter_map(|l| l["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["invoice", "invoice", "payment"]);
    assert_eq!(after["closing_paise"], t2 - part);

    // UPI beyond the due: refused until the advance is confirmed; a duplicate UTR
    // is refused; another distributor's invoice cannot be named.
    let rest = t2 - part;
    let over = payment(
        m.retailer_org,
        &rupees(rest + 50_000),
        "upi",
        "utr 4411",
        &[],
        false,
        "key-upi-001",
    );
    let a = pay(&m.distributor, &app, over).await;
    assert!(a.field_reason("advance_ok").is_some(), "{:?}", a.body);
    let over = payment(
        m.retailer_org,
        &rupees(rest + 50_000),
        "upi",
        "utr 4411",
        &[],
        true,
        "key-upi-002",
    );
    let upi = pay(&m.distributor, &app, over).await;
    assert_eq!(upi.ok()["advance_paise"], 50_000);
    assert_eq!(upi.ok()["reference"], "UTR 4411");
    let dup = payment(
        m.retailer_org,
        "10",
        "upi",
        "UTR 4411",
        &[],
        true,
        "key-upi-003",
    );
    let a = pay(&m.distributor, &app, dup).await;
    assert!(a.field_reason("reference").is_some(), "{:?}", a.body);
    let other = app.market(960, 10).await;
    let (_, foreign, _) = invoiced(&other, 1).await;
    let a = pay(
        &m.distributor,
        &app,
        payment(
            m.retailer_org,
            "10",
            "cash",
            "",
            &[(foreign, "10")],
            true,
            "key-foreign",
        ),
    )
    .await;
    assert!(a.field_reason("allocations").is_some(), "{:?}", a.body);
    let settled = account(&m.distributor, m.retailer_org).await;
    assert_eq!(settled["balance_paise"], -50_000);
    assert_eq!(settled["advance_paise"], 50_000);
    assert!(dues(&settled).is_empty());

    // The advance settles the next invoice by itself.
    let (_, _, t3) = invoiced(&m, 1).await;
    let next = account(&m.distributor, m.retailer_org).await;
    assert_eq!(next["balance_paise"], t3 - 50_000);
    let still: i64 = dues(&next).iter().map(|(_, d)| d).sum();
    assert_eq!(still, (t3 - 50_000).max(0));

    // Reversing the UPI payment (owner only, with a reason) makes it due again.
    let upi_id = upi.ok()["id"].as_i64().expect("id");
    let staff = app.staff(m.distributor_org, "919700000920").await;
    let a = staff
        .call(
            "khata/reverse_payment",
            &pairs(&[("payment_id", &upi_id.to_string()), ("reason", "x")]),
        )
        .await;
    assert_eq!(a.status, 403);
    let no_reason = m
        .distributor
        .call(
            "khata/reverse_payment",
            &pairs(&[("payment_id", &upi_id.to_string()), ("reason", " ")]),
        )
        .await;
    assert!(no_reason.field_reason("reason").is_some());
    let reversed = m
        .distributor
        .call(
            "khata/reverse_payment",
            &pairs(&[
                ("payment_id", &upi_id.to_string()),
                ("reason", "UTR not found in the bank statement"),
            ]),
        )
        .await;
    assert_eq!(reversed.ok()["kind"], "reversal");
    let twice = m
        .distributor
        .call(
            "khata/reverse_payment",
            &pairs(&[("payment_id", &upi_id.to_string()), ("reason", "again")]),
        )
        .await;
    assert_eq!(twice.error_kind().as_deref(), Some("Conflict"));
    let back = account(&m.distributor, m.retailer_org).await;
    assert_eq!(back["balance_paise"], rest + t3);
    // Each payment's receipt is queued for the shop's WhatsApp once (the retry
    // added none) and downloads for both sides only.
    let cash_id = p["id"].as_i64().expect("id");
    let queued = sqlx::query!(
        r#"SELECT count(*) AS "n!", max(params->>'due_paise') AS due FROM outbox
            WHERE template = 'payment_received' AND document_kind = 'receipt' AND document_id = $1"#,
        cash_id
    )
    .fetch_one(&app.db)
    .await
    .expect("outbox");
    assert_eq!(queued.n, 1);
    assert_eq!(queued.due, Some((t2 - part).to_string()));
    let receipt = format!("/khata/receipts/{cash_id}/pdf");
    let (status, _, pdf) = m.retailer.download(&receipt).await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF"));
    let (status, _, _) = other.retailer.download(&receipt).await;
    assert_eq!(status, 404, "another shop's receipt");
    // The statement downloads for both sides; another shop's is not found.
    let path = format!(
        "/khata/{}/{}/statement/csv",
        m.distributor_org, m.retailer_org
    );
    let (status, _, csv) = m.retailer.download(&path).await;
    assert_eq!(status, 200);
    let csv = String::from_utf8_lossy(&csv).to_string();
    assert!(csv.contains("Opening balance"), "{csv}");
    assert!(
        csv.contains("Payment reversed: UTR not found in the bank statement"),
        "{csv}"
    );
    let (status, _, pdf) = m.distributor.download(&path.replace("/csv", "/pdf")).await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF"));
    let (status, _, _) = m
        .distributor
        .download(&format!(
            "/khata/{}/{}/statement/xlsx",
            m.distributor_org, other.retailer_org
        ))
        .await;
    assert_eq!(status, 404, "a shop this distributor never sold to");
    // Rows are never changed.
    let edit = sqlx::query!("UPDATE payments SET amount_paise = 1")
        .execute(&app.db)
        .await;
    assert!(edit.is_err(), "payments are append-only");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terms_set_the_due_date_and_the_age_of_a_due() {
    let app = spawn_app().await;
    let m = app.market(930, 50).await;
    // Terms are set for a shop that has ordered; the order is accepted after.
    let order = m.order(1).await["id"].as_i64().expect("order");
    let set = m
        .distributor
        .call(
            "khata/set_terms",
            &pairs(&[
                ("retailer_id", &m.retailer_org.to_string()),
                ("due_days", "7"),
                ("credit_limit", "25000"),
            ]),
        )
        .await;
    assert_eq!(set.ok()["due_days"], 7);
    assert_eq!(set.ok()["credit_limit_paise"], 2_500_000);
    let bad = m
        .distributor
        .call(
            "khata/set_terms",
            &pairs(&[
                ("retailer_id", &m.retailer_org.to_string()),
                ("due_days", "400"),
                ("credit_limit", "-1"),
            ]),
        )
        .await;
    assert!(bad.field_reason("due_days").is_some());
    assert!(bad.field_reason("credit_limit").is_some());
    let a = m.act(&m.distributor, order, "accept_deliver", "").await;
    assert!(a.status < 400, "{a:?}");
    let (invoice, total) = sqlx::query!(
        "SELECT id, total_paise FROM invoices WHERE order_id = $1",
        order
    )
    .fetch_one(&app.db)
    .await
    .map(|r| (r.id, r.total_paise))
    .expect("invoice");
    let due_on: Option<String> = sqlx::query_scalar!(
        "SELECT (due_on - issued_on)::text FROM invoices WHERE id = $1",
        invoice
    )
    .fetch_one(&app.db)
    .await
    .expect("due");
    assert_eq!(due_on.as_deref(), Some("7"));
    let a = account(&m.distributor, m.retailer_org).await;
    assert_eq!(a["open"][0]["days_past"], -7);
    assert_eq!(a["ageing"][0], total, "not yet due");
    let r = m.distributor.call("khata/receivables", &[]).await;
    assert_eq!(r.ok()["total_paise"], total);
    assert_eq!(r.ok()["accounts"][0]["credit_limit_paise"], 2_500_000);
}

/// The account's figures from the raw rows, without the ledger's code.
pub(crate) async fn recount(app: &TestApp, d: i64, r: i64) -> i64 {
    sqlx::query_scalar!(
        r#"SELECT (COALESCE((SELECT sum(CASE kind WHEN 'invoice' THEN total_paise ELSE -total_paise END)
                               FROM invoices WHERE distributor_id = $1 AND retailer_id = $2), 0)
                 + COALESCE((SELECT sum(CASE kind WHEN 'reversal' THEN amount_paise ELSE -amount_paise END)
                               FROM payments WHERE distributor_id = $1 AND retailer_id = $2), 0))::bigint AS "b!""#,
        d,
        r
    )
    .fetch_one(&app.db)
    .await
    .expect("recount")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_balance_equals_a_full_recount_after_random_sequences() {
    use crate::common::fake_razorpay::{FakeRazorpay, KEY_ID, KEY_SECRET, WEBHOOK_SECRET};
    let fake = FakeRazorpay::start().await;
    let mut config = auromart::server::config::Config::default();
    fake.configure(&mut config);
    let app = crate::common::spawn_app_with(config).await;
    let m = app.market(940, 500).await;
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
    let hook = format!("{}/webhooks/razorpay/{}", app.base, m.distributor_org);
    let seed = 0x5eed_2026_1207_u64;
    let mut steps = Steps(seed);
    let (first, _, first_total) = invoiced(&m, 1).await;
    let mut orders: Vec<i64> = vec![first];
    // Paid in part online first (the later online steps need something due).
    m.retailer
        .call(
            "khata/payment_link",
            &pairs(&[("other_id", &m.distributor_org.to_string())]),
        )
        .await
        .ok();
    let plink = fake.links()[0].id.clone();
    let event = fake.paid_event(&plink, "pay_RandFirst0001", first_total / 2);
    assert_eq!(
        fake.post(&hook, &event, WEBHOOK_SECRET, "evt_first").await,
        200
    );
    let mut payments: Vec<i64> = Vec::new();
    for n in 0..40 {
        match steps.next(10) {
            0..=2 => {
                let (order, _, _) = invoiced(&m, 1 + steps.next(3) as i64).await;
                orders.push(order);
            }
            3 if !orders.is_empty() => {
                // Cancel an invoiced order: a credit note.
                let order = orders.remove(steps.next(orders.len() as u64) as usize);
                m.act(&m.distributor, order, "cancel", "Random cancellation")
                    .await;
            }
            4 if !payments.is_empty() => {
                let p = payments[steps.next(payments.len() as u64) as usize];
                m.distributor
                    .call(
                        "khata/reverse_payment",
                        &pairs(&[
                            ("payment_id", &p.to_string()),
                            ("reason", "Random reversal"),
                        ]),
                    )
                    .await;
            }
            5 => {
                // Two payments at once on the same account (and a retry of one).
                let a = payment(
                    m.retailer_org,
                    &rupees(1 + steps.next(400_000) as i64),
                    "cash",
                    "",
                    &[],
                    true,
                    &format!("key-{n}-a-{seed}"),
                );
                let b = payment(
                    m.retailer_org,
                    &rupees(1 + steps.next(400_000) as i64),
                    "cash",
                    "",
                    &[],
                    true,
                    &format!("key-{n}-b-{seed}"),
                );
                let (x, y, z) = tokio::join!(
                    pay(&m.distributor, &app, a.clone()),
                    pay(&m.distributor, &app, b),
                    pay(&m.distributor, &app, a),
                );
                assert_eq!(
                    x.ok()["id"],
                    z.ok()["id"],
                    "seed {seed:#x}: a retry records once"
                );
                payments.extend(
                    [x.ok()["id"].as_i64(), y.ok()["id"].as_i64()]
                        .into_iter()
                        .flatten(),
                );
            }
            6 => {
                // The shop pays part of its due online; Razorpay delivers the
                // event twice at once and once more later (retries), while the
                // distributor records cash on the same account.
                let link = m
                    .retailer
                    .call(
                        "khata/payment_link",
                        &pairs(&[("other_id", &m.distributor_org.to_string())]),
                    )
                    .await;
                if let Some(due) = link.body["amount_paise"].as_i64() {
                    let id = fake
                        .links()
                        .last()
                        .map(|l| l.id.clone())
                        .unwrap_or_default();
                    let paid = 1 + steps.next(due as u64) as i64;
                    let event =
                        fake.paid_event(&id, &format!("pay_Rand{n:04}{}", seed % 1000), paid);
                    let evt = format!("evt_rand_{n}");
                    let cash = payment(
                        m.retailer_org,
                        &rupees(1 + steps.next(10_000) as i64),
                        "cash",
                        "",
                        &[],
                        true,
                        &format!("key-{n}-c-{seed}"),
                    );
                    let (x, y, c) = tokio::join!(
                        fake.post(&hook, &event, WEBHOOK_SECRET, &evt),
                        fake.post(&hook, &event, WEBHOOK_SECRET, &evt),
                        pay(&m.distributor, &app, cash),
                    );
                    assert_eq!((x, y), (200, 200), "seed {seed:#x}, step {n}");
                    assert_eq!(
                        fake.post(&hook, &event, WEBHOOK_SECRET, &format!("{evt}-again"))
                            .await,
                        200
                    );
                    payments.extend(c.body["id"].as_i64());
                }
            }
            _ => {
                // A payment, applied to the oldest invoice by choice or oldest first.
                let a = account(&m.distributor, m.retailer_org).await;
                let open = dues(&a);
                let chosen: Vec<(i64, String)> = match (steps.next(2), a["open"].as_array()) {
                    (0, Some(list)) if !list.is_empty() => {
                        let o = &list[list.len() - 1];
                        let due = o["due_paise"].as_i64().unwrap_or_default();
                        vec![(
                            o["invoice_id"].as_i64().unwrap_or_default(),
                            rupees(1 + due / 2),
                        )]
                    }
                    _ => Vec::new(),
                };
                let owed: i64 = open.iter().map(|(_, d)| d).sum();
                let amount = 1 + steps.next((owed.max(100_000)) as u64) as i64;
                let refs: Vec<(i64, &str)> = chosen.iter().map(|(i, a)| (*i, a.as_str())).collect();
                let form = payment(
                    m.retailer_org,
                    &rupees(amount),
                    "bank",
                    &format!("NEFT{n}X{}", seed % 1000),
                    &refs,
                    true,
                    &format!("key-{n}-{seed}"),
                );
                let p = pay(&m.distributor, &app, form).await;
                if let Some(id) = p.body["id"].as_i64() {
                    payments.push(id);
                }
            }
        }
        let expected = recount(&app, m.distributor_org, m.retailer_org).await;
        let a = account(&m.distributor, m.retailer_org).await;
        let shop = account(&m.retailer, m.distributor_org).await;
        assert_eq!(
            a["balance_paise"], expected,
            "seed {seed:#x}, step {n}: {a}"
        );
        assert_eq!(shop["balance_paise"], expected, "seed {seed:#x}, step {n}");
        assert_eq!(
            a["closing_paise"], expected,
            "seed {seed:#x}, step {n}: the statement ends at the balance"
        );
        let owed: i64 = dues(&a).iter().map(|(_, d)| d).sum();
        assert_eq!(
            owed,
            expected.max(0),
            "seed {seed:#x}, step {n}: dues add up to the balance"
        );
        assert_eq!(
            a["advance_paise"],
            (-expected).max(0),
            "seed {seed:#x}, step {n}"
        );
        let ageing: i64 = a["ageing"]
            .as_array()
            .map(|b| b.iter().filter_map(Value::as_i64).sum())
            .unwrap_or_default();
        assert_eq!(ageing, owed, "seed {seed:#x}, step {n}");
        let r = m.distributor.call("khata/receivables", &[]).await;
        assert_eq!(
            r.ok()["total_paise"],
            expected.max(0),
            "seed {seed:#x}, step {n}"
        );
        // Every allocation is within its invoice, every payment within its amount.
        let over: i64 = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM payments p
                WHERE p.kind = 'payment'
                  AND (SELECT COALESCE(sum(a.paise), 0) FROM payment_allocations a WHERE a.payment_id = p.id) > p.amount_paise"#
        )
        .fetch_one(&app.db)
        .await
        .expect("over");
        assert_eq!(over, 0, "seed {seed:#x}, step {n}");
    }
    assert!(payments.len() >= 5, "the sequence paid: {payments:?}");
    let mix = sqlx::query!(
        r#"SELECT (SELECT count(*) FROM invoices WHERE kind = 'credit_note') AS "credit_notes!",
                  (SELECT count(*) FROM payments WHERE kind = 'reversal') AS "reversals!",
                  (SELECT count(*) FROM payment_allocations) AS "allocations!",
                  (SELECT count(*) FROM payments WHERE method = 'gateway') AS "online!""#
    )
    .fetch_one(&app.db)
    .await
    .expect("mix");
    assert!(
        mix.credit_notes > 0 && mix.reversals > 0 && mix.allocations > 0 && mix.online > 0,
        "seed {seed:#x}: the sequence covers credit notes, reversals, allocations and webhooks"
    );
}
