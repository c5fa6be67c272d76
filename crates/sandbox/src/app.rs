//! The sandbox as an axum router: every route, the signature check and the failure wording.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use dashmap::DashMap;
use kefu_protocol::{callcenter as cc, chat, coeus as co, outbound as ob};
use tower_http::cors::CorsLayer;

use crate::bot::Bot;
use crate::callcenter::store::CallCenterStore;
use crate::coeus::store::CoeusStore;
use crate::error::{PlatformFailure, SandboxError};
use crate::ids::Ids;
use crate::outbound::store::OutboundStore;
use crate::pushes::Pusher;
use crate::state::{AppState, Config, Shared};
use crate::{auth, callcenter, coeus, outbound};

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
