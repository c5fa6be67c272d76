//! The route policy, table-driven: every documented route reaches its upstream (signed for seed
//! 002, unsigned for 000 / 001, never with the browser's Authorization), and everything else is
//! refused before any upstream sees it.

mod common;

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use common::{Behaviour, OPERATOR, config, proxy, request, send, sid, stub};
use serde_json::json;

/// Every route of the three documents, with a body the proxy accepts.
fn documented() -> Vec<(Method, String, Option<serde_json::Value>, bool)> {
    let s = sid();
    vec![
        (
            Method::POST,
            "/api/v1/gaia/botdm/start".into(),
            Some(json!({"app_id": "200000000", "bot_id": "1", "sid": s, "channel": "h5"})),
            false,
        ),
        (
            Method::POST,
            "/api/v1/gaia/botdm/trigger".into(),
            Some(json!({"sid": s, "cmd": "evt.input", "text": "你好"})),
            false,
        ),
        (Method::POST, "/api/v1/gaia/botdm/stop".into(), Some(json!({"sid": s})), false),
        (Method::POST, "/api/v1/coeus/apiserver/agent/addtask".into(), Some(json!({"app_id": "1"})), true),
        (Method::POST, "/api/v1/coeus/apiserver/agent/tasklist".into(), Some(json!({"app_id": "1"})), true),
        (Method::POST, "/api/v1/coeus/apiserver/agent/syncprompt".into(), Some(json!({"app_id": "1"})), true),
        (
            Method::POST,
            "/api/v1/coeus/apiserver/followed/data".into(),
            Some(json!({"session_id": "1"})),
            true,
        ),
        (Method::POST, "/api/v1/outbound-bot/call-v2".into(), Some(json!({"caseId": "c"})), true),
        (Method::GET, "/api/v1/outbound-bot/conversation-log?caseId=c&jobId=j".into(), None, true),
        (Method::GET, "/api/v1/outbound-bot/status?caseRef=c".into(), None, true),
        (Method::POST, "/api/aicall/records/list".into(), Some(json!({"callType": "02"})), true),
        (Method::POST, "/api/aicall/calltask/list".into(), Some(json!({"pageNum": 1, "pageSize": 10})), true),
        (Method::POST, "/api/aicall/createTasks".into(), Some(json!([])), true),
        (Method::POST, "/aicall/stopTasks".into(), Some(json!({"batchIds": [1]})), true),
        (Method::GET, "/recordings/files?filename=ai_call/2025/08/16/21/1.wav".into(), None, true),
    ]
}

#[tokio::test]
async fn every_documented_route_is_forwarded() {
    let (upstream, seen) = stub(Behaviour::Ok).await;
    let proxy = proxy(config(&upstream));
    let routes = documented();
    assert_eq!(
        routes.len() + 2,
        kefu_proxy::routes::ROUTES.len(),
        "outnum and the /api reading of stopTasks are covered by their own tests"
    );
    for (method, path, body, _) in &routes {
        // The browser's own Authorization (here the operator token) must not travel on.
        let a = send(&proxy, request(method.clone(), path, Some(OPERATOR), body.clone())).await;
        assert_eq!(a.status, StatusCode::OK, "{method} {path}: {}", a.body);
        let last = seen.lock().expect("lock").last().cloned().expect("reached the upstream");
        assert_eq!(&last.method, method);
        assert_eq!(&last.path_and_query, path, "path and query forwarded unchanged");
        let auth = last.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        if path.starts_with("/api/v1/gaia") || path.starts_with("/api/v1/coeus") {
            let auth = auth.expect("seed 002 routes are signed");
            assert!(auth.starts_with("proxy-test-key:"), "{auth}");
            assert!(!auth.contains(OPERATOR));
            let ts: i64 = auth.split(':').nth(1).and_then(|t| t.parse().ok()).expect("timestamp");
            assert!(kefu_signature::verify(Some(&auth), common::KEY, common::SECRET, ts).is_ok());
        } else {
            assert_eq!(auth, None, "seeds 000 / 001 are forwarded without the platform signature");
        }
        assert!(last.headers.get(header::COOKIE).is_none());
    }
    assert_eq!(seen.lock().expect("lock").len(), routes.len());
}

