//! The HTTP face of errors and files, for plain (non-server-function) routes:
//! the status each `AppError` means and one way to send a download.

use crate::error::AppError;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, ETAG};

/// The HTTP status each error means.
pub fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Transport(_) => StatusCode::BAD_REQUEST,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A plain (non-server-function) handler's error: its status and the message.
pub fn error_response(err: AppError) -> Response {
    (
        status_of(&err),
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        err.to_string(),
    )
        .into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        error_response(self)
    }
}

/// A file the browser saves: its type, name, body and (for stored documents) an ETag.
pub fn attachment(
    content_type: &'static str,
    name: String,
    body: Vec<u8>,
    etag: Option<String>,
) -> Response {
    let mut res = (
        [
            (CONTENT_TYPE, content_type.to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        body,
    )
        .into_response();
    if let Some(tag) = etag.and_then(|t| http::HeaderValue::from_str(&format!("\"{t}\"")).ok()) {
        res.headers_mut().insert(ETAG, tag);
    }
    res
}
