//! Outbound tasks and number lists ("coeus agent", seed 002 §6, §10–13).

use serde::{Deserialize, Serialize};

use crate::enums::{DialogType, FileSuffix};
use crate::error::{Error, Result};
use crate::lenient::{self, JsonList};
use crate::time::Timestamp;

/// Path of the number-list upload (multipart).
pub const OUTNUM_PATH: &str = "/api/v1/coeus/apiserver/agent/outnum";
/// Path of task creation.
pub const ADDTASK_PATH: &str = "/api/v1/coeus/apiserver/agent/addtask";
/// Path of the task list.
pub const TASKLIST_PATH: &str = "/api/v1/coeus/apiserver/agent/tasklist";
/// Path of the bot list.
pub const SYNCPROMPT_PATH: &str = "/api/v1/coeus/apiserver/agent/syncprompt";
/// Path of the follow-along data query.
pub const FOLLOWED_DATA_PATH: &str = "/api/v1/coeus/apiserver/followed/data";

/// Most numbers one outnum file may hold (一次下发号码文件最大支持 15w).
pub const OUTNUM_MAX_ROWS: usize = 150_000;
/// Largest `page_size` tasklist allows.
pub const TASKLIST_MAX_PAGE_SIZE: u32 = 50;

/// The text fields of `POST …/agent/outnum` (multipart/form-data); the file goes in part `file`.
/// From JavaScript, an object with these fields in camelCase, taken through
/// [`OutnumForm::checked`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify, Deserialize),
    serde(rename_all = "camelCase")
)]
pub struct OutnumForm {
    /// 租户 id.
    pub app_id: String,
    /// 外呼任务 id.
    pub task_id: String,
    /// 批次号码数量: how many numbers the file holds.
    pub call_count: u64,
    /// 文件类型: excel, csv or txt.
    pub file_suffix: FileSuffix,
    /// 外显号码组id: the caller-id group.
    pub disnum_group_id: String,
    /// 业务名称 (optional).
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub call_sn_name: Option<String>,
}

impl OutnumForm {
    /// The form's text parts in the document's order, ready for a multipart body.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("app_id", self.app_id.clone()),
            ("task_id", self.task_id.clone()),
            ("call_count", self.call_count.to_string()),
            ("file_suffix", self.file_suffix.as_str().to_owned()),
            ("disnum_group_id", self.disnum_group_id.clone()),
        ];
        if let Some(name) = &self.call_sn_name {
            out.push(("call_sn_name", name.clone()));
        }
        out
    }

    /// Reads the form back from its text parts (a server receiving the upload), as
    /// [`OutnumForm::checked`] takes it.
    pub fn from_fields<'a>(parts: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<OutnumForm> {
        let mut app_id = "";
        let mut task_id = "";
        let mut call_count = None;
        let mut file_suffix = "";
        let mut disnum_group_id = "";
        let mut call_sn_name = None;
        for (name, value) in parts {
            match name {
                "app_id" => app_id = value,
                "task_id" => task_id = value,
                "call_count" => call_count = Some(value.trim()),
                "file_suffix" => file_suffix = value,
                "disnum_group_id" => disnum_group_id = value,
                "call_sn_name" => call_sn_name = Some(value.to_owned()),
                _ => {}
            }
        }
        let call_count = match call_count.filter(|s| !s.is_empty()) {
            None => return Err(Error::Form { field: "call_count", problem: "is required".into() }),
            Some(text) => text.parse().map_err(|_| Error::Form {
                field: "call_count",
                problem: format!("{text:?} is not a whole number"),
            })?,
        };
        OutnumForm {
            app_id: app_id.to_owned(),
            task_id: task_id.to_owned(),
            call_count,
            file_suffix: FileSuffix::from(file_suffix.trim()),
            disnum_group_id: disnum_group_id.to_owned(),
            call_sn_name,
        }
        .checked()
    }

    /// The form with its text trimmed, if it can be sent: the required fields set, the file's
    /// format one of excel, csv and txt; a blank `call_sn_name` is left out.
    pub fn checked(self) -> Result<OutnumForm> {
        let required = |field: &'static str, v: String| {
            let v = v.trim();
            if v.is_empty() {
                Err(Error::Form { field, problem: "is required".into() })
            } else {
                Ok(v.to_owned())
            }
        };
        let file_suffix = match self.file_suffix {
            FileSuffix::Other(other) if other.trim().is_empty() => {
                return Err(Error::Form { field: "file_suffix", problem: "is required".into() });
            }
            FileSuffix::Other(other) => {
                return Err(Error::Form {
                    field: "file_suffix",
                    problem: format!("{other:?} is not excel, csv or txt"),
                });
            }
            known => known,
        };
        Ok(OutnumForm {
            app_id: required("app_id", self.app_id)?,
            task_id: required("task_id", self.task_id)?,
            call_count: self.call_count,
            file_suffix,
            disnum_group_id: required("disnum_group_id", self.disnum_group_id)?,
            call_sn_name: self.call_sn_name.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
        })
    }
}

