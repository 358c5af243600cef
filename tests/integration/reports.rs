//! Reports: the rollups equal a full recount of the orders after random
//! workflows; each side's report adds up its own orders only; the CSV download
//! is the page's table with the same totals; bad periods say why, beside the field.

use crate::common::trade::Market;
use crate::common::{Client, TestApp, pairs, spawn_app};
use serde_json::Value;

/// A small deterministic generator, so a failing run can be replayed.
struct Steps(u64);

impl Steps {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Rows of the rollups that a full recount from the orders, their lines and
/// their events does not give, and recount rows the rollups lack.
async fn rollup_differences(app: &TestApp) -> (i64, i64) {
    let lines = sqlx::query_scalar!(
        r#"WITH stage AS (
             SELECT o.id, sales_stage_of(o.state, (SELECT e.from_state FROM order_events e
                                                 WHERE e.order_id = o.id AND e.to_state = o.state
                                                 ORDER BY e.id DESC LIMIT 1)) AS stage
               FROM orders o),
           recount AS (
             SELECT ist_day(o.created_at) AS day, o.distributor_id, o.retailer_id, l.sku_id, st.stage::text AS stage,
                    o.state_code, o.pincode, k.manufacturer_id, count(DISTINCT o.id)::int AS orders,
                    sum(l.qty)::bigint AS qty, sum(l.qty::bigint * l.unit_price_paise)::bigint AS value_paise
               FROM orders o JOIN stage st ON st.id = o.id
               JOIN order_lines l ON l.order_id = o.id JOIN skus k ON k.id = l.sku_id
              GROUP BY 1, 2, 3, 4, 5, 6, 7, 8),
           kept AS (
             SELECT day, distributor_id, retailer_id, sku_id, stage::text AS stage, state_code, pincode,
                    manufacturer_id, orders, qty, value_paise FROM sales_daily)
           SELECT ((SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM recount) a)
                 + (SELECT count(*) FROM (SELECT * FROM recount EXCEPT SELECT * FROM kept) b)) AS "n!""#
    )
    .fetch_one(&app.db)
    .await
    .expect("recount lines");
    let orders = sqlx::query_scalar!(
        r#"WITH stage AS (
             SELECT o.id, sales_stage_of(o.state, (SELECT e.from_state FROM order_events e
                                                 WHERE e.order_id = o.id AND e.to_state = o.state
                                                 ORDER BY e.id DESC LIMIT 1)) AS stage
               FROM orders o),
           recount AS (
             SELECT ist_day(o.created_at) AS day, o.distributor_id, o.retailer_id, st.stage::text AS stage,
                    o.state_code, o.pincode, count(*)::int AS orders, sum(o.line_count)::int AS lines,
                    sum(o.total_paise)::bigint AS total_paise
               FROM orders o JOIN stage st ON st.id = o.id
              GROUP BY 1, 2, 3, 4, 5, 6),
           kept AS (
             SELECT day, distributor_id, retailer_id, stage::text AS stage, state_code, pincode,
                    orders, lines, total_paise FROM orders_daily)
           SELECT ((SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM recount) a)
                 + (SELECT count(*) FROM (SELECT * FROM recount EXCEPT SELECT * FROM kept) b)) AS "n!""#
    )
    .fetch_one(&app.db)
    .await
    .expect("recount orders");
    (lines, orders)
}

/// The workflows an order can take, as the actions each side takes in turn.
const PATHS: &[&[(&str, &str)]] = &[
    &[],
    &[("shop", "cancel")],
    &[("dist", "reject")],
    &[("dist", "accept_deliver")],
    &[("dist", "accept_deliver"), ("dist", "pack")],
    &[
        ("dist", "accept_deliver"),
        ("dist", "pack"),
        ("dist", "dispatch"),
        ("dist", "delivered"),
    ],
    &[
        ("dist", "accept_pickup"),
        ("dist", "pack"),
        ("dist", "ready_for_pickup"),
        ("dist", "picked_up"),
    ],
    &[("dist", "accept_deliver"), ("dist", "cancel")],
    &[
        ("dist", "accept_pickup"),
        ("dist", "pack"),
        ("dist", "cancel"),
    ],
];

