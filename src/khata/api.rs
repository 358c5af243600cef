//! Server functions of the khata. A distributor sees and records its own shops'
//! accounts; a shop sees its accounts with each distributor it has ordered from.

use super::{Account, AccountRow, PaymentInput, PaymentRow, Receivables, Terms};
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
