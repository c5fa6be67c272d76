//! The call-center (seed 001): call records (seeded with the document's examples), AI call
//! tasks that complete over time and leave a record, and generated recordings.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kefu_protocol::callcenter::{
    CallRecord, CallTask, CallTaskQuery, CreatedTask, DialogueLine, RecordsQuery, StopTasksRequest, Ticket,
    recording_segments,
};
use kefu_protocol::{
    CallCenterAnswer, CallCenterPage, CallType, Code, DateTime, PLATFORM_OFFSET_MINUTES, Timestamp,
};
use serde::Deserialize;

use crate::error::{CallCenterFailure, SandboxError, parse_json};
use crate::ids::stable_hash;
use crate::numbers::is_phone;
use crate::state::{AppState, Shared, lock};

pub(crate) mod store;
use crate::{outbound, wav};
use store::{CallCenterStore, TaskEntry};

/// The seeded call records.
const SEED_RECORDS: &str = include_str!("../../data/records.json");

const PENDING: &str = "待执行";
const RUNNING: &str = "执行中";
const DONE: &str = "已完成";
const STOPPED: &str = "已停止";

impl CallCenterStore {
    /// A store holding the document's four example records (`data/records.json`) plus inbound
    /// and manual ones; answered calls get a recording under this sandbox's URL.
    pub(crate) fn seeded(public_url: &str) -> CallCenterStore {
        let mut store = CallCenterStore {
            records: Vec::new(),
            tasks: Vec::new(),
            next_batch: 10012,
            public_url: public_url.to_owned(),
        };
        let seeds: Vec<CallRecord> = serde_json::from_str(SEED_RECORDS).unwrap_or_else(|e| {
            tracing::error!("data/records.json does not decode: {e}");
            Vec::new()
        });
        for mut record in seeds {
            if record.answered() {
                record.wav_file_url = store.wav_url(&record.uuid, record.callout_time.as_str());
            }
            store.records.push(record);
        }
        store
    }

    /// `ai_call/yyyy/MM/dd/HH/<uuid>.wav` under the recordings route, as in the document.
    fn wav_url(&self, uuid: &str, callout: &str) -> String {
        format!("{}/recordings/files?filename={}", self.public_url, recording_name(uuid, callout))
    }

    /// Moves tasks along and gives each newly completed task its call record.
    fn refresh(&mut self, now_ms: i64, shared: &Shared) {
        let schedule = shared.config.call_schedule_ms;
        let duration = shared.config.call_duration_ms;
        let mut new_records = Vec::new();
        for entry in &mut self.tasks {
            if entry.stopped {
                continue;
            }
            let age = now_ms - entry.task.create_time;
            entry.task.status = if age < schedule {
                PENDING
            } else if age < schedule + duration {
                RUNNING
            } else {
                DONE
            }
            .into();
            if entry.task.status == DONE && !entry.recorded {
                entry.recorded = true;
                let connected = !outbound::will_fail(&entry.task.phone);
                entry.task.connected = Some(connected);
                entry.task.stop_time = Some(entry.task.create_time + schedule + duration);
                new_records.push((entry.task.clone(), connected));
            }
        }
        for (task, connected) in new_records {
            let start =
                DateTime::from_unix_seconds((task.create_time + schedule) / 1000, PLATFORM_OFFSET_MINUTES);
            let end = DateTime::from_unix_seconds(
                (task.create_time + schedule + duration) / 1000,
                PLATFORM_OFFSET_MINUTES,
            );
            let uuid = format!(
                "{:02}{:02}{:02}{:02}{:02}{:02}{:07}",
                start.year % 100,
                start.month,
                start.day,
                start.hour,
                start.minute,
                start.second,
                task.batch_id % 10_000_000
            );
            let callout = start.to_plain();
            let (answered, cause, len, dialogue, wav) = if connected {
                let dialogue = vec![
                    DialogueLine {
                        role: "assistant".into(),
                        content: format!(
                            "您好{}，这里是{}的回访电话。{}",
                            task.username, task.ticket_type, task.ticket_content
                        ),
                    },
                    DialogueLine { role: "user".into(), content: "好的，我知道了，谢谢。".into() },
                    DialogueLine {
                        role: "assistant".into(),
                        content: "感谢您的接听，祝您生活愉快，再见。".into(),
                    },
                ];
                (
                    callout.clone(),
                    "NORMAL_CLEARING:sip:200",
                    (duration / 1000) as u32,
                    dialogue,
                    self.wav_url(&uuid, &callout),
                )
            } else {
                (String::new(), "NO_ANSWER:sip:480", 0, Vec::new(), String::new())
            };
            self.records.push(CallRecord {
                uuid,
                telephone: task.phone.clone(),
                call_type: Some(CallType::AiOutbound),
                callout_time: Timestamp(callout),
                answered_time: (!answered.is_empty()).then_some(Timestamp(answered)),
                call_end_time: Timestamp(end.to_plain()),
                hangup_cause: cause.into(),
                wav_file_url: wav,
                dialogue: dialogue.into(),
                extnum: None,
                time_len: len,
            });
        }
    }
}

