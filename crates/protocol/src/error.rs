//! The crate's one error type.

use crate::code::Code;

/// The platform said no: its `code` and `msg` / `message`, kept as sent.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("platform error {code}: {message} (HTTP {http_status})")]
pub struct PlatformError {
    /// The platform's code (never a success code, unless the HTTP status was the failure).
    pub code: Code,
    /// The platform's message; empty when it sent `null` or nothing.
    pub message: String,
    /// The HTTP status the answer came with.
    pub http_status: u16,
}

/// Everything that can go wrong when turning bytes into typed platform data, or typed data into
/// a valid request.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The platform answered and said the call failed (`code` not a success code, or HTTP 500).
    #[error(transparent)]
    Platform(#[from] PlatformError),
    /// The answer could not be decoded into the expected type.
    #[error("cannot decode the platform's answer (HTTP {status}): {source}")]
    Decode {
        /// HTTP status of the answer.
        status: u16,
        /// What the JSON decoder said.
        #[source]
        source: serde_json::Error,
    },
    /// A non-success HTTP status whose body is not a platform envelope.
    #[error("HTTP {status} without a platform answer: {snippet}")]
    Http {
        /// HTTP status of the answer.
        status: u16,
        /// The first characters of the body, for the log.
        snippet: String,
    },
    /// The answer reports success but lacks the payload the call documents.
    #[error("the platform reported success but sent no `{0}`")]
    MissingPayload(&'static str),
    /// A session id that is not 32 lowercase hexadecimal characters.
    #[error("invalid sid \"{0}\": expected 32 lowercase hexadecimal characters")]
    InvalidSid(String),
    /// `var_json` must be a flat map of scalars (seed 002 §14).
    #[error("var_json must be a flat map of strings, numbers and booleans: key \"{key}\" holds {found}")]
    NestedVar {
        /// The offending key.
        key: String,
        /// What it holds ("an object", "an array").
        found: &'static str,
    },
    /// `var_json` is not a map at all.
    #[error("var_json must be a JSON object, found {0}")]
    VarNotAMap(&'static str),
    /// A form (multipart) field is missing or malformed.
    #[error("form field `{field}`: {problem}")]
    Form {
        /// The field's name.
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// A recording file name that would leave the recordings folder.
    #[error("recording filename \"{0}\" is not a relative path inside the recordings folder")]
    UnsafeFilename(String),
    /// The operating system's or browser's random source failed.
    #[error("no secure random source: {0}")]
    Random(String),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
