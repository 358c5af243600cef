use super::{BrandConsent, OrgProfile, ReportPolicy, TeamMember};
use crate::error::AppError;
use leptos::prelude::*;

/// The caller's own organisation.
#[server(endpoint = "account/organisation")]
pub async fn my_organisation() -> Result<OrgProfile, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::ALL).await?;
    super::service::organisation(&ctx).await
}

/// The people in the caller's organisation.
#[server(endpoint = "account/team")]
pub async fn my_team() -> Result<Vec<TeamMember>, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::ALL).await?;
    super::service::team(&ctx).await
}

/// Whether the signed-in user gets announcements on WhatsApp (the endpoints keep
/// their first names).
#[server(endpoint = "whatsapp/opt_in")]
pub async fn get_opt_in() -> Result<bool, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::ALL).await?;
    super::service::opt_in(&ctx).await
}

/// Turn announcements on or off (order and invoice messages always come).
#[server(endpoint = "whatsapp/set_opt_in")]
pub async fn set_opt_in(opt_in: bool) -> Result<bool, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::ALL).await?;
    super::service::set_opt_in(&ctx, opt_in).await
}

/// Whether the shop lets the brands it buys see its name in their reports
/// (None for other kinds of business, which have no such choice).
#[server(endpoint = "account/brand_consent")]
pub async fn get_brand_consent() -> Result<Option<BrandConsent>, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::ALL).await?;
    if ctx.user().org_kind != crate::domain::OrgKind::Retailer {
        return Ok(None);
    }
    super::service::brand_consent(&ctx).await.map(Some)
}

/// Give or take back that consent (the shop's owner only); it applies at once.
#[server(endpoint = "account/set_brand_consent")]
pub async fn set_brand_consent(shares: bool) -> Result<BrandConsent, AppError> {
    let ctx = crate::server::Ctx::require(&[crate::domain::OrgKind::Retailer])
        .await?
        .owner_only()?;
    super::service::set_brand_consent(&ctx, shares).await
}

/// Whether the organisation's staff may download long report periods.
#[server(endpoint = "account/report_policy")]
pub async fn get_report_policy() -> Result<ReportPolicy, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::ALL).await?;
    super::service::report_policy(&ctx).await
}

/// Let staff download long periods, or keep those to the owner (owner only).
#[server(endpoint = "account/set_report_policy")]
pub async fn set_report_policy(staff_long_downloads: bool) -> Result<ReportPolicy, AppError> {
    let ctx = crate::server::Ctx::require(&crate::domain::OrgKind::ALL)
        .await?
        .owner_only()?;
    super::service::set_report_policy(&ctx, staff_long_downloads).await
}
