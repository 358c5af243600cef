//! The one path from a server function to the database. A server function calls
//! `Ctx::require(..)` (signed in, of the right kind) or `Public::get()` (log-in,
//! sign-up, who-am-I); both give it the pool, nothing else does. Every row a
//! service touches is then scoped by `ctx.user.org_id`.

use super::{AppState, session};
use crate::auth::CurrentUser;
use crate::domain::{ApprovalState, MemberRole, OrgKind};
use crate::error::AppError;
use crate::error::OrInternal;
use http::request::Parts;
use leptos::prelude::*;
use sqlx::PgPool;

/// What an anonymous caller may use.
pub struct Public {
    pub state: AppState,
    pub parts: Parts,
}

/// A signed-in caller who passed the checks. Its fields are private: a `Ctx`
/// exists only through `require*`, `from_parts` or `acting_via_whatsapp`.
pub struct Ctx {
    user: CurrentUser,
    state: AppState,
    parts: Parts,
    /// Where the request came from, for the order timeline: "web" or "whatsapp".
    via: &'static str,
}

pub use crate::error::internal;

impl Public {
    pub fn get() -> Result<Public, AppError> {
        let state =
            use_context::<AppState>().ok_or_else(|| internal("AppState missing from context"))?;
        let parts =
            use_context::<Parts>().ok_or_else(|| internal("request Parts missing from context"))?;
        Ok(Public { state, parts })
    }

    pub fn db(&self) -> &PgPool {
        &self.state.db
    }

    /// The signed-in user, if the request carries a live session.
    pub async fn current_user(&self) -> Result<Option<CurrentUser>, AppError> {
        let Some(token) = session::token_from(&self.parts.headers) else {
            return Ok(None);
        };
        session::resolve(&self.state, &token).await.or_internal()
    }

    /// True when the request is a plain HTML form post (JavaScript off).
    pub fn is_plain_form(&self) -> bool {
        accepts_html(&self.parts)
    }
}

pub fn accepts_html(parts: &Parts) -> bool {
    parts
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

impl Ctx {
    /// Signed in as a member of one of `kinds`.
    pub async fn require(kinds: &[OrgKind]) -> Result<Ctx, AppError> {
        Ctx::require_in(Public::get()?, kinds).await
    }

    /// The same checks for a plain axum handler (downloads), which has the state and
    /// request parts instead of a Leptos context.
    pub async fn from_parts(
        state: AppState,
        parts: Parts,
        kinds: &[OrgKind],
    ) -> Result<Ctx, AppError> {
        Ctx::require_in(Public { state, parts }, kinds).await
    }

    async fn require_in(public: Public, kinds: &[OrgKind]) -> Result<Ctx, AppError> {
        let Some(user) = public.current_user().await? else {
            return Err(AppError::Unauthenticated);
        };
        if !kinds.contains(&user.org_kind) {
            let wanted: Vec<_> = kinds.iter().map(|k| k.label().to_lowercase()).collect();
            return Err(AppError::Forbidden(format!(
                "This is only for {} accounts.",
                wanted.join(" or ")
            )));
        }
        Ok(Ctx {
            user,
            state: public.state,
            parts: public.parts,
            via: "web",
        })
    }

    /// Signed in, of one of `kinds`, and the organisation is approved to trade.
    pub async fn require_active(kinds: &[OrgKind]) -> Result<Ctx, AppError> {
        let ctx = Ctx::require(kinds).await?;
        match ctx.user.approval {
            ApprovalState::Active => Ok(ctx),
            ApprovalState::Pending => Err(AppError::Forbidden(
                "Your business is waiting for approval by AuroMart. You can trade once it is approved.".into(),
            )),
            ApprovalState::Suspended => Err(AppError::Forbidden("Your business account is suspended. Contact AuroMart support.".into())),
        }
    }

    /// Additionally the organisation's owner (not staff).
    pub fn owner_only(self) -> Result<Ctx, AppError> {
        if self.user.role == MemberRole::Owner {
            Ok(self)
        } else {
            Err(AppError::Forbidden(
                "Only the owner of this business can do this.".into(),
            ))
        }
    }

    /// A user who acted by tapping a WhatsApp button: the webhook found them by the
    /// verified phone number the message came from (see `whatsapp::webhook`).
    pub fn acting_via_whatsapp(state: AppState, user: CurrentUser) -> Ctx {
        Ctx {
            user,
            state,
            parts: http::Request::new(()).into_parts().0,
            via: "whatsapp",
        }
    }

    pub fn db(&self) -> &PgPool {
        &self.state.db
    }

    pub fn user(&self) -> &CurrentUser {
        &self.user
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn parts(&self) -> &Parts {
        &self.parts
    }

    /// "web" or "whatsapp", for the order timeline.
    pub fn via(&self) -> &'static str {
        self.via
    }
}

/// The row belongs to another tenant or does not exist: both look the same.
pub fn not_found(what: &str) -> AppError {
    AppError::NotFound(format!("{what} not found."))
}
