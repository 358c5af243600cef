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
    /// Order changes to announce once committed (see `orders::live`).
    pub notifier: crate::orders::live::Notifier,
    /// Its queue, until `spawn_workers` starts sending from it.
    pending: Arc<std::sync::Mutex<Option<crate::orders::live::Pending>>>,
    pub whatsapp: Arc<crate::whatsapp::transport::WhatsApp>,
    /// Razorpay's API (each distributor's keys come with each call).
    pub razorpay: Arc<crate::khata::razorpay::Razorpay>,
    /// Sessions resolved in the last moment (see `server::session_cache`).
    pub sessions: Arc<super::session_cache::SessionCache>,
}

impl AppState {
    /// Fails only if an HTTP client (WhatsApp, Razorpay) cannot be set up (TLS).
    pub fn new(
        leptos_options: LeptosOptions,
        config: Config,
        db: PgPool,
    ) -> Result<Self, reqwest::Error> {
        let whatsapp = crate::whatsapp::transport::WhatsApp::from_config(&config)?;
        let razorpay = crate::khata::razorpay::Razorpay::new(&config.razorpay)?;
        let (notifier, pending) = crate::orders::live::Notifier::new();
        let sessions = Arc::new(super::session_cache::SessionCache::new(
            std::time::Duration::from_millis(config.session_cache_ms),
        ));
        Ok(AppState {
            leptos_options,
            config: Arc::new(config),
            db,
            hub: crate::orders::live::Hub::new(),
            notifier,
            pending: Arc::new(std::sync::Mutex::new(Some(pending))),
            whatsapp: Arc::new(whatsapp),
            razorpay: Arc::new(razorpay),
            sessions,
        })
    }
}

/// Starts the background work of one server process: the order-change
/// announcer and listener and (unless turned off) the WhatsApp sender with the
/// monthly summaries.
pub fn spawn_workers(state: &AppState) {
    let pending = state
        .pending
        .lock()
        .map(|mut p| p.take())
        .unwrap_or_default();
    if let Some(pending) = pending {
        tokio::spawn(crate::orders::live::send_notifications(
            state.db.clone(),
            pending,
        ));
    }
    tokio::spawn(crate::orders::live::listen(
        state.db.clone(),
        state.hub.clone(),
        state.sessions.clone(),
    ));
    if state.config.whatsapp.sender {
        tokio::spawn(crate::whatsapp::sender::run(state.clone()));
    }
    tokio::spawn(crate::reports::fold::run(state.db.clone()));
}
