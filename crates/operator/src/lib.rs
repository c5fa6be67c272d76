//! kefu-operator: what the operators' console (`kefu-console`) needs from the server besides the
//! platform's routes, as axum routers that kefu-proxy's binary mounts (like `kefu-callbacks`), so
//! one process serves a deployment:
//!
//! - signed short-lived recording links and the recordings streamed through them with `Range`
//!   ([`recordings`]);
//! - `GET /kefu/v1/deployment` (operator token): this deployment's public URL, its callback
//!   addresses (a task's `team_url` and the §9 inbound address, one pair per callback token: they
//!   hold the token, hence operators only) and which route families are on ([`deployment`]);
//! - `POST /kefu/v1/sandbox/inbound` (operator token) `{"caller": "…"}`: a simulated inbound call
//!   forwarded to a kefu-sandbox's `POST /sandbox/inbound`, only when [`Settings::sandbox_url`] is
//!   set ([`sandbox`]).
//!
//! The interface with the server that mounts it is small: [`routes`] takes the [`Settings`]
//! (the console's own settings and the upstream origins recordings may come from), a [`Fetch`]
//! (the server's HTTP client for upstream fetches) and the callback receiver if any, and gives
//! [`Route`]s, each saying whether it needs the operator token ([`Access`]): the server checks
//! the token, and answers nothing else under a route's prefix itself. Failures are JSON
//! `{"code": <HTTP status>, "msg": "…"}` ([`Error`]). This crate does not depend on kefu-proxy.

pub mod deployment;
pub mod error;
pub mod fetch;
pub mod recordings;
pub mod sandbox;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use kefu_protocol::results::{
    DEPLOYMENT_PATH, RECORDING_LINKS_PATH, RECORDINGS_PREFIX, SIMULATED_INBOUND_PATH,
};

pub use error::{Error, Result};
pub use fetch::{Failure, Fetch};

use recordings::Recordings;
use recordings::link::Signer;
use recordings::source::Sources;

/// How long a recording link works unless `KEFU_RECORDING_LINK_SECS` says otherwise (5 minutes).
pub const DEFAULT_RECORDING_LINK_SECS: u64 = 300;

/// Unix time in seconds (replaceable in tests to move the links' clock).
pub type Now = Arc<dyn Fn() -> i64 + Send + Sync>;

/// What the console's routes need to know. Upstream URLs may carry `user:password@`: it is for
/// their APIs and never sent with a recording.
#[derive(Clone)]
pub struct Settings {
    /// Seed 002 upstream (`KEFU_PLATFORM_URL`): recordings may come from its origin, and relative
    /// §7 `record_url`s point there unless [`Settings::recording_base`] says otherwise.
    pub platform_url: String,
    /// Seed 000 upstream (`KEFU_OUTBOUND_URL`), if on.
    pub outbound_url: Option<String>,
    /// Seed 001 upstream (`KEFU_CALLCENTER_URL`), if on.
    pub callcenter_url: Option<String>,
    /// The call-center's upstream recordings path (`KEFU_CALLCENTER_RECORDINGS_PATH`).
    pub callcenter_recordings_path: String,
    /// The server's public base URL (`KEFU_PUBLIC_URL`); `None`: `http://` and the request's `Host`.
    pub public_url: Option<String>,
    /// Where relative §7 `record_url`s point (`KEFU_RECORDING_BASE`); `None`: the platform URL.
    pub recording_base: Option<String>,
    /// More origins recordings may be fetched from (`KEFU_RECORDING_HOSTS`).
    pub recording_hosts: Vec<String>,
    /// The key recording links are signed with (`KEFU_RECORDING_KEY`, at least 32 bytes); `None`:
    /// a random one made at start. Never logged.
    pub recording_key: Option<Vec<u8>>,
    /// How long a recording link works (`KEFU_RECORDING_LINK_SECS`).
    pub recording_link_ttl: Duration,
    /// A kefu-sandbox's URL (`KEFU_SANDBOX_URL`): turns on the simulated inbound call.
    pub sandbox_url: Option<String>,
    /// The clock links are made and checked with.
    pub now: Now,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("platform_url", &kefu_serve::without_userinfo(&self.platform_url))
            .field("public_url", &self.public_url)
            .field("recording_hosts", &self.recording_hosts)
            .field("recording_key", &self.recording_key.as_ref().map(|_| "<redacted>"))
            .field("recording_link_ttl", &self.recording_link_ttl)
            .field("sandbox_url", &self.sandbox_url.as_deref().map(kefu_serve::without_userinfo))
            .finish_non_exhaustive()
    }
}

