//! A fake Razorpay (Payment Links API v1) on loopback: it checks each request
//! as Razorpay does (Basic auth with the merchant's keys, INR, a positive
//! amount in paise, a reference id unique per link and at most 40
//! characters), records what it accepted, and pays a link the way Razorpay
//! reports it: a `payment_link.paid` / `payment_link.partially_paid` webhook
//! signed with the merchant's webhook secret (`X-Razorpay-Signature`, hex
//! HMAC-SHA256 of the raw body) and an `X-Razorpay-Event-Id`.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const KEY_ID: &str = "rzp_test_FakeKey12345";
pub const KEY_SECRET: &str = "fake-key-secret-123";
pub const WEBHOOK_SECRET: &str = "fake-webhook-secret";

#[derive(Debug, Clone)]
pub struct FakeLink {
    pub id: String,
    pub amount: i64,
    pub amount_paid: i64,
    pub status: String,
    pub request: Value,
}

#[derive(Default)]
struct Inner {
    links: Vec<FakeLink>,
    refused: usize,
    next: u64,
    /// Answer every request with this status (e.g. 503) while set.
    down: Option<u16>,
}

#[derive(Clone)]
pub struct FakeRazorpay {
    pub base: String,
    inner: Arc<Mutex<Inner>>,
    http: reqwest::Client,
}

pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("any key");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

impl FakeRazorpay {
    pub async fn start() -> FakeRazorpay {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route("/v1/payment_links", post(create).get(list))
            .route("/v1/payment_links/{id}/cancel", post(cancel))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake razorpay");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("fake razorpay serves");
        });
        FakeRazorpay {
            base: format!("http://{addr}"),
            inner,
            http: reqwest::Client::new(),
        }
    }

    pub fn configure(&self, config: &mut auromart::server::config::Config) {
        config.razorpay.api_base = self.base.clone();
        config.razorpay.timeout_secs = 5;
    }

    pub fn links(&self) -> Vec<FakeLink> {
        self.inner.lock().expect("lock").links.clone()
    }

    pub fn refused(&self) -> usize {
        self.inner.lock().expect("lock").refused
    }

    pub fn set_down(&self, status: Option<u16>) {
        self.inner.lock().expect("lock").down = status;
    }

    /// The webhook body Razorpay sends when `amount` of link `link_id` is paid
    /// as payment `pay_id`.
    pub fn paid_event(&self, link_id: &str, pay_id: &str, amount: i64) -> Value {
        let mut g = self.inner.lock().expect("lock");
        let link = g
            .links
            .iter_mut()
            .find(|l| l.id == link_id)
            .expect("a link the fake made");
        link.amount_paid += amount;
        link.status = if link.amount_paid >= link.amount {
            "paid".into()
        } else {
            "partially_paid".into()
        };
        let now = chrono::Utc::now().timestamp();
        json!({
            "entity": "event",
            "account_id": "acc_FakeAccount01",
            "event": format!("payment_link.{}", link.status),
            "contains": ["payment_link", "order", "payment"],
            "payload": {
                "payment_link": { "entity": {
                    "id": link.id, "status": link.status, "amount": link.amount,
                    "amount_paid": link.amount_paid, "currency": "INR",
                    "reference_id": link.request["reference_id"],
                }},
                "order": { "entity": { "id": format!("order_{pay_id}"), "amount": amount, "status": "paid" }},
                "payment": { "entity": {
                    "id": pay_id, "entity": "payment", "amount": amount, "currency": "INR",
                    "status": "captured", "method": "upi", "captured": true,
                    "vpa": "shop@okaxis", "created_at": now,
                    "acquirer_data": { "rrn": "612345678901", "upi_transaction_id": "AXI0000001" },
                }},
            },
            "created_at": now,
        })
    }

    /// POSTs `body` to `url` as Razorpay would: signed with `secret`, under `event_id`.
    pub async fn post(&self, url: &str, body: &Value, secret: &str, event_id: &str) -> u16 {
        let raw = serde_json::to_vec(body).expect("json");
        self.post_raw(url, raw.clone(), Some(sign(secret, &raw)), event_id)
            .await
    }

    pub async fn post_raw(
        &self,
        url: &str,
        raw: Vec<u8>,
        signature: Option<String>,
        event_id: &str,
    ) -> u16 {
        let mut req = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .header("x-razorpay-event-id", event_id)
            .body(raw);
        if let Some(sig) = signature {
            req = req.header("x-razorpay-signature", sig);
        }
        req.send()
            .await
            .expect("webhook reachable")
            .status()
            .as_u16()
    }
}

