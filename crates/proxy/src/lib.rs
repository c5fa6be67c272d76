//! kefu-proxy: the tiny signing proxy between browsers and the bot platform.
//!
//! It holds the platform's apikey and apisecret, forwards only the documented client→platform
//! endpoints ([`routes::ROUTES`]), signs seed 002 requests at send time
//! (`Authorization: apikey:timestamp:md5(apisecret:timestamp)`), and never forwards the browser's
//! own `Authorization`. Chat routes are public; every other route needs an operator bearer token.
//! Bodies are size-limited, clients rate-limited per IP, in-flight requests capped, upstream calls
//! timed out; each failure is a JSON answer in the platform's envelope style.
//!
//! Routes of seeds 000 and 001 exist only when their upstream is configured; otherwise they
//! answer a JSON 503 naming the missing setting.
//!
//! [`service`] gives the proxy as one tower service ([`ProxyService`]); [`server::serve`] is the
//! binary's connection loop around it (timeouts and connection caps for slow clients); [`app`]
//! mounts the service in an axum `Router`. [`service_with_mounts`] adds other services under path
//! prefixes ([`Mount`]; the binary mounts `kefu-callbacks` there when `KEFU_STORE` is set).
//! [`console::mounts`] gives what the operators' console needs besides: signed recording links and
//! the recordings streamed through them with `Range` ([`recordings`]), the deployment's callback
//! addresses, and a simulated inbound call in a sandbox deployment.

mod client;
mod client_ip;
pub mod config;
pub mod console;
pub mod error;
mod forward;
pub mod metrics;
pub mod mount;
mod rate_limit;
pub mod recordings;
mod request_id;
pub mod routes;
pub mod server;
mod service;
mod static_files;

use std::sync::Arc;

use axum::Router;

pub use config::{Clock, Config, Secret};
pub use error::{ConfigError, ProxyError};
pub use mount::{ClientIp, Mount};
pub use service::ProxyService;

/// What the handlers share.
pub(crate) struct Proxy {
    pub(crate) config: Config,
    pub(crate) metrics: metrics::Metrics,
    /// One permit per request being answered: none left means overloaded.
    pub(crate) in_flight: tokio::sync::Semaphore,
    pub(crate) request_ids: request_id::RequestIds,
    pub(crate) rate_limit: rate_limit::RateLimit,
    /// The client connections open now (the binary's serving loop, [`server`]).
    pub(crate) connections: server::Connections,
    /// The static folder, when one is configured.
    pub(crate) static_files: Option<static_files::StaticFiles>,
    /// Services mounted under path prefixes, consulted before the route policy.
    pub(crate) mounts: Vec<Mount>,
}

thread_local! {
    /// One upstream client (and connection pool) per thread: with one runtime per core (the
    /// binary), a request and its upstream connection stay on one thread.
    static CLIENT: std::cell::OnceCell<client::UpstreamClient> = const { std::cell::OnceCell::new() };
}

impl Proxy {
    /// This thread's upstream client. `service()` built one from the same configuration already, so
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

/// The proxy as a router, for embedding in an axum application: [`ProxyService`] as its
/// fallback. Give each request its client's `ConnectInfo<SocketAddr>` (as
/// `into_make_service_with_connect_info::<SocketAddr>()` does): the rate limit is per client;
/// requests without it share one bucket. The connection limits (timeouts, caps) belong to the
/// serving loop, [`server::serve`], and do not apply here.
pub fn app(config: Config) -> Result<Router, ConfigError> {
    Ok(Router::new().fallback_service(service(config)?))
}

/// The proxy as one tower service (what the binary serves, without a router in the way).
pub fn service(config: Config) -> Result<ProxyService, ConfigError> {
    service_with_mounts(config, Vec::new())
}

/// The proxy with other services mounted under path prefixes ([`Mount`]), consulted before the
/// route policy. A mount's prefix may not overlap a policy route or `/healthz` / `/metrics`.
pub fn service_with_mounts(config: Config, mounts: Vec<Mount>) -> Result<ProxyService, ConfigError> {
    for m in &mounts {
        if !m.prefix.starts_with('/') || m.prefix.len() < 2 {
            return Err(ConfigError(format!(
                "mount {:?}: the prefix must start with / and name a path",
                m.name
            )));
        }
        if let Some(r) = routes::ROUTES.iter().find(|r| m.matches(r.path)) {
            return Err(ConfigError(format!("mount {:?} would hide the route {}", m.name, r.path)));
        }
        if m.matches("/healthz") || m.matches("/metrics") {
            return Err(ConfigError(format!("mount {:?} would hide /healthz or /metrics", m.name)));
        }
    }
    config::validate_callcenter_paths(&config.callcenter_paths)?;
    if config.max_connections == 0 || config.max_connections_per_client == 0 {
        return Err(ConfigError("connection caps must be at least 1".into()));
    }
    client::UpstreamClient::new(config.upstream_timeout)?;
    let rate_limit = rate_limit::RateLimit::new(config.rate_per_second, config.rate_burst)?;
    let in_flight =
        tokio::sync::Semaphore::new(config.max_concurrency.clamp(1, tokio::sync::Semaphore::MAX_PERMITS));
    let static_files = config.static_dir.as_deref().map(static_files::StaticFiles::new);
    ProxyService::new(Arc::new(Proxy {
        config,
        static_files,
        metrics: metrics::Metrics::default(),
        in_flight,
        request_ids: request_id::RequestIds::default(),
        rate_limit,
        connections: server::Connections::default(),
        mounts,
    }))
}
