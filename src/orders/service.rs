use super::live::Change;
use super::{
    BrowseFilter, BrowsePage, NewOrder, Offer, OrderCounts, OrderDetail, OrderFilter, OrderSummary,
    Product,
};
use crate::domain::catalog::{MAX_LINE_QTY, MAX_ORDER_LINES};
use crate::domain::order::{DeliveryMode, OrderAction, OrderState, Party, transition};
use crate::domain::{OrgKind, Paise};
use crate::error::OrInternal;
use crate::error::{AppError, FieldError};
use crate::server::Ctx;
use crate::server::guard::{internal, not_found};
use crate::server::listing::ListScope;
use sqlx::PgConnection;
use std::collections::{HashMap, HashSet};

pub const PARTIES: [OrgKind; 2] = [OrgKind::Retailer, OrgKind::Distributor];

/// Distributor `d` delivers to the pincode of the organisation with id $1.
macro_rules! delivers_here {
    () => {
        "(d.delivers AND EXISTS (SELECT 1 FROM distributor_pincodes dp
             WHERE dp.distributor_id = d.id AND dp.pincode = (SELECT pincode FROM organisations WHERE id = $1)))"
    };
}
const DELIVERS_HERE: &str = delivers_here!();
/// Distributor `d` serves organisation $1: delivers to its pincode, or has a
/// pickup point in its postal sorting district (the pincode's first three
/// digits, about one city).
const SERVES: &str = concat!(
    "(",
    delivers_here!(),
    " OR (d.offers_pickup AND left(d.pincode, 3) = (SELECT left(pincode, 3) FROM organisations WHERE id = $1)))"
);
const PAGE_SIZE: i64 = 24;

fn rupees_filter(text: &str, field: &str) -> Result<Option<i64>, AppError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    Paise::parse(text)
        .map(|p| Some(p.0))
        .map_err(|e| AppError::field(field, e.0))
}

