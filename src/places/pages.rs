//! The pincode field: as the person types the sixth digit, it shows the pincode's
//! post offices and district (and picks the state when none is chosen yet). It is
//! a plain input before the WASM loads; the server checks the pincode either way.

use super::PincodePlace;
use super::api::{PincodePlaces, SummarisePincodes};
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

/// A delivery area's pincodes (commas or new lines). As the person types, it
/// shows the post offices of the pincode just completed and how the whole list
/// spreads over districts, naming any India Post does not have.
#[component]
pub fn PincodeListField(
    /// Name the server function expects, e.g. `options[pincodes]`.
    name: &'static str,
    value: String,
    /// The server's reason the list was refused, if it was.
    reason: Signal<Option<String>>,
) -> impl IntoView {
    let last = ServerAction::<PincodePlaces>::new();
    let spread = ServerAction::<SummarisePincodes>::new();
    let asked = RwSignal::new(String::new());
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        let tokens: Vec<&str> = text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|t| !t.is_empty())
            .collect();
        let complete: Vec<&str> = tokens.iter().copied().filter(|t| t.len() == 6).collect();
        let key = complete.join(",");
        if key == asked.get_untracked() {
            return;
        }
        if let Some(newest) = tokens.last().filter(|t| t.len() == 6) {
            last.dispatch(PincodePlaces {
                pincode: (*newest).to_string(),
            });
        }
        asked.set(key.clone());
        if !key.is_empty() {
            spread.dispatch(SummarisePincodes { list: key });
        }
    };
    let newest = move || match last.value().get() {
        Some(Ok(places)) if places.is_empty() => None,
        Some(Ok(places)) => Some(
            places
                .iter()
                .map(|p| format!("{}: {}", p.pincode, p.summary()))
                .collect::<Vec<_>>()
                .join(" / "),
        ),
        _ => None,
    };
    let whole = move || match spread.value().get() {
        Some(Ok(list)) => {
            let mut text = list.summary();
            if !list.unknown.is_empty() {
                if !text.is_empty() {
                    text.push_str(". ");
                }
                text.push_str(&format!(
                    "India Post has no {}: check them",
                    list.unknown.join(", ")
                ));
            }
            Some(text)
        }
        Some(Err(e)) => e.reason_for("pincodes"),
        None => None,
    };
    view! {
        <label class="field" class:invalid=move || reason.get().is_some()>
            "Pincodes (commas or new lines)"
            <textarea
                name=name
                rows="3"
                inputmode="numeric"
                data-test="pincodes"
                aria-describedby="p-pincodes e-pincodes"
                on:input=on_input
            >
                {value}
            </textarea>
            <small class="hint" id="p-pincodes" data-test="pincodes-place" aria-live="polite">
                {newest}
                {move || newest().and(whole()).map(|_| view! { <br /> })}
                {whole}
            </small>
            <small class="field-error" id="e-pincodes" data-field="pincodes" role="alert">
                {move || reason.get()}
            </small>
        </label>
    }
}
