//! What the operators' result routes answer (`/kefu/v1/tasks`, `/kefu/v1/tasks/{task_id}/calls`,
//! `/kefu/v1/calls/{call_id}`): campaign outcomes as received from the platform's callbacks
//! (seed 002 §7–8) and stored by `kefu-callbacks`; and the §9 contacts directory's routes
//! (`/kefu/v1/contacts`).

use serde::{Deserialize, Serialize};

use crate::enums::{DialogType, HangupBy};
use crate::time::Timestamp;

/// `GET /kefu/v1/tasks`: every task seen in a push.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskList {
    /// The tasks, most recently first seen first.
    pub tasks: Vec<TaskSummary>,
}

/// One task and the counts of its calls.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskSummary {
    /// 任务 id.
    pub task_id: String,
    /// 任务名称, as last pushed.
    pub task_name: String,
    /// The label of the callback token its first push came through.
    pub label: String,
    /// When the first push of the task arrived (ms since the Unix epoch).
    pub first_seen_ms: i64,
    /// Calls stored.
    pub calls: u64,
    /// Calls by number state (§18), most frequent first.
    pub states: Vec<StateCount>,
    /// Numbers by intent grade (their latest grade), most frequent first.
    pub grades: Vec<GradeCount>,
}

/// How many calls ended in one number state.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StateCount {
    /// The state code (§18, e.g. 775), or another code the platform sent.
    pub state: i64,
    /// The document's Chinese label (`无人接听`), empty for codes it does not list.
    pub label: String,
    /// Calls in this state.
    pub count: u64,
}

/// How many numbers got one intent grade.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GradeCount {
    /// 意向度名称, e.g. `A类`.
    pub grade: String,
    /// Numbers with this grade.
    pub count: u64,
}

/// `GET /kefu/v1/tasks/{task_id}/calls`: one page of calls and how many match in all.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CallPage {
    /// Calls matching the filters, over all pages.
    pub total: u64,
    /// This page's calls, by start time then `call_id`.
    pub rows: Vec<CallRow>,
}

/// One call, as listed.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CallRow {
    /// 呼叫id.
    pub call_id: String,
    /// 任务 id.
    pub task_id: String,
    /// 号码批次.
    pub call_sn: String,
    /// 被叫号码.
    pub num: String,
    /// 状态码 (§18).
    pub state: i64,
    /// The state's Chinese label (§18), or the pushed `state_desc` for codes §18 does not list.
    pub state_label: String,
    /// Whether the callee answered (an answer time or a talk duration was pushed).
    pub answered: bool,
    /// 呼叫开始时间, as pushed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Timestamp>,
    /// 接听时间, as pushed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_time: Option<Timestamp>,
    /// 通话结束时间, as pushed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Timestamp>,
    /// 通话时长 in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    /// 挂机方式.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hangup_by: Option<HangupBy>,
    /// 通话轮次.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<u32>,
    /// The number's latest intent grade (§8), once pushed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// The recording link (relative paths resolved against the configured recording base).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording: Option<String>,
}

/// `GET /kefu/v1/calls/{call_id}`: one call with its dialogue.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CallDetail {
    /// The call as listed.
    #[serde(flatten)]
    pub call: CallRow,
    /// 任务名称.
    pub task_name: String,
    /// 业务名称.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_sn_name: Option<String>,
    /// 话术id.
    pub bot_id: String,
    /// 话术名称.
    pub bot_name: String,
    /// The label of the callback token the call arrived through.
    pub label: String,
    /// The dialogue, in order.
    pub turns: Vec<CallTurn>,
}

