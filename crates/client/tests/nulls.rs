//! Null and absence through the browser paths: every field of the documents' answer examples set
//! to `null` and, separately, removed. Chat answers go through the browser-JSON codec
//! (`browser_json::decode_turn`, what `ChatSession` uses); every other answer through the decode
//! the JavaScript query methods use (`kefu_protocol::decode` with the same answer types, then the
//! same `serde_wasm_bindgen` conversion to a JavaScript value). Optional fields must decode with
//! no row skipped; required ones (each marked required by its document) must fail, or skip just
//! their row in a list of records. Runs in Chromium:
//! `wasm-pack test --headless --chrome crates/client --test nulls`.
#![cfg(target_arch = "wasm32")]

#[path = "../../protocol/tests/support/json_paths.rs"]
mod json_paths;

use json_paths::{Step, key_paths, mutate, pattern};
use kefu_client::browser_json::decode_turn;
use kefu_protocol::callcenter::{CallRecord, CallTask, CreatedTask};
use kefu_protocol::coeus::{AddTaskResult, BotSummary, FollowedDialog, OutnumResult, Task};
use kefu_protocol::outbound::{ConversationLog, JobStatus, PlacedCall};
use kefu_protocol::{
    Answer, CallCenterAnswer, CallCenterPage, OutboundAnswer, PlatformAnswer, PlatformPage, Rows, SkippedRow,
    decode,
};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Decodes a body: `Ok(rows skipped anywhere)` or the error's text.
type Decoder = fn(&[u8]) -> Result<Vec<SkippedRow>, String>;

macro_rules! fixture {
    ($path:literal) => {
        ($path, include_str!(concat!("../../protocol/tests/fixtures/", $path)))
    };
}

/// The JavaScript query path: decode, then convert to a JavaScript value as `to_js` does.
fn js_path<A: Answer>(status: u16, body: &[u8]) -> Result<A::Output, String>
where
    A::Output: Serialize,
{
    let out = decode::<A>(status, body).map_err(|e| e.to_string())?;
    out.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| e.to_string())?;
    Ok(out)
}

fn none<T>(_: T) -> Vec<SkippedRow> {
    Vec::new()
}

fn rows<T>(rows: Rows<T>) -> Vec<SkippedRow> {
    rows.skipped
}

/// (fixture, decoder, required fields, lists of records).
type Case = ((&'static str, &'static str), Decoder, &'static [&'static str], &'static [&'static str]);

