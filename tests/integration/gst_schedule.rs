//! The GST rate schedule loaded from the law's tables (src/catalog/gst_schedule.csv):
//! well-known goods at their statutory rates, the maker's choice where the rate
//! depends on what the goods are, and the SQL lookup agreeing with the SKU form's
//! reading of the schedule on every code the law names.

use crate::common::trade::sku_form;
use crate::common::{pairs, spawn_app};
use auromart::domain::OrgKind;
use auromart::domain::gst_schedule::{RateEntry, options};

/// A SKU form with `sku[name]` fields set (replaced or added).
fn set(mut form: Vec<(String, String)>, fields: &[(&str, &str)]) -> Vec<(String, String)> {
    for (k, v) in fields {
        let name = format!("sku[{k}]");
        form.retain(|(n, _)| *n != name);
        form.push((name, v.to_string()));
    }
    form
}

/// HSN, sale value per piece in paise, the chosen entry (notification prefix,
/// serial), GST in basis points, the goods.
type Case<'a> = (&'a str, i64, Option<(&'a str, &'a str)>, i32, &'a str);

/// The entry `source` (as the loader names it) for `hsn`.
async fn entry(db: &sqlx::PgPool, hsn: &str, source: &str) -> i64 {
    sqlx::query_scalar!(
        "SELECT id FROM gst_rates WHERE source = $1 AND ($2 LIKE hsn || '%' OR hsn = '*')
          ORDER BY length(hsn) DESC LIMIT 1",
        source,
        hsn
    )
    .fetch_optional(db)
    .await
    .expect("query")
    .unwrap_or_else(|| panic!("no entry {source} for {hsn}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn well_known_goods_have_their_statutory_rates() {
    let app = spawn_app().await;
    let (sch1, sch2, sch3) = (
        "9/2025-CT(Rate) Sch. I S. No.",
        "9/2025-CT(Rate) Sch. II S. No.",
        "9/2025-CT(Rate) Sch. III S. No.",
    );
    let exempt = "10/2025-CT(Rate) S. No.";
    // (HSN, sale value per piece in paise, the entry the maker chose (notification
    // prefix, serial) or none, GST in basis points, the goods), from the
    // notifications' text; none means the code's own default applies.
    #[rustfmt::skip]
    let cases: &[Case] = &[
        ("19053100", 0, None, 500, "biscuits (Sch. I 123)"),
        ("19059020", 0, Some((exempt, "100")), 0, "bread (10/2025 100)"),
        ("94042910", 0, Some((sch2, "613")), 1800, "mattresses (Sch. II 613)"),
        ("94049000", 100_000, Some((sch1, "493")), 500, "a cotton quilt up to Rs 2,500 (Sch. I 493)"),
        ("85171300", 0, None, 1800, "mobile phones (Sch. II 490)"),
        ("87032110", 0, Some((sch2, "534")), 1800, "a small petrol car (Sch. II 534)"),
        ("87033390", 0, None, 4000, "a large diesel car (Sch. III 5)"),
        ("71081200", 0, None, 300, "gold (Sch. IV 5)"),
        ("71023910", 0, None, 150, "cut and polished diamonds (Sch. VI 1)"),
        ("71023100", 0, Some(("9/2025-CT(Rate) Sch. V S. No.", "1")), 25, "rough diamonds (Sch. V 1)"),
        ("04011000", 0, None, 0, "fresh milk (10/2025 15)"),
        ("33061020", 0, Some((sch1, "246")), 500, "toothpaste (Sch. I 246)"),
        ("34011110", 0, Some((sch1, "251")), 500, "toilet soap (Sch. I 251)"),
        ("34012000", 0, None, 1800, "other soap (Sch. II 66)"),
        ("85287200", 0, None, 1800, "television sets (Sch. II 500)"),
        ("84151010", 0, None, 1800, "air conditioners (Sch. II 404)"),
        ("33051090", 0, Some((sch1, "245")), 500, "shampoo (Sch. I 245)"),
        ("64039990", 249_900, None, 500, "shoes up to Rs 2,500 a pair (Sch. I 392)"),
        ("64039990", 300_000, None, 1800, "shoes above Rs 2,500 a pair"),
        ("61091000", 99_900, None, 500, "a T-shirt up to Rs 2,500 (Sch. I 388)"),
        ("62052000", 399_900, None, 1800, "a shirt above Rs 2,500 (Sch. II 198)"),
        ("25232930", 0, None, 1800, "cement (Sch. II 9)"),
        ("21069020", 0, None, 2800, "pan masala (Sch. VII 1)"),
        ("24022090", 0, None, 2800, "cigarettes (Sch. VII 3)"),
        ("22021010", 0, Some((sch3, "1")), 4000, "aerated sweetened drinks (Sch. III 1)"),
        ("09023020", 0, Some((sch1, "34")), 500, "tea (Sch. I 34)"),
        ("09012110", 0, Some((sch1, "33")), 500, "roasted coffee (Sch. I 33)"),
        ("04051000", 0, None, 500, "butter (Sch. I 7)"),
        ("04069000", 0, Some((exempt, "17")), 0, "paneer (10/2025 17)"),
        ("21069099", 0, None, 500, "namkeen (Sch. I 145)"),
        ("18063100", 0, None, 500, "chocolate (Sch. I 116)"),
        ("21050000", 0, None, 500, "ice cream (Sch. I 141)"),
        ("19021900", 0, None, 500, "pasta (Sch. I 119)"),
        ("17019990", 0, Some((sch1, "105")), 500, "sugar (Sch. I 105)"),
        ("25010010", 0, None, 0, "salt (10/2025 109)"),
        ("84181010", 0, None, 1800, "refrigerators (Sch. II 407)"),
        ("84501100", 0, None, 1800, "washing machines (Sch. II 437)"),
        ("84713010", 0, None, 1800, "laptops (Sch. II 456)"),
        ("87120010", 0, None, 500, "bicycles (Sch. I 456)"),
        ("87019100", 0, Some((sch1, "442")), 500, "agricultural tractors (Sch. I 442)"),
        ("30049099", 0, None, 500, "medicines (Sch. I 234)"),
        ("85395000", 0, None, 1800, "LED lamps (Sch. II 511)"),
        ("96091000", 0, Some((exempt, "163")), 0, "pencils (10/2025 163)"),
        ("48202000", 0, Some((exempt, "130")), 0, "exercise books (10/2025 130)"),
        ("10063020", 0, Some((sch1, "48")), 500, "packaged rice (Sch. I 48)"),
        ("10063020", 0, Some((exempt, "67")), 0, "loose rice (10/2025 67)"),
        ("15079010", 0, None, 500, "soya-bean oil (Sch. I 84)"),
        ("04021010", 0, None, 500, "milk powder (Sch. I 4)"),
        ("85161000", 0, None, 1800, "water heaters (Sch. II 489)"),
        ("40111010", 0, None, 1800, "car tyres (Sch. II 137)"),
        ("69111011", 0, None, 500, "porcelain tableware (Sch. I 403)"),
    ];
    assert!(cases.len() >= 50);
    for (hsn, value, chosen, want, what) in cases {
        let choice = match chosen {
            Some((prefix, serial)) => {
                Some(entry(&app.db, hsn, &format!("{prefix} {serial}")).await)
            }
            None => None,
        };
        let rate: Option<i32> = sqlx::query_scalar!(
            "SELECT (SELECT rate_bp FROM gst_rate($1, DATE '2026-01-15', $2, $3))",
            hsn,
            value,
            choice
        )
        .fetch_one(&app.db)
        .await
        .expect("rate");
        assert_eq!(rate, Some(*want), "{what}: HSN {hsn}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lookup_and_the_sku_form_read_the_schedule_alike() {
    let app = spawn_app().await;
    let all: Vec<RateEntry> = sqlx::query_as!(
        RateEntry,
        "SELECT id, hsn, rate_bp, min_unit_paise, max_unit_paise, condition, general, description, source
           FROM gst_rates"
    )
    .fetch_all(&app.db)
    .await
    .expect("schedule");
    let mut codes: Vec<&str> = all
        .iter()
        .map(|e| e.hsn.as_str())
        .filter(|h| h.len() >= 4)
        .collect();
    codes.sort_unstable();
    codes.dedup();
    assert!(codes.len() > 1_000, "{}", codes.len());
    for hsn in codes {
        let applying: Vec<RateEntry> = all
            .iter()
            .filter(|e| e.hsn == "*" || hsn.starts_with(e.hsn.as_str()))
            .cloned()
            .collect();
        let o = options(applying);
        let slab = o.default.first().expect("every code has a default");
        let value = slab.min_unit_paise;
        let sql: Option<i32> = sqlx::query_scalar!(
            "SELECT (SELECT rate_bp FROM gst_rate($1, DATE '2026-01-15', $2, NULL))",
            hsn,
            value
        )
        .fetch_one(&app.db)
        .await
        .expect("rate");
        assert_eq!(
            sql,
            Some(slab.rate_bp),
            "HSN {hsn}: default {}",
            slab.source
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_maker_chooses_the_entry_where_the_rate_depends_on_the_goods() {
    let app = spawn_app().await;
    let (maker, _) = app.active(OrgKind::Manufacturer, 1).await;
    let soap = |code: &str| sku_form(code, "Sandal soap 100 g", "34011110", "45");
    let options = maker
        .call("catalog/gst_options", &pairs(&[("hsn", "3401 11 10")]))
        .await;
    let o = options.ok();
    assert_eq!(o["must_choose"], true, "{o}");
    assert_eq!(
        o["default"][0]["source"],
        "9/2025-CT(Rate) Sch. II S. No. 66"
    );
    assert_eq!(
        o["alternatives"][0]["source"],
        "9/2025-CT(Rate) Sch. I S. No. 251"
    );
    let toilet = o["alternatives"][0]["id"].as_i64().expect("id");

    let unchosen = maker.call("catalog/save_sku", &soap("SOAP-1")).await;
    assert!(
        unchosen
            .field_reason("gst_rate_id")
            .is_some_and(|r| r.contains("depends on what the goods are")),
        "{:?}",
        unchosen.body
    );
    // An entry of another code is refused.
    let milk = entry(&app.db, "0401", "10/2025-CT(Rate) S. No. 15").await;
    let wrong = maker
        .call(
            "catalog/save_sku",
            &set(soap("SOAP-1"), &[("gst_rate_id", &milk.to_string())]),
        )
        .await;
    assert!(
        wrong.field_reason("gst_rate_id").is_some(),
        "{:?}",
        wrong.body
    );
    let saved = maker
        .call(
            "catalog/save_sku",
            &set(
                soap("SOAP-1"),
                &[
                    ("gst_rate_id", &toilet.to_string()),
                    ("gst_reason", "Bathing bar, toilet soap"),
                ],
            ),
        )
        .await;
    let row = saved.ok();
    assert_eq!(row["rate_bp"], 500, "{row}");
    assert_eq!(row["gst_rate_id"], toilet);
    assert_eq!(row["gst_reason"], "Bathing bar, toilet soap");

    // A code no entry names takes the residual entry only when chosen, with a reason.
    let residual = entry(&app.db, "9999", "9/2025-CT(Rate) Sch. II S. No. 639").await;
    let odd = |extra: &[(&str, &str)]| set(sku_form("ODD-1", "Odd goods", "9999", "10"), extra);
    let no_reason = maker
        .call(
            "catalog/save_sku",
            &odd(&[("gst_rate_id", &residual.to_string())]),
        )
        .await;
    assert!(
        no_reason.field_reason("gst_reason").is_some(),
        "{:?}",
        no_reason.body
    );
    let with_reason = maker
        .call(
            "catalog/save_sku",
            &odd(&[
                ("gst_rate_id", &residual.to_string()),
                ("gst_reason", "Named nowhere in the schedule"),
            ]),
        )
        .await;
    assert_eq!(with_reason.ok()["rate_bp"], 1800);

    // The CSV import cannot carry the choice: such rows are refused by line.
    let csv = "code,name,brand,category,hsn,mrp,unit,pack_size\nSOAP-2,Sandal soap,Sahyadri,Biscuits,3401,45,pcs,1\n";
    let report = maker
        .call("catalog/import_csv", &pairs(&[("csv", csv)]))
        .await;
    let errors = &report.ok()["errors"];
    assert_eq!(errors[0]["line"], 2, "{errors}");
    assert_eq!(errors[0]["field"], "hsn");
}

fn change(hsn: &str, from: &str, rate: &str, source: &str) -> Vec<(String, String)> {
    pairs(&[
        ("change[hsn]", hsn),
        ("change[condition]", ""),
        ("change[valid_from]", from),
        ("change[rate]", rate),
        ("change[min_value]", ""),
        ("change[max_value]", ""),
        ("change[description]", "Biscuits"),
        ("change[source]", source),
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_change_applies_from_its_date_and_issued_invoices_keep_theirs() {
    let app = spawn_app().await;
    let (admin, _) = app.admin().await;
    let m = app.market(880, 50).await;
    // Invoiced at 5 % today.
    let first = m.order(2).await["id"].as_i64().expect("order");
    m.act(&m.distributor, first, "accept_deliver", "")
        .await
        .ok();
    let issued: i64 = sqlx::query_scalar!(
        "SELECT total_paise FROM invoices WHERE order_id = $1",
        first
    )
    .fetch_one(&app.db)
    .await
    .expect("invoice");

    let today: String = sqlx::query_scalar!(r#"SELECT ist_today()::text AS "d!""#)
        .fetch_one(&app.db)
        .await
        .expect("today");
    let tomorrow: String = sqlx::query_scalar!(r#"SELECT (ist_today() + 1)::text AS "d!""#)
        .fetch_one(&app.db)
        .await
        .expect("tomorrow");
    // A change from tomorrow leaves today alone.
    let later = admin
        .call(
            "catalog/add_gst_rate",
            &change("1905", &tomorrow, "18", "Test 1/2026-CT(Rate) S. No. 1"),
        )
        .await;
    assert_eq!(later.ok()["in_force"], false);
    let rate_on = |day: String| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar!(
                "SELECT (SELECT rate_bp FROM gst_rate('19053100', $1::text::date, 100, NULL))",
                day
            )
            .fetch_one(&db)
            .await
            .expect("rate")
        }
    };
    assert_eq!(rate_on(today.clone()).await, Some(500));
    assert_eq!(rate_on(tomorrow.clone()).await, Some(1800));
    // The same source, code and date again is refused; a bad row names its fields.
    let again = admin
        .call(
            "catalog/add_gst_rate",
            &change("1905", &tomorrow, "18", "Test 1/2026-CT(Rate) S. No. 1"),
        )
        .await;
    assert!(again.field_reason("source").is_some(), "{:?}", again.body);
    let bad = admin
        .call(
            "catalog/add_gst_rate",
            &change("190", "2026-02-30", "180", "x"),
        )
        .await;
    for field in ["hsn", "valid_from", "rate", "source"] {
        assert!(bad.field_reason(field).is_some(), "{field}: {:?}", bad.body);
    }

    // A change from today: the next order takes it; the invoice issued before keeps 5 %.
    admin
        .call(
            "catalog/add_gst_rate",
            &change("1905", &today, "12", "Test 2/2026-CT(Rate) S. No. 1"),
        )
        .await
        .ok();
    let second = m.order(2).await;
    // 2 × ₹27.50 = ₹55.00 + 6 % + 6 % (₹3.30 each) = ₹61.60 → ₹62.00.
    assert_eq!(second["total_paise"], 6_200);
    let still: i64 = sqlx::query_scalar!(
        "SELECT total_paise FROM invoices WHERE order_id = $1",
        first
    )
    .fetch_one(&app.db)
    .await
    .expect("invoice");
    assert_eq!(still, issued);
    let logged = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM audit_log WHERE action = 'gst_rate_change' AND subject = 'HSN 1905'"#
    )
    .fetch_one(&app.db)
    .await
    .expect("audit");
    assert_eq!(logged, 2, "each change once; the refused ones not at all");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_csv_is_added_whole_or_not_at_all() {
    let app = spawn_app().await;
    let (admin, _) = app.admin().await;
    let header = "hsn,condition,valid_from,rate,min_value,max_value,description,source\n";
    let good = "2402,,2026-02-01,40,,,Cigarettes,Test 19/2025-CT(Rate) S. No. 3\n\
                2403,,2026-02-01,40,,,Other manufactured tobacco,Test 19/2025-CT(Rate) S. No. 4\n";
    let refused = admin
        .call(
            "catalog/import_gst_rates",
            &pairs(&[(
                "csv",
                &format!("{header}{good}2404,,2026-02-01,41,,,Nicotine products,Test S. No. 5\n"),
            )]),
        )
        .await;
    let report = refused.ok();
    assert_eq!(report["added"], 0);
    assert_eq!(report["errors"][0]["line"], 4, "{report}");
    assert_eq!(report["errors"][0]["field"], "rate");
    let count = || async {
        sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM gst_rates WHERE source LIKE 'Test 19/2025%'"#
        )
        .fetch_one(&app.db)
        .await
        .expect("count")
    };
    assert_eq!(count().await, 0, "nothing added");
    let added = admin
        .call(
            "catalog/import_gst_rates",
            &pairs(&[("csv", &format!("{header}{good}"))]),
        )
        .await;
    assert_eq!(added.ok()["added"], 2);
    assert_eq!(count().await, 2);
    let rate: Option<i32> = sqlx::query_scalar!(
        "SELECT (SELECT rate_bp FROM gst_rate('24022010', DATE '2026-02-01', 100, NULL))"
    )
    .fetch_one(&app.db)
    .await
    .expect("rate");
    assert_eq!(rate, Some(4000), "cigarettes at 40 % from the new date");
    // The same file again: every row is a repeat, and nothing changes.
    let repeat = admin
        .call(
            "catalog/import_gst_rates",
            &pairs(&[("csv", &format!("{header}{good}"))]),
        )
        .await;
    assert_eq!(repeat.ok()["errors"].as_array().map(Vec::len), Some(2));
    assert_eq!(count().await, 2);
    let listed = admin
        .call("catalog/gst_rates", &pairs(&[("hsn", "2402")]))
        .await;
    assert!(
        listed
            .ok()
            .as_array()
            .is_some_and(|rows| rows.iter().any(|r| r["source"]
                == "Test 19/2025-CT(Rate) S. No. 3"
                && r["added_by"]
                    .as_str()
                    .is_some_and(|a| a.starts_with("Owner")))),
        "{:?}",
        listed.body
    );
}

/// A proposal form for `catalog/propose_hsn`.
fn proposal(hsn: &str, description: &str, rate: &str) -> Vec<(String, String)> {
    pairs(&[
        ("proposal[hsn]", hsn),
        ("proposal[description]", description),
        ("proposal[rate]", rate),
        ("proposal[source]", ""),
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_the_schedule_lacks_is_proposed_and_the_admin_adds_or_declines_it() {
    let app = spawn_app().await;
    let (admin, _) = app.admin().await;
    let (brand, _) = app.active(OrgKind::Manufacturer, 890).await;
    // Chapter 77 is reserved in the HS: no entry names it, only the residual one.
    let lacking = brand
        .call("catalog/gst_options", &pairs(&[("hsn", "77001000")]))
        .await;
    assert_eq!(lacking.ok()["residual_only"], true);

    // A code the schedule names is not proposed; bad fields are named.
    let named = brand
        .call("catalog/propose_hsn", &proposal("1905", "Biscuits", "5"))
        .await;
    assert!(named.field_reason("hsn").is_some(), "{:?}", named.body);
    let bad = brand
        .call("catalog/propose_hsn", &proposal("77001000", "x", "180"))
        .await;
    assert!(bad.field_reason("description").is_some());
    assert!(bad.field_reason("rate").is_some());

    let sent = brand
        .call(
            "catalog/propose_hsn",
            &proposal("77001000", "Test alloy sheets", "18"),
        )
        .await;
    assert_eq!(sent.ok()["rate_bp"], 1800);
    assert!(sent.ok()["outcome"].is_null());
    let twice = brand
        .call(
            "catalog/propose_hsn",
            &proposal("77001000", "Test alloy sheets", "18"),
        )
        .await;
    assert_eq!(twice.error_kind().as_deref(), Some("Conflict"));
    let other = brand
        .call(
            "catalog/propose_hsn",
            &proposal("77002000", "Test foil", ""),
        )
        .await;
    let other_id = other.ok()["id"].as_i64().expect("id");

    // The admin's queue holds both, oldest first.
    let queue = admin.call("catalog/hsn_proposals", &[]).await;
    let codes: Vec<&str> = queue
        .ok()
        .as_array()
        .map(|l| l.iter().filter_map(|p| p["hsn"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(codes, ["77001000", "77002000"]);

    // A rate for heading 7700 closes the first as added; the second is declined
    // with a reason the brand sees; both leave the queue.
    let today: String = sqlx::query_scalar!(r#"SELECT ist_today()::text AS "d!""#)
        .fetch_one(&app.db)
        .await
        .expect("today");
    admin
        .call(
            "catalog/add_gst_rate",
            &change("770010", &today, "18", "Test 2/2026-CT(Rate) S. No. 1"),
        )
        .await
        .ok();
    let no_reason = admin
        .call(
            "catalog/decline_hsn_proposal",
            &pairs(&[("id", &other_id.to_string()), ("note", "")]),
        )
        .await;
    assert!(no_reason.field_reason("note").is_some());
    let declined = admin
        .call(
            "catalog/decline_hsn_proposal",
            &pairs(&[
                ("id", &other_id.to_string()),
                ("note", "Foil is 7607: use that code"),
            ]),
        )
        .await;
    assert_eq!(declined.ok()["outcome"], "declined");
    let again = admin
        .call(
            "catalog/decline_hsn_proposal",
            &pairs(&[("id", &other_id.to_string()), ("note", "again")]),
        )
        .await;
    assert_eq!(again.error_kind().as_deref(), Some("Conflict"));
    let queue = admin.call("catalog/hsn_proposals", &[]).await;
    assert_eq!(queue.ok().as_array().map(Vec::len), Some(0));
    let mine = brand.call("catalog/my_hsn_proposals", &[]).await;
    let outcomes: Vec<(&str, &str)> = mine
        .ok()
        .as_array()
        .map(|l| {
            l.iter()
                .map(|p| {
                    (
                        p["hsn"].as_str().unwrap_or_default(),
                        p["outcome"].as_str().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        outcomes,
        [("77002000", "declined"), ("77001000", "added")],
        "newest first"
    );
    // The code now has its own entry; the decline is in the audit log.
    let now_named = brand
        .call("catalog/gst_options", &pairs(&[("hsn", "77001000")]))
        .await;
    assert_eq!(now_named.ok()["residual_only"], false);
    let logged = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM audit_log WHERE action = 'hsn_proposal_declined' AND subject_id = $1"#,
        other_id
    )
    .fetch_one(&app.db)
    .await
    .expect("audit");
    assert_eq!(logged, 1);
}
