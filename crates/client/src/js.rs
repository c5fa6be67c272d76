//! The JavaScript API (wasm-bindgen, camelCase names, typed Promises, TypeScript types generated
//! from the Rust types with tsify).
//!
//! ```js
//! import init, { KefuClient } from "kefu-client";
//! await init();
//! const client = await KefuClient.create({ endpoint: "https://kefu.example.com" });
//! const chat = await client.startChat({ channel: "h5", vars: { name: "张三" } });
//! chat.on("say", (e) => show(e.prompt));
//! chat.on("wait", () => enableInput());
//! await chat.send("你好");      // resolves once the platform has the message
//! ```

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Function, Promise};
use kefu_protocol::{Channel, VarMap};
use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::conversation::{ChatOptions, Event, MessageId};
use crate::{ChatSession, ClientError, KefuClient};

/// Options of `KefuClient.create`.
#[derive(Debug, Tsify, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientOptions {
    /// The kefu-proxy base URL.
    pub endpoint: String,
    /// Sent as `Authorization: Bearer`; opens the operator routes.
    #[tsify(optional)]
    pub operator_token: Option<String>,
    /// Per-request timeout (default 15000).
    #[tsify(optional)]
    pub timeout_ms: Option<u32>,
}

/// Options of `client.startChat`.
#[derive(Debug, Tsify, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartChatOptions {
    /// The tenant; may be left out when the proxy pins it.
    #[serde(default)]
    #[tsify(optional)]
    pub app_id: String,
    /// The bot; may be left out when the proxy pins it.
    #[serde(default)]
    #[tsify(optional)]
    pub bot_id: String,
    /// Where the chat runs.
    #[tsify(type = r#""h5" | "wx_oa" | "wx_mp" | "wx_work" | "weibo" | "email" | "app""#)]
    pub channel: String,
    /// Page variables: a flat object of strings, numbers and booleans.
    #[tsify(optional, type = "Record<string, string | number | boolean | null>")]
    pub vars: Option<serde_json::Value>,
    /// Data that travels with the session.
    #[tsify(optional)]
    pub user_data: Option<String>,
    /// Acknowledge each prompt on arrival (default true); otherwise call `acknowledge(promptId)`
    /// once it has been shown.
    #[tsify(optional)]
    pub auto_acknowledge: Option<bool>,
}

/// A suggested follow-up question.
#[derive(Debug, Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    /// The title to show.
    pub title: String,
    /// The text to send when tapped.
    pub question: String,
}

/// What `on(event, callback)` hands the callback. `type` names the event.
#[derive(Debug, Tsify, Serialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ChatEvent {
    /// The session started (or restarted).
    Started {
        /// The session id.
        sid: String,
        /// Whether this continues an expired or ended conversation.
        restarted: bool,
    },
    /// Show this prompt (Markdown allowed; never as live HTML).
    Say {
        /// The text.
        prompt: String,
        /// Its id, for `acknowledge`.
        prompt_id: String,
        /// Suggested follow-up questions.
        suggestions: Vec<Suggestion>,
        /// The session's variables.
        #[tsify(type = "Record<string, unknown>")]
        vars: serde_json::Value,
    },
    /// The platform waits for the user.
    Wait,
    /// The session is over.
    Finish {
        /// A closing text, if any.
        prompt: String,
    },
    /// The session was handed to a human agent.
    Transfer {
        /// A hand-off text, if any.
        prompt: String,
    },
    /// A message was accepted for sending.
    MessageQueued {
        /// Its id.
        id: f64,
        /// Its text.
        text: String,
    },
    /// The platform received the message.
    MessageSent {
        /// Its id.
        id: f64,
    },
    /// The message was not delivered (or may not have been); `resend(id)` sends it again.
    MessageFailed {
        /// Its id.
        id: f64,
        /// Its text.
        text: String,
        /// Why.
        error: String,
    },
    /// The idle session expired; `restart()` continues with the same variables.
    Expired,
    /// The session was stopped.
    Stopped,
    /// Something failed; `retry()` may help.
    Error {
        /// What went wrong.
        message: String,
    },
}

