use super::{OrgProfile, TeamMember};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::Ctx;
use crate::server::guard::not_found;

pub const PROFILE_COLUMNS: &str =
    "id, kind, legal_name, trade_name, gstin, address_line, city, state_code, pincode, whatsapp,
     approval, approval_note, upi_id, pickup_address, pickup_hours";

pub async fn organisation(ctx: &Ctx) -> Result<OrgProfile, AppError> {
    sqlx::query_as(&format!(
        "SELECT {PROFILE_COLUMNS} FROM organisations WHERE id = $1"
    ))
    .bind(ctx.user().org_id)
    .fetch_optional(ctx.db())
    .await?
    .ok_or_else(|| not_found("Organisation"))
}

pub async fn team(ctx: &Ctx) -> Result<Vec<TeamMember>, AppError> {
    sqlx::query_as(
        "SELECT id, name, role, phone, email, whatsapp_opt_in, language
           FROM users WHERE org_id = $1 AND active ORDER BY role, name",
    )
    .bind(ctx.user().org_id)
    .fetch_all(ctx.db())
    .await
    .or_internal()
}
