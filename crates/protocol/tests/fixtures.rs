//! Every JSON example of the three documents decodes into its type; client→platform requests
//! encode back to the same JSON. See `fixtures/README.md` for the hand repairs.

use std::collections::BTreeSet;
use std::path::Path;

use kefu_protocol::callbacks::{CallRecordPush, CallerLookupAnswer, CallerLookupRequest, IntentPush};
use kefu_protocol::callcenter::{
    CallRecord, CallTask, CallTaskQuery, CreatedTask, RecordsQuery, StopTasksRequest, Ticket,
};
use kefu_protocol::chat::{BotTurn, StartRequest, StopRequest, TriggerRequest};
use kefu_protocol::coeus::{
    AddTaskRequest, AddTaskResult, BotSummary, FollowedDataRequest, FollowedDialog, OutnumResult,
    SyncPromptRequest, Task, TaskListRequest,
};
use kefu_protocol::outbound::{CallRequest, ConversationLog, JobStatus, PlacedCall};
use kefu_protocol::{
    Action, CallCenterAnswer, CallCenterPage, CallErrorCode, CallStatus, Channel, Cmd, Code, DialogType,
    Error, HangupBy, IntentSource, JsonList, NumberState, OutboundAnswer, PlatformAnswer, PlatformPage,
    PromptSource, RecallFlag, Speaker, decode,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(DIR).join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Decodes a request fixture, checks it encodes back to the same JSON, and returns it.
fn request<T: DeserializeOwned + Serialize>(name: &str) -> T {
    let bytes = read(name);
    let typed: T = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    let original: serde_json::Value = serde_json::from_slice(&bytes).expect("fixture is JSON");
    let encoded = serde_json::to_value(&typed).expect("encodes");
    assert_eq!(encoded, original, "{name} does not round-trip");
    typed
}

/// Decodes a callback body and checks that encoding and decoding again gives the same value.
fn callback<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(name: &str) -> T {
    let typed: T = serde_json::from_slice(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let again: T = serde_json::from_value(serde_json::to_value(&typed).expect("encodes")).expect("decodes");
    assert_eq!(again, typed, "{name} does not round-trip");
    typed
}

fn answer<A: kefu_protocol::Answer>(name: &str, status: u16) -> A::Output
where
    A::Output: std::fmt::Debug,
{
    decode::<A>(status, &read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The files each test below reads; every fixture on disk must be among them.
const COVERED: &[&str] = &[
    "seed002/s05_success.json",
    "seed002/s05_failure.json",
    "seed002/s06_outnum_answer.json",
    "seed002/s07_call_record_push.json",
    "seed002/s07_ack.json",
    "seed002/s08_intent_push.json",
    "seed002/s08_ack.json",
    "seed002/s09_caller_request.json",
    "seed002/s09_caller_answer.json",
    "seed002/s10_addtask_request.json",
    "seed002/s10_addtask_answer.json",
    "seed002/s11_tasklist_request.json",
    "seed002/s11_tasklist_answer.json",
    "seed002/s12_syncprompt_request.json",
    "seed002/s12_syncprompt_answer.json",
    "seed002/s13_followed_request.json",
    "seed002/s13_followed_answer.json",
    "seed002/s14_start_request.json",
    "seed002/s14_start_answer.json",
    "seed002/s15_trigger_request.json",
    "seed002/s15_trigger_answer.json",
    "seed002/s16_stop_request.json",
    "seed002/s16_stop_answer.json",
    "seed002/s17_error_success.json",
    "seed002/s17_error_unknown.json",
    "seed000/call_v2_request.json",
    "seed000/call_v2_answer.json",
    "seed000/conversation_log_answer.json",
    "seed000/status_answer.json",
    "seed001/general_envelope.json",
    "seed001/paged_envelope.json",
    "seed001/records_list_request.json",
    "seed001/records_list_answer.json",
    "seed001/calltask_list_request.json",
    "seed001/calltask_list_answer.json",
    "seed001/create_tasks_request.json",
    "seed001/create_tasks_answer.json",
    "seed001/stop_tasks_request.json",
    "seed001/stop_tasks_answer.json",
];

#[test]
fn every_fixture_on_disk_is_tested() {
    let mut on_disk = BTreeSet::new();
    for seed in ["seed000", "seed001", "seed002"] {
        for entry in std::fs::read_dir(Path::new(DIR).join(seed)).expect("fixture dir") {
            let name = entry.expect("entry").file_name().into_string().expect("utf-8 name");
            on_disk.insert(format!("{seed}/{name}"));
        }
    }
    let covered: BTreeSet<String> = COVERED.iter().map(|s| s.to_string()).collect();
    assert_eq!(on_disk, covered);
    assert_eq!(covered.len(), 39);
}

// ---- seed 002 -------------------------------------------------------------------------------

#[test]
fn s05_generic_envelopes() {
    // The success example carries a field of no documented endpoint: the payload is "nothing".
    answer::<PlatformAnswer<()>>("seed002/s05_success.json", 200);
    // The failure example, as the document shows it: HTTP 500.
    match decode::<PlatformAnswer<()>>(500, &read("seed002/s05_failure.json")) {
        Err(Error::Platform(e)) => {
            assert_eq!(e.code, Code::Int(-174791));
            assert_eq!(e.message, "错误消息");
            assert_eq!(e.http_status, 500);
        }
        other => panic!("expected a platform error, got {other:?}"),
    }
    // The same body with HTTP 200 is a failure too (code != 0).
    assert!(matches!(
        decode::<PlatformAnswer<()>>(200, &read("seed002/s05_failure.json")),
        Err(Error::Platform(_))
    ));
}

#[test]
fn s06_outnum() {
    let r = answer::<PlatformAnswer<OutnumResult>>("seed002/s06_outnum_answer.json", 200);
    assert_eq!(r.call_sn, "5682792453545984");
    assert_eq!(r.call_count, 58980);
}

#[test]
fn s07_call_record_push() {
    let push: CallRecordPush = callback("seed002/s07_call_record_push.json");
    assert_eq!(push.task_id, "174212519459778560");
    assert_eq!(push.calls.len(), 1);
    let call = &push.calls[0];
    assert_eq!(call.state, NumberState::Other(1));
    assert_eq!(call.hangup_by, Some(HangupBy::User));
    assert_eq!(call.duration, Some(16));
    let end = call.end_time.as_ref().and_then(|t| t.parse()).expect("RFC 3339 end time");
    assert_eq!(end.offset_minutes, Some(480));
    assert_eq!(call.dialogs.len(), 5);
    assert_eq!(call.dialogs[0].dialog_type, Some(DialogType::Bot));
    assert_eq!(call.dialogs[1].dialog_type, Some(DialogType::User));
    assert_eq!(call.dialogs[1].intention_name, "yes");
    let text = kefu_protocol::ssml_to_text(&call.dialogs[0].dialog_text);
    assert!(text.starts_with("喂, 您好您好, 马先生"), "{text}");
    assert!(!text.contains('<'));
    // Encoding uses the table's `type`.
    let encoded = serde_json::to_value(&call.dialogs[0]).expect("encodes");
    assert_eq!(encoded["type"], 1);
    answer::<PlatformAnswer<()>>("seed002/s07_ack.json", 200);
}

#[test]
fn s08_intent_push() {
    let push: IntentPush = callback("seed002/s08_intent_push.json");
    assert_eq!(push.degrees.len(), 2);
    assert_eq!(push.degrees[0].degree_name, "A类");
    assert_eq!(push.degrees[0].recall_flag, RecallFlag::First);
    answer::<PlatformAnswer<()>>("seed002/s08_ack.json", 200);
}

#[test]
fn s09_caller_lookup() {
    let req: CallerLookupRequest = callback("seed002/s09_caller_request.json");
    assert_eq!(req.caller, "13515525820");
    let a = answer::<CallerLookupAnswer>("seed002/s09_caller_answer.json", 200);
    assert_eq!(a.transfer.as_deref(), Some("01055667788"));
}

#[test]
fn s10_addtask() {
    let req: AddTaskRequest = request("seed002/s10_addtask_request.json");
    assert_eq!(req.recall_policy.as_ref().map(Vec::len), Some(7));
    assert_eq!(req.ring_asr_code.as_ref().map(|c| c.len()), Some(4));
    let r = answer::<PlatformAnswer<AddTaskResult>>("seed002/s10_addtask_answer.json", 200);
    assert_eq!(r.task_id, "107126618320961536");
}

#[test]
fn s11_tasklist() {
    let req: TaskListRequest = request("seed002/s11_tasklist_request.json");
    assert_eq!(req.page_size, Some(10));
    let page = answer::<PlatformPage<Task>>("seed002/s11_tasklist_answer.json", 200);
    assert_eq!(page.total, 1);
    assert_eq!(page.page_no, Some(1));
    assert_eq!(page.rows[0].task_name, "外呼任务0921");
    assert_eq!(page.rows[0].task_id, None);
}

#[test]
fn s12_syncprompt() {
    let _: SyncPromptRequest = request("seed002/s12_syncprompt_request.json");
    let bots = answer::<PlatformAnswer<Vec<BotSummary>>>("seed002/s12_syncprompt_answer.json", 200);
    assert_eq!(bots.len(), 2);
    assert_eq!(bots[1].bot_name, "滴水贷");
}

#[test]
fn s13_followed_data() {
    let _: FollowedDataRequest = request("seed002/s13_followed_request.json");
    let lines = answer::<PlatformAnswer<JsonList<FollowedDialog>>>("seed002/s13_followed_answer.json", 200);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1].dialog_type, DialogType::User);
    assert_eq!(lines[1].content, "转人工");
    assert!(lines[0].create_time.parse().is_some());
}

#[test]
fn s14_start() {
    let req: StartRequest = request("seed002/s14_start_request.json");
    assert_eq!(req.channel, Channel::WxMp);
    assert_eq!(req.var_json.as_ref().and_then(|v| v.text("age")).as_deref(), Some("24"));
    let turn = answer::<PlatformAnswer<BotTurn>>("seed002/s14_start_answer.json", 200);
    assert_eq!(turn.cmd, Cmd::Say);
    assert_eq!(turn.prompt_id, "iQwtR");
    let debug = turn.debug_info.expect("debug_info");
    assert_eq!(debug.prompt_source, Some(PromptSource::Flow));
    assert_eq!(debug.intent_source, Some(IntentSource::System));
    assert_eq!(debug.score, Some(1.0));
    assert_eq!(debug.current_state_id.as_deref(), Some("3HrBg"));
    assert_eq!(turn.ext.expect("ext").g_vars["age"], 24);
}

#[test]
fn s15_trigger() {
    let req: TriggerRequest = request("seed002/s15_trigger_request.json");
    assert_eq!(req.cmd, Cmd::Input);
    let turn = answer::<PlatformAnswer<BotTurn>>("seed002/s15_trigger_answer.json", 200);
    assert_eq!(turn.debug_info.and_then(|d| d.intent).as_deref(), Some("evt.intent.查询天气"));
    assert!(turn.relation_list.is_empty());
}

#[test]
fn s16_stop() {
    let _: StopRequest = request("seed002/s16_stop_request.json");
    answer::<PlatformAnswer<()>>("seed002/s16_stop_answer.json", 200);
}

#[test]
fn s17_string_codes() {
    answer::<PlatformAnswer<()>>("seed002/s17_error_success.json", 200);
    match decode::<PlatformAnswer<()>>(500, &read("seed002/s17_error_unknown.json")) {
        Err(Error::Platform(e)) => {
            assert_eq!(e.code, Code::Str("999999".into()));
            assert_eq!(e.message, "未知错误");
        }
        other => panic!("expected a platform error, got {other:?}"),
    }
}

// ---- seed 000 -------------------------------------------------------------------------------

#[test]
fn seed000_call_v2() {
    let _: CallRequest = request("seed000/call_v2_request.json");
    let calls = answer::<OutboundAnswer<Vec<PlacedCall>>>("seed000/call_v2_answer.json", 201);
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].error_code, CallErrorCode::Ok);
    assert_eq!(calls[0].mediation_id, Some(20));
    assert_eq!(calls[1].person_id.as_deref(), Some("2303191513081130"));
    assert_eq!(calls[1].call_status, Some(CallStatus::Scheduling));
}

