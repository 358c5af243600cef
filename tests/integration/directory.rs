//! The admin's directory of every organisation and user: found by any name,
//! phone, e-mail, GSTIN or pincode, filtered by kind, state, district and recent
//! log-ins, paged by id; one organisation's page; a user's log-in turned off.

use crate::common::{TestApp, pairs, spawn_app};
use auromart::domain::OrgKind;
use serde_json::Value;

fn filter(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut all = vec![
        ("kind", ""),
        ("approval", ""),
        ("q", ""),
        ("state", ""),
        ("district", ""),
        ("active_days", ""),
        ("after", ""),
    ];
    for (k, v) in fields {
        if let Some(slot) = all.iter_mut().find(|(n, _)| n == k) {
            slot.1 = v;
        }
    }
    all.into_iter()
        .map(|(k, v)| (format!("filter[{k}]"), v.to_string()))
        .collect()
}

async fn names(admin: &crate::common::Client, fields: &[(&str, &str)]) -> Vec<String> {
    let page = admin.call("admin/organisations", &filter(fields)).await;
    page.ok()["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["trade_name"].as_str().map(str::to_string))
        .collect()
}

async fn user_id(app: &TestApp, org: i64) -> i64 {
    sqlx::query_scalar!(
        "SELECT id FROM users WHERE org_id = $1 ORDER BY id LIMIT 1",
        org
    )
    .fetch_one(&app.db)
    .await
    .expect("user")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_finds_anyone_by_any_detail_and_filters() {
    let app = spawn_app().await;
    let (admin, _) = app.admin().await;
    let (_, pune) = app.signup(OrgKind::Retailer, 1).await;
    let (_, blr) = app.retailer_elsewhere(2).await;
    let (_, dist) = app.active(OrgKind::Distributor, 3).await;
    let staff = app.staff(dist, "919876543210").await;
    sqlx::query!(
        "UPDATE users SET email = 'accounts@ganesh-traders.in' WHERE phone = '919876543210'"
    )
    .execute(&app.db)
    .await
    .expect("staff e-mail");
    drop(staff);

    for (q, want) in [
        ("98000 00001", "Test Shop 1"),
        ("+91 98000 00002", "Test Shop 2"),
        ("accounts@ganesh", "Test Shop 3"),
        ("98765 43210", "Test Shop 3"),
        ("560001", "Test Shop 2"),
        ("Test Business 1", "Test Shop 1"),
    ] {
        assert_eq!(names(&admin, &[("q", q)]).await, [want], "{q}");
    }
    let gstin: String = sqlx::query_scalar!("SELECT gstin FROM organisations WHERE id = $1", dist)
        .fetch_one(&app.db)
        .await
        .expect("gstin")
        .expect("a distributor has one");
    assert_eq!(
        names(&admin, &[("q", &gstin[2..12])]).await,
        ["Test Shop 3"]
    );
    assert_eq!(names(&admin, &[("state", "29")]).await, ["Test Shop 2"]);
    assert_eq!(
        names(&admin, &[("district", "Bengaluru Urban")]).await,
        ["Test Shop 2"]
    );
    assert_eq!(
        names(&admin, &[("kind", "retailer"), ("state", "27")]).await,
        ["Test Shop 1"]
    );
    // Only the staff member has logged in (sign-up starts a session without one).
    assert_eq!(
        names(&admin, &[("active_days", "7")]).await,
        ["Test Shop 3"]
    );
    for (bad, field) in [
        (filter(&[("state", "99")]), "state"),
        (filter(&[("active_days", "0")]), "active_days"),
        (filter(&[("after", "x")]), "after"),
        (filter(&[("kind", "platform")]), "kind"),
    ] {
        let answer = admin.call("admin/organisations", &bad).await;
        assert!(
            answer.field_reason(field).is_some(),
            "{field}: {:?}",
            answer.body
        );
    }
    let _ = (pune, blr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_directory_pages_by_id_without_repeats() {
    let app = spawn_app().await;
    let (admin, _) = app.admin().await;
    sqlx::query!(
        "INSERT INTO organisations (kind, legal_name, trade_name, address_line, city, state_code, pincode, whatsapp, approval)
         SELECT 'retailer', 'Paging Shop ' || n, 'Paging Shop ' || n, 'Road', 'Pune', 27, '411038',
                '9197' || lpad(n::text, 8, '0'), 'active'
           FROM generate_series(1, 120) n"
    )
    .execute(&app.db)
    .await
    .expect("organisations");
    let mut seen: Vec<i64> = Vec::new();
    let mut after = String::new();
    loop {
        let page = admin
            .call(
                "admin/organisations",
                &filter(&[("q", "Paging Shop"), ("after", &after)]),
            )
            .await;
        let body: Value = page.ok().clone();
        let rows = body["rows"].as_array().cloned().unwrap_or_default();
        assert!(rows.len() <= 50);
        seen.extend(rows.iter().filter_map(|r| r["id"].as_i64()));
        match body["next_after"].as_i64() {
            Some(next) => after = next.to_string(),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(seen.len(), 120);
    assert_eq!(seen, sorted, "newest first, each once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisations_page_and_a_user_turned_off_at_once() {
    let app = spawn_app().await;
    let (admin, admin_org) = app.admin().await;
    let m = app.market(600, 20).await;
    m.order(1).await;
    let detail = admin
        .call(
            "admin/organisation",
            &pairs(&[("org_id", &m.retailer_org.to_string())]),
        )
        .await;
    let d = detail.ok();
    assert_eq!(d["orders"], 1);
    assert_eq!(d["org"]["district"], "Pune");
    assert_eq!(d["users"].as_array().map(Vec::len), Some(1));
    let links = admin
        .call(
            "admin/organisation",
            &pairs(&[("org_id", &m.distributor_org.to_string())]),
        )
        .await;
    assert_eq!(links.ok()["links"][0]["state"], "active");

    // The shop's owner is turned off: signed out at once, and the log says why.
    let shop_user = user_id(&app, m.retailer_org).await;
    assert!(m.retailer.call("auth/me", &[]).await.ok()["name"].is_string());
    let phone: String = sqlx::query_scalar!("SELECT phone FROM users WHERE id = $1", shop_user)
        .fetch_one(&app.db)
        .await
        .expect("phone")
        .expect("a phone");
    let no_reason = admin
        .call(
            "admin/set_user_active",
            &pairs(&[
                ("user_id", &shop_user.to_string()),
                ("active", "false"),
                ("note", ""),
            ]),
        )
        .await;
    assert!(no_reason.field_reason("note").is_some());
    let off = admin
        .call(
            "admin/set_user_active",
            &pairs(&[
                ("user_id", &shop_user.to_string()),
                ("active", "false"),
                ("note", "Shop closed"),
            ]),
        )
        .await;
    assert_eq!(off.ok()["active"], false);
    assert!(
        m.retailer.call("auth/me", &[]).await.ok().is_null(),
        "signed out"
    );
    let login = app
        .client()
        .call(
            "auth/login",
            &pairs(&[("identifier", &phone[2..]), ("password", "Kirana@Pune7")]),
        )
        .await;
    assert!(login.status >= 400, "cannot log in: {:?}", login.body);
    let logged = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM audit_log WHERE action = 'user_disabled' AND subject_id = $1 AND note = 'Shop closed'"#,
        shop_user
    )
    .fetch_one(&app.db)
    .await
    .expect("audit");
    assert_eq!(logged, 1);
    let on = admin
        .call(
            "admin/set_user_active",
            &pairs(&[
                ("user_id", &shop_user.to_string()),
                ("active", "true"),
                ("note", ""),
            ]),
        )
        .await;
    assert_eq!(on.ok()["active"], true);

    // An admin cannot turn off their own log-in.
    let me = user_id(&app, admin_org).await;
    let own = admin
        .call(
            "admin/set_user_active",
            &pairs(&[
                ("user_id", &me.to_string()),
                ("active", "false"),
                ("note", "x"),
            ]),
        )
        .await;
    assert_eq!(own.error_kind().as_deref(), Some("Conflict"));
}

#[tokio::test]
async fn removing_a_staff_member_signs_them_out_frees_the_number_and_keeps_the_history() {
    let app = spawn_app().await;
    let (admin, admin_org) = app.admin().await;
    let (owner, org) = app.active(OrgKind::Distributor, 231).await;
    let staff_phone = "919700000231";
    let staff = app.staff(org, staff_phone).await;
    assert!(
        !staff.call("auth/me", &[]).await.ok().is_null(),
        "signed in"
    );
    let staff_id: i64 = sqlx::query_scalar!("SELECT id FROM users WHERE phone = $1", staff_phone)
        .fetch_one(&app.db)
        .await
        .expect("staff id");
    let owner_id = user_id(&app, org).await;
    let remove = |user: i64, note: &'static str| {
        let admin = &admin;
        async move {
            admin
                .call(
                    "admin/remove_user",
                    &pairs(&[("user_id", &user.to_string()), ("note", note)]),
                )
                .await
        }
    };

    // A reason is required; an owner and the admin themself are never removed.
    assert!(remove(staff_id, " ").await.field_reason("note").is_some());
    let owner_refused = remove(owner_id, "Left the business").await;
    assert_eq!(owner_refused.error_kind().as_deref(), Some("Conflict"));
    assert!(
        !owner.call("auth/me", &[]).await.ok().is_null(),
        "the owner stays"
    );
    let me = user_id(&app, admin_org).await;
    assert_eq!(
        remove(me, "x").await.error_kind().as_deref(),
        Some("Conflict")
    );

    let removed = remove(staff_id, "Left the shop").await;
    assert_eq!(removed.ok()["active"], false);
    assert!(removed.ok()["removed"].is_string(), "{:?}", removed.body);
    assert!(removed.ok()["phone"].is_null());
    assert!(
        staff.call("auth/me", &[]).await.ok().is_null(),
        "signed out"
    );
    let again = app
        .client()
        .call(
            "auth/login",
            &pairs(&[
                ("identifier", &staff_phone[2..]),
                ("password", "Kirana@Pune7"),
            ]),
        )
        .await;
    assert!(again.status >= 400, "cannot log in: {:?}", again.body);
    // Removed is final: not enabled again, not removed twice.
    let enable = admin
        .call(
            "admin/set_user_active",
            &pairs(&[
                ("user_id", &staff_id.to_string()),
                ("active", "true"),
                ("note", ""),
            ]),
        )
        .await;
    assert_eq!(enable.error_kind().as_deref(), Some("Conflict"));
    assert_eq!(
        remove(staff_id, "again").await.error_kind().as_deref(),
        Some("Conflict")
    );
    // The organisation's page still lists them, as removed; the number is free
    // for another business's staff.
    let detail = admin
        .call(
            "admin/organisation",
            &pairs(&[("org_id", &org.to_string())]),
        )
        .await;
    let users = detail.ok()["users"].as_array().cloned().unwrap_or_default();
    let listed = users.iter().find(|u| u["id"] == staff_id).expect("listed");
    assert!(listed["removed"].is_string());
    let (_, other_org) = app.active(OrgKind::Distributor, 232).await;
    let rehired = app.staff(other_org, staff_phone).await;
    assert!(
        !rehired.call("auth/me", &[]).await.ok().is_null(),
        "the number works again"
    );
    // Audited once, with the former contact.
    let logged = sqlx::query!(
        r#"SELECT before->>'phone' AS phone, note FROM audit_log WHERE action = 'user_removed' AND subject_id = $1"#,
        staff_id
    )
    .fetch_all(&app.db)
    .await
    .expect("audit");
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].phone.as_deref(), Some(staff_phone));
    assert_eq!(logged[0].note.as_deref(), Some("Left the shop"));
}

#[tokio::test]
async fn an_admin_removes_another_admin_but_never_the_owner() {
    let app = spawn_app().await;
    let (admin, admin_org) = app.admin().await;
    let second = app.staff(admin_org, "919700000233").await;
    let second_id: i64 = sqlx::query_scalar!("SELECT id FROM users WHERE phone = '919700000233'")
        .fetch_one(&app.db)
        .await
        .expect("second admin");
    let first_id = user_id(&app, admin_org).await;
    // The first admin owns the platform organisation: never removed. (Two admins
    // removing each other at once cannot leave none: each removal locks every
    // admin's row and needs another active one.)
    let owner = second
        .call(
            "admin/remove_user",
            &pairs(&[("user_id", &first_id.to_string()), ("note", "x")]),
        )
        .await;
    assert_eq!(owner.error_kind().as_deref(), Some("Conflict"));
    let off = admin
        .call(
            "admin/set_user_active",
            &pairs(&[
                ("user_id", &second_id.to_string()),
                ("active", "false"),
                ("note", "On leave"),
            ]),
        )
        .await;
    assert_eq!(off.ok()["active"], false);
    let gone = admin
        .call(
            "admin/remove_user",
            &pairs(&[("user_id", &second_id.to_string()), ("note", "Left")]),
        )
        .await;
    assert!(gone.ok()["removed"].is_string(), "{:?}", gone.body);
    let list = admin.call("admin/admins", &[]).await;
    assert_eq!(
        list.ok().as_array().map(Vec::len),
        Some(1),
        "removed admins are not listed"
    );
}