#[tokio::test]
async fn outnum_uploads_are_forwarded_with_their_boundary() {
    let (upstream, seen) = stub(Behaviour::Ok).await;
    let proxy = proxy(config(&upstream));
    let body = "--XyZ\r\nContent-Disposition: form-data; name=\"app_id\"\r\n\r\n1\r\n--XyZ--\r\n";
    let req = axum::http::Request::post("/api/v1/coeus/apiserver/agent/outnum")
        .header(header::AUTHORIZATION, format!("Bearer {OPERATOR}"))
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
        .body(Body::from(body))
        .expect("request");
    assert_eq!(send(&proxy, req).await.status, StatusCode::OK);
    let last = seen.lock().expect("lock").last().cloned().expect("forwarded");
    assert_eq!(
        last.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()),
        Some("multipart/form-data; boundary=XyZ")
    );
    assert_eq!(last.body, body.as_bytes());
    // JSON is not an upload.
    let json_body =
        request(Method::POST, "/api/v1/coeus/apiserver/agent/outnum", Some(OPERATOR), Some(json!({})));
    assert_eq!(send(&proxy, json_body).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn everything_else_is_refused_before_any_upstream() {
    let (upstream, seen) = stub(Behaviour::Ok).await;
    let proxy = proxy(config(&upstream));
    let start = json!({"app_id": "1", "bot_id": "1", "sid": sid(), "channel": "h5"});
    let not_found: Vec<(Method, &str)> = vec![
        (Method::GET, "/"),
        (Method::POST, "/api/v1/gaia/botdm/nope"),
        (Method::POST, "/api/v1/gaia/botdm/start/"),
        (Method::POST, "/API/v1/gaia/botdm/start"),
        (Method::POST, "//api/v1/gaia/botdm/start"),
        (Method::POST, "/api/v1/gaia/botdm/../botdm/start"),
        (Method::POST, "/api/v1/gaia/x/../botdm/start"),
        (Method::POST, "/api/v1/gaia/botdm/./start"),
        (Method::POST, "/api/v1/gaia%2Fbotdm%2Fstart"),
        (Method::POST, "/api/v1/gaia/botdm%2Fstart"),
        (Method::POST, "/api/v1/gaia/botdm/%2e%2e/botdm/start"),
        (Method::POST, "/api/v1/gaia/botdm/st%61rt"),
        (Method::POST, "/api/v1/coeus/apiserver/agent/deltask"),
        (Method::POST, "/api/aicall/stopTasks/"),
        (Method::POST, "/aicall/stoptasks"),
        (Method::GET, "/recordings/files/../../etc/passwd"),
        (Method::GET, "/metrics/../api/v1/gaia/botdm/start"),
        // Wrong methods on real paths.
        (Method::GET, "/api/v1/gaia/botdm/start"),
        (Method::PUT, "/api/v1/gaia/botdm/trigger"),
        (Method::DELETE, "/api/v1/gaia/botdm/stop"),
        (Method::PATCH, "/api/v1/coeus/apiserver/agent/addtask"),
        (Method::POST, "/api/v1/outbound-bot/conversation-log"),
        (Method::POST, "/recordings/files"),
        (Method::GET, "/api/aicall/records/list"),
    ];
    for (method, path) in not_found {
        let a = send(&proxy, request(method.clone(), path, Some(OPERATOR), Some(start.clone()))).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(a.body["code"], 404, "{method} {path}: a JSON error, {}", a.body);
        assert!(a.body["msg"].is_string());
    }
    // Operator routes without, or with a wrong, token.
    let operator_paths = [
        (Method::POST, "/api/v1/coeus/apiserver/agent/addtask"),
        (Method::POST, "/api/v1/outbound-bot/call-v2"),
        (Method::GET, "/api/v1/outbound-bot/status?caseRef=1"),
        (Method::POST, "/api/aicall/createTasks"),
        (Method::GET, "/recordings/files?filename=a.wav"),
    ];
    for (method, path) in operator_paths {
        for token in [None, Some("wrong"), Some(""), Some("op-token-773"), Some("op-token-77311")] {
            let a = send(&proxy, request(method.clone(), path, token, Some(json!({})))).await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{method} {path} {token:?}");
        }
        let basic = axum::http::Request::builder()
            .method(method.clone())
            .uri(path)
            .header(header::AUTHORIZATION, format!("Basic {OPERATOR}"))
            .body(Body::empty())
            .expect("request");
        assert_eq!(send(&proxy, basic).await.status, StatusCode::UNAUTHORIZED);
    }
    assert!(seen.lock().expect("lock").is_empty(), "nothing refused reached the upstream");
}

#[tokio::test]
async fn operator_routes_are_closed_without_configured_tokens() {
    let (upstream, seen) = stub(Behaviour::Ok).await;
    let mut c = config(&upstream);
    c.operator_tokens.clear();
    let proxy = proxy(c);
    let a = send(
        &proxy,
        request(Method::POST, "/api/aicall/records/list", Some(""), Some(json!({"callType": "02"}))),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    // Chat stays open.
    let a = send(&proxy, request(Method::POST, "/api/v1/gaia/botdm/stop", None, Some(json!({"sid": sid()}))))
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(seen.lock().expect("lock").len(), 1);
}

#[tokio::test]
async fn chat_bodies_are_checked_and_reencoded() {
    let (upstream, seen) = stub(Behaviour::Ok).await;
    let mut c = config(&upstream);
    c.app_id = Some("200000000".into());
    c.bot_id = Some("134614200106471424".into());
    let proxy = proxy(c);
    let s = sid();
    // Pinned ids are filled in; unknown fields do not travel.
    let a = send(
        &proxy,
        request(
            Method::POST,
            "/api/v1/gaia/botdm/start",
            None,
            Some(json!({"sid": s, "channel": "h5", "evil": "<script>"})),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let sent: serde_json::Value = serde_json::from_slice(&seen.lock().expect("lock")[0].body).expect("json");
    assert_eq!(
        sent,
        json!({"app_id": "200000000", "bot_id": "134614200106471424", "sid": s, "channel": "h5"})
    );
    // A trigger already in its documented form travels as sent; one with more is re-encoded.
    let clean = json!({"sid": s, "cmd": "evt.input", "text": "hi"});
    let with_more = json!({"sid": s, "cmd": "evt.input", "text": "hi", "evil": 1});
    for body in [&clean, &with_more] {
        let a =
            send(&proxy, request(Method::POST, "/api/v1/gaia/botdm/trigger", None, Some(body.clone()))).await;
        assert_eq!(a.status, StatusCode::OK, "{body}");
    }
    {
        let seen = seen.lock().expect("lock");
        assert_eq!(seen[1].body, serde_json::to_vec(&clean).expect("json"));
        let sent: serde_json::Value = serde_json::from_slice(&seen[2].body).expect("json");
        assert_eq!(sent, clean);
    }
    // A different pinned id is refused.
    let other = json!({"bot_id": "666", "sid": s, "channel": "h5"});
    let a = send(&proxy, request(Method::POST, "/api/v1/gaia/botdm/start", None, Some(other))).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.body["msg"].as_str().unwrap_or_default().contains("bot_id"));
    // Malformed chat bodies never leave.
    for bad in
        [json!({"sid": "short", "cmd": "evt.input", "text": "x"}), json!({"cmd": "evt.input"}), json!([1, 2])]
    {
        let a =
            send(&proxy, request(Method::POST, "/api/v1/gaia/botdm/trigger", None, Some(bad.clone()))).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let nested = json!({"sid": s, "channel": "h5", "var_json": {"a": {"b": 1}}});
    assert_eq!(
        send(&proxy, request(Method::POST, "/api/v1/gaia/botdm/start", None, Some(nested))).await.status,
        StatusCode::BAD_REQUEST
    );
    let not_json = axum::http::Request::post("/api/v1/coeus/apiserver/agent/addtask")
        .header(header::AUTHORIZATION, format!("Bearer {OPERATOR}"))
        .body(Body::from("{oops"))
        .expect("request");
    assert_eq!(send(&proxy, not_json).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(seen.lock().expect("lock").len(), 3);
}

#[tokio::test]
async fn callcenter_upstream_paths_are_configurable() {
    let (upstream, seen) = stub(Behaviour::Ok).await;
    let mut c = config(&upstream);
    c.callcenter_paths.stop_tasks = "/api/aicall/stopTasks".into();
    c.callcenter_paths.records_list = "/cc/v2/records".into();
    c.callcenter_paths.recordings = "/cc/files".into();
    let proxy = proxy(c);
    let cases = [
        (Method::POST, "/aicall/stopTasks", Some(json!({"batchIds": [1]})), "/api/aicall/stopTasks"),
        (Method::POST, "/api/aicall/stopTasks", Some(json!({"batchIds": [2]})), "/api/aicall/stopTasks"),
        (Method::POST, "/api/aicall/records/list", Some(json!({"callType": "02"})), "/cc/v2/records"),
        (Method::GET, "/recordings/files?filename=ai_call/a.wav", None, "/cc/files?filename=ai_call/a.wav"),
        (Method::POST, "/api/aicall/createTasks", Some(json!([])), "/api/aicall/createTasks"),
    ];
    for (method, path, body, expected) in cases {
        let a = send(&proxy, request(method.clone(), path, Some(OPERATOR), body)).await;
        assert_eq!(a.status, StatusCode::OK, "{method} {path}: {}", a.body);
        let last = seen.lock().expect("lock").last().cloned().expect("reached the upstream");
        assert_eq!(last.path_and_query, expected, "{method} {path}");
    }
}

#[tokio::test]
async fn both_readings_of_stop_tasks_go_to_the_documents_path_by_default() {
    let (upstream, seen) = stub(Behaviour::Ok).await;
    let proxy = proxy(config(&upstream));
    for path in ["/aicall/stopTasks", "/api/aicall/stopTasks"] {
        let a =
            send(&proxy, request(Method::POST, path, Some(OPERATOR), Some(json!({"batchIds": [1]})))).await;
        assert_eq!(a.status, StatusCode::OK, "{path}");
        assert_eq!(seen.lock().expect("lock").last().expect("forwarded").path_and_query, "/aicall/stopTasks");
    }
    let a =
        send(&proxy, request(Method::POST, "/api/aicall/stopTasks", None, Some(json!({"batchIds": [1]}))))
            .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "an operator route either way");
}

#[test]
fn unusable_callcenter_paths_are_refused_with_their_name() {
    for bad in ["aicall/stopTasks", "", "/a/../b", "/a?x=1", "/a#b", "/a b"] {
        let mut c = config("http://127.0.0.1:9");
        c.callcenter_paths.stop_tasks = bad.into();
        let err = kefu_proxy::service(c).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("stop-tasks path"), "{bad:?}: {err}");
    }
}

#[test]
fn zero_connection_caps_are_refused() {
    let mut c = config("http://127.0.0.1:9");
    c.max_connections_per_client = 0;
    let err = kefu_proxy::service(c).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("connection caps"), "{err}");
}

#[tokio::test]
async fn routes_without_an_upstream_answer_503_naming_the_setting() {
    let (upstream, seen) = stub(Behaviour::Ok).await;
    let mut c = config(&upstream);
    (c.outbound_url, c.callcenter_url) = (None, None);
    let proxy = proxy(c);
    let off = [
        (
            Method::POST,
            "/api/v1/outbound-bot/call-v2",
            Some(json!({"caseId": "c"})),
            "message",
            "KEFU_OUTBOUND_URL",
        ),
        (Method::GET, "/api/v1/outbound-bot/status?caseRef=c", None, "message", "KEFU_OUTBOUND_URL"),
        (
            Method::POST,
            "/api/aicall/records/list",
            Some(json!({"callType": "02"})),
            "msg",
            "KEFU_CALLCENTER_URL",
        ),
        (Method::POST, "/aicall/stopTasks", Some(json!({"batchIds": [1]})), "msg", "KEFU_CALLCENTER_URL"),
        (Method::GET, "/recordings/files?filename=a.wav", None, "msg", "KEFU_CALLCENTER_URL"),
    ];
    for (method, path, body, key, setting) in off {
        let a = send(&proxy, request(method.clone(), path, Some(OPERATOR), body.clone())).await;
        assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{method} {path}");
        assert_eq!(a.body["code"], 503, "{method} {path}: {}", a.body);
        let text = a.body[key].as_str().unwrap_or_default();
        assert!(text.contains(setting), "{method} {path}: {}", a.body);
        // Still an operator route: without a token, 401 comes first.
        let a = send(&proxy, request(method.clone(), path, None, body)).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    assert!(seen.lock().expect("lock").is_empty(), "nothing went to the platform's host instead");
    // The chat and seed 002 operator routes are unaffected.
    let a = send(&proxy, request(Method::POST, "/api/v1/gaia/botdm/stop", None, Some(json!({"sid": sid()}))))
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(seen.lock().expect("lock").len(), 1);
}

#[tokio::test]
async fn recording_filenames_that_leave_their_folder_never_leave_the_proxy() {
    let (upstream, seen) = stub(Behaviour::Ok).await;
    let proxy = proxy(config(&upstream));
    for query in [
        "filename=../../etc/passwd",
        "filename=ai_call/../../../etc/passwd",
        "filename=ai_call%2F..%2F..%2Fetc%2Fpasswd",
        "filename=%2Fetc%2Fpasswd",
        "filename=a.wav&filename=b.wav",
        "other=a.wav",
        "",
    ] {
        let a =
            send(&proxy, request(Method::GET, &format!("/recordings/files?{query}"), Some(OPERATOR), None))
                .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{query}: {}", a.body);
        assert!(a.body["msg"].as_str().is_some_and(|m| m.contains("filename")), "{}", a.body);
    }
    assert!(seen.lock().expect("lock").is_empty(), "nothing refused reached the upstream");
}
