//! The outside review's findings, each as a class: log-in bursts, event streams
//! after the session ends, headers on every response, redirects and reflected
//! text, control characters at the boundary, weak passwords, idempotency keys
//! reused for another cart, owner-only forms.

use crate::common::trade::order_form;
use crate::common::{
    Client, pairs, phone, signup_form, spawn_app, spawn_app_with, spawn_process, with,
};
use auromart::domain::OrgKind;
use auromart::server::config::Config;
use futures::StreamExt;
use std::time::Duration;

/// Forty log-ins at once for one account: however they interleave, at most ten
/// passwords are checked; the rest, and then even the right one, are paused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_log_ins_checks_at_most_the_allowed_passwords() {
    let app = spawn_app().await;
    app.signup(OrgKind::Retailer, 60).await;
    let attempts = (0..40).map(|i| {
        let c = app.client();
        async move {
            c.call(
                "auth/login",
                &pairs(&[
                    ("identifier", &phone(60)),
                    ("password", &format!("Wrong#{i}pass")),
                ]),
            )
            .await
        }
    });
    let answers = futures::future::join_all(attempts).await;
    let checked = answers
        .iter()
        .filter(|a| a.field_reason("password").is_some())
        .count();
    let paused = answers
        .iter()
        .filter(|a| a.error_kind().as_deref() == Some("RateLimited"))
        .count();
    assert_eq!((checked, paused), (10, 30), "{answers:?}");
    let right = app
        .client()
        .call(
            "auth/login",
            &pairs(&[("identifier", &phone(60)), ("password", "Kirana@Pune7")]),
        )
        .await;
    assert_eq!(
        right.error_kind().as_deref(),
        Some("RateLimited"),
        "{right:?}"
    );
}

/// A right password resets the count, so an owner who mistyped a few times is
/// not locked out later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_right_password_resets_the_count() {
    let app = spawn_app().await;
    app.signup(OrgKind::Retailer, 61).await;
    let login = |password: &'static str| {
        let c = app.client();
        async move {
            c.call(
                "auth/login",
                &pairs(&[("identifier", &phone(61)), ("password", password)]),
            )
            .await
        }
    };
    // Twice nine wrong passwords, a right one after each nine: never paused.
    for _round in 0..2 {
        for _ in 0..9 {
            assert!(
                login("Wrong#pass1")
                    .await
                    .field_reason("password")
                    .is_some()
            );
        }
        login("Kirana@Pune7").await.ok();
    }
}

/// Opens `/events` and returns a future that resolves when the server ends it.
async fn open_stream(c: &Client) -> impl std::future::Future<Output = ()> + use<> {
    let res = c
        .http
        .get(format!("{}/events", c.base))
        .send()
        .await
        .expect("stream opens");
    assert_eq!(res.status().as_u16(), 200);
    let mut body = res.bytes_stream();
    async move { while let Some(Ok(_)) = body.next().await {} }
}

