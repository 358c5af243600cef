//! The manufacturer's catalog: large CSV files imported in parts (checked and
//! staged part by part, written all at once or not at all).

use crate::common::trade::browse_form;
use crate::common::{Client, TestApp, pairs, spawn_app};
use auromart::domain::OrgKind;
use auromart::domain::catalog::{lines_below_header, split_csv};
use serde_json::Value;

const HEADER: &str = "code,name,brand,category,hsn,mrp,unit,pack_size";

fn file(rows: usize, row: impl Fn(usize) -> String) -> String {
    let mut csv = format!("{HEADER}\n");
    for i in 0..rows {
        csv.push_str(&row(i));
        csv.push('\n');
    }
    csv
}

fn good_row(i: usize) -> String {
    format!(
        "PART-{i:06},Glucose biscuit no. {i},Sahyadri,Biscuits,1905,{}.50,pack,1",
        10 + i % 90
    )
}

async fn begin(m: &Client, rows: usize, lines: usize) -> i64 {
    m.call(
        "catalog/import_begin",
        &pairs(&[("rows", &rows.to_string()), ("lines", &lines.to_string())]),
    )
    .await
    .ok()
    .as_i64()
    .expect("import id")
}

async fn part(m: &Client, id: i64, header: &str, first_line: usize, text: &str) -> Value {
    m.call(
        "catalog/import_part",
        &pairs(&[
            ("import", &id.to_string()),
            ("first_line", &first_line.to_string()),
            ("csv", &format!("{header}\n{text}")),
        ]),
    )
    .await
    .ok()
    .clone()
}

async fn finish(m: &Client, id: i64) -> crate::common::Answer {
    m.call(
        "catalog/import_finish",
        &pairs(&[("import", &id.to_string())]),
    )
    .await
}

