use super::{
    AuditFilter, AuditPage, OrgDetail, OrgFilter, OrgPage, OrgRow, PlatformSummary, UserRow,
};
use crate::error::AppError;
use leptos::prelude::*;

/// Every organisation on the platform, newest first, found by any name, phone,
/// e-mail, GSTIN or pincode of it or its users, a page at a time.
#[server(endpoint = "admin/organisations")]
pub async fn list_organisations(filter: OrgFilter) -> Result<OrgPage, AppError> {
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

/// One organisation: profile, users, links, counts and approval history.
#[server(endpoint = "admin/organisation")]
pub async fn organisation(org_id: i64) -> Result<OrgDetail, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::service::detail(&ctx, org_id).await
}

/// Turn a user's log-in off (with a reason; signed out at once) or back on.
#[server(endpoint = "admin/set_user_active")]
pub async fn set_user_active(
    user_id: i64,
    active: bool,
    note: String,
) -> Result<UserRow, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::service::set_user_active(&ctx, user_id, active, &note).await
}

/// Remove a staff member or another admin (with a reason): no log-in, phone and
/// e-mail freed, the history they made kept.
#[server(endpoint = "admin/remove_user")]
pub async fn remove_user(user_id: i64, note: String) -> Result<UserRow, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::service::remove_user(&ctx, user_id, &note).await
}

/// Force a new password: the old one stops working and a code goes to WhatsApp.
#[server(endpoint = "admin/force_password_reset")]
pub async fn force_password_reset(user_id: i64, note: String) -> Result<UserRow, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::service::force_password_reset(&ctx, user_id, &note).await
}

/// The platform's admins.
#[server(endpoint = "admin/admins")]
pub async fn admins() -> Result<Vec<UserRow>, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::service::admins(&ctx).await
}

/// Invite another admin; a code to choose a password goes to their WhatsApp.
#[server(endpoint = "admin/invite_admin")]
pub async fn invite_admin(name: String, phone: String) -> Result<UserRow, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await?;
    super::service::invite_admin(&ctx, &name, &phone).await
}
