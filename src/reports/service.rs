//! The sales report's queries, over the rollups, for the caller's side of the
//! trade: a distributor's rows by `distributor_id`, a shop's by `retailer_id`
//! (each an index), always within the caller's own organisation.

use super::table::{Cell, Kind, ReportTable};
use super::{Funnel, PeriodQuery, Point, SalesReport};
use crate::domain::period::{Change, Day, Grouping, Period, Preset};
use crate::domain::{IndianState, OrgKind};
use crate::error::AppError;
use crate::server::Ctx;
use chrono::{Datelike, NaiveDate};

pub(super) fn naive(d: Day) -> NaiveDate {
    let (y, m, dd) = d.ymd();
    NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default()
}

pub(super) fn civil(d: NaiveDate) -> Option<Day> {
    Day::from_ymd(d.year(), d.month(), d.day())
}

/// A state's name from its GST code, as the rollups store it.
pub(super) fn state_name(code: i16) -> String {
    u8::try_from(code)
        .ok()
        .and_then(IndianState::by_code)
        .map(|s| s.name.to_string())
        .unwrap_or_else(|| format!("State {code:02}"))
}

/// Today in India, by the database's clock (the same one the rollups date by).
async fn today(ctx: &Ctx) -> Result<Day, AppError> {
    let d = sqlx::query_scalar!(r#"SELECT ist_today() AS "today!""#)
        .fetch_one(ctx.db())
        .await?;
    civil(d).ok_or_else(|| crate::error::internal("ist_today out of range"))
}

/// The period and grouping a link asks for, checked, each error beside its field.
pub async fn resolve(ctx: &Ctx, q: &PeriodQuery) -> Result<(Period, Grouping), AppError> {
    let preset = Preset::parse(&q.period).map_err(|e| AppError::field("period", e.0))?;
    let period = Period::resolve(preset, &q.from, &q.to, today(ctx).await?)
        .map_err(|e| AppError::field(e.field, e.reason))?;
    let grouping = Grouping::parse(&q.group, period).map_err(|e| AppError::field("group", e.0))?;
    Ok((period, grouping))
}

/// Runs `$query!` with the caller's own column (`retailer_id` for a shop,
/// `distributor_id` for a distributor) and the other party's, then `.$then`.
macro_rules! for_side {
    ($retailer:expr, $query:ident!($($arg:expr),* $(,)?) . $($then:tt)+) => {
        if $retailer {
            $query!("retailer_id", "distributor_id" $(, $arg)*).$($then)+
        } else {
            $query!("distributor_id", "retailer_id" $(, $arg)*).$($then)+
        }
    };
}

// "Sales" in every query: goods of accepted orders not cancelled, that is
// `stage IN ('confirmed', 'fulfilled')` (invoiced and not credited).

struct Totals {
    total: i64,
    orders: i64,
    lines: i64,
    goods: i64,
    placed: i64,
    open: i64,
    accepted: i64,
    fulfilled: i64,
    rejected: i64,
    withdrawn: i64,
    cancelled: i64,
}

macro_rules! totals_query {
    ($side:tt, $other:tt $(, $arg:expr)*) => {
        sqlx::query_as!(
            Totals,
            r#"SELECT COALESCE(sum(total_paise) FILTER (WHERE stage IN ('confirmed', 'fulfilled')), 0)::bigint AS "total!",
                      COALESCE(sum(orders) FILTER (WHERE stage IN ('confirmed', 'fulfilled')), 0)::bigint AS "orders!",
                      COALESCE(sum(lines) FILTER (WHERE stage IN ('confirmed', 'fulfilled')), 0)::bigint AS "lines!",
                      (SELECT COALESCE(sum(value_paise), 0)::bigint FROM sales_daily
                        WHERE "# + $side + r#" = $1 AND day BETWEEN $2 AND $3
                          AND stage IN ('confirmed', 'fulfilled')) AS "goods!",
                      COALESCE(sum(orders), 0)::bigint AS "placed!",
                      COALESCE(sum(orders) FILTER (WHERE stage = 'open'), 0)::bigint AS "open!",
                      COALESCE(sum(orders) FILTER (WHERE stage IN ('confirmed', 'fulfilled', 'cancelled')), 0)::bigint AS "accepted!",
                      COALESCE(sum(orders) FILTER (WHERE stage = 'fulfilled'), 0)::bigint AS "fulfilled!",
                      COALESCE(sum(orders) FILTER (WHERE stage = 'rejected'), 0)::bigint AS "rejected!",
                      COALESCE(sum(orders) FILTER (WHERE stage = 'withdrawn'), 0)::bigint AS "withdrawn!",
                      COALESCE(sum(orders) FILTER (WHERE stage = 'cancelled'), 0)::bigint AS "cancelled!"
                 FROM orders_daily WHERE "# + $side + r#" = $1 AND day BETWEEN $2 AND $3"#
            $(, $arg)*
        )
    };
}

struct Bucket {
    bucket: NaiveDate,
    value: i64,
    orders: i64,
}

macro_rules! series_query {
    ($side:tt, $other:tt $(, $arg:expr)*) => {
        sqlx::query_as!(
            Bucket,
            r#"SELECT (CASE $4 WHEN 'week' THEN date_trunc('week', day) WHEN 'month' THEN date_trunc('month', day)
                       ELSE day END)::date AS "bucket!",
                      sum(total_paise)::bigint AS "value!", sum(orders)::bigint AS "orders!"
                 FROM orders_daily
                WHERE "# + $side + r#" = $1 AND day BETWEEN $2 AND $3 AND stage IN ('confirmed', 'fulfilled')
                GROUP BY 1 ORDER BY 1"#
            $(, $arg)*
        )
    };
}

