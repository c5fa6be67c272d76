//! The proxy's one error type: what the browser is told (a JSON answer in the platform's
//! envelope style, with a status it can act on) and what stays in the log.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::routes::Upstream;

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

/// Why the proxy answered instead of the platform.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// Not an allowed method and path.
    #[error("no such endpoint")]
    NotFound,
    /// An operator route without a valid bearer token.
    #[error("this endpoint needs an operator token (Authorization: Bearer …)")]
    Unauthorized,
    /// The body is larger than the route allows.
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    /// The body is not what the route takes.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The client sends too many requests; it may try again after this many seconds.
    #[error("too many requests; try again in {0} s")]
    RateLimited(u64),
    /// Too many requests in flight.
    #[error("the proxy is busy; try again shortly")]
    Overloaded,
    /// The route's upstream is not configured: the route is off until this setting is given.
    #[error("this route is off: its upstream is not configured (set {0})")]
    UpstreamNotConfigured(&'static str),
    /// The client took longer than the body read timeout to send the request body.
    #[error("the request body did not arrive in time")]
    BodyTimeout,
    /// Something inside the proxy failed (details in the log).
    #[error("internal proxy error")]
    Internal,
    /// The upstream did not answer in time.
    #[error("the platform did not answer in time")]
    UpstreamTimeout,
    /// The upstream cannot be reached.
    #[error("the platform cannot be reached")]
    UpstreamUnavailable,
    /// The upstream answered something that is not a platform answer.
    #[error("the platform sent an answer the proxy cannot read")]
    UpstreamGarbage,
}

impl ProxyError {
    /// The HTTP status the browser gets.
    pub fn status(&self) -> StatusCode {
        match self {
            ProxyError::NotFound => StatusCode::NOT_FOUND,
            ProxyError::Unauthorized => StatusCode::UNAUTHORIZED,
            ProxyError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ProxyError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ProxyError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ProxyError::Overloaded | ProxyError::UpstreamNotConfigured(_) => StatusCode::SERVICE_UNAVAILABLE,
            ProxyError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            ProxyError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ProxyError::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
            ProxyError::UpstreamUnavailable | ProxyError::UpstreamGarbage => StatusCode::BAD_GATEWAY,
        }
    }

    /// The answer, in the envelope style of the route's family (`msg`, or `message` for seed
    /// 000), with the HTTP status as `code`.
    pub fn to_response(&self, family: Option<Upstream>) -> Response {
        let status = self.status();
        let key = if family == Some(Upstream::Outbound) { "message" } else { "msg" };
        let body = json!({ "code": status.as_u16(), key: self.to_string() });
        let mut response = (status, Json(body)).into_response();
        match self {
            ProxyError::RateLimited(seconds) => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
            }
            // The rest of the body may still be on its way: this connection is done.
            ProxyError::BodyTimeout => {
                response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            _ => {}
        }
        response
    }
}

impl IntoResponse for ProxyError {
    fn into_response(self) -> Response {
        self.to_response(None)
    }
}
