//! kefu-proxy: the tiny signing proxy between browsers and the bot platform.
//!
//! It holds the platform's apikey and apisecret, forwards only the documented client→platform
//! endpoints ([`routes::ROUTES`]), signs seed 002 requests at send time
//! (`Authorization: apikey:timestamp:md5(apisecret:timestamp)`), and never forwards the browser's
//! own `Authorization`. Chat routes are public; every other route needs an operator bearer token.
//! Bodies are size-limited, clients rate-limited per IP, in-flight requests capped, upstream calls
//! timed out; each failure is a JSON answer in the platform's envelope style.

pub mod config;
pub mod error;
mod forward;
pub mod metrics;
pub mod routes;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tower::ServiceBuilder;
use tower_governor::GovernorLayer;
use tower_governor::errors::GovernorError;
use tower_governor::governor::GovernorConfigBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};

pub use config::{Clock, Config, Secret};
pub use error::{ConfigError, ProxyError};

/// What the handlers share.
pub(crate) struct Proxy {
    pub(crate) config: Config,
    pub(crate) metrics: metrics::Metrics,
}

thread_local! {
    /// One upstream client (and connection pool) per thread: with one runtime per core (the
    /// binary), a request and its upstream connection stay on one thread.
    static CLIENT: std::cell::OnceCell<reqwest::Client> = const { std::cell::OnceCell::new() };
}

impl Proxy {
    /// This thread's upstream client. `app()` built one from the same configuration already, so
    /// building cannot fail here; the default client is only a formal fallback.
    pub(crate) fn client(&self) -> reqwest::Client {
        CLIENT.with(|c| c.get_or_init(|| build_client(&self.config).unwrap_or_default()).clone())
    }
}

fn build_client(config: &Config) -> Result<reqwest::Client, ConfigError> {
    reqwest::Client::builder()
        .timeout(config.upstream_timeout)
        .connect_timeout(config.upstream_timeout.min(Duration::from_secs(5)))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ConfigError(format!("HTTP client: {e}")))
}

/// The proxy as a router. Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()`: the rate limit is per client IP.
pub fn app(config: Config) -> Result<Router, ConfigError> {
    build_client(&config)?;
    let governor = GovernorConfigBuilder::default()
        .per_millisecond((1000 / config.rate_per_second.max(1)).max(1))
        .burst_size(config.rate_burst.max(1))
        .finish()
        .ok_or_else(|| ConfigError("rate limit: per-second rate and burst must be positive".into()))?;
    let governor = GovernorLayer::new(Arc::new(governor)).error_handler(|e| match e {
        GovernorError::TooManyRequests { .. } => ProxyError::RateLimited.into_response(),
        other => {
            tracing::error!("rate limiter: {other}");
            ProxyError::Internal.into_response()
        }
    });
    let cors = cors(&config.allowed_origins)?;
    let max_concurrency = config.max_concurrency.max(1);
    let proxy = Arc::new(Proxy { config, metrics: metrics::Metrics::default() });
    let x_request_id = HeaderName::from_static("x-request-id");

    Ok(Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics_text))
        .fallback(forward::dispatch)
        .with_state(proxy)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(x_request_id.clone(), SequentialRequestId::default()))
                .layer(PropagateRequestIdLayer::new(x_request_id))
                .layer(cors)
                .layer(HandleErrorLayer::new(|_: tower::BoxError| async {
                    ProxyError::Overloaded.into_response()
                }))
                .load_shed()
                .concurrency_limit(max_concurrency)
                .layer(governor),
        ))
}

/// Request ids `<process-start-ms hex>-<sequence>`: unique per proxy run and cheap (a UUID would
/// cost a `getrandom` system call on every request).
#[derive(Clone, Default)]
struct SequentialRequestId {
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl MakeRequestId for SequentialRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        static START: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        let start = START.get_or_init(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0)
        });
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        HeaderValue::from_str(&format!("{start:x}-{n}")).ok().map(RequestId::new)
    }
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
