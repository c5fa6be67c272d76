//! The outbound-call service (seed 000): call-v2 places one job per party; each job advances
//! Scheduling → Executing → Succeeded or Failed as time passes; finished jobs have transcripts.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use kefu_protocol::outbound::{
    CallRequest, ConversationLog, ConversationLogQuery, JobStatus, PlacedCall, StatusQuery, Turn,
};
use kefu_protocol::{
    Action, CallErrorCode, CallStatus, Code, DateTime, OutboundAnswer, PLATFORM_OFFSET_MINUTES, Speaker,
    Timestamp,
};

use crate::error::{OutboundFailure, SandboxError, parse_json};
use crate::ids::stable_hash;
use crate::state::{AppState, Shared, lock};

pub(crate) mod store;
use store::Job;

impl Job {
    fn status(&self, now_ms: i64, shared: &Shared) -> CallStatus {
        let age = now_ms - self.created_ms;
        if age < shared.config.call_schedule_ms {
            CallStatus::Scheduling
        } else if age < shared.config.call_schedule_ms + shared.config.call_duration_ms {
            CallStatus::Executing
        } else if will_fail(&self.person_id) {
            CallStatus::Failed
        } else {
            CallStatus::Succeeded
        }
    }
}

/// Which calls fail: those to parties whose id ends in `4` (documented, so tests can rely on it).
pub fn will_fail(person_id: &str) -> bool {
    person_id.ends_with('4')
}

/// The phone number the sandbox gives a party: `139` and eight digits from the party's id.
pub fn phone_of(person_id: &str) -> String {
    format!("139{:08}", stable_hash(person_id) % 100_000_000)
}

/// `POST /api/v1/outbound-bot/call-v2`. `callPersonId` may name several parties separated by
/// commas; each gets its own item, succeeding or failing on its own (errorCode 1001: a call to
/// that party is still running; 1002: the case has used its calls).
pub(crate) async fn call_v2(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<OutboundAnswer<Vec<PlacedCall>>>), OutboundFailure> {
    let req: CallRequest = parse_json(&body)?;
    let mediation_id: i64 = req.mediation_id.trim().parse().map_err(|_| {
        SandboxError::BadRequest(format!("mediationId {:?} is not a number", req.mediation_id))
    })?;
    if req.case_id.trim().is_empty() {
        return Err(SandboxError::BadRequest("caseId is required".into()).into());
    }
    let persons: Vec<&str> = req.call_person_id.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
    if persons.is_empty() {
        return Err(SandboxError::BadRequest("callPersonId is required".into()).into());
    }
    let now = state.now_ms();
    let created = DateTime::from_unix_seconds(now.div_euclid(1000), PLATFORM_OFFSET_MINUTES);
    let mut store = lock(&state.outbound);
    let mut items = Vec::new();
    for person in persons {
        let running = store.jobs.iter().any(|j| j.person_id == person && !j.status(now, &state).is_final());
        let used = store.jobs.iter().filter(|j| j.case_id == req.case_id).count();
        let (error_code, message, job) = if running {
            (CallErrorCode::MustWait, "该当事人仍在通话中，须等待", None)
        } else if used >= state.config.calls_per_case {
            (CallErrorCode::LimitReached, "呼叫已达上限", None)
        } else {
            store.next_id += 1;
            let job = Job {
                id: store.next_id,
                case_id: req.case_id.clone(),
                person_id: person.to_owned(),
                phone: phone_of(person),
                job_id: format!("{now}-{}", &state.ids.uuid()[9..]),
                instance_id: state.ids.uuid(),
                job_group_id: state.ids.uuid(),
                script_id: state.ids.uuid(),
                created_ms: now,
            };
            store.jobs.push(job.clone());
            (CallErrorCode::Ok, "外呼发起成功", Some(job))
        };
        items.push(PlacedCall {
            error_code,
            message: message.into(),
            id: job.as_ref().map(|j| j.id),
            mediation_id: Some(mediation_id),
            node_id: job.as_ref().map(|_| 5),
            task_name: Some("履约回访".into()),
            result: None,
            person_type: Some(0),
            mediation_type: Some(1),
            person_id: Some(person.to_owned()),
            job_id: job.as_ref().map(|j| j.job_id.clone()),
            instance_id: job.as_ref().map(|j| j.instance_id.clone()),
            job_group_id: job.as_ref().map(|j| j.job_group_id.clone()),
            script_id: job.as_ref().map(|j| j.script_id.clone()),
            call_status: job.as_ref().map(|_| CallStatus::Scheduling),
            remark: None,
            delete_status: Some(1),
            creator: Some("system".into()),
            create_time: Some(Timestamp(format!(
                "{:04}-{:02}-{:02}",
                created.year, created.month, created.day
            ))),
            modifier: None,
            modify_time: None,
            start_time: None,
            call_interval: None,
        });
    }
    let answer = OutboundAnswer::ok(Code::Int(201), "外呼请求处理完成", items);
    Ok((StatusCode::CREATED, Json(answer)))
}

