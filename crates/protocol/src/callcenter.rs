//! The FreeSWITCH-based call-center (seed 001).

use serde::{Deserialize, Serialize};

use crate::enums::CallType;
use crate::error::{Error, Result};
use crate::lenient;
use crate::rows::Rows;
use crate::time::Timestamp;

/// Path of the call-record query.
pub const RECORDS_LIST_PATH: &str = "/api/aicall/records/list";
/// Path of the task query.
pub const CALLTASK_LIST_PATH: &str = "/api/aicall/calltask/list";
/// Path of task creation.
pub const CREATE_TASKS_PATH: &str = "/api/aicall/createTasks";
/// Path of task stopping: note, no `/api` prefix (as documented).
pub const STOP_TASKS_PATH: &str = "/aicall/stopTasks";
/// Path of recording downloads (`?filename=ai_call/yyyy/MM/dd/HH/<uuid>.wav`).
pub const RECORDINGS_PATH: &str = "/recordings/files";

/// Declares [`CallCenterPaths`] from one list: each field with its JavaScript option name (the
/// serde name in the JavaScript build, and [`CallCenterPaths::OPTION_NAMES`]) and its default,
/// so a name is written once.
macro_rules! call_center_paths {
    ($(#[$doc:meta])* pub struct $name:ident {
        $($(#[doc = $field_doc:literal])* $field:ident as $option:literal = $default:expr,)*
    }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify, Deserialize), serde(default))]
        pub struct $name {
            $($(#[doc = $field_doc])*
            #[cfg_attr(all(feature = "js", target_arch = "wasm32"), serde(rename = $option))]
            pub $field: String,)*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $($field: $default.into(),)* }
            }
        }

        impl $name {
            /// The field name of each path, in [`CallCenterPaths::all`]'s order.
            pub const FIELDS: &[&str] = &[$(stringify!($field)),*];
            /// The JavaScript option name of each path, in [`CallCenterPaths::all`]'s order.
            pub const OPTION_NAMES: &[&str] = &[$($option),*];

            /// The paths in field order: records list, task list, create, stop, recordings.
            pub fn all(&self) -> Vec<&str> {
                vec![$(&self.$field),*]
            }
        }
    };
}

call_center_paths! {
    /// Where each seed 001 endpoint lives. The document lists `POST /aicall/stopTasks` without the
    /// `/api` prefix its other endpoints have; whether that is the server's real path or a slip of
    /// the document, only a deployment can say. So each path can be set, and
    /// [`CallCenterPaths::default`] is the document's literal text. (In JavaScript, the
    /// `callcenterPaths` option of `KefuClient.create`: each path left out keeps the document's.)
    pub struct CallCenterPaths {
        /// `records/list` (default `/api/aicall/records/list`).
        records_list as "recordsList" = RECORDS_LIST_PATH,
        /// `calltask/list` (default `/api/aicall/calltask/list`).
        calltask_list as "callTaskList" = CALLTASK_LIST_PATH,
        /// `createTasks` (default `/api/aicall/createTasks`).
        create_tasks as "createTasks" = CREATE_TASKS_PATH,
        /// `stopTasks` (default `/aicall/stopTasks`, without `/api`, as the document lists it).
        stop_tasks as "stopTasks" = STOP_TASKS_PATH,
        /// Recording downloads (default `/recordings/files`).
        recordings as "recordings" = RECORDINGS_PATH,
    }
}

impl CallCenterPaths {
    /// The position (in [`CallCenterPaths::all`]'s order) and text of the first path that is not
    /// a plain absolute path ([`is_plain_path`]).
    pub fn first_unusable(&self) -> Option<(usize, &str)> {
        self.all().into_iter().enumerate().find(|(_, path)| !is_plain_path(path))
    }
}

/// An absolute path and nothing more: it starts with one `/`, and has no query, fragment, `..`
/// segment, whitespace or control character.
pub fn is_plain_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.chars().any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#')
        && !path.split('/').any(|segment| segment == "..")
}

/// `POST /api/aicall/records/list`: call records of one type.
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordsQuery {
    /// 类型 (required): 01 inbound, 02 AI outbound, 03 manual outbound.
    pub call_type: CallType,
    /// 唯一ID.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient::opt_id")]
    pub uuid: Option<String>,
    /// 页号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_num: Option<u32>,
    /// 每页数量.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    /// 号码.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
    /// 时间起, `yyyy-MM-dd HH:mm:ss`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callout_time_start: Option<Timestamp>,
    /// 时间止.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callout_time_end: Option<Timestamp>,
    /// 通话时长起 (s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_len_start: Option<u32>,
    /// 通话时长止 (s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_len_end: Option<u32>,
    /// 分机号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extnum: Option<String>,
}

