//! The AuroMart server: reads configuration, connects to PostgreSQL, applies
//! migrations, optionally loads the demo, and serves pages and server functions.

use auromart::server::config::{Config, redact_url};
use auromart::server::{AppState, db, demo, router};
use std::path::Path;
use tracing_subscriber::EnvFilter;

#[derive(Debug, thiserror::Error)]
enum StartError {
    #[error(transparent)]
    Config(#[from] auromart::server::config::ConfigError),
    #[error("Leptos settings: {0}")]
    Leptos(String),
    #[error("cannot connect to PostgreSQL at {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("loading the demo failed: {0}")]
    Demo(auromart::error::AppError),
    #[error("loading fonts failed: {0}")]
    Fonts(#[from] auromart::pdf::fonts::FontError),
    #[error("drawing the icons failed: {0}")]
    Icons(#[from] png::EncodingError),
    #[error("cannot set up the WhatsApp API client: {0}")]
    Http(reqwest::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn")),
        )
        .init();
    if let Err(e) = run().await {
        tracing::error!("{e}");
        eprintln!("AuroMart could not start: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), StartError> {
    let config_path = std::env::var("AUROMART_CONFIG").unwrap_or_else(|_| "Leptos.toml".into());
    let leptos_file = Path::new(&config_path)
        .exists()
        .then_some(config_path.as_str());
    let leptos = leptos::config::get_configuration(leptos_file)
        .map_err(|e| StartError::Leptos(e.to_string()))?;
    let config = Config::load(Path::new(&config_path))?;
    let url = config.database_url()?;
    let pool = db::connect(&url, config.database_max_connections)
        .await
        .map_err(|source| StartError::Connect {
            url: redact_url(&url),
            source,
        })?;
    db::migrate(&pool).await?;
    auromart::pdf::fonts::Fonts::install(Path::new(&config.font_dir))?;

    if config.demo_data {
        let logins = demo::seed(&pool).await.map_err(StartError::Demo)?;
        print_logins(&logins);
    }

    let addr = leptos.leptos_options.site_addr;
    let state = AppState::new(leptos.leptos_options, config, pool).map_err(StartError::Http)?;
    let workers = state.clone();
    let app = router::build(state)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind {
            addr: addr.to_string(),
            source,
        })?;
    // Once the webhook can be reached: the sender trusts it to report messages a
    // crashed process may have sent.
    auromart::server::spawn_workers(&workers);
    tracing::info!("AuroMart listening on http://{addr}");
    println!("AuroMart is running at http://{addr}");
    axum::serve(listener, app.into_make_service())
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(StartError::Serve)
}

fn print_logins(logins: &[demo::DemoLogin]) {
    println!("\nDemo log-ins (password for all: {}):", demo::PASSWORD);
    let mut last = "";
    for l in logins {
        if l.role != last {
            println!("  {}:", l.role);
            last = l.role;
        }
        if l.role != "Retailer"
            || logins
                .iter()
                .filter(|x| x.role == "Retailer")
                .take(3)
                .any(|x| x.phone == l.phone)
        {
            println!("    {:<12} {}", l.phone, l.name);
        }
    }
    let more = logins
        .iter()
        .filter(|l| l.role == "Retailer")
        .count()
        .saturating_sub(3);
    if more > 0 {
        println!("    … and {more} more retailers (mobile numbers 93000000NN)");
    }
    println!();
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
