//! Chat sessions (seed 002 §14–16): the say → complete → wait / finish / transfer loop.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::Ordering;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use kefu_protocol::chat::{BotTurn, DebugInfo, StartRequest, StopRequest, TriggerRequest};
use kefu_protocol::{Channel, Cmd, DialogType, PlatformAnswer};

use crate::bot::Then;
use crate::error::{PlatformFailure, SandboxError, parse_json};
use crate::state::{AppState, platform_ok};

pub(crate) mod session;
use session::{Session, Status};

/// Longest `evt.input` text accepted, in characters.
pub(crate) const MAX_INPUT_CHARS: usize = 2_000;

/// `POST /api/v1/gaia/botdm/start`.
pub(crate) async fn start(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<PlatformAnswer<BotTurn>>, PlatformFailure> {
    let req: StartRequest = parse_json(&body)?;
    state.check_tenant(&req.app_id)?;
    let (bot_index, bot) =
        state.bot(&req.bot_id).ok_or_else(|| SandboxError::UnknownBot(req.bot_id.clone()))?;
    if let Channel::Other(other) = &req.channel {
        return Err(SandboxError::BadRequest(format!(
            "channel {other:?} is not one of {}",
            Channel::listed(Channel::ALL)
        ))
        .into());
    }
    let now = state.now_ms();
    sweep(&state, now);
    let ttl = state.config.session_ttl_ms;
    let sid = req.sid.as_str().to_owned();
    let vars: BTreeMap<String, String> =
        req.var_json.iter().flat_map(|v| v.0.iter()).map(|(k, v)| (k.clone(), v.to_text())).collect();
    let g_vars = req
        .var_json
        .as_ref()
        .and_then(|v| serde_json::to_value(v).ok())
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let mut session = Session {
        bot: bot_index,
        channel: req.channel,
        vars,
        g_vars,
        user_data: req.user_data,
        queue: VecDeque::new(),
        pending: None,
        then: Then::Wait,
        relations: Vec::new(),
        debug: DebugInfo::default(),
        state: String::new(),
        status: Status::Active,
        last_active_ms: now,
        history: Vec::new(),
    };
    session.apply(bot.greet(&session.vars));
    let turn = session.next_turn(&sid, || state.ids.prompt_id(), now);
    // A sid may be reused once its session is over or expired, never while it is live.
    match state.sessions.entry(sid) {
        dashmap::Entry::Occupied(mut existing) => {
            let live = existing.get().ended().is_none() && existing.get().idle_ms(now) <= ttl;
            if live {
                return Err(SandboxError::SidInUse.into());
            }
            existing.insert(session);
        }
        dashmap::Entry::Vacant(slot) => {
            slot.insert(session);
        }
    }
    Ok(platform_ok(turn))
}

/// `POST /api/v1/gaia/botdm/trigger`.
pub(crate) async fn trigger(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<PlatformAnswer<BotTurn>>, PlatformFailure> {
    let req: TriggerRequest = parse_json(&body)?;
    let now = state.now_ms();
    let sid = req.sid.as_str();
    let mut session =
        state.sessions.get_mut(sid).ok_or_else(|| SandboxError::SessionNotFound(sid.to_owned()))?;
    if let Some(how) = session.ended() {
        return Err(SandboxError::SessionEnded(how).into());
    }
    let idle = session.idle_ms(now);
    if idle > state.config.session_ttl_ms {
        return Err(SandboxError::SessionExpired { idle_secs: idle / 1000 }.into());
    }
    match req.cmd {
        Cmd::Complete => {
            let got = req.prompt_id.unwrap_or_default();
            if session.pending.as_deref() != Some(got.as_str()) {
                return Err(SandboxError::WrongPromptId { got }.into());
            }
            session.pending = None;
        }
        Cmd::Input => {
            if let Some(pending) = &session.pending {
                return Err(SandboxError::PromptNotAcknowledged(pending.clone()).into());
            }
            let text = req.text.trim();
            if text.is_empty() {
                return Err(SandboxError::BadRequest("evt.input needs a non-empty text".into()).into());
            }
            if text.chars().count() > MAX_INPUT_CHARS {
                return Err(SandboxError::BadRequest(format!(
                    "text is longer than {MAX_INPUT_CHARS} characters"
                ))
                .into());
            }
            session.record(DialogType::User, text, now);
            let bot = &state.config.bots[session.bot];
            let reply = bot.answer(text, &session.vars);
            session.apply(reply);
        }
        other => {
            return Err(
                SandboxError::BadRequest(format!("cmd {other} is not evt.input or evt.complete")).into()
            );
        }
    }
    session.last_active_ms = now;
    let turn = session.next_turn(sid, || state.ids.prompt_id(), now);
    Ok(platform_ok(turn))
}

/// `POST /api/v1/gaia/botdm/stop`: ends the session; stopping an ended session is not an error.
pub(crate) async fn stop(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<PlatformAnswer<()>>, PlatformFailure> {
    let req: StopRequest = parse_json(&body)?;
    let mut session = state
        .sessions
        .get_mut(req.sid.as_str())
        .ok_or_else(|| SandboxError::SessionNotFound(req.sid.to_string()))?;
    if session.status == Status::Active {
        session.status = Status::Stopped;
    }
    Ok(Json(PlatformAnswer {
        code: Some(kefu_protocol::Code::OK),
        msg: Some("success".into()),
        payload: None,
    }))
}

/// Forgets sessions idle for twice the expiry time, at most once a minute. Until then an
/// expired session still answers "expired" (not "not found"), and a transferred one still
/// serves followed/data.
fn sweep(state: &AppState, now: i64) {
    let last = state.last_sweep_ms.load(Ordering::Relaxed);
    if now - last < 60_000
        || state.last_sweep_ms.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_err()
    {
        return;
    }
    let keep_ms = state.config.session_ttl_ms.saturating_mul(2);
    state.sessions.retain(|_, s| s.idle_ms(now) <= keep_ms);
}
