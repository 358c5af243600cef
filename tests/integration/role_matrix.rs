//! Every server function and every plain route (downloads, media, the event
//! stream, the webhook, assets), called as an anonymous visitor, as each wrong
//! kind of organisation, as a member of another organisation of the right kind,
//! and as a member of one still waiting for approval. The lists of cases are
//! checked against the server's own registry of server functions and the
//! router's list of plain routes, so a new one without a case fails this test.

use crate::common::trade::{Market, browse_form, order_form, sku_form};
use crate::common::{Client, TestApp, pairs, spawn_app_with};
use auromart::domain::OrgKind;
use serde_json::Value;
use std::collections::BTreeSet;

const ALL_KINDS: [OrgKind; 4] = [
    OrgKind::Retailer,
    OrgKind::Distributor,
    OrgKind::Manufacturer,
    OrgKind::Platform,
];
const TRADERS: &[OrgKind] = &[OrgKind::Manufacturer, OrgKind::Distributor];
/// The tenant index of the organisations waiting for approval.
const PENDING: usize = 2;
const PARTIES: &[OrgKind] = &[OrgKind::Retailer, OrgKind::Distributor];

/// Two tenants of each trading kind (tenant 0 with a market of catalog, stock
/// and orders; tenant 1 with nothing), and the admin.
struct World {
    app: TestApp,
    t0: Market,
    t1: Market,
    /// Tenant 2: one organisation of each trading kind, waiting for approval.
    pending: Vec<(OrgKind, Client, i64)>,
    admin: Client,
    spare_org: i64,
    /// Its owner, whom the admin may turn off.
    spare_user: i64,
    /// Another business's owner, whose password the admin may reset.
    reset_user: i64,
    /// A staff member the admin may remove.
    staff_user: i64,
    /// Manufacturer 0's proposal of an HSN code the schedule lacks.
    hsn_proposal: i64,
    /// A payment distributor 0 recorded from retailer 0.
    payment: i64,
    proposed_category: i64,
    order_for_retailer: i64,
    order_for_distributor: i64,
    invoiced_order: i64,
    /// An order of tenant 0 held for credit.
    held_order: i64,
    failed_message: i64,
    sandbox_message: i64,
    sku_import: i64,
    next: std::sync::atomic::AtomicU32,
}

