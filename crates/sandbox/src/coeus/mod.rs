//! Outbound tasks and number lists (seed 002 §6, §10–13), and the simulated calls of each
//! uploaded batch.
//!
//! Every number kept from an `outnum` upload becomes a simulated call ([`crate::simcall`]) run
//! by the task's bot; when the task has a `team_url` it is also pushed ([`crate::campaign`]).
//! Each call has a session id, the 16-digit value the platform hands the call-center in SIP
//! UserToUser (the shape of §13's example) and the call's §7 `call_id`, and its dialogue, which
//! `followed/data` answers. The session ids of a batch are listed by the
//! sandbox-only `GET /sandbox/calls?call_sn=…` (the platform has no such call; it tells the
//! call-center on transfer).

use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Multipart, Query, State};
use kefu_protocol::coeus::{
    AddTaskRequest, AddTaskResult, BotSummary, FollowedDataRequest, FollowedDialog, OutnumForm, OutnumResult,
    SyncPromptRequest, TASKLIST_MAX_PAGE_SIZE, Task, TaskListRequest,
};
use kefu_protocol::{Code, JsonList, PlatformAnswer, PlatformPage, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::{PlatformFailure, SandboxError, parse_json};
use crate::numbers;
use crate::simcall::plain;
use std::sync::Arc;

use crate::state::{AppState, Shared, lock, platform_ok};

pub(crate) mod store;
use store::{BATCH_DIGITS, Batch, parse_session_id, session_id};

impl Batch {
    /// The §13 dialogue of call `call`: empty when nobody answered.
    fn dialogue(&self, state: &Shared, call: usize) -> Option<Vec<FollowedDialog>> {
        let bot = state.config.bots.get(self.bot)?;
        let call = self.call(bot, call)?;
        Some(
            call.dialog
                .into_iter()
                .map(|t| FollowedDialog {
                    dialog_type: t.kind,
                    content: t.text,
                    create_time: Timestamp(plain(t.at_ms)),
                })
                .collect(),
        )
    }
}

/// `POST …/agent/addtask`.
pub(crate) async fn addtask(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<PlatformAnswer<AddTaskResult>>, PlatformFailure> {
    let req: AddTaskRequest = parse_json(&body)?;
    state.check_tenant(&req.app_id)?;
    let bad = |msg: String| PlatformFailure(SandboxError::BadRequest(msg));
    for (field, value) in
        [("task_name", &req.task_name), ("voice", &req.voice), ("disnumber", &req.disnumber)]
    {
        if value.trim().is_empty() {
            return Err(bad(format!("{field} is required")));
        }
    }
    state.bot(&req.bot_id).ok_or_else(|| SandboxError::UnknownBot(req.bot_id.clone()))?;
    for (field, value) in [("is_record", req.is_record), ("is_ring_asr", req.is_ring_asr)] {
        if value.is_some_and(|v| v != 1 && v != 2) {
            return Err(bad(format!("{field} must be 1 or 2")));
        }
    }
    for window in req.forbid_policy.iter().flatten() {
        if !is_time_window(window) {
            return Err(bad(format!("forbid_policy entry {window:?} is not HH:MM-HH:MM")));
        }
    }
    for code in req.recall_policy.iter().flatten() {
        if code.trim().parse::<i64>().is_err() {
            return Err(bad(format!("recall_policy entry {code:?} is not a result code")));
        }
    }
    let task_id = state.ids.snowflake(state.now_ms());
    let task = Task {
        task_id: Some(task_id.clone()),
        app_id: req.app_id,
        task_name: req.task_name,
        is_record: Some(req.is_record.unwrap_or(1)),
        bot_id: req.bot_id,
        voice: req.voice,
        disnumber: req.disnumber,
        team_url: req.team_url,
        forbid_policy: req
            .forbid_policy
            .unwrap_or_else(|| ["00:00-08:00", "12:00-13:00", "20:00-23:59"].map(String::from).to_vec()),
        recall_policy: req.recall_policy.unwrap_or_default(),
        recall_interval: Some(req.recall_interval.unwrap_or(30)),
    };
    lock(&state.coeus).tasks.push(task);
    Ok(platform_ok(AddTaskResult { task_id }))
}

fn is_time_window(s: &str) -> bool {
    let hhmm = |t: &str| {
        let (h, m) = t.split_once(':').unwrap_or(("x", "x"));
        h.len() == 2
            && m.len() == 2
            && h.parse::<u8>().is_ok_and(|h| h < 24)
            && m.parse::<u8>().is_ok_and(|m| m < 60)
    };
    s.split_once('-').is_some_and(|(a, b)| hhmm(a) && hhmm(b))
}

/// `POST …/agent/tasklist`.
pub(crate) async fn tasklist(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<PlatformPage<Task>>, PlatformFailure> {
    let req: TaskListRequest = parse_json(&body)?;
    state.check_tenant(&req.app_id)?;
    let page_no = req.page_no.unwrap_or(1);
    let page_size = req.page_size.unwrap_or(10);
    if page_no == 0 || page_size == 0 || page_size > TASKLIST_MAX_PAGE_SIZE {
        return Err(SandboxError::BadRequest(format!(
            "page_no must be at least 1 and page_size between 1 and {TASKLIST_MAX_PAGE_SIZE}"
        ))
        .into());
    }
    let store = lock(&state.coeus);
    let matching: Vec<&Task> = store
        .tasks
        .iter()
        .filter(|t| t.app_id == req.app_id)
        .filter(|t| req.task_name.as_deref().is_none_or(|n| t.task_name.contains(n)))
        .filter(|t| req.task_id.as_deref().is_none_or(|id| t.task_id.as_deref() == Some(id)))
        .collect();
    let total = matching.len();
    let rows: Vec<Task> = matching
        .into_iter()
        .skip((page_no as usize - 1) * page_size as usize)
        .take(page_size as usize)
        .cloned()
        .collect();
    Ok(Json(PlatformPage {
        code: Some(Code::OK),
        msg: Some("success".into()),
        num_per_page: page_size,
        total_rows: total as u64,
        total_pages: total.div_ceil(page_size as usize) as u32,
        current_page: page_no,
        result: rows.into(),
    }))
}

/// `POST …/agent/syncprompt`: the loaded bots.
pub(crate) async fn syncprompt(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<PlatformAnswer<Vec<BotSummary>>>, PlatformFailure> {
    let req: SyncPromptRequest = parse_json(&body)?;
    state.check_tenant(&req.app_id)?;
    let bots = state
        .config
        .bots
        .iter()
        .map(|b| BotSummary { bot_id: b.id().to_owned(), bot_name: b.name().to_owned() })
        .collect();
    Ok(platform_ok(bots))
}

/// `POST /api/v1/coeus/apiserver/followed/data`: the dialogue of a call, by the call's session
/// id (from SIP UserToUser). A sandbox extension the document does not describe: a chat sid
/// answers that chat's dialogue too.
pub(crate) async fn followed_data(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<PlatformAnswer<JsonList<FollowedDialog>>>, PlatformFailure> {
    let req: FollowedDataRequest = parse_json(&body)?;
    if let Some((batch, call)) = parse_session_id(&req.session_id) {
        let store = lock(&state.coeus);
        if let Some(lines) = store.batches.get(batch).and_then(|b| b.dialogue(&state, call)) {
            return Ok(platform_ok(JsonList(lines)));
        }
    }
    let session = state.sessions.get(&req.session_id).ok_or_else(|| {
        SandboxError::NotFound(format!("no follow-along data for session {:?}", req.session_id))
    })?;
    Ok(platform_ok(JsonList(session.history.clone())))
}

/// The query of `GET /sandbox/calls`.
#[derive(Debug, Deserialize)]
pub(crate) struct CallsQuery {
    call_sn: String,
}

/// One simulated call, as `GET /sandbox/calls` lists it.
#[derive(Debug, Serialize)]
pub(crate) struct SimulatedCall {
    session_id: String,
    num: String,
}

/// The simulated calls of a batch.
#[derive(Debug, Serialize)]
pub(crate) struct BatchCalls {
    call_sn: String,
    calls: Vec<SimulatedCall>,
}

/// `GET /sandbox/calls?call_sn=…` (sandbox only): the session ids of a batch's calls.
pub(crate) async fn calls(
    State(state): State<AppState>,
    query: Result<Query<CallsQuery>, QueryRejection>,
) -> Result<Json<PlatformAnswer<BatchCalls>>, PlatformFailure> {
    let Query(query) = query.map_err(|e| SandboxError::BadRequest(e.body_text()))?;
    let store = lock(&state.coeus);
    let (index, batch) = store
        .batches
        .iter()
        .enumerate()
        .find(|(_, b)| b.call_sn == query.call_sn)
        .ok_or_else(|| SandboxError::NotFound(format!("no batch with call_sn {:?}", query.call_sn)))?;
    let calls = batch
        .numbers
        .iter()
        .enumerate()
        .map(|(i, num)| SimulatedCall { session_id: session_id(index, i), num: num.clone() })
        .collect();
    Ok(platform_ok(BatchCalls { call_sn: batch.call_sn.clone(), calls }))
}

/// `POST …/agent/outnum` (multipart/form-data).
pub(crate) async fn outnum(
    State(state): State<AppState>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<PlatformAnswer<OutnumResult>>, PlatformFailure> {
    let mut multipart =
        multipart.map_err(|e| SandboxError::BadRequest(format!("outnum takes multipart/form-data: {e}")))?;
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut file: Option<Bytes> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| SandboxError::BadRequest(format!("malformed multipart body: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let bytes =
                field.bytes().await.map_err(|e| SandboxError::BadRequest(format!("file part: {e}")))?;
            file = Some(bytes);
        } else {
            let text =
                field.text().await.map_err(|e| SandboxError::BadRequest(format!("field {name}: {e}")))?;
            fields.push((name, text));
        }
    }
    let form = OutnumForm::from_fields(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| SandboxError::BadRequest(e.to_string()))?;
    state.check_tenant(&form.app_id)?;
    let file = file.ok_or_else(|| SandboxError::BadRequest("form field `file`: is required".into()))?;
    let task = lock(&state.coeus)
        .tasks
        .iter()
        .find(|t| t.task_id.as_deref() == Some(form.task_id.as_str()))
        .cloned()
        .ok_or_else(|| SandboxError::UnknownTask(form.task_id.clone()))?;
    let list = numbers::parse(&file, &form.file_suffix)?;
    let call_sn = state.ids.snowflake(state.now_ms());
    let call_count = list.kept.len() as u64;
    tracing::info!(task_id = %form.task_id, kept = call_count, dropped = list.dropped, "outnum batch");
    if let Some((bot, _)) = state.bot(&task.bot_id) {
        let index = {
            let mut store = lock(&state.coeus);
            (store.batches.len() < 10usize.pow(BATCH_DIGITS as u32) - 1).then(|| {
                store.batches.push(Batch {
                    call_sn: call_sn.clone(),
                    call_sn_name: form.call_sn_name.clone(),
                    task_id: form.task_id.clone(),
                    task_name: task.task_name.clone(),
                    team_url: task.team_url.clone(),
                    record: task.is_record == Some(2),
                    bot,
                    numbers: Arc::new(list.kept),
                    placed_ms: state.now_ms(),
                    dial_interval_ms: state.config.dial_interval_ms.max(0),
                });
                store.batches.len() - 1
            })
        };
        if let Some(index) = index {
            crate::campaign::start(&state, index);
        }
    }
    Ok(platform_ok(OutnumResult { call_sn, call_count }))
}

/// `GET /sandbox/recordings/{call_id}.wav` (sandbox only; §7's `record_url` is a path relative to
/// the platform's recording host, and this is where the sandbox keeps them): the recording of an
/// answered call of a task that records, as a generated WAV as long as the call (3 to 30 s), with
/// `Range` support.
pub(crate) async fn recording(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let found = file.strip_suffix(".wav").and_then(parse_session_id).and_then(|(batch, call)| {
        let store = lock(&state.coeus);
        let batch = store.batch(batch)?;
        let bot = state.config.bots.get(batch.bot)?;
        let sim = batch.call(bot, call)?;
        (batch.record && sim.answered()).then(|| sim.duration_secs().clamp(crate::wav::MIN_SECONDS, 30))
    });
    match found {
        Some(secs) => crate::wav::answer(&headers, crate::wav::recording(&file, secs * 1000)),
        None => {
            let mut res =
                PlatformFailure(SandboxError::NotFound(format!("no recording {file:?}"))).into_response();
            *res.status_mut() = axum::http::StatusCode::NOT_FOUND;
            res
        }
    }
}
