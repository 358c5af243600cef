//! The audit log: each admin action writes one entry in its own transaction,
//! a refused action writes none, the admin's page filters and pages it, and the
//! table refuses every change to what it holds.

use crate::common::{TestApp, pairs, spawn_app};
use auromart::domain::OrgKind;
use serde_json::Value;

fn filter(action: &str, q: &str, before: &str) -> Vec<(String, String)> {
    pairs(&[
        ("filter[action]", action),
        ("filter[q]", q),
        ("filter[from]", ""),
        ("filter[to]", ""),
        ("filter[before]", before),
    ])
}

async fn entries(app: &TestApp) -> i64 {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM audit_log"#)
        .fetch_one(&app.db)
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_admin_action_is_recorded_once_with_before_and_after() {
    let app = spawn_app().await;
    let (admin, _) = app.admin().await;
    let (_, shop) = app.signup(OrgKind::Retailer, 1).await;
    let (brand, _) = app.active(OrgKind::Manufacturer, 2).await;

    // Refused: a suspension needs a reason. Nothing is recorded.
    let refused = admin
        .call(
            "admin/set_approval",
            &pairs(&[
                ("org_id", &shop.to_string()),
                ("to", "suspended"),
                ("note", " "),
            ]),
        )
        .await;
    assert!(refused.field_reason("note").is_some());
    assert_eq!(entries(&app).await, 0);

    admin
        .call(
            "admin/set_approval",
            &pairs(&[
                ("org_id", &shop.to_string()),
                ("to", "suspended"),
                ("note", "GSTIN belongs to another shop"),
            ]),
        )
        .await
        .ok();
    let category = brand
        .call(
            "catalog/propose_category",
            &pairs(&[("name", "Pooja items")]),
        )
        .await;
    let category = category.ok()["id"].as_i64().expect("category");
    admin
        .call(
            "catalog/decide_category",
            &pairs(&[("id", &category.to_string()), ("approve", "true")]),
        )
        .await
        .ok();
    let failed: i64 = sqlx::query_scalar!(
        "INSERT INTO outbox (dedupe_key, recipient, template, params, state, last_error)
         VALUES ('audit', '919800000112', 'announcement', '{\"message\": \"x\"}', 'failed', '131026 undeliverable')
         RETURNING id"
    )
    .fetch_one(&app.db)
    .await
    .expect("failed message");
    admin
        .call("whatsapp/retry", &pairs(&[("id", &failed.to_string())]))
        .await
        .ok();
    admin
        .call(
            "whatsapp/broadcast",
            &pairs(&[
                ("message", "Diwali holidays: no deliveries on 21 Oct"),
                ("segment", "state"),
                ("segment_value", "27"),
                ("per_second", "5"),
            ]),
        )
        .await
        .ok();

    let page = admin.call("admin/audit_log", &filter("", "", "")).await;
    let rows = page.ok()["rows"].as_array().cloned().unwrap_or_default();
    let actions: Vec<&str> = rows.iter().filter_map(|r| r["action"].as_str()).collect();
    assert_eq!(
        actions,
        [
            "broadcast",
            "message_retry",
            "category_decision",
            "org_approval"
        ],
        "newest first, one each"
    );
    let by = |action: &str| -> Value {
        rows.iter()
            .find(|r| r["action"] == action)
            .cloned()
            .unwrap_or_default()
    };
    let approval = by("org_approval");
    assert_eq!(approval["subject"], "Test Shop 1");
    assert_eq!(approval["subject_table"], "organisations");
    assert_eq!(approval["subject_id"], shop);
    assert!(
        approval["actor"]
            .as_str()
            .is_some_and(|a| a.starts_with("Owner 9999 (")),
        "{approval}"
    );
    assert_eq!(approval["note"], "GSTIN belongs to another shop");
    let changes = &approval["changes"];
    assert!(
        changes.as_array().is_some_and(|c| c
            .iter()
            .any(|c| c == &serde_json::json!(["approval", "active", "suspended"]))),
        "{changes}"
    );
    assert_eq!(
        by("category_decision")["changes"],
        serde_json::json!([["status", "proposed", "approved"]])
    );
    assert!(
        by("message_retry")["changes"].as_array().is_some_and(|c| c
            .iter()
            .any(|c| c[0] == "state" && c[1] == "failed" && c[2] == "pending")),
        "{}",
        by("message_retry")
    );
    assert!(
        by("broadcast")["subject"]
            .as_str()
            .is_some_and(|s| s.contains("27"))
    );

    // Filters: one action; a word of the subject or note.
    let only = admin
        .call("admin/audit_log", &filter("category_decision", "", ""))
        .await;
    assert_eq!(only.ok()["rows"].as_array().map(Vec::len), Some(1));
    let word = admin
        .call("admin/audit_log", &filter("", "another shop", ""))
        .await;
    assert_eq!(word.ok()["rows"][0]["action"], "org_approval");
    for (bad, field) in [
        (filter("drop_table", "", ""), "action"),
        (filter("", "", "x"), "before"),
    ] {
        let answer = admin.call("admin/audit_log", &bad).await;
        assert!(answer.field_reason(field).is_some(), "{:?}", answer.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_pages_back_and_refuses_every_change() {
    let app = spawn_app().await;
    let (admin, admin_org) = app.admin().await;
    let user: i64 = sqlx::query_scalar!("SELECT id FROM users WHERE org_id = $1", admin_org)
        .fetch_one(&app.db)
        .await
        .expect("admin user");
    sqlx::query!(
        "INSERT INTO audit_log (actor_user_id, actor, action, subject_table, subject_id, subject)
         SELECT $1, 'Owner 9999', 'broadcast', 'broadcasts', n, 'entry ' || n FROM generate_series(1, 120) n",
        user
    )
    .execute(&app.db)
    .await
    .expect("entries");
    let mut seen = Vec::new();
    let mut before = String::new();
    loop {
        let page = admin
            .call("admin/audit_log", &filter("", "", &before))
            .await;
        let body = page.ok().clone();
        seen.extend(
            body["rows"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r["subject_id"].as_i64()),
        );
        match body["next_before"].as_i64() {
            Some(next) => before = next.to_string(),
            None => break,
        }
    }
    assert_eq!(
        seen,
        (1..=120).rev().collect::<Vec<i64>>(),
        "every entry once, newest first"
    );

    for statement in [
        "UPDATE audit_log SET note = 'changed'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let err = sqlx::query(statement)
            .execute(&app.db)
            .await
            .expect_err(statement);
        assert!(
            err.to_string().contains("append-only"),
            "{statement}: {err}"
        );
    }
    assert_eq!(entries(&app).await, 120);
}
