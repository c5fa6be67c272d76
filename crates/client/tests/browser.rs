//! In Chromium (wasm-bindgen-test), through a real kefu-proxy to a real kefu-sandbox, both
//! started by `cargo xtask test`, which passes their URLs at build time.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use kefu_client::results::ContactsFormat;
use kefu_client::{
    CallCenterPaths, ChatOptions, ChatSession, ClientError, Event, Failure, KefuClient, Phase, RecoveryPolicy,
};
use kefu_protocol::callcenter::{CallTaskQuery, RecordsQuery, Ticket};
use kefu_protocol::coeus::{AddTaskRequest, OutnumForm, TaskListRequest};
use kefu_protocol::outbound::{CallRequest, ConversationLogQuery, StatusQuery};
use kefu_protocol::results::{CallQuery, ContactEdit};
use kefu_protocol::{CallMode, CallStatus, CallType, Channel, Code, FileSuffix, VarMap};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const PROXY: Option<&str> = option_env!("KEFU_TEST_PROXY_URL");
const SLOW_PROXY: Option<&str> = option_env!("KEFU_TEST_SLOW_PROXY_URL");
/// A proxy in front of a sandbox started with `--errors documented --session-ttl-secs 2`.
const DOCUMENTED_PROXY: Option<&str> = option_env!("KEFU_TEST_DOCUMENTED_PROXY_URL");
/// The (precise) sandbox itself, whose seed 001 routes are unsigned and open to any origin.
const SANDBOX: Option<&str> = option_env!("KEFU_TEST_SANDBOX_URL");
/// The documented sandbox's session lifetime.
const DOCUMENTED_TTL_MS: u64 = 2_000;
const TOKEN: Option<&str> = option_env!("KEFU_TEST_OPERATOR_TOKEN");
/// The callback token of the main proxy's store.
const CALLBACK_TOKEN: Option<&str> = option_env!("KEFU_TEST_CALLBACK_TOKEN");
const APP_ID: &str = "200000000";
const BOT_ID: &str = "134614200106471424";

fn proxy() -> &'static str {
    PROXY.expect("KEFU_TEST_PROXY_URL is set by `cargo xtask test`")
}

fn operator() -> KefuClient {
    KefuClient::new(proxy(), TOKEN.map(str::to_owned), None)
}

#[wasm_bindgen]
extern "C" {
    // Typed differently from the client's own binding, so the two do not collide at link time.
    #[wasm_bindgen(js_name = setTimeout)]
    fn test_set_timeout(handler: &js_sys::Function, ms: u32);
}

async fn sleep(ms: u32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        test_set_timeout(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// Waits (at most 10 s) until `done` holds.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        sleep(20).await;
    }
    panic!("timed out waiting for {what}");
}

fn options() -> ChatOptions {
    ChatOptions {
        app_id: APP_ID.into(),
        bot_id: BOT_ID.into(),
        channel: Channel::H5,
        vars: Some(VarMap::new().with("name", "浏览器")),
        user_data: None,
        auto_acknowledge: true,
    }
}

fn says(session: &ChatSession) -> Vec<String> {
    session
        .history()
        .into_iter()
        .filter_map(|e| if let Event::Say(t) = e { Some(t.prompt.clone()) } else { None })
        .collect()
}

#[wasm_bindgen_test]
async fn a_full_chat_in_the_browser() {
    let client = KefuClient::new(proxy(), None, None);
    let session = client.start_chat(options()).expect("starts");
    until("the greeting", || session.phase() == Phase::WaitingForUser).await;
    let greeting = says(&session);
    assert_eq!(greeting.len(), 2);
    assert!(greeting[0].contains("浏览器"));

    // Two messages typed at once arrive once each, in order.
    let a = session.send("怎么付钱").expect("queued");
    let b = session.send("能分期吗").expect("queued");
    let sent = Rc::new(RefCell::new(Vec::new()));
    let seen = sent.clone();
    // A listener added late still hears everything, in order.
    session.on_event(move |e| {
        if let Event::MessageSent { id } = e {
            seen.borrow_mut().push(*id);
        }
    });
    until("both messages answered", || sent.borrow().len() == 2 && session.phase() == Phase::WaitingForUser)
        .await;
    assert_eq!(*sent.borrow(), [a, b]);
    let answers = says(&session);
    assert!(answers[2].contains("银行转账") && answers[3].contains("分期"), "{answers:?}");

    session.send("转人工").expect("queued");
    until("the transfer", || session.phase() == Phase::Transferred).await;
    assert!(session.history().iter().any(|e| matches!(e, Event::Transfer(_))));
    assert!(session.send("还在吗").is_err(), "the session is over");
}

