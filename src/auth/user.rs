//! Who is signed in, for pages: the log-in, sign-up and log-out actions and the
//! user resource they refresh.

use super::CurrentUser;
use super::api::{Login, Logout, Signup, me};
use crate::error::AppError;
use leptos::prelude::*;

/// The signed-in user, refetched after every log-in, sign-up and log-out.
pub type UserResource = Resource<Result<Option<CurrentUser>, AppError>>;

/// Puts the three actions and a user resource in the context of the whole app.
pub fn provide_auth() {
    provide_context(ServerAction::<Login>::new());
    provide_context(ServerAction::<Signup>::new());
    provide_context(ServerAction::<Logout>::new());
    provide_context(user_resource());
}

/// Who is signed in, refetched after log-in, sign-up and log-out. The top bar makes
/// its own: one resource read under two `<Suspense>` boundaries can leave a streamed
/// page hanging now and then (leptos-rs/leptos#4851), so no resource is shared by two.
pub fn user_resource() -> UserResource {
    let login = expect_context::<ServerAction<Login>>();
    let signup = expect_context::<ServerAction<Signup>>();
    let logout = expect_context::<ServerAction<Logout>>();
    Resource::new(
        move || {
            (
                login.version().get(),
                signup.version().get(),
                logout.version().get(),
            )
        },
        |_| me(),
    )
}