/// The event stream ends when its session does: at log-out (in any process) and
/// when the organisation is suspended.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_streams_end_with_their_session_in_every_process() {
    let app = spawn_app().await;
    let other = spawn_process(&app.db_url, Config::default()).await;
    let (shop, _) = app.signup(OrgKind::Retailer, 62).await;
    // Cookies are per host in reqwest: log in again through the other process.
    let there = other.client();
    there
        .call(
            "auth/login",
            &pairs(&[("identifier", &phone(62)), ("password", "Kirana@Pune7")]),
        )
        .await
        .ok();
    let ended_there = open_stream(&there).await;
    let ended_here = open_stream(&shop).await;
    // Log out from the second process: its own stream and the first process's stay
    // open only for the other session.
    there.call("auth/logout", &[]).await;
    tokio::time::timeout(Duration::from_secs(10), ended_there)
        .await
        .expect("the stream of the logged-out session ended");
    // The first session is still signed in: its stream stays.
    let still = tokio::time::timeout(Duration::from_millis(800), ended_here).await;
    assert!(still.is_err(), "another session's stream must stay open");
    let ended_here = open_stream(&shop).await;
    shop.call("auth/logout", &[]).await;
    tokio::time::timeout(Duration::from_secs(10), ended_here)
        .await
        .expect("stream ended at log-out in its own process");

    // Suspension, decided in the other process, ends a distributor's stream here.
    let (dist, dist_org) = app.active(OrgKind::Distributor, 63).await;
    let ended = open_stream(&dist).await;
    let (admin, _) = other.admin().await;
    admin
        .call(
            "admin/set_approval",
            &pairs(&[
                ("org_id", &dist_org.to_string()),
                ("to", "suspended"),
                ("note", "test"),
            ]),
        )
        .await
        .ok();
    tokio::time::timeout(Duration::from_secs(10), ended)
        .await
        .expect("stream of a suspended business ended");
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Every response carries the security headers; a page's policy allows exactly
/// the inline scripts the page carries (by their nonce), and nothing frames it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app_with(Config {
        secure_cookies: true,
        ..Config::default()
    })
    .await;
    let c = app.client();
    for path in [
        "/login",
        "/",
        "/no-such-page",
        "/healthz",
        "/sw.js",
        "/icons/192.png",
        "/api/auth/me",
    ] {
        let res = c
            .http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .expect("get");
        assert_eq!(header(&res, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header(&res, "x-frame-options"), "DENY", "{path}");
        assert_eq!(
            header(&res, "referrer-policy"),
            "strict-origin-when-cross-origin",
            "{path}"
        );
        assert!(
            header(&res, "strict-transport-security").starts_with("max-age="),
            "{path}"
        );
        let csp = header(&res, "content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        let html = header(&res, "content-type").starts_with("text/html");
        let body = res
            .text()
            .await
            .unwrap_or_else(|e| panic!("{path}: reading the body failed: {e:?}"));
        if html && path != "/no-such-page" {
            let nonce = csp
                .split("'nonce-")
                .nth(1)
                .and_then(|r| r.split('\'').next())
                .unwrap_or_else(|| panic!("{path}: the page policy has a nonce: {csp}"));
            assert!(
                csp.contains("'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"),
                "{csp}"
            );
            // Every inline script carries it; a script from elsewhere would not run.
            let inline: Vec<&str> = body
                .split("<script")
                .skip(1)
                .filter(|t| !t.starts_with(" src") && !t.contains(" src="))
                .collect();
            assert!(!inline.is_empty(), "{path}: the page has inline scripts");
            for tag in inline {
                let head = tag.split('>').next().unwrap_or_default();
                assert!(
                    head.contains(&format!("nonce=\"{nonce}\"")),
                    "{path}: inline script without the nonce: <script{head}>"
                );
            }
        }
    }
    // A second page gets a fresh nonce.
    let mut policies = Vec::new();
    for _ in 0..2 {
        let res = c.http.get(format!("{}/login", app.base)).send().await;
        policies.push(header(&res.expect("get"), "content-security-policy"));
    }
    let (a, b) = (&policies[0], &policies[1]);
    assert_ne!(a, b, "the nonce changes per response");
    // Without TLS, no HSTS.
    let plain = spawn_app().await;
    let res = plain
        .client()
        .http
        .get(format!("{}/login", plain.base))
        .send()
        .await
        .expect("get");
    assert!(header(&res, "strict-transport-security").is_empty());
}

/// A plain form post is sent back to its Referer by Leptos; only ever on this
/// site. And the log-in page shows its own words for an error code, never text
/// from the link.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_stay_on_the_site_and_pages_never_echo_link_text() {
    let app = spawn_app().await;
    let (shop, _) = app.signup(OrgKind::Retailer, 64).await;
    for referer in [
        "https://evil.example/phish",
        "//evil.example/x",
        &format!("{}/retailer", app.base),
    ] {
        let res = shop
            .http
            .post(format!("{}/api/whatsapp/set_opt_in", app.base))
            .header("Accept", "text/html")
            .header("Referer", referer)
            .form(&pairs(&[("opt_in", "true")]))
            .send()
            .await
            .expect("post");
        assert_eq!(res.status().as_u16(), 302, "{referer}");
        let location = header(&res, "location");
        assert!(
            location.starts_with('/') && !location.starts_with("//"),
            "{referer} → {location}"
        );
        assert!(!location.contains("evil"), "{referer} → {location}");
    }
    let bait = "Your%20account%20is%20blocked.%20Call%20%2B91%2099999%2000000";
    let (_, html) = app
        .client()
        .get(&format!("/login?error={bait}&id=%3Cb%3ECall%3C%2Fb%3E"))
        .await;
    assert!(
        !html.contains("Your account is blocked") && !html.contains("99999 00000"),
        "link text shown"
    );
    assert!(
        !html.contains("&lt;b&gt;Call"),
        "identifier echo limited to phone/e-mail characters"
    );
    let (_, html) = app.client().get("/login?error=locked").await;
    assert!(
        html.contains("log-in to this account is paused"),
        "codes show the page's own words"
    );
}

type Form = Vec<(String, String)>;

