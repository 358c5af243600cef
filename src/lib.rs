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
pub mod khata;
pub mod orders;
#[cfg(feature = "ssr")]
pub mod pdf;
pub mod places;
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
    // Lazy routes: the current page's WASM chunk is fetched (the server-rendered
    // page preloads it) before hydration starts, so a fresh load of any page
    // hydrates the same tree the server rendered.
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::prelude::document().body();
        let Some(body) = body else { return };
        let owner = leptos::mount::hydrate_from_async(body, app::App).await;
        owner.forget();
        // Lets browser tests (and curious developers) know the WASM has taken over.
        let _ = js_sys::Reflect::set(
            &js_sys::global(),
            &crate::ui::live::HYDRATED_FLAG.into(),
            &true.into(),
        );
    });
}
