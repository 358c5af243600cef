//! Log-in and sign-up pages. Both work as plain HTML forms before the WASM loads.

use super::api::{Login, RequestReset, ResetPassword, Signup};
use crate::domain::OrgKind;
use crate::domain::state::IndianState;
use crate::error::AppError;
use crate::places::PincodePlace;
use crate::places::pages::PincodeField;
use crate::ui::form::{ErrorSignal, Field, FormError};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// The action's latest error, or the one a plain form post was redirected with
/// (as a code: see `auth::notice`).
fn errors_of<T: Clone + Send + Sync + 'static>(
    value: Signal<Option<Result<T, AppError>>>,
) -> ErrorSignal {
    let query = use_query_map();
    Signal::derive(move || match value.get() {
        Some(Err(e)) => Some(e),
        Some(Ok(_)) => None,
        None => query.with(|q| {
            let code = q.get("error")?;
            super::notice::error_for(&code, q.get("fields").as_deref())
        }),
    })
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = expect_context::<ServerAction<Login>>();
    let query = use_query_map();
    let errors = errors_of(Signal::derive(move || login.value().get()));
    let identifier = query
        .with_untracked(|q| q.get("id"))
        .map(|id| super::notice::identifier_echo(&id))
        .unwrap_or_default();
    view! {
        <Title text="Log in · AuroMart" />
        <section class="card narrow">
            <h1>"Log in"</h1>
            <ActionForm action=login attr:class="stack" attr:data-test="login-form">
                <FormError errors />
                <Field
                    name="identifier"
                    key="identifier"
                    label="Mobile number or e-mail"
                    value=identifier
                    autocomplete="username"
                    required=true
                    errors
                />
                <Field
                    name="password"
                    key="password"
                    label="Password"
                    kind="password"
                    autocomplete="current-password"
                    required=true
                    errors
                />
                <button type="submit" class="big" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { "Logging in…" } else { "Log in" }}
                </button>
            </ActionForm>
            <p class="muted">
                <A href="/reset" attr:data-test="forgot">
                    "Forgot password?"
                </A>
            </p>
            <p class="muted">"New to AuroMart? "<A href="/signup">"Create an account"</A></p>
        </section>
    }
}

