//! A fake WhatsApp Cloud (Graph) API on loopback: it checks each request the way
//! Meta does (bearer token, JSON shape, button limits), records what it accepted,
//! and can be told to fail or to answer late. Like Meta, it takes a message on
//! receipt, whether or not its answer reaches the client, and (if given a webhook
//! URL) reports each one with a signed status callback, retrying until it lands.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const TOKEN: &str = "test-token";
pub const PHONE_ID: &str = "1098765432";
pub const VERSION: &str = "v25.0";

#[derive(Debug, Clone)]
pub struct Recorded {
    pub path: String,
    pub authorization: String,
    pub content_type: String,
    /// Messages: the JSON body. Media: null (see `raw`).
    pub json: Value,
    pub raw: Vec<u8>,
    /// The id the fake answered with (wamid… or a media id).
    pub id: String,
}

#[derive(Default)]
struct Inner {
    accepted: Vec<Recorded>,
    /// Answers to give before accepting again: (HTTP status, error code).
    failures: VecDeque<(u16, i64)>,
    refused: usize,
    delay: Duration,
    next_id: u64,
    /// Where to POST status callbacks for accepted messages, as Meta does.
    webhook: Option<String>,
}

#[derive(Clone)]
pub struct FakeGraph {
    pub base: String,
    inner: Arc<Mutex<Inner>>,
}

impl FakeGraph {
    pub async fn start() -> FakeGraph {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route("/{version}/{phone}/messages", post(messages))
            .route("/{version}/{phone}/media", post(media))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake graph");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("fake graph serves");
        });
        FakeGraph {
            base: format!("http://{addr}"),
            inner,
        }
    }

    /// The next `n` requests get this HTTP status and API error code.
    pub fn fail_next(&self, n: usize, status: u16, code: i64) {
        let mut g = self.inner.lock().expect("lock");
        for _ in 0..n {
            g.failures.push_back((status, code));
        }
    }

    /// Sends a signed "sent" status for every accepted message to this URL, retrying
    /// (as Meta does) until the server answers 200.
    pub fn set_webhook(&self, url: &str) {
        self.inner.lock().expect("lock").webhook = Some(url.to_string());
    }

    pub fn set_delay(&self, d: Duration) {
        self.inner.lock().expect("lock").delay = d;
    }

    pub fn accepted(&self) -> Vec<Recorded> {
        self.inner.lock().expect("lock").accepted.clone()
    }

    /// Accepted message requests (not media uploads).
    pub fn messages(&self) -> Vec<Recorded> {
        self.accepted()
            .into_iter()
            .filter(|r| r.path.ends_with("/messages"))
            .collect()
    }

    pub fn refused(&self) -> usize {
        self.inner.lock().expect("lock").refused
    }

    /// Waits until `pred` holds for the accepted messages (or panics after `secs`).
    pub async fn wait_for(&self, secs: u64, what: &str, pred: impl Fn(&[Recorded]) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            if pred(&self.messages()) {
                return;
            }
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "fake Graph API: timed out waiting for {what}; got {:#?}",
                    self.messages().iter().map(|r| &r.json).collect::<Vec<_>>()
                );
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// The config that points the server at this fake.
    pub fn configure(&self, config: &mut auromart::server::config::Config) {
        let wa = &mut config.whatsapp;
        wa.api_base = self.base.clone();
        wa.api_version = VERSION.into();
        wa.phone_number_id = PHONE_ID.into();
        wa.token = TOKEN.into();
        wa.app_secret = APP_SECRET.into();
        wa.verify_token = "verify-me".into();
        wa.retry_base_ms = 20;
        wa.poll_ms = 50;
        wa.lease_secs = 2;
        wa.in_doubt_secs = 1;
    }
}

pub const APP_SECRET: &str = "fake-app-secret";

