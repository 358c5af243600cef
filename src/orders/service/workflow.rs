//! An order's workflow: one action by one side (accept, reject, dispatch,
//! deliver, cancel…), checked by `domain::order::transition`, with its stock
//! movements, GST documents, timeline event and WhatsApp messages in the same
//! transaction.

use super::queries::load_detail;
use crate::domain::order::{DeliveryMode, OrderAction, OrderState, Party, transition};
use crate::error::AppError;
use crate::orders::OrderDetail;
use crate::orders::live::Change;
use crate::server::Ctx;
use crate::server::guard::{internal, not_found};
use sqlx::PgConnection;

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn act(ctx: &Ctx, id: i64, action: &str, reason: &str) -> Result<OrderDetail, AppError> {
    let action = OrderAction::parse(action.trim())
        .ok_or_else(|| AppError::field("action", "Unknown action"))?;
    let reason = reason.trim();
    if reason.chars().count() > 300 {
        return Err(AppError::field(
            "reason",
            "Keep the reason under 300 characters",
        ));
    }
    let party = Party::from(ctx.user().org_kind);
    let mut tx = crate::server::db::begin_generic(ctx.db()).await?;
    // An organisation is one side of an order or the other (see `OrgKind::PARTIES`).
    let row = sqlx::query!(
        r#"SELECT o.state AS "state: OrderState", o.delivery_mode AS "mode: DeliveryMode",
                  EXISTS (SELECT 1 FROM organisations d JOIN distributor_pincodes dp ON dp.distributor_id = d.id AND dp.pincode = r.pincode
                           WHERE d.id = o.distributor_id AND d.delivers) AS "deliverable!",
                  r.pincode
             FROM orders o JOIN organisations r ON r.id = o.retailer_id
            WHERE o.id = $1 AND (o.retailer_id = $2 OR o.distributor_id = $2) FOR UPDATE OF o"#,
        id,
        ctx.user().org_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| not_found("Order"))?;
    let (from, mode, pincode) = (row.state, row.mode, row.pincode);
    if action == OrderAction::Accept(DeliveryMode::Deliver) && !row.deliverable {
        return Err(AppError::Conflict(format!(
            "You do not deliver to pincode {pincode}: accept it as \u{201c}Retailer will pick up\u{201d}, or add {pincode} to your delivery pincodes first."
        )));
    }
    let next = transition(from, mode, action, party, reason)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    if matches!(action, OrderAction::Accept(_))
        && let Some(why) = crate::khata::holds::held(&mut tx, id).await?
    {
        return Err(AppError::Conflict(format!(
            "This order is held for your approval ({why}). Approve it once, or raise the shop's credit limit, then accept it."
        )));
    }
    if next == OrderState::Accepted {
        // Accepting issues the tax invoice: the profile must carry what it prints.
        crate::invoices::service::check_can_invoice(&mut tx, ctx.user().org_id).await?;
    }
    let new_mode = match action {
        OrderAction::Accept(m) => Some(m),
        _ => mode,
    };
    // Stock: released when an order ends unfulfilled, sold when it is handed over.
    let stock_kind = match next {
        OrderState::Rejected | OrderState::Cancelled => Some(("released", 0, -1)),
        OrderState::Delivered | OrderState::PickedUp => Some(("sold", -1, -1)),
        _ => None,
    };
    if let Some((kind, on_hand_sign, reserved_sign)) = stock_kind {
        // Lock the order's listings in id order (as placement does), then move every
        // line and write its ledger row in one statement.
        let locked: Vec<i64> = sqlx::query_scalar!(
            "SELECT l.id FROM listings l JOIN order_lines ol ON ol.listing_id = l.id
              WHERE ol.order_id = $1 ORDER BY l.id FOR UPDATE OF l",
            id
        )
        .fetch_all(&mut *tx)
        .await?;
        let moved = sqlx::query!("WITH moved AS (
                 UPDATE listings l SET on_hand = l.on_hand + $2 * ol.qty, reserved = l.reserved + $3 * ol.qty, updated_at = now()
                   FROM order_lines ol
                  WHERE ol.order_id = $1 AND l.id = ol.listing_id
                    AND l.on_hand + $2 * ol.qty >= l.reserved + $3 * ol.qty AND l.reserved + $3 * ol.qty >= 0
                 RETURNING l.id, ol.qty, l.on_hand, l.reserved)
             INSERT INTO stock_movements (listing_id, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after, order_id, by_user)
             SELECT id, $4::text, $2 * qty, $3 * qty, on_hand, reserved, $1, $5 FROM moved", id, on_hand_sign, reserved_sign, kind, ctx.user().user_id)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() as usize != locked.len() {
            return Err(internal(format!("stock does not cover order {id}")));
        }
    }
    sqlx::query!(
        "UPDATE orders SET state = $2, delivery_mode = $3, updated_at = now() WHERE id = $1",
        id,
        next as OrderState,
        new_mode as Option<DeliveryMode>
    )
    .execute(&mut *tx)
    .await?;
    let note = match action {
        OrderAction::Accept(m) => Some(m.label().to_string()),
        _ => Some(reason.to_string()).filter(|r| !r.is_empty()),
    };
    record_event(&mut tx, id, Some(from), next, ctx, note.as_deref()).await?;
    // The GST documents, in this same transaction: the invoice on acceptance, a
    // credit note when an invoiced order is cancelled.
    match next {
        OrderState::Accepted => {
            crate::invoices::service::issue_invoice(&mut tx, id, ctx.user().user_id).await?;
        }
        OrderState::Cancelled => {
            crate::invoices::service::issue_credit_note(&mut tx, id, ctx.user().user_id, reason)
                .await?;
        }
        _ => {}
    }
    let by_retailer = next == OrderState::Cancelled && party == Party::Retailer;
    enqueue(&mut tx, id, next, new_mode, by_retailer, reason).await?;
    let detail = load_detail(&mut tx, id).await?;
    tx.commit().await?;
    ctx.state().notifier.send(Change::order(
        id,
        detail.order.retailer_id,
        detail.order.distributor_id,
    ));
    Ok(detail)
}

