//! The sandbox's one error type, and how each API family answers it.
//!
//! Seed 002 says a call failed when the HTTP status is 500 **or** `code != 0`. The sandbox uses
//! both forms, so clients must handle both: signature failures answer **HTTP 500** with a
//! distinct `code` (the document's own failure example is an HTTP 500), every other seed 002
//! failure (bad request, expired session, wrong `prompt_id`, …) answers **HTTP 200 with
//! `code != 0`**. Seed 000 failures answer HTTP 400 / 404 with `{code, message}`; seed 001
//! failures answer HTTP 200 with the document's codes (`405` bad parameter, `500` system error).
//!
//! That is the [`ErrorStyle::Precise`] style. In [`ErrorStyle::Documented`] every seed 002
//! failure is answered only as the document shows one: HTTP 500, or HTTP 200 with an opaque
//! negative `code`, plus a `msg` that does not say which failure it was (see [`documented`]).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kefu_protocol::chat::SessionFailure;
use kefu_protocol::{CallCenterAnswer, Code, OutboundAnswer, PlatformAnswer};
use kefu_signature::SignatureError;

/// How the sandbox words seed 002 failures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ErrorStyle {
    /// A distinct code per failure (the table in ERRORS.md); the default.
    #[default]
    Precise,
    /// Only what seed 002 documents: HTTP 500, or HTTP 200 with an opaque negative code, and a
    /// generic `msg`. A client must recover from what it knows itself.
    Documented,
}

/// The `msg` of every failure in [`ErrorStyle::Documented`].
pub const DOCUMENTED_MSG: &str = "调用失败";

/// Everything that can go wrong in the sandbox.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The `Authorization` signature is missing or wrong.
    #[error(transparent)]
    Signature(#[from] kefu_signature::SignatureError),
    /// The request body or query is not what the document describes.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// `app_id` is not the tenant of this apikey.
    #[error("app_id {0:?} does not belong to this apikey")]
    WrongTenant(String),
    /// No loaded bot has this id.
    #[error("unknown bot_id {0:?}")]
    UnknownBot(String),
    /// No session has this sid.
    #[error("no session with sid {0:?}")]
    SessionNotFound(String),
    /// The session was idle too long.
    #[error("session expired after {idle_secs} s idle; start a new session")]
    SessionExpired {
        /// How long it had been idle.
        idle_secs: i64,
    },
    /// The session has finished, been transferred or stopped.
    #[error("session is {0}; start a new session")]
    SessionEnded(&'static str),
    /// `start` with a sid that is still in use.
    #[error("sid is already in use by a live session")]
    SidInUse,
    /// `evt.input` while a prompt still awaits `evt.complete`.
    #[error("prompt {0:?} has not been acknowledged with evt.complete")]
    PromptNotAcknowledged(String),
    /// `evt.complete` with the wrong or no `prompt_id`.
    #[error("prompt_id {got:?} is not the prompt awaiting acknowledgement")]
    WrongPromptId {
        /// What the client sent.
        got: String,
    },
    /// No task with this id.
    #[error("unknown task {0:?}")]
    UnknownTask(String),
    /// Something looked up does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// An uploaded number file that cannot be read.
    #[error("number file: {0}")]
    BadFile(String),
    /// An uploaded number file over the limit.
    #[error("number file holds {0} rows; at most 150000 are allowed")]
    TooManyRows(usize),
    /// `POST /sandbox/inbound` without `--inbound-url`.
    #[error("no inbound lookup URL is configured (--inbound-url or KEFU_SANDBOX_INBOUND_URL)")]
    InboundNotConfigured,
    /// The §9 lookup URL failed or answered something else than the document's answer.
    #[error("the inbound lookup URL failed: {0}")]
    InboundFailed(String),
}

/// `Result` with this crate's [`SandboxError`].
pub type Result<T, E = SandboxError> = std::result::Result<T, E>;

impl SandboxError {
    /// The seed 002 `code` for this error.
    pub fn code(&self) -> i64 {
        match self {
            SandboxError::Signature(e) => match e {
                SignatureError::Missing => 40101,
                SignatureError::Malformed(_) => 40102,
                SignatureError::UnknownKey => 40103,
                SignatureError::BadDigest => 40104,
                SignatureError::Stale { .. } => 40105,
            },
            SandboxError::BadRequest(_) => 40001,
            SandboxError::WrongTenant(_) => 40301,
            SandboxError::UnknownBot(_) => 40401,
            SandboxError::SessionNotFound(_) => SessionFailure::NotFound.code(),
            SandboxError::UnknownTask(_) => 40403,
            SandboxError::NotFound(_) => 40404,
            SandboxError::SidInUse => 40901,
            SandboxError::PromptNotAcknowledged(_) => SessionFailure::PromptNotAcknowledged.code(),
            SandboxError::WrongPromptId { .. } => SessionFailure::WrongPromptId.code(),
            SandboxError::SessionExpired { .. } => SessionFailure::Expired.code(),
            SandboxError::SessionEnded(_) => SessionFailure::Ended.code(),
            SandboxError::BadFile(_) => 42201,
            SandboxError::TooManyRows(_) => 42202,
            SandboxError::InboundFailed(_) => 50201,
            SandboxError::InboundNotConfigured => 50301,
        }
    }

    fn is_auth(&self) -> bool {
        matches!(self, SandboxError::Signature(_))
    }

    /// Whether the session itself is gone (unknown, expired or ended): in the documented style
    /// these answer HTTP 500, like the document's failure example.
    fn is_session_gone(&self) -> bool {
        matches!(
            self,
            SandboxError::SessionNotFound(_)
                | SandboxError::SessionExpired { .. }
                | SandboxError::SessionEnded(_)
        )
    }

    fn is_not_found(&self) -> bool {
        matches!(
            self,
            SandboxError::NotFound(_)
                | SandboxError::UnknownTask(_)
                | SandboxError::UnknownBot(_)
                | SandboxError::SessionNotFound(_)
        )
    }
}

/// A seed 002 failure answer.
#[derive(Debug)]
pub struct PlatformFailure(pub SandboxError);

/// A seed 000 failure answer.
#[derive(Debug)]
pub struct OutboundFailure(pub SandboxError);

/// A seed 001 failure answer.
#[derive(Debug)]
pub struct CallCenterFailure(pub SandboxError);

impl From<SandboxError> for PlatformFailure {
    fn from(e: SandboxError) -> Self {
        PlatformFailure(e)
    }
}

impl From<SandboxError> for OutboundFailure {
    fn from(e: SandboxError) -> Self {
        OutboundFailure(e)
    }
}

impl From<SandboxError> for CallCenterFailure {
    fn from(e: SandboxError) -> Self {
        CallCenterFailure(e)
    }
}

/// What a seed 002 failure answer was, kept in the response's extensions so that
/// [`documented`] can reword it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FailureKind {
    /// Whether it answers HTTP 500 in the documented style.
    http_500: bool,
    /// The precise code, for the log.
    code: i64,
}

