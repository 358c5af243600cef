//! The shell, the router and the pieces every page shares.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, LazyRoute, SsrMode, path};

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
                    <Route path=path!("reset") view=crate::auth::pages::ResetPage />
                    <Route path=path!("retailer") view=RetailerRoute::page() ssr=SsrMode::Async />
                    <Route
                        path=path!("retailer/shop")
                        view=RetailerShopRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("retailer/cart")
                        view=RetailerCartRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("orders/:id") view=OrdersIdRoute::page() ssr=SsrMode::Async />
                    <Route
                        path=path!("distributor")
                        view=DistributorRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("distributor/stock")
                        view=DistributorStockRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("distributor/brands")
                        view=DistributorBrandsRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("distributor/delivery")
                        view=DistributorDeliveryRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("distributor/invoices")
                        view=DistributorInvoicesRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("distributor/billing")
                        view=DistributorBillingRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("retailer/invoices")
                        view=RetailerInvoicesRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("retailer/accounts")
                        view=RetailerAccountsRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("retailer/accounts/:id")
                        view=RetailerAccountRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("distributor/accounts")
                        view=DistributorAccountsRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("distributor/accounts/:id")
                        view=DistributorAccountRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("retailer/reports")
                        view=RetailerReportsRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("admin/reports")
                        view=AdminReportsRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("manufacturer/reports")
                        view=ManufacturerReportsRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("distributor/reports")
                        view=DistributorReportsRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("manufacturer")
                        view=ManufacturerRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("manufacturer/products")
                        view=ManufacturerProductsRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("manufacturer/distributors")
                        view=ManufacturerDistributorsRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("admin") view=AdminRoute::page() ssr=SsrMode::Async />
                    <Route
                        path=path!("admin/categories")
                        view=AdminCategoriesRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("admin/whatsapp")
                        view=AdminWhatsappRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("admin/gst") view=AdminGstRoute::page() ssr=SsrMode::Async />
                    <Route
                        path=path!("admin/org/:id")
                        view=AdminOrgRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("admin/audit")
                        view=AdminAuditRoute::page()
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("offline") view=crate::ui::layout::Offline />
                </Routes>
            </main>
        </Router>
    }
}

// Each signed-in page is a lazy route, and the pages are grouped into the
// client's split modules: `cargo leptos build --split` puts each module's code
// in its own WASM file (and code that two modules share in chunks of its own),
// fetched when one of its pages is first opened and preloaded by the
// server-rendered page. The shop, the cart, the shop's orders and its reports
// each have their own, so a phone never carries the distributor's, brand's or
// admin's pages; each of those roles' pages come as one module per role. One
// module per page cut the client into ~360 files, 109 of them for the shop
// alone, too many round trips on a phone's link. The log-in, sign-up, home and
// offline pages stay in the main module.
macro_rules! lazy_pages {
    ($($module:ident { $($route:ident => $page:path,)+ })*) => {$(
        mod $module {
            use leptos::prelude::*;

            #[derive(Clone, Copy)]
            #[allow(clippy::enum_variant_names)]
            pub enum Page { $($route,)+ }

            // Named after the module: `cargo leptos --split` names the file
            // `split_<module>_<hash>.wasm`, and `__preload_page` fetches it.
            #[leptos::lazy($module)]
            pub fn page(page: Page) -> AnyView {
                match page { $(Page::$route => $page().into_any(),)+ }
            }
        }

        $(
            struct $route;

            impl $route {
                /// The route's view (a `Lazy` view: its module loads on first use).
                fn page() -> Lazy<Self> {
                    Lazy::new()
                }
            }

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_this: Self) -> AnyView {
                    $module::page($module::Page::$route).await
                }

                // The router awaits this before it hydrates or shows the page, so
                // the module is in place when the page is built (without it a
                // fresh load showed the server's page and the client's copy).
                async fn preload() {
                    #[cfg(feature = "hydrate")]
                    $module::__preload_page().await;
                }
            }
        )+
    )*};
}

lazy_pages! {
    shop {
        RetailerShopRoute => crate::orders::pages::ShopPage,
    }
    cart {
        RetailerCartRoute => crate::orders::pages::CartPage,
    }
    retailer {
        RetailerRoute => crate::orders::pages::RetailerOrders,
        RetailerInvoicesRoute => crate::invoices::pages::InvoicesPage,
    }
    order {
        OrdersIdRoute => crate::orders::pages::OrderPage,
    }
    khata {
        RetailerAccountsRoute => crate::khata::pages::AccountsPage,
        RetailerAccountRoute => crate::khata::pages::AccountPage,
        DistributorAccountsRoute => crate::khata::pages::AccountsPage,
        DistributorAccountRoute => crate::khata::pages::AccountPage,
    }
    shop_reports {
        RetailerReportsRoute => crate::reports::pages::ReportsPage,
    }
    reports {
        DistributorReportsRoute => crate::reports::pages::ReportsPage,
        ManufacturerReportsRoute => crate::reports::pages::BrandReportsPage,
        AdminReportsRoute => crate::reports::pages::PlatformReportsPage,
    }
    distributor {
        DistributorRoute => crate::orders::pages::DistributorOrders,
        DistributorStockRoute => crate::trade::pages::StockPage,
        DistributorBrandsRoute => crate::trade::pages::LinksPage,
        DistributorDeliveryRoute => crate::trade::pages::DeliveryPage,
        DistributorInvoicesRoute => crate::invoices::pages::InvoicesPage,
        DistributorBillingRoute => crate::invoices::pages::BillingPage,
    }
    manufacturer {
        ManufacturerRoute => crate::dashboard::ManufacturerHome,
        ManufacturerProductsRoute => crate::catalog::pages::ProductsPage,
        ManufacturerDistributorsRoute => crate::trade::pages::LinksPage,
    }
    admin {
        AdminRoute => crate::admin::pages::AdminHome,
        AdminCategoriesRoute => crate::catalog::pages::CategoriesPage,
        AdminWhatsappRoute => crate::whatsapp::pages::WhatsAppPage,
        AdminAuditRoute => crate::admin::pages::AuditLogPage,
        AdminGstRoute => crate::catalog::rates_page::GstRatesPage,
        AdminOrgRoute => crate::admin::pages::OrganisationPage,
    }
}
