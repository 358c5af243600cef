//! Account logic and SQL (server only).

use super::{CurrentUser, SignupForm};
use crate::domain::account::{check_password, normalise_email, required_text};
use crate::domain::{
    ApprovalState, Gstin, IndianState, Language, MemberRole, OrgKind, Phone, Pincode,
};
use crate::error::{AppError, Checks};
use crate::server::guard::internal;
use crate::server::{Public, db, password, session};
use http::HeaderValue;
use http::header::SET_COOKIE;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use sqlx::PgConnection;

/// Sends a signed-in user to their home page and a plain (JavaScript-off) form
/// post that failed back to `on_err`'s page; a hydrated form gets the error back.
pub fn finish_form(
    public: &Public,
    result: Result<CurrentUser, AppError>,
    on_err: impl FnOnce(&AppError) -> String,
) -> Result<CurrentUser, AppError> {
    match &result {
        Ok(user) => leptos_axum::redirect(user.org_kind.home()),
        Err(e) if public.is_plain_form() => leptos_axum::redirect(&on_err(e)),
        Err(_) => {}
    }
    result
}

fn set_cookie(value: String) -> Result<(), AppError> {
    let res =
        use_context::<ResponseOptions>().ok_or_else(|| internal("ResponseOptions missing"))?;
    res.append_header(SET_COOKIE, HeaderValue::from_str(&value)?);
    Ok(())
}

/// "98123 45678" or "ravi@shop.in" → the stored form, or the reason it is neither.
fn parse_identifier(input: &str) -> Result<(&'static str, String), AppError> {
    let t = input.trim();
    if t.is_empty() {
        return Err(AppError::field(
            "identifier",
            "Enter your mobile number or e-mail",
        ));
    }
    if t.contains('@') {
        normalise_email(t)
            .map(|e| ("email", e))
            .map_err(|e| AppError::field("identifier", e.0))
    } else {
        Phone::parse(t)
            .map(|p| ("phone", p.as_str().to_string()))
            .map_err(|e| AppError::field("identifier", e.0))
    }
}

struct LoginRow {
    id: i64,
    password_hash: String,
}

/// Locked when the last `max` failures all fell within `window` and the newest is
/// less than `lockout` ago. Returns the seconds left.
async fn lockout_left(
    conn: &mut PgConnection,
    identifier: &str,
    cfg: &crate::server::config::Config,
) -> Result<Option<i64>, sqlx::Error> {
    let left: Option<f64> = sqlx::query_scalar!(
        r#"WITH recent AS (
             SELECT at FROM login_failures WHERE identifier = $1 ORDER BY at DESC LIMIT $2
         )
         SELECT EXTRACT(EPOCH FROM (max(at) + make_interval(secs => $4) - now()))::float8 AS "left!"
           FROM recent
         HAVING count(*) >= $2
            AND max(at) - min(at) <= make_interval(secs => $3)
            AND max(at) + make_interval(secs => $4) > now()"#,
        identifier,
        cfg.login_max_failures,
        cfg.login_window_secs as f64,
        cfg.login_lockout_secs as f64
    )
    .fetch_optional(conn)
    .await?;
    Ok(left.map(|s| s.ceil() as i64))
}

/// Either the attempt may check a password (its reservation row's id), or the
/// account is paused for this many seconds.
enum Attempt {
    Reserved(i64),
    Locked(i64),
}

/// Counts this attempt as a failure *before* its password is checked, under a
/// per-account lock: however many log-ins arrive at once, the check and the
/// recorded attempt are one step, so at most `login_max_failures` passwords are
/// ever checked in a window. A right password then takes its reservation (and
/// the failures before it) back.
async fn reserve_attempt(
    conn: &mut PgConnection,
    identifier: &str,
    cfg: &crate::server::config::Config,
) -> Result<Attempt, sqlx::Error> {
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('login:' || $1, 0))",
        identifier
    )
    .execute(&mut *tx)
    .await?;
    if let Some(secs) = lockout_left(&mut tx, identifier, cfg).await? {
        tx.commit().await?;
        return Ok(Attempt::Locked(secs));
    }
    let id: i64 = sqlx::query_scalar!(
        "INSERT INTO login_failures (identifier, at) VALUES ($1, clock_timestamp()) RETURNING id",
        identifier
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Attempt::Reserved(id))
}

