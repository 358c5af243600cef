//! The signed-in user's own organisation on screen: its card, its team and the
//! user's choice about WhatsApp announcements (below each role's main panel).

use super::api::{my_organisation, my_team};
use super::{OrgProfile, TeamMember};
use crate::ui::show_phone;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// The organisation's card and its team, below each role's main panel.
#[component]
pub fn Profile() -> impl IntoView {
    view! {
        <details class="profile">
            <summary>"Business profile and team"</summary>
            <ProfileCards />
        </details>
    }
}

/// The organisation's card and its team.
#[component]
pub fn ProfileCards() -> impl IntoView {
    let org = Resource::new(|| (), |_| my_organisation());
    let team = Resource::new(|| (), |_| my_team());
    view! {
        <Suspense fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match org.await {
                    Ok(o) => view! { <OrgCard org=o /> }.into_any(),
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
            {move || Suspend::new(async move {
                match team.await {
                    Ok(t) => view! { <TeamCard team=t /> }.into_any(),
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        <BrandConsentChoice />
        <StaffDownloadsChoice />
        <AnnouncementsChoice />
    }
}

/// Whether staff may download a report over more than a quarter (the owner's
/// choice; staff see it read-only).
#[component]
fn StaffDownloadsChoice() -> impl IntoView {
    let set = ServerAction::<super::api::SetReportPolicy>::new();
    let current = Resource::new(
        move || set.version().get(),
        |_| super::api::get_report_policy(),
    );
    let days = crate::reports::STAFF_DOWNLOAD_DAYS;
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                current
                    .await
                    .ok()
                    .map(|p| {
                        let on = p.staff_long_downloads;
                        view! {
                            <section
                                class="card"
                                data-test="staff-downloads"
                                data-allowed=on.to_string()
                            >
                                <h2>"Report downloads"</h2>
                                <p>
                                    {if on {
                                        "Staff can download reports for any period.".to_string()
                                    } else {
                                        format!(
                                            "Staff can download reports of at most {days} days at a time; longer periods only the owner.",
                                        )
                                    }}
                                </p>
                                {if p.can_change {
                                    view! {
                                        <ActionForm action=set>
                                            <input
                                                type="hidden"
                                                name="staff_long_downloads"
                                                value=(!on).to_string()
                                            />
                                            <button
                                                type="submit"
                                                class="ghost"
                                                data-test="toggle-staff-downloads"
                                            >
                                                {if on {
                                                    "Keep long downloads to the owner"
                                                } else {
                                                    "Let staff download any period"
                                                }}
                                            </button>
                                        </ActionForm>
                                    }
                                        .into_any()
                                } else {
                                    view! {
                                        <p class="muted" data-test="staff-downloads-owner-only">
                                            "Only the owner can change this."
                                        </p>
                                    }
                                        .into_any()
                                }}
                            </section>
                        }
                    })
            })}
        </Suspense>
    }
}

/// The signed-in user's choice about WhatsApp announcements (order and invoice
/// messages always come); the same as replying STOP or START.
#[component]
pub fn AnnouncementsChoice() -> impl IntoView {
    let set = ServerAction::<super::api::SetOptIn>::new();
    let current = Resource::new(move || set.version().get(), |_| super::api::get_opt_in());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                current
                    .await
                    .ok()
                    .map(|on| {
                        view! {
                            <section class="card" data-test="announcements">
                                <h2>"WhatsApp"</h2>
                                <p>
                                    {if on {
                                        "Order alerts, invoices and AuroMart announcements come on WhatsApp."
                                    } else {
                                        "Order alerts and invoices come on WhatsApp; announcements are off."
                                    }}
                                </p>
                                <ActionForm action=set>
                                    <input type="hidden" name="opt_in" value=(!on).to_string() />
                                    <button
                                        type="submit"
                                        class="ghost"
                                        data-test="toggle-announcements"
                                    >
                                        {if on {
                                            "Stop announcements"
                                        } else {
                                            "Get announcements"
                                        }}
                                    </button>
                                </ActionForm>
                            </section>
                        }
                    })
            })}
        </Suspense>
    }
}

