//! Server functions for accounts. Thin: get the guard, call the service.

use super::{CurrentUser, SignupForm};
use crate::error::AppError;
use leptos::prelude::*;

/// Who is signed in (None when nobody is). Open to anyone.
#[server(endpoint = "auth/me")]
pub async fn me() -> Result<Option<CurrentUser>, AppError> {
    crate::server::Public::get()?.current_user().await
}

/// Log in by phone or e-mail. Sets the session cookie and sends the browser home.
#[server(endpoint = "auth/login")]
pub async fn login(identifier: String, password: String) -> Result<CurrentUser, AppError> {
    let public = crate::server::Public::get()?;
    let result = super::service::login(&public, &identifier, password).await;
    super::service::finish_form(&public, result, |e| {
        format!(
            "/login?{}&id={}",
            super::notice::query_for(e),
            crate::ui::query_value(&super::notice::identifier_echo(identifier.trim()))
        )
    })
}

/// Open an account for a new retailer, distributor or manufacturer and sign its owner in.
#[server(endpoint = "auth/signup")]
pub async fn signup(form: SignupForm) -> Result<CurrentUser, AppError> {
    let public = crate::server::Public::get()?;
    let kind = form.kind.clone();
    let result = super::service::signup(&public, form).await;
    super::service::finish_form(&public, result, |e| {
        format!(
            "/signup?as={}&{}",
            crate::ui::query_value(&kind),
            super::notice::query_for(e)
        )
    })
}

/// "Forgot password": a code to set a new one goes to the account's WhatsApp, if
/// the number has an account (the answer is the same either way).
#[server(endpoint = "auth/request_reset")]
pub async fn request_reset(phone: String) -> Result<(), AppError> {
    let public = crate::server::Public::get()?;
    let result = super::reset::request(&public, &phone).await;
    if public.is_plain_form() {
        let to = match &result {
            Ok(()) => format!(
                "/reset?sent=1&phone={}",
                crate::ui::query_value(phone.trim())
            ),
            Err(e) => format!("/reset?{}", super::notice::query_for(e)),
        };
        leptos_axum::redirect(&to);
    }
    result
}

/// Set a new password with the code from WhatsApp; signs in.
#[server(endpoint = "auth/reset_password")]
pub async fn reset_password(
    phone: String,
    code: String,
    password: String,
) -> Result<CurrentUser, AppError> {
    let public = crate::server::Public::get()?;
    let result = super::reset::reset(&public, &phone, &code, password).await;
    super::service::finish_form(&public, result, |e| {
        format!(
            "/reset?sent=1&phone={}&{}",
            crate::ui::query_value(phone.trim()),
            super::notice::query_for(e)
        )
    })
}

/// End this session.
#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    let public = crate::server::Public::get()?;
    super::service::logout(&public).await
}