#[tracing::instrument(skip_all)]
pub async fn login(
    public: &Public,
    identifier: &str,
    password_text: String,
) -> Result<CurrentUser, AppError> {
    let (column, ident) = parse_identifier(identifier)?;
    if password_text.is_empty() {
        return Err(AppError::field("password", "Enter your password"));
    }
    let cfg = public.state.config.clone();
    // The connection goes back to the pool while the password is hashed: a burst
    // of log-ins must not hold every connection idle through argon2.
    let mut conn = public.db().acquire().await?;
    let reservation = match reserve_attempt(&mut conn, &ident, &cfg).await? {
        Attempt::Reserved(id) => id,
        Attempt::Locked(secs) => {
            let minutes = (secs + 59) / 60;
            return Err(AppError::RateLimited(format!(
                "Too many wrong passwords. For your safety, log-in to this account is paused for {minutes} more minute{}. Try again later or ask the owner to reset it.",
                if minutes == 1 { "" } else { "s" }
            )));
        }
    };
    // One statement for both kinds of identifier; each branch uses its own index.
    let by_phone = column == "phone";
    let row = sqlx::query_as!(
        LoginRow,
        "SELECT id, password_hash FROM users
          WHERE (($2 AND phone = $1) OR (NOT $2 AND email = $1)) AND active",
        &ident,
        by_phone
    )
    .fetch_optional(&mut *conn)
    .await?;
    drop(conn);
    let (user_id, stored) = match row {
        Some(r) => (Some(r.id), Some(r.password_hash)),
        None => (None, None),
    };
    let was_reset = stored
        .as_deref()
        .is_some_and(|h| h.starts_with(super::reset::RESET_MARK));
    let ok = password::verify(password_text, stored).await?;
    let Some(user_id) = user_id.filter(|_| ok) else {
        // The reservation stays: it is this failure's record.
        if was_reset {
            return Err(AppError::field(
                "password",
                "AuroMart has reset this account's password: choose a new one with the code sent to your WhatsApp (Forgot password?)",
            ));
        }
        return Err(AppError::field(
            "password",
            "Wrong mobile number / e-mail or password",
        ));
    };
    let mut conn = public.db().acquire().await?;
    sqlx::query!(
        "DELETE FROM login_failures WHERE identifier = $1 AND id <= $2",
        &ident,
        reservation
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE users SET last_login_at = now() WHERE id = $1",
        user_id
    )
    .execute(&mut *conn)
    .await?;
    start_session(public, &mut conn, user_id).await
}

pub(super) async fn start_session(
    public: &Public,
    conn: &mut PgConnection,
    user_id: i64,
) -> Result<CurrentUser, AppError> {
    let cfg = &public.state.config;
    let ua = public
        .parts
        .headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    let token = session::create(conn, user_id, cfg.session_days, ua).await?;
    set_cookie(session::set_cookie(
        &token,
        cfg.session_days * 86_400,
        cfg.secure_cookies,
    ))?;
    session::lookup(conn, &token)
        .await?
        .ok_or_else(|| internal("new session not found"))
}

