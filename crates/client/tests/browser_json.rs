//! The browser's JSON path for chat answers (`browser_json::decode_turn`, used by `ChatSession`)
//! agrees with the serde path (`kefu_protocol::decode`, used natively) on every chat fixture and
//! on the failure shapes a proxy or platform sends, and the browser writes every chat request as
//! serde does. Runs in Chromium (wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use kefu_client::browser_json::{decode_turn, encode_call};
use kefu_client::{Call, Failure};
use kefu_protocol::chat::{BotTurn, StartRequest, StopRequest, TriggerRequest};
use kefu_protocol::{Channel, PlatformAnswer, Sid, VarMap, VarValue, decode};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn serde_path(status: u16, body: &str) -> Result<BotTurn, Failure> {
    decode::<PlatformAnswer<BotTurn>>(status, body.as_bytes()).map_err(|e| Failure::from_answer(status, e))
}

/// The same outcome: equal turns, or failures of the same kind (equal platform errors).
fn same(a: &Result<BotTurn, Failure>, b: &Result<BotTurn, Failure>) -> bool {
    match (a, b) {
        (Ok(x), Ok(y)) => x == y,
        (Err(Failure::Platform(x)), Err(Failure::Platform(y))) => x == y,
        (Err(Failure::NotDelivered(_)), Err(Failure::NotDelivered(_))) => true,
        (Err(Failure::Uncertain(_)), Err(Failure::Uncertain(_))) => true,
        _ => false,
    }
}

#[wasm_bindgen_test]
fn both_paths_agree_on_every_chat_answer_and_failure_shape() {
    let start = include_str!("../../protocol/tests/fixtures/seed002/s14_start_answer.json");
    let trigger = include_str!("../../protocol/tests/fixtures/seed002/s15_trigger_answer.json");
    let failure = include_str!("../../protocol/tests/fixtures/seed002/s05_failure.json");
    let unknown = include_str!("../../protocol/tests/fixtures/seed002/s17_error_unknown.json");
    let cases: &[(u16, &str)] = &[
        (200, start),
        (200, trigger),
        (200, failure),
        (200, unknown),
        (500, failure),
        (500, "Internal Server Error"),
        (200, "not json"),
        (200, r#"{"code":"000000","msg":"成功","data":{"sid":"s","cmd":"evt.wait"}}"#),
        (200, r#"{"code":0,"msg":"ok"}"#),
        (502, r#"{"code":502,"msg":"the platform is unreachable"}"#),
        (504, r#"{"code":504,"msg":"the platform did not answer in time"}"#),
        (503, r#"{"code":503,"msg":"overloaded"}"#),
        (429, r#"{"code":429,"msg":"too many requests"}"#),
        (404, "<html>not found</html>"),
        (200, r#"{"code":41001,"message":"session expired"}"#),
    ];
    for (status, body) in cases {
        let browser = decode_turn(*status, body.as_bytes());
        let serde = serde_path(*status, body);
        assert!(same(&browser, &serde), "HTTP {status} {body}:\n browser {browser:?}\n serde   {serde:?}");
    }
    // The fixtures decode to turns at all (so the comparison above compared something).
    assert!(decode_turn(200, trigger.as_bytes()).is_ok_and(|t| t.ext.is_some_and(|e| e.g_vars.len() == 3)));
}

#[wasm_bindgen_test]
fn both_paths_write_the_same_request_bodies() {
    let sid = Sid::from_bytes([7; 16]);
    let vars =
        VarMap::new().with("name", "刘先生").with("age", 30).with("vip", true).with("note", VarValue::Null);
    let full = StartRequest {
        app_id: "200000000".into(),
        bot_id: "134614200106471424".into(),
        sid: sid.clone(),
        channel: Channel::WxMp,
        var_json: Some(vars),
        user_data: Some("order-7".into()),
    };
    let bare =
        StartRequest { var_json: None, user_data: None, channel: Channel::from("later"), ..full.clone() };
    let calls = [
        Call::Start(full),
        Call::Start(bare),
        Call::Trigger(TriggerRequest::input(sid.clone(), "你好 \"引号\"")),
        Call::Trigger(TriggerRequest::complete(sid.clone(), "iQwtR")),
        Call::Stop(StopRequest { sid }),
    ];
    for call in &calls {
        let browser: serde_json::Value = serde_json::from_str(&encode_call(call)).expect("JSON");
        let serde = match call {
            Call::Start(r) => serde_json::to_value(r),
            Call::Trigger(r) => serde_json::to_value(r),
            Call::Stop(r) => serde_json::to_value(r),
        }
        .expect("encodes");
        assert_eq!(browser, serde, "{call:?}");
    }
}
