//! The HTTP router: Leptos pages and server functions, icons, the service
//! worker, health check, and the cross-site POST guard.

use super::AppState;
use crate::app::{App, shell};
use crate::error::AppError;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use http::header::{CACHE_CONTROL, CONTENT_TYPE, HOST, ORIGIN};
use http::{HeaderValue, Method, StatusCode};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

#[derive(Clone)]
struct Assets {
    icons: Arc<HashMap<String, Vec<u8>>>,
    service_worker: Arc<String>,
}

/// The service worker with this build's version, so a new deploy replaces old caches.
/// The version covers every JS, WASM and CSS file in the package directory: the
/// main module, its JS and CSS, and each page's lazily loaded chunk, which the
/// worker serves cache-first and which can change while the main module does not
/// (not their compressed copies, which appear while processes start).
fn service_worker(site_root: &str, pkg_dir: &str, output_name: &str) -> String {
    let mut hasher = Sha256::new();
    let dir = format!("{site_root}/{pkg_dir}");
    let files = super::precompress::client_files(std::path::Path::new(&dir)).unwrap_or_default();
    for path in files {
        if let Ok(bytes) = std::fs::read(&path) {
            hasher.update(
                path.file_name()
                    .map(|n| n.as_encoded_bytes())
                    .unwrap_or_default(),
            );
            hasher.update(bytes);
        }
    }
    let version = hex::encode(&hasher.finalize()[..6]);
    include_str!("sw.js")
        .replace("__VERSION__", &version)
        .replace("__PKG__", &format!("/{pkg_dir}/{output_name}"))
}

pub fn build(state: AppState) -> Result<Router, png::EncodingError> {
    let opts = &state.leptos_options;
    let assets = Assets {
        icons: Arc::new(super::icons::all()?),
        service_worker: Arc::new(service_worker(
            &opts.site_root,
            &opts.site_pkg_dir,
            &opts.output_name,
        )),
    };
    let routes = generate_route_list(App);
    let shell_options = opts.clone();
    let context_state = state.clone();
    let tls = super::boundary::Tls(state.config.secure_cookies);
    let assets_router = Router::new()
        .route(ASSET_ROUTES[0], get(icon))
        .route(ASSET_ROUTES[1], get(sw))
        .route(ASSET_ROUTES[2], get(sample_csv))
        .with_state(assets);
    let mut router = Router::new();
    for (path, route) in plain_routes() {
        router = router.route(path, route);
    }
    // The client's files, as the precompressed copy the browser accepts (brotli,
    // gzip; see `precompress`), else as they are (then compressed on the fly).
    let pkg = format!("/{}", opts.site_pkg_dir);
    let pkg_files = ServeDir::new(format!("{}{pkg}", opts.site_root))
        .precompressed_br()
        .precompressed_gzip();
    Ok(router
        .nest_service(&pkg, pkg_files)
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(shell_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
        .merge(assets_router)
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024 * 1024))
        .layer(middleware::from_fn(error_status))
        .layer(middleware::from_fn(cache_headers))
        .layer(middleware::from_fn(super::boundary::clean_text_fields))
        .layer(middleware::from_fn(same_origin_posts))
        .layer(middleware::from_fn(super::boundary::safe_redirects))
        .layer(middleware::from_fn_with_state(
            tls,
            super::boundary::security_headers,
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(super::request_id::span))
        .layer(middleware::from_fn(super::request_id::assign)))
}

/// Static assets every visitor may fetch: icons, the service worker, the sample CSV.
pub const ASSET_ROUTES: [&str; 3] = ["/icons/{file}", "/sw.js", "/catalog/sample.csv"];

