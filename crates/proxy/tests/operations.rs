//! Health, metrics, CORS, request ids and the static folder.

mod common;

use axum::http::{Method, StatusCode, header};
use common::{Behaviour, config, proxy, request, send, sid, stub};
use serde_json::json;

#[tokio::test]
async fn health_metrics_and_request_ids() {
    let (upstream, seen) = stub(Behaviour::Ok).await;
    let p = proxy(config(&upstream));
    assert_eq!(send(&p, request(Method::GET, "/healthz", None, None)).await.bytes, b"ok");
    let a =
        send(&p, request(Method::POST, "/api/v1/gaia/botdm/stop", None, Some(json!({"sid": sid()})))).await;
    let id = a.headers.get("x-request-id").and_then(|v| v.to_str().ok()).expect("a request id").to_owned();
    assert!(id.contains('-') && id.len() > 3, "{id}");
    let upstream_id = seen.lock().expect("lock")[0]
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    assert_eq!(upstream_id.as_deref(), Some(id.as_str()), "the same id travels upstream");
    send(&p, request(Method::GET, "/nowhere", None, None)).await;
    let text = String::from_utf8_lossy(&send(&p, request(Method::GET, "/metrics", None, None)).await.bytes)
        .into_owned();
    assert!(text.contains(r#"kefu_proxy_requests_total{route="botdm_stop",status="200"} 1"#), "{text}");
    assert!(text.contains(r#"kefu_proxy_requests_total{route="unmatched",status="404"} 1"#), "{text}");
    assert!(text.contains(r#"kefu_proxy_upstream_latency_seconds_count{route="botdm_stop"} 1"#), "{text}");
    assert!(text.contains("kefu_proxy_upstream_latency_seconds_bucket"), "{text}");
}

#[tokio::test]
async fn cors_answers_only_allowed_origins() {
    let (upstream, _) = stub(Behaviour::Ok).await;
    let mut c = config(&upstream);
    c.allowed_origins = vec!["http://shop.example".into()];
    let p = proxy(c);
    let preflight = |origin: &str| {
        axum::http::Request::builder()
            .method(Method::OPTIONS)
            .uri("/api/v1/gaia/botdm/start")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
            .body(axum::body::Body::empty())
            .expect("request")
    };
    let ok = send(&p, preflight("http://shop.example")).await;
    assert_eq!(
        ok.headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).and_then(|v| v.to_str().ok()),
        Some("http://shop.example")
    );
    let other = send(&p, preflight("http://evil.example")).await;
    assert!(other.headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    // `*` (development, browser tests on random ports) answers any origin.
    let (upstream, _) = stub(Behaviour::Ok).await;
    let mut c = config(&upstream);
    c.allowed_origins = vec!["*".into()];
    let any = send(&proxy(c), preflight("http://127.0.0.1:43123")).await;
    assert_eq!(any.headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).and_then(|v| v.to_str().ok()), Some("*"));
}

#[tokio::test]
async fn static_folder_serves_pages_but_never_api_paths() {
    let dir = std::env::temp_dir().join(format!("kefu-proxy-static-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("api/v1")).expect("dir");
    std::fs::write(dir.join("index.html"), "<h1>demo</h1>").expect("file");
    std::fs::write(dir.join("api/v1/leak.json"), "{}").expect("file");
    let (upstream, _) = stub(Behaviour::Ok).await;
    let mut c = config(&upstream);
    c.static_dir = Some(dir.clone());
    let p = proxy(c);
    let page = send(&p, request(Method::GET, "/index.html", None, None)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.bytes, b"<h1>demo</h1>");
    assert_eq!(send(&p, request(Method::GET, "/", None, None)).await.bytes, b"<h1>demo</h1>");
    let api = send(&p, request(Method::GET, "/api/v1/leak.json", None, None)).await;
    assert_eq!((api.status, api.body["code"].as_i64()), (StatusCode::NOT_FOUND, Some(404)));
    assert_eq!(
        send(&p, request(Method::GET, "/../../etc/passwd", None, None)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&p, request(Method::POST, "/index.html", None, None)).await.status,
        StatusCode::NOT_FOUND
    );
}
