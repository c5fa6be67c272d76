//! Null and absence, tested from the documents' own examples: for every fixture, every field of
//! every object (also inside JSON text in a string, such as seed 000's `conversations`) is set to
//! `null` and, separately, removed, and the body is decoded again.
//!
//! - A field the decoder needs (listed in `required` below; each is marked required by its
//!   document: 必选 / `Y` / `true`) must fail with an error that names it, or, inside a list of
//!   records (`rows` below), make exactly that row skipped and reported.
//! - Every other field is optional to the decoder: the body must still decode, with no row
//!   skipped.

#[path = "support/json_paths.rs"]
mod json_paths;

use std::path::Path;

use json_paths::{Step, key_paths, mutate, pattern};
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
    CallCenterAnswer, CallCenterPage, Error, OutboundAnswer, PlatformAnswer, PlatformPage, Rows, SkippedRow,
    decode, decode_value,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// Decodes a body; on success, yields every row skipped anywhere in the result.
type Decoder = fn(&[u8]) -> Result<Vec<SkippedRow>, String>;

struct Case {
    file: &'static str,
    decode: Decoder,
    /// Fields the decoder cannot do without, as paths (`*` for any list position).
    required: &'static [&'static str],
    /// Lists of records: a row missing a required field is skipped, not fatal.
    rows: &'static [&'static str],
}

/// Decodes an answer with [`decode`], and checks that [`decode_value`] gives the same: the same
/// output, or the same error (without the JSON reader's line and column).
fn answer<A: kefu_protocol::Answer>(status: u16, body: &[u8]) -> Result<A::Output, String>
where
    A::Output: PartialEq + std::fmt::Debug,
{
    let read = decode::<A>(status, body).map_err(|e| e.to_string());
    let through_value = decode_value::<A>(status, body).map_err(|e| e.to_string());
    match (&read, &through_value) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "decode_value differs from decode"),
        (Err(a), Err(b)) => assert!(a.starts_with(b.as_str()), "decode_value says {b:?}, decode {a:?}"),
        _ => panic!("decode gives {read:?}, decode_value {through_value:?}"),
    }
    read
}

fn request<T: DeserializeOwned>(body: &[u8]) -> Result<Vec<SkippedRow>, String> {
    serde_json::from_slice::<T>(body).map(|_| Vec::new()).map_err(|e| e.to_string())
}

fn nothing<T>(_: T) -> Vec<SkippedRow> {
    Vec::new()
}

fn rows<T>(rows: Rows<T>) -> Vec<SkippedRow> {
    rows.skipped
}

/// A failure answer (HTTP 500) must stay a platform failure whatever field is missing.
fn failure(body: &[u8]) -> Result<Vec<SkippedRow>, String> {
    match decode::<PlatformAnswer<()>>(500, body) {
        Err(Error::Platform(_)) => Ok(Vec::new()),
        other => Err(format!("expected a platform failure, got {other:?}")),
    }
}