/// Who may call a [`Route`]: the mounting server checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (a recording link is its own authority).
    Public,
    /// Only with an operator token (`Authorization: Bearer …`).
    Operator,
}

/// One router to mount under a path prefix.
pub struct Route {
    /// A short name for logs and metrics (never the path).
    pub name: &'static str,
    /// The prefix it answers: that path and every path under `prefix/`.
    pub prefix: &'static str,
    /// Who may call it.
    pub access: Access,
    /// What answers every request under the prefix (unknown paths and methods: a JSON 404).
    pub router: Router,
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Route")
            .field("name", &self.name)
            .field("prefix", &self.prefix)
            .field("access", &self.access)
            .finish_non_exhaustive()
    }
}

/// The console's routes for these settings, fetching through `fetch`; `receiver`, when the
/// server has a callbacks store, gives the callback tokens and the stored calls' recordings.
/// Mount them before any other `/kefu/v1` mount (the first matching prefix answers).
pub fn routes(
    settings: &Settings,
    fetch: Arc<dyn Fetch>,
    receiver: Option<&kefu_callbacks::Receiver>,
) -> Result<Vec<Route>> {
    let signer = match &settings.recording_key {
        Some(key) => Signer::new(key).ok_or_else(|| {
            Error::Settings(format!(
                "KEFU_RECORDING_KEY must be at least {} bytes (e.g. `openssl rand -hex 32`)",
                recordings::link::MIN_KEY_BYTES
            ))
        })?,
        None => Signer::random()
            .map_err(|e| Error::Settings(format!("no randomness for the recording key: {e}")))?,
    };
    // An upstream's `user:password@` is for its API, never sent with a recording.
    let bare = kefu_serve::without_userinfo;
    let base = bare(settings.recording_base.as_deref().unwrap_or(&settings.platform_url));
    let origins: Vec<String> = std::iter::once(&settings.platform_url)
        .chain(settings.outbound_url.as_ref())
        .chain(settings.callcenter_url.as_ref())
        .chain(&settings.recording_hosts)
        .map(|u| bare(u))
        .collect();
    let origins: Vec<&str> = origins.iter().map(String::as_str).collect();
    let sources = Sources::new(&base, &origins, &settings.callcenter_recordings_path)
        .map_err(|e| Error::Settings(format!("recording hosts: {e}")))?;
    tracing::info!(
        hosts = %sources.origins().join(","),
        link_secs = settings.recording_link_ttl.as_secs(),
        key = if settings.recording_key.is_some() { "KEFU_RECORDING_KEY" } else { "made at start" },
        "recordings: links on"
    );
    let recordings = Arc::new(Recordings {
        signer,
        ttl: settings.recording_link_ttl,
        sources,
        fetch: fetch.clone(),
        store: receiver.map(|r| r.store().clone()),
        now: settings.now.clone(),
    });
    let not_found = || async { Error::NotFound };
    let links = recordings.links_router().fallback(not_found).method_not_allowed_fallback(not_found);
    let files = recordings.files_router().method_not_allowed_fallback(not_found);
    let mut routes = vec![
        Route {
            name: "recording_links",
            prefix: RECORDING_LINKS_PATH,
            access: Access::Operator,
            router: links,
        },
        Route { name: "recordings", prefix: RECORDINGS_PREFIX, access: Access::Public, router: files },
        Route {
            name: "deployment",
            prefix: DEPLOYMENT_PATH,
            access: Access::Operator,
            router: deployment::router(settings, receiver),
        },
    ];
    if let Some(sandbox_url) = &settings.sandbox_url {
        tracing::info!(sandbox = %bare(sandbox_url), "simulated inbound calls: on");
        routes.push(Route {
            name: "sandbox_inbound",
            prefix: SIMULATED_INBOUND_PATH,
            access: Access::Operator,
            router: sandbox::router(sandbox_url, fetch),
        });
    }
    Ok(routes)
}