async fn sku_count(app: &TestApp) -> i64 {
    sqlx::query_scalar!(r#"SELECT count(*) AS "v!" FROM skus WHERE code LIKE 'PART-%'"#)
        .fetch_one(&app.db)
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_file_arrives_in_parts_and_is_written_once_at_the_end() {
    let app = spawn_app().await;
    let (m, _) = app.active(OrgKind::Manufacturer, 300).await;
    let csv = file(12_000, good_row);
    let (header, parts) = split_csv(&csv, 2_500, 1 << 20);
    assert_eq!(parts.len(), 5);
    assert_eq!(lines_below_header(&parts), 12_000);
    let id = begin(&m, 12_000, lines_below_header(&parts)).await;
    // Out of order, and part 2 sent twice (a retry after a lost answer).
    for p in [&parts[3], &parts[1], &parts[0], &parts[1], &parts[4]] {
        let rep = part(&m, id, header, p.first_line, p.text).await;
        assert_eq!(rep["records"].as_u64(), Some(p.rows as u64));
        assert_eq!(rep["errors"], Value::Array(vec![]));
    }
    assert_eq!(
        sku_count(&app).await,
        0,
        "nothing is written before the end"
    );
    let missing = finish(&m, id).await;
    assert_eq!(missing.error_kind().as_deref(), Some("Conflict"));
    assert!(
        missing.body["Conflict"]
            .as_str()
            .is_some_and(|r| r.contains("from line 5002")),
        "names where the gap starts: {missing:?}"
    );
    assert_eq!(sku_count(&app).await, 0);
    part(&m, id, header, parts[2].first_line, parts[2].text).await;
    let done = finish(&m, id).await;
    assert_eq!(done.ok()["imported"], 12_000);
    assert_eq!(done.ok()["updated"], 0);
    assert_eq!(sku_count(&app).await, 12_000);
    let mrp: i64 = sqlx::query_scalar!("SELECT mrp_paise FROM skus WHERE code = 'PART-000095'")
        .fetch_one(&app.db)
        .await
        .expect("sku");
    assert_eq!(mrp, 1550);
    // A retried finish answers the same; the finished import takes no more parts.
    assert_eq!(finish(&m, id).await.ok()["imported"], 12_000);
    let late = m
        .call(
            "catalog/import_part",
            &pairs(&[
                ("import", &id.to_string()),
                ("first_line", "2"),
                ("csv", &format!("{header}\n{}", parts[0].text)),
            ]),
        )
        .await;
    assert_eq!(late.error_kind().as_deref(), Some("Conflict"));
    assert!(
        sqlx::query_scalar!(r#"SELECT count(*) AS "v!" FROM sku_import_rows"#)
            .fetch_one(&app.db)
            .await
            .expect("staged")
            == 0,
        "staged rows are cleared"
    );
    // The same file again updates every row.
    let again = begin(&m, 12_000, lines_below_header(&parts)).await;
    for p in &parts {
        part(&m, again, header, p.first_line, p.text).await;
    }
    let rep = finish(&m, again).await;
    assert_eq!(
        (rep.ok()["imported"].as_i64(), rep.ok()["updated"].as_i64()),
        (Some(0), Some(12_000))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn problems_in_any_part_are_named_by_file_line_and_nothing_is_written() {
    let app = spawn_app().await;
    let (m, _) = app.active(OrgKind::Manufacturer, 301).await;
    // Line 2 holds a field with a line break (lines 2-3), so row i sits on line i + 3
    // from the second row on. Row 3000 repeats row 10's code; row 4000 has a bad MRP.
    let csv = file(6_000, |i| match i {
        0 => "PART-Q,\"Multi\nline name\",Sahyadri,Biscuits,1905,10,pack,1".to_string(),
        3_000 => good_row(10),
        4_000 => good_row(4_000)
            .replace(",Biscuits,1905,", ",Biscuits,1905,-")
            .replace(".50,", ","),
        _ => good_row(i),
    });
    let (header, parts) = split_csv(&csv, 2_500, 1 << 20);
    assert_eq!(lines_below_header(&parts), 6_001);
    let id = begin(&m, 6_000, lines_below_header(&parts)).await;
    let mut part_errors = Vec::new();
    for p in &parts {
        let rep = part(&m, id, header, p.first_line, p.text).await;
        part_errors.extend(rep["errors"].as_array().cloned().unwrap_or_default());
    }
    assert_eq!(part_errors.len(), 1, "{part_errors:?}");
    assert_eq!(part_errors[0]["line"], 4_003);
    assert_eq!(part_errors[0]["field"], "mrp");
    let rep = finish(&m, id).await;
    let errors = rep.ok()["errors"].as_array().cloned().unwrap_or_default();
    let got: Vec<(i64, String)> = errors
        .iter()
        .map(|e| {
            (
                e["line"].as_i64().unwrap_or(0),
                e["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, 3_003);
    assert_eq!(
        got[0].1,
        "Code PART-000010 appears again (first on line 13)"
    );
    assert_eq!(got[1].0, 4_003);
    assert_eq!(rep.ok()["imported"], 0);
    assert_eq!(sku_count(&app).await, 0, "nothing written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_headers_and_oversized_files_are_refused_up_front() {
    let app = spawn_app().await;
    let (m, _) = app.active(OrgKind::Manufacturer, 302).await;
    let too_many = m
        .call(
            "catalog/import_begin",
            &pairs(&[("rows", "100001"), ("lines", "100001")]),
        )
        .await;
    assert!(
        too_many
            .field_reason("file")
            .is_some_and(|r| r.contains("at most 100000 rows")),
        "{too_many:?}"
    );
    let id = begin(&m, 1, 1).await;
    let rep = part(&m, id, "sku,title", 2, "A,B\n").await;
    assert_eq!(rep["errors"][0]["field"], "header");
    let rep = finish(&m, id).await;
    assert_eq!(rep.ok()["errors"][0]["line"], 1);
    // A part claiming lines past the end of the declared file.
    let id = begin(&m, 1, 1).await;
    let past = m
        .call(
            "catalog/import_part",
            &pairs(&[
                ("import", &id.to_string()),
                ("first_line", "2"),
                (
                    "csv",
                    &format!("{HEADER}\n{}\n{}\n", good_row(1), good_row(2)),
                ),
            ]),
        )
        .await;
    assert!(
        past.field_reason("file")
            .is_some_and(|r| r.contains("past the end")),
        "{past:?}"
    );
    assert_eq!(sku_count(&app).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_photo_is_re_encoded_served_cached_and_shown_in_the_shop() {
    let app = spawn_app().await;
    let m = app.market(310, 5).await;
    let set = |data_url: String| {
        let form = pairs(&[("id", &m.sku_id.to_string()), ("data_url", &data_url)]);
        let client = &m.manufacturer;
        async move { client.call("catalog/set_photo", &form).await }
    };
    let photo_status = |version: u32, file: &'static str| {
        let path = format!("/media/sku/{}/{version}/{file}", m.sku_id);
        let client = &m.retailer;
        async move { client.download(&path).await.0 }
    };
    let saved = set(crate::common::png_data_url(1600, 1200)).await;
    assert_eq!(saved.ok()["image_version"], 1);
    let (status, kind, thumb) = m
        .retailer
        .download(&format!("/media/sku/{}/1/thumb.jpg", m.sku_id))
        .await;
    assert_eq!((status, kind.as_str()), (200, "image/jpeg"));
    let thumb = image::load_from_memory(&thumb).expect("a JPEG");
    assert_eq!((thumb.width(), thumb.height()), (160, 160));
    let res = reqwest::get(format!("{}/media/sku/{}/1/picture.jpg", app.base, m.sku_id))
        .await
        .expect("picture");
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let picture = image::load_from_memory(&res.bytes().await.expect("bytes")).expect("JPEG");
    assert_eq!((picture.width(), picture.height()), (800, 600));
    let shop = m
        .retailer
        .call("orders/browse", &browse_form("marie"))
        .await;
    assert_eq!(shop.ok()["products"][0]["image_version"], 1);

    // Not a photo, or too small: a clear reason, and the old photo stays.
    let pdf = set("data:image/png;base64,JVBERi0xLjcK".into()).await;
    assert_eq!(
        pdf.field_reason("photo").as_deref(),
        Some("That file is not a JPEG, PNG or WebP photo")
    );
    let tiny = set(crate::common::png_data_url(60, 60)).await;
    assert!(
        tiny.field_reason("photo")
            .is_some_and(|r| r.contains("60\u{d7}60"))
    );
    let version: i32 =
        sqlx::query_scalar!("SELECT image_version FROM skus WHERE id = $1", m.sku_id)
            .fetch_one(&app.db)
            .await
            .expect("sku");
    assert_eq!(version, 1);

    // A new photo gets a new address; removing it ends both.
    assert_eq!(
        set(crate::common::png_data_url(400, 400)).await.ok()["image_version"],
        2
    );
    assert_eq!(photo_status(1, "thumb.jpg").await, 404);
    assert_eq!(photo_status(2, "thumb.jpg").await, 200);
    let removed = m
        .manufacturer
        .call(
            "catalog/remove_photo",
            &pairs(&[("id", &m.sku_id.to_string())]),
        )
        .await;
    assert_eq!(removed.ok()["image_version"], 0);
    assert_eq!(photo_status(2, "thumb.jpg").await, 404);
    assert_eq!(photo_status(2, "other.png").await, 404);
}

#[tokio::test]
async fn the_manufacturer_sees_who_carries_each_sku_and_their_stock() {
    let app = spawn_app().await;
    let m = app.market(780, 10).await;
    // (distributors carrying the SKU, their stock), as the manufacturer's list shows them.
    let carried = || async {
        let skus = m
            .manufacturer
            .call("catalog/my_skus", &pairs(&[("q", "marie")]))
            .await;
        let row = &skus.ok()[0];
        (row["distributors"].as_i64(), row["stock_on_hand"].as_i64())
    };
    assert_eq!(carried().await, (Some(1), Some(10)));
    // A listing the distributor stops carrying no longer counts, nor its stock.
    let stopped = m
        .distributor
        .call(
            "trade/save_listing",
            &pairs(&[
                ("sku_id", &m.sku_id.to_string()),
                ("price", "27.50"),
                ("min_order_qty", "1"),
                ("active", "false"),
            ]),
        )
        .await;
    assert_eq!(stopped.status, 200, "{:?}", stopped.error_kind());
    assert_eq!(carried().await, (Some(0), Some(0)));
}