/// The `result` of outnum.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutnumResult {
    /// 外呼任务批次id: the batch this upload created.
    #[serde(deserialize_with = "lenient::id")]
    pub call_sn: String,
    /// 该批次号码数量: numbers kept after validation (may be fewer than uploaded).
    pub call_count: u64,
}

/// `POST …/agent/addtask`: creates an outbound task.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AddTaskRequest {
    /// 租户 id.
    pub app_id: String,
    /// 任务名称.
    pub task_name: String,
    /// 是否录音: 1 off (default), 2 on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_record: Option<u8>,
    /// 机器人 id, from syncprompt (§12; the document says "接口 10" by mistake).
    #[serde(deserialize_with = "lenient::id")]
    pub bot_id: String,
    /// 发音人别名, e.g. `aixia`.
    pub voice: String,
    /// 外显号码: the caller id.
    pub disnumber: String,
    /// 回调地址: where call records are pushed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_url: Option<String>,
    /// 禁呼时间段, e.g. `["00:00-08:00", "12:00-13:00", "20:00-23:59"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forbid_policy: Option<Vec<String>>,
    /// 重呼策略: result codes to redial (see [`crate::RecallGroup`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recall_policy: Option<Vec<String>>,
    /// 重呼间隔 in minutes (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recall_interval: Option<u32>,
    /// 是否启用asr ring: 1 on (default), 2 off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_ring_asr: Option<u8>,
    /// ring错误码: groups of codes. Typed "string" in the table, sent as a list in its own
    /// default and example: decoded from either (a string becomes one group), sent as a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ring_asr_code: Option<JsonList<String>>,
    /// 呼叫超时时长 in seconds (default 45).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub makecall_timeout: Option<u32>,
}

/// The `result` of addtask.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddTaskResult {
    /// 外呼任务id.
    #[serde(deserialize_with = "lenient::id")]
    pub task_id: String,
}

/// `POST …/agent/tasklist`: lists tasks, a page at a time.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskListRequest {
    /// 租户 id.
    pub app_id: String,
    /// Filter: 任务名称.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// Filter: 任务 id.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient::opt_id")]
    pub task_id: Option<String>,
    /// 当前页码, 1-based (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_no: Option<u32>,
    /// 每页条数 (default 10, at most 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
}

