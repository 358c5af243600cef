use super::{
    BrowseFilter, BrowsePage, NewOrder, OrderCounts, OrderDetail, OrderFilter, OrderSummary,
};
use crate::error::AppError;
use leptos::prelude::*;

/// Products that distributors serving the retailer's pincode offer, with search and filters.
#[server(endpoint = "orders/browse")]
pub async fn browse(filter: BrowseFilter) -> Result<BrowsePage, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Retailer]).await?;
    super::service::browse(&ctx, filter).await
}

/// Place an order with one distributor. Idempotent per `idempotency_key`.
#[server(endpoint = "orders/place")]
pub async fn place_order(order: NewOrder) -> Result<OrderSummary, AppError> {
    let ctx = crate::server::Ctx::require_active(&[crate::domain::OrgKind::Retailer]).await?;
    super::service::place(&ctx, order).await
}

/// The caller's orders: a retailer's own, or those placed with a distributor.
#[server(endpoint = "orders/list")]
pub async fn list_orders(filter: OrderFilter) -> Result<Vec<OrderSummary>, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::PARTIES).await?;
    super::service::list(&ctx, filter).await
}

/// One order with its lines and timeline, for its retailer or distributor.
#[server(endpoint = "orders/detail")]
pub async fn get_order(id: i64) -> Result<OrderDetail, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::PARTIES).await?;
    super::service::detail(&ctx, id).await
}

/// Move an order along: accept (deliver or pickup), reject, cancel, pack, dispatch, …
#[server(endpoint = "orders/act")]
pub async fn act_on_order(
    id: i64,
    action: String,
    reason: String,
) -> Result<OrderDetail, AppError> {
    let ctx = crate::server::Ctx::require_active(&crate::domain::OrgKind::PARTIES).await?;
    super::service::act(&ctx, id, &action, &reason).await
}

/// New and open order counts for the badge.
#[server(endpoint = "orders/counts")]
pub async fn count_orders() -> Result<OrderCounts, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::PARTIES).await?;
    super::service::counts(&ctx).await
}
