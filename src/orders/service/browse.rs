//! The shop: products offered to this retailer by the distributors who serve it
//! (SQL `serving_distributors`), filtered, searched with typo tolerance and paged.

use crate::domain::Paise;
use crate::error::AppError;
use crate::orders::{BrowseFilter, BrowsePage, Offer, Product};
use crate::server::Ctx;
use sqlx::{Postgres, QueryBuilder};
use std::collections::{HashMap, HashSet};

const PAGE_SIZE: i64 = 24;
/// How many matching SKUs a search ranks at most (see `browse`).
const SEARCH_RANKED: i64 = 200;
/// Query words looked at; the rest of a long query is ignored.
const SEARCH_MAX_WORDS: usize = 8;

/// A product as the search finds it, before its offers are attached.
#[derive(sqlx::FromRow)]
struct ProductRow {
    sku_id: i64,
    name: String,
    brand: String,
    category: String,
    unit: String,
    pack_size: i32,
    mrp_paise: i64,
    image_version: i32,
}

/// The filters checked at the boundary.
struct Filters<'a> {
    retailer: i64,
    category: Option<i64>,
    brand: &'a str,
    min: Option<i64>,
    max: Option<i64>,
    in_stock: bool,
}

impl Filters<'_> {
    /// Appends ` AND …` for SKUs `s` that pass every filter and are offered by a
    /// distributor serving the shop. The serving distributors are found once (an
    /// uncorrelated subquery PostgreSQL runs before the scan); each candidate SKU
    /// then costs one index probe of its listings, which keeps a 1,000,000-SKU
    /// search fast. Only the filters given appear, each as a bound parameter.
    fn push(&self, b: &mut QueryBuilder<'_, Postgres>) {
        b.push(" s.active");
        if let Some(c) = self.category {
            b.push(" AND s.category_id = ").push_bind(c);
        }
        if !self.brand.is_empty() {
            b.push(" AND lower(s.brand) = lower(")
                .push_bind(self.brand.to_string())
                .push(")");
        }
        b.push(
            " AND EXISTS (SELECT 1 FROM listings l WHERE l.sku_id = s.id AND l.active \
             AND l.distributor_id = ANY (ARRAY(SELECT id FROM serving_distributors(",
        )
        .push_bind(self.retailer)
        .push(")))");
        if let Some(min) = self.min {
            b.push(" AND l.price_paise >= ").push_bind(min);
        }
        if let Some(max) = self.max {
            b.push(" AND l.price_paise <= ").push_bind(max);
        }
        if self.in_stock {
            b.push(" AND l.on_hand - l.reserved > 0");
        }
        b.push(")");
    }
}

