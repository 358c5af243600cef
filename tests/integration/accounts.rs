//! Sign-up, log-in, sessions, lock-out, approval and server-rendered pages.

use crate::common::{pairs, phone, signup_form, spawn_app, with};
use auromart::domain::OrgKind;

/// A retailer's sign-up form `n`, posted with one extra header.
async fn post_signup(
    app: &crate::common::TestApp,
    n: u32,
    (name, value): (&str, &str),
) -> reqwest::Response {
    app.client()
        .http
        .post(format!("{}/api/auth/signup", app.base))
        .header(name, value)
        .form(&signup_form(OrgKind::Retailer, n))
        .send()
        .await
        .expect("request")
}

async fn count(app: &crate::common::TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&app.db)
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retailer_signs_up_logs_out_and_logs_in_by_phone_or_email() {
    let app = spawn_app().await;
    let client = app.client();
    let answer = client
        .call("auth/signup", &signup_form(OrgKind::Retailer, 1))
        .await;
    let user = answer.ok();
    assert_eq!(user["org_kind"], "retailer");
    assert_eq!(user["approval"], "active", "retailers trade at once");

    let me = client.call("auth/me", &[]).await;
    assert_eq!(me.ok()["name"], "Owner 1");
    client.call("auth/logout", &[]).await.ok();
    assert!(
        client.call("auth/me", &[]).await.ok().is_null(),
        "logged out"
    );

    for identifier in [" 98000 00001 ", "+91 9800000001", "OWNER1@example.in"] {
        let c = app.client();
        let a = c
            .call(
                "auth/login",
                &pairs(&[("identifier", identifier), ("password", "Kirana@Pune7")]),
            )
            .await;
        assert_eq!(a.ok()["name"], "Owner 1", "{identifier}");
        assert_eq!(c.call("auth/me", &[]).await.ok()["org_kind"], "retailer");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_cookie_is_http_only_and_same_site_and_stored_hashed() {
    let app = spawn_app().await;
    let res = post_signup(&app, 2, ("Accept", "application/json")).await;
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("cookie set")
        .to_string();
    assert!(cookie.starts_with("am_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let token = cookie
        .trim_start_matches("am_session=")
        .split(';')
        .next()
        .expect("token");
    let stored: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "v!" FROM sessions WHERE token_hash = sha256(convert_to($1, 'UTF8'))"#, token)
    .fetch_one(&app.db)
    .await
    .expect("query");
    assert_eq!(stored, 1, "only the token's hash is stored");
    let plain: i64 = sqlx::query_scalar!(
        r#"SELECT count(*) AS "v!" FROM sessions WHERE encode(token_hash, 'hex') = $1"#,
        token
    )
    .fetch_one(&app.db)
    .await
    .expect("query");
    assert_eq!(plain, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signup_names_every_field_and_writes_nothing() {
    let app = spawn_app().await;
    let mut form = signup_form(OrgKind::Distributor, 3);
    form = with(form, "gstin", "27AAPFU0939F1ZX");
    form = with(form, "pincode", "01100");
    form = with(form, "phone", "12345");
    form = with(form, "password", "12345678");
    let answer = app.client().call("auth/signup", &form).await;
    assert_eq!(
        answer.error_kind().as_deref(),
        Some("Invalid"),
        "{answer:?}"
    );
    assert!(
        answer
            .field_reason("gstin")
            .expect("gstin reason")
            .contains("check character")
    );
    assert!(
        answer
            .field_reason("pincode")
            .expect("pincode reason")
            .contains("6 digits")
            || answer
                .field_reason("pincode")
                .is_some_and(|r| r.contains("starts with 0"))
    );
    assert!(
        answer
            .field_reason("phone")
            .expect("phone reason")
            .contains("10-digit")
    );
    assert!(
        answer
            .field_reason("password")
            .expect("password reason")
            .contains("Mix letters")
    );
    assert!(answer.field_reason("city").is_none());
    assert_eq!(answer.status, 422);
    assert_eq!(count(&app, "organisations").await, 0);
    assert_eq!(count(&app, "users").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_phone_email_or_gstin_is_refused_clearly() {
    let app = spawn_app().await;
    app.signup(OrgKind::Distributor, 10).await;
    let cases = [
        (
            "phone",
            with(
                with(signup_form(OrgKind::Retailer, 11), "phone", &phone(10)),
                "gstin",
                "",
            ),
            "mobile number already has an account",
        ),
        (
            "email",
            with(
                with(
                    signup_form(OrgKind::Retailer, 12),
                    "email",
                    "OWNER10@example.in",
                ),
                "gstin",
                "",
            ),
            "e-mail already has an account",
        ),
        (
            "gstin",
            with(
                signup_form(OrgKind::Manufacturer, 13),
                "gstin",
                &crate::common::gstin(10),
            ),
            "GSTIN is already registered",
        ),
    ];
    for (field, form, text) in cases {
        let answer = app.client().call("auth/signup", &form).await;
        let reason = answer
            .field_reason(field)
            .unwrap_or_else(|| panic!("{field}: {answer:?}"));
        assert!(reason.contains(text), "{field}: {reason}");
    }
    assert_eq!(
        count(&app, "organisations").await,
        1,
        "no half-written organisation"
    );
    assert_eq!(count(&app, "users").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_wrong_passwords_in_a_minute_lock_the_account_for_a_while() {
    let app = spawn_app().await;
    app.signup(OrgKind::Retailer, 20).await;
    let attacker = app.client();
    for i in 0..10 {
        let a = attacker
            .call(
                "auth/login",
                &pairs(&[
                    ("identifier", &phone(20)),
                    ("password", &format!("Wrong#{i}pass")),
                ]),
            )
            .await;
        assert!(
            a.field_reason("password")
                .is_some_and(|r| r.contains("Wrong")),
            "attempt {i}: {a:?}"
        );
    }
    // Even the right password is refused now, with a message that says why.
    let a = app
        .client()
        .call(
            "auth/login",
            &pairs(&[("identifier", &phone(20)), ("password", "Kirana@Pune7")]),
        )
        .await;
    assert_eq!(a.error_kind().as_deref(), Some("RateLimited"), "{a:?}");
    assert!(
        a.body["RateLimited"]
            .as_str()
            .is_some_and(|m| m.contains("paused for 15 more minutes")),
        "{a:?}"
    );
    assert_eq!(a.status, 429);
    // Another account is not affected.
    app.signup(OrgKind::Retailer, 21).await;
    let other = app
        .client()
        .call(
            "auth/login",
            &pairs(&[("identifier", &phone(21)), ("password", "Kirana@Pune7")]),
        )
        .await;
    other.ok();
    // Once the failures are older than the lock-out, log-in works again.
    sqlx::query!("UPDATE login_failures SET at = at - interval '16 minutes'")
        .execute(&app.db)
        .await
        .expect("age");
    let again = app
        .client()
        .call(
            "auth/login",
            &pairs(&[("identifier", &phone(20)), ("password", "Kirana@Pune7")]),
        )
        .await;
    again.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distributor_waits_for_approval_then_admin_approves() {
    let app = spawn_app().await;
    let (dist, dist_org) = app.signup(OrgKind::Distributor, 30).await;
    assert_eq!(dist.call("auth/me", &[]).await.ok()["approval"], "pending");
    let (admin, _) = app.admin().await;
    let pending = admin
        .call(
            "admin/organisations",
            &pairs(&[
                ("filter[kind]", ""),
                ("filter[approval]", "pending"),
                ("filter[q]", ""),
            ]),
        )
        .await;
    let rows = pending.ok()["rows"].as_array().expect("list").clone();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["id"], dist_org);

    let suspend_without_reason = admin
        .call(
            "admin/set_approval",
            &pairs(&[
                ("org_id", &dist_org.to_string()),
                ("to", "suspended"),
                ("note", ""),
            ]),
        )
        .await;
    assert!(suspend_without_reason.field_reason("note").is_some());

    let approved = admin
        .call(
            "admin/set_approval",
            &pairs(&[
                ("org_id", &dist_org.to_string()),
                ("to", "active"),
                ("note", ""),
            ]),
        )
        .await;
    assert_eq!(approved.ok()["approval"], "active");
    assert_eq!(dist.call("auth/me", &[]).await.ok()["approval"], "active");
    let twice = admin
        .call(
            "admin/set_approval",
            &pairs(&[
                ("org_id", &dist_org.to_string()),
                ("to", "active"),
                ("note", ""),
            ]),
        )
        .await;
    assert_eq!(twice.error_kind().as_deref(), Some("Conflict"));
    let events: i64 = sqlx::query_scalar!(
        r#"SELECT count(*) AS "v!" FROM approval_events WHERE org_id = $1 AND to_state = 'active'"#,
        dist_org
    )
    .fetch_one(&app.db)
    .await
    .expect("count");
    assert_eq!(events, 1);
    let summary = admin.call("admin/summary", &[]).await;
    assert_eq!(summary.ok()["distributors"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_on_the_server_and_refuse_other_roles() {
    let app = spawn_app().await;
    let anon = app.client();
    let (status, html) = anon.get("/login").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("name=\"identifier\"") && html.contains("name=\"password\""),
        "log-in form is in the HTML"
    );
    let (status, _) = anon.get("/retailer").await;
    assert_eq!(status, 302, "anonymous visitors are sent to log in");

    let (retailer, _) = app.signup(OrgKind::Retailer, 40).await;
    let (status, html) = retailer.get("/retailer").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("data-test=\"dashboard\"") && html.contains("Test Shop 40"),
        "dashboard rendered with data"
    );
    let (status, html) = retailer.get("/distributor").await;
    assert_eq!(status, 403);
    assert!(html.contains("This page is for distributor accounts"));
    let (status, _) = retailer.get("/no-such-page").await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_form_log_in_works_without_javascript() {
    let app = spawn_app().await;
    app.signup(OrgKind::Retailer, 50).await;
    let c = app.client();
    let post = |password: &'static str| {
        c.http
            .post(format!("{}/api/auth/login", app.base))
            .header("Accept", "text/html,application/xhtml+xml")
            .header("Referer", format!("{}/login", app.base))
            .form(&pairs(&[
                ("identifier", &phone(50)),
                ("password", password),
            ]))
            .send()
    };
    let wrong = post("Nope#1234").await.expect("request");
    assert_eq!(wrong.status().as_u16(), 302);
    let loc = wrong.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(loc.starts_with("/login?error=wrong"), "{loc}");
    let (_, html) = c.get(&loc).await;
    assert!(
        html.contains("Wrong mobile number / e-mail or password"),
        "error shown on the page"
    );

    let right = post("Kirana@Pune7").await.expect("request");
    assert_eq!(right.status().as_u16(), 302);
    assert_eq!(right.headers()["location"], "/retailer");
    let (status, html) = c.get("/retailer").await;
    assert_eq!(status, 200);
    assert!(html.contains("Test Shop 50"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_posts_are_refused() {
    let app = spawn_app().await;
    let res = post_signup(&app, 60, ("Origin", "https://evil.example")).await;
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(count(&app, "organisations").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn icons_and_service_worker_are_served() {
    let app = spawn_app().await;
    let c = app.client();
    for icon in [
        "/icons/192.png",
        "/icons/512.png",
        "/icons/maskable-512.png",
    ] {
        let res = c
            .http
            .get(format!("{}{icon}", app.base))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status().as_u16(), 200, "{icon}");
        assert_eq!(res.headers()["content-type"], "image/png");
        let bytes = res.bytes().await.expect("body");
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    }
    let (status, sw) = c.get("/sw.js").await;
    assert_eq!(status, 200);
    assert!(sw.contains("auromart-shell-") && !sw.contains("__VERSION__"));
    let (status, body) = c.get("/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
}
