//! The proxy's settings, from three layers: the command line, the environment and a TOML file.
//!
//! [`Options`] is the one list of settings: every one optional, each a command-line option
//! (`--rate-burst`), an environment variable (`KEFU_` and the option's name in capitals,
//! `KEFU_RATE_BURST`) and a key of the file (`rate-burst`). [`resolve`] lays the command line over
//! the environment over the file, field by field (the first layer that gives a setting wins), fills
//! in the defaults and checks the values, giving a [`Config`] or an error naming the setting. A
//! secret given inline in the file (`apisecret`, `recording-key`) yields to its `…-file` from any
//! layer; on the command line or in the environment the secret itself wins over its file.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::config::{Config, Secret, parse_trusted_proxies, validate_callcenter_paths};
use crate::error::ConfigError;

/// Where the proxy listens unless told otherwise.
pub const DEFAULT_LISTEN: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 8080);
/// The longest idle spin allowed: beyond a millisecond the CPU burnt buys nothing.
const MAX_IDLE_SPIN_US: u64 = 1000;
/// The seed 002 upstream unless told otherwise.
pub const DEFAULT_PLATFORM_URL: &str = "https://api.xinyaoai.com";

/// A comma-separated list on the command line and in the environment, an array in the file.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct List(pub Vec<String>);

/// Only the count: a list may hold operator tokens.
impl std::fmt::Debug for List {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "List({} items)", self.0.len())
    }
}

impl std::str::FromStr for List {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<List, Self::Err> {
        Ok(List(split_list(s)))
    }
}

/// Every setting of the proxy, none required: one layer (the command line, the environment or
/// the file). Secrets in it are never printed: it has no `Debug`.
#[derive(Clone, Default, clap::Args, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long)]
    pub listen: Option<SocketAddr>,
    /// The platform apikey.
    #[arg(long)]
    pub apikey: Option<String>,
    /// The platform apisecret (prefer --apisecret-file); never logged.
    #[arg(long)]
    pub apisecret: Option<String>,
    /// A file holding the platform apisecret.
    #[arg(long)]
    pub apisecret_file: Option<PathBuf>,
    /// Seed 002 upstream (the bot platform) [default: https://api.xinyaoai.com].
    #[arg(long)]
    pub platform_url: Option<String>,
    /// Seed 000 upstream (the outbound-call service) [default: none, its routes answer 503].
    #[arg(long)]
    pub outbound_url: Option<String>,
    /// Seed 001 upstream (the call-center) [default: none, its routes answer 503].
    #[arg(long)]
    pub callcenter_url: Option<String>,
    /// Seed 001 upstream path of records/list [default: /api/aicall/records/list].
    #[arg(long)]
    pub callcenter_records_list_path: Option<String>,
    /// Seed 001 upstream path of calltask/list [default: /api/aicall/calltask/list].
    #[arg(long)]
    pub callcenter_calltask_list_path: Option<String>,
    /// Seed 001 upstream path of createTasks [default: /api/aicall/createTasks].
    #[arg(long)]
    pub callcenter_create_tasks_path: Option<String>,
    /// Seed 001 upstream path of stopTasks [default: /aicall/stopTasks, as the document has it].
    #[arg(long)]
    pub callcenter_stop_tasks_path: Option<String>,
    /// Seed 001 upstream path of the recordings [default: /recordings/files].
    #[arg(long)]
    pub callcenter_recordings_path: Option<String>,
    /// Comma-separated origins allowed to call from a browser (CORS).
    #[arg(long)]
    pub allowed_origins: Option<List>,
    /// Comma-separated bearer tokens for operator routes; none: operator routes are closed.
    #[arg(long)]
    pub operator_tokens: Option<List>,
    /// Pin chat start to this app_id.
    #[arg(long)]
    pub app_id: Option<String>,
    /// Pin chat start to this bot_id.
    #[arg(long)]
    pub bot_id: Option<String>,
    /// Serve this folder for GET requests outside the API.
    #[arg(long)]
    pub static_dir: Option<PathBuf>,
    /// Upstream timeout in milliseconds [default: 10000].
    #[arg(long)]
    pub upstream_timeout_ms: Option<u64>,
    /// Requests a second per client IP [default: 20].
    #[arg(long)]
    pub rate_per_second: Option<u64>,
    /// Burst per client IP [default: 60].
    #[arg(long)]
    pub rate_burst: Option<u32>,
    /// Requests in flight at once [default: 512].
    #[arg(long)]
    pub max_concurrency: Option<usize>,
    /// Longest a request head may take from its first byte, in milliseconds [default: 10000].
    #[arg(long)]
    pub header_read_timeout_ms: Option<u64>,
    /// Longest a connection may sit idle between requests, in milliseconds [default: 5000].
    #[arg(long)]
    pub idle_timeout_ms: Option<u64>,
    /// Longest wait for a whole request body, in milliseconds [default: 30000].
    #[arg(long)]
    pub body_read_timeout_ms: Option<u64>,
    /// Connections open at once from one client address [default: 128].
    #[arg(long)]
    pub max_connections_per_client: Option<usize>,
    /// Connections open at once in all [default: 8192].
    #[arg(long)]
    pub max_connections: Option<usize>,
    /// Comma-separated CIDRs of proxies whose Forwarded / X-Forwarded-For name the client.
    #[arg(long)]
    pub trusted_proxies: Option<List>,
    /// The proxy's public base URL, e.g. https://kefu.example.com behind a TLS terminator
    /// [default: http:// and each request's Host].
    #[arg(long)]
    pub public_url: Option<String>,
    /// Where relative §7 record_urls point [default: the platform URL].
    #[arg(long)]
    pub recording_base: Option<String>,
    /// Comma-separated origins recordings may also be fetched from (e.g. seed 000's object
    /// storage), besides the upstreams and the recording base.
    #[arg(long)]
    pub recording_hosts: Option<List>,
    /// The key recording links are signed with, at least 32 bytes; the same on every replica
    /// [default: random, made at start].
    #[arg(long)]
    pub recording_key: Option<String>,
    /// A file holding the recording-link key.
    #[arg(long)]
    pub recording_key_file: Option<PathBuf>,
    /// How long a recording link works, in seconds [default: 300].
    #[arg(long)]
    pub recording_link_secs: Option<u64>,
    /// A kefu-sandbox's URL: turns on POST /kefu/v1/sandbox/inbound (simulated inbound calls,
    /// development only) [default: none].
    #[arg(long)]
    pub sandbox_url: Option<String>,
    /// A PEM file of certificate authorities that TLS to the upstreams trusts as well as the
    /// usual (webpki) roots, e.g. a TLS-intercepting egress proxy's [default: none].
    #[arg(long)]
    pub upstream_ca_file: Option<PathBuf>,
    /// Whether each worker thread sends its writes together, once a turn of its event loop,
    /// with one io_uring call (Linux 5.11 and later; without io_uring it writes one at a time
    /// anyway) [default: true].
    #[arg(long)]
    pub batch_sends: Option<bool>,
    /// How long, in microseconds, a worker thread keeps polling for events after its last send
    /// before it sleeps; 0: it sleeps at once [default: 50].
    #[arg(long)]
    pub idle_spin_us: Option<u64>,
}

