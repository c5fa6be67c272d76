//! The chat loop of seed 002 §14–16, end to end through the router.

mod common;

use axum::http::StatusCode;
use common::{APP_ID, BOT_ID, code, sandbox, sandbox_with};
use serde_json::json;

#[tokio::test]
async fn greeting_is_a_multi_prompt_turn_with_truthful_fields() {
    let sb = sandbox();
    let (sid, first) = sb.start(json!({"name": "刘先生", "age": 24})).await;
    assert_eq!(first["cmd"], "evt.say");
    assert_eq!(first["sid"], sid);
    assert_eq!(first["channel"], "h5");
    assert!(first["prompt"].as_str().unwrap_or_default().contains("刘先生"), "{first}");
    assert_eq!(first["prompt_id"].as_str().map(str::len), Some(5));
    assert_eq!(first["ext"]["user_data"], "ud-1");
    assert_eq!(first["ext"]["g_vars"]["age"], 24);
    let debug = &first["debug_info"];
    assert_eq!(debug["intent"], "evt.init");
    assert_eq!(debug["intent_source"], 5);
    assert_eq!(debug["prompt_source"], 1);
    assert_eq!(debug["current_state_id"], "welcome");
    let (said, last) = sb.drain(&sid, first).await;
    assert_eq!(said.len(), 2, "two prompts, each acknowledged");
    assert!(said[1].contains("**调解协议**"), "Markdown is kept: {}", said[1]);
    assert_eq!(last["cmd"], "evt.wait");
}

#[tokio::test]
async fn full_loop_to_transfer_with_follow_along_data() {
    let sb = sandbox();
    let (sid, first) = sb.start(json!({})).await;
    sb.drain(&sid, first).await;
    // A knowledge-base answer with suggestions.
    let (said, first, last) = sb.say(&sid, "怎么付钱").await;
    assert_eq!(said.len(), 1);
    assert!(said[0].contains("银行转账"));
    assert_eq!(first["debug_info"]["prompt_source"], 2);
    assert_eq!(first["debug_info"]["intent_source"], 3);
    assert!(first["debug_info"]["score"].as_f64().unwrap_or_default() >= 0.4);
    let relations = first["relation_list"].as_array().cloned().unwrap_or_default();
    assert!(!relations.is_empty(), "{first}");
    assert!(relations.iter().all(|r| r["question_name"].is_string() && r["relation_title"].is_string()));
    assert_eq!(last["cmd"], "evt.wait");
    // A rule intent that changes state.
    let (said, first, _) = sb.say(&sid, "还没收到钱").await;
    assert_eq!(said.len(), 2);
    assert_eq!(first["debug_info"]["intent_source"], 1);
    assert_eq!(first["debug_info"]["current_state_id"], "not_received");
    assert_eq!(first["debug_info"]["last_state_id"], "welcome");
    // A suggestion tapped is just its question sent as input.
    let tapped = relations[0]["question_name"].as_str().unwrap_or_default().to_owned();
    let (_, first, _) = sb.say(&sid, &tapped).await;
    assert_eq!(first["debug_info"]["score"], 1.0);
    // Transfer.
    let (said, _, last) = sb.say(&sid, "转人工").await;
    assert!(said[0].contains("转接"));
    assert_eq!(last["cmd"], "evt.transfer");
    // The session is over.
    let after = sb.trigger(json!({"sid": sid, "cmd": "evt.input", "text": "hello?"})).await;
    assert_eq!(code(&after), 41002);
    // The agent fetches the dialogue.
    let data = sb.post("/api/v1/coeus/apiserver/followed/data", json!({"session_id": sid})).await;
    assert_eq!(code(&data), 0, "{}", data.body);
    let lines = data.body["result"].as_array().cloned().unwrap_or_default();
    assert!(lines.iter().any(|l| l["dialog_type"] == 2 && l["content"] == "转人工"));
    assert!(lines.iter().any(|l| l["dialog_type"] == 1));
    assert!(lines.iter().all(|l| {
        kefu_protocol::Timestamp::new(l["create_time"].as_str().unwrap_or_default()).parse().is_some()
    }));
}

#[tokio::test]
async fn goodbye_finishes_and_stop_ends() {
    let sb = sandbox();
    let (sid, first) = sb.start(json!({})).await;
    sb.drain(&sid, first).await;
    let (said, _, last) = sb.say(&sid, "没有了，再见").await;
    assert!(said[0].contains("再见"));
    assert_eq!(last["cmd"], "evt.finish");
    assert_eq!(code(&sb.trigger(json!({"sid": sid, "cmd": "evt.input", "text": "x"})).await), 41002);

    let (sid, first) = sb.start(json!({})).await;
    sb.drain(&sid, first).await;
    let stop = sb.post("/api/v1/gaia/botdm/stop", json!({"sid": sid})).await;
    assert_eq!(stop.body, json!({"code": 0, "msg": "success"}));
    assert_eq!(code(&sb.trigger(json!({"sid": sid, "cmd": "evt.input", "text": "x"})).await), 41002);
    // Stopping again is harmless; an unknown sid is not.
    assert_eq!(code(&sb.post("/api/v1/gaia/botdm/stop", json!({"sid": sid})).await), 0);
    let unknown = kefu_protocol::Sid::random().expect("random").to_string();
    assert_eq!(code(&sb.post("/api/v1/gaia/botdm/stop", json!({"sid": unknown})).await), 40402);
    // A stopped session's sid may start again.
    let again = sb
        .post(
            "/api/v1/gaia/botdm/start",
            json!({"app_id": APP_ID, "bot_id": BOT_ID, "sid": sid, "channel": "app"}),
        )
        .await;
    assert_eq!(code(&again), 0, "{}", again.body);
}

