//! Credit holds: an order that would take a shop past its credit limit, or
//! from a shop with dues more than the distributor's N days overdue, is placed
//! but held for the distributor's approval (the rule is `domain::ledger::credit_hold`).
//! Both sides see why. The distributor's owner approves it once, or raises
//! the limit (which lets through every held order that now fits); until then
//! it cannot be accepted, by the dashboard or a WhatsApp tap.

use super::service::{self, Pair};
use crate::domain::ledger::{self, CreditFacts, Hold};
use crate::error::AppError;
use crate::orders::live::Change;
use crate::server::Ctx;
use crate::server::guard::not_found;
use sqlx::PgConnection;

/// The account's credit facts, or None when the distributor set neither a
/// limit for this shop nor an overdue rule (the common case: one query).
/// `except` leaves one placed order out of "awaiting acceptance".
async fn facts(
    conn: &mut PgConnection,
    (d, r): Pair,
    except: Option<i64>,
) -> Result<Option<CreditFacts>, AppError> {
    let rules = sqlx::query!(
        r#"SELECT o.hold_overdue_days, t.credit_limit_paise
             FROM organisations o LEFT JOIN shop_terms t ON t.distributor_id = o.id AND t.retailer_id = $2
            WHERE o.id = $1"#,
        d,
        r
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(rules) = rules else {
        return Ok(None);
    };
    if rules.hold_overdue_days.is_none() && rules.credit_limit_paise.is_none() {
        return Ok(None);
    }
    let now = service::state(conn, (d, r)).await?;
    // Orders awaiting acceptance that are not themselves held back.
    let open_orders = sqlx::query_scalar!(
        r#"SELECT COALESCE(sum(total_paise), 0)::bigint AS "paise!" FROM orders
            WHERE distributor_id = $1 AND retailer_id = $2 AND state = 'placed'
              AND (hold_kind IS NULL OR hold_released_at IS NOT NULL)
              AND id IS DISTINCT FROM $3"#,
        d,
        r,
        except
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(CreditFacts {
        limit_paise: rules.credit_limit_paise,
        hold_overdue_days: rules.hold_overdue_days,
        balance_paise: now.balance,
        open_orders_paise: open_orders,
        dues: now
            .open
            .iter()
            .map(|o| (o.days_past, o.due_paise))
            .collect(),
    }))
}

/// Whether a new order of `total` from the shop is held, checked inside the
/// order's transaction under the account's lock (two orders at once are
/// checked one after the other).
pub async fn check(
    conn: &mut PgConnection,
    pair: Pair,
    total: i64,
) -> Result<Option<Hold>, AppError> {
    // Most accounts have no rule: no lock, no ledger read.
    if facts_needed(conn, pair).await? {
        service::lock(conn, pair).await?;
        Ok(facts(conn, pair, None)
            .await?
            .and_then(|f| ledger::credit_hold(&f, total)))
    } else {
        Ok(None)
    }
}

async fn facts_needed(conn: &mut PgConnection, (d, r): Pair) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT (o.hold_overdue_days IS NOT NULL OR t.credit_limit_paise IS NOT NULL) AS "needed!"
             FROM organisations o LEFT JOIN shop_terms t ON t.distributor_id = o.id AND t.retailer_id = $2
            WHERE o.id = $1"#,
        d,
        r
    )
    .fetch_optional(conn)
    .await?
    .unwrap_or(false))
}

/// Whether order `id` is held and not yet released (its reason).
pub async fn held(conn: &mut PgConnection, id: i64) -> Result<Option<String>, sqlx::Error> {
    Ok(sqlx::query_scalar!(
        "SELECT hold_reason FROM orders WHERE id = $1 AND hold_kind IS NOT NULL AND hold_released_at IS NULL",
        id
    )
    .fetch_optional(conn)
    .await?
    .flatten())
}

/// The distributor's owner lets a held order through once.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn approve(ctx: &Ctx, order: i64) -> Result<(), AppError> {
    let d = ctx.user().org_id;
    let mut tx = ctx.db().begin().await?;
    let row = sqlx::query!(
        r#"SELECT retailer_id, state, hold_kind IS NOT NULL AS "held!", hold_released_at IS NOT NULL AS "released!"
             FROM orders WHERE id = $1 AND distributor_id = $2 FOR UPDATE"#,
        order,
        d
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| not_found("Order"))?;
    if !row.held || row.released {
        return Err(AppError::Conflict(
            "This order is not waiting for approval.".into(),
        ));
    }
    if row.state != "placed" {
        return Err(AppError::Conflict(
            "This order was already answered.".into(),
        ));
    }
    release(
        &mut tx,
        order,
        ctx.user().user_id,
        "Approved once over the credit hold",
    )
    .await?;
    tx.commit().await?;
    ctx.state()
        .notifier
        .send(Change::order(order, row.retailer_id, d));
    Ok(())
}

async fn release(conn: &mut PgConnection, order: i64, by: i64, note: &str) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE orders SET hold_released_by = $2, hold_released_at = now(), updated_at = now() WHERE id = $1",
        order,
        by
    )
    .execute(&mut *conn)
    .await?;
    // On the timeline: still placed, now free to accept.
    sqlx::query!(
        "INSERT INTO order_events (order_id, from_state, to_state, by_user, by_org, note)
         SELECT id, 'placed', 'placed', $2, distributor_id, $3 FROM orders WHERE id = $1",
        order,
        by,
        note
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// After the shop's terms changed: each held order that now passes (oldest
/// first, each counted in the next one's "awaiting acceptance") is let
/// through. Returns the orders released.
pub async fn recheck(conn: &mut PgConnection, pair: Pair, by: i64) -> Result<Vec<i64>, AppError> {
    service::lock(conn, pair).await?;
    let held = sqlx::query!(
        "SELECT id, total_paise FROM orders
          WHERE distributor_id = $1 AND retailer_id = $2 AND state = 'placed'
            AND hold_kind IS NOT NULL AND hold_released_at IS NULL
          ORDER BY created_at, id",
        pair.0,
        pair.1
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut released = Vec::new();
    for o in held {
        let hold = match facts(conn, pair, Some(o.id)).await? {
            Some(f) => ledger::credit_hold(&f, o.total_paise),
            None => None,
        };
        if hold.is_none() {
            release(conn, o.id, by, "Released: the shop's terms now allow it").await?;
            released.push(o.id);
        }
    }
    Ok(released)
}
