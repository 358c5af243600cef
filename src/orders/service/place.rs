//! Placing an order: checked at the boundary, idempotent by the cart's key (a
//! retry answers with the first order), priced by the GST module, and written
//! with its lines, stock reservation, first event and WhatsApp alerts in one
//! transaction.

use super::queries::summary;
use crate::domain::catalog::{MAX_LINE_QTY, MAX_ORDER_LINES};
use crate::domain::order::OrderState;
use crate::error::{AppError, FieldError};
use crate::orders::live::Change;
use crate::orders::{NewOrder, OrderSummary};
use crate::server::Ctx;
use crate::server::guard::internal;
use sqlx::PgConnection;
use std::collections::{HashMap, HashSet};

fn valid_key(key: &str) -> bool {
    (8..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What placing an order reads first, in one statement (see `place`).
struct PlaceContext {
    state_code: i16,
    pincode: String,
    city: String,
    existing: Option<i64>,
    existing_hash: Option<Vec<u8>>,
    distributor_name: Option<String>,
    supplier_state: Option<i16>,
    round_off: Option<bool>,
    deliverable: Option<bool>,
    listings: sqlx::types::Json<Vec<LockedListing>>,
}

#[derive(serde::Deserialize)]
struct LockedListing {
    id: i64,
    sku_id: i64,
    name: String,
    brand: String,
    hsn: String,
    unit: String,
    price_paise: i64,
    mrp_paise: i64,
    on_hand: i32,
    reserved: i32,
    min_order_qty: i32,
    rate_bp: Option<i32>,
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn place(ctx: &Ctx, order: NewOrder) -> Result<OrderSummary, AppError> {
    if !valid_key(&order.idempotency_key) {
        return Err(AppError::field(
            "idempotency_key",
            "Reload the page and try again",
        ));
    }
    if order.lines.is_empty() {
        return Err(AppError::field("lines", "Your cart is empty"));
    }
    if order.lines.len() > MAX_ORDER_LINES {
        return Err(AppError::field(
            "lines",
            format!("An order can have at most {MAX_ORDER_LINES} lines: split it into two"),
        ));
    }
    let note = order.note.trim();
    if note.chars().count() > 500 {
        return Err(AppError::field(
            "note",
            "Keep the note under 500 characters",
        ));
    }
    let mut seen = HashSet::new();
    let mut problems = Vec::new();
    for line in &order.lines {
        let field = format!("line-{}", line.listing_id);
        if !seen.insert(line.listing_id) {
            problems.push(FieldError {
                field,
                reason: "This product is in the cart twice".into(),
            });
        } else if line.qty < 1 {
            problems.push(FieldError {
                field,
                reason: "Quantity must be at least 1".into(),
            });
        } else if line.qty > MAX_LINE_QTY {
            problems.push(FieldError {
                field,
                reason: format!("Quantity can be at most {MAX_LINE_QTY}"),
            });
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }

    let mut tx = crate::server::db::begin_generic(ctx.db()).await?;
    let mut ids: Vec<i64> = order.lines.iter().map(|l| l.listing_id).collect();
    ids.sort_unstable();
    // One round trip: who is ordering, whether this request was placed before,
    // whether the distributor serves the shop, and its listings for these lines,
    // locked in id order (so concurrent orders never deadlock).
    let here = sqlx::query_as!(
        PlaceContext,
        r#"WITH locked AS (
             SELECT l.id, s.id AS sku_id, s.name, s.brand, s.hsn, s.unit, l.price_paise, s.mrp_paise, l.on_hand, l.reserved,
                    l.min_order_qty, g.rate_bp
               FROM listings l JOIN skus s ON s.id = l.sku_id
                    LEFT JOIN LATERAL gst_rate(s.hsn, ist_today(), l.price_paise, s.gst_rate_id) g ON true
              WHERE l.id = ANY($4) AND l.distributor_id = $3 AND l.active AND s.active
              ORDER BY l.id FOR UPDATE OF l),
         serving AS (SELECT sd.delivers FROM serving_distributors($1) sd WHERE sd.id = $3)
         SELECT r.state_code, r.pincode, r.city,
                (SELECT id FROM orders WHERE retailer_id = r.id AND idempotency_key = $2) AS existing,
                (SELECT request_hash FROM orders WHERE retailer_id = r.id AND idempotency_key = $2) AS existing_hash,
                (SELECT d.trade_name FROM organisations d WHERE d.id = $3 AND EXISTS (SELECT 1 FROM serving)) AS distributor_name,
                d.state_code AS "supplier_state?", d.round_off AS "round_off?", (SELECT delivers FROM serving) AS deliverable,
                (SELECT COALESCE(jsonb_agg(to_jsonb(locked) ORDER BY locked.id), '[]') FROM locked) AS "listings!: sqlx::types::Json<Vec<LockedListing>>"
           FROM organisations r LEFT JOIN organisations d ON d.id = $3 WHERE r.id = $1"#,
        ctx.user().org_id,
        &order.idempotency_key,
        order.distributor_id,
        &ids
    )
    .fetch_one(&mut *tx)
    .await?;
    let PlaceContext {
        state_code,
        pincode,
        city,
        existing,
        existing_hash,
        distributor_name,
        supplier_state,
        round_off,
        deliverable,
        listings: sqlx::types::Json(locked),
    } = here;
    let request = request_hash(&order, note);
    if let Some(existing) = existing {
        same_request(existing_hash.as_deref(), &request)?;
        return summary(&mut tx, existing).await;
    }
    let Some(distributor_name) = distributor_name else {
        return Err(AppError::field(
            "distributor",
            "This distributor neither delivers to your pincode nor has a pickup point near you",
        ));
    };
    let by_id: HashMap<i64, &LockedListing> = locked.iter().map(|l| (l.id, l)).collect();
    // (SKU, what was asked beyond what was there), for the brands' demand figures.
    let mut short = Vec::new();
    for line in &order.lines {
        let field = format!("line-{}", line.listing_id);
        let Some(l) = by_id.get(&line.listing_id) else {
            problems.push(FieldError {
                field,
                reason: "No longer sold by this distributor: remove it from the cart".into(),
            });
            continue;
        };
        let available = i64::from(l.on_hand - l.reserved);
        if l.rate_bp.is_none() {
            problems.push(FieldError {
                field,
                reason: format!("{} cannot be sold yet (no GST rate for its HSN)", l.name),
            });
        } else if line.qty < i64::from(l.min_order_qty) {
            problems.push(FieldError {
                field,
                reason: format!(
                    "{}: the minimum order is {} {}",
                    l.name, l.min_order_qty, l.unit
                ),
            });
        } else if line.qty > available {
            short.push((l.sku_id, line.qty - available.max(0)));
            let reason = if available <= 0 {
                format!("{}: out of stock", l.name)
            } else {
                format!(
                    "{}: only {available} {} available, you asked for {}",
                    l.name, l.unit, line.qty
                )
            };
            problems.push(FieldError { field, reason });
        }
    }
    if !problems.is_empty() {
        // Nothing of the order is written; the demand it showed is, on its own.
        drop(tx);
        crate::reports::demand::refused_for_stock(
            ctx.db(),
            ctx.user().org_id,
            order.distributor_id,
            &short,
        )
        .await;
        return Err(AppError::Invalid(problems));
    }
    // The total the retailer pays, by the same rule as the cart and the invoice:
    // GST per line and head (CGST + SGST or IGST), optional round-off.
    let supply = crate::domain::gst::supply_kind(
        u8::try_from(supplier_state.unwrap_or(0)).unwrap_or(0),
        u8::try_from(state_code).unwrap_or(0),
        false,
    );
    let round_off = round_off.unwrap_or(false);
    let tax_lines: Vec<crate::domain::gst::TaxLine<'_>> = order
        .lines
        .iter()
        .map(|line| {
            let l = by_id[&line.listing_id];
            crate::domain::gst::TaxLine {
                hsn: &l.hsn,
                qty: line.qty,
                unit_price_paise: l.price_paise,
                discount_paise: 0,
                rate_bp: l.rate_bp.unwrap_or(0),
            }
        })
        .collect();
    let total = crate::domain::gst::compute(&tax_lines, supply, round_off)
        .map_err(|e| AppError::field("lines", e.to_string()))?
        .grand_total;
    let mut lines = OrderLines::default();
    for (i, line) in order.lines.iter().enumerate() {
        let l = by_id[&line.listing_id];
        lines.line_no.push(i as i32 + 1);
        lines.listing_ids.push(l.id);
        lines.sku_ids.push(l.sku_id);
        lines.names.push(l.name.as_str());
        lines.brands.push(l.brand.as_str());
        lines.hsns.push(l.hsn.as_str());
        lines.units.push(l.unit.as_str());
        lines.qtys.push(line.qty as i32);
        lines.prices.push(l.price_paise);
        lines.mrps.push(l.mrp_paise);
        lines.rates.push(l.rate_bp.unwrap_or(0));
    }
    // The order, its lines, the reservation and its ledger rows, the timeline's first
    // event and the WhatsApp alerts to the distributor's people (their parameters
    // built once, not per recipient): one statement, in this transaction (the live
    // update follows the commit, see `orders::live`).
    // Past the shop's credit limit, or with dues long overdue: placed, but held
    // for the distributor's approval (the reason shown to both sides).
    let hold =
        crate::khata::holds::check(&mut tx, (order.distributor_id, ctx.user().org_id), total)
            .await?;
    let template = match &hold {
        Some(h) => Some(crate::orders::messages::held_template(h)),
        None => {
            crate::orders::messages::template_for(OrderState::Placed, deliverable.unwrap_or(false))
        }
    };
    let (exposure, limit, overdue, days) = match &hold {
        Some(crate::domain::ledger::Hold::CreditLimit { limit_paise, .. }) => (
            hold.as_ref().map_or(0, |h| h.exposure_paise()),
            *limit_paise,
            0,
            0,
        ),
        Some(crate::domain::ledger::Hold::Overdue {
            overdue_paise,
            days,
            ..
        }) => (0, 0, *overdue_paise, *days),
        None => (0, 0, 0, 0),
    };
    let hold_kind = hold.as_ref().map(|h| h.kind());
    let hold_reason = hold.as_ref().map(|h| h.reason());
    let created = sqlx::query!(
        r#"WITH o AS (
             INSERT INTO orders (retailer_id, distributor_id, placed_by, idempotency_key, line_count, total_paise, note, state_code, pincode, round_off, request_hash,
                                 hold_kind, hold_reason)
             VALUES ($1, $2, $3, $4::text, $5::int, $6::bigint, NULLIF($7, ''), $8, $9, $22, $24, $29, $30)
             ON CONFLICT (retailer_id, idempotency_key) DO NOTHING
             RETURNING id, ist_datetime(created_at) AS placed),
         lines AS (
             INSERT INTO order_lines (order_id, line_no, listing_id, sku_id, name, brand, hsn, unit, qty, unit_price_paise, mrp_paise, tax_rate_bp)
             SELECT o.id, t.* FROM o, UNNEST($10::int[], $11::bigint[], $12::bigint[], $13::text[], $14::text[], $15::text[], $16::text[],
                                             $17::int[], $18::bigint[], $19::bigint[], $20::int[]) AS t),
         moved AS (
             UPDATE listings l SET reserved = l.reserved + q.qty, updated_at = now()
               FROM UNNEST($11::bigint[], $17::int[]) AS q(listing_id, qty), o
              WHERE l.id = q.listing_id AND l.on_hand - l.reserved >= q.qty
             RETURNING l.id, q.qty, l.on_hand, l.reserved, o.id AS order_id),
         ledger AS (
             INSERT INTO stock_movements (listing_id, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after, order_id, by_user)
             SELECT id, 'reserved', 0, qty, on_hand, reserved, order_id, $3 FROM moved),
         event AS (
             INSERT INTO order_events (order_id, from_state, to_state, by_user, by_org, note)
             SELECT o.id, NULL, 'placed', $3, $1, NULLIF($7, '') FROM o),
         message AS MATERIALIZED (
             SELECT o.id, d.whatsapp,
                    jsonb_build_object('order', o.id::text, 'retailer', $21::text, 'distributor', d.trade_name,
                                       'items', s.items, 'total_paise', $6::bigint,
                                       'exposure_paise', $25::bigint, 'limit_paise', $26::bigint,
                                       'overdue_paise', $27::bigint, 'days', $28::bigint::text) AS params
               FROM o, organisations d, order_items_summary($13::text[], $17::int[]) s WHERE d.id = $2),
         alert AS (
             INSERT INTO outbox (dedupe_key, recipient, recipient_user, template, language, params, order_id)
             SELECT DISTINCT ON (COALESCE(u.phone, m.whatsapp))
                    'order:' || m.id || ':placed:' || u.id, COALESCE(u.phone, m.whatsapp), u.id, $23, u.language, m.params, m.id
               FROM message m JOIN users u ON u.org_id = $2 AND u.active
              WHERE COALESCE(u.phone, m.whatsapp) IS NOT NULL
              ORDER BY COALESCE(u.phone, m.whatsapp), u.phone IS NULL, u.id
             ON CONFLICT (dedupe_key) DO NOTHING)
         SELECT o.id AS "id!", o.placed AS "placed!", (SELECT count(*) FROM moved) AS "reserved!" FROM o"#,
        ctx.user().org_id,
        order.distributor_id,
        ctx.user().user_id,
        &order.idempotency_key,
        order.lines.len() as i32,
        total,
        note,
        state_code,
        &pincode,
        &lines.line_no,
        &lines.listing_ids,
        &lines.sku_ids,
        &lines.names[..] as &[&str],
        &lines.brands[..] as &[&str],
        &lines.hsns[..] as &[&str],
        &lines.units[..] as &[&str],
        &lines.qtys,
        &lines.prices,
        &lines.mrps,
        &lines.rates,
        &ctx.user().org_name,
        round_off,
        template,
        &request,
        exposure,
        limit,
        overdue,
        days,
        hold_kind,
        hold_reason,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(created) = created else {
        // The same request is being placed right now by a retry: answer with that order.
        drop(tx);
        let mut conn = ctx.db().acquire().await?;
        let (existing, hash) = find_by_key(&mut conn, ctx.user().org_id, &order.idempotency_key)
            .await?
            .ok_or_else(|| internal("an order conflicting on its key was not found"))?;
        same_request(hash.as_deref(), &request)?;
        return summary(&mut conn, existing).await;
    };
    let (order_id, placed) = (created.id, created.placed);
    if created.reserved as usize != lines.listing_ids.len() {
        return Err(internal("reservation count mismatch under lock"));
    }
    tx.commit().await?;
    ctx.state().notifier.send(Change::order(
        order_id,
        ctx.user().org_id,
        order.distributor_id,
    ));
    Ok(OrderSummary {
        id: order_id,
        retailer_id: ctx.user().org_id,
        retailer_name: ctx.user().org_name.clone(),
        retailer_city: city,
        distributor_id: order.distributor_id,
        distributor_name,
        state: OrderState::Placed,
        delivery_mode: None,
        total_paise: total,
        line_count: order.lines.len() as i32,
        note: (!note.is_empty()).then(|| note.to_string()),
        placed,
        deliverable: deliverable.unwrap_or(false),
        held: hold_reason,
    })
}

/// Order lines as columns, for one UNNEST insert.
#[derive(Default)]
struct OrderLines<'a> {
    line_no: Vec<i32>,
    listing_ids: Vec<i64>,
    sku_ids: Vec<i64>,
    names: Vec<&'a str>,
    brands: Vec<&'a str>,
    hsns: Vec<&'a str>,
    units: Vec<&'a str>,
    qtys: Vec<i32>,
    prices: Vec<i64>,
    mrps: Vec<i64>,
    rates: Vec<i32>,
}

/// What a placement asked for, as a fingerprint: the distributor, each line
/// (sorted, so the cart's order does not matter) and the note.
fn request_hash(order: &NewOrder, note: &str) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut lines: Vec<(i64, i64)> = order.lines.iter().map(|l| (l.listing_id, l.qty)).collect();
    lines.sort_unstable();
    let mut h = Sha256::new();
    h.update(order.distributor_id.to_be_bytes());
    for (listing, qty) in lines {
        h.update(listing.to_be_bytes());
        h.update(qty.to_be_bytes());
    }
    h.update(note.as_bytes());
    h.finalize().to_vec()
}

/// A key already used must come with the same request (orders from before the
/// fingerprint existed have none and are taken as they are).
fn same_request(stored: Option<&[u8]>, request: &[u8]) -> Result<(), AppError> {
    match stored {
        Some(h) if h != request => Err(AppError::Conflict(
            "This order was already placed with a different cart. Open the cart again to place a new order.".into(),
        )),
        _ => Ok(()),
    }
}

async fn find_by_key(
    conn: &mut PgConnection,
    retailer: i64,
    key: &str,
) -> Result<Option<(i64, Option<Vec<u8>>)>, AppError> {
    let row = sqlx::query!(
        "SELECT id, request_hash FROM orders WHERE retailer_id = $1 AND idempotency_key = $2",
        retailer,
        key
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.id, r.request_hash)))
}