impl RecordsQuery {
    /// A query for every record of one type.
    pub fn of(call_type: CallType) -> RecordsQuery {
        RecordsQuery {
            call_type,
            uuid: None,
            page_num: None,
            page_size: None,
            telephone: None,
            callout_time_start: None,
            callout_time_end: None,
            time_len_start: None,
            time_len_end: None,
            extnum: None,
        }
    }
}

/// One row of records/list.
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify), tsify(output, missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallRecord {
    /// 通话唯一标识: a 19-digit id, kept as a string.
    #[serde(deserialize_with = "lenient::id")]
    pub uuid: String,
    /// 主叫号码.
    #[serde(default, deserialize_with = "lenient::id_or_empty")]
    pub telephone: String,
    /// 类型 (in the table, not in the example).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_type: Option<CallType>,
    /// 外呼/呼入时间.
    #[serde(default)]
    pub callout_time: Timestamp,
    /// 接通时间: `None` when the call was not answered (sent as `""`, `null` or not at all;
    /// encoded as `""`, as the document shows).
    #[serde(
        default,
        deserialize_with = "lenient::opt_timestamp",
        serialize_with = "lenient::timestamp_or_empty"
    )]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(type = "Timestamp"))]
    pub answered_time: Option<Timestamp>,
    /// 挂机时间.
    #[serde(default)]
    pub call_end_time: Timestamp,
    /// 挂机原因, e.g. `NORMAL_CLEARING:sip:200`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub hangup_cause: String,
    /// 录音文件url; `""` when none.
    #[serde(default, deserialize_with = "lenient::text")]
    pub wav_file_url: String,
    /// 对话内容 (typed String, sent as a list: both decode); a line that does not decode is
    /// skipped and reported.
    #[serde(default)]
    pub dialogue: Rows<DialogueLine>,
    /// 分机号 (`null` in the example).
    #[serde(default)]
    pub extnum: Option<String>,
    /// 通话时长 in seconds.
    #[serde(default, deserialize_with = "lenient::nullable")]
    pub time_len: u32,
}

impl CallRecord {
    /// The SIP status at the end of `hangup_cause` (`NORMAL_CLEARING:sip:200` → 200).
    pub fn sip_status(&self) -> Option<u16> {
        self.hangup_cause.rsplit_once(":sip:").and_then(|(_, code)| code.parse().ok())
    }

    /// Whether the call was answered.
    pub fn answered(&self) -> bool {
        self.answered_time.is_some()
    }
}

/// One line of a call's dialogue.
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify), tsify(output, missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DialogueLine {
    /// `assistant` or `user`.
    pub role: String,
    /// What was said.
    #[serde(default, deserialize_with = "lenient::text")]
    pub content: String,
}

/// `POST /api/aicall/calltask/list`: tasks and their call statistics.
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallTaskQuery {
    /// 页号 (required).
    pub page_num: u32,
    /// 每页数量 (required).
    pub page_size: u32,
    /// 任务 id.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient::opt_int")]
    pub batch_id: Option<i64>,
    /// Task name: in the document's example request, not in its table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_name: Option<String>,
    /// 任务创建时间起.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time_start: Option<Timestamp>,
    /// 任务创建时间止.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time_end: Option<Timestamp>,
}

/// One row of calltask/list.
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify), tsify(output, missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallTask {
    /// 任务 id.
    pub batch_id: i64,
    /// 任务类型.
    #[serde(default, deserialize_with = "lenient::nullable")]
    pub task_type: i64,
    /// 创建时间, ms since the epoch (note the lower-case `t` on the wire; `createTime` in
    /// JavaScript).
    #[serde(
        rename(deserialize = "createtime"),
        alias = "createTime",
        default,
        deserialize_with = "lenient::nullable"
    )]
    #[cfg_attr(not(all(feature = "js", target_arch = "wasm32")), serde(rename(serialize = "createtime")))]
    pub create_time: i64,
    /// 结束时间, ms since the epoch.
    #[serde(default)]
    pub stop_time: Option<i64>,
    /// 是否接通.
    #[serde(default)]
    pub connected: Option<bool>,
    /// 工单编号.
    #[serde(default, deserialize_with = "lenient::text")]
    pub ticket_no: String,
    /// 手机号码.
    #[serde(default, deserialize_with = "lenient::id_or_empty")]
    pub phone: String,
    /// 用户姓名.
    #[serde(default, deserialize_with = "lenient::text")]
    pub username: String,
    /// 工单类型.
    #[serde(default, deserialize_with = "lenient::text")]
    pub ticket_type: String,
    /// 工单内容.
    #[serde(default, deserialize_with = "lenient::text")]
    pub ticket_content: String,
    /// 任务状态, e.g. `已完成`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub status: String,
}

