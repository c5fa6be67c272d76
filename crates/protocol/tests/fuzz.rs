//! Property test: every public decoder takes arbitrary input without panicking. It feeds
//! arbitrary JSON values (with the documents' field names, so decoders get past the first key),
//! the documents' examples with one part replaced by an arbitrary value, and arbitrary bytes to
//! every answer type, every request and callback body, and the text readers (`ssml_to_text`,
//! timestamps, `Sid`, `VarMap`, recording file names, the outnum form). Errors are fine; a panic
//! fails. The case count is bounded so the suite stays within seconds; `KEFU_FUZZ_CASES` raises
//! it for a longer run.

use std::path::Path;

use kefu_protocol::callbacks::{CallRecordPush, CallerLookupAnswer, CallerLookupRequest, IntentPush};
use kefu_protocol::callcenter::{
    CallRecord, CallTask, CallTaskQuery, CreatedTask, RecordsQuery, StopTasksRequest, Ticket,
    recording_segments,
};
use kefu_protocol::chat::{BotTurn, StartRequest, StopRequest, TriggerRequest};
use kefu_protocol::coeus::{
    AddTaskRequest, AddTaskResult, BotSummary, FollowedDataRequest, FollowedDialog, OutnumForm, OutnumResult,
    SyncPromptRequest, Task, TaskListRequest,
};
use kefu_protocol::outbound::{
    CallRequest, ConversationLog, ConversationLogQuery, JobStatus, PlacedCall, StatusQuery,
};
use kefu_protocol::{
    CallCenterAnswer, CallCenterPage, Code, DateTime, EmbeddedJsonList, JsonList, OutboundAnswer,
    PlatformAnswer, PlatformPage, Rows, Sid, Timestamp, VarMap, decode, ssml_to_text,
};
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Field names of the three documents: arbitrary objects use them, so decoders go deep.
const KEYS: &[&str] = &[
    "code",
    "msg",
    "message",
    "result",
    "data",
    "rows",
    "total",
    "num_per_page",
    "total_rows",
    "total_pages",
    "current_page",
    "sid",
    "cmd",
    "prompt",
    "prompt_id",
    "channel",
    "relation_list",
    "relation_title",
    "question_name",
    "ext",
    "user_data",
    "g_vars",
    "debug_info",
    "prompt_source",
    "intent_source",
    "intent",
    "score",
    "app_id",
    "bot_id",
    "var_json",
    "text",
    "task_id",
    "task_name",
    "call_sn",
    "call_count",
    "bot_name",
    "calls",
    "call_id",
    "num",
    "state",
    "start_time",
    "answered_time",
    "end_time",
    "duration",
    "record_url",
    "round",
    "hangup_by",
    "sms_state",
    "dialogs",
    "type",
    "dialog_type",
    "dialog_text",
    "msg_time",
    "intention_name",
    "degrees",
    "degree_name",
    "recall_flag",
    "caller",
    "transfer",
    "content",
    "create_time",
    "forbid_policy",
    "recall_policy",
    "ring_asr_code",
    "errorCode",
    "mediationId",
    "callStatus",
    "conversations",
    "timestamp",
    "speaker",
    "script",
    "action",
    "recordUrl",
    "jobId",
    "caseRef",
    "fetchTime",
    "uuid",
    "telephone",
    "callType",
    "calloutTime",
    "answeredTime",
    "callEndTime",
    "hangupCause",
    "wavFileUrl",
    "dialogue",
    "role",
    "extnum",
    "timeLen",
    "batchId",
    "taskType",
    "createtime",
    "stopTime",
    "connected",
    "ticketNo",
    "phone",
    "username",
    "batchIds",
    "pageNum",
    "pageSize",
    "caseId",
    "callAuto",
    "callPersonId",
];

fn cases() -> u32 {
    std::env::var("KEFU_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(1500)
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{0,22}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,3})?([+-][0-9]{2}:[0-9]{2}|Z)?)?",
        "<[a-z/!?]{0,6}[^>]{0,10}>?.{0,8}(&[a-z#0-9]{0,6};?)?",
        "[0-9a-f]{30,34}",
        Just("evt.say".to_owned()),
        Just(String::new()),
        // JSON text inside a string, as seed 000's conversations.
        Just(r#"[{"timestamp":1,"speaker":"Robot","script":null,"action":"Dialogue"}]"#.to_owned()),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![Just(0i64), Just(200), Just(201), Just(1), Just(2), Just(775)].prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        let key =
            prop_oneof![4 => proptest::sample::select(KEYS).prop_map(str::to_owned), 1 => any::<String>()];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key, inner), 0..8).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Decodes as `T` and, when that works, encodes again (encoding must not panic either).
fn body<T: DeserializeOwned + Serialize>(bytes: &[u8]) {
    if let Ok(v) = serde_json::from_slice::<T>(bytes) {
        let _ = serde_json::to_vec(&v);
    }
}

fn answer<A: kefu_protocol::Answer>(status: u16, bytes: &[u8])
where
    A::Output: Serialize,
{
    if let Ok(v) = decode::<A>(status, bytes) {
        let _ = serde_json::to_vec(&v);
    }
}

