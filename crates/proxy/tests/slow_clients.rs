//! Slow and abusive clients, through the binary's own serving loop (`kefu_proxy::server::serve`)
//! on loopback: half-sent and trickled heads, idle keep-alive connections and slow bodies are
//! cut off, connections beyond the caps are refused, and a legitimate client is served while
//! 2,000 slow ones hold connections open.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{Behaviour, config, sandbox, stub};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the peer closes (or resets) the connection, at most `limit`; what arrived.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let closed = tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    closed.ok().map(|()| String::from_utf8_lossy(&out).into_owned())
}

/// A one-off `GET` with `Connection: close`; the whole answer.
async fn get(addr: SocketAddr, path: &str) -> String {
    let mut s = TcpStream::connect(addr).await.expect("connects");
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .expect("writes");
    read_until_closed(&mut s, Duration::from_secs(5)).await.expect("answered and closed")
}

/// A one-off JSON `POST` with `Connection: close`; the whole answer.
async fn post(addr: SocketAddr, path: &str, body: &str) -> String {
    let mut s = TcpStream::connect(addr).await.expect("connects");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(request.as_bytes()).await.expect("writes");
    read_until_closed(&mut s, Duration::from_secs(5)).await.expect("answered and closed")
}

/// The value of `kefu_proxy_clients_cut_total{reason}` in `/metrics`.
async fn cuts(addr: SocketAddr, reason: &str) -> u64 {
    metric(addr, &format!("kefu_proxy_clients_cut_total{{reason=\"{reason}\"}}")).await
}

async fn metric(addr: SocketAddr, name: &str) -> u64 {
    let text = get(addr, "/metrics").await;
    text.lines()
        .find_map(|line| line.strip_prefix(name).map(|v| v.trim().parse::<f64>().expect("a number") as u64))
        .unwrap_or_else(|| panic!("{name} is not in /metrics: {text}"))
}

/// A proxy in front of `upstream` with generous limits, each test changing (`tune`) only those it
/// is about; where it listens.
async fn patient_proxy(upstream: &str, tune: impl FnOnce(&mut kefu_proxy::Config)) -> std::net::SocketAddr {
    let mut c = config(upstream);
    c.header_read_timeout = Duration::from_secs(30);
    c.idle_timeout = Duration::from_secs(30);
    c.body_read_timeout = Duration::from_secs(30);
    tune(&mut c);
    common::serve_proxy(c).await
}

#[tokio::test]
async fn a_half_sent_request_line_is_closed_after_the_header_timeout() {
    let (upstream, _) = stub(Behaviour::Ok).await;
    let addr = patient_proxy(&upstream, |c| c.header_read_timeout = Duration::from_millis(300)).await;
    let mut s = TcpStream::connect(addr).await.expect("connects");
    let started = Instant::now();
    s.write_all(b"GET /heal").await.expect("writes");
    let closed = read_until_closed(&mut s, Duration::from_secs(5)).await;
    let elapsed = started.elapsed();
    assert!(closed.is_some(), "still open after 5 s");
    assert!(elapsed >= Duration::from_millis(250), "closed before the timeout: {elapsed:?}");
    assert_eq!(cuts(addr, "header_timeout").await, 1);
    assert_eq!(cuts(addr, "idle_timeout").await, 0);
}

#[tokio::test]
async fn the_header_timeout_counts_from_the_heads_first_byte() {
    let (upstream, _) = stub(Behaviour::Ok).await;
    let addr = patient_proxy(&upstream, |c| c.header_read_timeout = Duration::from_millis(200)).await;
    let mut s = TcpStream::connect(addr).await.expect("connects");
    // Waiting longer than the header timeout before each request (idle, not a slow head) is fine.
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n").await.expect("writes");
        let mut answer = Vec::new();
        let mut buf = [0u8; 1024];
        while !answer.ends_with(b"ok") {
            let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
                .await
                .expect("answers")
                .expect("reads");
            assert!(n > 0, "closed: {}", String::from_utf8_lossy(&answer));
            answer.extend_from_slice(&buf[..n]);
        }
        assert!(answer.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer));
    }
    assert_eq!(cuts(addr, "header_timeout").await, 0);
}

