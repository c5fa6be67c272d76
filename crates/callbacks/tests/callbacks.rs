//! The receiver, the store and the result routes, run against SQLite and PostgreSQL with the
//! same test bodies: each case takes a store URL.

mod common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use common::{TOKEN, TOKEN_BANK, app, get, post, send, settings};
use http_body_util::BodyExt;
use kefu_callbacks::contacts::{Format, import_bytes, import_file};
use kefu_callbacks::settings::parse_allow;
use kefu_callbacks::{CSV_HEADER, Counts, Store};
use kefu_protocol::callbacks::{CallRecordPush, Degree, IntentPush, PushedCall, PushedDialog};
use kefu_protocol::{DialogType, HangupBy, NumberState, RecallFlag, Timestamp};
use serde_json::{Value, json};
use tower::ServiceExt;

fn push_path() -> String {
    format!("/callbacks/{TOKEN}")
}

/// A §7 call: answered ones (state 785) last `duration` seconds and carry two turns.
fn call(id: &str, num: &str, state: i64, duration: u32) -> PushedCall {
    let answered = duration > 0;
    PushedCall {
        call_id: id.into(),
        num: num.into(),
        state: NumberState::from(state),
        state_desc: None,
        start_time: Some(Timestamp::new("2024-04-03T09:53:10+08:00")),
        answered_time: answered.then(|| Timestamp::new("2024-04-03T09:53:15+08:00")),
        end_time: Some(Timestamp::new("2024-04-03T09:54:10+08:00")),
        duration: Some(duration),
        record_url: answered.then(|| format!("/record/{id}.wav")),
        round: Some(2),
        hangup_by: answered.then_some(HangupBy::User),
        sms_state: None,
        dialogs: if answered {
            vec![
                PushedDialog {
                    dialog_type: Some(DialogType::Bot),
                    dialog_text: "<speak>您好<break time=\"300ms\"/>，我是客服 &amp; 助理</speak>".into(),
                    msg_time: Timestamp::new("2024-04-03T09:53:16+08:00"),
                    intention_name: String::new(),
                },
                PushedDialog {
                    dialog_type: Some(DialogType::User),
                    dialog_text: "好的".into(),
                    msg_time: Timestamp::new("2024-04-03T09:53:20+08:00"),
                    intention_name: "肯定".into(),
                },
            ]
            .into()
        } else {
            Default::default()
        },
    }
}

fn calls_push(task_id: &str, calls: Vec<PushedCall>) -> CallRecordPush {
    CallRecordPush {
        task_id: task_id.into(),
        task_name: "回访".into(),
        call_sn: "sn1".into(),
        call_sn_name: Some("第一批".into()),
        bot_id: "b1".into(),
        bot_name: "回访话术".into(),
        calls: calls.into(),
    }
}

fn grades_push(task_id: &str, grades: &[(&str, &str, RecallFlag)]) -> IntentPush {
    IntentPush {
        task_id: task_id.into(),
        task_name: "回访".into(),
        call_sn: "sn1".into(),
        call_sn_name: None,
        degrees: grades
            .iter()
            .map(|(num, g, flag)| Degree { num: (*num).into(), degree_name: (*g).into(), recall_flag: *flag })
            .collect(),
    }
}

fn json_body<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialises")
}

fn ok(answer: &(StatusCode, Value)) {
    assert_eq!(answer.0, StatusCode::OK, "{answer:?}");
    assert_eq!(answer.1, json!({"code": 0, "msg": "success"}));
}

fn failed(answer: &(StatusCode, Value), status: StatusCode) {
    assert_eq!(answer.0, status, "{answer:?}");
    assert_eq!(answer.1["code"], json!(status.as_u16()), "{answer:?}");
    assert!(answer.1["msg"].as_str().is_some_and(|m| !m.is_empty()), "{answer:?}");
}

async fn counts(store: &Store) -> Counts {
    store.counts().await.expect("counts")
}

// ---------------------------------------------------------------------------------------------
// The cases.