/// "Forgot password", and where a code from an admin's reset is used: ask for a
/// code on WhatsApp, then set a new password with it (which signs in).
#[component]
pub fn ResetPage() -> impl IntoView {
    let ask = ServerAction::<RequestReset>::new();
    let set = ServerAction::<ResetPassword>::new();
    let query = use_query_map();
    let ask_errors = errors_of(Signal::derive(move || ask.value().get()));
    let set_errors = errors_of(Signal::derive(move || set.value().get()));
    let phone = query
        .with_untracked(|q| q.get("phone"))
        .map(|p| super::notice::identifier_echo(&p))
        .unwrap_or_default();
    let phone_again = phone.clone();
    let sent = move || {
        matches!(ask.value().get(), Some(Ok(())))
            || query.with(|q| q.get("sent").as_deref() == Some("1"))
    };
    view! {
        <Title text="Set a new password · AuroMart" />
        <section class="card narrow">
            <h1>"Set a new password"</h1>
            <p class="muted">
                "We send a 6-digit code to your WhatsApp. It works for 30 minutes and once."
            </p>
            <ActionForm action=ask attr:class="stack" attr:data-test="reset-ask">
                <FormError errors=ask_errors />
                <Field
                    name="phone"
                    key="phone"
                    label="Mobile number"
                    kind="tel"
                    inputmode="tel"
                    autocomplete="username"
                    value=phone_again
                    required=true
                    errors=ask_errors
                />
                <button type="submit" disabled=move || ask.pending().get()>
                    "Send me a code"
                </button>
            </ActionForm>
            {move || {
                sent()
                    .then(|| {
                        view! {
                            <div class="banner ok" role="status" data-test="reset-sent">
                                "If this number has an AuroMart account, a code is on its way on WhatsApp."
                            </div>
                        }
                    })
            }}
            <ActionForm action=set attr:class="stack" attr:data-test="reset-form">
                <FormError errors=set_errors />
                <Field
                    name="phone"
                    key="phone"
                    label="Mobile number"
                    kind="tel"
                    inputmode="tel"
                    autocomplete="username"
                    value=phone
                    required=true
                    errors=set_errors
                />
                <Field
                    name="code"
                    key="code"
                    label="Code from WhatsApp"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    maxlength=7
                    required=true
                    errors=set_errors
                />
                <Field
                    name="password"
                    key="password"
                    label="New password"
                    kind="password"
                    autocomplete="new-password"
                    hint="At least 8 characters; not a common word, name or number"
                    required=true
                    errors=set_errors
                />
                <button type="submit" class="big" disabled=move || set.pending().get()>
                    "Set the password and log in"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let signup = expect_context::<ServerAction<Signup>>();
    let query = use_query_map();
    let errors = errors_of(Signal::derive(move || signup.value().get()));
    let initial = query
        .with_untracked(|q| q.get("as"))
        .and_then(|k| OrgKind::parse(&k))
        .filter(|k| k.can_sign_up())
        .unwrap_or(OrgKind::Retailer);
    let kind = RwSignal::new(initial);
    // The chosen state; a pincode that lies in one state picks it when none is chosen.
    let state_code = RwSignal::new(String::new());
    let gst_hint = move || {
        if kind.get().gstin_required() {
            "Required for distributors and manufacturers"
        } else {
            "Leave empty if your shop is not registered for GST"
        }
    };
    view! {
        <Title text="Sign up · AuroMart" />
        <section class="card wide">
            <h1>"Create your AuroMart account"</h1>
            <ActionForm action=signup attr:class="stack" attr:data-test="signup-form">
                <FormError errors />
                <fieldset class="kinds">
                    <legend>"I am a"</legend>
                    {[OrgKind::Retailer, OrgKind::Distributor, OrgKind::Manufacturer]
                        .into_iter()
                        .map(|k| {
                            view! {
                                <label class="kind" class:chosen=move || kind.get() == k>
                                    <input
                                        type="radio"
                                        name="form[kind]"
                                        value=k.as_str()
                                        checked=initial == k
                                        on:change=move |_| kind.set(k)
                                    />
                                    <span>
                                        {match k {
                                            OrgKind::Retailer => "Retailer (shop)",
                                            OrgKind::Distributor => "Distributor (wholesaler)",
                                            _ => "Manufacturer (brand)",
                                        }}
                                    </span>
                                </label>
                            }
                        })
                        .collect_view()}
                    <p class="muted" data-test="approval-note">
                        {move || {
                            if kind.get().needs_approval() {
                                "Distributors and manufacturers can trade once AuroMart approves the business."
                            } else {
                                "Shops can order as soon as they sign up."
                            }
                        }}
                    </p>
                </fieldset>
                <h2>"Business"</h2>
                <div class="grid">
                    <Field
                        name="form[legal_name]"
                        key="legal_name"
                        label="Legal name (as on GST registration)"
                        required=true
                        autocomplete="organization"
                        errors
                    />
                    <Field
                        name="form[trade_name]"
                        key="trade_name"
                        label="Shop or trade name"
                        hint="Shown to buyers; leave empty to use the legal name"
                        errors
                    />
                    <div
                        class="field"
                        class:invalid=move || {
                            errors.get().and_then(|e| e.reason_for("gstin")).is_some()
                        }
                    >
                        <label for="f-gstin">"GSTIN"</label>
                        <input
                            id="f-gstin"
                            name="form[gstin]"
                            type="text"
                            maxlength="15"
                            autocapitalize="characters"
                            placeholder="27AAPFU0939F1ZV"
                            aria-describedby="e-gstin"
                        />
                        <small class="hint">{gst_hint}</small>
                        <small class="field-error" id="e-gstin" data-field="gstin" role="alert">
                            {move || errors.get().and_then(|e| e.reason_for("gstin"))}
                        </small>
                    </div>
                </div>
                <h2>"Address"</h2>
                <div class="grid">
                    <Field
                        name="form[address_line]"
                        key="address_line"
                        label="Shop / building, street, area"
                        required=true
                        autocomplete="street-address"
                        errors
                    />
                    <Field
                        name="form[city]"
                        key="city"
                        label="City or town"
                        required=true
                        autocomplete="address-level2"
                        errors
                    />
                    <div
                        class="field"
                        class:invalid=move || {
                            errors.get().and_then(|e| e.reason_for("state_code")).is_some()
                        }
                    >
                        <label for="f-state_code">"State"<span class="req">" *"</span></label>
                        <select
                            id="f-state_code"
                            name="form[state_code]"
                            required
                            prop:value=move || state_code.get()
                            on:change=move |ev| state_code.set(event_target_value(&ev))
                        >
                            <option value="">"Choose your state"</option>
                            {IndianState::selectable()
                                .map(|s| {
                                    view! { <option value=s.code.to_string()>{s.name}</option> }
                                })
                                .collect_view()}
                        </select>
                        <small class="field-error" data-field="state_code" role="alert">
                            {move || errors.get().and_then(|e| e.reason_for("state_code"))}
                        </small>
                    </div>
                    <PincodeField
                        name="form[pincode]"
                        key="pincode"
                        errors
                        on_place=Callback::new(move |p: PincodePlace| {
                            if state_code.get_untracked().is_empty() {
                                state_code.set(p.state_code.to_string());
                            }
                        })
                    />
                </div>
                <h2>"You"</h2>
                <div class="grid">
                    <Field
                        name="form[owner_name]"
                        key="owner_name"
                        label="Your name"
                        required=true
                        autocomplete="name"
                        errors
                    />
                    <Field
                        name="form[phone]"
                        key="phone"
                        label="Mobile number (for log-in)"
                        kind="tel"
                        required=true
                        inputmode="tel"
                        autocomplete="tel"
                        errors
                    />
                    <Field
                        name="form[whatsapp]"
                        key="whatsapp"
                        label="WhatsApp number for orders"
                        kind="tel"
                        inputmode="tel"
                        hint="Leave empty if it is the mobile number above"
                        errors
                    />
                    <Field
                        name="form[email]"
                        key="email"
                        label="E-mail (optional)"
                        kind="email"
                        autocomplete="email"
                        errors
                    />
                    <Field
                        name="form[password]"
                        key="password"
                        label="Password"
                        kind="password"
                        required=true
                        autocomplete="new-password"
                        hint="At least 8 characters; not a common word, name or number"
                        errors
                    />
                </div>
                <button type="submit" class="big" disabled=move || signup.pending().get()>
                    {move || {
                        if signup.pending().get() {
                            "Creating account…"
                        } else {
                            "Create account"
                        }
                    }}
                </button>
            </ActionForm>
            <p class="muted">"Already on AuroMart? "<A href="/login">"Log in"</A></p>
        </section>
    }
}
