//! The outbox sender, running inside each server process.
//!
//! It claims due rows with `FOR UPDATE SKIP LOCKED`, marking them `sending` with a
//! lease, so several processes never hold the same row; sends them (bounded
//! concurrency, at most `rate_per_sec`); and records the outcome: `sent` with the
//! API's message id, back to `pending` with exponential backoff and jitter after a
//! retry-later error, or `failed` with the API's reason.
//!
//! A process killed mid-send leaves its rows `sending`, and the API may or may not
//! have taken them. Each message carries `outbox:{id}` as `biz_opaque_callback_data`,
//! which the API echoes in its status webhooks; a status for a `sending` row marks it
//! `sent` (see `webhook`). So a row whose lease ran out is sent again only if no
//! status for it arrived within `in_doubt` more: the idempotency guard that keeps a
//! crash from sending a message twice.

use super::client::{ApiError, DocumentRef, Outgoing};
use super::templates::{self, ParamKind};
use crate::domain::money::Paise;
use crate::orders::live::Change;
use crate::server::AppState;
use futures::StreamExt;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, broadcast};

/// One claimed outbox row.
#[derive(Debug)]
pub struct Claimed {
    pub id: i64,
    pub recipient: String,
    pub recipient_user: Option<i64>,
    pub template: String,
    pub language: String,
    pub params: Value,
    pub kind: String,
    pub body: Option<String>,
    pub buttons: Option<Value>,
    pub transactional: bool,
    pub order_id: Option<i64>,
    pub document_kind: Option<String>,
    pub document_id: Option<i64>,
    pub media_id: Option<String>,
    pub month: Option<String>,
    pub attempts: i32,
}

/// Claims up to $1 rows: leases that ran out first, then pending rows in due order.
/// Two index scans, each stopping at the limit; one `OR` over both states made
/// PostgreSQL read and sort the whole backlog on every claim (23 ms at 30,000
/// pending rows, growing with it) just when a backlog needed the sender to be fast.
macro_rules! claim_query {
    ($batch:expr, $lease:expr, $in_doubt:expr) => {
        sqlx::query_as!(
            Claimed,
            r#"WITH stale AS (
         SELECT id FROM outbox
          WHERE state = 'sending' AND lease_until < now() - make_interval(secs => $3)
          ORDER BY lease_until
          LIMIT $1
          FOR UPDATE SKIP LOCKED),
     due AS (
         SELECT id FROM outbox
          WHERE state = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at, id
          LIMIT $1 - (SELECT count(*) FROM stale)
          FOR UPDATE SKIP LOCKED)
UPDATE outbox o
    SET state = 'sending', attempts = o.attempts + 1, lease_until = now() + make_interval(secs => $2)
  WHERE o.id IN (SELECT id FROM stale UNION ALL SELECT id FROM due)
  RETURNING o.id, o.recipient AS "recipient: String", o.recipient_user, o.template, o.language, o.params,
            o.kind AS "kind: String", o.body, o.buttons, o.transactional, o.order_id, o.document_kind, o.document_id,
            o.media_id, o.month, o.attempts"#,
            $batch,
            $lease,
            $in_doubt
        )
    };
}

/// Paces sends to at most `per_sec` per second in this process.
pub struct Pacer {
    interval: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    pub fn new(per_sec: u32) -> Pacer {
        Pacer {
            interval: Duration::from_secs(1) / per_sec.max(1),
            next: Mutex::new(Instant::now()),
        }
    }

    pub async fn wait(&self) {
        let at = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let at = (*next).max(now);
            *next = at + self.interval;
            at
        };
        tokio::time::sleep_until(at.into()).await;
    }
}

/// Runs until the process ends: sends what is due, then waits for a wake-up (an
/// order change in this database) or the poll interval.
pub async fn run(state: AppState) {
    let mut wake = state.hub.orders.subscribe();
    let pacer = Arc::new(Pacer::new(state.whatsapp.rate_per_sec));
    let mut last_monthly = Instant::now() - Duration::from_secs(3600);
    // The first look a few seconds after start, then every interval.
    let mut last_reminders = Instant::now()
        .checked_sub(Duration::from_secs(
            state.config.reminder_interval_secs.saturating_sub(5),
        ))
        .unwrap_or_else(Instant::now);
    loop {
        if state.config.monthly_summaries && last_monthly.elapsed() >= Duration::from_secs(60) {
            last_monthly = Instant::now();
            if let Err(e) = super::monthly::run_due(&state).await {
                tracing::warn!(error = %e, "monthly summaries");
            }
        }
        if last_reminders.elapsed()
            >= Duration::from_secs(state.config.reminder_interval_secs.max(1))
        {
            last_reminders = Instant::now();
            if let Err(e) = crate::khata::reminders::run_due(&state).await {
                tracing::warn!(error = %e, "payment reminders");
            }
        }
        match send_due(&state, &pacer).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "WhatsApp sender cannot reach the database"),
        }
        wait_for_work(&mut wake, state.whatsapp.poll).await;
    }
}

