//! `POST /sandbox/inbound` (a sandbox extension): simulates an inbound call. As the platform does
//! (seed 002 §9), the sandbox asks the configured lookup URL who `caller` is, and answers what
//! the bot would then do: say the returned `prompt`, or transfer to `transfer`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use kefu_protocol::PlatformAnswer;
use kefu_protocol::callbacks::{CallerLookupAnswer, CallerLookupRequest};
use serde::Serialize;

use crate::error::{PlatformFailure, SandboxError, parse_json};
use crate::state::{AppState, platform_ok};

/// What the bot does with an inbound call.
#[derive(Debug, Serialize)]
pub(crate) struct InboundOutcome {
    /// The caller asked about.
    caller: String,
    /// `transfer` when the lookup named a number to transfer to, else `say`.
    action: &'static str,
    /// What the bot says.
    prompt: String,
    /// Where the call is transferred, if anywhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    transfer: Option<String>,
}

/// `POST /sandbox/inbound {"caller": …}`.
pub(crate) async fn inbound(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<PlatformAnswer<InboundOutcome>>, PlatformFailure> {
    let req: CallerLookupRequest = parse_json(&body)?;
    if req.caller.trim().is_empty() {
        return Err(SandboxError::BadRequest("caller is required".into()).into());
    }
    let url = state.config.inbound_url.as_deref().ok_or(SandboxError::InboundNotConfigured)?;
    let lookup = serde_json::to_vec(&req).map_err(|e| SandboxError::InboundFailed(e.to_string()))?;
    let answer = state.pusher.post_json(url, lookup).await.map_err(|e| {
        tracing::warn!(caller = %req.caller, "inbound lookup failed: {e}");
        SandboxError::InboundFailed(e)
    })?;
    let answer: CallerLookupAnswer = serde_json::from_slice(&answer)
        .map_err(|e| SandboxError::InboundFailed(format!("not the §9 answer: {e}")))?;
    if answer.code.as_i64() != Some(0) {
        return Err(SandboxError::InboundFailed(format!("code {:?}: {}", answer.code, answer.msg)).into());
    }
    let transfer = answer.transfer.filter(|t| !t.trim().is_empty());
    tracing::info!(caller = %req.caller, transfer = ?transfer, "inbound lookup answered");
    Ok(platform_ok(InboundOutcome {
        caller: req.caller,
        action: if transfer.is_some() { "transfer" } else { "say" },
        prompt: answer.prompt,
        transfer,
    }))
}
