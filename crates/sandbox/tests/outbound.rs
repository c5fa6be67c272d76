//! Seed 000: call-v2 with per-party results, jobs advancing over time, transcripts, status.

mod common;

use axum::http::StatusCode;
use common::{Sandbox, code, sandbox, sandbox_with};
use kefu_protocol::outbound::{ConversationLog, JobStatus, PlacedCall};
use kefu_protocol::{Action, CallErrorCode, CallStatus, OutboundAnswer, Speaker, decode};
use serde_json::json;

async fn call(sb: &Sandbox, case: &str, persons: &str) -> Vec<PlacedCall> {
    let a = sb
        .post(
            "/api/v1/outbound-bot/call-v2",
            json!({"caseId": case, "mediationId": "20", "callAuto": 0, "callPersonId": persons}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(a.body["code"], 201);
    assert_eq!(a.body["data"][0]["mediationId"], 20, "mediationId comes back as an integer");
    decode::<OutboundAnswer<Vec<PlacedCall>>>(201, &a.bytes).expect("decodes")
}

#[tokio::test]
async fn one_job_per_party_advancing_to_a_transcript() {
    let sb = sandbox();
    let placed = call(&sb, "202601281644031088", "2303191513081131,2303191513081134").await;
    assert_eq!(placed.len(), 2);
    assert!(placed.iter().all(|p| p.error_code == CallErrorCode::Ok));
    assert!(placed.iter().all(|p| p.call_status == Some(CallStatus::Scheduling)));
    let job = placed[0].job_id.clone().expect("job id");

    let status = |q: String| {
        let sb = &sb;
        async move {
            let a = sb.get(&format!("/api/v1/outbound-bot/status?{q}")).await;
            decode::<OutboundAnswer<JobStatus>>(a.status.as_u16(), &a.bytes)
        }
    };
    assert_eq!(status(format!("jobId={job}")).await.expect("status").call_status, CallStatus::Scheduling);
    // Nothing finished yet: no transcripts.
    let logs = sb.get("/api/v1/outbound-bot/conversation-log?caseId=202601281644031088").await;
    assert_eq!(logs.body["data"], json!([]));

    sb.clock.advance(1_000);
    assert_eq!(status(format!("jobId={job}")).await.expect("status").call_status, CallStatus::Executing);
    sb.clock.advance(5_000);
    let done = status(format!("jobId={job}")).await.expect("status");
    assert_eq!(done.call_status, CallStatus::Succeeded);
    assert_eq!(done.phone_number, kefu_sandbox::phone_of("2303191513081131"));
    assert!(done.fetch_time.parse().is_some());
    // By phone number and by case.
    let by_phone = status(format!("phoneNumber={}", done.phone_number)).await.expect("status");
    assert_eq!(by_phone.job_id, job);
    assert_eq!(
        status("caseRef=202601281644031088".into()).await.expect("status").case_ref,
        "202601281644031088"
    );
    // The party whose id ends in 4 fails (documented rule).
    let failed_job = placed[1].job_id.clone().expect("job id");
    assert_eq!(status(format!("jobId={failed_job}")).await.expect("status").call_status, CallStatus::Failed);

    let a = sb.get("/api/v1/outbound-bot/conversation-log?caseId=202601281644031088").await;
    assert!(a.body["data"][0]["conversations"].is_string(), "conversations travel as a JSON string");
    let logs = decode::<OutboundAnswer<Vec<ConversationLog>>>(200, &a.bytes).expect("decodes");
    assert_eq!(logs.len(), 2);
    let ok = logs.iter().find(|l| l.job_id == job).expect("succeeded log");
    assert_eq!(ok.call_status, CallStatus::Succeeded);
    assert_eq!(ok.conversations.first().map(|t| t.action.clone()), Some(Action::BeginDialogue));
    assert_eq!(ok.conversations.first().and_then(|t| t.script.clone()).as_deref(), Some(""));
    assert_eq!(ok.conversations.last().map(|t| t.script.is_none()), Some(true));
    assert!(ok.conversations.iter().any(|t| t.speaker == Speaker::Robot && t.action == Action::Broadcast));
    assert!(ok.conversations.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
    assert!(ok.record_url.contains("Expires=") && ok.record_url.contains("%3D"), "{}", ok.record_url);
    let bad = logs.iter().find(|l| l.job_id == failed_job).expect("failed log");
    assert!(bad.conversations.is_empty() && bad.record_url.is_empty());
    // The recording link works, byte for byte.
    let path = ok.record_url.strip_prefix("http://sandbox.test").expect("own URL");
    let wav = sb.get(path).await;
    assert_eq!(wav.status, StatusCode::OK);
    assert_eq!(&wav.bytes[..4], b"RIFF");
    // Filters by person and job.
    let a = sb.get(&format!("/api/v1/outbound-bot/conversation-log?jobId={failed_job}")).await;
    assert_eq!(a.body["data"].as_array().map(Vec::len), Some(1));
    let a = sb.get("/api/v1/outbound-bot/conversation-log?personId=nobody").await;
    assert_eq!(a.body["data"], json!([]));
}

#[tokio::test]
async fn must_wait_and_call_limit() {
    let sb = sandbox_with(|c| c.calls_per_case = 2);
    let first = call(&sb, "C1", "P1").await;
    assert_eq!(first[0].error_code, CallErrorCode::Ok);
    // The same party while its call is running: 1001, per item.
    let again = call(&sb, "C1", "P1,P2").await;
    assert_eq!(again[0].error_code, CallErrorCode::MustWait);
    assert_eq!(again[0].job_id, None);
    assert_eq!(again[1].error_code, CallErrorCode::Ok);
    sb.clock.advance(10_000);
    // The case has used its two calls: 1002.
    let third = call(&sb, "C1", "P1").await;
    assert_eq!(third[0].error_code, CallErrorCode::LimitReached);
    assert_eq!(third[0].message, "呼叫已达上限");
    // Another case is unaffected.
    assert_eq!(call(&sb, "C2", "P1").await[0].error_code, CallErrorCode::Ok);
}

#[tokio::test]
async fn bad_requests() {
    let sb = sandbox();
    let post = |body| sb.post("/api/v1/outbound-bot/call-v2", body);
    let a = post(json!({"caseId": "C", "mediationId": "abc", "callAuto": 0, "callPersonId": "P"})).await;
    assert_eq!((a.status, code(&a)), (StatusCode::BAD_REQUEST, 400));
    assert!(a.body["message"].is_string(), "seed 000 answers carry `message`");
    assert_eq!(
        code(&post(json!({"caseId": "C", "mediationId": "1", "callAuto": 0, "callPersonId": " , "})).await),
        400
    );
    assert_eq!(code(&post(json!({"caseId": "C"})).await), 400);
    let a = sb.get("/api/v1/outbound-bot/status").await;
    assert_eq!((a.status, code(&a)), (StatusCode::BAD_REQUEST, 400));
    let a = sb.get("/api/v1/outbound-bot/status?jobId=nope").await;
    assert_eq!((a.status, code(&a)), (StatusCode::NOT_FOUND, 404));
    let a = sb.get("/api/v1/outbound-bot/status?jobId=a&jobId=b").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", String::from_utf8_lossy(&a.bytes));
    assert_eq!(code(&a), 400);
    let a = sb.get("/api/v1/outbound-bot/conversation-log?jobId=a&jobId=b").await;
    assert_eq!((a.status, code(&a)), (StatusCode::BAD_REQUEST, 400));
}
