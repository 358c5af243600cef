//! HSN codes the GST schedule does not name: the box a brand sees in the product
//! form to propose one, the list of its proposals with what became of them, and
//! the admin's queue on the GST page (add a rate, which closes the proposal, or
//! decline it with a reason the brand sees).

use super::HsnProposalRow;
use super::api::{DeclineHsnProposal, ProposeHsn, hsn_proposals, my_hsn_proposals};
use crate::domain::gst::rate_label;
use crate::domain::gst_schedule::HsnProposalInput;
use crate::ui::confirm::Confirm;
use crate::ui::form::{ErrorSignal, action_banner};
use leptos::form::ActionForm;
use leptos::prelude::*;

/// What the brand believed and what became of it, in a few words.
fn status(p: &HsnProposalRow) -> String {
    match p.outcome.as_deref() {
        None => "Waiting for the admin".into(),
        Some("added") => format!("Added to the schedule. {}", p.outcome_note),
        Some(_) => format!("Declined: {}", p.outcome_note),
    }
}

fn proposed(p: &HsnProposalRow) -> String {
    let rate = p
        .rate_bp
        .map(|bp| format!(" at {}", rate_label(bp)))
        .unwrap_or_default();
    let source = if p.source.is_empty() {
        String::new()
    } else {
        format!(" ({})", p.source)
    };
    format!("{}{rate}{source}", p.description)
}

/// Inside the product form (so no form of its own): the brand says what the
/// goods are and, if it knows, the rate and where the law gives it. It sends
/// after the page is interactive; the product can be saved at the residual rate
/// meanwhile.
#[component]
pub fn HsnProposalBox(hsn: String, proposed: Callback<()>) -> impl IntoView {
    let propose = ServerAction::<ProposeHsn>::new();
    let description = RwSignal::new(String::new());
    let rate = RwSignal::new(String::new());
    let source = RwSignal::new(String::new());
    let errors: ErrorSignal = Signal::derive(move || propose.value().get().and_then(Result::err));
    let reason = move |key: &'static str| move || errors.get().and_then(|e| e.reason_for(key));
    Effect::new(move || {
        if let Some(Ok(_)) = propose.value().get() {
            proposed.run(());
        }
    });
    let code = hsn.clone();
    let send = move |_| {
        propose.dispatch(ProposeHsn {
            proposal: HsnProposalInput {
                hsn: code.clone(),
                description: description.get_untracked(),
                rate: rate.get_untracked(),
                source: source.get_untracked(),
            },
        });
    };
    let input = move |signal: RwSignal<String>| move |ev| signal.set(event_target_value(&ev));
    view! {
        <details class="propose" data-test="propose-hsn">
            <summary>{format!("The schedule misses HSN {hsn}? Propose it to AuroMart")}</summary>
            <label class="field">
                "What the goods are"
                <input
                    type="text"
                    maxlength="200"
                    data-test="proposal-description"
                    prop:value=description
                    on:input=input(description)
                /> <small class="field-error" role="alert">
                    {reason("description")}
                </small>
            </label>
            <label class="field">
                "GST you believe applies, in percent (optional)"
                <input
                    type="text"
                    inputmode="decimal"
                    maxlength="5"
                    data-test="proposal-rate"
                    prop:value=rate
                    on:input=input(rate)
                /> <small class="field-error" role="alert">
                    {reason("rate")}
                </small>
            </label>
            <label class="field">
                "Where the law gives it: notification and serial number (optional)"
                <input
                    type="text"
                    maxlength="200"
                    data-test="proposal-source"
                    prop:value=source
                    on:input=input(source)
                /> <small class="field-error" role="alert">
                    {reason("source")}
                </small>
            </label>
            <button type="button" data-test="send-proposal" on:click=send>
                "Send to the admin"
            </button>
            {action_banner(
                "proposal-sent",
                propose,
                |p| {
                    Some(
                        format!(
                            "Sent: AuroMart will add HSN {} to the schedule or tell you why not. Until then the residual rate applies.",
                            p.hsn,
                        ),
                    )
                },
            )}
        </details>
    }
}

/// The brand's proposals and what became of them (shown when there are any).
#[component]
pub fn MyProposals(refresh: ReadSignal<u32>) -> impl IntoView {
    let list = Resource::new(move || refresh.get(), |_| my_hsn_proposals());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = list.await.ok().filter(|l| !l.is_empty())?;
                Some(
                    view! {
                        <section class="card" data-test="my-proposals">
                            <h2>"HSN codes you proposed"</h2>
                            <ul class="list">
                                {list
                                    .into_iter()
                                    .map(|p| {
                                        view! {
                                            <li data-test="my-proposal" data-hsn=p.hsn.clone()>
                                                <strong>{p.hsn.clone()}</strong>
                                                {format!(" {}, {}: ", proposed(&p), p.proposed)}
                                                <span class="muted">{status(&p)}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </section>
                    },
                )
            })}
        </Suspense>
    }
}

/// The admin's queue of open proposals, on the GST page. "Add a rate" looks the
/// code up (the form below adds it); adding a rate that covers the code closes
/// the proposal. `changed` moves when a rate is added.
#[component]
pub fn ProposalQueue(changed: Signal<usize>) -> impl IntoView {
    let decline = ServerAction::<DeclineHsnProposal>::new();
    let list = Resource::new(
        move || (changed.get(), decline.version().get()),
        |_| hsn_proposals(),
    );
    view! {
        {action_banner(
            "proposal-declined",
            decline,
            |p| Some(format!("The proposal of HSN {} is declined; {} sees why.", p.hsn, p.brand)),
        )}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = list.await.ok().filter(|l| !l.is_empty())?;
                Some(
                    view! {
                        <section class="card" data-test="hsn-proposals">
                            <h2>"Codes proposed by brands"</h2>
                            <table class="table">
                                <thead>
                                    <tr>
                                        <th>"Code"</th>
                                        <th>"Goods, rate and source as proposed"</th>
                                        <th>"By"</th>
                                        <th></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|p| {
                                            let id = p.id.to_string();
                                            view! {
                                                <tr data-test="hsn-proposal" data-hsn=p.hsn.clone()>
                                                    <td>
                                                        <a href=crate::ui::href(
                                                            "/admin/gst",
                                                            &[("hsn", p.hsn.clone())],
                                                        )>{p.hsn.clone()}</a>
                                                    </td>
                                                    <td>{proposed(&p)}</td>
                                                    <td>
                                                        {format!("{}, {} ({})", p.proposed_by, p.brand, p.proposed)}
                                                    </td>
                                                    <td>
                                                        <Confirm
                                                            label="Decline"
                                                            test="ask-decline-proposal"
                                                            question=format!(
                                                                "Decline HSN {} for {}? Say why: they see it.",
                                                                p.hsn,
                                                                p.brand,
                                                            )
                                                        >
                                                            <ActionForm action=decline attr:class="inline">
                                                                <input type="hidden" name="id" value=id.clone() />
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
                                                                    data-test="decline-proposal"
                                                                >
                                                                    "Yes, decline"
                                                                </button>
                                                            </ActionForm>
                                                        </Confirm>
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </section>
                    },
                )
            })}
        </Suspense>
    }
}
