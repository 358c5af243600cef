use super::{
    ApprovalEvent, AuditFilter, AuditPage, AuditRow, LinkRow, OrgDetail, OrgFilter, OrgPage,
    OrgRow, PlatformSummary, UserRow,
};
use crate::domain::audit::AuditAction;
use crate::domain::{ApprovalState, IndianState, MemberRole, OrgKind};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::Ctx;
use crate::server::audit::{self, Entry, Subject};
use crate::server::guard::not_found;

/// `query_as!(OrgRow, …)`: an organisation with its first owner, its district,
/// users and last log-in, then the tail.
macro_rules! row_query {
    ([$($tail:tt)+] $(, $arg:expr)* $(,)?) => {
        row_query!([""] [$($tail)+] $(, $arg)*)
    };
    ([$($with:tt)+] [$($tail:tt)+] $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            OrgRow,
            $($with)+ + r#"SELECT o.id, o.kind AS "kind: OrgKind", o.legal_name, o.trade_name, o.gstin, o.city, o.state_code, o.pincode,
                      o.whatsapp AS "whatsapp: String", o.approval AS "approval: ApprovalState", o.approval_note,
                      w.name AS "owner_name?", w.phone AS "owner_phone?: String", ist_datetime(o.created_at) AS "created!",
                      p.district AS "district?", uu.users AS "users!", ist_datetime(uu.last_login) AS "last_login?"
                 FROM organisations o
                 LEFT JOIN LATERAL (SELECT name, phone FROM users u WHERE u.org_id = o.id AND u.role = 'owner' ORDER BY u.id LIMIT 1) w ON true
                 LEFT JOIN LATERAL (SELECT district FROM pincodes p WHERE p.pincode = o.pincode AND p.state_code = o.state_code) p ON true
                 CROSS JOIN LATERAL (SELECT count(*) AS users, max(last_login_at) AS last_login FROM users u WHERE u.org_id = o.id) uu "#
                + $($tail)+
            $(, $arg)*
        )
    };
}

/// Organisations per page of the directory.
const PAGE: i64 = 50;

