//! [`KefuClient`]: the entry point, reached through handles per API family.

use crate::ClientError;
use crate::error::Failure;
use crate::paths::CallCenterPaths;
use crate::recovery::RecoveryPolicy;
use crate::transport::{Body, Http};

/// A client of the platform, through kefu-proxy at `endpoint`.
#[derive(Debug, Clone)]
pub struct KefuClient {
    pub(crate) http: Http,
    pub(crate) recovery: RecoveryPolicy,
    pub(crate) callcenter_paths: CallCenterPaths,
}

/// An answer type this build decodes: with `value-decode`, one with a hand-written decoder
/// ([`kefu_protocol::decode_json`]), else any ([`kefu_protocol::decode`]).
#[cfg(feature = "value-decode")]
pub(crate) trait Decodable: kefu_protocol::JsonAnswer {}
#[cfg(feature = "value-decode")]
impl<A: kefu_protocol::JsonAnswer> Decodable for A {}
/// An answer type this build decodes (every one: [`kefu_protocol::decode`]).
#[cfg(not(feature = "value-decode"))]
pub(crate) trait Decodable: kefu_protocol::Answer {}
#[cfg(not(feature = "value-decode"))]
impl<A: kefu_protocol::Answer> Decodable for A {}

/// A request body this build encodes: with `value-decode`, one with a hand-written encoder
/// ([`kefu_protocol::json_text`]), else any serde one.
#[cfg(feature = "value-decode")]
pub(crate) trait Encodable: kefu_protocol::ToJson {}
#[cfg(feature = "value-decode")]
impl<T: kefu_protocol::ToJson> Encodable for T {}
/// A request body this build encodes (any serde one).
#[cfg(not(feature = "value-decode"))]
pub(crate) trait Encodable: serde::Serialize {}
#[cfg(not(feature = "value-decode"))]
impl<T: serde::Serialize> Encodable for T {}

/// Default per-request timeout.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;

impl KefuClient {
    /// A client of the proxy at `endpoint` (its base URL). The operator token, when given, is
    /// sent as `Authorization: Bearer` and opens the operator routes.
    pub fn new(endpoint: &str, operator_token: Option<String>, timeout_ms: Option<u32>) -> KefuClient {
        KefuClient {
            http: Http::new(endpoint, operator_token, timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS)),
            recovery: RecoveryPolicy::default(),
            callcenter_paths: CallCenterPaths::default(),
        }
    }

    /// Sends seed 001 calls to `paths` instead of the document's (see [`CallCenterPaths`]);
    /// refused when a path is not a plain absolute path.
    pub fn with_callcenter_paths(mut self, paths: CallCenterPaths) -> Result<KefuClient, ClientError> {
        crate::paths::validate(&paths)?;
        self.callcenter_paths = paths;
        Ok(self)
    }

    /// Chats started from now on recover by `policy` (see [`crate::recovery`]).
    pub fn with_recovery(mut self, policy: RecoveryPolicy) -> KefuClient {
        self.recovery = policy;
        self
    }

    /// Sends a request and decodes its answer as `A`.
    pub(crate) async fn call<A: Decodable>(
        &self,
        method: &str,
        path_and_query: &str,
        body: Body,
        retry_safe: bool,
    ) -> Result<A::Output, ClientError> {
        let (status, bytes) = self.http.send(method, path_and_query, &body, retry_safe).await?;
        #[cfg(feature = "value-decode")]
        let decoded = kefu_protocol::decode_json::<A>(status, &bytes);
        #[cfg(not(feature = "value-decode"))]
        let decoded = kefu_protocol::decode::<A>(status, &bytes);
        decoded.map_err(|e| ClientError::Delivery(Failure::from_answer(status, e)))
    }

    /// POSTs `request` as JSON.
    pub(crate) async fn post<A: Decodable>(
        &self,
        path: &str,
        request: &impl Encodable,
        retry_safe: bool,
    ) -> Result<A::Output, ClientError> {
        #[cfg(feature = "value-decode")]
        let json = kefu_protocol::json_text(request);
        #[cfg(not(feature = "value-decode"))]
        let json = serde_json::to_string(request)
            .map_err(|e| ClientError::Protocol(crate::ProtocolError::new(e)))?;
        self.call::<A>("POST", path, Body::Json(json), retry_safe).await
    }

    /// POSTs `request` as JSON with the snake_case keys of its document (seed 002), whatever
    /// names its fields take in this build ([`kefu_protocol::snake_case_json`]; with
    /// `value-decode`, the hand-written encoders write the document's names).
    pub(crate) async fn post_snake_case<A: Decodable>(
        &self,
        path: &str,
        request: &impl Encodable,
        retry_safe: bool,
    ) -> Result<A::Output, ClientError> {
        self.call::<A>("POST", path, Body::Json(snake_case_body(request)?), retry_safe).await
    }
}

/// The JSON text of a request body with its document's snake_case keys.
pub(crate) fn snake_case_body(request: &impl Encodable) -> Result<String, ClientError> {
    #[cfg(feature = "value-decode")]
    return Ok(kefu_protocol::json_text(request));
    #[cfg(not(feature = "value-decode"))]
    kefu_protocol::snake_case_json(request).map_err(|e| ClientError::Protocol(crate::ProtocolError::new(e)))
}

/// `path?k=v&…` with the values percent-encoded.
pub(crate) fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = path.to_owned();
    for (i, (k, v)) in pairs.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(k);
        out.push('=');
        out.push_str(&String::from(js_sys::encode_uri_component(v)));
    }
    out
}
