//! What the operators' console (`kefu-console`) needs from the proxy besides the platform's
//! routes, as [`Mount`]s for [`crate::service_with_mounts`]:
//!
//! - the recording links and recordings ([`crate::recordings`]);
//! - `GET /kefu/v1/deployment` (operator token): this deployment's public URL, its callback
//!   addresses (a task's `team_url` and the §9 inbound address, one pair per callback token:
//!   they hold the token, hence operators only) and which route families are on
//!   ([`kefu_protocol::results::Deployment`]);
//! - `POST /kefu/v1/sandbox/inbound` (operator token) `{"caller": "…"}`: a simulated inbound
//!   call, forwarded to kefu-sandbox's `POST /sandbox/inbound` and answered as the sandbox
//!   answers. It exists only when `KEFU_SANDBOX_URL` names a sandbox, and goes only there (never
//!   to `KEFU_PLATFORM_URL`); elsewhere it is the usual JSON 404.
//!
//! The public URL is `KEFU_PUBLIC_URL` when set (behind a reverse proxy or TLS terminator, set
//! it: e.g. `https://kefu.example.com`); otherwise `http://` and the request's `Host`.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Request, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http_body_util::Full;
use kefu_protocol::results::{
    CallbackEndpoint, DEPLOYMENT_PATH, Deployment, RECORDING_LINKS_PATH, RECORDINGS_PREFIX,
    SIMULATED_INBOUND_PATH, SimulatedInboundRequest,
};

use crate::client::{Failure, UpstreamClient};
use crate::config::Config;
use crate::error::{ConfigError, ProxyError};
use crate::mount::{Access, Mount};
use crate::recordings::Recordings;
use crate::recordings::link::Signer;
use crate::recordings::source::Sources;

/// The sandbox's own route a simulated inbound call goes to.
const SANDBOX_INBOUND_PATH: &str = "/sandbox/inbound";
/// Largest body of a simulated inbound call.
const INBOUND_LIMIT: usize = 4 * 1024;

/// What the deployment route answers, fixed at start but for the public URL.
struct Facts {
    public_url: Option<String>,
    /// `(label, token)` of each callback token.
    callbacks: Vec<(String, String)>,
    results: bool,
    outbound: bool,
    callcenter: bool,
    sandbox: bool,
    recording_link_secs: u64,
}

/// The console's mounts for this configuration; `receiver`, when the proxy has a callbacks
/// store, gives the callback tokens and the stored calls' recordings. Put them before any
/// `/kefu/v1` mount (the first matching prefix answers).
pub fn mounts(
    config: &Config,
    receiver: Option<&kefu_callbacks::Receiver>,
) -> Result<Vec<Mount>, ConfigError> {
    let signer = match &config.recording_key {
        Some(key) => Signer::new(key.expose().as_bytes()).ok_or_else(|| {
            ConfigError(format!(
                "KEFU_RECORDING_KEY must be at least {} bytes (e.g. `openssl rand -hex 32`)",
                crate::recordings::link::MIN_KEY_BYTES
            ))
        })?,
        None => {
            Signer::random().map_err(|e| ConfigError(format!("no randomness for the recording key: {e}")))?
        }
    };
    // An upstream's `user:password@` is for its API, never sent with a recording.
    let bare = crate::config::without_userinfo;
    let base = bare(config.recording_base.as_deref().unwrap_or(&config.platform_url));
    let origins: Vec<String> = std::iter::once(&config.platform_url)
        .chain(config.outbound_url.as_ref())
        .chain(config.callcenter_url.as_ref())
        .chain(&config.recording_hosts)
        .map(|u| bare(u))
        .collect();
    let origins: Vec<&str> = origins.iter().map(String::as_str).collect();
    let sources = Sources::new(&base, &origins, &config.callcenter_paths.recordings)
        .map_err(|e| ConfigError(format!("recording hosts: {e}")))?;
    tracing::info!(
        hosts = %sources.origins().join(","),
        link_secs = config.recording_link_ttl.as_secs(),
        key = if config.recording_key.is_some() { "KEFU_RECORDING_KEY" } else { "made at start" },
        "recordings: links on"
    );
    let client = UpstreamClient::new(config.upstream_timeout)?;
    let recordings = Arc::new(Recordings {
        signer,
        ttl: config.recording_link_ttl,
        sources,
        client: client.clone(),
        store: receiver.map(|r| r.store().clone()),
        clock: config.clock.clone(),
    });
    let facts = Arc::new(Facts {
        public_url: config.public_url.as_ref().map(|u| u.trim_end_matches('/').to_owned()),
        callbacks: receiver
            .map(|r| {
                r.settings().tokens.iter().map(|t| (t.label().to_owned(), t.secret().to_owned())).collect()
            })
            .unwrap_or_default(),
        results: receiver.is_some(),
        outbound: config.outbound_url.is_some(),
        callcenter: config.callcenter_url.is_some(),
        sandbox: config.sandbox_url.is_some(),
        recording_link_secs: config.recording_link_ttl.as_secs(),
    });
    let not_found = || async { ProxyError::NotFound };
    let deployment = Router::new()
        .route(DEPLOYMENT_PATH, get(deployment))
        .with_state(facts)
        .fallback(not_found)
        .method_not_allowed_fallback(not_found);
    let links = recordings.links_router().fallback(not_found).method_not_allowed_fallback(not_found);
    let files = recordings.files_router().method_not_allowed_fallback(not_found);
    let mut mounts = vec![
        Mount::new("recording_links", RECORDING_LINKS_PATH, Access::Operator, links),
        Mount::new("recordings", RECORDINGS_PREFIX, Access::Public, files),
        Mount::new("deployment", DEPLOYMENT_PATH, Access::Operator, deployment),
    ];
    if let Some(sandbox_url) = &config.sandbox_url {
        tracing::info!(sandbox = %crate::config::without_userinfo(sandbox_url), "simulated inbound calls: on");
        let sandbox = Arc::new(Sandbox { url: sandbox_url.trim_end_matches('/').to_owned(), client });
        let router = Router::new()
            .route(SIMULATED_INBOUND_PATH, post(simulate_inbound))
            .with_state(sandbox)
            .fallback(not_found)
            .method_not_allowed_fallback(not_found);
        mounts.push(Mount::new("sandbox_inbound", SIMULATED_INBOUND_PATH, Access::Operator, router));
    }
    Ok(mounts)
}

