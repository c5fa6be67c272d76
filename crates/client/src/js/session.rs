//! `ChatSession`: a running chat, as the page drives it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::error::{from_client, invalid};
use super::event::{ChatEvent, ChatEventName, ChatPhase};
use super::to_js;
use crate::ChatSession;
use crate::conversation::{Event, MessageId};

type Waiters = Rc<RefCell<HashMap<MessageId, (Function, Function)>>>;

/// A running chat session.
#[wasm_bindgen(js_name = ChatSession)]
pub struct JsChatSession {
    inner: ChatSession,
    /// `send` Promises waiting for their message's fate.
    waiters: Waiters,
}

impl JsChatSession {
    /// Wraps a session of the Rust API.
    pub(crate) fn new(inner: ChatSession) -> JsChatSession {
        let waiters: Waiters = Rc::default();
        let pending = waiters.clone();
        inner.on_event(move |event| {
            let settled = match event {
                Event::MessageSent { id } => {
                    pending.borrow_mut().remove(id).map(|(resolve, _)| (resolve, JsValue::from(*id as f64)))
                }
                Event::MessageFailed { id, error, .. } => {
                    pending.borrow_mut().remove(id).map(|(_, reject)| (reject, from_client(error)))
                }
                _ => None,
            };
            if let Some((f, value)) = settled {
                let _ = f.call1(&JsValue::NULL, &value);
            }
        });
        JsChatSession { inner, waiters }
    }
}

#[wasm_bindgen(js_class = ChatSession)]
impl JsChatSession {
    /// Calls `callback` with each event named `event`, first those that already happened.
    pub fn on(
        &self,
        event: ChatEventName,
        #[wasm_bindgen(unchecked_param_type = "(event: ChatEvent) => void")] callback: Function,
    ) -> Result<(), JsValue> {
        if !event.is_known() {
            return Err(invalid(&format!("unknown event; one of {}", ChatEventName::listed())));
        }
        self.inner.on_event(move |e| {
            let js_event = ChatEvent::from_event(e);
            if js_event.name() == event {
                if let Ok(value) = to_js(&js_event) {
                    let _ = callback.call1(&JsValue::NULL, &value);
                }
            }
        });
        Ok(())
    }

    /// Sends a message; resolves with its id once the platform has it, rejects if it was not
    /// delivered (it can then be resent with `resend(id)`). Refused at once when empty, too long,
    /// or when the session is over.
    #[wasm_bindgen(unchecked_return_type = "Promise<number>")]
    pub fn send(&self, text: String) -> Promise {
        match self.inner.send(&text) {
            Ok(id) => self.promise_for(id),
            Err(e) => Promise::reject(&from_client(&e)),
        }
    }

    /// Sends a failed message again; resolves as `send` does.
    #[wasm_bindgen(unchecked_return_type = "Promise<number>")]
    pub fn resend(&self, id: f64) -> Promise {
        let id = id as MessageId;
        match self.inner.resend(id) {
            Ok(()) => self.promise_for(id),
            Err(e) => Promise::reject(&from_client(&e)),
        }
    }

    /// The prompt `promptId` has been shown (only with `autoAcknowledge: false`).
    pub fn acknowledge(&self, #[wasm_bindgen(js_name = promptId)] prompt_id: String) -> Result<(), JsValue> {
        Ok(self.inner.acknowledge(&prompt_id)?)
    }

    /// Tries again after an "error" event.
    pub fn retry(&self) -> Result<(), JsValue> {
        Ok(self.inner.retry()?)
    }

    /// Starts a new session with the same options (after "expired", "finish" or "transfer").
    pub fn restart(&self) -> Result<(), JsValue> {
        Ok(self.inner.restart()?)
    }

    /// Ends the session.
    pub fn stop(&self) {
        self.inner.stop();
    }

    /// Where the conversation is.
    #[wasm_bindgen(getter)]
    pub fn phase(&self) -> ChatPhase {
        self.inner.phase().into()
    }

    /// The session id.
    #[wasm_bindgen(getter)]
    pub fn sid(&self) -> Option<String> {
        self.inner.sid()
    }

    /// The session id if the chat could be continued from here by `client.resumeChat` (say,
    /// after the page reloads): the platform waits for the user and nothing is on its way.
    #[wasm_bindgen(getter, js_name = resumableSid)]
    pub fn resumable_sid(&self) -> Option<String> {
        self.inner.resumable_sid().map(|sid| sid.to_string())
    }

    fn promise_for(&self, id: MessageId) -> Promise {
        let waiters = self.waiters.clone();
        let promise = Promise::new(&mut |resolve, reject| {
            waiters.borrow_mut().insert(id, (resolve, reject));
        });
        // The message may already be settled (events run synchronously on a failure).
        let history = self.inner.history();
        for event in history.iter().rev() {
            match event {
                Event::MessageSent { id: sent } if *sent == id => self.settle(id, Ok(())),
                Event::MessageFailed { id: failed, error, .. } if *failed == id => {
                    self.settle(id, Err(from_client(error)))
                }
                Event::MessageQueued { id: queued, .. } if *queued == id => break,
                _ => {}
            }
        }
        promise
    }

    fn settle(&self, id: MessageId, outcome: Result<(), JsValue>) {
        if let Some((resolve, reject)) = self.waiters.borrow_mut().remove(&id) {
            let _ = match outcome {
                Ok(()) => resolve.call1(&JsValue::NULL, &JsValue::from(id as f64)),
                Err(error) => reject.call1(&JsValue::NULL, &error),
            };
        }
    }
}
