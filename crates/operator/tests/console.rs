//! What the operators' console needs besides the platform's routes (kefu-operator, mounted by
//! the proxy through `kefu_proxy::console::mounts`): signed, short-lived recording links and the
//! recordings streamed through them with `Range`, refusing altered, expired and other-file links
//! and every URL outside the deployment's hosts (SSRF); the deployment's callback addresses; and
//! a simulated inbound call in a sandbox deployment only.

// The proxy's own test helpers, shared rather than copied: these routes are tested as the proxy
// mounts them.
#[path = "../../proxy/tests/common/mod.rs"]
mod common;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use common::{Answer, Behaviour, OPERATOR, config, send, serve, stub};
use kefu_proxy::{Clock, Config, Secret};
use serde_json::{Value, json};

const KEY: &str = "a recording-link key of at least 32 bytes";
/// A seed 001 recording the sandbox holds (seeded record).
const CC_FILE: &str = "/recordings/files?filename=ai_call/2025/08/16/21/2508162111590110001.wav";
const CALLBACK_TOKEN: &str = "5f0c9e2a7b1d4c38a6e2f91b0d7c3e54";

/// The proxy with the console's mounts (and, with a receiver, the callback routes), as the
/// browser at 203.0.113.7 reaches it.
fn console(config: Config, receiver: Option<&kefu_callbacks::Receiver>) -> Router {
    let mut mounts = kefu_proxy::console::mounts(&config, receiver).expect("mounts");
    if let Some(r) = receiver {
        mounts.push(kefu_proxy::Mount::new(
            "results",
            "/kefu/v1",
            kefu_proxy::mount::Access::Operator,
            r.results_router(),
        ));
    }
    let service = kefu_proxy::service_with_mounts(config, mounts).expect("valid config");
    Router::new()
        .fallback_service(service)
        .layer(axum::Extension(ConnectInfo(SocketAddr::from(([203, 0, 113, 7], 5555)))))
}

/// A SQLite callback store in `dir`.
async fn store(dir: &tempfile::TempDir) -> kefu_callbacks::Store {
    kefu_callbacks::Store::open(&format!("sqlite:{}", dir.path().join("kefu.db").display()))
        .await
        .expect("store")
}

/// A callback receiver for the tenant `shop` (token [`CALLBACK_TOKEN`]) over a store in `dir`.
async fn receiver(dir: &tempfile::TempDir) -> kefu_callbacks::Receiver {
    let settings = kefu_callbacks::Settings::new(
        kefu_callbacks::settings::parse_tokens(&format!("shop:{CALLBACK_TOKEN}")).expect("token"),
    )
    .expect("settings");
    kefu_callbacks::Receiver::new(settings, store(dir).await)
}

fn keyed(upstream: &str) -> Config {
    let mut c = config(upstream);
    c.recording_key = Some(Secret::new(KEY));
    c
}

fn req(
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    range: Option<&str>,
) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path).header(header::HOST, "kefu.test:8080");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(r) = range {
        b = b.header(header::RANGE, r);
    }
    match body {
        Some(v) => b.header(header::CONTENT_TYPE, "application/json").body(Body::from(v.to_string())),
        None => b.body(Body::empty()),
    }
    .expect("request")
}

async fn link(router: &Router, body: Value) -> Answer {
    send(router, req(Method::POST, "/kefu/v1/recording-links", Some(OPERATOR), Some(body), None)).await
}

