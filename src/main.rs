//! The AuroMart server: reads configuration, connects to PostgreSQL, applies
//! migrations, optionally loads the demo, and serves pages and server functions.

use auromart::server::config::Config;
use auromart::server::demo;
use auromart::server::startup::{Application, StartError, leptos_options};
use std::path::Path;
use tracing_subscriber::EnvFilter;

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
    let leptos = leptos_options(Path::new(&config_path))?;
    let config = Config::load(Path::new(&config_path))?;
    let app = Application::build(config, leptos).await?;
    print_logins(app.demo_logins());
    app.spawn_workers();
    let addr = app.address();
    tracing::info!("AuroMart listening on http://{addr}");
    println!("AuroMart is running at http://{addr}");
    app.run_until(shutdown()).await
}

fn print_logins(logins: &[demo::DemoLogin]) {
    if logins.is_empty() {
        return;
    }
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