async fn record_event(
    conn: &mut PgConnection,
    order_id: i64,
    from: Option<OrderState>,
    to: OrderState,
    ctx: &Ctx,
    note: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query!("INSERT INTO order_events (order_id, from_state, to_state, by_user, by_org, note, via) VALUES ($1, $2, $3, $4, $5, $6, $7::text)", order_id, from as Option<OrderState>, to as OrderState, ctx.user().user_id, ctx.user().org_id, note, ctx.via())
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes the WhatsApp messages an order event causes, in the caller's transaction:
/// to the retailer's owner, and to the distributor's people when the retailer
/// cancels. Templates and their parameters are in `whatsapp::templates`; the dedupe
/// key makes a repeated event write nothing new.
async fn enqueue(
    conn: &mut PgConnection,
    order_id: i64,
    next: OrderState,
    mode: Option<DeliveryMode>,
    to_distributor: bool,
    reason: &str,
) -> Result<(), AppError> {
    let Some(template) =
        crate::orders::messages::template_for(next, mode != Some(DeliveryMode::Pickup))
    else {
        return Ok(());
    };
    let event = if to_distributor {
        format!("{}_by_retailer", next.as_str())
    } else {
        next.as_str().to_string()
    };
    sqlx::query!("INSERT INTO outbox (dedupe_key, recipient, recipient_user, template, language, params, order_id)
         SELECT DISTINCT ON (COALESCE(u.phone, org.whatsapp))
                'order:' || o.id || ':' || $2 || ':' || u.id, COALESCE(u.phone, org.whatsapp), u.id, $3, u.language,
                order_message_params(o.id, $5), o.id
           FROM orders o
           JOIN organisations org ON org.id = CASE WHEN $4 THEN o.distributor_id ELSE o.retailer_id END
           JOIN users u ON u.org_id = org.id AND u.active AND (u.role = 'owner' OR $4)
          WHERE o.id = $1 AND COALESCE(u.phone, org.whatsapp) IS NOT NULL
          ORDER BY COALESCE(u.phone, org.whatsapp), u.phone IS NULL, u.id
         ON CONFLICT (dedupe_key) DO NOTHING", order_id, event, template, to_distributor, reason)
    .execute(conn)
    .await?;
    Ok(())
}