/// A layer's settings by name (kebab-case), only those it gives.
fn given(options: &Options) -> Result<serde_json::Map<String, serde_json::Value>, ConfigError> {
    match serde_json::to_value(options) {
        Ok(serde_json::Value::Object(map)) => Ok(map.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        _ => Err(ConfigError("the settings cannot be merged".into())),
    }
}

impl Options {
    /// The environment's layer: `KEFU_` and each option's name in capitals, read through `var`
    /// (`std::env::var` in the binary). A value that does not parse is an error naming the
    /// variable (but never its value: it may be a secret).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Options, ConfigError> {
        use clap::{Args as _, FromArgMatches as _};
        let command = Options::augment_args(clap::Command::new("kefu-proxy").no_binary_name(true));
        let mut layer = serde_json::Map::new();
        for arg in command.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            let name = env_name(long);
            let Some(value) = var(&name) else { continue };
            let matches = command
                .clone()
                .try_get_matches_from([format!("--{long}={value}")])
                .map_err(|e| ConfigError(format!("{name}: {}", clap_message(&e))))?;
            let one = Options::from_arg_matches(&matches).map_err(|e| ConfigError(format!("{name}: {e}")))?;
            layer.extend(given(&one)?);
        }
        serde_json::from_value(serde_json::Value::Object(layer))
            .map_err(|e| ConfigError(format!("environment: {e}")))
    }

    /// The file's layer: a TOML file, keys as the options' names (`rate-burst = 100`).
    pub fn load(path: &Path) -> Result<Options, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
        toml::from_str(&text).map_err(|e| ConfigError(format!("{}: {e}", path.display())))
    }

    /// This layer over `lower`: each setting this one gives wins.
    pub fn over(&self, lower: &Options) -> Result<Options, ConfigError> {
        let mut merged = given(lower)?;
        merged.extend(given(self)?);
        serde_json::from_value(serde_json::Value::Object(merged))
            .map_err(|e| ConfigError(format!("the settings cannot be merged: {e}")))
    }
}

