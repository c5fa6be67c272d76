//! A campaign from end to end: the sandbox, as the platform would, calls a batch of 200 numbers
//! and pushes each call (§7) and the grades (§8) to the task's `team_url`; the receiver stores
//! them. Every call is stored exactly once with all its turns, and the grades are what was sent.
//! The pushes go over real HTTP through a tap that keeps what the sandbox sent (and, in one run,
//! answers the first two attempts of every push 500, as a receiver that is down would); the
//! store is SQLite and PostgreSQL in turn.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{Request, header};
use axum::response::Response;
use http_body_util::BodyExt;
use kefu_protocol::callbacks::{CallRecordPush, IntentPush};
use serde_json::{Value, json};
use tower::ServiceExt;

const KEY: &str = "campaign-key";
const SECRET: &str = "campaign-secret";
const APP_ID: &str = "200000000";
const BOT_ID: &str = "134614200106471424";
const NUMBERS: usize = 200;

/// What the sandbox sent and the receiver accepted, body by body.
#[derive(Clone, Default)]
struct Tap {
    accepted: Arc<Mutex<Vec<Value>>>,
    /// How many first attempts of each push are answered 500 without reaching the receiver.
    refuse_first: usize,
    /// Attempts seen, by body.
    attempts: Arc<Mutex<BTreeMap<Bytes, usize>>>,
}

/// Forwards a push to the receiver and keeps its body when the receiver accepted it.
async fn tap(State((tap, receiver)): State<(Tap, Router)>, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let attempt = {
        let mut attempts = tap.attempts.lock().expect("lock");
        let n = attempts.entry(bytes.clone()).or_default();
        *n += 1;
        *n
    };
    if attempt <= tap.refuse_first {
        return Response::builder().status(500).body(Body::from("down")).expect("response");
    }
    let forwarded = Request::from_parts(parts, Body::from(bytes.clone()));
    let answer = receiver.oneshot(forwarded).await.expect("the receiver answers");
    let (parts, body) = answer.into_parts();
    let answer_bytes = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let answer_json: Value = serde_json::from_slice(&answer_bytes).unwrap_or(Value::Null);
    if parts.status.is_success() && answer_json["code"] == 0 {
        let sent: Value = serde_json::from_slice(&bytes).expect("the sandbox sends JSON");
        tap.accepted.lock().expect("lock").push(sent);
    }
    Response::from_parts(parts, Body::from(answer_bytes))
}

/// A signed JSON POST to the sandbox.
async fn sandbox_post(sandbox: &Router, path: &str, content_type: &str, body: impl Into<Body>) -> Value {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::AUTHORIZATION, kefu_sandbox::auth::header_value(KEY, SECRET, now as i64))
        .body(body.into())
        .expect("request");
    let answer = sandbox.clone().oneshot(request).await.expect("the sandbox answers");
    let bytes = answer.into_body().collect().await.expect("body").to_bytes();
    let json: Value = serde_json::from_slice(&bytes).expect("JSON");
    assert_eq!(json["code"], 0, "{path}: {json}");
    json
}

