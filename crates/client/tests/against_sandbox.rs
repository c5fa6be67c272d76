//! The conversation core driven against the real kefu-sandbox, through a minimal native
//! transport (in-process requests, signed as kefu-proxy signs them): a full chat to transfer,
//! to finish, and across an expiry; and the recovery scenarios against the sandbox in both of its
//! error styles (precise codes, and only what seed 002 documents).
#![cfg(not(target_arch = "wasm32"))]

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use kefu_client::{
    Call, ChatOptions, Conversation, Delivery, Event, Failure, Phase, RecoveryPolicy, SidSource,
};
use kefu_protocol::chat::BotTurn;
use kefu_protocol::{Channel, Code, PlatformAnswer, PlatformError, Sid, VarMap, decode};
use kefu_sandbox::{Clock, Config, ErrorStyle, app, auth};
use tower::ServiceExt;

struct Platform {
    router: axum::Router,
    clock: Clock,
}

impl Platform {
    fn new(ttl_ms: i64) -> Platform {
        Platform::styled(ttl_ms, ErrorStyle::Precise)
    }

    fn styled(ttl_ms: i64, errors: ErrorStyle) -> Platform {
        let clock = Clock::manual(1_712_109_190_000);
        let mut config = Config::new("k", "s");
        config.clock = clock.clone();
        config.session_ttl_ms = ttl_ms;
        config.errors = errors;
        Platform { router: app(config), clock }
    }

    /// The platform's clock, as the conversation's.
    fn now(&self) -> u64 {
        u64::try_from(self.clock.now_ms()).expect("after 1970")
    }

    /// As [`Platform::pump`], telling the conversation the time and letting the clock run on to
    /// each recovery that waits out a backoff.
    async fn pump_timed(&self, c: &mut Conversation) -> Vec<Event> {
        let mut events = Vec::new();
        for _ in 0..20 {
            c.tick(self.now());
            events.extend(self.pump(c).await);
            match c.wake_at() {
                Some(at) => {
                    self.clock.advance(i64::try_from(at.saturating_sub(self.now())).expect("small"));
                }
                None => return events,
            }
        }
        panic!("recovery did not settle: {events:?}");
    }

    /// A raw signed seed 002 call behind the conversation's back; the answer's JSON.
    async fn aside(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, auth::header_value("k", "s", self.clock.now_secs()))
            .body(Body::from(body.to_string()))
            .expect("request");
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status().as_u16();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        (status, serde_json::from_slice(&bytes).expect("JSON"))
    }

    /// Sends every due request and feeds the answers back until nothing is due.
    async fn pump(&self, c: &mut Conversation) -> Vec<Event> {
        while let Some(out) = {
            c.tick(self.now());
            c.poll_outgoing()
        } {
            let req = Request::post(out.call.path())
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, auth::header_value("k", "s", self.clock.now_secs()))
                .body(Body::from(body(&out.call)))
                .expect("request");
            let res = self.router.clone().oneshot(req).await.expect("infallible");
            let status = res.status().as_u16();
            let bytes = res.into_body().collect().await.expect("body").to_bytes();
            c.on_delivery(out.ticket, delivery(status, &bytes));
        }
        std::iter::from_fn(|| c.poll_event()).collect()
    }
}

/// Random session ids, as a client makes them.
fn random_sids() -> SidSource {
    SidSource::new(|| Sid::random().ok())
}

/// A request's JSON body as serde writes it (the browser writes its own, and
/// `tests/browser_json.rs` checks the two agree).
fn body(call: &Call) -> String {
    match call {
        Call::Start(r) => serde_json::to_string(r),
        Call::Trigger(r) => serde_json::to_string(r),
        Call::Stop(r) => serde_json::to_string(r),
    }
    .expect("encodes")
}

/// An answer decoded by serde (the browser decodes with its own JSON, by the same rules).
fn delivery(status: u16, bytes: &[u8]) -> Delivery {
    decode::<PlatformAnswer<BotTurn>>(status, bytes).map_err(|e| Failure::from_answer(status, e))
}

fn options() -> ChatOptions {
    ChatOptions {
        app_id: "200000000".into(),
        bot_id: "134614200106471424".into(),
        channel: Channel::WxMp,
        vars: Some(VarMap::new().with("name", "刘先生")),
        user_data: Some("order-42".into()),
        auto_acknowledge: true,
    }
}

fn prompts(events: &[Event]) -> Vec<String> {
    events.iter().filter_map(|e| if let Event::Say(t) = e { Some(t.prompt.clone()) } else { None }).collect()
}

