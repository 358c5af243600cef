//! The sandbox phone: what each number received, drawn as WhatsApp would show it,
//! and its buttons. A tap is turned into the webhook body Meta would send, signed
//! with the app secret, and handled by the real webhook code. Delivery and read
//! receipts come the same way.

use super::client::{Component, Content, Outgoing, Parameter};
use super::templates;
use super::webhook::{self, Handled};
use super::{PhoneMessage, SandboxPhone};
use crate::domain::Language;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::AppState;
use serde_json::{Value, json};

/// Sends Meta-style "sent" and "delivered" receipts for a sandbox message.
pub async fn deliver(state: &AppState, wamid: &str, to: &str, outbox_id: i64) {
    let statuses: Vec<Value> = ["sent", "delivered"]
        .iter()
        .map(|s| {
            let mut v = status(wamid, to, s);
            v["biz_opaque_callback_data"] = json!(format!("outbox:{outbox_id}"));
            v
        })
        .collect();
    if let Err(e) = post(state, json!({ "statuses": statuses })).await {
        tracing::warn!(error = %e, "sandbox receipts");
    }
}

fn status(wamid: &str, to: &str, s: &str) -> Value {
    json!({
        "id": wamid,
        "status": s,
        "timestamp": chrono::Utc::now().timestamp().to_string(),
        "recipient_id": to,
    })
}

/// Signs and hands a webhook body to the webhook handler, as Meta's POST would.
async fn post(state: &AppState, value: Value) -> Result<Handled, AppError> {
    let body = serde_json::to_vec(&webhook::envelope(value))?;
    let sig = state.whatsapp.sign(&body);
    webhook::handle(state, &body, Some(&sig))
        .await
        .or_internal()
}

pub async fn phones(state: &AppState) -> Result<Vec<SandboxPhone>, AppError> {
    sqlx::query_as!(
        SandboxPhone,
        r#"SELECT s.to_phone AS phone, u.name AS "name?", o.trade_name AS "org?", count(*) AS "messages!"
             FROM sandbox_messages s
             LEFT JOIN users u ON u.phone = s.to_phone
             LEFT JOIN organisations o ON o.id = u.org_id
            GROUP BY 1, 2, 3 ORDER BY max(s.id) DESC LIMIT 200"#
    )
    .fetch_all(&state.db)
    .await
    .or_internal()
}

#[derive(sqlx::FromRow)]
struct Stored {
    id: i64,
    wamid: String,
    request: Value,
    at: String,
    delivery: Option<String>,
}

/// The last 50 messages a number received, oldest first; opening the chat sends
/// read receipts for them.
pub async fn messages(state: &AppState, phone: &str) -> Result<Vec<PhoneMessage>, AppError> {
    let rows: Vec<Stored> = sqlx::query_as!(
        Stored,
        r#"SELECT x.id AS "id!", x.wamid AS "wamid!", x.request AS "request!", x.at AS "at!",
                  x.delivery AS "delivery: String"
             FROM (SELECT s.id, s.wamid, s.request,
                          ist_short(s.created_at) AS at,
                          m.delivery
                     FROM sandbox_messages s LEFT JOIN outbox m ON m.provider_message_id = s.wamid
                    WHERE s.to_phone = $1 ORDER BY s.id DESC LIMIT 50) x
            ORDER BY x.id"#,
        phone
    )
    .fetch_all(&state.db)
    .await?;
    let unread: Vec<Value> = rows
        .iter()
        .filter(|r| r.delivery.as_deref() != Some("read"))
        .map(|r| {
            let mut v = status(&r.wamid, phone, "read");
            v["biz_opaque_callback_data"] = r.request["biz_opaque_callback_data"].clone();
            v
        })
        .collect();
    if !unread.is_empty() {
        post(state, json!({ "statuses": unread })).await?;
    }
    Ok(rows.into_iter().map(show).collect())
}

