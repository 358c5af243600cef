use super::{DeliveryOptions, LinkRow, ListingRow, Partner, StockMove};
use crate::error::AppError;
use leptos::prelude::*;

/// The caller's links with manufacturers (distributor) or distributors (manufacturer).
#[server(endpoint = "trade/links")]
pub async fn links() -> Result<Vec<LinkRow>, AppError> {
    let ctx = crate::server::Ctx::require(&super::service::TRADERS).await?;
    super::service::links(&ctx).await
}

/// Approved organisations of the other kind, to link with.
#[server(endpoint = "trade/partners")]
pub async fn partners(q: String) -> Result<Vec<Partner>, AppError> {
    let ctx = crate::server::Ctx::require_active(&super::service::TRADERS).await?;
    super::service::partners(&ctx, &q).await
}

/// Invite a distributor (manufacturer) or ask a manufacturer (distributor) to link.
#[server(endpoint = "trade/ask_link")]
pub async fn ask_link(other_id: i64) -> Result<LinkRow, AppError> {
    let ctx = crate::server::Ctx::require_active(&super::service::TRADERS).await?;
    super::service::ask_link(&ctx, other_id).await
}

/// Accept or decline a link the other side asked for.
#[server(endpoint = "trade/answer_link")]
pub async fn answer_link(other_id: i64, accept: bool) -> Result<LinkRow, AppError> {
    let ctx = crate::server::Ctx::require_active(&super::service::TRADERS).await?;
    super::service::answer_link(&ctx, other_id, accept).await
}

/// End a link; the distributor stops carrying that manufacturer's SKUs.
#[server(endpoint = "trade/end_link")]
pub async fn end_link(other_id: i64) -> Result<LinkRow, AppError> {
    let ctx = crate::server::Ctx::require(&super::service::TRADERS).await?;
    super::service::end_link(&ctx, other_id).await
}

/// The distributor's carried SKUs and the linked SKUs it could carry.
#[server(endpoint = "trade/stock")]
pub async fn stock(q: String, carried_only: bool) -> Result<Vec<ListingRow>, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Distributor]).await?;
    super::service::stock(&ctx, &q, carried_only).await
}

/// Carry a SKU (or change its price, minimum order or availability).
#[server(endpoint = "trade/save_listing")]
pub async fn save_listing(
    sku_id: i64,
    price: String,
    min_order_qty: String,
    active: bool,
) -> Result<ListingRow, AppError> {
    let ctx = crate::server::Ctx::require_active(&[crate::domain::OrgKind::Distributor]).await?;
    super::service::save_listing(&ctx, sku_id, &price, &min_order_qty, active).await
}

/// Record stock received, damaged, or a count (correction).
#[server(endpoint = "trade/adjust_stock")]
pub async fn adjust_stock(
    listing_id: i64,
    kind: String,
    qty: String,
    note: String,
) -> Result<ListingRow, AppError> {
    let ctx = crate::server::Ctx::require_active(&[crate::domain::OrgKind::Distributor]).await?;
    super::service::adjust_stock(&ctx, listing_id, &kind, &qty, &note).await
}

/// Every stock change of one listing, newest first.
#[server(endpoint = "trade/stock_history")]
pub async fn stock_history(listing_id: i64) -> Result<Vec<StockMove>, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Distributor]).await?;
    super::service::stock_history(&ctx, listing_id).await
}

#[server(endpoint = "trade/delivery_options")]
pub async fn get_delivery_options() -> Result<DeliveryOptions, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Distributor]).await?;
    super::service::delivery_options(&ctx).await
}

/// Pincodes delivered to, and pickup address and hours.
#[server(endpoint = "trade/save_delivery_options")]
pub async fn save_delivery_options(options: DeliveryOptions) -> Result<DeliveryOptions, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Distributor])
        .await?
        .owner_only()?;
    super::service::save_delivery_options(&ctx, options).await
}
