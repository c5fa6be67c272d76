//! The real `kefu-proxy` binary as a child process on loopback, and plain HTTP/1.1 requests to it.
#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The callback token the tests configure (128 bits, hex).
pub const TOKEN: &str = "5f0c9e2a7b1d4c38a6e2f91b0d7c3e54";
/// The operator token.
pub const OPERATOR: &str = "op-token-4410";

/// A running proxy; killed when dropped.
pub struct Running {
    pub child: Child,
    pub addr: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary with a clean environment plus `env`, logging to `log`.
pub fn start(env: &[(&str, &str)], log: &Path) -> Running {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log).expect("log file");
    let mut command = Command::new(env!("CARGO_BIN_EXE_kefu-proxy"));
    command
        .env_clear()
        .env("KEFU_LISTEN", "127.0.0.1:0")
        .env("KEFU_APIKEY", "k")
        .env("KEFU_APISECRET", "proc-test-secret")
        .env("KEFU_PLATFORM_URL", "http://127.0.0.1:9")
        .env("KEFU_OPERATOR_TOKENS", OPERATOR)
        .env("KEFU_CALLBACK_TOKEN", format!("shop:{TOKEN}"))
        .env("RUST_LOG", "kefu_proxy=info,kefu_callbacks=info,kefu_operator=info")
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log));
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("a line");
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("no listening line: {line:?}"));
    Running { addr: addr.to_owned(), child }
}

/// An answer: status and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    /// The body as JSON (`Null` when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// One request on its own connection; `Err` when the connection fails or closes early.
pub fn try_request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Answer> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no answer head"))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "no status"))?;
    Ok(Answer { status, body: body.to_owned() })
}

/// One request that must get an answer.
pub fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    try_request(addr, method, path, headers, body).expect("an answer")
}

/// A §7 push of `calls` calls numbered from `first`, each with `turns` dialog turns.
pub fn call_push(task_id: &str, first: usize, calls: usize, turns: usize) -> String {
    let calls: Vec<_> = (first..first + calls)
        .map(|n| {
            let dialogs: Vec<_> = (0..turns)
                .map(|t| {
                    serde_json::json!({
                        "dialog_type": if t % 2 == 0 { 1 } else { 2 },
                        "dialog_text": format!("<speak>第{t}句</speak>"),
                        "msg_time": "2024-04-03T09:53:16+08:00",
                        "intention_name": ""
                    })
                })
                .collect();
            serde_json::json!({
                "call_id": format!("{task_id}-call-{n:06}"), "num": format!("138{n:08}"), "state": 785,
                "start_time": "2024-04-03T09:53:10+08:00", "answered_time": "2024-04-03T09:53:15+08:00",
                "end_time": "2024-04-03T09:54:10+08:00", "duration": 55, "record_url": format!("/rec/{n}.wav"),
                "round": turns, "hangup_by": 1, "sms_state": 2, "dialogs": dialogs
            })
        })
        .collect();
    serde_json::json!({"task_id": task_id, "task_name": "回访", "call_sn": "sn1", "bot_id": "1", "bot_name": "b", "calls": calls})
        .to_string()
}
