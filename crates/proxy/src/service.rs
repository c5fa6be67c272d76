//! The proxy's whole HTTP surface as one tower service: `/healthz`, `/metrics`, and every other
//! request to the route policy ([`crate::forward`]), all under CORS ([`crate::cors`]).
//!
//! [`crate::app`] mounts it in an axum `Router`; the binary calls it straight from hyper's
//! connection loop. Routing by `Router` costs every request a boxed clone of the route's service
//! (and of the CORS configuration) and a stack of wrapped futures: calling this service directly
//! took the proxy's user CPU from 18.4 to 16.1 µs a request (medians of paired wrk runs on this
//! 2-core machine, in `cargo xtask bench proxy`'s setup).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::http::{Method, Request, header};
use axum::response::{IntoResponse, Response};
use tower::Service;

use crate::cors::Cors;
use crate::{Proxy, forward};

/// The proxy as a service. Always ready: `call` may be used without `poll_ready`.
///
/// Cloning copies a reference to the shared state; a server loop clones once per connection.
#[derive(Clone)]
pub struct ProxyService {
    proxy: Arc<Proxy>,
}

impl ProxyService {
    /// The service over the shared state.
    pub(crate) fn new(proxy: Arc<Proxy>) -> ProxyService {
        ProxyService { proxy }
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
    type Future = Answer;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    /// Answers `request`, its client's address read from its `ConnectInfo<SocketAddr>`.
    fn call(&mut self, request: Request<B>) -> Self::Future {
        self.answer_from(request, None)
    }
}

impl ProxyService {
    /// Answers `request` from `peer`, the client's address (when `None`, its
    /// `ConnectInfo<SocketAddr>` extension, if any). The serving loop passes the address itself
    /// rather than inserting an extension, which allocates.
    pub(crate) fn answer_from<B>(&self, request: Request<B>, peer: Option<SocketAddr>) -> Answer
    where
        B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
        B::Error: Into<axum::BoxError>,
    {
        let request = request.map(Body::new);
        let proxy = self.proxy.clone();
        if Cors::is_preflight(request.method()) {
            let answer = proxy.cors.preflight(request.headers());
            return Box::pin(std::future::ready(Ok(answer)));
        }
        let allow_origin = proxy.cors.allow_origin(request.headers());
        Box::pin(async move {
            let mut response = answer(&proxy, request, peer).await;
            proxy.cors.decorate(allow_origin, &mut response);
            Ok(response)
        })
    }
}

/// An answer being made.
pub(crate) type Answer = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

/// What answers once CORS has let a request through.
async fn answer(proxy: &Arc<Proxy>, request: Request<Body>, peer: Option<SocketAddr>) -> Response {
    let read_only = matches!(*request.method(), Method::GET | Method::HEAD);
    match request.uri().path() {
        "/healthz" if read_only => "ok".into_response(),
        "/metrics" if read_only => {
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], proxy.metrics.render()).into_response()
        }
        _ => forward::dispatch(proxy.clone(), request, peer).await,
    }
}
