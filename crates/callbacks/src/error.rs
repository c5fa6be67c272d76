//! The crate's one error type, and how a push or a result route answers it: a JSON body in the
//! platform's envelope style (`{"code": <HTTP status>, "msg": …}`), details of internal failures
//! kept in the log.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the receiver, the store or an import.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A setting that cannot be used (refused at start).
    #[error("configuration: {0}")]
    Config(String),
    /// Not a route, or a wrong token: the same answer as any unknown path.
    #[error("no such endpoint")]
    NotFound,
    /// The thing asked for is not stored (e.g. `no call c1`).
    #[error("{0}")]
    Missing(String),
    /// The peer is not in `KEFU_CALLBACK_ALLOW`.
    #[error("this peer may not push callbacks")]
    Forbidden,
    /// The body is larger than the receiver takes.
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    /// The body is not a push or request this route takes; nothing was written.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The store failed (details in the log); nothing of the push was committed.
    #[error("store: {0}")]
    Store(#[from] sqlx::Error),
    /// A migration could not be applied.
    #[error("store migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A contacts file cannot be read at all (bad rows are reported, not errors).
    #[error("contacts file: {0}")]
    Import(String),
    /// The CSV export could not be encoded.
    #[error("CSV export: {0}")]
    Export(String),
    /// Reading a file failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// The HTTP status the caller gets.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound | Error::Missing(_) => StatusCode::NOT_FOUND,
            Error::Forbidden => StatusCode::FORBIDDEN,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::BadRequest(_) | Error::Import(_) => StatusCode::BAD_REQUEST,
            Error::Config(_) | Error::Store(_) | Error::Migrate(_) | Error::Io(_) | Error::Export(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let msg = if status.is_server_error() {
            tracing::error!(error = %self, "callbacks: internal failure");
            "internal error; the push was not stored".to_owned()
        } else {
            self.to_string()
        };
        (status, Json(json!({ "code": status.as_u16(), "msg": msg }))).into_response()
    }
}
