//! One chat session's state: what the bot says next, what awaits acknowledgement, its history.

use std::collections::{BTreeMap, VecDeque};

use kefu_protocol::chat::{BotTurn, DebugInfo, Ext, Relation};
use kefu_protocol::coeus::FollowedDialog;
use kefu_protocol::{Channel, Cmd, DateTime, DialogType, PLATFORM_OFFSET_MINUTES, Timestamp};

use crate::bot::{Reply, Then};

/// Where a session is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Active,
    Finished,
    Transferred,
    Stopped,
}

/// One chat session.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) bot: usize,
    pub(crate) channel: Channel,
    pub(crate) vars: BTreeMap<String, String>,
    pub(crate) g_vars: BTreeMap<String, serde_json::Value>,
    pub(crate) user_data: Option<String>,
    /// Prompts of the current reply not yet said.
    pub(crate) queue: VecDeque<String>,
    /// The prompt said and not yet acknowledged.
    pub(crate) pending: Option<String>,
    /// What follows when the queue is empty.
    pub(crate) then: Then,
    /// Suggestions, sent with the first prompt of the reply.
    pub(crate) relations: Vec<Relation>,
    pub(crate) debug: DebugInfo,
    pub(crate) state: String,
    pub(crate) status: Status,
    pub(crate) last_active_ms: i64,
    /// The dialogue so far, for followed/data.
    pub(crate) history: Vec<FollowedDialog>,
}

impl Session {
    pub(crate) fn apply(&mut self, reply: Reply) {
        let last_state = self.state.clone();
        if let Some(state) = &reply.state {
            self.state = state.clone();
        }
        self.queue = reply.prompts.into();
        self.then = reply.then;
        self.relations = reply.relations;
        self.debug = DebugInfo {
            prompt_source: Some(reply.prompt_source),
            intent_source: Some(reply.intent_source),
            intent: Some(reply.intent),
            score: Some(reply.score),
            current_state_id: Some(self.state.clone()),
            last_state_id: Some(last_state),
        };
    }

    /// The next answer: say the next prompt, or what follows the reply.
    pub(crate) fn next_turn(
        &mut self,
        sid: &str,
        prompt_id: impl FnOnce() -> String,
        now_ms: i64,
    ) -> BotTurn {
        let (cmd, prompt, id) = match self.queue.pop_front() {
            Some(prompt) => {
                let id = prompt_id();
                self.pending = Some(id.clone());
                self.record(DialogType::Bot, &prompt, now_ms);
                (Cmd::Say, prompt, id)
            }
            None => {
                let cmd = match self.then {
                    Then::Wait => Cmd::Wait,
                    Then::Transfer => {
                        self.status = Status::Transferred;
                        Cmd::Transfer
                    }
                    Then::Finish => {
                        self.status = Status::Finished;
                        Cmd::Finish
                    }
                };
                (cmd, String::new(), String::new())
            }
        };
        BotTurn {
            sid: sid.to_owned(),
            cmd,
            prompt,
            prompt_id: id,
            channel: Some(self.channel.clone()),
            relation_list: std::mem::take(&mut self.relations),
            ext: Some(Ext { user_data: self.user_data.clone(), g_vars: self.g_vars.clone() }),
            debug_info: Some(self.debug.clone()),
        }
    }

    pub(crate) fn record(&mut self, kind: DialogType, text: &str, now_ms: i64) {
        let time = DateTime::from_unix_seconds(now_ms.div_euclid(1000), PLATFORM_OFFSET_MINUTES).to_plain();
        self.history.push(FollowedDialog {
            dialog_type: kind,
            content: text.to_owned(),
            create_time: Timestamp(time),
        });
    }

    pub(crate) fn idle_ms(&self, now_ms: i64) -> i64 {
        now_ms - self.last_active_ms
    }

    pub(crate) fn ended(&self) -> Option<&'static str> {
        match self.status {
            Status::Active => None,
            Status::Finished => Some("finished"),
            Status::Transferred => Some("transferred to a human agent"),
            Status::Stopped => Some("stopped"),
        }
    }
}