struct PartyRow {
    name: String,
    city: String,
    orders: i64,
    lines: i64,
    value: i64,
    last_day: NaiveDate,
}

macro_rules! parties_query {
    ($side:tt, $other:tt $(, $arg:expr)*) => {
        sqlx::query_as!(
            PartyRow,
            r#"SELECT p.trade_name AS name, p.city, t.orders AS "orders!", t.lines AS "lines!", t.value AS "value!",
                      t.last_day AS "last_day!"
                 FROM (SELECT "# + $other + r#" AS party, sum(orders)::bigint AS orders, sum(lines)::bigint AS lines,
                              sum(total_paise)::bigint AS value, max(day) AS last_day
                         FROM orders_daily
                        WHERE "# + $side + r#" = $1 AND day BETWEEN $2 AND $3 AND stage IN ('confirmed', 'fulfilled')
                        GROUP BY 1) t
                 JOIN organisations p ON p.id = t.party
                ORDER BY t.value DESC, p.trade_name"#
            $(, $arg)*
        )
    };
}

struct ProductRow {
    name: String,
    brand: String,
    category: String,
    qty: i64,
    orders: i64,
    value: i64,
}

macro_rules! products_query {
    ($side:tt, $other:tt $(, $arg:expr)*) => {
        sqlx::query_as!(
            ProductRow,
            r#"SELECT k.name, k.brand, c.name AS category, t.qty AS "qty!", t.orders AS "orders!", t.value AS "value!"
                 FROM (SELECT sku_id, sum(qty)::bigint AS qty, sum(orders)::bigint AS orders,
                              sum(value_paise)::bigint AS value
                         FROM sales_daily
                        WHERE "# + $side + r#" = $1 AND day BETWEEN $2 AND $3 AND stage IN ('confirmed', 'fulfilled')
                        GROUP BY 1) t
                 JOIN skus k ON k.id = t.sku_id
                 JOIN categories c ON c.id = k.category_id
                ORDER BY t.value DESC, k.name"#
            $(, $arg)*
        )
    };
}

struct IdleRow {
    name: String,
    city: String,
    last_day: NaiveDate,
    orders: i64,
    value: i64,
}

macro_rules! idle_query {
    ($side:tt, $other:tt $(, $arg:expr)*) => {
        sqlx::query_as!(
            IdleRow,
            r#"SELECT p.trade_name AS name, p.city, t.last_day AS "last_day!", t.orders AS "orders!", t.value AS "value!"
                 FROM (SELECT "# + $other + r#" AS party, max(day) AS last_day,
                              COALESCE(sum(orders) FILTER (WHERE stage IN ('confirmed', 'fulfilled')), 0)::bigint AS orders,
                              COALESCE(sum(total_paise) FILTER (WHERE stage IN ('confirmed', 'fulfilled')), 0)::bigint AS value
                         FROM orders_daily
                        WHERE "# + $side + r#" = $1
                        GROUP BY 1
                       HAVING max(day) < ist_today() - $2::int) t
                 JOIN organisations p ON p.id = t.party
                ORDER BY t.value DESC, p.trade_name"#
            $(, $arg)*
        )
    };
}

