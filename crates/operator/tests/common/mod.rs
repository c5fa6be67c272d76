//! Test helpers (as kefu-proxy's): real upstreams on loopback (the sandbox, or a stub that records what
//! reaches it), and the proxy driven through `oneshot` with a fake client address.
#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::IntoResponse;
use http_body_util::BodyExt;
use kefu_proxy::{Config, Secret};
use serde_json::Value;
use tower::ServiceExt;

pub const KEY: &str = "proxy-test-key";
pub const SECRET: &str = "s3cr3t-8f1d2c-do-not-leak";
pub const OPERATOR: &str = "op-token-7731";

/// Serves a router on a free loopback port.
pub async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

/// A kefu-sandbox with the test credentials, on loopback.
pub async fn sandbox() -> String {
    let mut config = kefu_sandbox::Config::new(KEY, SECRET);
    config.call_schedule_ms = 0;
    config.call_duration_ms = 0;
    format!("http://{}", serve(kefu_sandbox::app(config)).await)
}

/// What reached the stub upstream.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// How the stub answers.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// `{"code":0,"msg":"success","result":{}}`.
    Ok,
    /// After a delay.
    Slow(Duration),
    /// HTML instead of JSON.
    Garbage,
    /// HTTP 500 with a platform failure body.
    PlatformError,
}

#[derive(Clone)]
struct StubState {
    seen: Arc<Mutex<Vec<Seen>>>,
    behaviour: Behaviour,
}

/// A stub upstream that records every request.
pub async fn stub(behaviour: Behaviour) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let state = StubState { seen: seen.clone(), behaviour };
    let router = Router::new().fallback(stub_handler).with_state(state);
    (format!("http://{}", serve(router).await), seen)
}

async fn stub_handler(State(s): State<StubState>, req: Request) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    s.seen.lock().expect("lock").push(Seen {
        method: parts.method,
        path_and_query: parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_default(),
        headers: parts.headers,
        body,
    });
    let ok = || ([(header::CONTENT_TYPE, "application/json")], r#"{"code":0,"msg":"success","result":{}}"#);
    match s.behaviour {
        Behaviour::Ok => ok().into_response(),
        Behaviour::Slow(d) => {
            tokio::time::sleep(d).await;
            ok().into_response()
        }
        Behaviour::Garbage => ([(header::CONTENT_TYPE, "text/html")], "<html>oops</html>").into_response(),
        Behaviour::PlatformError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"code":-174791,"msg":"错误消息"}"#,
        )
            .into_response(),
    }
}

/// A proxy configuration pointing every family at `upstream`, with one operator token.
pub fn config(upstream: &str) -> Config {
    let mut c = Config::new(KEY, Secret::new(SECRET), upstream);
    c.outbound_url = Some(upstream.to_owned());
    c.callcenter_url = Some(upstream.to_owned());
    c.operator_tokens = vec![Secret::new(OPERATOR)];
    c.upstream_timeout = Duration::from_secs(5);
    c.rate_burst = 10_000;
    c.rate_per_second = 10_000;
    c
}

/// The proxy, as the browser at 203.0.113.7 would reach it.
pub fn proxy(config: Config) -> Router {
    proxy_from(config, SocketAddr::from(([203, 0, 113, 7], 5555)))
}

/// The proxy, as a browser at `client` would reach it (the rate limiter keys on `ConnectInfo`).
pub fn proxy_from(config: Config, client: SocketAddr) -> Router {
    kefu_proxy::app(config).expect("valid config").layer(axum::Extension(ConnectInfo(client)))
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
    pub body: Value,
}

pub async fn send(router: &Router, req: axum::http::Request<Body>) -> Answer {
    let res = router.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.expect("body").to_bytes().to_vec();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer { status, headers, bytes, body }
}

/// A request with an optional operator token and JSON body.
pub fn request(
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> axum::http::Request<Body> {
    let mut b = axum::http::Request::builder().method(method).uri(path);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    match body {
        Some(v) => b.header(header::CONTENT_TYPE, "application/json").body(Body::from(v.to_string())),
        None => b.body(Body::empty()),
    }
    .expect("request")
}

pub fn sid() -> String {
    kefu_protocol::Sid::random().expect("random").to_string()
}

/// A router seen from client `ip`.
pub fn layer_client(router: Router, ip: [u8; 4]) -> Router {
    router.layer(axum::Extension(ConnectInfo(SocketAddr::from((ip, 40000)))))
}

/// The proxy served by the binary's own connection loop (`kefu_proxy::server::serve`) on a free
/// loopback port, until the test ends.
pub async fn serve_proxy(config: Config) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let service = kefu_proxy::service(config).expect("valid config");
    tokio::spawn(kefu_proxy::server::serve(listener, service, std::future::pending()));
    addr
}
