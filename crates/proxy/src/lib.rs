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
//! [`service`] gives the proxy as one tower service ([`ProxyService`]) over the shared state
//! (`state`); [`server::serve`] is the connection loop around it (timeouts and connection caps for
//! slow clients), run on every core by [`per_core::serve_per_core`]; [`settings::resolve`] gives
//! the binary its [`Config`] from the command line, the environment and a file; [`app`]
//! mounts the service in an axum `Router`. [`service_with_mounts`] adds other services under path
//! prefixes ([`Mount`]; the binary mounts `kefu-callbacks` there when `KEFU_STORE` is set).
//! [`console::mounts`] mounts what the operators' console needs besides, from the crate
//! `kefu-operator`: signed recording links and the recordings streamed through them with `Range`,
//! the deployment's callback addresses, and a simulated inbound call in a sandbox deployment.

mod chat_body;
mod client;
mod client_ip;
pub mod config;
pub mod console;
mod cors;
pub mod error;
mod exchange;
mod forward;
mod idle_spin;
pub mod metrics;
pub mod mount;
pub mod per_core;
mod rate_limit;
mod request_id;
pub mod routes;
pub mod server;
mod service;
pub mod settings;
mod state;
mod static_files;
mod trust;

use std::sync::Arc;

use axum::Router;

pub use config::{Clock, Config, Secret};
pub use error::{ConfigError, ProxyError};
pub use mount::{ClientIp, Mount};
pub use service::ProxyService;
pub(crate) use state::Proxy;

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
    Ok(ProxyService::new(Arc::new(Proxy::new(config, mounts)?)))
}
