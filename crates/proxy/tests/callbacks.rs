//! The callback receiver mounted in the `kefu-proxy` binary (KEFU_STORE), through its real
//! serving loop: pushes stored and read back by operators, the operator check, wrong tokens and
//! unmounted paths as the usual JSON 404, the allow-list through trusted proxies, the token kept
//! out of logs and metrics, and `kefu-proxy contacts import`.

mod proc;

use proc::{OPERATOR, TOKEN, call_push, request, start};
use serde_json::json;

const BEARER: &str = "Bearer op-token-4410";

#[test]
fn pushes_are_stored_once_and_operators_read_them_back() {
    assert_eq!(BEARER, format!("Bearer {OPERATOR}"));
    let dir = tempfile::tempdir().expect("dir");
    let log = dir.path().join("proxy.log");
    let store = format!("sqlite:{}", dir.path().join("kefu.db").display());
    let proxy = start(&[("KEFU_STORE", &store), ("KEFU_RECORDING_BASE", "https://rec.example.com")], &log);
    let addr = &proxy.addr;
    let push_path = format!("/callbacks/{TOKEN}");
    let body = call_push("t1", 0, 3, 4);
    for _ in 0..2 {
        let answer =
            request(addr, "POST", &push_path, &[("Content-Type", "application/json")], body.as_bytes());
        assert_eq!((answer.status, answer.json()), (200, json!({"code": 0, "msg": "success"})), "{answer:?}");
    }

    // Results: refused without the operator token, or with a wrong one.
    let refused = request(addr, "GET", "/kefu/v1/tasks", &[], b"");
    assert_eq!(refused.status, 401, "{refused:?}");
    let wrong = request(addr, "GET", "/kefu/v1/tasks", &[("Authorization", "Bearer nope")], b"");
    assert_eq!(wrong.status, 401, "{wrong:?}");

    let auth = [("Authorization", BEARER)];
    let tasks = request(addr, "GET", "/kefu/v1/tasks", &auth, b"").json();
    assert_eq!(tasks["tasks"][0]["task_id"], "t1", "{tasks}");
    let page = request(addr, "GET", "/kefu/v1/tasks/t1/calls?limit=10", &auth, b"").json();
    assert_eq!(page["total"], 3, "stored once although pushed twice: {page}");
    let call = request(addr, "GET", "/kefu/v1/calls/t1-call-000001", &auth, b"");
    assert_eq!(call.status, 200, "{call:?}");
    let call = call.json();
    assert_eq!(call["turns"].as_array().map(Vec::len), Some(4), "{call}");
    assert_eq!(call["recording"], "https://rec.example.com/rec/1.wav", "{call}");
    let missing = request(addr, "GET", "/kefu/v1/nothing-here", &auth, b"");
    assert_eq!(missing.status, 404, "{missing:?}");
    assert_eq!(missing.json()["code"], 404, "{missing:?}");

    // A wrong callback token, or a wrong method, answers what any unknown path answers.
    let unknown = request(addr, "POST", "/api/v1/unknown", &[], b"{}");
    assert_eq!(unknown.status, 404);
    let wrong_token =
        request(addr, "POST", "/callbacks/0123456789abcdef0123456789abcdef", &[], body.as_bytes());
    assert_eq!((wrong_token.status, wrong_token.json()), (404, unknown.json()), "{wrong_token:?}");
    let get_push = request(addr, "GET", &push_path, &[], b"");
    assert_eq!((get_push.status, get_push.json()), (404, unknown.json()), "{get_push:?}");
    // A bad push: a failure the platform retries, and nothing stored.
    let bad = request(addr, "POST", &push_path, &[], br#"{"task_id": "t2", "calls": 7}"#);
    assert_eq!(bad.status, 400, "{bad:?}");
    let tasks = request(addr, "GET", "/kefu/v1/tasks", &auth, b"").json();
    assert_eq!(tasks["tasks"].as_array().map(Vec::len), Some(1), "{tasks}");

    // The mounts are counted under their names; the token is in no metric and no log line.
    let metrics = request(addr, "GET", "/metrics", &[], b"").body;
    assert!(metrics.contains("route=\"callbacks\""), "{metrics}");
    assert!(metrics.contains("route=\"results\""), "{metrics}");
    assert!(!metrics.contains(TOKEN));
    drop(proxy);
    let log = std::fs::read_to_string(&log).expect("log");
    assert!(log.contains("callbacks: on"), "{log}");
    assert!(log.contains(&store), "the start line names the store: {log}");
    assert!(log.contains("shop"), "the token's label is logged: {log}");
    assert!(!log.contains(TOKEN), "the token is never logged: {log}");
}

#[test]
fn without_a_store_the_callback_paths_are_the_usual_json_404() {
    let dir = tempfile::tempdir().expect("dir");
    let log = dir.path().join("proxy.log");
    // A static folder too: the callback and result paths still never fall through to it.
    std::fs::write(dir.path().join("index.html"), "<p>widget</p>").expect("index");
    let proxy = start(&[("KEFU_STATIC_DIR", dir.path().to_str().expect("utf-8"))], &log);
    let addr = &proxy.addr;
    let unknown = request(addr, "POST", "/api/v1/unknown", &[], b"{}").json();
    assert_eq!(unknown["code"], 404);
    let push = request(addr, "POST", &format!("/callbacks/{TOKEN}"), &[], call_push("t", 0, 1, 1).as_bytes());
    assert_eq!((push.status, push.json()), (404, unknown.clone()), "{push:?}");
    let results = request(addr, "GET", "/kefu/v1/tasks", &[("Authorization", BEARER)], b"");
    assert_eq!((results.status, results.json()), (404, unknown), "{results:?}");
    assert!(request(addr, "GET", "/index.html", &[], b"").body.contains("widget"));
    drop(proxy);
    assert!(std::fs::read_to_string(&log).expect("log").contains("callbacks: off"));
}

#[test]
fn the_allow_list_checks_the_client_resolved_through_trusted_proxies() {
    let dir = tempfile::tempdir().expect("dir");
    let store = format!("sqlite:{}", dir.path().join("kefu.db").display());
    let proxy = start(
        &[
            ("KEFU_STORE", &store),
            ("KEFU_CALLBACK_ALLOW", "10.0.0.0/8"),
            ("KEFU_TRUSTED_PROXIES", "127.0.0.1"),
        ],
        &dir.path().join("proxy.log"),
    );
    let addr = &proxy.addr;
    let path = format!("/callbacks/{TOKEN}");
    let body = call_push("allow", 0, 1, 2);
    let outside = request(addr, "POST", &path, &[("X-Forwarded-For", "192.0.2.9")], body.as_bytes());
    assert_eq!(outside.status, 403, "{outside:?}");
    let direct = request(addr, "POST", &path, &[], body.as_bytes());
    assert_eq!(direct.status, 403, "the load balancer itself is not the platform: {direct:?}");
    let auth = [("Authorization", BEARER)];
    assert_eq!(request(addr, "GET", "/kefu/v1/tasks", &auth, b"").json(), json!({"tasks": []}));
    let inside = request(addr, "POST", &path, &[("X-Forwarded-For", "10.1.2.3")], body.as_bytes());
    assert_eq!(inside.status, 200, "{inside:?}");
    let page = request(addr, "GET", "/kefu/v1/tasks/allow/calls", &auth, b"").json();
    assert_eq!(page["total"], 1, "{page}");
}

#[test]
fn the_console_routes_are_mounted_beside_the_results() {
    let dir = tempfile::tempdir().expect("dir");
    let store = format!("sqlite:{}", dir.path().join("kefu.db").display());
    let log = dir.path().join("proxy.log");
    let proxy = start(
        &[
            ("KEFU_STORE", &store),
            ("KEFU_PUBLIC_URL", "https://kefu.example.com"),
            ("KEFU_RECORDING_LINK_SECS", "120"),
        ],
        &log,
    );
    let addr = &proxy.addr;
    let auth = [("Authorization", BEARER)];
    assert_eq!(request(addr, "GET", "/kefu/v1/deployment", &[], b"").status, 401);
    let deployment = request(addr, "GET", "/kefu/v1/deployment", &auth, b"");
    assert_eq!(deployment.status, 200, "{deployment:?}");
    let deployment = deployment.json();
    assert_eq!(deployment["callbacks"][0]["team_url"], format!("https://kefu.example.com/callbacks/{TOKEN}"));
    assert_eq!(deployment["results"], true);
    assert_eq!(deployment["sandbox"], false, "no KEFU_SANDBOX_URL: no simulated inbound calls");
    assert_eq!(deployment["recording_link_secs"], 120);
    let no_sandbox = request(addr, "POST", "/kefu/v1/sandbox/inbound", &auth, br#"{"caller":"1"}"#);
    assert_eq!(no_sandbox.status, 404, "{no_sandbox:?}");
    // A link is refused without the operator token; a link that is not one, with 403.
    let body = br#"{"url":"http://127.0.0.1:9/a.wav"}"#;
    assert_eq!(request(addr, "POST", "/kefu/v1/recording-links", &[], body).status, 401);
    let made = request(addr, "POST", "/kefu/v1/recording-links", &auth, body);
    assert_eq!(made.status, 200, "the platform URL's host is a recording host: {made:?}");
    assert_eq!(made.json()["expires_in"], 120);
    let bad = request(addr, "GET", "/kefu/v1/recordings/forged", &[], b"");
    assert_eq!(bad.status, 403, "{bad:?}");
    assert!(bad.json()["msg"].as_str().is_some_and(|m| m.contains("ask for a new one")), "{bad:?}");
    // Its host is down: a 502 that says so.
    let path = made.json()["url"].as_str().expect("url").to_owned();
    let down = request(addr, "GET", &path, &[], b"");
    assert_eq!(down.status, 502, "{down:?}");
    assert!(down.json()["msg"].as_str().is_some_and(|m| m.contains("recording host")), "{down:?}");
    assert_eq!(request(addr, "GET", "/kefu/v1/tasks", &auth, b"").json(), json!({"tasks": []}));
    let metrics = request(addr, "GET", "/metrics", &[], b"").body;
    assert!(metrics.contains("route=\"recordings\""), "{metrics}");
    drop(proxy);
    let log = std::fs::read_to_string(&log).expect("log");
    assert!(log.contains("recordings: links on"), "{log}");
    assert!(!log.contains(TOKEN), "the callback token is never logged: {log}");
}

#[test]
fn a_short_recording_key_is_refused_at_start() {
    let dir = tempfile::tempdir().expect("dir");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kefu-proxy"))
        .env_clear()
        .env("KEFU_LISTEN", "127.0.0.1:0")
        .env("KEFU_APIKEY", "k")
        .env("KEFU_APISECRET", "s")
        .env("KEFU_RECORDING_KEY", "too-short")
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("KEFU_RECORDING_KEY must be at least 32 bytes"), "{stderr}");
    assert!(!stderr.contains("too-short"), "the key is never printed: {stderr}");
}

#[test]
fn a_weak_callback_token_is_refused_at_start() {
    let dir = tempfile::tempdir().expect("dir");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kefu-proxy"))
        .env_clear()
        .env("KEFU_LISTEN", "127.0.0.1:0")
        .env("KEFU_APIKEY", "k")
        .env("KEFU_APISECRET", "s")
        .env("KEFU_STORE", format!("sqlite:{}", dir.path().join("kefu.db").display()))
        .env("KEFU_CALLBACK_TOKEN", "short")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bits of randomness"), "{stderr}");
}

#[test]
fn contacts_import_reports_counts_and_bad_rows_by_line() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("contacts.csv");
    std::fs::write(
        &file,
        "phone,name,transfer,city\n13800000001,张三,10086,北京\nnot-a-phone,李四,,\n13800000002,王五,,上海\n",
    )
    .expect("csv");
    let db = dir.path().join("kefu.db");
    let store = format!("sqlite:{}", db.display());
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kefu-proxy"))
        .env_clear()
        .env("KEFU_STORE", &store)
        .args(["contacts", "import", file.to_str().expect("utf-8")])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout} {}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("imported 2 contacts"), "{stdout}");
    assert!(stdout.contains("line 3:"), "{stdout}");

    // The imported directory answers §9 through the mounted receiver.
    let proxy = start(&[("KEFU_STORE", &store)], &dir.path().join("proxy.log"));
    let answer = request(
        &proxy.addr,
        "POST",
        &format!("/callbacks/{TOKEN}/inbound"),
        &[],
        br#"{"caller": "13800000001", "callee": "4000000000"}"#,
    );
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(answer.json()["prompt"].as_str().is_some_and(|p| p.contains("张三")), "{answer:?}");
    assert_eq!(answer.json()["transfer"], "10086");

    // The same directory over HTTP, for operators only.
    let csv = "phone,name\n13900000009,赵六\n";
    let refused =
        request(&proxy.addr, "POST", "/kefu/v1/contacts", &[("Content-Type", "text/csv")], csv.as_bytes());
    assert_eq!(refused.status, 401, "{refused:?}");
    let auth = ("Authorization", BEARER);
    let imported = request(
        &proxy.addr,
        "POST",
        "/kefu/v1/contacts",
        &[auth, ("Content-Type", "text/csv")],
        csv.as_bytes(),
    );
    assert_eq!(
        (imported.status, imported.json()),
        (200, json!({"imported": 1, "rejected": []})),
        "{imported:?}"
    );
    let edited = request(
        &proxy.addr,
        "PUT",
        "/kefu/v1/contacts/13900000009",
        &[auth],
        r#"{"name": "赵六六"}"#.as_bytes(),
    );
    assert_eq!(edited.status, 200, "{edited:?}");
    let page = request(&proxy.addr, "GET", "/kefu/v1/contacts?q=139", &[auth], b"").json();
    assert_eq!(page["rows"][0]["name"], "赵六六", "{page}");
    assert_eq!(request(&proxy.addr, "GET", "/kefu/v1/contacts", &[auth], b"").json()["total"], 3);

    let missing = std::process::Command::new(env!("CARGO_BIN_EXE_kefu-proxy"))
        .env_clear()
        .args(["contacts", "import", file.to_str().expect("utf-8")])
        .output()
        .expect("runs");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("KEFU_STORE"));
}

#[test]
fn a_trickled_push_body_is_cut_off_at_the_body_read_timeout() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().expect("dir");
    let store = format!("sqlite:{}", dir.path().join("kefu.db").display());
    let proxy =
        start(&[("KEFU_STORE", &store), ("KEFU_BODY_READ_TIMEOUT_MS", "300")], &dir.path().join("proxy.log"));
    let mut s = std::net::TcpStream::connect(&proxy.addr).expect("connects");
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("timeout");
    write!(s, "POST /callbacks/{TOKEN} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{{\"task_id\":")
        .expect("writes");
    let started = std::time::Instant::now();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    let tasks = request(&proxy.addr, "GET", "/kefu/v1/tasks", &[("Authorization", BEARER)], b"").json();
    assert_eq!(tasks, json!({"tasks": []}));
}
