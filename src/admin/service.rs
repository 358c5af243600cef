use super::{AuditFilter, AuditPage, AuditRow, OrgFilter, OrgRow, PlatformSummary};
use crate::domain::audit::AuditAction;
use crate::domain::{ApprovalState, OrgKind};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::Ctx;
use crate::server::audit::{self, Entry, Subject};
use crate::server::guard::not_found;

/// `query_as!(OrgRow, …)`: an organisation with its first owner, then the tail.
macro_rules! row_query {
    ([$($tail:tt)+] $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            OrgRow,
            r#"SELECT o.id, o.kind AS "kind: OrgKind", o.legal_name, o.trade_name, o.gstin, o.city, o.state_code, o.pincode,
                      o.whatsapp AS "whatsapp: String", o.approval AS "approval: ApprovalState", o.approval_note,
                      w.name AS "owner_name?", w.phone AS "owner_phone?: String", ist_datetime(o.created_at) AS "created!"
                 FROM organisations o
                 LEFT JOIN LATERAL (SELECT name, phone FROM users u WHERE u.org_id = o.id AND u.role = 'owner' ORDER BY u.id LIMIT 1) w ON true "#
                + $($tail)+
            $(, $arg)*
        )
    };
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn list(ctx: &Ctx, f: OrgFilter) -> Result<Vec<OrgRow>, AppError> {
    let kind = match f.kind.trim() {
        "" => None,
        k => Some(
            OrgKind::parse(k)
                .filter(|k| *k != OrgKind::Platform)
                .ok_or_else(|| AppError::field("kind", "Unknown kind of organisation"))?,
        ),
    };
    let approval = match f.approval.trim() {
        "" => None,
        a => Some(
            ApprovalState::parse(a)
                .ok_or_else(|| AppError::field("approval", "Unknown approval state"))?,
        ),
    };
    let q = f.q.trim();
    if q.chars().count() > 100 {
        return Err(AppError::field("q", "Search for at most 100 characters"));
    }
    let pattern = format!(
        "%{}%",
        q.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    row_query!(
        ["WHERE o.kind <> 'platform'
            AND ($1::text IS NULL OR o.kind = $1)
            AND ($2::text IS NULL OR o.approval = $2)
            AND ($3 = '%%' OR o.legal_name ILIKE $3 OR o.trade_name ILIKE $3 OR o.gstin ILIKE $3
                 OR o.city ILIKE $3 OR o.pincode LIKE $3 OR o.whatsapp LIKE $3)
          ORDER BY (o.approval = 'pending') DESC, o.created_at DESC
          LIMIT 500"],
        kind.map(OrgKind::as_str),
        approval.map(ApprovalState::as_str),
        pattern
    )
    .fetch_all(ctx.db())
    .await
    .or_internal()
}

async fn row(ctx: &Ctx, org_id: i64) -> Result<OrgRow, AppError> {
    row_query!(["WHERE o.id = $1 AND o.kind <> 'platform'"], org_id)
        .fetch_optional(ctx.db())
        .await?
        .ok_or_else(|| not_found("Organisation"))
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn set_approval(
    ctx: &Ctx,
    org_id: i64,
    to: &str,
    note: &str,
) -> Result<OrgRow, AppError> {
    let to = ApprovalState::parse(to.trim())
        .ok_or_else(|| AppError::field("to", "Choose approve or suspend"))?;
    let note = note.trim();
    if note.chars().count() > 500 {
        return Err(AppError::field(
            "note",
            "Keep the note under 500 characters",
        ));
    }
    if to == ApprovalState::Suspended && note.is_empty() {
        return Err(AppError::field(
            "note",
            "Say why: the business sees this reason",
        ));
    }
    let mut tx = ctx.db().begin().await?;
    let current = sqlx::query!(
        r#"SELECT approval AS "approval: ApprovalState", approval_note, trade_name
             FROM organisations WHERE id = $1 AND kind <> 'platform' FOR UPDATE"#,
        org_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| not_found("Organisation"))?;
    let from = current.approval;
    if from == to {
        return Err(AppError::Conflict(format!(
            "This business is already {}.",
            to.label().to_lowercase()
        )));
    }
    if to == ApprovalState::Pending {
        return Err(AppError::field(
            "to",
            "A business cannot be sent back to waiting",
        ));
    }
    sqlx::query!("UPDATE organisations SET approval = $2, approval_note = NULLIF($3, ''), approval_changed_at = now(),
                approval_changed_by = $4, updated_at = now() WHERE id = $1", org_id, to.as_str(), note, ctx.user().user_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query!("INSERT INTO approval_events (org_id, from_state, to_state, note, by_user) VALUES ($1, $2, $3, NULLIF($4, ''), $5)", org_id, from.as_str(), to.as_str(), note, ctx.user().user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        ctx,
        Entry {
            action: AuditAction::OrgApproval,
            subject: Subject {
                table: "organisations",
                id: Some(org_id),
                label: current.trade_name,
            },
            before: Some(serde_json::json!({
                "approval": from.as_str(), "note": current.approval_note,
            })),
            after: Some(serde_json::json!({ "approval": to.as_str(), "note": note })),
            note: note.to_string(),
        },
    )
    .await?;
    // Every process drops its cached sessions and ends the members' event streams.
    crate::server::session::announce(&mut tx, org_id).await?;
    tx.commit().await?;
    // Members' cached sessions carry the approval: drop them in this process now.
    ctx.state().sessions.clear();
    row(ctx, org_id).await
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn summary(ctx: &Ctx) -> Result<PlatformSummary, AppError> {
    Ok(sqlx::query_as!(
        PlatformSummary,
        r#"SELECT count(*) FILTER (WHERE kind = 'retailer') AS "retailers!",
                  count(*) FILTER (WHERE kind = 'distributor') AS "distributors!",
                  count(*) FILTER (WHERE kind = 'manufacturer') AS "manufacturers!",
                  count(*) FILTER (WHERE approval = 'pending' AND kind <> 'platform') AS "pending!",
                  count(*) FILTER (WHERE approval = 'suspended') AS "suspended!",
                  (SELECT count(*) FROM users WHERE active) AS "users!"
             FROM organisations"#
    )
    .fetch_one(ctx.db())
    .await?)
}

/// Entries per page of the audit log.
const AUDIT_PAGE: i64 = 50;

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn audit_log(ctx: &Ctx, f: AuditFilter) -> Result<AuditPage, AppError> {
    let action = match f.action.trim() {
        "" => None,
        a => Some(
            AuditAction::parse(a)
                .ok_or_else(|| AppError::field("action", "Choose an action from the list"))?,
        ),
    };
    let q = f.q.trim();
    if q.chars().count() > 100 {
        return Err(AppError::field("q", "Search for at most 100 characters"));
    }
    let date = |field: &str, v: &str| match v.trim() {
        "" => Ok(None),
        d => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::field(field, "Enter a date like 2026-12-01")),
    };
    let (from, to) = (date("from", &f.from)?, date("to", &f.to)?);
    if let (Some(a), Some(b)) = (from, to)
        && a > b
    {
        return Err(AppError::field(
            "to",
            "The end date is before the start date",
        ));
    }
    let before = match f.before.trim() {
        "" => None,
        b => Some(
            b.parse::<i64>()
                .map_err(|_| AppError::field("before", "Not a page of the log"))?,
        ),
    };
    let pattern = format!(
        "%{}%",
        q.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let mut rows = sqlx::query!(
        r#"SELECT id, ist_datetime(at) AS "at!", actor, action AS "action: AuditAction", subject_table,
                  subject_id, subject, before, after, note
             FROM audit_log
            WHERE ($1::audit_action IS NULL OR action = $1)
              AND ($2 = '%%' OR actor ILIKE $2 OR subject ILIKE $2 OR note ILIKE $2)
              AND ($3::date IS NULL OR at >= $3::date::timestamp AT TIME ZONE 'Asia/Kolkata')
              AND ($4::date IS NULL OR at < ($4::date + 1)::timestamp AT TIME ZONE 'Asia/Kolkata')
              AND ($5::bigint IS NULL OR id < $5)
            ORDER BY id DESC
            LIMIT $6"#,
        action as Option<AuditAction>,
        pattern,
        from,
        to,
        before,
        AUDIT_PAGE + 1
    )
    .fetch_all(ctx.db())
    .await?;
    let more = rows.len() as i64 > AUDIT_PAGE;
    rows.truncate(AUDIT_PAGE as usize);
    let next_before = more.then(|| rows.last().map(|r| r.id)).flatten();
    Ok(AuditPage {
        rows: rows
            .into_iter()
            .map(|r| AuditRow {
                id: r.id,
                at: r.at,
                actor: r.actor,
                action: r.action,
                subject_table: r.subject_table,
                subject_id: r.subject_id,
                subject: r.subject,
                changes: super::changes(r.before.as_ref(), r.after.as_ref()),
                note: r.note,
            })
            .collect(),
        next_before,
    })
}
