//! The binary forwarding many requests at once, its writes batched and its threads spinning
//! before they sleep (the defaults) and neither: every client gets its own answer, whole, on
//! connections kept alive, and the batched run really batched (its log says so).

mod proc;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use proc::start;

const CLIENTS: usize = 32;
const REQUESTS: usize = 40;

/// An upstream answering each request, on connections kept alive, with its body inside its answer.
fn echo_upstream() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut writer = stream;
                while let Some(body) = read_message(&mut reader) {
                    let answer =
                        format!(r#"{{"code":0,"msg":"success","data":{}}}"#, String::from_utf8_lossy(&body));
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        answer.len()
                    );
                    if writer.write_all(format!("{head}{answer}").as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

/// One HTTP/1.1 message's body (after its head, sized by `Content-Length`); `None` at the end.
fn read_message(reader: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut length = 0;
    let mut first = true;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" && !first {
            break;
        }
        first = false;
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}

/// `CLIENTS` connections at once, each sending `REQUESTS` stops with its own session ids, each
/// answer checked against its request.
fn forward_many(addr: &str) {
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let addr = addr.to_owned();
            std::thread::spawn(move || {
                let stream = TcpStream::connect(&addr).expect("connect");
                stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut writer = stream;
                for r in 0..REQUESTS {
                    let sid = format!("{c:016x}{r:016x}");
                    let body = format!(r#"{{"sid":"{sid}"}}"#);
                    write!(
                        writer,
                        "POST /api/v1/gaia/botdm/stop HTTP/1.1\r\nHost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .expect("write");
                    let answer = read_message(&mut reader).expect("an answer");
                    let answer = String::from_utf8(answer).expect("utf-8");
                    let json: serde_json::Value = serde_json::from_str(&answer).expect("JSON");
                    assert_eq!(json["data"]["sid"], sid, "client {c}, request {r}: {answer}");
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("client");
    }
}

#[test]
fn many_clients_get_their_own_answers_with_sends_batched_or_not() {
    let upstream = echo_upstream();
    let dir = tempfile::tempdir().expect("dir");
    // Batched with the default idle spin, and neither.
    for (batched, spin) in [("true", "50"), ("false", "0")] {
        let log = dir.path().join(format!("batched-{batched}.log"));
        let proxy = start(
            &[
                ("KEFU_PLATFORM_URL", upstream.as_str()),
                ("KEFU_BATCH_SENDS", batched),
                ("KEFU_IDLE_SPIN_US", spin),
                ("KEFU_RATE_PER_SECOND", "100000"),
                ("KEFU_RATE_BURST", "100000"),
                ("RUST_LOG", "kefu_proxy=info,kefu_proxy::per_core=debug"),
            ],
            &log,
        );
        forward_many(&proxy.addr);
        drop(proxy);
        let log = std::fs::read_to_string(&log).expect("log");
        assert!(!log.contains("io_uring is unavailable"), "batched {batched}: {log}");
        assert_eq!(log.contains("batched with io_uring"), batched == "true", "batched {batched}: {log}");
    }
}
