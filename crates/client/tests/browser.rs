//! In Chromium (wasm-bindgen-test), through a real kefu-proxy to a real kefu-sandbox, both
//! started by `cargo xtask test`, which passes their URLs at build time.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use kefu_client::{ChatOptions, ChatSession, ClientError, Event, Failure, KefuClient, Phase};
use kefu_protocol::callcenter::{CallTaskQuery, RecordsQuery, Ticket};
use kefu_protocol::coeus::{AddTaskRequest, OutnumForm, TaskListRequest};
use kefu_protocol::outbound::{CallRequest, ConversationLogQuery, StatusQuery};
use kefu_protocol::{CallMode, CallStatus, CallType, Channel, Code, FileSuffix, VarMap};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const PROXY: Option<&str> = option_env!("KEFU_TEST_PROXY_URL");
const SLOW_PROXY: Option<&str> = option_env!("KEFU_TEST_SLOW_PROXY_URL");
const TOKEN: Option<&str> = option_env!("KEFU_TEST_OPERATOR_TOKEN");
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
        .filter_map(|e| if let Event::Say(t) = e { Some(t.prompt) } else { None })
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
