//! The admin's platform report: every organisation's orders over the rollups
//! (whole ended months from the monthly ones, other days from the daily ones,
//! through their `month` and `day` indexes), WhatsApp delivery from the outbox.
//! Platform staff only; the platform is the only tenant of these figures.

use super::service::{Bucket, Resolved, fill_series, naive, resolve, state_name};
use super::table::{Cell, Kind, ReportTable};
use super::{Funnel, PeriodQuery, PlatformReport, PlatformTables, Point};
use crate::domain::period::{Change, Grouping, Period};
use crate::error::AppError;
use crate::server::Ctx;

/// Products listed per state in the "top products" table.
const TOP_PER_STATE: i64 = 10;

struct Totals {
    total: i64,
    orders: i64,
    placed: i64,
    placed_lines: i64,
    open: i64,
    accepted: i64,
    fulfilled: i64,
    rejected: i64,
    withdrawn: i64,
    cancelled: i64,
}

async fn totals(ctx: &Ctx, p: Period) -> Result<Totals, AppError> {
    Ok(sqlx::query_as!(
        Totals,
        r#"SELECT COALESCE(sum(total_paise) FILTER (WHERE stage IN ('confirmed', 'fulfilled')), 0)::bigint AS "total!",
                  COALESCE(sum(orders) FILTER (WHERE stage IN ('confirmed', 'fulfilled')), 0)::bigint AS "orders!",
                  COALESCE(sum(orders), 0)::bigint AS "placed!",
                  COALESCE(sum(lines), 0)::bigint AS "placed_lines!",
                  COALESCE(sum(orders) FILTER (WHERE stage = 'open'), 0)::bigint AS "open!",
                  COALESCE(sum(orders) FILTER (WHERE stage IN ('confirmed', 'fulfilled', 'cancelled')), 0)::bigint AS "accepted!",
                  COALESCE(sum(orders) FILTER (WHERE stage = 'fulfilled'), 0)::bigint AS "fulfilled!",
                  COALESCE(sum(orders) FILTER (WHERE stage = 'rejected'), 0)::bigint AS "rejected!",
                  COALESCE(sum(orders) FILTER (WHERE stage = 'withdrawn'), 0)::bigint AS "withdrawn!",
                  COALESCE(sum(orders) FILTER (WHERE stage = 'cancelled'), 0)::bigint AS "cancelled!"
             FROM distributor_span($1, $2)"#,
        naive(p.from),
        naive(p.to)
    )
    .fetch_one(ctx.db())
    .await?)
}

struct Active {
    retailers: i64,
    distributors: i64,
    manufacturers: i64,
}

/// Organisations with a sale in the period: one index probe each (the first
/// rollup row of the period that is a sale), not a distinct count over rows.
async fn active(ctx: &Ctx, p: Period) -> Result<Active, AppError> {
    Ok(sqlx::query_as!(
        Active,
        r#"SELECT (SELECT count(*) FROM organisations r
                    WHERE r.kind = 'retailer'
                      AND EXISTS (SELECT 1 FROM orders_daily d
                                   WHERE d.retailer_id = r.id AND d.day BETWEEN $1 AND $2
                                     AND d.stage IN ('confirmed', 'fulfilled'))) AS "retailers!",
                  (SELECT count(*) FROM organisations x
                    WHERE x.kind = 'distributor'
                      AND EXISTS (SELECT 1 FROM orders_daily d
                                   WHERE d.distributor_id = x.id AND d.day BETWEEN $1 AND $2
                                     AND d.stage IN ('confirmed', 'fulfilled'))) AS "distributors!",
                  (SELECT count(*) FROM organisations m
                    WHERE m.kind = 'manufacturer'
                      AND EXISTS (SELECT 1 FROM sales_daily s
                                   WHERE s.manufacturer_id = m.id AND s.day BETWEEN $1 AND $2
                                     AND s.stage IN ('confirmed', 'fulfilled'))) AS "manufacturers!""#,
        naive(p.from),
        naive(p.to)
    )
    .fetch_one(ctx.db())
    .await?)
}

