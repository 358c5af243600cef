use super::{BrandConsent, OrgProfile, ReportPolicy, TeamMember};
use crate::domain::{ApprovalState, Language, MemberRole, OrgKind};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::Ctx;
use crate::server::guard::not_found;

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn organisation(ctx: &Ctx) -> Result<OrgProfile, AppError> {
    sqlx::query_as!(
        OrgProfile,
        r#"SELECT id, kind AS "kind: OrgKind", legal_name, trade_name, gstin, address_line, city, state_code, pincode,
                  whatsapp AS "whatsapp: String", approval AS "approval: ApprovalState", approval_note, upi_id,
                  pickup_address, pickup_hours
             FROM organisations WHERE id = $1"#,
        ctx.user().org_id
    )
    .fetch_optional(ctx.db())
    .await?
    .ok_or_else(|| not_found("Organisation"))
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn team(ctx: &Ctx) -> Result<Vec<TeamMember>, AppError> {
    sqlx::query_as!(
        TeamMember,
        r#"SELECT id, name, role AS "role: MemberRole", phone AS "phone: String", email, whatsapp_opt_in,
                  language AS "language: Language"
             FROM users WHERE org_id = $1 AND active ORDER BY role, name"#,
        ctx.user().org_id
    )
    .fetch_all(ctx.db())
    .await
    .or_internal()
}

/// The signed-in user's choice about announcements (order messages always come).
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn set_opt_in(ctx: &Ctx, opt_in: bool) -> Result<bool, AppError> {
    sqlx::query!(
        "UPDATE users SET whatsapp_opt_in = $2 WHERE id = $1",
        ctx.user().user_id,
        opt_in
    )
    .execute(ctx.db())
    .await?;
    Ok(opt_in)
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn opt_in(ctx: &Ctx) -> Result<bool, AppError> {
    sqlx::query_scalar!(
        "SELECT whatsapp_opt_in FROM users WHERE id = $1",
        ctx.user().user_id
    )
    .fetch_one(ctx.db())
    .await
    .or_internal()
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn brand_consent(ctx: &Ctx) -> Result<BrandConsent, AppError> {
    sqlx::query_as!(
        BrandConsent,
        r#"SELECT shares_identity_with_brands AS shares,
                  ist_datetime(identity_consent_changed_at) AS since
             FROM organisations WHERE id = $1"#,
        ctx.user().org_id
    )
    .fetch_one(ctx.db())
    .await
    .or_internal()
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn set_brand_consent(ctx: &Ctx, shares: bool) -> Result<BrandConsent, AppError> {
    sqlx::query!(
        "UPDATE organisations
            SET shares_identity_with_brands = $2, identity_consent_changed_at = now(), updated_at = now()
          WHERE id = $1 AND kind = 'retailer' AND shares_identity_with_brands IS DISTINCT FROM $2",
        ctx.user().org_id,
        shares
    )
    .execute(ctx.db())
    .await?;
    brand_consent(ctx).await
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn report_policy(ctx: &Ctx) -> Result<ReportPolicy, AppError> {
    let staff_long_downloads = sqlx::query_scalar!(
        "SELECT staff_long_downloads FROM organisations WHERE id = $1",
        ctx.user().org_id
    )
    .fetch_one(ctx.db())
    .await?;
    Ok(ReportPolicy {
        staff_long_downloads,
        can_change: ctx.user().role == crate::domain::MemberRole::Owner,
    })
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn set_report_policy(
    ctx: &Ctx,
    staff_long_downloads: bool,
) -> Result<ReportPolicy, AppError> {
    sqlx::query!(
        "UPDATE organisations SET staff_long_downloads = $2, updated_at = now()
          WHERE id = $1 AND staff_long_downloads IS DISTINCT FROM $2",
        ctx.user().org_id,
        staff_long_downloads
    )
    .execute(ctx.db())
    .await?;
    report_policy(ctx).await
}
