//! The HTTP client the console's routes fetch upstreams with (recordings, the sandbox), given by
//! the mounting server: kefu-proxy passes its pooled upstream client, so these fetches share its
//! TLS roots, connection pool and timeout.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};

/// What [`Fetch::open`] gives back.
pub type Opening = Pin<Box<dyn Future<Output = Result<Response<Body>, Failure>> + Send>>;

/// Why an upstream exchange gave no answer.
#[derive(Debug)]
pub enum Failure {
    /// No complete answer within the timeout.
    Timeout,
    /// The answer is larger than the limit.
    TooLarge,
    /// No connection, or the connection broke; the text is for the log.
    Unreachable(String),
}

/// An HTTP client for upstream fetches.
pub trait Fetch: Send + Sync + 'static {
    /// Sends `request` (an absolute URI) and answers once the answer's head is in, within
    /// [`Fetch::timeout`]; the body is left to stream. Redirects are not followed.
    fn open(&self, request: Request<Full<Bytes>>) -> Opening;

    /// How long an exchange may take (also the longest pause while a body streams).
    fn timeout(&self) -> Duration;
}

/// An upstream answer, read whole.
#[derive(Debug)]
pub struct Answer {
    /// Its HTTP status.
    pub status: StatusCode,
    /// Its `Content-Type`, if any.
    pub content_type: Option<HeaderValue>,
    /// Its body.
    pub body: Bytes,
}

/// Sends `request` and reads the answer, at most `limit` bytes of it, all within the timeout.
pub async fn send(fetch: &dyn Fetch, request: Request<Full<Bytes>>, limit: usize) -> Result<Answer, Failure> {
    let exchange = async {
        let (parts, body) = fetch.open(request).await?.into_parts();
        let body = Limited::new(body, limit).collect().await.map_err(|e| {
            if e.is::<LengthLimitError>() { Failure::TooLarge } else { Failure::Unreachable(e.to_string()) }
        })?;
        Ok(Answer {
            status: parts.status,
            content_type: parts.headers.get(header::CONTENT_TYPE).cloned(),
            body: body.to_bytes(),
        })
    };
    tokio::time::timeout(fetch.timeout(), exchange).await.unwrap_or(Err(Failure::Timeout))
}