async fn link_path(router: &Router, body: Value) -> String {
    let a = link(router, body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.body["url"].as_str().expect("url").to_owned()
}

async fn play(router: &Router, method: Method, path: &str, range: Option<&str>) -> Answer {
    send(router, req(method, path, None, None, range)).await
}

fn h(a: &Answer, name: header::HeaderName) -> &str {
    a.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

fn refused(a: &Answer, status: StatusCode, says: &str) {
    assert_eq!(a.status, status, "{:?}", a.body);
    assert_eq!(a.body["code"], status.as_u16(), "{:?}", a.body);
    let msg = a.body["msg"].as_str().unwrap_or_default();
    assert!(msg.contains(says), "{msg:?} should say {says:?}");
}

/// A host serving one file and ignoring `Range` (always the whole file, 200), counting requests.
async fn plain_host(file: Vec<u8>) -> (String, Arc<Mutex<usize>>) {
    let hits = Arc::new(Mutex::new(0));
    let counter = hits.clone();
    let router = Router::new().fallback(get(move || {
        let file = file.clone();
        let counter = counter.clone();
        async move {
            *counter.lock().expect("lock") += 1;
            ([(header::CONTENT_TYPE, "application/octet-stream")], file).into_response()
        }
    }));
    (format!("http://{}", serve(router).await), hits)
}

#[tokio::test]
async fn a_link_streams_the_recording_with_ranges_and_head() {
    let sandbox = common::sandbox().await;
    let router = console(keyed(&sandbox), None);
    let direct = reqwest_like_get(&format!("{sandbox}{CC_FILE}")).await;
    let len = direct.len();
    assert!(len > 1000);

    let answer = link(&router, json!({"url": format!("{sandbox}{CC_FILE}")})).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let path = answer.body["url"].as_str().expect("url").to_owned();
    assert!(path.starts_with("/kefu/v1/recordings/"), "{path}");
    assert_eq!(answer.body["expires_in"], 300);
    assert!(answer.body["expires_at"].as_i64().expect("ms") > 1_700_000_000_000);
    assert!(!path.contains(OPERATOR));

    // The whole file, without the operator token.
    let full = play(&router, Method::GET, &path, None).await;
    assert_eq!(full.status, StatusCode::OK);
    assert_eq!(full.bytes, direct);
    assert_eq!(h(&full, header::CONTENT_TYPE), "audio/wav");
    assert_eq!(h(&full, header::ACCEPT_RANGES), "bytes");
    assert_eq!(h(&full, header::CONTENT_LENGTH), len.to_string());
    assert_eq!(h(&full, header::X_CONTENT_TYPE_OPTIONS), "nosniff");

    let first = play(&router, Method::GET, &path, Some("bytes=0-99")).await;
    assert_eq!(first.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(h(&first, header::CONTENT_RANGE), format!("bytes 0-99/{len}"));
    assert_eq!(h(&first, header::CONTENT_LENGTH), "100");
    assert_eq!(first.bytes, direct[..100]);

    let suffix = play(&router, Method::GET, &path, Some("bytes=-64")).await;
    assert_eq!(suffix.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(h(&suffix, header::CONTENT_RANGE), format!("bytes {}-{}/{len}", len - 64, len - 1));
    assert_eq!(suffix.bytes, direct[len - 64..]);

    let open = play(&router, Method::GET, &path, Some("bytes=4000-")).await;
    assert_eq!(open.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(open.bytes, direct[4000..]);

    let past = play(&router, Method::GET, &path, Some(&format!("bytes={len}-"))).await;
    assert_eq!(past.status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(h(&past, header::CONTENT_RANGE), format!("bytes */{len}"));

    let head = play(&router, Method::HEAD, &path, None).await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(h(&head, header::CONTENT_LENGTH), len.to_string());
    assert_eq!(h(&head, header::ACCEPT_RANGES), "bytes");
    assert_eq!(h(&head, header::CONTENT_TYPE), "audio/wav");
    assert!(head.bytes.is_empty());
    let head_range = play(&router, Method::HEAD, &path, Some("bytes=10-19")).await;
    assert_eq!(head_range.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(h(&head_range, header::CONTENT_RANGE), format!("bytes 10-19/{len}"));
    assert!(head_range.bytes.is_empty());

    // Another method on a link: the usual JSON 404.
    assert_eq!(play(&router, Method::POST, &path, None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_host_that_ignores_range_is_cut_to_the_range_here() {
    let file: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    let (host, hits) = plain_host(file.clone()).await;
    let mut c = keyed("http://127.0.0.1:9");
    c.recording_hosts = vec![host.clone()];
    let router = console(c, None);
    let path =
        link_path(&router, json!({"url": format!("{host}/exported/e938.mp3?Expires=1&Signature=a%2Bb%3D")}))
            .await;

    let full = play(&router, Method::GET, &path, None).await;
    assert_eq!((full.status, full.bytes.len()), (StatusCode::OK, 10_000));
    assert_eq!(h(&full, header::CONTENT_TYPE), "audio/mpeg", "by the file name, not octet-stream");
    let part = play(&router, Method::GET, &path, Some("bytes=9000-9099")).await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(h(&part, header::CONTENT_RANGE), "bytes 9000-9099/10000");
    assert_eq!(part.bytes, file[9000..9100]);
    let suffix = play(&router, Method::GET, &path, Some("bytes=-20000")).await;
    assert_eq!((suffix.status, suffix.bytes.len()), (StatusCode::PARTIAL_CONTENT, 10_000));
    let past = play(&router, Method::GET, &path, Some("bytes=10000-")).await;
    assert_eq!(past.status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(h(&past, header::CONTENT_RANGE), "bytes */10000");
    let head = play(&router, Method::HEAD, &path, None).await;
    assert_eq!((head.status, h(&head, header::CONTENT_LENGTH)), (StatusCode::OK, "10000"));
    assert!(head.bytes.is_empty());
    assert_eq!(*hits.lock().expect("lock"), 5);
}

#[tokio::test]
async fn links_by_call_id_play_the_stored_recording() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().expect("dir");
    let store = store(&dir).await;
    let push: kefu_protocol::callbacks::CallRecordPush = serde_json::from_value(json!({
        "task_id": "t1", "task_name": "回访", "call_sn": "sn1", "bot_id": "b1", "bot_name": "b",
        "calls": [
            {"call_id": "c1", "num": "13800000001", "state": 785, "duration": 5, "record_url": CC_FILE},
            {"call_id": "c2", "num": "13800000002", "state": 775},
            {"call_id": "c3", "num": "13800000003", "state": 785, "duration": 5,
             "record_url": "http://169.254.169.254/latest/a.wav"}
        ]
    }))
    .expect("push");
    store.store_calls("shop", &push).await.expect("stored");
    let settings = kefu_callbacks::Settings::new(
        kefu_callbacks::settings::parse_tokens(&format!("shop:{CALLBACK_TOKEN}")).expect("token"),
    )
    .expect("settings");
    let receiver = kefu_callbacks::Receiver::new(settings, store);
    let router = console(keyed(&sandbox), Some(&receiver));

    // The relative record_url is joined to the recording base (the platform URL by default).
    let path = link_path(&router, json!({"call_id": "c1"})).await;
    let full = play(&router, Method::GET, &path, Some("bytes=0-3")).await;
    assert_eq!((full.status, full.bytes.as_slice()), (StatusCode::PARTIAL_CONTENT, b"RIFF".as_slice()));
    refused(&link(&router, json!({"call_id": "nope"})).await, StatusCode::NOT_FOUND, "no call");
    refused(&link(&router, json!({"call_id": "c2"})).await, StatusCode::NOT_FOUND, "no recording");
    refused(&link(&router, json!({"call_id": "c3"})).await, StatusCode::BAD_REQUEST, "KEFU_RECORDING_HOSTS");
    refused(&link(&router, json!({})).await, StatusCode::BAD_REQUEST, "exactly one");
    refused(
        &link(&router, json!({"call_id": "c1", "url": "x"})).await,
        StatusCode::BAD_REQUEST,
        "exactly one",
    );
    refused(
        &send(&router, req(Method::POST, "/kefu/v1/recording-links", Some(OPERATOR), None, None)).await,
        StatusCode::BAD_REQUEST,
        "not a recording link request",
    );
    // The results routes still answer under /kefu/v1 beside the console's.
    let tasks = send(&router, req(Method::GET, "/kefu/v1/tasks", Some(OPERATOR), None, None)).await;
    assert_eq!(tasks.body["tasks"][0]["task_id"], "t1", "{}", tasks.body);

    // Without a store, a call cannot be looked up.
    let bare = console(keyed(&sandbox), None);
    refused(&link(&bare, json!({"call_id": "c1"})).await, StatusCode::BAD_REQUEST, "KEFU_STORE");
}

#[tokio::test]
async fn altered_expired_and_other_file_links_are_refused() {
    let sandbox = common::sandbox().await;
    let router = console(keyed(&sandbox), None);
    let a = link_path(&router, json!({"url": format!("{sandbox}{CC_FILE}")})).await;
    let other_file =
        format!("{sandbox}/recordings/files?filename=ai_call/2025/08/16/21/2508162111300110001.wav");
    let b = link_path(&router, json!({"url": other_file})).await;
    assert_eq!(play(&router, Method::GET, &b, None).await.status, StatusCode::OK);

    let segment = |p: &str| p.rsplit('/').next().expect("segment").to_owned();
    let (sa, sb) = (segment(&a), segment(&b));
    let pa: Vec<&str> = sa.split('.').collect();
    let pb: Vec<&str> = sb.split('.').collect();
    let later = pa[1].parse::<i64>().expect("expiry") + 3600;
    for forged in [
        // Another file under this link's MAC.
        format!("u.{}.{}.{}", pa[1], pb[2], pa[3]),
        // A later expiry.
        format!("u.{later}.{}.{}", pa[2], pa[3]),
        // A flipped MAC character.
        format!("u.{}.{}.{}{}", pa[1], pa[2], if pa[3].starts_with('A') { 'B' } else { 'A' }, &pa[3][1..]),
        // Not a link at all.
        "nothing".to_owned(),
    ] {
        let answer = play(&router, Method::GET, &format!("/kefu/v1/recordings/{forged}"), None).await;
        refused(&answer, StatusCode::FORBIDDEN, "ask for a new one");
        assert_ne!(h(&answer, header::CONTENT_TYPE), "audio/wav");
    }
    // Steps out of the links, however spelt: refused as links, never another route's answer.
    for traversal in [
        "/kefu/v1/recordings/../tasks".to_owned(),
        "/kefu/v1/recordings/%2e%2e/tasks".to_owned(),
        format!("{a}/../../tasks"),
        format!("{a}/x"),
        "/kefu/v1/recordings".to_owned(),
        "/kefu/v1/recordings/".to_owned(),
    ] {
        refused(&play(&router, Method::GET, &traversal, None).await, StatusCode::FORBIDDEN, "not valid");
    }

    // Another proxy with the same key plays the link; one with another key does not.
    let twin = console(keyed(&sandbox), None);
    assert_eq!(play(&twin, Method::GET, &a, None).await.status, StatusCode::OK);
    let mut other = config(&sandbox);
    other.recording_key = Some(Secret::new("another key, also longer than 32 bytes"));
    refused(&play(&console(other, None), Method::GET, &a, None).await, StatusCode::FORBIDDEN, "not valid");
    // Without a key set, each process makes its own.
    let (one, two) = (console(config(&sandbox), None), console(config(&sandbox), None));
    let made = link_path(&one, json!({"url": format!("{sandbox}{CC_FILE}")})).await;
    assert_eq!(play(&one, Method::GET, &made, None).await.status, StatusCode::OK);
    refused(&play(&two, Method::GET, &made, None).await, StatusCode::FORBIDDEN, "not valid");

    // Five minutes and a second later (the same key, the clock moved on): expired.
    let mut later = keyed(&sandbox);
    later.clock = Clock::skewed(301);
    refused(&play(&console(later, None), Method::GET, &a, None).await, StatusCode::FORBIDDEN, "expired");
    // A shorter lifetime is a setting.
    let mut short = keyed(&sandbox);
    short.recording_link_ttl = std::time::Duration::from_secs(60);
    let answer = link(&console(short, None), json!({"url": format!("{sandbox}{CC_FILE}")})).await;
    assert_eq!(answer.body["expires_in"], 60);
}

#[tokio::test]
async fn only_recordings_of_this_deployments_hosts_are_fetched() {
    // A host outside the deployment, which must never be asked for anything.
    let (outside, seen) = stub(Behaviour::Ok).await;
    let sandbox = common::sandbox().await;
    let router = console(keyed(&sandbox), None);
    let port = sandbox.rsplit(':').next().expect("port");
    for url in [
        format!("{outside}/a.wav"),
        "http://169.254.169.254/latest/meta-data/a.wav".to_owned(),
        format!("http://localhost:{port}{CC_FILE}"),
        format!("http://user:pw@127.0.0.1:{port}{CC_FILE}"),
        format!("http://127.0.0.1:{port}@{}/a.wav", outside.trim_start_matches("http://")),
        format!("https://127.0.0.1:{port}{CC_FILE}"),
        format!("{sandbox}/recordings/files?filename=../../etc/passwd.wav"),
        format!("{sandbox}/recordings/files?filename=ai_call%2F..%2F..%2Fpasswd.wav"),
        format!("{sandbox}/recordings/files?filename=/etc/passwd.wav"),
        format!("{sandbox}/sandbox/../recordings/files?filename=ai_call/a.wav"),
        format!("{sandbox}/api/aicall/records/list"),
        format!("{sandbox}/healthz"),
        "file:///etc/passwd".to_owned(),
        "/sandbox/recordings/1.wav".to_owned(),
    ] {
        refused(&link(&router, json!({ "url": url })).await, StatusCode::BAD_REQUEST, "not fetched");
    }
    assert!(seen.lock().expect("lock").is_empty(), "the outside host was never asked");
}

#[tokio::test]
async fn operator_routes_refuse_without_the_token() {
    let sandbox = common::sandbox().await;
    let mut c = keyed(&sandbox);
    c.sandbox_url = Some(sandbox.clone());
    let router = console(c, None);
    for (method, path, body) in [
        (Method::POST, "/kefu/v1/recording-links", Some(json!({"url": format!("{sandbox}{CC_FILE}")}))),
        (Method::GET, "/kefu/v1/deployment", None),
        (Method::POST, "/kefu/v1/sandbox/inbound", Some(json!({"caller": "13800000000"}))),
    ] {
        for token in [None, Some("wrong-token")] {
            let answer = send(&router, req(method.clone(), path, token, body.clone(), None)).await;
            refused(&answer, StatusCode::UNAUTHORIZED, "operator token");
        }
    }
}

#[tokio::test]
async fn the_deployment_names_its_callback_addresses() {
    let dir = tempfile::tempdir().expect("dir");
    let receiver = receiver(&dir).await;
    let mut c = keyed("http://127.0.0.1:9");
    c.outbound_url = None;
    let router = console(c.clone(), Some(&receiver));
    let d = send(&router, req(Method::GET, "/kefu/v1/deployment", Some(OPERATOR), None, None)).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    assert_eq!(
        d.body,
        json!({
            "public_url": "http://kefu.test:8080",
            "callbacks": [{
                "label": "shop",
                "team_url": format!("http://kefu.test:8080/callbacks/{CALLBACK_TOKEN}"),
                "inbound_url": format!("http://kefu.test:8080/callbacks/{CALLBACK_TOKEN}/inbound"),
            }],
            "results": true, "outbound": false, "callcenter": true, "sandbox": false,
            "recording_link_secs": 300,
        })
    );
    // Behind a reverse proxy: KEFU_PUBLIC_URL.
    c.public_url = Some("https://kefu.example.com/".into());
    let router = console(c, Some(&receiver));
    let d = send(&router, req(Method::GET, "/kefu/v1/deployment", Some(OPERATOR), None, None)).await;
    assert_eq!(
        d.body["callbacks"][0]["team_url"],
        format!("https://kefu.example.com/callbacks/{CALLBACK_TOKEN}")
    );
    // Without a store: no callback addresses, no results.
    let d = send(
        &console(keyed("http://127.0.0.1:9"), None),
        req(Method::GET, "/kefu/v1/deployment", Some(OPERATOR), None, None),
    )
    .await;
    assert_eq!((d.body["callbacks"].clone(), d.body["results"].clone()), (json!([]), json!(false)));
}

#[tokio::test]
async fn a_simulated_inbound_call_goes_to_the_sandbox_only() {
    // The §9 lookup the sandbox asks, and a "real platform" that must see nothing.
    let lookup = serve(Router::new().fallback(|| async {
        axum::Json(json!({"code": 0, "msg": "success", "prompt": "您好张三，欢迎来电", "transfer": null}))
    }))
    .await;
    let (platform, seen) = stub(Behaviour::Ok).await;
    let mut sandbox_config = kefu_sandbox::Config::new(common::KEY, common::SECRET);
    sandbox_config.inbound_url = Some(format!("http://{lookup}/callbacks/x/inbound"));
    let sandbox = format!("http://{}", serve(kefu_sandbox::app(sandbox_config)).await);

    let mut c = keyed(&platform);
    let plain = console(c.clone(), None);
    let off = send(
        &plain,
        req(
            Method::POST,
            "/kefu/v1/sandbox/inbound",
            Some(OPERATOR),
            Some(json!({"caller": "13800000000"})),
            None,
        ),
    )
    .await;
    refused(&off, StatusCode::NOT_FOUND, "no such endpoint");

    c.sandbox_url = Some(sandbox);
    let router = console(c, None);
    let on = send(
        &router,
        req(
            Method::POST,
            "/kefu/v1/sandbox/inbound",
            Some(OPERATOR),
            Some(json!({"caller": " 13800000000 "})),
            None,
        ),
    )
    .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    assert_eq!(on.body["code"], 0, "{}", on.body);
    assert_eq!(
        on.body["result"],
        json!({"caller": "13800000000", "action": "say", "prompt": "您好张三，欢迎来电"})
    );
    for bad in [json!({"caller": ""}), json!({"caller": "1; DROP"}), json!({"nobody": 1})] {
        let a = send(
            &router,
            req(Method::POST, "/kefu/v1/sandbox/inbound", Some(OPERATOR), Some(bad.clone()), None),
        )
        .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}: {}", a.body);
    }
    let d = send(&router, req(Method::GET, "/kefu/v1/deployment", Some(OPERATOR), None, None)).await;
    assert_eq!(d.body["sandbox"], true);
    assert!(seen.lock().expect("lock").is_empty(), "nothing went to the platform");
}

#[tokio::test]
async fn head_keeps_its_length_through_the_serving_loop() {
    let sandbox = common::sandbox().await;
    let c = keyed(&sandbox);
    let router = console(c.clone(), None);
    let path = link_path(&router, json!({"url": format!("{sandbox}{CC_FILE}")})).await;
    let len = reqwest_like_get(&format!("{sandbox}{CC_FILE}")).await.len();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let service =
        kefu_proxy::service_with_mounts(c.clone(), kefu_proxy::console::mounts(&c, None).expect("mounts"))
            .expect("valid");
    tokio::spawn(kefu_proxy::server::serve(listener, service, std::future::pending()));
    let head = tokio::task::spawn_blocking(move || {
        raw(addr, &format!("HEAD {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
    })
    .await
    .expect("joined");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.to_ascii_lowercase().contains(&format!("content-length: {len}\r\n")), "{head}");
    assert!(head.ends_with("\r\n\r\n"), "no body after a HEAD: {head}");
}

/// One raw HTTP/1.1 exchange; the whole answer as text.
fn raw(addr: SocketAddr, request: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).expect("connects");
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("timeout");
    s.write_all(request.as_bytes()).expect("writes");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// A GET straight to a URL (the sandbox), for comparison.
async fn reqwest_like_get(url: &str) -> Vec<u8> {
    let rest = url.strip_prefix("http://").expect("http");
    let (host, path) = rest.split_once('/').expect("path");
    let addr: SocketAddr = host.parse().expect("addr");
    let request = format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    let answer = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).expect("connects");
        s.write_all(request.as_bytes()).expect("writes");
        let mut out = Vec::new();
        s.read_to_end(&mut out).expect("reads");
        out
    })
    .await
    .expect("joined");
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").expect("head") + 4;
    let head = String::from_utf8_lossy(&answer[..split]).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200") && head.contains("content-length"), "{head}");
    answer[split..].to_vec()
}

/// A kefu-sandbox that knows its own address (the recording URLs it hands out point to it).
async fn addressed_sandbox() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let mut config = kefu_sandbox::Config::new(common::KEY, common::SECRET);
    config.call_schedule_ms = 0;
    config.call_duration_ms = 0;
    config.public_url = url.clone();
    let app = kefu_sandbox::app(config);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

#[tokio::test]
async fn the_sandboxs_seed_000_and_001_recording_urls_play_through_links() {
    let sandbox = addressed_sandbox().await;
    let router = console(keyed(&sandbox), None);
    let op = |method: Method, path: &str, body: Option<Value>| req(method, path, Some(OPERATOR), body, None);

    // Seed 000: place calls, read their logs, play a recordUrl (signed-looking, kept byte for byte).
    let placed = send(
        &router,
        op(
            Method::POST,
            "/api/v1/outbound-bot/call-v2",
            Some(json!({"caseId": "c-rec", "mediationId": "1", "callAuto": 0, "callPersonId": "p1,p2,p3,p4,p5,p6"})),
        ),
    )
    .await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.body);
    let logs =
        send(&router, op(Method::GET, "/api/v1/outbound-bot/conversation-log?caseId=c-rec", None)).await;
    let record_url = logs.body["data"]
        .as_array()
        .expect("logs")
        .iter()
        .filter_map(|l| l["recordUrl"].as_str())
        .find(|u| !u.is_empty())
        .expect("an answered call with a recording")
        .to_owned();
    assert!(record_url.contains("%2B") && record_url.contains("%3D"), "{record_url}");
    let path = link_path(&router, json!({ "url": record_url })).await;
    let part = play(&router, Method::GET, &path, Some("bytes=0-11")).await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(&part.bytes[..4], b"RIFF");
    assert_eq!(&part.bytes[8..12], b"WAVE");

    // Seed 001: records with a wavFileUrl.
    let records = send(
        &router,
        op(Method::POST, "/api/aicall/records/list", Some(json!({"callType": "02", "pageSize": 50}))),
    )
    .await;
    let wav_urls: Vec<String> = records.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["wavFileUrl"].as_str())
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .collect();
    assert!(!wav_urls.is_empty(), "{}", records.body);
    for url in wav_urls {
        assert!(url.starts_with(&sandbox), "{url}");
        let path = link_path(&router, json!({ "url": url })).await;
        let head = play(&router, Method::HEAD, &path, None).await;
        assert_eq!(head.status, StatusCode::OK);
        let len: usize = h(&head, header::CONTENT_LENGTH).parse().expect("length");
        assert!(len >= 44 + 3 * 16_000, "a few seconds of audio: {len} bytes");
        let tail = play(&router, Method::GET, &path, Some("bytes=-2")).await;
        assert_eq!((tail.status, tail.bytes.len()), (StatusCode::PARTIAL_CONTENT, 2));
    }
}

/// A multipart outnum body for `numbers`, and its content type.
fn outnum_body(task_id: &str, numbers: &[String]) -> (String, Vec<u8>) {
    let boundary = "-----console-test-boundary";
    let mut csv = String::from("phone\n");
    for n in numbers {
        csv.push_str(&format!("{n}\n"));
    }
    let mut body = Vec::new();
    for (name, value) in [
        ("app_id", "200000000"),
        ("task_id", task_id),
        ("call_count", "1"),
        ("file_suffix", "csv"),
        ("disnum_group_id", "g-1"),
    ] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"n.csv\"\r\n\r\n{csv}\r\n--{boundary}--\r\n")
            .as_bytes(),
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_call_pushed_by_the_sandbox_plays_by_its_call_id() {
    // The sandbox as the platform, pushing to the team_url the deployment route gives.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let sandbox_url = format!("http://{}", listener.local_addr().expect("addr"));
    let mut sandbox_config = kefu_sandbox::Config::new(common::KEY, common::SECRET);
    sandbox_config.public_url = sandbox_url.clone();
    sandbox_config.dial_interval_ms = 0;
    sandbox_config.retry_scale = 0.01;
    let app = kefu_sandbox::app(sandbox_config);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let dir = tempfile::tempdir().expect("dir");
    let receiver = receiver(&dir).await;
    let c = keyed(&sandbox_url);
    let mut mounts = kefu_proxy::console::mounts(&c, Some(&receiver)).expect("mounts");
    mounts.push(kefu_proxy::Mount::new(
        "callbacks",
        "/callbacks",
        kefu_proxy::mount::Access::Public,
        receiver.push_router(),
    ));
    mounts.push(kefu_proxy::Mount::new(
        "results",
        "/kefu/v1",
        kefu_proxy::mount::Access::Operator,
        receiver.results_router(),
    ));
    let service = kefu_proxy::service_with_mounts(c, mounts).expect("valid");
    let proxy_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let proxy_addr = proxy_listener.local_addr().expect("addr");
    tokio::spawn(kefu_proxy::server::serve(proxy_listener, service.clone(), std::future::pending()));
    let router = Router::new()
        .fallback_service(service)
        .layer(axum::Extension(ConnectInfo(SocketAddr::from(([203, 0, 113, 7], 5555)))));
    let op = |method: Method, path: &str| {
        Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, proxy_addr.to_string())
            .header(header::AUTHORIZATION, format!("Bearer {OPERATOR}"))
    };

    let deployment =
        send(&router, op(Method::GET, "/kefu/v1/deployment").body(Body::empty()).expect("request")).await;
    let team_url = deployment.body["callbacks"][0]["team_url"].as_str().expect("team_url").to_owned();
    assert_eq!(team_url, format!("http://{proxy_addr}/callbacks/{CALLBACK_TOKEN}"));
    let task = send(
        &router,
        op(Method::POST, "/api/v1/coeus/apiserver/agent/addtask")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"app_id": "200000000", "task_name": "回访", "bot_id": "134614200106471424", "voice": "aixia",
                       "disnumber": "02188886666", "is_record": 2, "team_url": team_url})
                .to_string(),
            ))
            .expect("request"),
    )
    .await;
    let task_id =
        task.body["result"]["task_id"].as_str().unwrap_or_else(|| panic!("{}", task.body)).to_owned();
    let numbers: Vec<String> = (0..6).map(|i| format!("1380013{i:04}")).collect();
    let (content_type, body) = outnum_body(&task_id, &numbers);
    let upload = send(
        &router,
        op(Method::POST, "/api/v1/coeus/apiserver/agent/outnum")
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .expect("request"),
    )
    .await;
    assert_eq!(upload.body["code"], 0, "{}", upload.body);

    // The sandbox calls the numbers and pushes them here; an answered call has a recording.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let call_id = loop {
        let page = send(
            &router,
            op(Method::GET, &format!("/kefu/v1/tasks/{task_id}/calls?answered=true"))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
        if let Some(id) = page.body["rows"].as_array().and_then(|rows| {
            rows.iter()
                .find(|r| r["recording"].as_str().is_some_and(|u| u.starts_with("/sandbox/recordings/")))
        }) {
            break id["call_id"].as_str().expect("call_id").to_owned();
        }
        assert!(std::time::Instant::now() < deadline, "no answered call arrived: {}", page.body);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let path = link_path(&router, json!({ "call_id": call_id })).await;
    let head = play(&router, Method::HEAD, &path, None).await;
    assert_eq!(head.status, StatusCode::OK);
    let len: usize = h(&head, header::CONTENT_LENGTH).parse().expect("length");
    let all = play(&router, Method::GET, &path, None).await;
    assert_eq!(all.bytes.len(), len);
    assert_eq!(&all.bytes[..4], b"RIFF");
    let seek = play(&router, Method::GET, &path, Some(&format!("bytes={}-", len / 2))).await;
    assert_eq!(seek.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(seek.bytes, all.bytes[len / 2..]);
}