fn recording_name(uuid: &str, callout: &str) -> String {
    let t = DateTime::parse(callout);
    let (y, mo, d, h) = t.map_or((0, 0, 0, 0), |t| (t.year, t.month, t.day, t.hour));
    format!("ai_call/{y:04}/{mo:02}/{d:02}/{h:02}/{uuid}.wav")
}

fn bad(msg: impl Into<String>) -> CallCenterFailure {
    CallCenterFailure(SandboxError::BadRequest(msg.into()))
}

fn parse_time(field: &str, t: &Option<Timestamp>) -> Result<Option<i64>, CallCenterFailure> {
    match t {
        None => Ok(None),
        Some(t) if t.is_empty() => Ok(None),
        Some(t) => match DateTime::parse(t.as_str()) {
            Some(dt) if t.as_str().len() == 19 => Ok(Some(dt.unix_seconds() * 1000)),
            _ => Err(bad(format!("{field} {:?} 日期格式不正确 (expected yyyy-MM-dd HH:mm:ss)", t.as_str()))),
        },
    }
}

/// `POST /api/aicall/records/list`.
pub(crate) async fn records_list(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<CallCenterPage<CallRecord>>, CallCenterFailure> {
    let q: RecordsQuery = parse_json(&body)?;
    if let CallType::Other(other) = &q.call_type {
        return Err(bad(format!("callType {other:?} must be 01, 02 or 03")));
    }
    let from = parse_time("calloutTimeStart", &q.callout_time_start)?;
    let to = parse_time("calloutTimeEnd", &q.callout_time_end)?;
    let (page, size) = paging(q.page_num, q.page_size)?;
    let mut store = lock(&state.callcenter);
    store.refresh(state.now_ms(), &state);
    let mut rows: Vec<&CallRecord> = store
        .records
        .iter()
        .filter(|r| r.call_type.as_ref() == Some(&q.call_type))
        .filter(|r| q.uuid.as_deref().is_none_or(|u| u == r.uuid))
        .filter(|r| q.telephone.as_deref().is_none_or(|t| t == r.telephone))
        .filter(|r| q.extnum.as_deref().is_none_or(|e| r.extnum.as_deref() == Some(e)))
        .filter(|r| q.time_len_start.is_none_or(|s| r.time_len >= s))
        .filter(|r| q.time_len_end.is_none_or(|e| r.time_len <= e))
        .filter(|r| {
            let t = r.callout_time.unix_millis();
            from.is_none_or(|f| t.is_some_and(|t| t >= f)) && to.is_none_or(|e| t.is_some_and(|t| t <= e))
        })
        .collect();
    rows.sort_by(|a, b| b.callout_time.as_str().cmp(a.callout_time.as_str()));
    let total = rows.len() as u64;
    let rows = rows.into_iter().skip((page - 1) * size).take(size).cloned().collect();
    Ok(Json(CallCenterPage { total, rows, code: Some(Code::Int(0)), msg: None }))
}

fn paging(page: Option<u32>, size: Option<u32>) -> Result<(usize, usize), CallCenterFailure> {
    let page = page.unwrap_or(1) as usize;
    let size = size.unwrap_or(10) as usize;
    if page == 0 || size == 0 || size > 500 {
        return Err(bad("pageNum must be at least 1 and pageSize between 1 and 500"));
    }
    Ok((page, size))
}

/// `POST /api/aicall/calltask/list`.
pub(crate) async fn calltask_list(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<CallCenterPage<CallTask>>, CallCenterFailure> {
    let q: CallTaskQuery = parse_json(&body)?;
    let (page, size) = paging(Some(q.page_num), Some(q.page_size))?;
    let from = parse_time("createTimeStart", &q.create_time_start)?;
    let to = parse_time("createTimeEnd", &q.create_time_end)?;
    let mut store = lock(&state.callcenter);
    store.refresh(state.now_ms(), &state);
    let rows: Vec<&CallTask> = store
        .tasks
        .iter()
        .rev()
        .map(|e| &e.task)
        .filter(|t| q.batch_id.is_none_or(|b| b == t.batch_id))
        .filter(|t| from.is_none_or(|f| t.create_time >= f) && to.is_none_or(|e| t.create_time <= e))
        .collect();
    let total = rows.len() as u64;
    let rows = rows.into_iter().skip((page - 1) * size).take(size).cloned().collect();
    Ok(Json(CallCenterPage { total, rows, code: Some(Code::Int(200)), msg: Some("查询成功".into()) }))
}

/// `POST /api/aicall/createTasks`: the body is a top-level array of tickets.
pub(crate) async fn create_tasks(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<CallCenterAnswer<Vec<CreatedTask>>>, CallCenterFailure> {
    let tickets: Vec<Ticket> = parse_json(&body)?;
    if tickets.is_empty() {
        return Err(bad("the body must be a non-empty array of tickets"));
    }
    for (i, t) in tickets.iter().enumerate() {
        if !is_phone(t.phone.trim()) {
            return Err(bad(format!(
                "ticket {} ({}): phone {:?} is not a phone number",
                i + 1,
                t.ticket_no,
                t.phone
            )));
        }
        if t.ticket_no.trim().is_empty() {
            return Err(bad(format!("ticket {}: ticketNo is required", i + 1)));
        }
    }
    let now = state.now_ms();
    let mut store = lock(&state.callcenter);
    let mut created = Vec::new();
    for t in tickets {
        store.next_batch += 1;
        let batch_id = store.next_batch;
        created.push(CreatedTask { batch_id, ticket_no: t.ticket_no.clone() });
        store.tasks.push(TaskEntry {
            task: CallTask {
                batch_id,
                task_type: 1,
                create_time: now,
                stop_time: None,
                connected: None,
                ticket_no: t.ticket_no,
                phone: t.phone.trim().to_owned(),
                username: t.username,
                ticket_type: t.ticket_type,
                ticket_content: t.ticket_content,
                status: PENDING.into(),
            },
            stopped: false,
            recorded: false,
        });
    }
    Ok(Json(CallCenterAnswer::ok(Code::Int(200), "任务创建成功", created)))
}

/// `stopTasks` under `/api`, like seed 001's other endpoints. The document lists
/// `/aicall/stopTasks` (served too); which one the real server uses, only a deployment can say.
pub(crate) const STOP_TASKS_API_PATH: &str = "/api/aicall/stopTasks";

/// `POST /aicall/stopTasks` (and [`STOP_TASKS_API_PATH`]): all ids must exist, or nothing is stopped.
pub(crate) async fn stop_tasks(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<CallCenterAnswer<()>>, CallCenterFailure> {
    let req: StopTasksRequest = parse_json(&body)?;
    if req.batch_ids.is_empty() {
        return Err(bad("batchIds must not be empty"));
    }
    let now = state.now_ms();
    let mut store = lock(&state.callcenter);
    store.refresh(now, &state);
    let unknown: Vec<i64> = req
        .batch_ids
        .iter()
        .copied()
        .filter(|id| !store.tasks.iter().any(|t| t.task.batch_id == *id))
        .collect();
    if !unknown.is_empty() {
        return Err(CallCenterFailure(SandboxError::NotFound(format!("unknown batchIds {unknown:?}"))));
    }
    for entry in store.tasks.iter_mut().filter(|t| req.batch_ids.contains(&t.task.batch_id)) {
        if entry.task.status != DONE {
            entry.stopped = true;
            entry.task.status = STOPPED.into();
            entry.task.stop_time = Some(now);
        }
    }
    Ok(Json(CallCenterAnswer { code: Some(Code::Int(0)), msg: Some("操作成功".into()), payload: None }))
}

/// The query of `/recordings/files`.
#[derive(Debug, Deserialize)]
pub(crate) struct RecordingQuery {
    filename: Option<String>,
}

/// `GET /recordings/files?filename=ai_call/yyyy/MM/dd/HH/<uuid>.wav` (and the outbound service's
/// `outbound/<jobId>.wav`): a generated WAV for a known recording.
pub(crate) async fn recording(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    query: Result<Query<RecordingQuery>, QueryRejection>,
) -> Response {
    let refuse = |status: StatusCode, msg: String| {
        (status, Json(CallCenterAnswer::<()>::failure(Code::Int(i64::from(status.as_u16())), msg)))
            .into_response()
    };
    let Ok(Query(q)) = query else {
        return refuse(StatusCode::BAD_REQUEST, "malformed query".into());
    };
    let Some(filename) = q.filename else {
        return refuse(StatusCode::BAD_REQUEST, "filename is required".into());
    };
    let segments = match recording_segments(&filename) {
        Ok(s) => s,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let known = match segments.as_slice() {
        ["ai_call", .., last] => last.strip_suffix(".wav").is_some_and(|uuid| {
            let mut store = lock(&state.callcenter);
            store.refresh(state.now_ms(), &state);
            store.records.iter().any(|r| r.uuid == uuid && r.wav_file_url.ends_with(filename.as_str()))
        }),
        ["outbound", last] => {
            last.strip_suffix(".wav").is_some_and(|job| outbound::has_recording(&state, job))
        }
        _ => false,
    };
    if !known {
        return refuse(StatusCode::NOT_FOUND, format!("no recording {filename:?}"));
    }
    let seconds = wav::MIN_SECONDS + (stable_hash(&filename) % 3) as u32;
    wav::answer(&headers, wav::recording(&filename, seconds * 1000))
}

#[cfg(test)]
mod tests {
    #[test]
    fn seed_records_decode() {
        let store = super::CallCenterStore::seeded("http://x");
        assert_eq!(store.records.len(), 7);
        assert_eq!(store.records.iter().filter(|r| !r.wav_file_url.is_empty()).count(), 4);
    }
}
