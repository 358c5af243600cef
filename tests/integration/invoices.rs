//! GST invoices: issued on acceptance with gapless numbers (also under concurrent
//! acceptances), every rule-46 field in the PDF (read back with pdftotext), the UPI
//! QR code decoding to the exact payment request, immutability, downloads refused
//! to other tenants, credit notes, statements, e-invoice export and bad input.

use crate::common::trade::{Market, sku_form};
use crate::common::{TestApp, gstin, pairs, spawn_app};
use auromart::domain::OrgKind;
use auromart::domain::invoice::{DocKind, FinancialYear, document_number, upi_uri};
use std::process::Command;

/// Today's financial year in India, from the database clock the server uses.
async fn this_fy(app: &TestApp) -> FinancialYear {
    let (y, m) = sqlx::query!(
        r#"SELECT extract(year FROM ist_today())::int AS "y!", extract(month FROM ist_today())::int AS "m!""#
    )
    .fetch_one(&app.db)
    .await
    .map(|r| (r.y, r.m))
    .expect("clock");
    FinancialYear::of(y, m as u32)
}

/// Fails naming the first of `expected` that `text` (a PDF's text) lacks.
fn assert_has_all(text: &str, expected: &[String]) {
    for e in expected {
        assert!(text.contains(e.as_str()), "PDF text lacks {e:?}:\n{text}");
    }
}

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "auromart-test-{}-{}-{name}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ))
}

/// The PDF's text as poppler's pdftotext reads it, whitespace collapsed.
fn pdf_text(pdf: &[u8]) -> String {
    let path = temp_path("doc.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs (Debian poppler-utils; .ci/tools.sh installs it)");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "pdftotext failed: {out:?}");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rasterises page 1 at 150 dpi and decodes the QR codes on it.
fn qr_codes(pdf: &[u8]) -> Vec<String> {
    let path = temp_path("qr.pdf");
    let prefix = temp_path("page");
    std::fs::write(&path, pdf).expect("write pdf");
    let status = Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&path)
        .arg(&prefix)
        .status()
        .expect("pdftoppm runs");
    assert!(status.success());
    let png = prefix.with_extension("png");
    let png = if png.exists() {
        png
    } else {
        std::path::PathBuf::from(format!("{}.png", prefix.display()))
    };
    let image = image::open(&png).expect("page image").to_luma8();
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(&png);
    let mut prepared = rqrr::PreparedImage::prepare(image);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, content)| content))
        .collect()
}

