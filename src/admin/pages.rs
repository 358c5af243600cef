use super::api::{SetApproval, admin_summary, audit_log, list_organisations};
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
            let pending_default =
                q.get("approval").is_none() && q.get("kind").is_none() && q.get("q").is_none();
            OrgFilter {
                kind: q.get("kind").unwrap_or_default(),
                approval: if pending_default {
                    "pending".into()
                } else {
                    q.get("approval").unwrap_or_default()
                },
                q: q.get("q").unwrap_or_default(),
            }
        })
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
            <input
                type="search"
                name="q"
                placeholder="Name, GSTIN, city, pincode, phone"
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
                    Ok(rows) if rows.is_empty() => {
                        view! {
                            <p class="muted" data-test="no-orgs">
                                "No organisations match."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(rows) => {
                        view! {
                            <ul class="orgs" data-test="org-list">
                                {rows
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
                                                    <strong>{o.trade_name.clone()}</strong>
                                                    <span class="pill">{o.kind.as_str()}</span>
                                                    <span class=format!(
                                                        "pill {}",
                                                        o.approval.as_str(),
                                                    )>{o.approval.as_str()}</span>
                                                </div>
                                                <div class="muted">
                                                    {format!(
                                                        "{} · {} · {}, {} {}",
                                                        o.legal_name,
                                                        o.gstin.clone().unwrap_or_else(|| "no GSTIN".into()),
                                                        o.city,
                                                        state,
                                                        o.pincode,
                                                    )}
                                                </div>
                                                <div class="muted">
                                                    {format!(
                                                        "Owner {} {} · signed up {}",
                                                        o.owner_name.clone().unwrap_or_default(),
                                                        o
                                                            .owner_phone
                                                            .as_deref()
                                                            .map(crate::ui::show_phone)
                                                            .unwrap_or_default(),
                                                        o.created,
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
        let mut q = vec![format!("before={before}")];
        for (k, v) in [
            ("action", f.action),
            ("q", f.q),
            ("from", f.from),
            ("to", f.to),
        ] {
            if !v.is_empty() {
                q.push(format!("{k}={}", crate::ui::query_value(&v)));
            }
        }
        format!("/admin/audit?{}", q.join("&"))
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
