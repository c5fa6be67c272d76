//! Pushes to the customer's server (seed 002 §7–8), as the platform makes them: a POST of JSON;
//! success is HTTP 200 with `{"code":0,…}`; anything else (another status, a body that is not
//! JSON, `code != 0`, a refused connection, a timeout) is a failure, retried 3 times after 5, 10
//! and 15 s (scaled by `--retry-scale`), then dropped. Every attempt is logged. Deliveries run
//! in background tasks and never hold up the API.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::CONTENT_TYPE;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// The document's retry delays, in seconds, after the first attempt fails.
pub(crate) const RETRY_DELAYS_SECS: [u64; 3] = [5, 10, 15];

/// At most this many attempts are in flight at once (a batch of 150,000 numbers called with no
/// interval must not open 150,000 connections to the receiver).
const MAX_IN_FLIGHT: usize = 64;

/// The most of a receiver's answer that is read.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// An HTTP client for pushes and lookups.
#[derive(Clone)]
pub(crate) struct Pusher {
    client: Client<HttpConnector, Full<Bytes>>,
    timeout: Duration,
    retry_scale: f64,
    in_flight: Arc<tokio::sync::Semaphore>,
}

/// What one push is, for the log.
#[derive(Debug, Clone)]
pub(crate) struct PushLabel {
    /// The task.
    pub(crate) task_id: String,
    /// The batch.
    pub(crate) call_sn: String,
    /// `call_record` (§7) or `intent` (§8).
    pub(crate) kind: &'static str,
    /// The call id for §7, the first number of the group for §8.
    pub(crate) key: String,
}

impl Pusher {
    /// A client with this per-attempt timeout and retry-delay scale.
    pub(crate) fn new(timeout: Duration, retry_scale: f64) -> Pusher {
        let client = Client::builder(TokioExecutor::new()).build_http();
        let retry_scale = if retry_scale.is_finite() && retry_scale >= 0.0 { retry_scale } else { 1.0 };
        Pusher {
            client,
            timeout,
            retry_scale,
            in_flight: Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT)),
        }
    }

    /// POSTs `body` as JSON once; the answer's bytes on HTTP 200, else why not.
    pub(crate) async fn post_json(&self, url: &str, body: Vec<u8>) -> Result<Vec<u8>, String> {
        let uri: hyper::Uri = url.parse().map_err(|e| format!("bad URL {url:?}: {e}"))?;
        if uri.scheme_str() != Some("http") {
            return Err(format!("{url:?}: the sandbox pushes over plain http:// only"));
        }
        let request = hyper::Request::post(uri)
            .header(CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("request: {e}"))?;
        let exchange = async {
            let response = self.client.request(request).await.map_err(|e| format!("connection: {e}"))?;
            let status = response.status();
            let bytes = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
                .collect()
                .await
                .map_err(|e| format!("reading the answer: {e}"))?
                .to_bytes();
            if status != hyper::StatusCode::OK {
                return Err(format!("HTTP {}", status.as_u16()));
            }
            Ok(bytes.to_vec())
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| format!("no answer within {} ms", self.timeout.as_millis()))?
    }

    /// One push attempt: accepted only on HTTP 200 with a JSON `code` of 0.
    async fn attempt(&self, url: &str, body: &[u8]) -> Result<(), String> {
        let _permit = self.in_flight.acquire().await.map_err(|_| "the sandbox is stopping".to_owned())?;
        let answer = self.post_json(url, body.to_vec()).await?;
        let value: serde_json::Value =
            serde_json::from_slice(&answer).map_err(|_| "the answer is not JSON".to_owned())?;
        let code = value.get("code").and_then(|c| c.as_i64().or_else(|| c.as_str()?.trim().parse().ok()));
        match code {
            Some(0) => Ok(()),
            Some(other) => Err(format!("code {other}")),
            None => Err("the answer has no integer code".into()),
        }
    }

    /// Delivers `body` to `url` in the background: the first attempt at once, then the retries.
    pub(crate) fn push(self: &Arc<Self>, url: String, body: Vec<u8>, label: PushLabel) {
        let pusher = Arc::clone(self);
        tokio::spawn(async move { pusher.deliver(&url, &body, &label).await });
    }

    /// Delivers `body`, retrying; whether it was accepted.
    pub(crate) async fn deliver(&self, url: &str, body: &[u8], label: &PushLabel) -> bool {
        let attempts = RETRY_DELAYS_SECS.len() + 1;
        for attempt in 1..=attempts {
            if attempt > 1 {
                let delay = RETRY_DELAYS_SECS[attempt - 2] as f64 * self.retry_scale;
                tokio::time::sleep(Duration::from_secs_f64(delay)).await;
            }
            let PushLabel { task_id, call_sn, kind, key } = label;
            match self.attempt(url, body).await {
                Ok(()) => {
                    tracing::info!(%task_id, %call_sn, kind, key, attempt, outcome = "accepted", "push");
                    return true;
                }
                Err(why) => {
                    tracing::warn!(%task_id, %call_sn, kind, key, attempt, outcome = %why, "push failed");
                }
            }
        }
        let PushLabel { task_id, call_sn, kind, key } = label;
        tracing::warn!(%task_id, %call_sn, kind, key, attempts, "push dropped after the last retry");
        false
    }
}
