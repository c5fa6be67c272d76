//! Mounted services: other HTTP surfaces served by the proxy's own process (e.g. the callback
//! receiver of `kefu-callbacks`), each under a path prefix, consulted before the route policy.
//!
//! A mounted request gets what every proxied request gets: a request id, the in-flight cap,
//! metrics under the mount's name, CORS, and for [`Access::Operator`] mounts the same
//! constant-time operator-token check. The proxy knows nothing else about what it mounts.
//! Each request carries a [`ClientIp`] extension: the client's address, resolved through the
//! trusted proxies like the rate limiter's.

use std::convert::Infallible;
use std::net::IpAddr;

use axum::body::Body;
use axum::http::Request;
use axum::response::Response;
use tower::util::BoxCloneSyncService;

pub use crate::routes::Access;

/// The client's address as the proxy resolved it (the peer, or the address a trusted proxy
/// names), set as a request extension on every mounted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// A mounted service's type: any clonable tower service answering every request.
pub type MountedService = BoxCloneSyncService<Request<Body>, Response, Infallible>;

/// One service served under a path prefix.
#[derive(Clone)]
pub struct Mount {
    /// A short name for logs and metrics (e.g. `callbacks`); never the path, which may hold a
    /// secret.
    pub name: &'static str,
    /// The prefix, e.g. `/callbacks`: it takes that path and every path under `prefix/`.
    pub prefix: String,
    /// Who may call it.
    pub access: Access,
    /// Whether the per-client rate limit applies (off for a platform pushing callbacks, which
    /// would retry and finally lose what a 429 refused).
    pub rate_limited: bool,
    /// What answers.
    pub service: MountedService,
}

impl std::fmt::Debug for Mount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mount")
            .field("name", &self.name)
            .field("prefix", &self.prefix)
            .field("access", &self.access)
            .field("rate_limited", &self.rate_limited)
            .finish_non_exhaustive()
    }
}

impl Mount {
    /// A mount of `service` under `prefix` (trailing `/` ignored), rate-limited.
    pub fn new<S>(name: &'static str, prefix: &str, access: Access, service: S) -> Mount
    where
        S: tower::Service<Request<Body>, Response = Response, Error = Infallible>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        Mount {
            name,
            prefix: prefix.trim_end_matches('/').to_owned(),
            access,
            rate_limited: true,
            service: BoxCloneSyncService::new(service),
        }
    }

    /// The same mount without the per-client rate limit.
    pub fn without_rate_limit(mut self) -> Mount {
        self.rate_limited = false;
        self
    }

    /// Whether `path` is under this mount.
    pub fn matches(&self, path: &str) -> bool {
        path.strip_prefix(&self.prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }
}

/// The first mount `path` is under.
pub(crate) fn find<'a>(mounts: &'a [Mount], path: &str) -> Option<&'a Mount> {
    mounts.iter().find(|m| m.matches(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_takes_itself_and_what_is_under_it_only() {
        let m = Mount::new(
            "m",
            "/callbacks/",
            Access::Public,
            tower::service_fn(|_| async { Ok::<_, Infallible>(Response::new(Body::empty())) }),
        );
        assert!(m.matches("/callbacks"));
        assert!(m.matches("/callbacks/abc"));
        assert!(!m.matches("/callbacksx"));
        assert!(!m.matches("/kefu/v1/tasks"));
        assert!(format!("{m:?}").contains("/callbacks"));
    }
}
