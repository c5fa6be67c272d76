//! The console's one error type, and how a failure is told to the operator: what happened and
//! what to do next.

use kefu_client::{ClientError, Failure};

use crate::i18n::{self, Lang};

/// Everything the console itself reports as an error (besides the client's).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConsoleError {
    /// A request failed.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The proxy refused the operator token (HTTP 401).
    #[error("the operator token was refused")]
    Unauthorized,
    /// The browser refused something (storage, a DOM call); the text says what.
    #[error("the browser refused: {0}")]
    Browser(String),
    /// Input the operator gave that cannot be used; the text says why.
    #[error("{0}")]
    Input(String),
}

impl ConsoleError {
    /// Whether this is the proxy refusing the operator token: the console signs out.
    pub fn is_unauthorized(&self) -> bool {
        match self {
            ConsoleError::Unauthorized => true,
            ConsoleError::Client(e) => is_unauthorized(e),
            _ => false,
        }
    }
}

/// Whether the client's error is kefu-proxy's 401 (a wrong or revoked operator token). The
/// proxy answers it in the platform's envelope, so it arrives as a refusal carrying HTTP 401.
pub(crate) fn is_unauthorized(error: &ClientError) -> bool {
    match error {
        ClientError::Delivery(Failure::NotDelivered(text)) => text.contains("(HTTP 401)"),
        ClientError::Delivery(Failure::Platform(p)) => p.http_status == 401,
        _ => false,
    }
}

/// A failure as the operator reads it: what happened, and what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What happened (the cause, in the words the platform or the browser used).
    pub what: String,
    /// What the operator can do about it.
    pub next: String,
}

impl Problem {
    /// Tells `error` in `lang`.
    pub fn new(lang: Lang, error: &ConsoleError) -> Problem {
        let words = i18n::Words::of(lang);
        let next = match error {
            ConsoleError::Unauthorized => words.token_revoked,
            ConsoleError::Client(ClientError::Delivery(Failure::NotDelivered(_))) => words.next_not_delivered,
            ConsoleError::Client(ClientError::Delivery(Failure::Uncertain(_))) => words.next_uncertain,
            ConsoleError::Client(ClientError::Delivery(Failure::Platform(_))) => words.next_platform,
            ConsoleError::Input(_) => words.next_platform,
            _ => words.next_other,
        };
        Problem { what: error.to_string(), next: next.to_owned() }
    }
}

#[cfg(test)]
mod tests {
    use kefu_protocol::PlatformError;

    use super::*;

    fn refused(status: u16) -> ClientError {
        let p = PlatformError {
            code: kefu_protocol::Code::Int(i64::from(status)),
            message: "no".into(),
            http_status: status,
        };
        ClientError::Delivery(Failure::from_status(status, Some(p), String::new()))
    }

    #[test]
    fn a_401_from_the_proxy_is_a_refused_token_and_nothing_else_is() {
        assert!(is_unauthorized(&refused(401)));
        assert!(ConsoleError::from(refused(401)).is_unauthorized());
        for status in [400, 403, 404, 500, 502] {
            assert!(!is_unauthorized(&refused(status)), "{status}");
        }
        assert!(!is_unauthorized(&ClientError::InvalidMessage("(HTTP 401)".into())));
    }

    #[test]
    fn every_problem_says_what_to_do_next() {
        let p = Problem::new(Lang::En, &refused(502).into());
        assert!(p.what.contains("502"), "{p:?}");
        assert_eq!(p.next, crate::i18n::EN.next_uncertain);
        let p = Problem::new(Lang::ZhCn, &refused(404).into());
        assert_eq!(p.next, crate::i18n::ZH_CN.next_not_delivered);
        let p = Problem::new(Lang::En, &refused(500).into());
        assert_eq!(p.next, crate::i18n::EN.next_platform);
        let p = Problem::new(Lang::En, &ConsoleError::Unauthorized);
        assert_eq!(p.next, crate::i18n::EN.token_revoked);
    }
}