async fn exactly_once(url: String) {
    let (store, router) = app(&url, settings()).await;
    let body = json_body(&calls_push(
        "t1",
        vec![call("c1", "13800000001", 785, 30), call("c2", "13800000002", 775, 0)],
    ));
    for _ in 0..4 {
        ok(&post(&router, &push_path(), body.clone()).await);
    }
    // The same call twice in one push, and a push repeating c1 with other content.
    let mut changed = call("c1", "13900000000", 781, 0);
    changed.dialogs.clear();
    let again = json_body(&calls_push(
        "t1",
        vec![call("c3", "13800000003", 785, 10), call("c3", "x", 1, 0), changed],
    ));
    ok(&post(&router, &push_path(), again.clone()).await);
    ok(&post(&router, &push_path(), again).await);
    let grades = json_body(&grades_push("t1", &[("13800000001", "A类", RecallFlag::First)]));
    for _ in 0..4 {
        ok(&post(&router, &push_path(), grades.clone()).await);
    }
    let c = counts(&store).await;
    assert_eq!((c.tasks, c.calls, c.turns, c.grades), (1, 3, 4, 1), "{c:?}");
    let (_, detail) = get(&router, "/kefu/v1/calls/c1").await;
    assert_eq!(detail["num"], "13800000001", "the first push of c1 is kept: {detail}");
    assert_eq!(detail["state"], 785);
    // The raw record_url of a call, for the proxy's recording links.
    assert_eq!(store.record_url("c1").await.expect("read"), Some(Some("/record/c1.wav".to_owned())));
    assert_eq!(store.record_url("c2").await.expect("read"), Some(None), "unanswered: no recording");
    assert_eq!(store.record_url("nope").await.expect("read"), None);
}

async fn concurrent_repeats_store_once(url: String) {
    let (store, router) = app(&url, settings()).await;
    // Four pushes of 50 calls overlapping by half (c0..c124), each sent three times at once.
    let bodies: Vec<String> = (0..4)
        .map(|k| {
            let calls =
                (0..50).map(|i| call(&format!("c{}", i + k * 25), &format!("138{i:08}"), 785, 5)).collect();
            json_body(&calls_push("t1", calls))
        })
        .collect();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..3 {
        for body in &bodies {
            let (router, body) = (router.clone(), body.clone());
            tasks.spawn(async move { post(&router, &push_path(), body).await });
        }
    }
    while let Some(answer) = tasks.join_next().await {
        ok(&answer.expect("task"));
    }
    let c = counts(&store).await;
    assert_eq!((c.tasks, c.calls, c.turns), (1, 125, 250), "{c:?}");
}

async fn invalid_push_writes_nothing(url: String) {
    let (store, router) = app(&url, settings()).await;
    // The second call lacks call_id: the push fails decoding, nothing of the first is written.
    let mut value =
        serde_json::to_value(calls_push("t1", vec![call("c1", "1", 785, 5), call("c2", "2", 785, 5)]))
            .expect("value");
    value["calls"][1].as_object_mut().expect("object").remove("call_id");
    failed(&post(&router, &push_path(), value.to_string()).await, StatusCode::BAD_REQUEST);
    // A dialog line that does not decode (type is not a number) refuses the whole push too.
    let mut value = serde_json::to_value(calls_push("t1", vec![call("c1", "1", 785, 5)])).expect("value");
    value["calls"][0]["dialogs"][1]["type"] = json!({"not": "a number"});
    let answer = post(&router, &push_path(), value.to_string()).await;
    failed(&answer, StatusCode::BAD_REQUEST);
    assert!(answer.1["msg"].as_str().is_some_and(|m| m.contains("calls[0].dialogs[1]")), "{answer:?}");
    // An empty call_id passes decoding and fails validation.
    let mut empty = calls_push("t1", vec![call("c1", "1", 785, 5), call("", "2", 785, 5)]);
    failed(&post(&router, &push_path(), json_body(&empty)).await, StatusCode::BAD_REQUEST);
    // A grade without num.
    let bad_grades = json!({"task_id": "t1", "call_sn": "s", "degrees": [{"num": "1", "degree_name": "A类", "recall_flag": 0}, {"degree_name": "B类", "recall_flag": 0}]});
    failed(&post(&router, &push_path(), bad_grades.to_string()).await, StatusCode::BAD_REQUEST);
    assert_eq!(counts(&store).await, Counts::default());
    // The platform's retry with a good body is stored.
    empty.calls[1].call_id = "c2".into();
    ok(&post(&router, &push_path(), json_body(&empty)).await);
    assert_eq!(counts(&store).await.calls, 2);
}