/// One line of a call's dialogue.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CallTurn {
    /// 1 bot, 2 user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialog_type: Option<DialogType>,
    /// What was said, SSML made readable.
    pub text: String,
    /// 消息时间, as pushed.
    pub msg_time: Timestamp,
    /// 命中的意图名称 (user lines).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub intention_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_detail_read_by_hand_decodes_as_serde_does() {
        use crate::envelope::Answer;
        use serde_json::json;
        let whole = json!({
            "call_id": "c1", "task_id": "t1", "call_sn": "s", "num": "138", "state": 775, "state_label": "无人接听",
            "answered": false, "duration": 3, "hangup_by": 1, "task_name": "n", "bot_id": "b", "bot_name": "bn",
            "label": "l", "turns": [{"dialog_type": 1, "text": "您好", "msg_time": "2024-01-01 00:00:00"}], "extra": 1
        });
        let mut cases = vec![whole.clone(), json!([]), json!(null), json!("x")];
        for key in ["task_name", "bot_id", "turns", "call_id", "state", "call_sn_name", "duration"] {
            let mut v = whole.clone();
            v[key] = serde_json::Value::Null;
            cases.push(v.clone());
            v.as_object_mut().expect("object").remove(key);
            cases.push(v);
        }
        let mut two = whole.clone();
        two.as_object_mut().expect("object").remove("label");
        two["bot_id"] = json!(5);
        cases.push(two);
        for v in cases {
            let by_hand = CallDetail::from_value(v.clone()).map_err(|e| e.to_string());
            let by_serde =
                CallDetail::deserialize(crate::objects::Objects(v.clone())).map_err(|e| e.to_string());
            assert_eq!(by_hand, by_serde, "{v}");
        }
    }

    #[test]
    fn call_detail_flattens_the_row_and_round_trips() {
        let detail = CallDetail {
            call: CallRow {
                call_id: "c1".into(),
                task_id: "t1".into(),
                num: "13800000000".into(),
                state: 775,
                state_label: "无人接听".into(),
                hangup_by: Some(HangupBy::User),
                ..CallRow::default()
            },
            turns: vec![CallTurn {
                dialog_type: Some(DialogType::Bot),
                text: "您好".into(),
                ..CallTurn::default()
            }],
            ..CallDetail::default()
        };
        let json = serde_json::to_value(&detail).expect("serialises");
        assert_eq!(json["call_id"], "c1");
        assert_eq!(json["hangup_by"], 1);
        assert_eq!(json["turns"][0]["dialog_type"], 1);
        assert!(json.get("recording").is_none());
        let back: CallDetail = serde_json::from_value(json).expect("decodes");
        assert_eq!(back, detail);
    }
}

/// One entry of the §9 contacts directory (`GET /kefu/v1/contacts`,
/// `PUT /kefu/v1/contacts/{phone}`).
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContactEntry {
    /// The phone number, as the platform sends `caller` (digits, an optional leading `+`).
    pub phone: String,
    /// The caller's name (`{name}` in the inbound prompt).
    #[serde(default)]
    pub name: String,
    /// Where an inbound call from this number is transferred, if anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<String>,
    /// Other prompt template variables.
    #[serde(default)]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(type = "Record<string, string>"))]
    pub variables: std::collections::BTreeMap<String, String>,
}

/// `GET /kefu/v1/contacts?q=&offset=&limit=`: one page of contacts and how many match in all.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContactPage {
    /// Contacts matching `q` (phone prefix or part of the name), over all pages.
    pub total: u64,
    /// This page's contacts, by phone.
    pub rows: Vec<ContactEntry>,
}

/// The body of `PUT /kefu/v1/contacts/{phone}`: the contact's new values (all replaced).
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContactEdit {
    /// The caller's name.
    #[serde(default)]
    pub name: String,
    /// Where to transfer the caller; absent or null: nowhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<String>,
    /// Other prompt template variables.
    #[serde(default)]
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(type = "Record<string, string>"))]
    pub variables: std::collections::BTreeMap<String, String>,
}

/// `POST /kefu/v1/contacts` (a CSV or XLSX body): what the import did.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContactImport {
    /// Contacts written (a phone repeated in the file counts once; its last row wins).
    pub imported: u64,
    /// Rows not imported, with their line numbers (1 is the header line).
    pub rejected: Vec<RejectedLine>,
}

