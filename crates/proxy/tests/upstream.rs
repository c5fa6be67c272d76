//! Through the proxy to a real kefu-sandbox: the signature is accepted, a wrong secret or a
//! clock off by more than 300 s is refused; and every way an upstream can fail becomes a clear
//! JSON answer within the timeout.

mod common;

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use common::{Behaviour, OPERATOR, config, proxy, request, send, sid, stub};
use kefu_proxy::{Clock, Secret};
use serde_json::json;

fn start_body() -> serde_json::Value {
    json!({"app_id": "200000000", "bot_id": "134614200106471424", "sid": sid(), "channel": "h5"})
}

#[tokio::test]
async fn the_sandbox_accepts_the_proxys_signature() {
    let sandbox = common::sandbox().await;
    let proxy = proxy(config(&sandbox));
    let a = send(&proxy, request(Method::POST, "/api/v1/gaia/botdm/start", None, Some(start_body()))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["code"], 0);
    assert_eq!(a.body["result"]["cmd"], "evt.say");
    // A whole turn: acknowledge, then talk.
    let sid = a.body["result"]["sid"].as_str().expect("sid").to_owned();
    let mut turn = a.body["result"].clone();
    while turn["cmd"] == "evt.say" {
        let ack = json!({"sid": sid, "cmd": "evt.complete", "text": "", "prompt_id": turn["prompt_id"]});
        turn = send(&proxy, request(Method::POST, "/api/v1/gaia/botdm/trigger", None, Some(ack))).await.body
            ["result"]
            .clone();
    }
    assert_eq!(turn["cmd"], "evt.wait");
    let a = send(
        &proxy,
        request(
            Method::POST,
            "/api/v1/gaia/botdm/trigger",
            None,
            Some(json!({"sid": sid, "cmd": "evt.input", "text": "转人工"})),
        ),
    )
    .await;
    assert!(a.body["result"]["prompt"].as_str().unwrap_or_default().contains("转接"));
    // Operator routes reach the sandbox too, signed.
    let bots = send(
        &proxy,
        request(
            Method::POST,
            "/api/v1/coeus/apiserver/agent/syncprompt",
            Some(OPERATOR),
            Some(json!({"app_id": "200000000"})),
        ),
    )
    .await;
    assert_eq!(bots.body["result"][0]["bot_id"], "134614200106471424");
    let records = send(
        &proxy,
        request(Method::POST, "/api/aicall/records/list", Some(OPERATOR), Some(json!({"callType": "02"}))),
    )
    .await;
    assert_eq!(records.body["total"], 4);
    let wav = send(
        &proxy,
        request(
            Method::GET,
            "/recordings/files?filename=ai_call/2025/08/16/21/2508162111590110001.wav",
            Some(OPERATOR),
            None,
        ),
    )
    .await;
    assert_eq!(wav.status, StatusCode::OK);
    assert_eq!(wav.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("audio/wav"));
    assert_eq!(&wav.bytes[..4], b"RIFF");
    let traversal = send(
        &proxy,
        request(Method::GET, "/recordings/files?filename=../../etc/passwd", Some(OPERATOR), None),
    )
    .await;
    assert_eq!(traversal.status, StatusCode::BAD_REQUEST, "the upstream's refusal is passed on");
}

#[tokio::test]
async fn a_wrong_secret_is_refused_by_the_sandbox() {
    let sandbox = common::sandbox().await;
    let mut c = config(&sandbox);
    c.apisecret = Secret::new("not-the-secret");
    let a =
        send(&proxy(c), request(Method::POST, "/api/v1/gaia/botdm/start", None, Some(start_body()))).await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR, "the platform's failure is relayed as is");
    assert_eq!(a.body["code"], 40104);
}

#[tokio::test]
async fn a_clock_off_by_more_than_300_seconds_is_refused() {
    let sandbox = common::sandbox().await;
    for (offset, ok) in [(-295, true), (295, true), (-310, false), (310, false), (3_600, false)] {
        let mut c = config(&sandbox);
        c.clock = Clock::skewed(offset);
        let a = send(&proxy(c), request(Method::POST, "/api/v1/gaia/botdm/start", None, Some(start_body())))
            .await;
        if ok {
            assert_eq!(a.body["code"], 0, "offset {offset}: {}", a.body);
        } else {
            assert_eq!(
                (a.status, a.body["code"].as_i64()),
                (StatusCode::INTERNAL_SERVER_ERROR, Some(40105)),
                "offset {offset}"
            );
        }
    }
}

