//! Reading orders back: one order with its lines, timeline and messages, the
//! order panels' lists and their badge counts. Every read is scoped to the
//! caller's side of the order (`retailer_id` or `distributor_id`).

use crate::domain::OrgKind;
use crate::domain::order::{DeliveryMode, OrderState};
use crate::error::AppError;
use crate::orders::{
    OrderCounts, OrderDetail, OrderEventRow, OrderFilter, OrderLineRow, OrderMessageRow,
    OrderSummary,
};
use crate::server::Ctx;
use crate::server::guard::not_found;
use crate::server::listing::{ListScope, by_side, list_error};
use sqlx::PgConnection;

/// `query_as!(OrderSummary, …)` with the summary's columns and joins, then the
/// given tail (`WHERE …`), so every list of orders reads the same columns.
macro_rules! summary_query {
    ([$($tail:tt)+] $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            OrderSummary,
            r#"SELECT o.id, o.retailer_id, r.trade_name AS retailer_name, r.city AS retailer_city, o.distributor_id,
                      d.trade_name AS distributor_name, o.state AS "state: OrderState",
                      o.delivery_mode AS "delivery_mode: DeliveryMode", o.total_paise AS "total_paise: i64", o.line_count AS "line_count: i32", o.note,
                      ist_datetime(o.created_at) AS "placed!",
                      d.delivers AND EXISTS (SELECT 1 FROM distributor_pincodes dp
                                              WHERE dp.distributor_id = d.id AND dp.pincode = r.pincode) AS "deliverable!",
                      CASE WHEN o.state = 'placed' AND o.hold_released_at IS NULL THEN o.hold_reason END AS held
                 FROM orders o JOIN organisations r ON r.id = o.retailer_id JOIN organisations d ON d.id = o.distributor_id "#
                + $($tail)+
            $(, $arg)*
        )
    };
}

pub(super) async fn summary(conn: &mut PgConnection, id: i64) -> Result<OrderSummary, AppError> {
    Ok(summary_query!(["WHERE o.id = $1"], id)
        .fetch_one(conn)
        .await?)
}

/// The order list of one side (`[$side]`: the column holding the caller's
/// organisation, $1; `$other`: the other side's name; see `by_side`): status
/// ($2: a state, "open" or NULL), placed from/to ($3, $4: days in Asia/Kolkata)
/// and the other side's name ($5), newest first.
macro_rules! list_query {
    ([$($side:tt)+], $other:tt $(, $arg:expr)* $(,)?) => {
        summary_query!(
            ["WHERE " + $($side)+ + " = $1
                AND ($2::text IS NULL OR o.state::text = $2 OR ($2 = 'open' AND o.state NOT IN ('delivered', 'picked_up', 'rejected', 'cancelled')))
                AND ($3::text::date IS NULL OR o.created_at >= ($3::text::date::timestamp AT TIME ZONE 'Asia/Kolkata'))
                AND ($4::text::date IS NULL OR o.created_at < (($4::text::date + 1)::timestamp AT TIME ZONE 'Asia/Kolkata'))
                AND ($5 = '' OR lower(" + $other + ") LIKE '%' || $5 || '%')
              ORDER BY o.created_at DESC LIMIT 200"]
            $(, $arg)*
        )
    };
}

/// The number of orders in each state on one side (`[$side]`: the column
/// holding $1; see `by_side`). One group per state, so PostgreSQL answers a
/// distributor's from the `(distributor_id, state, …)` index alone (an
/// index-only scan) instead of testing nine filters on every order it has.
macro_rules! count_query {
    ([$($side:tt)+], $other:tt, $org:expr) => {
        sqlx::query!(
            r#"SELECT o.state AS "state!: OrderState", count(*) AS "n!"
                 FROM orders o WHERE "# + $($side)+ + " = $1 GROUP BY o.state",
            $org
        )
    };
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn list(ctx: &Ctx, f: OrderFilter) -> Result<Vec<OrderSummary>, AppError> {
    let state = match f.state.trim() {
        "" | "all" => None,
        "open" => Some("open"),
        s => Some(
            OrderState::parse(s)
                .ok_or_else(|| AppError::field("state", "Unknown order status"))?
                .as_str(),
        ),
    };
    let scope = ListScope::new(ctx, &f.from, &f.to, &f.q)?;
    let org = ctx.user().org_id;
    by_side!(
        scope.retailer(),
        list_query!("o", org, state, scope.from, scope.to, scope.q)
            .fetch_all(ctx.db())
            .await
    )
    .map_err(list_error)
}

pub(super) async fn load_detail(conn: &mut PgConnection, id: i64) -> Result<OrderDetail, AppError> {
    let order = summary(&mut *conn, id).await?;
    let tax = sqlx::query!(
        r#"SELECT d.state_code = r.state_code AS "intra_state!", o.round_off
             FROM orders o JOIN organisations d ON d.id = o.distributor_id JOIN organisations r ON r.id = o.retailer_id
            WHERE o.id = $1"#,
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    let lines = sqlx::query_as!(
        OrderLineRow,
        r#"SELECT line_no, sku_id, name, brand, hsn, unit, qty AS "qty: i32", unit_price_paise AS "unit_price_paise: i64", tax_rate_bp
           FROM order_lines WHERE order_id = $1 ORDER BY line_no"#,
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    let events = sqlx::query_as!(
        OrderEventRow,
        r#"SELECT e.from_state AS "from_state: OrderState", e.to_state AS "to_state: OrderState",
                  u.name AS "by_name?", o.trade_name AS "by_org?", e.via AS "via: String", e.note, ist_datetime(e.at) AS "at!"
             FROM order_events e LEFT JOIN users u ON u.id = e.by_user LEFT JOIN organisations o ON o.id = e.by_org
            WHERE e.order_id = $1 ORDER BY e.id"#,
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    let messages = sqlx::query_as!(
        OrderMessageRow,
        r#"SELECT u.name AS "to_name?", org.trade_name AS "to_org?", m.template, m.state AS "state: String", m.delivery AS "delivery: String",
                  COALESCE(m.delivery_error, CASE WHEN m.state IN ('failed', 'skipped') THEN m.last_error END) AS error,
                  ist_short(COALESCE(m.delivery_at, m.sent_at, m.created_at)) AS "at!"
             FROM outbox m LEFT JOIN users u ON u.id = m.recipient_user LEFT JOIN organisations org ON org.id = u.org_id
            WHERE m.order_id = $1 ORDER BY m.id"#,
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(OrderDetail {
        order,
        intra_state: tax.intra_state,
        round_off: tax.round_off,
        lines,
        events,
        messages,
    })
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn detail(ctx: &Ctx, id: i64) -> Result<OrderDetail, AppError> {
    let mut conn = ctx.db().acquire().await?;
    // An organisation is one side of an order or the other (see `OrgKind::PARTIES`).
    let mine = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM orders WHERE id = $1 AND (retailer_id = $2 OR distributor_id = $2)) AS "mine!""#,
        id,
        ctx.user().org_id
    )
    .fetch_one(&mut *conn)
    .await?;
    if !mine {
        return Err(not_found("Order"));
    }
    load_detail(&mut conn, id).await
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn counts(ctx: &Ctx) -> Result<OrderCounts, AppError> {
    let org = ctx.user().org_id;
    let groups = by_side!(
        ctx.user().org_kind == OrgKind::Retailer,
        count_query!("o", org)
            .fetch_all(ctx.db())
            .await
            .map(|rows| { rows.into_iter().map(|r| (r.state, r.n)).collect::<Vec<_>>() })
    )?;
    Ok(OrderCounts::from_groups(&groups))
}
