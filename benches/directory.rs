//! The admin's directory at platform size: 100,000 organisations (retailers,
//! distributors, brands across every state, at real pincodes of India Post's
//! directory) with 130,000 users, then the directory's pages measured over HTTP
//! as the browser calls them: the first page, a deep page by keyset, a search
//! by phone, by part of a name, by e-mail, and filters by state, district and
//! recent log-ins.
//!
//!     CARGO_TARGET_DIR=target/bench cargo bench --features ssr --bench directory
//!
//! Environment: DIRECTORY_PG (server to create `auromart_bench_directory` on;
//! default postgres://postgres@127.0.0.1:5432/postgres), DIRECTORY_ORGS
//! (100000), DIRECTORY_ROUNDS (50 calls per measurement).

use auromart::server::config::Config;
use auromart::server::startup::Application;
use sqlx::{Connection, PgConnection};
use std::time::Instant;

mod common;
use common::{Stats, env_or, with_db};

const PASSWORD: &str = "Bench#Directory2026";

fn form(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    [
        "kind",
        "approval",
        "q",
        "state",
        "district",
        "active_days",
        "after",
    ]
    .iter()
    .map(|k| {
        let v = fields.iter().find(|(n, _)| n == k).map_or("", |(_, v)| v);
        (format!("filter[{k}]"), v.to_string())
    })
    .collect()
}

async fn call(http: &reqwest::Client, base: &str, form: &[(String, String)]) -> serde_json::Value {
    let res = http
        .post(format!("{base}/api/admin/organisations"))
        .header("Accept", "application/json")
        .form(form)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    let body: serde_json::Value = res.json().await.expect("json");
    assert!(status < 400, "{body}");
    body
}