/// A row of a contacts file that was not imported.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RejectedLine {
    /// The row's line (1 is the header line).
    pub line: u64,
    /// Why it was not imported.
    pub reason: String,
}

/// The filters and paging of `GET /kefu/v1/tasks/{task_id}/calls` (and, without paging, of
/// `calls.csv`); every field optional.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CallQuery {
    /// Only calls in this number state (§18 code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<i64>,
    /// Only numbers with this latest intent grade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// Only answered (`true`) or unanswered (`false`) calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered: Option<bool>,
    /// Only calls at least this long (seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_duration: Option<i64>,
    /// Only calls at most this long (seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_duration: Option<i64>,
    /// Only numbers starting with this text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub num: Option<String>,
    /// Rows to skip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// Rows to answer (at most 1000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

impl CallQuery {
    /// The set parameters as `(name, value)` pairs, for a URL query (`paging: false` leaves out
    /// `offset` and `limit`, for the CSV).
    pub fn pairs(&self, paging: bool) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let mut add = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                pairs.push((k, v));
            }
        };
        add("state", self.state.map(|v| v.to_string()));
        add("grade", self.grade.clone());
        add("answered", self.answered.map(|v| v.to_string()));
        add("min_duration", self.min_duration.map(|v| v.to_string()));
        add("max_duration", self.max_duration.map(|v| v.to_string()));
        add("num", self.num.clone());
        if paging {
            add("offset", self.offset.map(|v| v.to_string()));
            add("limit", self.limit.map(|v| v.to_string()));
        }
        pairs
    }
}

/// `POST /kefu/v1/recording-links` (operator token): which recording a short-lived link should
/// play. Exactly one of the two is given. (This and the console's other types below are for the
/// Rust API only: no TypeScript declarations, so kefu-client's JavaScript surface is unchanged.)
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RecordingLinkRequest {
    /// A call stored from a §7 push: its `record_url` (relative paths resolved against the
    /// proxy's recording base).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    /// A recording URL as the platform gave it, byte for byte: seed 000's `recordUrl`, seed
    /// 001's `wavFileUrl`. Only URLs on this deployment's upstream and recording hosts are taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl RecordingLinkRequest {
    /// A link to the recording of a stored call.
    pub fn call(call_id: impl Into<String>) -> RecordingLinkRequest {
        RecordingLinkRequest { call_id: Some(call_id.into()), url: None }
    }

    /// A link to a recording URL the platform gave.
    pub fn url(url: impl Into<String>) -> RecordingLinkRequest {
        RecordingLinkRequest { call_id: None, url: Some(url.into()) }
    }
}

/// What `POST /kefu/v1/recording-links` answers: a link an `<audio src>` can use without the
/// operator token (`GET` / `HEAD`, with `Range`), bound to one recording, until it expires.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RecordingLink {
    /// The link: `/kefu/v1/recordings/<opaque>` on the proxy (kefu-client makes it absolute).
    pub url: String,
    /// When it stops working, in ms since the Unix epoch (the proxy's clock).
    pub expires_at: i64,
    /// How long it works from now, in seconds: ask for a new link before then.
    pub expires_in: u64,
}

/// `GET /kefu/v1/deployment` (operator token): what this deployment is, for the console.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Deployment {
    /// The proxy's public base URL (`KEFU_PUBLIC_URL`, or what the request reached it as).
    pub public_url: String,
    /// The callback addresses, one per callback token (empty without a callbacks store). They
    /// carry the token: show them to operators only.
    pub callbacks: Vec<CallbackEndpoint>,
    /// Whether the result and contacts routes (`/kefu/v1/tasks`, …) are on (a store is set).
    pub results: bool,
    /// Whether the seed 000 routes are on (`KEFU_OUTBOUND_URL`).
    pub outbound: bool,
    /// Whether the seed 001 routes are on (`KEFU_CALLCENTER_URL`).
    pub callcenter: bool,
    /// Whether `POST /kefu/v1/sandbox/inbound` is on (`KEFU_SANDBOX_URL`: a kefu-sandbox, never
    /// the real platform).
    pub sandbox: bool,
    /// How long a recording link works, in seconds.
    pub recording_link_secs: u64,
}

