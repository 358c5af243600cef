//! Setting a new password with a one-time code sent on WhatsApp: the person asks
//! for one ("forgot password"), or an admin forces a reset (the old password
//! stops working and the user is signed out at once). A code is six digits, kept
//! only as its SHA-256, valid 30 minutes, used once, and allows five wrong tries;
//! at most three are sent to one account in an hour, and asking never tells
//! whether a number has an account.

use super::CurrentUser;
use crate::domain::Phone;
use crate::domain::account::check_password;
use crate::error::AppError;
use crate::server::Public;
use crate::server::password;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

/// Minutes a code stays valid.
pub const CODE_MINUTES: i32 = 30;
/// Wrong tries a code allows.
pub const MAX_TRIES: i32 = 5;
/// Codes one account is sent in an hour.
pub const PER_HOUR: i64 = 3;

/// What the stored password of a forced reset starts with: no hash parses as it,
/// so the old password stops working at once.
pub const RESET_MARK: &str = "reset:";

fn code_hash(user_id: i64, code: &str) -> Vec<u8> {
    Sha256::digest(format!("{user_id}:{code}").as_bytes()).to_vec()
}

/// Writes a new code for `user_id` and its WhatsApp message, in `conn`'s transaction.
pub async fn issue(
    conn: &mut PgConnection,
    user_id: i64,
    requested_by: Option<i64>,
) -> Result<(), AppError> {
    let code = {
        use rand::Rng;
        format!("{:06}", rand::thread_rng().gen_range(0..1_000_000))
    };
    let id: i64 = sqlx::query_scalar!(
        "INSERT INTO password_resets (user_id, code_hash, requested_by, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(mins => $4)) RETURNING id",
        user_id,
        code_hash(user_id, &code),
        requested_by,
        CODE_MINUTES
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO outbox (dedupe_key, recipient, recipient_user, template, language, params)
         SELECT 'password_code:' || $2::bigint, u.phone, u.id, 'password_code', u.language,
                jsonb_build_object('code', $3::text)
           FROM users u WHERE u.id = $1 AND u.phone IS NOT NULL",
        user_id,
        id,
        code
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// "Forgot password": sends a code to the account with this mobile number, if
/// there is one and it has not had three this hour. The answer is the same
/// either way.
pub async fn request(public: &Public, phone: &str) -> Result<(), AppError> {
    let phone = Phone::parse(phone).map_err(|e| AppError::field("phone", e.to_string()))?;
    let mut tx = public.db().begin().await?;
    let user = sqlx::query!(
        r#"SELECT u.id, (SELECT count(*) FROM password_resets r
                         WHERE r.user_id = u.id AND r.created_at > now() - interval '1 hour') AS "recent!"
             FROM users u WHERE u.phone = $1 AND u.active FOR UPDATE OF u"#,
        phone.as_str()
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(u) = user.filter(|u| u.recent < PER_HOUR) {
        issue(&mut tx, u.id, None).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets a new password with a code, signs out every other session, and signs in.
pub async fn reset(
    public: &Public,
    phone: &str,
    code: &str,
    new_password: String,
) -> Result<CurrentUser, AppError> {
    let phone = Phone::parse(phone).map_err(|e| AppError::field("phone", e.to_string()))?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::field("code", "The code has 6 digits"));
    }
    check_password(&new_password, Some(phone.as_str()))
        .and_then(|()| super::service::password_strength(&new_password, &[phone.as_str()]))
        .map_err(|e| AppError::field("password", e.to_string()))?;
    let wrong = || {
        AppError::field(
            "code",
            "This code is wrong or has expired: ask for a new one",
        )
    };
    let mut tx = public.db().begin().await?;
    let pending = sqlx::query!(
        "SELECT r.id, r.user_id, r.code_hash, r.attempts FROM password_resets r JOIN users u ON u.id = r.user_id
          WHERE u.phone = $1 AND u.active AND r.used_at IS NULL AND r.expires_at > now()
          ORDER BY r.created_at DESC LIMIT 1 FOR UPDATE OF r",
        phone.as_str()
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(wrong)?;
    if pending.attempts >= MAX_TRIES {
        return Err(AppError::field(
            "code",
            "Too many wrong tries for this code: ask for a new one",
        ));
    }
    let given = code_hash(pending.user_id, &code);
    let matches = given.len() == pending.code_hash.len()
        && given
            .iter()
            .zip(&pending.code_hash)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !matches {
        sqlx::query!(
            "UPDATE password_resets SET attempts = attempts + 1 WHERE id = $1",
            pending.id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Err(wrong());
    }
    let hash = password::hash(new_password).await?;
    sqlx::query!(
        "UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL",
        pending.user_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE users SET password_hash = $2, last_login_at = now() WHERE id = $1",
        pending.user_id,
        hash
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("DELETE FROM sessions WHERE user_id = $1", pending.user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "DELETE FROM login_failures WHERE identifier = $1",
        phone.as_str()
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    public.state.sessions.clear();
    let mut conn = public.db().acquire().await?;
    super::service::start_session(public, &mut conn, pending.user_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_hash_belongs_to_its_user() {
        assert_eq!(code_hash(7, "123456"), code_hash(7, "123456"));
        assert_ne!(code_hash(7, "123456"), code_hash(8, "123456"));
        assert_ne!(code_hash(7, "123456"), code_hash(7, "123457"));
        assert_eq!(code_hash(7, "123456").len(), 32);
    }
}
