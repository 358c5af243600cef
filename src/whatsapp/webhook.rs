//! `GET/POST /webhooks/whatsapp`: Meta's verification handshake, and events signed
//! with X-Hub-Signature-256 over the raw body (anything else is refused and changes
//! nothing). Status callbacks move each message's delivery state forward only (a
//! late `delivered` never overwrites `read`). A quick-reply tap from a distributor's
//! owner or staff performs the same order transition as the dashboard and answers
//! with the outcome; STOP / START set the opt-out. Each event is stored under the
//! provider's id and takes effect once, however often Meta repeats it.

use super::templates::{REJECT_REASONS, Tr, reply};
use crate::auth::CurrentUser;
use crate::domain::{ApprovalState, Language, OrgKind};
use crate::server::{AppState, Ctx};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

pub const PATH: &str = "/webhooks/whatsapp";

/// `sha256=<hex HMAC-SHA256 of body>`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    format!("sha256={}", crate::server::hmac::hex_sha256(secret, body))
}

/// Constant-time check of the header against the body.
pub fn signature_ok(secret: &[u8], body: &[u8], header: Option<&str>) -> bool {
    header
        .and_then(|h| h.trim().strip_prefix("sha256="))
        .is_some_and(|hex| crate::server::hmac::hex_matches(secret, body, hex))
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("signature missing or wrong")]
    Signature,
    #[error("not a WhatsApp webhook body: {0}")]
    Body(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

/// What one POST did (for tests and the sandbox page).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Handled {
    pub statuses: usize,
    pub messages: usize,
    pub repeats: usize,
    /// The outcome of each new inbound message, e.g. "accepted order 7".
    pub outcomes: Vec<String>,
}

#[derive(Deserialize)]
struct Payload {
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<ChangeIn>,
}

#[derive(Deserialize)]
struct ChangeIn {
    #[serde(default)]
    value: ValueIn,
}

#[derive(Deserialize, Default)]
struct ValueIn {
    #[serde(default)]
    messages: Vec<Inbound>,
    #[serde(default)]
    statuses: Vec<StatusIn>,
}

#[derive(Deserialize, serde::Serialize)]
struct Inbound {
    from: String,
    id: String,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    text: Option<TextIn>,
    #[serde(default)]
    button: Option<ButtonIn>,
    #[serde(default)]
    interactive: Option<InteractiveIn>,
}

#[derive(Deserialize, serde::Serialize)]
struct TextIn {
    body: String,
}

#[derive(Deserialize, serde::Serialize)]
struct ButtonIn {
    payload: String,
}

#[derive(Deserialize, serde::Serialize)]
struct InteractiveIn {
    #[serde(default)]
    button_reply: Option<ReplyIn>,
}

#[derive(Deserialize, serde::Serialize)]
struct ReplyIn {
    id: String,
}

#[derive(Deserialize, serde::Serialize)]
struct StatusIn {
    id: String,
    status: String,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    biz_opaque_callback_data: Option<String>,
    #[serde(default)]
    errors: Vec<StatusErrorIn>,
}

#[derive(Deserialize, serde::Serialize)]
struct StatusErrorIn {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    title: String,
    #[serde(default)]
    message: String,
}

/// GET: echo `hub.challenge` when `hub.verify_token` matches the configured one.
pub async fn verify(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let expected = state.whatsapp.verify_token.expose_secret();
    let token_ok =
        !expected.is_empty() && q.get("hub.verify_token").map(String::as_str) == Some(expected);
    match (q.get("hub.mode").map(String::as_str), token_ok) {
        (Some("subscribe"), true) => (
            StatusCode::OK,
            q.get("hub.challenge").cloned().unwrap_or_default(),
        )
            .into_response(),
        _ => (StatusCode::FORBIDDEN, "verification refused").into_response(),
    }
}

/// POST: the raw body is checked before anything is parsed.
pub async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let sig = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    match handle(&state, &body, sig).await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(WebhookError::Signature) => {
            tracing::warn!("webhook refused: bad signature");
            (StatusCode::UNAUTHORIZED, "signature refused").into_response()
        }
        Err(WebhookError::Body(e)) => (StatusCode::BAD_REQUEST, e).into_response(),
        Err(WebhookError::Database(e)) => {
            // Meta retries on errors, and every event is handled once, so a retry is safe.
            tracing::error!(error = %e, "webhook: database");
            (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response()
        }
    }
}