#[tokio::test]
async fn a_trickling_client_is_cut_off() {
    let (upstream, _) = stub(Behaviour::Ok).await;
    let addr = patient_proxy(&upstream, |c| c.header_read_timeout = Duration::from_millis(500)).await;
    let mut s = TcpStream::connect(addr).await.expect("connects");
    let started = Instant::now();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n").await.expect("writes");
    let mut buf = [0u8; 256];
    // One header line every 100 ms, for at most 5 s, until the proxy closes the connection.
    let cut = loop {
        tokio::select! {
            read = s.read(&mut buf) => match read {
                Ok(0) | Err(_) => break true,
                Ok(n) => panic!("answered a head that never ended: {}", String::from_utf8_lossy(&buf[..n])),
            },
            () = tokio::time::sleep(Duration::from_millis(100)) => {
                if started.elapsed() > Duration::from_secs(5) {
                    break false;
                }
                if s.write_all(b"X-Slow: still-coming\r\n").await.is_err() {
                    break true;
                }
            }
        }
    };
    assert!(cut, "a trickling client was still connected after 5 s");
    assert!(started.elapsed() < Duration::from_secs(3), "cut after {:?}", started.elapsed());
    assert_eq!(cuts(addr, "header_timeout").await, 1);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_and_a_slow_upstream_is_not_idleness() {
    let (upstream, _) = stub(Behaviour::Slow(Duration::from_millis(800))).await;
    let addr = patient_proxy(&upstream, |c| c.idle_timeout = Duration::from_millis(300)).await;
    let mut s = TcpStream::connect(addr).await.expect("connects");
    // A request whose upstream takes longer than the idle timeout is answered.
    let body = r#"{"pageNum":1,"pageSize":10}"#;
    let request = format!(
        "POST /api/aicall/calltask/list HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        common::OPERATOR,
        body.len()
    );
    s.write_all(request.as_bytes()).await.expect("writes");
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&answer).contains(r#""result":{}}"#) {
        let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
            .await
            .expect("answers")
            .expect("reads");
        assert!(n > 0, "closed while its request was in progress: {}", String::from_utf8_lossy(&answer));
        answer.extend_from_slice(&buf[..n]);
    }
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    // Then the connection is kept alive, idle, and closed.
    let idle_from = Instant::now();
    let closed = read_until_closed(&mut s, Duration::from_secs(5)).await;
    assert_eq!(closed.as_deref(), Some(""), "closed without another answer");
    let idle = idle_from.elapsed();
    assert!(idle >= Duration::from_millis(290) && idle < Duration::from_secs(2), "closed after {idle:?}");
    assert_eq!(cuts(addr, "idle_timeout").await, 1);
}

#[tokio::test]
async fn a_slow_body_is_cut_off_with_408() {
    let (upstream, seen) = stub(Behaviour::Ok).await;
    let addr = patient_proxy(&upstream, |c| c.body_read_timeout = Duration::from_millis(300)).await;
    let mut s = TcpStream::connect(addr).await.expect("connects");
    let started = Instant::now();
    s.write_all(
        b"POST /api/v1/gaia/botdm/stop HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"sid\":",
    )
    .await
    .expect("writes");
    let answer = read_until_closed(&mut s, Duration::from_secs(5)).await.expect("answered and closed");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("did not arrive in time"), "{answer}");
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert!(seen.lock().expect("lock").is_empty(), "nothing went upstream");
    assert_eq!(cuts(addr, "body_timeout").await, 1);
}

#[tokio::test]
async fn the_per_client_cap_refuses_the_next_connection_until_one_closes() {
    let (upstream, _) = stub(Behaviour::Ok).await;
    let addr = patient_proxy(&upstream, |c| c.max_connections_per_client = 3).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut s = TcpStream::connect(addr).await.expect("connects");
        s.write_all(b"GET /heal").await.expect("writes");
        held.push(s);
    }
    // Let the loop accept all three.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut fourth = TcpStream::connect(addr).await.expect("the kernel accepts it");
    let refused = read_until_closed(&mut fourth, Duration::from_secs(5)).await.expect("closed at once");
    assert!(refused.starts_with("HTTP/1.1 429"), "{refused:?}");
    assert!(refused.contains("too many connections from this address"));
    drop(held.pop());
    // Its place comes back once the proxy sees it closed.
    let mut served = String::new();
    for _ in 0..50 {
        let mut s = TcpStream::connect(addr).await.expect("connects");
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").await.expect("writes");
        served = read_until_closed(&mut s, Duration::from_secs(5)).await.expect("closed");
        if served.starts_with("HTTP/1.1 200") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(served.starts_with("HTTP/1.1 200") && served.ends_with("ok"), "{served}");
    drop(held);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(cuts(addr, "per_client_cap").await >= 1);
}

#[tokio::test]
async fn a_trusted_proxy_is_exempt_from_the_per_client_cap() {
    let (upstream, _) = stub(Behaviour::Ok).await;
    let addr = patient_proxy(&upstream, |c| {
        c.max_connections_per_client = 2;
        c.trusted_proxies = vec!["127.0.0.0/8".parse().expect("cidr")];
    })
    .await;
    let held: Vec<TcpStream> = connect_many(addr, 4).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(metric(addr, "kefu_proxy_connections_open").await, 5, "four held and this one");
    assert_eq!(cuts(addr, "per_client_cap").await, 0);
    drop(held);
}