#[tokio::test]
async fn an_upstream_that_is_down() {
    // A port that was just free: nothing listens there.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let proxy = proxy(config(&format!("http://{closed}")));
    let started = Instant::now();
    let a = send(&proxy, request(Method::POST, "/api/v1/gaia/botdm/start", None, Some(start_body()))).await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY);
    assert_eq!(a.body["code"], 502);
    assert_eq!(a.body["msg"], "the platform cannot be reached");
    assert!(started.elapsed() < Duration::from_secs(5));
    // Seed 000 errors use its `message` key.
    let a = send(&proxy, request(Method::GET, "/api/v1/outbound-bot/status?caseRef=1", Some(OPERATOR), None))
        .await;
    assert_eq!(a.body["code"], 502);
    assert!(a.body["message"].is_string(), "{}", a.body);
}

#[tokio::test]
async fn a_slow_upstream_times_out() {
    let (upstream, _) = stub(Behaviour::Slow(Duration::from_secs(3))).await;
    let mut c = config(&upstream);
    c.upstream_timeout = Duration::from_millis(300);
    let started = Instant::now();
    let a =
        send(&proxy(c), request(Method::POST, "/api/v1/gaia/botdm/stop", None, Some(json!({"sid": sid()}))))
            .await;
    assert_eq!(a.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(a.body["code"], 504);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "answered within the timeout, not after the upstream"
    );
}

#[tokio::test]
async fn garbage_and_platform_errors() {
    let (upstream, _) = stub(Behaviour::Garbage).await;
    let a = send(
        &proxy(config(&upstream)),
        request(Method::POST, "/api/v1/gaia/botdm/stop", None, Some(json!({"sid": sid()}))),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY);
    assert_eq!(a.body["msg"], "the platform sent an answer the proxy cannot read");
    assert!(
        !String::from_utf8_lossy(&a.bytes).contains("oops"),
        "the upstream's body stays out of the answer"
    );
    let (upstream, _) = stub(Behaviour::PlatformError).await;
    let a = send(
        &proxy(config(&upstream)),
        request(Method::POST, "/api/v1/gaia/botdm/stop", None, Some(json!({"sid": sid()}))),
    )
    .await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(a.body, json!({"code": -174791, "msg": "错误消息"}));
}

#[tokio::test]
async fn body_limits() {
    let (upstream, seen) = stub(Behaviour::Ok).await;
    let proxy = proxy(config(&upstream));
    let big = json!({"app_id": "x".repeat(70 * 1024)});
    let a = send(
        &proxy,
        request(Method::POST, "/api/v1/coeus/apiserver/agent/addtask", Some(OPERATOR), Some(big)),
    )
    .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.body["code"], 413);
    let fits = json!({"app_id": "x".repeat(60 * 1024)});
    let a = send(
        &proxy,
        request(Method::POST, "/api/v1/coeus/apiserver/agent/addtask", Some(OPERATOR), Some(fits)),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    // Uploads may be up to 20 MiB, not more.
    let upload = |size: usize| {
        axum::http::Request::post("/api/v1/coeus/apiserver/agent/outnum")
            .header("authorization", format!("Bearer {OPERATOR}"))
            .header("content-type", "multipart/form-data; boundary=b")
            .body(axum::body::Body::from(vec![b'a'; size]))
            .expect("request")
    };
    assert_eq!(send(&proxy, upload(19 * 1024 * 1024)).await.status, StatusCode::OK);
    assert_eq!(send(&proxy, upload(21 * 1024 * 1024)).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(seen.lock().expect("lock").len(), 2);
}

#[tokio::test]
async fn rate_limit_per_client_ip() {
    let (upstream, _) = stub(Behaviour::Ok).await;
    let mut c = config(&upstream);
    c.rate_per_second = 1;
    c.rate_burst = 3;
    let router = kefu_proxy::app(c).expect("config");
    let from = |ip: [u8; 4]| common::layer_client(router.clone(), ip);
    let (a, b) = (from([198, 51, 100, 1]), from([198, 51, 100, 2]));
    let stop = || request(Method::POST, "/api/v1/gaia/botdm/stop", None, Some(json!({"sid": sid()})));
    for _ in 0..3 {
        assert_eq!(send(&a, stop()).await.status, StatusCode::OK);
    }
    let limited = send(&a, stop()).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.body["code"], 429);
    assert!(limited.headers.contains_key("retry-after"), "{:?}", limited.headers);
    assert_eq!(send(&b, stop()).await.status, StatusCode::OK, "another client is unaffected");
}