/// Every route that is neither a Leptos page nor a server function. Each handler
/// authorises like a server function (`Ctx::from_parts`), and the role × tenant
/// matrix enumerates this list, so a new route without a case fails the tests.
pub fn plain_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    use crate::invoices::routes as invoices;
    use crate::whatsapp::webhook;
    vec![
        ("/healthz", get(health)),
        ("/events", get(crate::orders::live::events)),
        (webhook::PATH, get(webhook::verify).post(webhook::receive)),
        (
            "/admin/whatsapp/media/{id}",
            get(crate::whatsapp::routes::sandbox_media),
        ),
        (
            "/media/sku/{id}/{version}/{file}",
            get(crate::catalog::routes::photo),
        ),
        ("/invoices/{id}/pdf", get(invoices::invoice_pdf)),
        ("/invoices/{id}/einvoice.json", get(invoices::einvoice_json)),
        (
            "/statements/{month}/{distributor}/{retailer}/pdf",
            get(invoices::statement_pdf),
        ),
        (
            "/khata/receipts/{id}/pdf",
            get(crate::khata::routes::receipt_pdf),
        ),
        (
            crate::khata::online::WEBHOOK_PATH,
            axum::routing::post(crate::khata::online::receive),
        ),
        (
            "/khata/{distributor}/{retailer}/pay",
            get(crate::khata::online::pay_redirect),
        ),
        (
            "/khata/{distributor}/{retailer}/statement/{format}",
            get(crate::khata::routes::statement_download),
        ),
        (
            "/reports/sales/{section}/{format}",
            get(crate::reports::routes::sales_download),
        ),
        (
            "/reports/brand/{section}/{format}",
            get(crate::reports::routes::brand_download),
        ),
        (
            "/reports/receivables/{section}/{format}",
            get(crate::reports::routes::receivables_download),
        ),
        (
            "/reports/platform/{section}/{format}",
            get(crate::reports::routes::platform_download),
        ),
    ]
}

/// Every path of `plain_routes` and `ASSET_ROUTES`.
pub fn plain_paths() -> Vec<&'static str> {
    plain_routes()
        .into_iter()
        .map(|(p, _)| p)
        .chain(ASSET_ROUTES)
        .collect()
}

async fn health(State(state): State<AppState>) -> Response {
    match sqlx::query_scalar!(r#"SELECT 1 AS "one!""#)
        .fetch_one(&state.db)
        .await
    {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

async fn icon(State(assets): State<Assets>, Path(file): Path<String>) -> Response {
    match assets.icons.get(&file) {
        Some(bytes) => (
            [
                (CONTENT_TYPE, "image/png"),
                (CACHE_CONTROL, "public, max-age=604800"),
            ],
            bytes.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn sample_csv() -> Response {
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"auromart-products-sample.csv\"",
            ),
        ],
        crate::catalog::SAMPLE_CSV,
    )
        .into_response()
}

async fn sw(State(assets): State<Assets>) -> Response {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
            // A worker runs under its own script's policy: it fetches and caches
            // this site's shell, so it may reach this site (and nothing else).
            (
                http::header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; frame-ancestors 'none'",
            ),
        ],
        assets.service_worker.as_str().to_owned(),
    )
        .into_response()
}

/// Leptos has no CSRF protection of its own: a state-changing request whose
/// Origin names another site is refused (session cookies are also SameSite=Lax).
async fn same_origin_posts(req: Request, next: Next) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let origin_host = req
            .headers()
            .get(ORIGIN)
            .and_then(|o| o.to_str().ok())
            .filter(|o| *o != "null")
            .map(|o| {
                o.split_once("://")
                    .map(|(_, rest)| rest)
                    .unwrap_or(o)
                    .to_string()
            });
        let host = req.headers().get(HOST).and_then(|h| h.to_str().ok());
        if let (Some(origin), Some(host)) = (origin_host, host)
            && origin != host
        {
            return (StatusCode::FORBIDDEN, "Cross-site request refused").into_response();
        }
    }
    next.run(req).await
}

/// Server functions answer every error with 500; this gives each `AppError`
/// its proper status (401, 403, 404, 409, 422, 429, 503) in one place.
async fn error_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, 1 << 20).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response(),
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = super::http::status_of(&err);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Pages and server-function answers are per user: never cached by proxies.
async fn cache_headers(req: Request<Body>, next: Next) -> Response {
    let is_pkg = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    if is_pkg {
        // The same URL answers brotli, gzip or plain by the request's Accept-Encoding.
        res.headers_mut().insert(
            http::header::VARY,
            HeaderValue::from_static("accept-encoding"),
        );
    }
    if !res.headers().contains_key(CACHE_CONTROL) {
        let value = if is_pkg {
            "public, max-age=300"
        } else {
            "private, no-store"
        };
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}
