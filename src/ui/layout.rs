use crate::auth::api::Logout;
use crate::auth::user::UserResource;
use crate::domain::OrgKind;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn TopBar() -> impl IntoView {
    let user = crate::auth::user::user_resource();
    let logout = expect_context::<ServerAction<Logout>>();
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                <img src="/icons/64.png" alt="" width="28" height="28" />
                <span>"AuroMart"</span>
            </A>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(u)) => {
                            view! {
                                <nav class="who">
                                    <A
                                        href=u.org_kind.home()
                                        attr:class="who-name"
                                        attr:data-test="who"
                                    >
                                        <span class="org">{u.org_name.clone()}</span>
                                        <span class="person">
                                            {format!("{} · {}", u.name, u.org_kind.label())}
                                        </span>
                                    </A>
                                    <ActionForm action=logout attr:class="inline">
                                        <button type="submit" class="ghost" data-test="logout">
                                            "Log out"
                                        </button>
                                    </ActionForm>
                                </nav>
                            }
                                .into_any()
                        }
                        _ => {
                            view! {
                                <nav class="who">
                                    <A href="/login" attr:class="button ghost">
                                        "Log in"
                                    </A>
                                    <A href="/signup" attr:class="button">
                                        "Sign up"
                                    </A>
                                </nav>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </header>
    }
}

#[component]
pub fn Home() -> impl IntoView {
    let user = expect_context::<UserResource>();
    view! {
        <section class="hero">
            <h1>"Order stock from distributors near your shop"</h1>
            <p>
                "Retailers order in one tap. Distributors get the order on WhatsApp, accept it and send a GST invoice. Brands see what sells where."
            </p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(u)) => {
                            view! {
                                <A href=u.org_kind.home() attr:class="button big">
                                    "Go to my dashboard"
                                </A>
                            }
                                .into_any()
                        }
                        _ => {
                            view! {
                                <div class="actions">
                                    <A href="/login" attr:class="button big">
                                        "Log in"
                                    </A>
                                    <A href="/signup" attr:class="button big ghost">
                                        "Create an account"
                                    </A>
                                </div>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
        <section class="roles">
            {[OrgKind::Retailer, OrgKind::Distributor, OrgKind::Manufacturer]
                .into_iter()
                .map(|k| {
                    let (title, text) = match k {
                        OrgKind::Retailer => {
                            (
                                "For shops",
                                "Browse products from distributors who serve your pincode, order in one tap, track delivery and download GST invoices.",
                            )
                        }
                        OrgKind::Distributor => {
                            (
                                "For distributors",
                                "Get every order on WhatsApp, accept it for delivery or pickup, manage stock and send invoices automatically.",
                            )
                        }
                        _ => {
                            (
                                "For brands",
                                "Publish your SKUs, link with distributors and see demand by product and region.",
                            )
                        }
                    };
                    view! {
                        <article class="card">
                            <h2>{title}</h2>
                            <p>{text}</p>
                            <A href=format!(
                                "/signup?as={}",
                                k.as_str(),
                            )>{format!("Sign up as a {}", k.label().to_lowercase())}</A>
                        </article>
                    }
                })
                .collect_view()}
        </section>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="card">
            <h1>"Page not found"</h1>
            <p>"This page does not exist. "<A href="/">"Go to the start page"</A></p>
        </section>
    }
}

#[component]
pub fn Offline() -> impl IntoView {
    view! {
        <section class="card">
            <h1>"You are offline"</h1>
            <p>
                "AuroMart needs a connection for this page. Your orders are safe; try again when the network is back."
            </p>
        </section>
    }
}
