use super::{DeliveryOptions, LinkRow, ListingRow, Partner, StockMove};
use crate::domain::catalog::{MAX_LINE_QTY, check_price, parse_count};
use crate::domain::{OrgKind, Paise, Pincode};
use crate::error::OrInternal;
use crate::error::{AppError, Checks};
use crate::server::Ctx;
use crate::server::guard::{internal, not_found};
use sqlx::PgConnection;

pub const TRADERS: [OrgKind; 2] = [OrgKind::Manufacturer, OrgKind::Distributor];

/// (manufacturer_id, distributor_id) for a link between the caller and `other`.
fn pair(ctx: &Ctx, other: i64) -> (i64, i64) {
    if ctx.user().org_kind == OrgKind::Manufacturer {
        (ctx.user().org_id, other)
    } else {
        (other, ctx.user().org_id)
    }
}

fn other_kind(ctx: &Ctx) -> OrgKind {
    if ctx.user().org_kind == OrgKind::Manufacturer {
        OrgKind::Distributor
    } else {
        OrgKind::Manufacturer
    }
}

/// The state a link shows when the caller is the one who asked.
fn asked_state(ctx: &Ctx) -> &'static str {
    if ctx.user().org_kind == OrgKind::Manufacturer {
        "invited"
    } else {
        "requested"
    }
}

/// `query_as!(LinkRow, …)` for one side of a link: `$me` is the caller's column
/// ($1), `$other` the other side's, `$theirs` the state in which the other side
/// waits for the caller; then the given tail.
macro_rules! link_query {
    ($me:tt, $other:tt, $theirs:tt, [$($tail:tt)+] $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            LinkRow,
            r#"SELECT o.id AS other_id, o.trade_name AS other_name, o.city AS other_city, l.state,
                      (l.state = "# + $theirs + r#") AS "awaiting_me!",
                      st.carried AS "carried!", st.on_hand AS "on_hand!", st.reserved AS "reserved!"
                 FROM links l JOIN organisations o ON o.id = l."# + $other + r#"
                 CROSS JOIN LATERAL (
                     SELECT count(*) FILTER (WHERE li.active) AS carried, COALESCE(sum(li.on_hand), 0)::bigint AS on_hand,
                            COALESCE(sum(li.reserved), 0)::bigint AS reserved
                       FROM listings li JOIN skus s ON s.id = li.sku_id
                      WHERE li.distributor_id = l.distributor_id AND s.manufacturer_id = l.manufacturer_id) st
                WHERE l."# + $me + " = $1 " + $($tail)+
            $(, $arg)*
        )
    };
}

