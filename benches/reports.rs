//! AuroMart reports benchmark: three years of order history (10,000,000 lines
//! for the whole platform, 2,000,000 of them for one large distributor, 5,000
//! shops, 20,000 SKUs, with weekly and festival seasonality; see
//! `reports_seed.sql`), then every role's dashboard and reports over a month, a
//! quarter and a year (the admin's also over three years) measured over HTTP as
//! the browser calls them, each against the same figures computed from the raw
//! order lines, and the streamed order-lines export (rows/s, server memory).
//!
//!     CARGO_TARGET_DIR=target/bench cargo bench --features ssr --bench reports
//!
//! Environment: REPORTS_PG (server to create `auromart_bench_reports` on;
//! default postgres://postgres@127.0.0.1:5432/postgres), REPORTS_LINES
//! (10000000), REPORTS_SHOPS (5000), REPORTS_SKUS (20000), REPORTS_BRANDS (40),
//! REPORTS_DISTRIBUTORS (100), REPORTS_BIG_SHARE (0.2), REPORTS_ROUNDS (15 calls
//! per measurement), REPORTS_REUSE=1 (keep a database an earlier run generated
//! with the same settings instead of generating it again).

use auromart::server::config::Config;
use auromart::server::startup::Application;
use sqlx::{Connection, PgConnection};
use std::time::Instant;

mod common;
use common::{Stats, env_or, with_db};

const PASSWORD: &str = "Bench#Report2026";

fn p(k: &str, v: impl ToString) -> (String, String) {
    (k.to_string(), v.to_string())
}

async fn call(
    http: &reqwest::Client,
    base: &str,
    endpoint: &str,
    form: &[(String, String)],
) -> (u16, String) {
    let res = http
        .post(format!("{base}/api/{endpoint}"))
        .header("Accept", "application/json")
        .form(form)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

async fn signed_in(base: &str, phone: &str) -> reqwest::Client {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let (status, body) = call(
        &http,
        base,
        "auth/login",
        &[p("identifier", &phone[2..]), p("password", PASSWORD)],
    )
    .await;
    assert!(status < 400, "login {phone}: {body}");
    http
}

fn period(from: &str, to: &str, group: &str) -> Vec<(String, String)> {
    vec![
        p("query[period]", "custom"),
        p("query[from]", from),
        p("query[to]", to),
        p("query[group]", group),
    ]
}

/// Times `rounds` calls of one server function; prints p50/p95 and returns p95.
async fn measure(
    what: &str,
    http: &reqwest::Client,
    base: &str,
    endpoint: &str,
    form: &[(String, String)],
    rounds: usize,
) -> f64 {
    // One call unmeasured: the first of each plan is prepared and cached.
    let (status, body) = call(http, base, endpoint, form).await;
    assert!(status < 400, "{what}: {body}");
    let mut times = Stats(Vec::new());
    for _ in 0..rounds {
        let t = Instant::now();
        let (status, body) = call(http, base, endpoint, form).await;
        assert!(status < 400, "{what}: {body}");
        times.0.push(t.elapsed());
    }
    let (p50, p95) = (times.pct(0.5), times.pct(0.95));
    println!("{what:<58} p50 {p50:>7.1} ms  p95 {p95:>7.1} ms");
    p95
}

/// Times a query on the raw orders and lines (the same figures without rollups).
async fn raw(conn: &mut PgConnection, what: &str, sql: &str, rounds: usize) -> f64 {
    let mut times = Stats(Vec::new());
    for _ in 0..rounds.max(1) {
        let t = Instant::now();
        sqlx::raw_sql(sql).execute(&mut *conn).await.expect(what);
        times.0.push(t.elapsed());
    }
    let p50 = times.pct(0.5);
    println!("{:<58} p50 {p50:>7.1} ms", format!("  raw lines: {what}"));
    p50
}

/// Resident memory of this process (the server runs in it), in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// Downloads a streamed export, sampling the server's memory meanwhile.
async fn export(what: &str, http: &reqwest::Client, url: &str) {
    use futures::StreamExt;
    let before = rss_kib();
    let t = Instant::now();
    let res = http.get(url).send().await.expect("export");
    assert_eq!(res.status(), 200, "{what}");
    let rows: u64 = res
        .headers()
        .get("x-rows")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = res.bytes_stream();
    let (mut bytes, mut newlines, mut peak) = (0u64, 0u64, before);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.expect("chunk");
        bytes += chunk.len() as u64;
        newlines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
        peak = peak.max(rss_kib());
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{what:<58} {rows:>9} rows, {:>6.1} MB in {secs:>5.1}s = {:>8.0} rows/s; RSS +{:.1} MB (peak over start){}",
        bytes as f64 / 1e6,
        rows as f64 / secs,
        peak.saturating_sub(before) as f64 / 1024.0,
        if url.contains("/csv") {
            format!(", {} lines read", newlines.saturating_sub(1))
        } else {
            String::new()
        }
    );
}