#[tokio::test]
async fn a_chat_to_transfer() {
    let p = Platform::new(600_000);
    let mut c = Conversation::new(options(), random_sids());
    c.start().expect("starts");
    let evs = p.pump(&mut c).await;
    let said = prompts(&evs);
    assert_eq!(said.len(), 2, "the greeting is two prompts");
    assert!(said[0].contains("刘先生"));
    assert_eq!(c.phase(), Phase::WaitingForUser);
    let Some(Event::Say(first)) = evs.iter().find(|e| matches!(e, Event::Say(_))) else { panic!("a say") };
    assert_eq!(first.ext.as_ref().and_then(|e| e.user_data.as_deref()), Some("order-42"));
    assert_eq!(first.channel, Some(Channel::WxMp));

    // Two messages typed at once: both delivered, in order, each answered.
    let a = c.send("怎么付钱").expect("queued");
    let b = c.send("能分期吗").expect("queued");
    let evs = p.pump(&mut c).await;
    let sent: Vec<u64> =
        evs.iter().filter_map(|e| if let Event::MessageSent { id } = e { Some(*id) } else { None }).collect();
    assert_eq!(sent, [a, b]);
    let said = prompts(&evs);
    assert!(said[0].contains("银行转账") && said[1].contains("分期"), "{said:?}");
    let relations =
        evs.iter().find_map(|e| if let Event::Say(t) = e { Some(t.relation_list.clone()) } else { None });
    assert!(relations.is_some_and(|r| !r.is_empty()), "suggestions surface");

    c.send("转人工").expect("queued");
    let evs = p.pump(&mut c).await;
    assert!(evs.iter().any(|e| matches!(e, Event::Transfer(_))));
    assert_eq!(c.phase(), Phase::Transferred);
}

#[tokio::test]
async fn a_chat_to_finish_then_a_new_one() {
    let p = Platform::new(600_000);
    let mut c = Conversation::new(options(), random_sids());
    c.start().expect("starts");
    p.pump(&mut c).await;
    c.send("没有了，再见").expect("queued");
    let evs = p.pump(&mut c).await;
    assert!(evs.iter().any(|e| matches!(e, Event::Finish(_))));
    assert_eq!(c.phase(), Phase::Finished);
    c.restart().expect("a new conversation");
    let evs = p.pump(&mut c).await;
    assert!(evs.iter().any(|e| matches!(e, Event::Started { restarted: true, .. })));
    assert_eq!(c.phase(), Phase::WaitingForUser);
}

#[tokio::test]
async fn expiry_then_restart_delivers_the_waiting_message() {
    let p = Platform::new(60_000);
    let mut c = Conversation::new(options(), random_sids());
    c.start().expect("starts");
    p.pump(&mut c).await;
    p.clock.advance(60_001);
    let id = c.send("还在吗").expect("queued");
    let evs = p.pump(&mut c).await;
    assert!(evs.contains(&Event::Expired), "{evs:?}");
    assert_eq!(c.phase(), Phase::Expired);
    c.restart().expect("restarts with the same variables");
    let evs = p.pump(&mut c).await;
    assert!(prompts(&evs)[0].contains("刘先生"), "the same page variables");
    assert!(evs.contains(&Event::MessageSent { id }), "the waiting message went to the new session: {evs:?}");
    assert_eq!(c.phase(), Phase::WaitingForUser);
}

