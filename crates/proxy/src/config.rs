//! The proxy's configuration as it runs ([`Config`]), and the checks its parts need; the binary
//! resolves it from the command line, the environment and a file ([`crate::settings`]).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::error::ConfigError;

/// A secret string: never printed by `Debug` or `Display`, only handed to the signer.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The secret itself, for signing.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Unix time in seconds; replaceable in tests to move the signer's clock.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> i64 + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock(Arc::new(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
                .unwrap_or(0)
        }))
    }

    /// The system clock moved by `offset_secs`.
    pub fn skewed(offset_secs: i64) -> Clock {
        let system = Clock::system();
        Clock(Arc::new(move || system.now_secs() + offset_secs))
    }

    /// Seconds since the Unix epoch.
    pub fn now_secs(&self) -> i64 {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock({})", self.now_secs())
    }
}

pub use kefu_operator::DEFAULT_RECORDING_LINK_SECS;

/// Everything the proxy needs to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// The platform apikey.
    pub apikey: String,
    /// The platform apisecret: used to sign, never sent anywhere else.
    pub apisecret: Secret,
    /// Seed 002 upstream (the bot platform), e.g. `https://api.xinyaoai.com`.
    pub platform_url: String,
    /// Seed 000 upstream (the outbound-call service); `None`: its routes answer 503.
    pub outbound_url: Option<String>,
    /// Seed 001 upstream (the call-center); `None`: its routes answer 503.
    pub callcenter_url: Option<String>,
    /// The upstream path of each seed 001 endpoint (the browser-facing paths do not change).
    pub callcenter_paths: CallCenterPaths,
    /// Origins allowed to call from a browser (CORS); empty: same origin only.
    pub allowed_origins: Vec<String>,
    /// Bearer tokens accepted on operator routes; empty: operator routes are closed.
    pub operator_tokens: Vec<Secret>,
    /// When set, chat start always uses this `app_id`.
    pub app_id: Option<String>,
    /// When set, chat start always uses this `bot_id`.
    pub bot_id: Option<String>,
    /// A folder served for GET requests outside the API (demo pages, widget package), with its
    /// `.br` / `.gz` siblings by `Accept-Encoding`, validators and cache lifetimes.
    pub static_dir: Option<PathBuf>,
    /// How long to wait for an upstream answer.
    pub upstream_timeout: Duration,
    /// Requests a second each client IP may make on average.
    pub rate_per_second: u64,
    /// Requests a client IP may make in a burst.
    pub rate_burst: u32,
    /// Requests in flight at once; more are refused with 503.
    pub max_concurrency: usize,
    /// The signer's clock.
    pub clock: Clock,
    /// Longest a client may take to send a request's head, counted from its first byte (checked
    /// every half of the shorter of this and `idle_timeout`, so a head is cut off by 1.5 × it).
    /// Waiting for a head to begin is the idle timeout's business.
    pub header_read_timeout: Duration,
    /// Longest a connection may sit with no request in progress and no bytes moving.
    pub idle_timeout: Duration,
    /// Longest a client may take to send a request's body.
    pub body_read_timeout: Duration,
    /// Connections open at once from one client address (IPv6: one /64); trusted proxies are
    /// exempt.
    pub max_connections_per_client: usize,
    /// Connections open at once in all.
    pub max_connections: usize,
    /// Peers whose `Forwarded` / `X-Forwarded-For` name the client (load balancers); empty: the
    /// TCP peer is always the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The proxy's public base URL, as browsers and the platform reach it (e.g.
    /// `https://kefu.example.com` behind a TLS terminator): the callback addresses given to the
    /// console are built on it. `None`: `http://` and each request's `Host`.
    pub public_url: Option<String>,
    /// Where relative §7 `record_url`s point; `None`: the platform URL (where kefu-sandbox
    /// serves them).
    pub recording_base: Option<String>,
    /// Origins besides the upstreams and the recording base whose recordings may be fetched
    /// (e.g. the object storage seed 000's `recordUrl`s point to).
    pub recording_hosts: Vec<String>,
    /// The key recording links are signed with (HMAC-SHA256, at least 32 bytes); `None`: a
    /// random one made at start (links then work on this process only, until it stops).
    pub recording_key: Option<Secret>,
    /// How long a recording link works.
    pub recording_link_ttl: Duration,
    /// A kefu-sandbox's URL: turns on `POST /kefu/v1/sandbox/inbound`, which goes there only.
    pub sandbox_url: Option<String>,
    /// Whether the binary's worker threads send their writes together, once a turn, with one
    /// io_uring call ([`kefu_batch_send`]); where io_uring is unavailable they write one at a
    /// time whatever this says.
    pub batch_sends: bool,
    /// How long a worker thread of the binary keeps polling for events after its last send
    /// before it sleeps (`idle_spin.rs`); zero: it sleeps at once.
    pub idle_spin: Duration,
    /// Certificate authorities TLS to the upstreams trusts besides the webpki roots (from
    /// `upstream-ca-file`; none by default).
    pub upstream_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
}

