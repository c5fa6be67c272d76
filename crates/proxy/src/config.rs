//! Configuration: command line, environment, or a TOML file (command line and environment win).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

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

/// Everything the proxy needs to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// The platform apikey.
    pub apikey: String,
    /// The platform apisecret: used to sign, never sent anywhere else.
    pub apisecret: Secret,
    /// Seed 002 upstream (the bot platform), e.g. `https://api.xinyaoai.com`.
    pub platform_url: String,
    /// Seed 000 upstream (the outbound-call service).
    pub outbound_url: String,
    /// Seed 001 upstream (the call-center).
    pub callcenter_url: String,
    /// Origins allowed to call from a browser (CORS); empty: same origin only.
    pub allowed_origins: Vec<String>,
    /// Bearer tokens accepted on operator routes; empty: operator routes are closed.
    pub operator_tokens: Vec<Secret>,
    /// When set, chat start always uses this `app_id`.
    pub app_id: Option<String>,
    /// When set, chat start always uses this `bot_id`.
    pub bot_id: Option<String>,
    /// A folder served for GET requests outside the API (demo pages, widget package).
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
}

impl Config {
    /// A configuration with the defaults and these credentials and upstreams.
    pub fn new(apikey: impl Into<String>, apisecret: Secret, platform_url: impl Into<String>) -> Config {
        let platform_url = platform_url.into();
        Config {
            apikey: apikey.into(),
            apisecret,
            outbound_url: platform_url.clone(),
            callcenter_url: platform_url.clone(),
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
        }
    }
}

/// The TOML file's shape: every key optional, names as on the command line.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileConfig {
    /// Listen address.
    pub listen: Option<SocketAddr>,
    /// apikey.
    pub apikey: Option<String>,
    /// apisecret (prefer `apisecret-file`).
    pub apisecret: Option<String>,
    /// A file holding the apisecret.
    pub apisecret_file: Option<PathBuf>,
    /// Seed 002 upstream.
    pub platform_url: Option<String>,
    /// Seed 000 upstream.
    pub outbound_url: Option<String>,
    /// Seed 001 upstream.
    pub callcenter_url: Option<String>,
    /// CORS origins.
    pub allowed_origins: Option<Vec<String>>,
    /// Operator tokens.
    pub operator_tokens: Option<Vec<String>>,
    /// Pinned app_id.
    pub app_id: Option<String>,
    /// Pinned bot_id.
    pub bot_id: Option<String>,
    /// Static folder.
    pub static_dir: Option<PathBuf>,
    /// Upstream timeout in milliseconds.
    pub upstream_timeout_ms: Option<u64>,
    /// Rate limit per client IP.
    pub rate_per_second: Option<u64>,
    /// Burst per client IP.
    pub rate_burst: Option<u32>,
    /// Global concurrency limit.
    pub max_concurrency: Option<usize>,
}

impl FileConfig {
    /// Reads a TOML configuration file.
    pub fn load(path: &std::path::Path) -> Result<FileConfig, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
        toml::from_str(&text).map_err(|e| ConfigError(format!("{}: {e}", path.display())))
    }
}

/// Reads a secret from a file, trimming the trailing newline editors add.
pub fn read_secret_file(path: &std::path::Path) -> Result<Secret, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("cannot read the apisecret file {}: {e}", path.display())))?;
    Ok(Secret::new(text.trim_end_matches(['\r', '\n'])))
}

/// Splits a comma-separated list, dropping empty entries.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect()
}
