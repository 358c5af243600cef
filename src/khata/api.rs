//! Server functions of the khata. A distributor sees and records its own shops'
//! accounts; a shop sees its accounts with each distributor it has ordered from.

use super::{Account, AccountRow, Gateway, PayLink, PaymentInput, PaymentRow, Receivables, Terms};
#[cfg(feature = "ssr")]
use crate::domain::OrgKind;
use crate::error::AppError;
use leptos::prelude::*;

/// What the distributor is owed: total, by age, collected this month, per shop.
#[server(endpoint = "khata/receivables")]
pub async fn get_receivables() -> Result<Receivables, AppError> {
    let ctx = crate::server::Ctx::require(&[OrgKind::Distributor]).await?;
    super::service::receivables(&ctx).await
}

/// The shop's accounts with each of its distributors.
#[server(endpoint = "khata/my_accounts")]
pub async fn my_accounts() -> Result<Vec<AccountRow>, AppError> {
    let ctx = crate::server::Ctx::require(&[OrgKind::Retailer]).await?;
    super::service::my_accounts(&ctx).await
}

/// One account (with a shop for a distributor, with a distributor for a shop)
/// for a period: opening balance, entries with the running balance, open
/// invoices, ageing, terms.
#[server(endpoint = "khata/account")]
pub async fn get_account(other_id: i64, from: String, to: String) -> Result<Account, AppError> {
    let ctx = crate::server::Ctx::require(&OrgKind::PARTIES).await?;
    super::service::account(&ctx, other_id, &from, &to).await
}

/// Record a payment received from a shop.
#[server(endpoint = "khata/record_payment")]
pub async fn record_payment(payment: PaymentInput) -> Result<PaymentRow, AppError> {
    let ctx = crate::server::Ctx::require_active(&[OrgKind::Distributor]).await?;
    super::service::record(&ctx, payment).await
}

/// Reverse a payment (a bounced cheque, a mistake) with the reason. Owner only.
#[server(endpoint = "khata/reverse_payment")]
pub async fn reverse_payment(payment_id: i64, reason: String) -> Result<PaymentRow, AppError> {
    let ctx = crate::server::Ctx::require(&[OrgKind::Distributor])
        .await?
        .owner_only()?;
    super::service::reverse(&ctx, payment_id, &reason).await
}

/// A shop's days to pay and credit limit. Owner only.
#[server(endpoint = "khata/set_terms")]
pub async fn set_terms(
    retailer_id: i64,
    due_days: String,
    credit_limit: String,
) -> Result<Terms, AppError> {
    let ctx = crate::server::Ctx::require(&[OrgKind::Distributor])
        .await?
        .owner_only()?;
    super::service::set_terms(&ctx, retailer_id, &due_days, &credit_limit).await
}

/// The distributor's default days to pay. Owner only.
#[server(endpoint = "khata/set_default_days")]
pub async fn set_default_days(days: i32) -> Result<i32, AppError> {
    let ctx = crate::server::Ctx::require(&[OrgKind::Distributor])
        .await?
        .owner_only()?;
    super::service::set_default_days(&ctx, days).await
}

/// The distributor's payment gateway (never its secrets). Owner only.
#[server(endpoint = "khata/gateway")]
pub async fn get_gateway() -> Result<Gateway, AppError> {
    let ctx = crate::server::Ctx::require(&[OrgKind::Distributor])
        .await?
        .owner_only()?;
    super::online::gateway(&ctx).await
}

/// Connects the distributor's Razorpay account once Razorpay accepts the keys. Owner only.
#[server(endpoint = "khata/connect_gateway")]
pub async fn connect_gateway(
    key_id: String,
    key_secret: String,
    webhook_secret: String,
) -> Result<Gateway, AppError> {
    let ctx = crate::server::Ctx::require_active(&[OrgKind::Distributor])
        .await?
        .owner_only()?;
    super::online::connect(&ctx, &key_id, &key_secret, &webhook_secret).await
}

/// Disconnects the gateway: shops pay to the static UPI id again. Owner only.
#[server(endpoint = "khata/disconnect_gateway")]
pub async fn disconnect_gateway() -> Result<Gateway, AppError> {
    let ctx = crate::server::Ctx::require(&[OrgKind::Distributor])
        .await?
        .owner_only()?;
    super::online::disconnect(&ctx).await
}

/// A payment link for an invoice's due (or the whole due) of the account with
/// `other`: the distributor shows or shares it, the shop pays it.
#[server(endpoint = "khata/payment_link")]
pub async fn payment_link(other_id: i64, invoice_id: Option<i64>) -> Result<PayLink, AppError> {
    let ctx = crate::server::Ctx::require_active(&OrgKind::PARTIES).await?;
    super::online::link(&ctx, other_id, invoice_id).await
}

/// Hold a shop's new orders while a due is more than this many days late
/// (empty: never). Owner only.
#[server(endpoint = "khata/set_hold_days")]
pub async fn set_hold_days(days: String) -> Result<Option<i32>, AppError> {
    let ctx = crate::server::Ctx::require(&[OrgKind::Distributor])
        .await?
        .owner_only()?;
    super::service::set_hold_days(&ctx, &days).await
}

/// Let an order held for credit through, once. The distributor's owner only.
#[server(endpoint = "khata/approve_held_order")]
pub async fn approve_held_order(order_id: i64) -> Result<(), AppError> {
    let ctx = crate::server::Ctx::require_active(&[OrgKind::Distributor])
        .await?
        .owner_only()?;
    super::holds::approve(&ctx, order_id).await
}

/// The days around each invoice's due date on which shops get a WhatsApp
/// reminder ("-3, 0, 7, 15"; empty: never). Owner only.
#[server(endpoint = "khata/set_reminder_days")]
pub async fn set_reminder_days(days: String) -> Result<Vec<i16>, AppError> {
    let ctx = crate::server::Ctx::require(&[OrgKind::Distributor])
        .await?
        .owner_only()?;
    super::service::set_reminder_days(&ctx, &days).await
}