impl IntoResponse for PlatformFailure {
    fn into_response(self) -> Response {
        let status = if self.0.is_auth() { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK };
        let body = PlatformAnswer::<()>::failure(Code::Int(self.0.code()), self.0.to_string());
        let mut response = (status, Json(body)).into_response();
        response.extensions_mut().insert(FailureKind {
            http_500: self.0.is_auth() || self.0.is_session_gone(),
            code: self.0.code(),
        });
        response
    }
}

/// Rewords a seed 002 failure answer as the document shows failures, when `style` is
/// [`ErrorStyle::Documented`]: HTTP 500 for signature failures and sessions that are gone, HTTP
/// 200 for every other failure, each with a fresh negative code from `opaque` (in
/// -999999..=-100000, so it cannot be told apart by value) and [`DOCUMENTED_MSG`]. Other answers
/// pass unchanged.
pub(crate) fn documented(style: ErrorStyle, response: Response, opaque: u64) -> Response {
    let Some(kind) = response.extensions().get::<FailureKind>().copied() else { return response };
    if style == ErrorStyle::Precise {
        return response;
    }
    let status = if kind.http_500 { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK };
    let code = -100_000 - i64::try_from(opaque % 900_000).unwrap_or(0);
    tracing::info!(precise = kind.code, opaque = code, "failure answered in the documented style");
    let body = PlatformAnswer::<()>::failure(Code::Int(code), DOCUMENTED_MSG.to_owned());
    (status, Json(body)).into_response()
}

impl IntoResponse for OutboundFailure {
    fn into_response(self) -> Response {
        let status = if self.0.is_not_found() { StatusCode::NOT_FOUND } else { StatusCode::BAD_REQUEST };
        let body = OutboundAnswer::<()>::failure(Code::Int(i64::from(status.as_u16())), self.0.to_string());
        (status, Json(body)).into_response()
    }
}

impl IntoResponse for CallCenterFailure {
    fn into_response(self) -> Response {
        // Seed 001's code table: 405 for bad parameters, 500 for everything else.
        let code = match self.0 {
            SandboxError::BadRequest(_) | SandboxError::NotFound(_) | SandboxError::UnknownTask(_) => 405,
            _ => 500,
        };
        let body = CallCenterAnswer::<()>::failure(Code::Int(code), self.0.to_string());
        (StatusCode::OK, Json(body)).into_response()
    }
}

/// Decodes a JSON body into `T`, or a [`SandboxError::BadRequest`] that says why.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, SandboxError> {
    serde_json::from_slice(body).map_err(|e| SandboxError::BadRequest(e.to_string()))
}