/// `GET /api/v1/outbound-bot/conversation-log`: transcripts of finished jobs, newest first.
pub(crate) async fn conversation_log(
    State(state): State<AppState>,
    query: Result<Query<ConversationLogQuery>, QueryRejection>,
) -> Result<Json<OutboundAnswer<Vec<ConversationLog>>>, OutboundFailure> {
    let Query(q) = query.map_err(|e| SandboxError::BadRequest(e.body_text()))?;
    let now = state.now_ms();
    let store = lock(&state.outbound);
    let logs = store
        .jobs
        .iter()
        .rev()
        .filter(|j| q.case_id.as_deref().is_none_or(|c| c == j.case_id))
        .filter(|j| q.person_id.as_deref().is_none_or(|p| p == j.person_id))
        .filter(|j| q.job_id.as_deref().is_none_or(|id| id == j.job_id))
        .filter_map(|j| {
            let status = j.status(now, &state);
            status.is_final().then(|| transcript(j, status, &state))
        })
        .collect();
    Ok(Json(OutboundAnswer::ok(Code::Int(200), "查询成功", logs)))
}

/// `GET /api/v1/outbound-bot/status`: the newest job matching `caseRef`, `phoneNumber` or `jobId`.
pub(crate) async fn status(
    State(state): State<AppState>,
    query: Result<Query<StatusQuery>, QueryRejection>,
) -> Result<Json<OutboundAnswer<JobStatus>>, OutboundFailure> {
    let Query(q) = query.map_err(|e| SandboxError::BadRequest(e.body_text()))?;
    if q.case_ref.is_none() && q.phone_number.is_none() && q.job_id.is_none() {
        return Err(SandboxError::BadRequest("give caseRef, phoneNumber or jobId".into()).into());
    }
    let now = state.now_ms();
    let store = lock(&state.outbound);
    let job = store
        .jobs
        .iter()
        .rev()
        .filter(|j| q.case_ref.as_deref().is_none_or(|c| c == j.case_id))
        .filter(|j| q.phone_number.as_deref().is_none_or(|p| p == j.phone))
        .find(|j| q.job_id.as_deref().is_none_or(|id| id == j.job_id))
        .ok_or_else(|| SandboxError::NotFound("no call matches".into()))?;
    let fetched = DateTime::from_unix_seconds(now.div_euclid(1000), PLATFORM_OFFSET_MINUTES);
    Ok(Json(OutboundAnswer::ok(
        Code::Int(200),
        "查询成功",
        JobStatus {
            case_ref: job.case_id.clone(),
            phone_number: job.phone.clone(),
            job_id: job.job_id.clone(),
            call_status: job.status(now, &state),
            fetch_time: Timestamp(fetched.to_plain()),
            job_group_id: job.job_group_id.clone(),
            instance_id: job.instance_id.clone(),
        },
    )))
}

/// A believable follow-up call, varied by the job; failed calls have no conversation.
fn transcript(job: &Job, status: CallStatus, shared: &Shared) -> ConversationLog {
    let begin = job.created_ms + shared.config.call_schedule_ms;
    let at = |s: i64| begin + s * 1000;
    let turn = |s, speaker, script: Option<&str>, action| Turn {
        timestamp: at(s),
        speaker,
        script: script.map(str::to_owned),
        action,
    };
    let (conversations, record_url) = if status == CallStatus::Failed {
        (Vec::new(), String::new())
    } else {
        let replies = [
            ("已经收到了，都搞定了。", "非常好，既然款项已经到账，本次回访就到这里。祝您生活顺利！"),
            ("还没收到呢。", "明白了，我们会尽快**督促对方履行**，并在三个工作日内回复您。"),
            (
                "嗯，协议内容是什么来着？",
                "协议约定：\n\n1. **分期支付**：每月 26 日前支付 1500 元；\n2. **支付方式**：银行转账。",
            ),
        ];
        let (said, answer) = replies[(stable_hash(&job.job_id) % 3) as usize];
        let conv = vec![
            turn(0, Speaker::Contact, Some(""), Action::BeginDialogue),
            turn(
                1,
                Speaker::Robot,
                Some("您好，我是您的调解员。关于调解协议的履行情况，请问您是否已经收到了相应的款项？"),
                Action::Broadcast,
            ),
            turn(6, Speaker::Contact, Some(said), Action::Dialogue),
            turn(7, Speaker::Robot, Some(answer), Action::Broadcast),
            turn(12, Speaker::Contact, None, Action::EndDialogue),
        ];
        let expires = (job.created_ms / 1000) + 86_400;
        let signature = format!("{:016x}", stable_hash(&job.job_id));
        let url = format!(
            "{}/recordings/files?filename=outbound/{}.wav&Expires={expires}&Signature={}%2B{}%3D",
            shared.config.public_url,
            job.job_id,
            &signature[..8],
            &signature[8..]
        );
        (conv, url)
    };
    ConversationLog {
        call_type: "follow_up".into(),
        job_id: job.job_id.clone(),
        conversations: conversations.into(),
        call_status: status,
        record_url,
    }
}

/// Whether a finished, answered job has this id (for the recordings route).
pub(crate) fn has_recording(shared: &Shared, job_id: &str) -> bool {
    let now = shared.now_ms();
    lock(&shared.outbound)
        .jobs
        .iter()
        .any(|j| j.job_id == job_id && j.status(now, shared) == CallStatus::Succeeded)
}
