//! What the widget does only when the visitor asks for it (voice input, keeping the transcript,
//! POSTing a rating) is JavaScript in `kefu-extras.js`, which the wasm does not carry: the loader
//! gives the widget a function that imports that module ([`use_extras`]), and [`call`] imports it
//! on first use. Without it (a page that mounts the widget's module without the loader), those
//! features fail as the browser refusing them would.

use std::cell::RefCell;

use js_sys::{Array, Function};
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;

thread_local! {
    /// The loader's `(name, args, done)`, which imports `kefu-extras.js`, calls its function
    /// `name` with `args` and `done` with what that returned.
    static CALL: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Gives the widget `call(name, args, done)`, which imports `kefu-extras.js`, calls its function
/// `name` with the array `args`, then `done` with what it returned (a promise's value once
/// settled; nothing when the module could not be loaded or the call failed). The loader gives it
/// once the wasm is in.
#[wasm_bindgen(js_name = useExtras, skip_typescript)]
pub fn use_extras(call: Function) {
    CALL.with(|c| *c.borrow_mut() = Some(call));
}

/// Calls the function `name` of `kefu-extras.js` with `args` once the module is in; `then` hears
/// what it returned (a promise's value, once settled), or undefined when the module could not be
/// loaded or the call failed. Not generic, so each use costs only its own closure.
pub fn call(name: &str, args: Array, then: Box<dyn FnOnce(JsValue)>) {
    let Some(call) = CALL.with(|c| c.borrow().clone()) else {
        return then(JsValue::UNDEFINED);
    };
    let done = Closure::once_into_js(move |value: JsValue| then(value));
    // The loader's function catches what fails; if it throws at once, `done` is never called.
    let _ = call.call3(&JsValue::NULL, &name.into(), &args, &done);
}
