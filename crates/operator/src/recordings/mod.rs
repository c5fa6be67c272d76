//! Recordings for the operators' console: short-lived signed links, and the recordings streamed
//! through them with `Range` support.
//!
//! - `POST /kefu/v1/recording-links` (operator token) with `{"call_id": "…"}` (a call stored from
//!   a §7 push: its `record_url`, a relative path joined to the recording base) or `{"url": "…"}`
//!   (seed 000's `recordUrl`, seed 001's `wavFileUrl`, byte for byte) answers
//!   `{"url": "/kefu/v1/recordings/<link>", "expires_at": <ms>, "expires_in": <s>}`
//!   ([`kefu_protocol::results::RecordingLink`]). A URL not on this deployment's hosts, or not a
//!   recording, is refused 400 with the reason ([`source`]); an unknown call, or one without a
//!   recording, is 404.
//! - `GET` / `HEAD /kefu/v1/recordings/<link>` needs no operator token: the link is the
//!   authority, an HMAC-SHA256 with the proxy's key bound to one call or URL and valid for
//!   `KEFU_RECORDING_LINK_SECS` (default 300) ([`link`]). An altered link, one for another file or
//!   one made with another key answers 403 `{"code":403,"msg":"…"}` saying to ask for a new one,
//!   as does an expired one. A valid one streams the recording from its host ([`stream`]): `206`
//!   with `Content-Range` for a `Range`, `416` past the end, `Accept-Ranges: bytes`, the audio
//!   `Content-Type`, never read whole into memory.

pub mod link;
pub mod source;
mod stream;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kefu_protocol::results::{RECORDING_LINKS_PATH, RECORDINGS_PREFIX, RecordingLink, RecordingLinkRequest};
use kefu_serve::range::ByteRange;

use crate::Error;
use crate::Now;
use crate::fetch::Fetch;
use link::{Refusal, Signer, Target};
use source::Sources;

/// Largest body of a link request.
const LINK_REQUEST_LIMIT: usize = 16 * 1024;

/// What the two routes share.
pub(crate) struct Recordings {
    pub(crate) signer: Signer,
    pub(crate) ttl: Duration,
    pub(crate) sources: Sources,
    pub(crate) fetch: Arc<dyn Fetch>,
    pub(crate) store: Option<kefu_callbacks::Store>,
    pub(crate) now: Now,
}

impl Recordings {
    /// `POST /kefu/v1/recording-links` (mount it behind the operator-token check).
    pub(crate) fn links_router(self: &Arc<Self>) -> Router {
        Router::new().route(RECORDING_LINKS_PATH, post(issue)).with_state(self.clone())
    }

    /// `GET` / `HEAD /kefu/v1/recordings/<link>` (public: the link is its own authority). Any
    /// other path under the prefix is refused as a link that is not valid.
    pub(crate) fn files_router(self: &Arc<Self>) -> Router {
        Router::new()
            .route(&format!("{RECORDINGS_PREFIX}/{{*link}}"), get(play))
            .fallback(|| async { refused(Refusal::Invalid) })
            .with_state(self.clone())
    }

    /// The absolute URL of a stored call's recording.
    async fn call_url(&self, call_id: &str) -> Result<String, Error> {
        let store = self.store.as_ref().ok_or_else(|| {
            Error::BadRequest(
                "this proxy stores no calls (no KEFU_STORE): ask for the link by the recording's url".into(),
            )
        })?;
        let record_url = store.record_url(call_id).await.map_err(|e| {
            tracing::error!(error = %e, "recordings: the store failed");
            Error::Internal
        })?;
        match record_url {
            None => Err(Error::Missing(format!("no call {call_id:?} is stored"))),
            Some(None) => Err(Error::Missing(format!("the call {call_id:?} has no recording"))),
            Some(Some(url)) => Ok(self.sources.resolve(&url)),
        }
    }
}

/// `POST /kefu/v1/recording-links`.
async fn issue(State(recordings): State<Arc<Recordings>>, body: Body) -> Result<Json<RecordingLink>, Error> {
    let bytes = axum::body::to_bytes(body, LINK_REQUEST_LIMIT)
        .await
        .map_err(|_| Error::TooLarge(LINK_REQUEST_LIMIT))?;
    let request: RecordingLinkRequest = serde_json::from_slice(&bytes)
        .map_err(|e| Error::BadRequest(format!("not a recording link request: {e}")))?;
    let target = match (request.call_id, request.url) {
        (Some(call_id), None) if !call_id.trim().is_empty() => {
            let url = recordings.call_url(&call_id).await?;
            recordings.sources.check(&url).map_err(|why| {
                Error::BadRequest(format!(
                    "the call's recording URL is not fetched: {why}; add its origin to KEFU_RECORDING_HOSTS"
                ))
            })?;
            Target::Call(call_id)
        }
        (None, Some(url)) => {
            recordings
                .sources
                .check(&url)
                .map_err(|why| Error::BadRequest(format!("this recording URL is not fetched: {why}")))?;
            Target::Url(url)
        }
        _ => return Err(Error::BadRequest("give exactly one of call_id and url".into())),
    };
    let now = (recordings.now)();
    let ttl = recordings.ttl.as_secs().max(1);
    let expires = now.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX));
    let link = recordings.signer.sign(&target, expires);
    Ok(Json(RecordingLink {
        url: format!("{RECORDINGS_PREFIX}/{link}"),
        expires_at: expires.saturating_mul(1000),
        expires_in: ttl,
    }))
}

/// The 403 of a refused link, saying what to do.
fn refused(refusal: Refusal) -> Error {
    Error::LinkRefused(match refusal {
        Refusal::Invalid => format!(
            "this recording link is not valid (altered, for another file, or made by another proxy key): \
             ask for a new one with POST {RECORDING_LINKS_PATH}"
        ),
        Refusal::Expired(_) => {
            format!("this recording link has expired: ask for a new one with POST {RECORDING_LINKS_PATH}")
        }
    })
}

/// `GET` / `HEAD /kefu/v1/recordings/<link>`.
async fn play(
    State(recordings): State<Arc<Recordings>>,
    method: Method,
    headers: HeaderMap,
    Path(link): Path<String>,
) -> Response {
    match stream_link(&recordings, &method, &headers, &link).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn stream_link(
    recordings: &Recordings,
    method: &Method,
    headers: &HeaderMap,
    link: &str,
) -> Result<Response, Error> {
    let target = recordings.signer.verify(link, (recordings.now)()).map_err(refused)?;
    let url = match target {
        Target::Call(call_id) => recordings.call_url(&call_id).await?,
        Target::Url(url) => url,
    };
    // Checked again: the hosts may have changed since the link was made (or on another replica).
    let uri = recordings
        .sources
        .check(&url)
        .map_err(|why| Error::LinkRefused(format!("this recording is no longer fetched: {why}")))?;
    let media_type = recordings.sources.media_type(&uri);
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok()).and_then(ByteRange::parse);
    let ask = stream::Ask { head: method == Method::HEAD, range };
    stream::relay(recordings.fetch.as_ref(), uri, ask, media_type).await
}