/// One callback token's addresses.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CallbackEndpoint {
    /// The token's label (stored with what arrives through it).
    pub label: String,
    /// The §7/§8 push address: a task's `team_url` (addtask, §10).
    pub team_url: String,
    /// The §9 inbound caller lookup address, agreed with the platform.
    pub inbound_url: String,
}

/// `POST /kefu/v1/sandbox/inbound` (operator token, sandbox deployments only): simulate an
/// inbound call from `caller`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SimulatedInboundRequest {
    /// The calling number.
    pub caller: String,
}

/// The `result` of `POST /kefu/v1/sandbox/inbound` (in seed 002's `{code, msg, result}`
/// envelope, as kefu-sandbox answers it): what the bot did with the call after the §9 lookup.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SimulatedInbound {
    /// The calling number.
    pub caller: String,
    /// `say` or `transfer`.
    pub action: String,
    /// What the bot says (the lookup's prompt).
    #[serde(default)]
    pub prompt: String,
    /// Where the call is transferred, when `action` is `transfer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<String>,
}

/// Path of the recording-link route.
pub const RECORDING_LINKS_PATH: &str = "/kefu/v1/recording-links";
/// Prefix of the recording links themselves (`/kefu/v1/recordings/<opaque>`).
pub const RECORDINGS_PREFIX: &str = "/kefu/v1/recordings";
/// Path of the deployment route.
pub const DEPLOYMENT_PATH: &str = "/kefu/v1/deployment";
/// Path of the simulated inbound call (sandbox deployments only).
pub const SIMULATED_INBOUND_PATH: &str = "/kefu/v1/sandbox/inbound";

/// The result routes answer their payload bare (no `code` / `msg` envelope); failures are non-2xx
/// with `{code, msg}`, which [`crate::decode`] reports from the status.
macro_rules! bare_answer {
    ($($t:ty),* $(,)?) => {
        $(
            impl crate::envelope::Answer for $t {
                type Output = $t;
                fn code(&self) -> Option<&crate::code::Code> {
                    None
                }
                fn message(&self) -> Option<&str> {
                    None
                }
                fn into_output(self) -> crate::error::Result<$t> {
                    Ok(self)
                }
            }
        )*
    };
}

bare_answer!(TaskList, CallPage, ContactPage, ContactEntry, ContactImport, RecordingLink, Deployment);

/// Base of the operators' result routes.
pub const RESULTS_BASE: &str = "/kefu/v1";

#[cfg(test)]
mod query_tests {
    use super::*;