async fn wait_for_work(wake: &mut broadcast::Receiver<Change>, poll: Duration) {
    let _ = tokio::time::timeout(poll, wake.recv()).await;
    // A burst of changes wakes us once.
    while wake.try_recv().is_ok() {}
}

/// Claims one batch and sends it; the number of rows claimed.
pub async fn send_due(state: &AppState, pacer: &Arc<Pacer>) -> Result<usize, sqlx::Error> {
    let wa = &state.whatsapp;
    // No more than can go out in half a lease at this pace, so a claim never outlives it.
    let per_half_lease = (f64::from(wa.rate_per_sec) * wa.lease.as_secs_f64() / 2.0) as usize;
    let batch = (wa.concurrency * 2).min(per_half_lease).clamp(1, 200) as i64;
    let rows: Vec<Claimed> = claim_query!(batch, wa.lease.as_secs_f64(), wa.in_doubt.as_secs_f64())
        .fetch_all(&state.db)
        .await?;
    let n = rows.len();
    let results: Vec<Result<(), sqlx::Error>> = futures::stream::iter(rows)
        .map(|row| {
            let pacer = pacer.clone();
            async move { send_one(state, &pacer, row).await }
        })
        .buffer_unordered(wa.concurrency)
        .collect()
        .await;
    for r in results {
        r?;
    }
    Ok(n)
}