/// A stored request as the phone shows it.
fn show(r: Stored) -> PhoneMessage {
    let mut m = PhoneMessage {
        id: r.id,
        at: r.at,
        text: String::new(),
        document: None,
        buttons: Vec::new(),
        delivery: r.delivery,
    };
    let Ok(out) = serde_json::from_value::<Outgoing>(r.request) else {
        m.text = "(a message the sandbox cannot show)".into();
        return m;
    };
    match out.content {
        Content::Text { text } => m.text = text.body,
        Content::Interactive { interactive } => {
            m.text = interactive.body.text;
            m.buttons = interactive
                .action
                .buttons
                .into_iter()
                .map(|b| b.reply.title)
                .collect();
        }
        Content::Document { document } => m.document = Some((document.filename, document.id)),
        Content::Template { template } => {
            let lang = Language::parse(&template.language.code).unwrap_or_default();
            let mut values = Vec::new();
            for c in template.components {
                match c {
                    Component::Header { parameters } => {
                        for p in parameters {
                            if let Parameter::Document { document } = p {
                                m.document = Some((document.filename, document.id));
                            }
                        }
                    }
                    Component::Body { parameters } => {
                        values.extend(parameters.into_iter().filter_map(|p| match p {
                            Parameter::Text { text } => Some(text),
                            _ => None,
                        }))
                    }
                    Component::Button { .. } => {}
                }
            }
            match templates::find(&template.name) {
                Some(t) => {
                    m.text = templates::render(t.body.get(lang), &values);
                    m.buttons = t
                        .buttons
                        .iter()
                        .map(|b| b.title.get(lang).to_string())
                        .collect();
                }
                None => m.text = format!("Template {}: {}", template.name, values.join(", ")),
            }
        }
    }
    m
}

/// Taps button `index` of sandbox message `id`: the webhook gets what Meta would send.
pub async fn tap(state: &AppState, id: i64, index: usize) -> Result<String, AppError> {
    let row = sqlx::query!(
        "SELECT to_phone, request FROM sandbox_messages WHERE id = $1",
        id
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::NotFound("Message not found.".into()))?;
    let (phone, request) = (row.to_phone, row.request);
    let out: Outgoing = serde_json::from_value(request)?;
    let no_button = || AppError::NotFound("That message has no such button.".into());
    let inbound_id = format!("wamid.sandbox.in.{id}.{index}.{}", rand_suffix());
    let message = match out.content {
        Content::Template { template } => {
            let payload = template
                .components
                .into_iter()
                .filter_map(|c| match c {
                    Component::Button {
                        index: i,
                        parameters,
                        ..
                    } if i == index.to_string() => parameters.into_iter().find_map(|p| match p {
                        Parameter::Payload { payload } => Some(payload),
                        _ => None,
                    }),
                    _ => None,
                })
                .next()
                .ok_or_else(no_button)?;
            json!({"from": phone, "id": inbound_id, "type": "button",
                   "timestamp": chrono::Utc::now().timestamp().to_string(),
                   "button": {"payload": payload, "text": ""}})
        }
        Content::Interactive { interactive } => {
            let b = interactive
                .action
                .buttons
                .into_iter()
                .nth(index)
                .ok_or_else(no_button)?;
            json!({"from": phone, "id": inbound_id, "type": "interactive",
                   "timestamp": chrono::Utc::now().timestamp().to_string(),
                   "interactive": {"type": "button_reply", "button_reply": {"id": b.reply.id, "title": b.reply.title}}})
        }
        _ => return Err(no_button()),
    };
    let handled = post(state, json!({ "messages": [message] })).await?;
    Ok(handled
        .outcomes
        .into_iter()
        .next()
        .unwrap_or_else(|| "already handled".into()))
}

/// The sandbox user types a text message (STOP, START…).
pub async fn type_text(state: &AppState, phone: &str, text: &str) -> Result<String, AppError> {
    let message = json!({"from": phone, "id": format!("wamid.sandbox.in.text.{}", rand_suffix()),
                         "type": "text", "timestamp": chrono::Utc::now().timestamp().to_string(),
                         "text": {"body": text}});
    let handled = post(state, json!({ "messages": [message] })).await?;
    Ok(handled.outcomes.into_iter().next().unwrap_or_default())
}

fn rand_suffix() -> String {
    use rand::RngCore;
    let mut b = [0u8; 6];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

pub async fn media(state: &AppState, id: &str) -> Result<(String, String, Vec<u8>), AppError> {
    let m = sqlx::query!(
        "SELECT filename, mime, bytes FROM sandbox_media WHERE id = $1",
        id
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::NotFound("Document not found.".into()))?;
    Ok((m.filename, m.mime, m.bytes))
}
