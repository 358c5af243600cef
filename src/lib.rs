//! AuroMart: B2B ordering and billing for India's hyper-local trade.
//! One crate, two builds: `ssr` (the server binary) and `hydrate` (the WASM client).

pub mod account;
pub mod admin;
pub mod app;
pub mod auth;
pub mod dashboard;
pub mod domain;
pub mod error;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
