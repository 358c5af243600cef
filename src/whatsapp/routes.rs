//! `GET /admin/whatsapp/media/{id}`: a document the sandbox phone received (admin only).

use crate::domain::OrgKind;
use crate::server::http::{attachment, error_response};
use crate::server::{AppState, Ctx};
use axum::extract::{Path, State};
use axum::response::Response;
use http::request::Parts;

pub async fn sandbox_media(
    State(state): State<AppState>,
    Path(id): Path<String>,
    parts: Parts,
) -> Response {
    let result = async {
        let ctx = Ctx::from_parts(state, parts, &[OrgKind::Platform]).await?;
        let (name, _mime, bytes) = super::sandbox::media(ctx.state(), &id).await?;
        Ok(attachment("application/pdf", name, bytes, None))
    };
    result.await.unwrap_or_else(error_response)
}
