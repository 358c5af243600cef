//! AuroMart load tool: drives a real AuroMart server over HTTP, the way the
//! browser calls server functions, and compares order placement with pgbench on
//! the same PostgreSQL.
//!
//!     cargo bench --features ssr --bench load                 # defaults below
//!     LOAD_SKUS=1000000 LOAD_SECONDS=20 cargo bench --features ssr --bench load
//!
//! Environment: LOAD_PG (server URL to create the bench databases on; default
//! postgres://postgres@127.0.0.1:5432/postgres), LOAD_SKUS (catalog size, 100000),
//! LOAD_CLIENTS (concurrent retailers, 16), LOAD_SECONDS (per phase, 10),
//! LOAD_RATE (orders/s for the fixed-rate phase, 500), LOAD_WARM_UP_SECONDS (orders
//! placed and then ANALYZEd before the order phases are measured, orders placed at
//! the fixed rate before it is measured, and pgbench run unmeasured before its
//! measured run; each after a checkpoint, 3), LOAD_POOL (the server's database
//! pool, as `database_max_connections`; its default).
//!
//! The server runs in this process on its own runtime and port; the catalog is
//! loaded with SQL (fast), everything measured goes through HTTP.

use auromart::server::config::Config;
use auromart::server::startup::Application;
use sqlx::{Connection, PgConnection};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

mod common;
use common::{Stats, env_or, with_db};

trait Line {
    fn line(&mut self, what: &str, elapsed: Duration) -> String;
}

impl Line for Stats {
    fn line(&mut self, what: &str, elapsed: Duration) -> String {
        let n = self.0.len();
        format!(
            "{what:<34} {n:>7} in {:>5.1}s = {:>7.0}/s   p50 {:>6.2} ms  p95 {:>6.2} ms  p99 {:>6.2} ms",
            elapsed.as_secs_f64(),
            n as f64 / elapsed.as_secs_f64(),
            self.pct(0.50),
            self.pct(0.95),
            self.pct(0.99)
        )
    }
}

const WORDS: &[&str] = &[
    "Marie",
    "Glucose",
    "Cream",
    "Bhujia",
    "Chiwda",
    "Ghee",
    "Atta",
    "Sugar",
    "Tea",
    "Soap",
    "Shampoo",
    "Paste",
    "Oil",
    "Detergent",
    "Mattress",
    "Pillow",
    "Cookies",
    "Rusk",
    "Namkeen",
    "Masala",
];
const SIZES: &[&str] = &[
    "50 g",
    "100 g",
    "200 g",
    "400 g",
    "500 g",
    "1 kg",
    "5 kg",
    "1 litre",
    "Pack of 6",
    "Family pack",
];
const QUERIES: &[&str] = &[
    "marie",
    "biskut",
    "bhujia 400",
    "ghee 1 litre",
    "shampo",
    "detergnt",
    "mattres",
    "atta 5",
    "cookies",
    "tea 500",
    // Worst cases of the earlier distance-ordered trigram scan (130-510 ms at
    // 1,000,000 SKUs): words never side by side, an unknown word, a stray number.
    "oil paste",
    "teapot",
    "marie 7 kg",
];