pub async fn browse(ctx: &Ctx, f: BrowseFilter) -> Result<BrowsePage, AppError> {
    let q = f.q.trim().to_lowercase();
    if q.chars().count() > 100 {
        return Err(AppError::field("q", "Search for at most 100 characters"));
    }
    let category: Option<i64> = match f.category.trim() {
        "" => None,
        c => Some(
            c.parse()
                .map_err(|_| AppError::field("category", "Unknown category"))?,
        ),
    };
    let min = rupees_filter(&f.min_price, "min_price")?;
    let max = rupees_filter(&f.max_price, "max_price")?;
    let offset = i64::from(f.page.min(1000)) * PAGE_SIZE;
    // Products offered by approved distributors who serve the retailer (see SERVES).
    // The distributors serving the shop are found once (an uncorrelated subquery
    // PostgreSQL runs before the scan); each candidate SKU then costs one index
    // probe of its listings, which keeps a 1,000,000-SKU search fast.
    let offered = format!("EXISTS (SELECT 1 FROM listings l
                           WHERE l.sku_id = s.id AND l.active
                             AND l.distributor_id = ANY ((SELECT array_agg(d.id) FROM organisations d
                                                          WHERE d.kind = 'distributor' AND d.approval = 'active' AND {SERVES})::bigint[])
                             AND ($5::bigint IS NULL OR l.price_paise >= $5) AND ($6::bigint IS NULL OR l.price_paise <= $6)
                             AND (NOT $7 OR l.on_hand - l.reserved > 0))");
    let filters = format!(
        "s.active
            AND ($3::bigint IS NULL OR s.category_id = $3)
            AND ($4 = '' OR lower(s.brand) = lower($4))
            AND {offered}"
    );
    // $1-$9, the same for browsing and searching; $2 is the text ranked by.
    macro_rules! bind_filters {
        ($query:expr, $text:expr) => {
            $query
                .bind(ctx.user().org_id)
                .bind($text)
                .bind(category)
                .bind(f.brand.trim())
                .bind(min)
                .bind(max)
                .bind(f.in_stock)
                .bind(PAGE_SIZE + 1)
                .bind(offset)
        };
    }
    let mut showing_for = None;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(i64, String, String, String, String, i32, i64, i32)> = if q.is_empty() {
        let sql = format!(
            "SELECT s.id, s.name, s.brand, c.name, s.unit, s.pack_size, s.mrp_paise, s.image_version
               FROM skus s JOIN categories c ON c.id = s.category_id
              WHERE $2 = '' AND {filters}
              ORDER BY s.name
              LIMIT $8 OFFSET $9"
        );
        bind_filters!(sqlx::query_as(&sql), &q)
            .fetch_all(ctx.db())
            .await?
    } else {
        let words = search_words(ctx, &q).await?;
        if words.iter().any(|w| w.corrected) {
            let shown: Vec<&str> = words.iter().filter_map(|w| w.shown.as_deref()).collect();
            showing_for = Some(shown.join(" ")).filter(|s| !s.is_empty());
        }
        let groups: Vec<&Vec<String>> = words
            .iter()
            .filter(|w| !w.matches.is_empty())
            .map(|w| &w.matches)
            .collect();
        if groups.is_empty() {
            Vec::new()
        } else {
            // Every query word must match one of its words ($11, $12, …: GIN index);
            // the first `cap` such SKUs (through the index, see
            // `begin_indexed`) are ranked by word similarity to the query as
            // understood (typos corrected) and paged. Ranking is exact whenever fewer
            // than `cap` SKUs match, which is when it matters.
            let all_words: String = (0..groups.len())
                .map(|i| format!(" AND s.search_words && ${}", i + 11))
                .collect();
            let ranked_as = showing_for.clone().unwrap_or_else(|| q.clone());
            let cap = (offset + PAGE_SIZE + 1).max(SEARCH_RANKED);
            let sql = format!(
                "WITH hits AS MATERIALIZED (
                     SELECT s.id, s.name, s.search_text FROM skus s
                      WHERE {filters}{all_words}
                      LIMIT $10),
                 page AS (
                     SELECT id, name, $2 <<-> search_text AS distance FROM hits
                      ORDER BY distance, name, id LIMIT $8 OFFSET $9)
                 SELECT s.id, s.name, s.brand, c.name, s.unit, s.pack_size, s.mrp_paise, s.image_version
                   FROM page p JOIN skus s ON s.id = p.id JOIN categories c ON c.id = s.category_id
                  ORDER BY p.distance, p.name, p.id"
            );
            let mut query =
                bind_filters!(sqlx::query_as(&sql).persistent(false), &ranked_as).bind(cap);
            for g in groups {
                query = query.bind(g);
            }
            let mut tx = crate::server::db::begin_indexed(ctx.db()).await?;
            let rows = query.fetch_all(&mut *tx).await?;
            tx.commit().await?;
            rows
        }
    };
    let has_more = rows.len() as i64 > PAGE_SIZE;
    let rows: Vec<_> = rows.into_iter().take(PAGE_SIZE as usize).collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let offers: Vec<Offer> = sqlx::query_as(&format!(
        "SELECT l.sku_id, l.id AS listing_id, d.id AS distributor_id, d.trade_name AS distributor_name, l.price_paise,
                l.on_hand - l.reserved AS available, l.min_order_qty,
                g.rate_bp,
                d.state_code = (SELECT state_code FROM organisations WHERE id = $1) AS intra_state, d.round_off,
                {DELIVERS_HERE} AS delivers_here,
                CASE WHEN d.offers_pickup THEN concat_ws(' \u{b7} ', COALESCE(NULLIF(d.pickup_address, ''), d.address_line || ', ' || d.city), NULLIF(d.pickup_hours, '')) END AS pickup_at
           FROM listings l
           JOIN skus s ON s.id = l.sku_id
           JOIN organisations d ON d.id = l.distributor_id AND d.approval = 'active'
           JOIN LATERAL gst_rate(s.hsn, (now() AT TIME ZONE 'Asia/Kolkata')::date, l.price_paise) g ON true
          WHERE l.sku_id = ANY($2) AND l.active AND {SERVES}
          ORDER BY l.price_paise, d.trade_name"
    ))
    .bind(ctx.user().org_id)
    .bind(&ids)
    .fetch_all(ctx.db())
    .await?;
    let mut by_sku: HashMap<i64, Vec<Offer>> = HashMap::new();
    for o in offers {
        by_sku.entry(o.sku_id).or_default().push(o);
    }
    let mut brands: Vec<String> = rows
        .iter()
        .map(|r| r.2.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    brands.sort();
    let products = rows
        .into_iter()
        .filter_map(
            |(sku_id, name, brand, category, unit, pack_size, mrp_paise, image_version)| {
                let offers = by_sku.remove(&sku_id)?;
                Some(Product {
                    sku_id,
                    name,
                    brand,
                    category,
                    unit,
                    pack_size,
                    mrp_paise,
                    image_version,
                    offers,
                })
            },
        )
        .collect();
    Ok(BrowsePage {
        products,
        has_more,
        brands,
        showing_for,
    })
}

