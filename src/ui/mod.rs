//! Components every feature uses: layout, role gate, form fields.

pub mod chart;
pub mod confirm;
pub mod decide;
#[cfg(feature = "hydrate")]
pub mod download;
pub mod form;
pub mod gate;
pub mod layout;
pub mod live;
pub mod nav;
#[cfg(feature = "hydrate")]
pub mod photo;
pub mod stat;

/// "919812345678" as "+91 98123 45678" (or as stored, if it is not a mobile number).
pub fn show_phone(digits: &str) -> String {
    crate::domain::Phone::parse(digits)
        .map(|p| p.to_string())
        .unwrap_or_else(|_| digits.to_string())
}

/// A query-string value: unreserved characters as they are, every other byte
/// of its UTF-8 as %XX (so "&", "#", spaces and Devanagari survive the link).
pub fn query_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `path?k=v&…` with every non-empty value percent-encoded: a list page's link to
/// its next page that keeps the filters.
pub fn href(path: &str, pairs: &[(&str, String)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", query_value(v)))
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// Paise as "₹1,23,456.00".
pub fn money(paise: i64) -> String {
    crate::domain::Paise(paise).to_string()
}

/// Waits `ms` milliseconds in the browser.
#[cfg(feature = "hydrate")]
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let scheduled = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                .ok()
        });
        if scheduled.is_none() {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The file chosen in a file input's change event, with the input (cleared,
/// so choosing the same file again fires another change).
#[cfg(feature = "hydrate")]
pub fn chosen_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    use wasm_bindgen::JsCast;
    let input = ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let file = input.files()?.get(0)?;
    input.set_value("");
    Some(file)
}

#[cfg(test)]
mod tests {
    #[test]
    fn href_keeps_each_non_empty_value_encoded() {
        assert_eq!(
            super::href(
                "/admin",
                &[
                    ("after", "5".into()),
                    ("q", "tea & बिस्कुट".into()),
                    ("kind", String::new())
                ]
            ),
            "/admin?after=5&q=tea%20%26%20%E0%A4%AC%E0%A4%BF%E0%A4%B8%E0%A5%8D%E0%A4%95%E0%A5%81%E0%A4%9F"
        );
    }
}
