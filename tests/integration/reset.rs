//! Setting a new password with a code sent on WhatsApp: forced by an admin (the
//! old password stops working, sessions end) or asked for by the person; codes
//! are single use, expire, allow five wrong tries, and at most three are sent
//! to one account an hour; asking never tells whether a number has an account.

use crate::common::{TestApp, pairs, phone, spawn_app};
use auromart::domain::OrgKind;

/// The last code sent to `phone` on WhatsApp (the outbox keeps what was sent).
async fn last_code(app: &TestApp, to: &str) -> Option<String> {
    sqlx::query_scalar!(
        r#"SELECT params->>'code' AS "code!" FROM outbox
            WHERE template = 'password_code' AND recipient = $1 ORDER BY id DESC LIMIT 1"#,
        to
    )
    .fetch_optional(&app.db)
    .await
    .expect("outbox")
}

async fn codes_sent(app: &TestApp, to: &str) -> i64 {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM outbox WHERE template = 'password_code' AND recipient = $1"#,
        to
    )
    .fetch_one(&app.db)
    .await
    .expect("count")
}

fn reset(phone: &str, code: &str, password: &str) -> Vec<(String, String)> {
    pairs(&[("phone", phone), ("code", code), ("password", password)])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_forces_a_reset_and_the_code_from_whatsapp_sets_a_new_password() {
    let app = spawn_app().await;
    let (admin, _) = app.admin().await;
    let (owner, org) = app.active(OrgKind::Distributor, 7).await;
    let number = phone(7);
    let international = format!("91{number}");
    let user: i64 = sqlx::query_scalar!("SELECT id FROM users WHERE org_id = $1", org)
        .fetch_one(&app.db)
        .await
        .expect("user");
    let forced = admin
        .call(
            "admin/force_password_reset",
            &pairs(&[
                ("user_id", &user.to_string()),
                ("note", "Owner asked on the phone"),
            ]),
        )
        .await;
    assert_eq!(forced.ok()["active"], true);
    assert!(
        owner.call("auth/me", &[]).await.ok().is_null(),
        "signed out at once"
    );
    let old = app
        .client()
        .call(
            "auth/login",
            &pairs(&[("identifier", &number), ("password", "Kirana@Pune7")]),
        )
        .await;
    assert!(
        old.field_reason("password")
            .is_some_and(|r| r.contains("AuroMart has reset this account's password")),
        "{:?}",
        old.body
    );
    let code = last_code(&app, &international)
        .await
        .expect("a code on WhatsApp");
    assert_eq!(code.len(), 6);

    let person = app.client();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = person
        .call(
            "auth/reset_password",
            &reset(&number, wrong, "Ganesh#Yard2027"),
        )
        .await;
    assert!(refused.field_reason("code").is_some(), "{:?}", refused.body);
    let weak = person
        .call("auth/reset_password", &reset(&number, &code, "password"))
        .await;
    assert!(weak.field_reason("password").is_some(), "{:?}", weak.body);
    let done = person
        .call(
            "auth/reset_password",
            &reset(&number, &code, "Ganesh#Yard2027"),
        )
        .await;
    assert_eq!(done.ok()["org_id"], org);
    assert_eq!(person.call("auth/me", &[]).await.ok()["org_id"], org);
    let again = app
        .client()
        .call(
            "auth/reset_password",
            &reset(&number, &code, "Another#Yard2028"),
        )
        .await;
    assert!(again.field_reason("code").is_some(), "a code works once");
    app.client()
        .call(
            "auth/login",
            &pairs(&[("identifier", &number), ("password", "Ganesh#Yard2027")]),
        )
        .await
        .ok();
    let audited = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM audit_log WHERE action = 'password_reset' AND subject_id = $1"#,
        user
    )
    .fetch_one(&app.db)
    .await
    .expect("audit");
    assert_eq!(audited, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgot_password_is_bounded_and_tells_nobody_who_has_an_account() {
    let app = spawn_app().await;
    app.signup(OrgKind::Retailer, 8).await;
    let number = phone(8);
    let international = format!("91{number}");
    let anyone = app.client();
    // A number without an account gets the same answer and no message.
    let nobody = anyone
        .call("auth/request_reset", &pairs(&[("phone", "9811111111")]))
        .await;
    assert!(nobody.status < 400);
    assert_eq!(codes_sent(&app, "919811111111").await, 0);
    for _ in 0..5 {
        let asked = anyone
            .call("auth/request_reset", &pairs(&[("phone", &number)]))
            .await;
        assert!(asked.status < 400);
    }
    assert_eq!(codes_sent(&app, &international).await, 3, "three an hour");
    let code = last_code(&app, &international).await.expect("code");
    // Five wrong tries use the code up.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        anyone
            .call(
                "auth/reset_password",
                &reset(&number, wrong, "Kirana#Stores2027"),
            )
            .await;
    }
    let spent = anyone
        .call(
            "auth/reset_password",
            &reset(&number, &code, "Kirana#Stores2027"),
        )
        .await;
    assert!(
        spent
            .field_reason("code")
            .is_some_and(|r| r.contains("Too many wrong tries")),
        "{:?}",
        spent.body
    );
    // An expired code no longer works.
    sqlx::query!(
        "UPDATE password_resets SET attempts = 0, expires_at = now() - interval '1 second'"
    )
    .execute(&app.db)
    .await
    .expect("expire");
    let expired = anyone
        .call(
            "auth/reset_password",
            &reset(&number, &code, "Kirana#Stores2027"),
        )
        .await;
    assert!(
        expired
            .field_reason("code")
            .is_some_and(|r| r.contains("expired"))
    );
    let bad = anyone
        .call(
            "auth/reset_password",
            &reset(&number, "12ab", "Kirana#Stores2027"),
        )
        .await;
    assert!(bad.field_reason("code").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_invites_another_who_chooses_a_password_with_the_code() {
    let app = spawn_app().await;
    let (admin, admin_org) = app.admin().await;
    let invited = admin
        .call(
            "admin/invite_admin",
            &pairs(&[("name", "Meera Joshi"), ("phone", "98220 55555")]),
        )
        .await;
    assert_eq!(invited.ok()["name"], "Meera Joshi");
    let again = admin
        .call(
            "admin/invite_admin",
            &pairs(&[("name", "Meera Again"), ("phone", "9822055555")]),
        )
        .await;
    assert!(again.field_reason("phone").is_some(), "{:?}", again.body);
    let bad = admin
        .call(
            "admin/invite_admin",
            &pairs(&[("name", "M"), ("phone", "123")]),
        )
        .await;
    assert!(bad.field_reason("name").is_some() && bad.field_reason("phone").is_some());
    let list = admin.call("admin/admins", &[]).await;
    assert_eq!(list.ok().as_array().map(Vec::len), Some(2));

    let code = last_code(&app, "919822055555").await.expect("a code");
    let meera = app.client();
    meera
        .call(
            "auth/reset_password",
            &reset("9822055555", &code, "Platform#Meera2027"),
        )
        .await
        .ok();
    let me = meera.call("auth/me", &[]).await;
    assert_eq!(me.ok()["org_kind"], "platform");
    assert_eq!(me.ok()["org_id"], admin_org);
    let audited = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM audit_log WHERE action = 'admin_invited' AND subject = 'Meera Joshi'"#
    )
    .fetch_one(&app.db)
    .await
    .expect("audit");
    assert_eq!(audited, 1);
}