    #[test]
    fn call_queries_become_pairs_and_bare_answers_decode() {
        let q = CallQuery {
            state: Some(785),
            answered: Some(true),
            num: Some("138".into()),
            limit: Some(10),
            ..CallQuery::default()
        };
        assert_eq!(
            q.pairs(true),
            [
                ("state", "785".to_owned()),
                ("answered", "true".into()),
                ("num", "138".into()),
                ("limit", "10".into())
            ]
        );
        assert_eq!(q.pairs(false).len(), 3);
        let page =
            crate::decode::<ContactPage>(200, br#"{"total": 1, "rows": [{"phone": "1380", "name": "x"}]}"#)
                .expect("decodes");
        assert_eq!(page.rows[0].phone, "1380");
        let refused = crate::decode::<TaskList>(401, br#"{"code": 401, "msg": "needs an operator token"}"#);
        assert!(refused.expect_err("401").to_string().contains("operator token"));
    }

    #[test]
    fn console_types_encode_exactly_and_decode() {
        assert_eq!(
            serde_json::to_value(RecordingLinkRequest::call("c1")).expect("encodes"),
            serde_json::json!({"call_id": "c1"})
        );
        assert_eq!(
            serde_json::to_value(RecordingLinkRequest::url("http://h/a.wav?x=%2B")).expect("encodes"),
            serde_json::json!({"url": "http://h/a.wav?x=%2B"})
        );
        let link = crate::decode::<RecordingLink>(
            200,
            br#"{"url": "/kefu/v1/recordings/abc", "expires_at": 1700000300000, "expires_in": 300}"#,
        )
        .expect("decodes");
        assert_eq!((link.url.as_str(), link.expires_in), ("/kefu/v1/recordings/abc", 300));
        let deployment = crate::decode::<Deployment>(
            200,
            br#"{"public_url": "https://k.example", "callbacks": [{"label": "shop",
                "team_url": "https://k.example/callbacks/t", "inbound_url": "https://k.example/callbacks/t/inbound"}],
                "results": true, "outbound": false, "callcenter": true, "sandbox": false, "recording_link_secs": 300}"#,
        )
        .expect("decodes");
        assert_eq!(deployment.callbacks[0].team_url, "https://k.example/callbacks/t");
        let refused = crate::decode::<RecordingLink>(403, br#"{"code": 403, "msg": "expired"}"#);
        assert!(refused.is_err());
        let sim = crate::decode::<crate::PlatformAnswer<SimulatedInbound>>(
            200,
            br#"{"code": 0, "msg": "success", "result": {"caller": "1", "action": "say", "prompt": "hi"}}"#,
        )
        .expect("decodes");
        assert_eq!((sim.action.as_str(), sim.transfer), ("say", None));
    }
}

impl crate::envelope::Answer for CallDetail {
    type Output = CallDetail;
    fn code(&self) -> Option<&crate::code::Code> {
        None
    }
    fn message(&self) -> Option<&str> {
        None
    }
    fn into_output(self) -> crate::error::Result<CallDetail> {
        Ok(self)
    }
    /// As serde decodes it, but without its machinery for `#[serde(flatten)]` (which buffers the
    /// object to decode the row from it): the row is read from the object itself, and the
    /// detail's own keys by hand (see `keys.rs`). Only with `value-decode`: other builds (the
    /// widget's) keep their code as it was, to the byte.
    #[cfg(feature = "value-decode")]
    fn from_value(value: serde_json::Value) -> Result<CallDetail, serde_json::Error> {
        const KEYS: [(&str, usize); 6] = [
            ("task_name", 0),
            ("call_sn_name", 1),
            ("bot_id", 2),
            ("bot_name", 3),
            ("label", 4),
            ("turns", 5),
        ];
        const NAMES: [&str; 6] = ["task_name", "call_sn_name", "bot_id", "bot_name", "label", "turns"];
        let row = CallRow::deserialize(crate::objects::Objects(value.clone()));
        let ([task_name, call_sn_name, bot_id, bot_name, label, turns], mut first) =
            crate::keys::read(value, "struct CallDetail", &KEYS, NAMES)?;
        let detail = CallDetail {
            task_name: first.required(task_name, 0, "task_name"),
            call_sn_name: first.value(call_sn_name),
            bot_id: first.required(bot_id, 2, "bot_id"),
            bot_name: first.required(bot_name, 3, "bot_name"),
            label: first.required(label, 4, "label"),
            turns: first.required(turns, 5, "turns"),
            call: first.last(row),
        };
        first.or(detail)
    }
}

#[cfg(feature = "value-decode")]
mod by_hand {
    use super::*;
    use crate::from_json::{FromJson, from_json, plain};
    use crate::to_json::to_json;

