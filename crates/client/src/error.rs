//! The crate's one error type ([`ClientError`]), how a transport reports a failed delivery
//! ([`Failure`], one of its variants), and the one retry rule ([`is_transient`]).

use std::sync::Arc;

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
            kefu_protocol::Error::Platform(p) => Failure::from_status(http_status, Some(p), String::new()),
            e => Failure::from_status(http_status, None, e.to_string()),
        }
    }

    /// Classifies a failed answer with `http_status`, as [`Failure::from_answer`] says: `refusal`
    /// is the platform's (or the proxy's, in the same envelope) when the body was one, else `why`
    /// says what the body is instead.
    pub fn from_status(http_status: u16, refusal: Option<PlatformError>, why: String) -> Failure {
        let not_delivered = matches!(http_status, 400..=499 | 503);
        let why = match refusal {
            Some(e) if !(not_delivered || matches!(http_status, 502 | 504)) => return Failure::Platform(e),
            Some(e) => e.to_string(),
            None => why,
        };
        if not_delivered { Failure::NotDelivered(why) } else { Failure::Uncertain(why) }
    }
}

/// Whether a request may go through if sent again, from what its last attempt got: the one
/// retry rule. No answer at all is transient (a timeout or network error: uncertain; a request
/// the browser would not build: not delivered); an answer is when its HTTP status says "later"
/// (429, 502, 503, 504). Other answers, refusals included, are final. (A 4xx other than 429 is
/// [`Failure::NotDelivered`] too, but sending it again would be refused again.)
pub fn is_transient(attempt: Result<u16, &Failure>) -> bool {
    match attempt {
        Ok(status) => matches!(status, 429 | 502 | 503 | 504),
        Err(Failure::Uncertain(_) | Failure::NotDelivered(_)) => true,
        Err(Failure::Platform(_)) => false,
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
    /// A request could not be built from what was given (bad variables, an unsafe recording
    /// file name, a body the JSON encoder refused): that error, kept as the source.
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    /// No random source gave a session id.
    #[error("no random source for a session id")]
    NoSessionId,
    /// There is no chat session to act on: it could not start.
    #[error("the chat could not start")]
    NotStarted,
}

/// What kind of failure a [`ClientError`] is, for a program to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// No answer: a network error, or one the platform may or may not have acted on.
    Network,
    /// No answer within the request timeout.
    Timeout,
    /// kefu-proxy refused the request before the platform saw it (4xx, 503).
    Refused,
    /// The platform refused, with its `code`.
    Platform,
    /// What was given cannot be sent (an empty or too long message, bad variables, a bad path,
    /// a call that makes no sense now).
    InvalidInput,
    /// The session is over or out of step with the platform: `restart()` continues.
    Expired,
}

impl ErrorKind {
    /// Its name in the JavaScript API (`KefuError.kind`).
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Refused => "refused",
            ErrorKind::Platform => "platform",
            ErrorKind::InvalidInput => "invalidInput",
            ErrorKind::Expired => "expired",
        }
    }
}

/// How the transport's timeout failure begins ([`ErrorKind::Timeout`] is told by it).
pub(crate) const NO_ANSWER_WITHIN: &str = "no answer within";

/// Phases (as [`ClientError::WrongPhase`] names them) in which the session is over.
const OVER: [&str; 4] = ["finished", "transferred", "stopped", "expired"];

impl ClientError {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ClientError::Delivery(Failure::Platform(_)) | ClientError::UnexpectedCommand(_) => {
                ErrorKind::Platform
            }
            ClientError::Delivery(Failure::NotDelivered(_)) => ErrorKind::Refused,
            ClientError::Delivery(Failure::Uncertain(why)) if why.starts_with(NO_ANSWER_WITHIN) => {
                ErrorKind::Timeout
            }
            ClientError::Delivery(Failure::Uncertain(_)) | ClientError::NoSessionId => ErrorKind::Network,
            ClientError::WrongPhase { phase, .. } if OVER.contains(phase) => ErrorKind::Expired,
            ClientError::OutOfStep(_) | ClientError::NotStarted => ErrorKind::Expired,
            ClientError::WrongPhase { .. }
            | ClientError::InvalidMessage(_)
            | ClientError::UnknownPrompt(_)
            | ClientError::NotResendable(_)
            | ClientError::InvalidPath { .. }
            | ClientError::Protocol(_) => ErrorKind::InvalidInput,
        }
    }

    /// The platform's `code`, when the platform refused.
    pub fn platform_code(&self) -> Option<&kefu_protocol::Code> {
        match self {
            ClientError::Delivery(Failure::Platform(e)) => Some(&e.code),
            _ => None,
        }
    }
}

/// `Result` with this crate's [`ClientError`].
pub type Result<T, E = ClientError> = std::result::Result<T, E>;

/// Why a request could not be built: a [`kefu_protocol::Error`] (bad variables, an unsafe
/// recording file name) or the JSON encoder's error, kept whole as the source. Shared, so
/// [`ClientError`] stays `Clone`, and behind `dyn Error`, so code that never makes one carries
/// none of its code. Two are equal when their texts are.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct ProtocolError(#[source] Arc<dyn std::error::Error + Send + Sync>);

impl ProtocolError {
    /// Wraps the error that stopped a request from being built.
    pub fn new(e: impl std::error::Error + Send + Sync + 'static) -> ProtocolError {
        ProtocolError(Arc::new(e))
    }

    /// The protocol's error, when it is one.
    pub fn get(&self) -> Option<&kefu_protocol::Error> {
        self.0.downcast_ref()
    }
}

impl PartialEq for ProtocolError {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}

impl From<kefu_protocol::Error> for ProtocolError {
    fn from(e: kefu_protocol::Error) -> Self {
        ProtocolError::new(e)
    }
}

impl From<kefu_protocol::Error> for ClientError {
    fn from(e: kefu_protocol::Error) -> Self {
        match e {
            kefu_protocol::Error::Platform(p) => ClientError::Delivery(Failure::Platform(p)),
            other => ClientError::Protocol(other.into()),
        }
    }
}
