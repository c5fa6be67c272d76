//! `POST /kefu/v1/sandbox/inbound` (operator token) `{"caller": "…"}`: a simulated inbound call,
//! checked, re-encoded and forwarded to kefu-sandbox's `POST /sandbox/inbound`, answered as the
//! sandbox answers. It exists only when `KEFU_SANDBOX_URL` names a sandbox, and goes only there
//! (never to `KEFU_PLATFORM_URL`); elsewhere it is the usual JSON 404.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, Request, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use http_body_util::Full;
use kefu_protocol::results::{SIMULATED_INBOUND_PATH, SimulatedInboundRequest};

use crate::Error;
use crate::fetch::{self, Failure, Fetch};

/// The sandbox's own route a simulated inbound call goes to.
const SANDBOX_INBOUND_PATH: &str = "/sandbox/inbound";
/// Largest body of a simulated inbound call.
const INBOUND_LIMIT: usize = 4 * 1024;
/// Largest answer read from the sandbox.
const ANSWER_LIMIT: usize = 64 * 1024;

/// Where simulated inbound calls go.
struct Sandbox {
    url: String,
    fetch: Arc<dyn Fetch>,
}

/// The route for the sandbox at `url`, answering a JSON 404 for any other path or method.
pub(crate) fn router(url: &str, fetch: Arc<dyn Fetch>) -> Router {
    let not_found = || async { Error::NotFound };
    let sandbox = Arc::new(Sandbox { url: url.trim_end_matches('/').to_owned(), fetch });
    Router::new()
        .route(SIMULATED_INBOUND_PATH, post(simulate_inbound))
        .with_state(sandbox)
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
}

/// `POST /kefu/v1/sandbox/inbound`: checked, re-encoded, and sent to the sandbox only.
async fn simulate_inbound(State(sandbox): State<Arc<Sandbox>>, body: Body) -> Result<Response, Error> {
    let bytes =
        axum::body::to_bytes(body, INBOUND_LIMIT).await.map_err(|_| Error::TooLarge(INBOUND_LIMIT))?;
    let request: SimulatedInboundRequest = serde_json::from_slice(&bytes)
        .map_err(|e| Error::BadRequest(format!("not a simulated inbound call: {e}")))?;
    let caller = request.caller.trim();
    if caller.is_empty() || caller.len() > 32 || !caller.bytes().all(|b| b.is_ascii_digit() || b == b'+') {
        return Err(Error::BadRequest("caller must be a phone number (digits, an optional +)".into()));
    }
    let json = serde_json::to_vec(&SimulatedInboundRequest { caller: caller.to_owned() })
        .map_err(|_| Error::Internal)?;
    let uri: axum::http::Uri =
        format!("{}{SANDBOX_INBOUND_PATH}", sandbox.url).parse().map_err(|_| Error::Internal)?;
    let mut upstream = Request::new(Full::new(Bytes::from(json)));
    *upstream.method_mut() = axum::http::Method::POST;
    *upstream.uri_mut() = uri;
    upstream.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let answer =
        fetch::send(sandbox.fetch.as_ref(), upstream, ANSWER_LIMIT).await.map_err(
            |failure| match failure {
                Failure::Timeout => Error::UpstreamTimeout,
                Failure::TooLarge => Error::UpstreamGarbage,
                Failure::Unreachable(why) => {
                    tracing::warn!(error = %why, "sandbox inbound: the sandbox cannot be reached");
                    Error::UpstreamUnavailable
                }
            },
        )?;
    if serde_json::from_slice::<serde::de::IgnoredAny>(&answer.body).is_err() {
        return Err(Error::UpstreamGarbage);
    }
    Ok((answer.status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], answer.body)
        .into_response())
}