/// The shop's choice whether the brands it buys may see its name in their
/// re-order reports (off until the owner turns it on; staff see it read-only).
/// Nothing for other kinds of business. Its resource is made with the page, not
/// inside another's `Suspend`, so the browser hydrates it from the server's value.
#[component]
fn BrandConsentChoice() -> impl IntoView {
    let set = ServerAction::<super::api::SetBrandConsent>::new();
    let current = Resource::new(
        move || set.version().get(),
        |_| super::api::get_brand_consent(),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                current
                    .await
                    .ok()
                    .flatten()
                    .map(|c| {
                        let since = c
                            .since
                            .clone()
                            .map(|s| format!(" (since {s})"))
                            .unwrap_or_default();
                        view! {
                            <section
                                class="card"
                                data-test="brand-consent"
                                data-shares=c.shares.to_string()
                            >
                                <h2>"Brands"</h2>
                                <p>
                                    {if c.shares {
                                        format!(
                                            "Brands whose products you buy can see your shop's name and town in their reports{since}.",
                                        )
                                    } else {
                                        format!(
                                            "Brands see only how many shops in your area buy their products, never your shop's name{since}.",
                                        )
                                    }}
                                </p>
                                <ActionForm action=set>
                                    <input
                                        type="hidden"
                                        name="shares"
                                        value=(!c.shares).to_string()
                                    />
                                    <button
                                        type="submit"
                                        class="ghost"
                                        data-test="toggle-brand-consent"
                                    >
                                        {if c.shares {
                                            "Hide my shop's name from brands"
                                        } else {
                                            "Let brands see my shop's name"
                                        }}
                                    </button>
                                </ActionForm>
                                {move || {
                                    set.value()
                                        .get()
                                        .and_then(Result::err)
                                        .map(|e| {
                                            view! {
                                                <p class="error" role="alert">
                                                    {e.to_string()}
                                                </p>
                                            }
                                        })
                                }}
                            </section>
                        }
                    })
            })}
        </Suspense>
    }
}

#[component]
fn OrgCard(org: OrgProfile) -> impl IntoView {
    let state = format!("{} ({:02})", org.state_name(), org.state_code);
    view! {
        <section class="card" data-test="org-card">
            <h2>{org.trade_name.clone()}</h2>
            <dl class="facts">
                <dt>"Legal name"</dt>
                <dd>{org.legal_name.clone()}</dd>
                <dt>"GSTIN"</dt>
                <dd>{org.gstin.clone().unwrap_or_else(|| "Not registered".into())}</dd>
                <dt>"Address"</dt>
                <dd>{format!("{}, {} {}", org.address_line, org.city, org.pincode)}</dd>
                <dt>"State"</dt>
                <dd>{state}</dd>
                <dt>"WhatsApp"</dt>
                <dd>{show_phone(&org.whatsapp)}</dd>
                <dt>"Status"</dt>
                <dd data-test="approval" data-state=org.approval.as_str()>
                    {org.approval.label()}
                    {org
                        .approval_note
                        .clone()
                        .map(|n| view! { <span class="muted">{format!(" — {n}")}</span> })}
                </dd>
            </dl>
        </section>
    }
}

#[component]
fn TeamCard(team: Vec<TeamMember>) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Team"</h2>
            <ul class="list">
                {team
                    .into_iter()
                    .map(|m| {
                        view! {
                            <li>
                                <strong>{m.name}</strong>
                                <span class="pill">
                                    {if m.role == crate::domain::MemberRole::Owner {
                                        "Owner"
                                    } else {
                                        "Staff"
                                    }}
                                </span>
                                <span class="muted">
                                    {m
                                        .phone
                                        .as_deref()
                                        .map(show_phone)
                                        .or(m.email)
                                        .unwrap_or_default()}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