impl Config {
    /// A configuration with the defaults and these credentials and upstreams.
    pub fn new(apikey: impl Into<String>, apisecret: Secret, platform_url: impl Into<String>) -> Config {
        let platform_url = platform_url.into();
        Config {
            apikey: apikey.into(),
            apisecret,
            outbound_url: None,
            callcenter_url: None,
            callcenter_paths: CallCenterPaths::default(),
            platform_url,
            allowed_origins: Vec::new(),
            operator_tokens: Vec::new(),
            app_id: None,
            bot_id: None,
            static_dir: None,
            upstream_timeout: Duration::from_secs(10),
            rate_per_second: 20,
            rate_burst: 60,
            max_concurrency: 512,
            clock: Clock::system(),
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(5),
            body_read_timeout: Duration::from_secs(30),
            max_connections_per_client: 128,
            max_connections: 8192,
            trusted_proxies: Vec::new(),
            public_url: None,
            recording_base: None,
            recording_hosts: Vec::new(),
            recording_key: None,
            recording_link_ttl: Duration::from_secs(DEFAULT_RECORDING_LINK_SECS),
            sandbox_url: None,
            batch_sends: true,
            idle_spin: Duration::from_micros(50),
            upstream_roots: Vec::new(),
        }
    }

    /// Where each route family goes, one line each, for the start log: the upstream URL without
    /// any `user:password@`, or that the family is off and which setting turns it on.
    pub fn route_families(&self) -> Vec<String> {
        let family = |name: &str, url: Option<&String>, setting: &str| match url {
            Some(url) => format!("{name} -> {}", without_userinfo(url)),
            None => format!("{name} -> off (set {setting})"),
        };
        vec![
            family("chat and coeus (seed 002)", Some(&self.platform_url), "KEFU_PLATFORM_URL"),
            family("outbound-bot (seed 000)", self.outbound_url.as_ref(), "KEFU_OUTBOUND_URL"),
            family("aicall and recordings (seed 001)", self.callcenter_url.as_ref(), "KEFU_CALLCENTER_URL"),
        ]
    }
}

pub use kefu_serve::without_userinfo;

pub use kefu_protocol::callcenter::CallCenterPaths;

/// Checks that every call-center path is an absolute path and nothing more
/// ([`kefu_protocol::callcenter::is_plain_path`]) that also reads as a URI path.
pub fn validate_callcenter_paths(paths: &CallCenterPaths) -> Result<(), ConfigError> {
    let unusable = paths.first_unusable().or_else(|| {
        paths
            .all()
            .into_iter()
            .enumerate()
            .find(|(_, path)| path.parse::<axum::http::uri::PathAndQuery>().is_err())
    });
    match unusable {
        Some((at, path)) => Err(ConfigError(format!(
            "call-center {} path {path:?} must be an absolute path (\"/…\") without query or \"..\"",
            CallCenterPaths::FIELDS[at].replace('_', "-")
        ))),
        None => Ok(()),
    }
}

/// The upstream path of a seed 001 route, by the route's name.
pub(crate) fn callcenter_path_for_route<'a>(paths: &'a CallCenterPaths, name: &str) -> Option<&'a str> {
    Some(match name {
        "records_list" => &paths.records_list,
        "calltask_list" => &paths.calltask_list,
        "create_tasks" => &paths.create_tasks,
        "stop_tasks" | "stop_tasks_api" => &paths.stop_tasks,
        "recording" => &paths.recordings,
        _ => return None,
    })
}

/// Parses a list of trusted proxies: CIDRs (`10.0.0.0/8`) or single addresses.
pub fn parse_trusted_proxies(items: &[String]) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    items
        .iter()
        .map(|item| {
            item.parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| ConfigError(format!("trusted proxy {item:?} is not an address or a CIDR")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_route_families_say_where_each_goes_without_credentials() {
        let mut c = Config::new("k", Secret::new("s"), "https://user:pw@api.example.com/base");
        c.callcenter_url = Some("http://127.0.0.1:8899".into());
        assert_eq!(
            c.route_families(),
            [
                "chat and coeus (seed 002) -> https://api.example.com/base",
                "outbound-bot (seed 000) -> off (set KEFU_OUTBOUND_URL)",
                "aicall and recordings (seed 001) -> http://127.0.0.1:8899",
            ]
        );
        assert_eq!(without_userinfo("http://h/p@q"), "http://h/p@q", "an @ in the path is not userinfo");
    }

    #[test]
    fn trusted_proxies_take_cidrs_and_addresses() {
        let list = parse_trusted_proxies(&["10.0.0.0/8".into(), "192.0.2.7".into(), "2001:db8::/32".into()])
            .expect("valid");
        assert_eq!(list.len(), 3);
        assert!(list[1].contains(&"192.0.2.7".parse::<std::net::IpAddr>().expect("ip")));
        let err = parse_trusted_proxies(&["10.0.0.0/33".into()]).expect_err("invalid");
        assert!(err.to_string().contains("10.0.0.0/33"));
    }

    #[test]
    fn default_callcenter_paths_are_the_documents_text() {
        let paths = CallCenterPaths::default();
        assert_eq!(paths.stop_tasks, "/aicall/stopTasks");
        assert_eq!(paths.records_list, "/api/aicall/records/list");
        assert!(validate_callcenter_paths(&paths).is_ok());
    }
}
