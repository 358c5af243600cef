//! The one composition root: configuration in, a listening server out. `main`,
//! the integration tests and the benches all build the application here, so the
//! tests run what production runs. Background workers are the caller's to start
//! (`spawn_workers`), so a bench can drive one worker alone.

use super::config::{Config, ConfigError, redact_url};
use super::{AppState, db, demo, router};
use axum::Router;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("Leptos settings: {0}")]
    Leptos(String),
    #[error("cannot connect to PostgreSQL at {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("loading the demo failed: {0}")]
    Demo(crate::error::AppError),
    #[error(transparent)]
    Reference(#[from] super::reference::ReferenceError),
    #[error("loading fonts failed: {0}")]
    Fonts(#[from] crate::pdf::fonts::FontError),
    #[error("drawing the icons failed: {0}")]
    Icons(#[from] png::EncodingError),
    #[error("cannot set up the WhatsApp API client: {0}")]
    Http(#[from] reqwest::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

/// A built server: its state, its router and the socket it will serve on.
pub struct Application {
    state: AppState,
    router: Router,
    listener: tokio::net::TcpListener,
    address: SocketAddr,
    demo_logins: Vec<demo::DemoLogin>,
}

/// Leptos's own settings from `Leptos.toml` (if the file exists) and `LEPTOS_*`.
pub fn leptos_options(config_path: &Path) -> Result<LeptosOptions, StartError> {
    let file = config_path.exists().then(|| config_path.to_str()).flatten();
    leptos::config::get_configuration(file)
        .map(|c| c.leptos_options)
        .map_err(|e| StartError::Leptos(e.to_string()))
}

/// Settings for a server on a free loopback port serving `target/site`: what the
/// integration tests and the benches run.
pub fn loopback_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("auromart")
        .site_root("target/site")
        .site_addr(SocketAddr::from(([127, 0, 0, 1], 0)))
        .build()
}

impl Application {
    /// Connects, migrates, loads fonts (and the demo when configured), builds the
    /// router and binds `leptos.site_addr` (port 0: any free port).
    pub async fn build(config: Config, leptos: LeptosOptions) -> Result<Application, StartError> {
        let url = config.database_url()?;
        let pool = db::connect(&url, config.database_max_connections)
            .await
            .map_err(|source| StartError::Connect {
                url: redact_url(&url),
                source,
            })?;
        db::migrate(&pool).await?;
        if let super::reference::Loaded::Rows(rows) =
            super::reference::load_gst_schedule(&pool).await?
        {
            tracing::info!(rows, "GST rate schedule loaded");
        }
        let pincodes = Path::new(&config.pincode_file);
        match super::reference::load_pincodes(&pool, pincodes).await? {
            super::reference::Loaded::Rows(rows) => {
                tracing::info!(rows, file = %pincodes.display(), "pincode directory loaded")
            }
            super::reference::Loaded::Unchanged | super::reference::Loaded::KeptWithoutFile => {}
        }
        crate::pdf::fonts::Fonts::install(Path::new(&config.font_dir))?;
        let demo_logins = if config.demo_data {
            demo::seed(&pool).await.map_err(StartError::Demo)?
        } else {
            Vec::new()
        };
        let addr = leptos.site_addr;
        let state = AppState::new(leptos, config, pool)?;
        let router = router::build(state.clone())?;
        let pkg_dir =
            Path::new(&*state.leptos_options.site_root).join(&*state.leptos_options.site_pkg_dir);
        tokio::task::spawn_blocking(move || match super::precompress::run(&pkg_dir) {
            Ok(n) => {
                tracing::info!(files = n, dir = %pkg_dir.display(), "client files precompressed")
            }
            // Tests and benches run without a client build.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(error = %e, dir = %pkg_dir.display(), "client files not precompressed")
            }
        });
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: addr.to_string(),
                source,
            })?;
        let address = listener.local_addr().map_err(|source| StartError::Bind {
            addr: addr.to_string(),
            source,
        })?;
        Ok(Application {
            state,
            router,
            listener,
            address,
            demo_logins,
        })
    }

    /// Where it listens (the real port when built with port 0).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The pool, for seeding and checking rows from tests and benches.
    pub fn db(&self) -> &PgPool {
        &self.state.db
    }

    /// The demo accounts loaded at start (empty unless `demo_data`).
    pub fn demo_logins(&self) -> &[demo::DemoLogin] {
        &self.demo_logins
    }

    /// Starts this process's background work (see `state::spawn_workers`). Call it
    /// once the webhook can be reached: the sender trusts the webhook to report
    /// messages a crashed process may have sent.
    pub fn spawn_workers(&self) {
        super::spawn_workers(&self.state);
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartError> {
        axum::serve(self.listener, self.router.into_make_service())
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(StartError::Serve)
    }
}