pub async fn handle(
    state: &AppState,
    body: &[u8],
    signature: Option<&str>,
) -> Result<Handled, WebhookError> {
    let secret = state.whatsapp.app_secret.expose_secret().as_bytes();
    if !signature_ok(secret, body, signature) {
        return Err(WebhookError::Signature);
    }
    // What people typed is stored with the event: control characters (a NUL
    // would make PostgreSQL refuse the row, and Meta retry for ever) are dropped.
    let mut value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| WebhookError::Body(e.to_string()))?;
    crate::domain::text::scrub_json(&mut value);
    let payload: Payload =
        serde_json::from_value(value).map_err(|e| WebhookError::Body(e.to_string()))?;
    let mut handled = Handled::default();
    for change in payload.entry.iter().flat_map(|e| &e.changes) {
        for status in &change.value.statuses {
            if status_update(state, status).await? {
                handled.statuses += 1;
            } else {
                handled.repeats += 1;
            }
        }
        for message in &change.value.messages {
            match inbound(state, message).await? {
                Some(outcome) => {
                    handled.messages += 1;
                    handled.outcomes.push(outcome);
                }
                None => handled.repeats += 1,
            }
        }
    }
    Ok(handled)
}

/// Moves a message's delivery state forward; false if this event was seen before.
async fn status_update(state: &AppState, s: &StatusIn) -> Result<bool, WebhookError> {
    let key = format!("status:{}:{}", s.id, s.status);
    let outbox_id = s
        .biz_opaque_callback_data
        .as_deref()
        .and_then(|d| d.strip_prefix("outbox:"))
        .and_then(|n| n.parse::<i64>().ok());
    let error = s.errors.first().map(|e| {
        format!("code {}: {} {}", e.code, e.title, e.message)
            .trim()
            .to_string()
    });
    let at: Option<i64> = s.timestamp.as_deref().and_then(|t| t.parse().ok());
    let payload = serde_json::to_value(s).map_err(|e| WebhookError::Body(e.to_string()))?;
    let mut tx = state.db.begin().await?;
    let fresh: Option<i64> = sqlx::query_scalar!("INSERT INTO webhook_events (event_key, kind, payload, outcome) VALUES ($1, 'status', $2, 'applied')
         ON CONFLICT (event_key) DO NOTHING RETURNING id", &key, payload)
    .fetch_optional(&mut *tx)
    .await?;
    if fresh.is_none() {
        return Ok(false);
    }
    let known: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM outbox WHERE provider_message_id = $1 OR id = $2) AS "exists!""#,
        &s.id,
        outbox_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if !known {
        // Not ours (yet): not recorded, so a repeat is applied once the row exists.
        return Ok(true);
    }
    // The API took a message whose sender died before recording it: it was sent.
    if let Some(id) = outbox_id {
        sqlx::query!("UPDATE outbox SET state = 'sent', provider_message_id = $2, sent_at = now(), lease_until = NULL
              WHERE id = $1 AND state = 'sending' AND provider_message_id IS NULL", id, &s.id)
        .execute(&mut *tx)
        .await?;
    }
    let order: Option<Option<i64>> = sqlx::query_scalar!(
        "UPDATE outbox SET delivery = $2, delivery_at = COALESCE(to_timestamp($4::bigint), now()),
                           delivery_error = COALESCE($5, delivery_error)
          WHERE id = (SELECT id FROM outbox WHERE provider_message_id = $1
                      UNION ALL SELECT id FROM outbox WHERE id = $3 LIMIT 1)
            AND delivery IS DISTINCT FROM 'failed'
            AND (COALESCE(array_position(ARRAY['sent', 'delivered', 'read'], $2), 0)
                   > COALESCE(array_position(ARRAY['sent', 'delivered', 'read'], delivery), 0)
                 OR ($2 = 'failed' AND COALESCE(delivery, 'sent') = 'sent'))
          RETURNING order_id",
        &s.id,
        &s.status,
        outbox_id,
        at,
        error
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(Some(order)) = order {
        notify_order(&mut tx, order).await?;
    }
    tx.commit().await?;
    Ok(true)
}

async fn notify_order(conn: &mut sqlx::PgConnection, order: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT pg_notify('order_changes', json_build_object('order', id, 'retailer', retailer_id, 'distributor', distributor_id)::text)
           FROM orders WHERE id = $1", order)
    .execute(conn)
    .await?;
    Ok(())
}

/// A reply to queue with the event, inside the window the user's message opened.
enum Answer {
    Text(String),
    Buttons(String, Vec<(String, String)>),
    Nothing,
}

/// Handles one inbound message; None if it was handled before.
async fn inbound(state: &AppState, m: &Inbound) -> Result<Option<String>, WebhookError> {
    let key = format!("message:{}", m.id);
    // Two deliveries of one event at once: the second waits for the first, then sees
    // it recorded. (A session lock on a connection of its own, released on return.)
    let mut guard = state.db.acquire().await?;
    sqlx::query!("SELECT pg_advisory_lock(hashtext($1))", &key)
        .execute(&mut *guard)
        .await?;
    let result = inbound_locked(state, m, &key).await;
    sqlx::query_scalar!("SELECT pg_advisory_unlock(hashtext($1))", &key)
        .fetch_one(&mut *guard)
        .await?;
    result
}

async fn inbound_locked(
    state: &AppState,
    m: &Inbound,
    key: &str,
) -> Result<Option<String>, WebhookError> {
    let seen: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM webhook_events WHERE event_key = $1) AS "exists!""#,
        key
    )
    .fetch_one(&state.db)
    .await?;
    if seen {
        return Ok(None);
    }
    sqlx::query!(
        "INSERT INTO whatsapp_contacts (phone, last_inbound_at) VALUES ($1, now())
         ON CONFLICT (phone) DO UPDATE SET last_inbound_at = now()",
        &m.from
    )
    .execute(&state.db)
    .await?;
    let sender = member_by_phone(state, &m.from).await?;
    let lang = sender.as_ref().map(|u| u.language).unwrap_or_default();
    let tapped = match m.kind.as_str() {
        "button" => m.button.as_ref().map(|b| b.payload.clone()),
        "interactive" => m
            .interactive
            .as_ref()
            .and_then(|i| i.button_reply.as_ref())
            .map(|r| r.id.clone()),
        _ => None,
    };
    let (outcome, answer) = match (tapped, m.text.as_ref()) {
        (Some(payload), _) => order_tap(state, sender.as_ref(), lang, &payload).await?,
        (None, Some(text)) => opt_keyword(state, &m.from, lang, &text.body).await?,
        (None, None) => ("ignored".to_string(), Answer::Nothing),
    };

    let payload = serde_json::to_value(m).map_err(|e| WebhookError::Body(e.to_string()))?;
    let mut tx = state.db.begin().await?;
    let fresh: Option<i64> = sqlx::query_scalar!("INSERT INTO webhook_events (event_key, kind, from_phone, payload, outcome) VALUES ($1, 'message', $2, $3, $4)
         ON CONFLICT (event_key) DO NOTHING RETURNING id", key, &m.from, payload, &outcome)
    .fetch_optional(&mut *tx)
    .await?;
    if fresh.is_none() {
        // The same event arrived twice at once; the other delivery answers it.
        return Ok(None);
    }
    let (kind, body, buttons) = match answer {
        Answer::Text(t) => ("text", Some(t), None),
        Answer::Buttons(t, b) => (
            "interactive",
            Some(t),
            Some(serde_json::to_value(b).map_err(|e| WebhookError::Body(e.to_string()))?),
        ),
        Answer::Nothing => ("", None, None),
    };
    // Replies only to numbers the outbox can hold (Indian mobiles).
    let replyable = crate::domain::Phone::parse(&m.from).is_ok_and(|p| p.as_str() == m.from);
    if !kind.is_empty() && replyable {
        sqlx::query!("INSERT INTO outbox (dedupe_key, recipient, recipient_user, template, language, kind, body, buttons)
             VALUES ('reply:' || $1, $2::text, $3, 'reply', $4, $5::text, $6, $7)
             ON CONFLICT (dedupe_key) DO NOTHING", &m.id, &m.from, sender.as_ref().map(|u| u.user_id), lang.as_str(), kind, body, buttons)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Some(outcome))
}

/// The active user with this WhatsApp number, as the dashboard would see them.
async fn member_by_phone(
    state: &AppState,
    phone: &str,
) -> Result<Option<CurrentUser>, sqlx::Error> {
    let mut conn = state.db.acquire().await?;
    crate::server::session::by_phone(&mut conn, phone).await
}

fn fill(t: &Tr, lang: Language, order: i64, rest: &[(&str, &str)]) -> String {
    let mut s = t.get(lang).replace("{order}", &order.to_string());
    for (k, v) in rest {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// `order:{id}:{action}` or `order:{id}:reject:{reason}` from a distributor's phone.
async fn order_tap(
    state: &AppState,
    sender: Option<&CurrentUser>,
    lang: Language,
    payload: &str,
) -> Result<(String, Answer), WebhookError> {
    let mut parts = payload.split(':');
    let (Some("order"), Some(id), Some(action)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok((format!("ignored button {payload:?}"), Answer::Nothing));
    };
    let Ok(order) = id.parse::<i64>() else {
        return Ok((format!("ignored button {payload:?}"), Answer::Nothing));
    };
    let reason_key = parts.next();
    let distributor: Option<i64> =
        sqlx::query_scalar!("SELECT distributor_id FROM orders WHERE id = $1", order)
            .fetch_optional(&state.db)
            .await?;
    // Only the owner or staff of this order's distributor may act on it.
    let user = match sender {
        Some(u) if u.org_kind == OrgKind::Distributor && Some(u.org_id) == distributor => u.clone(),
        _ => {
            return Ok((
                format!("refused: {payload} from a number that is not this distributor's"),
                Answer::Text(reply::NOT_A_MEMBER.get(lang).to_string()),
            ));
        }
    };
    if user.approval != ApprovalState::Active {
        let why = "your business is not approved to trade";
        return Ok((
            format!("refused: {why}"),
            Answer::Text(fill(&reply::REFUSED, lang, order, &[("reason", why)])),
        ));
    }
    if action == "reject" && reason_key.is_none() {
        let buttons = REJECT_REASONS
            .iter()
            .map(|(k, t)| (format!("order:{order}:reject:{k}"), t.get(lang).to_string()))
            .collect();
        return Ok((
            format!("asked for a reason to reject order {order}"),
            Answer::Buttons(fill(&reply::PICK_REASON, lang, order, &[]), buttons),
        ));
    }
    let reason = match reason_key {
        Some(k) => REJECT_REASONS
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, t)| t.get(lang))
            .unwrap_or(""),
        None => "",
    };
    let ctx = Ctx::acting_via_whatsapp(state.clone(), user);
    Ok(
        match crate::orders::service::act(&ctx, order, action, reason).await {
            Ok(detail) => {
                let label = detail.order.state.label().to_lowercase();
                (
                    format!(
                        "{} order {order} ({})",
                        detail.order.state.as_str(),
                        ctx.user().name
                    ),
                    Answer::Text(fill(&reply::DONE, lang, order, &[("state", &label)])),
                )
            }
            Err(e) => {
                let why = e.to_string();
                (
                    format!("refused: {why}"),
                    Answer::Text(fill(&reply::REFUSED, lang, order, &[("reason", &why)])),
                )
            }
        },
    )
}

/// STOP / START: the opt-out for announcements (order and invoice messages go on).
async fn opt_keyword(
    state: &AppState,
    phone: &str,
    lang: Language,
    text: &str,
) -> Result<(String, Answer), WebhookError> {
    let word = text.trim().to_uppercase();
    let (opt_in, answer) = match word.as_str() {
        "STOP" | "UNSUBSCRIBE" | "बंद" => (false, &reply::STOPPED),
        "START" | "SUBSCRIBE" | "चालू" => (true, &reply::STARTED),
        _ => return Ok(("text not acted on".to_string(), Answer::Nothing)),
    };
    let n = sqlx::query!(
        "UPDATE users SET whatsapp_opt_in = $2 WHERE phone = $1",
        phone,
        opt_in
    )
    .execute(&state.db)
    .await?
    .rows_affected();
    if n == 0 {
        return Ok(("text from an unknown number".to_string(), Answer::Nothing));
    }
    Ok((
        if opt_in { "opted in" } else { "opted out" }.to_string(),
        Answer::Text(answer.get(lang).to_string()),
    ))
}

/// A webhook body as Meta sends it, for the sandbox and tests.
pub fn envelope(value: Value) -> Value {
    serde_json::json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "0",
            "changes": [{"field": "messages", "value": value}]
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_checked_over_the_raw_bytes() {
        let body = br#"{"entry":[]}"#;
        let sig = signature(b"s3cret", body);
        assert!(sig.starts_with("sha256="));
        assert!(signature_ok(b"s3cret", body, Some(&sig)));
        assert!(!signature_ok(b"other", body, Some(&sig)));
        assert!(!signature_ok(b"s3cret", br#"{"entry": []}"#, Some(&sig)));
        assert!(!signature_ok(b"s3cret", body, None));
        assert!(!signature_ok(b"s3cret", body, Some("sha256=zz")));
        assert!(!signature_ok(b"s3cret", body, Some(&sig[7..])));
    }

    #[test]
    fn replies_fill_their_placeholders() {
        for t in [reply::DONE, reply::REFUSED, reply::PICK_REASON] {
            for lang in [Language::En, Language::Hi, Language::Mr] {
                let s = fill(&t, lang, 7, &[("state", "packed"), ("reason", "x")]);
                assert!(s.contains('7') && !s.contains('{'), "{s}");
            }
        }
    }
}
