//! What the proxy's handlers share ([`Proxy`]): the configuration, metrics, limits, mounts and
//! the upstream exchange. Built once from a checked [`Config`].

use crate::config::{self, Config};
use crate::error::ConfigError;
use crate::exchange::Upstreams;
use crate::mount::Mount;
use crate::{metrics, rate_limit, request_id, routes, server, static_files};

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
    /// Sends the routes' requests upstream (its connections are kept per thread).
    pub(crate) upstreams: Upstreams,
    /// Each route's upstream URL, in [`routes::ROUTES`]' order, where configured (without a
    /// query: those with one are built per request).
    upstream_uris: Vec<Option<axum::http::Uri>>,
    /// CORS answers for the allowed origins.
    pub(crate) cors: crate::cors::Cors,
    /// Tells this proxy apart from others in the same process (per-thread caches key on it).
    pub(crate) id: u64,
}

/// The next [`Proxy::id`].
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Proxy {
    /// The shared state for `config` with `mounts`, after checking both: a mount's prefix may not
    /// overlap a policy route or `/healthz` / `/metrics`.
    pub(crate) fn new(config: Config, mounts: Vec<Mount>) -> Result<Proxy, ConfigError> {
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
        let upstreams = Upstreams::new(config.upstream_timeout, &config.upstream_roots)?;
        let rate_limit = rate_limit::RateLimit::new(config.rate_per_second, config.rate_burst)?;
        let in_flight =
            tokio::sync::Semaphore::new(config.max_concurrency.clamp(1, tokio::sync::Semaphore::MAX_PERMITS));
        let static_files = config.static_dir.as_deref().map(static_files::StaticFiles::new);
        let cors = crate::cors::Cors::new(&config.allowed_origins)?;
        let mut proxy = Proxy {
            cors,
            config,
            static_files,
            metrics: metrics::Metrics::default(),
            in_flight,
            request_ids: request_id::RequestIds::default(),
            rate_limit,
            connections: server::Connections::default(),
            mounts,
            upstreams,
            upstream_uris: Vec::new(),
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        };
        proxy.upstream_uris = routes::ROUTES
            .iter()
            .map(|route| {
                let (base, path) = crate::forward::upstream_base(&proxy, route);
                base.and_then(|base| format!("{}{}", base.trim_end_matches('/'), path).parse().ok())
            })
            .collect();
        Ok(proxy)
    }

    /// `route`'s upstream URL without a query, if its upstream is configured.
    pub(crate) fn upstream_uri(&self, route: &routes::Route) -> Option<&axum::http::Uri> {
        // By name (names are unique): `ROUTES` is a constant, so its items have no one address.
        let index = routes::ROUTES.iter().position(|r| r.name == route.name)?;
        self.upstream_uris.get(index)?.as_ref()
    }
}
