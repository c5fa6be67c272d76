//! The outbound-call service in front of Alibaba Cloud OutboundBot (seed 000).

use serde::{Deserialize, Serialize};

use crate::enums::{Action, CallErrorCode, CallMode, CallStatus, Speaker};
use crate::lenient::{self, EmbeddedJsonList};
use crate::time::Timestamp;

/// Path of call-v2 (POST, answers HTTP 201).
pub const CALL_V2_PATH: &str = "/api/v1/outbound-bot/call-v2";
/// Path of the transcript query (GET).
pub const CONVERSATION_LOG_PATH: &str = "/api/v1/outbound-bot/conversation-log";
/// Path of the status query (GET).
pub const STATUS_PATH: &str = "/api/v1/outbound-bot/status";

/// `POST /api/v1/outbound-bot/call-v2`: calls the parties of a case.
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallRequest {
    /// 案件ID.
    #[serde(deserialize_with = "lenient::id")]
    pub case_id: String,
    /// AI调解反馈ID (a string here, an integer in the answer).
    #[serde(deserialize_with = "lenient::id")]
    pub mediation_id: String,
    /// 是否自动拨打.
    pub call_auto: CallMode,
    /// 被呼叫人ID.
    #[serde(deserialize_with = "lenient::id")]
    pub call_person_id: String,
}

/// One item of call-v2's `data`: each call succeeds or fails on its own.
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify), tsify(output, missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlacedCall {
    /// 0 placed, 1001 must wait, 1002 limit reached.
    pub error_code: CallErrorCode,
    /// The item's own message.
    #[serde(default, deserialize_with = "lenient::text")]
    pub message: String,
    /// 调解记录ID.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub id: Option<i64>,
    /// 调解ID (an integer here).
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub mediation_id: Option<i64>,
    /// 节点ID.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub node_id: Option<i64>,
    /// 任务名称.
    #[serde(default)]
    pub task_name: Option<String>,
    /// 记录结果 (always `null` in the document).
    #[serde(default)]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(type = "unknown"))]
    pub result: Option<serde_json::Value>,
    /// 用户类型.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub person_type: Option<i64>,
    /// 调解方式.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub mediation_type: Option<i64>,
    /// 用户ID.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub person_id: Option<String>,
    /// 工作ID: query status and transcript with it.
    #[serde(default)]
    pub job_id: Option<String>,
    /// 实例ID.
    #[serde(default)]
    pub instance_id: Option<String>,
    /// 工作组ID.
    #[serde(default)]
    pub job_group_id: Option<String>,
    /// 场景ID.
    #[serde(default)]
    pub script_id: Option<String>,
    /// 呼叫状态.
    #[serde(default)]
    pub call_status: Option<CallStatus>,
    /// Remark.
    #[serde(default)]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(type = "unknown"))]
    pub remark: Option<serde_json::Value>,
    /// Deletion flag.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub delete_status: Option<i64>,
    /// Creator.
    #[serde(default)]
    pub creator: Option<String>,
    /// Creation date (`yyyy-MM-dd`).
    #[serde(default)]
    pub create_time: Option<Timestamp>,
    /// Modifier.
    #[serde(default)]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(type = "unknown"))]
    pub modifier: Option<serde_json::Value>,
    /// Modification time.
    #[serde(default)]
    pub modify_time: Option<Timestamp>,
    /// 下一轮呼叫开始时间.
    #[serde(default)]
    pub start_time: Option<Timestamp>,
    /// 下一轮呼叫间隔.
    #[serde(default)]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(type = "unknown"))]
    pub call_interval: Option<serde_json::Value>,
}

/// `GET …/conversation-log`: query parameters, all optional.
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationLogQuery {
    /// 案件id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    /// 当事人id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
    /// 工作ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
}

impl ConversationLogQuery {
    /// The set parameters as `(name, value)` pairs, for a URL query.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [("caseId", &self.case_id), ("personId", &self.person_id), ("jobId", &self.job_id)]
            .into_iter()
            .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
            .collect()
    }
}

/// One call's transcript in conversation-log's `data`.
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify), tsify(output, missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationLog {
    /// 阶段类型, e.g. `follow_up`, `agreement`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub call_type: String,
    /// 工作ID.
    #[serde(default, deserialize_with = "lenient::text")]
    pub job_id: String,
    /// 通话列表: JSON text inside a string on the wire; decoded into turns here.
    #[serde(default)]
    pub conversations: EmbeddedJsonList<Turn>,
    /// 通话状态.
    pub call_status: CallStatus,
    /// 音频地址: a signed URL that expires; keep it byte for byte.
    #[serde(default, deserialize_with = "lenient::text")]
    pub record_url: String,
}

/// One turn of a transcript.
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify), tsify(output, missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    /// Milliseconds since the Unix epoch.
    pub timestamp: i64,
    /// Robot or Contact.
    pub speaker: Speaker,
    /// What was said: `""` on BeginDialogue, `null` on EndDialogue; robot lines may carry
    /// Markdown or SSML.
    pub script: Option<String>,
    /// What kind of turn this is.
    pub action: Action,
}

