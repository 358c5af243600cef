//! A brand's report: its products' sales at every distributor that carries
//! them, by place and by product, over the rollups filtered by the brand's own
//! `manufacturer_id`. Shops appear as counts per place; a shop's name and town
//! only when that shop lets brands see it (read live, so taking the consent
//! back hides it at once).

use super::service::{Resolved, civil, fill_series, naive, resolve, state_name};
use super::table::{Cell, Kind, ReportTable};
use super::{BrandReport, PeriodQuery};
use crate::domain::period::{Change, Period};
use crate::error::AppError;
use crate::server::Ctx;

struct Totals {
    goods: i64,
    qty: i64,
    lines: i64,
    shops: i64,
}

async fn totals(ctx: &Ctx, p: Period) -> Result<Totals, AppError> {
    Ok(sqlx::query_as!(
        Totals,
        r#"SELECT COALESCE(sum(value_paise), 0)::bigint AS "goods!", COALESCE(sum(qty), 0)::bigint AS "qty!",
                  COALESCE(sum(orders), 0)::bigint AS "lines!", count(DISTINCT retailer_id) AS "shops!"
             FROM sales_daily
            WHERE manufacturer_id = $1 AND day BETWEEN $2 AND $3 AND stage IN ('confirmed', 'fulfilled')"#,
        ctx.user().org_id,
        naive(p.from),
        naive(p.to)
    )
    .fetch_one(ctx.db())
    .await?)
}