#[test]
fn seed000_conversation_log() {
    let logs = answer::<OutboundAnswer<Vec<ConversationLog>>>("seed000/conversation_log_answer.json", 200);
    assert_eq!(logs.len(), 9);
    let first = &logs[0];
    assert_eq!(first.conversations.len(), 3);
    assert_eq!(first.conversations[0].action, Action::BeginDialogue);
    assert_eq!(first.conversations[0].script.as_deref(), Some(""));
    assert_eq!(first.conversations[1].speaker, Speaker::Robot);
    assert_eq!(first.conversations[2].action, Action::EndDialogue);
    assert_eq!(first.conversations[2].script, None);
    assert_eq!(first.conversations[0].timestamp, 1_770_604_618_000);
    // Signed URLs stay byte for byte.
    assert!(first.record_url.ends_with("Signature=oFCXtkSWyuEjOQQl97nBRnCIxUA%3D"));
    assert!(logs[7].record_url.contains("%2B") || logs[6].record_url.contains("%2B"));
    // Markdown survives inside the JSON-in-a-string.
    assert!(logs[5].conversations[1].script.as_deref().unwrap_or_default().contains("**分期支付**"));
    // conversations encodes back as a string.
    let encoded = serde_json::to_value(first).expect("encodes");
    assert!(encoded["conversations"].is_string());
    let again: ConversationLog = serde_json::from_value(encoded).expect("decodes");
    assert_eq!(&again, first);
}

