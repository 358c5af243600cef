use super::api::{
    ForcePasswordReset, InviteAdmin, RemoveUser, SetApproval, SetUserActive, admin_summary, admins,
    audit_log, list_organisations, organisation,
};
use super::{AuditFilter, OrgFilter};
use crate::domain::ApprovalState;
use crate::domain::{IndianState, OrgKind};
use crate::ui::confirm::Confirm;
use crate::ui::form::{FilterSelect, action_banner};
use crate::ui::gate::gated;
use crate::ui::stat::{Stat, Stats};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

const APPROVAL_CHOICES: &[(&str, &str)] = &[
    ("pending", "Waiting for approval"),
    ("active", "Active"),
    ("suspended", "Suspended"),
    ("", "Any state"),
];
const KIND_CHOICES: &[(&str, &str)] = &[
    ("", "All kinds"),
    ("retailer", "Retailers"),
    ("distributor", "Distributors"),
    ("manufacturer", "Manufacturers"),
];

#[component]
pub fn AdminHome() -> impl IntoView {
    gated("Admin", &[OrgKind::Platform], |_| view! { <Console /> })
}

#[component]
fn Console() -> impl IntoView {
    let query = use_query_map();
    let set_approval = ServerAction::<SetApproval>::new();
    let filter = move || {
        query.with(|q| {
            let pending_default = [
                "approval",
                "kind",
                "q",
                "state",
                "district",
                "active_days",
                "after",
            ]
            .iter()
            .all(|k| q.get(k).is_none());
            OrgFilter {
                kind: q.get("kind").unwrap_or_default(),
                approval: if pending_default {
                    "pending".into()
                } else {
                    q.get("approval").unwrap_or_default()
                },
                q: q.get("q").unwrap_or_default(),
                state: q.get("state").unwrap_or_default(),
                district: q.get("district").unwrap_or_default(),
                active_days: q.get("active_days").unwrap_or_default(),
                after: q.get("after").unwrap_or_default(),
            }
        })
    };
    // The next page's link keeps every filter.
    let next_href = move |after: i64| {
        let f = filter();
        crate::ui::href(
            "/admin",
            &[
                ("after", after.to_string()),
                ("kind", f.kind),
                ("approval", f.approval),
                ("q", f.q),
                ("state", f.state),
                ("district", f.district),
                ("active_days", f.active_days),
            ],
        )
    };
    let orgs = Resource::new(
        move || (filter(), set_approval.version().get()),
        |(f, _)| list_organisations(f),
    );
    let summary = Resource::new(move || set_approval.version().get(), |_| admin_summary());
    let result = action_banner("approval-result", set_approval, |row| {
        Some(format!(
            "{} is now {}.",
            row.trade_name,
            row.approval.as_str()
        ))
    });
    view! {
        <crate::ui::nav::RoleNav kind=OrgKind::Platform />
        <h1 data-test="dashboard" data-kind="platform">
            "Admin"
        </h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                summary
                    .await
                    .map(|s| {
                        view! {
                            <Stats items=vec![
                                Stat::new("Retailers", s.retailers),
                                Stat::new("Distributors", s.distributors),
                                Stat::new("Manufacturers", s.manufacturers),
                                Stat::new("Waiting for approval", s.pending)
                                    .warn()
                                    .test("pending-count"),
                                Stat::new("Suspended", s.suspended),
                                Stat::new("Users", s.users),
                            ] />
                        }
                    })
            })}
        </Suspense>
        <AdminsCard />
        <Form method="GET" action="" attr:class="filters">
            <FilterSelect
                name="approval"
                label="Approval"
                choices=APPROVAL_CHOICES
                current=Signal::derive(move || filter().approval)
            />
            <FilterSelect
                name="kind"
                label="Kind"
                choices=KIND_CHOICES
                current=Signal::derive(move || filter().kind)
            />
            <select name="state" aria-label="State" prop:value=move || filter().state>
                <option value="">"All states"</option>
                {IndianState::selectable()
                    .map(|s| view! { <option value=s.code.to_string()>{s.name}</option> })
                    .collect_view()}
            </select>
            <input
                type="search"
                name="district"
                aria-label="District"
                placeholder="District"
                prop:value=move || filter().district
            />
            <input
                type="number"
                name="active_days"
                min="1"
                max="3650"
                aria-label="Logged in within days"
                placeholder="Active in last N days"
                prop:value=move || filter().active_days
            />
            <input
                type="search"
                name="q"
                aria-label="Search"
                placeholder="Name, phone, e-mail, GSTIN, pincode"
                prop:value=move || filter().q
            />
            <button type="submit">"Show"</button>
        </Form>
        {result}
        <Suspense fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match orgs.await {
                    Ok(page) if page.rows.is_empty() => {
                        view! {
                            <p class="muted" data-test="no-orgs">
                                "No organisations match."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(page) => {
                        let next = page.next_after.map(next_href);
                        view! {
                            <ul class="orgs" data-test="org-list">
                                {page
                                    .rows
                                    .into_iter()
                                    .map(|o| {
                                        let state = u8::try_from(o.state_code)
                                            .ok()
                                            .and_then(IndianState::by_code)
                                            .map(|s| s.name)
                                            .unwrap_or("");
                                        let id = o.id.to_string();
                                        let (approve_label, suspend_label) = if o.approval
                                            == ApprovalState::Pending
                                        {
                                            ("Approve", "Reject")
                                        } else {
                                            ("Re-activate", "Suspend")
                                        };
                                        let (can_approve, can_suspend) = (
                                            o.approval != ApprovalState::Active,
                                            o.approval != ApprovalState::Suspended,
                                        );
                                        let id2 = id.clone();
                                        view! {
                                            <li
                                                class="card org"
                                                data-test="org-row"
                                                data-name=o.trade_name.clone()
                                            >
                                                <div class="org-head">
                                                    <a href=format!("/admin/org/{}", o.id) data-test="org-link">
                                                        <strong>{o.trade_name.clone()}</strong>
                                                    </a>
                                                    <span class="pill">{o.kind.as_str()}</span>
                                                    <span class=format!(
                                                        "pill {}",
                                                        o.approval.as_str(),
                                                    )>{o.approval.as_str()}</span>
                                                </div>
                                                <div class="muted">
                                                    {format!(
                                                        "{} · {} · {}, {}{} {}",
                                                        o.legal_name,
                                                        o.gstin.clone().unwrap_or_else(|| "no GSTIN".into()),
                                                        o.city,
                                                        o
                                                            .district
                                                            .clone()
                                                            .map(|d| format!("{d} district, "))
                                                            .unwrap_or_default(),
                                                        state,
                                                        o.pincode,
                                                    )}
                                                </div>
                                                <div class="muted">
                                                    {format!(
                                                        "Owner {} {} · signed up {} · {} user{} · {}",
                                                        o.owner_name.clone().unwrap_or_default(),
                                                        o
                                                            .owner_phone
                                                            .as_deref()
                                                            .map(crate::ui::show_phone)
                                                            .unwrap_or_default(),
                                                        o.created,
                                                        o.users,
                                                        if o.users == 1 { "" } else { "s" },
                                                        o
                                                            .last_login
                                                            .clone()
                                                            .map(|l| format!("last log-in {l}"))
                                                            .unwrap_or_else(|| "never logged in".into()),
                                                    )}
                                                </div>
                                                {o
                                                    .approval_note
                                                    .clone()
                                                    .map(|n| {
                                                        view! { <div class="muted">{format!("Note: {n}")}</div> }
                                                    })}
                                                <div class="row-actions">
                                                    {can_approve
                                                        .then(move || {
                                                            view! {
                                                                <ActionForm action=set_approval attr:class="inline">
                                                                    <input type="hidden" name="org_id" value=id.clone() />
                                                                    <input type="hidden" name="to" value="active" />
                                                                    <input type="hidden" name="note" value="" />
                                                                    <button type="submit" data-test="approve">
                                                                        {approve_label}
                                                                    </button>
                                                                </ActionForm>
                                                            }
                                                        })}
                                                    {can_suspend
                                                        .then(move || {
                                                            view! {
                                                                <Confirm
                                                                    label=suspend_label
                                                                    test="ask-suspend"
                                                                    question=format!(
                                                                        "{suspend_label} this business? Its members are signed out at once.",
                                                                    )
                                                                >
                                                                    <ActionForm action=set_approval attr:class="inline suspend">
                                                                        <input type="hidden" name="org_id" value=id2.clone() />
                                                                        <input type="hidden" name="to" value="suspended" />
                                                                        <input
                                                                            type="text"
                                                                            name="note"
                                                                            aria-label="Reason"
                                                                            placeholder="Reason (shown to them)"
                                                                            required
                                                                        />
                                                                        <button type="submit" class="danger" data-test="suspend">
                                                                            {format!("Yes, {}", suspend_label.to_lowercase())}
                                                                        </button>
                                                                    </ActionForm>
                                                                </Confirm>
                                                            }
                                                        })}
                                                </div>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                            {next
                                .map(|href| {
                                    view! {
                                        <p>
                                            <a href=href data-test="orgs-next">
                                                "More"
                                            </a>
                                        </p>
                                    }
                                })}
                        }
                            .into_any()
                    }
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

const ACTION_CHOICES: &[(&str, &str)] = &[
    ("", "Every action"),
    ("org_approval", "Approval changed"),
    ("category_decision", "Category decided"),
    ("message_retry", "Message retried"),
    ("broadcast", "Broadcast sent"),
    ("sandbox_tap", "Sandbox button tapped"),
    ("sandbox_type", "Sandbox message typed"),
    ("gst_rate_change", "GST rate added"),
    ("user_disabled", "User disabled"),
    ("user_enabled", "User enabled"),
    ("password_reset", "Password reset"),
    ("admin_invited", "Admin invited"),
];

/// The audit log: every admin action, newest first, 50 at a time.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    gated("Audit log", &[OrgKind::Platform], |_| {
        view! { <AuditLog /> }
    })
}

#[component]
fn AuditLog() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query.with(|q| AuditFilter {
            action: q.get("action").unwrap_or_default(),
            q: q.get("q").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
            before: q.get("before").unwrap_or_default(),
        })
    };
    let page = Resource::new(filter, audit_log);
    // The link to the next (older) page keeps the filters.
    let older = move |before: i64| {
        let f = filter();
        crate::ui::href(
            "/admin/audit",
            &[
                ("before", before.to_string()),
                ("action", f.action),
                ("q", f.q),
                ("from", f.from),
                ("to", f.to),
            ],
        )
    };
    view! {
        <crate::ui::nav::RoleNav kind=OrgKind::Platform />
        <h1>"Audit log"</h1>
        <p class="muted">
            "Every approval, suspension, category decision, broadcast and message retry, with who did it and what changed. Entries are never edited or removed."
        </p>
        <Form method="GET" action="" attr:class="filters">
            <FilterSelect
                name="action"
                label="Action"
                choices=ACTION_CHOICES
                current=Signal::derive(move || filter().action)
            />
            <input
                type="search"
                name="q"
                aria-label="Who or what"
                placeholder="Who, business, note"
                prop:value=move || filter().q
            />
            <input type="date" name="from" aria-label="From" prop:value=move || filter().from />
            <input type="date" name="to" aria-label="To" prop:value=move || filter().to />
            <button type="submit">"Show"</button>
        </Form>
        <Suspense fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) if p.rows.is_empty() => {
                        view! {
                            <p class="muted" data-test="audit-empty">
                                "No entries match."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(p) => {
                        let next = p.next_before.map(older);
                        view! {
                            <table class="table" data-test="audit-log">
                                <thead>
                                    <tr>
                                        <th>"When"</th>
                                        <th>"Who"</th>
                                        <th>"What"</th>
                                        <th>"On"</th>
                                        <th>"Change"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {p
                                        .rows
                                        .into_iter()
                                        .map(|r| {
                                            view! {
                                                <tr data-test="audit-row" data-action=r.action.as_str()>
                                                    <td>{r.at}</td>
                                                    <td>{r.actor}</td>
                                                    <td>{r.action.label()}</td>
                                                    <td>{r.subject}</td>
                                                    <td>
                                                        {r
                                                            .changes
                                                            .into_iter()
                                                            .map(|(name, before, after)| {
                                                                let before = if before.is_empty() {
                                                                    "—".to_string()
                                                                } else {
                                                                    before
                                                                };
                                                                view! {
                                                                    <div>
                                                                        {format!(
                                                                            "{}: {before} → {after}",
                                                                            name.replace('_', " "),
                                                                        )}
                                                                    </div>
                                                                }
                                                            })
                                                            .collect_view()}
                                                        {r
                                                            .note
                                                            .map(|n| {
                                                                view! { <div class="muted">{format!("Note: {n}")}</div> }
                                                            })}
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                            {next
                                .map(|href| {
                                    view! {
                                        <p>
                                            <a href=href data-test="audit-older">
                                                "Older entries"
                                            </a>
                                        </p>
                                    }
                                })}
                        }
                            .into_any()
                    }
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One organisation as the admin sees it: profile, users (turn a log-in off or
/// on), links, orders and invoices, approval history.
#[component]
pub fn OrganisationPage() -> impl IntoView {
    gated("Organisation", &[OrgKind::Platform], |_| {
        view! { <Organisation /> }
    })
}

#[component]
fn Organisation() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let set_active = ServerAction::<SetUserActive>::new();
    let reset = ServerAction::<ForcePasswordReset>::new();
    let remove = ServerAction::<RemoveUser>::new();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let detail = Resource::new(
        move || {
            (
                id(),
                set_active.version().get(),
                reset.version().get(),
                remove.version().get(),
            )
        },
        |(id, ..)| organisation(id),
    );
    let result = action_banner("user-result", set_active, |u| {
        Some(format!(
            "{} can {} log in.",
            u.name,
            if u.active { "now" } else { "no longer" }
        ))
    });
    let reset_result = action_banner("reset-result", reset, |u| {
        Some(format!(
            "{}'s old password no longer works; a code to choose a new one is on its way on WhatsApp.",
            u.name
        ))
    });
    let remove_result = action_banner("remove-result", remove, |u| {
        Some(format!(
            "{} is removed: they cannot log in, and their number is free for another account.",
            u.name
        ))
    });
    view! {
        <crate::ui::nav::RoleNav kind=OrgKind::Platform />
        {result}
        {reset_result}
        {remove_result}
        <Suspense fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => {
                        let o = d.org;
                        let state = u8::try_from(o.state_code)
                            .ok()
                            .and_then(IndianState::by_code)
                            .map(|s| s.name)
                            .unwrap_or("");
                        view! {
                            <h1 data-test="org-title">{o.trade_name.clone()}</h1>
                            <section class="card" data-test="org-profile">
                                <p>
                                    <span class="pill">{o.kind.as_str()}</span>
                                    " "
                                    <span class=format!(
                                        "pill {}",
                                        o.approval.as_str(),
                                    )>{o.approval.label()}</span>
                                </p>
                                <dl>
                                    <dt>"Legal name"</dt>
                                    <dd>{o.legal_name.clone()}</dd>
                                    <dt>"GSTIN"</dt>
                                    <dd>
                                        {o.gstin.clone().unwrap_or_else(|| "Not registered".into())}
                                    </dd>
                                    <dt>"Address"</dt>
                                    <dd>
                                        {format!(
                                            "{}, {}{}",
                                            d.address,
                                            o
                                                .district
                                                .clone()
                                                .map(|x| format!("{x} district, "))
                                                .unwrap_or_default(),
                                            state,
                                        )}
                                    </dd>
                                    <dt>"WhatsApp"</dt>
                                    <dd>{crate::ui::show_phone(&o.whatsapp)}</dd>
                                    <dt>"Signed up"</dt>
                                    <dd>{o.created.clone()}</dd>
                                    <dt>"Orders, invoices"</dt>
                                    <dd data-test="org-counts">
                                        {format!("{} orders, {} invoices", d.orders, d.invoices)}
                                    </dd>
                                </dl>
                            </section>
                            <h2>"Users"</h2>
                            <table class="table" data-test="org-users">
                                <thead>
                                    <tr>
                                        <th>"Name"</th>
                                        <th>"Role"</th>
                                        <th>"Phone, e-mail"</th>
                                        <th>"Last log-in"</th>
                                        <th></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {d
                                        .users
                                        .into_iter()
                                        .map(|u| {
                                            let uid = u.id.to_string();
                                            let reset_uid = uid.clone();
                                            let remove_uid = uid.clone();
                                            if let Some(when) = u.removed.clone() {
                                                return view! {
                                                    <tr
                                                        data-test="user-row"
                                                        data-name=u.name.clone()
                                                        data-removed="true"
                                                        class="muted"
                                                    >
                                                        <td>{u.name.clone()}</td>
                                                        <td>{format!("{:?}", u.role).to_lowercase()}</td>
                                                        <td colspan="3">{format!("Removed {when}")}</td>
                                                    </tr>
                                                }
                                                    .into_any();
                                            }
                                            let staff = u.role == crate::domain::MemberRole::Staff;
                                            view! {
                                                <tr
                                                    data-test="user-row"
                                                    data-name=u.name.clone()
                                                    data-active=u.active.to_string()
                                                >
                                                    <td>{u.name.clone()}</td>
                                                    <td>{format!("{:?}", u.role).to_lowercase()}</td>
                                                    <td>
                                                        {u
                                                            .phone
                                                            .as_deref()
                                                            .map(crate::ui::show_phone)
                                                            .unwrap_or_default()} " "
                                                        {u.email.clone().unwrap_or_default()}
                                                    </td>
                                                    <td>
                                                        {u.last_login.clone().unwrap_or_else(|| "never".into())}
                                                    </td>
                                                    <td>
                                                        {(u.active && u.phone.is_some())
                                                            .then(|| {
                                                                view! {
                                                                    <Confirm
                                                                        label="Reset password"
                                                                        test="ask-reset"
                                                                        question=format!(
                                                                            "Reset {}'s password? The old one stops working; a code goes to their WhatsApp.",
                                                                            u.name,
                                                                        )
                                                                    >
                                                                        <ActionForm action=reset attr:class="inline">
                                                                            <input
                                                                                type="hidden"
                                                                                name="user_id"
                                                                                value=reset_uid.clone()
                                                                            />
                                                                            <input
                                                                                type="text"
                                                                                name="note"
                                                                                aria-label="Reason"
                                                                                placeholder="Reason (optional)"
                                                                            />
                                                                            <button type="submit" data-test="reset-password">
                                                                                "Yes, reset"
                                                                            </button>
                                                                        </ActionForm>
                                                                    </Confirm>
                                                                }
                                                            })}
                                                        {if u.active {
                                                            view! {
                                                                <Confirm
                                                                    label="Disable"
                                                                    test="ask-disable"
                                                                    question=format!(
                                                                        "Turn off {}'s log-in? They are signed out at once.",
                                                                        u.name,
                                                                    )
                                                                >
                                                                    <ActionForm action=set_active attr:class="inline">
                                                                        <input type="hidden" name="user_id" value=uid.clone() />
                                                                        <input type="hidden" name="active" value="false" />
                                                                        <input
                                                                            type="text"
                                                                            name="note"
                                                                            aria-label="Reason"
                                                                            placeholder="Reason"
                                                                            required
                                                                        />
                                                                        <button type="submit" class="danger" data-test="disable">
                                                                            "Yes, disable"
                                                                        </button>
                                                                    </ActionForm>
                                                                </Confirm>
                                                            }
                                                                .into_any()
                                                        } else {
                                                            view! {
                                                                <ActionForm action=set_active attr:class="inline">
                                                                    <input type="hidden" name="user_id" value=uid.clone() />
                                                                    <input type="hidden" name="active" value="true" />
                                                                    <input type="hidden" name="note" value="" />
                                                                    <button type="submit" data-test="enable">
                                                                        "Enable"
                                                                    </button>
                                                                </ActionForm>
                                                            }
                                                                .into_any()
                                                        }}
                                                        {staff
                                                            .then(|| {
                                                                view! {
                                                                    <Confirm
                                                                        label="Remove"
                                                                        test="ask-remove"
                                                                        question=format!(
                                                                            "Remove {} from this organisation? They are signed out, cannot log in again, and their number is freed. Orders they placed keep their name.",
                                                                            u.name,
                                                                        )
                                                                    >
                                                                        <ActionForm action=remove attr:class="inline">
                                                                            <input
                                                                                type="hidden"
                                                                                name="user_id"
                                                                                value=remove_uid.clone()
                                                                            />
                                                                            <input
                                                                                type="text"
                                                                                name="note"
                                                                                aria-label="Reason"
                                                                                placeholder="Reason"
                                                                                required
                                                                            />
                                                                            <button
                                                                                type="submit"
                                                                                class="danger"
                                                                                data-test="remove-user"
                                                                            >
                                                                                "Yes, remove"
                                                                            </button>
                                                                        </ActionForm>
                                                                    </Confirm>
                                                                }
                                                            })}
                                                    </td>
                                                </tr>
                                            }
                                                .into_any()
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                            <h2>"Links"</h2>
                            {if d.links.is_empty() {
                                view! { <p class="muted">"No brand–distributor links."</p> }
                                    .into_any()
                            } else {
                                view! {
                                    <ul class="list card" data-test="org-links">
                                        {d
                                            .links
                                            .into_iter()
                                            .map(|l| {
                                                view! {
                                                    <li>
                                                        <a href=format!(
                                                            "/admin/org/{}",
                                                            l.other_id,
                                                        )>{l.other_name}</a>
                                                        {format!(" · {}", l.state)}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }}
                            <h2>"Approval history"</h2>
                            {if d.history.is_empty() {
                                view! { <p class="muted">"No decisions yet."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="list card" data-test="org-history">
                                        {d
                                            .history
                                            .into_iter()
                                            .map(|e| {
                                                view! {
                                                    <li>
                                                        {format!(
                                                            "{}: {} → {} by {}{}",
                                                            e.at,
                                                            e.from_state,
                                                            e.to_state,
                                                            e.by,
                                                            e.note.map(|n| format!(" ({n})")).unwrap_or_default(),
                                                        )}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }}
                            <p>
                                <a href=format!(
                                    "/admin/audit?q={}",
                                    crate::ui::query_value(&o.trade_name),
                                )>"Its audit log entries"</a>
                            </p>
                        }
                            .into_any()
                    }
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The platform's admins, and a form to invite another (a code to choose a
/// password goes to their WhatsApp).
#[component]
fn AdminsCard() -> impl IntoView {
    let invite = ServerAction::<InviteAdmin>::new();
    let remove = ServerAction::<RemoveUser>::new();
    let list = Resource::new(
        move || (invite.version().get(), remove.version().get()),
        |_| admins(),
    );
    let removed = action_banner("admin-removed", remove, |u| {
        Some(format!("{} is no longer an admin.", u.name))
    });
    let errors = Signal::derive(move || invite.value().get().and_then(Result::err));
    let result = action_banner("invite-result", invite, |u| {
        Some(format!(
            "{} is invited: a code to choose a password is on its way to their WhatsApp.",
            u.name
        ))
    });
    view! {
        <details class="card" data-test="admins">
            <summary>"Admins"</summary>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    list.await
                        .map(|users| {
                            view! {
                                <ul class="list" data-test="admin-list">
                                    {users
                                        .into_iter()
                                        .map(|u| {
                                            let staff = u.role == crate::domain::MemberRole::Staff;
                                            let uid = u.id.to_string();
                                            view! {
                                                <li data-test="admin-row" data-name=u.name.clone()>
                                                    {format!(
                                                        "{} {}{}",
                                                        u.name,
                                                        u
                                                            .phone
                                                            .as_deref()
                                                            .map(crate::ui::show_phone)
                                                            .unwrap_or_default(),
                                                        if u.active { "" } else { " (log-in off)" },
                                                    )}
                                                    " "
                                                    {staff
                                                        .then(|| {
                                                            view! {
                                                                <Confirm
                                                                    label="Remove"
                                                                    test="ask-remove-admin"
                                                                    question=format!(
                                                                        "Remove {} as an admin? They are signed out at once.",
                                                                        u.name,
                                                                    )
                                                                >
                                                                    <ActionForm action=remove attr:class="inline">
                                                                        <input type="hidden" name="user_id" value=uid.clone() />
                                                                        <input
                                                                            type="text"
                                                                            name="note"
                                                                            aria-label="Reason"
                                                                            placeholder="Reason"
                                                                            required
                                                                        />
                                                                        <button
                                                                            type="submit"
                                                                            class="danger"
                                                                            data-test="remove-admin"
                                                                        >
                                                                            "Yes, remove"
                                                                        </button>
                                                                    </ActionForm>
                                                                </Confirm>
                                                            }
                                                        })}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                        })
                })}
            </Suspense>
            {result}
            {removed}
            <ActionForm action=invite attr:class="inline" attr:data-test="invite-admin">
                <crate::ui::form::Field name="name" key="name" label="Name" required=true errors />
                <crate::ui::form::Field
                    name="phone"
                    key="phone"
                    label="Mobile number"
                    kind="tel"
                    inputmode="tel"
                    required=true
                    errors
                />
                <button type="submit">"Invite as admin"</button>
            </ActionForm>
        </details>
    }
}