#[tracing::instrument(skip_all)]
pub async fn logout(public: &Public) -> Result<(), AppError> {
    if let Some(token) = session::token_from(&public.parts.headers) {
        let mut conn = public.db().acquire().await?;
        session::delete(&mut conn, &token).await?;
        public.state.sessions.forget(&session::token_hash(&token));
    }
    set_cookie(session::clear_cookie(public.state.config.secure_cookies))?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// A sign-up whose every field passed validation.
pub struct ValidSignup {
    pub kind: OrgKind,
    pub legal_name: String,
    pub trade_name: String,
    pub gstin: Option<Gstin>,
    pub address_line: String,
    pub city: String,
    pub state: IndianState,
    pub pincode: Pincode,
    pub whatsapp: Phone,
    pub owner_name: String,
    pub phone: Phone,
    pub email: Option<String>,
    pub password: String,
}

pub fn validate_signup(f: SignupForm) -> Result<ValidSignup, AppError> {
    let mut c = Checks::new();
    let kind = OrgKind::parse(f.kind.trim()).filter(|k| k.can_sign_up());
    if kind.is_none() {
        c.add("kind", "Choose retailer, distributor or manufacturer");
    }
    let legal_name = c.take(
        "legal_name",
        required_text(&f.legal_name, "the legal name of the business", 200),
    );
    let trade_name = if f.trade_name.trim().is_empty() {
        legal_name.clone()
    } else {
        c.take(
            "trade_name",
            required_text(&f.trade_name, "the shop or trade name", 200),
        )
    };
    let gstin = if f.gstin.trim().is_empty() {
        if kind.is_some_and(OrgKind::gstin_required) {
            c.add(
                "gstin",
                "A GSTIN is required for distributors and manufacturers",
            );
        }
        None
    } else {
        c.take("gstin", Gstin::parse(&f.gstin))
    };
    let address_line = c.take(
        "address_line",
        required_text(&f.address_line, "the address", 300),
    );
    let city = c.take("city", required_text(&f.city, "the city or town", 100));
    let state = c.take("state_code", IndianState::parse_code(&f.state_code));
    let pincode = c.take("pincode", Pincode::parse(&f.pincode));
    let owner_name = c.take("owner_name", required_text(&f.owner_name, "your name", 120));
    let phone = c.take("phone", Phone::parse(&f.phone));
    let whatsapp = if f.whatsapp.trim().is_empty() {
        phone.clone()
    } else {
        c.take("whatsapp", Phone::parse(&f.whatsapp))
    };
    let email = if f.email.trim().is_empty() {
        None
    } else {
        c.take("email", normalise_email(&f.email))
    };
    if c.take(
        "password",
        check_password(&f.password, phone.as_ref().map(Phone::as_str)),
    )
    .is_some()
    {
        let known: Vec<&str> = [
            f.legal_name.as_str(),
            f.trade_name.as_str(),
            f.owner_name.as_str(),
            f.city.as_str(),
            f.phone.as_str(),
            f.email.as_str(),
        ]
        .into_iter()
        .flat_map(str::split_whitespace)
        .collect();
        c.take("password", password_strength(&f.password, &known));
    }
    if let (Some(g), Some(st)) = (&gstin, &state)
        && g.state_code() != st.code
    {
        let registered = IndianState::by_code(g.state_code())
            .map(|s| s.name)
            .unwrap_or("another state");
        c.add(
            "gstin",
            format!("This GSTIN is registered in {registered} ({:02}), but the address is in {} ({:02})", g.state_code(), st.name, st.code),
        );
    }
    c.finish()?;
    // Every field checked above is present once `finish` passed.
    let valid = (move || {
        Some(ValidSignup {
            kind: kind?,
            legal_name: legal_name?,
            trade_name: trade_name?,
            gstin,
            address_line: address_line?,
            city: city?,
            state: state?,
            pincode: pincode?,
            whatsapp: whatsapp?,
            owner_name: owner_name?,
            phone: phone?,
            email,
            password: f.password,
        })
    })();
    valid.ok_or_else(|| internal("sign-up fields checked above"))
}

/// A password a guesser would not find in the first ten billion tries, by the
/// zxcvbn estimator (dictionaries of common passwords, names, words, keyboard
/// patterns, dates, repeats), also counting the person's own names and number.
pub fn password_strength(password: &str, known: &[&str]) -> Result<(), crate::domain::Invalid> {
    let estimate = zxcvbn::zxcvbn(password, known);
    if u8::from(estimate.score()) >= 3 {
        return Ok(());
    }
    let why = estimate
        .feedback()
        .and_then(|f| f.warning())
        .map(|w| format!("{w} "))
        .unwrap_or_default();
    Err(crate::domain::Invalid::new(format!(
        "This password is too easy to guess. {why}Add a few more words or mix in digits and symbols, for example Kirana@Pune7."
    )))
}

/// Maps a unique-index violation to the field the person should change.
fn conflict_field(constraint: &str) -> Option<AppError> {
    Some(match constraint {
        "users_phone_key" => AppError::field(
            "phone",
            "This mobile number already has an account. Log in instead, or use another number.",
        ),
        "users_email_key" => AppError::field(
            "email",
            "This e-mail already has an account. Log in instead, or use another e-mail.",
        ),
        "organisations_gstin_key" => AppError::field(
            "gstin",
            "A business with this GSTIN is already registered on AuroMart.",
        ),
        _ => return None,
    })
}

pub fn map_write_error(err: sqlx::Error) -> AppError {
    match db::violated_constraint(&err).and_then(|c| conflict_field(&c)) {
        Some(field_error) => field_error,
        None => internal(err),
    }
}

/// Creates the organisation and its owner in one transaction. Returns the owner's user id.
pub async fn create_account(
    conn: &mut PgConnection,
    v: &ValidSignup,
    password_hash: &str,
    approval: ApprovalState,
) -> Result<i64, AppError> {
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let org_id: i64 = sqlx::query_scalar!("INSERT INTO organisations (kind, legal_name, trade_name, gstin, address_line, city, state_code, pincode, whatsapp, approval)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id", v.kind.as_str(), &v.legal_name, &v.trade_name, v.gstin.as_ref().map(Gstin::as_str), &v.address_line, &v.city, v.state.code as i16, v.pincode.as_str(), v.whatsapp.as_str(), approval.as_str())
    .fetch_one(&mut *tx)
    .await
    .map_err(map_write_error)?;
    let user_id: i64 = sqlx::query_scalar!(
        "INSERT INTO users (org_id, role, name, phone, email, password_hash, language)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        org_id,
        MemberRole::Owner.as_str(),
        &v.owner_name,
        v.phone.as_str(),
        v.email.as_deref(),
        password_hash,
        Language::En.as_str()
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(map_write_error)?;
    tx.commit().await?;
    Ok(user_id)
}

#[tracing::instrument(skip_all)]
pub async fn signup(public: &Public, form: SignupForm) -> Result<CurrentUser, AppError> {
    let valid = validate_signup(form)?;
    let hash = password::hash(valid.password.clone()).await?;
    let approval = if valid.kind.needs_approval() {
        ApprovalState::Pending
    } else {
        ApprovalState::Active
    };
    let mut conn = public.db().acquire().await?;
    crate::places::service::require_in_state(&mut conn, "pincode", &valid.pincode, valid.state)
        .await?;
    let user_id = create_account(&mut conn, &valid, &hash, approval).await?;
    start_session(public, &mut conn, user_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SignupForm {
        SignupForm {
            kind: "distributor".into(),
            legal_name: "Shree Ganesh Traders".into(),
            trade_name: "".into(),
            gstin: "27AAPFU0939F1ZV".into(),
            address_line: "12 Market Yard".into(),
            city: "Pune".into(),
            state_code: "27".into(),
            pincode: "411037".into(),
            whatsapp: "".into(),
            owner_name: "Ganesh Patil".into(),
            phone: "98220 12345".into(),
            email: "".into(),
            password: "Ganesh@Yard9".into(),
        }
    }

    #[test]
    fn valid_form_is_normalised() {
        let v = validate_signup(form()).expect("valid");
        assert_eq!(v.trade_name, "Shree Ganesh Traders");
        assert_eq!(v.whatsapp.as_str(), "919822012345");
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = SignupForm {
            gstin: "27AAPFU0939F1ZX".into(),
            pincode: "41103".into(),
            phone: "12345".into(),
            password: "short".into(),
            ..form()
        };
        let err = validate_signup(bad).err().expect("refused");
        for field in ["gstin", "pincode", "phone", "password"] {
            assert!(
                err.reason_for(field).is_some(),
                "{field} missing in {err:?}"
            );
        }
        assert!(err.reason_for("city").is_none());
    }

    #[test]
    fn gstin_state_must_match_address() {
        let err = validate_signup(SignupForm {
            state_code: "29".into(),
            pincode: "560001".into(),
            ..form()
        })
        .err()
        .expect("refused");
        assert!(
            err.reason_for("gstin")
                .is_some_and(|r| r.contains("Maharashtra")),
            "{err:?}"
        );
    }

    #[test]
    fn guessable_passwords_are_refused_with_a_reason() {
        for weak in [
            "sunshine",
            "football",
            "abcdefgh",
            "iloveyou1",
            "qwerty12",
            "Ganesh2026",
        ] {
            let err = validate_signup(SignupForm {
                password: weak.into(),
                owner_name: "Ganesh Patil".into(),
                ..form()
            })
            .err()
            .unwrap_or_else(|| panic!("{weak} accepted"));
            let reason = err.reason_for("password").unwrap_or_default();
            assert!(!reason.is_empty(), "{weak}: {err:?}");
        }
        for strong in [
            "Kirana@Pune7",
            "Ganesh@Yard9",
            "ग्राहक-भाई-2026",
            "blue mango tractor river",
        ] {
            assert!(
                password_strength(strong, &["Ganesh", "Patil"]).is_ok(),
                "{strong}"
            );
        }
    }

    #[test]
    fn retailers_may_be_unregistered_but_distributors_not() {
        assert!(
            validate_signup(SignupForm {
                kind: "retailer".into(),
                gstin: "".into(),
                ..form()
            })
            .is_ok()
        );
        let err = validate_signup(SignupForm {
            gstin: "".into(),
            ..form()
        })
        .err()
        .expect("refused");
        assert!(err.reason_for("gstin").is_some());
        assert!(
            validate_signup(SignupForm {
                kind: "platform".into(),
                ..form()
            })
            .is_err()
        );
    }
}
