//! Razorpay's API over HTTP (reqwest): check a distributor's keys, make a
//! payment link for an amount due, cancel one; and its webhooks' signature
//! (`X-Razorpay-Signature`: hex HMAC-SHA256 of the raw body with the webhook
//! secret the distributor set in Razorpay's dashboard). Payment Links API v1:
//! <https://razorpay.com/docs/api/payments/payment-links/>.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::time::Duration;

/// A distributor's API keys.
#[derive(Clone)]
pub struct Keys {
    pub key_id: String,
    pub key_secret: String,
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// 401: the keys are wrong or revoked.
    #[error("Razorpay refused the API keys: check the key id and secret in Razorpay's dashboard")]
    Keys,
    /// 400: Razorpay named what it did not accept.
    #[error("Razorpay did not accept the request: {0}")]
    Rejected(String),
    /// Timeouts, 5xx, 429, a broken connection: try again later.
    #[error("Razorpay cannot be reached just now; try again in a minute")]
    Unavailable(String),
    /// An answer we cannot read.
    #[error("Razorpay answered something unexpected: {0}")]
    Answer(String),
}

/// The client: one per process, keys per call.
pub struct Razorpay {
    http: reqwest::Client,
    base: String,
    pub link_days: u32,
}

/// What a payment link is made for.
#[derive(Debug, Clone, Serialize)]
pub struct NewLink {
    pub amount_paise: i64,
    /// Unique per link at Razorpay (ours: `am-{link row}`), at most 40 characters.
    pub reference_id: String,
    pub description: String,
    pub customer_name: String,
    /// `+91…`, for Razorpay's checkout page.
    pub customer_contact: Option<String>,
    /// Unix seconds.
    pub expire_by: i64,
    /// Where the shop lands after paying.
    pub callback_url: Option<String>,
    pub notes: Value,
}

/// A link as Razorpay made it.
#[derive(Debug, Clone, Deserialize)]
pub struct Link {
    pub id: String,
    pub short_url: String,
    pub status: String,
    pub amount: i64,
}

impl Razorpay {
    pub fn new(config: &crate::server::config::RazorpayConfig) -> Result<Razorpay, reqwest::Error> {
        Ok(Razorpay {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(config.timeout_secs.max(1)))
                .build()?,
            base: config.api_base.trim_end_matches('/').to_string(),
            link_days: config.link_days.clamp(1, 180),
        })
    }

    async fn send(
        &self,
        keys: &Keys,
        request: reqwest::RequestBuilder,
    ) -> Result<Value, GatewayError> {
        let answer = request
            .basic_auth(&keys.key_id, Some(&keys.key_secret))
            .send()
            .await
            .map_err(|e| GatewayError::Unavailable(e.to_string()))?;
        let status = answer.status();
        let body: Value = answer
            .json()
            .await
            .map_err(|e| GatewayError::Answer(e.to_string()))?;
        let description = || {
            body["error"]["description"]
                .as_str()
                .unwrap_or("no reason given")
                .chars()
                .take(200)
                .collect::<String>()
        };
        match status.as_u16() {
            200..=299 => Ok(body),
            401 => Err(GatewayError::Keys),
            400..=428 | 430..=499 => Err(GatewayError::Rejected(description())),
            _ => Err(GatewayError::Unavailable(format!(
                "{status}: {}",
                description()
            ))),
        }
    }

    /// Asks for links with a reference no link has: works only with good keys.
    pub async fn check_keys(&self, keys: &Keys) -> Result<(), GatewayError> {
        let url = format!("{}/v1/payment_links", self.base);
        self.send(
            keys,
            self.http
                .get(url)
                .query(&[("reference_id", "auromart-key-check")]),
        )
        .await
        .map(|_| ())
    }

    /// A UPI payment link for exactly `amount_paise` (part payments accepted,
    /// from ₹1: a shop may pay what it can).
    pub async fn create_link(&self, keys: &Keys, link: &NewLink) -> Result<Link, GatewayError> {
        let mut body = json!({
            "amount": link.amount_paise,
            "currency": "INR",
            "accept_partial": true,
            "first_min_partial_amount": 100.min(link.amount_paise),
            "reference_id": link.reference_id,
            "description": link.description,
            "customer": { "name": link.customer_name },
            "expire_by": link.expire_by,
            "notify": { "sms": false, "email": false },
            "reminder_enable": false,
            "notes": link.notes,
        });
        if let Some(contact) = &link.customer_contact {
            body["customer"]["contact"] = json!(contact);
        }
        if let Some(url) = &link.callback_url {
            body["callback_url"] = json!(url);
            body["callback_method"] = json!("get");
        }
        let url = format!("{}/v1/payment_links", self.base);
        let answer = self.send(keys, self.http.post(url).json(&body)).await?;
        serde_json::from_value(answer).map_err(|e| GatewayError::Answer(e.to_string()))
    }

    /// Cancels a link nobody should pay any more (its amount is out of date).
    pub async fn cancel_link(&self, keys: &Keys, id: &str) -> Result<(), GatewayError> {
        let url = format!("{}/v1/payment_links/{id}/cancel", self.base);
        self.send(keys, self.http.post(url).json(&json!({})))
            .await
            .map(|_| ())
    }
}