/// The environment variable of the option `--long`.
pub fn env_name(long: &str) -> String {
    format!("KEFU_{}", long.to_ascii_uppercase().replace('-', "_"))
}

/// clap's message without its `error: ` and the lines about `--help`.
fn clap_message(e: &clap::Error) -> String {
    let text = e.to_string();
    let line = text.lines().next().unwrap_or_default();
    line.strip_prefix("error: ").unwrap_or(line).to_owned()
}

/// What the binary runs with.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The proxy's configuration.
    pub config: Config,
}

/// The settings of the command line over those of the environment over those of the file, with
/// the defaults for the rest, checked: a missing or unusable setting is an error naming it.
pub fn resolve(args: &Options, env: &Options, file: &Options) -> Result<Resolved, ConfigError> {
    let upper = args.over(env)?;
    let o = upper.over(file)?;
    let apikey = o.apikey.ok_or_else(|| ConfigError("KEFU_APIKEY is required".into()))?;
    let secret = match (upper.apisecret, o.apisecret_file, file.apisecret.clone()) {
        (Some(s), _, _) | (None, None, Some(s)) => Secret::new(s),
        (None, Some(path), _) => read_secret_file(&path)?,
        (None, None, None) => {
            return Err(ConfigError("KEFU_APISECRET or KEFU_APISECRET_FILE is required".into()));
        }
    };
    if secret.is_empty() {
        return Err(ConfigError("the apisecret is empty".into()));
    }
    let mut config =
        Config::new(apikey, secret, o.platform_url.unwrap_or_else(|| DEFAULT_PLATFORM_URL.into()));
    let url = |u: Option<String>| u.filter(|u| !u.is_empty());
    config.outbound_url = url(o.outbound_url);
    config.callcenter_url = url(o.callcenter_url);
    let paths = &mut config.callcenter_paths;
    for (value, path) in [
        (o.callcenter_records_list_path, &mut paths.records_list),
        (o.callcenter_calltask_list_path, &mut paths.calltask_list),
        (o.callcenter_create_tasks_path, &mut paths.create_tasks),
        (o.callcenter_stop_tasks_path, &mut paths.stop_tasks),
        (o.callcenter_recordings_path, &mut paths.recordings),
    ] {
        if let Some(value) = value {
            *path = value;
        }
    }
    validate_callcenter_paths(&config.callcenter_paths)?;
    config.allowed_origins = o.allowed_origins.unwrap_or_default().0;
    config.operator_tokens = o.operator_tokens.unwrap_or_default().0.into_iter().map(Secret::new).collect();
    config.app_id = o.app_id;
    config.bot_id = o.bot_id;
    config.static_dir = o.static_dir;
    let millis = |ms: u64| Duration::from_millis(ms.max(1));
    set(&mut config.upstream_timeout, o.upstream_timeout_ms.map(millis));
    set(&mut config.rate_per_second, o.rate_per_second);
    set(&mut config.rate_burst, o.rate_burst);
    set(&mut config.max_concurrency, o.max_concurrency);
    set(&mut config.header_read_timeout, o.header_read_timeout_ms.map(millis));
    set(&mut config.idle_timeout, o.idle_timeout_ms.map(millis));
    set(&mut config.body_read_timeout, o.body_read_timeout_ms.map(millis));
    set(&mut config.max_connections_per_client, o.max_connections_per_client);
    set(&mut config.max_connections, o.max_connections);
    if let Some(list) = o.trusted_proxies {
        config.trusted_proxies = parse_trusted_proxies(&list.0)?;
    }
    config.public_url = url(o.public_url);
    config.recording_base = url(o.recording_base);
    config.recording_hosts = o.recording_hosts.unwrap_or_default().0;
    config.recording_key = match (upper.recording_key, o.recording_key_file, file.recording_key.clone()) {
        (Some(key), _, _) | (None, None, Some(key)) => Some(Secret::new(key)),
        (None, Some(path), _) => Some(read_secret_file(&path)?),
        (None, None, None) => None,
    };
    if let Some(secs) = o.recording_link_secs {
        if secs == 0 {
            return Err(ConfigError("KEFU_RECORDING_LINK_SECS must be at least 1".into()));
        }
        config.recording_link_ttl = Duration::from_secs(secs);
    }
    config.sandbox_url = url(o.sandbox_url);
    if let Some(path) = o.upstream_ca_file {
        config.upstream_roots = crate::trust::read_ca_file(&path)?;
    }
    set(&mut config.batch_sends, o.batch_sends);
    if let Some(us) = o.idle_spin_us {
        if us > MAX_IDLE_SPIN_US {
            return Err(ConfigError(format!("KEFU_IDLE_SPIN_US must be at most {MAX_IDLE_SPIN_US}")));
        }
        config.idle_spin = Duration::from_micros(us);
    }
    for url in std::iter::once(&config.platform_url)
        .chain(config.outbound_url.as_ref())
        .chain(config.callcenter_url.as_ref())
        .chain(config.public_url.as_ref())
        .chain(config.recording_base.as_ref())
        .chain(config.sandbox_url.as_ref())
    {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ConfigError(format!("the URL {url:?} must start with http:// or https://")));
        }
    }
    Ok(Resolved { listen: o.listen.unwrap_or(DEFAULT_LISTEN), config })
}

