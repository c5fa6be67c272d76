//! The crate's one error type: what the console is told (JSON `{"code": <HTTP status>, "msg":
//! "…"}`, the proxy's envelope style, with a status it can act on) and a setting that cannot be
//! used.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The crate's results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a console route answered as it did, or why its settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A setting that cannot be used (at start).
    #[error("{0}")]
    Settings(String),
    /// Not an allowed method and path.
    #[error("no such endpoint")]
    NotFound,
    /// The body is larger than the route allows.
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    /// The body is not what the route takes.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Something inside failed (details in the log).
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
    /// A recording link that is not valid (altered, expired, or for something it cannot reach);
    /// the text says what to do.
    #[error("{0}")]
    LinkRefused(String),
    /// What was asked for does not exist (a call not stored, a recording its host does not
    /// have); the text says which.
    #[error("{0}")]
    Missing(String),
    /// A recording's host failed or refused it; the text says what happened and what to do.
    #[error("{0}")]
    RecordingHost(String),
}

impl Error {
    /// The HTTP status the console gets.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::Settings(_) | Error::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Error::NotFound | Error::Missing(_) => StatusCode::NOT_FOUND,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
            Error::UpstreamUnavailable | Error::UpstreamGarbage | Error::RecordingHost(_) => {
                StatusCode::BAD_GATEWAY
            }
            Error::LinkRefused(_) => StatusCode::FORBIDDEN,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        (status, Json(json!({ "code": status.as_u16(), "msg": self.to_string() }))).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_answers_its_status_in_the_envelope() {
        let response = Error::LinkRefused("ask again".into()).into_response();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(Error::Missing("x".into()).status(), StatusCode::NOT_FOUND);
        assert_eq!(Error::TooLarge(7).to_string(), "the request body is larger than 7 bytes");
    }
}
