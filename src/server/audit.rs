//! The audit log's one writer. Each admin action calls `record` inside its own
//! transaction, so an action and its entry commit together or not at all.

use super::Ctx;
use crate::domain::audit::AuditAction;
use crate::error::AppError;
use serde_json::Value;
use sqlx::PgConnection;

/// The row an action was about: its table and id, and how it read then.
pub struct Subject {
    pub table: &'static str,
    pub id: Option<i64>,
    pub label: String,
}

/// One entry: what was done, to what, and the row before and after.
pub struct Entry {
    pub action: AuditAction,
    pub subject: Subject,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub note: String,
}

/// Appends `entry` as done by the signed-in user of `ctx`, in `conn`'s transaction.
pub async fn record(conn: &mut PgConnection, ctx: &Ctx, entry: Entry) -> Result<(), AppError> {
    let user = ctx.user();
    let note = entry.note.trim();
    sqlx::query!(
        "INSERT INTO audit_log (actor_user_id, actor, action, subject_table, subject_id, subject,
                                before, after, note, request_id)
         SELECT u.id, u.name || coalesce(' (' || u.phone || ')', ''), $2, $3, $4, $5, $6, $7, NULLIF($8, ''), $9
           FROM users u WHERE u.id = $1",
        user.user_id,
        entry.action as AuditAction,
        entry.subject.table,
        entry.subject.id,
        entry.subject.label,
        entry.before,
        entry.after,
        note,
        super::request_id::current(),
    )
    .execute(conn)
    .await?;
    Ok(())
}
