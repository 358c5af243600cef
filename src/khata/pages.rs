//! The khata's pages. A distributor: what it is owed (total, by age, collected
//! this month, every shop most overdue first) and one shop's account (open
//! invoices, record a payment, the statement of a period, reverse a payment,
//! terms and credit limit). A shop: its account with each distributor.

use super::api::{
    ConnectGateway, DisconnectGateway, PaymentLink, RecordPayment, ReversePayment, SetDefaultDays,
    SetHoldDays, SetReminderDays, SetTerms, get_account, get_gateway, get_receivables, my_accounts,
};
use super::{Account, AccountRow, Method};
use crate::auth::CurrentUser;
use crate::domain::ledger::{Bucket, EntryKind};
use crate::domain::{MemberRole, OrgKind};
use crate::ui::confirm::Confirm;
use crate::ui::form::{action_banner, use_save_form};
use crate::ui::gate::gated;
use crate::ui::live::{accounts_version, provide_live_orders};
use crate::ui::money;
use crate::ui::nav::RoleNav;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_params_map, use_query_map};

fn base(kind: OrgKind) -> &'static str {
    if kind == OrgKind::Distributor {
        "/distributor/accounts"
    } else {
        "/retailer/accounts"
    }
}

/// The list of accounts: a distributor's receivables, or a shop's accounts.
#[component]
pub fn AccountsPage() -> impl IntoView {
    gated("Accounts", &OrgKind::PARTIES, |u: CurrentUser| {
        if u.org_kind == OrgKind::Distributor {
            view! { <ReceivablesView owner=u.role == MemberRole::Owner /> }.into_any()
        } else {
            view! { <ShopAccounts /> }.into_any()
        }
    })
}

