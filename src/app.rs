//! The shell, the router and the pieces every page shares.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Each page's inline scripts (hydration, resources, the service worker) carry a
    // fresh nonce, and the page's Content-Security-Policy allows only those.
    // (the nonce is made per request by `server::boundary::security_headers`).
    #[cfg(feature = "ssr")]
    if let Some(nonce) = use_context::<http::request::Parts>().and_then(|p| {
        p.extensions
            .get::<crate::server::boundary::PageNonce>()
            .cloned()
    }) {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta
                    name="viewport"
                    content="width=device-width, initial-scale=1, viewport-fit=cover"
                />
                <meta name="theme-color" content="#0f766e" />
                <meta
                    name="description"
                    content="Order from nearby distributors, get GST invoices on WhatsApp."
                />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" type="image/png" sizes="192x192" href="/icons/192.png" />
                <link rel="apple-touch-icon" href="/icons/180.png" />
                <link rel="stylesheet" href="/pkg/auromart.css" />
                <HydrationScripts options />
                <script nonce=nonce>
                    "if('serviceWorker' in navigator){addEventListener('load',function(){navigator.serviceWorker.register('/sw.js')})}"
                </script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    crate::auth::user::provide_auth();

    view! {
        <Title text="AuroMart" />
        <Router>
            <crate::ui::layout::TopBar />
            <main class="page">
                <Routes fallback=|| view! { <crate::ui::layout::NotFound /> }>
                    <Route path=path!("") view=crate::ui::layout::Home />
                    <Route path=path!("login") view=crate::auth::pages::LoginPage />
                    <Route path=path!("signup") view=crate::auth::pages::SignupPage />
                    <Route
                        path=path!("retailer")
                        view=crate::orders::pages::RetailerOrders
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("retailer/shop")
                        view=crate::orders::pages::ShopPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("retailer/cart")
                        view=crate::orders::pages::CartPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("orders/:id")
                        view=crate::orders::pages::OrderPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("distributor")
                        view=crate::orders::pages::DistributorOrders
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("distributor/stock")
                        view=crate::trade::pages::StockPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("distributor/brands")
                        view=crate::trade::pages::LinksPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("distributor/delivery")
                        view=crate::trade::pages::DeliveryPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("distributor/invoices")
                        view=crate::invoices::pages::InvoicesPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("distributor/billing")
                        view=crate::invoices::pages::BillingPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("retailer/invoices")
                        view=crate::invoices::pages::InvoicesPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("retailer/reports")
                        view=crate::reports::pages::ReportsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("admin/reports")
                        view=crate::reports::pages::PlatformReportsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("manufacturer/reports")
                        view=crate::reports::pages::BrandReportsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("distributor/reports")
                        view=crate::reports::pages::ReportsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("manufacturer")
                        view=crate::dashboard::ManufacturerHome
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("manufacturer/products")
                        view=crate::catalog::pages::ProductsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("manufacturer/distributors")
                        view=crate::trade::pages::LinksPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("admin")
                        view=crate::admin::pages::AdminHome
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("admin/categories")
                        view=crate::catalog::pages::CategoriesPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("admin/whatsapp")
                        view=crate::whatsapp::pages::WhatsAppPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("offline") view=crate::ui::layout::Offline />
                </Routes>
            </main>
        </Router>
    }
}
