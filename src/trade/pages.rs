//! Distributor stock, links between brands and distributors, delivery options.

use super::DeliveryOptions;
use super::api::{
    AdjustStock, AnswerLink, AskLink, EndLink, SaveDeliveryOptions, SaveListing,
    get_delivery_options, links, partners, stock, stock_history,
};
use crate::domain::MemberRole;
use crate::domain::OrgKind;
use crate::domain::gst::rate_label;
use crate::ui::confirm::Confirm;
use crate::ui::decide::Decide;
use crate::ui::form::{OwnerForm, SettingsPage, YesNo, use_save_form};
use crate::ui::gate::gated;
use crate::ui::money;
use crate::ui::nav::RoleNav;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn StockPage() -> impl IntoView {
    gated("Stock", &[OrgKind::Distributor], |_| view! { <Stock /> })
}

fn rupees(paise: i64) -> String {
    format!("{}.{:02}", paise / 100, paise % 100)
}

#[component]
fn Stock() -> impl IntoView {
    let save = ServerAction::<SaveListing>::new();
    let adjust = ServerAction::<AdjustStock>::new();
    let q = RwSignal::new(String::new());
    let carried_only = RwSignal::new(false);
    let rows = Resource::new(
        move || {
            (
                q.get(),
                carried_only.get(),
                save.version().get(),
                adjust.version().get(),
            )
        },
        |(q, c, _, _)| stock(q, c),
    );
    let history_for = RwSignal::new(None::<i64>);
    let history = Resource::new(
        move || (history_for.get(), adjust.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => stock_history(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let error = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .or_else(|| adjust.value().get().and_then(Result::err))
    };
    view! {
        <RoleNav kind=OrgKind::Distributor />
        <h1>"Stock and prices"</h1>
        <p class="muted">
            "Products of the brands you are linked with. Set your price (never above MRP) and minimum order, then record stock received."
        </p>
        <div class="filters">
            <input
                type="search"
                placeholder="Find a product"
                data-test="stock-search"
                on:input=move |ev| q.set(event_target_value(&ev))
            />
            <label class="check">
                <input
                    type="checkbox"
                    on:change=move |ev| carried_only.set(event_target_checked(&ev))
                />
                " Only what I carry"
            </label>
        </div>
        {move || {
            error()
                .map(|e| {
                    view! {
                        <div class="banner danger" role="alert" data-test="stock-error">
                            {e.to_string()}
                        </div>
                    }
                })
        }}
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(list) if list.is_empty() => {
                        view! {
                            <p class="card muted">
                                "No products yet: link with a brand first (Brands)."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(list) => {
                        view! {
                            <ul class="stock" data-test="stock-list">
                                {list
                                    .into_iter()
                                    .map(|r| {
                                        let available = r.on_hand - r.reserved;
                                        view! {
                                            <li
                                                class="card"
                                                data-test="stock-row"
                                                data-name=r.name.clone()
                                            >
                                                <div class="order-head">
                                                    <strong>{r.name.clone()}</strong>
                                                    <span class="pill">{r.manufacturer.clone()}</span>
                                                    {r
                                                        .listing_id
                                                        .map(|_| {
                                                            view! {
                                                                <span class="pill active">
                                                                    {if r.active { "Selling" } else { "Paused" }}
                                                                </span>
                                                            }
                                                        })}
                                                </div>
                                                <div class="muted">
                                                    {format!(
                                                        "{} · {} · MRP {} / {} · GST {}",
                                                        r.code,
                                                        r.brand,
                                                        money(r.mrp_paise),
                                                        r.unit,
                                                        r
                                                            .rate_bp
                                                            .map(rate_label)
                                                            .unwrap_or_else(|| "unknown".into()),
                                                    )}
                                                </div>
                                                {r
                                                    .short_hsn
                                                    .clone()
                                                    .map(|h| {
                                                        view! {
                                                            <div class="banner warn" data-test="hsn-warning">
                                                                {format!(
                                                                    "HSN {h} has {} digits: e-invoices need 6. Ask {} for the 6-digit code before you invoice this product.",
                                                                    h.len(),
                                                                    r.manufacturer,
                                                                )}
                                                            </div>
                                                        }
                                                    })}
                                                {r
                                                    .listing_id
                                                    .map(|_| {
                                                        view! {
                                                            <div data-test="stock-levels">
                                                                {format!(
                                                                    "On hand {} · reserved {} · available {}",
                                                                    r.on_hand,
                                                                    r.reserved,
                                                                    available,
                                                                )}
                                                            </div>
                                                        }
                                                    })}
                                                <ActionForm action=save attr:class="inline">
                                                    <input type="hidden" name="sku_id" value=r.sku_id />
                                                    <label>
                                                        "Price ₹ "
                                                        <input
                                                            name="price"
                                                            required
                                                            inputmode="decimal"
                                                            size="8"
                                                            data-test="price"
                                                            value=r
                                                                .price_paise
                                                                .map(rupees)
                                                                .unwrap_or_else(|| rupees(r.mrp_paise))
                                                        />
                                                    </label>
                                                    <label>
                                                        "Min order "
                                                        <input
                                                            name="min_order_qty"
                                                            required
                                                            inputmode="numeric"
                                                            size="4"
                                                            value=r.min_order_qty
                                                        />
                                                    </label>
                                                    <input
                                                        type="hidden"
                                                        name="active"
                                                        value=if r.listing_id.is_some() {
                                                            r.active.to_string()
                                                        } else {
                                                            "true".into()
                                                        }
                                                    />
                                                    <button type="submit" data-test="save-listing">
                                                        {if r.listing_id.is_some() {
                                                            "Update"
                                                        } else {
                                                            "Carry this"
                                                        }}
                                                    </button>
                                                </ActionForm>
                                                {r
                                                    .listing_id
                                                    .map(|lid| {
                                                        view! {
                                                            <ActionForm action=adjust attr:class="inline">
                                                                <input type="hidden" name="listing_id" value=lid />
                                                                <select name="kind" aria-label="Change">
                                                                    <option value="received">"Received"</option>
                                                                    <option value="damaged">"Damaged"</option>
                                                                    <option value="correction">"Stock count"</option>
                                                                </select>
                                                                <input
                                                                    name="qty"
                                                                    required
                                                                    inputmode="numeric"
                                                                    size="6"
                                                                    placeholder="Qty"
                                                                    data-test="adjust-qty"
                                                                />
                                                                <input name="note" placeholder="Note (optional)" />
                                                                <button type="submit" data-test="adjust">
                                                                    "Record"
                                                                </button>
                                                            </ActionForm>
                                                            <button
                                                                type="button"
                                                                class="ghost"
                                                                on:click=move |_| history_for.set(Some(lid))
                                                            >
                                                                "History"
                                                            </button>
                                                            <ActionForm action=save attr:class="inline">
                                                                <input type="hidden" name="sku_id" value=r.sku_id />
                                                                <input
                                                                    type="hidden"
                                                                    name="price"
                                                                    value=r.price_paise.map(rupees).unwrap_or_default()
                                                                />
                                                                <input
                                                                    type="hidden"
                                                                    name="min_order_qty"
                                                                    value=r.min_order_qty
                                                                />
                                                                <input
                                                                    type="hidden"
                                                                    name="active"
                                                                    value=(!r.active).to_string()
                                                                />
                                                                <button type="submit" class="ghost">
                                                                    {if r.active { "Pause selling" } else { "Resume selling" }}
                                                                </button>
                                                            </ActionForm>
                                                        }
                                                    })}
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
        </Transition>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                history
                    .await
                    .ok()
                    .flatten()
                    .map(|moves| {
                        view! {
                            <section class="card" data-test="history">
                                <h2>"Stock history"</h2>
                                <ul class="list">
                                    {moves
                                        .into_iter()
                                        .map(|m| {
                                            view! {
                                                <li>
                                                    <strong>{m.kind}</strong>
                                                    <span>
                                                        {format!(
                                                            "on hand {:+} → {}, reserved {:+} → {}",
                                                            m.on_hand_delta,
                                                            m.on_hand_after,
                                                            m.reserved_delta,
                                                            m.reserved_after,
                                                        )}
                                                    </span>
                                                    <span class="muted">
                                                        {format!(
                                                            "{} {}{}",
                                                            m.at,
                                                            m.by_name.unwrap_or_default(),
                                                            m
                                                                .order_id
                                                                .map(|o| format!(" · order #{o}"))
                                                                .unwrap_or_default(),
                                                        )}
                                                    </span>
                                                    {m.note.map(|n| view! { <span>{n}</span> })}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                    })
            })}
        </Transition>
    }
}

#[component]
pub fn LinksPage() -> impl IntoView {
    gated(
        "Links",
        &[OrgKind::Manufacturer, OrgKind::Distributor],
        |u| view! { <Links kind=u.org_kind /> },
    )
}

#[component]
fn Links(kind: OrgKind) -> impl IntoView {
    let ask = ServerAction::<AskLink>::new();
    let answer = ServerAction::<AnswerLink>::new();
    let end = ServerAction::<EndLink>::new();
    let list = Resource::new(
        move || {
            (
                ask.version().get(),
                answer.version().get(),
                end.version().get(),
            )
        },
        |_| links(),
    );
    let q = RwSignal::new(String::new());
    let found = Resource::new(move || q.get(), partners);
    let (title, other) = if kind == OrgKind::Manufacturer {
        ("Distributors", "distributor")
    } else {
        ("Brands", "manufacturer")
    };
    let error = move || {
        ask.value()
            .get()
            .and_then(Result::err)
            .or_else(|| answer.value().get().and_then(Result::err))
            .or_else(|| end.value().get().and_then(Result::err))
    };
    view! {
        <RoleNav kind />
        <h1>{title}</h1>
        {move || {
            error()
                .map(|e| {
                    view! {
                        <div class="banner danger" role="alert">
                            {e.to_string()}
                        </div>
                    }
                })
        }}
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                list.await
                    .map(|rows| {
                        view! {
                            <ul class="list card" data-test="links">
                                {rows
                                    .is_empty()
                                    .then(|| {
                                        view! {
                                            <li class="muted">
                                                {format!("No links yet: find a {other} below.")}
                                            </li>
                                        }
                                    })}
                                {rows
                                    .into_iter()
                                    .map(|l| {
                                        view! {
                                            <li
                                                data-test="link"
                                                data-name=l.other_name.clone()
                                                data-state=l.state.clone()
                                            >
                                                <strong>{l.other_name.clone()}</strong>
                                                <span class="muted">{l.other_city.clone()}</span>
                                                {(l.state == "active")
                                                    .then(|| {
                                                        view! {
                                                            <span class="muted" data-test="link-stock">
                                                                {format!(
                                                                    "{} products carried · {} on hand · {} reserved",
                                                                    l.carried,
                                                                    l.on_hand,
                                                                    l.reserved,
                                                                )}
                                                            </span>
                                                        }
                                                    })}
                                                <span class=format!(
                                                    "pill {}",
                                                    l.state,
                                                )>
                                                    {match (l.state.as_str(), l.awaiting_me) {
                                                        ("active", _) => "Linked",
                                                        ("ended", _) => "Ended",
                                                        (_, true) => "Wants to link with you",
                                                        _ => "Waiting for their answer",
                                                    }}
                                                </span>
                                                {l
                                                    .awaiting_me
                                                    .then(|| {
                                                        view! {
                                                            <Decide
                                                                action=answer
                                                                id_name="other_id"
                                                                id=l.other_id
                                                                flag="accept"
                                                                yes="Accept"
                                                                no="Decline"
                                                                question=format!("Decline the link with {}?", l.other_name)
                                                                yes_test="accept-link"
                                                                no_test="decline-link"
                                                            />
                                                        }
                                                    })}
                                                {(l.state == "active")
                                                    .then(|| {
                                                        view! {
                                                            <Confirm
                                                                label="End link"
                                                                test="ask-end-link"
                                                                question=format!(
                                                                    "End the link with {}? Its products stop being sold through this link until you link again.",
                                                                    l.other_name,
                                                                )
                                                            >
                                                                <ActionForm action=end attr:class="inline">
                                                                    <input type="hidden" name="other_id" value=l.other_id />
                                                                    <button type="submit" class="danger" data-test="end-link">
                                                                        "Yes, end link"
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
        </Transition>
        <section class="card">
            <h2>{format!("Find a {other}")}</h2>
            <input
                type="search"
                placeholder="Name or city"
                on:input=move |ev| q.set(event_target_value(&ev))
            />
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    found
                        .await
                        .map(|rows| {
                            view! {
                                <ul class="list" data-test="partners">
                                    {rows
                                        .into_iter()
                                        .map(|p| {
                                            view! {
                                                <li data-test="partner" data-name=p.name.clone()>
                                                    <strong>{p.name.clone()}</strong>
                                                    <span class="muted">{p.city.clone()}</span>
                                                    <ActionForm action=ask attr:class="inline">
                                                        <input type="hidden" name="other_id" value=p.id />
                                                        <button type="submit" class="ghost" data-test="ask-link">
                                                            {if kind == OrgKind::Manufacturer {
                                                                "Invite"
                                                            } else {
                                                                "Ask to link"
                                                            }}
                                                        </button>
                                                    </ActionForm>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                        })
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn DeliveryPage() -> impl IntoView {
    gated(
        "Delivery",
        &[OrgKind::Distributor],
        |u| view! { <Delivery owner=u.role == MemberRole::Owner /> },
    )
}

#[component]
fn Delivery(
    /// Staff see the settings read-only: only the owner may change them.
    owner: bool,
) -> impl IntoView {
    let save = ServerAction::<SaveDeliveryOptions>::new();
    let current = Resource::new(move || save.version().get(), |_| get_delivery_options());
    let form = use_save_form(save);
    let reason = move |f: &'static str| form.reason(f);
    view! {
        <SettingsPage
            heading="Delivery and pickup"
            form
            saved_test="delivery-saved"
            fields=&["pincodes", "pickup_address"]
            current
            body=move |o: DeliveryOptions| {
                view! {
                    <OwnerForm action=save owner test="delivery-form">
                        <YesNo
                            label="Do you deliver?"
                            name="options[delivers]"
                            value=o.delivers
                            yes="Yes, I deliver to the pincodes below"
                            no="No delivery"
                            test="delivers"
                        />
                        <crate::places::pages::PincodeListField
                            name="options[pincodes]"
                            value=o.pincodes.clone()
                            reason=Signal::derive(move || reason("pincodes")())
                        />
                        <YesNo
                            label="Can retailers pick up?"
                            name="options[offers_pickup]"
                            value=o.offers_pickup
                            yes="Yes, from the address below"
                            no="No pickup"
                        />
                        <label class="field">
                            "Pickup address"
                            <input name="options[pickup_address]" value=o.pickup_address.clone() />
                            <small class="field-error">{reason("pickup_address")}</small>
                        </label>
                        <label class="field">
                            "Pickup hours"
                            <input
                                name="options[pickup_hours]"
                                value=o.pickup_hours.clone()
                                placeholder="Mon–Sat 9:30 am – 7:30 pm"
                            />
                        </label>
                    </OwnerForm>
                }
            }
        />
    }
}
