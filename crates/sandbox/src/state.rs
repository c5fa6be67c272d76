//! Configuration and the shared state the handlers read.

use std::sync::Arc;
use std::sync::Mutex;

use axum::Json;
use dashmap::DashMap;

use crate::bot::Bot;
use crate::callcenter::store::CallCenterStore;
use crate::chat::session::Session;
use crate::clock::Clock;
use crate::coeus::store::CoeusStore;
use crate::error::{ErrorStyle, SandboxError};
use crate::ids::Ids;
use crate::outbound::store::OutboundStore;
use crate::pushes::Pusher;

/// How the sandbox behaves. [`Config::new`] gives the documented defaults.
pub struct Config {
    /// The apikey callers sign with.
    pub apikey: String,
    /// The apisecret callers sign with. Never printed by `Debug`.
    pub apisecret: String,
    /// The tenant (`app_id`) this apikey belongs to.
    pub app_id: String,
    /// The bots; `start` with any of their ids works, syncprompt lists them.
    pub bots: Vec<Bot>,
    /// How long a chat session may stay idle before it expires (default 10 min).
    pub session_ttl_ms: i64,
    /// How many calls one case may place (seed 000's `1002`, default 3).
    pub calls_per_case: usize,
    /// How long an outbound job stays `Scheduling` (default 2 s).
    pub call_schedule_ms: i64,
    /// How long an outbound job stays `Executing` (default 8 s).
    pub call_duration_ms: i64,
    /// The sandbox's own base URL, used in the recording links it hands out.
    pub public_url: String,
    /// The clock (a manual one in tests).
    pub clock: Clock,
    /// How seed 002 failures are answered (default: a precise code per failure).
    pub errors: ErrorStyle,
    /// Milliseconds between two calls of a batch whose task has a `team_url` (default 1 s).
    pub dial_interval_ms: i64,
    /// Scales the §7–8 retry delays of 5, 10 and 15 s (default 1; e.g. 0.01 in tests).
    pub retry_scale: f64,
    /// Milliseconds one push attempt or inbound lookup may take (default 10 s).
    pub push_timeout_ms: u64,
    /// The §9 inbound lookup URL `POST /sandbox/inbound` asks (default: none).
    pub inbound_url: Option<String>,
}

impl Config {
    /// The defaults, with the default bot.
    pub fn new(apikey: impl Into<String>, apisecret: impl Into<String>) -> Config {
        Config {
            apikey: apikey.into(),
            apisecret: apisecret.into(),
            app_id: "200000000".into(),
            bots: Vec::new(),
            session_ttl_ms: 10 * 60 * 1000,
            calls_per_case: 3,
            call_schedule_ms: 2_000,
            call_duration_ms: 8_000,
            public_url: "http://127.0.0.1:7700".into(),
            clock: Clock::system(),
            errors: ErrorStyle::Precise,
            dial_interval_ms: 1_000,
            retry_scale: 1.0,
            push_timeout_ms: 10_000,
            inbound_url: None,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("apikey", &self.apikey)
            .field("apisecret", &"<redacted>")
            .field("app_id", &self.app_id)
            .field("bots", &self.bots.iter().map(Bot::id).collect::<Vec<_>>())
            .field("session_ttl_ms", &self.session_ttl_ms)
            .field("calls_per_case", &self.calls_per_case)
            .field("call_schedule_ms", &self.call_schedule_ms)
            .field("call_duration_ms", &self.call_duration_ms)
            .field("public_url", &self.public_url)
            .field("clock", &self.clock)
            .field("errors", &self.errors)
            .field("dial_interval_ms", &self.dial_interval_ms)
            .field("retry_scale", &self.retry_scale)
            .field("push_timeout_ms", &self.push_timeout_ms)
            .field("inbound_url", &self.inbound_url)
            .finish()
    }
}

/// Everything the handlers share.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) sessions: DashMap<String, Session>,
    pub(crate) coeus: Mutex<CoeusStore>,
    pub(crate) outbound: Mutex<OutboundStore>,
    pub(crate) callcenter: Mutex<CallCenterStore>,
    pub(crate) ids: Ids,
    pub(crate) pusher: Arc<Pusher>,
    pub(crate) last_sweep_ms: std::sync::atomic::AtomicI64,
}

/// The handlers' state.
pub(crate) type AppState = Arc<Shared>;

impl Shared {
    pub(crate) fn now_ms(&self) -> i64 {
        self.config.clock.now_ms()
    }

    /// The bot with this id.
    pub(crate) fn bot(&self, id: &str) -> Option<(usize, &Bot)> {
        self.config.bots.iter().enumerate().find(|(_, b)| b.id() == id)
    }

    /// Fails unless `app_id` is this apikey's tenant.
    pub(crate) fn check_tenant(&self, app_id: &str) -> Result<(), SandboxError> {
        if app_id == self.config.app_id { Ok(()) } else { Err(SandboxError::WrongTenant(app_id.to_owned())) }
    }
}

/// Locks a store; a poisoned lock (a handler panicked) still holds usable data.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A success answer in seed 002's envelope.
pub(crate) fn platform_ok<T: serde::Serialize>(payload: T) -> Json<kefu_protocol::PlatformAnswer<T>> {
    Json(kefu_protocol::PlatformAnswer::ok(kefu_protocol::Code::OK, "success", payload))
}