#[tokio::test]
async fn each_say_needs_its_own_complete() {
    let sb = sandbox();
    let (sid, first) = sb.start(json!({})).await;
    let pid = first["prompt_id"].as_str().unwrap_or_default().to_owned();
    // Input before acknowledging.
    let early = sb.trigger(json!({"sid": sid, "cmd": "evt.input", "text": "你好"})).await;
    assert_eq!(early.status, StatusCode::OK, "business errors are HTTP 200 with code != 0");
    assert_eq!(code(&early), 40902);
    // Wrong and missing prompt ids.
    assert_eq!(
        code(&sb.trigger(json!({"sid": sid, "cmd": "evt.complete", "text": "", "prompt_id": "nope!"})).await),
        40903
    );
    assert_eq!(code(&sb.trigger(json!({"sid": sid, "cmd": "evt.complete", "text": ""})).await), 40903);
    // The right one moves on to the second prompt; the first id is now stale.
    let ok = sb.trigger(json!({"sid": sid, "cmd": "evt.complete", "text": "", "prompt_id": pid})).await;
    assert_eq!(ok.body["result"]["cmd"], "evt.say");
    assert_ne!(ok.body["result"]["prompt_id"], pid.as_str());
    assert_eq!(
        code(&sb.trigger(json!({"sid": sid, "cmd": "evt.complete", "text": "", "prompt_id": pid})).await),
        40903
    );
    // Completing when nothing is pending is also wrong.
    let (_, last) = sb.drain(&sid, ok.body["result"].clone()).await;
    assert_eq!(last["cmd"], "evt.wait");
    assert_eq!(
        code(&sb.trigger(json!({"sid": sid, "cmd": "evt.complete", "text": "", "prompt_id": pid})).await),
        40903
    );
}

#[tokio::test]
async fn bad_requests_get_clear_codes() {
    let sb = sandbox();
    let sid = kefu_protocol::Sid::random().expect("random").to_string();
    let start = |body| sb.post("/api/v1/gaia/botdm/start", body);
    let base = json!({"app_id": APP_ID, "bot_id": BOT_ID, "sid": sid, "channel": "h5"});
    let with = |k: &str, v: serde_json::Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    assert_eq!(code(&start(with("app_id", json!("999"))).await), 40301);
    assert_eq!(code(&start(with("bot_id", json!("1"))).await), 40401);
    assert_eq!(code(&start(with("channel", json!("tiktok"))).await), 40001);
    assert_eq!(code(&start(with("sid", json!("short"))).await), 40001);
    let nested = start(with("var_json", json!({"a": {"b": 1}}))).await;
    assert_eq!(code(&nested), 40001);
    assert!(nested.body["msg"].as_str().unwrap_or_default().contains("var_json is flat"), "{}", nested.body);
    let not_json = sb.post_raw("/api/v1/gaia/botdm/start", "application/json", b"{not json".to_vec()).await;
    assert_eq!(code(&not_json), 40001);
    // Live sid reuse.
    assert_eq!(code(&start(base.clone()).await), 0);
    assert_eq!(code(&start(base).await), 40901);
    // Trigger errors.
    let (sid, first) = sb.start(json!({})).await;
    sb.drain(&sid, first).await;
    assert_eq!(code(&sb.trigger(json!({"sid": sid, "cmd": "evt.input", "text": "   "})).await), 40001);
    let long = "长".repeat(2_001);
    assert_eq!(code(&sb.trigger(json!({"sid": sid, "cmd": "evt.input", "text": long})).await), 40001);
    assert_eq!(code(&sb.trigger(json!({"sid": sid, "cmd": "evt.say", "text": "x"})).await), 40001);
    let unknown = kefu_protocol::Sid::random().expect("random").to_string();
    assert_eq!(code(&sb.trigger(json!({"sid": unknown, "cmd": "evt.input", "text": "x"})).await), 40402);
    // Unknown paths answer in the envelope too.
    let nowhere = sb.post("/api/v1/gaia/botdm/nowhere", json!({})).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert_eq!(code(&nowhere), 40404);
}

#[tokio::test]
async fn idle_sessions_expire() {
    let sb = sandbox_with(|c| c.session_ttl_ms = 60_000);
    let (sid, first) = sb.start(json!({})).await;
    sb.drain(&sid, first).await;
    sb.clock.advance(59_000);
    let (_, _, last) = sb.say(&sid, "你好").await;
    assert_eq!(last["cmd"], "evt.wait", "activity keeps the session alive");
    sb.clock.advance(60_001);
    let expired = sb.trigger(json!({"sid": sid, "cmd": "evt.input", "text": "还在吗"})).await;
    assert_eq!(code(&expired), 41001);
    assert!(expired.body["msg"].as_str().unwrap_or_default().contains("expired"));
    // The same sid can start afresh.
    let again = sb
        .post(
            "/api/v1/gaia/botdm/start",
            json!({"app_id": APP_ID, "bot_id": BOT_ID, "sid": sid, "channel": "h5"}),
        )
        .await;
    assert_eq!(code(&again), 0);
}

#[tokio::test]
async fn default_expiry_is_ten_minutes() {
    let sb = sandbox();
    let (sid, first) = sb.start(json!({})).await;
    sb.drain(&sid, first).await;
    sb.clock.advance(10 * 60 * 1000 + 1);
    assert_eq!(code(&sb.trigger(json!({"sid": sid, "cmd": "evt.input", "text": "x"})).await), 41001);
}
