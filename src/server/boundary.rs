//! What every request and response passes at the HTTP edge, in one place:
//! - server-function form fields go through the one text rule (`domain::text`):
//!   control characters refused with the field's message, ends trimmed;
//! - redirects only ever point at this site (a plain form post is sent back to
//!   its Referer by Leptos, whatever host that names);
//! - security headers on every response; a page's Content-Security-Policy allows
//!   the inline scripts carrying this response's nonce, which the shell in
//!   `app.rs` takes from the request (`PageNonce`).

use crate::domain::text;
use crate::error::{AppError, FieldError};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, LOCATION, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use http::{HeaderValue, Method, StatusCode};

/// Server-function bodies are read whole (photos come as data URLs of up to 12 MB).
const MAX_FORM_BYTES: usize = 16 << 20;

/// "form[legal_name]" → "legal_name", "lines[0][qty]" → "qty", "q" → "q": the key
/// the page shows a field's error under.
fn field_key(name: &str) -> &str {
    name.rsplit('[')
        .map(|part| part.trim_end_matches(']'))
        .find(|part| !part.is_empty() && !part.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or(name)
}

/// Passwords (a space may be part of one) and file contents (a CSV part's
/// lines are counted to the line) are never trimmed; they are only checked.
fn is_verbatim(name: &str) -> bool {
    let key = field_key(name);
    key.contains("password") || key == "csv"
}

/// The form's fields after the text rule, or every field it refused.
pub fn clean_form(body: &[u8]) -> Result<Vec<u8>, Vec<FieldError>> {
    let mut refused = Vec::new();
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form_urlencoded::parse(body) {
        let checked = if is_verbatim(&name) {
            text::check_secret(&value)
        } else {
            text::clean(&value)
        };
        match checked {
            Ok(v) => {
                out.append_pair(&name, v);
            }
            Err(e) => {
                let field = field_key(&name).to_string();
                if !refused.iter().any(|f: &FieldError| f.field == field) {
                    refused.push(FieldError { field, reason: e.0 });
                }
            }
        }
    }
    if refused.is_empty() {
        Ok(out.finish().into_bytes())
    } else {
        Err(refused)
    }
}

/// Applies the text rule to every server function's url-encoded form.
pub async fn clean_text_fields(req: Request, next: Next) -> Response {
    let is_form = req.method() == Method::POST
        && req.uri().path().starts_with("/api/")
        && req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return invalid(vec![FieldError {
                field: "form".into(),
                reason: "This form is too large to send (at most 16 MB)".into(),
            }]);
        }
    };
    match clean_form(&bytes) {
        Ok(cleaned) => {
            parts.headers.remove(http::header::CONTENT_LENGTH);
            next.run(Request::from_parts(parts, Body::from(cleaned)))
                .await
        }
        Err(fields) => invalid(fields),
    }
}

