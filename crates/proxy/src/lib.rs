//! kefu-proxy: the tiny signing proxy between browsers and the bot platform.
//!
//! It holds the platform's apikey and apisecret, forwards only the documented client→platform
//! endpoints ([`routes::ROUTES`]), signs seed 002 requests at send time
//! (`Authorization: apikey:timestamp:md5(apisecret:timestamp)`), and never forwards the browser's
//! own `Authorization`. Chat routes are public; every other route needs an operator bearer token.
//! Bodies are size-limited, clients rate-limited per IP, in-flight requests capped, upstream calls
//! timed out; each failure is a JSON answer in the platform's envelope style.

mod client;
pub mod config;
pub mod error;
mod forward;
pub mod metrics;
mod rate_limit;
mod request_id;
pub mod routes;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use config::{Clock, Config, Secret};
pub use error::{ConfigError, ProxyError};

/// What the handlers share.
pub(crate) struct Proxy {
    pub(crate) config: Config,
    pub(crate) metrics: metrics::Metrics,
    /// One permit per request being answered: none left means overloaded.
    pub(crate) in_flight: tokio::sync::Semaphore,
    pub(crate) request_ids: request_id::RequestIds,
    pub(crate) rate_limit: rate_limit::RateLimit,
}

thread_local! {
    /// One upstream client (and connection pool) per thread: with one runtime per core (the
    /// binary), a request and its upstream connection stay on one thread.
    static CLIENT: std::cell::OnceCell<client::UpstreamClient> = const { std::cell::OnceCell::new() };
}

impl Proxy {
    /// This thread's upstream client. `app()` built one from the same configuration already, so
    /// building cannot fail here.
    pub(crate) fn client(&self) -> Result<client::UpstreamClient, ProxyError> {
        CLIENT.with(|c| match c.get() {
            Some(client) => Ok(client.clone()),
            None => {
                let client = client::UpstreamClient::new(self.config.upstream_timeout).map_err(|e| {
                    tracing::error!("{e}");
                    ProxyError::Internal
                })?;
                Ok(c.get_or_init(|| client).clone())
            }
        })
    }
}

/// The proxy as a router. Give each request its client's `ConnectInfo<SocketAddr>` (as
/// `into_make_service_with_connect_info::<SocketAddr>()` does): the rate limit is per client;
/// requests without it share one bucket.
pub fn app(config: Config) -> Result<Router, ConfigError> {
    client::UpstreamClient::new(config.upstream_timeout)?;
    let rate_limit = rate_limit::RateLimit::new(config.rate_per_second, config.rate_burst)?;
    let cors = cors(&config.allowed_origins)?;
    let in_flight =
        tokio::sync::Semaphore::new(config.max_concurrency.clamp(1, tokio::sync::Semaphore::MAX_PERMITS));
    let proxy = Arc::new(Proxy {
        config,
        metrics: metrics::Metrics::default(),
        in_flight,
        request_ids: request_id::RequestIds::default(),
        rate_limit,
    });

    // One layer only: each tower layer wraps every request's future once more, and under load
    // the proxy's own CPU per request grew with each one (`cargo xtask bench proxy`). The rate
    // limit, the in-flight limit and the request id are a few lines in `forward::dispatch`.
    Ok(Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics_text))
        .fallback(forward::dispatch)
        .with_state(proxy)
        .layer(cors))
}

async fn metrics_text(State(proxy): State<Arc<Proxy>>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], proxy.metrics.render())
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
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .expose_headers([HeaderName::from_static("x-request-id")])
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
