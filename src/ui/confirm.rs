//! A destructive action asks once more before it acts: its first tap only opens
//! the question, the second (on "Yes, …") acts. A `<details>` element, so it
//! works the same before the WASM arrives and with JavaScript off.

use leptos::prelude::*;

/// `label` opens the question; `children` is the form whose button acts.
#[component]
pub fn Confirm(
    /// What the first button says, e.g. "Cancel order…".
    label: &'static str,
    /// The question shown after the first tap.
    #[prop(into)]
    question: String,
    /// `data-test` of the opening button.
    #[prop(into)]
    test: String,
    children: Children,
) -> impl IntoView {
    view! {
        <details class="confirm">
            <summary class="button ghost danger-text" data-test=test>
                {label}
            </summary>
            <div class="confirm-box" role="group" aria-label=label>
                <p>{question}</p>
                {children()}
            </div>
        </details>
    }
}
