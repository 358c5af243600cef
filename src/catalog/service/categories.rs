//! Product categories: manufacturers propose, the admin approves or rejects,
//! everyone else sees the approved ones.

use crate::catalog::Category;
use crate::domain::OrgKind;
use crate::domain::audit::AuditAction;
use crate::error::{AppError, OrInternal};
use crate::server::Ctx;
use crate::server::audit::{self, Entry, Subject};
use crate::server::guard::not_found;

/// `query_as!(Category, …)` with a category's columns, then the given tail.
macro_rules! category_query {
    ([$($tail:tt)+] $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Category,
            r#"SELECT c.id, c.name, c.status, o.trade_name AS "proposed_by_name?"
                 FROM categories c LEFT JOIN organisations o ON o.id = c.proposed_by "# + $($tail)+
            $(, $arg)*
        )
    };
}

/// The admin sees every category (proposals first), a manufacturer the approved
/// ones and its own proposals, everyone else the approved ones.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn categories(ctx: &Ctx) -> Result<Vec<Category>, AppError> {
    match ctx.user().org_kind {
        OrgKind::Platform => {
            category_query!(["ORDER BY (c.status = 'proposed') DESC, c.name"])
                .fetch_all(ctx.db())
                .await
        }
        OrgKind::Manufacturer => {
            category_query!(
                ["WHERE c.status = 'approved' OR c.proposed_by = $1 ORDER BY c.name"],
                ctx.user().org_id
            )
            .fetch_all(ctx.db())
            .await
        }
        _ => {
            category_query!(["WHERE c.status = 'approved' ORDER BY c.name"])
                .fetch_all(ctx.db())
                .await
        }
    }
    .or_internal()
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn propose_category(ctx: &Ctx, name: &str) -> Result<Category, AppError> {
    let name = name.trim();
    if name.chars().count() < 2 || name.chars().count() > 80 {
        return Err(AppError::field(
            "name",
            "A category name has 2 to 80 characters",
        ));
    }
    let id: Option<i64> = sqlx::query_scalar!("INSERT INTO categories (name, proposed_by) VALUES ($1, $2) ON CONFLICT (lower(name)) DO NOTHING RETURNING id", name, ctx.user().org_id)
    .fetch_optional(ctx.db())
    .await?;
    let Some(id) = id else {
        return Err(AppError::field(
            "name",
            format!(
                "A category called \u{201c}{name}\u{201d} exists already: pick it from the list"
            ),
        ));
    };
    category(ctx, id).await
}

async fn category(ctx: &Ctx, id: i64) -> Result<Category, AppError> {
    category_query!(["WHERE c.id = $1"], id)
        .fetch_optional(ctx.db())
        .await?
        .ok_or_else(|| not_found("Category"))
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn decide_category(ctx: &Ctx, id: i64, approve: bool) -> Result<Category, AppError> {
    let to = if approve { "approved" } else { "rejected" };
    let mut tx = ctx.db().begin().await?;
    let decided = sqlx::query_scalar!("UPDATE categories SET status = $2, decided_by = $3, decided_at = now() WHERE id = $1 AND status = 'proposed' RETURNING name", id, to, ctx.user().user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(name) = decided else {
        let c = category(ctx, id).await?;
        return Err(AppError::Conflict(format!(
            "\u{201c}{}\u{201d} is already {}.",
            c.name, c.status
        )));
    };
    audit::record(
        &mut tx,
        ctx,
        Entry {
            action: AuditAction::CategoryDecision,
            subject: Subject {
                table: "categories",
                id: Some(id),
                label: name,
            },
            before: Some(serde_json::json!({ "status": "proposed" })),
            after: Some(serde_json::json!({ "status": to })),
            note: String::new(),
        },
    )
    .await?;
    tx.commit().await?;
    category(ctx, id).await
}
