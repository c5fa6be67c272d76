//! `--errors documented`: every seed 002 failure answered only as the document shows one (HTTP
//! 500, or HTTP 200 with an opaque negative code), with a `msg` that does not name the failure.

mod common;

use axum::http::StatusCode;
use common::{Answer, Sandbox, sandbox_with};
use kefu_sandbox::ErrorStyle;
use kefu_sandbox::error::DOCUMENTED_MSG;
use serde_json::json;

fn documented() -> Sandbox {
    sandbox_with(|c| {
        c.errors = ErrorStyle::Documented;
        c.session_ttl_ms = 60_000;
    })
}

/// Asserts the documented failure shape; returns the code.
fn opaque(a: &Answer, status: StatusCode) -> i64 {
    assert_eq!(a.status, status, "{}", a.body);
    let code = a.body["code"].as_i64().unwrap_or_else(|| panic!("an integer code: {}", a.body));
    assert!((-999_999..=-100_000).contains(&code), "an opaque negative code: {code}");
    assert_eq!(a.body["msg"], DOCUMENTED_MSG, "the msg does not say which failure it was");
    assert_eq!(a.body.as_object().map(|o| o.len()), Some(2), "only code and msg: {}", a.body);
    code
}

#[tokio::test]
async fn every_session_failure_is_opaque() {
    let sb = documented();
    let (sid, first) = sb.start(json!({})).await;
    let prompt_id = first["prompt_id"].clone();
    // Input while a prompt awaits acknowledgement: HTTP 200, opaque code.
    let pending = sb.trigger(json!({"sid": sid, "cmd": "evt.input", "text": "hi"})).await;
    let a = opaque(&pending, StatusCode::OK);
    // The wrong prompt id: the same shape, another code.
    let wrong =
        sb.trigger(json!({"sid": sid, "cmd": "evt.complete", "text": "", "prompt_id": "nope0"})).await;
    let b = opaque(&wrong, StatusCode::OK);
    assert_ne!(a, b, "codes do not tell failures apart");
    // Success answers are untouched.
    let ok = sb.trigger(json!({"sid": sid, "cmd": "evt.complete", "text": "", "prompt_id": prompt_id})).await;
    assert_eq!((ok.status, ok.body["code"].as_i64()), (StatusCode::OK, Some(0)), "{}", ok.body);
    // An expired session: HTTP 500, as the document's failure example.
    sb.clock.advance(61_000);
    let expired = sb.trigger(json!({"sid": sid, "cmd": "evt.input", "text": "还在吗"})).await;
    opaque(&expired, StatusCode::INTERNAL_SERVER_ERROR);
    // An unknown session and a stopped one: HTTP 500 too.
    let unknown =
        sb.trigger(json!({"sid": "0123456789abcdef0123456789abcdef", "cmd": "evt.input", "text": "x"})).await;
    opaque(&unknown, StatusCode::INTERNAL_SERVER_ERROR);
    let (sid, _) = sb.start(json!({})).await;
    let stop = sb.post("/api/v1/gaia/botdm/stop", json!({"sid": sid})).await;
    assert_eq!(stop.body["code"], 0);
    let ended = sb.trigger(json!({"sid": sid, "cmd": "evt.input", "text": "x"})).await;
    opaque(&ended, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn signature_and_request_failures_are_opaque() {
    let sb = documented();
    let unsigned = sb.post_with_auth("/api/v1/gaia/botdm/start", json!({}), None).await;
    opaque(&unsigned, StatusCode::INTERNAL_SERVER_ERROR);
    let bad = sb.post("/api/v1/coeus/apiserver/agent/syncprompt", json!({"app_id": 5})).await;
    opaque(&bad, StatusCode::OK);
    let tenant = sb.post("/api/v1/coeus/apiserver/agent/syncprompt", json!({"app_id": "1"})).await;
    opaque(&tenant, StatusCode::OK);
}

#[tokio::test]
async fn other_families_keep_their_own_failures() {
    // Seed 000 and 001 failures are not seed 002's and stay as their documents show them.
    let sb = documented();
    let a = sb.post("/aicall/stopTasks", json!({"batchIds": []})).await;
    assert_eq!(a.body["code"], 405, "{}", a.body);
}
