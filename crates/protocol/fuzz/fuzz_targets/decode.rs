//! Every public decoder of kefu-protocol on arbitrary bytes: any panic is a finding.
//! `cargo +nightly fuzz run decode` (from `crates/protocol`), seeded with the fixtures:
//! `cargo +nightly fuzz run decode fuzz/corpus/decode ../tests/fixtures/seed00*`.
#![no_main]

use kefu_protocol::callbacks::{CallRecordPush, CallerLookupAnswer, CallerLookupRequest, IntentPush};
use kefu_protocol::callcenter::{CallRecord, CallTask, CreatedTask, Ticket, recording_segments};
use kefu_protocol::chat::{BotTurn, StartRequest, TriggerRequest};
use kefu_protocol::coeus::{AddTaskRequest, AddTaskResult, BotSummary, FollowedDialog, OutnumResult, Task};
use kefu_protocol::outbound::{ConversationLog, JobStatus, PlacedCall};
use kefu_protocol::{
    CallCenterAnswer, CallCenterPage, DateTime, OutboundAnswer, PlatformAnswer, PlatformPage, Rows, Sid,
    VarMap, decode, ssml_to_text,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the HTTP status, the rest is the body.
    let (status, body) = match data.split_first() {
        Some((s, rest)) => ([200u16, 201, 500, 404][usize::from(*s) % 4], rest),
        None => (200, data),
    };
    let _ = decode::<PlatformAnswer<()>>(status, body);
    let _ = decode::<PlatformAnswer<BotTurn>>(status, body);
    let _ = decode::<PlatformAnswer<OutnumResult>>(status, body);
    let _ = decode::<PlatformAnswer<AddTaskResult>>(status, body);
    let _ = decode::<PlatformPage<Task>>(status, body);
    let _ = decode::<PlatformAnswer<Rows<BotSummary>>>(status, body);
    let _ = decode::<PlatformAnswer<Rows<FollowedDialog>>>(status, body);
    let _ = decode::<CallerLookupAnswer>(status, body);
    let _ = decode::<OutboundAnswer<Rows<PlacedCall>>>(status, body);
    let _ = decode::<OutboundAnswer<Rows<ConversationLog>>>(status, body);
    let _ = decode::<OutboundAnswer<JobStatus>>(status, body);
    let _ = decode::<CallCenterPage<CallRecord>>(status, body);
    let _ = decode::<CallCenterPage<CallTask>>(status, body);
    let _ = decode::<CallCenterAnswer<Rows<CreatedTask>>>(status, body);
    let _ = serde_json::from_slice::<StartRequest>(body);
    let _ = serde_json::from_slice::<TriggerRequest>(body);
    let _ = serde_json::from_slice::<AddTaskRequest>(body);
    let _ = serde_json::from_slice::<Vec<Ticket>>(body);
    let _ = serde_json::from_slice::<CallRecordPush>(body);
    let _ = serde_json::from_slice::<IntentPush>(body);
    let _ = serde_json::from_slice::<CallerLookupRequest>(body);
    let _ = serde_json::from_slice::<VarMap>(body);
    let text = String::from_utf8_lossy(body);
    let _ = ssml_to_text(&text);
    let _ = Sid::parse(&text);
    let _ = recording_segments(&text);
    if let Some(t) = DateTime::parse(&text) {
        let _ = (t.to_plain(), t.to_rfc3339(), t.unix_seconds());
    }
});