async fn seed(conn: &mut PgConnection, skus: usize) -> Result<(), sqlx::Error> {
    let t = Instant::now();
    sqlx::query!("INSERT INTO organisations (kind, legal_name, trade_name, gstin, address_line, city, state_code, pincode, whatsapp, approval)
         VALUES ('manufacturer', 'Bench Foods Private Limited', 'Bench Foods', '27AABCB1234C1Z1', '1 MIDC', 'Pune', 27, '411026', '919100000099', 'active'),
                ('distributor', 'Bench Traders', 'Bench Traders', '27AABFB1234F1Z2', '2 Market Yard', 'Pune', 27, '411037', '919200000099', 'active')")
    .execute(&mut *conn)
    .await?;
    let names: Vec<String> = (0..skus)
        .map(|i| {
            format!(
                "{} {} {}",
                WORDS[i % WORDS.len()],
                WORDS[(i / 7) % WORDS.len()],
                SIZES[(i / 3) % SIZES.len()]
            )
        })
        .collect();
    for (chunk_no, chunk) in names.chunks(20_000).enumerate() {
        let codes: Vec<String> = (0..chunk.len())
            .map(|i| format!("B{}", chunk_no * 20_000 + i))
            .collect();
        let search: Vec<String> = chunk
            .iter()
            .map(|n| format!("{} bench biscuits", n.to_lowercase()))
            .collect();
        sqlx::query!("INSERT INTO skus (manufacturer_id, code, name, brand, category_id, hsn, mrp_paise, unit, search_text)
             SELECT (SELECT id FROM organisations WHERE trade_name = 'Bench Foods'), c, n, 'Bench', (SELECT id FROM categories WHERE name = 'Biscuits'),
                    '1905', 1000 + (row_number() OVER ()) % 50000, 'pack', s
               FROM UNNEST($1::text[], $2::text[], $3::text[]) AS t(c, n, s)", &codes, chunk, &search)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query!("INSERT INTO links (manufacturer_id, distributor_id, state) SELECT m.id, d.id, 'active' FROM organisations m, organisations d
          WHERE m.trade_name = 'Bench Foods' AND d.trade_name = 'Bench Traders'")
    .execute(&mut *conn)
    .await?;
    sqlx::query!("INSERT INTO listings (distributor_id, sku_id, price_paise, on_hand)
         SELECT (SELECT id FROM organisations WHERE trade_name = 'Bench Traders'), id, mrp_paise - 100, 1000000 FROM skus")
    .execute(&mut *conn)
    .await?;
    sqlx::query!("INSERT INTO distributor_pincodes SELECT id, '411037' FROM organisations WHERE trade_name = 'Bench Traders'").execute(&mut *conn).await?;
    // The distributor's owner and one staff member: each new order alerts both on
    // WhatsApp, as in the product (outbox rows written in the order's transaction).
    sqlx::query!("INSERT INTO users (org_id, role, name, phone, password_hash)
         SELECT id, r, n, p, 'bench: cannot sign in' FROM organisations,
                (VALUES ('owner', 'Bench Owner', '919200000099'), ('staff', 'Bench Staff', '919200000098')) AS u(r, n, p)
          WHERE trade_name = 'Bench Traders'")
    .execute(&mut *conn)
    .await?;
    sqlx::query!("VACUUM ANALYZE").execute(&mut *conn).await?;
    println!("seeded {skus} SKUs in {:.1}s", t.elapsed().as_secs_f64());
    Ok(())
}

async fn call(
    http: &reqwest::Client,
    base: &str,
    endpoint: &str,
    form: &[(String, String)],
) -> Result<(u16, String), reqwest::Error> {
    let res = http
        .post(format!("{base}/api/{endpoint}"))
        .header("Accept", "application/json")
        .form(form)
        .send()
        .await?;
    let status = res.status().as_u16();
    Ok((status, res.text().await?))
}

fn p(k: &str, v: impl ToString) -> (String, String) {
    (k.to_string(), v.to_string())
}

/// A catalog search as the shop page sends it: text only, no other filters.
fn browse_form(q: &str) -> Vec<(String, String)> {
    let mut form = vec![
        p("filter[q]", q),
        p("filter[in_stock]", "false"),
        p("filter[page]", "0"),
    ];
    for empty in [
        "filter[category]",
        "filter[brand]",
        "filter[min_price]",
        "filter[max_price]",
    ] {
        form.push(p(empty, ""));
    }
    form
}

fn main() {
    let admin = std::env::var("LOAD_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let skus: usize = env_or("LOAD_SKUS", 100_000);
    let clients: usize = env_or("LOAD_CLIENTS", 16);
    let seconds: u64 = env_or("LOAD_SECONDS", 10);
    let rate: u64 = env_or("LOAD_RATE", 500);
    let warm_up: u64 = env_or("LOAD_WARM_UP_SECONDS", 3);
    let pool_size: u32 = env_or("LOAD_POOL", Config::default().database_max_connections);
    let bench_url = with_db(&admin, "auromart_bench");

    // The server: its own runtime (its own threads), as a separate process would be.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (base, listing_ids, distributor_id) = server_rt.block_on(async {
        let mut conn = PgConnection::connect(&admin)
            .await
            .expect("connect LOAD_PG");
        sqlx::query!("DROP DATABASE IF EXISTS auromart_bench WITH (FORCE)")
            .execute(&mut conn)
            .await
            .expect("drop");
        sqlx::query!("CREATE DATABASE auromart_bench")
            .execute(&mut conn)
            .await
            .expect("create");
        let url = with_db(&admin, "auromart_bench");
        let config = Config {
            database_url: url.clone(),
            database_max_connections: pool_size,
            ..Config::default()
        };
        let app = Application::build(config, auromart::server::startup::loopback_options())
            .await
            .expect("the application builds");
        let mut c = app.db().acquire().await.expect("conn");
        seed(&mut c, skus).await.expect("seed");
        let listing_ids: Vec<i64> =
            sqlx::query_scalar!("SELECT id FROM listings ORDER BY id LIMIT 5000")
                .fetch_all(&mut *c)
                .await
                .expect("listings");
        let distributor_id: i64 =
            sqlx::query_scalar!("SELECT id FROM organisations WHERE trade_name = 'Bench Traders'")
                .fetch_one(&mut *c)
                .await
                .expect("distributor");
        // LOAD_ROLLUPS=off measures order placement without the report rollups'
        // triggers (migration 0014), for the with/without ratio.
        if std::env::var("LOAD_ROLLUPS").as_deref() == Ok("off") {
            sqlx::query!("ALTER TABLE orders DISABLE TRIGGER orders_daily_placed")
                .execute(&mut *c)
                .await
                .expect("trigger off");
            sqlx::query!("ALTER TABLE orders DISABLE TRIGGER sales_rollup_state_changed")
                .execute(&mut *c)
                .await
                .expect("trigger off");
            sqlx::query!("ALTER TABLE order_lines DISABLE TRIGGER sales_daily_lines_added")
                .execute(&mut *c)
                .await
                .expect("trigger off");
            println!("report rollups: off");
        }
        drop(c);
        app.spawn_workers();
        let addr = app.address();
        tokio::spawn(app.run_until(std::future::pending()));
        (format!("http://{addr}"), listing_ids, distributor_id)
    });
    let server_rt = Arc::new(server_rt);

    let load_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    load_rt.block_on(async move {
        // Retailers sign up over HTTP, as in the browser.
        let mut shops = Vec::new();
        for i in 0..clients {
            let http = reqwest::Client::builder().cookie_store(true).build().expect("client");
            let form = vec![
                p("form[kind]", "retailer"), p("form[legal_name]", format!("Bench Shop {i}")), p("form[trade_name]", ""), p("form[gstin]", ""),
                p("form[address_line]", "Shop 1, Kothrud"), p("form[city]", "Pune"), p("form[state_code]", "27"), p("form[pincode]", "411037"),
                p("form[whatsapp]", ""), p("form[owner_name]", "Bench Owner"), p("form[phone]", format!("96{:08}", i)), p("form[email]", ""),
                p("form[password]", "Bench#Shop2026"),
            ];
            let (status, body) = call(&http, &base, "auth/signup", &form).await.expect("signup");
            assert!(status < 400, "signup failed: {body}");
            shops.push(http);
        }
        let shops = Arc::new(shops);
        println!("\nAuroMart load test: {skus} SKUs, {clients} concurrent retailers, {seconds}s per phase, 2 cores shared by server, load and PostgreSQL\n");

        // Catalog search by one shop at a time: the latency a person sees.
        let mut single = Stats(Vec::new());
        let t = Instant::now();
        for i in 0..200 {
            let form = browse_form(QUERIES[i % QUERIES.len()]);
            let s = Instant::now();
            let (status, body) = call(&shops[0], &base, "orders/browse", &form).await.expect("browse");
            assert!(status < 400, "browse failed: {body}");
            single.0.push(s.elapsed());
        }
        println!("{}", single.line("catalog search, one shop", t.elapsed()));

        // Catalog search, as typed (with typos), concurrent.
        let mut search = Stats(Vec::new());
        let t = Instant::now();
        let mut tasks = Vec::new();
        for c in 0..clients {
            let (shops, base) = (shops.clone(), base.clone());
            tasks.push(tokio::spawn(async move {
                let mut times = Vec::new();
                for i in 0..50 {
                    let q = QUERIES[(c + i) % QUERIES.len()];
                    let form = browse_form(q);
                    let s = Instant::now();
                    let (status, body) = call(&shops[c], &base, "orders/browse", &form).await.expect("browse");
                    assert!(status < 400, "browse failed: {body}");
                    times.push(s.elapsed());
                }
                times
            }));
        }
        for task in tasks {
            search.0.extend(task.await.expect("task"));
        }
        println!("{}", search.line(&format!("catalog search, {clients} shops at once"), t.elapsed()));

        // Order placement at full speed.
        let key = Arc::new(AtomicU64::new(0));
        let place = move |c: usize, key: Arc<AtomicU64>, shops: Arc<Vec<reqwest::Client>>, base: String, listings: Arc<Vec<i64>>| async move {
            let k = key.fetch_add(1, Ordering::Relaxed);
            let lines = 1 + (k % 3) as usize;
            let mut form = vec![p("order[distributor_id]", distributor_id), p("order[idempotency_key]", format!("bench-{k:012}")), p("order[note]", "")];
            for l in 0..lines {
                form.push(p(&format!("order[lines][{l}][listing_id]"), listings[(k as usize * 7 + l * 131) % listings.len()]));
                form.push(p(&format!("order[lines][{l}][qty]"), 1 + (k % 5)));
            }
            let s = Instant::now();
            let (status, body) = call(&shops[c], &base, "orders/place", &form).await.expect("place");
            assert!(status < 400, "order failed: {body}");
            s.elapsed()
        };
        let listings = Arc::new(listing_ids);
        // Orders and pgbench are measured alike: a checkpoint, a warm-up of
        // LOAD_WARM_UP_SECONDS, then the measured run. After a checkpoint the first
        // change to each page writes the whole page to the WAL, so without the same
        // start a checkpoint left running by one phase slowed the next. The order
        // warm-up ends with ANALYZE, as on a shop that has been running: otherwise
        // every connection keeps the foreign-key check plans it made while `orders`
        // was empty (sequential scans) until autovacuum next analyses.
        let mut conn = PgConnection::connect(&bench_url).await.expect("connect");
        sqlx::query!("CHECKPOINT").execute(&mut conn).await.expect("checkpoint");
        let warm_until = Instant::now() + Duration::from_secs(warm_up);
        let mut tasks = Vec::new();
        for c in 0..clients {
            let (shops, base, key, listings) = (shops.clone(), base.clone(), key.clone(), listings.clone());
            tasks.push(tokio::spawn(async move {
                while Instant::now() < warm_until {
                    place(c, key.clone(), shops.clone(), base.clone(), listings.clone()).await;
                }
            }));
        }
        for task in tasks {
            task.await.expect("task");
        }
        sqlx::query!("ANALYZE").execute(&mut conn).await.expect("analyze");
        println!("warm-up: {} orders placed in {warm_up}s, then ANALYZE", key.load(Ordering::Relaxed));
        let mut orders = Stats(Vec::new());
        let t = Instant::now();
        let deadline = t + Duration::from_secs(seconds);
        let mut tasks = Vec::new();
        for c in 0..clients {
            let (shops, base, key, listings) = (shops.clone(), base.clone(), key.clone(), listings.clone());
            tasks.push(tokio::spawn(async move {
                let mut times = Vec::new();
                while Instant::now() < deadline {
                    times.push(place(c, key.clone(), shops.clone(), base.clone(), listings.clone()).await);
                }
                times
            }));
        }
        for task in tasks {
            orders.0.extend(task.await.expect("task"));
        }
        let elapsed = t.elapsed();
        let max_rate = orders.0.len() as f64 / elapsed.as_secs_f64();
        println!("{}", orders.line("order placement, max throughput", elapsed));

        // Fixed rate: LOAD_RATE orders/s, open loop, measured like the other phases:
        // a checkpoint (so that the full-speed phase's dirty pages are not written
        // out during it), LOAD_WARM_UP_SECONDS at the rate unmeasured, then the
        // measured run.
        sqlx::query!("CHECKPOINT").execute(&mut conn).await.expect("checkpoint");
        let at_rate = |seconds: u64| {
            let (shops, base, key, listings) = (shops.clone(), base.clone(), key.clone(), listings.clone());
            async move {
                let t = Instant::now();
                let mut tasks = Vec::new();
                for i in 0..rate * seconds {
                    let at = t + Duration::from_nanos(i * 1_000_000_000 / rate);
                    tokio::time::sleep_until(at.into()).await;
                    let (shops, base, key, listings) = (shops.clone(), base.clone(), key.clone(), listings.clone());
                    tasks.push(tokio::spawn(async move { place(i as usize % clients, key, shops, base, listings).await }));
                }
                let mut times = Stats(Vec::new());
                for task in tasks {
                    times.0.push(task.await.expect("task"));
                }
                (times, t.elapsed())
            }
        };
        at_rate(warm_up).await;
        let (mut fixed, elapsed) = at_rate(seconds).await;
        println!("{}", fixed.line(&format!("order placement at {rate}/s"), elapsed));

        // pgbench (TPC-B) on the same server with the same client count.
        let pg_tps = pgbench(&admin, clients, warm_up, seconds);
        match pg_tps {
            Some(tps) => println!("{:<34} {tps:>7.0} TPS   order placement / pgbench = {:.2}", format!("pgbench TPC-B, {clients} clients"), max_rate / tps),
            None => println!("pgbench not found: install postgresql-contrib (or the server package) to compare"),
        }
    });
    drop(server_rt);
}

fn pgbench(admin: &str, clients: usize, warm_up: u64, seconds: u64) -> Option<f64> {
    use std::process::Command;
    let bin = [
        "pgbench",
        "/usr/lib/postgresql/15/bin/pgbench",
        "/usr/lib/postgresql/16/bin/pgbench",
        "/usr/lib/postgresql/17/bin/pgbench",
    ]
    .into_iter()
    .find(|b| Command::new(b).arg("--version").output().is_ok())?;
    let url = with_db(admin, "auromart_pgbench");
    let psql = |sql: &str| {
        let _ = Command::new("psql").args([admin, "-qc", sql]).output();
    };
    psql("DROP DATABASE IF EXISTS auromart_pgbench WITH (FORCE)");
    psql("CREATE DATABASE auromart_pgbench");
    let init = Command::new(bin)
        .args(["-i", "-q", "-s", "10", &url])
        .output()
        .ok()?;
    if !init.status.success() {
        return None;
    }
    psql("CHECKPOINT");
    let pgbench_for = |secs: u64| {
        Command::new(bin)
            .args([
                "-c",
                &clients.to_string(),
                "-j",
                "2",
                "-T",
                &secs.to_string(),
                &url,
            ])
            .output()
    };
    if warm_up > 0 {
        pgbench_for(warm_up).ok()?;
    }
    let measured = pgbench_for(seconds).ok()?;
    let out = String::from_utf8_lossy(&measured.stdout);
    let tps = out
        .lines()
        .find(|l| l.starts_with("tps ="))?
        .split_whitespace()
        .nth(2)?
        .parse()
        .ok();
    psql("DROP DATABASE IF EXISTS auromart_pgbench WITH (FORCE)");
    tps
}