/// `GET /kefu/v1/deployment`.
async fn deployment(
    State(facts): State<Arc<Facts>>,
    headers: HeaderMap,
) -> Result<Json<Deployment>, ProxyError> {
    let public_url = match &facts.public_url {
        Some(url) => url.clone(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .filter(|h| h.parse::<axum::http::uri::Authority>().is_ok_and(|a| !a.as_str().contains('@')))
                .ok_or_else(|| {
                    ProxyError::BadRequest(
                        "the request has no usable Host: set KEFU_PUBLIC_URL to the proxy's public address"
                            .into(),
                    )
                })?;
            format!("http://{host}")
        }
    };
    let callbacks = facts
        .callbacks
        .iter()
        .map(|(label, token)| CallbackEndpoint {
            label: label.clone(),
            team_url: format!("{public_url}/callbacks/{token}"),
            inbound_url: format!("{public_url}/callbacks/{token}/inbound"),
        })
        .collect();
    Ok(Json(Deployment {
        public_url,
        callbacks,
        results: facts.results,
        outbound: facts.outbound,
        callcenter: facts.callcenter,
        sandbox: facts.sandbox,
        recording_link_secs: facts.recording_link_secs,
    }))
}

/// Where simulated inbound calls go.
struct Sandbox {
    url: String,
    client: UpstreamClient,
}

/// `POST /kefu/v1/sandbox/inbound`: checked, re-encoded, and sent to the sandbox only.
async fn simulate_inbound(State(sandbox): State<Arc<Sandbox>>, body: Body) -> Result<Response, ProxyError> {
    let bytes =
        axum::body::to_bytes(body, INBOUND_LIMIT).await.map_err(|_| ProxyError::TooLarge(INBOUND_LIMIT))?;
    let request: SimulatedInboundRequest = serde_json::from_slice(&bytes)
        .map_err(|e| ProxyError::BadRequest(format!("not a simulated inbound call: {e}")))?;
    let caller = request.caller.trim();
    if caller.is_empty() || caller.len() > 32 || !caller.bytes().all(|b| b.is_ascii_digit() || b == b'+') {
        return Err(ProxyError::BadRequest("caller must be a phone number (digits, an optional +)".into()));
    }
    let json = serde_json::to_vec(&SimulatedInboundRequest { caller: caller.to_owned() })
        .map_err(|_| ProxyError::Internal)?;
    let uri: axum::http::Uri =
        format!("{}{SANDBOX_INBOUND_PATH}", sandbox.url).parse().map_err(|_| ProxyError::Internal)?;
    let mut upstream = Request::new(Full::new(Bytes::from(json)));
    *upstream.method_mut() = axum::http::Method::POST;
    *upstream.uri_mut() = uri;
    upstream.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let answer = sandbox.client.send(upstream, 64 * 1024).await.map_err(|failure| match failure {
        Failure::Timeout => ProxyError::UpstreamTimeout,
        Failure::TooLarge => ProxyError::UpstreamGarbage,
        Failure::Unreachable(why) => {
            tracing::warn!(error = %why, "sandbox inbound: the sandbox cannot be reached");
            ProxyError::UpstreamUnavailable
        }
    })?;
    if serde_json::from_slice::<serde::de::IgnoredAny>(&answer.body).is_err() {
        return Err(ProxyError::UpstreamGarbage);
    }
    Ok((answer.status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], answer.body)
        .into_response())
}
