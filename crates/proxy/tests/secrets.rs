//! The apisecret appears in no response body, no response header, no log line (at TRACE, from
//! every crate) and no `Debug` output, across successes and every kind of failure.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{Method, header};
use common::{Behaviour, OPERATOR, SECRET, config, proxy, request, send, sid, stub};
use serde_json::json;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_secret_is_nowhere() {
    let logs = Captured::default();
    let sink = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut seen_text = String::new();
    let mut record = |a: &common::Answer| {
        for (name, value) in &a.headers {
            seen_text.push_str(&format!("{name}: {}\n", String::from_utf8_lossy(value.as_bytes())));
        }
        seen_text.push_str(&String::from_utf8_lossy(&a.bytes));
        seen_text.push('\n');
    };

    let sandbox = common::sandbox().await;
    let mut c = config(&sandbox);
    c.allowed_origins = vec!["http://shop.example".into()];
    let debug_config = format!("{c:?}");
    let p = proxy(c);
    let start = json!({"app_id": "200000000", "bot_id": "134614200106471424", "sid": sid(), "channel": "h5"});
    let requests = vec![
        request(Method::POST, "/api/v1/gaia/botdm/start", None, Some(start.clone())),
        request(
            Method::POST,
            "/api/v1/gaia/botdm/trigger",
            None,
            Some(json!({"sid": sid(), "cmd": "evt.input", "text": "x"})),
        ),
        request(Method::POST, "/api/v1/gaia/botdm/trigger", None, Some(json!({"sid": "bad"}))),
        request(
            Method::POST,
            "/api/v1/coeus/apiserver/agent/syncprompt",
            Some(OPERATOR),
            Some(json!({"app_id": "200000000"})),
        ),
        request(Method::POST, "/api/v1/coeus/apiserver/agent/syncprompt", Some("wrong"), Some(json!({}))),
        request(Method::GET, "/api/v1/outbound-bot/status?caseRef=none", Some(OPERATOR), None),
        request(Method::POST, "/nowhere", None, None),
        request(
            Method::POST,
            "/api/v1/coeus/apiserver/agent/addtask",
            Some(OPERATOR),
            Some(json!({"x": "y".repeat(70_000)})),
        ),
    ];
    for r in requests {
        record(&send(&p, r).await);
    }
    // A wrong clock: the sandbox refuses, and says why, without the secret.
    let mut skewed = config(&sandbox);
    skewed.clock = kefu_proxy::Clock::skewed(1_000);
    record(
        &send(&proxy(skewed), request(Method::POST, "/api/v1/gaia/botdm/start", None, Some(start.clone())))
            .await,
    );
    // Upstream failures.
    for behaviour in [Behaviour::Garbage, Behaviour::PlatformError, Behaviour::Slow(Duration::from_secs(2))] {
        let (upstream, seen) = stub(behaviour).await;
        let mut c = config(&upstream);
        c.upstream_timeout = Duration::from_millis(200);
        record(
            &send(
                &proxy(c),
                request(Method::POST, "/api/v1/gaia/botdm/stop", None, Some(json!({"sid": sid()}))),
            )
            .await,
        );
        for s in seen.lock().expect("lock").iter() {
            // What went over the wire to the platform holds the digest, never the secret.
            let wire = format!("{:?} {}", s.headers, String::from_utf8_lossy(&s.body));
            assert!(!wire.contains(SECRET), "the secret went over the wire: {wire}");
        }
    }
    let down = config("http://127.0.0.1:9");
    record(
        &send(
            &proxy(down),
            request(Method::POST, "/api/v1/gaia/botdm/stop", None, Some(json!({"sid": sid()}))),
        )
        .await,
    );
    // A CORS preflight, metrics and health.
    let preflight = axum::http::Request::builder()
        .method(Method::OPTIONS)
        .uri("/api/v1/gaia/botdm/start")
        .header(header::ORIGIN, "http://shop.example")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .body(axum::body::Body::empty())
        .expect("request");
    record(&send(&p, preflight).await);
    let metrics = send(&p, request(Method::GET, "/metrics", None, None)).await;
    assert!(String::from_utf8_lossy(&metrics.bytes).contains("kefu_proxy_requests_total"));
    record(&metrics);
    record(&send(&p, request(Method::GET, "/healthz", None, None)).await);

    let logs = String::from_utf8_lossy(&logs.0.lock().expect("lock")).into_owned();
    assert!(logs.lines().count() > 20, "logs were captured:\n{logs}");
    assert!(logs.contains("route=\"botdm_start\""), "request log lines carry the route:\n{logs}");
    assert!(logs.contains("request_id="), "and the request id");
    for (what, text) in [("responses", &seen_text), ("logs", &logs), ("Debug", &debug_config)] {
        assert!(!text.contains(SECRET), "the secret appears in the {what}");
    }
    assert!(debug_config.contains("<redacted>"));
    assert!(!debug_config.contains(OPERATOR), "operator tokens are secrets too");
}
