//! HSN codes the GST schedule does not name: a brand proposes one (with the rate
//! and source it believes apply), the admin adds a rate for it (which closes the
//! proposal as added) or declines it with a reason.

use crate::catalog::HsnProposalRow;
use crate::domain::audit::AuditAction;
use crate::domain::gst_schedule::HsnProposalInput;
use crate::error::AppError;
use crate::server::Ctx;
use crate::server::audit::{self, Entry, Subject};
use crate::server::guard::not_found;

/// The brand proposes `input.hsn`; refused when the schedule already names the
/// code or the brand already has an open proposal for it.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn propose(ctx: &Ctx, input: HsnProposalInput) -> Result<HsnProposalRow, AppError> {
    let p = input.validate().map_err(super::skus::field_errors)?;
    let options = super::gst::options_for(ctx.db(), &p.hsn).await?;
    if !options.residual_only {
        return Err(AppError::field(
            "hsn",
            format!(
                "The GST schedule already names HSN {}: choose its entry in the product form",
                p.hsn
            ),
        ));
    }
    let id = sqlx::query_scalar!(
        "INSERT INTO hsn_proposals (manufacturer_id, hsn, description, rate_bp, source, proposed_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (manufacturer_id, hsn) WHERE outcome IS NULL DO NOTHING
         RETURNING id",
        ctx.user().org_id,
        p.hsn,
        p.description,
        p.rate_bp,
        p.source,
        ctx.user().user_id
    )
    .fetch_optional(ctx.db())
    .await?;
    let Some(id) = id else {
        return Err(AppError::Conflict(format!(
            "You have already proposed HSN {}: the admin has not decided yet.",
            p.hsn
        )));
    };
    one(ctx, id).await
}

/// The brand's own proposals, newest first.
pub async fn mine(ctx: &Ctx) -> Result<Vec<HsnProposalRow>, AppError> {
    list(ctx, None, Some(ctx.user().org_id), false).await
}

/// Open proposals of every brand, oldest first (the admin's queue).
pub async fn open(ctx: &Ctx) -> Result<Vec<HsnProposalRow>, AppError> {
    list(ctx, None, None, true).await
}

/// Proposals by id, brand and openness: open ones oldest first (a queue), the
/// rest newest first.
async fn list(
    ctx: &Ctx,
    id: Option<i64>,
    brand: Option<i64>,
    open_only: bool,
) -> Result<Vec<HsnProposalRow>, AppError> {
    Ok(sqlx::query_as!(
        HsnProposalRow,
        r#"SELECT p.id, p.hsn, p.description, p.rate_bp, p.source, o.trade_name AS brand, u.name AS proposed_by,
                  ist_datetime(p.proposed_at) AS "proposed!", p.outcome, p.outcome_note
             FROM hsn_proposals p JOIN organisations o ON o.id = p.manufacturer_id
             JOIN users u ON u.id = p.proposed_by
            WHERE ($1::bigint IS NULL OR p.id = $1) AND ($2::bigint IS NULL OR p.manufacturer_id = $2)
              AND (NOT $3 OR p.outcome IS NULL)
            ORDER BY CASE WHEN $3 THEN p.proposed_at END, p.proposed_at DESC, p.id DESC
            LIMIT 200"#,
        id,
        brand,
        open_only
    )
    .fetch_all(ctx.db())
    .await?)
}

/// The admin declines an open proposal, saying why (the brand sees the reason).
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn decline(ctx: &Ctx, id: i64, note: &str) -> Result<HsnProposalRow, AppError> {
    let note =
        crate::domain::text::clean(note).map_err(|e| AppError::field("note", e.to_string()))?;
    if note.is_empty() || note.chars().count() > 500 {
        return Err(AppError::field(
            "note",
            "Say why in under 500 characters: the brand sees it",
        ));
    }
    let mut tx = ctx.db().begin().await?;
    let p = sqlx::query!(
        r#"SELECT p.hsn, p.description, p.outcome, o.trade_name
             FROM hsn_proposals p JOIN organisations o ON o.id = p.manufacturer_id
            WHERE p.id = $1 FOR UPDATE OF p"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| not_found("Proposal"))?;
    if let Some(outcome) = p.outcome {
        return Err(AppError::Conflict(format!(
            "This proposal was already {outcome}."
        )));
    }
    sqlx::query!(
        "UPDATE hsn_proposals SET outcome = 'declined', outcome_note = $2, decided_by = $3, decided_at = now()
          WHERE id = $1",
        id,
        note,
        ctx.user().user_id
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        ctx,
        Entry {
            action: AuditAction::HsnProposalDeclined,
            subject: Subject {
                table: "hsn_proposals",
                id: Some(id),
                label: format!("HSN {} ({}) from {}", p.hsn, p.description, p.trade_name),
            },
            before: None,
            after: Some(serde_json::json!({ "outcome": "declined" })),
            note: note.to_string(),
        },
    )
    .await?;
    tx.commit().await?;
    one(ctx, id).await
}

/// Closes, as added, the open proposals a new rate for `hsn` covers (a proposal
/// for 96190090 is covered by a rate for 9619 or 96190090).
pub async fn close_covered(
    tx: &mut sqlx::PgConnection,
    ctx: &Ctx,
    hsn: &str,
    source: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        "UPDATE hsn_proposals SET outcome = 'added', outcome_note = $2, decided_by = $3, decided_at = now()
          WHERE outcome IS NULL AND hsn LIKE $1 || '%'",
        hsn,
        format!("Added from {source}"),
        ctx.user().user_id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected())
}

async fn one(ctx: &Ctx, id: i64) -> Result<HsnProposalRow, AppError> {
    list(ctx, Some(id), None, false)
        .await?
        .pop()
        .ok_or_else(|| not_found("Proposal"))
}
