//! Seed 002 §3 on every seed 002 endpoint: each way of failing has its own code, all HTTP 500.

mod common;

use axum::http::StatusCode;
use common::{KEY, SECRET, code, sandbox};
use kefu_sandbox::auth;
use serde_json::json;

const SIGNED_PATHS: &[&str] = &[
    "/api/v1/gaia/botdm/start",
    "/api/v1/gaia/botdm/trigger",
    "/api/v1/gaia/botdm/stop",
    "/api/v1/coeus/apiserver/agent/outnum",
    "/api/v1/coeus/apiserver/agent/addtask",
    "/api/v1/coeus/apiserver/agent/tasklist",
    "/api/v1/coeus/apiserver/agent/syncprompt",
    "/api/v1/coeus/apiserver/followed/data",
];

#[tokio::test]
async fn every_seed_002_route_checks_the_signature() {
    let sb = sandbox();
    let now = sb.clock.now_secs();
    let digest_only = auth::digest(SECRET, &now.to_string());
    let cases: Vec<(Option<String>, i64)> = vec![
        (None, 40101),
        (Some(String::new()), 40101),
        (Some(format!("{KEY}:{now}")), 40102),
        (Some(format!("{KEY}:soon:{digest_only}")), 40102),
        (Some(format!("{KEY}:{now}:xyz")), 40102),
        (Some(auth::header_value("someone-else", SECRET, now)), 40103),
        (Some(auth::header_value(KEY, "wrong-secret", now)), 40104),
        // Timestamp in milliseconds instead of seconds: far outside the window.
        (Some(auth::header_value(KEY, SECRET, now * 1000)), 40105),
        (Some(auth::header_value(KEY, SECRET, now - 301)), 40105),
        (Some(auth::header_value(KEY, SECRET, now + 301)), 40105),
    ];
    for path in SIGNED_PATHS {
        for (header, expected) in &cases {
            let a = sb.post_with_auth(path, json!({"app_id": "200000000"}), header.as_deref()).await;
            assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR, "{path} {header:?}");
            assert_eq!(code(&a), *expected, "{path} {header:?}: {}", a.body);
            assert!(a.body["msg"].is_string());
        }
        // Within the window on both sides, the request reaches the handler.
        for skew in [-300, 0, 300] {
            let h = auth::header_value(KEY, SECRET, now + skew);
            let a = sb.post_with_auth(path, json!({"app_id": "200000000"}), Some(&h)).await;
            assert!(!(40101..=40105).contains(&code(&a)), "{path} skew {skew}: {}", a.body);
        }
    }
}

#[tokio::test]
async fn seeds_000_and_001_are_not_signed() {
    let sb = sandbox();
    let a = sb.post_with_auth("/api/aicall/records/list", json!({"callType": "02"}), None).await;
    assert_eq!(code(&a), 0);
    let a = sb.get("/api/v1/outbound-bot/conversation-log").await;
    assert_eq!(code(&a), 200);
}