impl ChatEvent {
    fn from_event(event: &Event) -> ChatEvent {
        let id = |id: &MessageId| *id as f64;
        match event {
            Event::Started { sid, restarted } => {
                ChatEvent::Started { sid: sid.to_string(), restarted: *restarted }
            }
            Event::Say(turn) => ChatEvent::Say {
                prompt: turn.prompt.clone(),
                prompt_id: turn.prompt_id.clone(),
                suggestions: turn
                    .relation_list
                    .iter()
                    .map(|r| Suggestion {
                        title: r.relation_title.clone(),
                        question: r.question_name.clone(),
                    })
                    .collect(),
                vars: serde_json::to_value(turn.ext.as_ref().map(|e| &e.g_vars)).unwrap_or_default(),
            },
            Event::Wait => ChatEvent::Wait,
            Event::Finish(turn) => ChatEvent::Finish { prompt: turn.prompt.clone() },
            Event::Transfer(turn) => ChatEvent::Transfer { prompt: turn.prompt.clone() },
            Event::MessageQueued { id: i, text } => {
                ChatEvent::MessageQueued { id: id(i), text: text.clone() }
            }
            Event::MessageSent { id: i } => ChatEvent::MessageSent { id: id(i) },
            Event::MessageFailed { id: i, text, error } => {
                ChatEvent::MessageFailed { id: id(i), text: text.clone(), error: error.to_string() }
            }
            Event::Expired => ChatEvent::Expired,
            Event::Stopped => ChatEvent::Stopped,
            Event::Error(e) => ChatEvent::Error { message: e.to_string() },
        }
    }

    /// The name `on()` listens by.
    fn name(&self) -> &'static str {
        match self {
            ChatEvent::Started { .. } => "started",
            ChatEvent::Say { .. } => "say",
            ChatEvent::Wait => "wait",
            ChatEvent::Finish { .. } => "finish",
            ChatEvent::Transfer { .. } => "transfer",
            ChatEvent::MessageQueued { .. }
            | ChatEvent::MessageSent { .. }
            | ChatEvent::MessageFailed { .. } => "message",
            ChatEvent::Expired => "expired",
            ChatEvent::Stopped => "stopped",
            ChatEvent::Error { .. } => "error",
        }
    }
}

const EVENT_NAMES: &[&str] =
    &["started", "say", "wait", "finish", "transfer", "message", "expired", "stopped", "error"];

fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// A client of the platform, through kefu-proxy.
#[wasm_bindgen(js_name = KefuClient)]
pub struct JsKefuClient {
    inner: KefuClient,
}

#[wasm_bindgen(js_class = KefuClient)]
impl JsKefuClient {
    /// A client of the proxy at `options.endpoint`.
    pub async fn create(options: Ts<ClientOptions>) -> Result<JsKefuClient, JsError> {
        let options = options.to_rust().map_err(js_error)?;
        if !(options.endpoint.starts_with("http://") || options.endpoint.starts_with("https://")) {
            return Err(JsError::new("endpoint must be an http:// or https:// URL"));
        }
        Ok(JsKefuClient {
            inner: KefuClient::new(&options.endpoint, options.operator_token, options.timeout_ms),
        })
    }

    /// Starts a chat session; its events arrive through `session.on(…)`.
    #[wasm_bindgen(js_name = startChat)]
    pub async fn start_chat(&self, options: Ts<StartChatOptions>) -> Result<JsChatSession, JsError> {
        let options = options.to_rust().map_err(js_error)?;
        let channel = Channel::from(options.channel.as_str());
        if let Channel::Other(other) = &channel {
            return Err(JsError::new(&format!(
                "channel {other:?} is not one of h5, wx_oa, wx_mp, wx_work, weibo, email, app"
            )));
        }
        let vars = match &options.vars {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => Some(VarMap::from_json(v).map_err(js_error)?),
        };
        let chat = ChatOptions {
            app_id: options.app_id,
            bot_id: options.bot_id,
            channel,
            vars,
            user_data: options.user_data,
            auto_acknowledge: options.auto_acknowledge.unwrap_or(true),
        };
        let session = self.inner.start_chat(chat).map_err(js_error)?;
        Ok(JsChatSession::new(session))
    }
}

type Waiters = Rc<RefCell<HashMap<MessageId, (Function, Function)>>>;