enum Outcome {
    Sent(String),
    Retry(String),
    InDoubt(String),
    Failed(String),
    Skipped(&'static str),
}

async fn send_one(state: &AppState, pacer: &Pacer, row: Claimed) -> Result<(), sqlx::Error> {
    let outcome = attempt(state, pacer, &row).await;
    let wa = &state.whatsapp;
    match outcome {
        Outcome::Sent(wamid) => {
            sqlx::query!("UPDATE outbox SET state = 'sent', provider_message_id = $2, sent_at = now(), lease_until = NULL,
                                   last_error = NULL
                  WHERE id = $1 AND state = 'sending' AND attempts = $3", row.id, &wamid, row.attempts)
            .execute(&state.db)
            .await?;
            if wa.is_sandbox() {
                super::sandbox::deliver(state, &wamid, &row.recipient, row.id).await;
            }
        }
        Outcome::Retry(reason) if row.attempts < wa.max_attempts => {
            let delay = backoff(wa.retry_base, row.attempts);
            sqlx::query!(
                "UPDATE outbox SET state = 'pending', lease_until = NULL, last_error = $2,
                                   next_attempt_at = now() + make_interval(secs => $3)
                  WHERE id = $1 AND state = 'sending' AND attempts = $4",
                row.id,
                &reason,
                delay.as_secs_f64(),
                row.attempts
            )
            .execute(&state.db)
            .await?;
        }
        // The API may have taken it: it stays 'sending' with its lease ended, so it goes
        // again only if no status webhook for it arrives within the in-doubt grace.
        Outcome::InDoubt(reason) if row.attempts < wa.max_attempts => {
            sqlx::query!(
                "UPDATE outbox SET lease_until = now(), last_error = $2
                  WHERE id = $1 AND state = 'sending' AND attempts = $3",
                row.id,
                &reason,
                row.attempts
            )
            .execute(&state.db)
            .await?;
        }
        Outcome::Retry(reason) | Outcome::InDoubt(reason) => {
            fail(
                state,
                &row,
                &format!("gave up after {} attempts: {reason}", row.attempts),
            )
            .await?;
        }
        Outcome::Failed(reason) => fail(state, &row, &reason).await?,
        Outcome::Skipped(why) => end(state, &row, "skipped", why).await?,
    }
    Ok(())
}

async fn fail(state: &AppState, row: &Claimed, reason: &str) -> Result<(), sqlx::Error> {
    tracing::warn!(outbox = row.id, reason, "WhatsApp message failed");
    end(state, row, "failed", reason).await
}

/// Ends a claimed message as `failed` or `skipped`, if this worker still holds it.
async fn end(state: &AppState, row: &Claimed, ended: &str, why: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE outbox SET state = $4::text, lease_until = NULL, last_error = $2
          WHERE id = $1 AND state = 'sending' AND attempts = $3",
        row.id,
        why,
        row.attempts,
        ended
    )
    .execute(&state.db)
    .await?;
    Ok(())
}

/// base × 2^(attempt−1), at most 15 minutes, then a random 50–100 % of it, so
/// messages that failed together do not all come back together.
pub fn backoff(base: Duration, attempt: i32) -> Duration {
    use rand::Rng;
    let exp = base.saturating_mul(1u32 << attempt.clamp(1, 20).saturating_sub(1));
    let capped = exp.min(Duration::from_secs(15 * 60));
    capped.mul_f64(rand::thread_rng().gen_range(0.5..=1.0))
}

async fn attempt(state: &AppState, pacer: &Pacer, row: &Claimed) -> Outcome {
    if !row.transactional {
        match opted_in(state, row).await {
            Ok(true) => {}
            Ok(false) => return Outcome::Skipped("the user opted out of these messages"),
            Err(e) => return Outcome::Retry(format!("database: {e}")),
        }
    }
    let message = match build(state, row).await {
        Ok(m) => m.with_callback(format!("outbox:{}", row.id)),
        Err(Build::Permanent(e)) => return Outcome::Failed(e),
        Err(Build::Retry(e)) => return Outcome::Retry(e),
    };
    pacer.wait().await;
    match state.whatsapp.send(&state.db, &message).await {
        Ok(wamid) => Outcome::Sent(wamid),
        Err(ApiError::RetryLater(e)) => Outcome::Retry(e),
        Err(ApiError::Permanent(e)) => Outcome::Failed(e),
        Err(ApiError::InDoubt(e)) => Outcome::InDoubt(e),
    }
}

async fn opted_in(state: &AppState, row: &Claimed) -> Result<bool, sqlx::Error> {
    let Some(user) = row.recipient_user else {
        return Ok(true);
    };
    let v: Option<bool> = sqlx::query_scalar!(
        r#"SELECT whatsapp_opt_in AND active AS "ok!" FROM users WHERE id = $1"#,
        user
    )
    .fetch_optional(&state.db)
    .await?;
    Ok(v.unwrap_or(false))
}

enum Build {
    Permanent(String),
    Retry(String),
}

impl From<ApiError> for Build {
    fn from(e: ApiError) -> Build {
        match e {
            // An upload in doubt is simply made again.
            ApiError::RetryLater(e) | ApiError::InDoubt(e) => Build::Retry(e),
            ApiError::Permanent(e) => Build::Permanent(e),
        }
    }
}

/// The API request for a row.
async fn build(state: &AppState, row: &Claimed) -> Result<Outgoing, Build> {
    match row.kind.as_str() {
        "text" => Ok(Outgoing::text(
            &row.recipient,
            row.body.as_deref().unwrap_or_default(),
        )),
        "interactive" => {
            let buttons: Vec<(String, String)> = row
                .buttons
                .clone()
                .and_then(|b| serde_json::from_value(b).ok())
                .unwrap_or_default();
            Outgoing::buttons(
                &row.recipient,
                row.body.as_deref().unwrap_or_default(),
                None,
                &buttons,
            )
            .map_err(|e| Build::Permanent(format!("not sent: {e}")))
        }
        _ => {
            let t = templates::find(&row.template)
                .ok_or_else(|| Build::Permanent(format!("unknown template {}", row.template)))?;
            let values = template_values(t, &row.params).map_err(Build::Permanent)?;
            let payloads = t
                .buttons
                .iter()
                .map(|b| match row.order_id {
                    Some(order) => format!("order:{order}:{}", b.action),
                    None => b.action.to_string(),
                })
                .collect();
            let document = if t.document {
                Some(document(state, row).await?)
            } else {
                None
            };
            Ok(Outgoing::template(
                &row.recipient,
                t.name,
                &row.language,
                document,
                values,
                payloads,
            ))
        }
    }
}

/// The template's parameters, in order, from the row's parameter object.
pub fn template_values(t: &templates::Template, params: &Value) -> Result<Vec<String>, String> {
    t.params
        .iter()
        .map(|p| {
            let v = params
                .get(p.field)
                .ok_or_else(|| format!("{}: parameter {} is missing", t.name, p.field))?;
            let text = match (p.kind, v) {
                (ParamKind::Money, Value::Number(n)) => n
                    .as_i64()
                    .map(|paise| Paise(paise).to_string())
                    .ok_or_else(|| format!("{}: {} is not whole paise", t.name, p.field))?,
                (_, Value::String(s)) => s.clone(),
                (_, other) => other.to_string(),
            };
            Ok(templates::clean_param(&text))
        })
        .collect()
}

/// The PDF header of a document template: uploaded once, its media id kept on the
/// row so a retry does not upload again.
async fn document(state: &AppState, row: &Claimed) -> Result<DocumentRef, Build> {
    let db = &state.db;
    let (filename, bytes) = match (row.document_kind.as_deref(), row.document_id) {
        (Some("invoice" | "invoice_issued" | "credit_note_issued"), Some(id)) => {
            let found = sqlx::query!("SELECT number, pdf FROM invoices WHERE id = $1", id)
                .fetch_optional(db)
                .await
                .map_err(|e| Build::Retry(format!("database: {e}")))?
                .ok_or_else(|| Build::Permanent(format!("invoice {id} does not exist")))?;
            (format!("{}.pdf", found.number.replace('/', "-")), found.pdf)
        }
        (Some("receipt"), Some(id)) => {
            crate::khata::receipt::render(db, id, None)
                .await
                .map_err(|e| match e {
                    crate::error::AppError::NotFound(_) => {
                        Build::Permanent(format!("receipt: {e}"))
                    }
                    _ => Build::Retry(format!("receipt: {e}")),
                })?
        }
        (Some("statement"), _) => {
            let month = row.month.clone().unwrap_or_default();
            let ids = |f: &str| row.params.get(f).and_then(Value::as_i64);
            let (Some(distributor), Some(retailer)) = (ids("distributor_id"), ids("retailer_id"))
            else {
                return Err(Build::Permanent("statement without its parties".into()));
            };
            let (name, pdf) =
                crate::invoices::statement::render_for(db, &month, distributor, retailer)
                    .await
                    .map_err(|e| match e {
                        crate::error::AppError::NotFound(_) => {
                            Build::Permanent(format!("statement: {e}"))
                        }
                        _ => Build::Retry(format!("statement: {e}")),
                    })?;
            (name, pdf)
        }
        (Some(kind @ ("sales_summary" | "brand_summary")), _) => {
            let month = row.month.clone().unwrap_or_default();
            let user = row
                .recipient_user
                .ok_or_else(|| Build::Permanent(format!("{kind} without its recipient")))?;
            crate::reports::summary::render_for(state, &month, user)
                .await
                .map_err(|e| match e {
                    crate::error::AppError::NotFound(_) | crate::error::AppError::Invalid(_) => {
                        Build::Permanent(format!("{kind}: {e}"))
                    }
                    _ => Build::Retry(format!("{kind}: {e}")),
                })?
        }
        _ => {
            return Err(Build::Permanent(
                "document message without a document".into(),
            ));
        }
    };
    let id = match &row.media_id {
        Some(id) => id.clone(),
        None => {
            let id = state
                .whatsapp
                .upload(db, bytes, &filename, "application/pdf")
                .await?;
            sqlx::query!("UPDATE outbox SET media_id = $2 WHERE id = $1", row.id, &id)
                .execute(db)
                .await
                .map_err(|e| Build::Retry(format!("database: {e}")))?;
            id
        }
    };
    Ok(DocumentRef {
        id,
        filename,
        caption: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        let base = Duration::from_secs(2);
        for attempt in 1..=6 {
            let full = base * (1 << (attempt - 1));
            for _ in 0..50 {
                let d = backoff(base, attempt);
                assert!(d >= full / 2 && d <= full, "{attempt}: {d:?}");
            }
        }
        assert!(backoff(base, 40) <= Duration::from_secs(15 * 60));
    }

    #[test]
    fn values_follow_the_template_and_format_money() {
        let t = templates::find("order_placed").expect("template");
        let params = serde_json::json!({
            "order": "42", "retailer": "Sai\nKirana", "distributor": "X",
            "items": "Salt × 2", "total_paise": 12345678
        });
        assert_eq!(
            template_values(t, &params).expect("values"),
            vec!["Sai Kirana", "42", "Salt × 2", "₹1,23,456.78"]
        );
        let missing = serde_json::json!({"order": "42"});
        assert!(template_values(t, &missing).is_err());
    }
}
