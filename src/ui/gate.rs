//! Shows a page only to the organisation kind it is for. A convenience for the
//! screen: the server functions behind the page authorise on their own.

use crate::auth::CurrentUser;
use crate::auth::user::UserResource;
use crate::domain::{ApprovalState, OrgKind};
use leptos::prelude::*;
use leptos_router::components::{A, Redirect};

fn set_status(_code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(code)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(_code),
    ) {
        res.set_status(code);
    }
}

/// A page for some kinds of organisation: its title ("… · AuroMart") and its
/// content behind `RoleGate`. Each page component is one call:
/// `gated("Products", &[OrgKind::Manufacturer], |_| view! { <Products /> })`.
pub fn gated<F, V>(title: &'static str, kinds: &'static [OrgKind], children: F) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <leptos_meta::Title text=format!("{title} · AuroMart") />
        <RoleGate kinds children />
    }
}

#[component]
pub fn RoleGate<F, V>(kinds: &'static [OrgKind], children: F) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let user = expect_context::<UserResource>();
    let children = std::sync::Arc::new(children);
    view! {
        <Suspense fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {
                let children = children.clone();
                move || {
                    let children = children.clone();
                    Suspend::new(async move {
                        match user.await {
                            Ok(Some(u)) if kinds.contains(&u.org_kind) => {
                                view! {
                                    <ApprovalBanner approval=u.approval />
                                    {children(u)}
                                }
                                    .into_any()
                            }
                            Ok(Some(u)) => {
                                set_status(403);
                                view! {
                                    <section class="card refused" data-test="refused">
                                        <h1>"Not your page"</h1>
                                        <p>
                                            {format!(
                                                "This page is for {} accounts. You are logged in as a {}.",
                                                kinds
                                                    .iter()
                                                    .map(|k| k.label().to_lowercase())
                                                    .collect::<Vec<_>>()
                                                    .join(" or "),
                                                u.org_kind.label().to_lowercase(),
                                            )}
                                        </p>
                                        <A href=u.org_kind.home() attr:class="button">
                                            "Go to my dashboard"
                                        </A>
                                    </section>
                                }
                                    .into_any()
                            }
                            Ok(None) => view! { <Redirect path="/login" /> }.into_any(),
                            Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                        }
                    })
                }
            }
        </Suspense>
    }
}

#[component]
pub fn ApprovalBanner(approval: ApprovalState) -> impl IntoView {
    match approval {
        ApprovalState::Active => None,
        ApprovalState::Pending => Some(view! {
            <div class="banner warn" data-test="approval-pending" role="status">
                <strong>"Waiting for approval. "</strong>
                "AuroMart checks every distributor and manufacturer before they can trade. You will get a WhatsApp message when your business is approved — usually within one working day."
            </div>
        }.into_any()),
        ApprovalState::Suspended => Some(view! {
            <div class="banner danger" data-test="approval-suspended" role="alert">
                <strong>"Account suspended. "</strong>
                "Trading is paused for your business. Contact AuroMart support to restore it."
            </div>
        }.into_any()),
    }
}
