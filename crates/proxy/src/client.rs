//! The upstream HTTP client for answers streamed rather than read whole (the console's
//! recordings): hyper-util's pooled HTTP/1.1 client, over rustls (ring; Mozilla's roots and the
//! authorities of [`crate::trust`]) for `https://` upstreams. The policy routes' answers, read
//! whole, go through [`crate::exchange`]; [`Answer`] and [`Failure`] are shared by both.
//!
//! Not reqwest, which wraps this same client: on every request it re-parses the URL with the
//! `url` crate (IDNA included), clones its connector and boxes its futures, and under load that
//! showed in the profile. The whole exchange (connect, send, read the answer) runs under one
//! timeout.

use std::time::Duration;

use axum::http::{HeaderValue, Request, StatusCode};
use bytes::Bytes;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::error::ConfigError;

/// An upstream answer, read whole.
pub(crate) struct Answer {
    /// Its HTTP status.
    pub(crate) status: StatusCode,
    /// Its `Content-Type`, if any.
    pub(crate) content_type: Option<HeaderValue>,
    /// Its body.
    pub(crate) body: Bytes,
}

/// Why an upstream exchange gave no answer.
#[derive(Debug)]
pub(crate) enum Failure {
    /// No complete answer within the timeout.
    Timeout,
    /// The answer is larger than the limit.
    TooLarge,
    /// No connection, or the connection broke; the text is for the log.
    Unreachable(String),
}

/// A pooled client for the upstreams, cheap to clone (clones share the pool).
#[derive(Clone)]
pub(crate) struct UpstreamClient {
    pooled: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
}

impl UpstreamClient {
    /// A client whose exchanges time out after `timeout` (connecting after at most 5 s), and
    /// whose TLS trusts the webpki roots and the `extra` authorities ([`crate::trust`]).
    pub(crate) fn new(
        timeout: Duration,
        extra: &[rustls::pki_types::CertificateDer<'static>],
    ) -> Result<UpstreamClient, ConfigError> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(timeout.min(Duration::from_secs(5))));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(crate::trust::client_config(crate::trust::roots(extra)?)?)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(UpstreamClient { pooled: Client::builder(TokioExecutor::new()).build(https), timeout })
    }

    /// Sends `request` and answers once the answer's head is in (within the timeout); the body
    /// is left to stream (recordings: never read whole).
    pub(crate) async fn open(
        &self,
        request: Request<Full<Bytes>>,
    ) -> Result<axum::http::Response<hyper::body::Incoming>, Failure> {
        let exchange =
            async { self.pooled.request(request).await.map_err(|e| Failure::Unreachable(chain(&e))) };
        tokio::time::timeout(self.timeout, exchange).await.unwrap_or(Err(Failure::Timeout))
    }

    /// How long an exchange may take.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }
}

/// An error and its sources on one line: hyper's own message alone ("client error (Connect)")
/// does not say what went wrong.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
