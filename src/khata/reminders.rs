//! Payment reminders on WhatsApp. Each distributor chooses days relative to an
//! invoice's due date (`organisations.reminder_days`, e.g. -3, 0, 7, 15). On
//! such a day, a shop with an invoice still (partly) due gets one message per
//! distributor listing those invoices, what they still owe, the due date and
//! how to pay (the gateway's payment link for the whole due, else the
//! distributor's UPI id). A `payment_reminders` row per invoice and day,
//! written with the message under the account's lock, sends each reminder
//! once however many processes look; a payment skips reminders still waiting
//! in the outbox; the messages are not transactional, so a shop that replied
//! STOP gets none. Sent only between `reminder_from_hour` and
//! `reminder_to_hour` (Asia/Kolkata).

use super::service::{self, Pair};
use crate::domain::money::Paise;
use crate::error::AppError;
use crate::server::AppState;
use chrono::{NaiveDate, Timelike};

/// Looks for reminders due now (if within the hours) and queues them.
pub async fn run_due(state: &AppState) -> Result<u64, AppError> {
    let now = chrono::Utc::now() + chrono::Duration::minutes(330);
    let hour = now.hour();
    let c = &state.config;
    if hour < c.reminder_from_hour || hour >= c.reminder_to_hour {
        return Ok(0);
    }
    run(state, now.date_naive()).await
}

/// Queues the reminders of `today`; returns how many accounts were reminded.
pub async fn run(state: &AppState, today: NaiveDate) -> Result<u64, AppError> {
    // Accounts with an invoice whose due date is one of its distributor's
    // reminder days from today, not yet reminded for that day.
    let pairs = sqlx::query!(
        r#"SELECT DISTINCT i.distributor_id, i.retailer_id
             FROM invoices i JOIN organisations d ON d.id = i.distributor_id
            WHERE i.kind = 'invoice' AND cardinality(d.reminder_days) > 0
              AND COALESCE(i.due_on, i.issued_on) BETWEEN $1::date - 90 AND $1::date + 30
              AND ($1::date - COALESCE(i.due_on, i.issued_on))::smallint = ANY (d.reminder_days)
              AND NOT EXISTS (SELECT 1 FROM payment_reminders p
                               WHERE p.invoice_id = i.id AND p.day_offset = $1::date - COALESCE(i.due_on, i.issued_on))"#,
        today
    )
    .fetch_all(&state.db)
    .await?;
    let mut reminded = 0;
    for p in pairs {
        match remind(state, (p.distributor_id, p.retailer_id), today).await {
            Ok(true) => reminded += 1,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, distributor = p.distributor_id,
                                     retailer = p.retailer_id, "payment reminder"),
        }
    }
    Ok(reminded)
}

/// An open invoice due for a reminder today: (invoice, day offset, number, due, due on).
type Due = (i64, i16, String, i64, NaiveDate);

async fn due_today(
    conn: &mut sqlx::PgConnection,
    pair: Pair,
    today: NaiveDate,
) -> Result<Vec<Due>, AppError> {
    let days: Vec<i16> = sqlx::query_scalar!(
        "SELECT reminder_days FROM organisations WHERE id = $1",
        pair.0
    )
    .fetch_one(&mut *conn)
    .await?;
    let open = service::state(conn, pair).await?.open;
    let sent: Vec<(i64, i16)> = sqlx::query!(
        "SELECT invoice_id, day_offset FROM payment_reminders WHERE invoice_id = ANY($1)",
        &open.iter().map(|o| o.invoice_id).collect::<Vec<_>>()
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.invoice_id, r.day_offset))
    .collect();
    Ok(open
        .into_iter()
        .filter_map(|o| {
            let due_on = NaiveDate::parse_from_str(&o.due_on, "%Y-%m-%d").ok()?;
            let offset = i16::try_from((today - due_on).num_days()).ok()?;
            (o.due_paise > 0 && days.contains(&offset) && !sent.contains(&(o.invoice_id, offset)))
                .then_some((o.invoice_id, offset, o.number, o.due_paise, due_on))
        })
        .collect())
}

