//! Shrinking a chosen photo in the browser before upload: decode it with the
//! browser's own decoder (which also turns it upright), draw it on a canvas at
//! most `max_side` pixels on its long side and export a JPEG data URL.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub async fn shrink_to_data_url(file: &web_sys::File, max_side: u32) -> Result<String, String> {
    let unreadable =
        |_| "This photo could not be read: choose a JPEG, PNG or WebP photo".to_string();
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("No document")?;
    let url = web_sys::Url::create_object_url_with_blob(file).map_err(unreadable)?;
    let img: web_sys::HtmlImageElement = document
        .create_element("img")
        .map_err(unreadable)?
        .unchecked_into();
    img.set_src(&url);
    let decoded = JsFuture::from(img.decode()).await;
    let _ = web_sys::Url::revoke_object_url(&url);
    decoded.map_err(unreadable)?;
    let (w, h) = (img.natural_width().max(1), img.natural_height().max(1));
    let scale = (f64::from(max_side) / f64::from(w.max(h))).min(1.0);
    let (cw, ch) = (
        (f64::from(w) * scale).round().max(1.0) as u32,
        (f64::from(h) * scale).round().max(1.0) as u32,
    );
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(unreadable)?
        .unchecked_into();
    canvas.set_width(cw);
    canvas.set_height(ch);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(unreadable)?
        .ok_or("No canvas")?
        .unchecked_into();
    // White under transparent pixels: JPEG has no transparency.
    ctx.set_fill_style_str("#fff");
    ctx.fill_rect(0.0, 0.0, f64::from(cw), f64::from(ch));
    ctx.draw_image_with_html_image_element_and_dw_and_dh(
        &img,
        0.0,
        0.0,
        f64::from(cw),
        f64::from(ch),
    )
    .map_err(unreadable)?;
    canvas
        .to_data_url_with_type_and_encoder_options("image/jpeg", &JsValue::from_f64(0.85))
        .map_err(unreadable)
}