/// The answer a server function gives for refused input (its client decodes it).
fn invalid(fields: Vec<FieldError>) -> Response {
    let err = AppError::Invalid(fields);
    let body = serde_json::to_string(&err).unwrap_or_else(|_| "\"Internal\"".into());
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        [(CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// A Location header's target if it stays on this site (`host`), as a path;
/// anything else (another host, a scheme-relative `//host`, `\\` tricks) is `/`.
pub fn same_site_location(location: &str, host: Option<&str>) -> String {
    let path_ok = |p: &str| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.starts_with("/\\")
            && !p.chars().any(|c| c.is_control() || c == '\\')
    };
    if path_ok(location) {
        return location.to_string();
    }
    for scheme in ["http://", "https://"] {
        if let Some(rest) = location.strip_prefix(scheme) {
            let (authority, path) = rest.find('/').map_or((rest, "/"), |i| rest.split_at(i));
            if host.is_some_and(|h| h.eq_ignore_ascii_case(authority)) && path_ok(path) {
                return path.to_string();
            }
        }
    }
    "/".to_string()
}

/// Marks a response whose off-site redirect is deliberate: the address came
/// from a party the server trusts (a payment gateway's checkout page), never
/// from the request.
#[derive(Debug, Clone, Copy)]
pub struct TrustedRedirect;

/// Every redirect stays on this site, unless its handler marked it `TrustedRedirect`.
pub async fn safe_redirects(req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    let mut res = next.run(req).await;
    if res.extensions().get::<TrustedRedirect>().is_some() {
        return res;
    }
    if let Some(location) = res.headers().get(LOCATION) {
        let target = location.to_str().unwrap_or("/");
        let safe = same_site_location(target, host.as_deref());
        if safe != target {
            tracing::warn!(location = target, "off-site redirect replaced");
            let value = HeaderValue::from_str(&safe).unwrap_or(HeaderValue::from_static("/"));
            res.headers_mut().insert(LOCATION, value);
        }
    }
    res
}

/// Downloads, JSON and media: nothing in them may run or be framed.
const OTHER_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The Content-Security-Policy of an HTML page whose inline scripts carry `nonce`.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval' 'report-sample'; style-src 'self'; \
         img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; manifest-src 'self'; \
         worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Whether to add HSTS (only when the site runs behind TLS: `secure_cookies`).
#[derive(Clone, Copy)]
pub struct Tls(pub bool);

/// This request's script nonce: the shell (`app.rs`) puts it on every inline
/// script it renders, and the page's policy allows exactly those.
#[derive(Debug, Clone)]
pub struct PageNonce(pub String);

impl PageNonce {
    fn new() -> PageNonce {
        use base64::Engine;
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        PageNonce(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// Headers every response carries.
pub async fn security_headers(
    State(Tls(tls)): State<Tls>,
    mut req: Request,
    next: Next,
) -> Response {
    let nonce = PageNonce::new();
    req.extensions_mut().insert(nonce.clone());
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let h = res.headers_mut();
    if !h.contains_key(CONTENT_SECURITY_POLICY) {
        let csp = if is_html {
            HeaderValue::from_str(&page_csp(&nonce.0)).ok()
        } else {
            Some(HeaderValue::from_static(OTHER_CSP))
        };
        if let Some(csp) = csp {
            h.insert(CONTENT_SECURITY_POLICY, csp);
        }
    }
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        http::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(
            "camera=(self), microphone=(self), geolocation=(self), payment=()",
        ),
    );
    if tls {
        h.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_on_this_site() {
        let host = Some("shop.example:3000");
        let cases = [
            ("/retailer/cart?x=1", "/retailer/cart?x=1"),
            ("http://shop.example:3000/orders/5", "/orders/5"),
            ("https://SHOP.example:3000", "/"),
            ("https://evil.example/phish", "/"),
            ("//evil.example/phish", "/"),
            ("/\\evil.example", "/"),
            ("javascript:alert(1)", "/"),
            ("http://shop.example:3000.evil.example/", "/"),
            ("", "/"),
        ];
        for (input, want) in cases {
            assert_eq!(same_site_location(input, host), want, "{input}");
        }
    }

    #[test]
    fn form_fields_are_cleaned_and_control_characters_named() {
        let cleaned =
            clean_form(b"form%5Bname%5D=+%E2%80%8BSoap%E2%80%8B+&password=+p+w+&csv=a%0A%0A")
                .expect("clean");
        let pairs: Vec<_> = form_urlencoded::parse(&cleaned).into_owned().collect();
        assert_eq!(
            pairs,
            vec![
                ("form[name]".to_string(), "Soap".to_string()),
                ("password".to_string(), " p w ".to_string()),
                // A CSV part keeps its blank last line: parts are counted to the line.
                ("csv".to_string(), "a\n\n".to_string()),
            ]
        );
        let refused = clean_form(b"filter%5Bq%5D=bis%00cuit&lines%5B0%5D%5Bqty%5D=1%07&note=ok")
            .expect_err("NUL and BEL refused");
        let fields: Vec<_> = refused.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["q", "qty"]);
    }
}
