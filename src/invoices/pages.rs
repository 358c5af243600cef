//! Invoice pages: the invoice list with filters and downloads (retailer and
//! distributor), monthly statements, the distributor's billing settings, and the
//! order page's invoice links.

use super::api::{SaveBilling, get_billing, list_invoices, list_statements, order_invoices};
use super::{InvoiceFilter, InvoiceRow, einvoice_href, pdf_href, statement_href};
use crate::domain::MemberRole;
use crate::domain::OrgKind;
use crate::domain::invoice::DocKind;
use crate::ui::form::{Field, FilterSelect, OwnerForm, SettingsPage, YesNo, use_save_form};
use crate::ui::gate::gated;
use crate::ui::live::{orders_version, provide_live_orders};
use crate::ui::money;
use crate::ui::nav::RoleNav;
use leptos::prelude::*;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

const KIND_CHOICES: &[(&str, &str)] = &[
    ("", "Invoices and credit notes"),
    ("invoice", "Invoices"),
    ("credit_note", "Credit notes"),
];

#[component]
pub fn InvoicesPage() -> impl IntoView {
    gated(
        "Invoices",
        &[OrgKind::Retailer, OrgKind::Distributor],
        |u| view! { <Invoices kind=u.org_kind /> },
    )
}

#[component]
fn Invoices(kind: OrgKind) -> impl IntoView {
    provide_live_orders();
    let version = orders_version();
    let query = use_query_map();
    let filter = move || {
        query.with(|q| InvoiceFilter {
            kind: q.get("kind").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
            q: q.get("q").unwrap_or_default(),
        })
    };
    let invoices = Resource::new(move || (filter(), version.get()), |(f, _)| list_invoices(f));
    let statements = Resource::new(move || version.get(), |_| list_statements());
    let other = if kind == OrgKind::Retailer {
        "Distributor"
    } else {
        "Retailer"
    };
    view! {
        <RoleNav kind />
        <h1>"Invoices"</h1>
        <Form method="GET" action="" attr:class="filters">
            <FilterSelect
                name="kind"
                label="Documents"
                choices=KIND_CHOICES
                current=Signal::derive(move || filter().kind)
            />
            <input type="date" name="from" aria-label="From" prop:value=move || filter().from />
            <input type="date" name="to" aria-label="To" prop:value=move || filter().to />
            <input
                type="search"
                name="q"
                placeholder=format!("Number or {}", other.to_lowercase())
                prop:value=move || filter().q
            />
            <button type="submit">"Show"</button>
        </Form>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading invoices…"</p> }
        }>
            {move || Suspend::new(async move {
                match invoices.await {
                    Ok(list) if list.is_empty() => {
                        view! {
                            <p class="muted card" data-test="no-invoices">
                                "No invoices here yet. An invoice is issued when the distributor accepts an order."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(list) => {
                        view! {
                            <div class="table-wrap card">
                                <table class="lines cards" data-test="invoice-list">
                                    <thead>
                                        <tr>
                                            <th>"Document"</th>
                                            <th>"Date"</th>
                                            <th>{other}</th>
                                            <th class="num">"Taxable"</th>
                                            <th class="num">"GST"</th>
                                            <th class="num">"Total"</th>
                                            <th></th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .into_iter()
                                            .map(|i| view! { <InvoiceLine row=i kind /> })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                            .into_any()
                    }
                    Err(e) => view! { <p class="card error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
        <h2>"Monthly statements"</h2>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match statements.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p class="muted">"Statements appear once invoices are issued."</p> }
                            .into_any()
                    }
                    Ok(list) => {
                        view! {
                            <ul class="statements card" data-test="statements">
                                {list
                                    .into_iter()
                                    .map(|s| {
                                        let who = if kind == OrgKind::Retailer {
                                            s.distributor_name.clone()
                                        } else {
                                            s.retailer_name.clone()
                                        };
                                        view! {
                                            <li>
                                                <span>
                                                    {format!(
                                                        "{} · {} · {} invoice{}{} · net {}",
                                                        s.month,
                                                        who,
                                                        s.invoices,
                                                        if s.invoices == 1 { "" } else { "s" },
                                                        if s.credit_notes > 0 {
                                                            format!(
                                                                ", {} credit note{}",
                                                                s.credit_notes,
                                                                if s.credit_notes == 1 { "" } else { "s" },
                                                            )
                                                        } else {
                                                            String::new()
                                                        },
                                                        money(s.net_paise),
                                                    )}
                                                </span>
                                                <a
                                                    class="button ghost"
                                                    href=statement_href(
                                                        &s.month,
                                                        s.retailer_id,
                                                        s.distributor_id,
                                                    )
                                                    download
                                                    rel="external"
                                                    data-test="statement-download"
                                                >
                                                    "Statement PDF"
                                                </a>
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
    }
}

#[component]
fn InvoiceLine(row: InvoiceRow, kind: OrgKind) -> impl IntoView {
    let who = if kind == OrgKind::Retailer {
        row.distributor_name.clone()
    } else {
        row.retailer_name.clone()
    };
    let credit = row.kind == DocKind::CreditNote;
    view! {
        <tr data-test="invoice-row" data-number=row.number.clone() data-kind=row.kind.as_str()>
            <td>
                <strong>{row.number.clone()}</strong>
                <small class="muted">
                    {format!(" {} · order ", row.kind.label())}
                    <A href=format!("/orders/{}", row.order_id)>{format!("#{}", row.order_id)}</A>
                </small>
                {row
                    .refers_to_number
                    .clone()
                    .map(|r| view! { <small class="muted">{format!(" · against {r}")}</small> })}
            </td>
            <td data-label="Date">{row.issued_on.clone()}</td>
            <td data-label=other_label(kind)>{who}</td>
            <td class="num" data-label="Taxable">
                {money(if credit { -row.taxable_paise } else { row.taxable_paise })}
            </td>
            <td class="num" data-label="GST">
                {money(if credit { -row.tax_paise } else { row.tax_paise })}
            </td>
            <td class="num total" data-label="Total">
                {money(if credit { -row.total_paise } else { row.total_paise })}
            </td>
            <td class="row-actions">
                <a
                    class="button"
                    href=pdf_href(row.id)
                    download
                    rel="external"
                    data-test="invoice-download"
                >
                    "PDF"
                </a>
                {(row.einvoice && kind == OrgKind::Distributor)
                    .then(|| {
                        view! {
                            <a
                                class="button ghost"
                                href=einvoice_href(row.id)
                                download
                                rel="external"
                                data-test="einvoice-download"
                            >
                                "e-invoice JSON"
                            </a>
                        }
                    })}
            </td>
        </tr>
    }
}

/// The other party's column heading, repeated on each card on a phone.
fn other_label(kind: OrgKind) -> &'static str {
    if kind == OrgKind::Retailer {
        "Distributor"
    } else {
        "Retailer"
    }
}

/// The invoice and credit note of one order, with download buttons.
#[component]
pub fn OrderInvoices(order_id: i64) -> impl IntoView {
    let version = orders_version();
    let docs = Resource::new(move || version.get(), move |_| order_invoices(order_id));
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                docs.await
                    .ok()
                    .filter(|d| !d.is_empty())
                    .map(|list| {
                        view! {
                            <section class="card" data-test="order-invoices">
                                <h2>"GST documents"</h2>
                                <ul class="statements">
                                    {list
                                        .into_iter()
                                        .map(|i| {
                                            view! {
                                                <li>
                                                    <span>
                                                        {format!(
                                                            "{} {} · {} · {}",
                                                            i.kind.label(),
                                                            i.number,
                                                            i.issued_on,
                                                            money(i.total_paise),
                                                        )}
                                                    </span>
                                                    <a
                                                        class="button"
                                                        href=pdf_href(i.id)
                                                        download
                                                        rel="external"
                                                        data-test="order-invoice-download"
                                                        data-number=i.number.clone()
                                                    >
                                                        "Download PDF"
                                                    </a>
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
pub fn BillingPage() -> impl IntoView {
    gated(
        "Billing",
        &[OrgKind::Distributor],
        |u| view! { <Billing owner=u.role == MemberRole::Owner /> },
    )
}

#[component]
fn Billing(
    /// Staff see the settings read-only: only the owner may change them.
    owner: bool,
) -> impl IntoView {
    let save = ServerAction::<SaveBilling>::new();
    let current = Resource::new(move || save.version().get(), |_| get_billing());
    let form = use_save_form(save);
    view! {
        <SettingsPage
            heading="Billing and invoices"
            form
            saved_test="billing-saved"
            fields=&["upi_id", "invoice_prefix"]
            current
            body=move |b| {
                view! {
                    {(!b.missing.is_empty())
                        .then(|| {
                            view! {
                                <div class="banner danger" data-test="billing-missing">
                                    {format!(
                                        "You cannot accept orders until you add your {}: every invoice prints it.",
                                        b.missing.join(" and "),
                                    )}
                                </div>
                            }
                        })}
                    <OwnerForm action=save owner test="billing-form">
                        <p class="muted">
                            {format!(
                                "GSTIN {} · next invoice number {}",
                                b.gstin.clone().unwrap_or_else(|| "missing".into()),
                                b.next_number,
                            )}
                        </p>
                        <Field
                            name="upi_id"
                            key="upi_id"
                            label="UPI id (printed as a QR code for payment)"
                            value=b.upi_id.clone()
                            placeholder="shopname@okhdfcbank"
                            autocomplete="off"
                            test="upi-id"
                            errors=form.errors
                        />
                        <Field
                            name="invoice_prefix"
                            key="invoice_prefix"
                            label="Invoice number prefix (1–5 letters or digits)"
                            value=b.invoice_prefix.clone()
                            maxlength=5
                            test="invoice-prefix"
                            errors=form.errors
                        />
                        <YesNo
                            label="Round invoice totals to whole rupees?"
                            name="round_off"
                            value=b.round_off
                            yes="Yes, add a round-off line"
                            no="No, show paise"
                        />
                        <YesNo
                            label="E-invoicing (turnover above ₹5 crore)"
                            name="einvoice_enabled"
                            value=b.einvoice_enabled
                            yes="Yes: offer the INV-01 JSON for each B2B invoice"
                            no="Not required"
                            no_first=true
                            test="einvoice"
                        />
                    </OwnerForm>
                }
            }
        />
    }
}
