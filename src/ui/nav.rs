//! The second row of the header: each role's sections.

use crate::domain::OrgKind;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn RoleNav(kind: OrgKind, #[prop(optional)] badge: Option<Signal<i64>>) -> impl IntoView {
    let links: &[(&str, &str)] = match kind {
        OrgKind::Retailer => &[
            ("/retailer", "My orders"),
            ("/retailer/shop", "Shop"),
            ("/retailer/cart", "Cart"),
            ("/retailer/invoices", "Invoices"),
            ("/retailer/accounts", "Accounts"),
            ("/retailer/reports", "Reports"),
        ],
        OrgKind::Distributor => &[
            ("/distributor", "Orders"),
            ("/distributor/stock", "Stock"),
            ("/distributor/brands", "Brands"),
            ("/distributor/invoices", "Invoices"),
            ("/distributor/accounts", "Accounts"),
            ("/distributor/reports", "Reports"),
            ("/distributor/delivery", "Delivery"),
            ("/distributor/billing", "Billing"),
        ],
        OrgKind::Manufacturer => &[
            ("/manufacturer", "Overview"),
            ("/manufacturer/products", "Products"),
            ("/manufacturer/distributors", "Distributors"),
            ("/manufacturer/reports", "Reports"),
        ],
        OrgKind::Platform => &[
            ("/admin", "Organisations"),
            ("/admin/categories", "Categories"),
            ("/admin/gst", "GST rates"),
            ("/admin/whatsapp", "WhatsApp"),
            ("/admin/reports", "Reports"),
            ("/admin/audit", "Audit log"),
        ],
    };
    view! {
        <nav class="rolenav" aria-label="Sections">
            {links
                .iter()
                .enumerate()
                .map(|(i, (href, label))| {
                    let show_badge = i == 0 && badge.is_some();
                    view! {
                        <A href=*href exact=true>
                            {*label}
                            {show_badge
                                .then(|| {
                                    view! {
                                        <span
                                            class="badge"
                                            data-test="new-orders"
                                            class:zero=move || badge.map(|b| b.get()).unwrap_or(0) == 0
                                        >
                                            {move || badge.map(|b| b.get()).unwrap_or(0)}
                                        </span>
                                    }
                                })}
                        </A>
                    }
                })
                .collect_view()}
        </nav>
    }
}
