//! Chat sessions ("gaia botdm", seed 002 §14–16): start, trigger, stop.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::enums::{Channel, Cmd, IntentSource, PromptSource};
use crate::lenient;
use crate::sid::Sid;
use crate::vars::VarMap;

/// Path of the start call.
pub const START_PATH: &str = "/api/v1/gaia/botdm/start";
/// Path of the trigger call.
pub const TRIGGER_PATH: &str = "/api/v1/gaia/botdm/trigger";
/// Path of the stop call.
pub const STOP_PATH: &str = "/api/v1/gaia/botdm/stop";

/// Why kefu-sandbox refused a chat call on a session that cannot go on as it is: its own codes
/// (`crates/sandbox/ERRORS.md`), shared here so the sandbox answers and the client reads the same
/// numbers. The real platform documents none of them, so a client takes them as a fast path only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionFailure {
    /// No session has this sid (40402).
    NotFound,
    /// `evt.input` while a prompt still awaits `evt.complete` (40902).
    PromptNotAcknowledged,
    /// `evt.complete` with the wrong or no `prompt_id` (40903).
    WrongPromptId,
    /// The session was idle too long (41001).
    Expired,
    /// The session has finished, been transferred or stopped (41002).
    Ended,
}

impl SessionFailure {
    /// Every session failure.
    pub const ALL: [SessionFailure; 5] = [
        SessionFailure::NotFound,
        SessionFailure::PromptNotAcknowledged,
        SessionFailure::WrongPromptId,
        SessionFailure::Expired,
        SessionFailure::Ended,
    ];

    /// kefu-sandbox's codes for a request it refused (bad input, unknown ids, session
    /// failures): 40000 to 42999.
    pub const REFUSED_CODES: std::ops::RangeInclusive<i64> = 40_000..=42_999;

    /// Its `code`.
    pub fn code(self) -> i64 {
        match self {
            SessionFailure::NotFound => 40402,
            SessionFailure::PromptNotAcknowledged => 40902,
            SessionFailure::WrongPromptId => 40903,
            SessionFailure::Expired => 41001,
            SessionFailure::Ended => 41002,
        }
    }

    /// The session failure with this `code`, if it is one.
    #[inline]
    pub fn from_code(code: i64) -> Option<SessionFailure> {
        SessionFailure::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// `POST /api/v1/gaia/botdm/start`: opens a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartRequest {
    /// 租户id: the tenant. (Decodes as empty when absent, so a proxy that pins it can fill it in.)
    #[serde(default, deserialize_with = "lenient::text")]
    pub app_id: String,
    /// 机器人 id: the bot. (Decodes as empty when absent, as `app_id`.)
    #[serde(default, deserialize_with = "lenient::text")]
    pub bot_id: String,
    /// 会话id: chosen by the client.
    pub sid: Sid,
    /// 渠道: where the chat runs.
    pub channel: Channel,
    /// 变量数据: page variables, a flat map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub var_json: Option<VarMap>,
    /// 用户随路数据: opaque data that travels with the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
}

/// `POST /api/v1/gaia/botdm/trigger`: user input or the acknowledgement of a prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerRequest {
    /// The session.
    pub sid: Sid,
    /// [`Cmd::Input`] or [`Cmd::Complete`].
    pub cmd: Cmd,
    /// The user's text. The table marks it required for every trigger, so it is always sent
    /// (empty for `evt.complete`).
    #[serde(default, deserialize_with = "lenient::text")]
    pub text: String,
    /// The prompt being acknowledged; required with `evt.complete`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_id: Option<String>,
}

impl TriggerRequest {
    /// The user typed `text`.
    pub fn input(sid: Sid, text: impl Into<String>) -> TriggerRequest {
        TriggerRequest { sid, cmd: Cmd::Input, text: text.into(), prompt_id: None }
    }

    /// The prompt `prompt_id` has been shown.
    pub fn complete(sid: Sid, prompt_id: impl Into<String>) -> TriggerRequest {
        TriggerRequest { sid, cmd: Cmd::Complete, text: String::new(), prompt_id: Some(prompt_id.into()) }
    }
}

/// `POST /api/v1/gaia/botdm/stop`: ends a session. The answer has no payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StopRequest {
    /// The session.
    pub sid: Sid,
}

/// The `result` of start and trigger: what the bot does next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BotTurn {
    /// The session (kept as sent).
    #[serde(default, deserialize_with = "lenient::text")]
    pub sid: String,
    /// `evt.say`, `evt.wait`, `evt.finish` or `evt.transfer`.
    pub cmd: Cmd,
    /// 话术文字内容: the text to show; may carry Markdown.
    #[serde(default, deserialize_with = "lenient::text")]
    pub prompt: String,
    /// 机器人话术id: acknowledge it with `evt.complete` after showing `prompt`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub prompt_id: String,
    /// 渠道标识.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// 关联问题列表: suggested follow-up questions (trigger only).
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "lenient::nullable")]
    pub relation_list: Vec<Relation>,
    /// 扩展字段.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext: Option<Ext>,
    /// 调试信息.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debug_info: Option<DebugInfo>,
}

/// A suggested follow-up question.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Relation {
    /// 关联问标题: the title to show.
    #[serde(default, deserialize_with = "lenient::text")]
    pub relation_title: String,
    /// 常见问题: the question to send when tapped.
    #[serde(default, deserialize_with = "lenient::text")]
    pub question_name: String,
}

impl Relation {
    /// The suggestion to show for it, as `(title, question)`: none when the question is blank
    /// (there is nothing to send), and the question as the title when the title is blank. The
    /// one mapping of every client (the widget's chips, the JavaScript `say` event).
    pub fn suggestion(&self) -> Option<(&str, &str)> {
        let question = self.question_name.as_str();
        if question.trim().is_empty() {
            return None;
        }
        let title =
            if self.relation_title.trim().is_empty() { question } else { self.relation_title.as_str() };
        Some((title, question))
    }
}

/// `ext`: data that travels with the session.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Ext {
    /// 用户随路数据, as given at start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
    /// 变量: the session's variables (decoded leniently: any JSON values).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "lenient::nullable")]
    pub g_vars: BTreeMap<String, serde_json::Value>,
}

/// `debug_info`: how the bot chose its answer.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DebugInfo {
    /// 话术来源.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_source: Option<PromptSource>,
    /// 意图识别来源.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent_source: Option<IntentSource>,
    /// 用户意图, e.g. `evt.init`, `evt.intent.查询天气`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    /// 意图置信度: documented float, sent as `1` too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The flow state the bot is now in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_state_id: Option<String>,
    /// The flow state the bot came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_state_id: Option<String>,
}
