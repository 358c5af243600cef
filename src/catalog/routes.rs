//! `GET /media/sku/{id}/{version}/{thumb|picture}.jpg`: product photos, cached
//! for good by browsers and the service worker (a new upload has a new version).

use crate::server::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

pub async fn photo(
    State(state): State<AppState>,
    Path((id, version, file)): Path<(i64, i32, String)>,
) -> Response {
    let thumb = match file.as_str() {
        "thumb.jpg" => true,
        "picture.jpg" => false,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    match super::service::photo_bytes(&state.db, id, version, thumb).await {
        Ok(Some(bytes)) => (
            [
                (CONTENT_TYPE, "image/jpeg"),
                (CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "product photo");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
