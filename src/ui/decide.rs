//! A yes/no decision on one row (approve or reject a category, accept or
//! decline a link): "yes" posts at once, "no" asks first.

use super::confirm::Confirm;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::client::Client;
use leptos::server_fn::codec::PostUrl;
use leptos::server_fn::request::ClientReq;
use leptos::server_fn::{Http, ServerFn};
use serde::de::DeserializeOwned;

/// The two forms post `action` with `{id_name}={id}` and `{flag}=true|false`.
#[component]
pub fn Decide<S, P>(
    action: ServerAction<S>,
    id_name: &'static str,
    id: i64,
    flag: &'static str,
    yes: &'static str,
    no: &'static str,
    /// Asked before "no" is sent.
    question: String,
    /// `data-test` of the yes and no buttons (the no button's opener is `ask-{no_test}`).
    yes_test: &'static str,
    no_test: &'static str,
) -> impl IntoView
where
    S: DeserializeOwned + ServerFn<Protocol = Http<PostUrl, P>> + Clone + Send + Sync + 'static,
    <<S::Client as Client<S::Error>>::Request as ClientReq<S::Error>>::FormData:
        From<leptos::web_sys::FormData>,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
    <S as ServerFn>::Client: Client<<S as ServerFn>::Error>,
    P: 'static,
{
    let ask = format!("ask-{no_test}");
    view! {
        <ActionForm action attr:class="inline">
            <input type="hidden" name=id_name value=id />
            <input type="hidden" name=flag value="true" />
            <button type="submit" data-test=yes_test>
                {yes}
            </button>
        </ActionForm>
        <Confirm label=no question test=ask>
            <ActionForm action attr:class="inline">
                <input type="hidden" name=id_name value=id />
                <input type="hidden" name=flag value="false" />
                <button type="submit" class="danger" data-test=no_test>
                    {format!("Yes, {}", no.to_lowercase())}
                </button>
            </ActionForm>
        </Confirm>
    }
}
