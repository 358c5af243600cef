//! Demand that no order shows, recorded for the brands' visibility report
//! (migration 0016): a cart refused because the distributor had too little, and
//! a search that found a product no distributor serving the shop had in stock.
//! Each counts once per shop, SKU and India day (the largest shortfall met), so
//! a shop retrying the same cart or searching again does not inflate it.
//! Recording never gets in the way of what the shop was doing: a failure is
//! logged, not shown.

use sqlx::PgPool;

/// A shop asked `distributor` for more of each `(sku, shortfall)` than it had.
pub async fn refused_for_stock(db: &PgPool, retailer: i64, distributor: i64, short: &[(i64, i64)]) {
    if short.is_empty() {
        return;
    }
    let (skus, qty): (Vec<i64>, Vec<i64>) = short.iter().copied().unzip();
    let done = sqlx::query!(
        "INSERT INTO demand_events (kind, retailer_id, distributor_id, sku_id, manufacturer_id, state_code, pincode, qty)
         SELECT 'refused_stock', r.id, $2, s.id, s.manufacturer_id, r.state_code, r.pincode, u.qty
           FROM organisations r
          CROSS JOIN unnest($3::bigint[], $4::bigint[]) AS u (sku_id, qty)
           JOIN skus s ON s.id = u.sku_id
          WHERE r.id = $1
         ON CONFLICT ON CONSTRAINT demand_events_once_a_day DO UPDATE
            SET qty = GREATEST(demand_events.qty, excluded.qty),
                times = demand_events.times + 1, last_at = now()",
        retailer,
        distributor,
        &skus,
        &qty
    )
    .execute(db)
    .await;
    if let Err(e) = done {
        tracing::warn!(error = %e, retailer, distributor, "could not record refused demand");
    }
}

/// A shop's search showed these SKUs with no stock at any distributor serving it.
pub async fn unserved_search(db: &PgPool, retailer: i64, skus: &[i64]) {
    if skus.is_empty() {
        return;
    }
    let done = sqlx::query!(
        "INSERT INTO demand_events (kind, retailer_id, sku_id, manufacturer_id, state_code, pincode, qty)
         SELECT 'unserved_search', r.id, s.id, s.manufacturer_id, r.state_code, r.pincode, 0
           FROM organisations r JOIN skus s ON s.id = ANY($2)
          WHERE r.id = $1
         ON CONFLICT ON CONSTRAINT demand_events_once_a_day DO UPDATE
            SET times = demand_events.times + 1, last_at = now()",
        retailer,
        skus
    )
    .execute(db)
    .await;
    if let Err(e) = done {
        tracing::warn!(error = %e, retailer, "could not record unserved search");
    }
}
