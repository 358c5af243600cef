use super::config::Config;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;

/// What every request can reach. Server functions get the pool only through the
/// guard in `server::guard` (`pub(crate)` lets the live-update route share it).
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub(crate) db: PgPool,
    pub hub: crate::orders::live::Hub,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, config: Config, db: PgPool) -> Self {
        AppState {
            leptos_options,
            config: Arc::new(config),
            db,
            hub: crate::orders::live::Hub::new(),
        }
    }
}

/// Starts the background work of one server process: the order-change listener.
pub fn spawn_workers(state: &AppState) {
    tokio::spawn(crate::orders::live::listen(
        state.db.clone(),
        state.hub.clone(),
    ));
}
