//! Every push attempt is logged: a receiver that is down gets the first attempt and 3 retries,
//! each logged with task, call_sn, kind, key, attempt and outcome, then the push is dropped and
//! nothing more is tried. (Its own test binary: it installs the process's log subscriber.)

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{APP_ID, BOT_ID, code, sandbox_with};
use serde_json::json;
use tracing_subscriber::fmt::MakeWriter;

/// Log output kept in memory.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Log {
    type Writer = Log;
    fn make_writer(&'a self) -> Log {
        self.clone()
    }
}

impl Log {
    fn lines(&self, needle: &str) -> Vec<String> {
        let text = String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned();
        text.lines().filter(|l| l.contains(needle)).map(str::to_owned).collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_is_down_gets_four_logged_attempts_then_nothing() {
    let log = Log::default();
    tracing_subscriber::fmt().with_writer(log.clone()).with_ansi(false).init();
    // A port with nothing listening: every attempt is refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/report", listener.local_addr().expect("addr"));
    drop(listener);
    let sb = sandbox_with(|c| {
        c.dial_interval_ms = 0;
        c.retry_scale = 0.01;
    });
    let a = sb
        .post(
            "/api/v1/coeus/apiserver/agent/addtask",
            json!({"app_id": APP_ID, "task_name": "t", "bot_id": BOT_ID, "voice": "v", "disnumber": "1", "team_url": url}),
        )
        .await;
    let task_id = a.body["result"]["task_id"].as_str().expect("task_id").to_owned();
    let boundary = "b0undary";
    let mut body = String::new();
    for (k, v) in [
        ("app_id", APP_ID),
        ("task_id", &task_id),
        ("call_count", "1"),
        ("file_suffix", "csv"),
        ("disnum_group_id", "g"),
    ] {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"n.csv\"\r\n\r\nphone\n13800138000\n\r\n--{boundary}--\r\n"
    ));
    let started = Instant::now();
    let a = sb
        .post_raw(
            "/api/v1/coeus/apiserver/agent/outnum",
            &format!("multipart/form-data; boundary={boundary}"),
            body.into_bytes(),
        )
        .await;
    assert_eq!(code(&a), 0, "{}", a.body);
    assert!(started.elapsed() < Duration::from_secs(1), "the upload does not wait for the pushes");
    let deadline = Instant::now() + Duration::from_secs(20);
    while log.lines("push dropped").len() < 2 {
        assert!(Instant::now() < deadline, "not dropped in time: {:?}", log.lines("push"));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Well past the last retry: still only 4 attempts each for the §7 and the §8 push.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for kind in ["kind=\"call_record\"", "kind=\"intent\""] {
        let failed: Vec<String> = log.lines("push failed").into_iter().filter(|l| l.contains(kind)).collect();
        assert_eq!(failed.len(), 4, "{kind}: {failed:#?}");
        for (i, line) in failed.iter().enumerate() {
            assert!(line.contains(&format!("task_id={task_id}")), "{line}");
            assert!(line.contains("call_sn="), "{line}");
            assert!(line.contains("key="), "{line}");
            assert!(line.contains(&format!("attempt={}", i + 1)), "{line}");
            assert!(line.contains("outcome=connection"), "{line}");
        }
        assert_eq!(log.lines("push dropped").iter().filter(|l| l.contains(kind)).count(), 1);
    }
}
