use super::config::Config;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;

/// What every request can reach. The pool is private to `server`: server
/// functions get a connection only through the guard in `server::guard`.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub(in crate::server) db: PgPool,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, config: Config, db: PgPool) -> Self {
        AppState {
            leptos_options,
            config: Arc::new(config),
            db,
        }
    }
}