async fn retries_after_failures(url: String) {
    let body = json_body(&calls_push("t1", vec![call("c1", "13800000001", 785, 30)]));
    // The store is down: the push is answered 500 (code != 0), so the platform retries.
    let (store, router) = app(&url, settings()).await;
    store.close().await;
    failed(&post(&router, &push_path(), body.clone()).await, StatusCode::INTERNAL_SERVER_ERROR);
    failed(&post(&router, &push_path(), body.clone()).await, StatusCode::INTERNAL_SERVER_ERROR);
    // Back up: the third attempt is stored, and later repeats change nothing.
    let (store, router) = app(&url, settings()).await;
    assert_eq!(counts(&store).await.calls, 0);
    ok(&post(&router, &push_path(), body.clone()).await);
    for _ in 0..3 {
        ok(&post(&router, &push_path(), body.clone()).await);
    }
    let c = counts(&store).await;
    assert_eq!((c.calls, c.turns), (1, 2));
}

async fn lenient_pushes_and_labels(url: String) {
    let (store, router) = app(&url, settings()).await;
    // The example's form: numeric ids, `dialog_type`, nulls, an undocumented state with its text.
    let body = json!({
        "task_id": 20240403, "task_name": "回访", "call_sn": 7, "call_sn_name": null, "bot_id": 12, "bot_name": "b",
        "calls": [{
            "call_id": 99, "num": 13800000009u64, "state": 1, "state_desc": "成功",
            "start_time": "2024-04-03T09:53:10+08:00", "answered_time": null, "end_time": "2024-04-03 09:54:10",
            "duration": 12, "record_url": "record/99.wav", "round": null, "hangup_by": 2, "sms_state": null,
            "dialogs": [{"dialog_type": 1, "dialog_text": "<speak>喂</speak>", "msg_time": "2024-04-03T09:53:11+08:00", "intention_name": null}]
        }]
    });
    ok(&post(&router, &format!("/callbacks/{TOKEN_BANK}"), body.to_string()).await);
    let (status, detail) = get(&router, "/kefu/v1/calls/99").await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["label"], "bank");
    assert_eq!(detail["task_id"], "20240403");
    assert_eq!(detail["state"], 1);
    assert_eq!(detail["state_label"], "成功");
    assert_eq!(detail["answered"], true);
    assert_eq!(detail["recording"], "https://rec.example.com/record/99.wav");
    assert_eq!(detail["turns"][0]["text"], "喂");
    assert_eq!(detail["turns"][0]["dialog_type"], 1);
    let (_, tasks) = get(&router, "/kefu/v1/tasks").await;
    assert_eq!(tasks["tasks"][0]["label"], "bank");
    assert_eq!(counts(&store).await.calls, 1);
}

