//! The admin's WhatsApp operations (overview, failures, retry, broadcasts) and each
//! user's own opt-in. Callers have passed `Ctx::require` for the right kind.

use super::{BroadcastRow, FailedMessage, Overview, Segment};
use crate::domain::IndianState;
use crate::domain::audit::AuditAction;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::Ctx;
use crate::server::audit::{self, Entry, Subject};
use crate::server::guard::{internal, not_found};

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn overview(ctx: &Ctx) -> Result<Overview, AppError> {
    let c = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE state = 'pending') AS "pending!", count(*) FILTER (WHERE state = 'sending') AS "sending!",
                  count(*) FILTER (WHERE state = 'sent') AS "sent!",
                  count(*) FILTER (WHERE state = 'failed' OR delivery = 'failed') AS "failed!",
                  count(*) FILTER (WHERE state = 'skipped') AS "skipped!", count(*) FILTER (WHERE delivery = 'delivered') AS "delivered!",
                  count(*) FILTER (WHERE delivery = 'read') AS "read!"
             FROM outbox"#
    )
    .fetch_one(ctx.db())
    .await?;
    let wa = &ctx.state().whatsapp;
    Ok(Overview {
        sandbox: wa.is_sandbox(),
        connection: wa.description.clone(),
        pending: c.pending,
        sending: c.sending,
        sent: c.sent,
        failed: c.failed,
        skipped: c.skipped,
        delivered: c.delivered,
        read: c.read,
    })
}

/// Messages that could not be sent, or that WhatsApp reported undelivered.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn failed(ctx: &Ctx) -> Result<Vec<FailedMessage>, AppError> {
    sqlx::query_as!(
        FailedMessage,
        r#"SELECT m.id, m.recipient AS "recipient: String", u.name AS "to_name?", m.template, m.order_id, m.attempts,
                  COALESCE(CASE WHEN m.delivery = 'failed' THEN 'WhatsApp could not deliver: ' || m.delivery_error END,
                           m.last_error, 'unknown') AS "error!",
                  ist_datetime(m.created_at) AS "at!"
             FROM outbox m LEFT JOIN users u ON u.id = m.recipient_user
            WHERE m.state = 'failed' OR m.delivery = 'failed'
            ORDER BY m.created_at DESC LIMIT 200"#
    )
    .fetch_all(ctx.db())
    .await
    .or_internal()
}