/// The brand report of the caller's (a manufacturer's) products.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn report(ctx: &Ctx, q: &PeriodQuery, remember: bool) -> Result<BrandReport, AppError> {
    let Resolved {
        period,
        grouping,
        query,
        downloads_blocked,
    } = resolve(ctx, q, remember).await?;
    let previous = period.previous();
    let org = ctx.user().org_id;
    let (from, to) = (naive(period.from), naive(period.to));
    let (before_from, before_to) = (naive(previous.from), naive(previous.to));
    // The queries are independent: they run at once, each on its own pooled connection.
    let db = ctx.db();
    let buckets = async {
        Ok::<_, AppError>(sqlx::query!(
        r#"SELECT (CASE $4 WHEN 'week' THEN date_trunc('week', day) WHEN 'month' THEN date_trunc('month', day)
                   ELSE day END)::date AS "bucket!",
                  sum(value_paise)::bigint AS "value!", sum(orders)::bigint AS "lines!"
             FROM sales_daily
            WHERE manufacturer_id = $1 AND day BETWEEN $2 AND $3 AND stage IN ('confirmed', 'fulfilled')
            GROUP BY 1"#,
        org,
        from,
        to,
        grouping.as_str()
    ).fetch_all(db).await?)
    };
    let distributors = async {
        Ok::<_, AppError>(sqlx::query!(
        r#"SELECT d.trade_name, d.city, t.shops AS "shops!", t.qty AS "qty!", t.value AS "value!"
             FROM (SELECT distributor_id, count(DISTINCT retailer_id) AS shops, sum(qty)::bigint AS qty,
                          sum(value_paise)::bigint AS value
                     FROM sales_daily
                    WHERE manufacturer_id = $1 AND day BETWEEN $2 AND $3 AND stage IN ('confirmed', 'fulfilled')
                    GROUP BY 1) t
             JOIN organisations d ON d.id = t.distributor_id
            ORDER BY t.value DESC, d.trade_name"#,
        org,
        from,
        to
    ).fetch_all(db).await?)
    };
    let districts = async {
        Ok::<_, AppError>(sqlx::query!(
        r#"WITH by_pin AS (
             SELECT retailer_id, state_code, pincode, sum(qty)::bigint AS qty, sum(value_paise)::bigint AS value
               FROM sales_daily
              WHERE manufacturer_id = $1 AND day BETWEEN $2 AND $3 AND stage IN ('confirmed', 'fulfilled')
              GROUP BY 1, 2, 3),
           sold AS (
             SELECT b.retailer_id, b.state_code, COALESCE(p.district, left(b.pincode, 3) || 'xxx') AS district,
                    sum(b.qty)::bigint AS qty, sum(b.value)::bigint AS value
               FROM by_pin b
               LEFT JOIN pincodes p ON p.pincode = b.pincode AND p.state_code = b.state_code
              GROUP BY 1, 2, 3),
           earlier AS (
             SELECT DISTINCT s.retailer_id FROM sales_daily s
              WHERE s.manufacturer_id = $1 AND s.day < $2 AND s.stage IN ('confirmed', 'fulfilled')
                AND s.retailer_id IN (SELECT retailer_id FROM sold))
           SELECT state_code AS "state_code!", district AS "district!", count(*) AS "shops!",
                  count(*) FILTER (WHERE retailer_id IN (SELECT retailer_id FROM earlier)) AS "repeat!",
                  sum(qty)::bigint AS "qty!", sum(value)::bigint AS "value!"
             FROM sold GROUP BY 1, 2 ORDER BY 6 DESC, 1, 2"#,
        org,
        from,
        to
    ).fetch_all(db).await?)
    };
    let pincodes = async {
        Ok::<_, AppError>(sqlx::query!(
        r#"SELECT state_code, pincode, count(DISTINCT retailer_id) AS "shops!", sum(qty)::bigint AS "qty!",
                  sum(value_paise)::bigint AS "value!"
             FROM sales_daily
            WHERE manufacturer_id = $1 AND day BETWEEN $2 AND $3 AND stage IN ('confirmed', 'fulfilled')
            GROUP BY 1, 2 ORDER BY 5 DESC, 2"#,
        org,
        from,
        to
    ).fetch_all(db).await?)
    };
    let products = async {
        Ok::<_, AppError>(sqlx::query!(
        r#"SELECT k.code, k.name, t.qty AS "qty!", t.value AS "value!", t.shops AS "shops!", t.before AS "before!"
             FROM (SELECT sku_id,
                          COALESCE(sum(qty) FILTER (WHERE day BETWEEN $2 AND $3), 0)::bigint AS qty,
                          COALESCE(sum(value_paise) FILTER (WHERE day BETWEEN $2 AND $3), 0)::bigint AS value,
                          count(DISTINCT retailer_id) FILTER (WHERE day BETWEEN $2 AND $3) AS shops,
                          COALESCE(sum(value_paise) FILTER (WHERE day BETWEEN $4 AND $5), 0)::bigint AS before
                     FROM sales_daily
                    WHERE manufacturer_id = $1 AND (day BETWEEN $2 AND $3 OR day BETWEEN $4 AND $5)
                      AND stage IN ('confirmed', 'fulfilled')
                    GROUP BY 1) t
             JOIN skus k ON k.id = t.sku_id
            ORDER BY t.value DESC, k.name"#,
        org,
        from,
        to,
        before_from,
        before_to
    ).fetch_all(db).await?)
    };
    let visibility = async {
        Ok::<_, AppError>(sqlx::query!(
        r#"WITH ordered AS (
             SELECT sku_id,
                    COALESCE(sum(qty) FILTER (WHERE stage IN ('confirmed', 'fulfilled')), 0)::bigint AS sold,
                    COALESCE(sum(qty) FILTER (WHERE stage = 'open'), 0)::bigint AS waiting,
                    COALESCE(sum(qty) FILTER (WHERE stage IN ('rejected', 'cancelled')), 0)::bigint AS unfilled
               FROM sales_span($2, $3)
              WHERE manufacturer_id = $1
              GROUP BY 1),
           unmet AS (
             SELECT sku_id, COALESCE(sum(qty) FILTER (WHERE kind = 'refused_stock'), 0)::bigint AS refused,
                    count(DISTINCT retailer_id) FILTER (WHERE kind = 'unserved_search') AS searched
               FROM demand_events
              WHERE manufacturer_id = $1 AND day BETWEEN $2 AND $3
              GROUP BY 1),
           stock AS (
             SELECT l.sku_id, COALESCE(sum(GREATEST(l.on_hand - l.reserved, 0)), 0)::bigint AS stock,
                    count(*) AS distributors
               FROM listings l JOIN skus k ON k.id = l.sku_id
              WHERE k.manufacturer_id = $1 AND l.active
              GROUP BY 1)
           SELECT k.code, k.name, COALESCE(st.distributors, 0) AS "distributors!", COALESCE(st.stock, 0) AS "stock!",
                  COALESCE(o.sold, 0) AS "sold!", COALESCE(o.waiting, 0) AS "waiting!",
                  COALESCE(o.unfilled, 0) AS "unfilled!", COALESCE(u.refused, 0) AS "refused!",
                  COALESCE(u.searched, 0) AS "searched!"
             FROM skus k
             LEFT JOIN stock st ON st.sku_id = k.id
             LEFT JOIN ordered o ON o.sku_id = k.id
             LEFT JOIN unmet u ON u.sku_id = k.id
            WHERE k.manufacturer_id = $1
              AND (st.sku_id IS NOT NULL OR o.sku_id IS NOT NULL OR u.sku_id IS NOT NULL)
            ORDER BY COALESCE(o.sold, 0) + COALESCE(o.waiting, 0) + COALESCE(o.unfilled, 0) + COALESCE(u.refused, 0) DESC,
                     COALESCE(u.searched, 0) DESC, k.name"#,
        org,
        from,
        to
    ).fetch_all(db).await?)
    };
    let product_places = async {
        Ok::<_, AppError>(sqlx::query!(
        r#"SELECT k.code, k.name, t.state_code AS "state_code!", t.district AS "district!", t.shops AS "shops!",
                  t.qty AS "qty!", t.value AS "value!"
             FROM (SELECT s.sku_id, s.state_code, COALESCE(p.district, left(s.pincode, 3) || 'xxx') AS district,
                          count(DISTINCT s.retailer_id) AS shops, sum(s.qty)::bigint AS qty,
                          sum(s.value_paise)::bigint AS value
                     FROM sales_daily s
                     LEFT JOIN pincodes p ON p.pincode = s.pincode AND p.state_code = s.state_code
                    WHERE s.manufacturer_id = $1 AND s.day BETWEEN $2 AND $3 AND s.stage IN ('confirmed', 'fulfilled')
                    GROUP BY 1, 2, 3) t
             JOIN skus k ON k.id = t.sku_id
            ORDER BY k.name, k.id, t.shops DESC, t.state_code, t.district"#,
        org,
        from,
        to
    ).fetch_all(db).await?)
    };
    let shops = async {
        Ok::<_, AppError>(sqlx::query!(
        r#"SELECT r.trade_name AS "name?", r.city AS "city?", t.qty AS "qty!", t.value AS "value!",
                  t.last_day AS "last_day!"
             FROM (SELECT retailer_id, sum(qty)::bigint AS qty, sum(value_paise)::bigint AS value, max(day) AS last_day
                     FROM sales_daily
                    WHERE manufacturer_id = $1 AND day BETWEEN $2 AND $3 AND stage IN ('confirmed', 'fulfilled')
                    GROUP BY 1) t
             LEFT JOIN organisations r ON r.id = t.retailer_id AND r.shares_identity_with_brands
            ORDER BY t.value DESC"#,
        org,
        from,
        to
    ).fetch_all(db).await?)
    };
    let (
        now,
        before,
        buckets,
        distributors,
        districts,
        pincodes,
        products,
        visibility,
        product_places,
        shops,
    ) = tokio::try_join!(
        totals(ctx, period),
        totals(ctx, previous),
        buckets,
        distributors,
        districts,
        pincodes,
        products,
        visibility,
        product_places,
        shops
    )?;

    let series = fill_series(
        grouping,
        period,
        buckets.iter().map(|b| (b.bucket, b.value, b.lines)),
    );

    let distributors_table = ReportTable::of(
        "By distributor",
        &[
            ("Distributor", Kind::Text),
            ("Town", Kind::Text),
            ("Shops", Kind::Distinct),
            ("Quantity", Kind::Count),
            ("Value before GST", Kind::Money),
        ],
        distributors.into_iter().map(|r| {
            vec![
                Cell::Text(r.trade_name),
                Cell::Text(r.city),
                Cell::Count(r.shops),
                Cell::Count(r.qty),
                Cell::Money(r.value),
            ]
        }),
    );

    // Per district (India Post's, from the pincode directory; a pincode it lacks
    // shows as its first three digits): shops buying, of
    // them how many had bought the brand before the period (repeat) or not (new).
    let districts_table = ReportTable::of(
        "By place",
        &[
            ("State", Kind::Text),
            ("District", Kind::Text),
            ("Shops", Kind::Count),
            ("New shops", Kind::Count),
            ("Repeat shops", Kind::Count),
            ("Quantity", Kind::Count),
            ("Value before GST", Kind::Money),
        ],
        districts.into_iter().map(|r| {
            vec![
                Cell::Text(state_name(r.state_code)),
                Cell::Text(r.district),
                Cell::Count(r.shops),
                Cell::Count(r.shops - r.repeat),
                Cell::Count(r.repeat),
                Cell::Count(r.qty),
                Cell::Money(r.value),
            ]
        }),
    );

    let pincodes_table = ReportTable::of(
        "By pincode",
        &[
            ("State", Kind::Text),
            ("Pincode", Kind::Text),
            ("Shops", Kind::Count),
            ("Quantity", Kind::Count),
            ("Value before GST", Kind::Money),
        ],
        pincodes.into_iter().map(|r| {
            vec![
                Cell::Text(state_name(r.state_code)),
                Cell::Text(r.pincode),
                Cell::Count(r.shops),
                Cell::Count(r.qty),
                Cell::Money(r.value),
            ]
        }),
    );

    let products_table = ReportTable::of(
        "By product",
        &[
            ("Code", Kind::Text),
            ("Product", Kind::Text),
            ("Shops", Kind::Distinct),
            ("Quantity", Kind::Count),
            ("Value before GST", Kind::Money),
            ("Before", Kind::Money),
            ("Growth", Kind::Percent),
        ],
        products.into_iter().map(|r| {
            let growth = Change {
                now: r.value,
                before: r.before,
            };
            vec![
                Cell::Text(r.code),
                Cell::Text(r.name),
                Cell::Count(r.shops),
                Cell::Count(r.qty),
                Cell::Money(r.value),
                Cell::Money(r.before),
                Cell::Growth(growth),
            ]
        }),
    );

    // Stock now at every distributor listing the product; orders of the period
    // by how they fared; demand the orders do not show (migration 0016).
    let visibility_table = ReportTable::of(
        "Stock, sales and demand",
        &[
            ("Code", Kind::Text),
            ("Product", Kind::Text),
            ("Distributors listing", Kind::Count),
            ("In stock now", Kind::Count),
            ("Sold", Kind::Count),
            ("Waiting", Kind::Count),
            ("Rejected or cancelled", Kind::Count),
            ("Refused for stock", Kind::Count),
            ("Requested", Kind::Count),
            ("Filled", Kind::Percent),
            ("Shops that searched, none in stock", Kind::Count),
        ],
        visibility.into_iter().map(|r| {
            let requested = r.sold + r.waiting + r.unfilled + r.refused;
            let filled = (requested > 0).then(|| (r.sold * 1000 + requested / 2) / requested);
            vec![
                Cell::Text(r.code),
                Cell::Text(r.name),
                Cell::Count(r.distributors),
                Cell::Count(r.stock),
                Cell::Count(r.sold),
                Cell::Count(r.waiting),
                Cell::Count(r.unfilled),
                Cell::Count(r.refused),
                Cell::Count(requested),
                Cell::Percent(filled),
                Cell::Count(r.searched),
            ]
        }),
    );

    let product_places_table = ReportTable::of(
        "Shops buying each product, by place",
        &[
            ("Code", Kind::Text),
            ("Product", Kind::Text),
            ("State", Kind::Text),
            ("District", Kind::Text),
            ("Shops", Kind::Distinct),
            ("Quantity", Kind::Count),
            ("Value before GST", Kind::Money),
        ],
        product_places.into_iter().map(|r| {
            vec![
                Cell::Text(r.code),
                Cell::Text(r.name),
                Cell::Text(state_name(r.state_code)),
                Cell::Text(r.district),
                Cell::Count(r.shops),
                Cell::Count(r.qty),
                Cell::Money(r.value),
            ]
        }),
    );

    // Names only of shops that consented, read now; the rest only counted.
    let mut named = ReportTable::new(
        "Shops that share their name",
        &[
            ("Shop", Kind::Text),
            ("Town", Kind::Text),
            ("Quantity", Kind::Count),
            ("Value before GST", Kind::Money),
            ("Last order", Kind::Date),
        ],
    );
    let mut private_shops = 0;
    for s in shops {
        match (s.name, s.city) {
            (Some(name), Some(city)) => named.rows.push(vec![
                Cell::Text(name),
                Cell::Text(city),
                Cell::Count(s.qty),
                Cell::Money(s.value),
                civil(s.last_day)
                    .map(Cell::Date)
                    .unwrap_or(Cell::Text(String::new())),
            ]),
            _ => private_shops += 1,
        }
    }

    let change = |a: i64, b: i64| Change { now: a, before: b };
    Ok(BrandReport {
        query,
        downloads_blocked,
        period,
        previous,
        grouping,
        goods: change(now.goods, before.goods),
        qty: change(now.qty, before.qty),
        lines: change(now.lines, before.lines),
        shops: change(now.shops, before.shops),
        series,
        distributors: distributors_table,
        districts: districts_table,
        pincodes: pincodes_table,
        products: products_table,
        visibility: visibility_table,
        product_places: product_places_table,
        named_shops: named.with_totals(),
        private_shops,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn states_are_named() {
        assert_eq!(super::state_name(27), "Maharashtra");
        assert_eq!(super::state_name(99), "State 99");
    }
}
