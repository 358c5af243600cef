//! The admin's GST schedule page: look up a code's entries (the law's and those
//! added since), add a rate change with its date and source, or add a whole
//! notification from CSV. Rows are never edited: a change is a new row from its
//! date, so invoices dated before it keep the old rate.

use super::api::{AddGstRate, ImportGstRates, gst_rates};
use super::{GstRateRow, RATE_CSV_HEADER};
use crate::domain::OrgKind;
use crate::domain::gst::rate_label;
use crate::ui::form::{Field, FormError, use_save_form};
use crate::ui::gate::gated;
use crate::ui::money;
use crate::ui::nav::RoleNav;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn GstRatesPage() -> impl IntoView {
    gated(
        "GST rates",
        &[OrgKind::Platform],
        |_| view! { <GstRates /> },
    )
}

fn slab(r: &GstRateRow) -> String {
    match (r.min_unit_paise, r.max_unit_paise) {
        (0, None) => String::new(),
        (0, Some(max)) => format!("up to {}", money(max)),
        (min, None) => format!("above {}", money(min - 1)),
        (min, Some(max)) => format!("{} – {}", money(min), money(max)),
    }
}

#[component]
fn GstRates() -> impl IntoView {
    let query = use_query_map();
    let add = ServerAction::<AddGstRate>::new();
    let import = ServerAction::<ImportGstRates>::new();
    let hsn = move || query.with(|q| q.get("hsn").unwrap_or_default());
    let rows = Resource::new(
        move || (hsn(), add.version().get(), import.version().get()),
        |(h, _, _)| gst_rates(h),
    );
    let form = use_save_form(add);
    let errors = form.errors;
    let changed = Signal::derive(move || add.version().get() + import.version().get());
    view! {
        <RoleNav kind=OrgKind::Platform />
        <h1>"GST rates"</h1>
        <p class="muted">
            "The schedule of Notification 9/2025-Central Tax (Rate) and the exemptions of 10/2025, in force from 22 Sep 2025, and every change added since. A change applies to invoices dated on or after its date; issued invoices keep their rates."
        </p>
        <super::proposals::ProposalQueue changed />
        <Form method="GET" action="" attr:class="filters">
            <input
                type="search"
                name="hsn"
                inputmode="numeric"
                aria-label="HSN code"
                placeholder="HSN code, e.g. 3401"
                prop:value=hsn
            />
            <button type="submit">"Show"</button>
        </Form>
        <Suspense fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(list) if list.is_empty() => {
                        view! {
                            <p class="muted" data-test="gst-empty">
                                "Type at least the chapter (2 digits) to see its entries."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(list) => {
                        view! {
                            <table class="table" data-test="gst-rates">
                                <thead>
                                    <tr>
                                        <th>"Code"</th>
                                        <th>"Goods"</th>
                                        <th>"Rate"</th>
                                        <th>"From"</th>
                                        <th>"Source"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|r| {
                                            let value = slab(&r);
                                            view! {
                                                <tr
                                                    data-test="gst-row"
                                                    data-hsn=r.hsn.clone()
                                                    class:muted=!r.in_force
                                                >
                                                    <td>{r.hsn.clone()}</td>
                                                    <td>
                                                        {r.description.clone()}
                                                        {(!r.condition.is_empty())
                                                            .then(|| {
                                                                view! { <div class="muted">{r.condition.clone()}</div> }
                                                            })}
                                                        {(!value.is_empty())
                                                            .then(|| view! { <div class="muted">{value}</div> })}
                                                    </td>
                                                    <td>{rate_label(r.rate_bp)}</td>
                                                    <td>
                                                        {r.valid_from.clone()}
                                                        {(!r.in_force)
                                                            .then(|| {
                                                                view! { <div class="muted">"not yet in force"</div> }
                                                            })}
                                                    </td>
                                                    <td>
                                                        {r.source.clone()}
                                                        {r
                                                            .added_by
                                                            .clone()
                                                            .map(|by| {
                                                                view! {
                                                                    <div class="muted">{format!("added by {by}")}</div>
                                                                }
                                                            })}
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                            .into_any()
                    }
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        <section class="card">
            <h2>"Add a rate change"</h2>
            {move || {
                add.value()
                    .get()
                    .and_then(Result::ok)
                    .map(|r| {
                        view! {
                            <div class="banner ok" role="status" data-test="gst-added">
                                {format!(
                                    "HSN {} is {} from {} ({}).",
                                    r.hsn,
                                    rate_label(r.rate_bp),
                                    r.valid_from,
                                    r.source,
                                )}
                            </div>
                        }
                    })
            }}
            <FormError errors />
            <ActionForm action=add attr:class="stack" attr:data-test="gst-form">
                <div class="grid">
                    <Field
                        name="change[hsn]"
                        key="hsn"
                        label="HSN code (or * for any chapter)"
                        required=true
                        errors
                    />
                    <Field
                        name="change[condition]"
                        key="condition"
                        label="Only for (leave empty for all goods of the code)"
                        errors
                    />
                    <Field
                        name="change[valid_from]"
                        key="valid_from"
                        label="In force from"
                        kind="date"
                        required=true
                        errors
                    />
                    <Field
                        name="change[rate]"
                        key="rate"
                        label="Total GST (%)"
                        inputmode="decimal"
                        required=true
                        errors
                    />
                    <Field
                        name="change[min_value]"
                        key="min_value"
                        label="For sale values above (₹ a piece)"
                        inputmode="decimal"
                        errors
                    />
                    <Field
                        name="change[max_value]"
                        key="max_value"
                        label="Up to (₹ a piece)"
                        inputmode="decimal"
                        errors
                    />
                    <Field
                        name="change[description]"
                        key="description"
                        label="Goods"
                        required=true
                        errors
                    />
                    <Field
                        name="change[source]"
                        key="source"
                        label="Notification and serial number"
                        placeholder="19/2025-CT(Rate) S. No. 3"
                        required=true
                        errors
                    />
                </div>
                <button type="submit" data-test="add-gst-rate">
                    "Add the change"
                </button>
            </ActionForm>
        </section>
        <section class="card">
            <h2>"Add a notification from CSV"</h2>
            <p class="muted">
                {format!(
                    "First line: {}. Rates in percent, values in rupees, dates as YYYY-MM-DD. Every row is checked; nothing is added unless all are right.",
                    RATE_CSV_HEADER.join(","),
                )}
            </p>
            {move || {
                import
                    .value()
                    .get()
                    .map(|r| match r {
                        Ok(r) if r.errors.is_empty() => {
                            view! {
                                <div class="banner ok" role="status" data-test="gst-imported">
                                    {format!("Added {} rates.", r.added)}
                                </div>
                            }
                                .into_any()
                        }
                        Ok(r) => {
                            view! {
                                <ul class="banner danger" data-test="gst-import-errors">
                                    {r
                                        .errors
                                        .into_iter()
                                        .map(|e| {
                                            view! {
                                                <li>
                                                    {format!("Line {}, {}: {}", e.line, e.field, e.reason)}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(e) => {
                            view! { <div class="banner danger">{e.to_string()}</div> }.into_any()
                        }
                    })
            }}
            <ActionForm action=import attr:class="stack">
                <label class="field">
                    "CSV" <textarea name="csv" rows="6" required data-test="gst-csv"></textarea>
                </label>
                <button type="submit" data-test="import-gst-rates">
                    "Check and add"
                </button>
            </ActionForm>
        </section>
    }
}
