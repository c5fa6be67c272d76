//! Seed 002 §7–9 from the platform's side: uploaded batches are called and pushed to the task's
//! `team_url`, failed pushes are retried after 5, 10, 15 s (scaled), recordings are served, and
//! `/sandbox/inbound` asks the §9 lookup URL.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use common::{APP_ID, BOT_ID, Sandbox, code, sandbox_with};
use serde_json::{Value, json};

/// How a test receiver answers the first attempts of each push.
#[derive(Clone, Copy)]
enum Mode {
    /// The first two attempts fail (HTTP 500, then HTTP 200 with `code` 1); then success.
    FailTwice,
    /// Every attempt fails (HTTP 200 with a body that is not JSON).
    AlwaysFail,
    /// Every attempt succeeds.
    Accept,
}

/// One push the receiver got.
#[derive(Clone)]
struct Received {
    at: Instant,
    body: Value,
    accepted: bool,
}

#[derive(Clone)]
struct Receiver {
    mode: Mode,
    /// Attempts by key: a call's `call_id`, or `intent/<first num>` for a §8 push.
    got: Arc<Mutex<BTreeMap<String, Vec<Received>>>>,
}

impl Receiver {
    fn attempts(&self) -> BTreeMap<String, Vec<Received>> {
        self.got.lock().expect("lock").clone()
    }
}

fn key_of(body: &Value) -> String {
    if let Some(id) = body["calls"][0]["call_id"].as_str() {
        id.to_owned()
    } else {
        format!("intent/{}", body["degrees"][0]["num"].as_str().unwrap_or_default())
    }
}

async fn receive(State(r): State<Receiver>, Json(body): Json<Value>) -> Response {
    let key = key_of(&body);
    let mut got = r.got.lock().expect("lock");
    let earlier = got.get(&key).map_or(0, Vec::len);
    let (accepted, response) = match (r.mode, earlier) {
        (Mode::Accept, _) | (Mode::FailTwice, 2..) => {
            (true, Json(json!({"code": 0, "msg": "success"})).into_response())
        }
        (Mode::FailTwice, 0) => (false, (StatusCode::INTERNAL_SERVER_ERROR, "down").into_response()),
        (Mode::FailTwice, _) => (false, Json(json!({"code": 1, "msg": "busy"})).into_response()),
        (Mode::AlwaysFail, _) => (false, "<html>not json</html>".into_response()),
    };
    got.entry(key).or_default().push(Received { at: Instant::now(), body, accepted });
    response
}

/// A receiver on 127.0.0.1; its URL.
async fn receiver(mode: Mode) -> (Receiver, String) {
    receiver_at("127.0.0.1:0", mode).await
}

/// A receiver listening on `addr`; its URL.
async fn receiver_at(addr: &str, mode: Mode) -> (Receiver, String) {
    let r = Receiver { mode, got: Arc::default() };
    let app = axum::Router::new().route("/report", post(receive)).with_state(r.clone());
    let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (r, format!("http://{addr}/report"))
}

fn fast_sandbox(inbound_url: Option<String>) -> Sandbox {
    sandbox_with(|c| {
        c.dial_interval_ms = 0;
        c.retry_scale = 0.01;
        c.push_timeout_ms = 2_000;
        c.inbound_url = inbound_url;
    })
}

async fn addtask(sb: &Sandbox, team_url: &str, is_record: u8) -> String {
    let a = sb
        .post(
            "/api/v1/coeus/apiserver/agent/addtask",
            json!({"app_id": APP_ID, "task_name": "回访任务", "bot_id": BOT_ID, "voice": "aixia",
                   "disnumber": "02188886666", "is_record": is_record, "team_url": team_url}),
        )
        .await;
    assert_eq!(code(&a), 0, "{}", a.body);
    a.body["result"]["task_id"].as_str().expect("task_id").to_owned()
}

/// Uploads `numbers` to the task; the batch's call_sn.
async fn outnum(sb: &Sandbox, task_id: &str, numbers: &[String]) -> String {
    let boundary = "-----boundary7b1c";
    let mut csv = String::from("phone,name\n");
    for n in numbers {
        csv.push_str(&format!("{n},客户\n"));
    }
    let mut body = Vec::new();
    let fields = [
        ("app_id", APP_ID),
        ("task_id", task_id),
        ("call_count", "1"),
        ("file_suffix", "csv"),
        ("disnum_group_id", "g-1"),
        ("call_sn_name", "回访批次"),
    ];
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"n.csv\"\r\n\r\n{csv}\r\n--{boundary}--\r\n")
            .as_bytes(),
    );
    let a = sb
        .post_raw(
            "/api/v1/coeus/apiserver/agent/outnum",
            &format!("multipart/form-data; boundary={boundary}"),
            body,
        )
        .await;
    assert_eq!(code(&a), 0, "{}", a.body);
    assert_eq!(a.body["result"]["call_count"], numbers.len());
    a.body["result"]["call_sn"].as_str().expect("call_sn").to_owned()
}

