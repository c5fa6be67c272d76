//! The `kefu-sandbox` binary: prints its address, serves signed requests over TCP, loads bot
//! scripts, and refuses a broken one with a clear message.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Running {
    child: Child,
    addr: String,
    credentials: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kefu-sandbox"))
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .env("KEFU_SANDBOX_APIKEY", "bin-key")
        .env("KEFU_SANDBOX_APISECRET", "bin-secret")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("sandbox starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let credentials = lines.next().expect("a first line").expect("utf-8");
    let listening = lines.next().expect("a second line").expect("utf-8");
    let addr = listening.strip_prefix("listening on http://").expect("listening line").to_owned();
    Running { child, addr, credentials }
}

fn http(addr: &str, method: &str, path: &str, headers: &[(&str, String)], body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connects");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).expect("writes");
    let mut out = String::new();
    stream.read_to_string(&mut out).expect("reads");
    let status = out.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

fn signed(key: &str, secret: &str) -> Vec<(&'static str, String)> {
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs();
    vec![
        ("Authorization", kefu_sandbox::auth::header_value(key, secret, now as i64)),
        ("Content-Type", "application/json".into()),
    ]
}

#[test]
fn serves_on_a_free_port_with_env_credentials() {
    let sb = start(&[]);
    assert!(sb.credentials.contains("apikey=bin-key"), "{}", sb.credentials);
    assert!(sb.addr.starts_with("127.0.0.1:") && !sb.addr.ends_with(":0"));
    assert_eq!(http(&sb.addr, "GET", "/healthz", &[], ""), (200, "ok".into()));
    let sid = kefu_protocol::Sid::random().expect("random");
    let body =
        format!(r#"{{"app_id":"200000000","bot_id":"134614200106471424","sid":"{sid}","channel":"h5"}}"#);
    let (status, answer) =
        http(&sb.addr, "POST", "/api/v1/gaia/botdm/start", &signed("bin-key", "bin-secret"), &body);
    assert_eq!(status, 200, "{answer}");
    let turn = kefu_protocol::decode::<kefu_protocol::PlatformAnswer<kefu_protocol::chat::BotTurn>>(
        status,
        answer.as_bytes(),
    )
    .expect("a bot turn");
    assert_eq!(turn.cmd, kefu_protocol::Cmd::Say);
    let (status, _) =
        http(&sb.addr, "POST", "/api/v1/gaia/botdm/start", &signed("bin-key", "demo-secret"), &body);
    assert_eq!(status, 500, "the default secret is not accepted when another is configured");
}

#[test]
fn loads_a_json_bot_script() {
    let dir = std::env::temp_dir().join(format!("kefu-bot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("shop.json");
    std::fs::write(
        &path,
        r#"{"id": "555", "name": "Shop helper", "start": "hi", "fallback": ["Sorry?"],
            "state": [{"id": "hi", "prompts": ["Hello {name|there}!"]}],
            "faq": [{"question": "opening hours", "answer": "9 to 5"}]}"#,
    )
    .expect("script");
    let sb = start(&["--bot", path.to_str().expect("utf-8 path")]);
    let (_, answer) = http(
        &sb.addr,
        "POST",
        "/api/v1/coeus/apiserver/agent/syncprompt",
        &signed("bin-key", "bin-secret"),
        r#"{"app_id":"200000000"}"#,
    );
    assert!(answer.contains(r#""bot_id":"555""#) && answer.contains("Shop helper"), "{answer}");
}

#[test]
fn a_broken_bot_script_is_refused_with_its_reason() {
    let dir = std::env::temp_dir().join(format!("kefu-badbot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bad.toml");
    std::fs::write(&path, "id = \"1\"\nname = \"x\"\nstart = \"nowhere\"\nfallback = [\"?\"]\n")
        .expect("script");
    let out = Command::new(env!("CARGO_BIN_EXE_kefu-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--bot", path.to_str().expect("utf-8 path")])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("start state \"nowhere\" is not defined"), "{err}");
    let missing = Command::new(env!("CARGO_BIN_EXE_kefu-sandbox"))
        .args(["--bot", "/nonexistent/bot.toml"])
        .output()
        .expect("runs");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read bot script"));
}

#[test]
fn the_error_style_is_chosen_by_flag_or_environment() {
    let unknown = r#"{"sid":"0123456789abcdef0123456789abcdef","cmd":"evt.input","text":"x"}"#;
    let ask = |sb: &Running| {
        let (status, body) =
            http(&sb.addr, "POST", "/api/v1/gaia/botdm/trigger", &signed("bin-key", "bin-secret"), unknown);
        let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        (status, json["code"].as_i64().expect("a code"))
    };
    assert_eq!(ask(&start(&[])), (200, 40402), "precise by default");
    let (status, code) = ask(&start(&["--errors", "documented"]));
    assert_eq!(status, 500);
    assert!(code < -99_999, "{code}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kefu-sandbox"))
        .args(["--listen", "127.0.0.1:0"])
        .env("KEFU_SANDBOX_ERRORS", "documented")
        .env("KEFU_SANDBOX_APIKEY", "bin-key")
        .env("KEFU_SANDBOX_APISECRET", "bin-secret")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("sandbox starts");
    let addr = BufReader::new(child.stdout.take().expect("stdout"))
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("listening on http://").map(str::to_owned))
        .expect("listening");
    let by_env = Running { child, addr, credentials: String::new() };
    assert_eq!(ask(&by_env).0, 500, "KEFU_SANDBOX_ERRORS=documented");
    // A style that does not exist is refused at start.
    let out =
        Command::new(env!("CARGO_BIN_EXE_kefu-sandbox")).args(["--errors", "vague"]).output().expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("documented"), "names the choices");
}
