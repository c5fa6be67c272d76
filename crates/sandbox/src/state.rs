//! Configuration, shared state and the router.

use std::sync::Arc;
use std::sync::Mutex;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use dashmap::DashMap;
use kefu_protocol::{callcenter as cc, chat, coeus as co, outbound as ob};
use tower_http::cors::CorsLayer;

use crate::bot::Bot;
use crate::callcenter::CallCenterStore;
use crate::chat::Session;
use crate::clock::Clock;
use crate::coeus::CoeusStore;
use crate::error::{ErrorStyle, PlatformFailure, SandboxError};
use crate::ids::Ids;
use crate::outbound::OutboundStore;
use crate::pushes::Pusher;
use crate::{auth, callcenter, coeus, outbound};

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

/// The sandbox as an axum router. With no bots configured, the default bot is loaded.
pub fn app(mut config: Config) -> Router {
    if config.bots.is_empty() {
        match Bot::default_bot() {
            Ok(bot) => config.bots.push(bot),
            Err(e) => tracing::error!("the shipped default bot does not load: {e}"),
        }
    }
    let now = config.clock.now_ms();
    let public_url = config.public_url.clone();
    let pusher =
        Arc::new(Pusher::new(std::time::Duration::from_millis(config.push_timeout_ms), config.retry_scale));
    let state: AppState = Arc::new(Shared {
        config,
        sessions: DashMap::new(),
        coeus: Mutex::new(CoeusStore::default()),
        outbound: Mutex::new(OutboundStore::default()),
        callcenter: Mutex::new(CallCenterStore::seeded(&public_url)),
        ids: Ids::default(),
        pusher,
        last_sweep_ms: std::sync::atomic::AtomicI64::new(now),
    });

    let platform = Router::new()
        .route(chat::START_PATH, post(crate::chat::start))
        .route(chat::TRIGGER_PATH, post(crate::chat::trigger))
        .route(chat::STOP_PATH, post(crate::chat::stop))
        .route(co::OUTNUM_PATH, post(coeus::outnum).layer(DefaultBodyLimit::max(32 * 1024 * 1024)))
        .route(co::ADDTASK_PATH, post(coeus::addtask))
        .route(co::TASKLIST_PATH, post(coeus::tasklist))
        .route(co::SYNCPROMPT_PATH, post(coeus::syncprompt))
        .route(co::FOLLOWED_DATA_PATH, post(coeus::followed_data))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_signature))
        .layer(middleware::map_response_with_state(state.clone(), reword_failure));

    let unsigned = Router::new()
        .route(ob::CALL_V2_PATH, post(outbound::call_v2))
        .route(ob::CONVERSATION_LOG_PATH, get(outbound::conversation_log))
        .route(ob::STATUS_PATH, get(outbound::status))
        .route(cc::RECORDS_LIST_PATH, post(callcenter::records_list))
        .route(cc::CALLTASK_LIST_PATH, post(callcenter::calltask_list))
        .route(cc::CREATE_TASKS_PATH, post(callcenter::create_tasks))
        .route(cc::STOP_TASKS_PATH, post(callcenter::stop_tasks))
        .route(callcenter::STOP_TASKS_API_PATH, post(callcenter::stop_tasks))
        .route(cc::RECORDINGS_PATH, get(callcenter::recording))
        .route("/sandbox/calls", get(coeus::calls))
        .route("/sandbox/recordings/{file}", get(coeus::recording))
        .route("/sandbox/inbound", post(crate::inbound::inbound))
        .route("/healthz", get(|| async { "ok" }));

    platform
        .merge(unsigned)
        .fallback(|| async {
            let mut res = PlatformFailure(SandboxError::NotFound("no such endpoint".into())).into_response();
            *res.status_mut() = axum::http::StatusCode::NOT_FOUND;
            res
        })
        .with_state(state)
        // Browser tests call the sandbox directly from a random local origin.
        .layer(CorsLayer::very_permissive())
}

/// Seed 002 failures in the configured [`ErrorStyle`].
async fn reword_failure(State(state): State<AppState>, response: Response) -> Response {
    crate::error::documented(state.config.errors, response, state.ids.random())
}

/// Seed 002 §3: every request carries a valid signature.
async fn require_signature(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let header = request.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    let config = &state.config;
    match auth::verify(header, &config.apikey, &config.apisecret, config.clock.now_secs()) {
        Ok(()) => next.run(request).await,
        Err(e) => {
            tracing::info!(path = %request.uri().path(), "refused: {e}");
            PlatformFailure(e.into()).into_response()
        }
    }
}

/// A success answer in seed 002's envelope.
pub(crate) fn platform_ok<T: serde::Serialize>(payload: T) -> Json<kefu_protocol::PlatformAnswer<T>> {
    Json(kefu_protocol::PlatformAnswer::ok(kefu_protocol::Code::OK, "success", payload))
}