async fn accept(m: &Market, order: i64, mode: &str) -> i64 {
    m.act(&m.distributor, order, mode, "").await.ok();
    let list = m
        .retailer
        .call(
            "invoices/for_order",
            &pairs(&[("order_id", &order.to_string())]),
        )
        .await;
    list.ok()[0]["id"].as_i64().expect("invoice id")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepting_an_order_issues_a_complete_tax_invoice() {
    let app = spawn_app().await;
    let m = app.market(700, 50).await;
    let order = m.order(10).await;
    // 10 × ₹27.50 = ₹275.00; CGST 2.5% = 6.875 → 6.88; SGST the same; ₹288.76 → ₹289.00.
    assert_eq!(order["total_paise"], 28_900);
    let order_id = order["id"].as_i64().expect("id");
    let invoice_id = accept(&m, order_id, "accept_deliver").await;
    let fy = this_fy(&app).await;
    let number = document_number("T700", fy, DocKind::Invoice, 1).expect("number");

    let (status, content_type, pdf) = m
        .retailer
        .download(&format!("/invoices/{invoice_id}/pdf"))
        .await;
    assert_eq!((status, content_type.as_str()), (200, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    assert!(pdf.len() < 60_000, "fonts are subset: {} bytes", pdf.len());

    let text = pdf_text(&pdf);
    assert_has_all(
        &text,
        &[
            "TAX INVOICE".to_string(),
            "Test Shop 701".into(),
            "Test Business 701".into(),
            format!("GSTIN: {}", gstin(701)),
            "Test Shop 702".into(),
            format!("GSTIN: {}", gstin(702)),
            "12 Market Yard".into(),
            "Pune – 411037".into(),
            "State: Maharashtra, code 27".into(),
            format!("Invoice no. {number}"),
            "Invoice date".into(),
            "Place of supply Maharashtra (27)".into(),
            "Reverse charge No".into(),
            "Delivery Delivery by distributor".into(),
            "1905".into(),
            "Marie Gold Biscuits 200 g".into(),
            "10 pack".into(),
            "27.50".into(),
            "275.00".into(),
            "5%".into(),
            "6.88".into(),
            "Taxable value 275.00".into(),
            "CGST 6.88".into(),
            "SGST 6.88".into(),
            "Round off 0.24".into(),
            "Total amount due ₹289.00".into(),
            "Rupees Two Hundred Eighty-Nine Only".into(),
            "HSN-wise tax summary".into(),
            "2.5% + 2.5%".into(),
            "Tax is payable on reverse charge: No.".into(),
            "For Test Shop 701".into(),
            "Authorised signatory".into(),
            "testshop701@okaxis".into(),
        ],
    );

    // The QR code is the exact UPI payment request for the amount due.
    let codes = qr_codes(&pdf);
    assert_eq!(
        codes,
        vec![upi_uri(
            "testshop701@okaxis",
            "Test Shop 701",
            28_900,
            &format!("Invoice {number}"),
            &number
        )]
    );

    // Downloading again gives the same bytes, for both parties.
    let (_, _, again) = m
        .distributor
        .download(&format!("/invoices/{invoice_id}/pdf"))
        .await;
    assert_eq!(again, pdf);

    // Stored, and never changed or deleted.
    let changed = sqlx::query!(
        "UPDATE invoices SET total_paise = 1 WHERE id = $1",
        invoice_id
    )
    .execute(&app.db)
    .await;
    assert!(changed.is_err(), "issued invoices are immutable");
    let deleted = sqlx::query!("DELETE FROM invoices WHERE id = $1", invoice_id)
        .execute(&app.db)
        .await;
    assert!(deleted.is_err());

    // The retailer's owner gets the invoice on WhatsApp (queued in the same transaction).
    let queued = sqlx::query!(
        r#"SELECT recipient AS "recipient: String", template, document_id AS "document_id!"
             FROM outbox WHERE document_kind = 'invoice_issued'"#
    )
    .fetch_one(&app.db)
    .await
    .map(|r| (r.recipient, r.template, r.document_id))
    .expect("outbox row");
    assert_eq!(
        queued,
        ("919800000702".into(), "invoice_issued".into(), invoice_id)
    );

    // Listed for both parties with its figures.
    let listed = m
        .retailer
        .call(
            "invoices/list",
            &pairs(&[
                ("filter[kind]", "invoice"),
                ("filter[from]", ""),
                ("filter[to]", ""),
                ("filter[q]", ""),
            ]),
        )
        .await;
    let row = &listed.ok()[0];
    assert_eq!(row["number"], number.as_str());
    assert_eq!(row["taxable_paise"], 27_500);
    assert_eq!(row["tax_paise"], 1_376);
    assert_eq!(row["total_paise"], 28_900);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unregistered_shop_in_another_state_gets_an_igst_invoice_to_its_own_address() {
    let app = spawn_app().await;
    let m = app.market(720, 50).await;
    // The distributor (Pune, Maharashtra) also delivers to a shop in Bengaluru.
    m.distributor
        .call(
            "trade/save_delivery_options",
            &pairs(&[
                ("options[delivers]", "true"),
                ("options[pincodes]", "411037, 560001"),
                ("options[offers_pickup]", "false"),
                ("options[pickup_address]", ""),
                ("options[pickup_hours]", ""),
            ]),
        )
        .await
        .ok();
    let shop = app.client();
    let mut form = crate::common::signup_form(OrgKind::Retailer, 723);
    for (key, value) in [
        ("gstin", ""),
        ("legal_name", "Lakshmi Stores Private Ltd"),
        ("trade_name", "Lakshmi Stores"),
        ("address_line", "4 MG Road"),
        ("city", "Bengaluru"),
        ("state_code", "29"),
        ("pincode", "560001"),
    ] {
        form = crate::common::with(form, key, value);
    }
    shop.call("auth/signup", &form).await.ok();
    let order = shop
        .call(
            "orders/place",
            &crate::common::trade::order_form(m.distributor_org, &[(m.listing_id, 10)], None),
        )
        .await;
    // 10 × ₹27.50 = ₹275.00; IGST 5% = ₹13.75; ₹288.75 rounds to ₹289.00.
    assert_eq!(order.ok()["total_paise"], 28_900);
    let order_id = order.ok()["id"].as_i64().expect("id");
    m.act(&m.distributor, order_id, "accept_deliver", "")
        .await
        .ok();
    let list = shop
        .call(
            "invoices/for_order",
            &pairs(&[("order_id", &order_id.to_string())]),
        )
        .await;
    let invoice_id = list.ok()[0]["id"].as_i64().expect("invoice");
    let today: String = sqlx::query_scalar!(r#"SELECT ist_today()::text AS "v!""#)
        .fetch_one(&app.db)
        .await
        .expect("date");
    let (status, _, pdf) = shop.download(&format!("/invoices/{invoice_id}/pdf")).await;
    assert_eq!(status, 200);
    let text = pdf_text(&pdf);
    assert_has_all(
        &text,
        &[
            "Lakshmi Stores".to_string(),
            "Lakshmi Stores Private Ltd".into(),
            "GSTIN: unregistered".into(),
            "4 MG Road".into(),
            "Bengaluru – 560001".into(),
            "State: Karnataka, code 29".into(),
            "State: Maharashtra, code 27".into(),
            "Place of supply Karnataka (29)".into(),
            "Inter-state (IGST)".into(),
            format!(
                "Invoice date {}",
                auromart::domain::invoice::date_label(&today)
            ),
            "IGST 13.75".into(),
            "Round off 0.25".into(),
            "Total amount due ₹289.00".into(),
            "Rupees Two Hundred Eighty-Nine Only".into(),
            "Unregistered recipient (B2C)".into(),
        ],
    );
    for absent in ["CGST", "SGST"] {
        assert!(
            !text.contains(absent),
            "an IGST invoice has no {absent}:\n{text}"
        );
    }

    // The distributor's list filters by date range, kind and text (number or shop).
    let list = |kind: &'static str, from: String, to: String, q: &'static str| {
        let form = pairs(&[
            ("filter[kind]", kind),
            ("filter[from]", &from),
            ("filter[to]", &to),
            ("filter[q]", q),
        ]);
        let client = &m.distributor;
        async move {
            let a = client.call("invoices/list", &form).await;
            a.ok()
                .as_array()
                .map(|rows| {
                    rows.iter()
                        .filter_map(|r| r["id"].as_i64())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        }
    };
    let date = chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").expect("today");
    let day = |offset: i64| {
        (date + chrono::Duration::days(offset))
            .format("%Y-%m-%d")
            .to_string()
    };
    assert_eq!(list("", day(0), day(0), "").await, vec![invoice_id]);
    assert_eq!(
        list("invoice", day(-3), day(0), "lakshmi").await,
        vec![invoice_id]
    );
    assert!(list("", day(1), day(5), "").await.is_empty(), "after today");
    assert!(
        list("", day(-9), day(-1), "").await.is_empty(),
        "before today"
    );
    assert!(
        list("credit_note", String::new(), String::new(), "")
            .await
            .is_empty()
    );
    assert!(
        list("", String::new(), String::new(), "no such shop")
            .await
            .is_empty()
    );
    let (status, _, again) = m
        .distributor
        .download(&format!("/invoices/{invoice_id}/pdf"))
        .await;
    assert_eq!(
        (status, again == pdf),
        (200, true),
        "the distributor downloads the same bytes"
    );
    let bad = m
        .distributor
        .call(
            "invoices/list",
            &pairs(&[
                ("filter[kind]", ""),
                ("filter[from]", "31-02-2026"),
                ("filter[to]", ""),
                ("filter[q]", ""),
            ]),
        )
        .await;
    assert_eq!(bad.error_kind().as_deref(), Some("Invalid"), "{bad:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_tenants_cannot_download_an_invoice() {
    let app = spawn_app().await;
    let m = app.market(710, 10).await;
    let order_id = m.order(1).await["id"].as_i64().expect("id");
    let invoice_id = accept(&m, order_id, "accept_pickup").await;
    let path = format!("/invoices/{invoice_id}/pdf");
    let (other_retailer, _) = app.signup(OrgKind::Retailer, 720).await;
    let (other_distributor, _) = app.active(OrgKind::Distributor, 721).await;
    assert_eq!(other_retailer.download(&path).await.0, 404);
    assert_eq!(other_distributor.download(&path).await.0, 404);
    assert_eq!(m.manufacturer.download(&path).await.0, 403);
    assert_eq!(app.client().download(&path).await.0, 401);
    assert_eq!(m.retailer.download("/invoices/abc/pdf").await.0, 404);
    // The order's documents are refused too, not just empty.
    let a = other_retailer
        .call(
            "invoices/for_order",
            &pairs(&[("order_id", &order_id.to_string())]),
        )
        .await;
    assert_eq!(a.status, 404);
    // Statements of another pair are refused.
    let month: String = sqlx::query_scalar!(r#"SELECT to_char(ist_today(), 'YYYY-MM') AS "v!""#)
        .fetch_one(&app.db)
        .await
        .expect("month");
    let statement = format!(
        "/statements/{month}/{}/{}/pdf",
        m.distributor_org, m.retailer_org
    );
    assert_eq!(other_retailer.download(&statement).await.0, 404);
    assert_eq!(other_distributor.download(&statement).await.0, 404);
    assert_eq!(m.retailer.download(&statement).await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_acceptances_get_consecutive_numbers_without_gaps() {
    let app = spawn_app().await;
    let m = app.market(730, 500).await;
    let mut orders = Vec::new();
    for _ in 0..40 {
        orders.push(m.order(1).await["id"].as_i64().expect("id"));
    }
    let mut tasks = Vec::new();
    for id in orders.clone() {
        let client = crate::common::Client {
            http: m.distributor.http.clone(),
            base: app.base.clone(),
        };
        tasks.push(tokio::spawn(async move {
            client
                .call(
                    "orders/act",
                    &pairs(&[
                        ("id", &id.to_string()),
                        ("action", "accept_deliver"),
                        ("reason", ""),
                    ]),
                )
                .await
        }));
    }
    for t in tasks {
        let a = t.await.expect("task");
        assert!(a.status < 400, "{a:?}");
    }
    let fy = this_fy(&app).await;
    let numbers: Vec<(i64, String)> = sqlx::query!(
        "SELECT seq, number FROM invoices WHERE distributor_id = $1 AND kind = 'invoice' ORDER BY seq",
        m.distributor_org
    )
    .fetch_all(&app.db)
    .await
    .expect("invoices")
    .into_iter()
    .map(|r| (r.seq, r.number))
    .collect();
    assert_eq!(numbers.len(), 40, "one invoice per accepted order");
    for (i, (seq, number)) in numbers.iter().enumerate() {
        assert_eq!(*seq, i as i64 + 1, "consecutive, no gaps");
        assert_eq!(
            number,
            &document_number("T730", fy, DocKind::Invoice, *seq).expect("number")
        );
    }
    let orders_invoiced: i64 = sqlx::query_scalar!(
        r#"SELECT count(DISTINCT order_id) AS "v!" FROM invoices WHERE order_id = ANY($1)"#,
        &orders
    )
    .fetch_one(&app.db)
    .await
    .expect("count");
    assert_eq!(orders_invoiced, 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incomplete_profile_cannot_accept_and_is_told_what_is_missing() {
    let app = spawn_app().await;
    let m = app.market(740, 10).await;
    let order_id = m.order(1).await["id"].as_i64().expect("id");
    sqlx::query!(
        "UPDATE organisations SET upi_id = NULL WHERE id = $1",
        m.distributor_org
    )
    .execute(&app.db)
    .await
    .expect("clear upi");
    let a = m.act(&m.distributor, order_id, "accept_deliver", "").await;
    assert_eq!(a.status, 409);
    assert!(
        a.body["Conflict"]
            .as_str()
            .is_some_and(|s| s.contains("UPI id")),
        "{a:?}"
    );
    let billing = m.distributor.call("invoices/billing", &[]).await;
    assert_eq!(billing.ok()["missing"], serde_json::json!(["UPI id"]));
    let (state, invoices, series) = sqlx::query!(
        r#"SELECT (SELECT state::text FROM orders WHERE id = $1) AS "state!", (SELECT count(*) FROM invoices) AS "invoices!",
                  (SELECT count(*) FROM document_series) AS "series!""#,
        order_id
    )
    .fetch_one(&app.db)
    .await
    .map(|r| (r.state, r.invoices, r.series))
    .expect("state");
    assert_eq!(
        (state.as_str(), invoices, series),
        ("placed", 0, 0),
        "nothing half-written"
    );

    // Bad billing input is refused field by field; nothing changes.
    let bad = m
        .distributor
        .call(
            "invoices/save_billing",
            &pairs(&[
                ("upi_id", "not a upi"),
                ("invoice_prefix", "TOOLONG"),
                ("round_off", "true"),
                ("einvoice_enabled", "false"),
            ]),
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.field_reason("upi_id").is_some());
    assert!(bad.field_reason("invoice_prefix").is_some());
    // A fixed profile accepts.
    let fixed = m
        .distributor
        .call(
            "invoices/save_billing",
            &pairs(&[
                ("upi_id", "Shop740@OKSBI"),
                ("invoice_prefix", "sg"),
                ("round_off", "false"),
                ("einvoice_enabled", "false"),
            ]),
        )
        .await;
    assert_eq!(fixed.ok()["upi_id"], "shop740@oksbi");
    assert_eq!(fixed.ok()["invoice_prefix"], "SG");
    let a = m.act(&m.distributor, order_id, "accept_deliver", "").await;
    assert!(a.status < 400, "{a:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_an_invoiced_order_issues_a_credit_note_and_statements_net_out() {
    let app = spawn_app().await;
    let m = app.market(750, 20).await;
    let first = m.order(2).await["id"].as_i64().expect("id");
    let invoice_id = accept(&m, first, "accept_deliver").await;
    let second = m.order(4).await["id"].as_i64().expect("id");
    accept(&m, second, "accept_deliver").await;
    let a = m
        .act(
            &m.distributor,
            first,
            "cancel",
            "Retailer refused the goods",
        )
        .await;
    assert!(a.status < 400, "{a:?}");
    let fy = this_fy(&app).await;
    let docs = m
        .retailer
        .call(
            "invoices/for_order",
            &pairs(&[("order_id", &first.to_string())]),
        )
        .await;
    let docs = docs.ok().as_array().cloned().expect("docs");
    assert_eq!(docs.len(), 2);
    let credit = &docs[1];
    assert_eq!(credit["kind"], "credit_note");
    assert_eq!(
        credit["number"],
        document_number("T750", fy, DocKind::CreditNote, 1)
            .expect("number")
            .as_str()
    );
    assert_eq!(
        credit["refers_to_number"],
        document_number("T750", fy, DocKind::Invoice, 1)
            .expect("number")
            .as_str()
    );
    assert_eq!(credit["total_paise"], docs[0]["total_paise"]);
    let credit_id = credit["id"].as_i64().expect("id");
    let (_, _, pdf) = m
        .retailer
        .download(&format!("/invoices/{credit_id}/pdf"))
        .await;
    let text = pdf_text(&pdf);
    assert!(text.contains("CREDIT NOTE"), "{text}");
    assert!(text.contains("Against invoice"), "{text}");
    assert!(text.contains("Retailer refused the"), "{text}");
    assert!(qr_codes(&pdf).is_empty(), "nothing to pay on a credit note");
    // Stock came back; the invoice itself is untouched.
    assert_eq!(m.stock(&app.db).await, (20, 4));
    let (_, _, invoice_pdf) = m
        .retailer
        .download(&format!("/invoices/{invoice_id}/pdf"))
        .await;
    assert!(pdf_text(&invoice_pdf).contains("TAX INVOICE"));

    // The month's statement lists all three documents and nets the credit out.
    let statements = m.retailer.call("invoices/statements", &[]).await;
    let row = &statements.ok()[0];
    assert_eq!(
        (row["invoices"].as_i64(), row["credit_notes"].as_i64()),
        (Some(2), Some(1))
    );
    let month = row["month"].as_str().expect("month").to_string();
    // Second order: 4 × 27.50 = 110.00 + 2.75 + 2.75 = 115.50 → 116.00.
    assert_eq!(row["net_paise"], 11_600);
    let (status, _, statement) = m
        .distributor
        .download(&format!(
            "/statements/{month}/{}/{}/pdf",
            m.distributor_org, m.retailer_org
        ))
        .await;
    assert_eq!(status, 200);
    let text = pdf_text(&statement);
    assert!(text.contains("STATEMENT OF ACCOUNT"), "{text}");
    assert!(text.contains("Net for the month ₹116.00"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e_invoice_json_follows_inv01_for_enabled_distributors() {
    let app = spawn_app().await;
    let m = app.market(760, 20).await;
    let order_id = m.order(3).await["id"].as_i64().expect("id");
    let invoice_id = accept(&m, order_id, "accept_deliver").await;
    let path = format!("/invoices/{invoice_id}/einvoice.json");
    // Not switched on: refused with the reason.
    let (status, _, body) = m.distributor.download(&path).await;
    assert_eq!(status, 409, "{}", String::from_utf8_lossy(&body));
    m.distributor
        .call(
            "invoices/save_billing",
            &pairs(&[
                ("upi_id", "testshop761@okaxis"),
                ("invoice_prefix", "T760"),
                ("round_off", "true"),
                ("einvoice_enabled", "true"),
            ]),
        )
        .await
        .ok();
    // The SKU has a 4-digit HSN: an e-invoicing supplier must give 6 digits.
    let (status, _, body) = m.distributor.download(&path).await;
    let reason = String::from_utf8_lossy(&body).to_string();
    assert_eq!(status, 409, "{reason}");
    assert!(
        reason.contains("6-digit HSN") && reason.contains("HSN 1905"),
        "{reason}"
    );
    let stock = m
        .distributor
        .call(
            "trade/stock",
            &pairs(&[("q", ""), ("carried_only", "true")]),
        )
        .await;
    assert_eq!(
        stock.ok()[0]["short_hsn"],
        "1905",
        "the stock list warns per SKU"
    );
    // The brand gives the 6-digit code; what is invoiced from then on exports.
    let mut sku = sku_form("MARIE-1", "Marie Gold Biscuits 200 g", "190531", "30");
    sku.push(("id".into(), m.sku_id.to_string()));
    m.manufacturer.call("catalog/save_sku", &sku).await.ok();
    let stock = m
        .distributor
        .call(
            "trade/stock",
            &pairs(&[("q", ""), ("carried_only", "true")]),
        )
        .await;
    assert!(stock.ok()[0]["short_hsn"].is_null());
    let order_id = m.order(3).await["id"].as_i64().expect("id");
    let invoice_id = accept(&m, order_id, "accept_deliver").await;
    let path = format!("/invoices/{invoice_id}/einvoice.json");
    let (status, content_type, body) = m.distributor.download(&path).await;
    assert_eq!((status, content_type.as_str()), (200, "application/json"));
    let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
    let doc = &json[0];
    assert_eq!(
        auromart::invoices::einvoice::validate(doc),
        Vec::<String>::new()
    );
    assert_eq!(doc["Version"], "1.1");
    assert_eq!(doc["TranDtls"]["SupTyp"], "B2B");
    assert_eq!(doc["DocDtls"]["Typ"], "INV");
    assert_eq!(doc["SellerDtls"]["Gstin"], gstin(761).as_str());
    assert_eq!(doc["BuyerDtls"]["Gstin"], gstin(762).as_str());
    assert_eq!(doc["BuyerDtls"]["Pos"], "27");
    assert_eq!(doc["ItemList"][0]["HsnCd"], "190531");
    assert_eq!(doc["ItemList"][0]["Unit"], "PAC");
    // 3 × 27.50 = 82.50; 2.5% = 2.0625 → 2.06 each; 86.62 → 87.00.
    let text = String::from_utf8_lossy(&body).to_string();
    assert!(text.contains("\"AssVal\": 82.50"), "{text}");
    assert!(text.contains("\"CgstVal\": 2.06"), "{text}");
    assert!(text.contains("\"RndOffAmt\": 0.38"), "{text}");
    assert!(text.contains("\"TotInvVal\": 87.00"), "{text}");
    assert!(text.contains("\"GstRt\": 5"), "{text}");
    // Only the supplier exports; the retailer is refused.
    assert_eq!(m.retailer.download(&path).await.0, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_hsn_without_a_rate_blocks_the_sku_not_the_invoice() {
    let app = spawn_app().await;
    let m = app.market(770, 10).await;
    // An order placed while the rate was known is still invoiced at that rate.
    let earlier = m.order(1).await["id"].as_i64().expect("id");
    sqlx::query!("DELETE FROM gst_rates WHERE '1905' LIKE hsn || '%' OR hsn = '*'")
        .execute(&app.db)
        .await
        .expect("drop the rate");
    // The manufacturer is told; the product leaves the shop; an order is refused clearly.
    let skus = m
        .manufacturer
        .call("catalog/my_skus", &pairs(&[("q", "")]))
        .await;
    assert!(skus.ok()[0]["rate_bp"].is_null(), "{:?}", skus.ok());
    let refused = m
        .retailer
        .call(
            "orders/place",
            &crate::common::trade::order_form(m.distributor_org, &[(m.listing_id, 1)], None),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .field_reason(&format!("line-{}", m.listing_id))
            .is_some_and(|r| r.contains("no GST rate")),
        "{refused:?}"
    );
    let invoice = accept(&m, earlier, "accept_deliver").await;
    let total: i64 = sqlx::query_scalar!("SELECT total_paise FROM invoices WHERE id = $1", invoice)
        .fetch_one(&app.db)
        .await
        .expect("invoice");
    // ₹27.50 + 2.5% + 2.5% (0.69 each) = ₹28.88 → ₹29.00.
    assert_eq!(total, 2_900);
}

/// HSN, date, unit value in paise, chosen entry, the rate expected, why.
type RateCase<'a> = (&'a str, &'a str, i64, Option<i64>, Option<i32>, &'a str);

#[tokio::test]
async fn the_gst_rate_is_the_longest_hsn_match_in_force_for_the_unit_value() {
    let app = spawn_app().await;
    // A heading, a 6-digit subheading and an 8-digit tariff item under it, each
    // with rates in force from different dates, a value slab, and an entry for
    // some goods of the subheading only (which applies when a SKU chooses it).
    let chosen: i64 = sqlx::query_scalar!(
        "INSERT INTO gst_rates (hsn, valid_from, min_unit_paise, max_unit_paise, rate_bp, condition, general, description, source) VALUES
             ('7777', '2017-07-01', 0, NULL, 1200, '', true, 'heading', 't1'),
             ('777710', '2017-07-01', 0, NULL, 1800, '', true, 'subheading', 't2'),
             ('777710', '2099-01-01', 0, NULL, 4000, '', true, 'subheading, not yet in force', 't3'),
             ('77771020', '2020-01-01', 0, 100000, 500, '', true, 'tariff item', 't4'),
             ('77771020', '2020-01-01', 100001, NULL, 2800, '', true, 'tariff item above Rs 1,000', 't5'),
             ('777710', '2017-07-01', 0, 50000, 0, 'only of khadi', false, 'khadi goods up to Rs 500', 't6')
         RETURNING id"
    )
    .fetch_all(&app.db)
    .await
    .expect("rates")
    .last()
    .copied()
    .expect("the khadi entry");
    // (HSN, date, unit value in paise, chosen entry, the rate expected, why), one line each.
    #[rustfmt::skip]
    let cases: [RateCase; 15] = [
        ("7777", "2026-01-01", 100, None, Some(1200), "the heading's own rate"),
        ("777799", "2026-01-01", 100, None, Some(1200), "falls back to the heading"),
        ("777710", "2026-01-01", 100, None, Some(1800), "the subheading's own rate"),
        ("77771099", "2026-01-01", 100, None, Some(1800), "falls back to the subheading"),
        ("77771020", "2026-01-01", 100_000, None, Some(500), "up to the slab"),
        ("77771020", "2026-01-01", 100_001, None, Some(2800), "above the slab"),
        ("77771020", "2019-12-31", 100, None, Some(1800), "before the item's own rate"),
        ("777710", "2099-01-01", 100, None, Some(4000), "the later rate from its date"),
        ("777710", "2026-01-01", 100, Some(chosen), Some(0), "the entry the SKU chose"),
        ("77771099", "2026-01-01", 100, Some(chosen), Some(0), "chosen, under the subheading"),
        ("777710", "2026-01-01", 60_000, Some(chosen), Some(1800), "chosen, but above its slab"),
        ("7778", "2026-01-01", 100, None, Some(1800), "the residual entry for a code no entry names"),
        ("1905", "2025-09-21", 100, None, None, "no rate before the schedule of 22 Sep 2025"),
        ("19053100", "2025-09-22", 100, None, Some(500), "biscuits from GST 2.0"),
        ("34011190", "2026-01-01", 100, None, Some(1800), "soap: the general entry (other than toilet soap)"),
    ];
    for (hsn, on, unit, choice, want, why) in cases {
        let rate: Option<i32> = sqlx::query_scalar!(
            "SELECT (SELECT rate_bp FROM gst_rate($1, $2::text::date, $3, $4))",
            hsn,
            on,
            unit,
            choice
        )
        .fetch_one(&app.db)
        .await
        .expect("rate");
        assert_eq!(rate, want, "{hsn} on {on} at {unit} paise: {why}");
    }
}
