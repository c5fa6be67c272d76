//! The proxy's whole HTTP surface as one tower service: `/healthz`, `/metrics`, and every other
//! request to the route policy ([`crate::forward`]), all under CORS.
//!
//! [`crate::app`] mounts it in an axum `Router`; the binary calls it straight from hyper's
//! connection loop. Routing by `Router` costs every request a boxed clone of the route's service
//! (and of the CORS configuration) and a stack of wrapped futures: calling this service directly
//! took the proxy's user CPU from 18.4 to 16.1 µs a request (medians of paired wrk runs on this
//! 2-core machine, in `cargo xtask bench proxy`'s setup). CORS itself (tower-http) is ~2 µs of it.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, header};
use axum::response::{IntoResponse, Response};
use tower::{Layer, Service};
use tower_http::cors::{AllowOrigin, Cors, CorsLayer};

use crate::error::ConfigError;
use crate::{Proxy, forward, request_id};

/// The proxy as a service. Always ready: `call` may be used without `poll_ready`.
///
/// Cloning copies the CORS configuration; a server loop clones once per connection, not per
/// request.
#[derive(Clone)]
pub struct ProxyService {
    inner: Cors<Endpoints>,
    proxy: Arc<Proxy>,
}

impl ProxyService {
    pub(crate) fn new(proxy: Arc<Proxy>) -> Result<ProxyService, ConfigError> {
        let cors = cors(&proxy.config.allowed_origins)?;
        Ok(ProxyService { inner: cors.layer(Endpoints { proxy: proxy.clone() }), proxy })
    }

    /// What the handlers share (configuration, metrics, connection counts).
    pub(crate) fn shared(&self) -> &Arc<Proxy> {
        &self.proxy
    }
}

impl<B> Service<Request<B>> for ProxyService
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = tower_http::cors::ResponseFuture<Answer>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        self.inner.call(request.map(Body::new))
    }
}

/// An answer being made.
type Answer = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

/// What answers once CORS has let a request through.
#[derive(Clone)]
struct Endpoints {
    proxy: Arc<Proxy>,
}

impl Service<Request<Body>> for Endpoints {
    type Response = Response;
    type Error = Infallible;
    type Future = Answer;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let proxy = self.proxy.clone();
        let read_only = matches!(*request.method(), Method::GET | Method::HEAD);
        Box::pin(async move {
            Ok(match request.uri().path() {
                "/healthz" if read_only => "ok".into_response(),
                "/metrics" if read_only => {
                    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], proxy.metrics.render())
                        .into_response()
                }
                _ => forward::dispatch(proxy, request).await,
            })
        })
    }
}

fn cors(origins: &[String]) -> Result<CorsLayer, ConfigError> {
    let allow = if origins.iter().any(|o| o == "*") {
        // Any origin: for development and browser tests served from random local ports.
        AllowOrigin::any()
    } else {
        AllowOrigin::list(cors_list(origins)?)
    };
    Ok(CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([Method::GET, Method::POST, Method::PUT])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .expose_headers([request_id::HEADER])
        .max_age(Duration::from_secs(600)))
}

fn cors_list(origins: &[String]) -> Result<Vec<HeaderValue>, ConfigError> {
    origins
        .iter()
        .map(|o| {
            HeaderValue::from_str(o)
                .map_err(|_| ConfigError(format!("allowed origin {o:?} is not a valid header value")))
        })
        .collect()
}
