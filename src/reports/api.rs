use super::{PeriodQuery, SalesReport};
use crate::error::AppError;
use leptos::prelude::*;

/// The caller's sales (a distributor) or purchases (a shop) over a period.
#[server(endpoint = "reports/sales")]
pub async fn get_sales_report(query: PeriodQuery) -> Result<SalesReport, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::PARTIES).await?;
    super::service::sales(&ctx, &query).await
}
