use super::{AuditFilter, AuditPage, OrgFilter, OrgRow, PlatformSummary};
use crate::error::AppError;
use leptos::prelude::*;

/// Organisations on the platform, pending first.
#[server(endpoint = "admin/organisations")]
pub async fn list_organisations(filter: OrgFilter) -> Result<Vec<OrgRow>, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::service::list(&ctx, filter).await
}

/// Approve, suspend or re-activate an organisation.
#[server(endpoint = "admin/set_approval")]
pub async fn set_approval(org_id: i64, to: String, note: String) -> Result<OrgRow, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::service::set_approval(&ctx, org_id, &to, &note).await
}

/// Totals for the admin's first page.
#[server(endpoint = "admin/summary")]
pub async fn admin_summary() -> Result<PlatformSummary, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::service::summary(&ctx).await
}

/// The audit log, newest first, filtered, a page at a time.
#[server(endpoint = "admin/audit_log")]
pub async fn audit_log(filter: AuditFilter) -> Result<AuditPage, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::service::audit_log(&ctx, filter).await
}
