use super::{BrandReport, Glance, PeriodQuery, PlatformReport, PlatformTables, SalesReport};
use crate::error::AppError;
use leptos::prelude::*;

/// The caller's sales (a distributor) or purchases (a shop) over a period.
#[server(endpoint = "reports/sales")]
pub async fn get_sales_report(query: PeriodQuery) -> Result<SalesReport, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::PARTIES).await?;
    super::service::sales(&ctx, &query, true).await
}

/// A brand's sales at its distributors, by place and product, over a period.
#[server(endpoint = "reports/brand")]
pub async fn get_brand_report(query: PeriodQuery) -> Result<BrandReport, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Manufacturer]).await?;
    super::brand::report(&ctx, &query, true).await
}

/// The whole platform's figures, for AuroMart's admins.
#[server(endpoint = "reports/platform")]
pub async fn get_platform_report(query: PeriodQuery) -> Result<PlatformReport, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::platform::report(&ctx, &query, true).await
}

/// The platform report's tables (by shop, category, top products by state).
#[server(endpoint = "reports/platform_tables")]
pub async fn get_platform_tables(query: PeriodQuery) -> Result<PlatformTables, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::platform::tables(&ctx, &query, false).await
}

/// This month so far for the orders home of a distributor or a shop.
#[server(endpoint = "reports/glance")]
pub async fn get_month_glance() -> Result<Glance, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::PARTIES).await?;
    super::service::glance(&ctx).await
}