#[wasm_bindgen_test]
async fn every_endpoint_family() {
    let client = operator();
    // Seed 002: bots, tasks, a number upload from a browser Blob.
    let bots = client.coeus().sync_prompt(APP_ID).await.expect("bots");
    assert_eq!(bots[0].bot_id, BOT_ID);
    let task = client
        .coeus()
        .add_task(&AddTaskRequest {
            app_id: APP_ID.into(),
            task_name: "浏览器任务".into(),
            bot_id: BOT_ID.into(),
            voice: "aixia".into(),
            disnumber: "02100000000".into(),
            ..AddTaskRequest::default()
        })
        .await
        .expect("task");
    let page = client
        .coeus()
        .task_list(&TaskListRequest {
            app_id: APP_ID.into(),
            task_id: Some(task.task_id.clone()),
            ..TaskListRequest::default()
        })
        .await
        .expect("page");
    assert_eq!(page.rows[0].task_name, "浏览器任务");
    let parts =
        js_sys::Array::of1(&JsValue::from_str("phone,name\n13800138000,张三\n13800138001,李四\nbad,x\n"));
    let blob = web_sys::Blob::new_with_str_sequence(&parts).expect("blob");
    let form = OutnumForm {
        app_id: APP_ID.into(),
        task_id: task.task_id,
        call_count: 3,
        file_suffix: FileSuffix::Csv,
        disnum_group_id: "g".into(),
        call_sn_name: None,
    };
    let batch = client.coeus().outnum(&form, &blob, "numbers.csv").await.expect("upload");
    assert_eq!(batch.call_count, 2);

    // Seed 000: a call, its status and transcript (the sandbox finishes calls at once here).
    let placed = client
        .outbound()
        .call(&CallRequest {
            case_id: "C-browser".into(),
            mediation_id: "20".into(),
            call_auto: CallMode::Auto,
            call_person_id: "P1".into(),
        })
        .await
        .expect("call");
    let job = placed[0].job_id.clone().expect("job id");
    let status = client
        .outbound()
        .status(&StatusQuery { job_id: Some(job.clone()), ..StatusQuery::default() })
        .await
        .expect("status");
    assert_eq!(status.call_status, CallStatus::Succeeded);
    let logs = client
        .outbound()
        .conversation_log(&ConversationLogQuery { job_id: Some(job), ..ConversationLogQuery::default() })
        .await
        .expect("logs");
    assert!(logs[0].conversations.len() >= 3);

    // Seed 001: records, tasks, recordings.
    let records =
        client.callcenter().records(&RecordsQuery::of(CallType::AiOutbound)).await.expect("records");
    assert!(records.total >= 4);
    let created = client
        .callcenter()
        .create_tasks(&[Ticket {
            ticket_no: "T-browser".into(),
            phone: "13912345678".into(),
            username: "张三".into(),
            ticket_type: "回访".into(),
            ticket_content: "浏览器测试".into(),
        }])
        .await
        .expect("created");
    let tasks = client
        .callcenter()
        .call_tasks(&CallTaskQuery {
            page_num: 1,
            page_size: 10,
            batch_id: Some(created[0].batch_id),
            batch_name: None,
            create_time_start: None,
            create_time_end: None,
        })
        .await
        .expect("tasks");
    assert_eq!(tasks.rows[0].ticket_no, "T-browser");
    client.callcenter().stop_tasks(&[created[0].batch_id]).await.expect("stopped");
    let url =
        client.callcenter().recording_url("ai_call/2025/08/16/21/2508162111590110001.wav").expect("url");
    assert!(url.starts_with(proxy()) && url.contains("ai_call%2F2025"), "{url}");
    assert!(client.callcenter().recording_url("../etc/passwd").is_err());
}

