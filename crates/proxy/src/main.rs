//! `kefu-proxy`: signs and forwards the browser's allowed requests to the bot platform.

use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc instead of glibc malloc: the proxy allocates and frees small buffers on every
/// request, and glibc's malloc/free were ~9% of its CPU under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use kefu_proxy::mount::{Access, ClientIp, Mount};
use kefu_proxy::settings::{Options, Resolved, resolve};
use kefu_proxy::{Config, ConfigError, per_core, service_with_mounts};

/// The tiny signing proxy between browsers and the bot platform. Every option can also come
/// from the environment, as KEFU_ and its name in capitals (--rate-burst: KEFU_RATE_BURST), or
/// from a TOML file given with --config (same names, kebab-case: rate-burst = 100); the command
/// line wins over the environment, and both over the file.
#[derive(Parser)]
#[command(name = "kefu-proxy", version)]
struct Cli {
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
    /// The proxy's settings.
    #[command(flatten)]
    options: Options,
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
    kefu_serve::init_logging("kefu_proxy=info,kefu_callbacks=info,kefu_operator=info");
    let mut cli = Cli::parse();
    if let Some(Command::Contacts { action: ContactsAction::Import { file } }) = cli.command.take() {
        return match import_contacts(cli.store.as_deref(), &file).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("kefu-proxy: {e}");
                ExitCode::FAILURE
            }
        };
    }
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kefu-proxy: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The settings of the command line, the environment and the file `--config` names.
fn settings(cli: &Cli) -> Result<Resolved, ConfigError> {
    let file = match &cli.config {
        Some(path) => Options::load(path)?,
        None => Options::default(),
    };
    let env = Options::from_env(|name| std::env::var(name).ok())?;
    resolve(&cli.options, &env, &file)
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

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let Resolved { listen, config } = settings(&cli)?;
    let store = cli.store;
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
    per_core::serve_per_core(proxy, listen, kefu_serve::announce, kefu_serve::shutdown_signal()).await?;
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
