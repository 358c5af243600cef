//! Form fields that show their own error next to them.

use crate::error::AppError;
use leptos::prelude::*;

/// The latest error of an action, as a signal fields can read.
pub type ErrorSignal = Signal<Option<AppError>>;

/// What a settings form shows about its last save: the error (each field reads
/// its own reason) and whether the last save went through.
#[derive(Clone, Copy)]
pub struct SaveForm {
    pub errors: ErrorSignal,
    pub saved: Signal<bool>,
}

impl SaveForm {
    /// The reason the last save gave for `field`, if any.
    pub fn reason(self, field: &'static str) -> impl Fn() -> Option<String> + Copy + Send + Sync {
        let errors = self.errors;
        move || errors.get().and_then(|e| e.reason_for(field))
    }
}

/// The save-form prologue: `ServerAction` value → errors and "saved".
pub fn use_save_form<S>(action: ServerAction<S>) -> SaveForm
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    SaveForm {
        errors: Signal::derive(move || action.value().get().and_then(Result::err)),
        saved: Signal::derive(move || matches!(action.value().get(), Some(Ok(_)))),
    }
}

/// "Saved." after a save went through, else the error unless one of `fields`
/// shows it beside itself.
#[component]
pub fn SaveStatus(
    form: SaveForm,
    /// `data-test` of the "Saved." banner.
    saved_test: &'static str,
    /// The fields that show their own reason.
    fields: &'static [&'static str],
) -> impl IntoView {
    move || {
        if form.saved.get() {
            return Some(ok_banner(saved_test, "Saved.".to_string()));
        }
        form.errors
            .get()
            .filter(|e| fields.iter().all(|f| e.reason_for(f).is_none()))
            .map(|e| error_banner(&e))
    }
}

/// A success message (`test`: its `data-test`).
fn ok_banner(test: &'static str, text: String) -> AnyView {
    view! {
        <div class="banner ok" role="status" data-test=test>
            {text}
        </div>
    }
    .into_any()
}

/// An error the user should read at once.
fn error_banner(e: &AppError) -> AnyView {
    view! {
        <div class="banner danger" role="alert">
            {e.to_string()}
        </div>
    }
    .into_any()
}

#[component]
pub fn Field(
    /// Name the server function expects, e.g. `form[gstin]`.
    name: &'static str,
    /// Field key in `AppError::Invalid`, e.g. `gstin`.
    key: &'static str,
    label: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] inputmode: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional)] maxlength: Option<u16>,
    /// `data-test` of the input, for the browser tests.
    #[prop(optional)]
    test: &'static str,
    errors: ErrorSignal,
) -> impl IntoView {
    let reason = move || errors.get().and_then(|e| e.reason_for(key));
    let id = format!("f-{key}");
    let err_id = format!("e-{key}");
    view! {
        <div class="field" class:invalid=move || reason().is_some()>
            <label for=id
                .clone()>
                {label}{required.then_some(view! { <span class="req">" *"</span> })}
            </label>
            <input
                id=id
                name=name
                type=kind
                value=value
                required=required
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                inputmode=(!inputmode.is_empty()).then_some(inputmode)
                placeholder=(!placeholder.is_empty()).then_some(placeholder)
                maxlength=maxlength
                data-test=(!test.is_empty()).then_some(test)
                aria-describedby=err_id.clone()
                aria-invalid=move || reason().is_some().to_string()
            />
            {(!hint.is_empty()).then(|| view! { <small class="hint">{hint}</small> })}
            <small class="field-error" id=err_id data-field=key role="alert">
                {reason}
            </small>
        </div>
    }
}