/// One ticket of `POST /api/aicall/createTasks`, whose body is a top-level array of them.
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    /// 工单编号.
    pub ticket_no: String,
    /// 号码.
    #[serde(deserialize_with = "lenient::id")]
    pub phone: String,
    /// 用户姓名.
    pub username: String,
    /// 工单类型.
    pub ticket_type: String,
    /// 工单内容: what the AI call is about.
    pub ticket_content: String,
}

/// One item of createTasks' `data`.
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify), tsify(output, missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedTask {
    /// The new task's id.
    pub batch_id: i64,
    /// The ticket it was made for.
    pub ticket_no: String,
}

/// `POST /aicall/stopTasks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StopTasksRequest {
    /// 外呼任务ID集合.
    pub batch_ids: Vec<i64>,
}

/// Checks a recordings `filename`: a relative path of plain segments, no `..`, no absolute or
/// drive path, no backslash, no NUL, no empty segment. Returns the segments.
pub fn recording_segments(filename: &str) -> Result<Vec<&str>> {
    let bad = || Error::UnsafeFilename(filename.chars().take(200).collect());
    if filename.is_empty() || filename.starts_with('/') || filename.contains(['\\', '\0', ':']) {
        return Err(bad());
    }
    let segments: Vec<&str> = filename.split('/').collect();
    if segments.iter().any(|s| s.is_empty() || *s == "." || *s == "..") {
        return Err(bad());
    }
    Ok(segments)
}

#[cfg(feature = "value-decode")]
mod by_hand {
    use super::*;
    use crate::from_json::{from_json, id, id_or_empty, nullable, opt_timestamp, plain, text};
    use crate::to_json::to_json;

    from_json! {
        CallRecord {
            uuid: "uuid" => id, need;
            telephone: "telephone" => id_or_empty, or_default;
            call_type: "callType" => plain, or_default;
            callout_time: "calloutTime" => plain, or_default;
            answered_time: "answeredTime" => opt_timestamp, or_default;
            call_end_time: "callEndTime" => plain, or_default;
            hangup_cause: "hangupCause" => text, or_default;
            wav_file_url: "wavFileUrl" => text, or_default;
            dialogue: "dialogue" => plain, or_default;
            extnum: "extnum" => plain, or_default;
            time_len: "timeLen" => nullable, or_default;
        }
        DialogueLine { role: "role" => plain, need; content: "content" => text, or_default; }
        CallTask {
            batch_id: "batchId" => plain, need;
            task_type: "taskType" => nullable, or_default;
            create_time: "createtime" | "createTime" => nullable, or_default;
            stop_time: "stopTime" => plain, or_default;
            connected: "connected" => plain, or_default;
            ticket_no: "ticketNo" => text, or_default;
            phone: "phone" => id_or_empty, or_default;
            username: "username" => text, or_default;
            ticket_type: "ticketType" => text, or_default;
            ticket_content: "ticketContent" => text, or_default;
            status: "status" => text, or_default;
        }
        CreatedTask { batch_id: "batchId" => plain, need; ticket_no: "ticketNo" => plain, need; }
    }

    to_json! {
        RecordsQuery {
            call_type: "callType",
            uuid: "uuid",
            page_num: "pageNum",
            page_size: "pageSize",
            telephone: "telephone",
            callout_time_start: "calloutTimeStart",
            callout_time_end: "calloutTimeEnd",
            time_len_start: "timeLenStart",
            time_len_end: "timeLenEnd",
            extnum: "extnum",
        }
        CallTaskQuery {
            page_num: "pageNum",
            page_size: "pageSize",
            batch_id: "batchId",
            batch_name: "batchName",
            create_time_start: "createTimeStart",
            create_time_end: "createTimeEnd",
        }
        Ticket {
            ticket_no: "ticketNo",
            phone: "phone",
            username: "username",
            ticket_type: "ticketType",
            ticket_content: "ticketContent",
        }
        StopTasksRequest { batch_ids: "batchIds", }
    }
}
