//! The `kefu-proxy` binary: configuration from the environment or a TOML file, a clear error for
//! a missing setting, and a graceful stop on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connects");
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("writes");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("reads");
    out
}

fn post(addr: &str, path: &str, token: &str, body: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connects");
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("writes");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("reads");
    out
}

#[test]
fn runs_from_a_toml_file_and_stops_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("kefu-proxy-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("secret"), "file-secret-123\n").expect("secret");
    std::fs::write(
        dir.join("proxy.toml"),
        format!(
            "listen = \"127.0.0.1:0\"\napikey = \"k\"\napisecret-file = \"{}\"\nplatform-url = \"http://127.0.0.1:9\"\noperator-tokens = [\"t\"]\ncallcenter-url = \"http://cc:pw@127.0.0.1:9\"\ncallcenter-stop-tasks-path = \"/api/aicall/stopTasks\"\nheader-read-timeout-ms = 300\n",
            dir.join("secret").display()
        ),
    )
    .expect("config");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kefu-proxy"))
        .args(["--config", dir.join("proxy.toml").to_str().expect("utf-8")])
        .env_remove("KEFU_APIKEY")
        .env_remove("KEFU_APISECRET")
        .env_remove("KEFU_OUTBOUND_URL")
        .env_remove("KEFU_CALLCENTER_URL")
        .env("RUST_LOG", "kefu_proxy=info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let line =
        BufReader::new(child.stdout.take().expect("stdout")).lines().next().expect("a line").expect("utf-8");
    let addr = line.strip_prefix("listening on http://").expect("listening line").to_owned();
    assert!(get(&addr, "/healthz").ends_with("ok"));
    let down = get(&addr, "/api/v1/gaia/botdm/stop");
    assert!(down.starts_with("HTTP/1.1 404"), "GET is not the stop route's method: {down}");
    // No seed 000 upstream configured: its routes are off, and say which setting turns them on.
    let off = post(&addr, "/api/v1/outbound-bot/call-v2", "t", r#"{"caseId":"c"}"#);
    assert!(off.starts_with("HTTP/1.1 503"), "{off}");
    assert!(off.contains("KEFU_OUTBOUND_URL"), "{off}");
    // The header read timeout from the file: half a request line is closed.
    let mut half = TcpStream::connect(&addr).expect("connects");
    half.set_read_timeout(Some(std::time::Duration::from_secs(5))).expect("timeout");
    half.write_all(b"GET /heal").expect("writes");
    let started = std::time::Instant::now();
    let mut rest = Vec::new();
    // EOF or a reset, either way closed; a read timeout would take the full 5 s.
    let _ = half.read_to_end(&mut rest);
    let elapsed = started.elapsed();
    assert!(elapsed < std::time::Duration::from_secs(4), "still open after {elapsed:?}");
    assert!(elapsed >= std::time::Duration::from_millis(250), "closed before the timeout: {elapsed:?}");
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let exit = child.wait().expect("exits");
    assert!(exit.success(), "a graceful stop exits 0: {exit}");
    let mut stderr = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("reads");
    assert!(!stderr.contains("file-secret-123"), "{stderr}");
    assert!(stderr.contains("routes: chat and coeus (seed 002) -> http://127.0.0.1:9"), "{stderr}");
    assert!(stderr.contains("routes: outbound-bot (seed 000) -> off (set KEFU_OUTBOUND_URL)"), "{stderr}");
    assert!(stderr.contains("routes: aicall and recordings (seed 001) -> http://127.0.0.1:9"), "{stderr}");
    assert!(!stderr.contains("cc:pw"), "the start line drops credentials in a URL: {stderr}");
}

#[test]
fn missing_settings_are_named() {
    let out = Command::new(env!("CARGO_BIN_EXE_kefu-proxy"))
        .env_remove("KEFU_APIKEY")
        .env_remove("KEFU_APISECRET")
        .env_remove("KEFU_APISECRET_FILE")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("KEFU_APIKEY is required"));
    let out = Command::new(env!("CARGO_BIN_EXE_kefu-proxy"))
        .env("KEFU_APIKEY", "k")
        .env_remove("KEFU_APISECRET")
        .env_remove("KEFU_APISECRET_FILE")
        .output()
        .expect("runs");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("KEFU_APISECRET or KEFU_APISECRET_FILE is required")
    );
    let out = Command::new(env!("CARGO_BIN_EXE_kefu-proxy"))
        .env("KEFU_APIKEY", "k")
        .env("KEFU_APISECRET", "env-secret-999")
        .env("KEFU_PLATFORM_URL", "ftp://nope")
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("must start with http"), "{err}");
    assert!(!err.contains("env-secret-999"));
    let out = Command::new(env!("CARGO_BIN_EXE_kefu-proxy"))
        .env("KEFU_APIKEY", "k")
        .env("KEFU_APISECRET", "env-secret-999")
        .env("KEFU_CALLCENTER_STOP_TASKS_PATH", "aicall/stopTasks")
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("stop-tasks path \"aicall/stopTasks\""), "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_kefu-proxy"))
        .env("KEFU_APIKEY", "k")
        .env("KEFU_APISECRET", "env-secret-999")
        .env("KEFU_TRUSTED_PROXIES", "10.0.0.0/8,not-a-net")
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stderr).contains("trusted proxy \"not-a-net\""));
    let help = Command::new(env!("CARGO_BIN_EXE_kefu-proxy"))
        .arg("--help")
        .env("KEFU_APISECRET", "env-secret-999")
        .output()
        .expect("runs");
    assert!(!String::from_utf8_lossy(&help.stdout).contains("env-secret-999"), "--help hides the secret");
}
