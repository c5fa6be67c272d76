//! Voice input where the browser has speech recognition (`SpeechRecognition`, or Chrome's
//! `webkitSpeechRecognition`): one utterance in the page's language, whose text the panel puts in
//! the message box for the visitor to review (it is never sent from here). Reached through
//! `js_sys::Reflect` rather than web-sys's bindings, which would cost more bytes.

use js_sys::{Function, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The recognizer's constructor, where the browser has one.
fn constructor() -> Option<Function> {
    let global = js_sys::global();
    ["SpeechRecognition", "webkitSpeechRecognition"]
        .into_iter()
        .find_map(|name| Reflect::get(&global, &JsValue::from_str(name)).ok()?.dyn_into::<Function>().ok())
}

/// Whether voice input can be offered.
pub fn available() -> bool {
    constructor().is_some()
}

/// One utterance being recognized; dropping it stops listening.
pub struct Listening {
    recognition: JsValue,
    _on_result: Closure<dyn FnMut(JsValue)>,
    _on_end: Closure<dyn FnMut(JsValue)>,
}

impl Listening {
    /// Starts listening in `lang` (a BCP 47 tag); `on_text` hears the recognized text, `on_end`
    /// runs when listening stops (after a result, an error or silence). `None` when the browser
    /// has no recognizer or refuses to start.
    pub fn start(
        lang: &str,
        on_text: impl Fn(String) + 'static,
        on_end: impl Fn() + 'static,
    ) -> Option<Listening> {
        let recognition = Reflect::construct(&constructor()?, &js_sys::Array::new()).ok()?;
        let set =
            |key: &str, value: &JsValue| Reflect::set(&recognition, &JsValue::from_str(key), value).is_ok();
        set("lang", &JsValue::from_str(lang));
        set("interimResults", &JsValue::FALSE);
        set("maxAlternatives", &JsValue::from(1));
        let on_result = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            // event.results[last][0].transcript
            let get = |value: &JsValue, key: &str| Reflect::get(value, &JsValue::from_str(key)).ok();
            let text = get(&event, "results").and_then(|results| {
                let last = get(&results, "length")?.as_f64()? as u32;
                let result = Reflect::get_u32(&results, last.checked_sub(1)?).ok()?;
                let best = Reflect::get_u32(&result, 0).ok()?;
                get(&best, "transcript")?.as_string()
            });
            if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
                on_text(text.trim().to_owned());
            }
        });
        let on_end = Closure::<dyn FnMut(JsValue)>::new(move |_| on_end());
        set("onresult", on_result.as_ref());
        set("onend", on_end.as_ref());
        let start =
            Reflect::get(&recognition, &JsValue::from_str("start")).ok()?.dyn_into::<Function>().ok()?;
        start.call0(&recognition).ok()?;
        Some(Listening { recognition, _on_result: on_result, _on_end: on_end })
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        let _ = Reflect::set(&self.recognition, &JsValue::from_str("onresult"), &JsValue::NULL);
        let _ = Reflect::set(&self.recognition, &JsValue::from_str("onend"), &JsValue::NULL);
        let stop = Reflect::get(&self.recognition, &JsValue::from_str("abort")).ok();
        if let Some(stop) = stop.and_then(|f| f.dyn_into::<Function>().ok()) {
            let _ = stop.call0(&self.recognition);
        }
    }
}
