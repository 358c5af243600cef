//! India's pincode directory: loaded once at start, looked up by the sign-up
//! form, and the check that a pincode exists and lies in the address's state.

use crate::common::{pairs, signup_form, spawn_app, spawn_app_with, spawn_process, with};
use auromart::domain::OrgKind;
use auromart::server::config::Config;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_directory_is_loaded_once_and_looked_up_by_anyone() {
    let app = spawn_app().await;
    let loaded = sqlx::query!(
        r#"SELECT row_count, loaded_at, (SELECT count(*) FROM pincodes) AS "rows!",
                  (SELECT count(DISTINCT pincode) FROM pincodes) AS "pincodes!"
             FROM reference_data WHERE name = 'pincodes'"#
    )
    .fetch_one(&app.db)
    .await
    .expect("the directory's version row");
    assert_eq!(i64::from(loaded.row_count), loaded.rows);
    assert!(
        (19_000..21_000).contains(&loaded.pincodes),
        "India Post has about 19,500 pincodes, loaded {}",
        loaded.pincodes
    );
    // A second process on the same database finds the same version and keeps it.
    let _again = spawn_process(&app.db_url, Config::default()).await;
    let after = sqlx::query_scalar!("SELECT loaded_at FROM reference_data WHERE name = 'pincodes'")
        .fetch_one(&app.db)
        .await
        .expect("version row");
    assert_eq!(after, loaded.loaded_at, "not loaded again");

    let anyone = app.client();
    let places = anyone
        .call("places/pincode", &pairs(&[("pincode", "411 038")]))
        .await;
    let place = &places.ok()[0];
    assert_eq!(place["district"], "Pune");
    assert_eq!(place["state"], "Maharashtra");
    assert_eq!(place["state_code"], 27);
    assert!(
        place["offices"].as_array().is_some_and(|o| o
            .iter()
            .any(|n| n.as_str().is_some_and(|n| n.contains("Kothrud")))),
        "{place}"
    );
    // A pincode on a state border belongs to both.
    let border = anyone
        .call("places/pincode", &pairs(&[("pincode", "506003")]))
        .await;
    let states: Vec<i64> = border
        .ok()
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|p| p["state_code"].as_i64())
        .collect();
    assert_eq!(states, vec![36, 37], "Telangana and Andhra Pradesh");
    let none = anyone
        .call("places/pincode", &pairs(&[("pincode", "411010")]))
        .await;
    assert_eq!(
        none.ok().as_array().map(Vec::len),
        Some(0),
        "no such pincode"
    );
    let bad = anyone
        .call("places/pincode", &pairs(&[("pincode", "41103")]))
        .await;
    assert!(bad.field_reason("pincode").is_some(), "{:?}", bad.body);

    // A delivery area's list: how it spreads over districts, and what India
    // Post does not have.
    let list = anyone
        .call(
            "places/pincode_list",
            &pairs(&[("list", "411038, 411037\n411038 400001 411010")]),
        )
        .await;
    let districts = list.ok()["districts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(districts.len(), 2, "{:?}", list.body);
    assert_eq!(districts[0], serde_json::json!(["Pune", "Maharashtra", 2]));
    assert_eq!(districts[1][1], "Maharashtra");
    assert_eq!(list.ok()["unknown"], serde_json::json!(["411010"]));
    let bad_list = anyone
        .call("places/pincode_list", &pairs(&[("list", "411038, 4110")]))
        .await;
    assert!(
        bad_list.field_reason("pincodes").is_some(),
        "{:?}",
        bad_list.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_pincode_must_exist_and_lie_in_its_state() {
    let app = spawn_app().await;
    let cases = [
        (
            "27",
            "560001",
            "Pincode 560001 is in Bengaluru Urban, Karnataka, not in Maharashtra.",
        ),
        ("27", "411010", "India Post has no pincode 411010."),
        (
            "36",
            "110001",
            "Pincode 110001 is in New Delhi, Delhi, not in Telangana.",
        ),
    ];
    for (n, (state, pincode, reason)) in cases.into_iter().enumerate() {
        let form = with(
            with(
                signup_form(OrgKind::Retailer, n as u32),
                "state_code",
                state,
            ),
            "pincode",
            pincode,
        );
        let answer = app
            .client()
            .call("auth/signup", &with(form, "gstin", ""))
            .await;
        let got = answer.field_reason("pincode").unwrap_or_default();
        assert!(got.starts_with(reason), "{pincode} in {state}: {got}");
    }
    let orgs = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM organisations"#)
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(orgs, 0, "nothing written");
    // Both sides of a border pincode are accepted.
    for (n, state) in [(10, "36"), (11, "37")] {
        let form = with(
            with(signup_form(OrgKind::Retailer, n), "state_code", state),
            "pincode",
            "506003",
        );
        app.client()
            .call("auth/signup", &with(form, "gstin", ""))
            .await
            .ok();
    }

    // A distributor's delivery area: every pincode must exist.
    let (distributor, _) = app.active(OrgKind::Distributor, 20).await;
    let save = |pins: &'static str| {
        pairs(&[
            ("options[delivers]", "true"),
            ("options[pincodes]", pins),
            ("options[offers_pickup]", "false"),
            ("options[pickup_address]", ""),
            ("options[pickup_hours]", ""),
        ])
    };
    distributor
        .call("trade/save_delivery_options", &save("411037, 411038"))
        .await
        .ok();
    let refused = distributor
        .call(
            "trade/save_delivery_options",
            &save("411037, 411010, 560001, 400062"),
        )
        .await;
    assert_eq!(
        refused.field_reason("pincodes").as_deref(),
        Some(
            "India Post has no pincode 400062, 411010. Check the list: each is six digits, like 411038."
        )
    );
    let kept = distributor.call("trade/delivery_options", &[]).await;
    assert_eq!(kept.ok()["pincodes"], "411037, 411038", "unchanged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demo_address_is_a_real_place() {
    let app = spawn_app_with(Config {
        demo_data: true,
        ..Config::default()
    })
    .await;
    let wrong = sqlx::query_scalar!(
        r#"SELECT trade_name || ' ' || pincode AS "org!" FROM organisations o
            WHERE NOT EXISTS (SELECT 1 FROM pincodes p
                               WHERE p.pincode = o.pincode AND p.state_code = o.state_code)
           UNION ALL
           SELECT 'delivers to ' || dp.pincode FROM distributor_pincodes dp
            WHERE NOT EXISTS (SELECT 1 FROM pincodes p WHERE p.pincode = dp.pincode)"#
    )
    .fetch_all(&app.db)
    .await
    .expect("query");
    assert!(wrong.is_empty(), "not in India Post's directory: {wrong:?}");
}