/// "%text%" for ILIKE, with its wildcards escaped.
fn contains_pattern(q: &str) -> String {
    format!(
        "%{}%",
        q.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn list(ctx: &Ctx, f: OrgFilter) -> Result<OrgPage, AppError> {
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
    let state = match f.state.trim() {
        "" => None,
        s => Some(IndianState::parse_code(s).map_err(|e| AppError::field("state", e.to_string()))?),
    };
    let district = f.district.trim();
    let q = f.q.trim();
    if q.chars().count() > 100 || district.chars().count() > 100 {
        return Err(AppError::field("q", "Search for at most 100 characters"));
    }
    let days = match f.active_days.trim() {
        "" => None,
        d => Some(
            d.parse::<i32>()
                .ok()
                .filter(|d| (1..=3650).contains(d))
                .ok_or_else(|| {
                    AppError::field("active_days", "A number of days from 1 to 3,650")
                })?,
        ),
    };
    let after = match f.after.trim() {
        "" => None,
        a => Some(
            a.parse::<i64>()
                .map_err(|_| AppError::field("after", "Not a page of the list"))?,
        ),
    };
    // A phone number typed with spaces or +91 still finds the digits stored.
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    let text = if !digits.is_empty() && q.chars().all(|c| c.is_ascii_digit() || " +-".contains(c)) {
        digits
    } else {
        q.to_string()
    };
    let pattern = contains_pattern(&text);
    // The organisations a search matches come first, from the two trigram indexes
    // (a few rows for a phone or a GSTIN), and the page is read from them by id;
    // a district is the set of its pincodes.
    let mut rows = row_query!(
        ["WITH hits AS MATERIALIZED (
              SELECT o.id FROM organisations o
               WHERE $5 <> '%%'
                 AND (o.legal_name || ' ' || o.trade_name || ' ' || coalesce(o.gstin, '') || ' ' || o.pincode || ' ' || o.whatsapp) ILIKE $5
              UNION
              SELECT u.org_id FROM users u
               WHERE $5 <> '%%'
                 AND (u.name || ' ' || coalesce(u.phone, '') || ' ' || coalesce(u.email, '')) ILIKE $5) "]
        ["WHERE o.kind <> 'platform'
            AND ($1::text IS NULL OR o.kind = $1)
            AND ($2::text IS NULL OR o.approval = $2)
            AND ($3::int2 IS NULL OR o.state_code = $3)
            AND ($4 = '' OR o.pincode IN (SELECT pincode FROM pincodes WHERE district ILIKE $4))
            AND ($5 = '%%' OR o.id IN (SELECT id FROM hits))
            AND ($6::int IS NULL OR EXISTS (SELECT 1 FROM users u WHERE u.org_id = o.id
                                              AND u.last_login_at > now() - make_interval(days => $6)))
            AND ($7::bigint IS NULL OR o.id < $7)
          ORDER BY o.id DESC
          LIMIT $8"],
        kind.map(OrgKind::as_str),
        approval.map(ApprovalState::as_str),
        state.map(|s| i16::from(s.code)),
        district,
        pattern,
        days,
        after,
        PAGE + 1
    )
    .fetch_all(ctx.db())
    .await?;
    let more = rows.len() as i64 > PAGE;
    rows.truncate(PAGE as usize);
    Ok(OrgPage {
        next_after: more.then(|| rows.last().map(|r| r.id)).flatten(),
        rows,
    })
}

#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn detail(ctx: &Ctx, org_id: i64) -> Result<OrgDetail, AppError> {
    let org = row(ctx, org_id).await?;
    let address = sqlx::query_scalar!(
        "SELECT address_line || ', ' || city || ' ' || pincode FROM organisations WHERE id = $1",
        org_id
    )
    .fetch_one(ctx.db())
    .await?
    .unwrap_or_default();
    let users = sqlx::query_as!(
        UserRow,
        r#"SELECT id, name, role AS "role: MemberRole", phone, email, active, ist_datetime(created_at) AS "created!",
                  ist_datetime(last_login_at) AS "last_login?", ist_datetime(removed_at) AS "removed?"
             FROM users WHERE org_id = $1 ORDER BY removed_at IS NOT NULL, role, id"#,
        org_id
    )
    .fetch_all(ctx.db())
    .await?;
    let links = sqlx::query_as!(
        LinkRow,
        r#"SELECT o.id AS other_id, o.trade_name AS other_name, k.state
             FROM links k JOIN organisations o
               ON o.id = CASE WHEN k.manufacturer_id = $1 THEN k.distributor_id ELSE k.manufacturer_id END
            WHERE k.manufacturer_id = $1 OR k.distributor_id = $1
            ORDER BY o.trade_name"#,
        org_id
    )
    .fetch_all(ctx.db())
    .await?;
    let counts = sqlx::query!(
        r#"SELECT (SELECT count(*) FROM orders WHERE retailer_id = $1 OR distributor_id = $1) AS "orders!",
                  (SELECT count(*) FROM invoices i JOIN orders o ON o.id = i.order_id
                    WHERE o.retailer_id = $1 OR o.distributor_id = $1) AS "invoices!""#,
        org_id
    )
    .fetch_one(ctx.db())
    .await?;
    let history = sqlx::query_as!(
        ApprovalEvent,
        r#"SELECT ist_datetime(e.at) AS "at!", e.from_state, e.to_state, e.note, u.name AS by
             FROM approval_events e JOIN users u ON u.id = e.by_user
            WHERE e.org_id = $1 ORDER BY e.at DESC, e.id DESC"#,
        org_id
    )
    .fetch_all(ctx.db())
    .await?;
    Ok(OrgDetail {
        org,
        address,
        users,
        links,
        orders: counts.orders,
        invoices: counts.invoices,
        history,
    })
}

/// Turns a user's log-in off (signed out at once, in every process) or back on.
/// An admin cannot turn off their own log-in, nor the platform's last one.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn set_user_active(
    ctx: &Ctx,
    user_id: i64,
    active: bool,
    note: &str,
) -> Result<UserRow, AppError> {
    let note = reason(note, !active)?;
    if !active && user_id == ctx.user().user_id {
        return Err(AppError::Conflict(
            "You cannot turn off your own log-in.".into(),
        ));
    }
    let mut tx = ctx.db().begin().await?;
    let user = sqlx::query!(
        r#"SELECT u.org_id, u.name, u.active, u.removed_at IS NOT NULL AS "removed!", o.kind AS "kind: OrgKind",
                  o.trade_name
             FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1 FOR UPDATE OF u"#,
        user_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| not_found("User"))?;
    if user.removed {
        return Err(AppError::Conflict(format!(
            "{} was removed and cannot be enabled again.",
            user.name
        )));
    }
    if user.active == active {
        return Err(AppError::Conflict(format!(
            "{} is already {}.",
            user.name,
            if active { "enabled" } else { "disabled" }
        )));
    }
    if !active && user.kind == OrgKind::Platform {
        keep_an_admin(&mut tx, user_id, "turning this one off").await?;
    }
    sqlx::query!(
        "UPDATE users SET active = $2 WHERE id = $1",
        user_id,
        active
    )
    .execute(&mut *tx)
    .await?;
    if !active {
        sqlx::query!("DELETE FROM sessions WHERE user_id = $1", user_id)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut tx,
        ctx,
        Entry {
            action: if active {
                AuditAction::UserEnabled
            } else {
                AuditAction::UserDisabled
            },
            subject: Subject {
                table: "users",
                id: Some(user_id),
                label: format!("{} of {}", user.name, user.trade_name),
            },
            before: Some(serde_json::json!({ "active": user.active })),
            after: Some(serde_json::json!({ "active": active })),
            note: note.to_string(),
        },
    )
    .await?;
    crate::server::session::announce(&mut tx, user.org_id).await?;
    tx.commit().await?;
    ctx.state().sessions.clear();
    user_row(ctx, user_id).await
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
    let pattern = contains_pattern(q);
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

/// Forces a new password: the old one stops working, the user is signed out at
/// once, and a code to choose a new one goes to their WhatsApp.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn force_password_reset(
    ctx: &Ctx,
    user_id: i64,
    note: &str,
) -> Result<UserRow, AppError> {
    let note = reason(note, false)?;
    if user_id == ctx.user().user_id {
        return Err(AppError::Conflict(
            "Change your own password from your profile instead.".into(),
        ));
    }
    let mut tx = ctx.db().begin().await?;
    let user = sqlx::query!(
        r#"SELECT u.org_id, u.name, u.phone, u.active, o.trade_name
             FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1 FOR UPDATE OF u"#,
        user_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| not_found("User"))?;
    if user.phone.is_none() {
        return Err(AppError::Conflict(format!(
            "{} has no mobile number, so no code can reach them on WhatsApp.",
            user.name
        )));
    }
    if !user.active {
        return Err(AppError::Conflict(format!(
            "{}'s log-in is off: enable it first.",
            user.name
        )));
    }
    sqlx::query!(
        "UPDATE users SET password_hash = $2 || now()::text WHERE id = $1",
        user_id,
        crate::auth::reset::RESET_MARK
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("DELETE FROM sessions WHERE user_id = $1", user_id)
        .execute(&mut *tx)
        .await?;
    crate::auth::reset::issue(&mut tx, user_id, Some(ctx.user().user_id)).await?;
    audit::record(
        &mut tx,
        ctx,
        Entry {
            action: AuditAction::PasswordReset,
            subject: Subject {
                table: "users",
                id: Some(user_id),
                label: format!("{} of {}", user.name, user.trade_name),
            },
            before: None,
            after: Some(serde_json::json!({ "code_sent_to": user.phone })),
            note: note.to_string(),
        },
    )
    .await?;
    crate::server::session::announce(&mut tx, user.org_id).await?;
    tx.commit().await?;
    ctx.state().sessions.clear();
    user_row(ctx, user_id).await
}

/// One user as the organisation's page lists them.
async fn user_row(ctx: &Ctx, user_id: i64) -> Result<UserRow, AppError> {
    sqlx::query_as!(
        UserRow,
        r#"SELECT id, name, role AS "role: MemberRole", phone, email, active, ist_datetime(created_at) AS "created!",
                  ist_datetime(last_login_at) AS "last_login?", ist_datetime(removed_at) AS "removed?"
             FROM users WHERE id = $1"#,
        user_id
    )
    .fetch_one(ctx.db())
    .await
    .or_internal()
}

/// The platform's admins, for the console.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn admins(ctx: &Ctx) -> Result<Vec<UserRow>, AppError> {
    Ok(sqlx::query_as!(
        UserRow,
        r#"SELECT id, name, role AS "role: MemberRole", phone, email, active, ist_datetime(created_at) AS "created!",
                  ist_datetime(last_login_at) AS "last_login?", ist_datetime(removed_at) AS "removed?"
             FROM users WHERE org_id = $1 AND removed_at IS NULL ORDER BY id"#,
        ctx.user().org_id
    )
    .fetch_all(ctx.db())
    .await?)
}

/// Invites another admin: a user of the platform with no password yet, who gets a
/// code on WhatsApp to choose one (the "Forgot password?" page).
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn invite_admin(ctx: &Ctx, name: &str, phone: &str) -> Result<UserRow, AppError> {
    let name = name.trim();
    let mut c = crate::error::Checks::new();
    if !(2..=120).contains(&name.chars().count()) {
        c.add("name", "Enter their name (2 to 120 characters)");
    }
    let phone = c.take("phone", crate::domain::Phone::parse(phone));
    c.finish()?;
    let phone = phone.ok_or_else(|| crate::server::guard::internal("phone checked above"))?;
    let mut tx = ctx.db().begin().await?;
    let user_id = sqlx::query_scalar!(
        "INSERT INTO users (org_id, role, name, phone, password_hash) VALUES ($1, 'staff', $2, $3, $4 || now()::text)
         RETURNING id",
        ctx.user().org_id,
        name,
        phone.as_str(),
        crate::auth::reset::RESET_MARK
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(crate::auth::service::map_write_error)?;
    crate::auth::reset::issue(&mut tx, user_id, Some(ctx.user().user_id)).await?;
    audit::record(
        &mut tx,
        ctx,
        Entry {
            action: AuditAction::AdminInvited,
            subject: Subject {
                table: "users",
                id: Some(user_id),
                label: name.to_string(),
            },
            before: None,
            after: Some(serde_json::json!({ "name": name, "phone": phone.as_str() })),
            note: String::new(),
        },
    )
    .await?;
    tx.commit().await?;
    user_row(ctx, user_id).await
}

/// The reason an admin gives: kept in the audit log, required for what takes
/// something away.
fn reason(note: &str, required: bool) -> Result<&str, AppError> {
    let note = note.trim();
    if note.chars().count() > 500 {
        return Err(AppError::field(
            "note",
            "Keep the note under 500 characters",
        ));
    }
    if required && note.is_empty() {
        return Err(AppError::field(
            "note",
            "Say why: it is kept in the audit log",
        ));
    }
    Ok(note)
}

/// Refuses to leave the platform without an admin who can log in. Locks every
/// admin's row, so two admins turning each other off cannot leave none.
async fn keep_an_admin(
    tx: &mut sqlx::PgConnection,
    user_id: i64,
    doing: &str,
) -> Result<(), AppError> {
    let others = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM (SELECT u.id FROM users u JOIN organisations o ON o.id = u.org_id
            WHERE o.kind = 'platform' AND u.active AND u.id <> $1 FOR UPDATE OF u) a"#,
        user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if others == 0 {
        return Err(AppError::Conflict(format!(
            "This is the platform's last admin: invite another before {doing}."
        )));
    }
    Ok(())
}

/// Removes a staff member (or another admin): they can no longer log in, are
/// signed out at once, and their phone and e-mail are free for another account.
/// The row stays, because orders and invoices name who placed or issued them;
/// the former contact is kept in the audit log. An owner is never removed.
#[tracing::instrument(skip_all, fields(org = ctx.user().org_id, user = ctx.user().user_id))]
pub async fn remove_user(ctx: &Ctx, user_id: i64, note: &str) -> Result<UserRow, AppError> {
    let note = reason(note, true)?;
    if user_id == ctx.user().user_id {
        return Err(AppError::Conflict("You cannot remove yourself.".into()));
    }
    let mut tx = ctx.db().begin().await?;
    let user = sqlx::query!(
        r#"SELECT u.org_id, u.name, u.role AS "role: MemberRole", u.phone, u.email, u.active,
                  u.removed_at IS NOT NULL AS "removed!", o.kind AS "kind: OrgKind", o.trade_name
             FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1 FOR UPDATE OF u"#,
        user_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| not_found("User"))?;
    if user.removed {
        return Err(AppError::Conflict(format!(
            "{} was already removed.",
            user.name
        )));
    }
    if user.role == MemberRole::Owner {
        return Err(AppError::Conflict(format!(
            "{} owns {}: an owner cannot be removed. Suspend the organisation or turn the log-in off instead.",
            user.name, user.trade_name
        )));
    }
    if user.kind == OrgKind::Platform {
        keep_an_admin(&mut tx, user_id, "removing this one").await?;
    }
    sqlx::query!(
        "UPDATE users SET active = false, phone = NULL, email = NULL, removed_at = now(), removed_by = $2
          WHERE id = $1",
        user_id,
        ctx.user().user_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("DELETE FROM sessions WHERE user_id = $1", user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL",
        user_id
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        ctx,
        Entry {
            action: AuditAction::UserRemoved,
            subject: Subject {
                table: "users",
                id: Some(user_id),
                label: format!("{} of {}", user.name, user.trade_name),
            },
            before: Some(serde_json::json!({
                "phone": user.phone, "email": user.email, "active": user.active
            })),
            after: Some(serde_json::json!({ "removed": true })),
            note: note.to_string(),
        },
    )
    .await?;
    crate::server::session::announce(&mut tx, user.org_id).await?;
    tx.commit().await?;
    ctx.state().sessions.clear();
    user_row(ctx, user_id).await
}