async fn results_with_filters_and_paging(url: String) {
    let (_store, router) = app(&url, settings()).await;
    // 30 calls: every third answered (duration 10..), the others no answer (775) or busy (773).
    let calls: Vec<PushedCall> = (0..30)
        .map(|i| {
            let (state, duration) = match i % 3 {
                0 => (785, 10 + i),
                1 => (775, 0),
                _ => (773, 0),
            };
            call(&format!("c{i:02}"), &format!("1380000{i:04}"), state, duration)
        })
        .collect();
    ok(&post(&router, &push_path(), json_body(&calls_push("t1", calls))).await);
    ok(&post(&router, &push_path(), json_body(&calls_push("t2", vec![call("other", "1", 785, 5)]))).await);
    let grades: Vec<(String, &str, RecallFlag)> = (0..30)
        .step_by(3)
        .map(|i| (format!("1380000{i:04}"), if i < 15 { "A类" } else { "B类" }, RecallFlag::First))
        .collect();
    let grades: Vec<(&str, &str, RecallFlag)> = grades.iter().map(|(n, g, f)| (n.as_str(), *g, *f)).collect();
    ok(&post(&router, &push_path(), json_body(&grades_push("t1", &grades))).await);
    // A recall regrades one number: its latest grade counts.
    ok(&post(
        &router,
        &push_path(),
        json_body(&grades_push("t1", &[("13800000000", "C类", RecallFlag::Recall)])),
    )
    .await);

    let (status, tasks) = get(&router, "/kefu/v1/tasks").await;
    assert_eq!(status, StatusCode::OK);
    let t1 =
        tasks["tasks"].as_array().expect("list").iter().find(|t| t["task_id"] == "t1").expect("t1").clone();
    assert_eq!(t1["calls"], 30);
    let states: Vec<(i64, String, u64)> = t1["states"]
        .as_array()
        .expect("states")
        .iter()
        .map(|s| {
            (
                s["state"].as_i64().unwrap_or(0),
                s["label"].as_str().unwrap_or("").to_owned(),
                s["count"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert!(states.contains(&(785, "自然人摘机识别".into(), 10)), "{states:?}");
    assert!(states.contains(&(775, "无人接听".into(), 10)), "{states:?}");
    assert!(states.contains(&(773, "正在通话".into(), 10)), "{states:?}");
    let grade_count = |g: &str| {
        t1["grades"].as_array().expect("grades").iter().find(|x| x["grade"] == g).map(|x| x["count"].clone())
    };
    assert_eq!(grade_count("A类"), Some(json!(4)));
    assert_eq!(grade_count("B类"), Some(json!(5)));
    assert_eq!(grade_count("C类"), Some(json!(1)));

    let total = |v: &Value| v["total"].as_u64().expect("total");
    let (status, all) = get(&router, "/kefu/v1/tasks/t1/calls").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(total(&all), 30);
    assert_eq!(all["rows"].as_array().map(Vec::len), Some(30));
    assert_eq!(all["rows"][0]["call_id"], "c00");
    assert_eq!(all["rows"][0]["grade"], "C类");
    assert_eq!(all["rows"][0]["recording"], "https://rec.example.com/record/c00.wav");
    assert_eq!(total(&get(&router, "/kefu/v1/tasks/t1/calls?state=775").await.1), 10);
    assert_eq!(total(&get(&router, "/kefu/v1/tasks/t1/calls?answered=true").await.1), 10);
    assert_eq!(total(&get(&router, "/kefu/v1/tasks/t1/calls?answered=false").await.1), 20);
    assert_eq!(total(&get(&router, "/kefu/v1/tasks/t1/calls?grade=B%E7%B1%BB").await.1), 5);
    // Answered durations are 10, 13, …, 37: 20..=30 holds 22, 25, 28.
    assert_eq!(total(&get(&router, "/kefu/v1/tasks/t1/calls?min_duration=20&max_duration=30").await.1), 3);
    assert_eq!(total(&get(&router, "/kefu/v1/tasks/t1/calls?num=1380000001").await.1), 10);
    assert_eq!(
        total(&get(&router, "/kefu/v1/tasks/t1/calls?num=1380000_").await.1),
        0,
        "LIKE wildcards are literal"
    );
    let (_, page) = get(&router, "/kefu/v1/tasks/t1/calls?answered=false&offset=15&limit=10").await;
    assert_eq!(total(&page), 20);
    let ids: Vec<&str> =
        page["rows"].as_array().expect("rows").iter().filter_map(|r| r["call_id"].as_str()).collect();
    assert_eq!(ids, ["c23", "c25", "c26", "c28", "c29"]);
    let (status, bad) = get(&router, "/kefu/v1/tasks/t1/calls?state=abc").await;
    failed(&(status, bad), StatusCode::BAD_REQUEST);
    assert_eq!(total(&get(&router, "/kefu/v1/tasks/none/calls").await.1), 0);

    let (status, detail) = get(&router, "/kefu/v1/calls/c03").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["task_name"], "回访");
    assert_eq!(detail["bot_name"], "回访话术");
    assert_eq!(detail["hangup_by"], 1);
    assert_eq!(detail["turns"][0]["text"], "您好，我是客服 & 助理", "SSML made readable");
    assert_eq!(detail["turns"][1]["intention_name"], "肯定");
    let (status, missing) = get(&router, "/kefu/v1/calls/nope").await;
    failed(&(status, missing), StatusCode::NOT_FOUND);
}

async fn csv_streams_100000_calls(url: String) {
    let (store, router) = app(&url, settings()).await;
    const CALLS: usize = 100_000;
    for batch in 0..CALLS / 1000 {
        let calls: Vec<PushedCall> = (0..1000)
            .map(|i| {
                let n = batch * 1000 + i;
                let mut c = call(&format!("c{n:06}"), &format!("139{n:08}"), 775, 0);
                if n == 0 {
                    c.state = NumberState::Other(1);
                    c.state_desc = Some("忙, \"稍后\"".into());
                }
                c
            })
            .collect();
        store.store_calls("shop", &calls_push("big", calls)).await.expect("stored");
    }
    let response = router
        .clone()
        .oneshot(Request::get("/kefu/v1/tasks/big/calls.csv").body(Body::empty()).expect("request"))
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let mut body = response.into_body();
    let (mut frames, mut largest, mut lines) = (0usize, 0usize, 0usize);
    let mut head = Vec::new();
    while let Some(frame) = body.frame().await {
        let data = frame.expect("frame").into_data().unwrap_or_default();
        frames += 1;
        largest = largest.max(data.len());
        lines += data.iter().filter(|&&b| b == b'\n').count();
        if head.len() < 4096 {
            head.extend_from_slice(&data[..data.len().min(4096)]);
        }
    }
    assert_eq!(lines, CALLS + 1, "a header line and one line per call");
    assert!(frames > 100, "the body arrives in many pieces ({frames}), not as one");
    assert!(largest < 256 * 1024, "no piece holds much of the result ({largest} bytes)");
    let text = String::from_utf8(head).expect("utf-8");
    let text = text.strip_prefix('\u{feff}').expect("BOM");
    let mut lines = text.split("\r\n");
    assert_eq!(lines.next(), Some(CSV_HEADER.join(",").as_str()));
    assert_eq!(
        lines.next(),
        Some(
            "c000000,big,sn1,13900000000,1,\"忙, \"\"稍后\"\"\",0,2024-04-03T09:53:10+08:00,,2024-04-03T09:54:10+08:00,0,,2,,"
        )
    );
}

async fn bad_pushes_are_refused(url: String) {
    let mut with_allow = settings();
    with_allow.allow = Some(parse_allow("10.0.0.0/8").expect("cidr"));
    let (store, router) = app(&url, settings()).await;
    let good = json_body(&calls_push("t1", vec![call("c1", "1", 785, 5)]));
    failed(&post(&router, &push_path(), "{not json").await, StatusCode::BAD_REQUEST);
    failed(&post(&router, &push_path(), "[1,2]").await, StatusCode::BAD_REQUEST);
    failed(&post(&router, &push_path(), "{}").await, StatusCode::BAD_REQUEST);
    failed(
        &post(&router, &push_path(), r#"{"task_id":"t","call_sn":"s","calls":[],"degrees":[]}"#).await,
        StatusCode::BAD_REQUEST,
    );
    failed(
        &post(&router, &push_path(), r#"{"task_id":"t","call_sn":"s","calls":"x"}"#).await,
        StatusCode::BAD_REQUEST,
    );
    failed(
        &post(
            &router,
            &push_path(),
            r#"{"task_id":"t","call_sn":"s","calls":[{"call_id":"c","num":"1","state":"busy"}]}"#,
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    // 10 MB: refused without being read whole, with or without a Content-Length.
    let big = format!(
        "{{\"task_id\":\"t\",\"call_sn\":\"s\",\"calls\":[],\"pad\":\"{}\"}}",
        "x".repeat(10 * 1024 * 1024)
    );
    failed(&post(&router, &push_path(), big.clone()).await, StatusCode::PAYLOAD_TOO_LARGE);
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> =
        big.into_bytes().chunks(64 * 1024).map(|c| Ok(bytes::Bytes::copy_from_slice(c))).collect();
    let streamed = Body::from_stream(futures_util::stream::iter(chunks));
    failed(&post(&router, &push_path(), streamed).await, StatusCode::PAYLOAD_TOO_LARGE);
    // A wrong token: the same JSON 404 as an unknown path.
    let wrong = post(&router, "/callbacks/0123456789abcdef0123456789abcdee", good.clone()).await;
    let unknown = get(&router, "/no/such/path").await;
    assert_eq!(wrong, unknown);
    assert_eq!(wrong, (StatusCode::NOT_FOUND, json!({"code": 404, "msg": "no such endpoint"})));
    assert_eq!(post(&router, "/callbacks/", good.clone()).await.0, StatusCode::NOT_FOUND);
    assert_eq!(counts(&store).await, Counts::default(), "nothing stored");
    // The allow-list: a peer outside is refused, one inside accepted.
    let guarded = kefu_callbacks::Receiver::new(with_allow, store.clone()).router();
    let from = |ip: &str| {
        let mut r = Request::post(push_path()).body(Body::from(good.clone())).expect("request");
        r.extensions_mut().insert(ConnectInfo(SocketAddr::new(ip.parse().expect("ip"), 4000)));
        r
    };
    failed(&send(&guarded, from("192.168.1.5")).await, StatusCode::FORBIDDEN);
    failed(&post(&guarded, &push_path(), good.clone()).await, StatusCode::FORBIDDEN);
    assert_eq!(counts(&store).await, Counts::default(), "nothing stored");
    ok(&send(&guarded, from("10.2.3.4")).await);
    let mut via_proxy = Request::post(push_path()).body(Body::from(good.clone())).expect("request");
    via_proxy.extensions_mut().insert(kefu_callbacks::PeerAddr("10.9.9.9".parse().expect("ip")));
    ok(&send(&guarded, via_proxy).await);
    // The receiver is still up and stores a good push.
    ok(&post(&router, &push_path(), good).await);
    assert_eq!(counts(&store).await.calls, 1);
}

async fn inbound_lookup(url: String) {
    let mut s = settings();
    s.known_prompt = "{name|客户}您好，您的{plan|套餐}即将到期".into();
    s.unknown_prompt = "您好，这里是客服中心".into();
    let (store, router) = app(&url, s).await;
    let csv = "phone,name,transfer,plan\n13800000001,张三,10086,畅享套餐\n13800000002,,,\n";
    let report = import_bytes(&store, csv.as_bytes(), Format::Csv).await.expect("import");
    assert_eq!(report.imported, 2);
    let path = format!("/callbacks/{TOKEN}/inbound");
    let (status, known) = post(&router, &path, r#"{"caller":"13800000001"}"#).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        known,
        json!({"code": 0, "msg": "success", "prompt": "张三您好，您的畅享套餐即将到期", "transfer": "10086"})
    );
    let (_, nameless) = post(&router, &path, r#"{"caller":13800000002}"#).await;
    assert_eq!(nameless, json!({"code": 0, "msg": "success", "prompt": "客户您好，您的套餐即将到期"}));
    let (_, unknown) = post(&router, &path, r#"{"caller":"13999999999"}"#).await;
    assert_eq!(unknown, json!({"code": 0, "msg": "success", "prompt": "您好，这里是客服中心"}));
    failed(&post(&router, &path, "{}").await, StatusCode::BAD_REQUEST);
    let wrong =
        post(&router, "/callbacks/0123456789abcdef0123456789abcdee/inbound", r#"{"caller":"1"}"#).await;
    assert_eq!(wrong.0, StatusCode::NOT_FOUND);
}

async fn contacts_import_csv_and_xlsx(url: String) {
    let store = Store::open(&url).await.expect("store");
    // XLSX made here: numbers as numbers and as text, Chinese headers, one bad row.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, h) in ["手机", "姓名", "转接号码", "城市"].iter().enumerate() {
        sheet.write_string(0, col as u16, *h).expect("cell");
    }
    sheet.write_number(1, 0, 13800000001.0).expect("cell");
    sheet.write_string(1, 1, "张三").expect("cell");
    sheet.write_number(1, 2, 10086.0).expect("cell");
    sheet.write_string(1, 3, "北京").expect("cell");
    sheet.write_string(2, 0, "电话未知").expect("cell");
    sheet.write_string(2, 1, "李四").expect("cell");
    sheet.write_string(3, 0, "+86 138-0000-0003").expect("cell");
    sheet.write_string(3, 1, "王五").expect("cell");
    let bytes = book.save_to_buffer().expect("xlsx");
    let report = import_bytes(&store, &bytes, Format::Xlsx).await.expect("import");
    assert_eq!(report.imported, 2, "{report:?}");
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].line, 3, "{report:?}");
    let c = store.contact("13800000001").await.expect("read").expect("imported");
    assert_eq!((c.name.as_str(), c.transfer.as_deref()), ("张三", Some("10086")));
    assert_eq!(c.variables.get("城市").map(String::as_str), Some("北京"));
    assert_eq!(store.contact("+8613800000003").await.expect("read").expect("imported").name, "王五");

    // CSV from a file; a later import replaces a contact.
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("contacts.csv");
    std::fs::write(&file, "phone,name\n13800000001,张三丰\nbad,x\n").expect("write");
    let report = import_file(&store, &file).await.expect("import");
    assert_eq!(report.imported, 1);
    assert_eq!(report.rejected.iter().map(|r| r.line).collect::<Vec<_>>(), [3]);
    let c = store.contact("13800000001").await.expect("read").expect("kept");
    assert_eq!((c.name.as_str(), c.transfer), ("张三丰", None));
    assert_eq!(counts(&store).await.contacts, 2);
    // Garbage is an error, not a panic, and writes nothing.
    std::fs::write(dir.path().join("x.xlsx"), b"garbage").expect("write");
    assert!(import_file(&store, &dir.path().join("x.xlsx")).await.is_err());
    assert_eq!(counts(&store).await.contacts, 2);
}

async fn contacts_routes(url: String) {
    let (store, router) = common::app(&url, common::settings()).await;
    let csv = "phone,name,transfer,city\n13800000001,张三,10086,北京\nnope,李四,,\n13800000002,王五,,上海\n13900000003,张小明,,\n";
    let request = |content_type: &str, path: &str, body: Vec<u8>| {
        Request::post(path).header("content-type", content_type).body(Body::from(body)).expect("request")
    };
    let (status, report) =
        send(&router, request("text/csv; charset=utf-8", "/kefu/v1/contacts", csv.into())).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        report,
        json!({"imported": 3, "rejected": [{"line": 3, "reason": "\"nope\" is not a phone number"}]})
    );
    // ?format= wins over the Content-Type; an unknown type without it is refused.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "电话").expect("cell");
    sheet.write_string(0, 1, "姓名").expect("cell");
    sheet.write_string(1, 0, "13700000004").expect("cell");
    sheet.write_string(1, 1, "赵六").expect("cell");
    let xlsx = book.save_to_buffer().expect("xlsx");
    let (status, report) =
        send(&router, request("application/octet-stream", "/kefu/v1/contacts?format=xlsx", xlsx.clone()))
            .await;
    assert_eq!((status, report["imported"].clone()), (StatusCode::OK, json!(1)), "{report}");
    let (status, refused) =
        send(&router, request("application/octet-stream", "/kefu/v1/contacts", xlsx)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let (status, _) = send(&router, request("text/csv", "/kefu/v1/contacts?format=pdf", csv.into())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = send(&router, request("text/csv", "/kefu/v1/contacts", b"name\nx\n".to_vec())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no phone column");
    assert_eq!(counts(&store).await.contacts, 4);

    // List, search by phone prefix or part of the name, page.
    let (_, all) = get(&router, "/kefu/v1/contacts").await;
    assert_eq!(all["total"], 4, "{all}");
    let phones: Vec<&str> =
        all["rows"].as_array().expect("rows").iter().filter_map(|r| r["phone"].as_str()).collect();
    assert_eq!(phones, ["13700000004", "13800000001", "13800000002", "13900000003"]);
    assert_eq!(
        all["rows"][1],
        json!({"phone": "13800000001", "name": "张三", "transfer": "10086", "variables": {"city": "北京"}})
    );
    let (_, by_phone) = get(&router, "/kefu/v1/contacts?q=138").await;
    assert_eq!(by_phone["total"], 2, "{by_phone}");
    let (_, by_name) = get(&router, "/kefu/v1/contacts?q=%E5%BC%A0").await; // 张
    assert_eq!(by_name["total"], 2, "{by_name}");
    let (_, page) = get(&router, "/kefu/v1/contacts?offset=3&limit=2").await;
    assert_eq!((page["total"].clone(), page["rows"].as_array().map(Vec::len)), (json!(4), Some(1)), "{page}");
    let (_, wildcard) = get(&router, "/kefu/v1/contacts?q=%25").await;
    assert_eq!(wildcard["total"], 0, "% is not a wildcard: {wildcard}");
    let (status, _) = get(&router, "/kefu/v1/contacts?limit=x").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Edit one (all its values replaced), or add one; bad phones and bodies are refused.
    let put = |path: &str, body: &str| {
        Request::put(path)
            .header("content-type", "application/json")
            .body(Body::from(body.to_owned()))
            .expect("request")
    };
    let (status, edited) = send(
        &router,
        put("/kefu/v1/contacts/13800000001", r#"{"name": "张三丰", "variables": {"vip": "是"}}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited, json!({"phone": "13800000001", "name": "张三丰", "variables": {"vip": "是"}}));
    let c = store.contact("13800000001").await.expect("read").expect("kept");
    assert_eq!((c.name.as_str(), c.transfer, c.variables.len()), ("张三丰", None, 1));
    let (status, _) =
        send(&router, put("/kefu/v1/contacts/136%2000000005", r#"{"name": "新", "transfer": "10010"}"#))
            .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        store.contact("13600000005").await.expect("read").expect("added").transfer.as_deref(),
        Some("10010")
    );
    for (path, body) in [
        ("/kefu/v1/contacts/abc", r#"{"name": "x"}"#),
        ("/kefu/v1/contacts/13800000001", "not json"),
        ("/kefu/v1/contacts/13800000001", r#"{"name": "x", "transfer": "front desk"}"#),
    ] {
        let (status, answer) = send(&router, put(path, body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {body}: {answer}");
    }
    assert_eq!(store.contact("13800000001").await.expect("read").expect("kept").name, "张三丰");
    assert_eq!(counts(&store).await.contacts, 5);
}

// ---------------------------------------------------------------------------------------------
// Every case on SQLite (one test each) and on PostgreSQL (one cluster, a database per case).

macro_rules! cases {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let dir = tempfile::tempdir().expect("temp dir");
                    super::$case(format!("sqlite:{}", dir.path().join("store.db").display())).await;
                }
            )*
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn postgres_every_case() {
            let pg = common::Postgres::start();
            $(
                eprintln!("postgres: {}", stringify!($case));
                $case(pg.fresh_database(stringify!($case)).await).await;
            )*
        }
    };
}

cases!(
    exactly_once,
    concurrent_repeats_store_once,
    invalid_push_writes_nothing,
    retries_after_failures,
    lenient_pushes_and_labels,
    results_with_filters_and_paging,
    csv_streams_100000_calls,
    bad_pushes_are_refused,
    inbound_lookup,
    contacts_import_csv_and_xlsx,
    contacts_routes,
);

#[tokio::test]
async fn a_store_url_of_another_kind_is_refused() {
    let err = Store::open("mysql://x").await.expect_err("refused").to_string();
    assert!(err.contains("sqlite: or postgres://"), "{err}");
}