const CASES: &[Case] = &[
    // ---- seed 002 ----
    Case {
        file: "seed002/s05_success.json",
        decode: |b| answer::<PlatformAnswer<()>>(200, b).map(nothing),
        required: &[],
        rows: &[],
    },
    Case { file: "seed002/s05_failure.json", decode: failure, required: &[], rows: &[] },
    Case {
        file: "seed002/s06_outnum_answer.json",
        decode: |b| answer::<PlatformAnswer<OutnumResult>>(200, b).map(nothing),
        required: &["result", "result.call_sn", "result.call_count"],
        rows: &[],
    },
    Case {
        file: "seed002/s07_call_record_push.json",
        decode: |b| {
            let push: CallRecordPush = serde_json::from_slice(b).map_err(|e| e.to_string())?;
            let mut skipped = push.calls.skipped.clone();
            skipped.extend(push.calls.iter().flat_map(|c| c.dialogs.skipped.clone()));
            Ok(skipped)
        },
        required: &["task_id", "call_sn", "calls.*.call_id", "calls.*.num", "calls.*.state"],
        rows: &["calls", "calls.*.dialogs"],
    },
    Case {
        file: "seed002/s07_ack.json",
        decode: |b| answer::<PlatformAnswer<()>>(200, b).map(nothing),
        required: &[],
        rows: &[],
    },
    Case {
        file: "seed002/s08_intent_push.json",
        decode: |b| {
            let push: IntentPush = serde_json::from_slice(b).map_err(|e| e.to_string())?;
            Ok(push.degrees.skipped)
        },
        required: &["task_id", "call_sn", "degrees.*.num", "degrees.*.degree_name", "degrees.*.recall_flag"],
        rows: &["degrees"],
    },
    Case {
        file: "seed002/s08_ack.json",
        decode: |b| answer::<PlatformAnswer<()>>(200, b).map(nothing),
        required: &[],
        rows: &[],
    },
    Case {
        file: "seed002/s09_caller_request.json",
        decode: request::<CallerLookupRequest>,
        required: &["caller"],
        rows: &[],
    },
    Case {
        file: "seed002/s09_caller_answer.json",
        decode: |b| answer::<CallerLookupAnswer>(200, b).map(nothing),
        required: &["code"],
        rows: &[],
    },
    Case {
        file: "seed002/s10_addtask_request.json",
        decode: request::<AddTaskRequest>,
        required: &["app_id", "task_name", "bot_id", "voice", "disnumber"],
        rows: &[],
    },
    Case {
        file: "seed002/s10_addtask_answer.json",
        decode: |b| answer::<PlatformAnswer<AddTaskResult>>(200, b).map(nothing),
        required: &["result", "result.task_id"],
        rows: &[],
    },
    Case {
        file: "seed002/s11_tasklist_request.json",
        decode: request::<TaskListRequest>,
        required: &["app_id"],
        rows: &[],
    },
    Case {
        file: "seed002/s11_tasklist_answer.json",
        decode: |b| answer::<PlatformPage<Task>>(200, b).map(|p| p.skipped),
        required: &[],
        rows: &["result"],
    },
    Case {
        file: "seed002/s12_syncprompt_request.json",
        decode: request::<SyncPromptRequest>,
        required: &["app_id"],
        rows: &[],
    },
    Case {
        file: "seed002/s12_syncprompt_answer.json",
        decode: |b| answer::<PlatformAnswer<Rows<BotSummary>>>(200, b).map(rows),
        required: &["result.*.bot_id"],
        rows: &["result"],
    },
    Case {
        file: "seed002/s13_followed_request.json",
        decode: request::<FollowedDataRequest>,
        required: &["session_id"],
        rows: &[],
    },
    Case {
        file: "seed002/s13_followed_answer.json",
        decode: |b| answer::<PlatformAnswer<Rows<FollowedDialog>>>(200, b).map(rows),
        required: &["result.*.dialog_type"],
        rows: &["result"],
    },
    Case {
        file: "seed002/s14_start_request.json",
        decode: request::<StartRequest>,
        required: &["sid", "channel"],
        rows: &[],
    },
    Case {
        file: "seed002/s14_start_answer.json",
        decode: |b| answer::<PlatformAnswer<BotTurn>>(200, b).map(nothing),
        required: &["result", "result.cmd"],
        rows: &[],
    },
    Case {
        file: "seed002/s15_trigger_request.json",
        decode: request::<TriggerRequest>,
        required: &["sid", "cmd"],
        rows: &[],
    },
    Case {
        file: "seed002/s15_trigger_answer.json",
        decode: |b| answer::<PlatformAnswer<BotTurn>>(200, b).map(nothing),
        required: &["result", "result.cmd"],
        rows: &[],
    },
    Case {
        file: "seed002/s16_stop_request.json",
        decode: request::<StopRequest>,
        required: &["sid"],
        rows: &[],
    },
    Case {
        file: "seed002/s16_stop_answer.json",
        decode: |b| answer::<PlatformAnswer<()>>(200, b).map(nothing),
        required: &[],
        rows: &[],
    },
    Case {
        file: "seed002/s17_error_success.json",
        decode: |b| answer::<PlatformAnswer<()>>(200, b).map(nothing),
        required: &[],
        rows: &[],
    },
    Case { file: "seed002/s17_error_unknown.json", decode: failure, required: &[], rows: &[] },
    // ---- seed 000 ----
    Case {
        file: "seed000/call_v2_request.json",
        decode: request::<CallRequest>,
        required: &["caseId", "mediationId", "callAuto", "callPersonId"],
        rows: &[],
    },
    Case {
        file: "seed000/call_v2_answer.json",
        decode: |b| answer::<OutboundAnswer<Rows<PlacedCall>>>(201, b).map(rows),
        required: &["data.*.errorCode"],
        rows: &["data"],
    },
    Case {
        file: "seed000/conversation_log_answer.json",
        decode: |b| {
            let logs = answer::<OutboundAnswer<Rows<ConversationLog>>>(200, b)?;
            let mut skipped = logs.skipped.clone();
            skipped.extend(logs.iter().flat_map(|l| l.conversations.skipped.clone()));
            Ok(skipped)
        },
        required: &[
            "data.*.callStatus",
            "data.*.conversations.*.timestamp",
            "data.*.conversations.*.speaker",
            "data.*.conversations.*.action",
        ],
        rows: &["data", "data.*.conversations"],
    },
    Case {
        file: "seed000/status_answer.json",
        decode: |b| answer::<OutboundAnswer<JobStatus>>(200, b).map(nothing),
        required: &["data", "data.callStatus"],
        rows: &[],
    },
    // ---- seed 001 ----
    Case {
        file: "seed001/general_envelope.json",
        decode: |b| answer::<CallCenterAnswer<Value>>(200, b).map(nothing),
        required: &[],
        rows: &[],
    },
    Case {
        file: "seed001/paged_envelope.json",
        decode: |b| answer::<CallCenterPage<CallRecord>>(200, b).map(|p| p.skipped),
        required: &[],
        rows: &["rows"],
    },
    Case {
        file: "seed001/records_list_request.json",
        decode: request::<RecordsQuery>,
        required: &["callType"],
        rows: &[],
    },
    Case {
        file: "seed001/records_list_answer.json",
        decode: |b| {
            let page = answer::<CallCenterPage<CallRecord>>(200, b)?;
            let mut skipped = page.skipped.clone();
            skipped.extend(page.rows.iter().flat_map(|r| r.dialogue.skipped.clone()));
            Ok(skipped)
        },
        required: &["rows.*.uuid", "rows.*.dialogue.*.role"],
        rows: &["rows", "rows.*.dialogue"],
    },
    Case {
        file: "seed001/calltask_list_request.json",
        decode: request::<CallTaskQuery>,
        required: &["pageNum", "pageSize"],
        rows: &[],
    },
    Case {
        file: "seed001/calltask_list_answer.json",
        decode: |b| answer::<CallCenterPage<CallTask>>(200, b).map(|p| p.skipped),
        required: &["rows.*.batchId"],
        rows: &["rows"],
    },
    Case {
        file: "seed001/create_tasks_request.json",
        decode: request::<Vec<Ticket>>,
        required: &["*.ticketNo", "*.phone", "*.username", "*.ticketType", "*.ticketContent"],
        rows: &[],
    },
    Case {
        file: "seed001/create_tasks_answer.json",
        decode: |b| answer::<CallCenterAnswer<Rows<CreatedTask>>>(200, b).map(rows),
        required: &["data.*.batchId", "data.*.ticketNo"],
        rows: &["data"],
    },
    Case {
        file: "seed001/stop_tasks_request.json",
        decode: request::<StopTasksRequest>,
        required: &["batchIds"],
        rows: &[],
    },
    Case {
        file: "seed001/stop_tasks_answer.json",
        decode: |b| answer::<CallCenterAnswer<()>>(200, b).map(nothing),
        required: &[],
        rows: &[],
    },
];

