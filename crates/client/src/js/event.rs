//! What a chat session tells the page: its events (`session.on(name, callback)`), their names,
//! and the session's phase.

use crate::conversation::{Event, MessageId};
use serde::Serialize;
use tsify::Tsify;

pub use names::{ChatEventName, ChatPhase};

/// The string enums of the JavaScript API. (wasm-bindgen adds a hidden `__Invalid` variant, for
/// a string that is none of them, and `from_js_value`, neither documented.)
#[allow(missing_docs)]
mod names {
    use wasm_bindgen::prelude::wasm_bindgen;

    use crate::Phase;

    /// The names `session.on(name, …)` listens by: each event has one ([`ChatEvent::name`]).
    #[wasm_bindgen]
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ChatEventName {
        /// The session started (or restarted).
        Started = "started",
        /// Show a prompt.
        Say = "say",
        /// The platform waits for the user.
        Wait = "wait",
        /// The session is over.
        Finish = "finish",
        /// The session was handed to a human agent.
        Transfer = "transfer",
        /// A message was queued, sent, or failed.
        Message = "message",
        /// The idle session expired.
        Expired = "expired",
        /// The session was stopped.
        Stopped = "stopped",
        /// Something failed.
        Error = "error",
    }

    impl ChatEventName {
        /// Every name, in the order the messages list them.
        pub const ALL: [ChatEventName; 9] = [
            ChatEventName::Started,
            ChatEventName::Say,
            ChatEventName::Wait,
            ChatEventName::Finish,
            ChatEventName::Transfer,
            ChatEventName::Message,
            ChatEventName::Expired,
            ChatEventName::Stopped,
            ChatEventName::Error,
        ];

        /// Whether it is one of [`ChatEventName::ALL`] (a name from JavaScript may be none).
        pub fn is_known(self) -> bool {
            ChatEventName::ALL.contains(&self)
        }

        /// Every name, for messages: `"started", "say", …`.
        pub fn listed() -> String {
            ChatEventName::ALL.iter().map(|n| format!("{:?}", n.to_str())).collect::<Vec<_>>().join(", ")
        }
    }

    /// Where the conversation is (`session.phase`).
    #[wasm_bindgen]
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ChatPhase {
        /// Not started.
        Idle = "idle",
        /// `start` sent, no answer yet.
        Starting = "starting",
        /// A prompt is being shown.
        BotSpeaking = "botSpeaking",
        /// The platform waits for the user.
        WaitingForUser = "waitingForUser",
        /// The bot ended the session.
        Finished = "finished",
        /// The session was handed to a human agent.
        Transferred = "transferred",
        /// The session was stopped.
        Stopped = "stopped",
        /// The platform no longer serves the session; a fresh start follows.
        Expired = "expired",
        /// Something went wrong.
        Failed = "failed",
    }

    impl From<Phase> for ChatPhase {
        fn from(phase: Phase) -> ChatPhase {
            match phase {
                Phase::Idle => ChatPhase::Idle,
                Phase::Starting => ChatPhase::Starting,
                Phase::BotSpeaking => ChatPhase::BotSpeaking,
                Phase::WaitingForUser => ChatPhase::WaitingForUser,
                Phase::Finished => ChatPhase::Finished,
                Phase::Transferred => ChatPhase::Transferred,
                Phase::Stopped => ChatPhase::Stopped,
                Phase::Expired => ChatPhase::Expired,
                Phase::Failed => ChatPhase::Failed,
            }
        }
    }
}

/// A suggested follow-up question.
#[derive(Debug, Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
#[tsify(output, missing_as_null)]
pub struct Suggestion {
    /// The title to show.
    pub title: String,
    /// The text to send when tapped.
    pub question: String,
}

/// What `on(event, callback)` hands the callback. `type` names the event.
#[derive(Debug, Tsify, Serialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[tsify(output, missing_as_null)]
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
        /// Suggested follow-up questions (those with a question; a blank title shows the
        /// question, as in the widget).
        suggestions: Vec<Suggestion>,
        /// The session's variables (`g_vars`); empty when the turn has none.
        #[tsify(type = "Record<string, unknown>")]
        vars: std::collections::BTreeMap<String, serde_json::Value>,
        /// The data that travels with the session (`user_data`), `null` when the turn has none.
        user_data: Option<String>,
        /// How the bot chose this prompt (`debug_info`), `null` when the turn has none.
        debug_info: Option<kefu_protocol::chat::DebugInfo>,
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
    /// The JavaScript form of a client event.
    pub fn from_event(event: &Event) -> ChatEvent {
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
                    .filter_map(|r| r.suggestion())
                    .map(|(title, question)| Suggestion {
                        title: title.to_owned(),
                        question: question.to_owned(),
                    })
                    .collect(),
                vars: turn.ext.as_ref().map(|e| e.g_vars.clone()).unwrap_or_default(),
                user_data: turn.ext.as_ref().and_then(|e| e.user_data.clone()),
                debug_info: turn.debug_info.clone(),
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
    pub fn name(&self) -> ChatEventName {
        match self {
            ChatEvent::Started { .. } => ChatEventName::Started,
            ChatEvent::Say { .. } => ChatEventName::Say,
            ChatEvent::Wait => ChatEventName::Wait,
            ChatEvent::Finish { .. } => ChatEventName::Finish,
            ChatEvent::Transfer { .. } => ChatEventName::Transfer,
            ChatEvent::MessageQueued { .. }
            | ChatEvent::MessageSent { .. }
            | ChatEvent::MessageFailed { .. } => ChatEventName::Message,
            ChatEvent::Expired => ChatEventName::Expired,
            ChatEvent::Stopped => ChatEventName::Stopped,
            ChatEvent::Error { .. } => ChatEventName::Error,
        }
    }
}
