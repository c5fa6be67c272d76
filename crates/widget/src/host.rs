//! What the host page is told: [`HostEvent`]s, dispatched by [`notify`] as DOM events on the
//! mount element (`message`, `transfer`, `finish`, `error`, `close`).

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
