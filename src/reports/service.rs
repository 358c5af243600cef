//! The sales report's queries, over the rollups, for the caller's side of the
//! trade: a distributor's rows by `distributor_id`, a shop's by `retailer_id`
//! (each an index), always within the caller's own organisation.

use super::table::{Cell, Kind, ReportTable};
use super::{Funnel, Glance, PeriodQuery, Point, SalesReport};
use crate::domain::period::{Change, Day, Grouping, Period, Preset};
use crate::domain::{IndianState, MemberRole, OrgKind};
use crate::error::AppError;
use crate::server::Ctx;
use chrono::{Datelike, NaiveDate};

pub(crate) fn naive(d: Day) -> NaiveDate {
    let (y, m, dd) = d.ymd();
    NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default()
}

pub(crate) fn civil(d: NaiveDate) -> Option<Day> {
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

/// A report's period as checked: its days, grouping, the query that chose it
/// and whether the caller may download it.
pub struct Resolved {
    pub period: Period,
    pub grouping: Grouping,
    pub query: PeriodQuery,
    pub downloads_blocked: Option<String>,
}

/// The period and grouping a link asks for, checked, each error beside its field.
/// A page (`remember`) opened with no period takes the user's last choice, and a
/// valid choice is kept for next time; a download uses exactly its link.
pub async fn resolve(ctx: &Ctx, q: &PeriodQuery, remember: bool) -> Result<Resolved, AppError> {
    let user = ctx.user().user_id;
    let mut query = q.clone();
    let saved = if remember && query.is_unset() {
        sqlx::query!(
            r#"SELECT period, from_day, to_day, grp, compare FROM report_choices WHERE user_id = $1"#,
            user
        )
        .fetch_optional(ctx.db())
        .await?
    } else {
        None
    };
    if let Some(saved) = saved {
        query = PeriodQuery {
            period: saved.period,
            from: saved.from_day,
            to: saved.to_day,
            group: saved.grp,
            compare: if saved.compare {
                String::new()
            } else {
                "off".into()
            },
        };
    }
    let preset = Preset::parse(&query.period).map_err(|e| AppError::field("period", e.0))?;
    let period = Period::resolve(preset, &query.from, &query.to, today(ctx).await?)
        .map_err(|e| AppError::field(e.field, e.reason))?;
    let grouping =
        Grouping::parse(&query.group, period).map_err(|e| AppError::field("group", e.0))?;
    if remember && !query.is_unset() {
        // Valid by now: each text is a preset name, a date or a grouping.
        sqlx::query!(
            "INSERT INTO report_choices (user_id, period, from_day, to_day, grp, compare)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (user_id) DO UPDATE
                SET period = excluded.period, from_day = excluded.from_day, to_day = excluded.to_day,
                    grp = excluded.grp, compare = excluded.compare, changed_at = now()
              WHERE (report_choices.period, report_choices.from_day, report_choices.to_day,
                     report_choices.grp, report_choices.compare)
                    IS DISTINCT FROM (excluded.period, excluded.from_day, excluded.to_day,
                                      excluded.grp, excluded.compare)",
            user,
            &query.period,
            &query.from,
            &query.to,
            &query.group,
            query.compares()
        )
        .execute(ctx.db())
        .await?;
    }
    use super::STAFF_DOWNLOAD_DAYS;
    let downloads_blocked = if ctx.user().role == MemberRole::Staff
        && period.days() > STAFF_DOWNLOAD_DAYS
        && !sqlx::query_scalar!(
            "SELECT staff_long_downloads FROM organisations WHERE id = $1",
            ctx.user().org_id
        )
        .fetch_one(ctx.db())
        .await?
    {
        Some(format!(
            "Your owner lets staff download at most {STAFF_DOWNLOAD_DAYS} days at a time: choose a shorter period to download."
        ))
    } else {
        None
    };
    Ok(Resolved {
        period,
        grouping,
        query,
        downloads_blocked,
    })
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
    placed: i64,
    placed_lines: i64,
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
                      COALESCE(sum(orders), 0)::bigint AS "placed!",
                      COALESCE(sum(lines), 0)::bigint AS "placed_lines!",
                      COALESCE(sum(orders) FILTER (WHERE stage = 'open'), 0)::bigint AS "open!",
                      COALESCE(sum(orders) FILTER (WHERE stage IN ('confirmed', 'fulfilled', 'cancelled')), 0)::bigint AS "accepted!",
                      COALESCE(sum(orders) FILTER (WHERE stage = 'fulfilled'), 0)::bigint AS "fulfilled!",
                      COALESCE(sum(orders) FILTER (WHERE stage = 'rejected'), 0)::bigint AS "rejected!",
                      COALESCE(sum(orders) FILTER (WHERE stage = 'withdrawn'), 0)::bigint AS "withdrawn!",
                      COALESCE(sum(orders) FILTER (WHERE stage = 'cancelled'), 0)::bigint AS "cancelled!"
                 FROM orders_span($2, $3) WHERE "# + $side + r#" = $1"#
            $(, $arg)*
        )
    };
}