    from_json! {
        TaskList { tasks: "tasks" => plain, need; }
        TaskSummary {
            task_id: "task_id" => plain, need;
            task_name: "task_name" => plain, need;
            label: "label" => plain, need;
            first_seen_ms: "first_seen_ms" => plain, need;
            calls: "calls" => plain, need;
            states: "states" => plain, need;
            grades: "grades" => plain, need;
        }
        StateCount {
            state: "state" => plain, need;
            label: "label" => plain, need;
            count: "count" => plain, need;
        }
        GradeCount { grade: "grade" => plain, need; count: "count" => plain, need; }
        CallPage { total: "total" => plain, need; rows: "rows" => plain, need; }
        CallRow {
            call_id: "call_id" => plain, need;
            task_id: "task_id" => plain, need;
            call_sn: "call_sn" => plain, need;
            num: "num" => plain, need;
            state: "state" => plain, need;
            state_label: "state_label" => plain, need;
            answered: "answered" => plain, need;
            start_time: "start_time" => plain, or_default;
            answered_time: "answered_time" => plain, or_default;
            end_time: "end_time" => plain, or_default;
            duration: "duration" => plain, or_default;
            hangup_by: "hangup_by" => plain, or_default;
            round: "round" => plain, or_default;
            grade: "grade" => plain, or_default;
            recording: "recording" => plain, or_default;
        }
        CallTurn {
            dialog_type: "dialog_type" => plain, or_default;
            text: "text" => plain, need;
            msg_time: "msg_time" => plain, need;
            intention_name: "intention_name" => plain, or_default;
        }
        ContactEntry {
            phone: "phone" => plain, need;
            name: "name" => plain, or_default;
            transfer: "transfer" => plain, or_default;
            variables: "variables" => plain, or_default;
        }
        ContactPage { total: "total" => plain, need; rows: "rows" => plain, need; }
        ContactImport { imported: "imported" => plain, need; rejected: "rejected" => plain, need; }
        RejectedLine { line: "line" => plain, need; reason: "reason" => plain, need; }
        RecordingLink {
            url: "url" => plain, need;
            expires_at: "expires_at" => plain, need;
            expires_in: "expires_in" => plain, need;
        }
        Deployment {
            public_url: "public_url" => plain, need;
            callbacks: "callbacks" => plain, need;
            results: "results" => plain, need;
            outbound: "outbound" => plain, need;
            callcenter: "callcenter" => plain, need;
            sandbox: "sandbox" => plain, need;
            recording_link_secs: "recording_link_secs" => plain, need;
        }
        CallbackEndpoint {
            label: "label" => plain, need;
            team_url: "team_url" => plain, need;
            inbound_url: "inbound_url" => plain, need;
        }
        SimulatedInbound {
            caller: "caller" => plain, need;
            action: "action" => plain, need;
            prompt: "prompt" => plain, or_default;
            transfer: "transfer" => plain, or_default;
        }
    }

    impl FromJson for CallDetail {
        /// The detail's own keys, then the row (`#[serde(flatten)]`) from the other keys.
        fn from_json(value: serde_json::Value) -> Result<CallDetail, serde_json::Error> {
            let mut fields = crate::from_json::Fields::of(value, "struct CallDetail")?;
            let task_name = fields.need(&["task_name"], plain);
            let call_sn_name = fields.or_default(&["call_sn_name"], plain);
            let bot_id = fields.need(&["bot_id"], plain);
            let bot_name = fields.need(&["bot_name"], plain);
            let label = fields.need(&["label"], plain);
            let turns = fields.need(&["turns"], plain);
            let (rest, outcome) = fields.rest();
            outcome?;
            let call = CallRow::from_json(rest)?;
            Ok(CallDetail { call, task_name, call_sn_name, bot_id, bot_name, label, turns })
        }
    }

    crate::envelope::bare_json_answer!(
        TaskList,
        CallPage,
        ContactPage,
        ContactEntry,
        ContactImport,
        RecordingLink,
        Deployment,
        CallDetail
    );

    to_json! {
        ContactEdit { name: "name", transfer: "transfer", variables: "variables", }
        RecordingLinkRequest { call_id: "call_id", url: "url", }
        SimulatedInboundRequest { caller: "caller", }
    }
}
