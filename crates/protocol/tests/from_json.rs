//! The hand-written decoders (`decode_json`, feature `value-decode`) against serde's
//! (`decode_value`): for every answer the operators' console reads, every fixture and sample
//! answer, and variants of each with every field (also inside JSON text in a string) removed,
//! `null`, of every other JSON type, a number sent as text and text sent as a number, both give
//! the same value, or both fail. Skipped rows must be the same rows (the reasons' wording may
//! differ).
#![cfg(feature = "value-decode")]

#[path = "support/json_paths.rs"]
#[allow(dead_code)] // its `mutate` is for `nulls.rs`
mod json_paths;

use std::fmt::Debug;
use std::path::Path;

use json_paths::{Step, key_paths, pattern, set};
use kefu_protocol::callcenter::{CallRecord, CallTask, CreatedTask};
use kefu_protocol::coeus::{AddTaskResult, BotSummary, FollowedDialog, OutnumResult, Task};
use kefu_protocol::outbound::{ConversationLog, JobStatus, PlacedCall};
use kefu_protocol::results::{
    CallDetail, CallPage, CallRow, CallTurn, CallbackEndpoint, ContactEntry, ContactImport, ContactPage,
    Deployment, GradeCount, RecordingLink, RejectedLine, SimulatedInbound, StateCount, TaskList, TaskSummary,
};
use kefu_protocol::{
    CallCenterAnswer, CallCenterPage, DialogType, HangupBy, JsonAnswer, OutboundAnswer, PlatformAnswer,
    PlatformPage, Rows, Timestamp, decode_json, decode_value,
};
use serde_json::{Value, json};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// A decoder's output in a comparable form: its `Debug` text with the skipped rows' reasons
/// left out.
fn comparable<T: Debug>(out: &T) -> String {
    let text = format!("{out:?}");
    let mut kept = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("reason: \"") {
        kept.push_str(&rest[..at + "reason: ".len()]);
        let quoted = &rest[at + "reason: \"".len()..];
        let mut end = 0;
        let mut escaped = false;
        for (i, c) in quoted.char_indices() {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        kept.push('_');
        rest = &quoted[end + 1..];
    }
    kept.push_str(rest);
    kept
}

/// Both decoders on one body: the same output, or both an error. Returns whether it decoded.
fn same<A: JsonAnswer>(status: u16, body: &[u8]) -> bool
where
    A::Output: Debug,
{
    let by_serde = decode_value::<A>(status, body);
    let by_hand = decode_json::<A>(status, body);
    let text = String::from_utf8_lossy(body);
    match (&by_serde, &by_hand) {
        (Ok(a), Ok(b)) => {
            assert_eq!(comparable(a), comparable(b), "{text}");
            true
        }
        (Err(a), Err(b)) => {
            // A refusal is the same refusal; any other failure may be worded differently.
            let refused = |e: &kefu_protocol::Error| matches!(e, kefu_protocol::Error::Platform(_));
            assert_eq!(refused(a), refused(b), "serde: {a}, by hand: {b}, body {text}");
            if refused(a) {
                assert_eq!(a.to_string(), b.to_string(), "{text}");
            }
            false
        }
        _ => panic!("serde gives {by_serde:?}, by hand {by_hand:?}, for {text}"),
    }
}

/// What a field is replaced with, besides removing it.
fn replacements(old: &Value) -> Vec<Value> {
    let mut out = vec![
        Value::Null,
        json!(true),
        json!(false),
        json!(0),
        json!(7),
        json!(-3),
        json!(1.5),
        json!(2.0),
        json!(-0.25),
        json!(1234567890123456789i64),
        json!(-1234567890123456789i64),
        json!(12345678901234567890u64),
        json!(4294967296u64),
        json!(256),
        json!(""),
        json!("  "),
        json!("x"),
        json!("7"),
        json!(" 42 "),
        json!("1234567890123456789"),
        json!("1.5"),
        json!("[]"),
        json!("{}"),
        json!([]),
        json!([1]),
        json!({}),
        json!({"a": "b"}),
    ];
    // A number as its text, and text as a number where it reads as one.
    match old {
        Value::Number(n) => out.push(Value::String(n.to_string())),
        Value::String(s) => {
            if let Ok(n) = serde_json::from_str::<serde_json::Number>(s.trim()) {
                out.push(Value::Number(n));
            }
        }
        Value::Object(_) => out.push(Value::Array(vec![old.clone()])),
        Value::Array(items) => {
            out.push(Value::String(old.to_string()));
            if let Some(first) = items.first() {
                out.push(first.clone());
            }
        }
        _ => {}
    }
    out
}

/// The value at `path`.
fn get(value: &Value, path: &[Step]) -> Value {
    match (path, value) {
        ([], v) => v.clone(),
        ([Step::Key(k), rest @ ..], Value::Object(map)) => get(&map[k], rest),
        ([Step::Index(i), rest @ ..], Value::Array(items)) => get(&items[*i], rest),
        ([Step::Embedded, rest @ ..], Value::String(s)) => {
            get(&serde_json::from_str(s).expect("embedded JSON"), rest)
        }
        (path, v) => panic!("path {path:?} does not fit {v}"),
    }
}

/// Every variant of `original` (each field removed or replaced) through both decoders;
/// returns how many variants decoded and how many failed.
fn variants<A: JsonAnswer>(name: &str, status: u16, original: &Value) -> (usize, usize)
where
    A::Output: Debug,
{
    let body = serde_json::to_vec(original).expect("encodes");
    let decodes = same::<A>(status, &body);
    // The one sample that is a refusal (seed 002's failure example) is compared all the same.
    assert!(decodes || name == "failure", "{name}: the sample itself does not decode");
    let mut paths = Vec::new();
    key_paths(original, &mut Vec::new(), &mut paths);
    let (mut ok, mut failed) = (0, 0);
    let mut count = |decoded: bool| if decoded { ok += 1 } else { failed += 1 };
    for whole in [json!(null), json!([]), json!("x"), json!(1), json!({})] {
        count(same::<A>(status, whole.to_string().as_bytes()));
    }
    count(same::<A>(status, b"{\"code\": 0,"));
    count(same::<A>(500, &body));
    count(same::<A>(404, b"not json"));
    for path in &paths {
        let old = get(original, path);
        let mut news: Vec<Option<Value>> = vec![None];
        news.extend(replacements(&old).into_iter().map(Some));
        for new in news {
            let mut variant = original.clone();
            set(&mut variant, path, new.as_ref());
            let body = serde_json::to_vec(&variant).expect("encodes");
            let decoded = std::panic::catch_unwind(|| same::<A>(status, &body))
                .unwrap_or_else(|_| panic!("{name}: {} set to {new:?}", pattern(path)));
            count(decoded);
        }
    }
    (ok, failed)
}

fn fixture(file: &str) -> Value {
    let bytes = std::fs::read(Path::new(DIR).join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// A sample of each answer the result routes send (kefu-callbacks' and kefu-operator's).
fn results_samples() -> (Value, Value, Value, Value, Value, Value, Value) {
    let row = CallRow {
        call_id: "c1".into(),
        task_id: "1234567890123456789".into(),
        call_sn: "s".into(),
        num: "13800000000".into(),
        state: 775,
        state_label: "无人接听".into(),
        answered: true,
        start_time: Some(Timestamp::new("2024-01-01 00:00:00")),
        answered_time: Some(Timestamp::new("2024-01-01 00:00:03")),
        end_time: Some(Timestamp::new("2024-01-01 00:01:00")),
        duration: Some(57),
        hangup_by: Some(HangupBy::User),
        round: Some(3),
        grade: Some("A类".into()),
        recording: Some("/coeus/82001/x.mp3".into()),
    };
    let tasks = TaskList {
        tasks: vec![TaskSummary {
            task_id: "t1".into(),
            task_name: "回访".into(),
            label: "shop".into(),
            first_seen_ms: 1_700_000_000_000,
            calls: 2,
            states: vec![StateCount { state: 775, label: "无人接听".into(), count: 1 }],
            grades: vec![GradeCount { grade: "A类".into(), count: 1 }],
        }],
    };
    let page = CallPage { total: 1, rows: vec![row.clone()] };
    let detail = CallDetail {
        call: row,
        task_name: "回访".into(),
        call_sn_name: Some("批次".into()),
        bot_id: "b1".into(),
        bot_name: "bot".into(),
        label: "shop".into(),
        turns: vec![CallTurn {
            dialog_type: Some(DialogType::User),
            text: "好的".into(),
            msg_time: Timestamp::new("2024-01-01 00:00:10"),
            intention_name: "肯定".into(),
        }],
    };
    let contact = ContactEntry {
        phone: "+8613800000000".into(),
        name: "张三".into(),
        transfer: Some("1001".into()),
        variables: [("city".to_owned(), "上海".to_owned())].into_iter().collect(),
    };
    let contacts = ContactPage { total: 1, rows: vec![contact.clone()] };
    let import =
        ContactImport { imported: 3, rejected: vec![RejectedLine { line: 2, reason: "no phone".into() }] };
    let deployment = Deployment {
        public_url: "https://k.example".into(),
        callbacks: vec![CallbackEndpoint {
            label: "shop".into(),
            team_url: "https://k.example/callbacks/t".into(),
            inbound_url: "https://k.example/callbacks/t/inbound".into(),
        }],
        results: true,
        outbound: false,
        callcenter: true,
        sandbox: true,
        recording_link_secs: 300,
    };
    let v = |x: &dyn erased::Ser| x.value();
    (v(&tasks), v(&page), v(&detail), v(&contact), v(&contacts), v(&import), v(&deployment))
}

/// `serde_json::to_value` behind a trait object, for the samples' tuple.
mod erased {
    pub(crate) trait Ser {
        fn value(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Ser for T {
        fn value(&self) -> serde_json::Value {
            serde_json::to_value(self).expect("encodes")
        }
    }
}

#[test]
fn hand_written_decoders_agree_with_serde_on_every_variant() {
    let mut total = (0, 0);
    let mut add = |(ok, failed): (usize, usize)| {
        total.0 += ok;
        total.1 += failed;
    };
    add(variants::<PlatformAnswer<OutnumResult>>("outnum", 200, &fixture("seed002/s06_outnum_answer.json")));
    add(variants::<PlatformAnswer<AddTaskResult>>(
        "addtask",
        200,
        &fixture("seed002/s10_addtask_answer.json"),
    ));
    add(variants::<PlatformPage<Task>>("tasklist", 200, &fixture("seed002/s11_tasklist_answer.json")));
    add(variants::<PlatformAnswer<Rows<BotSummary>>>(
        "syncprompt",
        200,
        &fixture("seed002/s12_syncprompt_answer.json"),
    ));
    add(variants::<PlatformAnswer<Rows<FollowedDialog>>>(
        "followed",
        200,
        &fixture("seed002/s13_followed_answer.json"),
    ));
    for file in ["seed002/s05_success.json", "seed002/s16_stop_answer.json", "seed002/s17_error_success.json"]
    {
        add(variants::<PlatformAnswer<()>>(file, 200, &fixture(file)));
    }
    add(variants::<PlatformAnswer<Value>>("failure", 200, &fixture("seed002/s05_failure.json")));
    add(variants::<OutboundAnswer<Rows<PlacedCall>>>(
        "call-v2",
        201,
        &fixture("seed000/call_v2_answer.json"),
    ));
    add(variants::<OutboundAnswer<Rows<ConversationLog>>>(
        "conversation-log",
        200,
        &fixture("seed000/conversation_log_answer.json"),
    ));
    add(variants::<OutboundAnswer<JobStatus>>("status", 200, &fixture("seed000/status_answer.json")));
    add(variants::<CallCenterAnswer<Value>>("general", 200, &fixture("seed001/general_envelope.json")));
    add(variants::<CallCenterPage<CallRecord>>("paged", 200, &fixture("seed001/paged_envelope.json")));
    add(variants::<CallCenterPage<CallRecord>>("records", 200, &fixture("seed001/records_list_answer.json")));
    add(variants::<CallCenterPage<CallTask>>(
        "calltasks",
        200,
        &fixture("seed001/calltask_list_answer.json"),
    ));
    add(variants::<CallCenterAnswer<Rows<CreatedTask>>>(
        "create-tasks",
        200,
        &fixture("seed001/create_tasks_answer.json"),
    ));
    add(variants::<CallCenterAnswer<()>>("stop-tasks", 200, &fixture("seed001/stop_tasks_answer.json")));
    let (tasks, page, detail, contact, contacts, import, deployment) = results_samples();
    add(variants::<TaskList>("tasks", 200, &tasks));
    add(variants::<CallPage>("calls", 200, &page));
    add(variants::<CallDetail>("call", 200, &detail));
    add(variants::<ContactEntry>("contact", 200, &contact));
    add(variants::<ContactPage>("contacts", 200, &contacts));
    add(variants::<ContactImport>("import", 200, &import));
    add(variants::<Deployment>("deployment", 200, &deployment));
    add(variants::<RecordingLink>(
        "recording-link",
        200,
        &json!({"url": "/kefu/v1/recordings/abc", "expires_at": 1_700_000_300_000i64, "expires_in": 300}),
    ));
    add(variants::<PlatformAnswer<SimulatedInbound>>(
        "simulated-inbound",
        200,
        &json!({"code": 0, "msg": "success", "result": {"caller": "1", "action": "transfer", "prompt": "hi", "transfer": "1001"}}),
    ));
    // Both outcomes occur, many times: the variants test acceptance and refusal alike.
    assert!(total.0 > 1000 && total.1 > 1000, "decoded {}, failed {}", total.0, total.1);
}

#[test]
fn ids_keep_every_digit() {
    let body = br#"{"code": 0, "result": {"call_sn": 1234567890123456789, "call_count": 1}}"#;
    let out = decode_json::<PlatformAnswer<OutnumResult>>(200, body).expect("decodes");
    assert_eq!(out.call_sn, "1234567890123456789");
    let body = br#"{"code": 200, "total": 1, "rows": [{"uuid": 12345678901234567890, "telephone": 18446744073709551615}]}"#;
    let page = decode_json::<CallCenterPage<CallRecord>>(200, body).expect("decodes");
    assert_eq!(
        (page.rows[0].uuid.as_str(), page.rows[0].telephone.as_str()),
        ("12345678901234567890", "18446744073709551615")
    );
    let refused = decode_json::<PlatformAnswer<OutnumResult>>(
        200,
        br#"{"result": {"call_sn": 1.0e18, "call_count": 1}}"#,
    );
    assert!(refused.is_err(), "{refused:?}");
}
