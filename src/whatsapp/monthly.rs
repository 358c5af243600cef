//! On the 1st of each month (Asia/Kolkata), every retailer's owner gets last month's
//! statement from each distributor it has invoices from: the invoice count, the net
//! amount and the statement PDF. A `job_runs` row per month, taken in the same
//! transaction as the messages, makes the job run once however many processes try;
//! the messages' dedupe keys make a repeat write nothing new.

use crate::server::AppState;
use sqlx::PgPool;

pub const JOB: &str = "monthly_summary";

/// Runs last month's summaries if no process has yet.
pub async fn run_due(state: &AppState) -> Result<Option<u64>, sqlx::Error> {
    let month: String = sqlx::query_scalar!(r#"SELECT to_char(date_trunc('month', ist_today()) - interval '1 month', 'YYYY-MM') AS "month!""#)
    .fetch_one(&state.db)
    .await?;
    run(&state.db, &month).await
}

/// Writes the summaries of `month` ("2026-10"); None if that month already ran.
pub async fn run(db: &PgPool, month: &str) -> Result<Option<u64>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let claimed: Option<i32> = sqlx::query_scalar!(
        r#"INSERT INTO job_runs (job, period) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1 AS "claimed!""#,
        JOB,
        month
    )
    .fetch_optional(&mut *tx)
    .await?;
    if claimed.is_none() {
        return Ok(None);
    }
    let written = sqlx::query!("INSERT INTO outbox (dedupe_key, recipient, recipient_user, template, language, params, transactional,
                             document_kind, month)
         SELECT 'summary:' || $1 || ':' || s.distributor_id || ':' || u.id, COALESCE(u.phone, r.whatsapp), u.id,
                'monthly_statement', u.language,
                jsonb_build_object('month', to_char(to_date($1, 'YYYY-MM'), 'FMMonth YYYY'), 'distributor', d.trade_name,
                                   'invoices', s.invoices::text, 'net_paise', s.net_paise,
                                   'distributor_id', d.id, 'retailer_id', r.id),
                false, 'statement', $1
           FROM (SELECT i.retailer_id, i.distributor_id,
                        count(*) FILTER (WHERE i.kind = 'invoice') AS invoices,
                        sum(CASE WHEN i.kind = 'invoice' THEN i.total_paise ELSE -i.total_paise END)::bigint AS net_paise
                   FROM invoices i
                  WHERE i.issued_on >= to_date($1, 'YYYY-MM')
                    AND i.issued_on < to_date($1, 'YYYY-MM') + interval '1 month'
                  GROUP BY 1, 2) s
           JOIN organisations r ON r.id = s.retailer_id
           JOIN organisations d ON d.id = s.distributor_id
           JOIN users u ON u.org_id = r.id AND u.active AND u.role = 'owner'
          WHERE COALESCE(u.phone, r.whatsapp) IS NOT NULL
         ON CONFLICT (dedupe_key) DO NOTHING", month)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query!(
        "UPDATE job_runs SET messages = $3 WHERE job = $1 AND period = $2",
        JOB,
        month,
        written as i32
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(month, messages = written, "monthly summaries queued");
    Ok(Some(written))
}
