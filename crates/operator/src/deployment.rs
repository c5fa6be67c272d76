//! `GET /kefu/v1/deployment` (operator token): this deployment's public URL, its callback
//! addresses (a task's `team_url` and the §9 inbound address, one pair per callback token: they
//! hold the token, hence operators only) and which route families are on
//! ([`kefu_protocol::results::Deployment`]).
//!
//! The public URL is `KEFU_PUBLIC_URL` when set (behind a reverse proxy or TLS terminator, set
//! it: e.g. `https://kefu.example.com`); otherwise `http://` and the request's `Host`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::routing::get;
use axum::{Json, Router};
use kefu_protocol::results::{CallbackEndpoint, DEPLOYMENT_PATH, Deployment};

use crate::{Error, Settings};

/// What the route answers, fixed at start but for the public URL.
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

/// The route, answering a JSON 404 for any other path or method.
pub(crate) fn router(settings: &Settings, receiver: Option<&kefu_callbacks::Receiver>) -> Router {
    let facts = Arc::new(Facts {
        public_url: settings.public_url.as_ref().map(|u| u.trim_end_matches('/').to_owned()),
        callbacks: receiver
            .map(|r| {
                r.settings().tokens.iter().map(|t| (t.label().to_owned(), t.secret().to_owned())).collect()
            })
            .unwrap_or_default(),
        results: receiver.is_some(),
        outbound: settings.outbound_url.is_some(),
        callcenter: settings.callcenter_url.is_some(),
        sandbox: settings.sandbox_url.is_some(),
        recording_link_secs: settings.recording_link_ttl.as_secs(),
    });
    let not_found = || async { Error::NotFound };
    Router::new()
        .route(DEPLOYMENT_PATH, get(deployment))
        .with_state(facts)
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
}

/// `GET /kefu/v1/deployment`.
async fn deployment(State(facts): State<Arc<Facts>>, headers: HeaderMap) -> Result<Json<Deployment>, Error> {
    let public_url = match &facts.public_url {
        Some(url) => url.clone(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .filter(|h| h.parse::<axum::http::uri::Authority>().is_ok_and(|a| !a.as_str().contains('@')))
                .ok_or_else(|| {
                    Error::BadRequest(
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