/// Every public decoder, on one body.
fn every_decoder(status: u16, bytes: &[u8]) {
    answer::<PlatformAnswer<()>>(status, bytes);
    answer::<PlatformAnswer<BotTurn>>(status, bytes);
    answer::<PlatformAnswer<OutnumResult>>(status, bytes);
    answer::<PlatformAnswer<AddTaskResult>>(status, bytes);
    answer::<PlatformPage<Task>>(status, bytes);
    answer::<PlatformAnswer<Rows<BotSummary>>>(status, bytes);
    answer::<PlatformAnswer<Vec<BotSummary>>>(status, bytes);
    answer::<PlatformAnswer<Rows<FollowedDialog>>>(status, bytes);
    answer::<PlatformAnswer<JsonList<FollowedDialog>>>(status, bytes);
    answer::<CallerLookupAnswer>(status, bytes);
    answer::<OutboundAnswer<Rows<PlacedCall>>>(status, bytes);
    answer::<OutboundAnswer<Rows<ConversationLog>>>(status, bytes);
    answer::<OutboundAnswer<JobStatus>>(status, bytes);
    answer::<CallCenterPage<CallRecord>>(status, bytes);
    answer::<CallCenterPage<CallTask>>(status, bytes);
    answer::<CallCenterAnswer<Rows<CreatedTask>>>(status, bytes);
    answer::<CallCenterAnswer<()>>(status, bytes);
    answer::<CallCenterAnswer<Value>>(status, bytes);
    body::<StartRequest>(bytes);
    body::<TriggerRequest>(bytes);
    body::<StopRequest>(bytes);
    body::<AddTaskRequest>(bytes);
    body::<TaskListRequest>(bytes);
    body::<SyncPromptRequest>(bytes);
    body::<FollowedDataRequest>(bytes);
    body::<CallRequest>(bytes);
    body::<ConversationLogQuery>(bytes);
    body::<StatusQuery>(bytes);
    body::<RecordsQuery>(bytes);
    body::<CallTaskQuery>(bytes);
    body::<Vec<Ticket>>(bytes);
    body::<StopTasksRequest>(bytes);
    body::<CallRecordPush>(bytes);
    body::<IntentPush>(bytes);
    body::<CallerLookupRequest>(bytes);
    body::<CallerLookupAnswer>(bytes);
    body::<EmbeddedJsonList<Value>>(bytes);
    body::<Code>(bytes);
    body::<Timestamp>(bytes);
    body::<VarMap>(bytes);
    if let Ok(value) = serde_json::from_slice::<Value>(bytes) {
        let _ = VarMap::from_json(&value);
    }
}

/// Every text reader, on one string.
fn every_text_reader(s: &str) {
    let _ = ssml_to_text(s);
    let _ = Sid::parse(s);
    let _ = recording_segments(s);
    if let Some(t) = DateTime::parse(s) {
        let _ = (t.to_plain(), t.to_rfc3339(), t.unix_seconds());
    }
    let ts = Timestamp::new(s);
    let _ = (ts.parse(), ts.unix_millis(), ts.is_empty());
    let _ = OutnumForm::from_fields([
        ("app_id", s),
        ("task_id", s),
        ("call_count", s),
        ("file_suffix", s),
        ("disnum_group_id", s),
        ("call_sn_name", s),
    ]);
}

/// The documents' examples, parsed.
fn examples() -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for seed in ["seed000", "seed001", "seed002"] {
        for entry in std::fs::read_dir(dir.join(seed)).expect("fixture dir") {
            let bytes = std::fs::read(entry.expect("entry").path()).expect("fixture");
            out.push(serde_json::from_slice(&bytes).expect("fixture is JSON"));
        }
    }
    out
}

fn size(v: &Value) -> usize {
    1 + match v {
        Value::Array(items) => items.iter().map(size).sum(),
        Value::Object(map) => map.values().map(size).sum(),
        _ => 0,
    }
}

/// Replaces the value at position `at` (in pre-order: the whole document is 0) by `new`.
fn replace_nth(v: &mut Value, at: prop::sample::Index, new: Value) {
    fn walk(v: &mut Value, k: &mut usize, new: &mut Option<Value>) {
        if *k == 0 {
            if let Some(n) = new.take() {
                *v = n;
            }
            return;
        }
        *k -= 1;
        let children: Vec<&mut Value> = match v {
            Value::Array(items) => items.iter_mut().collect(),
            Value::Object(map) => map.values_mut().collect(),
            _ => Vec::new(),
        };
        for child in children {
            walk(child, k, new);
            if new.is_none() {
                return;
            }
        }
    }
    let mut k = at.index(size(v));
    walk(v, &mut k, &mut Some(new));
}

proptest! {
    #![proptest_config(Config { cases: cases(), failure_persistence: None, ..Config::default() })]

    #[test]
    fn arbitrary_json_never_panics(value in json(), status in prop_oneof![Just(200u16), Just(201), Just(500), any::<u16>()]) {
        let bytes = serde_json::to_vec(&value).expect("encodes");
        every_decoder(status, &bytes);
    }

    #[test]
    fn examples_with_one_part_replaced_never_panic(which in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(), value in json()) {
        let mut examples = examples();
        let n = examples.len();
        let example = &mut examples[which.index(n)];
        replace_nth(example, at, value);
        let bytes = serde_json::to_vec(example).expect("encodes");
        every_decoder(200, &bytes);
        every_decoder(201, &bytes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512), status in any::<u16>()) {
        every_decoder(status, &bytes);
        every_text_reader(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_text_never_panics(s in text()) {
        every_text_reader(&s);
        every_decoder(200, s.as_bytes());
    }

    #[test]
    fn arbitrary_times_never_panic(
        secs in prop_oneof![any::<i64>(), (i64::MAX - (1 << 40))..=i64::MAX, i64::MIN..(i64::MIN + (1 << 40))],
        offset in prop_oneof![any::<i32>(), -1440..=1440i32, Just(i32::MIN), Just(i32::MAX)],
    ) {
        let t = DateTime::from_unix_seconds(secs, offset);
        let _ = (t.to_plain(), t.to_rfc3339(), t.unix_seconds());
    }
}
