//! The hand-written request encoders (`json_text`, feature `value-decode`) against serde's: for
//! every request body the operators' console sends, with every optional field set and unset and
//! text that needs escaping, the same JSON text as `serde_json::to_string` (as
//! `snake_case_json` for the documents that name their fields in snake_case).
#![cfg(feature = "value-decode")]

use std::collections::BTreeMap;

use kefu_protocol::callcenter::{CallTaskQuery, RecordsQuery, StopTasksRequest, Ticket};
use kefu_protocol::coeus::{AddTaskRequest, FollowedDataRequest, SyncPromptRequest, TaskListRequest};
use kefu_protocol::outbound::CallRequest;
use kefu_protocol::results::{ContactEdit, RecordingLinkRequest, SimulatedInboundRequest};
use kefu_protocol::{CallMode, CallType, JsonList, Timestamp, ToJson, json_text, snake_case_json};
use serde::Serialize;

/// Texts that need escaping, or not.
const TEXTS: [&str; 6] =
    ["", "plain", "引号\"和\\反斜杠", "lines\n\r\ttab", "\u{1}\u{8}\u{c}\u{1f}\u{7f}", "😀/</script>"];

fn same<T: ToJson + Serialize>(value: &T) {
    assert_eq!(json_text(value), serde_json::to_string(value).expect("encodes"));
}

fn same_snake<T: ToJson + Serialize>(value: &T) {
    assert_eq!(json_text(value), snake_case_json(value).expect("encodes"));
}

#[test]
fn hand_written_encoders_write_what_serde_writes() {
    for (i, text) in TEXTS.iter().map(|t| t.to_string()).enumerate() {
        let some = i % 2 == 0;
        let opt = |v: String| some.then_some(v);
        let n = (i as u32).wrapping_mul(800_000_000);
        same(&CallRequest {
            case_id: text.clone(),
            mediation_id: "1234567890123456789".into(),
            call_auto: if some { CallMode::Auto } else { CallMode::Other(-7) },
            call_person_id: text.clone(),
        });
        same(&RecordsQuery {
            call_type: if some { CallType::AiOutbound } else { CallType::Other(text.clone()) },
            uuid: opt(text.clone()),
            page_num: some.then_some(n),
            page_size: some.then_some(20),
            telephone: opt(text.clone()),
            callout_time_start: opt(text.clone()).map(Timestamp),
            callout_time_end: opt("2024-01-01 00:00:00".into()).map(Timestamp),
            time_len_start: some.then_some(0),
            time_len_end: some.then_some(u32::MAX),
            extnum: opt(text.clone()),
        });
        same(&RecordsQuery::of(CallType::Inbound));
        same(&CallTaskQuery {
            page_num: n,
            page_size: 50,
            batch_id: some.then_some(-9_223_372_036_854_775_808),
            batch_name: opt(text.clone()),
            create_time_start: opt(text.clone()).map(Timestamp),
            create_time_end: None,
        });
        let ticket = Ticket {
            ticket_no: text.clone(),
            phone: "13800000000".into(),
            username: text.clone(),
            ticket_type: text.clone(),
            ticket_content: text.clone(),
        };
        same(&vec![ticket.clone(), ticket]);
        same(&Vec::<Ticket>::new());
        same(&StopTasksRequest { batch_ids: vec![1, -2, i64::MAX] });
        same(&StopTasksRequest { batch_ids: Vec::new() });
        same_snake(&AddTaskRequest {
            app_id: text.clone(),
            task_name: text.clone(),
            is_record: some.then_some(1),
            bot_id: "114660944623140864".into(),
            voice: text.clone(),
            disnumber: text.clone(),
            team_url: opt(text.clone()),
            forbid_policy: some.then(|| vec![text.clone(), "x".into()]),
            recall_policy: some.then(Vec::new),
            recall_interval: some.then_some(30),
            is_ring_asr: some.then_some(0),
            ring_asr_code: some.then(|| JsonList(vec![text.clone()])),
            makecall_timeout: some.then_some(60),
        });
        same_snake(&AddTaskRequest::default());
        same_snake(&TaskListRequest {
            app_id: text.clone(),
            task_name: opt(text.clone()),
            task_id: opt("1234567890123456789".into()),
            page_no: some.then_some(1),
            page_size: some.then_some(50),
        });
        same_snake(&SyncPromptRequest { app_id: text.clone() });
        same_snake(&FollowedDataRequest { session_id: text.clone() });
        let variables: BTreeMap<String, String> = if some {
            [(text.clone(), text.clone()), ("b".into(), "".into())].into_iter().collect()
        } else {
            BTreeMap::new()
        };
        same_snake(&ContactEdit { name: text.clone(), transfer: opt(text.clone()), variables });
        same(&RecordingLinkRequest::call(text.clone()));
        same(&RecordingLinkRequest::url(text.clone()));
        same(&RecordingLinkRequest::default());
        same(&SimulatedInboundRequest { caller: text.clone() });
    }
}

#[test]
fn every_control_character_is_escaped_as_serde_escapes_it() {
    let all: String = (0u32..0x80).filter_map(char::from_u32).collect();
    same(&SimulatedInboundRequest { caller: all });
}