/// One account's reminder; false when nothing is due any more.
async fn remind(state: &AppState, pair: Pair, today: NaiveDate) -> Result<bool, AppError> {
    // How to pay, made before the account is locked (the gateway is a network call).
    let online = {
        let mut conn = state.db.acquire().await?;
        if due_today(&mut conn, pair, today).await?.is_empty() {
            return Ok(false);
        }
        super::online::connected(&mut conn, pair.0).await?
    };
    let link = if online {
        match super::online::link_for(state, pair, None, None).await {
            Ok(l) => Some(l.url),
            Err(e) => {
                tracing::warn!(error = %e, "payment reminder without a link");
                None
            }
        }
    } else {
        None
    };
    let mut tx = state.db.begin().await?;
    service::lock(&mut tx, pair).await?;
    let items = due_today(&mut tx, pair, today).await?;
    if items.is_empty() {
        return Ok(false);
    }
    // The first invoice names the message: another invoice falling due later
    // the same day gets a message of its own.
    let ids: Vec<i64> = items.iter().map(|i| i.0).collect();
    let offsets: Vec<i16> = items.iter().map(|i| i.1).collect();
    sqlx::query!(
        "INSERT INTO payment_reminders (invoice_id, day_offset, sent_on)
         SELECT i, o, $3 FROM UNNEST($1::bigint[], $2::smallint[]) AS t (i, o)",
        &ids,
        &offsets,
        today
    )
    .execute(&mut *tx)
    .await?;
    let overdue = items.iter().any(|i| i.1 > 0);
    let template = if overdue {
        "payment_reminder_overdue"
    } else {
        "payment_reminder_due"
    };
    let due: i64 = items.iter().map(|i| i.3).sum();
    let numbers = items
        .iter()
        .map(|i| i.2.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let first_due = items
        .iter()
        .map(|i| i.4)
        .min()
        .unwrap_or(today)
        .format("%d %b %Y")
        .to_string();
    sqlx::query!(
        "INSERT INTO outbox (dedupe_key, recipient, recipient_user, template, language, params, transactional)
         SELECT 'payment_reminder:' || d.id || ':' || r.id || ':' || $3::date || ':' || $9::bigint || ':' || u.id,
                COALESCE(u.phone, r.whatsapp), u.id, $4, u.language,
                jsonb_build_object('distributor', d.trade_name, 'due_paise', $5::bigint, 'invoices', $6::text,
                                   'due_on', $7::text,
                                   'pay', COALESCE($8::text, d.upi_id, '+' || d.whatsapp, d.trade_name),
                                   'distributor_id', d.id, 'retailer_id', r.id),
                false
           FROM organisations d, organisations r
           JOIN users u ON u.org_id = r.id AND u.active AND u.role = 'owner'
          WHERE d.id = $1 AND r.id = $2 AND COALESCE(u.phone, r.whatsapp) IS NOT NULL
         ON CONFLICT (dedupe_key) DO NOTHING",
        pair.0,
        pair.1,
        today,
        template,
        due,
        numbers,
        first_due,
        link,
        ids[0]
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(distributor = pair.0, retailer = pair.1, due = %Paise(due), "payment reminder queued");
    Ok(true)
}

/// A payment came in: reminders of this account still waiting to be sent are
/// out of date (what they ask for may be paid), so they are not sent.
pub async fn skip_pending(conn: &mut sqlx::PgConnection, (d, r): Pair) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE outbox SET state = 'skipped'
          WHERE state = 'pending' AND template IN ('payment_reminder_due', 'payment_reminder_overdue')
            AND params->>'distributor_id' = $1::bigint::text AND params->>'retailer_id' = $2::bigint::text",
        d,
        r
    )
    .execute(conn)
    .await?;
    Ok(())
}