/// A list filter's drop-down: `choices` as (value, label), the one `current`
/// holds selected (a GET form reloads the list with it).
#[component]
pub fn FilterSelect(
    name: &'static str,
    /// The accessible name (the filters have no visible labels).
    label: &'static str,
    #[prop(into)] choices: Vec<(&'static str, &'static str)>,
    #[prop(into)] current: Signal<String>,
) -> impl IntoView {
    view! {
        <select name=name aria-label=label>
            {choices
                .into_iter()
                .map(|(v, l)| {
                    view! {
                        <option value=v selected=move || current.get() == v>
                            {l}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}

/// A labelled yes/no choice posted as `true`/`false`.
#[component]
pub fn YesNo(
    label: &'static str,
    name: &'static str,
    value: bool,
    yes: &'static str,
    no: &'static str,
    /// List "no" first (when it is the usual answer).
    #[prop(optional)]
    no_first: bool,
    #[prop(optional)] test: Option<&'static str>,
) -> impl IntoView {
    let yes = view! {
        <option value="true" selected=value>
            {yes}
        </option>
    };
    let no = view! {
        <option value="false" selected=!value>
            {no}
        </option>
    };
    let options = if no_first {
        view! {
            {no}
            {yes}
        }
        .into_any()
    } else {
        view! {
            {yes}
            {no}
        }
        .into_any()
    };
    view! {
        <label class="field">
            {label} <select name=name data-test=test>
                {options}
            </select>
        </label>
    }
}

/// A form-level message for errors not tied to one field.
#[component]
pub fn FormError(errors: ErrorSignal) -> impl IntoView {
    move || {
        errors.get().map(|e| {
            let text = match &e {
                AppError::Invalid(list) if list.len() > 1 => {
                    format!("Please correct the {} fields marked below.", list.len())
                }
                AppError::Invalid(_) => String::new(),
                other => other.to_string(),
            };
            (!text.is_empty()).then(|| {
                view! {
                    <div class="banner danger" role="alert" data-test="form-error">
                        {text}
                    </div>
                }
            })
        })
    }
}

/// A distributor's settings page: the nav, its heading, the last save's
/// status, and `body` drawn from the settings once they load.
#[component]
pub fn SettingsPage<T, F, V>(
    heading: &'static str,
    form: SaveForm,
    /// `data-test` of the "Saved." banner.
    saved_test: &'static str,
    /// The fields that show their own reason.
    fields: &'static [&'static str],
    current: Resource<Result<T, AppError>>,
    body: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <crate::ui::nav::RoleNav kind=crate::domain::OrgKind::Distributor />
        <h1>{heading}</h1>
        <SaveStatus form saved_test fields />
        <Suspense fallback=|| ()>
            {move || {
                let body = body.clone();
                Suspend::new(async move { current.await.map(body) })
            }}
        </Suspense>
    }
}

/// The outcome of `action` as a banner: its error, or what `ok` makes of its
/// answer (nothing when `ok` says None). `test` is the success banner's `data-test`.
pub fn action_banner<T>(
    test: &'static str,
    action: ServerAction<T>,
    ok: impl Fn(&T::Output) -> Option<String> + Send + Sync + 'static,
) -> impl IntoView
where
    T: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    T::Output: Clone + Send + Sync + 'static,
{
    move || match action.value().get() {
        Some(Err(e)) => Some(error_banner(&e)),
        Some(Ok(v)) => ok(&v).map(|text| ok_banner(test, text)),
        None => None,
    }
}

/// A settings form only the owner may save: staff see the fields read-only with
/// `OwnerOnly` saying who can change them; ends with "Save".
#[component]
pub fn OwnerForm<S, P>(
    action: ServerAction<S>,
    owner: bool,
/// `data-test` of the form.
    test: &'static str,
    children: Children,
) -> impl IntoView
where
    S: serde::de::DeserializeOwned
        + leptos::server_fn::ServerFn<Protocol = leptos::server_fn::Http<leptos::server_fn::codec::PostUrl, P>>
        + Clone
        + Send
        + Sync
        + 'static,
    <<S::Client as leptos::server_fn::client::Client<S::Error>>::Request as leptos::server_fn::request::ClientReq<
        S::Error,
    >>::FormData: From<leptos::web_sys::FormData>,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
    <S as leptos::server_fn::ServerFn>::Client: leptos::server_fn::client::Client<<S as leptos::server_fn::ServerFn>::Error>,
    P: 'static,
{
    view! {
        <leptos::form::ActionForm action attr:class="card stack" attr:data-test=test>
            <OwnerOnly owner />
            <fieldset class="plain" disabled=!owner>
                {children()}
                <button type="submit">"Save"</button>
            </fieldset>
        </leptos::form::ActionForm>
    }
}

/// Above a form only the owner may save: tells staff who can change it (the
/// fields below are shown read-only).
#[component]
pub fn OwnerOnly(owner: bool) -> impl IntoView {
    (!owner).then(|| {
        view! {
            <p class="banner info" data-test="owner-only" role="note">
                "Only the owner of this business can change these settings. Ask them if something here needs to change."
            </p>
        }
    })
}