fn error(status: u16, code: i64, message: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        axum::Json(json!({"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "fake"}})),
    )
        .into_response()
}

/// Bearer token, version and phone number id, then any scripted failure.
fn gate(
    inner: &Mutex<Inner>,
    version: &str,
    phone: &str,
    headers: &HeaderMap,
) -> Result<Duration, (u16, i64, &'static str)> {
    let mut g = inner.lock().expect("lock");
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if auth != format!("Bearer {TOKEN}") {
        g.refused += 1;
        return Err((401, 190, "Invalid OAuth access token"));
    }
    if version != VERSION || phone != PHONE_ID {
        g.refused += 1;
        return Err((400, 100, "Unknown path"));
    }
    if let Some((status, code)) = g.failures.pop_front() {
        g.refused += 1;
        return Err((status, code, "scripted failure"));
    }
    Ok(g.delay)
}

/// Meta's rules the fake checks: what our client must never send.
fn check_message(v: &Value) -> Result<(), String> {
    if v["messaging_product"] != "whatsapp" {
        return Err("messaging_product must be whatsapp".into());
    }
    let to = v["to"].as_str().unwrap_or("");
    if !(to.len() == 12 && to.starts_with("91") && to.chars().all(|c| c.is_ascii_digit())) {
        return Err(format!("bad recipient {to:?}"));
    }
    match v["type"].as_str() {
        Some("template") => {
            let t = &v["template"];
            if t["name"].as_str().is_none_or(str::is_empty)
                || t["language"]["code"].as_str().is_none()
            {
                return Err("template needs name and language.code".into());
            }
            for c in t["components"].as_array().into_iter().flatten() {
                for p in c["parameters"].as_array().into_iter().flatten() {
                    if let Some(text) = p["text"].as_str()
                        && (text.contains('\n') || text.contains('\t') || text.contains("     "))
                    {
                        return Err(format!(
                            "parameter {text:?} has new lines, tabs or 5 spaces"
                        ));
                    }
                }
            }
        }
        Some("text") => {
            if v["text"]["body"].as_str().is_none_or(str::is_empty) {
                return Err("text.body is required".into());
            }
        }
        Some("interactive") => {
            let buttons = v["interactive"]["action"]["buttons"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if buttons.is_empty() || buttons.len() > 3 {
                return Err("1 to 3 buttons".into());
            }
            for b in buttons {
                let title = b["reply"]["title"].as_str().unwrap_or("");
                if title.is_empty() || title.chars().count() > 20 {
                    return Err(format!("button title {title:?}"));
                }
            }
        }
        Some("document") => {}
        other => return Err(format!("unknown type {other:?}")),
    }
    Ok(())
}

async fn messages(
    State(inner): State<Arc<Mutex<Inner>>>,
    Path((version, phone)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let delay = match gate(&inner, &version, &phone, &headers) {
        Ok(d) => d,
        Err((status, code, why)) => return error(status, code, why),
    };
    let json: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return error(400, 100, &format!("invalid JSON: {e}")),
    };
    if let Err(e) = check_message(&json) {
        return error(400, 100, &e);
    }
    // Like Meta, the message is taken on receipt; the answer may come late (or reach
    // a client that was killed meanwhile).
    let answer = accept(&inner, &version, &phone, &headers, &body, json);
    tokio::time::sleep(delay).await;
    answer
}

fn accept(
    inner: &Mutex<Inner>,
    version: &str,
    phone: &str,
    headers: &HeaderMap,
    body: &Bytes,
    json: Value,
) -> Response {
    let mut g = inner.lock().expect("lock");
    g.next_id += 1;
    let id = format!("wamid.fake.{}", g.next_id);
    let to = json["to"].clone();
    if let Some(url) = g.webhook.clone() {
        tokio::spawn(status_callback(url, id.clone(), json.clone()));
    }
    g.accepted.push(Recorded {
        path: format!("/{version}/{phone}/messages"),
        authorization: header(headers, "authorization"),
        content_type: header(headers, "content-type"),
        json,
        raw: body.to_vec(),
        id: id.clone(),
    });
    axum::Json(json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": to}],
        "messages": [{"id": id}]
    }))
    .into_response()
}

async fn media(
    State(inner): State<Arc<Mutex<Inner>>>,
    Path((version, phone)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err((status, code, why)) = gate(&inner, &version, &phone, &headers) {
        return error(status, code, why);
    }
    let content_type = header(&headers, "content-type");
    let text = String::from_utf8_lossy(&body);
    if !content_type.starts_with("multipart/form-data")
        || !text.contains("name=\"messaging_product\"")
        || !text.contains("filename=")
        || !text.contains("%PDF-")
    {
        return error(400, 100, "media upload needs messaging_product and a file");
    }
    let mut g = inner.lock().expect("lock");
    g.next_id += 1;
    let id = format!("media.fake.{}", g.next_id);
    g.accepted.push(Recorded {
        path: format!("/{version}/{phone}/media"),
        authorization: header(&headers, "authorization"),
        content_type,
        json: Value::Null,
        raw: body.to_vec(),
        id: id.clone(),
    });
    axum::Json(json!({ "id": id })).into_response()
}

async fn status_callback(url: String, wamid: String, message: Value) {
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "0", "changes": [{"field": "messages", "value": {
        "statuses": [{"id": wamid, "status": "sent", "timestamp": "1764000000", "recipient_id": message["to"],
                      "biz_opaque_callback_data": message["biz_opaque_callback_data"]}]}}]}]});
    let bytes = serde_json::to_vec(&body).expect("json");
    let sig = auromart::whatsapp::webhook::signature(APP_SECRET.as_bytes(), &bytes);
    let http = reqwest::Client::new();
    for _ in 0..300 {
        let sent = http
            .post(&url)
            .header("content-type", "application/json")
            .header("x-hub-signature-256", &sig)
            .body(bytes.clone())
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        if sent.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn header(h: &HeaderMap, name: &str) -> String {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}
