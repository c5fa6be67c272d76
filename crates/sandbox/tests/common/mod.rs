//! Test helpers: a sandbox on a manual clock, and signed requests sent through `oneshot`.
#![allow(dead_code, unreachable_pub)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kefu_sandbox::{Clock, Config, app, auth};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const KEY: &str = "test-key";
pub const SECRET: &str = "test-secret";
pub const APP_ID: &str = "200000000";
pub const BOT_ID: &str = "134614200106471424";
/// 2024-04-03 09:53:10 +08:00.
pub const START_MS: i64 = 1_712_109_190_000;

pub struct Sandbox {
    pub router: Router,
    pub clock: Clock,
}

pub fn sandbox() -> Sandbox {
    sandbox_with(|_| {})
}

pub fn sandbox_with(tweak: impl FnOnce(&mut Config)) -> Sandbox {
    let clock = Clock::manual(START_MS);
    let mut config = Config::new(KEY, SECRET);
    config.clock = clock.clone();
    config.public_url = "http://sandbox.test".into();
    config.call_schedule_ms = 1_000;
    config.call_duration_ms = 5_000;
    tweak(&mut config);
    Sandbox { router: app(config), clock }
}

pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub bytes: Vec<u8>,
    pub content_type: String,
}

impl Sandbox {
    pub fn auth(&self) -> String {
        auth::header_value(KEY, SECRET, self.clock.now_secs())
    }

    /// A signed JSON POST.
    pub async fn post(&self, path: &str, body: Value) -> Answer {
        let auth = self.auth();
        self.send(
            Request::post(path)
                .header(header::AUTHORIZATION, auth)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await
    }

    /// A POST with the given Authorization header (or none).
    pub async fn post_with_auth(&self, path: &str, body: Value, auth: Option<&str>) -> Answer {
        let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(a) = auth {
            req = req.header(header::AUTHORIZATION, a);
        }
        self.send(req.body(Body::from(body.to_string())).expect("request")).await
    }

    pub async fn post_raw(&self, path: &str, content_type: &str, body: Vec<u8>) -> Answer {
        let auth = self.auth();
        self.send(
            Request::post(path)
                .header(header::AUTHORIZATION, auth)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }

    pub async fn get(&self, path_and_query: &str) -> Answer {
        self.send(Request::get(path_and_query).body(Body::empty()).expect("request")).await
    }

    pub async fn send(&self, req: Request<Body>) -> Answer {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let content_type = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = res.into_body().collect().await.expect("body").to_bytes().to_vec();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer { status, body, bytes, content_type }
    }

    /// Starts a chat; returns the sid and the first answer.
    pub async fn start(&self, vars: Value) -> (String, Value) {
        let sid = kefu_protocol::Sid::random().expect("random").to_string();
        let a = self
            .post(
                "/api/v1/gaia/botdm/start",
                json!({"app_id": APP_ID, "bot_id": BOT_ID, "sid": sid, "channel": "h5", "var_json": vars, "user_data": "ud-1"}),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert_eq!(a.body["code"], 0, "{}", a.body);
        (sid, a.body["result"].clone())
    }

    pub async fn trigger(&self, body: Value) -> Answer {
        self.post("/api/v1/gaia/botdm/trigger", body).await
    }

    /// Acknowledges every prompt until the bot stops speaking; returns the prompts said (from
    /// `first` on) and the final answer's result.
    pub async fn drain(&self, sid: &str, first: Value) -> (Vec<String>, Value) {
        let mut said = Vec::new();
        let mut turn = first;
        while turn["cmd"] == "evt.say" {
            said.push(turn["prompt"].as_str().expect("prompt").to_owned());
            let a = self
                .trigger(
                    json!({"sid": sid, "cmd": "evt.complete", "text": "", "prompt_id": turn["prompt_id"]}),
                )
                .await;
            assert_eq!(a.body["code"], 0, "{}", a.body);
            turn = a.body["result"].clone();
        }
        (said, turn)
    }

    /// Sends user input and acknowledges the reply's prompts.
    pub async fn say(&self, sid: &str, text: &str) -> (Vec<String>, Value, Value) {
        let a = self.trigger(json!({"sid": sid, "cmd": "evt.input", "text": text})).await;
        assert_eq!(a.body["code"], 0, "{text}: {}", a.body);
        let first = a.body["result"].clone();
        let (said, last) = self.drain(sid, first.clone()).await;
        (said, first, last)
    }
}

/// The failure code of an answer, asserting the envelope shape.
pub fn code(a: &Answer) -> i64 {
    a.body["code"].as_i64().unwrap_or_else(|| panic!("no integer code in {}", a.body))
}
