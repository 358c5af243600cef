//! `/admin/whatsapp`: the sender's state, failed messages with the API's reason,
//! broadcasts with their progress, and (without API credentials) the sandbox phone,
//! where every message shows as a chat and its buttons can be tapped.

use super::Segment;
use super::api::{
    RetryMessage, SandboxTap, SandboxType, StartBroadcast, failed_messages, list_broadcasts,
    sandbox_chat, sandbox_phones, whatsapp_overview,
};
use crate::domain::{IndianState, OrgKind};
use crate::ui::form::action_banner;
use crate::ui::gate::gated;
use crate::ui::stat::{Stat, Stats};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn WhatsAppPage() -> impl IntoView {
    gated(
        "WhatsApp · Admin",
        &[OrgKind::Platform],
        |_| view! { <Console /> },
    )
}

#[component]
fn Console() -> impl IntoView {
    let query = use_query_map();
    let phone = move || query.with(|q| q.get("phone").unwrap_or_default());
    let tap = ServerAction::<SandboxTap>::new();
    let typed = ServerAction::<SandboxType>::new();
    let retry = ServerAction::<RetryMessage>::new();
    let start = ServerAction::<StartBroadcast>::new();
    // Progress and new messages show without a reload.
    let tick = RwSignal::new(0u32);
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || tick.update(|t| *t += 1),
            std::time::Duration::from_secs(2),
        );
        if let Ok(h) = handle {
            on_cleanup(move || h.clear());
        }
    }
    let changes = move || {
        (
            tick.get(),
            tap.version().get(),
            typed.version().get(),
            retry.version().get(),
            start.version().get(),
        )
    };
    let stats = Resource::new(changes, |_| whatsapp_overview());
    let failed = Resource::new(
        move || (retry.version().get(), tick.get() / 5),
        |_| failed_messages(),
    );
    let phones = Resource::new(changes, |_| sandbox_phones());
    let chat = Resource::new(
        move || (phone(), changes()),
        |(p, _)| async move {
            if p.is_empty() {
                Ok(Vec::new())
            } else {
                sandbox_chat(p).await
            }
        },
    );
    let broadcasts = Resource::new(changes, |_| list_broadcasts());

    view! {
        <crate::ui::nav::RoleNav kind=OrgKind::Platform />
        <h1>"WhatsApp"</h1>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                stats
                    .await
                    .map(|s| {
                        view! {
                            <p
                                class=if s.sandbox { "banner warn" } else { "banner ok" }
                                data-test="wa-mode"
                            >
                                {s.connection.clone()}
                            </p>
                            <Stats
                                test="wa-stats"
                                items=vec![
                                    Stat::new("Waiting to send", s.pending + s.sending),
                                    Stat::new("Sent", s.sent),
                                    Stat::new("Delivered", s.delivered),
                                    Stat::new("Read", s.read),
                                    Stat::new("Failed", s.failed).warn().test("wa-failed-count"),
                                    Stat::new("Opted out", s.skipped),
                                ]
                            />
                        }
                    })
            })}
        </Transition>

        <section class="card" data-test="sandbox">
            <h2>"Sandbox phone"</h2>
            {action_banner(
                "wa-result",
                tap,
                |outcome: &String| Some(format!("Webhook: {outcome}")),
            )}
            {action_banner(
                "wa-result",
                typed,
                |outcome: &String| Some(format!("Webhook: {outcome}")),
            )}
            <div class="sandbox">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match phones.await {
                            Err(e) => view! { <p class="muted">{e.to_string()}</p> }.into_any(),
                            Ok(list) if list.is_empty() => {
                                view! {
                                    <p class="muted">
                                        "No messages yet. Place an order to see the distributor's alert here."
                                    </p>
                                }
                                    .into_any()
                            }
                            Ok(list) => {
                                view! {
                                    <ul class="phones" data-test="sandbox-phones">
                                        {list
                                            .into_iter()
                                            .map(|p| {
                                                let href = format!("?phone={}", p.phone);
                                                let current = p.phone == phone();
                                                view! {
                                                    <li class:current=current>
                                                        <a href=href data-phone=p.phone.clone()>
                                                            <b>
                                                                {p.name.clone().unwrap_or_else(|| format!("+{}", p.phone))}
                                                            </b>
                                                            <span class="muted">
                                                                {format!(
                                                                    " {} · {} messages",
                                                                    p.org.clone().unwrap_or_default(),
                                                                    p.messages,
                                                                )}
                                                            </span>
                                                        </a>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                        }
                    })}
                </Transition>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let p = phone();
                        chat.await
                            .map(|msgs| {
                                (!p.is_empty())
                                    .then(|| {
                                        view! {
                                            <div class="chat" data-test="sandbox-chat">
                                                <p class="muted">{format!("+{p}")}</p>
                                                {msgs
                                                    .into_iter()
                                                    .map(|m| {
                                                        let id = m.id;
                                                        view! {
                                                            <div
                                                                class="bubble"
                                                                data-test="bubble"
                                                                data-delivery=m.delivery.clone().unwrap_or_default()
                                                            >
                                                                {m
                                                                    .document
                                                                    .clone()
                                                                    .map(|(name, media)| {
                                                                        view! {
                                                                            <a
                                                                                class="doc"
                                                                                href=format!("/admin/whatsapp/media/{media}")
                                                                                download=name.clone()
                                                                            >
                                                                                {format!("📄 {name}")}
                                                                            </a>
                                                                        }
                                                                    })}
                                                                <p class="text">{m.text.clone()}</p>
                                                                <span class="muted small">
                                                                    {format!(
                                                                        "{} {}",
                                                                        m.at,
                                                                        match m.delivery.as_deref() {
                                                                            Some("read") => "✓✓ read",
                                                                            Some("delivered") => "✓✓",
                                                                            Some("sent") => "✓",
                                                                            _ => "",
                                                                        },
                                                                    )}
                                                                </span>
                                                                <div class="bubble-buttons">
                                                                    {m
                                                                        .buttons
                                                                        .clone()
                                                                        .into_iter()
                                                                        .enumerate()
                                                                        .map(|(i, title)| {
                                                                            view! {
                                                                                <ActionForm action=tap>
                                                                                    <input type="hidden" name="message_id" value=id />
                                                                                    <input type="hidden" name="button" value=i />
                                                                                    <button type="submit" data-test="wa-button">
                                                                                        {title}
                                                                                    </button>
                                                                                </ActionForm>
                                                                            }
                                                                        })
                                                                        .collect_view()}
                                                                </div>
                                                            </div>
                                                        }
                                                    })
                                                    .collect_view()}
                                                <ActionForm action=typed attr:class="row">
                                                    <input type="hidden" name="phone" value=p.clone() />
                                                    <input
                                                        name="text"
                                                        placeholder="Type a reply, e.g. STOP"
                                                        aria-label="Reply"
                                                    />
                                                    <button type="submit">"Send"</button>
                                                </ActionForm>
                                            </div>
                                        }
                                    })
                            })
                    })}
                </Transition>
            </div>
        </section>

        <section class="card">
            <h2>"Broadcast"</h2>
            <p class="muted">
                "An announcement to every business in a segment that has not opted out, sent at the pace you choose. Users reply STOP to opt out."
            </p>
            {action_banner(
                "wa-result",
                start,
                |b: &super::BroadcastRow| Some(format!("Queued for {} recipients.", b.recipients)),
            )}
            <ActionForm action=start attr:class="stack" attr:data-test="broadcast-form">
                <label>
                    "Message" <textarea name="message" maxlength="500" required></textarea>
                </label>
                <label>
                    "Send to"
                    <select name="segment">
                        {[
                            Segment::Retailers,
                            Segment::Distributors,
                            Segment::State,
                            Segment::Pincode,
                        ]
                            .into_iter()
                            .map(|s| view! { <option value=s.as_str()>{s.label()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    "State or pincode prefix (for those choices)"
                    <input name="segment_value" list="state-codes" placeholder="27 or 411" />
                    <datalist id="state-codes">
                        {IndianState::selectable()
                            .map(|s| view! { <option value=s.code_str()>{s.name}</option> })
                            .collect_view()}
                    </datalist>
                </label>
                <label>
                    "Messages per second"
                    <input name="per_second" type="number" min="1" max="80" value="10" />
                </label>
                <button type="submit">"Send broadcast"</button>
            </ActionForm>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    broadcasts
                        .await
                        .map(|list| {
                            view! {
                                <ul class="broadcasts" data-test="broadcasts">
                                    {list
                                        .into_iter()
                                        .map(|b| {
                                            view! {
                                                <li>
                                                    <div>{b.message.clone()}</div>
                                                    <progress max="100" value=b.percent()></progress>
                                                    <span class="muted">
                                                        {format!(
                                                            " {} of {} done ({} sent, {} failed, {} opted out) · {} {} · {}/s · {}",
                                                            b.done(),
                                                            b.recipients,
                                                            b.sent,
                                                            b.failed,
                                                            b.skipped,
                                                            b.segment,
                                                            b.segment_value,
                                                            b.per_second,
                                                            b.at,
                                                        )}
                                                    </span>
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

        <section class="card">
            <h2>"Failed messages"</h2>
            {action_banner("wa-result", retry, |_: &()| Some("Queued again.".to_string()))}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    failed
                        .await
                        .map(|list| {
                            if list.is_empty() {
                                view! { <p class="muted">"None."</p> }.into_any()
                            } else {
                                view! {
                                    <table class="table" data-test="wa-failed">
                                        <thead>
                                            <tr>
                                                <th>"When"</th>
                                                <th>"To"</th>
                                                <th>"Message"</th>
                                                <th>"Why"</th>
                                                <th></th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list
                                                .into_iter()
                                                .map(|f| {
                                                    view! {
                                                        <tr>
                                                            <td>{f.at.clone()}</td>
                                                            <td>
                                                                {format!(
                                                                    "{} +{}",
                                                                    f.to_name.clone().unwrap_or_default(),
                                                                    f.recipient,
                                                                )}
                                                            </td>
                                                            <td>
                                                                {format!(
                                                                    "{}{}",
                                                                    f.template,
                                                                    f
                                                                        .order_id
                                                                        .map(|o| format!(" · order #{o}"))
                                                                        .unwrap_or_default(),
                                                                )}
                                                            </td>
                                                            <td>
                                                                {format!("{} (after {} attempts)", f.error, f.attempts)}
                                                            </td>
                                                            <td>
                                                                <ActionForm action=retry>
                                                                    <input type="hidden" name="id" value=f.id />
                                                                    <button type="submit">"Retry"</button>
                                                                </ActionForm>
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
                        })
                })}
            </Transition>
        </section>
    }
}
