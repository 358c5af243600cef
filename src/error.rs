//! The one error type that crosses the wire from server functions to the browser.
//! Every variant but `Internal` is something the user can act on.

use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

/// One field's problem, shown next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please log in to continue.")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// Input refused; each entry names the field and why.
    #[error("{}", summary(.0))]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    RateLimited(String),
    #[error("{0}")]
    Unavailable(String),
    /// Logged with its cause on the server; the user sees only this and the
    /// request's id (empty outside a request), which finds the log lines.
    #[error("{}", internal_message(.0))]
    Internal(String),
    /// The request never reached the function or its answer never came back.
    #[error("Could not reach AuroMart. Check your connection and try again.")]
    Transport(String),
}

fn internal_message(reference: &str) -> String {
    let text = "Something went wrong on our side. Nothing was changed; please try again.";
    if reference.is_empty() {
        text.to_string()
    } else {
        format!("{text} (Reference {reference})")
    }
}

fn summary(errors: &[FieldError]) -> String {
    match errors {
        [] => "Please check the form.".to_string(),
        [one] => one.reason.clone(),
        many => format!("Please correct {} fields.", many.len()),
    }
}

impl AppError {
    pub fn field(field: &str, reason: impl Into<String>) -> AppError {
        AppError::Invalid(vec![FieldError {
            field: field.to_string(),
            reason: reason.into(),
        }])
    }

    /// The reason for one field, if this error names it.
    pub fn reason_for(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(list) => list
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.reason.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

/// Collects field problems so a form reports all of them at once.
#[derive(Debug, Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs a parser; keeps its value or records its reason against `field`.
    pub fn take<T>(&mut self, field: &str, result: Result<T, crate::domain::Invalid>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e.0);
                None
            }
        }
    }

    pub fn add(&mut self, field: &str, reason: impl Into<String>) {
        if !self.0.iter().any(|e| e.field == field) {
            self.0.push(FieldError {
                field: field.to_string(),
                reason: reason.into(),
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Ok when nothing was recorded.
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.0))
        }
    }
}

/// Server side: turning causes the user cannot act on into `Internal`, logged
/// with the line that met them and the request's id.
#[cfg(feature = "ssr")]
mod server_side {
    use super::AppError;
    use std::panic::Location;

    /// Logs `cause` at `at` and answers with the generic message and the request id.
    pub fn internal_at(cause: &dyn std::fmt::Display, at: &Location<'_>) -> AppError {
        let reference = crate::server::request_id::current().unwrap_or_default();
        tracing::error!(error = %cause, at = %at, request = %reference, "internal error");
        AppError::Internal(reference)
    }

    /// Logs the cause where it was called and answers with the generic message.
    #[track_caller]
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        internal_at(&cause, Location::caller())
    }

    /// `?` on a server-side error the user cannot act on (the database, the
    /// network, JSON of our own making, password hashing, a worker thread) logs it
    /// with the line of the `?`.
    macro_rules! internal_from {
        ($($t:ty),*) => {$(
            impl From<$t> for AppError {
                #[track_caller]
                fn from(e: $t) -> AppError {
                    internal_at(&e, Location::caller())
                }
            }
        )*};
    }

    internal_from!(
        sqlx::Error,
        reqwest::Error,
        serde_json::Error,
        crate::server::password::PasswordError,
        tokio::sync::AcquireError,
        tokio::task::JoinError,
        http::header::InvalidHeaderValue
    );

    /// `.or_internal()`: the same for any other error type, at the caller's line.
    pub trait OrInternal<T> {
        fn or_internal(self) -> Result<T, AppError>;
    }

    impl<T, E: std::fmt::Display> OrInternal<T> for Result<T, E> {
        #[track_caller]
        fn or_internal(self) -> Result<T, AppError> {
            match self {
                Ok(v) => Ok(v),
                Err(e) => Err(internal_at(&e, Location::caller())),
            }
        }
    }
}

#[cfg(feature = "ssr")]
pub use server_side::{OrInternal, internal};