async fn place(shop: &Client, distributor: i64, lines: &[(i64, i64)], key: &str) -> i64 {
    let answer = shop
        .call(
            "orders/place",
            &crate::common::trade::order_form(distributor, lines, Some(key)),
        )
        .await;
    answer.ok()["id"].as_i64().expect("order id")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollups_equal_a_full_recount_after_random_workflows() {
    let app = spawn_app().await;
    let a = app.market(300, 5_000).await;
    let b = app.market(310, 5_000).await;
    assert_eq!(rollup_differences(&app).await, (0, 0), "empty at the start");
    let seed = 0x5eed_2026_1203_u64;
    let mut steps = Steps(seed);
    let shops = [(&a.retailer, "a"), (&b.retailer, "b")];
    let sellers = [&a, &b];
    let mut placed = 0;
    for n in 0..40 {
        let (shop, tag) = shops[steps.next(2) as usize];
        let m = sellers[steps.next(2) as usize];
        let qty = 1 + steps.next(9) as i64;
        let key = format!("rollup-{tag}-{n:04}");
        let id = place(shop, m.distributor_org, &[(m.listing_id, qty)], &key).await;
        // A retried placement (same key) is one order, counted once.
        if steps.next(4) == 0 {
            let again = place(shop, m.distributor_org, &[(m.listing_id, qty)], &key).await;
            assert_eq!(again, id, "seed {seed:#x}: the retry is the same order");
        }
        placed += 1;
        for (who, action) in PATHS[steps.next(PATHS.len() as u64) as usize] {
            let client = if *who == "shop" { shop } else { &m.distributor };
            let reason = if matches!(*action, "reject" | "cancel") && *who == "dist" {
                "Out of stock"
            } else {
                ""
            };
            m.act(client, id, action, reason).await.ok();
        }
        assert_eq!(
            rollup_differences(&app).await,
            (0, 0),
            "seed {seed:#x}, order {n}: the rollups equal the recount"
        );
    }
    let counted = sqlx::query_scalar!(r#"SELECT sum(orders)::bigint AS "n!" FROM orders_daily"#)
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(counted, placed, "every order counted once");
    let stages =
        sqlx::query_scalar!(r#"SELECT count(DISTINCT stage)::bigint AS "n!" FROM orders_daily"#)
            .fetch_one(&app.db)
            .await
            .expect("stages");
    assert!(
        stages >= 5,
        "the random paths reached most stages ({stages})"
    );
}

fn period(preset: &str, from: &str, to: &str, group: &str) -> Vec<(String, String)> {
    pairs(&[
        ("query[period]", preset),
        ("query[from]", from),
        ("query[to]", to),
        ("query[group]", group),
    ])
}

fn money(v: &Value) -> i64 {
    v["Money"].as_i64().unwrap_or(-1)
}

/// The totals row's text of a CSV download.
fn csv_totals(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let last = text.lines().last().unwrap_or_default().to_string();
    assert!(last.starts_with("Total,"), "a totals row: {text}");
    last
}

/// The first worksheet's XML of a workbook.
fn sheet_xml(xlsx: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("an xlsx is a zip");
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .expect("a first sheet")
        .read_to_string(&mut sheet)
        .expect("xml");
    sheet
}

/// The market's shop orders `qty` of its one product; returns the order id.
async fn order(m: &Market, qty: i64, key: &str) -> i64 {
    place(&m.retailer, m.distributor_org, &[(m.listing_id, qty)], key).await
}

async fn accepted_order(m: &Market, qty: i64, key: &str) {
    let id = order(m, qty, key).await;
    m.act(&m.distributor, id, "accept_deliver", "").await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_side_sees_its_own_sales_and_the_download_agrees() {
    let app = spawn_app().await;
    let m = app.market(320, 500).await;
    let other = app.market(330, 500).await;
    accepted_order(&m, 4, "report-1").await;
    accepted_order(&m, 2, "report-2").await;
    // Placed but not answered, and rejected: ordered, not sold.
    order(&m, 1, "report-3").await;
    let refused = order(&m, 3, "report-4").await;
    m.act(&m.distributor, refused, "reject", "Out of stock")
        .await
        .ok();
    // Another tenant's sale, which neither side of `m` may see.
    accepted_order(&other, 7, "report-5").await;
    // The order list's tracking row counts each status.
    let counts = m.distributor.call("orders/counts", &[]).await;
    assert_eq!(
        counts.ok()["by_state"],
        serde_json::json!([
            ["placed", 1],
            ["accepted", 2],
            ["packed", 0],
            ["out_for_delivery", 0],
            ["ready_for_pickup", 0],
            ["delivered", 0],
            ["picked_up", 0],
            ["rejected", 1],
            ["cancelled", 0]
        ])
    );
    let sold: i64 = sqlx::query_scalar!(
        r#"SELECT sum(total_paise)::bigint AS "v!" FROM orders WHERE distributor_id = $1 AND state = 'accepted'"#,
        m.distributor_org
    )
    .fetch_one(&app.db)
    .await
    .expect("sold");
    for (who, kind) in [(&m.distributor, "distributor"), (&m.retailer, "retailer")] {
        let r = who
            .call("reports/sales", &period("this_month", "", "", ""))
            .await;
        let r = r.ok();
        assert_eq!(
            r["total"]["now"].as_i64(),
            Some(sold),
            "{kind}: sales with GST"
        );
        assert_eq!(
            r["orders"]["now"].as_i64(),
            Some(2),
            "{kind}: two sold orders"
        );
        assert_eq!(
            r["goods"]["now"].as_i64(),
            Some(6 * 2_750),
            "{kind}: 6 × ₹27.50"
        );
        assert_eq!(r["funnel"]["placed"].as_i64(), Some(4), "{kind}");
        assert_eq!(r["funnel"]["rejected"].as_i64(), Some(1), "{kind}");
        assert_eq!(r["funnel"]["open"].as_i64(), Some(1), "{kind}");
        let gst: i64 = sqlx::query_scalar!(
            r#"SELECT sum(cgst_paise + sgst_paise + igst_paise)::bigint AS "v!" FROM invoices WHERE distributor_id = $1"#,
            m.distributor_org
        )
        .fetch_one(&app.db)
        .await
        .expect("gst");
        assert!(gst > 0);
        assert_eq!(
            r["gst"]["now"].as_i64(),
            Some(gst),
            "{kind}: GST on the invoices"
        );
        if kind == "distributor" {
            assert_eq!(r["rejections"]["rows"][0][0]["Text"], "out of stock");
            assert_eq!(r["rejections"]["rows"][0][1]["Count"], 1);
        } else {
            assert_eq!(r["rejections"]["rows"].as_array().map(Vec::len), Some(0));
        }
        assert_eq!(
            r["inactive"]["rows"].as_array().map(Vec::len),
            Some(0),
            "{kind}: ordered today, not inactive"
        );
        let parties = r["parties"]["rows"].as_array().expect("rows");
        assert_eq!(parties.len(), 1, "{kind}: only its own trading partner");
        let products = &r["products"];
        assert_eq!(money(&products["totals"][5]), 6 * 2_750, "{kind}");
        let series: i64 = r["series"]
            .as_array()
            .expect("series")
            .iter()
            .map(|p| p["value_paise"].as_i64().unwrap_or(0))
            .sum();
        assert_eq!(series, sold, "{kind}: the chart adds up to the total");
        // The download is the same table: its totals row equals the page's.
        let (status, content_type, bytes) = who
            .download("/reports/sales/products/csv?period=this_month")
            .await;
        assert_eq!(status, 200, "{kind}");
        assert!(content_type.starts_with("text/csv"), "{content_type}");
        let page_total = format!(
            "Total,,,{},{},{}.{:02}",
            products["totals"][3]["Count"],
            products["totals"][4]["Count"],
            money(&products["totals"][5]) / 100,
            money(&products["totals"][5]) % 100
        );
        assert_eq!(csv_totals(&bytes), page_total, "{kind}");
        // The workbook holds the same totals: the sheet's last row has the
        // quantity, the orders and the value in rupees.
        let (status, content_type, xlsx) = who
            .download("/reports/sales/products/xlsx?period=this_month")
            .await;
        assert_eq!(status, 200, "{kind}");
        assert!(content_type.contains("spreadsheetml"), "{content_type}");
        let sheet = sheet_xml(&xlsx);
        let value = format!("<v>{}</v>", money(&products["totals"][5]) as f64 / 100.0);
        assert!(
            sheet.contains(&value),
            "{kind}: {value} in the workbook:\n{sheet}"
        );
        let (_, _, parties_csv) = who
            .download("/reports/sales/parties/csv?period=this_month")
            .await;
        let text = String::from_utf8_lossy(&parties_csv);
        assert!(
            !text.contains("Test Shop 331") && !text.contains("Test Shop 332"),
            "{kind}: another tenant's name in the download:\n{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_periods_say_why_beside_their_field() {
    let app = spawn_app().await;
    let m = app.market(340, 10).await;
    let today = sqlx::query_scalar!(r#"SELECT ist_today()::text AS "d!""#)
        .fetch_one(&app.db)
        .await
        .expect("today");
    let tomorrow = sqlx::query_scalar!(r#"SELECT (ist_today() + 1)::text AS "d!""#)
        .fetch_one(&app.db)
        .await
        .expect("tomorrow");
    let cases = [
        (period("custom", "2026-11-20", "2026-11-10", ""), "to"),
        (period("custom", &tomorrow, &tomorrow, ""), "from"),
        (period("custom", "2019-01-01", &today, ""), "to"),
        (period("custom", "2026-02-30", &today, ""), "from"),
        (period("custom", "", "", ""), "from"),
        (period("next_decade", "", "", ""), "period"),
        (period("this_month", "", "", "hour"), "group"),
    ];
    for (form, field) in cases {
        let a = m.distributor.call("reports/sales", &form).await;
        assert_eq!(a.status, 422, "{form:?}: {a:?}");
        assert!(
            a.body.to_string().contains(field),
            "{form:?}: the reason names {field}: {}",
            a.body
        );
    }
    let (status, _, body) = m
        .distributor
        .download("/reports/sales/series/csv?period=custom&from=2026-11-20&to=2026-11-10")
        .await;
    assert_eq!(status, 422, "{}", String::from_utf8_lossy(&body));
    let (status, _, _) = m
        .distributor
        .download("/reports/sales/everything/csv?period=this_month")
        .await;
    assert_eq!(status, 404, "an unknown report");
    // A period with no orders is a report of zeros, not an error.
    let empty = m
        .retailer
        .call("reports/sales", &period("last_fy", "", "", ""))
        .await;
    assert_eq!(empty.ok()["total"]["now"].as_i64(), Some(0));
}

async fn brand_report(brand: &Client) -> Value {
    let a = brand
        .call("reports/brand", &period("this_month", "", "", ""))
        .await;
    a.ok().clone()
}

/// Every download of the brand report, as one text.
async fn brand_downloads(brand: &Client) -> String {
    let mut all = String::new();
    for section in [
        "series",
        "distributors",
        "districts",
        "pincodes",
        "products",
        "shops",
    ] {
        let (status, _, bytes) = brand
            .download(&format!("/reports/brand/{section}/csv?period=this_month"))
            .await;
        assert_eq!(status, 200, "{section}");
        all.push_str(&String::from_utf8_lossy(&bytes));
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_brand_names_a_shop_only_while_the_shop_consents() {
    let app = spawn_app().await;
    let m = app.market(350, 100).await;
    let other = app.market(360, 100).await;
    accepted_order(&m, 5, "brand-order-1").await;
    let shop_names = ["Test Shop 352", "Test Business 352"];
    let r = brand_report(&m.manufacturer).await;
    assert_eq!(r["shops"]["now"].as_i64(), Some(1));
    assert_eq!(r["private_shops"].as_i64(), Some(1));
    assert_eq!(r["named_shops"]["rows"].as_array().map(Vec::len), Some(0));
    assert_eq!(r["districts"]["rows"][0][1]["Text"], "Pune");
    assert_eq!(r["districts"]["rows"][0][3]["Count"], 1, "a new shop");
    assert_eq!(money(&r["products"]["totals"][4]), 5 * 2_750);
    let without = format!("{r}{}", brand_downloads(&m.manufacturer).await);
    for name in shop_names {
        assert!(!without.contains(name), "{name} shown without consent");
    }
    let consent = m
        .retailer
        .call("account/set_brand_consent", &pairs(&[("shares", "true")]))
        .await;
    assert_eq!(consent.ok()["shares"], true);
    assert!(consent.ok()["since"].is_string(), "the consent is dated");
    let r = brand_report(&m.manufacturer).await;
    assert_eq!(r["private_shops"].as_i64(), Some(0));
    assert_eq!(r["named_shops"]["rows"][0][0]["Text"], "Test Shop 352");
    assert!(
        brand_downloads(&m.manufacturer)
            .await
            .contains("Test Shop 352")
    );
    // Another brand sees nothing of it, consent or not.
    let o = brand_report(&other.manufacturer).await;
    assert_eq!(o["goods"]["now"].as_i64(), Some(0));
    assert!(
        !format!("{o}{}", brand_downloads(&other.manufacturer).await).contains("Test Shop 352")
    );
    // Taking it back hides the name at once.
    m.retailer
        .call("account/set_brand_consent", &pairs(&[("shares", "false")]))
        .await
        .ok();
    let r = brand_report(&m.manufacturer).await;
    let again = format!("{r}{}", brand_downloads(&m.manufacturer).await);
    for name in shop_names {
        assert!(
            !again.contains(name),
            "{name} shown after consent was taken back"
        );
    }
    // Only a shop has this choice.
    let a = m
        .distributor
        .call("account/set_brand_consent", &pairs(&[("shares", "true")]))
        .await;
    assert_eq!(a.status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_sees_the_whole_platform() {
    let app = spawn_app().await;
    let a = app.market(370, 100).await;
    let b = app.market(380, 100).await;
    accepted_order(&a, 2, "platform-1").await;
    accepted_order(&b, 3, "platform-2").await;
    order(&b, 1, "platform-3").await;
    let (admin, _) = app.admin().await;
    let r = admin
        .call("reports/platform", &period("this_month", "", "", "month"))
        .await;
    let r = r.ok();
    let sold: i64 = sqlx::query_scalar!(
        r#"SELECT sum(total_paise)::bigint AS "v!" FROM orders WHERE state = 'accepted'"#
    )
    .fetch_one(&app.db)
    .await
    .expect("sold");
    assert_eq!(r["total"]["now"].as_i64(), Some(sold));
    assert_eq!(r["orders"]["now"].as_i64(), Some(2));
    assert_eq!(r["funnel"]["placed"].as_i64(), Some(3));
    assert_eq!(r["active_retailers"]["now"].as_i64(), Some(2));
    assert_eq!(r["active_manufacturers"]["now"].as_i64(), Some(2));
    assert_eq!(r["series"].as_array().map(Vec::len), Some(1), "one month");
    let t = admin
        .call(
            "reports/platform_tables",
            &period("this_month", "", "", "month"),
        )
        .await;
    let shops = t.ok()["retailers"]["rows"].to_string();
    assert!(
        shops.contains("Test Shop 372") && shops.contains("Test Shop 382"),
        "{shops}"
    );
    let messages = r["messages"]["rows"].to_string();
    assert!(messages.contains("order_placed"), "{messages}");
    let (status, _, csv) = admin
        .download("/reports/platform/messages/csv?period=this_month")
        .await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&csv).starts_with("\u{feff}Template,Messages"));
}

/// Moves every order and its rollup rows `days` into the past, as if placed then.
async fn backdate(app: &TestApp, days: i32) {
    let mut tx = app.db.begin().await.expect("tx");
    sqlx::query!(
        "UPDATE orders SET created_at = created_at - make_interval(days => $1)",
        days
    )
    .execute(&mut *tx)
    .await
    .expect("orders");
    sqlx::query!("UPDATE orders_daily SET day = day - $1::int", days)
        .execute(&mut *tx)
        .await
        .expect("orders_daily");
    sqlx::query!("UPDATE sales_daily SET day = day - $1::int", days)
        .execute(&mut *tx)
        .await
        .expect("sales_daily");
    tx.commit().await.expect("commit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_shops_are_listed_and_returning_ones_count_as_repeat() {
    let app = spawn_app().await;
    let m = app.market(390, 100).await;
    accepted_order(&m, 2, "quiet-order-1").await;
    backdate(&app, 45).await;
    assert_eq!(rollup_differences(&app).await, (0, 0), "moved consistently");
    let r = m
        .distributor
        .call("reports/sales", &period("this_month", "", "", ""))
        .await;
    let inactive = &r.ok()["inactive"];
    assert_eq!(
        inactive["rows"][0][0]["Text"], "Test Shop 392",
        "{inactive}"
    );
    assert_eq!(inactive["rows"][0][3]["Count"], 1);
    // The shop comes back: it buys the brand again, a repeat buyer in its district.
    accepted_order(&m, 1, "quiet-order-2").await;
    let b = m
        .manufacturer
        .call("reports/brand", &period("this_month", "", "", ""))
        .await;
    let district = &b.ok()["districts"]["rows"][0];
    assert_eq!(district[2]["Count"], 1, "one shop: {district}");
    assert_eq!(district[3]["Count"], 0, "not new");
    assert_eq!(district[4]["Count"], 1, "repeat");
    let r = m
        .distributor
        .call("reports/sales", &period("this_month", "", "", ""))
        .await;
    assert_eq!(r.ok()["inactive"]["rows"].as_array().map(Vec::len), Some(0));
}

/// The visibility row of the market's product in its brand's report.
async fn visibility(brand: &Client) -> Vec<Value> {
    let r = brand_report(brand).await;
    r["visibility"]["rows"]
        .as_array()
        .and_then(|rows| rows.first())
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn count(v: &Value) -> i64 {
    v["Count"].as_i64().unwrap_or(-1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_brand_sees_demand_its_distributors_could_not_fill() {
    let app = spawn_app().await;
    let m = app.market(400, 5).await;
    let other = app.market(410, 5).await;
    let form = |qty: i64, key: &str| {
        crate::common::trade::order_form(m.distributor_org, &[(m.listing_id, qty)], Some(key))
    };
    // Eight asked of five: refused, nothing written but the demand it showed.
    let a = m.retailer.call("orders/place", &form(8, "demand-1")).await;
    assert_eq!(a.status, 422, "{a:?}");
    let reason = a
        .field_reason(&format!("line-{}", m.listing_id))
        .unwrap_or_default();
    assert!(reason.contains("only 5"), "{reason}");
    // The same cart again, then a bigger one: once a day, the largest shortfall.
    m.retailer.call("orders/place", &form(8, "demand-2")).await;
    m.retailer.call("orders/place", &form(9, "demand-3")).await;
    let refused = sqlx::query!(
        "SELECT qty, times FROM demand_events WHERE kind = 'refused_stock' AND retailer_id = $1",
        m.retailer_org
    )
    .fetch_all(&app.db)
    .await
    .expect("refused");
    assert_eq!(refused.len(), 1, "one row a day");
    assert_eq!((refused[0].qty, refused[0].times), (4, 3));
    let orders: i64 = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM orders WHERE retailer_id = $1"#,
        m.retailer_org
    )
    .fetch_one(&app.db)
    .await
    .expect("orders");
    assert_eq!(orders, 0, "a refused cart writes no order");
    // The five there are sold; then the shop's searches find none in stock.
    accepted_order(&m, 5, "demand-4").await;
    for _ in 0..2 {
        let found = m
            .retailer
            .call("orders/browse", &crate::common::trade::browse_form("marie"))
            .await;
        assert_eq!(
            found.ok()["products"][0]["offers"][0]["available"].as_i64(),
            Some(0)
        );
    }
    let row = visibility(&m.manufacturer).await;
    assert_eq!(row.len(), 11, "{row:?}");
    assert_eq!(row[0]["Text"], "MARIE-400");
    assert_eq!(count(&row[2]), 1, "one distributor lists it");
    assert_eq!(count(&row[3]), 0, "none in stock now");
    assert_eq!(count(&row[4]), 5, "sold");
    assert_eq!(count(&row[7]), 4, "refused for stock");
    assert_eq!(count(&row[8]), 9, "requested: sold and refused");
    assert_eq!(row[9]["Percent"], 556, "5 of 9 filled");
    assert_eq!(count(&row[10]), 1, "one shop searched, twice");
    // Another brand sees none of it.
    let theirs = visibility(&other.manufacturer).await;
    assert!(
        theirs.is_empty() || count(&theirs[4]) == 0 && count(&theirs[7]) == 0,
        "{theirs:?}"
    );
    // Shops per product and place, and the same rows downloaded as PDF and CSV.
    let r = brand_report(&m.manufacturer).await;
    let place = &r["product_places"]["rows"][0];
    assert_eq!(place[3]["Text"], "Pune");
    assert_eq!(count(&place[4]), 1);
    for section in ["visibility", "product_places"] {
        let (status, kind, pdf) = m
            .manufacturer
            .download(&format!("/reports/brand/{section}/pdf?period=this_month"))
            .await;
        assert_eq!(status, 200, "{section}");
        assert_eq!(kind, "application/pdf");
        let text = pdf_text(&pdf);
        assert!(text.contains("MARIE-400"), "{section}: {text}");
    }
}

/// A PDF's text, as Debian's pdftotext reads it.
fn pdf_text(pdf: &[u8]) -> String {
    auromart::pdf::layout_check::pdf_words(pdf)
        .into_iter()
        .map(|(w, ..)| w)
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pdf_is_the_screen_table_with_its_period_and_totals() {
    let app = spawn_app().await;
    let m = app.market(420, 100).await;
    accepted_order(&m, 3, "pdf-order-1").await;
    accepted_order(&m, 4, "pdf-order-2").await;
    let r = m
        .distributor
        .call("reports/sales", &period("this_month", "", "", ""))
        .await;
    let parties = r.ok()["parties"].clone();
    let total = money(&parties["totals"][4]);
    let (status, kind, pdf) = m
        .distributor
        .download("/reports/sales/parties/pdf?period=this_month")
        .await;
    assert_eq!(status, 200);
    assert_eq!(kind, "application/pdf");
    let text = pdf_text(&pdf);
    let shown = auromart::domain::Paise(total).to_string();
    for want in ["Sales", "By", "shop", "Total", "Test", "Shop", "422"] {
        assert!(text.contains(want), "{want} in the PDF: {text}");
    }
    assert!(text.contains(&shown), "the totals row {shown}: {text}");
    // A report of another kind's is refused, a PDF like any other download.
    let (status, _, _) = m
        .retailer
        .download("/reports/brand/visibility/pdf?period=this_month")
        .await;
    assert_eq!(status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_download_long_periods_only_if_the_owner_lets_them() {
    let app = spawn_app().await;
    let m = app.market(430, 100).await;
    accepted_order(&m, 2, "staff-order-1").await;
    let staff = app.staff(m.distributor_org, "919700000431").await;
    let year = "/reports/sales/products/xlsx?period=custom&from=2026-01-01&to=2026-06-30";
    let month = "/reports/sales/products/csv?period=this_month";
    assert_eq!(staff.download(year).await.0, 200, "allowed by default");
    // Only the owner may change it.
    let a = staff
        .call(
            "account/set_report_policy",
            &pairs(&[("staff_long_downloads", "false")]),
        )
        .await;
    assert_eq!(a.status, 403);
    let p = m
        .distributor
        .call(
            "account/set_report_policy",
            &pairs(&[("staff_long_downloads", "false")]),
        )
        .await;
    assert_eq!(p.ok()["staff_long_downloads"], false);
    let (status, _, body) = staff.download(year).await;
    assert_eq!(status, 403, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("92 days"));
    assert_eq!(staff.download(month).await.0, 200, "a month is still fine");
    assert_eq!(m.distributor.download(year).await.0, 200, "the owner may");
    // The page says so instead of offering the links.
    let r = staff
        .call(
            "reports/sales",
            &period("custom", "2026-01-01", "2026-06-30", ""),
        )
        .await;
    assert!(
        r.ok()["downloads_blocked"]
            .as_str()
            .is_some_and(|s| s.contains("92 days"))
    );
    let policy = staff.call("account/report_policy", &[]).await;
    assert_eq!(policy.ok()["can_change"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_opens_at_the_period_last_chosen() {
    let app = spawn_app().await;
    let m = app.market(440, 100).await;
    let unset = period("", "", "", "");
    let first = m.retailer.call("reports/sales", &unset).await;
    assert_eq!(first.ok()["query"]["period"], "", "the default at first");
    let mut chosen = period("last_month", "", "", "week");
    chosen.push(("query[compare]".into(), "off".into()));
    m.retailer.call("reports/sales", &chosen).await.ok();
    let again = m.retailer.call("reports/sales", &unset).await;
    let q = &again.ok()["query"];
    assert_eq!(q["period"], "last_month");
    assert_eq!(q["group"], "week");
    assert_eq!(q["compare"], "off");
    // A bad choice is not kept, and each user keeps their own.
    m.retailer
        .call(
            "reports/sales",
            &period("custom", "2026-11-20", "2026-11-10", ""),
        )
        .await;
    let still = m.retailer.call("reports/sales", &unset).await;
    assert_eq!(still.ok()["query"]["period"], "last_month");
    let theirs = m.distributor.call("reports/sales", &unset).await;
    assert_eq!(theirs.ok()["query"]["period"], "");
    // The orders home's glance is this month, whatever the report remembers.
    accepted_order(&m, 2, "glance-1").await;
    let g = m.retailer.call("reports/glance", &[]).await;
    assert!(g.ok()["total"]["now"].as_i64().unwrap_or(0) > 0);
    assert_eq!(g.ok()["orders"], 1);
    assert_eq!(g.ok()["top"][0][0], "Test Shop 441");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_order_line_streams_as_csv_and_xlsx() {
    let app = spawn_app().await;
    let m = app.market(450, 500).await;
    let other = app.market(460, 500).await;
    for n in 0..5 {
        accepted_order(&m, 1 + n, &format!("lines-order-{n}")).await;
    }
    order(&m, 2, "lines-order-open").await;
    accepted_order(&other, 3, "lines-order-other").await;
    let url = format!(
        "{}/reports/sales/lines/csv?period=this_month",
        m.distributor.base
    );
    let res = m.distributor.http.get(&url).send().await.expect("request");
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers().get("x-rows").and_then(|v| v.to_str().ok()),
        Some("6"),
        "the page is told how many lines to expect"
    );
    let text = res.text().await.expect("body");
    let rows: Vec<&str> = text.trim_end().split("\r\n").collect();
    assert_eq!(rows.len(), 7, "a header and six lines:\n{text}");
    assert!(rows[0].starts_with("\u{feff}Date,Order,Status,Shop"));
    assert!(rows[1].contains("Marie Gold Biscuits 200 g") && rows[1].contains("Test Shop 452"));
    assert!(rows.iter().any(|r| r.contains(",Placed,")), "{text}");
    assert!(!text.contains("Test Shop 462"), "another tenant's line");
    // The shop's own download has the same lines; the brand has none to give.
    let (status, _, shop) = m
        .retailer
        .download("/reports/sales/lines/csv?period=this_month")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        String::from_utf8_lossy(&shop)
            .trim_end()
            .split("\r\n")
            .count(),
        7
    );
    let (status, _, _) = m
        .manufacturer
        .download("/reports/brand/lines/csv?period=this_month")
        .await;
    assert_eq!(status, 404);
    // The workbook holds the same rows, under its heading and header.
    let (status, kind, xlsx) = m
        .distributor
        .download("/reports/sales/lines/xlsx?period=this_month")
        .await;
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"));
    let sheet = sheet_xml(&xlsx);
    assert_eq!(sheet.matches("<row ").count(), 8, "{sheet}");
    assert!(sheet.contains("Marie Gold Biscuits 200 g"));
    // A download dropped half way stops the export; the server carries on.
    let (admin, _) = app.admin().await;
    let big = format!(
        "{}/reports/platform/lines/csv?period=this_month",
        admin.base
    );
    let res = admin.http.get(&big).send().await.expect("request");
    assert_eq!(res.status(), 200);
    drop(res);
    let again = admin
        .download("/reports/platform/lines/csv?period=this_month")
        .await;
    assert_eq!(again.0, 200);
    assert_eq!(
        String::from_utf8_lossy(&again.2)
            .trim_end()
            .split("\r\n")
            .count(),
        8,
        "both markets' seven lines and the header"
    );
}

/// Rows of the monthly rollups that the daily rows of their folded months do
/// not sum to, recount rows they lack, and monthly rows of unfolded months.
async fn monthly_differences(app: &TestApp) -> i64 {
    sqlx::query_scalar!(
        r#"WITH f AS (SELECT COALESCE(folded_through, '-infinity') AS upto FROM rollup_folds),
           o_kept AS (SELECT month, distributor_id, retailer_id, stage::text AS stage, orders::bigint AS orders,
                             lines::bigint AS lines, total_paise, last_day FROM orders_monthly),
           o_sum AS (SELECT month_of(day) AS month, distributor_id, retailer_id, stage::text AS stage,
                            sum(orders)::bigint AS orders, sum(lines)::bigint AS lines,
                            sum(total_paise)::bigint AS total_paise, max(day) AS last_day
                       FROM orders_daily, f WHERE month_of(day) <= f.upto AND orders > 0 GROUP BY 1, 2, 3, 4),
           d_kept AS (SELECT month, distributor_id, stage::text AS stage, orders::bigint AS orders,
                             lines::bigint AS lines, total_paise FROM distributor_monthly),
           d_sum AS (SELECT month_of(day) AS month, distributor_id, stage::text AS stage,
                            sum(orders)::bigint AS orders, sum(lines)::bigint AS lines,
                            sum(total_paise)::bigint AS total_paise
                       FROM orders_daily, f WHERE month_of(day) <= f.upto AND orders > 0 GROUP BY 1, 2, 3),
           s_kept AS (SELECT month, distributor_id, sku_id, stage::text AS stage, state_code, manufacturer_id,
                             orders::bigint AS orders, qty, value_paise FROM sales_monthly),
           s_sum AS (SELECT month_of(day) AS month, distributor_id, sku_id, stage::text AS stage, state_code,
                            manufacturer_id, sum(orders)::bigint AS orders, sum(qty)::bigint AS qty,
                            sum(value_paise)::bigint AS value_paise
                       FROM sales_daily, f WHERE month_of(day) <= f.upto AND orders > 0 GROUP BY 1, 2, 3, 4, 5, 6)
           SELECT ((SELECT count(*) FROM (SELECT * FROM o_kept EXCEPT SELECT * FROM o_sum) a)
                 + (SELECT count(*) FROM (SELECT * FROM o_sum EXCEPT SELECT * FROM o_kept) b)
                 + (SELECT count(*) FROM (SELECT * FROM d_kept EXCEPT SELECT * FROM d_sum) c)
                 + (SELECT count(*) FROM (SELECT * FROM d_sum EXCEPT SELECT * FROM d_kept) d)
                 + (SELECT count(*) FROM (SELECT * FROM s_kept EXCEPT SELECT * FROM s_sum) e)
                 + (SELECT count(*) FROM (SELECT * FROM s_sum EXCEPT SELECT * FROM s_kept) g)) AS "n!""#
    )
    .fetch_one(&app.db)
    .await
    .expect("recount months")
}

/// Forgets every fold, so reports read every day from the daily rollups.
async fn unfold(app: &TestApp) {
    sqlx::raw_sql(
        "TRUNCATE orders_monthly, distributor_monthly, sales_monthly;
         UPDATE rollup_folds SET folded_through = NULL;",
    )
    .execute(&app.db)
    .await
    .expect("unfold");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folded_months_equal_their_days_and_reports_read_the_same_either_way() {
    let app = spawn_app().await;
    let a = app.market(400, 5_000).await;
    let b = app.market(410, 5_000).await;
    let folded: Option<chrono::NaiveDate> =
        sqlx::query_scalar!("SELECT folded_through FROM rollup_folds")
            .fetch_one(&app.db)
            .await
            .expect("folds");
    assert!(folded.is_some(), "the migration folded the ended months");
    let seed = 0x5eed_2026_1204_u64;
    let mut steps = Steps(seed);
    let mut old = Vec::new();
    for n in 0..16 {
        let m = [&a, &b][steps.next(2) as usize];
        let qty = 1 + steps.next(9) as i64;
        let id = order(m, qty, &format!("monthly-{n:04}")).await;
        old.push((m, id));
    }
    // Seventy days back is always in a folded month: the triggers carry the
    // moved rows into it.
    backdate(&app, 70).await;
    assert_eq!(
        monthly_differences(&app).await,
        0,
        "the moved days are in their months"
    );
    let counted = sqlx::query_scalar!(
        r#"SELECT COALESCE(sum(orders), 0)::bigint AS "n!" FROM distributor_monthly"#
    )
    .fetch_one(&app.db)
    .await
    .expect("count");
    assert_eq!(counted, 16, "every moved order is in a folded month");
    // Old orders answered today change their folded months, in the same transaction.
    for (i, (m, id)) in old.iter().enumerate() {
        for (who, action) in PATHS[steps.next(PATHS.len() as u64) as usize] {
            let client = if *who == "shop" {
                &m.retailer
            } else {
                &m.distributor
            };
            let reason = if matches!(*action, "reject" | "cancel") && *who == "dist" {
                "Out of stock"
            } else {
                ""
            };
            m.act(client, *id, action, reason).await.ok();
        }
        assert_eq!(
            monthly_differences(&app).await,
            0,
            "seed {seed:#x}, order {i}: the months equal their days"
        );
        assert_eq!(
            rollup_differences(&app).await,
            (0, 0),
            "and the days their orders"
        );
    }
    // And some orders of this month, which only the daily rollups hold.
    accepted_order(&a, 3, "monthly-now-1").await;
    accepted_order(&b, 5, "monthly-now-2").await;

    // The same figures read from months and days, and from days only, over a
    // span with whole folded months inside and part months at both ends.
    let today = chrono::Utc::now().date_naive();
    let span = period(
        "custom",
        &(today - chrono::Days::new(120)).to_string(),
        &today.to_string(),
        "month",
    );
    let (admin, _) = app.admin().await;
    let reads = [
        (&a.distributor, "reports/sales", "the distributor's report"),
        (&a.retailer, "reports/sales", "the shop's report"),
        (&admin, "reports/platform", "the platform's report"),
        (&admin, "reports/platform_tables", "the platform's tables"),
    ];
    let mut folded_reports = Vec::new();
    for (who, endpoint, _) in reads {
        folded_reports.push(who.call(endpoint, &span).await.ok().clone());
    }
    unfold(&app).await;
    for ((who, endpoint, what), folded) in reads.into_iter().zip(&folded_reports) {
        let daily = who.call(endpoint, &span).await.ok().clone();
        assert_eq!(
            folded, &daily,
            "{what}: the same from months and days as from days"
        );
    }
    let sold = folded_reports[0]["total"]["now"].as_i64().unwrap_or(0);
    assert!(
        sold > 0,
        "the span holds sales: {}",
        folded_reports[0]["total"]
    );

    // Folding again from nothing gives the same months.
    let n = sqlx::query_scalar!(r#"SELECT fold_rollups() AS "n!""#)
        .fetch_one(&app.db)
        .await
        .expect("fold");
    assert!(n >= 3, "folded the months from the first order's on ({n})");
    assert_eq!(
        monthly_differences(&app).await,
        0,
        "refolded months equal their days"
    );
    let again = sqlx::query_scalar!(r#"SELECT fold_rollups() AS "n!""#)
        .fetch_one(&app.db)
        .await
        .expect("fold again");
    assert_eq!(again, 0, "a second fold finds nothing to do");
}
