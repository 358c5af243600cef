//! The WhatsApp Business Cloud API over HTTP (reqwest): template, text, interactive
//! and document messages, media upload. Typed requests and responses; every API
//! error is classified as retry-later or permanent and keeps the API's reason.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Where and as whom to call the API.
#[derive(Clone)]
pub struct CloudApi {
    http: reqwest::Client,
    base: String,
    version: String,
    phone_number_id: String,
    token: SecretString,
}

/// A message to send, as the API's JSON body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outgoing {
    pub messaging_product: String,
    pub recipient_type: String,
    pub to: String,
    #[serde(flatten)]
    pub content: Content,
    /// Echoed in status webhooks: the outbox row this message came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub biz_opaque_callback_data: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Content {
    Template { template: TemplateBody },
    Text { text: TextBody },
    Interactive { interactive: Interactive },
    Document { document: DocumentRef },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateBody {
    pub name: String,
    pub language: LanguageCode,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageCode {
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Component {
    Header {
        parameters: Vec<Parameter>,
    },
    Body {
        parameters: Vec<Parameter>,
    },
    Button {
        sub_type: String,
        index: String,
        parameters: Vec<Parameter>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Parameter {
    Text { text: String },
    Document { document: DocumentRef },
    Payload { payload: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRef {
    pub id: String,
    pub filename: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextBody {
    pub preview_url: bool,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interactive {
    #[serde(rename = "type")]
    pub kind: String,
    pub body: TextOnly,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<TextOnly>,
    pub action: ButtonsAction,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextOnly {
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ButtonsAction {
    pub buttons: Vec<ReplyButton>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplyButton {
    #[serde(rename = "type")]
    pub kind: String,
    pub reply: ReplyRef,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplyRef {
    pub id: String,
    pub title: String,
}

impl Outgoing {
    fn new(to: &str, content: Content) -> Outgoing {
        Outgoing {
            messaging_product: "whatsapp".into(),
            recipient_type: "individual".into(),
            to: to.to_string(),
            content,
            biz_opaque_callback_data: None,
        }
    }

    /// An approved template with body parameters, quick-reply payloads (one per
    /// button, in order) and an optional document header.
    pub fn template(
        to: &str,
        name: &str,
        language: &str,
        document: Option<DocumentRef>,
        body: Vec<String>,
        payloads: Vec<String>,
    ) -> Outgoing {
        let mut components = Vec::new();
        if let Some(document) = document {
            components.push(Component::Header {
                parameters: vec![Parameter::Document { document }],
            });
        }
        if !body.is_empty() {
            components.push(Component::Body {
                parameters: body
                    .into_iter()
                    .map(|text| Parameter::Text { text })
                    .collect(),
            });
        }
        for (i, payload) in payloads.into_iter().enumerate() {
            components.push(Component::Button {
                sub_type: "quick_reply".into(),
                index: i.to_string(),
                parameters: vec![Parameter::Payload { payload }],
            });
        }
        Outgoing::new(
            to,
            Content::Template {
                template: TemplateBody {
                    name: name.to_string(),
                    language: LanguageCode {
                        code: language.to_string(),
                    },
                    components,
                },
            },
        )
    }

    /// Free text: only inside the 24-hour window the user's last message opened.
    pub fn text(to: &str, body: &str) -> Outgoing {
        Outgoing::new(
            to,
            Content::Text {
                text: TextBody {
                    preview_url: false,
                    body: body.to_string(),
                },
            },
        )
    }

    /// Reply buttons (id, title), checked against Meta's limits first.
    pub fn buttons(
        to: &str,
        body: &str,
        footer: Option<&str>,
        buttons: &[(String, String)],
    ) -> Result<Outgoing, super::templates::LimitError> {
        super::templates::check_interactive(body, footer, buttons)?;
        Ok(Outgoing::new(
            to,
            Content::Interactive {
                interactive: Interactive {
                    kind: "button".into(),
                    body: TextOnly { text: body.into() },
                    footer: footer.map(|f| TextOnly { text: f.into() }),
                    action: ButtonsAction {
                        buttons: buttons
                            .iter()
                            .map(|(id, title)| ReplyButton {
                                kind: "reply".into(),
                                reply: ReplyRef {
                                    id: id.clone(),
                                    title: title.clone(),
                                },
                            })
                            .collect(),
                    },
                },
            },
        ))
    }

    /// An uploaded document (inside the 24-hour window).
    pub fn document(to: &str, document: DocumentRef) -> Outgoing {
        Outgoing::new(to, Content::Document { document })
    }

    pub fn with_callback(mut self, data: String) -> Outgoing {
        self.biz_opaque_callback_data = Some(data);
        self
    }
}

#[derive(Debug, Deserialize)]
struct SendResponse {
    messages: Vec<MessageId>,
}

#[derive(Debug, Deserialize)]
struct MessageId {
    id: String,
}

#[derive(Debug, Deserialize)]
struct MediaResponse {
    id: String,
}

#[derive(Debug, Deserialize)]
struct ErrorEnvelope {
    error: ApiErrorBody,
}

#[derive(Debug, Deserialize)]
struct ApiErrorBody {
    #[serde(default)]
    message: String,
    #[serde(default)]
    code: i64,
    #[serde(default)]
    error_data: Option<ErrorData>,
}

#[derive(Debug, Deserialize)]
struct ErrorData {
    #[serde(default)]
    details: String,
}

/// What went wrong, and whether trying again later can help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 429, 5xx, throughput and per-user rate limits, network trouble.
    #[error("retry later: {0}")]
    RetryLater(String),
    /// Validation errors, bad recipient, closed 24-hour window: retrying cannot help.
    #[error("{0}")]
    Permanent(String),
    /// The request went out but no usable answer came back (timeout, cut-off or
    /// unreadable success): the API may have sent it.
    #[error("no answer: {0}")]
    InDoubt(String),
}

/// Cloud API error codes that mean "slow down and try again".
const RETRY_CODES: &[i64] = &[
    4,      // application request limit
    190,    // access token expired: retried until the admin renews it
    80007,  // WhatsApp Business Account rate limit
    130429, // throughput exceeded (80 messages/s per number by default)
    131016, // service unavailable
    131056, // too many messages to one user
    133016, // registration rate limit
];

/// Classifies a non-success answer by HTTP status and the API's error code.
pub fn classify(status: u16, body: &str) -> ApiError {
    let parsed = serde_json::from_str::<ErrorEnvelope>(body).ok();
    let (code, reason) = match &parsed {
        Some(e) => {
            let detail = e
                .error
                .error_data
                .as_ref()
                .map(|d| d.details.as_str())
                .filter(|d| !d.is_empty());
            let text = match detail {
                Some(d) => format!("{} ({})", e.error.message, d),
                None => e.error.message.clone(),
            };
            (
                e.error.code,
                format!("HTTP {status}, code {}: {text}", e.error.code),
            )
        }
        None => (
            0,
            format!(
                "HTTP {status}: {}",
                body.chars().take(300).collect::<String>()
            ),
        ),
    };
    if status == 401 || status == 429 || status >= 500 || RETRY_CODES.contains(&code) {
        ApiError::RetryLater(reason)
    } else {
        ApiError::Permanent(reason)
    }
}

impl CloudApi {
    pub fn new(
        base: &str,
        version: &str,
        phone_number_id: &str,
        token: SecretString,
        timeout: Duration,
    ) -> Result<CloudApi, reqwest::Error> {
        Ok(CloudApi {
            http: reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(Duration::from_secs(5))
                .pool_max_idle_per_host(64)
                .build()?,
            base: base.trim_end_matches('/').to_string(),
            version: version.to_string(),
            phone_number_id: phone_number_id.to_string(),
            token,
        })
    }

    fn url(&self, what: &str) -> String {
        format!(
            "{}/{}/{}/{what}",
            self.base, self.version, self.phone_number_id
        )
    }

    /// Sends one message; the answer is the API's message id (`wamid…`).
    pub async fn send(&self, message: &Outgoing) -> Result<String, ApiError> {
        let res = self
            .http
            .post(self.url("messages"))
            .bearer_auth(self.token.expose_secret())
            .json(message)
            .send()
            .await
            .map_err(network)?;
        let body = success_body(res).await?;
        let parsed: SendResponse = serde_json::from_str(&body)
            .map_err(|e| ApiError::InDoubt(format!("unreadable answer from the API: {e}")))?;
        parsed
            .messages
            .into_iter()
            .next()
            .map(|m| m.id)
            .ok_or_else(|| ApiError::InDoubt("the API answered without a message id".into()))
    }

    /// Uploads a document; the answer is a media id valid for 30 days.
    pub async fn upload(
        &self,
        bytes: Vec<u8>,
        filename: &str,
        mime: &str,
    ) -> Result<String, ApiError> {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(filename.to_string())
            .mime_str(mime)
            .map_err(|e| ApiError::Permanent(format!("bad media type {mime}: {e}")))?;
        let form = reqwest::multipart::Form::new()
            .text("messaging_product", "whatsapp")
            .text("type", mime.to_string())
            .part("file", part);
        let res = self
            .http
            .post(self.url("media"))
            .bearer_auth(self.token.expose_secret())
            .multipart(form)
            .send()
            .await
            .map_err(network)?;
        let body = success_body(res).await?;
        serde_json::from_str::<MediaResponse>(&body)
            .map(|m| m.id)
            .map_err(|e| ApiError::RetryLater(format!("unreadable upload answer: {e}")))
    }
}

/// The body of a 2xx answer, or the classified error of any other.
async fn success_body(res: reqwest::Response) -> Result<String, ApiError> {
    let status = res.status().as_u16();
    let body = res.text().await.map_err(network)?;
    if (200..300).contains(&status) {
        Ok(body)
    } else {
        Err(classify(status, &body))
    }
}

/// A failed connection never reached the API; anything later may have.
fn network(e: reqwest::Error) -> ApiError {
    if e.is_connect() || e.is_builder() {
        ApiError::RetryLater(format!("cannot reach the WhatsApp API: {e}"))
    } else {
        ApiError::InDoubt(format!("the WhatsApp API did not answer: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_body_matches_the_cloud_api_shape() {
        let m = Outgoing::template(
            "919812345678",
            "order_placed",
            "hi",
            None,
            vec!["Sai Kirana".into(), "7".into()],
            vec!["order:7:accept_deliver".into()],
        )
        .with_callback("outbox:3".into());
        let v = serde_json::to_value(&m).expect("json");
        assert_eq!(
            v,
            serde_json::json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": "919812345678",
                "type": "template",
                "template": {
                    "name": "order_placed",
                    "language": {"code": "hi"},
                    "components": [
                        {"type": "body", "parameters": [
                            {"type": "text", "text": "Sai Kirana"},
                            {"type": "text", "text": "7"}]},
                        {"type": "button", "sub_type": "quick_reply", "index": "0",
                         "parameters": [{"type": "payload", "payload": "order:7:accept_deliver"}]}
                    ]
                },
                "biz_opaque_callback_data": "outbox:3"
            })
        );
        // And it reads back: the sandbox phone shows stored requests.
        let back: Outgoing = serde_json::from_value(v).expect("parses");
        assert_eq!(back.content, m.content);
    }

    #[test]
    fn errors_are_classified_by_status_and_code() {
        let throttled = r#"{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429}}"#;
        assert!(matches!(classify(400, throttled), ApiError::RetryLater(_)));
        assert!(matches!(classify(429, "{}"), ApiError::RetryLater(_)));
        assert!(matches!(classify(503, "oops"), ApiError::RetryLater(_)));
        let bad = r#"{"error":{"message":"(#100) Invalid parameter","code":100,"error_data":{"details":"Parameter name is missing"}}}"#;
        assert_eq!(
            classify(400, bad),
            ApiError::Permanent(
                "HTTP 400, code 100: (#100) Invalid parameter (Parameter name is missing)".into()
            )
        );
        let window = r#"{"error":{"message":"Re-engagement message","code":131047}}"#;
        assert!(matches!(classify(400, window), ApiError::Permanent(_)));
    }

    #[test]
    fn over_long_button_titles_never_leave() {
        let buttons = vec![("a".to_string(), "Accept — retailer picks up".to_string())];
        assert!(Outgoing::buttons("919812345678", "Pick", None, &buttons).is_err());
    }
}