/// How many matching SKUs a search ranks at most (see `browse`).
const SEARCH_RANKED: i64 = 200;
/// Query words looked at; the rest of a long query is ignored.
const SEARCH_MAX_WORDS: usize = 8;

/// One query word and the catalog words it stands for.
#[derive(Debug)]
struct QueryWord {
    /// The word as the search understood it (None: dropped, nothing like it).
    shown: Option<String>,
    /// True when the word was replaced by a spelling the catalog has, or dropped.
    corrected: bool,
    /// Catalog words any of which the SKU must contain.
    matches: Vec<String>,
}

/// The query's words (the same tokenizer as the SKUs': SQL `search_words`), each
/// matched against the catalog's vocabulary in one round trip: the word itself
/// and, from two letters on, the 30 shortest words it begins ("bisc" →
/// biscuit, biscuits); failing
/// those, the nearest spellings by trigram similarity ("mattres" → mattress,
/// "biskut" → biscuits).
async fn search_words(ctx: &Ctx, q: &str) -> Result<Vec<QueryWord>, AppError> {
    let rows: Vec<(String, Vec<String>, Vec<String>)> = sqlx::query_as(
        "SELECT t.word, k.known, n.near
           FROM unnest((search_words($1))[1:$2]) WITH ORDINALITY AS t(word, i)
          CROSS JOIN LATERAL (
                SELECT CASE WHEN length(t.word) >= 2 THEN
                    ARRAY(SELECT v.word FROM search_vocab v
                           WHERE v.word >= t.word AND v.word < t.word || chr(1114111)
                           ORDER BY length(v.word), v.word LIMIT 30)
                ELSE ARRAY(SELECT v.word FROM search_vocab v WHERE v.word = t.word) END AS known) k
          CROSS JOIN LATERAL (
                SELECT CASE WHEN cardinality(k.known) = 0 AND length(t.word) >= 3 THEN
                    ARRAY(SELECT v.word FROM search_vocab v
                           WHERE t.word <% v.word
                           ORDER BY similarity(t.word, v.word) DESC, length(v.word), v.word LIMIT 3)
                ELSE '{}'::text[] END AS near) n
          ORDER BY t.i",
    )
    .bind(q)
    .bind(SEARCH_MAX_WORDS as i32)
    .fetch_all(ctx.db())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(word, known, near)| {
            if !known.is_empty() {
                QueryWord {
                    shown: Some(word),
                    corrected: false,
                    matches: known,
                }
            } else {
                QueryWord {
                    shown: near.first().cloned(),
                    corrected: true,
                    matches: near,
                }
            }
        })
        .collect())
}

