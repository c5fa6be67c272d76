//! Callbacks the platform sends to your server (seed 002 §7–9). The platform retries a failed
//! push 3 times (after 5, 10 and 15 s): receivers must be idempotent, keyed on `call_id` / `num`.

use serde::{Deserialize, Serialize};

use crate::code::Code;
use crate::enums::{DialogType, HangupBy, NumberState, RecallFlag, SmsState};
use crate::envelope::Answer;
use crate::error::Result;
use crate::lenient;
use crate::rows::Rows;
use crate::time::Timestamp;

/// §7 话单推送: the records of a batch's calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecordPush {
    /// 任务 id.
    #[serde(deserialize_with = "lenient::id")]
    pub task_id: String,
    /// 任务名称.
    #[serde(default, deserialize_with = "lenient::text")]
    pub task_name: String,
    /// 号码批次.
    #[serde(deserialize_with = "lenient::id")]
    pub call_sn: String,
    /// 业务名称.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_sn_name: Option<String>,
    /// 话术id.
    #[serde(default, deserialize_with = "lenient::id_or_empty")]
    pub bot_id: String,
    /// 话术名称.
    #[serde(default, deserialize_with = "lenient::text")]
    pub bot_name: String,
    /// 号码节点: the calls; a call that does not decode is skipped and reported.
    #[serde(default)]
    pub calls: Rows<PushedCall>,
}

/// One call of a [`CallRecordPush`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushedCall {
    /// 呼叫id.
    #[serde(deserialize_with = "lenient::id")]
    pub call_id: String,
    /// 被叫号码.
    #[serde(deserialize_with = "lenient::id")]
    pub num: String,
    /// 状态码: a §18 number state, or another code (the example sends `1`).
    pub state: NumberState,
    /// The state as text (in the example, not in the table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_desc: Option<String>,
    /// 呼叫开始时间 (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Timestamp>,
    /// 接听时间.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_time: Option<Timestamp>,
    /// 通话结束时间.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Timestamp>,
    /// 通话时长 in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    /// 录音地址: a path relative to the platform's recording host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_url: Option<String>,
    /// 通话轮次.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<u32>,
    /// 挂机方式 (answered calls only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hangup_by: Option<HangupBy>,
    /// 是否发送短信.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_state: Option<SmsState>,
    /// 对话详情; a line that does not decode is skipped and reported.
    #[serde(default)]
    pub dialogs: Rows<PushedDialog>,
}

/// One line of a pushed call's dialogue. The table names the kind `type`, the example sends
/// `dialog_type`: both decode; `type` is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushedDialog {
    /// 消息类型: 1 bot, 2 user.
    #[serde(rename = "type", alias = "dialog_type", default, skip_serializing_if = "Option::is_none")]
    pub dialog_type: Option<DialogType>,
    /// 消息文本内容; bot lines may be SSML (see [`crate::ssml_to_text`]).
    #[serde(default, deserialize_with = "lenient::text")]
    pub dialog_text: String,
    /// 消息时间.
    #[serde(default)]
    pub msg_time: Timestamp,
    /// 命中的意图名称 (user lines).
    #[serde(default, deserialize_with = "lenient::text")]
    pub intention_name: String,
}

/// §8 意向结果推送: the intent grade of each number in a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntentPush {
    /// 任务 id.
    #[serde(deserialize_with = "lenient::id")]
    pub task_id: String,
    /// 任务名称.
    #[serde(default, deserialize_with = "lenient::text")]
    pub task_name: String,
    /// 号码批次.
    #[serde(deserialize_with = "lenient::id")]
    pub call_sn: String,
    /// 批次名称.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_sn_name: Option<String>,
    /// 意向度结果节点; a number that does not decode is skipped and reported.
    #[serde(default)]
    pub degrees: Rows<Degree>,
}

/// One number's intent grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Degree {
    /// 号码.
    #[serde(deserialize_with = "lenient::id")]
    pub num: String,
    /// 意向度名称, e.g. `A类`.
    pub degree_name: String,
    /// 是否重呼.
    pub recall_flag: RecallFlag,
}

/// §9 呼入信息查询: the platform asks who an inbound caller is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallerLookupRequest {
    /// 客户号码.
    #[serde(deserialize_with = "lenient::id")]
    pub caller: String,
}

/// The answer to a [`CallerLookupRequest`]: fields beside `code` / `msg`, not under `result`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallerLookupAnswer {
    /// 请求状态码 (0 success).
    pub code: Code,
    /// 状态描述.
    #[serde(default, deserialize_with = "lenient::text")]
    pub msg: String,
    /// 播放话术: what the bot says.
    #[serde(default, deserialize_with = "lenient::text")]
    pub prompt: String,
    /// 转接号码: where to transfer, if anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<String>,
}

impl Answer for CallerLookupAnswer {
    type Output = CallerLookupAnswer;
    fn code(&self) -> Option<&Code> {
        Some(&self.code)
    }
    fn message(&self) -> Option<&str> {
        Some(&self.msg)
    }
    fn into_output(self) -> Result<CallerLookupAnswer> {
        Ok(self)
    }
}
