//! The crate's one error type, and how a transport reports a failed delivery.

use kefu_protocol::PlatformError;

/// Why a request did not produce an answer, as the transport saw it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Failure {
    /// The platform answered and refused (`code != 0` or HTTP 500).
    #[error(transparent)]
    Platform(#[from] PlatformError),
    /// The request was refused before the platform processed it (the proxy said 4xx / 503, or
    /// the answer could not be read as a platform answer). Sending it again is not a duplicate.
    #[error("not delivered: {0}")]
    NotDelivered(String),
    /// No answer (timeout, network error): the platform may or may not have processed it.
    #[error("delivery uncertain: {0}")]
    Uncertain(String),
}

impl Failure {
    /// Classifies a failed answer. kefu-proxy answers its own failures with the HTTP status as
    /// `code`: 502 / 504 mean the platform may have processed the request (uncertain); 4xx and
    /// 503 mean it never reached the platform. HTTP 500 and 2xx bodies with `code != 0` are the
    /// platform's own refusals. An unreadable 2xx answer is uncertain.
    pub fn from_answer(http_status: u16, error: kefu_protocol::Error) -> Failure {
        match error {
            kefu_protocol::Error::Platform(p) => Failure::refused(p),
            e => Failure::unreadable(http_status, e.to_string()),
        }
    }

    /// The platform's (or the proxy's, in the same envelope) refusal, classified as
    /// [`Failure::from_answer`] says.
    pub fn refused(error: PlatformError) -> Failure {
        match error.http_status {
            502 | 504 => Failure::Uncertain(error.to_string()),
            400..=499 | 503 => Failure::NotDelivered(error.to_string()),
            _ => Failure::Platform(error),
        }
    }

    /// An answer that is not a platform answer (`why` says what it is instead), classified as
    /// [`Failure::from_answer`] says.
    pub fn unreadable(http_status: u16, why: String) -> Failure {
        match http_status {
            400..=499 | 503 => Failure::NotDelivered(why),
            _ => Failure::Uncertain(why),
        }
    }
}

/// Everything the client reports as an error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    /// A request failed.
    #[error(transparent)]
    Delivery(#[from] Failure),
    /// The call makes no sense in the conversation's current phase.
    #[error("cannot {action} while the conversation is {phase}")]
    WrongPhase {
        /// What was attempted.
        action: &'static str,
        /// The phase it was attempted in.
        phase: &'static str,
    },
    /// A message the platform would refuse (empty, or too long).
    #[error("{0}")]
    InvalidMessage(String),
    /// `acknowledge` with a prompt id that is not the one shown.
    #[error("prompt \"{0}\" is not awaiting acknowledgement")]
    UnknownPrompt(String),
    /// No such message, or it cannot be resent.
    #[error("message {0} cannot be resent")]
    NotResendable(u64),
    /// The platform's view of the conversation no longer matches ours; start again.
    #[error("the conversation is out of step with the platform: {0}")]
    OutOfStep(String),
    /// The platform answered with a command the documents do not define.
    #[error("unexpected command \"{0}\" from the platform")]
    UnexpectedCommand(String),
    /// A configured endpoint path is not a plain absolute path.
    #[error("the {name} path \"{path}\" must start with / and hold no query, fragment, .. or spaces")]
    InvalidPath {
        /// Which path.
        name: &'static str,
        /// What was given.
        path: String,
    },
    /// A request could not be built (bad variables, no random source).
    #[error(transparent)]
    Protocol(#[from] ProtocolErrorText),
}

/// A protocol error, kept as text so [`ClientError`] stays `Clone` and `PartialEq`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ProtocolErrorText(pub String);

impl From<kefu_protocol::Error> for ClientError {
    fn from(e: kefu_protocol::Error) -> Self {
        match e {
            kefu_protocol::Error::Platform(p) => ClientError::Delivery(Failure::Platform(p)),
            other => ClientError::Protocol(ProtocolErrorText(other.to_string())),
        }
    }
}