/// Waits (at most 20 s) until `done` holds for what the receiver got.
async fn wait_for(r: &Receiver, done: impl Fn(&BTreeMap<String, Vec<Received>>) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done(&r.attempts()) {
        assert!(Instant::now() < deadline, "the pushes did not arrive in time");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_200_is_called_pushed_once_each_and_graded() {
    let (r, url) = receiver(Mode::Accept).await;
    let sb = fast_sandbox(None);
    let task_id = addtask(&sb, &url, 2).await;
    let numbers: Vec<String> = (0..200).map(|i| format!("1390000{i:04}")).collect();
    let call_sn = outnum(&sb, &task_id, &numbers).await;
    wait_for(&r, |got| got.len() == 201).await;
    // Nothing more arrives: every push was accepted at once and is sent once.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got = r.attempts();
    assert_eq!(got.len(), 201, "200 calls and one §8 push");
    assert!(got.values().all(|v| v.len() == 1), "each pushed exactly once");

    let greeting = "在线调解助手小耀";
    let mut calls = BTreeMap::new();
    let mut states = BTreeSet::new();
    for (key, pushes) in &got {
        let body = &pushes[0].body;
        if key.starts_with("intent/") {
            continue;
        }
        assert_eq!(body["task_id"], task_id.as_str());
        assert_eq!(body["call_sn"], call_sn.as_str());
        assert_eq!(body["call_sn_name"], "回访批次");
        assert_eq!(body["bot_id"], BOT_ID);
        assert_eq!(body["task_name"], "回访任务");
        // The body decodes as the protocol's §7 type.
        let push: kefu_protocol::callbacks::CallRecordPush =
            serde_json::from_value(body.clone()).expect("a §7 body");
        assert_eq!(push.calls.len(), 1);
        let call = &body["calls"][0];
        let state = call["state"].as_i64().expect("state");
        states.insert(state);
        let answered = state == 785;
        for t in ["start_time", "end_time"] {
            let time = call[t].as_str().expect("time");
            assert!(time.ends_with("+08:00"), "{time}");
            assert!(kefu_protocol::Timestamp::new(time).parse().is_some(), "{time}");
        }
        // Dialled with no interval at the sandbox's (manual) time of the upload: every call
        // ended then, and is pushed after it ended.
        assert_eq!(call["end_time"], "2024-04-03T09:53:10+08:00");
        assert!(call["start_time"].as_str() < call["end_time"].as_str());
        let dialogs = call["dialogs"].as_array().expect("dialogs");
        if answered {
            assert!(call["answered_time"].as_str().is_some_and(|t| t.ends_with("+08:00")));
            assert!(call["duration"].as_u64().is_some_and(|d| d > 0));
            assert!(matches!(call["hangup_by"].as_i64(), Some(1 | 2)));
            let record = call["record_url"].as_str().expect("answered calls are recorded");
            assert!(record.starts_with('/') && record.ends_with(".wav"), "a relative path: {record}");
            assert!(!dialogs.is_empty());
            // The document's example sends `dialog_type`, and so does the sandbox.
            assert!(dialogs.iter().all(|d| d.get("dialog_type").is_some() && d.get("type").is_none()));
            assert_eq!(dialogs[0]["dialog_type"], 1, "the bot speaks first");
            assert!(dialogs[0]["dialog_text"].as_str().is_some_and(|t| t.contains(greeting)));
            let users: Vec<&Value> = dialogs.iter().filter(|d| d["dialog_type"] == 2).collect();
            assert_eq!(call["round"].as_u64(), Some(users.len() as u64));
            assert!(users.iter().all(|u| u["intention_name"].as_str().is_some_and(|i| !i.is_empty())));
            assert!(dialogs.iter().all(|d| d["msg_time"].as_str().is_some_and(|t| t.ends_with("+08:00"))));
        } else {
            assert!(dialogs.is_empty(), "{call}");
            assert!(call.get("record_url").is_none());
            assert!(call.get("answered_time").is_none());
            assert_eq!(call["duration"], 0);
        }
        calls.insert(call["num"].as_str().expect("num").to_owned(), (answered, call.clone()));
    }
    assert_eq!(calls.keys().cloned().collect::<Vec<_>>(), numbers, "every number called once");
    let answered = calls.values().filter(|(a, _)| *a).count();
    assert!((90..=150).contains(&answered), "about 60 % answered: {answered}");
    assert!(states.len() >= 5, "a mix of §18 states: {states:?}");
    assert!(states.iter().all(|s| (770..=790).contains(s)), "{states:?}");

    // §8: a grade for every number, F for the unanswered.
    let intent = got.iter().find(|(k, _)| k.starts_with("intent/")).map(|(_, v)| v[0].body.clone());
    let intent = intent.expect("a §8 push");
    let push: kefu_protocol::callbacks::IntentPush = serde_json::from_value(intent.clone()).expect("§8");
    assert_eq!(push.task_id, task_id);
    assert_eq!(push.degrees.len(), 200);
    let mut grades = BTreeSet::new();
    for d in push.degrees.iter() {
        let (answered, _) = &calls[&d.num];
        assert_eq!(*answered, d.degree_name != "F类", "{}: {}", d.num, d.degree_name);
        assert_eq!(d.recall_flag, kefu_protocol::RecallFlag::First);
        grades.insert(d.degree_name.clone());
    }
    assert!(grades.len() >= 3 && grades.contains("A类"), "{grades:?}");

    // The pushed dialog is the call followed/data answers (one source of truth).
    let (_, call) = calls.values().find(|(a, _)| *a).expect("an answered call");
    let data = sb
        .post("/api/v1/coeus/apiserver/followed/data", json!({"session_id": call["call_id"].clone()}))
        .await;
    assert_eq!(code(&data), 0, "{}", data.body);
    let texts = |v: &Value, k: &str| -> Vec<String> {
        v.as_array().expect("lines").iter().map(|l| l[k].as_str().unwrap_or_default().to_owned()).collect()
    };
    assert_eq!(texts(&data.body["result"], "content"), texts(&call["dialogs"], "dialog_text"));

    // The recording of an answered call is served at its relative path.
    let wav = sb.get(call["record_url"].as_str().expect("record_url")).await;
    assert_eq!(wav.status, StatusCode::OK);
    assert_eq!(wav.content_type, "audio/wav");
    assert_eq!(&wav.bytes[..4], b"RIFF");
    assert_eq!(&wav.bytes[8..12], b"WAVE");
    assert!(wav.bytes.len() >= 44 + 3 * 16_000, "at least 3 s of 8 kHz 16-bit audio: {}", wav.bytes.len());
    // A player's byte range.
    let range = sb
        .send(
            axum::http::Request::get(call["record_url"].as_str().expect("record_url"))
                .header(axum::http::header::RANGE, "bytes=-4")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(range.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(range.bytes, wav.bytes[wav.bytes.len() - 4..]);
    // An unanswered call has none.
    let (_, missed) = calls.values().find(|(a, _)| !*a).expect("an unanswered call");
    let none = sb.get(&format!("/sandbox/recordings/{}.wav", missed["call_id"].as_str().expect("id"))).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_without_recording_pushes_no_record_url() {
    let (r, url) = receiver(Mode::Accept).await;
    let sb = fast_sandbox(None);
    let task_id = addtask(&sb, &url, 1).await;
    let numbers: Vec<String> = (0..20).map(|i| format!("1370000{i:04}")).collect();
    outnum(&sb, &task_id, &numbers).await;
    wait_for(&r, |got| got.len() == 21).await;
    for (key, pushes) in r.attempts() {
        if !key.starts_with("intent/") {
            assert!(pushes[0].body["calls"][0].get("record_url").is_none());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_pushes_are_retried_after_5_10_15_scaled() {
    let (r, url) = receiver(Mode::FailTwice).await;
    let sb = fast_sandbox(None);
    let task_id = addtask(&sb, &url, 2).await;
    outnum(&sb, &task_id, &["13800138000".to_owned()]).await;
    wait_for(&r, |got| got.len() == 2 && got.values().all(|v| v.len() == 3)).await;
    // Past the last retry delay (150 ms at scale 0.01): nothing more.
    tokio::time::sleep(Duration::from_millis(400)).await;
    for (key, attempts) in r.attempts() {
        assert_eq!(attempts.len(), 3, "{key}: two failures, then accepted");
        assert_eq!(attempts.iter().map(|a| a.accepted).collect::<Vec<_>>(), [false, false, true]);
        assert_eq!(attempts[0].body, attempts[2].body, "the same body each time");
        let gaps: Vec<Duration> = attempts.windows(2).map(|w| w[1].at - w[0].at).collect();
        // 5 × 0.01 s and 10 × 0.01 s, plus scheduling slack.
        assert!(gaps[0] >= Duration::from_millis(50) && gaps[0] < Duration::from_millis(600), "{gaps:?}");
        assert!(gaps[1] >= Duration::from_millis(100) && gaps[1] < Duration::from_millis(650), "{gaps:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_receiver_gets_four_attempts_then_nothing() {
    let (r, url) = receiver(Mode::AlwaysFail).await;
    let sb = fast_sandbox(None);
    let task_id = addtask(&sb, &url, 2).await;
    outnum(&sb, &task_id, &["13800138000".to_owned(), "13800138001".to_owned()]).await;
    wait_for(&r, |got| got.len() == 3 && got.values().all(|v| v.len() == 4)).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    for (key, attempts) in r.attempts() {
        assert_eq!(attempts.len(), 4, "{key}: the first attempt and 3 retries");
        let gaps: Vec<Duration> = attempts.windows(2).map(|w| w[1].at - w[0].at).collect();
        for (gap, secs) in gaps.iter().zip([5u64, 10, 15]) {
            assert!(*gap >= Duration::from_millis(secs * 10), "{gaps:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_down_for_two_attempts_gets_the_third() {
    // Nothing listens on the port at first: the first two attempts are refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    drop(listener);
    // Scale 0.1: attempts at 0, 0.5, 1.5 and 3 s; the receiver comes up at 1 s.
    let sb = sandbox_with(|c| {
        c.dial_interval_ms = 0;
        c.retry_scale = 0.1;
    });
    let task_id = addtask(&sb, &format!("http://{addr}/report"), 2).await;
    let uploaded = Instant::now();
    outnum(&sb, &task_id, &["13800138000".to_owned()]).await;
    assert!(uploaded.elapsed() < Duration::from_millis(500), "the upload does not wait for the pushes");
    tokio::time::sleep(Duration::from_millis(1_000).saturating_sub(uploaded.elapsed())).await;
    let (r, _) = receiver_at(&addr, Mode::Accept).await;
    wait_for(&r, |got| got.len() == 2).await;
    // Past the time of a fourth attempt: the accepted third was the last.
    tokio::time::sleep(Duration::from_millis(3_300).saturating_sub(uploaded.elapsed())).await;
    for (key, attempts) in r.attempts() {
        assert_eq!(attempts.len(), 1, "{key}: only the third attempt reached it");
        let at = attempts[0].at - uploaded;
        assert!(at >= Duration::from_millis(1_400) && at < Duration::from_millis(2_900), "{key}: {at:?}");
    }
}

/// A §9 lookup server: a known caller is transferred, anyone else greeted.
async fn lookup_server() -> String {
    async fn lookup(Json(body): Json<Value>) -> Json<Value> {
        match body["caller"].as_str() {
            Some("13515525820") => Json(
                json!({"code": 0, "msg": "success", "prompt": "转接到相应部门", "transfer": "01055667788"}),
            ),
            Some("13000000000") => Json(json!({"code": 7, "msg": "no such customer"})),
            _ => Json(json!({"code": 0, "msg": "success", "prompt": "您好，欢迎致电"})),
        }
    }
    let app = axum::Router::new().route("/inbound", post(lookup));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/inbound")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbound_asks_the_lookup_url() {
    let sb = fast_sandbox(Some(lookup_server().await));
    let a = sb.post("/sandbox/inbound", json!({"caller": "13515525820"})).await;
    assert_eq!(code(&a), 0, "{}", a.body);
    assert_eq!(
        a.body["result"],
        json!({"caller": "13515525820", "action": "transfer", "prompt": "转接到相应部门", "transfer": "01055667788"})
    );
    let a = sb.post("/sandbox/inbound", json!({"caller": "13900000000"})).await;
    assert_eq!(
        a.body["result"],
        json!({"caller": "13900000000", "action": "say", "prompt": "您好，欢迎致电"})
    );
    // The lookup answering code != 0 is a failure, said clearly.
    let a = sb.post("/sandbox/inbound", json!({"caller": "13000000000"})).await;
    assert_eq!(code(&a), 50201, "{}", a.body);
    assert!(a.body["msg"].as_str().is_some_and(|m| m.contains("no such customer")), "{}", a.body);
    // A body without a caller is refused.
    assert_eq!(code(&sb.post("/sandbox/inbound", json!({"who": "x"})).await), 40001);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbound_without_a_lookup_url_or_with_one_that_is_down() {
    let sb = fast_sandbox(None);
    let a = sb.post("/sandbox/inbound", json!({"caller": "13515525820"})).await;
    assert_eq!(code(&a), 50301, "{}", a.body);
    assert!(a.body["msg"].as_str().is_some_and(|m| m.contains("--inbound-url")), "{}", a.body);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/inbound", listener.local_addr().expect("addr"));
    drop(listener);
    let sb = fast_sandbox(Some(url));
    let a = sb.post("/sandbox/inbound", json!({"caller": "13515525820"})).await;
    assert_eq!(code(&a), 50201, "{}", a.body);
}