/// One bucket of a series: its first day, value and orders.
pub(super) struct Bucket {
    pub(super) bucket: NaiveDate,
    pub(super) value: i64,
    pub(super) orders: i64,
}

macro_rules! series_query {
    ($side:tt, $other:tt $(, $arg:expr)*) => {
        sqlx::query_as!(
            Bucket,
            r#"SELECT (CASE $4 WHEN 'week' THEN date_trunc('week', day) ELSE day END)::date AS "bucket!",
                      sum(total_paise)::bigint AS "value!", sum(orders)::bigint AS "orders!"
                 FROM orders_daily
                WHERE "# + $side + r#" = $1 AND day BETWEEN $2 AND $3 AND stage IN ('confirmed', 'fulfilled')
                GROUP BY 1 ORDER BY 1"#
            $(, $arg)*
        )
    };
}

// By month: whole ended months from the monthly rollup.
macro_rules! monthly_series_query {
    ($side:tt, $other:tt $(, $arg:expr)*) => {
        sqlx::query_as!(
            Bucket,
            r#"SELECT month_of(last_day) AS "bucket!",
                      sum(total_paise)::bigint AS "value!", sum(orders)::bigint AS "orders!"
                 FROM orders_span($2, $3)
                WHERE "# + $side + r#" = $1 AND stage IN ('confirmed', 'fulfilled')
                GROUP BY 1 ORDER BY 1"#
            $(, $arg)*
        )
    };
}

/// A party's top products are those of the period's last this many days (the
/// whole period when shorter): what a shop buys now, read from at most a
/// month of daily rows however long the period (over a year of a large
/// distributor, every shop's products of the whole period took seconds).
pub const TOP_PRODUCT_DAYS: u64 = 31;

struct PartyRow {
    name: String,
    city: String,
    orders: i64,
    lines: i64,
    value: i64,
    before: i64,
    last_day: NaiveDate,
    top: String,
}

