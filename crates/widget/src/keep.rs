//! Keeping the transcript: as a text file downloaded through a Blob `<a download>`, or copied
//! with `navigator.clipboard.writeText`, both by `kefu-extras.js` ([`crate::extras`]). The text
//! is [`crate::transcript::plain_text`]'s.

use js_sys::Array;
use wasm_bindgen::JsValue;

use crate::extras;

/// Downloads `text` as the UTF-8 text file `name`; `done` hears whether the browser took it.
pub fn download(text: &str, name: &str, done: impl FnOnce(bool) + 'static) {
    let done = Box::new(move |worked: JsValue| done(worked.as_bool() == Some(true)));
    extras::call("download", Array::of2(&text.into(), &name.into()), done);
}

/// Copies `text` to the clipboard; `done` hears whether it worked (the clipboard may be missing,
/// e.g. outside a secure context, or refused).
pub fn copy(text: &str, done: impl FnOnce(bool) + 'static) {
    let done = Box::new(move |worked: JsValue| done(worked.as_bool() == Some(true)));
    extras::call("copy", Array::of1(&text.into()), done);
}
