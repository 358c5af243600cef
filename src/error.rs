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
    /// Logged with its cause on the server; the user sees only this.
    #[error("Something went wrong on our side. Nothing was changed; please try again.")]
    Internal,
    /// The request never reached the function or its answer never came back.
    #[error("Could not reach AuroMart. Check your connection and try again.")]
    Transport(String),
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