#[test]
fn failures_are_classified_by_who_answered() {
    let platform = |status: u16, body: &str| {
        kefu_protocol::decode::<kefu_protocol::PlatformAnswer<()>>(status, body.as_bytes())
            .expect_err("a failure")
    };
    // The platform's own refusals, HTTP 500 or 200.
    let f = Failure::from_answer(500, platform(500, r#"{"code":40104,"msg":"signature mismatch"}"#));
    assert!(matches!(f, Failure::Platform(PlatformError { code: Code::Int(40104), .. })));
    assert!(matches!(
        Failure::from_answer(200, platform(200, r#"{"code":41001,"msg":"x"}"#)),
        Failure::Platform(_)
    ));
    // The proxy's: upstream timeout or garbage is uncertain; refusals never reached the platform.
    assert!(matches!(
        Failure::from_answer(504, platform(504, r#"{"code":504,"msg":"t"}"#)),
        Failure::Uncertain(_)
    ));
    assert!(matches!(
        Failure::from_answer(502, platform(502, r#"{"code":502,"msg":"g"}"#)),
        Failure::Uncertain(_)
    ));
    for status in [400, 401, 404, 413, 429, 503] {
        let f = Failure::from_answer(status, platform(status, r#"{"code":1,"msg":"no"}"#));
        assert!(matches!(f, Failure::NotDelivered(_)), "{status}");
    }
    // An unreadable success is uncertain.
    let garbage =
        kefu_protocol::decode::<kefu_protocol::PlatformAnswer<()>>(200, b"<html>").expect_err("garbage");
    assert!(matches!(Failure::from_answer(200, garbage), Failure::Uncertain(_)));
}

const STYLES: [ErrorStyle; 2] = [ErrorStyle::Precise, ErrorStyle::Documented];
const TTL_MS: i64 = 60_000;

fn recovering() -> Conversation {
    Conversation::new(options(), random_sids()).with_recovery(RecoveryPolicy {
        session_ttl_ms: u64::try_from(TTL_MS).expect("small"),
        backoff_ms: 500,
    })
}

fn restarted(evs: &[Event]) -> usize {
    evs.iter().filter(|e| matches!(e, Event::Started { restarted: true, .. })).count()
}

#[tokio::test]
async fn recovery_an_expired_session_restarts_by_itself() {
    for style in STYLES {
        let p = Platform::styled(TTL_MS, style);
        let mut c = recovering();
        c.start().expect("starts");
        p.pump_timed(&mut c).await;
        let first = c.sid().cloned().expect("sid");
        p.clock.advance(TTL_MS + 1);
        let id = c.send("还在吗").expect("queued");
        let evs = p.pump_timed(&mut c).await;
        assert!(evs.contains(&Event::Expired), "{style:?}: {evs:?}");
        assert_eq!(restarted(&evs), 1, "{style:?}");
        assert!(prompts(&evs)[0].contains("刘先生"), "the same variables");
        assert!(evs.contains(&Event::MessageSent { id }), "{style:?}: {evs:?}");
        assert_ne!(c.sid(), Some(&first));
        assert_eq!(c.phase(), Phase::WaitingForUser);
        assert!(!evs.iter().any(|e| matches!(e, Event::Error(_) | Event::MessageFailed { .. })), "{evs:?}");
    }
}

#[tokio::test]
async fn recovery_a_session_stopped_elsewhere_restarts_by_itself() {
    for style in STYLES {
        let p = Platform::styled(TTL_MS, style);
        let mut c = recovering();
        c.start().expect("starts");
        p.pump_timed(&mut c).await;
        let sid = c.sid().cloned().expect("sid");
        let (_, stopped) = p.aside("/api/v1/gaia/botdm/stop", serde_json::json!({"sid": sid.as_str()})).await;
        assert_eq!(stopped["code"], 0);
        let id = c.send("能分期吗").expect("queued");
        let evs = p.pump_timed(&mut c).await;
        assert_eq!(restarted(&evs), 1, "{style:?}: {evs:?}");
        assert!(evs.contains(&Event::MessageSent { id }), "{style:?}: {evs:?}");
        assert!(prompts(&evs).iter().any(|p| p.contains("分期")));
    }
}

#[tokio::test]
async fn recovery_a_stale_acknowledgement_resynchronises() {
    for style in STYLES {
        let p = Platform::styled(TTL_MS, style);
        let mut manual = options();
        manual.auto_acknowledge = false;
        let mut c = Conversation::new(manual, random_sids()).with_recovery(RecoveryPolicy {
            session_ttl_ms: u64::try_from(TTL_MS).expect("small"),
            backoff_ms: 500,
        });
        c.start().expect("starts");
        p.pump_timed(&mut c).await;
        let prompt = c.pending_prompt().expect("a prompt shown").to_owned();
        let sid = c.sid().cloned().expect("sid");
        let (_, acked) = p
            .aside(
                "/api/v1/gaia/botdm/trigger",
                serde_json::json!({"sid": sid.as_str(), "cmd": "evt.complete", "text": "", "prompt_id": prompt}),
            )
            .await;
        assert_eq!(acked["code"], 0);
        c.acknowledge(&prompt).expect("the prompt shown");
        let evs = p.pump_timed(&mut c).await;
        assert_eq!(restarted(&evs), 1, "{style:?}: {evs:?}");
        assert!(!evs.iter().any(|e| matches!(e, Event::Error(_))), "{evs:?}");
        assert_eq!(c.phase(), Phase::BotSpeaking, "the fresh session's greeting");
        assert_ne!(c.sid(), Some(&sid));
    }
}