/// The caller's links (`$tail` after the caller's own condition), as a
/// manufacturer or as a distributor.
macro_rules! my_links {
    ($ctx:expr, [$($tail:tt)+] $(, $arg:expr)*) => {
        if $ctx.user().org_kind == OrgKind::Manufacturer {
            link_query!("manufacturer_id", "distributor_id", "'requested'", [$($tail)+], $ctx.user().org_id $(, $arg)*)
                .fetch_all($ctx.db())
                .await
        } else {
            link_query!("distributor_id", "manufacturer_id", "'invited'", [$($tail)+], $ctx.user().org_id $(, $arg)*)
                .fetch_all($ctx.db())
                .await
        }
    };
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn links(ctx: &Ctx) -> Result<Vec<LinkRow>, AppError> {
    my_links!(ctx, ["ORDER BY (l.state = 'active') DESC, o.trade_name"]).or_internal()
}

async fn link(ctx: &Ctx, other: i64) -> Result<LinkRow, AppError> {
    my_links!(ctx, ["AND o.id = $2"], other)?
        .pop()
        .ok_or_else(|| not_found("Link"))
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn partners(ctx: &Ctx, q: &str) -> Result<Vec<Partner>, AppError> {
    let q = q.trim().to_lowercase();
    sqlx::query_as!(
        Partner,
        "SELECT id, trade_name AS name, city, state_code FROM organisations
          WHERE kind = $1 AND approval = 'active' AND ($2 = '' OR lower(trade_name) LIKE '%' || $2 || '%' OR lower(city) LIKE $2 || '%')
          ORDER BY trade_name LIMIT 100",
        other_kind(ctx) as OrgKind,
        q
    )
    .fetch_all(ctx.db())
    .await
    .or_internal()
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn ask_link(ctx: &Ctx, other: i64) -> Result<LinkRow, AppError> {
    let ok: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM organisations WHERE id = $1 AND kind = $2 AND approval = 'active') AS "exists!""#, other, other_kind(ctx).as_str())
        .fetch_one(ctx.db())
        .await?;
    if !ok {
        return Err(not_found("Business"));
    }
    let (m, d) = pair(ctx, other);
    let mine = asked_state(ctx);
    // Asking again after the other side asked links at once.
    sqlx::query!("INSERT INTO links (manufacturer_id, distributor_id, state) VALUES ($1, $2, $3)
         ON CONFLICT (manufacturer_id, distributor_id) DO UPDATE SET
             state = CASE WHEN links.state IN ('invited', 'requested') AND links.state <> $3 THEN 'active'
                          WHEN links.state = 'ended' THEN $3 ELSE links.state END,
             changed_at = now()", m, d, mine)
    .execute(ctx.db())
    .await?;
    link(ctx, other).await
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn answer_link(ctx: &Ctx, other: i64, accept: bool) -> Result<LinkRow, AppError> {
    let (m, d) = pair(ctx, other);
    let theirs = if ctx.user().org_kind == OrgKind::Manufacturer {
        "requested"
    } else {
        "invited"
    };
    let done = sqlx::query!("UPDATE links SET state = $4, changed_at = now() WHERE manufacturer_id = $1 AND distributor_id = $2 AND state = $3", m, d, theirs, if accept { "active" } else { "ended" })
        .execute(ctx.db())
        .await?;
    if done.rows_affected() == 0 {
        let current = link(ctx, other).await?;
        return Err(AppError::Conflict(format!(
            "There is no request from {} to answer (the link is {}).",
            current.other_name, current.state
        )));
    }
    link(ctx, other).await
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn end_link(ctx: &Ctx, other: i64) -> Result<LinkRow, AppError> {
    let (m, d) = pair(ctx, other);
    let mut tx = ctx.db().begin().await?;
    let done = sqlx::query!("UPDATE links SET state = 'ended', changed_at = now() WHERE manufacturer_id = $1 AND distributor_id = $2 AND state <> 'ended'", m, d)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(not_found("Link"));
    }
    sqlx::query!(
        "UPDATE listings l SET active = false, updated_at = now() FROM skus s
          WHERE s.id = l.sku_id AND s.manufacturer_id = $1 AND l.distributor_id = $2",
        m,
        d
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    link(ctx, other).await
}

/// `query_as!(ListingRow, …)`: the distributor's ($1) view of each SKU of the
/// brands it is linked with, carried or not, with its rate today; then the tail.
macro_rules! stock_query {
    ([$($tail:tt)+] $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            ListingRow,
            r#"SELECT l.id AS "listing_id?", s.id AS sku_id, s.code, s.name, s.brand, c.name AS category, m.trade_name AS manufacturer,
                      s.unit, s.mrp_paise, l.price_paise AS "price_paise?: i64", COALESCE(l.on_hand, 0) AS "on_hand!: i32",
                      COALESCE(l.reserved, 0) AS "reserved!", COALESCE(l.min_order_qty, 1) AS "min_order_qty!: i32",
                      COALESCE(l.active, false) AS "active!",
                      g.rate_bp AS "rate_bp?", CASE WHEN d.einvoice_enabled AND length(s.hsn) < 6 THEN s.hsn END AS short_hsn
                 FROM skus s
                 JOIN organisations d ON d.id = $1
                 JOIN categories c ON c.id = s.category_id
                 JOIN organisations m ON m.id = s.manufacturer_id
                 JOIN links k ON k.manufacturer_id = s.manufacturer_id AND k.distributor_id = $1 AND k.state = 'active'
                 LEFT JOIN listings l ON l.sku_id = s.id AND l.distributor_id = $1
                 LEFT JOIN LATERAL gst_rate(s.hsn, ist_today(), COALESCE(l.price_paise, s.mrp_paise), s.gst_rate_id) g ON true "# + $($tail)+
            $(, $arg)*
        )
    };
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn stock(ctx: &Ctx, q: &str, carried_only: bool) -> Result<Vec<ListingRow>, AppError> {
    let q = q.trim().to_lowercase();
    if q.chars().count() > 100 {
        return Err(AppError::field("q", "Search for at most 100 characters"));
    }
    stock_query!(
        ["WHERE s.active AND ($2 = '' OR s.search_text LIKE '%' || $2 || '%' OR lower(s.code) LIKE $2 || '%')
            AND (NOT $3 OR l.id IS NOT NULL)
          ORDER BY (l.id IS NULL), s.name LIMIT 500"],
        ctx.user().org_id,
        q,
        carried_only
    )
    .fetch_all(ctx.db())
    .await
    .or_internal()
}

async fn listing_by_sku(ctx: &Ctx, sku_id: i64) -> Result<ListingRow, AppError> {
    stock_query!(["WHERE s.id = $2"], ctx.user().org_id, sku_id)
        .fetch_optional(ctx.db())
        .await?
        .ok_or_else(|| not_found("Product"))
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn save_listing(
    ctx: &Ctx,
    sku_id: i64,
    price: &str,
    min_qty: &str,
    active: bool,
) -> Result<ListingRow, AppError> {
    // Only SKUs of linked manufacturers are visible through STOCK_SQL.
    let current = listing_by_sku(ctx, sku_id).await?;
    let mut c = Checks::new();
    let price = c.take("price", Paise::parse(price));
    if let Some(p) = price {
        c.take("price", check_price(p, Paise(current.mrp_paise)));
    }
    let min_qty = c.take(
        "min_order_qty",
        parse_count(min_qty, "Minimum order", MAX_LINE_QTY),
    );
    c.finish()?;
    let (Some(price), Some(min_qty)) = (price, min_qty) else {
        return Err(internal("price and quantity checked above"));
    };
    if active && current.rate_bp.is_none() {
        return Err(AppError::field(
            "price",
            "This product has no known GST rate yet, so it cannot be sold: the manufacturer has been told",
        ));
    }
    sqlx::query!("INSERT INTO listings (distributor_id, sku_id, price_paise, min_order_qty, active) VALUES ($1, $2, $3::bigint, $4::int, $5)
         ON CONFLICT (distributor_id, sku_id) DO UPDATE SET price_paise = $3, min_order_qty = $4, active = $5, updated_at = now()", ctx.user().org_id, sku_id, price.0, min_qty as i32, active)
    .execute(ctx.db())
    .await?;
    listing_by_sku(ctx, sku_id).await
}

/// One change to a listing's stock, as written to the ledger.
pub struct Movement<'a> {
    pub listing_id: i64,
    pub kind: &'a str,
    pub on_hand_delta: i32,
    pub reserved_delta: i32,
    pub order_id: Option<i64>,
    pub note: Option<&'a str>,
    pub by_user: Option<i64>,
}

/// Applies a stock change and records it in the ledger; None when it would make
/// stock negative or exceed what is on hand.
pub async fn move_stock(
    conn: &mut PgConnection,
    m: &Movement<'_>,
) -> Result<Option<(i32, i32)>, sqlx::Error> {
    let row = sqlx::query!(
        "WITH moved AS (
             UPDATE listings SET on_hand = on_hand + $3, reserved = reserved + $4, updated_at = now()
              WHERE id = $1 AND on_hand + $3 >= reserved + $4 AND reserved + $4 >= 0
              RETURNING id, on_hand, reserved)
         INSERT INTO stock_movements (listing_id, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after, order_id, note, by_user)
         SELECT id, $2::text, $3, $4, on_hand, reserved, $5, $6, $7 FROM moved
         RETURNING on_hand_after, reserved_after",
        m.listing_id,
        m.kind,
        m.on_hand_delta,
        m.reserved_delta,
        m.order_id,
        m.note,
        m.by_user
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.on_hand_after, r.reserved_after)))
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn adjust_stock(
    ctx: &Ctx,
    listing_id: i64,
    kind: &str,
    qty: &str,
    note: &str,
) -> Result<ListingRow, AppError> {
    let note = note.trim();
    if note.chars().count() > 300 {
        return Err(AppError::field(
            "note",
            "Keep the note under 300 characters",
        ));
    }
    let mut tx = ctx.db().begin().await?;
    let row = sqlx::query!(
        r#"SELECT sku_id, on_hand AS "on_hand: i32", reserved FROM listings WHERE id = $1 AND distributor_id = $2 FOR UPDATE"#,
        listing_id,
        ctx.user().org_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| not_found("Product"))?;
    let (sku_id, on_hand, reserved) = (row.sku_id, row.on_hand, row.reserved);
    let delta = match kind {
        "received" => parse_count(qty, "Quantity received", 1_000_000)
            .map_err(|e| AppError::field("qty", e.0))?,
        "damaged" => -parse_count(qty, "Quantity damaged", 1_000_000)
            .map_err(|e| AppError::field("qty", e.0))?,
        "correction" => {
            let counted: i64 = qty
                .trim()
                .replace(',', "")
                .parse()
                .map_err(|_| AppError::field("qty", "Enter the number you counted"))?;
            if !(0..=10_000_000).contains(&counted) {
                return Err(AppError::field(
                    "qty",
                    "Enter the number you counted (0 or more)",
                ));
            }
            counted - on_hand as i64
        }
        _ => {
            return Err(AppError::field(
                "kind",
                "Choose received, damaged or stock count",
            ));
        }
    } as i32;
    if on_hand + delta < reserved {
        return Err(AppError::field(
            "qty",
            format!(
                "Only {} can leave stock: {reserved} of the {on_hand} on hand are reserved for open orders",
                on_hand - reserved
            ),
        ));
    }
    if delta == 0 {
        return Err(AppError::field("qty", "Stock is already at that count"));
    }
    let movement = Movement {
        listing_id,
        kind,
        on_hand_delta: delta,
        reserved_delta: 0,
        order_id: None,
        note: Some(note).filter(|n| !n.is_empty()),
        by_user: Some(ctx.user().user_id),
    };
    move_stock(&mut tx, &movement)
        .await?
        .ok_or_else(|| AppError::Conflict("Stock changed meanwhile: please try again".into()))?;
    tx.commit().await?;
    listing_by_sku(ctx, sku_id).await
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn stock_history(ctx: &Ctx, listing_id: i64) -> Result<Vec<StockMove>, AppError> {
    let owned: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM listings WHERE id = $1 AND distributor_id = $2) AS "exists!""#,
        listing_id,
        ctx.user().org_id
    )
    .fetch_one(ctx.db())
    .await?;
    if !owned {
        return Err(not_found("Product"));
    }
    sqlx::query_as!(
        StockMove,
        r#"SELECT m.kind AS "kind: String", m.on_hand_delta, m.reserved_delta, m.on_hand_after, m.reserved_after, m.order_id, m.note,
                  u.name AS "by_name?", ist_datetime(m.at) AS "at!"
             FROM stock_movements m LEFT JOIN users u ON u.id = m.by_user
            WHERE m.listing_id = $1 ORDER BY m.id DESC LIMIT 200"#,
        listing_id
    )
    .fetch_all(ctx.db())
    .await
    .or_internal()
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn delivery_options(ctx: &Ctx) -> Result<DeliveryOptions, AppError> {
    let o = sqlx::query!(
        "SELECT delivers, offers_pickup, pickup_address, pickup_hours FROM organisations WHERE id = $1",
        ctx.user().org_id
    )
    .fetch_one(ctx.db())
    .await?;
    let pins: Vec<String> = sqlx::query_scalar!(
        "SELECT pincode FROM distributor_pincodes WHERE distributor_id = $1 ORDER BY pincode",
        ctx.user().org_id
    )
    .fetch_all(ctx.db())
    .await?;
    Ok(DeliveryOptions {
        delivers: o.delivers,
        pincodes: pins.join(", "),
        offers_pickup: o.offers_pickup,
        pickup_address: o.pickup_address.unwrap_or_default(),
        pickup_hours: o.pickup_hours.unwrap_or_default(),
    })
}

/// "411001, 411002 411003" → validated, de-duplicated pincodes, or the bad ones named.
pub fn parse_pincodes(text: &str) -> Result<Vec<String>, AppError> {
    let mut pins = Vec::new();
    let mut bad = Vec::new();
    for token in text
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        match Pincode::parse(token) {
            Ok(p) => pins.push(p.as_str().to_string()),
            Err(_) => bad.push(token.to_string()),
        }
    }
    if !bad.is_empty() {
        return Err(AppError::field(
            "pincodes",
            format!("Not pincodes: {}", bad.join(", ")),
        ));
    }
    pins.sort();
    pins.dedup();
    if pins.len() > 2000 {
        return Err(AppError::field("pincodes", "At most 2,000 pincodes"));
    }
    Ok(pins)
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn save_delivery_options(
    ctx: &Ctx,
    o: DeliveryOptions,
) -> Result<DeliveryOptions, AppError> {
    let pins = parse_pincodes(&o.pincodes)?;
    let mut c = Checks::new();
    if o.delivers && pins.is_empty() {
        c.add("pincodes", "List the pincodes you deliver to");
    }
    if o.offers_pickup && o.pickup_address.trim().chars().count() < 5 {
        c.add("pickup_address", "Enter the address retailers collect from");
    }
    if !o.delivers && !o.offers_pickup {
        c.add("delivers", "Offer delivery, pickup, or both");
    }
    if o.pickup_hours.chars().count() > 120 || o.pickup_address.chars().count() > 300 {
        c.add("pickup_hours", "Keep the address and hours short");
    }
    c.finish()?;
    let mut tx = ctx.db().begin().await?;
    let unknown = crate::places::service::unknown(&mut tx, &pins).await?;
    if !unknown.is_empty() {
        return Err(AppError::field(
            "pincodes",
            format!(
                "India Post has no pincode {}. Check the list: each is six digits, like 411038.",
                unknown.join(", ")
            ),
        ));
    }
    sqlx::query!("UPDATE organisations SET delivers = $2, offers_pickup = $3, pickup_address = NULLIF($4, ''), pickup_hours = NULLIF($5, ''), updated_at = now() WHERE id = $1", ctx.user().org_id, o.delivers, o.offers_pickup, o.pickup_address.trim(), o.pickup_hours.trim())
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "DELETE FROM distributor_pincodes WHERE distributor_id = $1",
        ctx.user().org_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO distributor_pincodes (distributor_id, pincode) SELECT $1, UNNEST($2::text[])",
        ctx.user().org_id,
        &pins
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    delivery_options(ctx).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn pincode_lists() {
        assert_eq!(
            super::parse_pincodes("411001, 411002\n411001;560001").map_err(|e| e.to_string()),
            Ok(vec!["411001".into(), "411002".into(), "560001".into()])
        );
        let err = super::parse_pincodes("411001, 4110, abc").expect_err("bad");
        assert_eq!(
            err.reason_for("pincodes").as_deref(),
            Some("Not pincodes: 4110, abc")
        );
    }
}
