//! Outbound tasks and number lists (seed 002 §6, §10–13).

use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use kefu_protocol::coeus::{
    AddTaskRequest, AddTaskResult, BotSummary, FollowedDataRequest, FollowedDialog, OutnumForm, OutnumResult,
    SyncPromptRequest, TASKLIST_MAX_PAGE_SIZE, Task, TaskListRequest,
};
use kefu_protocol::{Code, JsonList, PlatformAnswer, PlatformPage};

use crate::error::{PlatformFailure, SandboxError, parse_json};
use crate::numbers;
use crate::state::{AppState, lock, platform_ok};

/// The tenant's outbound tasks. (Uploaded numbers are validated and counted; the sandbox does
/// not dial seed 002 batches, so it keeps no copy of them.)
#[derive(Debug, Default)]
pub(crate) struct CoeusStore {
    tasks: Vec<Task>,
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

/// `POST /api/v1/coeus/apiserver/followed/data`: the dialogue of a chat session (the sid is
/// the session id an agent receives on transfer).
pub(crate) async fn followed_data(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<PlatformAnswer<JsonList<FollowedDialog>>>, PlatformFailure> {
    let req: FollowedDataRequest = parse_json(&body)?;
    let session = state.sessions.get(&req.session_id).ok_or_else(|| {
        SandboxError::NotFound(format!("no follow-along data for session {:?}", req.session_id))
    })?;
    Ok(platform_ok(JsonList(session.history.clone())))
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
    if !lock(&state.coeus).tasks.iter().any(|t| t.task_id.as_deref() == Some(form.task_id.as_str())) {
        return Err(SandboxError::UnknownTask(form.task_id).into());
    }
    let list = numbers::parse(&file, &form.file_suffix)?;
    let call_sn = state.ids.snowflake(state.now_ms());
    let call_count = list.kept.len() as u64;
    tracing::info!(task_id = %form.task_id, kept = call_count, dropped = list.dropped, "outnum batch");
    Ok(platform_ok(OutnumResult { call_sn, call_count }))
}
