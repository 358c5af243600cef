//! Sessions stored in PostgreSQL. The cookie carries 32 random bytes; the table
//! keeps only their SHA-256, so a leaked table cannot be replayed as cookies.

use crate::auth::CurrentUser;
use crate::domain::{ApprovalState, Language, MemberRole, OrgKind};
use http::HeaderMap;
use http::header::COOKIE;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

pub const COOKIE_NAME: &str = "am_session";

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The session token from the request's Cookie headers, if any.
pub fn token_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| {
            *name == COOKIE_NAME
                && value.len() == 64
                && value.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .map(|(_, value)| value.to_string())
}

pub fn set_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

pub fn clear_cookie(secure: bool) -> String {
    set_cookie("", 0, secure)
}

pub async fn create(
    conn: &mut PgConnection,
    user_id: i64,
    days: i64,
    user_agent: Option<&str>,
) -> Result<String, sqlx::Error> {
    let token = new_token();
    sqlx::query!(
        "INSERT INTO sessions (token_hash, user_id, expires_at, user_agent)
         VALUES ($1, $2, now() + make_interval(days => $3::int), $4)",
        token_hash(&token),
        user_id,
        days as i32,
        user_agent.map(|ua| ua.chars().take(300).collect::<String>())
    )
    .execute(&mut *conn)
    .await?;
    Ok(token)
}

/// Ends one session, and tells every server process (its open event streams
/// and session caches) that the organisation's sessions changed.
pub async fn delete(conn: &mut PgConnection, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "WITH ended AS (
             DELETE FROM sessions s USING users u
              WHERE s.token_hash = $1 AND u.id = s.user_id RETURNING u.org_id)
         SELECT pg_notify($2, org_id::text) FROM ended",
        token_hash(token),
        crate::orders::live::SESSIONS_CHANNEL
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Tells every server process that an organisation's sessions changed (its
/// standing did): sent when the caller's transaction commits.
pub async fn announce(conn: &mut PgConnection, org_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "SELECT pg_notify($1, $2::bigint::text)",
        crate::orders::live::SESSIONS_CHANNEL,
        org_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The user behind a session token: from this process's cache if resolved a
/// moment ago, else from the database (and then cached).
pub async fn resolve(
    state: &crate::server::AppState,
    token: &str,
) -> Result<Option<CurrentUser>, sqlx::Error> {
    let hash = token_hash(token);
    if let Some(user) = state.sessions.get(&hash) {
        return Ok(Some(user));
    }
    let mut conn = state.db.acquire().await?;
    let user = lookup(&mut conn, token).await?;
    if let Some(user) = &user {
        state.sessions.put(hash, user.clone());
    }
    Ok(user)
}

/// `query_as!(CurrentUser, …)`: a user `u` of organisation `o` as a signed-in
/// user, then the given tail (`FROM …`).
macro_rules! user_query {
    ([$($tail:tt)+] $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            CurrentUser,
            r#"SELECT u.id AS user_id, u.name, u.role AS "role: MemberRole",
                      u.language AS "language: Language", o.id AS org_id,
                      o.kind AS "org_kind: OrgKind", o.trade_name AS org_name,
                      o.approval AS "approval: ApprovalState" "# + $($tail)+
            $(, $arg)*
        )
    };
}

/// The user behind a live session, or None for a missing, expired or revoked one.
pub async fn lookup(
    conn: &mut PgConnection,
    token: &str,
) -> Result<Option<CurrentUser>, sqlx::Error> {
    user_query!(
        ["FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.org_id
           WHERE s.token_hash = $1 AND s.expires_at > now() AND u.active"],
        token_hash(token)
    )
    .fetch_optional(conn)
    .await
}

/// The active user with this WhatsApp number (international form, no '+').
pub async fn by_phone(
    conn: &mut PgConnection,
    phone: &str,
) -> Result<Option<CurrentUser>, sqlx::Error> {
    user_query!(
        ["FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.phone = $1 AND u.active"],
        phone
    )
    .fetch_optional(conn)
    .await
}

/// The active user with this id (a message's recipient, for work done on their behalf).
pub async fn by_id(conn: &mut PgConnection, id: i64) -> Result<Option<CurrentUser>, sqlx::Error> {
    user_query!(
        ["FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1 AND u.active"],
        id
    )
    .fetch_optional(conn)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_only_a_well_formed_session_cookie() {
        let token = new_token();
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            format!("theme=dark; {COOKIE_NAME}={token}; x=1")
                .parse()
                .expect("header"),
        );
        assert_eq!(token_from(&headers), Some(token));
        let mut forged = HeaderMap::new();
        forged.insert(
            COOKIE,
            format!("{COOKIE_NAME}=' OR 1=1 --")
                .parse()
                .expect("header"),
        );
        assert_eq!(token_from(&forged), None);
    }

    #[test]
    fn cookie_is_http_only_and_same_site() {
        let c = set_cookie("abc", 60, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(!set_cookie("abc", 60, false).contains("Secure"));
    }
}
