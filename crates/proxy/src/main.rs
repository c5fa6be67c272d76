//! `kefu-proxy`: signs and forwards the browser's allowed requests to the bot platform.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// mimalloc instead of glibc malloc: the proxy allocates and frees small buffers on every
/// request, and glibc's malloc/free were ~9% of its CPU under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use kefu_proxy::config::{FileConfig, parse_trusted_proxies, read_secret_file, split_list};
use kefu_proxy::mount::{Access, ClientIp, Mount};
use kefu_proxy::{Config, ConfigError, Secret, server, service_with_mounts};

/// The tiny signing proxy between browsers and the bot platform. Every option can also come
/// from the environment (shown) or from a TOML file given with --config (same names, kebab-case);
/// the command line and the environment win over the file.
#[derive(Parser)]
#[command(name = "kefu-proxy", version)]
struct Args {
    /// What to do instead of serving.
    #[command(subcommand)]
    command: Option<Command>,
    /// The callbacks store (`sqlite:PATH` or `postgres://…`): when set, the proxy also receives
    /// the platform's callbacks (`/callbacks/TOKEN`, with KEFU_CALLBACK_TOKEN) and serves their
    /// results to operators (`/kefu/v1/…`).
    #[arg(long, env = "KEFU_STORE", hide_env_values = true, global = true)]
    store: Option<String>,
    /// A TOML configuration file.
    #[arg(long, env = "KEFU_PROXY_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "KEFU_LISTEN")]
    listen: Option<SocketAddr>,
    /// The platform apikey.
    #[arg(long, env = "KEFU_APIKEY")]
    apikey: Option<String>,
    /// The platform apisecret (prefer KEFU_APISECRET_FILE); never logged.
    #[arg(long, env = "KEFU_APISECRET", hide_env_values = true)]
    apisecret: Option<String>,
    /// A file holding the platform apisecret.
    #[arg(long, env = "KEFU_APISECRET_FILE")]
    apisecret_file: Option<PathBuf>,
    /// Seed 002 upstream (the bot platform) [default: https://api.xinyaoai.com].
    #[arg(long, env = "KEFU_PLATFORM_URL")]
    platform_url: Option<String>,
    /// Seed 000 upstream (the outbound-call service) [default: none, its routes answer 503].
    #[arg(long, env = "KEFU_OUTBOUND_URL")]
    outbound_url: Option<String>,
    /// Seed 001 upstream (the call-center) [default: none, its routes answer 503].
    #[arg(long, env = "KEFU_CALLCENTER_URL")]
    callcenter_url: Option<String>,
    /// Seed 001 upstream path of records/list [default: /api/aicall/records/list].
    #[arg(long, env = "KEFU_CALLCENTER_RECORDS_LIST_PATH")]
    callcenter_records_list_path: Option<String>,
    /// Seed 001 upstream path of calltask/list [default: /api/aicall/calltask/list].
    #[arg(long, env = "KEFU_CALLCENTER_CALLTASK_LIST_PATH")]
    callcenter_calltask_list_path: Option<String>,
    /// Seed 001 upstream path of createTasks [default: /api/aicall/createTasks].
    #[arg(long, env = "KEFU_CALLCENTER_CREATE_TASKS_PATH")]
    callcenter_create_tasks_path: Option<String>,
    /// Seed 001 upstream path of stopTasks [default: /aicall/stopTasks, as the document has it].
    #[arg(long, env = "KEFU_CALLCENTER_STOP_TASKS_PATH")]
    callcenter_stop_tasks_path: Option<String>,
    /// Seed 001 upstream path of the recordings [default: /recordings/files].
    #[arg(long, env = "KEFU_CALLCENTER_RECORDINGS_PATH")]
    callcenter_recordings_path: Option<String>,
    /// Comma-separated origins allowed to call from a browser (CORS).
    #[arg(long, env = "KEFU_ALLOWED_ORIGINS")]
    allowed_origins: Option<String>,
    /// Comma-separated bearer tokens for operator routes; none: operator routes are closed.
    #[arg(long, env = "KEFU_OPERATOR_TOKENS", hide_env_values = true)]
    operator_tokens: Option<String>,
    /// Pin chat start to this app_id.
    #[arg(long, env = "KEFU_APP_ID")]
    app_id: Option<String>,
    /// Pin chat start to this bot_id.
    #[arg(long, env = "KEFU_BOT_ID")]
    bot_id: Option<String>,
    /// Serve this folder for GET requests outside the API.
    #[arg(long, env = "KEFU_STATIC_DIR")]
    static_dir: Option<PathBuf>,
    /// Upstream timeout in milliseconds [default: 10000].
    #[arg(long, env = "KEFU_UPSTREAM_TIMEOUT_MS")]
    upstream_timeout_ms: Option<u64>,
    /// Requests a second per client IP [default: 20].
    #[arg(long, env = "KEFU_RATE_PER_SECOND")]
    rate_per_second: Option<u64>,
    /// Burst per client IP [default: 60].
    #[arg(long, env = "KEFU_RATE_BURST")]
    rate_burst: Option<u32>,
    /// Requests in flight at once [default: 512].
    #[arg(long, env = "KEFU_MAX_CONCURRENCY")]
    max_concurrency: Option<usize>,
    /// Longest wait for a whole request head, in milliseconds [default: 10000].
    #[arg(long, env = "KEFU_HEADER_READ_TIMEOUT_MS")]
    header_read_timeout_ms: Option<u64>,
    /// Longest a connection may sit idle between requests, in milliseconds [default: 5000].
    #[arg(long, env = "KEFU_IDLE_TIMEOUT_MS")]
    idle_timeout_ms: Option<u64>,
    /// Longest wait for a whole request body, in milliseconds [default: 30000].
    #[arg(long, env = "KEFU_BODY_READ_TIMEOUT_MS")]
    body_read_timeout_ms: Option<u64>,
    /// Connections open at once from one client address [default: 128].
    #[arg(long, env = "KEFU_MAX_CONNECTIONS_PER_CLIENT")]
    max_connections_per_client: Option<usize>,
    /// Connections open at once in all [default: 8192].
    #[arg(long, env = "KEFU_MAX_CONNECTIONS")]
    max_connections: Option<usize>,
    /// Comma-separated CIDRs of proxies whose Forwarded / X-Forwarded-For name the client.
    #[arg(long, env = "KEFU_TRUSTED_PROXIES")]
    trusted_proxies: Option<String>,
    /// The proxy's public base URL, e.g. https://kefu.example.com behind a TLS terminator
    /// [default: http:// and each request's Host].
    #[arg(long, env = "KEFU_PUBLIC_URL")]
    public_url: Option<String>,
    /// Where relative §7 record_urls point [default: the platform URL].
    #[arg(long, env = "KEFU_RECORDING_BASE")]
    recording_base: Option<String>,
    /// Comma-separated origins recordings may also be fetched from (e.g. seed 000's object
    /// storage), besides the upstreams and the recording base.
    #[arg(long, env = "KEFU_RECORDING_HOSTS")]
    recording_hosts: Option<String>,
    /// The key recording links are signed with, at least 32 bytes; the same on every replica
    /// [default: random, made at start].
    #[arg(long, env = "KEFU_RECORDING_KEY", hide_env_values = true)]
    recording_key: Option<String>,
    /// A file holding the recording-link key.
    #[arg(long, env = "KEFU_RECORDING_KEY_FILE")]
    recording_key_file: Option<PathBuf>,
    /// How long a recording link works, in seconds [default: 300].
    #[arg(long, env = "KEFU_RECORDING_LINK_SECS")]
    recording_link_secs: Option<u64>,
    /// A kefu-sandbox's URL: turns on POST /kefu/v1/sandbox/inbound (simulated inbound calls,
    /// development only) [default: none].
    #[arg(long, env = "KEFU_SANDBOX_URL")]
    sandbox_url: Option<String>,
}