async fn series(ctx: &Ctx, p: Period, grouping: Grouping) -> Result<Vec<Point>, AppError> {
    let (from, to) = (naive(p.from), naive(p.to));
    let buckets = if grouping == Grouping::Month {
        sqlx::query_as!(
            Bucket,
            r#"SELECT month AS "bucket!", sum(total_paise)::bigint AS "value!", sum(orders)::bigint AS "orders!"
                 FROM distributor_span($1, $2)
                WHERE stage IN ('confirmed', 'fulfilled')
                GROUP BY 1"#,
            from,
            to
        )
        .fetch_all(ctx.db())
        .await?
    } else {
        sqlx::query_as!(
            Bucket,
            r#"SELECT (CASE $3 WHEN 'week' THEN date_trunc('week', day) ELSE day END)::date AS "bucket!",
                      sum(total_paise)::bigint AS "value!", sum(orders)::bigint AS "orders!"
                 FROM orders_daily
                WHERE day BETWEEN $1 AND $2 AND stage IN ('confirmed', 'fulfilled')
                GROUP BY 1"#,
            from,
            to,
            grouping.as_str()
        )
        .fetch_all(ctx.db())
        .await?
    };
    Ok(fill_series(
        grouping,
        p,
        buckets.iter().map(|b| (b.bucket, b.value, b.orders)),
    ))
}