/// Sends a failed message again (after the cause is fixed, e.g. a template approved).
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn retry(ctx: &Ctx, id: i64) -> Result<(), AppError> {
    let mut tx = ctx.db().begin().await?;
    let before = sqlx::query!(
        r#"SELECT recipient AS "recipient: String", template, state, delivery, last_error, delivery_error, attempts
             FROM outbox WHERE id = $1 AND (state = 'failed' OR delivery = 'failed') FOR UPDATE"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| not_found("Failed message"))?;
    sqlx::query!("UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL,
                           delivery = NULL, delivery_error = NULL, provider_message_id = NULL
          WHERE id = $1", id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        ctx,
        Entry {
            action: AuditAction::MessageRetry,
            subject: Subject {
                table: "outbox",
                id: Some(id),
                label: format!("{} to {}", before.template, before.recipient),
            },
            before: Some(serde_json::json!({
                "state": before.state, "delivery": before.delivery, "attempts": before.attempts,
                "error": before.delivery_error.or(before.last_error),
            })),
            after: Some(serde_json::json!({ "state": "pending", "attempts": 0 })),
            note: String::new(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub const MAX_BROADCAST_CHARS: usize = 500;

/// Queues an announcement to a segment, paced at `per_second`: each message gets its
/// own send time, so however many processes send, the pace holds. Users who opted
/// out are left out now and skipped if they opt out before their turn.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn broadcast(
    ctx: &Ctx,
    message: &str,
    segment: &str,
    value: &str,
    per_second: i32,
) -> Result<BroadcastRow, AppError> {
    let message = message.trim();
    let mut errors = Vec::new();
    if message.is_empty() {
        errors.push(("message", "Write the message".to_string()));
    } else if message.chars().count() > MAX_BROADCAST_CHARS {
        errors.push((
            "message",
            format!("Keep the message under {MAX_BROADCAST_CHARS} characters"),
        ));
    }
    let segment = Segment::parse(segment.trim());
    let value = value.trim();
    match segment {
        None => errors.push(("segment", "Choose who gets the message".to_string())),
        Some(Segment::State) if IndianState::parse_code(value).is_err() => {
            errors.push(("segment_value", "Choose a state".to_string()))
        }
        Some(Segment::Pincode)
            if value.is_empty()
                || value.len() > 6
                || !value.chars().all(|c| c.is_ascii_digit())
                || value.starts_with('0') =>
        {
            errors.push((
                "segment_value",
                "Give the first 1 to 6 digits of the pincode".to_string(),
            ))
        }
        _ => {}
    }
    if !(1..=80).contains(&per_second) {
        errors.push((
            "per_second",
            "Send between 1 and 80 messages a second".to_string(),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(
            errors
                .into_iter()
                .map(|(f, r)| crate::error::FieldError {
                    field: f.into(),
                    reason: r,
                })
                .collect(),
        ));
    }
    let segment = segment.ok_or_else(|| internal("segment checked above"))?;
    let value = match segment {
        Segment::Retailers | Segment::Distributors => "",
        _ => value,
    };
    let mut tx = ctx.db().begin().await?;
    let id: i64 = sqlx::query_scalar!(
        "INSERT INTO broadcasts (template, message, segment, segment_value, per_second, created_by)
         VALUES ('announcement', $1, $2, $3, $4, $5) RETURNING id",
        message,
        segment.as_str(),
        value,
        per_second,
        ctx.user().user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let recipients = sqlx::query!("INSERT INTO outbox (dedupe_key, recipient, recipient_user, template, language, params, transactional,
                             broadcast_id, next_attempt_at)
         SELECT 'broadcast:' || $1::bigint || ':' || t.id, t.phone, t.id, 'announcement', t.language,
                jsonb_build_object('message', $2::text), false, $1::bigint,
                now() + make_interval(secs => (row_number() OVER (ORDER BY t.id) - 1) / $5::float8)
           FROM (SELECT u.id, u.phone, u.language
                   FROM users u JOIN organisations o ON o.id = u.org_id
                  WHERE u.active AND u.whatsapp_opt_in AND u.phone IS NOT NULL AND o.approval = 'active'
                    AND CASE $3
                          WHEN 'retailers' THEN o.kind = 'retailer'
                          WHEN 'distributors' THEN o.kind = 'distributor'
                          WHEN 'state' THEN o.state_code::text = ltrim($4, '0') AND o.kind <> 'platform'
                          ELSE o.pincode LIKE $4 || '%' AND o.kind <> 'platform'
                        END) t
         ON CONFLICT (dedupe_key) DO NOTHING", id, message, segment.as_str(), value, f64::from(per_second))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query!(
        "UPDATE broadcasts SET recipients = $2 WHERE id = $1",
        id,
        recipients as i32
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        ctx,
        Entry {
            action: AuditAction::Broadcast,
            subject: Subject {
                table: "broadcasts",
                id: Some(id),
                label: format!("{} {}", segment.as_str(), value).trim().to_string(),
            },
            before: None,
            after: Some(serde_json::json!({
                "message": message, "segment": segment.as_str(), "segment_value": value,
                "per_second": per_second, "recipients": recipients,
            })),
            note: String::new(),
        },
    )
    .await?;
    tx.commit().await?;
    broadcasts(ctx)
        .await?
        .into_iter()
        .find(|b| b.id == id)
        .ok_or_else(|| internal("the new broadcast is not in the list"))
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn broadcasts(ctx: &Ctx) -> Result<Vec<BroadcastRow>, AppError> {
    sqlx::query_as!(
        BroadcastRow,
        r#"SELECT b.id, b.message, b.segment, b.segment_value, b.per_second, b.recipients,
                  count(m.id) FILTER (WHERE m.state = 'sent') AS "sent!",
                  count(m.id) FILTER (WHERE m.state = 'failed') AS "failed!",
                  count(m.id) FILTER (WHERE m.state = 'skipped') AS "skipped!",
                  ist_datetime(b.created_at) AS "at!"
             FROM broadcasts b LEFT JOIN outbox m ON m.broadcast_id = b.id
            GROUP BY b.id ORDER BY b.id DESC LIMIT 50"#
    )
    .fetch_all(ctx.db())
    .await
    .or_internal()
}