fn valid_key(key: &str) -> bool {
    (8..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What placing an order reads first, in one statement (see `place`).
#[derive(sqlx::FromRow)]
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
    let here: PlaceContext = sqlx::query_as(&format!(
        "WITH locked AS (
             SELECT l.id, s.id AS sku_id, s.name, s.brand, s.hsn, s.unit, l.price_paise, s.mrp_paise, l.on_hand, l.reserved,
                    l.min_order_qty, g.rate_bp
               FROM listings l JOIN skus s ON s.id = l.sku_id
                    LEFT JOIN LATERAL gst_rate(s.hsn, (now() AT TIME ZONE 'Asia/Kolkata')::date, l.price_paise) g ON true
              WHERE l.id = ANY($4) AND l.distributor_id = $3 AND l.active AND s.active
              ORDER BY l.id FOR UPDATE OF l)
         SELECT r.state_code, r.pincode, r.city,
                (SELECT id FROM orders WHERE retailer_id = r.id AND idempotency_key = $2) AS existing,
                (SELECT request_hash FROM orders WHERE retailer_id = r.id AND idempotency_key = $2) AS existing_hash,
                (SELECT d.trade_name FROM organisations d
                  WHERE d.id = $3 AND d.kind = 'distributor' AND d.approval = 'active' AND {SERVES}) AS distributor_name,
                d.state_code AS supplier_state, d.round_off, {DELIVERS_HERE} AS deliverable,
                (SELECT COALESCE(jsonb_agg(to_jsonb(locked) ORDER BY locked.id), '[]') FROM locked) AS listings
           FROM organisations r LEFT JOIN organisations d ON d.id = $3 WHERE r.id = $1"
    ))
    .bind(ctx.user().org_id)
    .bind(&order.idempotency_key)
    .bind(order.distributor_id)
    .bind(&ids)
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
    let created: Option<(i64, String, i64)> = sqlx::query_as(
        "WITH o AS (
             INSERT INTO orders (retailer_id, distributor_id, placed_by, idempotency_key, line_count, total_paise, note, state_code, pincode, round_off, request_hash)
             VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, ''), $8, $9, $22, $24)
             ON CONFLICT (retailer_id, idempotency_key) DO NOTHING
             RETURNING id, to_char(created_at AT TIME ZONE 'Asia/Kolkata', 'DD Mon YYYY HH24:MI') AS placed),
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
                                       'items', s.items, 'total_paise', $6::bigint) AS params
               FROM o, organisations d, order_items_summary($13::text[], $17::int[]) s WHERE d.id = $2),
         alert AS (
             INSERT INTO outbox (dedupe_key, recipient, recipient_user, template, language, params, order_id)
             SELECT DISTINCT ON (COALESCE(u.phone, m.whatsapp))
                    'order:' || m.id || ':placed:' || u.id, COALESCE(u.phone, m.whatsapp), u.id, $23, u.language, m.params, m.id
               FROM message m JOIN users u ON u.org_id = $2 AND u.active
              WHERE COALESCE(u.phone, m.whatsapp) IS NOT NULL
              ORDER BY COALESCE(u.phone, m.whatsapp), u.phone IS NULL, u.id
             ON CONFLICT (dedupe_key) DO NOTHING)
         SELECT o.id, o.placed, (SELECT count(*) FROM moved) FROM o",
    )
    .bind(ctx.user().org_id)
    .bind(order.distributor_id)
    .bind(ctx.user().user_id)
    .bind(&order.idempotency_key)
    .bind(order.lines.len() as i32)
    .bind(total)
    .bind(note)
    .bind(state_code)
    .bind(&pincode)
    .bind(&lines.line_no)
    .bind(&lines.listing_ids)
    .bind(&lines.sku_ids)
    .bind(&lines.names)
    .bind(&lines.brands)
    .bind(&lines.hsns)
    .bind(&lines.units)
    .bind(&lines.qtys)
    .bind(&lines.prices)
    .bind(&lines.mrps)
    .bind(&lines.rates)
    .bind(&ctx.user().org_name)
    .bind(round_off)
    .bind(crate::whatsapp::templates::for_order_state(
        OrderState::Placed.as_str(),
        deliverable.unwrap_or(false),
    ))
    .bind(&request)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((order_id, placed, reserved)) = created else {
        // The same request is being placed right now by a retry: answer with that order.
        drop(tx);
        let mut conn = ctx.db().acquire().await?;
        let (existing, hash) = find_by_key(&mut conn, ctx.user().org_id, &order.idempotency_key)
            .await?
            .ok_or_else(|| internal("an order conflicting on its key was not found"))?;
        same_request(hash.as_deref(), &request)?;
        return summary(&mut conn, existing).await;
    };
    if reserved as usize != lines.listing_ids.len() {
        return Err(internal("reservation count mismatch under lock"));
    }
    tx.commit().await?;
    ctx.state().notifier.send(Change {
        order: order_id,
        retailer: ctx.user().org_id,
        distributor: order.distributor_id,
    });
    Ok(OrderSummary {
        id: order_id,
        retailer_id: ctx.user().org_id,
        retailer_name: ctx.user().org_name.clone(),
        retailer_city: city,
        distributor_id: order.distributor_id,
        distributor_name,
        state: OrderState::Placed.as_str().to_string(),
        delivery_mode: None,
        total_paise: total,
        line_count: order.lines.len() as i32,
        note: (!note.is_empty()).then(|| note.to_string()),
        placed,
        deliverable: deliverable.unwrap_or(false),
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
    sqlx::query_as(
        "SELECT id, request_hash FROM orders WHERE retailer_id = $1 AND idempotency_key = $2",
    )
    .bind(retailer)
    .bind(key)
    .fetch_optional(conn)
    .await
    .or_internal()
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
    let Some(template) = crate::whatsapp::templates::for_order_state(
        next.as_str(),
        mode != Some(DeliveryMode::Pickup),
    ) else {
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

const SUMMARY_SQL: &str = "SELECT o.id, o.retailer_id, r.trade_name AS retailer_name, r.city AS retailer_city, o.distributor_id,
        d.trade_name AS distributor_name, o.state, o.delivery_mode, o.total_paise, o.line_count, o.note,
        to_char(o.created_at AT TIME ZONE 'Asia/Kolkata', 'DD Mon YYYY HH24:MI') AS placed,
        d.delivers AND EXISTS (SELECT 1 FROM distributor_pincodes dp WHERE dp.distributor_id = d.id AND dp.pincode = r.pincode) AS deliverable
   FROM orders o JOIN organisations r ON r.id = o.retailer_id JOIN organisations d ON d.id = o.distributor_id";

async fn summary(conn: &mut PgConnection, id: i64) -> Result<OrderSummary, AppError> {
    sqlx::query_as(&format!("{SUMMARY_SQL} WHERE o.id = $1"))
        .bind(id)
        .fetch_one(conn)
        .await
        .or_internal()
}

/// The column that ties an order to the caller's organisation.
fn party_column(ctx: &Ctx) -> &'static str {
    if ctx.user().org_kind == OrgKind::Retailer {
        "o.retailer_id"
    } else {
        "o.distributor_id"
    }
}

pub async fn list(ctx: &Ctx, f: OrderFilter) -> Result<Vec<OrderSummary>, AppError> {
    let state = match f.state.trim() {
        "" | "all" => None,
        "open" => Some("open".to_string()),
        s => Some(
            OrderState::parse(s)
                .ok_or_else(|| AppError::field("state", "Unknown order status"))?
                .as_str()
                .to_string(),
        ),
    };
    let scope = ListScope::new(ctx, &f.from, &f.to, &f.q)?;
    sqlx::query_as(&format!(
        "{SUMMARY_SQL}
          WHERE {party} = $1
            AND ($2::text IS NULL OR o.state = $2 OR ($2 = 'open' AND o.state NOT IN ('delivered', 'picked_up', 'rejected', 'cancelled')))
            AND ($3::text::date IS NULL OR o.created_at >= ($3::text::date::timestamp AT TIME ZONE 'Asia/Kolkata'))
            AND ($4::text::date IS NULL OR o.created_at < (($4::text::date + 1)::timestamp AT TIME ZONE 'Asia/Kolkata'))
            AND ($5 = '' OR lower({other}.trade_name) LIKE '%' || $5 || '%')
          ORDER BY o.created_at DESC LIMIT 200",
        party = scope.party("o"),
        other = scope.other(),
    ))
    .bind(ctx.user().org_id)
    .bind(state)
    .bind(scope.from)
    .bind(scope.to)
    .bind(scope.q)
    .fetch_all(ctx.db())
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("22008") => AppError::field("from", "That date does not exist"),
        _ => internal(e),
    })
}

