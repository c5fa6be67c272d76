//! What the host page is told: [`HostEvent`]s, dispatched by [`notify`] as DOM events on the
//! mount element (`message`, `transfer`, `finish`, `rating`, `error`, `close`).

/// What the host page is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostEvent {
    /// A message appeared: `from` is `"bot"` or `"user"`.
    Message {
        /// Who wrote it.
        from: &'static str,
        /// Its text.
        text: String,
        /// The session it belongs to.
        sid: String,
    },
    /// The conversation was handed to a human agent.
    Transfer {
        /// The session id.
        sid: String,
    },
    /// The bot ended the conversation.
    Finish {
        /// The session id.
        sid: String,
    },
    /// The visitor rated the conversation that ended.
    Rating {
        /// 1 (worst) to 5 (best).
        score: u8,
        /// The optional comment (may be empty).
        comment: String,
        /// The session rated.
        sid: String,
    },
    /// The visitor asked to close the chat (close button or Escape).
    Close,
    /// Something failed.
    Error {
        /// What, in English, for logs.
        message: String,
    },
}

/// Dispatches `event` on the mount element (not bubbling, so `error` never reaches `window`).
#[cfg(target_arch = "wasm32")]
pub(crate) fn notify(host: &web_sys::HtmlElement, event: &HostEvent) {
    use js_sys::{Object, Reflect};
    use wasm_bindgen::JsValue;
    use web_sys::{CustomEvent, CustomEventInit};

    let detail = Object::new();
    let set = |key: &str, value: &str| {
        let _ = Reflect::set(&detail, &JsValue::from_str(key), &JsValue::from_str(value));
    };
    let name = match event {
        HostEvent::Message { from, text, sid } => {
            set("from", from);
            set("text", text);
            set("sid", sid);
            "message"
        }
        HostEvent::Transfer { sid } => {
            set("sid", sid);
            "transfer"
        }
        HostEvent::Finish { sid } => {
            set("sid", sid);
            "finish"
        }
        HostEvent::Rating { score, comment, sid } => {
            let _ = Reflect::set(&detail, &JsValue::from_str("score"), &JsValue::from(*score));
            set("comment", comment);
            set("sid", sid);
            "rating"
        }
        HostEvent::Error { message } => {
            set("message", message);
            "error"
        }
        HostEvent::Close => "close",
    };
    let init = CustomEventInit::new();
    init.set_detail(&detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = host.dispatch_event(&event);
    }
}

/// POSTs a rating to the `rating-url` option as JSON (`{score, comment, sid}`), through
/// `kefu-extras.js` ([`crate::extras`]), without waiting for the answer; a failure is the
/// receiving server's to notice (the host event was dispatched).
#[cfg(target_arch = "wasm32")]
pub(crate) fn post_rating(url: &str, score: u8, comment: &str, sid: &str) {
    let args = js_sys::Array::of4(&url.into(), &score.into(), &comment.into(), &sid.into());
    crate::extras::call("postRating", args, Box::new(drop));
}

/// `wx.miniProgram.navigateBack`, where the page has WeChat's JSSDK (a mini-program web-view).
#[cfg(target_arch = "wasm32")]
fn mini_program_back() -> Option<(wasm_bindgen::JsValue, js_sys::Function)> {
    use js_sys::Reflect;
    use wasm_bindgen::{JsCast, JsValue};

    let wx = Reflect::get(&js_sys::global(), &JsValue::from_str("wx")).ok().filter(JsValue::is_object)?;
    let mini = Reflect::get(&wx, &JsValue::from_str("miniProgram")).ok().filter(JsValue::is_object)?;
    let back = Reflect::get(&mini, &JsValue::from_str("navigateBack")).ok()?.dyn_into().ok()?;
    Some((mini, back))
}

/// Whether the page can go back to the mini-program (see [`back_to_mini_program`]).
#[cfg(target_arch = "wasm32")]
pub(crate) fn can_go_back_to_mini_program() -> bool {
    mini_program_back().is_some()
}

/// Leaves the web-view for the mini-program page that opened it.
#[cfg(target_arch = "wasm32")]
pub(crate) fn back_to_mini_program() {
    if let Some((mini, back)) = mini_program_back() {
        let _ = back.call0(&mini);
    }
}