type Shared = Arc<Mutex<Inner>>;

fn error(status: StatusCode, description: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": {"code": "BAD_REQUEST_ERROR", "description": description,
                                     "source": "business", "step": "payment_initiation", "reason": "input_validation_failed"}})),
    )
        .into_response()
}

/// Basic auth with the fake merchant's keys, or the error Razorpay gives.
#[allow(clippy::result_large_err)]
fn check(g: &mut Inner, headers: &HeaderMap) -> Result<(), Response> {
    if let Some(status) = g.down {
        g.refused += 1;
        return Err(error(
            StatusCode::from_u16(status).expect("status"),
            "Service unavailable",
        ));
    }
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{KEY_ID}:{KEY_SECRET}"))
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
        g.refused += 1;
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "The api key provided is invalid",
        ));
    }
    Ok(())
}

async fn list(
    State(inner): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut g = inner.lock().expect("lock");
    if let Err(r) = check(&mut g, &headers) {
        return r;
    }
    let found: Vec<Value> = g
        .links
        .iter()
        .filter(|l| {
            q.get("reference_id")
                .is_none_or(|r| l.request["reference_id"] == *r)
        })
        .map(|l| json!({"id": l.id, "status": l.status}))
        .collect();
    axum::Json(json!({ "payment_links": found })).into_response()
}

async fn create(
    State(inner): State<Shared>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let mut g = inner.lock().expect("lock");
    if let Err(r) = check(&mut g, &headers) {
        return r;
    }
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        g.refused += 1;
        return error(StatusCode::BAD_REQUEST, "The request body is not JSON");
    };
    let amount = req["amount"].as_i64().unwrap_or(0);
    let reference = req["reference_id"].as_str().unwrap_or("");
    let problem = if amount < 100 {
        Some("The amount must be at least INR 1.00")
    } else if req["currency"] != "INR" {
        Some("Currency is not supported")
    } else if reference.is_empty() || reference.len() > 40 {
        Some("The reference id must be 1 to 40 characters")
    } else if g
        .links
        .iter()
        .any(|l| l.request["reference_id"] == reference)
    {
        Some("Payment Link with this reference_id already exists")
    } else if req["description"].as_str().is_none_or(|d| d.len() > 2048) {
        Some("The description is invalid")
    } else if req["accept_partial"] == true
        && req["first_min_partial_amount"]
            .as_i64()
            .is_none_or(|m| m < 100 || m > amount)
    {
        Some("first_min_partial_amount is invalid")
    } else {
        None
    };
    if let Some(p) = problem {
        g.refused += 1;
        return error(StatusCode::BAD_REQUEST, p);
    }
    g.next += 1;
    let id = format!("plink_Fake{:010}", g.next);
    let link = FakeLink {
        id: id.clone(),
        amount,
        amount_paid: 0,
        status: "created".into(),
        request: req.clone(),
    };
    g.links.push(link);
    axum::Json(json!({
        "id": id, "amount": amount, "amount_paid": 0, "currency": "INR", "status": "created",
        "accept_partial": req["accept_partial"], "reference_id": reference,
        "short_url": format!("https://rzp.io/i/{}", &id[6..]),
        "expire_by": req["expire_by"], "created_at": chrono::Utc::now().timestamp(),
    }))
    .into_response()
}

async fn cancel(
    State(inner): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let mut g = inner.lock().expect("lock");
    if let Err(r) = check(&mut g, &headers) {
        return r;
    }
    match g.links.iter_mut().find(|l| l.id == id) {
        Some(l) if l.status == "created" || l.status == "partially_paid" => {
            l.status = "cancelled".into();
            axum::Json(json!({"id": id, "status": "cancelled"})).into_response()
        }
        Some(_) => error(StatusCode::BAD_REQUEST, "Payment link cannot be cancelled"),
        None => error(StatusCode::BAD_REQUEST, "The id provided does not exist"),
    }
}
