//! A shop's account (khata) after five years of trade with its distributor:
//! five invoices a week (1,300), a credit note a month (60), a payment a week
//! applied to that week's invoices, and a few reversed; then the account as
//! both sides open it (`khata/account`), the distributor's receivables over
//! 200 such shops (`khata/receivables`), and recording a payment against the
//! shop's open invoices (`khata/record_payment`), and Razorpay's signed webhook
//! recording a payment for a link (and a retry of the same event), timed over HTTP.
//!
//!     CARGO_TARGET_DIR=target/bench cargo bench --features ssr --bench khata
//!
//! Environment: KHATA_PG (server to create `auromart_bench_khata` on; default
//! postgres://postgres@127.0.0.1:5432/postgres), KHATA_SHOPS (200),
//! KHATA_ROUNDS (50 calls per measurement).

use auromart::server::config::Config;
use auromart::server::startup::Application;
use sqlx::{Connection, PgConnection};
use std::time::Instant;

mod common;
use common::{Stats, env_or, with_db};

const PASSWORD: &str = "Bench#Khata2026";

/// What is measured, as whom, which server function, with what form.
type Case<'a> = (&'a str, &'a reqwest::Client, &'a str, Vec<(String, String)>);

async fn call(
    http: &reqwest::Client,
    base: &str,
    endpoint: &str,
    form: &[(String, String)],
) -> serde_json::Value {
    let res = http
        .post(format!("{base}/api/{endpoint}"))
        .header("Accept", "application/json")
        .form(form)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    let body: serde_json::Value = res.json().await.expect("json");
    assert!(status < 400, "{endpoint}: {body}");
    body
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn main() {
    let admin = std::env::var("KHATA_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let shops: i64 = env_or("KHATA_SHOPS", 200);
    let rounds: usize = env_or("KHATA_ROUNDS", 50);
    let url = with_db(&admin, "auromart_bench_khata");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut conn = PgConnection::connect(&admin).await.expect("connect KHATA_PG");
        for statement in [
            "DROP DATABASE IF EXISTS auromart_bench_khata WITH (FORCE)",
            "CREATE DATABASE auromart_bench_khata",
        ] {
            sqlx::raw_sql(statement)
                .execute(&mut conn)
                .await
                .expect("create the database");
        }
        let config = Config {
            database_url: url.clone(),
            monthly_summaries: false,
            ..Config::default()
        };
        let app = Application::build(config, auromart::server::startup::loopback_options())
            .await
            .expect("the application builds");
        let base = format!("http://{}", app.address());
        let t = Instant::now();
        let hash = auromart::server::password::hash(PASSWORD.into())
            .await
            .expect("hash");
        let mut db = PgConnection::connect(&url).await.expect("connect");
        // One distributor in Pune and its shops; shop 1 is the one measured.
        sqlx::query!(
            "INSERT INTO organisations (kind, legal_name, trade_name, gstin, address_line, city, state_code, pincode,
                                        whatsapp, approval, upi_id, invoice_prefix)
             VALUES ('distributor', 'Bench Traders', 'Bench Traders', '27AABCB1234F1Z5', 'Market Yard', 'Pune', 27,
                     '411037', '918100000001', 'active', 'bench@okaxis', 'BT')"
        )
        .execute(&mut db)
        .await
        .expect("distributor");
        sqlx::query!(
            "INSERT INTO organisations (kind, legal_name, trade_name, address_line, city, state_code, pincode, whatsapp,
                                        approval)
             SELECT 'retailer', 'Shop ' || n, 'Shop ' || n, 'Road ' || n, 'Pune', 27, '411038',
                    '919' || lpad(n::text, 9, '0'), 'active'
               FROM generate_series(1, $1::bigint) n",
            shops
        )
        .execute(&mut db)
        .await
        .expect("shops");
        sqlx::query!(
            "INSERT INTO users (org_id, role, name, phone, password_hash)
             SELECT id, 'owner', 'Owner ' || id, whatsapp, $1 FROM organisations",
            hash
        )
        .execute(&mut db)
        .await
        .expect("owners");
        // Five years: five invoices a week for shop 1, one a week for the others;
        // each invoice has its order (delivered) and frozen document.
        sqlx::raw_sql(
            "CREATE TEMP TABLE plan AS
             SELECT r.id AS retailer_id, d.id AS distributor_id, u.id AS user_id,
                    (ist_today() - 1826 + (k * CASE WHEN r.trade_name = 'Shop 1' THEN 7 ELSE 35 END) / 5)::date AS day,
                    row_number() OVER () AS seq
               FROM organisations r
               JOIN organisations d ON d.kind = 'distributor'
               JOIN users u ON u.org_id = r.id
               CROSS JOIN LATERAL generate_series(0, CASE WHEN r.trade_name = 'Shop 1' THEN 1300 ELSE 260 END - 1) k
              WHERE r.kind = 'retailer';
             INSERT INTO orders (retailer_id, distributor_id, placed_by, idempotency_key, state, delivery_mode, line_count,
                                 total_paise, state_code, pincode, created_at, updated_at)
             SELECT retailer_id, distributor_id, user_id, 'bench-order-' || seq, 'delivered', 'deliver', 1,
                    10000 + (seq * 7919) % 500000, 27, '411038', day, day
               FROM plan;
             INSERT INTO invoices (kind, distributor_id, retailer_id, order_id, fy, seq, number, issued_on, supply,
                                   place_of_supply, b2b, taxable_paise, cgst_paise, sgst_paise, igst_paise, round_off_paise,
                                   total_paise, data, pdf, pdf_sha256, due_on)
             SELECT 'invoice', o.distributor_id, o.retailer_id, o.id, 2020, p.seq, 'BT/' || p.seq, p.day, 'intra_state', 27,
                    false, o.total_paise, 0, 0, 0, 0, o.total_paise, '{}', '\\x', '', p.day + 15
               FROM plan p JOIN orders o ON o.idempotency_key = 'bench-order-' || p.seq;",
        )
        .execute(&mut db)
        .await
        .expect("invoices");
        // A credit note a month for shop 1 (half an invoice back).
        sqlx::query!(
            "INSERT INTO invoices (kind, distributor_id, retailer_id, order_id, refers_to, fy, seq, number, issued_on,
                                   supply, place_of_supply, b2b, taxable_paise, cgst_paise, sgst_paise, igst_paise,
                                   round_off_paise, total_paise, data, pdf, pdf_sha256)
             SELECT 'credit_note', i.distributor_id, i.retailer_id, i.order_id, i.id, 2020, i.seq, 'BTC/' || i.seq,
                    i.issued_on + 3, 'intra_state', 27, false, i.total_paise / 2, 0, 0, 0, 0, i.total_paise / 2, '{}',
                    '\\x', ''
               FROM invoices i JOIN organisations r ON r.id = i.retailer_id AND r.trade_name = 'Shop 1'
              WHERE i.kind = 'invoice' AND i.seq % 22 = 0"
        )
        .execute(&mut db)
        .await
        .expect("credit notes");
        // Every shop pays weekly for the invoices of the week before (all but the
        // last two months); one payment in fifty is reversed.
        sqlx::raw_sql(
            "INSERT INTO payments (distributor_id, retailer_id, kind, amount_paise, received_on, method, reference,
                                   request_key, recorded_by)
             SELECT i.distributor_id, i.retailer_id, 'payment', sum(i.total_paise - COALESCE(c.total_paise, 0)),
                    (date_trunc('week', i.issued_on) + interval '7 days')::date, 'bank',
                    'NEFT' || i.retailer_id || 'W' || to_char(date_trunc('week', i.issued_on), 'YYYYMMDD'),
                    'bench-' || i.retailer_id || '-' || to_char(date_trunc('week', i.issued_on), 'YYYYMMDD'), NULL
               FROM invoices i LEFT JOIN invoices c ON c.refers_to = i.id
              WHERE i.kind = 'invoice' AND i.issued_on < ist_today() - 60
              GROUP BY i.distributor_id, i.retailer_id, date_trunc('week', i.issued_on);
             INSERT INTO payment_allocations (payment_id, invoice_id, paise)
             SELECT p.id, i.id, i.total_paise - COALESCE(c.total_paise, 0)
               FROM payments p
               JOIN invoices i ON i.retailer_id = p.retailer_id AND i.kind = 'invoice'
                AND (date_trunc('week', i.issued_on) + interval '7 days')::date = p.received_on
               LEFT JOIN invoices c ON c.refers_to = i.id
              WHERE i.total_paise - COALESCE(c.total_paise, 0) > 0;
             INSERT INTO payments (distributor_id, retailer_id, kind, reverses, amount_paise, received_on, method, note)
             SELECT distributor_id, retailer_id, 'reversal', id, amount_paise, received_on + 2, method, 'Cheque bounced'
               FROM payments WHERE id % 50 = 0;",
        )
        .execute(&mut db)
        .await
        .expect("payments");
        sqlx::raw_sql("VACUUM ANALYZE").execute(&mut db).await.expect("vacuum");
        let counts = sqlx::query!(
            r#"SELECT (SELECT count(*) FROM invoices) AS "invoices!", (SELECT count(*) FROM payments) AS "payments!",
                      (SELECT count(*) FROM invoices i JOIN organisations r ON r.id = i.retailer_id
                        WHERE r.trade_name = 'Shop 1') AS "shop!",
                      (SELECT id FROM organisations WHERE trade_name = 'Shop 1') AS "shop_id!",
                      (SELECT id FROM organisations WHERE kind = 'distributor') AS "distributor_id!""#
        )
        .fetch_one(&mut db)
        .await
        .expect("counts");
        println!(
            "{shops} shops, {} invoices and credit notes ({} of shop 1), {} payments generated in {:.0}s",
            counts.invoices,
            counts.shop,
            counts.payments,
            t.elapsed().as_secs_f64()
        );
        tokio::spawn(async move {
            app.run_until(std::future::pending()).await.expect("serve");
        });
        let client = || {
            reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .expect("client")
        };
        let (dist, shop) = (client(), client());
        for (http, phone) in [(&dist, "8100000001"), (&shop, "9000000001")] {
            let login = http
                .post(format!("{base}/api/auth/login"))
                .header("Accept", "application/json")
                .form(&[("identifier", phone), ("password", PASSWORD)])
                .send()
                .await
                .expect("login");
            assert!(login.status().as_u16() < 400, "log-in {phone}");
        }
        let shop_id = counts.shop_id.to_string();
        let dist_id = counts.distributor_id.to_string();
        let year_ago: String = sqlx::query_scalar!(r#"SELECT (ist_today() - 365)::text AS "d!""#)
            .fetch_one(&mut db)
            .await
            .expect("date");
        let today: String = sqlx::query_scalar!(r#"SELECT ist_today()::text AS "d!""#)
            .fetch_one(&mut db)
            .await
            .expect("date");
        let cases: Vec<Case> = vec![
            (
                "account, distributor, this FY",
                &dist,
                "khata/account",
                pairs(&[("other_id", &shop_id), ("from", ""), ("to", "")]),
            ),
            (
                "account, distributor, one year",
                &dist,
                "khata/account",
                pairs(&[("other_id", &shop_id), ("from", &year_ago), ("to", "")]),
            ),
            (
                "account, the shop, this FY",
                &shop,
                "khata/account",
                pairs(&[("other_id", &dist_id), ("from", ""), ("to", "")]),
            ),
            ("receivables, every shop", &dist, "khata/receivables", Vec::new()),
            ("the shop's accounts", &shop, "khata/my_accounts", Vec::new()),
        ];
        let mut worst = 0.0f64;
        for (what, http, endpoint, f) in &cases {
            call(http, &base, endpoint, f).await;
            let mut times = Stats(Vec::new());
            for _ in 0..rounds {
                let t = Instant::now();
                call(http, &base, endpoint, f).await;
                times.0.push(t.elapsed());
            }
            let (p50, p95) = (times.pct(0.5), times.pct(0.95));
            worst = worst.max(p95);
            println!("{what:<40} p50 {p50:>6.1} ms  p95 {p95:>6.1} ms");
        }
        let mut times = Stats(Vec::new());
        for n in 0..rounds {
            let key = format!("bench-record-{n}");
            let f = pairs(&[
                ("payment[retailer_id]", &shop_id),
                ("payment[amount]", "100"),
                ("payment[received_on]", &today),
                ("payment[method]", "cash"),
                ("payment[reference]", ""),
                ("payment[note]", ""),
                ("payment[advance_ok]", "true"),
                ("payment[request_key]", &key),
            ]);
            let t = Instant::now();
            call(&dist, &base, "khata/record_payment", &f).await;
            times.0.push(t.elapsed());
        }
        let (p50, p95) = (times.pct(0.5), times.pct(0.95));
        worst = worst.max(p95);
        println!("{:<40} p50 {p50:>6.1} ms  p95 {p95:>6.1} ms", "record a payment (oldest first)");
        // The gateway's webhook: a verified event that records a payment for a
        // link of the shop's whole due (allocation over five years of invoices),
        // then the same event again (a retry: answered, nothing recorded).
        const SECRET: &str = "bench-webhook-secret";
        sqlx::query!(
            "INSERT INTO payment_gateways (distributor_id, key_id, key_secret, webhook_secret)
             VALUES ($1, 'rzp_test_BenchKey0001', 'bench-key-secret', $2)",
            counts.distributor_id,
            SECRET
        )
        .execute(&mut db)
        .await
        .expect("gateway");
        sqlx::query!(
            "INSERT INTO payment_links (distributor_id, retailer_id, amount_paise, gateway_id, short_url, expires_at)
             VALUES ($1, $2, 100000000, 'plink_Bench0000001', 'https://rzp.io/i/Bench01', now() + interval '7 days')",
            counts.distributor_id,
            counts.shop_id
        )
        .execute(&mut db)
        .await
        .expect("link");
        let hook = format!("{base}/webhooks/razorpay/{dist_id}");
        let post = |body: Vec<u8>, event: String| {
            let signature = auromart::khata::razorpay::signature(SECRET.as_bytes(), &body);
            dist.post(&hook)
                .header("content-type", "application/json")
                .header("x-razorpay-signature", signature)
                .header("x-razorpay-event-id", event)
                .body(body)
                .send()
        };
        let (mut first, mut retry) = (Stats(Vec::new()), Stats(Vec::new()));
        for n in 0..rounds {
            let body = serde_json::to_vec(&serde_json::json!({
                "entity": "event", "event": "payment_link.partially_paid",
                "payload": {
                    "payment_link": {"entity": {"id": "plink_Bench0000001", "status": "partially_paid"}},
                    "payment": {"entity": {"id": format!("pay_Bench{n:08}"), "amount": 10_000, "currency": "INR",
                                           "status": "captured", "method": "upi",
                                           "created_at": chrono::Utc::now().timestamp()}}
                },
                "created_at": chrono::Utc::now().timestamp()
            }))
            .expect("json");
            let t = Instant::now();
            let res = post(body.clone(), format!("evt_bench_{n}")).await.expect("webhook");
            first.0.push(t.elapsed());
            assert_eq!(res.status().as_u16(), 200, "webhook");
            let t = Instant::now();
            let res = post(body, format!("evt_bench_{n}")).await.expect("webhook");
            retry.0.push(t.elapsed());
            assert_eq!(res.status().as_u16(), 200, "retry");
        }
        let recorded: i64 = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM payments WHERE method = 'gateway'"#
        )
        .fetch_one(&mut db)
        .await
        .expect("count");
        assert_eq!(recorded, rounds as i64, "each webhook payment recorded once");
        for (what, mut times) in [("webhook, a payment", first), ("webhook, the same event again", retry)] {
            let (p50, p95) = (times.pct(0.5), times.pct(0.95));
            worst = worst.max(p95);
            println!("{what:<40} p50 {p50:>6.1} ms  p95 {p95:>6.1} ms");
        }
        println!("worst p95 {worst:.1} ms (target 100 ms)");
    });
}
