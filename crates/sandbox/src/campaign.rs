//! The calling of an uploaded batch whose task has a `team_url`: its numbers are dialled one
//! after another (`--dial-interval-ms` apart), each finished call is pushed as §7 to the
//! `team_url`, and when the whole batch has been called each number's §8 grade follows.

use std::sync::Arc;
use std::time::Duration;

use kefu_protocol::RecallFlag;
use kefu_protocol::callbacks::{CallRecordPush, Degree, IntentPush, PushedCall, PushedDialog};
use kefu_protocol::{DialogType, Timestamp};
use serde_json::Value;

use crate::coeus::store::{Batch, session_id};
use crate::pushes::PushLabel;
use crate::simcall::{SimCall, rfc3339};
use crate::state::{AppState, lock};

/// How many numbers one §8 push grades at most.
const DEGREES_PER_PUSH: usize = 1_000;

/// The relative `record_url` of a call's recording (§7 sends a path relative to the platform's
/// recording host; the sandbox serves it, a sandbox extension, at this path).
pub(crate) fn record_path(call_id: &str) -> String {
    format!("/sandbox/recordings/{call_id}.wav")
}

/// Starts calling batch `index` in the background, if its task has a `team_url`.
pub(crate) fn start(state: &AppState, index: usize) {
    let batch = match lock(&state.coeus).batch(index) {
        Some(b) if b.team_url.as_deref().is_some_and(|u| !u.trim().is_empty()) => b.clone(),
        _ => return,
    };
    let state = Arc::clone(state);
    tokio::spawn(async move { run(&state, index, &batch).await });
}

async fn run(state: &AppState, index: usize, batch: &Batch) {
    let Some(url) = batch.team_url.clone() else { return };
    let Some(bot) = state.config.bots.get(batch.bot) else { return };
    let interval = u64::try_from(batch.dial_interval_ms).unwrap_or(0);
    let mut degrees = Vec::with_capacity(batch.numbers.len());
    for (i, num) in batch.numbers.iter().enumerate() {
        if interval > 0 {
            tokio::time::sleep(Duration::from_millis(interval)).await;
        }
        let call_id = session_id(index, i);
        let Some(call) = batch.call(bot, i) else { continue };
        let push = CallRecordPush {
            task_id: batch.task_id.clone(),
            task_name: batch.task_name.clone(),
            call_sn: batch.call_sn.clone(),
            call_sn_name: batch.call_sn_name.clone(),
            bot_id: bot.id().to_owned(),
            bot_name: bot.name().to_owned(),
            calls: vec![pushed_call(&call_id, num, &call, batch.record)].into(),
        };
        let label = PushLabel {
            task_id: batch.task_id.clone(),
            call_sn: batch.call_sn.clone(),
            kind: "call_record",
            key: call_id,
        };
        state.pusher.push(url.clone(), call_record_body(&push), label);
        degrees.push(Degree {
            num: num.clone(),
            degree_name: call.grade.to_owned(),
            recall_flag: RecallFlag::First,
        });
    }
    tracing::info!(task_id = %batch.task_id, call_sn = %batch.call_sn, calls = degrees.len(), "batch called");
    for group in degrees.chunks(DEGREES_PER_PUSH) {
        let push = IntentPush {
            task_id: batch.task_id.clone(),
            task_name: batch.task_name.clone(),
            call_sn: batch.call_sn.clone(),
            call_sn_name: batch.call_sn_name.clone(),
            degrees: group.to_vec().into(),
        };
        let label = PushLabel {
            task_id: batch.task_id.clone(),
            call_sn: batch.call_sn.clone(),
            kind: "intent",
            key: group.first().map(|d| d.num.clone()).unwrap_or_default(),
        };
        let body = serde_json::to_vec(&push).unwrap_or_default();
        state.pusher.push(url.clone(), body, label);
    }
}

/// A call as §7 pushes it.
fn pushed_call(call_id: &str, num: &str, call: &SimCall, record: bool) -> PushedCall {
    let answered = call.answered();
    PushedCall {
        call_id: call_id.to_owned(),
        num: num.to_owned(),
        state: call.state,
        state_desc: call.state.label().map(str::to_owned),
        start_time: Some(Timestamp(rfc3339(call.start_ms))),
        answered_time: call.answered_ms.map(|ms| Timestamp(rfc3339(ms))),
        end_time: Some(Timestamp(rfc3339(call.end_ms))),
        duration: Some(call.duration_secs()),
        record_url: (answered && record).then(|| record_path(call_id)),
        round: Some(call.round()),
        hangup_by: call.hangup_by,
        sms_state: Some(call.sms),
        dialogs: call
            .dialog
            .iter()
            .map(|t| PushedDialog {
                dialog_type: Some(t.kind),
                dialog_text: t.text.clone(),
                msg_time: Timestamp(rfc3339(t.at_ms)),
                intention_name: if t.kind == DialogType::User { t.intent.clone() } else { String::new() },
            })
            .collect(),
    }
}

/// The §7 body. The field table names a dialog line's kind `type`, the document's example sends
/// `dialog_type`; the sandbox sends what the example sends, so each line's `type` (as the
/// protocol type serializes it) is renamed `dialog_type`.
fn call_record_body(push: &CallRecordPush) -> Vec<u8> {
    let mut value = serde_json::to_value(push).unwrap_or(Value::Null);
    if let Some(calls) = value.get_mut("calls").and_then(Value::as_array_mut) {
        for call in calls {
            if let Some(dialogs) = call.get_mut("dialogs").and_then(Value::as_array_mut) {
                for line in dialogs.iter_mut().filter_map(Value::as_object_mut) {
                    if let Some(kind) = line.remove("type") {
                        line.insert("dialog_type".into(), kind);
                    }
                }
            }
        }
    }
    serde_json::to_vec(&value).unwrap_or_default()
}
