//! A large download fetched by the page itself, so the page can say how far it
//! has got: the body is read as a stream, its lines (a CSV's rows) counted
//! against the total the server announces in `X-Rows`, and the file is handed
//! to the browser to save once complete. A failure says so in the page.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// How far a download has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub bytes: u64,
    /// Lines received (for a CSV: rows, with the header).
    pub lines: u64,
    /// What the server announced, if it did.
    pub expected: Option<u64>,
}

fn js_error(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "the network failed".into())
}

/// Fetches `url`, calling `progress` as chunks arrive, and saves the result
/// under the name the server gives it (else `fallback`). Returns a message for
/// the shop owner on failure.
pub async fn fetch_and_save(
    url: &str,
    fallback: &str,
    mut progress: impl FnMut(Progress),
) -> Result<Progress, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| "The connection dropped. Try again when you are online.".to_string())?
        .dyn_into()
        .map_err(js_error)?;
    if !response.ok() {
        let text = match response.text() {
            Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
            Err(_) => None,
        };
        return Err(server_message(text.as_deref(), response.status()));
    }
    let expected = response
        .headers()
        .get("x-rows")
        .ok()
        .flatten()
        .and_then(|n| n.parse().ok());
    let kind = response
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default();
    let file_name = response
        .headers()
        .get("content-disposition")
        .ok()
        .flatten()
        .and_then(|d| {
            d.split("filename=\"")
                .nth(1)
                .and_then(|n| n.split('"').next())
                .map(str::to_string)
        })
        .unwrap_or_else(|| fallback.to_string());
    let body = response.body().ok_or("The download was empty.")?;
    let reader: web_sys::ReadableStreamDefaultReader = body
        .get_reader()
        .dyn_into()
        .map_err(|o| js_error(o.into()))?;
    let parts = js_sys::Array::new();
    let mut seen = Progress {
        bytes: 0,
        lines: 0,
        expected,
    };
    progress(seen);
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|_| {
            "The connection dropped before the file was complete. Try again.".to_string()
        })?;
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .map(|d| d.is_truthy())
            .unwrap_or(true);
        if done {
            break;
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(js_error)?;
        let bytes: js_sys::Uint8Array = value.dyn_into().map_err(js_error)?;
        seen.bytes += u64::from(bytes.length());
        seen.lines += bytes.to_vec().iter().filter(|b| **b == b'\n').count() as u64;
        parts.push(&bytes);
        progress(seen);
    }
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(&kind);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(js_error)?;
    let href = web_sys::Url::create_object_url_with_blob(&blob).map_err(js_error)?;
    let document = window.document().ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(js_error)?
        .dyn_into()
        .map_err(|e| js_error(e.into()))?;
    a.set_href(&href);
    a.set_download(&file_name);
    a.click();
    // Let the browser start saving before the address is let go.
    crate::ui::sleep_ms(1000).await;
    let _ = web_sys::Url::revoke_object_url(&href);
    Ok(seen)
}

/// The server's own reason (error bodies are plain text), else a plain one
/// for the status.
fn server_message(body: Option<&str>, status: u16) -> String {
    match body.map(str::trim) {
        Some(text) if !text.is_empty() && text.len() < 500 => text.to_string(),
        _ => match status {
            401 => "Sign in again to download.".into(),
            403 => "You may not download this.".into(),
            _ => format!("The download failed ({status}). Try again."),
        },
    }
}