/// The multipart body of an outnum upload of `numbers`.
fn outnum_body(boundary: &str, task_id: &str, numbers: &[String]) -> Bytes {
    let mut csv = String::from("phone,name\n");
    for n in numbers {
        csv.push_str(&format!("{n},客户\n"));
    }
    let mut body = String::new();
    for (name, value) in [
        ("app_id", APP_ID),
        ("task_id", task_id),
        ("call_count", &numbers.len().to_string()),
        ("file_suffix", "csv"),
        ("disnum_group_id", "g-1"),
        ("call_sn_name", "回访批次"),
    ] {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"n.csv\"\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    ));
    Bytes::from(body)
}

async fn campaign(store_url: String, refuse_first: usize) {
    let (_store, receiver) = common::app(&store_url, common::settings()).await;
    let tapped = Tap { refuse_first, ..Tap::default() };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let tap_app = Router::new().fallback(tap).with_state((tapped.clone(), receiver.clone()));
    tokio::spawn(async move { axum::serve(listener, tap_app).await });
    let team_url = format!("http://{addr}/callbacks/{}", common::TOKEN);

    let mut config = kefu_sandbox::Config::new(KEY, SECRET);
    config.dial_interval_ms = 0;
    config.retry_scale = 0.01;
    let sandbox = kefu_sandbox::app(config);
    let task = sandbox_post(
        &sandbox,
        "/api/v1/coeus/apiserver/agent/addtask",
        "application/json",
        json!({"app_id": APP_ID, "task_name": "回访任务", "bot_id": BOT_ID, "voice": "aixia",
               "disnumber": "02188886666", "is_record": 2, "team_url": team_url})
        .to_string(),
    )
    .await;
    let task_id = task["result"]["task_id"].as_str().expect("task_id").to_owned();
    let numbers: Vec<String> = (0..NUMBERS).map(|i| format!("1380000{i:04}")).collect();
    let boundary = "-----campaign0b5e";
    sandbox_post(
        &sandbox,
        "/api/v1/coeus/apiserver/agent/outnum",
        &format!("multipart/form-data; boundary={boundary}"),
        outnum_body(boundary, &task_id, &numbers),
    )
    .await;

    // Every call and the grades arrive (pushes of §8 carry at most 1,000 grades: one here).
    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut sent_calls, mut sent_grades) = (BTreeMap::new(), BTreeMap::new());
    while sent_calls.len() < NUMBERS || sent_grades.len() < NUMBERS {
        assert!(
            Instant::now() < deadline,
            "only {} calls and {} grades arrived",
            sent_calls.len(),
            sent_grades.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
        for body in tapped.accepted.lock().expect("lock").iter() {
            if body.get("calls").is_some() {
                let push: CallRecordPush = serde_json::from_value(body.clone()).expect("§7");
                for call in push.calls.iter() {
                    sent_calls.insert(call.call_id.clone(), call.clone());
                }
            } else {
                let push: IntentPush = serde_json::from_value(body.clone()).expect("§8");
                for d in push.degrees.iter() {
                    sent_grades.insert(d.num.clone(), d.degree_name.clone());
                }
            }
        }
    }
    assert_eq!(sent_calls.len(), NUMBERS, "one call a number");
    // Each push was tried until accepted, and not again: refused `refuse_first` times, then stored.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let attempts = tapped.attempts.lock().expect("lock").clone();
    assert!(attempts.values().all(|&n| n == refuse_first + 1), "attempts per push: {:?}", attempts.values());

    // Every push is replayed, as the platform does after a lost answer: nothing changes.
    let bodies: Vec<Value> = tapped.accepted.lock().expect("lock").clone();
    for body in &bodies {
        let (status, answer) =
            common::post(&receiver, &format!("/callbacks/{}", common::TOKEN), body.to_string()).await;
        assert!(status.is_success() && answer["code"] == 0, "{answer}");
    }

    // The task, its calls (each once), and every call with all its turns.
    let (_, tasks) = common::get(&receiver, "/kefu/v1/tasks").await;
    let summary = tasks["tasks"].as_array().expect("tasks").iter().find(|t| t["task_id"] == task_id.as_str());
    let summary = summary.expect("the task is listed");
    assert_eq!(summary["calls"], NUMBERS);
    let (_, page) = common::get(&receiver, &format!("/kefu/v1/tasks/{task_id}/calls?limit=1000")).await;
    assert_eq!(page["total"], NUMBERS, "each call stored once");
    let rows = page["rows"].as_array().expect("rows");
    let stored: BTreeSet<&str> = rows.iter().filter_map(|r| r["call_id"].as_str()).collect();
    assert_eq!(
        stored,
        sent_calls.keys().map(String::as_str).collect(),
        "the calls sent are the calls stored"
    );
    for row in rows {
        let call_id = row["call_id"].as_str().expect("call_id");
        let sent = &sent_calls[call_id];
        assert_eq!(row["num"], sent.num.as_str());
        assert_eq!(row["state"], serde_json::to_value(sent.state).expect("state"));
        assert_eq!(row["grade"], sent_grades[&sent.num].as_str(), "the grade sent for {}", sent.num);
        let (_, detail) = common::get(&receiver, &format!("/kefu/v1/calls/{call_id}")).await;
        let turns = detail["turns"].as_array().expect("turns");
        assert_eq!(turns.len(), sent.dialogs.len(), "all turns of {call_id}");
        for (turn, dialog) in turns.iter().zip(sent.dialogs.iter()) {
            assert_eq!(turn["text"], kefu_protocol::ssml_to_text(&dialog.dialog_text));
        }
    }
    // Grades by grade name agree with what was sent.
    let mut sent_by_grade: BTreeMap<&str, u64> = BTreeMap::new();
    for g in sent_grades.values() {
        *sent_by_grade.entry(g.as_str()).or_default() += 1;
    }
    let stored_by_grade: BTreeMap<&str, u64> = summary["grades"]
        .as_array()
        .expect("grades")
        .iter()
        .map(|g| (g["grade"].as_str().expect("grade"), g["count"].as_u64().expect("count")))
        .collect();
    assert_eq!(stored_by_grade, sent_by_grade);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_of_200_numbers_is_stored_once_each_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    campaign(format!("sqlite:{}", dir.path().join("store.db").display()), 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_refused_twice_are_stored_on_the_third_attempt() {
    let dir = tempfile::tempdir().expect("temp dir");
    campaign(format!("sqlite:{}", dir.path().join("store.db").display()), 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_of_200_numbers_is_stored_once_each_on_postgres() {
    let pg = common::Postgres::start();
    campaign(pg.fresh_database("campaign").await, 0).await;
}
