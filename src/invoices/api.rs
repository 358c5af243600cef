use super::{BillingSettings, InvoiceFilter, InvoiceRow, StatementRow};
use crate::error::AppError;
use leptos::prelude::*;

/// Invoices and credit notes the caller's business issued or received.
#[server(endpoint = "invoices/list")]
pub async fn list_invoices(filter: InvoiceFilter) -> Result<Vec<InvoiceRow>, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::PARTIES).await?;
    super::service::list(&ctx, filter).await
}

/// The invoice (and credit note) of one order, for its retailer or distributor.
#[server(endpoint = "invoices/for_order")]
pub async fn order_invoices(order_id: i64) -> Result<Vec<InvoiceRow>, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::PARTIES).await?;
    super::service::for_order(&ctx, order_id).await
}

/// Months with documents per retailer–distributor pair, for monthly statements.
#[server(endpoint = "invoices/statements")]
pub async fn list_statements() -> Result<Vec<StatementRow>, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::PARTIES).await?;
    super::service::statements(&ctx).await
}

/// The distributor's billing settings and what is missing before it can invoice.
#[server(endpoint = "invoices/billing")]
pub async fn get_billing() -> Result<BillingSettings, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Distributor]).await?;
    super::service::billing(&ctx).await
}

/// Saves UPI id, invoice prefix, round-off and e-invoicing (owner only).
#[server(endpoint = "invoices/save_billing")]
pub async fn save_billing(
    upi_id: String,
    invoice_prefix: String,
    round_off: bool,
    einvoice_enabled: bool,
) -> Result<BillingSettings, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Distributor])
        .await?
        .owner_only()?;
    super::service::save_billing(&ctx, &upi_id, &invoice_prefix, round_off, einvoice_enabled).await
}
