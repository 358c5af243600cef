//! The pincode field: as the person types the sixth digit, it shows the pincode's
//! post offices and district (and picks the state when none is chosen yet). It is
//! a plain input before the WASM loads; the server checks the pincode either way.

use super::PincodePlace;
use super::api::PincodePlaces;
use crate::ui::form::ErrorSignal;
use leptos::prelude::*;

#[component]
pub fn PincodeField(
    /// Name the server function expects, e.g. `form[pincode]`.
    name: &'static str,
    /// Field key in `AppError::Invalid`.
    key: &'static str,
    errors: ErrorSignal,
    /// Called with the place when the pincode lies in exactly one state.
    #[prop(optional)]
    on_place: Option<Callback<PincodePlace>>,
) -> impl IntoView {
    let lookup = ServerAction::<PincodePlaces>::new();
    let reason = move || errors.get().and_then(|e| e.reason_for(key));
    let id = format!("f-{key}");
    let err_id = format!("e-{key}");
    let place_id = format!("p-{key}");
    Effect::new(move || {
        if let (Some(Ok(places)), Some(cb)) = (lookup.value().get(), on_place)
            && let [one] = places.as_slice()
        {
            cb.run(one.clone());
        }
    });
    let place = move || match lookup.value().get() {
        Some(Ok(places)) if places.is_empty() => {
            Some("India Post has no such pincode: check the number".to_string())
        }
        Some(Ok(places)) => Some(
            places
                .iter()
                .map(PincodePlace::summary)
                .collect::<Vec<_>>()
                .join(" / "),
        ),
        _ => None,
    };
    view! {
        <div class="field" class:invalid=move || reason().is_some()>
            <label for=id.clone()>"Pincode"<span class="req">" *"</span></label>
            <input
                id=id
                name=name
                type="text"
                required=true
                inputmode="numeric"
                autocomplete="postal-code"
                maxlength="7"
                aria-describedby=format!("{place_id} {err_id}")
                aria-invalid=move || reason().is_some().to_string()
                on:input=move |ev| {
                    let digits: String = event_target_value(&ev)
                        .chars()
                        .filter(char::is_ascii_digit)
                        .collect();
                    if digits.len() == 6 {
                        lookup.dispatch(PincodePlaces { pincode: digits });
                    }
                }
            />
            <small class="hint" id=place_id data-test="pincode-place" aria-live="polite">
                {place}
            </small>
            <small class="field-error" id=err_id data-field=key role="alert">
                {reason}
            </small>
        </div>
    }
}
