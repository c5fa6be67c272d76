//! The push routes the platform calls: `POST /callbacks/{token}` (§7 call records and §8 intent
//! grades, told apart by shape) and `POST /callbacks/{token}/inbound` (§9 caller lookup).
//!
//! The peer address for `KEFU_CALLBACK_ALLOW` is read from the request extensions: a
//! [`PeerAddr`] when the mounting server sets one (e.g. the proxy behind a trusted load balancer),
//! otherwise axum's `ConnectInfo<SocketAddr>` (serve with
//! `into_make_service_with_connect_info::<SocketAddr>()`). With an allow-list set and neither
//! present, pushes are refused.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use kefu_protocol::Code;
use kefu_protocol::callbacks::{CallRecordPush, CallerLookupAnswer, CallerLookupRequest, IntentPush};
use serde::de::IgnoredAny;
use serde_json::json;

use crate::error::{Error, Result};
use crate::settings::Settings;
use crate::store::Store;
use kefu_protocol::template::substitute;

/// The peer's address, set as a request extension by a server that knows it better than the
/// socket does; it takes precedence over `ConnectInfo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub IpAddr);

/// The callback receiver: settings and store, turned into routers.
#[derive(Debug, Clone)]
pub struct Receiver {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) settings: Settings,
    pub(crate) store: Store,
}

impl Receiver {
    /// A receiver answering with these settings from this store.
    pub fn new(settings: Settings, store: Store) -> Receiver {
        Receiver { inner: Arc::new(Inner { settings, store }) }
    }

    /// The store pushes go to.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The settings it answers with.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The push routes only (`/callbacks/{token}`, `/callbacks/{token}/inbound`); no fallback,
    /// so it merges into another router.
    pub fn push_router(&self) -> Router {
        Router::new()
            .route("/callbacks/{token}", post(push))
            .route("/callbacks/{token}/inbound", post(inbound))
            .with_state(self.clone())
    }

    /// The push routes and the result routes, with a JSON 404 for every other path: a
    /// standalone server. The result routes check no operator token: mount
    /// [`Receiver::results_router`] behind one instead when they face a network.
    pub fn router(&self) -> Router {
        self.push_router().merge(self.results_router()).fallback(|| async { Error::NotFound })
    }
}

/// The token's label, once the token and the peer are accepted.
fn authorize<'a>(receiver: &'a Receiver, token: &str, request: &Request) -> Result<&'a str> {
    let settings = &receiver.inner.settings;
    let label = settings.label_for(token).ok_or(Error::NotFound)?;
    let peer = request
        .extensions()
        .get::<PeerAddr>()
        .map(|p| p.0)
        .or_else(|| request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()));
    if !settings.allows(peer) {
        tracing::warn!(?peer, label, "callbacks: push from a peer outside KEFU_CALLBACK_ALLOW refused");
        return Err(Error::Forbidden);
    }
    Ok(label)
}

/// The body, or [`Error::TooLarge`] past the limit.
pub(crate) async fn read_body(body: Body, limit: usize) -> Result<bytes::Bytes> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(Error::TooLarge(limit)),
        Err(e) => Err(Error::BadRequest(format!("the body could not be read: {e}"))),
    }
}

/// Which push a body is: §7 carries `calls`, §8 `degrees`.
#[derive(serde::Deserialize)]
struct Shape {
    calls: Option<IgnoredAny>,
    degrees: Option<IgnoredAny>,
}

fn success() -> Response {
    Json(json!({ "code": 0, "msg": "success" })).into_response()
}

/// `POST /callbacks/{token}`: a §7 or §8 push, answered success only once committed.
async fn push(
    State(receiver): State<Receiver>,
    Path(token): Path<String>,
    request: Request,
) -> Result<Response> {
    let label = authorize(&receiver, &token, &request)?;
    if let Some(len) =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        && len > receiver.inner.settings.body_limit as u64
    {
        return Err(Error::TooLarge(receiver.inner.settings.body_limit));
    }
    let body = read_body(request.into_body(), receiver.inner.settings.body_limit).await?;
    // The shape first, skimming the values (no tree is built), then the typed decode.
    let shape: Shape = serde_json::from_slice(&body).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            Error::BadRequest(format!("the body is not JSON: {e}"))
        } else {
            Error::BadRequest("the body is not a JSON object".into())
        }
    })?;
    let store = &receiver.inner.store;
    match (shape.calls.is_some(), shape.degrees.is_some()) {
        (true, false) => {
            let push: CallRecordPush = serde_json::from_slice(&body)
                .map_err(|e| Error::BadRequest(format!("not a call-record push (§7): {e}")))?;
            let outcome = store.store_calls(label, &push).await?;
            tracing::info!(label, task_id = %push.task_id, stored = outcome.stored, repeated = outcome.repeated, "callbacks: call records");
        }
        (false, true) => {
            let push: IntentPush = serde_json::from_slice(&body)
                .map_err(|e| Error::BadRequest(format!("not an intent push (§8): {e}")))?;
            let outcome = store.store_grades(label, &push).await?;
            tracing::info!(label, task_id = %push.task_id, stored = outcome.stored, repeated = outcome.repeated, "callbacks: intent grades");
        }
        _ => {
            return Err(Error::BadRequest(
                "neither a call-record push (with `calls`) nor an intent push (with `degrees`)".into(),
            ));
        }
    }
    Ok(success())
}

/// `POST /callbacks/{token}/inbound`: who is calling (§9), from the contacts directory.
async fn inbound(
    State(receiver): State<Receiver>,
    Path(token): Path<String>,
    request: Request,
) -> Result<Response> {
    authorize(&receiver, &token, &request)?;
    let body = read_body(request.into_body(), 64 * 1024).await?;
    let lookup: CallerLookupRequest = serde_json::from_slice(&body)
        .map_err(|e| Error::BadRequest(format!("not a caller lookup (§9): {e}")))?;
    let settings = &receiver.inner.settings;
    let answer = match receiver.inner.store.contact(lookup.caller.trim()).await? {
        Some(contact) => {
            let mut vars: BTreeMap<String, String> = contact.variables.clone();
            vars.insert("name".into(), contact.name.clone());
            vars.insert("phone".into(), contact.phone.clone());
            CallerLookupAnswer {
                code: Code::OK,
                msg: "success".into(),
                prompt: substitute(&settings.known_prompt, &vars),
                transfer: contact.transfer.filter(|t| !t.is_empty()),
            }
        }
        None => CallerLookupAnswer {
            code: Code::OK,
            msg: "success".into(),
            prompt: settings.unknown_prompt.clone(),
            transfer: None,
        },
    };
    Ok(Json(answer).into_response())
}