impl World {
    fn user(&self, kind: OrgKind, tenant: usize) -> &Client {
        if tenant == PENDING
            && let Some((_, c, _)) = self.pending.iter().find(|(k, _, _)| *k == kind)
        {
            return c;
        }
        let m = if tenant == 0 { &self.t0 } else { &self.t1 };
        match kind {
            OrgKind::Retailer => &m.retailer,
            OrgKind::Distributor => &m.distributor,
            OrgKind::Manufacturer => &m.manufacturer,
            OrgKind::Platform => &self.admin,
        }
    }
    fn org(&self, kind: OrgKind, tenant: usize) -> i64 {
        if tenant == PENDING
            && let Some((_, _, org)) = self.pending.iter().find(|(k, _, _)| *k == kind)
        {
            return *org;
        }
        let m = if tenant == 0 { &self.t0 } else { &self.t1 };
        match kind {
            OrgKind::Retailer => m.retailer_org,
            OrgKind::Distributor => m.distributor_org,
            OrgKind::Manufacturer => m.manufacturer_org,
            OrgKind::Platform => 0,
        }
    }
    fn fresh(&self) -> u32 {
        self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
}

enum Who {
    Anyone,
    Kinds(&'static [OrgKind]),
}

/// How a member of the right kind but another organisation is kept out.
enum Tenancy {
    /// No row ids in the arguments: the answer is about the caller's own
    /// organisation only. The check gets (world, kind, tenant, answer).
    OwnOrgOnly(fn(&World, OrgKind, usize, &Value) -> bool),
    /// The arguments name tenant 0's rows: tenant 1 must be refused.
    Rows,
    /// Writes only into the caller's own organisation.
    Creates,
    /// Lists approved organisations of the other kind: a public directory by design.
    Directory,
    /// Platform-wide: the platform is the only tenant.
    Platform,
    /// Open to anonymous visitors; no tenant data.
    None,
}

type Args = fn(&World, OrgKind) -> Vec<(String, String)>;

struct Case {
    endpoint: &'static str,
    who: Who,
    args: Args,
    tenancy: Tenancy,
}

fn no_args(_: &World, _: OrgKind) -> Vec<(String, String)> {
    Vec::new()
}

/// A report's period argument: this month.
fn this_month(_: &World, _: OrgKind) -> Vec<(String, String)> {
    pairs(&[
        ("query[period]", "this_month"),
        ("query[from]", ""),
        ("query[to]", ""),
        ("query[group]", ""),
    ])
}

/// The org id of tenant `tenant` of the other trading kind, as text.
fn partner(w: &World, k: OrgKind, tenant: usize) -> String {
    let other = if k == OrgKind::Manufacturer {
        OrgKind::Distributor
    } else {
        OrgKind::Manufacturer
    };
    w.org(other, tenant).to_string()
}

fn ids(v: &Value, key: &str) -> Vec<i64> {
    v.as_array()
        .map(|a| a.iter().filter_map(|x| x[key].as_i64()).collect())
        .unwrap_or_default()
}

fn cases() -> Vec<Case> {
    use Tenancy::*;
    use Who::*;
    vec![
        Case {
            endpoint: "auth/me",
            who: Anyone,
            args: no_args,
            tenancy: None,
        },
        Case {
            endpoint: "auth/login",
            who: Anyone,
            args: |_, _| pairs(&[("identifier", "9800000001"), ("password", "Kirana@Pune7")]),
            tenancy: None,
        },
        Case {
            endpoint: "auth/signup",
            who: Anyone,
            args: |w, _| crate::common::signup_form(OrgKind::Retailer, 500 + w.fresh()),
            tenancy: None,
        },
        Case {
            endpoint: "places/pincode",
            who: Anyone,
            args: |_, _| pairs(&[("pincode", "411038")]),
            tenancy: None,
        },
        Case {
            endpoint: "places/pincode_list",
            who: Anyone,
            args: |_, _| pairs(&[("list", "411038, 411037")]),
            tenancy: None,
        },
        Case {
            endpoint: "auth/request_reset",
            who: Anyone,
            args: |_, _| pairs(&[("phone", "9800000198")]),
            tenancy: None,
        },
        Case {
            endpoint: "auth/reset_password",
            who: Anyone,
            args: |_, _| {
                pairs(&[
                    ("phone", "9800000198"),
                    ("code", "000000"),
                    ("password", "Kirana@Pune7-new"),
                ])
            },
            tenancy: None,
        },
        Case {
            endpoint: "auth/logout",
            who: Anyone,
            args: no_args,
            tenancy: None,
        },
        Case {
            endpoint: "account/organisation",
            who: Kinds(&ALL_KINDS),
            args: no_args,
            tenancy: OwnOrgOnly(|w, k, t, v| v["id"] == w.org(k, t)),
        },
        Case {
            endpoint: "account/team",
            who: Kinds(&ALL_KINDS),
            args: no_args,
            tenancy: OwnOrgOnly(|_, _, _, v| v.as_array().is_some_and(|a| a.len() == 1)),
        },
        Case {
            endpoint: "admin/organisations",
            who: Kinds(&[OrgKind::Platform]),
            args: |_, _| {
                pairs(&[
                    ("filter[kind]", ""),
                    ("filter[approval]", ""),
                    ("filter[q]", ""),
                ])
            },
            tenancy: Platform,
        },
        Case {
            endpoint: "admin/audit_log",
            who: Kinds(&[OrgKind::Platform]),
            args: |_, _| {
                pairs(&[
                    ("filter[action]", ""),
                    ("filter[q]", ""),
                    ("filter[from]", ""),
                    ("filter[to]", ""),
                    ("filter[before]", ""),
                ])
            },
            tenancy: Platform,
        },
        Case {
            endpoint: "admin/organisation",
            who: Kinds(&[OrgKind::Platform]),
            args: |w, _| pairs(&[("org_id", &w.spare_org.to_string())]),
            tenancy: Platform,
        },
        Case {
            endpoint: "admin/set_user_active",
            who: Kinds(&[OrgKind::Platform]),
            args: |w, _| {
                pairs(&[
                    ("user_id", &w.spare_user.to_string()),
                    ("active", "false"),
                    ("note", "matrix test"),
                ])
            },
            tenancy: Platform,
        },
        Case {
            endpoint: "admin/force_password_reset",
            who: Kinds(&[OrgKind::Platform]),
            args: |w, _| {
                pairs(&[
                    ("user_id", &w.reset_user.to_string()),
                    ("note", "matrix test"),
                ])
            },
            tenancy: Platform,
        },
        Case {
            endpoint: "admin/remove_user",
            who: Kinds(&[OrgKind::Platform]),
            args: |w, _| {
                pairs(&[
                    ("user_id", &w.staff_user.to_string()),
                    ("note", "matrix test"),
                ])
            },
            tenancy: Platform,
        },
        Case {
            endpoint: "admin/admins",
            who: Kinds(&[OrgKind::Platform]),
            args: no_args,
            tenancy: Platform,
        },
        Case {
            endpoint: "admin/invite_admin",
            who: Kinds(&[OrgKind::Platform]),
            args: |w, _| {
                let phone = format!("97{:08}", 4000 + w.fresh());
                pairs(&[("name", "Invited admin"), ("phone", &phone)])
            },
            tenancy: Platform,
        },
        Case {
            endpoint: "admin/set_approval",
            who: Kinds(&[OrgKind::Platform]),
            args: |w, _| {
                pairs(&[
                    ("org_id", &w.spare_org.to_string()),
                    ("to", "suspended"),
                    ("note", "matrix test"),
                ])
            },
            tenancy: Platform,
        },
        Case {
            endpoint: "admin/summary",
            who: Kinds(&[OrgKind::Platform]),
            args: no_args,
            tenancy: Platform,
        },
        Case {
            endpoint: "catalog/categories",
            who: Kinds(&ALL_KINDS),
            args: no_args,
            // Manufacturer 0's proposal is seen by itself only (and the admin).
            tenancy: OwnOrgOnly(|w, k, t, v| {
                ids(v, "id").contains(&w.proposed_category)
                    == (k == OrgKind::Manufacturer && t == 0)
            }),
        },
        Case {
            endpoint: "catalog/propose_category",
            who: Kinds(&[OrgKind::Manufacturer]),
            args: |w, _| pairs(&[("name", &format!("Matrix category {}", w.fresh()))]),
            tenancy: Creates,
        },
        Case {
            endpoint: "catalog/decide_category",
            who: Kinds(&[OrgKind::Platform]),
            args: |w, _| {
                pairs(&[
                    ("id", &w.proposed_category.to_string()),
                    ("approve", "true"),
                ])
            },
            tenancy: Platform,
        },
        Case {
            endpoint: "catalog/gst_options",
            who: Kinds(&ALL_KINDS),
            args: |_, _| pairs(&[("hsn", "3401")]),
            tenancy: OwnOrgOnly(|_, _, _, v| {
                v["default"].as_array().is_some_and(|d| !d.is_empty())
            }),
        },
        Case {
            endpoint: "catalog/propose_hsn",
            who: Kinds(&[OrgKind::Manufacturer]),
            args: |w, _| {
                let hsn = format!("7798{:04}", w.fresh());
                pairs(&[
                    ("proposal[hsn]", &hsn),
                    ("proposal[description]", "Matrix goods"),
                    ("proposal[rate]", ""),
                    ("proposal[source]", ""),
                ])
            },
            tenancy: Creates,
        },
        Case {
            endpoint: "catalog/my_hsn_proposals",
            who: Kinds(&[OrgKind::Manufacturer]),
            args: no_args,
            // Manufacturer 0's proposal is seen by itself only (and the admin).
            tenancy: OwnOrgOnly(|w, k, t, v| {
                ids(v, "id").contains(&w.hsn_proposal) == (k == OrgKind::Manufacturer && t == 0)
            }),
        },
        Case {
            endpoint: "catalog/hsn_proposals",
            who: Kinds(&[OrgKind::Platform]),
            args: no_args,
            tenancy: Platform,
        },
        Case {
            endpoint: "catalog/decline_hsn_proposal",
            who: Kinds(&[OrgKind::Platform]),
            args: |w, _| pairs(&[("id", &w.hsn_proposal.to_string()), ("note", "matrix test")]),
            tenancy: Platform,
        },
        Case {
            endpoint: "catalog/gst_rates",
            who: Kinds(&[OrgKind::Platform]),
            args: |_, _| pairs(&[("hsn", "1905")]),
            tenancy: Platform,
        },
        Case {
            endpoint: "catalog/add_gst_rate",
            who: Kinds(&[OrgKind::Platform]),
            args: |w, _| {
                let source = format!("Matrix {}/2026-CT(Rate) S. No. 1", w.fresh());
                pairs(&[
                    ("change[hsn]", "9999"),
                    ("change[condition]", ""),
                    ("change[valid_from]", "2099-01-01"),
                    ("change[rate]", "18"),
                    ("change[min_value]", ""),
                    ("change[max_value]", ""),
                    ("change[description]", "Matrix test goods"),
                    ("change[source]", &source),
                ])
            },
            tenancy: Platform,
        },
        Case {
            endpoint: "catalog/import_gst_rates",
            who: Kinds(&[OrgKind::Platform]),
            args: |w, _| {
                let csv = format!(
                    "hsn,condition,valid_from,rate,min_value,max_value,description,source\n9998,,2099-01-01,18,,,Matrix,Matrix CSV {} S. No. 1\n",
                    w.fresh()
                );
                pairs(&[("csv", &csv)])
            },
            tenancy: Platform,
        },
        Case {
            endpoint: "catalog/my_skus",
            who: Kinds(&[OrgKind::Manufacturer]),
            args: |_, _| pairs(&[("q", "")]),
            tenancy: OwnOrgOnly(|w, _, t, v| ids(v, "id").contains(&w.t0.sku_id) == (t == 0)),
        },
        Case {
            endpoint: "catalog/save_sku",
            who: Kinds(&[OrgKind::Manufacturer]),
            args: |w, _| {
                let mut f = sku_form("MARIE-1", "Marie Gold Biscuits 200 g", "1905", "30");
                f.push(("id".into(), w.t0.sku_id.to_string()));
                f
            },
            tenancy: Rows,
        },
        Case {
            endpoint: "catalog/import_csv",
            who: Kinds(&[OrgKind::Manufacturer]),
            args: |w, _| {
                pairs(&[(
                    "csv",
                    &format!(
                        "code,name,brand,category,hsn,mrp,unit,pack_size\nCSV-{0},Matrix biscuit {0},Sahyadri,Biscuits,1905,10,pack,1\n",
                        w.fresh()
                    ),
                )])
            },
            tenancy: Creates,
        },
        Case {
            endpoint: "catalog/import_begin",
            who: Kinds(&[OrgKind::Manufacturer]),
            args: |_, _| pairs(&[("rows", "1"), ("lines", "1")]),
            tenancy: Creates,
        },
        Case {
            endpoint: "catalog/import_part",
            who: Kinds(&[OrgKind::Manufacturer]),
            args: |w, _| {
                pairs(&[
                    ("import", &w.sku_import.to_string()),
                    ("first_line", "2"),
                    (
                        "csv",
                        "code,name,brand,category,hsn,mrp,unit,pack_size\nPART-1,Matrix part biscuit,Sahyadri,Biscuits,1905,10,pack,1\n",
                    ),
                ])
            },
            tenancy: Rows,
        },
        Case {
            endpoint: "catalog/import_finish",
            who: Kinds(&[OrgKind::Manufacturer]),
            args: |w, _| pairs(&[("import", &w.sku_import.to_string())]),
            tenancy: Rows,
        },
        Case {
            endpoint: "catalog/set_photo",
            who: Kinds(&[OrgKind::Manufacturer]),
            args: |w, _| {
                pairs(&[
                    ("id", &w.t0.sku_id.to_string()),
                    ("data_url", &crate::common::png_data_url(200, 150)),
                ])
            },
            tenancy: Rows,
        },
        Case {
            endpoint: "catalog/remove_photo",
            who: Kinds(&[OrgKind::Manufacturer]),
            args: |w, _| pairs(&[("id", &w.t0.sku_id.to_string())]),
            tenancy: Rows,
        },
        Case {
            endpoint: "trade/links",
            who: Kinds(TRADERS),
            args: no_args,
            // Tenant 0 has its active link and one pending request; tenant 1 only
            // the request; the organisation waiting for approval none.
            tenancy: OwnOrgOnly(|_, _, t, v| v.as_array().map(Vec::len) == Some([2, 1, 0][t])),
        },
        Case {
            endpoint: "trade/partners",
            who: Kinds(TRADERS),
            args: |_, _| pairs(&[("q", "")]),
            tenancy: Directory,
        },
        Case {
            endpoint: "trade/ask_link",
            who: Kinds(TRADERS),
            args: |w, k| pairs(&[("other_id", &partner(w, k, 0))]),
            tenancy: Creates,
        },
        Case {
            endpoint: "trade/answer_link",
            who: Kinds(TRADERS),
            // Tenant 0 answers the request tenant 1 of the other kind sent it.
            args: |w, k| pairs(&[("other_id", &partner(w, k, 1)), ("accept", "true")]),
            tenancy: Rows,
        },
        Case {
            endpoint: "trade/end_link",
            who: Kinds(TRADERS),
            args: |w, k| pairs(&[("other_id", &partner(w, k, 1))]),
            tenancy: Rows,
        },
        Case {
            endpoint: "trade/stock",
            who: Kinds(&[OrgKind::Distributor]),
            args: |_, _| pairs(&[("q", ""), ("carried_only", "false")]),
            tenancy: OwnOrgOnly(|w, _, t, v| {
                ids(v, "listing_id").contains(&w.t0.listing_id) == (t == 0)
            }),
        },
        Case {
            endpoint: "trade/save_listing",
            who: Kinds(&[OrgKind::Distributor]),
            args: |w, _| {
                pairs(&[
                    ("sku_id", &w.t0.sku_id.to_string()),
                    ("price", "27.50"),
                    ("min_order_qty", "1"),
                    ("active", "true"),
                ])
            },
            tenancy: Rows,
        },
        Case {
            endpoint: "trade/adjust_stock",
            who: Kinds(&[OrgKind::Distributor]),
            args: |w, _| {
                pairs(&[
                    ("listing_id", &w.t0.listing_id.to_string()),
                    ("kind", "received"),
                    ("qty", "1"),
                    ("note", ""),
                ])
            },
            tenancy: Rows,
        },
        Case {
            endpoint: "trade/stock_history",
            who: Kinds(&[OrgKind::Distributor]),
            args: |w, _| pairs(&[("listing_id", &w.t0.listing_id.to_string())]),
            tenancy: Rows,
        },
        Case {
            endpoint: "trade/delivery_options",
            who: Kinds(&[OrgKind::Distributor]),
            args: no_args,
            tenancy: OwnOrgOnly(|_, _, t, v| (v["pincodes"] == "411037, 411038") == (t == 0)),
        },
        Case {
            endpoint: "trade/save_delivery_options",
            who: Kinds(&[OrgKind::Distributor]),
            args: |_, _| {
                pairs(&[
                    ("options[delivers]", "true"),
                    ("options[pincodes]", "411037, 411038"),
                    ("options[offers_pickup]", "false"),
                    ("options[pickup_address]", ""),
                    ("options[pickup_hours]", ""),
                ])
            },
            tenancy: Creates,
        },
        Case {
            endpoint: "orders/browse",
            who: Kinds(&[OrgKind::Retailer]),
            args: |_, _| browse_form(""),
            // Retailer 1 is in another pincode: distributor 0 does not serve it
            // (the retailer waiting for approval is in distributor 0's, and may look).
            tenancy: OwnOrgOnly(|_, _, t, v| {
                (v["products"].as_array().map(Vec::len).unwrap_or(0) > 0) == (t != 1)
            }),
        },
        Case {
            endpoint: "orders/place",
            who: Kinds(&[OrgKind::Retailer]),
            args: |w, _| order_form(w.t0.distributor_org, &[(w.t0.listing_id, 1)], Option::None),
            tenancy: Rows,
        },
        Case {
            endpoint: "orders/list",
            who: Kinds(PARTIES),
            args: |_, _| {
                pairs(&[
                    ("filter[state]", ""),
                    ("filter[from]", ""),
                    ("filter[to]", ""),
                    ("filter[q]", ""),
                ])
            },
            tenancy: OwnOrgOnly(|w, _, t, v| {
                ids(v, "id").contains(&w.order_for_retailer) == (t == 0)
            }),
        },
        Case {
            endpoint: "orders/detail",
            who: Kinds(PARTIES),
            args: |w, _| pairs(&[("id", &w.order_for_distributor.to_string())]),
            tenancy: Rows,
        },
        Case {
            endpoint: "orders/act",
            who: Kinds(PARTIES),
            args: |w, k| match k {
                OrgKind::Retailer => pairs(&[
                    ("id", &w.order_for_retailer.to_string()),
                    ("action", "cancel"),
                    ("reason", ""),
                ]),
                _ => pairs(&[
                    ("id", &w.order_for_distributor.to_string()),
                    ("action", "accept_deliver"),
                    ("reason", ""),
                ]),
            },
            tenancy: Rows,
        },
        Case {
            endpoint: "invoices/list",
            who: Kinds(PARTIES),
            args: |_, _| {
                pairs(&[
                    ("filter[kind]", ""),
                    ("filter[from]", ""),
                    ("filter[to]", ""),
                    ("filter[q]", ""),
                ])
            },
            tenancy: OwnOrgOnly(|_, _, t, v| {
                v.as_array().is_some_and(|a| !a.is_empty()) == (t == 0)
            }),
        },
        Case {
            endpoint: "invoices/for_order",
            who: Kinds(PARTIES),
            args: |w, _| pairs(&[("order_id", &w.invoiced_order.to_string())]),
            tenancy: Rows,
        },
        Case {
            endpoint: "khata/receivables",
            who: Kinds(&[OrgKind::Distributor]),
            args: no_args,
            tenancy: OwnOrgOnly(|_, _, t, v| {
                v["accounts"].as_array().is_some_and(|a| !a.is_empty()) == (t == 0)
            }),
        },
        Case {
            endpoint: "khata/my_accounts",
            who: Kinds(&[OrgKind::Retailer]),
            args: no_args,
            tenancy: OwnOrgOnly(|_, _, t, v| {
                v.as_array().is_some_and(|a| !a.is_empty()) == (t == 0)
            }),
        },
        Case {
            endpoint: "khata/account",
            who: Kinds(PARTIES),
            args: |w, k| {
                let other = if k == OrgKind::Retailer {
                    w.t0.distributor_org
                } else {
                    w.t0.retailer_org
                };
                pairs(&[("other_id", &other.to_string()), ("from", ""), ("to", "")])
            },
            tenancy: Rows,
        },
        // Before khata/set_terms, whose recheck lets the held order through.
        Case {
            endpoint: "khata/approve_held_order",
            who: Kinds(&[OrgKind::Distributor]),
            args: |w, _| pairs(&[("order_id", &w.held_order.to_string())]),
            tenancy: Rows,
        },
        Case {
            endpoint: "khata/record_payment",
            who: Kinds(&[OrgKind::Distributor]),
            args: |w, _| {
                let key = format!("matrix-pay-{}", w.fresh());
                pairs(&[
                    ("payment[retailer_id]", &w.t0.retailer_org.to_string()),
                    ("payment[amount]", "1"),
                    (
                        "payment[received_on]",
                        &chrono::Utc::now().date_naive().to_string(),
                    ),
                    ("payment[method]", "cash"),
                    ("payment[reference]", ""),
                    ("payment[note]", ""),
                    ("payment[advance_ok]", "true"),
                    ("payment[request_key]", &key),
                ])
            },
            tenancy: Rows,
        },
        Case {
            endpoint: "khata/reverse_payment",
            who: Kinds(&[OrgKind::Distributor]),
            args: |w, _| {
                pairs(&[
                    ("payment_id", &w.payment.to_string()),
                    ("reason", "matrix test"),
                ])
            },
            tenancy: Rows,
        },
        Case {
            endpoint: "khata/set_terms",
            who: Kinds(&[OrgKind::Distributor]),
            args: |w, _| {
                pairs(&[
                    ("retailer_id", &w.t0.retailer_org.to_string()),
                    ("due_days", "10"),
                    ("credit_limit", ""),
                ])
            },
            tenancy: Rows,
        },
        Case {
            endpoint: "khata/gateway",
            who: Kinds(&[OrgKind::Distributor]),
            args: no_args,
            tenancy: OwnOrgOnly(|_, _, t, v| v["key_id"].is_null() == (t != 0)),
        },
        // Disconnected, then connected again (the positive controls run in this order).
        Case {
            endpoint: "khata/disconnect_gateway",
            who: Kinds(&[OrgKind::Distributor]),
            args: no_args,
            tenancy: Creates,
        },
        Case {
            endpoint: "khata/connect_gateway",
            who: Kinds(&[OrgKind::Distributor]),
            args: |_, _| gateway_keys(),
            tenancy: Creates,
        },
        Case {
            endpoint: "khata/payment_link",
            who: Kinds(PARTIES),
            args: |w, k| {
                let other = if k == OrgKind::Retailer {
                    w.t0.distributor_org
                } else {
                    w.t0.retailer_org
                };
                pairs(&[("other_id", &other.to_string())])
            },
            tenancy: Rows,
        },
        Case {
            endpoint: "khata/set_reminder_days",
            who: Kinds(&[OrgKind::Distributor]),
            args: |_, _| pairs(&[("days", "")]),
            tenancy: Creates,
        },
        Case {
            endpoint: "khata/set_hold_days",
            who: Kinds(&[OrgKind::Distributor]),
            args: |_, _| pairs(&[("days", "")]),
            tenancy: Creates,
        },
        Case {
            endpoint: "khata/set_default_days",
            who: Kinds(&[OrgKind::Distributor]),
            args: |_, _| pairs(&[("days", "20")]),
            tenancy: Creates,
        },
        Case {
            endpoint: "invoices/statements",
            who: Kinds(PARTIES),
            args: no_args,
            tenancy: OwnOrgOnly(|_, _, t, v| {
                v.as_array().is_some_and(|a| !a.is_empty()) == (t == 0)
            }),
        },
        Case {
            endpoint: "reports/sales",
            who: Kinds(PARTIES),
            args: this_month,
            tenancy: OwnOrgOnly(|_, _, t, v| {
                (v["funnel"]["placed"].as_i64().unwrap_or(0) > 0) == (t == 0)
            }),
        },
        Case {
            endpoint: "invoices/billing",
            who: Kinds(&[OrgKind::Distributor]),
            args: no_args,
            tenancy: OwnOrgOnly(|_, _, t, v| (v["upi_id"] == "testshop101@okaxis") == (t == 0)),
        },
        Case {
            endpoint: "invoices/save_billing",
            who: Kinds(&[OrgKind::Distributor]),
            args: |_, _| {
                pairs(&[
                    ("upi_id", "testshop101@okaxis"),
                    ("invoice_prefix", "T100"),
                    ("round_off", "true"),
                    ("einvoice_enabled", "false"),
                ])
            },
            tenancy: Creates,
        },
        Case {
            endpoint: "orders/counts",
            who: Kinds(PARTIES),
            args: no_args,
            tenancy: OwnOrgOnly(|_, _, t, v| (v["open"].as_i64().unwrap_or(0) > 0) == (t == 0)),
        },
        Case {
            endpoint: "whatsapp/overview",
            who: Kinds(&[OrgKind::Platform]),
            args: no_args,
            tenancy: Platform,
        },
        Case {
            endpoint: "whatsapp/failed",
            who: Kinds(&[OrgKind::Platform]),
            args: no_args,
            tenancy: Platform,
        },
        Case {
            endpoint: "whatsapp/retry",
            who: Kinds(&[OrgKind::Platform]),
            args: |w, _| pairs(&[("id", &w.failed_message.to_string())]),
            tenancy: Platform,
        },
        Case {
            endpoint: "whatsapp/sandbox_phones",
            who: Kinds(&[OrgKind::Platform]),
            args: no_args,
            tenancy: Platform,
        },
        Case {
            endpoint: "whatsapp/sandbox_chat",
            who: Kinds(&[OrgKind::Platform]),
            args: |_, _| pairs(&[("phone", "919800000101")]),
            tenancy: Platform,
        },
        Case {
            endpoint: "whatsapp/sandbox_tap",
            who: Kinds(&[OrgKind::Platform]),
            // Button 2 is Reject: it only asks for a reason.
            args: |w, _| {
                pairs(&[
                    ("message_id", &w.sandbox_message.to_string()),
                    ("button", "2"),
                ])
            },
            tenancy: Platform,
        },
        Case {
            endpoint: "whatsapp/sandbox_type",
            who: Kinds(&[OrgKind::Platform]),
            args: |_, _| pairs(&[("phone", "919800000101"), ("text", "hello")]),
            tenancy: Platform,
        },
        Case {
            endpoint: "whatsapp/broadcast",
            who: Kinds(&[OrgKind::Platform]),
            args: |_, _| {
                pairs(&[
                    ("message", "Matrix test"),
                    ("segment", "pincode"),
                    ("segment_value", "999"),
                    ("per_second", "5"),
                ])
            },
            tenancy: Platform,
        },
        Case {
            endpoint: "whatsapp/broadcasts",
            who: Kinds(&[OrgKind::Platform]),
            args: no_args,
            tenancy: Platform,
        },
        Case {
            endpoint: "whatsapp/opt_in",
            who: Kinds(&ALL_KINDS),
            args: no_args,
            tenancy: OwnOrgOnly(|_, _, _, v| v.is_boolean()),
        },
        Case {
            endpoint: "whatsapp/set_opt_in",
            who: Kinds(&ALL_KINDS),
            args: |_, _| pairs(&[("opt_in", "true")]),
            tenancy: Creates,
        },
        Case {
            endpoint: "account/brand_consent",
            who: Kinds(&ALL_KINDS),
            args: no_args,
            tenancy: OwnOrgOnly(|_, k, _, v| {
                if k == OrgKind::Retailer {
                    v["shares"].is_boolean()
                } else {
                    v.is_null()
                }
            }),
        },
        Case {
            endpoint: "account/set_brand_consent",
            who: Kinds(&[OrgKind::Retailer]),
            args: |_, _| pairs(&[("shares", "false")]),
            tenancy: Creates,
        },
        Case {
            endpoint: "reports/platform",
            who: Kinds(&[OrgKind::Platform]),
            args: this_month,
            tenancy: Platform,
        },
        Case {
            endpoint: "reports/platform_tables",
            who: Kinds(&[OrgKind::Platform]),
            args: this_month,
            tenancy: Platform,
        },
        Case {
            endpoint: "reports/glance",
            who: Kinds(PARTIES),
            args: no_args,
            tenancy: OwnOrgOnly(|_, _, t, v| {
                (v["total"]["now"].as_i64().unwrap_or(0) > 0) == (t == 0)
            }),
        },
        Case {
            endpoint: "account/report_policy",
            who: Kinds(&ALL_KINDS),
            args: no_args,
            tenancy: OwnOrgOnly(|_, _, _, v| v["staff_long_downloads"].is_boolean()),
        },
        Case {
            endpoint: "account/set_report_policy",
            who: Kinds(&ALL_KINDS),
            args: |_, _| pairs(&[("staff_long_downloads", "true")]),
            tenancy: Creates,
        },
        Case {
            endpoint: "reports/brand",
            who: Kinds(&[OrgKind::Manufacturer]),
            args: this_month,
            tenancy: OwnOrgOnly(|_, _, t, v| {
                (v["goods"]["now"].as_i64().unwrap_or(0) > 0) == (t == 0)
            }),
        },
    ]
}

/// The fake Razorpay merchant's keys, as the connect form sends them.
fn gateway_keys() -> Vec<(String, String)> {
    use crate::common::fake_razorpay::{KEY_ID, KEY_SECRET, WEBHOOK_SECRET};
    pairs(&[
        ("key_id", KEY_ID),
        ("key_secret", KEY_SECRET),
        ("webhook_secret", WEBHOOK_SECRET),
    ])
}

async fn world() -> World {
    let fake = crate::common::fake_razorpay::FakeRazorpay::start().await;
    let mut config = auromart::server::config::Config::default();
    fake.configure(&mut config);
    let app = spawn_app_with(config).await;
    let t0 = app.market(100, 50).await;
    // Distributor 0 takes payments online.
    t0.distributor
        .call("khata/connect_gateway", &gateway_keys())
        .await
        .ok();
    // Tenant 1: the same kinds, nothing linked or stocked, retailer in another pincode.
    let t1 = app.parties(110, true).await;
    // Pending requests across tenants: distributor 1 asks manufacturer 0, manufacturer 1 invites distributor 0.
    t1.distributor
        .call(
            "trade/ask_link",
            &pairs(&[("other_id", &t0.manufacturer_org.to_string())]),
        )
        .await
        .ok();
    t1.manufacturer
        .call(
            "trade/ask_link",
            &pairs(&[("other_id", &t0.distributor_org.to_string())]),
        )
        .await
        .ok();
    let (admin, _) = app.admin().await;
    let (_, spare_org) = app.signup(OrgKind::Distributor, 199).await;
    let spare_user: i64 = sqlx::query_scalar!("SELECT id FROM users WHERE org_id = $1", spare_org)
        .fetch_one(&app.db)
        .await
        .expect("spare user");
    let (_, reset_org) = app.signup(OrgKind::Retailer, 198).await;
    let reset_user: i64 = sqlx::query_scalar!("SELECT id FROM users WHERE org_id = $1", reset_org)
        .fetch_one(&app.db)
        .await
        .expect("reset user");
    let (_, staff_org) = app.signup(OrgKind::Retailer, 197).await;
    app.staff(staff_org, "919700000197").await;
    let staff_user: i64 = sqlx::query_scalar!("SELECT id FROM users WHERE phone = '919700000197'")
        .fetch_one(&app.db)
        .await
        .expect("staff user");
    let mut pending = Vec::new();
    for (kind, n) in [
        (OrgKind::Retailer, 120),
        (OrgKind::Distributor, 121),
        (OrgKind::Manufacturer, 122),
    ] {
        let (client, org) = app.signup(kind, n).await;
        // Retailers trade at once; one is sent back to waiting for this case.
        sqlx::query!(
            "UPDATE organisations SET approval = 'pending' WHERE id = $1",
            org
        )
        .execute(&app.db)
        .await
        .expect("pending");
        pending.push((kind, client, org));
    }
    let proposed = t0
        .manufacturer
        .call(
            "catalog/propose_category",
            &pairs(&[("name", "Proposal of M0")]),
        )
        .await;
    let proposed_category = proposed.ok()["id"].as_i64().expect("category id");
    let hsn_proposal = t0
        .manufacturer
        .call(
            "catalog/propose_hsn",
            &pairs(&[
                ("proposal[hsn]", "77990001"),
                ("proposal[description]", "Proposal of M0"),
                ("proposal[rate]", "18"),
                ("proposal[source]", ""),
            ]),
        )
        .await
        .ok()["id"]
        .as_i64()
        .expect("proposal id");
    let sku_import = t0
        .manufacturer
        .call(
            "catalog/import_begin",
            &pairs(&[("rows", "1"), ("lines", "1")]),
        )
        .await
        .ok()
        .as_i64()
        .expect("import id");
    let order_for_retailer = t0.order(1).await["id"].as_i64().expect("order");
    let order_for_distributor = t0.order(1).await["id"].as_i64().expect("order");
    let invoiced_order = t0.order(1).await["id"].as_i64().expect("order");
    let held_order = t0.order(1).await["id"].as_i64().expect("order");
    sqlx::query!(
        "UPDATE orders SET hold_kind = 'credit_limit', hold_reason = 'Over the credit limit (matrix)' WHERE id = $1",
        held_order
    )
    .execute(&app.db)
    .await
    .expect("hold");
    t0.act(&t0.distributor, invoiced_order, "accept_deliver", "")
        .await
        .ok();
    let payment = t0
        .distributor
        .call(
            "khata/record_payment",
            &pairs(&[
                ("payment[retailer_id]", &t0.retailer_org.to_string()),
                ("payment[amount]", "1"),
                (
                    "payment[received_on]",
                    &chrono::Utc::now().date_naive().to_string(),
                ),
                ("payment[method]", "cash"),
                ("payment[reference]", ""),
                ("payment[note]", ""),
                ("payment[advance_ok]", "true"),
                ("payment[request_key]", "matrix-payment-0"),
            ]),
        )
        .await
        .ok()["id"]
        .as_i64()
        .expect("payment id");
    let failed_message: i64 = sqlx::query_scalar!("INSERT INTO outbox (dedupe_key, recipient, template, params, state, last_error)
         VALUES ('matrix', '919800000112', 'announcement', '{\"message\": \"x\"}', 'failed', 'test') RETURNING id")
    .fetch_one(&app.db)
    .await
    .expect("failed message");
    // The sandbox holds the new-order alert the distributor's owner received.
    let mut sandbox_message = 0;
    for _ in 0..200 {
        let found: Option<i64> = sqlx::query_scalar!(r#"SELECT min(id) FROM sandbox_messages WHERE to_phone = '919800000101' AND request->'template'->>'name' = 'order_placed'"#)
        .fetch_one(&app.db)
        .await
        .expect("sandbox");
        if let Some(id) = found {
            sandbox_message = id;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(sandbox_message > 0, "the sandbox received the alert");
    World {
        app,
        t0,
        t1,
        pending,
        admin,
        spare_org,
        spare_user,
        reset_user,
        staff_user,
        hsn_proposal,
        payment,
        proposed_category,
        order_for_retailer,
        order_for_distributor,
        invoiced_order,
        held_order,
        failed_message,
        sandbox_message,
        sku_import,
        next: 0.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_refuses_the_wrong_caller() {
    let w = world().await;
    let anonymous = w.app.client();
    let mut checked = 0;
    for case in cases() {
        let Who::Kinds(kinds) = case.who else {
            let a = anonymous
                .call(case.endpoint, &(case.args)(&w, OrgKind::Retailer))
                .await;
            assert_ne!(
                a.error_kind().as_deref(),
                Some("Unauthenticated"),
                "{}: open to anyone",
                case.endpoint
            );
            continue;
        };
        let a = anonymous
            .call(case.endpoint, &(case.args)(&w, kinds[0]))
            .await;
        assert_eq!(
            a.error_kind().as_deref(),
            Some("Unauthenticated"),
            "{} as anonymous: {a:?}",
            case.endpoint
        );
        assert_eq!(a.status, 401, "{}", case.endpoint);
        for kind in ALL_KINDS {
            let a = w
                .user(kind, 0)
                .call(case.endpoint, &(case.args)(&w, kind))
                .await;
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
        for &kind in kinds.iter().filter(|k| **k != OrgKind::Platform) {
            match case.tenancy {
                Tenancy::OwnOrgOnly(is_own) => {
                    for tenant in 0..2 {
                        let a = w
                            .user(kind, tenant)
                            .call(case.endpoint, &(case.args)(&w, kind))
                            .await;
                        assert!(
                            is_own(&w, kind, tenant, a.ok()),
                            "{} as {kind:?} #{tenant} saw another tenant's data: {}",
                            case.endpoint,
                            a.body
                        );
                    }
                }
                Tenancy::Rows => {
                    let a = w
                        .user(kind, 1)
                        .call(case.endpoint, &(case.args)(&w, kind))
                        .await;
                    assert!(
                        matches!(a.status, 403 | 404 | 409 | 422),
                        "{} as {kind:?} of another organisation must be refused: {a:?}",
                        case.endpoint
                    );
                }
                Tenancy::Creates | Tenancy::Directory => {}
                Tenancy::Platform => panic!(
                    "{}: platform functions are for the admin only",
                    case.endpoint
                ),
                Tenancy::None => panic!(
                    "{}: a members-only function must say how tenants are kept apart",
                    case.endpoint
                ),
            }
            checked += 1;
            // A member of an organisation waiting for approval: refused, or shown
            // only its own (empty) organisation, never tenant 0's rows.
            let a = w
                .user(kind, PENDING)
                .call(case.endpoint, &(case.args)(&w, kind))
                .await;
            match case.tenancy {
                Tenancy::Rows => assert!(
                    matches!(a.status, 403 | 404 | 409 | 422),
                    "{} as a pending {kind:?} must be refused: {a:?}",
                    case.endpoint
                ),
                Tenancy::OwnOrgOnly(is_own) => assert!(
                    a.status == 403 || (a.status < 400 && is_own(&w, kind, PENDING, &a.body)),
                    "{} as a pending {kind:?} saw more than its own: {a:?}",
                    case.endpoint
                ),
                _ => assert!(
                    a.status < 500,
                    "{} as a pending {kind:?}: {a:?}",
                    case.endpoint
                ),
            }
            checked += 1;
        }
    }
    assert!(checked >= 150, "the matrix ran ({checked} calls)");
    // Tenant 0's stock was never touched by tenant 1's attempts.
    let (on_hand, _) = w.t0.stock(&w.app.db).await;
    assert_eq!(
        on_hand, 51,
        "50 received at set-up plus the one positive control"
    );
}

/// Who may use a plain route.
enum RouteWho {
    /// Anyone, signed in or not (assets, health, public product photos).
    Anyone,
    /// Only calls signed by the WhatsApp app secret: a session is no key.
    Signed,
    Kinds(&'static [OrgKind]),
}

/// How a plain route keeps tenants apart.
enum RouteTenancy {
    /// The URL names tenant 0's rows; another tenant's member gets 404 (a row of
    /// another tenant looks exactly like a missing one), never the row.
    Rows,
    /// Nothing in the URL; the answer is about the caller's own organisation.
    OwnOrgOnly,
    None,
}

struct RouteCase {
    path: &'static str,
    who: RouteWho,
    tenancy: RouteTenancy,
    /// A URL for this route as `kind` of tenant `caller` would ask it: its own
    /// side where the URL has one, tenant 0's row otherwise.
    url: fn(&RouteWorld, OrgKind, usize) -> String,
}

/// (distributor, retailer) for a URL naming both: the caller's own side and
/// tenant 0's other party, exactly the pair a curious distributor or retailer
/// would try.
fn curious_pair(r: &RouteWorld, kind: OrgKind, caller: usize) -> (i64, i64) {
    match kind {
        OrgKind::Retailer => (r.w.t0.distributor_org, r.w.org(OrgKind::Retailer, caller)),
        OrgKind::Distributor => (r.w.org(OrgKind::Distributor, caller), r.w.t0.retailer_org),
        _ => (r.w.t0.distributor_org, r.w.t0.retailer_org),
    }
}

/// The world of the server-function matrix plus rows the routes name.
struct RouteWorld {
    w: World,
    invoice_id: i64,
    month: String,
    media_id: String,
    photo_version: i64,
}

fn route_cases() -> Vec<RouteCase> {
    use RouteTenancy::*;
    use RouteWho::*;
    vec![
        RouteCase {
            path: "/healthz",
            who: Anyone,
            tenancy: None,
            url: |_, _, _| "/healthz".into(),
        },
        RouteCase {
            path: "/sw.js",
            who: Anyone,
            tenancy: None,
            url: |_, _, _| "/sw.js".into(),
        },
        RouteCase {
            path: "/icons/{file}",
            who: Anyone,
            tenancy: None,
            url: |_, _, _| "/icons/192.png".into(),
        },
        RouteCase {
            path: "/catalog/sample.csv",
            who: Anyone,
            tenancy: None,
            url: |_, _, _| "/catalog/sample.csv".into(),
        },
        RouteCase {
            path: "/media/sku/{id}/{version}/{file}",
            who: Anyone,
            tenancy: None,
            url: |r, _, _| format!("/media/sku/{}/{}/thumb.jpg", r.w.t0.sku_id, r.photo_version),
        },
        RouteCase {
            path: auromart::whatsapp::webhook::PATH,
            who: Signed,
            tenancy: None,
            url: |_, _, _| {
                format!(
                    "{}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=42",
                    auromart::whatsapp::webhook::PATH
                )
            },
        },
        RouteCase {
            path: "/events",
            who: Kinds(&ALL_KINDS),
            tenancy: OwnOrgOnly,
            url: |_, _, _| "/events".into(),
        },
        RouteCase {
            path: "/admin/whatsapp/media/{id}",
            who: Kinds(&[OrgKind::Platform]),
            tenancy: None,
            url: |r, _, _| format!("/admin/whatsapp/media/{}", r.media_id),
        },
        RouteCase {
            path: "/invoices/{id}/pdf",
            who: Kinds(PARTIES),
            tenancy: Rows,
            url: |r, _, _| format!("/invoices/{}/pdf", r.invoice_id),
        },
        RouteCase {
            path: "/invoices/{id}/einvoice.json",
            who: Kinds(&[OrgKind::Distributor]),
            tenancy: Rows,
            url: |r, _, _| format!("/invoices/{}/einvoice.json", r.invoice_id),
        },
        RouteCase {
            path: "/statements/{month}/{distributor}/{retailer}/pdf",
            who: Kinds(PARTIES),
            tenancy: Rows,
            url: |r, kind, caller| {
                let (d, rt) = curious_pair(r, kind, caller);
                format!("/statements/{}/{d}/{rt}/pdf", r.month)
            },
        },
        RouteCase {
            path: "/khata/receipts/{id}/pdf",
            who: Kinds(PARTIES),
            tenancy: Rows,
            url: |r, _, _| format!("/khata/receipts/{}/pdf", r.w.payment),
        },
        RouteCase {
            path: auromart::khata::online::WEBHOOK_PATH,
            who: Signed,
            tenancy: None,
            url: |r, _, _| format!("/webhooks/razorpay/{}", r.w.t0.distributor_org),
        },
        RouteCase {
            path: "/khata/{distributor}/{retailer}/pay",
            who: Kinds(&[OrgKind::Retailer]),
            tenancy: Rows,
            url: |r, kind, caller| {
                let (d, rt) = curious_pair(r, kind, caller);
                format!("/khata/{d}/{rt}/pay")
            },
        },
        RouteCase {
            path: "/khata/{distributor}/{retailer}/statement/{format}",
            who: Kinds(PARTIES),
            tenancy: Rows,
            url: |r, kind, caller| {
                let (d, rt) = curious_pair(r, kind, caller);
                format!("/khata/{d}/{rt}/statement/pdf")
            },
        },
        RouteCase {
            path: "/reports/sales/{section}/{format}",
            who: Kinds(PARTIES),
            tenancy: OwnOrgOnly,
            url: |_, _, _| "/reports/sales/parties/csv?period=this_month".into(),
        },
        RouteCase {
            path: "/reports/receivables/{section}/{format}",
            who: Kinds(&[OrgKind::Distributor]),
            tenancy: OwnOrgOnly,
            url: |_, _, _| "/reports/receivables/receivables/csv?period=this_month".into(),
        },
        RouteCase {
            path: "/reports/platform/{section}/{format}",
            who: Kinds(&[OrgKind::Platform]),
            tenancy: None,
            url: |_, _, _| "/reports/platform/parties/csv?period=this_month".into(),
        },
        RouteCase {
            path: "/reports/brand/{section}/{format}",
            who: Kinds(&[OrgKind::Manufacturer]),
            tenancy: OwnOrgOnly,
            url: |_, _, _| "/reports/brand/visibility/pdf?period=this_month".into(),
        },
    ]
}

async fn route_world() -> RouteWorld {
    let w = world().await;
    let invoice_id: i64 = sqlx::query_scalar!(
        "SELECT id FROM invoices WHERE order_id = $1 AND kind = 'invoice'",
        w.invoiced_order
    )
    .fetch_one(&w.app.db)
    .await
    .expect("invoice");
    let month: String = sqlx::query_scalar!(
        r#"SELECT to_char(issued_on, 'YYYY-MM') AS "v!" FROM invoices WHERE id = $1"#,
        invoice_id
    )
    .fetch_one(&w.app.db)
    .await
    .expect("month");
    let photo =
        w.t0.manufacturer
            .call(
                "catalog/set_photo",
                &pairs(&[
                    ("id", &w.t0.sku_id.to_string()),
                    ("data_url", &crate::common::png_data_url(200, 150)),
                ]),
            )
            .await;
    let photo_version = photo.ok()["image_version"].as_i64().expect("image version");
    sqlx::query!("INSERT INTO sandbox_media (id, filename, mime, bytes) VALUES ('matrix-doc', 'doc.pdf', 'application/pdf', '%PDF-1.7')")
    .execute(&w.app.db)
    .await
    .expect("sandbox media");
    RouteWorld {
        w,
        invoice_id,
        month,
        media_id: "matrix-doc".into(),
        photo_version,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_plain_route_has_a_case() {
    let routed: BTreeSet<&str> = auromart::server::router::plain_paths()
        .into_iter()
        .collect();
    let covered: BTreeSet<&str> = route_cases().iter().map(|c| c.path).collect();
    let missing: Vec<_> = routed.difference(&covered).collect();
    let stale: Vec<_> = covered.difference(&routed).collect();
    assert!(
        missing.is_empty(),
        "plain routes without an authorisation case: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "cases for routes the router does not have: {stale:?}"
    );
}

/// Status of a GET, reading only the head (the event stream never ends).
async fn status_of(c: &Client, url: &str) -> u16 {
    let res = c
        .http
        .get(format!("{}{url}", c.base))
        .send()
        .await
        .expect("request");
    res.status().as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_plain_route_refuses_the_wrong_caller() {
    let r = route_world().await;
    let w = &r.w;
    let anonymous = w.app.client();
    let mut checked = 0;
    for case in route_cases() {
        let path = case.path;
        match case.who {
            RouteWho::Anyone => {
                let url = (case.url)(&r, OrgKind::Retailer, 0);
                assert_eq!(
                    status_of(&anonymous, &url).await,
                    200,
                    "{path} is open to anyone"
                );
                checked += 1;
            }
            RouteWho::Signed => {
                // Neither a visitor nor a signed-in member gets past the signature.
                for c in [
                    &anonymous,
                    w.user(OrgKind::Platform, 0),
                    w.user(OrgKind::Distributor, 0),
                ] {
                    let url = (case.url)(&r, OrgKind::Retailer, 0);
                    let get = status_of(c, &url).await;
                    assert!(
                        matches!(get, 401 | 403 | 405),
                        "{path} GET without the token: {get}"
                    );
                    let post = c
                        .http
                        .post(format!("{}{url}", c.base))
                        .header("Content-Type", "application/json")
                        .body(r#"{"object":"whatsapp_business_account","entry":[]}"#)
                        .send()
                        .await
                        .expect("post")
                        .status()
                        .as_u16();
                    assert!(
                        matches!(post, 401 | 403),
                        "{path} POST without a signature: {post}"
                    );
                    checked += 2;
                }
            }
            RouteWho::Kinds(kinds) => {
                let url = (case.url)(&r, kinds[0], 0);
                assert_eq!(
                    status_of(&anonymous, &url).await,
                    401,
                    "{path} as anonymous"
                );
                for kind in ALL_KINDS {
                    let url = (case.url)(&r, kind, 0);
                    let status = status_of(w.user(kind, 0), &url).await;
                    if kinds.contains(&kind) {
                        assert!(
                            !matches!(status, 401 | 403 | 404) && status < 500,
                            "{path} as {kind:?} must be let in (positive control): {status}"
                        );
                    } else {
                        assert_eq!(status, 403, "{path} as {kind:?}");
                    }
                    checked += 1;
                }
                for &kind in kinds.iter().filter(|k| **k != OrgKind::Platform) {
                    for caller in [1, PENDING] {
                        let url = (case.url)(&r, kind, caller);
                        let status = status_of(w.user(kind, caller), &url).await;
                        match case.tenancy {
                            RouteTenancy::Rows => assert_eq!(
                                status, 404,
                                "{path} as {kind:?} of tenant {caller}: another tenant's row must look missing"
                            ),
                            RouteTenancy::OwnOrgOnly => {
                                assert!(
                                    status == 200 || status == 403,
                                    "{path} as {kind:?} #{caller}: {status}"
                                )
                            }
                            RouteTenancy::None => panic!(
                                "{path}: a members-only route must say how tenants are kept apart"
                            ),
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked >= 40, "the route matrix ran ({checked} requests)");
}

/// The statement of a pair that never traded is "not found", even for a party of
/// that pair: it would otherwise name the other business, its address and GSTIN.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_needs_documents_between_the_pair() {
    let r = route_world().await;
    let w = &r.w;
    // Tenant 1's retailer and tenant 0's distributor have no documents together.
    let url = format!(
        "/statements/{}/{}/{}/pdf",
        r.month, w.t0.distributor_org, w.t1.retailer_org
    );
    let (status, _, body) = w.t0.distributor.download(&url).await;
    assert_eq!(status, 404);
    assert!(!String::from_utf8_lossy(&body).contains("Test Shop 112"));
    let missing = format!(
        "/statements/{}/{}/999999/pdf",
        r.month, w.t0.distributor_org
    );
    let (status2, _, body2) = w.t0.distributor.download(&missing).await;
    assert_eq!(
        (status2, &body2),
        (404, &body),
        "a pair without documents looks exactly like a missing one"
    );
    // The pair that traded gets its statement.
    let own = format!(
        "/statements/{}/{}/{}/pdf",
        r.month, w.t0.distributor_org, w.t0.retailer_org
    );
    assert_eq!(w.t0.retailer.download(&own).await.0, 200);
}

/// Every server function, given a control character in each of its arguments,
/// answers 422 naming the field (never 500), before anything runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_refuses_control_characters() {
    let w = world().await;
    let anonymous = w.app.client();
    let mut checked = 0;
    for case in cases() {
        let (who, kind) = match case.who {
            Who::Anyone => (&anonymous, OrgKind::Retailer),
            Who::Kinds(kinds) => (w.user(kinds[0], 0), kinds[0]),
        };
        let args = (case.args)(&w, kind);
        if args.is_empty() {
            continue;
        }
        let poisoned: Vec<(String, String)> = args
            .iter()
            .map(|(k, v)| (k.clone(), format!("{v}\u{0}")))
            .collect();
        let a = who.call(case.endpoint, &poisoned).await;
        assert_eq!(a.status, 422, "{}: {a:?}", case.endpoint);
        assert!(
            a.body["Invalid"].as_array().is_some_and(|l| !l.is_empty()),
            "{}: {a:?}",
            case.endpoint
        );
        checked += 1;
    }
    assert!(checked >= 30, "{checked} functions checked");
}