fn cases() -> Vec<Case> {
    vec![
        (
            fixture!("seed002/s14_start_answer.json"),
            |b| decode_turn(200, b).map(none).map_err(|e| format!("{e:?}")),
            &["result", "result.cmd"],
            &[],
        ),
        (
            fixture!("seed002/s15_trigger_answer.json"),
            |b| decode_turn(200, b).map(none).map_err(|e| format!("{e:?}")),
            &["result", "result.cmd"],
            &[],
        ),
        (
            fixture!("seed002/s16_stop_answer.json"),
            |b| js_path::<PlatformAnswer<()>>(200, b).map(none),
            &[],
            &[],
        ),
        (
            fixture!("seed002/s06_outnum_answer.json"),
            |b| js_path::<PlatformAnswer<OutnumResult>>(200, b).map(none),
            &["result", "result.call_sn", "result.call_count"],
            &[],
        ),
        (
            fixture!("seed002/s10_addtask_answer.json"),
            |b| js_path::<PlatformAnswer<AddTaskResult>>(200, b).map(none),
            &["result", "result.task_id"],
            &[],
        ),
        (
            fixture!("seed002/s11_tasklist_answer.json"),
            |b| js_path::<PlatformPage<Task>>(200, b).map(|p| p.skipped),
            &[],
            &["result"],
        ),
        (
            fixture!("seed002/s12_syncprompt_answer.json"),
            |b| js_path::<PlatformAnswer<Rows<BotSummary>>>(200, b).map(rows),
            &["result.*.bot_id"],
            &["result"],
        ),
        (
            fixture!("seed002/s13_followed_answer.json"),
            |b| js_path::<PlatformAnswer<Rows<FollowedDialog>>>(200, b).map(rows),
            &["result.*.dialog_type"],
            &["result"],
        ),
        (
            fixture!("seed000/call_v2_answer.json"),
            |b| js_path::<OutboundAnswer<Rows<PlacedCall>>>(201, b).map(rows),
            &["data.*.errorCode"],
            &["data"],
        ),
        (
            fixture!("seed000/conversation_log_answer.json"),
            |b| {
                let logs = js_path::<OutboundAnswer<Rows<ConversationLog>>>(200, b)?;
                let mut skipped = logs.skipped.clone();
                skipped.extend(logs.iter().flat_map(|l| l.conversations.skipped.clone()));
                Ok(skipped)
            },
            &[
                "data.*.callStatus",
                "data.*.conversations.*.timestamp",
                "data.*.conversations.*.speaker",
                "data.*.conversations.*.action",
            ],
            &["data", "data.*.conversations"],
        ),
        (
            fixture!("seed000/status_answer.json"),
            |b| js_path::<OutboundAnswer<JobStatus>>(200, b).map(none),
            &["data", "data.callStatus"],
            &[],
        ),
        (
            fixture!("seed001/records_list_answer.json"),
            |b| {
                let page = js_path::<CallCenterPage<CallRecord>>(200, b)?;
                let mut skipped = page.skipped.clone();
                skipped.extend(page.rows.iter().flat_map(|r| r.dialogue.skipped.clone()));
                Ok(skipped)
            },
            &["rows.*.uuid", "rows.*.dialogue.*.role"],
            &["rows", "rows.*.dialogue"],
        ),
        (
            fixture!("seed001/calltask_list_answer.json"),
            |b| js_path::<CallCenterPage<CallTask>>(200, b).map(|p| p.skipped),
            &["rows.*.batchId"],
            &["rows"],
        ),
        (
            fixture!("seed001/create_tasks_answer.json"),
            |b| js_path::<CallCenterAnswer<Rows<CreatedTask>>>(200, b).map(rows),
            &["data.*.batchId", "data.*.ticketNo"],
            &["data"],
        ),
        (
            fixture!("seed001/stop_tasks_answer.json"),
            |b| js_path::<CallCenterAnswer<()>>(200, b).map(none),
            &[],
            &[],
        ),
    ]
}

/// Whether the field at `path` sits inside a row of one of `lists`.
fn in_row(lists: &[&str], path: &[Step]) -> bool {
    path.iter().enumerate().any(|(n, step)| {
        matches!(step, Step::Index(_)) && n + 1 < path.len() && lists.contains(&pattern(&path[..n]).as_str())
    })
}

#[wasm_bindgen_test]
fn every_optional_field_may_be_null_or_absent_in_the_browser() {
    let mut checked = 0;
    for ((file, text), decoder, required, lists) in cases() {
        let original: Value = serde_json::from_str(text).expect("fixture is JSON");
        let skipped = decoder(text.as_bytes()).unwrap_or_else(|e| panic!("{file}: the example itself: {e}"));
        assert!(skipped.is_empty(), "{file}: the example itself skips {skipped:?}");
        let mut paths = Vec::new();
        key_paths(&original, &mut Vec::new(), &mut paths);
        for path in &paths {
            let pat = pattern(path);
            for remove in [false, true] {
                let mut variant = original.clone();
                mutate(&mut variant, path, remove);
                let body = serde_json::to_vec(&variant).expect("encodes");
                let at = format!("{file}: {pat} {}", if remove { "removed" } else { "null" });
                match (required.contains(&pat.as_str()), decoder(&body)) {
                    (false, Ok(skipped)) => assert!(skipped.is_empty(), "{at}: skipped {skipped:?}"),
                    (false, Err(e)) => panic!("{at}: an optional field failed the decode: {e}"),
                    (true, Ok(skipped)) => {
                        assert!(in_row(lists, path), "{at}: a required field was not required");
                        assert_eq!(skipped.len(), 1, "{at}: expected one skipped row, got {skipped:?}");
                    }
                    (true, Err(e)) => {
                        assert!(!in_row(lists, path), "{at}: one bad row failed the answer: {e}")
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "only {checked} variants");
}
