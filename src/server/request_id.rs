//! A short id for every request: on each of its log lines (the request span),
//! in its `X-Request-Id` response header and in the "something went wrong"
//! message, so a shop owner's complaint can be found in the log.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderValue;
use rand::RngCore;

/// This request's id (also in the request's extensions, for Leptos contexts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

tokio::task_local! {
    static CURRENT: RequestId;
}

pub const HEADER: &str = "x-request-id";

fn fresh() -> RequestId {
    let mut bytes = [0u8; 6];
    rand::thread_rng().fill_bytes(&mut bytes);
    RequestId(hex::encode(bytes))
}

/// Outermost middleware: makes the id, serves the request within it, and names
/// it in the response.
pub async fn assign(mut req: Request, next: Next) -> Response {
    let id = fresh();
    req.extensions_mut().insert(id.clone());
    let header = HeaderValue::from_str(&id.0).ok();
    let mut res = CURRENT.scope(id, next.run(req)).await;
    if let Some(v) = header {
        res.headers_mut().insert(HEADER, v);
    }
    res
}

/// The id of the request being served: from the task (plain routes, server
/// functions) or from the request parts in the Leptos context (a page's
/// resources, which Leptos runs on tasks of their own). None outside a request.
pub fn current() -> Option<String> {
    CURRENT.try_with(|id| id.0.clone()).ok().or_else(|| {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<RequestId>().map(|id| id.0.clone()))
    })
}

/// The tracing span of one request, carrying its id.
pub fn span(req: &Request) -> tracing::Span {
    let id = req
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.as_str())
        .unwrap_or("");
    tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn ids_differ_and_are_visible_inside_the_scope() {
        let (a, b) = (fresh(), fresh());
        assert_ne!(a, b);
        assert_eq!(a.0.len(), 12);
        assert_eq!(current(), None);
        let seen = CURRENT.scope(a.clone(), async { current() }).await;
        assert_eq!(seen, Some(a.0));
    }
}