fn main() {
    // The server's errors, with the line that raised them, on stderr.
    tracing_subscriber::fmt()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "warn,sqlx=error".into()))
        .with_writer(std::io::stderr)
        .init();
    let admin = std::env::var("REPORTS_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let lines: u64 = env_or("REPORTS_LINES", 10_000_000);
    let shops: u64 = env_or("REPORTS_SHOPS", 5_000);
    let skus: u64 = env_or("REPORTS_SKUS", 20_000);
    let brands: u64 = env_or("REPORTS_BRANDS", 40);
    let distributors: u64 = env_or("REPORTS_DISTRIBUTORS", 100);
    let big_share: f64 = env_or("REPORTS_BIG_SHARE", 0.2);
    let rounds: usize = env_or("REPORTS_ROUNDS", 15);
    let reuse = std::env::var("REPORTS_REUSE").as_deref() == Ok("1");
    let url = with_db(&admin, "auromart_bench_reports");
    let settings = format!("{lines}/{shops}/{skus}/{brands}/{distributors}/{big_share}");

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut conn = PgConnection::connect(&admin).await.expect("connect REPORTS_PG");
        let existing: Option<String> = sqlx::query_scalar!(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = 'auromart_bench_reports'"
        )
        .fetch_optional(&mut conn)
        .await
        .expect("look for the database")
        .flatten();
        let generate = !(reuse && existing.as_deref() == Some(settings.as_str()));
        if generate {
            sqlx::query!("DROP DATABASE IF EXISTS auromart_bench_reports WITH (FORCE)")
                .execute(&mut conn)
                .await
                .expect("drop");
            sqlx::query!("CREATE DATABASE auromart_bench_reports")
                .execute(&mut conn)
                .await
                .expect("create");
        }
        // Without the monthly job: on this history it would queue last month's
        // summaries at start, and their reports would be measured with ours.
        let config = Config {
            database_url: url.clone(),
            monthly_summaries: false,
            ..Config::default()
        };
        let app = Application::build(config, auromart::server::startup::loopback_options())
            .await
            .expect("the application builds");
        if generate {
            let t = Instant::now();
            let hash = auromart::server::password::hash(PASSWORD.into())
                .await
                .expect("hash");
            let mut c = PgConnection::connect(&url).await.expect("connect");
            for (k, v) in [
                ("bench.lines", lines.to_string()),
                ("bench.big_share", big_share.to_string()),
                ("bench.shops", shops.to_string()),
                ("bench.skus", skus.to_string()),
                ("bench.brands", brands.to_string()),
                ("bench.distributors", distributors.to_string()),
                ("bench.hash", hash),
            ] {
                sqlx::query_scalar!("SELECT set_config($1, $2, false)", k, v)
                    .fetch_one(&mut c)
                    .await
                    .expect("setting");
            }
            sqlx::raw_sql(include_str!("reports_seed.sql"))
                .execute(&mut c)
                .await
                .expect("generate the history");
            println!("generated in {:.0}s; VACUUM ANALYZE…", t.elapsed().as_secs_f64());
            sqlx::raw_sql("VACUUM ANALYZE").execute(&mut c).await.expect("vacuum");
            let comment = format!("COMMENT ON DATABASE auromart_bench_reports IS '{settings}'");
            sqlx::raw_sql(&comment).execute(&mut conn).await.expect("comment");
            println!("ready in {:.0}s", t.elapsed().as_secs_f64());
        }
        let mut db = PgConnection::connect(&url).await.expect("connect");
        let counts = sqlx::query!(
            r#"SELECT (SELECT count(*) FROM orders) AS "orders!", (SELECT count(*) FROM order_lines) AS "lines!",
                      (SELECT count(*) FROM sales_daily) AS "sales_daily!", (SELECT count(*) FROM orders_daily) AS "orders_daily!",
                      (SELECT min(id) FROM organisations WHERE kind = 'distributor') AS "big!",
                      (SELECT whatsapp FROM organisations
                        WHERE id = (SELECT min(id) FROM organisations WHERE kind = 'distributor')) AS "big_phone!",
                      (SELECT r.whatsapp FROM organisations r
                        WHERE r.id = (SELECT min(retailer_id) FROM orders_daily
                                       WHERE distributor_id = (SELECT min(id) FROM organisations WHERE kind = 'distributor'))) AS "shop_phone!",
                      (SELECT whatsapp FROM organisations
                        WHERE id = (SELECT min(id) FROM organisations WHERE kind = 'manufacturer')) AS "brand_phone!",
                      (SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id
                        WHERE o.distributor_id = (SELECT min(id) FROM organisations WHERE kind = 'distributor')) AS "big_lines!",
                      ist_today()::text AS "today!", (ist_today() - 1)::text AS "yesterday!",
                      (ist_today() - 30)::text AS "month!", (ist_today() - 91)::text AS "quarter!",
                      (ist_today() - 365)::text AS "year!", (ist_today() - 1095)::text AS "three_years!""#
        )
        .fetch_one(&mut db)
        .await
        .expect("counts");
        println!(
            "\nAuroMart reports benchmark: {} orders, {} order lines ({} of them the large distributor's), rollups {} SKU-day rows and {} order-day rows; 2 cores shared by server, client and PostgreSQL\n",
            counts.orders, counts.lines, counts.big_lines, counts.sales_daily, counts.orders_daily
        );
        app.spawn_workers();
        let base = format!("http://{}", app.address());
        tokio::spawn(app.run_until(std::future::pending()));

        // The large distributor (the generator's first), one of its shops, the first brand.
        let big = signed_in(&base, &counts.big_phone).await;
        let shop = signed_in(&base, &counts.shop_phone).await;
        let brand = signed_in(&base, &counts.brand_phone).await;
        let platform = signed_in(&base, "919000000001").await;
        let y = counts.yesterday.as_str();
        let spans = [
            ("month", counts.month.as_str(), "day"),
            ("quarter", counts.quarter.as_str(), "week"),
            ("year", counts.year.as_str(), "month"),
        ];

        println!("Dashboards (target p95 ≤ 100 ms)");
        measure("distributor: this month at a glance", &big, &base, "reports/glance", &[], rounds).await;
        measure("distributor: order counts by status", &big, &base, "orders/counts", &[], rounds).await;
        measure("shop: this month at a glance", &shop, &base, "reports/glance", &[], rounds).await;

        println!("\nReports (target p95 ≤ 250 ms for the large distributor over a year)");
        for (who, client, endpoint) in [
            ("large distributor: sales report", &big, "reports/sales"),
            ("shop: purchases report", &shop, "reports/sales"),
            ("brand: brand report", &brand, "reports/brand"),
        ] {
            for (name, from, group) in spans {
                let what = format!("{who}, {name}");
                measure(&what, client, &base, endpoint, &period(from, y, group), rounds).await;
            }
        }
        println!("\nAdmin (target p95 ≤ 500 ms over three years)");
        for (name, from, group) in spans
            .into_iter()
            .chain([("three years", counts.three_years.as_str(), "month")])
        {
            measure(
                &format!("admin: platform report, {name}"),
                &platform,
                &base,
                "reports/platform",
                &period(from, y, group),
                rounds,
            )
            .await;
        }
        println!("\nAdmin: the tables fetched after the figures (by shop, category, state)");
        for (name, from, group) in spans
            .into_iter()
            .chain([("three years", counts.three_years.as_str(), "month")])
        {
            measure(
                &format!("admin: platform tables, {name}"),
                &platform,
                &base,
                "reports/platform_tables",
                &period(from, y, group),
                rounds,
            )
            .await;
        }

        println!("\nThe same figures from the raw order lines (no rollups)");
        let big_id = counts.big;
        let year_from = &counts.year;
        let raw_rounds = (rounds / 5).max(1);
        raw(
            &mut db,
            "large distributor, a year: totals and by product",
            &format!(
                "SELECT l.sku_id, sum(l.qty), sum(l.qty::bigint * l.unit_price_paise) FROM orders o JOIN order_lines l ON l.order_id = o.id
                  WHERE o.distributor_id = {big_id} AND o.state IN ('accepted','packed','out_for_delivery','ready_for_pickup','delivered','picked_up')
                    AND o.created_at >= '{year_from}'::date AND o.created_at < '{y}'::date + 1 GROUP BY 1"
            ),
            raw_rounds,
        )
        .await;
        raw(
            &mut db,
            "large distributor, a year: by shop with top products",
            &format!(
                "SELECT o.retailer_id, l.sku_id, sum(l.qty::bigint * l.unit_price_paise) FROM orders o JOIN order_lines l ON l.order_id = o.id
                  WHERE o.distributor_id = {big_id} AND o.state IN ('accepted','packed','out_for_delivery','ready_for_pickup','delivered','picked_up')
                    AND o.created_at >= '{year_from}'::date AND o.created_at < '{y}'::date + 1 GROUP BY 1, 2"
            ),
            raw_rounds,
        )
        .await;
        raw(
            &mut db,
            "platform, three years: by day",
            &format!(
                "SELECT (o.created_at AT TIME ZONE 'Asia/Kolkata')::date, count(*), sum(o.total_paise) FROM orders o
                  WHERE o.created_at >= '{}'::date GROUP BY 1",
                counts.three_years
            ),
            raw_rounds,
        )
        .await;
        raw(
            &mut db,
            "brand, a year: by product and district",
            &format!(
                "SELECT l.sku_id, left(o.pincode, 3), count(DISTINCT o.retailer_id), sum(l.qty) FROM orders o
                   JOIN order_lines l ON l.order_id = o.id JOIN skus k ON k.id = l.sku_id
                  WHERE k.manufacturer_id = (SELECT min(id) FROM organisations WHERE kind = 'manufacturer')
                    AND o.created_at >= '{year_from}'::date GROUP BY 1, 2"
            ),
            raw_rounds,
        )
        .await;

        println!("\nExports (target ≥ 50,000 rows/s, server memory growing ≤ 50 MB)");
        export(
            "large distributor: a year's order lines, CSV",
            &big,
            &format!("{base}/reports/sales/lines/csv?period=custom&from={year_from}&to={y}"),
        )
        .await;
        export(
            "large distributor: a year's order lines, XLSX",
            &big,
            &format!("{base}/reports/sales/lines/xlsx?period=custom&from={year_from}&to={y}"),
        )
        .await;
        export(
            "admin: a quarter's order lines (whole platform), CSV",
            &platform,
            &format!(
                "{base}/reports/platform/lines/csv?period=custom&from={}&to={y}",
                counts.quarter
            ),
        )
        .await;
    });
}
