//! `kefu-proxy`: signs and forwards the browser's allowed requests to the bot platform.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// mimalloc instead of glibc malloc: the proxy allocates and frees small buffers on every
/// request, and glibc's malloc/free were ~9% of its CPU under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use kefu_proxy::config::{FileConfig, read_secret_file, split_list};
use kefu_proxy::{Config, ConfigError, ProxyService, Secret, service};

/// The tiny signing proxy between browsers and the bot platform. Every option can also come
/// from the environment (shown) or from a TOML file given with --config (same names, kebab-case);
/// the command line and the environment win over the file.
#[derive(Parser)]
#[command(name = "kefu-proxy", version)]
struct Args {
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
    /// Seed 000 upstream (the outbound-call service) [default: the platform URL].
    #[arg(long, env = "KEFU_OUTBOUND_URL")]
    outbound_url: Option<String>,
    /// Seed 001 upstream (the call-center) [default: the platform URL].
    #[arg(long, env = "KEFU_CALLCENTER_URL")]
    callcenter_url: Option<String>,
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
}

#[tokio::main]
async fn main() -> ExitCode {
    kefu_serve::init_logging("kefu_proxy=info");
    match run(Args::parse()).await {
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
    config.outbound_url = args.outbound_url.or(file.outbound_url).unwrap_or_else(|| platform_url.clone());
    config.callcenter_url = args.callcenter_url.or(file.callcenter_url).unwrap_or(platform_url);
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
    for url in [&config.platform_url, &config.outbound_url, &config.callcenter_url] {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ConfigError(format!("upstream URL {url:?} must start with http:// or https://")));
        }
    }
    Ok((listen, config))
}

/// Serves on one single-threaded runtime per core, all accepting on the same `SO_REUSEPORT`
/// port. Each request, its handler and its upstream connection then stay on one thread (the
/// upstream client is per thread too); measured with `cargo xtask bench proxy`, this forwards
/// 25-30% more requests a second than one multi-threaded runtime, whose tasks woke each other
/// across threads on every request.
async fn serve_per_core(proxy: ProxyService, listen: SocketAddr) -> Result<(), Box<dyn std::error::Error>> {
    let first = bind_reuse(listen)?;
    let addr = first.local_addr()?;
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mut workers = Vec::with_capacity(cores);
    for i in 0..cores {
        let listener = if i == 0 { first.try_clone()? } else { bind_reuse(addr)? };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        workers.push((listener, runtime));
    }
    drop(first);
    kefu_serve::announce(addr);
    let (stop_tx, _) = tokio::sync::broadcast::channel::<()>(1);
    let mut threads = Vec::with_capacity(cores);
    for (std_listener, runtime) in workers {
        let proxy = proxy.clone();
        let stop = stop_tx.subscribe();
        threads.push(std::thread::spawn(move || {
            runtime.block_on(async move {
                match tokio::net::TcpListener::from_std(std_listener) {
                    Ok(listener) => serve_http1(listener, proxy, stop).await,
                    Err(e) => tracing::error!("listener: {e}"),
                }
            });
        }));
    }
    kefu_serve::shutdown_signal().await;
    let _ = stop_tx.send(());
    for t in threads {
        let _ = t.join();
    }
    Ok(())
}

/// Longest a graceful stop waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(30);

/// Serves HTTP/1.1 on `listener` until `stop`, then lets the requests in flight finish.
///
/// hyper's HTTP/1 connection directly rather than `axum::serve`, which sniffs every connection
/// for HTTP/2 and wraps it for upgrades: browsers speak HTTP/2 only over TLS, which ends in
/// front of this proxy, and it upgrades nothing.
async fn serve_http1(
    listener: tokio::net::TcpListener,
    proxy: ProxyService,
    mut stop: tokio::sync::broadcast::Receiver<()>,
) {
    let http = hyper::server::conn::http1::Builder::new();
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        let (tcp, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, most likely: wait rather than spin.
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = stop.recv() => break,
        };
        // Answers go out at once, as nginx's `tcp_nodelay on` does.
        let _ = tcp.set_nodelay(true);
        // One clone per connection; `ProxyService` is always ready, so `call` needs no `poll_ready`.
        let proxy = std::cell::RefCell::new(proxy.clone());
        let service =
            hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
                // The rate limiter keys on the client's address.
                request.extensions_mut().insert(axum::extract::ConnectInfo(remote));
                tower::Service::call(&mut *proxy.borrow_mut(), request)
            });
        let connection = graceful.watch(http.serve_connection(hyper_util::rt::TokioIo::new(tcp), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("connection from {remote}: {e}");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("stopped with requests still in flight after {DRAIN:?}");
    }
}

/// A listening socket with `SO_REUSEPORT`, so several threads can accept on one port.
fn bind_reuse(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let socket =
        if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    #[cfg(unix)]
    socket.set_reuseport(true)?;
    socket.bind(addr)?;
    socket.listen(1024)?.into_std()
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let (listen, config) = settings(args)?;
    tracing::info!(
        platform = %config.platform_url,
        outbound = %config.outbound_url,
        callcenter = %config.callcenter_url,
        operator_tokens = config.operator_tokens.len(),
        "starting"
    );
    let proxy = service(config)?;
    serve_per_core(proxy, listen).await?;
    tracing::info!("stopped");
    Ok(())
}