#[wasm_bindgen_test]
async fn a_request_that_gets_no_answer_times_out() {
    let slow = SLOW_PROXY.expect("KEFU_TEST_SLOW_PROXY_URL is set by `cargo xtask test`");
    let client = KefuClient::new(slow, TOKEN.map(str::to_owned), Some(300));
    match client.coeus().sync_prompt(APP_ID).await {
        Err(ClientError::Delivery(Failure::Uncertain(m))) => {
            assert!(m.contains("no answer within 300 ms"), "{m}")
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    // A chat that cannot start says so, and can be retried.
    let session = KefuClient::new(slow, None, Some(300)).start_chat(options()).expect("starts");
    until("the failure", || session.phase() == Phase::Failed).await;
    assert!(
        session
            .history()
            .iter()
            .any(|e| matches!(e, Event::Error(ClientError::Delivery(Failure::Uncertain(_)))))
    );
}

#[wasm_bindgen_test]
async fn platform_and_proxy_refusals_are_typed() {
    match operator().coeus().sync_prompt("not-our-tenant").await {
        Err(ClientError::Delivery(Failure::Platform(e))) => assert_eq!(e.code, Code::Int(40301)),
        other => panic!("expected a platform error, got {other:?}"),
    }
    let anonymous = KefuClient::new(proxy(), None, None);
    match anonymous.coeus().sync_prompt(APP_ID).await {
        Err(ClientError::Delivery(Failure::NotDelivered(m))) => assert!(m.contains("401"), "{m}"),
        other => panic!("expected the proxy's refusal, got {other:?}"),
    }
}

// ---- Recovery against a sandbox that answers failures only as seed 002 documents them ----

fn documented_proxy() -> &'static str {
    DOCUMENTED_PROXY.expect("KEFU_TEST_DOCUMENTED_PROXY_URL is set by `cargo xtask test`")
}

/// A client of the documented-errors sandbox that knows its session lifetime.
fn documented_client() -> KefuClient {
    KefuClient::new(documented_proxy(), None, None)
        .with_recovery(RecoveryPolicy { session_ttl_ms: DOCUMENTED_TTL_MS, backoff_ms: 200 })
}

/// POSTs `body` to `path` on the documented proxy behind the session's back; the answer's text.
async fn post_aside(path: &str, body: &str) -> String {
    let fetch = js_sys::Function::new_with_args(
        "url, body",
        "return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
           .then((r) => r.text().then((t) => r.status + ' ' + t));",
    );
    let url = format!("{}{path}", documented_proxy());
    let promise =
        fetch.call2(&JsValue::NULL, &JsValue::from_str(&url), &JsValue::from_str(body)).expect("fetch");
    let text = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise)).await.expect("answered");
    text.as_string().unwrap_or_default()
}

fn restarts(session: &ChatSession) -> usize {
    session.history().iter().filter(|e| matches!(e, Event::Started { restarted: true, .. })).count()
}

/// Sends `text` and waits until it is delivered; returns its id.
async fn delivered(session: &ChatSession, text: &str) -> u64 {
    let id = session.send(text).expect("queued");
    until("the message delivered", || {
        session.history().contains(&Event::MessageSent { id }) && session.phase() == Phase::WaitingForUser
    })
    .await;
    id
}

#[wasm_bindgen_test]
async fn documented_errors_an_expired_session_restarts_with_the_message() {
    let session = documented_client().start_chat(options()).expect("starts");
    until("the greeting", || session.phase() == Phase::WaitingForUser).await;
    let first = session.sid().expect("sid");
    sleep(u32::try_from(DOCUMENTED_TTL_MS).unwrap_or(2_000) + 500).await;
    delivered(&session, "怎么付钱").await;
    let history = session.history();
    assert!(history.contains(&Event::Expired), "{history:?}");
    assert_eq!(restarts(&session), 1);
    assert_ne!(session.sid().expect("sid"), first, "a fresh session");
    // The fresh session greeted with the same variables, then answered the kept message.
    let said = says(&session);
    assert!(said.iter().filter(|p| p.contains("浏览器")).count() >= 2, "{said:?}");
    assert!(said.iter().any(|p| p.contains("银行转账")), "{said:?}");
    assert!(
        !history.iter().any(|e| matches!(e, Event::MessageFailed { .. } | Event::Error(_))),
        "{history:?}"
    );
}

