//! WhatsApp sender throughput: queues `WA_MESSAGES` template messages in a fresh
//! database, starts the real sender against the fake Graph API (the one the tests
//! use, over loopback HTTP), and measures messages per second — unpaced (capacity)
//! and paced at the Cloud API's default 80 per second — while a client places
//! orders-like writes on the same database and times them.
//!
//! `cargo bench --features ssr --bench whatsapp_send`
//! Settings: `WA_PG` (admin URL), `WA_MESSAGES` (2000), `WA_FAKE_DELAY_MS` (0).

#[path = "../tests/integration/common/fake_graph.rs"]
#[allow(dead_code)]
mod fake_graph;

use auromart::server::config::Config;
use auromart::server::startup::Application;
use sqlx::{Connection, PgConnection};
use std::time::{Duration, Instant};

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn with_db(url: &str, name: &str) -> String {
    match url.rfind('/') {
        Some(i) if i > url.find("://").map(|s| s + 2).unwrap_or(0) => {
            format!("{}/{name}", &url[..i])
        }
        _ => format!("{url}/{name}"),
    }
}

async fn queue(pool: &sqlx::PgPool, run: &str, n: i64) {
    sqlx::query!(
        "INSERT INTO outbox (dedupe_key, recipient, template, language, params)
         SELECT $1 || ':' || g, '91980' || lpad(g::text, 7, '0'), 'order_packed', 'en',
                jsonb_build_object('order', g::text, 'distributor', 'Bench Traders')
           FROM generate_series(1::bigint, $2) g",
        run,
        n
    )
    .execute(pool)
    .await
    .expect("queue");
}

/// Waits until nothing is pending; meanwhile times one small write transaction
/// every 20 ms (what order placement competes with). Returns (seconds, write p50, p99).
async fn drain(pool: &sqlx::PgPool) -> (f64, Duration, Duration) {
    let start = Instant::now();
    let mut writes = Vec::new();
    loop {
        let t = Instant::now();
        sqlx::query!(
            "INSERT INTO job_runs (job, period) VALUES ('bench', $1)",
            format!("{:?}", t)
        )
        .execute(pool)
        .await
        .expect("write");
        writes.push(t.elapsed());
        let open: i64 = sqlx::query_scalar!(
            r#"SELECT count(*) AS "v!" FROM outbox WHERE state IN ('pending', 'sending')"#
        )
        .fetch_one(pool)
        .await
        .expect("count");
        if open == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    writes.sort();
    let pct = |p: f64| writes[((writes.len() - 1) as f64 * p) as usize];
    (start.elapsed().as_secs_f64(), pct(0.5), pct(0.99))
}

#[tokio::main]
async fn main() {
    let admin = env(
        "WA_PG",
        "postgres://postgres@127.0.0.1:5432/postgres".to_string(),
    );
    let n: i64 = env("WA_MESSAGES", 2000);
    let fake = fake_graph::FakeGraph::start().await;
    fake.set_delay(Duration::from_millis(env("WA_FAKE_DELAY_MS", 0)));
    let mut conn = PgConnection::connect(&admin).await.expect("connect");
    sqlx::query!("DROP DATABASE IF EXISTS auromart_bench_wa WITH (FORCE)")
        .execute(&mut conn)
        .await
        .expect("drop");
    sqlx::query!("CREATE DATABASE auromart_bench_wa")
        .execute(&mut conn)
        .await
        .expect("create");
    let url = with_db(&admin, "auromart_bench_wa");
    for (label, rate) in [("unpaced (capacity)", 100_000u32), ("paced at 80/s", 80)] {
        let mut config = Config {
            database_url: url.clone(),
            database_max_connections: 10,
            monthly_summaries: false,
            ..Config::default()
        };
        fake.configure(&mut config);
        config.whatsapp.rate_per_sec = rate;
        let options = auromart::server::startup::loopback_options();
        let app = Application::build(config, options)
            .await
            .expect("the application builds");
        let pool = app.db().clone();
        sqlx::query!("TRUNCATE outbox")
            .execute(&pool)
            .await
            .expect("truncate");
        queue(&pool, label, n).await;
        let before = fake.messages().len();
        // Only the sender runs: the bench drives that one worker.
        let state = app.state().clone();
        let sender = tokio::spawn(auromart::whatsapp::sender::run(state));
        let (secs, p50, p99) = drain(&pool).await;
        sender.abort();
        let sent = fake.messages().len() - before;
        assert_eq!(sent as i64, n, "every message reached the fake API once");
        println!(
            "{label}: {n} messages in {secs:.2} s = {:.0} messages/s; a write transaction meanwhile p50 {:.2} ms, p99 {:.2} ms",
            n as f64 / secs,
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
    }
}