/// Sets `field` when a value is given.
fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *field = value;
    }
}

/// Reads a secret from a file, trimming the trailing newline editors add.
pub fn read_secret_file(path: &Path) -> Result<Secret, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("cannot read the apisecret file {}: {e}", path.display())))?;
    Ok(Secret::new(text.trim_end_matches(['\r', '\n'])))
}

/// Splits a comma-separated list, dropping empty entries.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Result<Options, ConfigError> {
        let vars: Vec<(String, String)> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Options::from_env(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    fn args(argv: &[&str]) -> Options {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            options: Options,
        }
        <Cli as clap::Parser>::try_parse_from(std::iter::once("kefu-proxy").chain(argv.iter().copied()))
            .expect("valid arguments")
            .options
    }

    fn file(toml: &str) -> Options {
        toml::from_str(toml).expect("valid file")
    }

    fn error(r: Result<Resolved, ConfigError>) -> String {
        match r {
            Ok(_) => panic!("resolved where an error was expected"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn the_command_line_wins_over_the_environment_and_both_over_the_file() {
        let file = file(
            "apikey = \"file-key\"\napisecret = \"file-secret\"\nrate-burst = 7\nrate-per-second = 3\nidle-timeout-ms = 900\nallowed-origins = [\"https://file.example\"]\n",
        );
        let env = env(&[
            ("KEFU_APIKEY", "env-key"),
            ("KEFU_RATE_BURST", "8"),
            ("KEFU_ALLOWED_ORIGINS", "https://a.example, https://b.example"),
        ])
        .expect("env");
        let args = args(&["--rate-burst", "9"]);
        let r = resolve(&args, &env, &file).expect("resolves");
        assert_eq!(r.config.apikey, "env-key", "the environment over the file");
        assert_eq!(r.config.rate_burst, 9, "the command line over the environment");
        assert_eq!(r.config.rate_per_second, 3, "the file where nothing else gives it");
        assert_eq!(r.config.idle_timeout, Duration::from_millis(900));
        assert_eq!(r.config.allowed_origins, ["https://a.example", "https://b.example"]);
        assert_eq!(r.config.apisecret, Secret::new("file-secret"));
        assert_eq!(r.listen, DEFAULT_LISTEN, "the default for the rest");
        assert_eq!(r.config.platform_url, DEFAULT_PLATFORM_URL);
        assert_eq!(r.config.max_connections, 8192);
    }

    #[test]
    fn a_secret_file_from_a_higher_layer_hides_the_secret_below() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("secret");
        std::fs::write(&path, "from-the-file\n").expect("write");
        let file = file("apikey = \"k\"\napisecret = \"inline-in-the-file\"\n");
        let env = env(&[("KEFU_APISECRET_FILE", path.to_str().expect("utf-8"))]).expect("env");
        let r = resolve(&Options::default(), &env, &file).expect("resolves");
        assert_eq!(r.config.apisecret, Secret::new("from-the-file"));
        // In the file, its file wins; on the command line, the secret itself.
        let both = format!(
            "apikey = \"k\"\napisecret = \"inline\"\napisecret-file = {:?}\n",
            path.display().to_string()
        );
        let r = resolve(&Options::default(), &Options::default(), &self::file(&both)).expect("resolves");
        assert_eq!(r.config.apisecret, Secret::new("from-the-file"));
        let args = args(&["--apisecret", "given", "--apisecret-file", "/nonexistent"]);
        let r = resolve(&args, &env, &file).expect("resolves");
        assert_eq!(r.config.apisecret, Secret::new("given"));
        let env = self::env(&[("KEFU_RECORDING_KEY_FILE", path.to_str().expect("utf-8"))]).expect("env");
        let r = resolve(
            &Options::default(),
            &env,
            &self::file("apikey = \"k\"\napisecret = \"s\"\nrecording-key = \"x\"\n"),
        )
        .expect("resolves");
        assert_eq!(r.config.recording_key, Some(Secret::new("from-the-file")));
    }

    #[test]
    fn each_option_is_read_from_its_environment_variable() {
        let command = <Options as clap::Args>::augment_args(clap::Command::new("t"));
        let names: Vec<String> = command.get_arguments().filter_map(|a| a.get_long()).map(env_name).collect();
        // The variables the proxy has always read (before one list of settings made them).
        let known = "KEFU_LISTEN KEFU_APIKEY KEFU_APISECRET KEFU_APISECRET_FILE KEFU_PLATFORM_URL \
            KEFU_OUTBOUND_URL KEFU_CALLCENTER_URL KEFU_CALLCENTER_RECORDS_LIST_PATH \
            KEFU_CALLCENTER_CALLTASK_LIST_PATH KEFU_CALLCENTER_CREATE_TASKS_PATH \
            KEFU_CALLCENTER_STOP_TASKS_PATH KEFU_CALLCENTER_RECORDINGS_PATH KEFU_ALLOWED_ORIGINS \
            KEFU_OPERATOR_TOKENS KEFU_APP_ID KEFU_BOT_ID KEFU_STATIC_DIR KEFU_UPSTREAM_TIMEOUT_MS \
            KEFU_RATE_PER_SECOND KEFU_RATE_BURST KEFU_MAX_CONCURRENCY KEFU_HEADER_READ_TIMEOUT_MS \
            KEFU_IDLE_TIMEOUT_MS KEFU_BODY_READ_TIMEOUT_MS KEFU_MAX_CONNECTIONS_PER_CLIENT \
            KEFU_MAX_CONNECTIONS KEFU_TRUSTED_PROXIES KEFU_PUBLIC_URL KEFU_RECORDING_BASE \
            KEFU_RECORDING_HOSTS KEFU_RECORDING_KEY KEFU_RECORDING_KEY_FILE KEFU_RECORDING_LINK_SECS \
            KEFU_SANDBOX_URL KEFU_UPSTREAM_CA_FILE KEFU_BATCH_SENDS KEFU_IDLE_SPIN_US";
        assert_eq!(names, known.split_whitespace().collect::<Vec<_>>());
        assert_eq!(env_name("callcenter-stop-tasks-path"), "KEFU_CALLCENTER_STOP_TASKS_PATH");
        let o = env(&[
            ("KEFU_LISTEN", "127.0.0.1:0"),
            ("KEFU_TRUSTED_PROXIES", "10.0.0.0/8,192.0.2.1"),
            ("KEFU_OUTBOUND_URL", ""),
            ("KEFU_APISECRET", "-starts-with-a-dash"),
            ("OTHER", "ignored"),
        ])
        .expect("env");
        assert_eq!(o.listen, Some("127.0.0.1:0".parse().expect("addr")));
        assert_eq!(o.trusted_proxies, Some(List(vec!["10.0.0.0/8".into(), "192.0.2.1".into()])));
        assert_eq!(o.outbound_url.as_deref(), Some(""), "an empty value is given (and turns the family off)");
        assert_eq!(o.apisecret.as_deref(), Some("-starts-with-a-dash"));
    }

    #[test]
    fn an_upstream_ca_file_adds_its_authorities() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("egress-ca.pem");
        let ca =
            rcgen::generate_simple_self_signed(vec!["egress.example".to_owned()]).expect("a certificate");
        std::fs::write(&path, ca.cert.pem()).expect("write");
        let base = file("apikey = \"k\"\napisecret = \"s\"\n");
        let none = Options::default();
        let r = resolve(&none, &none, &base).expect("resolves");
        assert!(r.config.upstream_roots.is_empty(), "none by default: the webpki roots only");
        let env = env(&[("KEFU_UPSTREAM_CA_FILE", path.to_str().expect("utf-8"))]).expect("env");
        let r = resolve(&none, &env, &base).expect("resolves");
        assert_eq!(r.config.upstream_roots, [ca.cert.der().clone()]);
        let empty = self::env(&[("KEFU_UPSTREAM_CA_FILE", "")]).err().expect("an error").to_string();
        assert!(empty.contains("KEFU_UPSTREAM_CA_FILE"), "an empty path is refused, naming it: {empty}");
    }

    #[test]
    fn sends_are_batched_unless_turned_off_in_any_layer() {
        let base = file("apikey = \"k\"\napisecret = \"s\"\n");
        let none = Options::default();
        assert!(resolve(&none, &none, &base).expect("resolves").config.batch_sends);
        let off = file("apikey = \"k\"\napisecret = \"s\"\nbatch-sends = false\n");
        assert!(!resolve(&none, &none, &off).expect("resolves").config.batch_sends);
        let on = env(&[("KEFU_BATCH_SENDS", "true")]).expect("env");
        assert!(resolve(&none, &on, &off).expect("resolves").config.batch_sends, "the environment wins");
        let e = env(&[("KEFU_BATCH_SENDS", "sometimes")]).err().expect("an error").to_string();
        assert!(e.contains("KEFU_BATCH_SENDS"), "{e}");
    }

    #[test]
    fn the_idle_spin_is_50_us_unless_set_and_at_most_a_millisecond() {
        let base = file("apikey = \"k\"\napisecret = \"s\"\n");
        let none = Options::default();
        let spin = |o: &Options| resolve(&none, o, &base).map(|r| r.config.idle_spin);
        assert_eq!(spin(&none).expect("resolves"), Duration::from_micros(50));
        let off = env(&[("KEFU_IDLE_SPIN_US", "0")]).expect("env");
        assert_eq!(spin(&off).expect("resolves"), Duration::ZERO);
        let long = env(&[("KEFU_IDLE_SPIN_US", "1001")]).expect("env");
        let e = spin(&long).expect_err("an error").to_string();
        assert!(e.contains("KEFU_IDLE_SPIN_US"), "{e}");
    }

    #[test]
    fn a_bad_value_is_an_error_naming_its_setting() {
        let e = env(&[("KEFU_RATE_BURST", "many")]).err().expect("an error").to_string();
        assert!(e.contains("KEFU_RATE_BURST") && e.contains("many"), "{e}");
        let e = env(&[("KEFU_LISTEN", "nowhere")]).err().expect("an error").to_string();
        assert!(e.contains("KEFU_LISTEN"), "{e}");
        let e = toml::from_str::<Options>("rate-burst = \"x\"\n").err().expect("an error").to_string();
        assert!(e.contains("rate-burst"), "{e}");
        let e = toml::from_str::<Options>("rate-bust = 1\n").err().expect("an error").to_string();
        assert!(e.contains("rate-bust"), "an unknown key is refused: {e}");
        let base = file("apikey = \"k\"\napisecret = \"never-in-a-message\"\n");
        let none = Options::default();
        assert!(error(resolve(&none, &none, &Options::default())).contains("KEFU_APIKEY is required"));
        assert!(
            error(resolve(&none, &none, &file("apikey = \"k\"\n")))
                .contains("KEFU_APISECRET or KEFU_APISECRET_FILE")
        );
        let bad = |toml: &str| error(resolve(&none, &none, &base.clone().over_toml(toml)));
        assert!(bad("recording-link-secs = 0").contains("KEFU_RECORDING_LINK_SECS must be at least 1"));
        assert!(bad("platform-url = \"ftp://x\"").contains("must start with http"));
        assert!(bad("trusted-proxies = [\"nope\"]").contains("trusted proxy \"nope\""));
        assert!(bad("callcenter-stop-tasks-path = \"aicall/stopTasks\"").contains("stop-tasks path"));
        assert!(
            bad("upstream-ca-file = \"/nonexistent/ca.pem\"")
                .contains("cannot read the upstream CA file /nonexistent/ca.pem")
        );
        assert!(
            !bad("platform-url = \"ftp://x\"").contains("never-in-a-message"),
            "the secret is not in the message"
        );
    }

    impl Options {
        /// These settings with a few more from TOML over them.
        fn over_toml(self, toml: &str) -> Options {
            file(toml).over(&self).expect("merges")
        }
    }
}