#[wasm_bindgen_test]
async fn documented_errors_a_session_stopped_elsewhere_restarts_with_the_message() {
    let session = documented_client().start_chat(options()).expect("starts");
    until("the greeting", || session.phase() == Phase::WaitingForUser).await;
    let first = session.sid().expect("sid");
    let stopped = post_aside("/api/v1/gaia/botdm/stop", &format!("{{\"sid\":\"{first}\"}}")).await;
    assert!(stopped.starts_with("200") && stopped.contains("\"code\":0"), "{stopped}");
    // The platform now refuses the session with HTTP 500 and an opaque code.
    let refused = post_aside(
        "/api/v1/gaia/botdm/trigger",
        &format!("{{\"sid\":\"{first}\",\"cmd\":\"evt.input\",\"text\":\"x\"}}"),
    )
    .await;
    assert!(refused.starts_with("500") && refused.contains("\"code\":-"), "{refused}");
    delivered(&session, "能分期吗").await;
    assert_eq!(restarts(&session), 1);
    assert_ne!(session.sid().expect("sid"), first);
    assert!(says(&session).iter().any(|p| p.contains("分期")));
}

#[wasm_bindgen_test]
async fn documented_errors_a_wrong_prompt_resynchronises() {
    let mut manual = options();
    manual.auto_acknowledge = false;
    let session = documented_client().start_chat(manual).expect("starts");
    until("the first prompt", || session.phase() == Phase::BotSpeaking).await;
    let first = session.sid().expect("sid");
    let prompt = session
        .history()
        .into_iter()
        .find_map(|e| if let Event::Say(t) = e { Some(t.prompt_id.clone()) } else { None })
        .expect("a prompt");
    // Someone else acknowledged it: our acknowledgement is now of a stale prompt.
    let aside = post_aside(
        "/api/v1/gaia/botdm/trigger",
        &format!("{{\"sid\":\"{first}\",\"cmd\":\"evt.complete\",\"text\":\"\",\"prompt_id\":\"{prompt}\"}}"),
    )
    .await;
    assert!(aside.contains("\"code\":0"), "{aside}");
    session.acknowledge(&prompt).expect("the prompt shown");
    until("the resynchronised session", || restarts(&session) == 1 && session.phase() == Phase::BotSpeaking)
        .await;
    assert_ne!(session.sid().expect("sid"), first);
    assert!(!session.history().iter().any(|e| matches!(e, Event::Error(_))), "recovered, not reported");
    // The fresh session goes on as usual.
    for _ in 0..200 {
        if session.phase() == Phase::WaitingForUser {
            break;
        }
        let pending = session
            .history()
            .into_iter()
            .rev()
            .find_map(|e| if let Event::Say(t) = e { Some(t.prompt_id.clone()) } else { None });
        if let Some(id) = pending {
            let _ = session.acknowledge(&id);
        }
        sleep(50).await;
    }
    let id = session.send("怎么付钱").expect("queued");
    until("the answer", || session.history().contains(&Event::MessageSent { id })).await;
}

#[wasm_bindgen_test]
async fn seed_001_paths_are_the_clients_to_choose() {
    let sandbox = SANDBOX.expect("KEFU_TEST_SANDBOX_URL is set by `cargo xtask test`");
    let at = |stop_tasks: &str| {
        KefuClient::new(sandbox, None, None)
            .with_callcenter_paths(CallCenterPaths {
                stop_tasks: stop_tasks.into(),
                ..CallCenterPaths::default()
            })
            .expect("a plain path")
    };
    let ticket = |n: &str| Ticket {
        ticket_no: n.into(),
        phone: "13912345678".into(),
        username: "张三".into(),
        ticket_type: "回访".into(),
        ticket_content: "路径测试".into(),
    };
    let client = at("/aicall/stopTasks");
    let created =
        client.callcenter().create_tasks(&[ticket("T-path-1"), ticket("T-path-2")]).await.expect("created");
    // The document's path (the default) and the /api reading both stop a task on the sandbox.
    client.callcenter().stop_tasks(&[created[0].batch_id]).await.expect("stopped at /aicall/stopTasks");
    at("/api/aicall/stopTasks")
        .callcenter()
        .stop_tasks(&[created[1].batch_id])
        .await
        .expect("stopped at /api/aicall/stopTasks");
    // The configured path is the one called: a path the sandbox does not serve fails.
    match at("/elsewhere/stopTasks").callcenter().stop_tasks(&[created[0].batch_id]).await {
        Err(ClientError::Delivery(Failure::NotDelivered(m))) => {
            assert!(m.contains("404") || m.contains("not found"), "{m}")
        }
        other => panic!("expected the sandbox's 404, got {other:?}"),
    }
    assert!(matches!(
        KefuClient::new(sandbox, None, None).with_callcenter_paths(CallCenterPaths {
            stop_tasks: "aicall/stopTasks".into(),
            ..CallCenterPaths::default()
        }),
        Err(ClientError::InvalidPath { .. })
    ));
}

