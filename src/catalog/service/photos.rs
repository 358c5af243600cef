//! SKU photos: uploaded as a data URL, resized off the async threads (bounded by
//! `photo::DECODES`), stored with a version the URLs carry.

use super::skus::own_sku;
use crate::catalog::SkuRow;
use crate::error::AppError;
use crate::server::Ctx;
use crate::server::guard::not_found;

/// Replaces a SKU's photo with one made from the uploaded data URL.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn set_photo(ctx: &Ctx, id: i64, data_url: String) -> Result<SkuRow, AppError> {
    own_sku(ctx, id).await?;
    let _permit = crate::catalog::photo::DECODES.acquire().await?;
    let photo = tokio::task::spawn_blocking(move || {
        crate::catalog::photo::decode_data_url(&data_url)
            .and_then(|b| crate::catalog::photo::process(&b))
    })
    .await?
    .map_err(|e| AppError::field("photo", e.to_string()))?;
    let mut tx = ctx.db().begin().await?;
    let version: Option<i32> = sqlx::query_scalar!(
        "UPDATE skus SET image_version = image_version + 1, updated_at = now()
          WHERE id = $1 AND manufacturer_id = $2 RETURNING image_version",
        id,
        ctx.user().org_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let version = version.ok_or_else(|| not_found("SKU"))?;
    sqlx::query!("INSERT INTO sku_images (sku_id, version, thumb, picture, width, height, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (sku_id) DO UPDATE SET version = EXCLUDED.version, thumb = EXCLUDED.thumb, picture = EXCLUDED.picture,
             width = EXCLUDED.width, height = EXCLUDED.height, updated_by = EXCLUDED.updated_by, updated_at = now()", id, version, &photo.thumb, &photo.picture, i32::try_from(photo.width).unwrap_or(0), i32::try_from(photo.height).unwrap_or(0), ctx.user().user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    own_sku(ctx, id).await
}

/// Removes a SKU's photo.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn remove_photo(ctx: &Ctx, id: i64) -> Result<SkuRow, AppError> {
    let mut tx = ctx.db().begin().await?;
    let found: Option<i64> = sqlx::query_scalar!("UPDATE skus SET image_version = 0, updated_at = now() WHERE id = $1 AND manufacturer_id = $2 RETURNING id", id, ctx.user().org_id)
    .fetch_optional(&mut *tx)
    .await?;
    found.ok_or_else(|| not_found("SKU"))?;
    sqlx::query!("DELETE FROM sku_images WHERE sku_id = $1", id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    own_sku(ctx, id).await
}

/// A photo's bytes for `GET /media/sku/{id}/{version}/{size}.jpg`. Product
/// photos are public catalog content, like the product names beside them.
pub async fn photo_bytes(
    db: &sqlx::PgPool,
    id: i64,
    version: i32,
    thumb: bool,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    // Only the size asked for is read from storage (CASE evaluates one branch).
    sqlx::query_scalar!(
        r#"SELECT CASE WHEN $3 THEN thumb ELSE picture END AS "bytes!"
             FROM sku_images WHERE sku_id = $1 AND version = $2"#,
        id,
        version,
        thumb
    )
    .fetch_optional(db)
    .await
}
