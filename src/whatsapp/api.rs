use super::{BroadcastRow, FailedMessage, Overview, PhoneMessage, SandboxPhone};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
async fn admin() -> Result<crate::server::Ctx, AppError> {
    crate::server::Ctx::require(&[crate::domain::OrgKind::Platform]).await
}

#[cfg(feature = "ssr")]
fn sandbox_only(ctx: &crate::server::Ctx) -> Result<(), AppError> {
    if ctx.state().whatsapp.is_sandbox() {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "The sandbox is off: this server sends through the WhatsApp Cloud API.".into(),
        ))
    }
}

/// Sender state and message counts.
#[server(endpoint = "whatsapp/overview")]
pub async fn whatsapp_overview() -> Result<Overview, AppError> {
    let ctx = admin().await?;
    super::service::overview(&ctx).await
}

/// Messages that failed, with the API's reason.
#[server(endpoint = "whatsapp/failed")]
pub async fn failed_messages() -> Result<Vec<FailedMessage>, AppError> {
    let ctx = admin().await?;
    super::service::failed(&ctx).await
}

/// Queue a failed message again.
#[server(endpoint = "whatsapp/retry")]
pub async fn retry_message(id: i64) -> Result<(), AppError> {
    let ctx = admin().await?;
    super::service::retry(&ctx, id).await
}

/// Numbers the sandbox holds messages for.
#[server(endpoint = "whatsapp/sandbox_phones")]
pub async fn sandbox_phones() -> Result<Vec<SandboxPhone>, AppError> {
    let ctx = admin().await?;
    sandbox_only(&ctx)?;
    super::sandbox::phones(ctx.state()).await
}

/// One number's chat (opening it sends read receipts).
#[server(endpoint = "whatsapp/sandbox_chat")]
pub async fn sandbox_chat(phone: String) -> Result<Vec<PhoneMessage>, AppError> {
    let ctx = admin().await?;
    sandbox_only(&ctx)?;
    super::sandbox::messages(ctx.state(), phone.trim()).await
}

/// Tap a button in the sandbox: goes through the signed webhook like a real tap.
#[server(endpoint = "whatsapp/sandbox_tap")]
pub async fn sandbox_tap(message_id: i64, button: usize) -> Result<String, AppError> {
    let ctx = admin().await?;
    sandbox_only(&ctx)?;
    let outcome = super::sandbox::tap(ctx.state(), message_id, button).await?;
    audit_sandbox(
        &ctx,
        crate::domain::audit::AuditAction::SandboxTap,
        Some(message_id),
        format!("sandbox message {message_id}, button {}", button + 1),
        serde_json::json!({ "button": button, "outcome": outcome }),
    )
    .await?;
    Ok(outcome)
}

/// Type a message from a sandbox number (STOP, START).
#[server(endpoint = "whatsapp/sandbox_type")]
pub async fn sandbox_type(phone: String, text: String) -> Result<String, AppError> {
    let ctx = admin().await?;
    sandbox_only(&ctx)?;
    if text.trim().is_empty() || text.chars().count() > 1000 {
        return Err(AppError::field("text", "Type 1 to 1,000 characters"));
    }
    let outcome = super::sandbox::type_text(ctx.state(), phone.trim(), &text).await?;
    audit_sandbox(
        &ctx,
        crate::domain::audit::AuditAction::SandboxType,
        None,
        format!("sandbox phone {}", phone.trim()),
        serde_json::json!({ "text": text, "outcome": outcome }),
    )
    .await?;
    Ok(outcome)
}

/// The sandbox acts as a phone through the signed webhook, in transactions of its
/// own; its audit entry follows once the webhook has handled it.
#[cfg(feature = "ssr")]
async fn audit_sandbox(
    ctx: &crate::server::Ctx,
    action: crate::domain::audit::AuditAction,
    id: Option<i64>,
    label: String,
    after: serde_json::Value,
) -> Result<(), AppError> {
    use crate::server::audit::{Entry, Subject, record};
    let mut conn = ctx.db().acquire().await?;
    record(
        &mut conn,
        ctx,
        Entry {
            action,
            subject: Subject {
                table: "sandbox_messages",
                id,
                label,
            },
            before: None,
            after: Some(after),
            note: String::new(),
        },
    )
    .await
}

/// Send an announcement to a segment at a limited pace.
#[server(endpoint = "whatsapp/broadcast")]
pub async fn start_broadcast(
    message: String,
    segment: String,
    segment_value: String,
    per_second: i32,
) -> Result<BroadcastRow, AppError> {
    let ctx = admin().await?;
    super::service::broadcast(&ctx, &message, &segment, &segment_value, per_second).await
}

/// Broadcasts and their progress.
#[server(endpoint = "whatsapp/broadcasts")]
pub async fn list_broadcasts() -> Result<Vec<BroadcastRow>, AppError> {
    let ctx = admin().await?;
    super::service::broadcasts(&ctx).await
}