/// A stop request claiming, through `header`, to come from `claimed`.
fn stop_forwarded(header: &str, claimed: &str) -> axum::http::Request<axum::body::Body> {
    let mut r = request(Method::POST, "/api/v1/gaia/botdm/stop", None, Some(json!({"sid": sid()})));
    r.headers_mut().insert(
        axum::http::HeaderName::from_bytes(header.as_bytes()).expect("name"),
        claimed.parse().expect("value"),
    );
    r
}

#[tokio::test]
async fn forwarded_addresses_from_an_untrusted_peer_are_ignored() {
    let (upstream, _) = stub(Behaviour::Ok).await;
    let mut c = config(&upstream);
    (c.rate_per_second, c.rate_burst) = (1, 1);
    c.trusted_proxies = vec!["10.0.0.0/8".parse().expect("cidr")];
    let peer = common::layer_client(kefu_proxy::app(c).expect("config"), [198, 51, 100, 20]);
    assert_eq!(send(&peer, stop_forwarded("x-forwarded-for", "192.0.2.1")).await.status, StatusCode::OK);
    for (header, spoofed) in [("x-forwarded-for", "192.0.2.2"), ("forwarded", "for=192.0.2.3")] {
        let a = send(&peer, stop_forwarded(header, spoofed)).await;
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{header}: {spoofed} is the same untrusted peer");
    }
}

#[tokio::test]
async fn forwarded_clients_of_a_trusted_proxy_get_their_own_buckets() {
    let (upstream, seen) = stub(Behaviour::Ok).await;
    let mut c = config(&upstream);
    (c.rate_per_second, c.rate_burst) = (1, 1);
    c.trusted_proxies = vec!["10.0.0.0/8".parse().expect("cidr")];
    let balancer = common::layer_client(kefu_proxy::app(c).expect("config"), [10, 1, 2, 3]);
    assert_eq!(send(&balancer, stop_forwarded("x-forwarded-for", "192.0.2.1")).await.status, StatusCode::OK);
    assert_eq!(send(&balancer, stop_forwarded("x-forwarded-for", "192.0.2.2")).await.status, StatusCode::OK);
    assert_eq!(send(&balancer, stop_forwarded("forwarded", "for=192.0.2.3")).await.status, StatusCode::OK);
    let again = send(&balancer, stop_forwarded("x-forwarded-for", "192.0.2.1")).await;
    assert_eq!(again.status, StatusCode::TOO_MANY_REQUESTS, "the first client's bucket is its own");
    // A client cannot escape its bucket by prepending addresses: the balancer appends the real one.
    let prepended = send(&balancer, stop_forwarded("x-forwarded-for", "203.0.113.99, 192.0.2.2")).await;
    assert_eq!(prepended.status, StatusCode::TOO_MANY_REQUESTS);
    // The forwarding headers themselves never travel upstream.
    assert!(seen.lock().expect("lock").iter().all(|s| !s.headers.contains_key("x-forwarded-for")));
}

#[tokio::test]
async fn a_rate_above_one_per_millisecond_is_honoured() {
    // At 100,000/s one request's quota comes back every 10 µs: with a burst of one, requests
    // 200 µs apart all pass (a limiter rounding the rate to 1/ms would refuse most of them).
    let (upstream, _) = stub(Behaviour::Ok).await;
    let mut c = config(&upstream);
    c.rate_per_second = 100_000;
    c.rate_burst = 1;
    let client = common::layer_client(kefu_proxy::app(c).expect("config"), [198, 51, 100, 3]);
    for i in 0..20 {
        std::thread::sleep(Duration::from_micros(200));
        let answer = send(
            &client,
            request(Method::POST, "/api/v1/gaia/botdm/stop", None, Some(json!({"sid": sid()}))),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "request {i}");
    }
}

#[tokio::test]
async fn concurrency_limit_sheds_load() {
    let (upstream, _) = stub(Behaviour::Slow(Duration::from_millis(500))).await;
    let mut c = config(&upstream);
    c.max_concurrency = 1;
    let proxy = proxy(c);
    let stop = || request(Method::POST, "/api/v1/gaia/botdm/stop", None, Some(json!({"sid": sid()})));
    let (first, second) = tokio::join!(send(&proxy, stop()), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        send(&proxy, stop()).await
    });
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(second.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(second.body["code"], 503);
}