/// Commands besides serving.
#[derive(Subcommand)]
enum Command {
    /// The §9 contacts directory in the store (KEFU_STORE).
    Contacts {
        /// What to do with it.
        #[command(subcommand)]
        action: ContactsAction,
    },
}

/// What to do with the contacts.
#[derive(Subcommand)]
enum ContactsAction {
    /// Imports (adds or replaces by phone) the contacts of a .csv or .xlsx file, and lists the
    /// rows that could not be imported with their line numbers.
    Import {
        /// The file.
        file: PathBuf,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    kefu_serve::init_logging("kefu_proxy=info,kefu_callbacks=info");
    let mut args = Args::parse();
    if let Some(Command::Contacts { action: ContactsAction::Import { file } }) = args.command.take() {
        return match import_contacts(args.store.as_deref(), &file).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("kefu-proxy: {e}");
                ExitCode::FAILURE
            }
        };
    }
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kefu-proxy: {e}");
            ExitCode::FAILURE
        }
    }
}

fn settings(args: Args) -> Result<(SocketAddr, Config), ConfigError> {
    let file = match &args.config {
        Some(path) => FileConfig::load(path)?,
        None => FileConfig::default(),
    };
    let listen = args.listen.or(file.listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    let apikey = args.apikey.or(file.apikey).ok_or_else(|| ConfigError("KEFU_APIKEY is required".into()))?;
    let secret = match (args.apisecret, args.apisecret_file.or(file.apisecret_file), file.apisecret) {
        (Some(s), _, _) => Secret::new(s),
        (None, Some(path), _) => read_secret_file(&path)?,
        (None, None, Some(s)) => Secret::new(s),
        (None, None, None) => {
            return Err(ConfigError("KEFU_APISECRET or KEFU_APISECRET_FILE is required".into()));
        }
    };
    if secret.is_empty() {
        return Err(ConfigError("the apisecret is empty".into()));
    }
    let platform_url =
        args.platform_url.or(file.platform_url).unwrap_or_else(|| "https://api.xinyaoai.com".into());
    let mut config = Config::new(apikey, secret, platform_url.clone());
    config.outbound_url = args.outbound_url.or(file.outbound_url).filter(|url| !url.is_empty());
    config.callcenter_url = args.callcenter_url.or(file.callcenter_url).filter(|url| !url.is_empty());
    let paths = &mut config.callcenter_paths;
    for (arg, from_file, path) in [
        (args.callcenter_records_list_path, file.callcenter_records_list_path, &mut paths.records_list),
        (args.callcenter_calltask_list_path, file.callcenter_calltask_list_path, &mut paths.calltask_list),
        (args.callcenter_create_tasks_path, file.callcenter_create_tasks_path, &mut paths.create_tasks),
        (args.callcenter_stop_tasks_path, file.callcenter_stop_tasks_path, &mut paths.stop_tasks),
        (args.callcenter_recordings_path, file.callcenter_recordings_path, &mut paths.recordings),
    ] {
        if let Some(value) = arg.or(from_file) {
            *path = value;
        }
    }
    kefu_proxy::config::validate_callcenter_paths(&config.callcenter_paths)?;
    config.allowed_origins =
        args.allowed_origins.map(|s| split_list(&s)).or(file.allowed_origins).unwrap_or_default();
    config.operator_tokens = args
        .operator_tokens
        .map(|s| split_list(&s))
        .or(file.operator_tokens)
        .unwrap_or_default()
        .into_iter()
        .map(Secret::new)
        .collect();
    config.app_id = args.app_id.or(file.app_id);
    config.bot_id = args.bot_id.or(file.bot_id);
    config.static_dir = args.static_dir.or(file.static_dir);
    if let Some(ms) = args.upstream_timeout_ms.or(file.upstream_timeout_ms) {
        config.upstream_timeout = Duration::from_millis(ms.max(1));
    }
    if let Some(n) = args.rate_per_second.or(file.rate_per_second) {
        config.rate_per_second = n;
    }
    if let Some(n) = args.rate_burst.or(file.rate_burst) {
        config.rate_burst = n;
    }
    if let Some(n) = args.max_concurrency.or(file.max_concurrency) {
        config.max_concurrency = n;
    }
    let millis = |ms: u64| Duration::from_millis(ms.max(1));
    if let Some(ms) = args.header_read_timeout_ms.or(file.header_read_timeout_ms) {
        config.header_read_timeout = millis(ms);
    }
    if let Some(ms) = args.idle_timeout_ms.or(file.idle_timeout_ms) {
        config.idle_timeout = millis(ms);
    }
    if let Some(ms) = args.body_read_timeout_ms.or(file.body_read_timeout_ms) {
        config.body_read_timeout = millis(ms);
    }
    if let Some(n) = args.max_connections_per_client.or(file.max_connections_per_client) {
        config.max_connections_per_client = n;
    }
    if let Some(n) = args.max_connections.or(file.max_connections) {
        config.max_connections = n;
    }
    if let Some(list) = args.trusted_proxies.map(|s| split_list(&s)).or(file.trusted_proxies) {
        config.trusted_proxies = parse_trusted_proxies(&list)?;
    }
    config.public_url = args.public_url.or(file.public_url).filter(|u| !u.is_empty());
    config.recording_base = args.recording_base.or(file.recording_base).filter(|u| !u.is_empty());
    config.recording_hosts =
        args.recording_hosts.map(|s| split_list(&s)).or(file.recording_hosts).unwrap_or_default();
    config.recording_key = match (args.recording_key, args.recording_key_file.or(file.recording_key_file)) {
        (Some(key), _) => Some(Secret::new(key)),
        (None, Some(path)) => Some(read_secret_file(&path)?),
        (None, None) => None,
    };
    if let Some(secs) = args.recording_link_secs.or(file.recording_link_secs) {
        if secs == 0 {
            return Err(ConfigError("KEFU_RECORDING_LINK_SECS must be at least 1".into()));
        }
        config.recording_link_ttl = Duration::from_secs(secs);
    }
    config.sandbox_url = args.sandbox_url.or(file.sandbox_url).filter(|u| !u.is_empty());
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
    Ok((listen, config))
}

/// `kefu-proxy contacts import FILE`.
async fn import_contacts(
    store: Option<&str>,
    file: &std::path::Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let url =
        store.ok_or_else(|| ConfigError("KEFU_STORE (or --store) is required to import contacts".into()))?;
    let store = kefu_callbacks::Store::open(url).await?;
    let report = kefu_callbacks::contacts::import_file(&store, file).await;
    store.close().await;
    let report = report?;
    println!("imported {} contacts into {}", report.imported, store_description(url));
    if !report.rejected.is_empty() {
        println!("{} rows not imported:", report.rejected.len());
        for row in &report.rejected {
            println!("  line {}: {}", row.line, row.reason);
        }
    }
    Ok(())
}

/// The store URL for the log: a SQLite path as it is; a PostgreSQL URL without its
/// `user:password@` and without its query (which may hold a password).
fn store_description(url: &str) -> String {
    if url.starts_with("sqlite:") {
        return url.to_owned();
    }
    let bare = kefu_proxy::config::without_userinfo(url);
    bare.split(['?', '#']).next().unwrap_or_default().to_owned()
}

/// The callback receiver, when a store is configured.
async fn receiver(
    store: Option<&str>,
    config: &Config,
) -> Result<Option<kefu_callbacks::Receiver>, Box<dyn std::error::Error>> {
    let Some(url) = store else {
        tracing::info!("callbacks: off (set KEFU_STORE and KEFU_CALLBACK_TOKEN to receive them)");
        return Ok(None);
    };
    let mut settings = kefu_callbacks::Settings::from_env()?;
    if config.recording_base.is_some() {
        settings.recording_base.clone_from(&config.recording_base);
    }
    let labels: Vec<&str> = settings.tokens.iter().map(|t| t.label()).collect();
    tracing::info!(
        store = %store_description(url),
        labels = %labels.join(","),
        allow = settings.allow.as_ref().map_or(0, Vec::len),
        "callbacks: on"
    );
    let store = kefu_callbacks::Store::open(url).await?;
    Ok(Some(kefu_callbacks::Receiver::new(settings, store)))
}

/// The callback receiver's mounts: the push routes public (their token is their secret) and
/// without the per-client rate limit, the result routes for operators.
fn callback_mounts(receiver: &kefu_callbacks::Receiver) -> Vec<Mount> {
    let not_found = || async { kefu_callbacks::Error::NotFound };
    let push = receiver.push_router().fallback(not_found).method_not_allowed_fallback(not_found);
    // The allow-list checks the client as the proxy resolved it (through trusted proxies).
    let push = tower::ServiceBuilder::new()
        .map_request(|mut request: axum::http::Request<axum::body::Body>| {
            if let Some(ClientIp(ip)) = request.extensions().get::<ClientIp>().copied() {
                request.extensions_mut().insert(kefu_callbacks::PeerAddr(ip));
            }
            request
        })
        .service(push);
    let results = receiver.results_router().fallback(not_found).method_not_allowed_fallback(not_found);
    vec![
        Mount::new("callbacks", "/callbacks", Access::Public, push).without_rate_limit(),
        Mount::new("results", "/kefu/v1", Access::Operator, results),
    ]
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let store = args.store.clone();
    let (listen, config) = settings(args)?;
    for family in config.route_families() {
        tracing::info!("routes: {family}");
    }
    let receiver = receiver(store.as_deref(), &config).await?;
    // The console's routes first: they are under the results' `/kefu/v1`.
    let mut mounts = kefu_proxy::console::mounts(&config, receiver.as_ref())?;
    mounts.extend(receiver.as_ref().map(callback_mounts).unwrap_or_default());
    tracing::info!(
        operator_tokens = config.operator_tokens.len(),
        trusted_proxies = config.trusted_proxies.len(),
        header_read_timeout_ms = config.header_read_timeout.as_millis() as u64,
        idle_timeout_ms = config.idle_timeout.as_millis() as u64,
        body_read_timeout_ms = config.body_read_timeout.as_millis() as u64,
        max_connections = config.max_connections,
        max_connections_per_client = config.max_connections_per_client,
        "starting"
    );
    raise_fd_limit(config.max_connections);
    let proxy = service_with_mounts(config, mounts)?;
    server::serve_per_core(proxy, listen, kefu_serve::announce, kefu_serve::shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Raises the soft open-files limit to the hard one: each connection is a descriptor, and the
/// usual soft limit (1024) is below the default connection cap.
fn raise_fd_limit(max_connections: usize) {
    match rlimit::increase_nofile_limit(u64::MAX) {
        // A few for the upstream pool, listeners and logs besides the client connections.
        Ok(limit) if limit < max_connections as u64 + 64 => tracing::warn!(
            limit,
            max_connections,
            "the open-files limit is below the connection cap; raise it (ulimit -n) or lower KEFU_MAX_CONNECTIONS"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!("cannot raise the open-files limit: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::store_description;

    #[test]
    fn the_store_is_described_without_credentials() {
        assert_eq!(store_description("sqlite:/var/lib/kefu/kefu.db"), "sqlite:/var/lib/kefu/kefu.db");
        assert_eq!(
            store_description("postgres://kefu:s3cret@db.internal:5432/kefu?password=other&sslmode=require"),
            "postgres://db.internal:5432/kefu"
        );
        assert_eq!(store_description("postgresql://db/kefu"), "postgresql://db/kefu");
    }
}