fn main() {
    let admin = std::env::var("DIRECTORY_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let orgs: i64 = env_or("DIRECTORY_ORGS", 100_000);
    let rounds: usize = env_or("DIRECTORY_ROUNDS", 50);
    let url = with_db(&admin, "auromart_bench_directory");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut conn = PgConnection::connect(&admin).await.expect("connect DIRECTORY_PG");
        for statement in [
            "DROP DATABASE IF EXISTS auromart_bench_directory WITH (FORCE)",
            "CREATE DATABASE auromart_bench_directory",
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
        // Organisations at the directory's own pincodes, in their own states; every
        // tenth has a staff member with an e-mail; a fifth logged in lately.
        sqlx::query!(
            "INSERT INTO organisations (kind, legal_name, trade_name, gstin, address_line, city, state_code, pincode,
                                        whatsapp, approval, created_at)
             SELECT CASE WHEN n % 50 = 0 THEN 'manufacturer' WHEN n % 10 = 0 THEN 'distributor' ELSE 'retailer' END,
                    (ARRAY['Sai', 'Laxmi', 'Balaji', 'Om', 'Annapurna', 'Mahalaxmi', 'Royal', 'Jai Bhavani'])[1 + n % 8]
                      || ' ' || (ARRAY['Kirana', 'Traders', 'Stores', 'Agencies', 'Distributors', 'Foods'])[1 + n % 6]
                      || ' ' || n,
                    'Shop ' || n,
                    CASE WHEN n % 10 = 0
                         THEN lpad(p.state_code::text, 2, '0') || 'AAB' || chr(65 + (n % 26)::int)
                              || chr(65 + (n / 26 % 26)::int) || lpad((n / 676 % 10000)::text, 4, '0') || 'F1Z5' END,
                    'Road ' || n, p.district, p.state_code, p.pincode,
                    '919' || lpad(n::text, 9, '0'), 'active', now() - make_interval(mins => n::int)
               FROM generate_series(1, $1::bigint) n
               JOIN LATERAL (SELECT pincode, state_code, district FROM pincodes
                              ORDER BY pincode OFFSET (n * 7919) % 19000 LIMIT 1) p ON true",
            orgs
        )
        .execute(&mut db)
        .await
        .expect("organisations");
        sqlx::query!(
            "INSERT INTO users (org_id, role, name, phone, email, password_hash, last_login_at)
             SELECT id, 'owner', 'Owner ' || id, whatsapp, NULL, $1,
                    CASE WHEN id % 5 = 0 THEN now() - make_interval(days => (id % 20)::int) END
               FROM organisations",
            hash
        )
        .execute(&mut db)
        .await
        .expect("owners");
        sqlx::query!(
            "INSERT INTO users (org_id, role, name, phone, email, password_hash)
             SELECT id, 'staff', 'Staff ' || id, NULL, 'staff' || id || '@example.in', $1
               FROM organisations WHERE id % 10 = 3",
            hash
        )
        .execute(&mut db)
        .await
        .expect("staff");
        sqlx::query!(
            "INSERT INTO organisations (kind, legal_name, trade_name, address_line, city, state_code, pincode, whatsapp, approval)
             VALUES ('platform', 'AuroMart', 'AuroMart', 'HQ', 'Pune', 27, '411001', '918000000001', 'active')"
        )
        .execute(&mut db)
        .await
        .expect("platform");
        sqlx::query!(
            "INSERT INTO users (org_id, role, name, phone, password_hash)
             SELECT id, 'owner', 'Admin', '918000000001', $1 FROM organisations WHERE kind = 'platform'",
            hash
        )
        .execute(&mut db)
        .await
        .expect("admin");
        sqlx::raw_sql("VACUUM ANALYZE").execute(&mut db).await.expect("vacuum");
        let users: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM users"#)
            .fetch_one(&mut db)
            .await
            .expect("count");
        println!("{orgs} organisations, {users} users generated in {:.0}s", t.elapsed().as_secs_f64());
        tokio::spawn(async move {
            app.run_until(std::future::pending()).await.expect("serve");
        });
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        let login = http
            .post(format!("{base}/api/auth/login"))
            .header("Accept", "application/json")
            .form(&[("identifier", "8000000001"), ("password", PASSWORD)])
            .send()
            .await
            .expect("login");
        assert!(login.status().as_u16() < 400, "admin log-in");
        // A deep page: the organisation half-way down the list.
        let middle = (orgs / 2).to_string();
        let phone = format!("9{:09}", orgs / 3);
        let district: String = sqlx::query_scalar!(
            "SELECT p.district FROM organisations o JOIN pincodes p ON p.pincode = o.pincode AND p.state_code = o.state_code
              WHERE o.id = $1",
            orgs / 4
        )
        .fetch_one(&mut db)
        .await
        .expect("a district");
        let email = format!("staff{}@example", (orgs / 20) * 10 + 3);
        let cases: Vec<(&str, Vec<(String, String)>)> = vec![
            ("first page, every organisation", form(&[("approval", "")])),
            ("page after the middle (keyset)", form(&[("after", &middle)])),
            ("search: a phone number", form(&[("q", &phone)])),
            ("search: part of a name", form(&[("q", "Laxmi Traders")])),
            ("search: a staff member's e-mail", form(&[("q", &email)])),
            ("filter: retailers in Karnataka", form(&[("kind", "retailer"), ("state", "29")])),
            ("filter: one district", form(&[("district", &district)])),
            ("filter: logged in within 7 days", form(&[("active_days", "7")])),
        ];
        let mut worst = 0.0f64;
        for (what, f) in &cases {
            let first = call(&http, &base, f).await;
            assert!(
                first["rows"].as_array().is_some_and(|r| !r.is_empty()),
                "{what}: no rows"
            );
            let mut times = Stats(Vec::new());
            for _ in 0..rounds {
                let t = Instant::now();
                call(&http, &base, f).await;
                times.0.push(t.elapsed());
            }
            let (p50, p95) = (times.pct(0.5), times.pct(0.95));
            worst = worst.max(p95);
            println!("{what:<40} p50 {p50:>6.1} ms  p95 {p95:>6.1} ms");
        }
        println!("worst p95 {worst:.1} ms (target 50 ms)");
    });
}