/// A control character anywhere in any server function's arguments is refused
/// with the field's name (never a 500), and nothing is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_are_refused_at_the_boundary() {
    let app = spawn_app().await;
    let m = app.market(650, 10).await;
    let visitor = app.client();
    let cases: Vec<(&Client, &str, Form, &str)> = vec![
        (
            &m.retailer,
            "orders/browse",
            crate::common::trade::browse_form("bis\0cuit"),
            "q",
        ),
        (
            &visitor,
            "auth/signup",
            with(
                signup_form(OrgKind::Retailer, 651),
                "legal_name",
                "Sai\0Stores",
            ),
            "legal_name",
        ),
        (
            &m.manufacturer,
            "catalog/propose_category",
            pairs(&[("name", "Snacks\u{7}")]),
            "name",
        ),
        (
            &m.manufacturer,
            "catalog/import_csv",
            pairs(&[(
                "csv",
                "code,name,brand,category,hsn,mrp,unit,pack_size\nX-1,Nul\0name,B,Biscuits,1905,10,pack,1\n",
            )]),
            "csv",
        ),
        (
            &m.distributor,
            "trade/adjust_stock",
            pairs(&[
                ("listing_id", &m.listing_id.to_string()),
                ("kind", "received"),
                ("qty", "5"),
                ("note", "box\0"),
            ]),
            "note",
        ),
    ];
    for (who, endpoint, form, field) in cases {
        let a = who.call(endpoint, &form).await;
        assert_eq!(a.status, 422, "{endpoint}: {a:?}");
        assert!(
            a.field_reason(field)
                .is_some_and(|r| r.contains("control character")),
            "{endpoint}: {a:?}"
        );
    }
    let (on_hand, _) = m.stock(&app.db).await;
    assert_eq!(on_hand, 10, "the refused stock change wrote nothing");
    // A name of only zero-width spaces is empty once trimmed: refused as empty.
    let a = m
        .manufacturer
        .call(
            "catalog/propose_category",
            &pairs(&[("name", "\u{200B}\u{200B}\u{200B}")]),
        )
        .await;
    assert!(a.field_reason("name").is_some(), "{a:?}");
    // Trimmed at the edges, kept inside.
    let a = m
        .manufacturer
        .call(
            "catalog/propose_category",
            &pairs(&[("name", "\u{FEFF} Kitchen Towels \u{200B}")]),
        )
        .await;
    assert_eq!(a.ok()["name"], "Kitchen Towels");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessable_passwords_are_refused_at_sign_up() {
    let app = spawn_app().await;
    for (n, weak) in [
        (670, "sunshine"),
        (671, "football"),
        (672, "abcdefgh"),
        (673, "iloveyou1"),
    ] {
        let a = app
            .client()
            .call(
                "auth/signup",
                &with(signup_form(OrgKind::Retailer, n), "password", weak),
            )
            .await;
        assert!(
            a.field_reason("password").is_some_and(|r| !r.is_empty()),
            "{weak}: {a:?}"
        );
    }
}

/// An idempotency key is bound to the cart it first carried: the same request
/// again returns the order, another cart with it is a conflict.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reused_order_key_with_another_cart_is_a_conflict() {
    let app = spawn_app().await;
    let m = app.market(680, 20).await;
    let key = Some("reused-key-680");
    let first = m
        .retailer
        .call(
            "orders/place",
            &order_form(m.distributor_org, &[(m.listing_id, 2)], key),
        )
        .await;
    let id = first.ok()["id"].as_i64().expect("id");
    let again = m
        .retailer
        .call(
            "orders/place",
            &order_form(m.distributor_org, &[(m.listing_id, 2)], key),
        )
        .await;
    assert_eq!(
        again.ok()["id"].as_i64(),
        Some(id),
        "a retry returns the order"
    );
    let other = m
        .retailer
        .call(
            "orders/place",
            &order_form(m.distributor_org, &[(m.listing_id, 5)], key),
        )
        .await;
    assert_eq!(other.error_kind().as_deref(), Some("Conflict"), "{other:?}");
    assert_eq!(other.status, 409);
    let (_, reserved) = m.stock(&app.db).await;
    assert_eq!(reserved, 2, "only the first cart reserved stock");
}

/// Staff see owner-only settings read-only, saying who can change them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_see_owner_only_forms_read_only() {
    let app = spawn_app().await;
    let (owner, org) = app.active(OrgKind::Distributor, 690).await;
    let (_, owner_html) = owner.get("/distributor/billing").await;
    assert!(!owner_html.contains("data-test=\"owner-only\""));
    let staff = app.staff(org, "919800000691").await;
    for page in ["/distributor/billing", "/distributor/delivery"] {
        let (status, html) = staff.get(page).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("data-test=\"owner-only\"") && html.contains("Only the owner"),
            "{page}"
        );
        let fieldset = html
            .split("<fieldset")
            .nth(1)
            .and_then(|t| t.split('>').next())
            .unwrap_or_default();
        assert!(
            fieldset.contains("disabled"),
            "{page}: the fields are read-only: <fieldset{fieldset}>"
        );
    }
}