/// The list of records a required field sits in, and the row's position in it.
fn row_of(case: &Case, path: &[Step]) -> Option<usize> {
    // The innermost list wins: a line missing its `role` skips the line, not the whole record.
    let mut found = None;
    for list in case.rows {
        for (n, step) in path.iter().enumerate() {
            if let Step::Index(i) = step {
                if pattern(&path[..n]) == *list && n + 1 < path.len() {
                    found = Some((list.len(), *i));
                }
            }
        }
    }
    found.map(|(_, i)| i)
}

fn read(file: &str) -> Value {
    let bytes = std::fs::read(Path::new(DIR).join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Runs every variant of one case; returns how many variants were checked.
fn check(case: &Case) -> usize {
    let original = read(case.file);
    let body = serde_json::to_vec(&original).expect("encodes");
    let skipped = (case.decode)(&body).unwrap_or_else(|e| panic!("{}: the example itself: {e}", case.file));
    assert!(skipped.is_empty(), "{}: the example itself skips {skipped:?}", case.file);

    let mut paths = Vec::new();
    key_paths(&original, &mut Vec::new(), &mut paths);
    let patterns: Vec<String> = paths.iter().map(|p| pattern(p)).collect();
    for required in case.required {
        assert!(patterns.iter().any(|p| p == required), "{}: no field {required} in the example", case.file);
    }
    let mut checked = 0;
    for path in &paths {
        let pat = pattern(path);
        let field = pat.rsplit('.').next().unwrap_or_default();
        for remove in [false, true] {
            let what = if remove { "removed" } else { "null" };
            let mut variant = original.clone();
            mutate(&mut variant, path, remove);
            let body = serde_json::to_vec(&variant).expect("encodes");
            let outcome = (case.decode)(&body);
            let at = format!("{}: {pat} {what}", case.file);
            if case.required.contains(&pat.as_str()) {
                match (row_of(case, path), outcome) {
                    (Some(index), Ok(skipped)) => {
                        assert_eq!(skipped.len(), 1, "{at}: expected one skipped row, got {skipped:?}");
                        assert_eq!(skipped[0].index, index, "{at}: wrong row reported");
                        if remove {
                            assert!(
                                skipped[0].reason.contains(field),
                                "{at}: reason {:?}",
                                skipped[0].reason
                            );
                        }
                    }
                    (Some(_), Err(e)) => panic!("{at}: one bad row failed the whole answer: {e}"),
                    (None, Ok(_)) => panic!("{at}: a required field was not required"),
                    (None, Err(e)) => {
                        if remove {
                            assert!(
                                e.contains(&format!("`{field}`")),
                                "{at}: the error does not name it: {e}"
                            );
                        }
                    }
                }
            } else {
                match outcome {
                    Ok(skipped) => assert!(skipped.is_empty(), "{at}: skipped {skipped:?}"),
                    Err(e) => panic!("{at}: an optional field failed the decode: {e}"),
                }
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_optional_field_may_be_null_or_absent_and_required_ones_are_named() {
    let mut variants = 0;
    for case in CASES {
        variants += check(case);
    }
    eprintln!("{variants} null/absent variants of {} examples checked", CASES.len());
    // Every example of the three documents, each with a few hundred fields between them.
    assert!(variants > 500, "only {variants} variants");
}

#[test]
fn every_fixture_on_disk_has_a_case() {
    let mut on_disk = Vec::new();
    for seed in ["seed000", "seed001", "seed002"] {
        for entry in std::fs::read_dir(Path::new(DIR).join(seed)).expect("fixture dir") {
            let name = entry.expect("entry").file_name().into_string().expect("utf-8 name");
            on_disk.push(format!("{seed}/{name}"));
        }
    }
    on_disk.sort();
    let mut cased: Vec<String> = CASES.iter().map(|c| c.file.to_owned()).collect();
    cased.sort();
    assert_eq!(on_disk, cased);
}

#[test]
fn one_bad_row_is_skipped_and_reported_not_fatal() {
    // Records/list: the second row has no uuid, the third's timeLen is text, the fourth is no
    // object at all. The page still arrives with the good row, and says what it left out.
    let body = br#"{"code":0,"msg":null,"total":4,"rows":[
        {"uuid":"2508162111590110001","telephone":"13800000000","calloutTime":"2025-08-16 21:11:59",
         "answeredTime":null,"callEndTime":"2025-08-16 21:12:30","hangupCause":null,"wavFileUrl":null,
         "dialogue":null,"extnum":null,"timeLen":null},
        {"telephone":"13800000001"},
        {"uuid":"2508162111590110003","timeLen":"long"},
        42]}"#;
    let page = decode::<CallCenterPage<CallRecord>>(200, body).expect("the page decodes");
    assert_eq!(page.total, 4);
    assert_eq!(page.rows.len(), 1);
    assert_eq!(page.rows[0].uuid, "2508162111590110001");
    assert!(!page.rows[0].answered(), "a null answer time is an unanswered call");
    assert_eq!(page.rows[0].answered_time, None);
    assert_eq!(page.rows[0].time_len, 0);
    let indexes: Vec<usize> = page.skipped.iter().map(|s| s.index).collect();
    assert_eq!(indexes, vec![1, 2, 3]);
    assert!(page.skipped[0].reason.contains("missing field `uuid`"), "{:?}", page.skipped[0]);
    assert!(page.skipped[1].reason.contains("long"), "{:?}", page.skipped[1]);

    // Seed 002's tasklist: `result` as a list with one row that is not a task.
    let body = br#"{"code":0,"msg":"success","num_per_page":10,"total_rows":2,"total_pages":1,
        "current_page":1,"result":[{"task_name":"ok"},"not a task"]}"#;
    let page = decode::<PlatformPage<Task>>(200, body).expect("the page decodes");
    assert_eq!((page.rows.len(), page.skipped.len(), page.skipped[0].index), (1, 1, 1));

    // A callback with a bad call keeps the other calls; a bad dialogue line keeps the call.
    let push: CallRecordPush = serde_json::from_str(
        r#"{"task_id":"1","call_sn":"2","calls":[{"call_id":"a","num":"1","state":775},{"num":"2"},
            {"call_id":"c","num":"3","state":1,"dialogs":[{"type":1,"dialog_text":"hi"},{"type":"bot"}]}]}"#,
    )
    .expect("the push decodes");
    assert_eq!(push.calls.len(), 2);
    assert_eq!(push.calls.skipped.len(), 1);
    assert_eq!(push.calls.skipped[0].index, 1);
    assert_eq!(push.calls[1].dialogs.len(), 1);
    assert_eq!(push.calls[1].dialogs.skipped[0].index, 1);

    // A page encodes its report: the JavaScript API shows it as `skipped`.
    let json = serde_json::to_value(decode::<PlatformPage<Task>>(200, body.as_slice()).expect("decodes"))
        .expect("encodes");
    assert_eq!(json["skipped"][0]["index"], 1);
}