/// Hex HMAC-SHA256 of `body`: what Razorpay puts in `X-Razorpay-Signature`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    crate::server::hmac::hex_sha256(secret, body)
}

/// Constant-time check of the header against the body.
pub fn signature_ok(secret: &[u8], body: &[u8], header: Option<&str>) -> bool {
    header.is_some_and(|h| crate::server::hmac::hex_matches(secret, body, h))
}

/// A webhook body: `{"event": "payment_link.paid", "payload": {...}, "created_at": …}`.
#[derive(Debug, Deserialize)]
pub struct Event {
    pub event: String,
    #[serde(default)]
    pub payload: Payload,
}

#[derive(Debug, Default, Deserialize)]
pub struct Payload {
    pub payment_link: Option<Wrapped<LinkEntity>>,
    pub payment: Option<Wrapped<PaymentEntity>>,
}

#[derive(Debug, Deserialize)]
pub struct Wrapped<T> {
    pub entity: T,
}

#[derive(Debug, Deserialize)]
pub struct LinkEntity {
    pub id: String,
    pub status: String,
}

#[derive(Debug, Deserialize)]
pub struct PaymentEntity {
    pub id: String,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    #[serde(default)]
    pub method: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    #[serde(default)]
    pub acquirer_data: Option<AcquirerData>,
}

#[derive(Debug, Default, Deserialize)]
pub struct AcquirerData {
    pub rrn: Option<String>,
    pub upi_transaction_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hex_hmac_of_the_raw_body() {
        // RFC 4231 test case 2 (HMAC-SHA256 of "what do ya want for nothing?").
        let sig = signature(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            sig,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(signature_ok(
            b"Jefe",
            b"what do ya want for nothing?",
            Some(&sig)
        ));
        assert!(!signature_ok(
            b"Jefe",
            b"what do ya want for nothing?!",
            Some(&sig)
        ));
        assert!(!signature_ok(
            b"other",
            b"what do ya want for nothing?",
            Some(&sig)
        ));
        assert!(!signature_ok(b"Jefe", b"x", None));
        assert!(!signature_ok(b"Jefe", b"x", Some("not hex")));
    }

    #[test]
    fn a_paid_event_reads_as_razorpay_sends_it() {
        let body = r#"{"entity":"event","account_id":"acc_1","event":"payment_link.paid",
          "contains":["payment_link","order","payment"],
          "payload":{"payment_link":{"entity":{"id":"plink_1","status":"paid","amount":1000,"amount_paid":1000}},
                     "order":{"entity":{"id":"order_1"}},
                     "payment":{"entity":{"id":"pay_1","amount":1000,"currency":"INR","status":"captured",
                                          "method":"upi","created_at":1765000000,
                                          "acquirer_data":{"rrn":"123456789012","upi_transaction_id":"ABC"}}}},
          "created_at":1765000001}"#;
        let e: Event = serde_json::from_str(body).expect("parses");
        assert_eq!(e.event, "payment_link.paid");
        let p = e.payload.payment.expect("payment").entity;
        assert_eq!(
            (p.id.as_str(), p.amount, p.status.as_str()),
            ("pay_1", 1000, "captured")
        );
        assert_eq!(
            p.acquirer_data.and_then(|a| a.rrn).as_deref(),
            Some("123456789012")
        );
        assert_eq!(e.payload.payment_link.expect("link").entity.id, "plink_1");
    }
}