/// POSTs `body` as the platform would to the main proxy; the answer's status and text.
async fn push_as_platform(path: &str, body: &str) -> String {
    let fetch = js_sys::Function::new_with_args(
        "url, body",
        "return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
           .then((r) => r.text().then((t) => r.status + ' ' + t));",
    );
    let url = format!("{}{path}", proxy());
    let promise =
        fetch.call2(&JsValue::NULL, &JsValue::from_str(&url), &JsValue::from_str(body)).expect("fetch");
    let text = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise)).await.expect("answered");
    text.as_string().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn results_and_contacts_come_from_the_proxys_callbacks_store() {
    let token = CALLBACK_TOKEN.expect("KEFU_TEST_CALLBACK_TOKEN is set by `cargo xtask test`");
    let run = js_sys::Date::now() as u64 % 100_000_000;
    let task = format!("browser-{run}");
    let call = |id: &str, duration: u32| {
        format!(
            r#"{{"call_id":"{task}-{id}","num":"138{run:08}","state":785,"start_time":"2024-04-03T09:53:10+08:00","answered_time":"2024-04-03T09:53:15+08:00","end_time":"2024-04-03T09:54:10+08:00","duration":{duration},"record_url":"/rec/{id}.wav","round":2,"hangup_by":1,"dialogs":[{{"dialog_type":1,"dialog_text":"<speak>您好</speak>","msg_time":"2024-04-03T09:53:16+08:00","intention_name":""}},{{"dialog_type":2,"dialog_text":"好的","msg_time":"2024-04-03T09:53:20+08:00","intention_name":"肯定"}}]}}"#
        )
    };
    let push = format!(
        r#"{{"task_id":"{task}","task_name":"浏览器","call_sn":"sn1","bot_id":"1","bot_name":"b","calls":[{},{}]}}"#,
        call("long", 55),
        call("short", 5)
    );
    let answer = push_as_platform(&format!("/callbacks/{token}"), &push).await;
    assert_eq!(answer, r#"200 {"code":0,"msg":"success"}"#);

    let results = operator();
    let tasks = results.results().tasks().await.expect("tasks");
    let seen = tasks.tasks.iter().find(|t| t.task_id == task).expect("the task is listed");
    assert_eq!(seen.calls, 2);
    let long = CallQuery { min_duration: Some(30), ..CallQuery::default() };
    let page = results.results().calls(&task, &long).await.expect("calls");
    assert_eq!(page.total, 1);
    assert_eq!(page.rows[0].call_id, format!("{task}-long"));
    let detail = results.results().call(&format!("{task}-long")).await.expect("call");
    assert_eq!(detail.turns.len(), 2);
    assert_eq!(detail.turns[0].text, "您好", "SSML made readable");
    let csv = results.results().calls_csv_url(&task, &long);
    assert_eq!(csv, format!("{}/kefu/v1/tasks/{task}/calls.csv?min_duration=30", proxy()));
    // Without the operator token: refused.
    let anonymous = KefuClient::new(proxy(), None, None);
    assert!(anonymous.results().tasks().await.is_err());

    let phone = format!("139{run:08}");
    let file = format!("phone,name\n{phone},张三\nbad,x\n");
    let report =
        results.results().import_contacts(file.into_bytes(), ContactsFormat::Csv).await.expect("imported");
    assert_eq!(report.imported, 1);
    assert_eq!(report.rejected.iter().map(|r| r.line).collect::<Vec<_>>(), [3]);
    let edit =
        ContactEdit { name: "张三丰".into(), transfer: Some("10086".into()), ..ContactEdit::default() };
    let edited = results.results().edit_contact(&phone, &edit).await.expect("edited");
    assert_eq!((edited.name.as_str(), edited.transfer.as_deref()), ("张三丰", Some("10086")));
    let found = results.results().contacts(&phone, 0, 10).await.expect("listed");
    assert_eq!(found.total, 1);
    assert_eq!(found.rows[0].name, "张三丰");
}
