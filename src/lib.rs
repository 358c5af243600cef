#![recursion_limit = "512"]
//! AuroMart: B2B ordering and billing for India's hyper-local trade.
//! One crate, two builds: `ssr` (the server binary) and `hydrate` (the WASM client).

pub mod account;
pub mod admin;
pub mod app;
pub mod auth;
pub mod catalog;
pub mod dashboard;
pub mod domain;
pub mod error;
pub mod invoices;
pub mod orders;
#[cfg(feature = "ssr")]
pub mod pdf;
pub mod reports;
#[cfg(feature = "ssr")]
pub mod server;
pub mod trade;
pub mod ui;
pub mod whatsapp;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Lets browser tests (and curious developers) know the WASM has taken over.
    let _ = js_sys::Reflect::set(
        &js_sys::global(),
        &"__auromart_hydrated".into(),
        &true.into(),
    );
}