/// `part` of `whole` in tenths of a per cent (None of nothing).
fn share(part: i64, whole: i64) -> Cell {
    Cell::Percent((whole > 0).then(|| (part * 1000 + whole / 2) / whole))
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn report(
    ctx: &Ctx,
    q: &PeriodQuery,
    remember: bool,
) -> Result<PlatformReport, AppError> {
    let Resolved {
        period,
        grouping,
        query,
        downloads_blocked,
    } = resolve(ctx, q, remember).await?;
    let previous = period.previous();
    let (from, to) = (naive(period.from), naive(period.to));
    // Independent queries, each on its own pooled connection, side by side.
    let (now, before, active_now, active_before, series, messages) = tokio::try_join!(
        totals(ctx, period),
        totals(ctx, previous),
        active(ctx, period),
        active(ctx, previous),
        series(ctx, period, grouping),
        async {
            // Delivery only moves forward (sent → delivered → read), so "read" is also delivered.
            Ok::<_, AppError>(
                sqlx::query!(
                    r#"SELECT template, count(*) AS "made!",
                              count(*) FILTER (WHERE state = 'sent') AS "sent!",
                              count(*) FILTER (WHERE delivery IN ('delivered', 'read')) AS "delivered!",
                              count(*) FILTER (WHERE delivery = 'read') AS "read!",
                              count(*) FILTER (WHERE state = 'failed' OR delivery = 'failed') AS "failed!"
                         FROM outbox
                        WHERE created_at >= ($1::date)::timestamp AT TIME ZONE 'Asia/Kolkata'
                          AND created_at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Kolkata'
                        GROUP BY 1 ORDER BY 2 DESC, 1"#,
                    from,
                    to
                )
                .fetch_all(ctx.db())
                .await?,
            )
        },
    )?;
    let messages_table = ReportTable::of(
        "WhatsApp by template",
        &[
            ("Template", Kind::Text),
            ("Messages", Kind::Count),
            ("Sent", Kind::Count),
            ("Delivered", Kind::Count),
            ("Read", Kind::Count),
            ("Failed", Kind::Count),
            ("Delivered of sent", Kind::Percent),
            ("Read of delivered", Kind::Percent),
        ],
        messages.into_iter().map(|r| {
            vec![
                Cell::Text(r.template),
                Cell::Count(r.made),
                Cell::Count(r.sent),
                Cell::Count(r.delivered),
                Cell::Count(r.read),
                Cell::Count(r.failed),
                share(r.delivered, r.sent),
                share(r.read, r.delivered),
            ]
        }),
    );

    let change = |a: i64, b: i64| Change { now: a, before: b };
    Ok(PlatformReport {
        query,
        downloads_blocked,
        period,
        previous,
        grouping,
        total: change(now.total, before.total),
        orders: change(now.orders, before.orders),
        active_retailers: change(active_now.retailers, active_before.retailers),
        active_distributors: change(active_now.distributors, active_before.distributors),
        active_manufacturers: change(active_now.manufacturers, active_before.manufacturers),
        series,
        placed_lines: now.placed_lines,
        funnel: Funnel {
            placed: now.placed,
            open: now.open,
            accepted: now.accepted,
            fulfilled: now.fulfilled,
            rejected: now.rejected,
            withdrawn: now.withdrawn,
            cancelled: now.cancelled,
        },
        messages: messages_table,
    })
}

/// The platform's big tables for the period (by shop, by category, top
/// products by state): the slow part of the admin's report over long periods,
/// fetched apart so the figures above them show at once.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn tables(
    ctx: &Ctx,
    q: &PeriodQuery,
    remember: bool,
) -> Result<PlatformTables, AppError> {
    let Resolved {
        period,
        query,
        downloads_blocked,
        ..
    } = resolve(ctx, q, remember).await?;
    let (from, to) = (naive(period.from), naive(period.to));
    let (retailers, categories, top) = tokio::try_join!(
        async {
            Ok::<_, AppError>(
                sqlx::query!(
                    r#"SELECT r.trade_name, r.city, r.pincode, t.orders AS "orders!", t.value AS "value!"
                         FROM (SELECT retailer_id, sum(orders)::bigint AS orders, sum(total_paise)::bigint AS value
                                 FROM orders_span($1, $2)
                                WHERE stage IN ('confirmed', 'fulfilled')
                                GROUP BY 1) t
                         JOIN organisations r ON r.id = t.retailer_id
                        ORDER BY t.value DESC, r.trade_name"#,
                    from,
                    to
                )
                .fetch_all(ctx.db())
                .await?,
            )
        },
        async {
            Ok::<_, AppError>(
                sqlx::query!(
                    r#"SELECT c.name, count(DISTINCT t.sku_id) AS "products!", sum(t.qty)::bigint AS "qty!",
                              sum(t.value)::bigint AS "value!"
                         FROM (SELECT sku_id, sum(qty) AS qty, sum(value_paise) AS value
                                 FROM sales_span($1, $2)
                                WHERE stage IN ('confirmed', 'fulfilled')
                                GROUP BY 1) t
                         JOIN skus k ON k.id = t.sku_id
                         JOIN categories c ON c.id = k.category_id
                        GROUP BY c.name ORDER BY 4 DESC, 1"#,
                    from,
                    to
                )
                .fetch_all(ctx.db())
                .await?,
            )
        },
        async {
            Ok::<_, AppError>(
                sqlx::query!(
                    r#"SELECT t.state_code AS "state_code!", t.rank AS "rank!", k.name, k.brand, t.qty AS "qty!", t.value AS "value!"
                         FROM (SELECT state_code, sku_id, sum(qty)::bigint AS qty, sum(value_paise)::bigint AS value,
                                      rank() OVER (PARTITION BY state_code ORDER BY sum(value_paise) DESC, sku_id) AS rank
                                 FROM sales_span($1, $2)
                                WHERE stage IN ('confirmed', 'fulfilled')
                                GROUP BY 1, 2) t
                         JOIN skus k ON k.id = t.sku_id
                        WHERE t.rank <= $3
                        ORDER BY 1, 2"#,
                    from,
                    to,
                    TOP_PER_STATE
                )
                .fetch_all(ctx.db())
                .await?,
            )
        },
    )?;
    let retailers_table = ReportTable::of(
        "By shop",
        &[
            ("Shop", Kind::Text),
            ("Town", Kind::Text),
            ("Pincode", Kind::Text),
            ("Orders", Kind::Count),
            ("Value with GST", Kind::Money),
        ],
        retailers.into_iter().map(|r| {
            vec![
                Cell::Text(r.trade_name),
                Cell::Text(r.city),
                Cell::Text(r.pincode),
                Cell::Count(r.orders),
                Cell::Money(r.value),
            ]
        }),
    );

    let categories_table = ReportTable::of(
        "By category",
        &[
            ("Category", Kind::Text),
            ("Products", Kind::Count),
            ("Quantity", Kind::Count),
            ("Value before GST", Kind::Money),
        ],
        categories.into_iter().map(|r| {
            vec![
                Cell::Text(r.name),
                Cell::Count(r.products),
                Cell::Count(r.qty),
                Cell::Money(r.value),
            ]
        }),
    );

    let top_table = ReportTable::of(
        "Top products by state",
        &[
            ("State", Kind::Text),
            ("Rank", Kind::Count),
            ("Product", Kind::Text),
            ("Brand", Kind::Text),
            ("Quantity", Kind::Count),
            ("Value before GST", Kind::Money),
        ],
        top.into_iter().map(|r| {
            vec![
                Cell::Text(state_name(r.state_code)),
                Cell::Count(r.rank),
                Cell::Text(r.name),
                Cell::Text(r.brand),
                Cell::Count(r.qty),
                Cell::Money(r.value),
            ]
        }),
    );

    Ok(PlatformTables {
        query,
        downloads_blocked,
        period,
        retailers: retailers_table,
        categories: categories_table,
        top_products: ReportTable {
            totals: None,
            ..top_table
        },
    })
}
