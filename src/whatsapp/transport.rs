//! Where messages go: the Cloud API, or (no credentials configured, as in the demo)
//! the built-in sandbox, which keeps each request as the phone would receive it and
//! answers like the API does. The outbox, sender and webhook are the same for both.

use super::client::{ApiError, CloudApi, Outgoing};
use crate::server::config::Config;
use secrecy::{ExposeSecret, SecretString};
use sqlx::PgPool;
use std::time::Duration;

#[derive(Clone)]
pub enum Transport {
    Cloud(CloudApi),
    Sandbox,
}

/// The WhatsApp settings a process runs with.
#[derive(Clone)]
pub struct WhatsApp {
    pub transport: Transport,
    pub app_secret: SecretString,
    pub verify_token: SecretString,
    pub rate_per_sec: u32,
    pub concurrency: usize,
    pub lease: Duration,
    pub in_doubt: Duration,
    pub retry_base: Duration,
    pub max_attempts: i32,
    pub poll: Duration,
    /// What the admin page says about the connection.
    pub description: String,
}

impl WhatsApp {
    pub fn from_config(config: &Config) -> Result<WhatsApp, reqwest::Error> {
        let live = !config.whatsapp.phone_number_id.trim().is_empty()
            && !config.whatsapp.token.expose_secret().trim().is_empty();
        let (transport, description) = if live {
            (
                Transport::Cloud(CloudApi::new(
                    &config.whatsapp.api_base,
                    &config.whatsapp.api_version,
                    config.whatsapp.phone_number_id.trim(),
                    SecretString::from(config.whatsapp.token.expose_secret().trim().to_string()),
                    Duration::from_secs(config.whatsapp.timeout_secs.max(1)),
                )?),
                format!(
                    "Cloud API {} at {}, phone number id {}",
                    config.whatsapp.api_version,
                    config.whatsapp.api_base,
                    config.whatsapp.phone_number_id.trim()
                ),
            )
        } else {
            (
                Transport::Sandbox,
                "Sandbox: no API credentials are configured, so messages are kept here instead of being sent".to_string(),
            )
        };
        // The sandbox signs its own webhook calls; a made-up secret is as good as any.
        let app_secret = if config.whatsapp.app_secret.expose_secret().is_empty() {
            use rand::RngCore;
            let mut bytes = [0u8; 32];
            rand::thread_rng().fill_bytes(&mut bytes);
            hex::encode(bytes)
        } else {
            config.whatsapp.app_secret.expose_secret().to_string()
        };
        Ok(WhatsApp {
            transport,
            app_secret: SecretString::from(app_secret),
            verify_token: config.whatsapp.verify_token.clone(),
            rate_per_sec: config.whatsapp.rate_per_sec.max(1),
            concurrency: config.whatsapp.concurrency.max(1),
            lease: Duration::from_secs(u64::from(config.whatsapp.lease_secs.max(1))),
            in_doubt: Duration::from_secs(u64::from(config.whatsapp.in_doubt_secs)),
            retry_base: Duration::from_millis(config.whatsapp.retry_base_ms.max(1)),
            max_attempts: config.whatsapp.max_attempts.max(1),
            poll: Duration::from_millis(config.whatsapp.poll_ms.max(10)),
            description,
        })
    }

    pub fn is_sandbox(&self) -> bool {
        matches!(self.transport, Transport::Sandbox)
    }

    /// `sha256=<hex>` as Meta puts in X-Hub-Signature-256.
    pub fn sign(&self, body: &[u8]) -> String {
        super::webhook::signature(self.app_secret.expose_secret().as_bytes(), body)
    }

    pub async fn send(&self, db: &PgPool, message: &Outgoing) -> Result<String, ApiError> {
        match &self.transport {
            Transport::Cloud(api) => api.send(message).await,
            Transport::Sandbox => sandbox_send(db, message).await,
        }
    }

    pub async fn upload(
        &self,
        db: &PgPool,
        bytes: Vec<u8>,
        filename: &str,
        mime: &str,
    ) -> Result<String, ApiError> {
        match &self.transport {
            Transport::Cloud(api) => api.upload(bytes, filename, mime).await,
            Transport::Sandbox => {
                let id = format!("sandbox-media-{}", random_id());
                sqlx::query!(
                    "INSERT INTO sandbox_media (id, filename, mime, bytes) VALUES ($1, $2, $3, $4)",
                    &id,
                    filename,
                    mime,
                    bytes
                )
                .execute(db)
                .await
                .map_err(|e| ApiError::RetryLater(format!("sandbox: {e}")))?;
                Ok(id)
            }
        }
    }
}

fn random_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 12];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The sandbox keeps the exact request body, under a message id like the API's.
async fn sandbox_send(db: &PgPool, message: &Outgoing) -> Result<String, ApiError> {
    let wamid = format!("wamid.sandbox.{}", random_id());
    let request = serde_json::to_value(message)
        .map_err(|e| ApiError::Permanent(format!("cannot encode the message: {e}")))?;
    sqlx::query!(
        "INSERT INTO sandbox_messages (wamid, to_phone, request) VALUES ($1, $2, $3)",
        &wamid,
        &message.to,
        request
    )
    .execute(db)
    .await
    .map_err(|e| ApiError::RetryLater(format!("sandbox: {e}")))?;
    Ok(wamid)
}