macro_rules! gst_query {
    ($side:tt, $other:tt $(, $arg:expr)*) => {
        sqlx::query_scalar!(
            r#"SELECT COALESCE(sum(CASE WHEN kind = 'invoice' THEN 1 ELSE -1 END
                                   * (cgst_paise + sgst_paise + igst_paise)), 0)::bigint AS "gst!"
                 FROM invoices WHERE "# + $side + r#" = $1 AND issued_on BETWEEN $2 AND $3"#
            $(, $arg)*
        )
    };
}

/// GST on the period's invoices less credit notes.
async fn gst(ctx: &Ctx, retailer: bool, p: Period) -> Result<i64, AppError> {
    let (org, from, to) = (ctx.user().org_id, naive(p.from), naive(p.to));
    Ok(for_side!(
        retailer,
        gst_query!(org, from, to).fetch_one(ctx.db()).await
    )?)
}

/// The series over every bucket of the period (those without orders as zero),
/// from the (bucket start, value, count) rows a query returned.
pub(super) fn fill_series(
    grouping: Grouping,
    period: Period,
    buckets: impl Iterator<Item = (NaiveDate, i64, i64)>,
) -> Vec<Point> {
    let found: std::collections::HashMap<Day, (i64, i64)> = buckets
        .filter_map(|(d, v, n)| civil(d).map(|d| (d, (v, n))))
        .collect();
    grouping
        .buckets(period)
        .into_iter()
        .map(|start| {
            let (value_paise, orders) = found.get(&start).copied().unwrap_or((0, 0));
            Point {
                label: grouping.show(start),
                value_paise,
                orders,
            }
        })
        .collect()
}

/// One period's figures.
async fn totals(ctx: &Ctx, retailer: bool, p: Period) -> Result<Totals, AppError> {
    let (org, from, to) = (ctx.user().org_id, naive(p.from), naive(p.to));
    Ok(for_side!(
        retailer,
        totals_query!(org, from, to).fetch_one(ctx.db()).await
    )?)
}

/// The sales report of the caller's organisation for the period its link asks for.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn sales(ctx: &Ctx, q: &PeriodQuery) -> Result<SalesReport, AppError> {
    let (period, grouping) = resolve(ctx, q).await?;
    let retailer = ctx.user().org_kind == OrgKind::Retailer;
    let previous = period.previous();
    let now = totals(ctx, retailer, period).await?;
    let before = totals(ctx, retailer, previous).await?;
    let (org, from, to) = (ctx.user().org_id, naive(period.from), naive(period.to));
    let group = grouping.as_str();
    let buckets = for_side!(
        retailer,
        series_query!(org, from, to, group)
            .fetch_all(ctx.db())
            .await
    )?;
    let series = fill_series(
        grouping,
        period,
        buckets.iter().map(|b| (b.bucket, b.value, b.orders)),
    );
    let parties = for_side!(
        retailer,
        parties_query!(org, from, to).fetch_all(ctx.db()).await
    )?;
    let products = for_side!(
        retailer,
        products_query!(org, from, to).fetch_all(ctx.db()).await
    )?;
    let idle = for_side!(
        retailer,
        idle_query!(org, super::IDLE_DAYS).fetch_all(ctx.db()).await
    )?;
    let rejections = if retailer {
        Vec::new()
    } else {
        sqlx::query!(
            r#"SELECT lower(btrim(COALESCE(e.note, ''))) AS "reason!", count(*) AS "orders!"
                 FROM orders o JOIN order_events e ON e.order_id = o.id AND e.to_state = 'rejected'
                WHERE o.distributor_id = $1 AND ist_day(o.created_at) BETWEEN $2 AND $3
                GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50"#,
            org,
            from,
            to
        )
        .fetch_all(ctx.db())
        .await?
        .into_iter()
        .map(|r| (r.reason, r.orders))
        .collect()
    };
    let (gst_now, gst_before) = (
        gst(ctx, retailer, period).await?,
        gst(ctx, retailer, previous).await?,
    );
    let change = |a: i64, b: i64| Change { now: a, before: b };
    Ok(SalesReport {
        period,
        previous,
        grouping,
        total: change(now.total, before.total),
        orders: change(now.orders, before.orders),
        lines: change(now.lines, before.lines),
        goods: change(now.goods, before.goods),
        gst: change(gst_now, gst_before),
        series,
        funnel: Funnel {
            placed: now.placed,
            open: now.open,
            accepted: now.accepted,
            fulfilled: now.fulfilled,
            rejected: now.rejected,
            withdrawn: now.withdrawn,
            cancelled: now.cancelled,
        },
        parties: parties_table(retailer, parties),
        categories: categories_table(&products),
        products: products_table(products),
        inactive: idle_table(retailer, idle),
        rejections: rejections_table(rejections),
    })
}