/// One task in a tasklist page.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Task {
    /// 外呼任务id (the document's example omits it).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient::opt_id")]
    pub task_id: Option<String>,
    /// 租户id.
    #[serde(default, deserialize_with = "lenient::id_or_empty")]
    pub app_id: String,
    /// 任务名称.
    #[serde(default, deserialize_with = "lenient::text")]
    pub task_name: String,
    /// 是否录音: 1 off, 2 on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_record: Option<u8>,
    /// 机器人id.
    #[serde(default, deserialize_with = "lenient::id_or_empty")]
    pub bot_id: String,
    /// 发音人.
    #[serde(default, deserialize_with = "lenient::text")]
    pub voice: String,
    /// 外显号码.
    #[serde(default, deserialize_with = "lenient::text")]
    pub disnumber: String,
    /// 回调地址.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_url: Option<String>,
    /// 禁呼时间段.
    #[serde(default, deserialize_with = "lenient::nullable")]
    pub forbid_policy: Vec<String>,
    /// 重呼策略.
    #[serde(default, deserialize_with = "lenient::nullable")]
    pub recall_policy: Vec<String>,
    /// 重呼间隔 in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recall_interval: Option<u32>,
}

/// `POST …/agent/syncprompt`: lists the tenant's bots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncPromptRequest {
    /// 租户 id.
    pub app_id: String,
}

/// One bot in the syncprompt `result`.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BotSummary {
    /// 话术机器人id.
    #[serde(deserialize_with = "lenient::id")]
    pub bot_id: String,
    /// 话术机器人名称.
    #[serde(default, deserialize_with = "lenient::text")]
    pub bot_name: String,
}

/// `POST /api/v1/coeus/apiserver/followed/data`: the bot–user dialogue that travels with a call
/// transferred to an agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowedDataRequest {
    /// 会话 id, from the SIP User-to-User header.
    #[serde(deserialize_with = "lenient::id")]
    pub session_id: String,
}

/// One line of followed/data's `result` (typed "string" in the table, an array in the example:
/// decode it as [`JsonList<FollowedDialog>`]).
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowedDialog {
    /// 1 bot, 2 user.
    pub dialog_type: DialogType,
    /// 对话内容.
    #[serde(default, deserialize_with = "lenient::text")]
    pub content: String,
    /// 会话产生时间, `yyyy-MM-dd HH:mm:ss`.
    #[serde(default)]
    pub create_time: Timestamp,
}

#[cfg(feature = "value-decode")]
mod by_hand {
    use super::*;
    use crate::from_json::{from_json, id, id_or_empty, nullable, opt_id, plain, text};
    use crate::to_json::to_json;

    from_json! {
        OutnumResult { call_sn: "call_sn" => id, need; call_count: "call_count" => plain, need; }
        AddTaskResult { task_id: "task_id" => id, need; }
        Task {
            task_id: "task_id" => opt_id, or_default;
            app_id: "app_id" => id_or_empty, or_default;
            task_name: "task_name" => text, or_default;
            is_record: "is_record" => plain, or_default;
            bot_id: "bot_id" => id_or_empty, or_default;
            voice: "voice" => text, or_default;
            disnumber: "disnumber" => text, or_default;
            team_url: "team_url" => plain, or_default;
            forbid_policy: "forbid_policy" => nullable, or_default;
            recall_policy: "recall_policy" => nullable, or_default;
            recall_interval: "recall_interval" => plain, or_default;
        }
        BotSummary { bot_id: "bot_id" => id, need; bot_name: "bot_name" => text, or_default; }
        FollowedDialog {
            dialog_type: "dialog_type" => plain, need;
            content: "content" => text, or_default;
            create_time: "create_time" => plain, or_default;
        }
    }

    to_json! {
        AddTaskRequest {
            app_id: "app_id",
            task_name: "task_name",
            is_record: "is_record",
            bot_id: "bot_id",
            voice: "voice",
            disnumber: "disnumber",
            team_url: "team_url",
            forbid_policy: "forbid_policy",
            recall_policy: "recall_policy",
            recall_interval: "recall_interval",
            is_ring_asr: "is_ring_asr",
            ring_asr_code: "ring_asr_code",
            makecall_timeout: "makecall_timeout",
        }
        TaskListRequest {
            app_id: "app_id",
            task_name: "task_name",
            task_id: "task_id",
            page_no: "page_no",
            page_size: "page_size",
        }
        SyncPromptRequest { app_id: "app_id", }
        FollowedDataRequest { session_id: "session_id", }
    }
}
