use super::{OrgProfile, TeamMember};
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
