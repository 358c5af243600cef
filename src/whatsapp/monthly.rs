//! On the 1st of each month (Asia/Kolkata), every retailer's owner gets last month's
//! statement from each distributor it has invoices from: the invoice count, the net
//! amount and the statement PDF. Each distributor's owner gets its month's sales
//! summary and each brand's owner its products' summary, each with its report as
//! a PDF (`reports::summary`), for every organisation that sold that month. A `job_runs` row per month, taken in the same
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
    // A distributor's month against the one before, from the rollups.
    let sales = sqlx::query!("INSERT INTO outbox (dedupe_key, recipient, recipient_user, template, language, params, transactional,
                             document_kind, month)
         SELECT 'sales-summary:' || $1 || ':' || d.id || ':' || u.id, COALESCE(u.phone, d.whatsapp), u.id,
                'monthly_sales_summary', u.language,
                jsonb_build_object('month', to_char(to_date($1, 'YYYY-MM'), 'FMMonth YYYY'), 'orders', s.orders::text,
                                   'total_paise', s.total, 'shops', s.shops::text,
                                   'change', CASE WHEN COALESCE(b.total, 0) = 0 THEN 'new'
                                                  ELSE to_char(round((s.total - b.total) * 100.0 / b.total, 1), 'FMSG9999990.0') || ' %' END),
                false, 'sales_summary', $1
           FROM (SELECT distributor_id, sum(orders)::bigint AS orders, sum(total_paise)::bigint AS total,
                        count(DISTINCT retailer_id) AS shops
                   FROM orders_daily
                  WHERE day >= to_date($1, 'YYYY-MM') AND day < to_date($1, 'YYYY-MM') + interval '1 month'
                    AND stage IN ('confirmed', 'fulfilled')
                  GROUP BY 1) s
           LEFT JOIN (SELECT distributor_id, sum(total_paise)::bigint AS total
                        FROM orders_daily
                       WHERE day >= to_date($1, 'YYYY-MM') - interval '1 month' AND day < to_date($1, 'YYYY-MM')
                         AND stage IN ('confirmed', 'fulfilled')
                       GROUP BY 1) b ON b.distributor_id = s.distributor_id
           JOIN organisations d ON d.id = s.distributor_id
           JOIN users u ON u.org_id = d.id AND u.active AND u.role = 'owner'
          WHERE COALESCE(u.phone, d.whatsapp) IS NOT NULL
         ON CONFLICT (dedupe_key) DO NOTHING", month)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let brands = sqlx::query!("INSERT INTO outbox (dedupe_key, recipient, recipient_user, template, language, params, transactional,
                             document_kind, month)
         SELECT 'brand-summary:' || $1 || ':' || m.id || ':' || u.id, COALESCE(u.phone, m.whatsapp), u.id,
                'monthly_brand_summary', u.language,
                jsonb_build_object('month', to_char(to_date($1, 'YYYY-MM'), 'FMMonth YYYY'), 'units', s.units::text,
                                   'goods_paise', s.goods, 'distributors', s.distributors::text, 'shops', s.shops::text),
                false, 'brand_summary', $1
           FROM (SELECT manufacturer_id, sum(qty)::bigint AS units, sum(value_paise)::bigint AS goods,
                        count(DISTINCT distributor_id) AS distributors, count(DISTINCT retailer_id) AS shops
                   FROM sales_daily
                  WHERE day >= to_date($1, 'YYYY-MM') AND day < to_date($1, 'YYYY-MM') + interval '1 month'
                    AND stage IN ('confirmed', 'fulfilled')
                  GROUP BY 1) s
           JOIN organisations m ON m.id = s.manufacturer_id
           JOIN users u ON u.org_id = m.id AND u.active AND u.role = 'owner'
          WHERE COALESCE(u.phone, m.whatsapp) IS NOT NULL
         ON CONFLICT (dedupe_key) DO NOTHING", month)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let written = written + sales + brands;
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