/// `GET …/status`: query parameters. Note `caseRef`, not `caseId`.
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusQuery {
    /// 案件id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_ref: Option<String>,
    /// 电话号码.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// 工作ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
}

impl StatusQuery {
    /// The set parameters as `(name, value)` pairs, for a URL query.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [("caseRef", &self.case_ref), ("phoneNumber", &self.phone_number), ("jobId", &self.job_id)]
            .into_iter()
            .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
            .collect()
    }
}

/// status's `data`: one job's state.
#[cfg_attr(all(feature = "js", target_arch = "wasm32"), derive(tsify::Tsify), tsify(output, missing_as_null))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobStatus {
    /// 案件ID.
    #[serde(default, deserialize_with = "lenient::id_or_empty")]
    pub case_ref: String,
    /// 手机号.
    #[serde(default, deserialize_with = "lenient::id_or_empty")]
    pub phone_number: String,
    /// 工作ID.
    #[serde(default, deserialize_with = "lenient::text")]
    pub job_id: String,
    /// 呼叫状态.
    pub call_status: CallStatus,
    /// 更新时间, `yyyy-MM-dd HH:mm:ss`.
    #[serde(default)]
    pub fetch_time: Timestamp,
    /// 工作组ID.
    #[serde(default, deserialize_with = "lenient::text")]
    pub job_group_id: String,
    /// 场景ID.
    #[serde(default, deserialize_with = "lenient::text")]
    pub instance_id: String,
}

#[cfg(feature = "value-decode")]
mod by_hand {
    use super::*;
    use crate::from_json::{FromJson, from_json, id_or_empty, opt_id, opt_int, plain, text};
    use crate::to_json::to_json;

    from_json! {
        PlacedCall {
            error_code: "errorCode" => plain, need;
            message: "message" => text, or_default;
            id: "id" => opt_int, or_default;
            mediation_id: "mediationId" => opt_int, or_default;
            node_id: "nodeId" => opt_int, or_default;
            task_name: "taskName" => plain, or_default;
            result: "result" => plain, or_default;
            person_type: "personType" => opt_int, or_default;
            mediation_type: "mediationType" => opt_int, or_default;
            person_id: "personId" => opt_id, or_default;
            job_id: "jobId" => plain, or_default;
            instance_id: "instanceId" => plain, or_default;
            job_group_id: "jobGroupId" => plain, or_default;
            script_id: "scriptId" => plain, or_default;
            call_status: "callStatus" => plain, or_default;
            remark: "remark" => plain, or_default;
            delete_status: "deleteStatus" => opt_int, or_default;
            creator: "creator" => plain, or_default;
            create_time: "createTime" => plain, or_default;
            modifier: "modifier" => plain, or_default;
            modify_time: "modifyTime" => plain, or_default;
            start_time: "startTime" => plain, or_default;
            call_interval: "callInterval" => plain, or_default;
        }
        ConversationLog {
            call_type: "callType" => text, or_default;
            job_id: "jobId" => text, or_default;
            conversations: "conversations" => plain, or_default;
            call_status: "callStatus" => plain, need;
            record_url: "recordUrl" => text, or_default;
        }
        Turn {
            timestamp: "timestamp" => plain, need;
            speaker: "speaker" => plain, need;
            script: "script" => plain, or_default;
            action: "action" => plain, need;
        }
        JobStatus {
            case_ref: "caseRef" => id_or_empty, or_default;
            phone_number: "phoneNumber" => id_or_empty, or_default;
            job_id: "jobId" => text, or_default;
            call_status: "callStatus" => plain, need;
            fetch_time: "fetchTime" => plain, or_default;
            job_group_id: "jobGroupId" => text, or_default;
            instance_id: "instanceId" => text, or_default;
        }
    }

    impl<T: FromJson> FromJson for EmbeddedJsonList<T> {
        fn from_json(value: serde_json::Value) -> Result<Self, serde_json::Error> {
            crate::rows::Rows::from_json(value).map(EmbeddedJsonList)
        }
    }

    to_json! {
        CallRequest { case_id: "caseId", mediation_id: "mediationId", call_auto: "callAuto", call_person_id: "callPersonId", }
    }
}
