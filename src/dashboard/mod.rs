//! Each role's home page. Later features add their panels here.

use crate::account::pages::ProfileCards;
use crate::auth::CurrentUser;
use crate::domain::OrgKind;
use crate::ui::gate::gated;
use leptos::prelude::*;

#[component]
pub fn ManufacturerHome() -> impl IntoView {
    gated(
        "Brand dashboard",
        &[OrgKind::Manufacturer],
        |u| view! { <Overview user=u /> },
    )
}

/// The manufacturer's overview: its organisation and team.
#[component]
fn Overview(user: CurrentUser) -> impl IntoView {
    view! {
        <crate::ui::nav::RoleNav kind=user.org_kind />
        <h1 data-test="dashboard" data-kind=user.org_kind.as_str()>
            "Brand dashboard"
        </h1>
        <p class="muted">{format!("Namaste, {}.", user.name)}</p>
        <ProfileCards />
    }
}