#[test]
fn seed000_status() {
    let s = answer::<OutboundAnswer<JobStatus>>("seed000/status_answer.json", 200);
    assert_eq!(s.case_ref, "202601281644031088");
    assert_eq!(s.call_status, CallStatus::Succeeded);
    assert!(s.fetch_time.parse().is_some());
}

// ---- seed 001 -------------------------------------------------------------------------------

#[test]
fn seed001_envelopes() {
    assert_eq!(answer::<CallCenterAnswer<i64>>("seed001/general_envelope.json", 200), 0);
    let page = answer::<CallCenterPage<CallRecord>>("seed001/paged_envelope.json", 200);
    assert_eq!(page.total, 0);
    assert!(page.rows.is_empty());
}

#[test]
fn seed001_records_list() {
    let q: RecordsQuery = request("seed001/records_list_request.json");
    assert_eq!(q.call_type, kefu_protocol::CallType::AiOutbound);
    let page = answer::<CallCenterPage<CallRecord>>("seed001/records_list_answer.json", 200);
    assert_eq!(page.total, 4);
    assert_eq!(page.rows.len(), 4);
    assert_eq!(page.rows[0].uuid, "2508162111590110001");
    assert_eq!(page.rows[1].dialogue.len(), 3);
    assert_eq!(page.rows[0].sip_status(), Some(200));
    assert!(!page.rows[2].answered());
    assert_eq!(page.rows[2].sip_status(), Some(503));
    assert_eq!(page.rows[0].extnum, None);
}

#[test]
fn seed001_calltask_list() {
    let q: CallTaskQuery = request("seed001/calltask_list_request.json");
    assert_eq!(q.batch_id, Some(10012));
    let page = answer::<CallCenterPage<CallTask>>("seed001/calltask_list_answer.json", 200);
    assert_eq!(page.rows[0].create_time, 1_693_526_400_000);
    assert_eq!(page.rows[0].connected, Some(true));
}

#[test]
fn seed001_create_and_stop_tasks() {
    let tickets: Vec<Ticket> = request("seed001/create_tasks_request.json");
    assert_eq!(tickets.len(), 2);
    let created = answer::<CallCenterAnswer<Vec<CreatedTask>>>("seed001/create_tasks_answer.json", 200);
    assert_eq!(created[1].batch_id, 10014);
    let stop: StopTasksRequest = request("seed001/stop_tasks_request.json");
    assert_eq!(stop.batch_ids, vec![0]);
    answer::<CallCenterAnswer<()>>("seed001/stop_tasks_answer.json", 200);
}