fn idle_table(retailer: bool, rows: Vec<IdleRow>) -> ReportTable {
    let title = format!(
        "{} with no order in the last {} days",
        if retailer { "Distributors" } else { "Shops" },
        super::IDLE_DAYS
    );
    ReportTable::of(
        &title,
        &[
            (if retailer { "Distributor" } else { "Shop" }, Kind::Text),
            ("Town", Kind::Text),
            ("Last order", Kind::Text),
            ("Orders before", Kind::Count),
            ("Value before", Kind::Money),
        ],
        rows.into_iter().map(|r| {
            vec![
                Cell::Text(r.name),
                Cell::Text(r.city),
                Cell::Text(civil(r.last_day).map(Day::show).unwrap_or_default()),
                Cell::Count(r.orders),
                Cell::Money(r.value),
            ]
        }),
    )
}

fn rejections_table(rows: Vec<(String, i64)>) -> ReportTable {
    ReportTable::of(
        "Why orders were rejected",
        &[("Reason", Kind::Text), ("Orders", Kind::Count)],
        rows.into_iter().map(|(reason, n)| {
            let reason = if reason.is_empty() {
                "(no reason given)".to_string()
            } else {
                reason
            };
            vec![Cell::Text(reason), Cell::Count(n)]
        }),
    )
}

fn parties_table(retailer: bool, rows: Vec<PartyRow>) -> ReportTable {
    ReportTable::of(
        if retailer {
            "By distributor"
        } else {
            "By shop"
        },
        &[
            (if retailer { "Distributor" } else { "Shop" }, Kind::Text),
            ("Town", Kind::Text),
            ("Orders", Kind::Count),
            ("Lines", Kind::Count),
            ("Value with GST", Kind::Money),
            ("Last order", Kind::Text),
        ],
        rows.into_iter().map(|r| {
            vec![
                Cell::Text(r.name),
                Cell::Text(r.city),
                Cell::Count(r.orders),
                Cell::Count(r.lines),
                Cell::Money(r.value),
                Cell::Text(civil(r.last_day).map(Day::show).unwrap_or_default()),
            ]
        }),
    )
}

fn products_table(rows: Vec<ProductRow>) -> ReportTable {
    ReportTable::of(
        "By product",
        &[
            ("Product", Kind::Text),
            ("Brand", Kind::Text),
            ("Category", Kind::Text),
            ("Quantity", Kind::Count),
            ("Orders", Kind::Count),
            ("Value before GST", Kind::Money),
        ],
        rows.into_iter().map(|r| {
            vec![
                Cell::Text(r.name),
                Cell::Text(r.brand),
                Cell::Text(r.category),
                Cell::Count(r.qty),
                Cell::Count(r.orders),
                Cell::Money(r.value),
            ]
        }),
    )
}

/// Categories summed from the product rows (a category's quantity mixes units,
/// so it shows products and value).
fn categories_table(rows: &[ProductRow]) -> ReportTable {
    let mut by: Vec<(String, i64, i64)> = Vec::new();
    for r in rows {
        match by.iter_mut().find(|(c, _, _)| *c == r.category) {
            Some(row) => {
                row.1 += 1;
                row.2 += r.value;
            }
            None => by.push((r.category.clone(), 1, r.value)),
        }
    }
    by.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    ReportTable::of(
        "By category",
        &[
            ("Category", Kind::Text),
            ("Products", Kind::Count),
            ("Value before GST", Kind::Money),
        ],
        by.into_iter()
            .map(|(c, n, v)| vec![Cell::Text(c), Cell::Count(n), Cell::Money(v)]),
    )
}