fn rupees_filter(text: &str, field: &str) -> Result<Option<i64>, AppError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    Paise::parse(text)
        .map(|p| Some(p.0))
        .map_err(|e| AppError::field(field, e.0))
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
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
    let filters = Filters {
        retailer: ctx.user().org_id,
        category,
        brand: f.brand.trim(),
        min: rupees_filter(&f.min_price, "min_price")?,
        max: rupees_filter(&f.max_price, "max_price")?,
        in_stock: f.in_stock,
    };
    let offset = i64::from(f.page.min(1000)) * PAGE_SIZE;
    let mut showing_for = None;
    let rows: Vec<ProductRow> = if q.is_empty() {
        let mut b = QueryBuilder::new(
            "SELECT s.id AS sku_id, s.name, s.brand, c.name AS category, s.unit, s.pack_size, s.mrp_paise, s.image_version
               FROM skus s JOIN categories c ON c.id = s.category_id WHERE",
        );
        filters.push(&mut b);
        b.push(" ORDER BY s.name LIMIT ")
            .push_bind(PAGE_SIZE + 1)
            .push(" OFFSET ")
            .push_bind(offset);
        b.build_query_as().fetch_all(ctx.db()).await?
    } else {
        let words = search_words(ctx, &q).await?;
        if words.iter().any(|w| w.corrected) {
            let shown: Vec<&str> = words.iter().filter_map(|w| w.shown.as_deref()).collect();
            showing_for = Some(shown.join(" ")).filter(|s| !s.is_empty());
        }
        let groups: Vec<Vec<String>> = words
            .into_iter()
            .filter(|w| !w.matches.is_empty())
            .map(|w| w.matches)
            .collect();
        if groups.is_empty() {
            Vec::new()
        } else {
            // Every query word must match one of its words (GIN index); the first
            // `cap` such SKUs (through the index, see `begin_indexed`) are ranked by
            // word similarity to the query as understood (typos corrected) and
            // paged. Ranking is exact whenever fewer than `cap` SKUs match, which is
            // when it matters.
            let ranked_as = showing_for.clone().unwrap_or_else(|| q.clone());
            let cap = (offset + PAGE_SIZE + 1).max(SEARCH_RANKED);
            let mut b = QueryBuilder::new(
                "WITH hits AS MATERIALIZED (SELECT s.id, s.name, s.search_text FROM skus s WHERE",
            );
            filters.push(&mut b);
            for g in groups {
                b.push(" AND s.search_words && ").push_bind(g);
            }
            b.push(" LIMIT ")
                .push_bind(cap)
                .push("), page AS (SELECT id, name, ")
                .push_bind(ranked_as)
                .push(" <<-> search_text AS distance FROM hits ORDER BY distance, name, id LIMIT ")
                .push_bind(PAGE_SIZE + 1)
                .push(" OFFSET ")
                .push_bind(offset)
                .push(
                    ") SELECT s.id AS sku_id, s.name, s.brand, c.name AS category, s.unit, s.pack_size, s.mrp_paise, s.image_version
                       FROM page p JOIN skus s ON s.id = p.id JOIN categories c ON c.id = s.category_id
                      ORDER BY p.distance, p.name, p.id",
                );
            let mut tx = crate::server::db::begin_indexed(ctx.db()).await?;
            let rows = b
                .build_query_as()
                .persistent(false)
                .fetch_all(&mut *tx)
                .await?;
            tx.commit().await?;
            rows
        }
    };
    let has_more = rows.len() as i64 > PAGE_SIZE;
    let rows: Vec<ProductRow> = rows.into_iter().take(PAGE_SIZE as usize).collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.sku_id).collect();
    let offers = sqlx::query_as!(
        Offer,
        r#"SELECT l.sku_id, l.id AS listing_id, d.id AS distributor_id, d.trade_name AS distributor_name, l.price_paise AS "price_paise: i64",
                  l.on_hand - l.reserved AS "available!", l.min_order_qty AS "min_order_qty: i32", g.rate_bp AS "rate_bp!",
                  d.state_code = (SELECT state_code FROM organisations WHERE id = $1) AS "intra_state!", d.round_off,
                  sd.delivers AS "delivers_here!",
                  CASE WHEN d.offers_pickup THEN concat_ws(' · ', COALESCE(NULLIF(d.pickup_address, ''), d.address_line || ', ' || d.city), NULLIF(d.pickup_hours, '')) END AS pickup_at
             FROM serving_distributors($1) sd
             JOIN organisations d ON d.id = sd.id
             JOIN listings l ON l.distributor_id = sd.id
             JOIN skus s ON s.id = l.sku_id
             JOIN LATERAL gst_rate(s.hsn, ist_today(), l.price_paise, s.gst_rate_id) g ON true
            WHERE l.sku_id = ANY($2) AND l.active
            ORDER BY l.price_paise, d.trade_name"#,
        ctx.user().org_id,
        &ids
    )
    .fetch_all(ctx.db())
    .await?;
    let mut by_sku: HashMap<i64, Vec<Offer>> = HashMap::new();
    for o in offers {
        by_sku.entry(o.sku_id).or_default().push(o);
    }
    let mut brands: Vec<String> = rows
        .iter()
        .map(|r| r.brand.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    brands.sort();
    let products: Vec<Product> = rows
        .into_iter()
        .filter_map(|r| {
            let offers = by_sku.remove(&r.sku_id)?;
            Some(Product {
                sku_id: r.sku_id,
                name: r.name,
                brand: r.brand,
                category: r.category,
                unit: r.unit,
                pack_size: r.pack_size,
                mrp_paise: r.mrp_paise,
                image_version: r.image_version,
                offers,
            })
        })
        .collect();
    // A search (its first page) that found products nobody serving the shop
    // has in stock is demand the brands should see.
    if !q.is_empty() && f.page == 0 {
        let unserved: Vec<i64> = products
            .iter()
            .filter(|p| p.offers.iter().all(|o| o.available <= 0))
            .map(|p| p.sku_id)
            .collect();
        crate::reports::demand::unserved_search(ctx.db(), ctx.user().org_id, &unserved).await;
    }
    Ok(BrowsePage {
        products,
        has_more,
        brands,
        showing_for,
    })
}

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
/// biscuit, biscuits); failing those, the nearest spellings by trigram
/// similarity ("mattres" → mattress, "biskut" → biscuits).
async fn search_words(ctx: &Ctx, q: &str) -> Result<Vec<QueryWord>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT t.word AS "word!", k.known AS "known!", n.near AS "near!"
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
            ORDER BY t.i"#,
        q,
        SEARCH_MAX_WORDS as i32
    )
    .fetch_all(ctx.db())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            if !r.known.is_empty() {
                QueryWord {
                    shown: Some(r.word),
                    corrected: false,
                    matches: r.known,
                }
            } else {
                QueryWord {
                    shown: r.near.first().cloned(),
                    corrected: true,
                    matches: r.near,
                }
            }
        })
        .collect())
}