async fn connect_many(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(TcpStream::connect(addr).await.expect("connects"));
    }
    out
}

#[tokio::test]
async fn the_total_cap_refuses_with_503() {
    let (upstream, _) = stub(Behaviour::Ok).await;
    let addr = patient_proxy(&upstream, |c| c.max_connections = 2).await;
    let a = TcpStream::connect(addr).await.expect("connects");
    let b = TcpStream::connect(addr).await.expect("connects");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut third = TcpStream::connect(addr).await.expect("the kernel accepts it");
    let refused = read_until_closed(&mut third, Duration::from_secs(5)).await.expect("closed at once");
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused:?}");
    drop((a, b));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_is_served_while_2000_slow_clients_hold_connections() {
    const SLOW: usize = 2000;
    // Each slow connection is two descriptors in this process (client and server end).
    let limit = rlimit::increase_nofile_limit(u64::MAX).expect("the open-files limit");
    assert!(limit >= 2 * SLOW as u64 + 200, "open-files limit {limit} is too low for this test");
    let upstream = sandbox().await;
    let addr = patient_proxy(&upstream, |c| {
        c.max_connections_per_client = SLOW + 10;
        c.max_connections = SLOW + 10;
    })
    .await;
    let mut slow = Vec::with_capacity(SLOW);
    for i in 0..SLOW {
        let mut s = TcpStream::connect(addr).await.expect("connects");
        // Half a head each, as a slowloris client sends.
        s.write_all(format!("GET /healthz HTTP/1.1\r\nX-Slow-{i}: ").as_bytes()).await.expect("writes");
        slow.push(s);
    }
    let mut open = 0;
    for _ in 0..100 {
        // The /metrics request's own connection is one of those counted.
        open = metric(addr, "kefu_proxy_connections_open").await;
        if open > SLOW as u64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(open, SLOW as u64 + 1, "every slow connection is held");
    let sid = common::sid();
    let started = post(
        addr,
        "/api/v1/gaia/botdm/start",
        &format!(r#"{{"app_id":"200000000","bot_id":"134614200106471424","sid":"{sid}","channel":"h5"}}"#),
    )
    .await;
    assert!(started.starts_with("HTTP/1.1 200"), "{started}");
    let (_, body) = started.split_once("\r\n\r\n").expect("a body");
    let body: serde_json::Value = serde_json::from_str(body).expect("JSON");
    assert_eq!(body["code"], 0, "{body}");
    assert_eq!(body["result"]["cmd"], "evt.say", "the bot speaks first: {body}");
    let sid = body["result"]["sid"].as_str().expect("the session's sid");
    let stopped = post(addr, "/api/v1/gaia/botdm/stop", &format!(r#"{{"sid":"{sid}"}}"#)).await;
    assert!(stopped.starts_with("HTTP/1.1 200") && stopped.contains(r#""code":0"#), "{stopped}");
    assert_eq!(metric(addr, "kefu_proxy_connections_open").await, SLOW as u64 + 1, "none was dropped");
    drop(slow);
}

#[tokio::test]
async fn the_serving_loop_tells_the_rate_limit_its_clients_address() {
    let (upstream, _) = stub(Behaviour::Ok).await;
    let mut c = config(&upstream);
    (c.rate_per_second, c.rate_burst) = (1, 1);
    // Loopback as a trusted proxy: its forwarded clients get buckets of their own, which takes the
    // connection's address (without it every request would share one bucket).
    c.trusted_proxies = vec!["127.0.0.0/8".parse().expect("cidr")];
    let addr = common::serve_proxy(c).await;
    let stop_for = |client: &'static str| async move {
        let body = format!(r#"{{"sid":"{}"}}"#, common::sid());
        let mut s = TcpStream::connect(addr).await.expect("connects");
        let request = format!(
            "POST /api/v1/gaia/botdm/stop HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: {client}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(request.as_bytes()).await.expect("writes");
        read_until_closed(&mut s, Duration::from_secs(5)).await.expect("answered and closed")
    };
    assert!(stop_for("192.0.2.1").await.starts_with("HTTP/1.1 200"));
    assert!(stop_for("192.0.2.2").await.starts_with("HTTP/1.1 200"), "another client, another bucket");
    assert!(stop_for("192.0.2.1").await.starts_with("HTTP/1.1 429"), "the first client's bucket is spent");
}