/// A running chat session.
#[wasm_bindgen(js_name = ChatSession)]
pub struct JsChatSession {
    inner: ChatSession,
    /// `send` Promises waiting for their message's fate.
    waiters: Waiters,
}

impl JsChatSession {
    fn new(inner: ChatSession) -> JsChatSession {
        let waiters: Waiters = Rc::default();
        let pending = waiters.clone();
        inner.on_event(move |event| {
            let settled = match event {
                Event::MessageSent { id } => {
                    pending.borrow_mut().remove(id).map(|(resolve, _)| (resolve, JsValue::from(*id as f64)))
                }
                Event::MessageFailed { id, error, .. } => pending
                    .borrow_mut()
                    .remove(id)
                    .map(|(_, reject)| (reject, JsValue::from(js_sys::Error::new(&error.to_string())))),
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
    /// Calls `callback` with each event named `event` ("say", "wait", "finish", "transfer",
    /// "error", "message", "started", "expired", "stopped"), first those that already happened.
    pub fn on(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = r#""say" | "wait" | "finish" | "transfer" | "error" | "message" | "started" | "expired" | "stopped""#
        )]
        event: String,
        #[wasm_bindgen(unchecked_param_type = "(event: ChatEvent) => void")] callback: Function,
    ) -> Result<(), JsError> {
        if !EVENT_NAMES.contains(&event.as_str()) {
            return Err(JsError::new(&format!("unknown event {event:?}; one of {}", EVENT_NAMES.join(", "))));
        }
        self.inner.on_event(move |e| {
            let js_event = ChatEvent::from_event(e);
            if js_event.name() == event {
                if let Ok(value) = serde_wasm_bindgen::to_value(&js_event) {
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
            Err(e) => Promise::reject(&js_sys::Error::new(&e.to_string())),
        }
    }

    /// Sends a failed message again; resolves as `send` does.
    #[wasm_bindgen(unchecked_return_type = "Promise<number>")]
    pub fn resend(&self, id: f64) -> Promise {
        let id = id as MessageId;
        match self.inner.resend(id) {
            Ok(()) => self.promise_for(id),
            Err(e) => Promise::reject(&js_sys::Error::new(&e.to_string())),
        }
    }

    /// The prompt `promptId` has been shown (only with `autoAcknowledge: false`).
    pub async fn acknowledge(
        &self,
        #[wasm_bindgen(js_name = promptId)] prompt_id: String,
    ) -> Result<(), JsError> {
        self.inner.acknowledge(&prompt_id).map_err(js_error)
    }

    /// Tries again after an "error" event.
    pub async fn retry(&self) -> Result<(), JsError> {
        self.inner.retry().map_err(js_error)
    }

    /// Starts a new session with the same options (after "expired", "finish" or "transfer").
    pub async fn restart(&self) -> Result<(), JsError> {
        self.inner.restart().map_err(js_error)
    }

    /// Ends the session.
    pub async fn stop(&self) {
        self.inner.stop();
    }

    /// Where the conversation is: "idle", "starting", "botSpeaking", "waitingForUser",
    /// "finished", "transferred", "stopped", "expired" or "failed".
    #[wasm_bindgen(getter)]
    pub fn phase(&self) -> String {
        let name = format!("{:?}", self.inner.phase());
        let mut chars = name.chars();
        chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
    }

    /// The session id.
    #[wasm_bindgen(getter)]
    pub fn sid(&self) -> Option<String> {
        self.inner.sid()
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
                Event::MessageSent { id: sent } if *sent == id => self.settle(id, true, String::new()),
                Event::MessageFailed { id: failed, error, .. } if *failed == id => {
                    self.settle(id, false, error.to_string())
                }
                Event::MessageQueued { id: queued, .. } if *queued == id => break,
                _ => {}
            }
        }
        promise
    }

    fn settle(&self, id: MessageId, ok: bool, error: String) {
        if let Some((resolve, reject)) = self.waiters.borrow_mut().remove(&id) {
            let _ = if ok {
                resolve.call1(&JsValue::NULL, &JsValue::from(id as f64))
            } else {
                reject.call1(&JsValue::NULL, &js_sys::Error::new(&error).into())
            };
        }
    }
}

impl From<ClientError> for JsValue {
    fn from(e: ClientError) -> JsValue {
        js_sys::Error::new(&e.to_string()).into()
    }
}
