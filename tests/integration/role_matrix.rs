//! Every server function, called as an anonymous visitor, as each wrong kind of
//! organisation, and as a member of another organisation of the right kind.
//! The list of cases is checked against the server's own registry of server
//! functions, so a new function without a case fails this test.

use crate::common::{Client, TestApp, pairs, signup_form, spawn_app};
use auromart::domain::OrgKind;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

const ALL_KINDS: [OrgKind; 4] = [
    OrgKind::Retailer,
    OrgKind::Distributor,
    OrgKind::Manufacturer,
    OrgKind::Platform,
];

/// Two organisations of each kind, each with a signed-in owner.
struct World {
    app: TestApp,
    users: HashMap<(OrgKind, usize), (Client, i64)>,
    /// A distributor no one else touches, for approval calls.
    spare_org: i64,
    next: std::sync::atomic::AtomicU32,
}

impl World {
    fn user(&self, kind: OrgKind, tenant: usize) -> &Client {
        &self.users[&(kind, tenant)].0
    }
    fn org(&self, kind: OrgKind, tenant: usize) -> i64 {
        self.users[&(kind, tenant)].1
    }
    fn fresh(&self) -> u32 {
        self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
}

enum Who {
    /// Open to anonymous visitors.
    Anyone,
    /// Only members of these kinds.
    Kinds(&'static [OrgKind]),
}

/// How a member of the right kind but another organisation is kept out.
enum Tenancy {
    /// The function takes no row id: it can only ever read the caller's own
    /// organisation. The check asserts the answer is about the caller's org.
    OwnOrgOnly(fn(&Value, i64) -> bool),
    /// Platform-wide functions have a single tenant (the platform).
    Platform,
    /// Open functions with no tenant data.
    None,
}

struct Case {
    endpoint: &'static str,
    who: Who,
    args: fn(&World) -> Vec<(String, String)>,
    tenancy: Tenancy,
}

fn no_args(_: &World) -> Vec<(String, String)> {
    Vec::new()
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            endpoint: "auth/me",
            who: Who::Anyone,
            args: no_args,
            tenancy: Tenancy::None,
        },
        Case {
            endpoint: "auth/login",
            who: Who::Anyone,
            args: |_| pairs(&[("identifier", "9800000001"), ("password", "Kirana@Pune7")]),
            tenancy: Tenancy::None,
        },
        Case {
            endpoint: "auth/signup",
            who: Who::Anyone,
            args: |w| signup_form(OrgKind::Retailer, 500 + w.fresh()),
            tenancy: Tenancy::None,
        },
        Case {
            endpoint: "auth/logout",
            who: Who::Anyone,
            args: no_args,
            tenancy: Tenancy::None,
        },
        Case {
            endpoint: "account/organisation",
            who: Who::Kinds(&ALL_KINDS),
            args: no_args,
            tenancy: Tenancy::OwnOrgOnly(|v, org| v["id"] == org),
        },
        Case {
            endpoint: "account/team",
            who: Who::Kinds(&ALL_KINDS),
            args: no_args,
            tenancy: Tenancy::OwnOrgOnly(|v, _| v.as_array().is_some_and(|a| a.len() == 1)),
        },
        Case {
            endpoint: "admin/organisations",
            who: Who::Kinds(&[OrgKind::Platform]),
            args: |_| {
                pairs(&[
                    ("filter[kind]", ""),
                    ("filter[approval]", ""),
                    ("filter[q]", ""),
                ])
            },
            tenancy: Tenancy::Platform,
        },
        Case {
            endpoint: "admin/set_approval",
            who: Who::Kinds(&[OrgKind::Platform]),
            args: |w| {
                pairs(&[
                    ("org_id", &w.spare_org.to_string()),
                    ("to", "suspended"),
                    ("note", "matrix test"),
                ])
            },
            tenancy: Tenancy::Platform,
        },
        Case {
            endpoint: "admin/summary",
            who: Who::Kinds(&[OrgKind::Platform]),
            args: no_args,
            tenancy: Tenancy::Platform,
        },
    ]
}

async fn world() -> World {
    let app = spawn_app().await;
    let mut users = HashMap::new();
    let mut n = 100;
    for kind in [
        OrgKind::Retailer,
        OrgKind::Distributor,
        OrgKind::Manufacturer,
    ] {
        for tenant in 0..2 {
            n += 1;
            users.insert((kind, tenant), app.active(kind, n).await);
        }
    }
    users.insert((OrgKind::Platform, 0), app.admin().await);
    let (_, spare_org) = app.signup(OrgKind::Distributor, 199).await;
    World {
        app,
        users,
        spare_org,
        next: 0.into(),
    }
}

#[tokio::test]
async fn every_server_function_has_a_case() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_string())
        .collect();
    let covered: BTreeSet<String> = cases()
        .iter()
        .map(|c| format!("/api/{}", c.endpoint))
        .collect();
    let missing: Vec<_> = registered.difference(&covered).collect();
    let stale: Vec<_> = covered.difference(&registered).collect();
    assert!(
        missing.is_empty(),
        "server functions without an authorisation case: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "cases for server functions that do not exist: {stale:?}"
    );
}

#[tokio::test]
async fn every_server_function_refuses_the_wrong_caller() {
    let w = world().await;
    let anonymous = w.app.client();
    let mut checked = 0;
    for case in cases() {
        match case.who {
            Who::Anyone => {
                let a = anonymous.call(case.endpoint, &(case.args)(&w)).await;
                assert!(
                    a.status < 400 || a.error_kind().as_deref() != Some("Unauthenticated"),
                    "{}: open to anyone",
                    case.endpoint
                );
            }
            Who::Kinds(kinds) => {
                let a = anonymous.call(case.endpoint, &(case.args)(&w)).await;
                assert_eq!(
                    a.error_kind().as_deref(),
                    Some("Unauthenticated"),
                    "{} as anonymous: {a:?}",
                    case.endpoint
                );
                assert_eq!(a.status, 401);
                for kind in ALL_KINDS {
                    let a = w.user(kind, 0).call(case.endpoint, &(case.args)(&w)).await;
                    if kinds.contains(&kind) {
                        assert!(
                            a.status < 400,
                            "{} as {kind:?} must work (positive control): {a:?}",
                            case.endpoint
                        );
                    } else {
                        assert_eq!(
                            a.error_kind().as_deref(),
                            Some("Forbidden"),
                            "{} as {kind:?}: {a:?}",
                            case.endpoint
                        );
                        assert_eq!(a.status, 403);
                    }
                    checked += 1;
                }
                match case.tenancy {
                    Tenancy::OwnOrgOnly(is_own) => {
                        for &kind in kinds.iter().filter(|k| **k != OrgKind::Platform) {
                            for tenant in 0..2 {
                                let a = w
                                    .user(kind, tenant)
                                    .call(case.endpoint, &(case.args)(&w))
                                    .await;
                                let own = w.org(kind, tenant);
                                assert!(
                                    is_own(a.ok(), own),
                                    "{} as {kind:?} #{tenant} saw another tenant: {}",
                                    case.endpoint,
                                    a.body
                                );
                            }
                        }
                    }
                    Tenancy::Platform => assert_eq!(kinds, &[OrgKind::Platform]),
                    Tenancy::None => panic!(
                        "{}: a members-only function must say how tenants are kept apart",
                        case.endpoint
                    ),
                }
            }
        }
    }
    assert!(checked >= 20, "the matrix ran ({checked} calls)");
}
