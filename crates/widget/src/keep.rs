//! Keeping the transcript: as a text file downloaded through a Blob `<a download>`, or copied
//! with `navigator.clipboard.writeText`. The text is [`crate::transcript::plain_text`]'s.

use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// Downloads `text` as the UTF-8 text file `name`; false when the browser refused.
pub fn download(text: &str, name: &str) -> bool {
    let parts = js_sys::Array::of1(&text.into());
    let options = BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &options) else { return false };
    let Ok(url) = Url::create_object_url_with_blob(&blob) else { return false };
    let anchor = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<HtmlAnchorElement>().ok());
    if let Some(anchor) = &anchor {
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
    }
    let _ = Url::revoke_object_url(&url);
    anchor.is_some()
}

/// Copies `text` to the clipboard; `done` hears whether it worked (the clipboard may be missing,
/// e.g. outside a secure context, or refused).
pub fn copy(text: &str, done: impl FnOnce(bool) + 'static) {
    let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
        done(false);
        return;
    };
    let written = clipboard.write_text(text);
    wasm_bindgen_futures::spawn_local(async move {
        done(wasm_bindgen_futures::JsFuture::from(written).await.is_ok());
    });
}