async fn load_detail(conn: &mut PgConnection, id: i64) -> Result<OrderDetail, AppError> {
    let order = summary(&mut *conn, id).await?;
    let (intra_state, round_off): (bool, bool) = sqlx::query_as(
        "SELECT d.state_code = r.state_code, o.round_off
           FROM orders o JOIN organisations d ON d.id = o.distributor_id JOIN organisations r ON r.id = o.retailer_id
          WHERE o.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let lines = sqlx::query_as(
        "SELECT line_no, sku_id, name, brand, hsn, unit, qty, unit_price_paise, tax_rate_bp FROM order_lines WHERE order_id = $1 ORDER BY line_no",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let events = sqlx::query_as(
        "SELECT e.from_state, e.to_state, u.name AS by_name, o.trade_name AS by_org, e.via, e.note,
                to_char(e.at AT TIME ZONE 'Asia/Kolkata', 'DD Mon YYYY HH24:MI') AS at
           FROM order_events e LEFT JOIN users u ON u.id = e.by_user LEFT JOIN organisations o ON o.id = e.by_org
          WHERE e.order_id = $1 ORDER BY e.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let messages = sqlx::query_as(
        "SELECT u.name AS to_name, org.trade_name AS to_org, m.template, m.state, m.delivery,
                COALESCE(m.delivery_error, CASE WHEN m.state IN ('failed', 'skipped') THEN m.last_error END) AS error,
                to_char(COALESCE(m.delivery_at, m.sent_at, m.created_at) AT TIME ZONE 'Asia/Kolkata', 'DD Mon HH24:MI') AS at
           FROM outbox m LEFT JOIN users u ON u.id = m.recipient_user LEFT JOIN organisations org ON org.id = u.org_id
          WHERE m.order_id = $1 ORDER BY m.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(OrderDetail {
        order,
        intra_state,
        round_off,
        lines,
        events,
        messages,
    })
}

pub async fn detail(ctx: &Ctx, id: i64) -> Result<OrderDetail, AppError> {
    let mut conn = ctx.db().acquire().await?;
    let mine: bool = sqlx::query_scalar(&format!(
        "SELECT EXISTS (SELECT 1 FROM orders o WHERE o.id = $1 AND {} = $2)",
        party_column(ctx)
    ))
    .bind(id)
    .bind(ctx.user().org_id)
    .fetch_one(&mut *conn)
    .await?;
    if !mine {
        return Err(not_found("Order"));
    }
    load_detail(&mut conn, id).await
}

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
    let party = if ctx.user().org_kind == OrgKind::Retailer {
        Party::Retailer
    } else {
        Party::Distributor
    };
    let mut tx = crate::server::db::begin_generic(ctx.db()).await?;
    let row: Option<(String, Option<String>, bool, String)> = sqlx::query_as(&format!(
        "SELECT o.state, o.delivery_mode,
                EXISTS (SELECT 1 FROM organisations d JOIN distributor_pincodes dp ON dp.distributor_id = d.id AND dp.pincode = r.pincode
                         WHERE d.id = o.distributor_id AND d.delivers),
                r.pincode
           FROM orders o JOIN organisations r ON r.id = o.retailer_id
          WHERE o.id = $1 AND {} = $2 FOR UPDATE OF o",
        party_column(ctx)
    ))
    .bind(id)
    .bind(ctx.user().org_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (state, mode, deliverable, pincode) = row.ok_or_else(|| not_found("Order"))?;
    if action == OrderAction::Accept(DeliveryMode::Deliver) && !deliverable {
        return Err(AppError::Conflict(format!(
            "You do not deliver to pincode {pincode}: accept it as \u{201c}Retailer will pick up\u{201d}, or add {pincode} to your delivery pincodes first."
        )));
    }
    let from = OrderState::parse(&state)
        .ok_or_else(|| internal(format!("unknown order state {state}")))?;
    let mode = mode.as_deref().and_then(DeliveryMode::parse);
    let next = transition(from, mode, action, party, reason)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
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
    ctx.state().notifier.send(Change {
        order: id,
        retailer: detail.order.retailer_id,
        distributor: detail.order.distributor_id,
    });
    Ok(detail)
}

pub async fn counts(ctx: &Ctx) -> Result<OrderCounts, AppError> {
    let (new, open): (i64, i64) = sqlx::query_as(&format!(
        "SELECT count(*) FILTER (WHERE o.state = 'placed'),
                count(*) FILTER (WHERE o.state NOT IN ('delivered', 'picked_up', 'rejected', 'cancelled'))
           FROM orders o WHERE {} = $1",
        party_column(ctx)
    ))
    .bind(ctx.user().org_id)
    .fetch_one(ctx.db())
    .await?;
    Ok(OrderCounts { new, open })
}