/// The five ageing buckets as a row of figures.
#[component]
fn AgeingCards(ageing: [i64; 5]) -> impl IntoView {
    view! {
        <div class="stat-row" data-test="ageing">
            {Bucket::ALL
                .into_iter()
                .map(|b| {
                    view! {
                        <div class="stat" data-bucket=b.index().to_string()>
                            <span class="muted">{b.label()}</span>
                            <strong>{money(ageing[b.index()])}</strong>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn AccountsTable(rows: Vec<AccountRow>, kind: OrgKind) -> impl IntoView {
    let who = if kind == OrgKind::Distributor {
        "Shop"
    } else {
        "Distributor"
    };
    view! {
        <table class="table" data-test="accounts">
            <thead>
                <tr>
                    <th>{who}</th>
                    <th class="num">"Balance"</th>
                    <th class="num">"Overdue"</th>
                    <th class="num">"Over 90 days"</th>
                    <th>"Last payment"</th>
                    <th class="num">"Credit limit"</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|a| {
                        let href = format!("{}/{}", base(kind), a.other_id);
                        let name = a.other_name.clone();
                        let shown = a.other_name.clone();
                        view! {
                            <tr data-test="account-row" data-name=name>
                                <td>
                                    <A href=href>{shown}</A>
                                    <div class="muted">{a.city.clone()}</div>
                                </td>
                                <td class="num" data-test="balance">
                                    {balance_text(a.balance_paise)}
                                </td>
                                <td class="num">{money(a.overdue_paise)}</td>
                                <td class="num">{money(a.ageing[Bucket::Over90.index()])}</td>
                                <td>{a.last_payment.clone().unwrap_or_else(|| "—".into())}</td>
                                <td class="num">
                                    {a
                                        .credit_limit_paise
                                        .map(money)
                                        .unwrap_or_else(|| "—".into())}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// "₹1,200.00 due" or "₹300.00 advance".
fn balance_text(paise: i64) -> String {
    match paise {
        0 => "Settled".into(),
        p if p > 0 => format!("{} due", money(p)),
        p => format!("{} advance", money(-p)),
    }
}

/// CSV, Excel and PDF links of one receivables table (this month's period).
fn report_links(section: &'static str) -> impl IntoView {
    ["csv", "xlsx", "pdf"]
        .into_iter()
        .map(|f| {
            view! {
                <a
                    href=format!("/reports/receivables/{section}/{f}?period=this_month")
                    download
                    data-test=format!("{section}-{f}")
                >
                    {f.to_uppercase()}
                </a>
                " "
            }
        })
        .collect_view()
}

#[component]
fn ReceivablesView(owner: bool) -> impl IntoView {
    // Payments recorded elsewhere (another device, the gateway) show at once.
    provide_live_orders();
    let set_days = ServerAction::<SetDefaultDays>::new();
    let set_hold = ServerAction::<SetHoldDays>::new();
    let set_reminders = ServerAction::<SetReminderDays>::new();
    let data = Resource::new(
        move || {
            (
                accounts_version().get(),
                set_days.version().get(),
                set_hold.version().get(),
                set_reminders.version().get(),
            )
        },
        |_| get_receivables(),
    );
    view! {
        <RoleNav kind=OrgKind::Distributor />
        <h1>"Accounts"</h1>
        <Suspense fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) => {
                        view! {
                            <section class="card" data-test="receivables">
                                <div class="stat-row">
                                    <div class="stat">
                                        <span class="muted">"Receivable"</span>
                                        <strong data-test="receivable">
                                            {money(r.total_paise)}
                                        </strong>
                                    </div>
                                    <div class="stat">
                                        <span class="muted">"Collected this month"</span>
                                        <strong data-test="collected">
                                            {money(r.collected_this_month_paise)}
                                        </strong>
                                    </div>
                                </div>
                                <AgeingCards ageing=r.ageing />
                                <p class="downloads" data-test="receivable-downloads">
                                    "What shops owe: "
                                    {report_links("receivables")}
                                    " · Collected this month: "
                                    {report_links("collections")}
                                </p>
                                <p class="muted" data-test="credit-rules">
                                    {format!(
                                        "Invoices are due {} days after their date. {}",
                                        r.default_due_days,
                                        match r.hold_overdue_days {
                                            Some(n) => {
                                                format!(
                                                    "New orders from a shop with a due more than {n} days late wait for your approval.",
                                                )
                                            }
                                            None => "Orders are never held for late payment.".into(),
                                        },
                                    )}
                                </p>
                                <p class="muted" data-test="reminder-rules">
                                    {format!(
                                        "WhatsApp reminders: {}.",
                                        crate::domain::ledger::describe_reminder_days(
                                            &r.reminder_days,
                                        ),
                                    )}
                                </p>
                            </section>
                            {if r.accounts.is_empty() {
                                view! {
                                    <p class="muted">
                                        "No shop has an invoice from you yet: accounts begin with the first accepted order."
                                    </p>
                                }
                                    .into_any()
                            } else {
                                view! {
                                    <AccountsTable rows=r.accounts kind=OrgKind::Distributor />
                                }
                                    .into_any()
                            }}
                        }
                            .into_any()
                    }
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        {owner
            .then(|| {
                view! {
                    <GatewayCard />
                    <section class="card">
                        <h2>"Days to pay"</h2>
                        <p class="muted">
                            "How many days after an invoice a shop has to pay, unless its own terms say otherwise. Applies to invoices issued from now on."
                        </p>
                        <ActionForm action=set_days attr:class="inline">
                            <input
                                name="days"
                                type="number"
                                min="0"
                                max="365"
                                required
                                aria-label="Days"
                            />
                            <button type="submit">"Save"</button>
                        </ActionForm>
                        {action_banner(
                            "days-saved",
                            set_days,
                            |d| Some(format!("New invoices are due {d} days after their date.")),
                        )}
                    </section>
                    <section class="card">
                        <h2>"Payment reminders"</h2>
                        <p class="muted">
                            "Shops get a WhatsApp reminder of what is still due on these days, counted from each invoice's due date: -3 is three days before, 0 the day itself, 7 a week after. Each reminder goes once, none once paid, none to a shop that replied STOP. Leave it empty for no reminders."
                        </p>
                        <ActionForm
                            action=set_reminders
                            attr:class="inline"
                            attr:data-test="reminder-form"
                        >
                            <input
                                name="days"
                                placeholder="-3, 0, 7, 15"
                                aria-label="Reminder days"
                            />
                            <button type="submit">"Save"</button>
                        </ActionForm>
                        {action_banner(
                            "reminders-saved",
                            set_reminders,
                            |d| {
                                Some(
                                    format!(
                                        "Reminders: {}.",
                                        crate::domain::ledger::describe_reminder_days(d),
                                    ),
                                )
                            },
                        )}
                    </section>
                    <section class="card">
                        <h2>"Hold orders of late payers"</h2>
                        <p class="muted">
                            "A shop's new order waits for your approval while one of its dues is more than this many days past its due date. Leave it empty to never hold. A shop's credit limit is set on its account."
                        </p>
                        <ActionForm action=set_hold attr:class="inline" attr:data-test="hold-form">
                            <input
                                name="days"
                                type="number"
                                min="0"
                                max="365"
                                aria-label="Days late"
                            />
                            <button type="submit">"Save"</button>
                        </ActionForm>
                        {action_banner(
                            "hold-saved",
                            set_hold,
                            |d| {
                                Some(
                                    match d {
                                        Some(n) => {
                                            format!(
                                                "Orders from shops with dues more than {n} days late now wait for your approval.",
                                            )
                                        }
                                        None => "Orders are no longer held for late payment.".into(),
                                    },
                                )
                            },
                        )}
                    </section>
                }
            })}
    }
}

#[component]
fn ShopAccounts() -> impl IntoView {
    provide_live_orders();
    let data = Resource::new(move || accounts_version().get(), |_| my_accounts());
    view! {
        <RoleNav kind=OrgKind::Retailer />
        <h1>"My accounts"</h1>
        <p class="muted">"What you owe each distributor, from their invoices and your payments."</p>
        <Suspense fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(rows) if rows.is_empty() => {
                        view! { <p class="muted">"No invoices yet."</p> }.into_any()
                    }
                    Ok(rows) => view! { <AccountsTable rows kind=OrgKind::Retailer /> }.into_any(),
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One account: the distributor's view (with actions) or the shop's.
#[component]
pub fn AccountPage() -> impl IntoView {
    gated("Account", &OrgKind::PARTIES, |u: CurrentUser| {
        view! { <AccountView kind=u.org_kind owner=u.role == MemberRole::Owner /> }
    })
}

#[component]
fn AccountView(kind: OrgKind, owner: bool) -> impl IntoView {
    provide_live_orders();
    let params = use_params_map();
    let query = use_query_map();
    let record = ServerAction::<RecordPayment>::new();
    let reverse = ServerAction::<ReversePayment>::new();
    let terms = ServerAction::<SetTerms>::new();
    let other = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let period = move || {
        query.with(|q| {
            (
                q.get("from").unwrap_or_default(),
                q.get("to").unwrap_or_default(),
            )
        })
    };
    let data = Resource::new(
        move || {
            (
                other(),
                period(),
                record.version().get(),
                reverse.version().get(),
                terms.version().get(),
                accounts_version().get(),
            )
        },
        |(id, (from, to), ..)| get_account(id, from, to),
    );
    let distributor = kind == OrgKind::Distributor;
    view! {
        <RoleNav kind />
        <p>
            <A href=base(kind)>"← All accounts"</A>
        </p>
        {action_banner(
            "payment-recorded",
            record,
            |p| {
                let applied = p
                    .applied
                    .iter()
                    .map(|(n, a)| format!("{} to {n}", money(*a)))
                    .collect::<Vec<_>>()
                    .join(", ");
                let advance = if p.advance_paise > 0 {
                    format!(" {} kept as an advance.", money(p.advance_paise))
                } else {
                    String::new()
                };
                Some(
                    format!(
                        "{} received on {}.{}{}",
                        money(p.amount_paise),
                        p.received_on,
                        if applied.is_empty() {
                            String::new()
                        } else {
                            format!(" Applied: {applied}.")
                        },
                        advance,
                    ),
                )
            },
        )}
        {action_banner(
            "payment-reversed",
            reverse,
            |p| Some(format!("{} is reversed: its invoices are due again.", money(p.amount_paise))),
        )}
        {action_banner(
            "terms-saved",
            terms,
            |t| {
                Some(
                    format!(
                        "Invoices are due in {} days; credit limit {}.",
                        t.due_days,
                        t.credit_limit_paise.map(money).unwrap_or_else(|| "none".into()),
                    ),
                )
            },
        )}
        <Suspense fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(a) => {
                        view! { <AccountBody a distributor owner record reverse terms /> }
                            .into_any()
                    }
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountBody(
    a: Account,
    distributor: bool,
    owner: bool,
    record: ServerAction<RecordPayment>,
    reverse: ServerAction<ReversePayment>,
    terms: ServerAction<SetTerms>,
) -> impl IntoView {
    let title = if distributor {
        a.retailer.clone()
    } else {
        a.distributor.clone()
    };
    let (form_from, form_to) = (a.from.clone(), a.to.clone());
    let downloads = ["pdf", "xlsx", "csv"]
        .into_iter()
        .map(|f| {
            view! {
                <a
                    href=format!(
                        "/khata/{}/{}/statement/{f}?from={}&to={}",
                        a.distributor_id,
                        a.retailer_id,
                        a.from,
                        a.to,
                    )
                    download
                    data-test=format!("statement-{f}")
                >
                    {f.to_uppercase()}
                </a>
            }
        })
        .collect_view();
    // The shop pays online through a plain link (works before the page's code
    // loads): the server makes the gateway's payment link and redirects to it.
    let pay_href = {
        let (d, r) = (a.distributor_id, a.retailer_id);
        move |invoice: Option<i64>| {
            format!(
                "/khata/{d}/{r}/pay{}",
                invoice.map(|i| format!("?invoice={i}")).unwrap_or_default()
            )
        }
    };
    let pays_online = a.online && !distributor;
    let pay_all = (pays_online && a.balance_paise > 0).then(|| {
        view! {
            <p>
                <a class="button primary" rel="external" href=pay_href(None) data-test="pay-all">
                    {format!("Pay {} online (UPI)", money(a.balance_paise))}
                </a>
            </p>
        }
    });
    let no_gateway_hint = (!a.online && !distributor && a.balance_paise > 0).then(|| {
        view! {
            <p class="muted" data-test="pay-by-upi">
                "Pay by scanning the UPI QR code on the invoice; your distributor marks it paid."
            </p>
        }
    });
    let link_card = (a.online && distributor && a.balance_paise > 0)
        .then(|| view! { <PayLinkCard other=a.retailer_id due=a.balance_paise /> });
    view! {
        <h1 data-test="account-title">{title}</h1>
        {no_gateway_hint}
        <section class="card">
            <div class="stat-row">
                <div class="stat">
                    <span class="muted">"Balance today"</span>
                    <strong data-test="account-balance">{balance_text(a.balance_paise)}</strong>
                </div>
                {(a.advance_paise > 0)
                    .then(|| {
                        view! {
                            <div class="stat">
                                <span class="muted">"Paid, not yet applied"</span>
                                <strong data-test="advance">{money(a.advance_paise)}</strong>
                            </div>
                        }
                    })}
                <div class="stat">
                    <span class="muted">"Terms"</span>
                    <strong data-test="terms">
                        {format!(
                            "{} days{}",
                            a.terms.due_days,
                            a
                                .terms
                                .credit_limit_paise
                                .map(|l| format!(", limit {}", money(l)))
                                .unwrap_or_default(),
                        )}
                    </strong>
                </div>
            </div>
            <AgeingCards ageing=a.ageing />
            {pay_all}
        </section>
        {link_card}
        <h2>"Open invoices"</h2>
        {if a.open.is_empty() {
            view! {
                <p class="muted" data-test="no-open">
                    "Nothing is due."
                </p>
            }
                .into_any()
        } else {
            view! {
                <table class="table" data-test="open-invoices">
                    <thead>
                        <tr>
                            <th>"Invoice"</th>
                            <th>"Date"</th>
                            <th>"Due by"</th>
                            <th class="num">"Total"</th>
                            <th class="num">"Due"</th>
                            <th>"State"</th>
                            {pays_online.then(|| view! { <th></th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {a
                            .open
                            .iter()
                            .map(|o| {
                                let late = if o.days_past < 0 {
                                    "not yet due".to_string()
                                } else {
                                    format!("{} days late", o.days_past)
                                };
                                view! {
                                    <tr data-test="open-invoice" data-number=o.number.clone()>
                                        <td>{o.number.clone()}</td>
                                        <td>{o.issued_on.clone()}</td>
                                        <td>{o.due_on.clone()} <div class="muted">{late}</div></td>
                                        <td class="num">{money(o.total_paise)}</td>
                                        <td class="num" data-test="due">
                                            {money(o.due_paise)}
                                        </td>
                                        <td>{if o.unpaid { "Unpaid" } else { "Part-paid" }}</td>
                                        {pays_online
                                            .then(|| {
                                                view! {
                                                    <td>
                                                        <a
                                                            class="button"
                                                            rel="external"
                                                            href=pay_href(Some(o.invoice_id))
                                                            data-test="pay-invoice"
                                                        >
                                                            {format!("Pay {}", money(o.due_paise))}
                                                        </a>
                                                    </td>
                                                }
                                            })}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            }
                .into_any()
        }}
        {distributor
            .then(|| {
                view! { <PaymentForm a=a.clone() record /> }
            })}
        <h2>"Statement"</h2>
        <Form method="GET" action="" attr:class="filters">
            <label>"From" <input type="date" name="from" value=form_from /></label>
            <label>"To" <input type="date" name="to" value=form_to /></label>
            <button type="submit">"Show"</button>
            {downloads}
        </Form>
        <table class="table" data-test="statement">
            <thead>
                <tr>
                    <th>"Date"</th>
                    <th>"Entry"</th>
                    <th class="num">"Debit"</th>
                    <th class="num">"Credit"</th>
                    <th class="num">"Balance"</th>
                </tr>
            </thead>
            <tbody>
                <tr>
                    <td>{a.from.clone()}</td>
                    <td>"Opening balance"</td>
                    <td></td>
                    <td></td>
                    <td class="num" data-test="opening">
                        {money(a.opening_paise)}
                    </td>
                </tr>
                {a
                    .lines
                    .iter()
                    .map(|l| {
                        let what = match l.kind {
                            EntryKind::Invoice => format!("Invoice {}", l.document),
                            EntryKind::CreditNote => format!("Credit note {}", l.document),
                            EntryKind::Payment => format!("Payment, {}", l.document),
                            EntryKind::Reversal => format!("Reversed: {}", l.note),
                        };
                        view! {
                            <tr data-test="statement-line" data-kind=l.kind.as_str()>
                                <td>{l.date.clone()}</td>
                                <td>{what}</td>
                                <td class="num">
                                    {(l.debit_paise > 0).then(|| money(l.debit_paise))}
                                </td>
                                <td class="num">
                                    {(l.credit_paise > 0).then(|| money(l.credit_paise))}
                                </td>
                                <td class="num">{money(l.balance_paise)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
                <tr>
                    <td>{a.to.clone()}</td>
                    <td>"Closing balance"</td>
                    <td></td>
                    <td></td>
                    <td class="num" data-test="closing">
                        {money(a.closing_paise)}
                    </td>
                </tr>
            </tbody>
        </table>
        {(distributor && owner)
            .then(|| {
                view! {
                    <PaymentsList a=a.clone() reverse />
                    <TermsForm a=a.clone() terms />
                }
            })}
    }
}

#[component]
fn PaymentForm(a: Account, record: ServerAction<RecordPayment>) -> impl IntoView {
    let form = use_save_form(record);
    let errors = form.errors;
    let reason = move |f: &'static str| form.reason(f);
    // A fresh key per form: a retried submit records the payment once.
    let key = RwSignal::new(String::new());
    Effect::new(move || {
        record.version().track();
        key.set(crate::orders::cart::new_key());
    });
    let _ = errors;
    view! {
        <section class="card">
            <h2>"Record a payment"</h2>
            <ActionForm action=record attr:data-test="payment-form">
                <input type="hidden" name="payment[retailer_id]" value=a.retailer_id.to_string() />
                <input type="hidden" name="payment[request_key]" prop:value=key />
                <label class="field">
                    "Amount (₹)"
                    <input name="payment[amount]" inputmode="decimal" required data-test="amount" />
                    <small class="field-error" data-field="amount" role="alert">
                        {reason("amount")}
                    </small>
                </label>
                <label class="field">
                    "Received on"
                    <input
                        name="payment[received_on]"
                        type="date"
                        required
                        value=a.to.clone()
                        max=a.to.clone()
                    /> <small class="field-error" data-field="received_on" role="alert">
                        {reason("received_on")}
                    </small>
                </label>
                <label class="field">
                    "How" <select name="payment[method]" data-test="method">
                        {Method::BY_HAND
                            .into_iter()
                            .map(|m| view! { <option value=m.as_str()>{m.label()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label class="field">
                    "Reference (UTR or cheque number; not needed for cash)"
                    <input name="payment[reference]" maxlength="40" data-test="reference" />
                    <small class="field-error" data-field="reference" role="alert">
                        {reason("reference")}
                    </small>
                </label>
                {(!a.open.is_empty())
                    .then(|| {
                        view! {
                            <fieldset class="field">
                                <legend>"Apply to invoices (leave empty: oldest first)"</legend>
                                {a
                                    .open
                                    .iter()
                                    .enumerate()
                                    .map(|(i, o)| {
                                        view! {
                                            <label class="choice">
                                                <input
                                                    type="hidden"
                                                    name=format!("payment[allocations][{i}][invoice_id]")
                                                    value=o.invoice_id.to_string()
                                                />
                                                {format!("{} (due {})", o.number, money(o.due_paise))}
                                                <input
                                                    name=format!("payment[allocations][{i}][amount]")
                                                    inputmode="decimal"
                                                    placeholder="₹"
                                                    data-test="allocate"
                                                    data-number=o.number.clone()
                                                />
                                            </label>
                                        }
                                    })
                                    .collect_view()}
                                <small class="field-error" data-field="allocations" role="alert">
                                    {reason("allocations")}
                                </small>
                            </fieldset>
                        }
                    })}
                <label class="field">
                    "Note (optional)" <input name="payment[note]" maxlength="300" />
                </label>
                <label class="choice">
                    <input
                        type="checkbox"
                        name="payment[advance_ok]"
                        value="true"
                        data-test="advance-ok"
                    />
                    "Keep what is not applied as an advance"
                </label>
                <small class="field-error" data-field="advance_ok" role="alert">
                    {reason("advance_ok")}
                </small>
                <button type="submit" data-test="record-payment">
                    "Record payment"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn PaymentsList(a: Account, reverse: ServerAction<ReversePayment>) -> impl IntoView {
    let live: Vec<_> = a
        .payments
        .into_iter()
        .filter(|p| p.kind == EntryKind::Payment)
        .collect();
    (!live.is_empty()).then(|| {
        view! {
            <h2>"Payments"</h2>
            <table class="table" data-test="payments">
                <tbody>
                    {live
                        .into_iter()
                        .map(|p| {
                            let id = p.id.to_string();
                            view! {
                                <tr data-test="payment-row" data-reference=p.reference.clone()>
                                    <td>{p.received_on.clone()}</td>
                                    <td>{format!("{} {}", p.method.label(), p.reference)}</td>
                                    <td class="num">{money(p.amount_paise)}</td>
                                    <td>
                                        <a
                                            href=format!("/khata/receipts/{}/pdf", p.id)
                                            download
                                            data-test="receipt"
                                        >
                                            "Receipt"
                                        </a>
                                    </td>
                                    <td>
                                        {if p.reversed {
                                            view! { <span class="pill">"Reversed"</span> }.into_any()
                                        } else {
                                            view! {
                                                <Confirm
                                                    label="Reverse"
                                                    test="ask-reverse"
                                                    question="Reverse this payment? Its invoices become due again; both sides see why."
                                                        .to_string()
                                                >
                                                    <ActionForm action=reverse attr:class="inline">
                                                        <input type="hidden" name="payment_id" value=id.clone() />
                                                        <input
                                                            name="reason"
                                                            required
                                                            placeholder="Reason, e.g. cheque bounced"
                                                            aria-label="Reason"
                                                        />
                                                        <button type="submit" class="danger" data-test="reverse">
                                                            "Yes, reverse"
                                                        </button>
                                                    </ActionForm>
                                                </Confirm>
                                            }
                                                .into_any()
                                        }}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
    })
}

#[component]
fn TermsForm(a: Account, terms: ServerAction<SetTerms>) -> impl IntoView {
    let form = use_save_form(terms);
    let reason = move |f: &'static str| form.reason(f);
    let days = if a.terms.default_days {
        String::new()
    } else {
        a.terms.due_days.to_string()
    };
    let limit = a
        .terms
        .credit_limit_paise
        .map(|l| crate::domain::money::plain(l).replace(',', ""))
        .unwrap_or_default();
    view! {
        <section class="card">
            <h2 id="terms">"Terms for this shop"</h2>
            <ActionForm action=terms attr:data-test="terms-form">
                <input type="hidden" name="retailer_id" value=a.retailer_id.to_string() />
                <label class="field">
                    "Days to pay (empty: your default)"
                    <input name="due_days" type="number" min="0" max="365" value=days />
                    <small class="field-error" data-field="due_days" role="alert">
                        {reason("due_days")}
                    </small>
                </label>
                <label class="field">
                    "Credit limit in ₹ (empty: no limit)"
                    <input name="credit_limit" inputmode="decimal" value=limit />
                    <small class="field-error" data-field="credit_limit" role="alert">
                        {reason("credit_limit")}
                    </small>
                </label>
                <button type="submit">"Save terms"</button>
            </ActionForm>
        </section>
    }
}

/// The distributor's payment link for a shop's whole due: its address to share
/// and a QR code to scan off the phone at the counter.
#[component]
fn PayLinkCard(other: i64, due: i64) -> impl IntoView {
    let make = ServerAction::<PaymentLink>::new();
    view! {
        <section class="card" data-test="pay-link-card">
            <h2>"Collect online"</h2>
            <ActionForm action=make attr:class="inline">
                <input type="hidden" name="other_id" value=other.to_string() />
                <button type="submit" data-test="make-link">
                    {format!("Payment link for {}", money(due))}
                </button>
            </ActionForm>
            {move || match make.value().get() {
                Some(Ok(link)) => {
                    view! {
                        <div data-test="pay-link">
                            <p>
                                <a href=link.url.clone() rel="external" target="_blank">
                                    {link.url.clone()}
                                </a>
                                <span class="muted">
                                    {format!(
                                        " {} · payable until {}",
                                        money(link.amount_paise),
                                        link.expires,
                                    )}
                                </span>
                            </p>
                            <div class="qr" inner_html=link.qr_svg.clone()></div>
                        </div>
                    }
                        .into_any()
                }
                Some(Err(e)) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                None => ().into_any(),
            }}
        </section>
    }
}

/// Connecting the distributor's own Razorpay account (owner only).
#[component]
fn GatewayCard() -> impl IntoView {
    let connect = ServerAction::<ConnectGateway>::new();
    let disconnect = ServerAction::<DisconnectGateway>::new();
    let form = use_save_form(connect);
    let reason = move |f: &'static str| form.reason(f);
    let data = Resource::new(
        move || (connect.version().get(), disconnect.version().get()),
        |_| get_gateway(),
    );
    view! {
        <section class="card" data-test="gateway">
            <h2>"Online payments (Razorpay)"</h2>
            {action_banner(
                "gateway-saved",
                connect,
                |g| {
                    g.key_id
                        .as_ref()
                        .map(|k| format!("Razorpay {k} is connected: shops can pay online."))
                },
            )}
            {action_banner(
                "gateway-removed",
                disconnect,
                |_| Some("Razorpay is disconnected: shops pay to your UPI id again.".into()),
            )}
            <Suspense fallback=|| {
                view! { <p class="muted">"Loading…"</p> }
            }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(g) => {
                            let events = g.events.join(", ");
                            let status = match (&g.key_id, &g.connected_at) {
                                (Some(k), Some(at)) => {
                                    view! {
                                        <p data-test="gateway-status">
                                            {format!("Connected: {k}, since {at}.")}
                                        </p>
                                        <ActionForm action=disconnect attr:class="inline">
                                            <button type="submit" class="danger" data-test="disconnect">
                                                "Disconnect"
                                            </button>
                                        </ActionForm>
                                    }
                                        .into_any()
                                }
                                _ => {
                                    view! {
                                        <p class="muted" data-test="gateway-status">
                                            "Not connected: shops pay to the UPI id on your invoices and you mark payments by hand."
                                        </p>
                                    }
                                        .into_any()
                                }
                            };
                            view! {
                                {status}
                                <p class="muted">
                                    "In Razorpay's dashboard (Settings → Webhooks) add this address with a secret of your choice, and tick "
                                    {events} ":"
                                </p>
                                <p>
                                    <code data-test="webhook-url">{g.webhook_url}</code>
                                </p>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <ActionForm action=connect attr:data-test="gateway-form">
                <label class="field">
                    "Key id"
                    <input name="key_id" required autocomplete="off" placeholder="rzp_live_…" />
                    <small class="field-error" data-field="key_id" role="alert">
                        {reason("key_id")}
                    </small>
                </label>
                <label class="field">
                    "Key secret"
                    <input name="key_secret" type="password" required autocomplete="off" />
                    <small class="field-error" data-field="key_secret" role="alert">
                        {reason("key_secret")}
                    </small>
                </label>
                <label class="field">
                    "Webhook secret"
                    <input name="webhook_secret" type="password" required autocomplete="off" />
                    <small class="field-error" data-field="webhook_secret" role="alert">
                        {reason("webhook_secret")}
                    </small>
                </label>
                <button type="submit" data-test="connect">
                    "Connect Razorpay"
                </button>
            </ActionForm>
        </section>
    }
}
