//! Voice input where the browser has speech recognition (`SpeechRecognition`, or Chrome's
//! `webkitSpeechRecognition`): one utterance in the page's language, whose text the panel puts in
//! the message box for the visitor to review (it is never sent from here). The recognizer is
//! driven by `kefu-extras.js` ([`crate::extras`]), loaded when the visitor first asks.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::extras;

/// Whether voice input can be offered.
pub fn available() -> bool {
    let global = js_sys::global();
    ["SpeechRecognition", "webkitSpeechRecognition"]
        .into_iter()
        .any(|name| Reflect::get(&global, &JsValue::from_str(name)).is_ok_and(|c| c.is_function()))
}

/// One utterance being recognized; dropping it stops listening.
pub struct Listening(Rc<Shared>);

/// What a [`Listening`] shares with the start that may still be on its way.
struct Shared {
    /// Stops the recognizer, once it started.
    stop: RefCell<Option<Function>>,
    /// Whether the [`Listening`] was dropped.
    dropped: Cell<bool>,
    heard: Closure<dyn FnMut(String)>,
    ended: Closure<dyn FnMut()>,
}

impl Listening {
    /// Starts listening in `lang` (a BCP 47 tag); `on_text` hears the recognized text, `on_end`
    /// runs when listening stops (after a result, an error or silence, or when the browser has
    /// no recognizer or refuses to start).
    pub fn start(lang: &str, on_text: impl Fn(String) + 'static, on_end: impl Fn() + 'static) -> Listening {
        let shared = Rc::new(Shared {
            stop: RefCell::new(None),
            dropped: Cell::new(false),
            heard: Closure::new(on_text),
            ended: Closure::new(on_end),
        });
        let args = Array::of3(&lang.into(), shared.heard.as_ref(), shared.ended.as_ref());
        let started = shared.clone();
        let started = Box::new(move |stop: JsValue| match stop.dyn_into::<Function>().ok() {
            Some(stop) if started.dropped.get() => drop(stop.call0(&JsValue::NULL)),
            Some(stop) => *started.stop.borrow_mut() = Some(stop),
            None if !started.dropped.get() => {
                drop(started.ended.as_ref().unchecked_ref::<Function>().call0(&JsValue::NULL));
            }
            None => {}
        });
        extras::call("listen", args, started);
        Listening(shared)
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.0.dropped.set(true);
        let stop = self.0.stop.borrow_mut().take();
        if let Some(stop) = stop {
            let _ = stop.call0(&JsValue::NULL);
        }
    }
}