// $1 the caller, $2–$3 the period, $4–$5 the period before, $6 the first day
// of the period's last `TOP_PRODUCT_DAYS`. Each party's three biggest products
// (by value) come from one pass over those days of the daily SKU rollup.
macro_rules! parties_query {
    ($side:tt, $other:tt $(, $arg:expr)*) => {
        sqlx::query_as!(
            PartyRow,
            r#"WITH now AS (
                 SELECT "# + $other + r#" AS party, sum(orders)::bigint AS orders, sum(lines)::bigint AS lines,
                        sum(total_paise)::bigint AS value, max(last_day) AS last_day
                   FROM orders_span($2, $3)
                  WHERE "# + $side + r#" = $1 AND stage IN ('confirmed', 'fulfilled')
                  GROUP BY 1),
               before AS (
                 SELECT "# + $other + r#" AS party, sum(total_paise)::bigint AS value
                   FROM orders_span($4, $5)
                  WHERE "# + $side + r#" = $1 AND stage IN ('confirmed', 'fulfilled')
                  GROUP BY 1),
               ranked AS (
                 SELECT "# + $other + r#" AS party, sku_id,
                        row_number() OVER (PARTITION BY "# + $other + r#" ORDER BY sum(value_paise) DESC, sku_id) AS rank
                   FROM sales_daily
                  WHERE "# + $side + r#" = $1 AND day BETWEEN $6 AND $3 AND stage IN ('confirmed', 'fulfilled')
                  GROUP BY 1, 2),
               top AS (
                 SELECT r.party, string_agg(k.name, ', ' ORDER BY r.rank) AS names
                   FROM ranked r JOIN skus k ON k.id = r.sku_id
                  WHERE r.rank <= 3
                  GROUP BY 1)
               SELECT p.trade_name AS name, p.city, t.orders AS "orders!", t.lines AS "lines!", t.value AS "value!",
                      COALESCE(b.value, 0)::bigint AS "before!", t.last_day AS "last_day!",
                      COALESCE(top.names, '') AS "top!"
                 FROM now t
                 JOIN organisations p ON p.id = t.party
                 LEFT JOIN before b ON b.party = t.party
                 LEFT JOIN top ON top.party = t.party
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
                 FROM (SELECT "# + $other + r#" AS party, max(last_day) AS last_day,
                              COALESCE(sum(orders) FILTER (WHERE stage IN ('confirmed', 'fulfilled')), 0)::bigint AS orders,
                              COALESCE(sum(total_paise) FILTER (WHERE stage IN ('confirmed', 'fulfilled')), 0)::bigint AS value
                         FROM orders_span(date '2000-01-01', ist_today())
                        WHERE "# + $side + r#" = $1
                        GROUP BY 1
                       HAVING max(last_day) < ist_today() - $2::int) t
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

/// The goods' value (before tax) of the period's sales: a distributor's from
/// the monthly-and-daily span, a shop's (few rows) from its daily rows.
async fn goods(ctx: &Ctx, retailer: bool, p: Period) -> Result<i64, AppError> {
    let (org, from, to) = (ctx.user().org_id, naive(p.from), naive(p.to));
    let q = if retailer {
        sqlx::query_scalar!(
            r#"SELECT COALESCE(sum(value_paise), 0)::bigint AS "goods!" FROM sales_daily
                WHERE retailer_id = $1 AND day BETWEEN $2 AND $3 AND stage IN ('confirmed', 'fulfilled')"#,
            org,
            from,
            to
        )
        .fetch_one(ctx.db())
        .await
    } else {
        sqlx::query_scalar!(
            r#"SELECT COALESCE(sum(value_paise), 0)::bigint AS "goods!" FROM sales_span($2, $3)
                WHERE distributor_id = $1 AND stage IN ('confirmed', 'fulfilled')"#,
            org,
            from,
            to
        )
        .fetch_one(ctx.db())
        .await
    };
    Ok(q?)
}

/// The period's sales by product (and so by category).
async fn products(ctx: &Ctx, retailer: bool, p: Period) -> Result<Vec<ProductRow>, AppError> {
    let (org, from, to) = (ctx.user().org_id, naive(p.from), naive(p.to));
    let rows = if retailer {
        products_query!("retailer_id", "distributor_id", org, from, to)
            .fetch_all(ctx.db())
            .await
    } else {
        sqlx::query_as!(
            ProductRow,
            r#"SELECT k.name, k.brand, c.name AS category, t.qty AS "qty!", t.orders AS "orders!", t.value AS "value!"
                 FROM (SELECT sku_id, sum(qty)::bigint AS qty, sum(orders)::bigint AS orders,
                              sum(value_paise)::bigint AS value
                         FROM sales_span($2, $3)
                        WHERE distributor_id = $1 AND stage IN ('confirmed', 'fulfilled')
                        GROUP BY 1) t
                 JOIN skus k ON k.id = t.sku_id
                 JOIN categories c ON c.id = k.category_id
                ORDER BY t.value DESC, k.name"#,
            org,
            from,
            to
        )
        .fetch_all(ctx.db())
        .await
    };
    Ok(rows?)
}

/// Why the period's orders were rejected (a distributor's own orders).
async fn rejections(ctx: &Ctx, retailer: bool, p: Period) -> Result<Vec<(String, i64)>, AppError> {
    if retailer {
        return Ok(Vec::new());
    }
    let (org, from, to) = (ctx.user().org_id, naive(p.from), naive(p.to));
    Ok(sqlx::query!(
        r#"SELECT lower(btrim(COALESCE(e.note, ''))) AS "reason!", count(*) AS "orders!"
             FROM orders o JOIN order_events e ON e.order_id = o.id AND e.to_state = 'rejected'
            WHERE o.distributor_id = $1 AND o.state = 'rejected'
              AND o.created_at >= ($2::date)::timestamp AT TIME ZONE 'Asia/Kolkata'
              AND o.created_at < ($3::date + 1)::timestamp AT TIME ZONE 'Asia/Kolkata'
            GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50"#,
        org,
        from,
        to
    )
    .fetch_all(ctx.db())
    .await?
    .into_iter()
    .map(|r| (r.reason, r.orders))
    .collect())
}

/// The period's series, by day, week or month.
async fn series(
    ctx: &Ctx,
    retailer: bool,
    p: Period,
    grouping: Grouping,
) -> Result<Vec<Point>, AppError> {
    let (org, from, to) = (ctx.user().org_id, naive(p.from), naive(p.to));
    let buckets = if grouping == Grouping::Month {
        for_side!(
            retailer,
            monthly_series_query!(org, from, to)
                .fetch_all(ctx.db())
                .await
        )?
    } else {
        let group = grouping.as_str();
        for_side!(
            retailer,
            series_query!(org, from, to, group)
                .fetch_all(ctx.db())
                .await
        )?
    };
    Ok(fill_series(
        grouping,
        p,
        buckets.iter().map(|b| (b.bucket, b.value, b.orders)),
    ))
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

struct TopParty {
    name: String,
    value: i64,
}

macro_rules! top_parties_query {
    ($side:tt, $other:tt $(, $arg:expr)*) => {
        sqlx::query_as!(
            TopParty,
            r#"SELECT p.trade_name AS name, t.value AS "value!"
                 FROM (SELECT "# + $other + r#" AS party, sum(total_paise)::bigint AS value
                         FROM orders_daily
                        WHERE "# + $side + r#" = $1 AND day BETWEEN $2 AND $3 AND stage IN ('confirmed', 'fulfilled')
                        GROUP BY 1 ORDER BY 2 DESC LIMIT 3) t
                 JOIN organisations p ON p.id = t.party
                ORDER BY t.value DESC, p.trade_name"#
            $(, $arg)*
        )
    };
}

/// This month so far against the same days of last month, and the three
/// biggest trading partners: the orders home's first figure.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn glance(ctx: &Ctx) -> Result<Glance, AppError> {
    let retailer = ctx.user().org_kind == OrgKind::Retailer;
    let period = Period::resolve(Preset::ThisMonth, "", "", today(ctx).await?)
        .map_err(|e| AppError::field(e.field, e.reason))?;
    let previous = period.previous();
    let (now, before) = (
        totals(ctx, retailer, period).await?,
        totals(ctx, retailer, previous).await?,
    );
    let (org, from, to) = (ctx.user().org_id, naive(period.from), naive(period.to));
    let top = for_side!(
        retailer,
        top_parties_query!(org, from, to).fetch_all(ctx.db()).await
    )?;
    Ok(Glance {
        previous,
        total: Change {
            now: now.total,
            before: before.total,
        },
        orders: now.orders,
        top: top.into_iter().map(|t| (t.name, t.value)).collect(),
    })
}

/// The sales report of the caller's organisation for the period its link asks for.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn sales(ctx: &Ctx, q: &PeriodQuery, remember: bool) -> Result<SalesReport, AppError> {
    let Resolved {
        period,
        grouping,
        query,
        downloads_blocked,
    } = resolve(ctx, q, remember).await?;
    let retailer = ctx.user().org_kind == OrgKind::Retailer;
    let previous = period.previous();
    let (org, from, to) = (ctx.user().org_id, naive(period.from), naive(period.to));
    let (before_from, before_to) = (naive(previous.from), naive(previous.to));
    let top_from =
        naive(period.from).max(naive(period.to) - chrono::Days::new(TOP_PRODUCT_DAYS - 1));
    // The report's queries are independent: each takes its own pooled
    // connection, so PostgreSQL runs them side by side.
    let (
        now,
        before,
        series,
        parties,
        products,
        idle,
        rejections,
        goods_before,
        gst_now,
        gst_before,
    ) = tokio::try_join!(
        totals(ctx, retailer, period),
        totals(ctx, retailer, previous),
        series(ctx, retailer, period, grouping),
        async {
            Ok::<_, AppError>(for_side!(
                retailer,
                parties_query!(org, from, to, before_from, before_to, top_from)
                    .fetch_all(ctx.db())
                    .await
            )?)
        },
        products(ctx, retailer, period),
        async {
            Ok::<_, AppError>(for_side!(
                retailer,
                idle_query!(org, super::IDLE_DAYS).fetch_all(ctx.db()).await
            )?)
        },
        rejections(ctx, retailer, period),
        goods(ctx, retailer, previous),
        gst(ctx, retailer, period),
        gst(ctx, retailer, previous),
    )?;
    // The same rows and filter as `goods`: the period's sales by product.
    let goods_now = products.iter().map(|p| p.value).sum();
    let change = |a: i64, b: i64| Change { now: a, before: b };
    Ok(SalesReport {
        query,
        downloads_blocked,
        period,
        previous,
        grouping,
        total: change(now.total, before.total),
        orders: change(now.orders, before.orders),
        lines: change(now.lines, before.lines),
        goods: change(goods_now, goods_before),
        gst: change(gst_now, gst_before),
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
        parties: parties_table(retailer, period, parties),
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
            ("Last order", Kind::Date),
            ("Orders before", Kind::Count),
            ("Value before", Kind::Money),
        ],
        rows.into_iter().map(|r| {
            vec![
                Cell::Text(r.name),
                Cell::Text(r.city),
                civil(r.last_day)
                    .map(Cell::Date)
                    .unwrap_or(Cell::Text(String::new())),
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

fn parties_table(retailer: bool, period: Period, rows: Vec<PartyRow>) -> ReportTable {
    let top_title = if i64::from(period.days()) > TOP_PRODUCT_DAYS as i64 {
        format!("Top products, last {TOP_PRODUCT_DAYS} days")
    } else {
        "Top products".to_string()
    };
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
            ("Period before", Kind::Money),
            ("Trend", Kind::Percent),
            ("Last order", Kind::Date),
            (&top_title, Kind::Text),
        ],
        rows.into_iter().map(|r| {
            let trend = Change {
                now: r.value,
                before: r.before,
            };
            vec![
                Cell::Text(r.name),
                Cell::Text(r.city),
                Cell::Count(r.orders),
                Cell::Count(r.lines),
                Cell::Money(r.value),
                Cell::Money(r.before),
                Cell::Growth(trend),
                civil(r.last_day)
                    .map(Cell::Date)
                    .unwrap_or(Cell::Text(String::new())),
                Cell::Text(r.top),
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
