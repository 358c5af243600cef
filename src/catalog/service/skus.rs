//! A manufacturer's SKUs: listed with their GST rate and stock at distributors,
//! added and edited one at a time (the CSV import is in `import`).

use crate::catalog::SkuRow;
use crate::domain::catalog::{SkuInput, ValidSku, search_text};
use crate::error::{AppError, OrInternal};
use crate::server::Ctx;
use crate::server::guard::{internal, not_found};
use std::collections::HashMap;

/// `query_as!(SkuRow, …)`: a SKU with its GST rate today and the distributors
/// carrying it now with their stock (through the partial index of active
/// listings by SKU: summed over all listings it was a scan of the listings table
/// per row shown), then the given tail.
macro_rules! sku_query {
    ([$($tail:tt)+] $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            SkuRow,
            r#"SELECT s.id, s.code, s.name, s.brand, s.category_id, c.name AS category, s.hsn, s.mrp_paise, s.unit,
                      s.pack_size, s.active, (SELECT g.rate_bp FROM gst_rate(s.hsn, ist_today(), 0, s.gst_rate_id) g) AS rate_bp,
                      s.gst_rate_id, s.gst_reason,
                      st.distributors AS "distributors!", st.stock_on_hand AS "stock_on_hand!", s.image_version
                 FROM skus s JOIN categories c ON c.id = s.category_id
                 CROSS JOIN LATERAL (SELECT count(*) AS distributors, COALESCE(sum(l.on_hand), 0)::bigint AS stock_on_hand
                                       FROM listings l WHERE l.sku_id = s.id AND l.active) st "# + $($tail)+
            $(, $arg)*
        )
    };
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn my_skus(ctx: &Ctx, q: &str) -> Result<Vec<SkuRow>, AppError> {
    let q = q.trim().to_lowercase();
    if q.chars().count() > 100 {
        return Err(AppError::field("q", "Search for at most 100 characters"));
    }
    sku_query!(
        ["WHERE s.manufacturer_id = $1 AND ($2 = '' OR s.search_text LIKE '%' || $2 || '%' OR lower(s.code) LIKE $2 || '%')
           ORDER BY s.name LIMIT 500"],
        ctx.user().org_id,
        q
    )
    .fetch_all(ctx.db())
    .await
    .or_internal()
}

/// Field problems (from a pure check) as the error the form shows beside each field.
pub(super) fn field_errors(errors: Vec<(&'static str, String)>) -> AppError {
    AppError::Invalid(
        errors
            .into_iter()
            .map(|(f, r)| crate::error::FieldError {
                field: f.to_string(),
                reason: r,
            })
            .collect(),
    )
}

/// Approved category ids by lower-cased name.
pub(super) async fn approved_categories(ctx: &Ctx) -> Result<HashMap<String, i64>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT lower(name) AS "name!", id FROM categories WHERE status = 'approved'"#
    )
    .fetch_all(ctx.db())
    .await?;
    Ok(rows.into_iter().map(|r| (r.name, r.id)).collect())
}

/// The entry of the schedule the SKU's rate comes from: the maker's choice where
/// the code's rate depends on what the goods are (or no entry names the code).
async fn check_gst_choice(ctx: &Ctx, sku: &ValidSku) -> Result<(), AppError> {
    let options = super::gst::options_for(ctx.db(), &sku.hsn).await?;
    match sku.gst_rate_id {
        Some(id) if !options.offers(id) => Err(AppError::field(
            "gst_rate_id",
            format!(
                "That entry does not apply to HSN {}: choose one listed for it",
                sku.hsn
            ),
        )),
        Some(_) if options.residual_only && sku.gst_reason.is_none() => Err(AppError::field(
            "gst_reason",
            "Say why the residual rate applies (for example, the goods are named nowhere in the schedule)",
        )),
        Some(_) => Ok(()),
        None => match super::gst::choice_needed(&sku.hsn, &options) {
            Some(why) => Err(AppError::field("gst_rate_id", why)),
            None => Ok(()),
        },
    }
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn save_sku(ctx: &Ctx, id: Option<i64>, input: SkuInput) -> Result<SkuRow, AppError> {
    let sku = input.validate().map_err(field_errors)?;
    let categories = approved_categories(ctx).await?;
    let Some(&category_id) = categories.get(&sku.category.to_lowercase()) else {
        return Err(AppError::field(
            "category",
            format!(
                "\u{201c}{}\u{201d} is not an approved category: pick one or propose it",
                sku.category
            ),
        ));
    };
    check_gst_choice(ctx, &sku).await?;
    let search = search_text(&sku.name, &sku.brand, &sku.category);
    let org = ctx.user().org_id;
    let result = match id {
        None => {
            sqlx::query_scalar!(
                "INSERT INTO skus (manufacturer_id, code, name, brand, category_id, hsn, mrp_paise, unit, pack_size, search_text,
                                   gst_rate_id, gst_reason)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                org, &sku.code, &sku.name, &sku.brand, category_id, &sku.hsn, sku.mrp.0, &sku.unit,
                sku.pack_size, &search, sku.gst_rate_id, sku.gst_reason
            )
            .fetch_optional(ctx.db())
            .await
        }
        Some(id) => {
            sqlx::query_scalar!(
                "UPDATE skus SET code = $2, name = $3, brand = $4, category_id = $5, hsn = $6, mrp_paise = $7, unit = $8,
                        pack_size = $9, search_text = $10, gst_rate_id = $12, gst_reason = $13, updated_at = now()
                  WHERE manufacturer_id = $1 AND id = $11 RETURNING id",
                org, &sku.code, &sku.name, &sku.brand, category_id, &sku.hsn, sku.mrp.0, &sku.unit,
                sku.pack_size, &search, id, sku.gst_rate_id, sku.gst_reason
            )
            .fetch_optional(ctx.db())
            .await
        }
    };
    let saved: Option<i64> = match result {
        Ok(v) => v,
        Err(e)
            if crate::server::db::violated_constraint(&e).as_deref()
                == Some("skus_manufacturer_id_code_key") =>
        {
            return Err(AppError::field(
                "code",
                format!("You already have a SKU with code {}", sku.code),
            ));
        }
        Err(e) => return Err(internal(e)),
    };
    let saved = saved.ok_or_else(|| not_found("SKU"))?;
    // A lower MRP caps distributors' prices: they may never sell above it.
    sqlx::query!("UPDATE listings SET price_paise = LEAST(price_paise, $2), updated_at = now() WHERE sku_id = $1 AND price_paise > $2", saved, sku.mrp.0)
        .execute(ctx.db())
        .await?;
    own_sku(ctx, saved).await
}

/// One of the manufacturer's SKUs, as the products page shows it.
pub(super) async fn own_sku(ctx: &Ctx, id: i64) -> Result<SkuRow, AppError> {
    sku_query!(
        ["WHERE s.id = $1 AND s.manufacturer_id = $2"],
        id,
        ctx.user().org_id
    )
    .fetch_optional(ctx.db())
    .await?
    .ok_or_else(|| not_found("SKU"))
}
