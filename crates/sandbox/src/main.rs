//! `kefu-sandbox`: the platform's documented contract on your machine.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use kefu_sandbox::bot::{Bot, BotScript};
use kefu_sandbox::{Config, ErrorStyle, app};

/// A local implementation of the bot platform's three documented APIs, with a scripted bot.
#[derive(Parser)]
#[command(name = "kefu-sandbox", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port (printed at start).
    #[arg(long, default_value = "127.0.0.1:7700")]
    listen: String,
    /// A bot script (TOML, or JSON by extension); repeat for several bots. Default: the shipped
    /// mediation follow-up bot.
    #[arg(long = "bot")]
    bots: Vec<PathBuf>,
    /// The apikey callers sign with.
    #[arg(long, env = "KEFU_SANDBOX_APIKEY", default_value = "demo-key")]
    apikey: String,
    /// The apisecret callers sign with.
    #[arg(long, env = "KEFU_SANDBOX_APISECRET", default_value = "demo-secret", hide_env_values = true)]
    apisecret: String,
    /// The tenant id (`app_id`) of the apikey.
    #[arg(long, default_value = "200000000")]
    app_id: String,
    /// Seconds a chat session may stay idle before it expires.
    #[arg(long, default_value_t = 600)]
    session_ttl_secs: i64,
    /// Calls one outbound case may place (errorCode 1002 after that).
    #[arg(long, default_value_t = 3)]
    calls_per_case: usize,
    /// Milliseconds an outbound job stays Scheduling.
    #[arg(long, default_value_t = 2000)]
    call_schedule_ms: i64,
    /// How seed 002 failures are answered: `precise` (a distinct code per failure, see
    /// ERRORS.md) or `documented` (only HTTP 500 / an opaque negative code, as seed 002 shows).
    #[arg(long, env = "KEFU_SANDBOX_ERRORS", value_enum, default_value = "precise")]
    errors: ErrorStyle,
    /// Milliseconds an outbound job stays Executing.
    #[arg(long, default_value_t = 8000)]
    call_duration_ms: i64,
    /// Milliseconds between two calls of an uploaded batch whose task has a `team_url` (each
    /// call is pushed there as seed 002 §7, then the batch's §8 grades).
    #[arg(long, default_value_t = 1000)]
    dial_interval_ms: i64,
    /// Scales the push retry delays of 5, 10 and 15 s (e.g. 0.01 for tests).
    #[arg(long, default_value_t = 1.0)]
    retry_scale: f64,
    /// Milliseconds one push attempt or inbound lookup may take.
    #[arg(long, default_value_t = 10_000)]
    push_timeout_ms: u64,
    /// The seed 002 §9 inbound lookup URL that `POST /sandbox/inbound` asks.
    #[arg(long, env = "KEFU_SANDBOX_INBOUND_URL")]
    inbound_url: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    kefu_serve::init_logging("kefu_sandbox=info");
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kefu-sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let mut bots = Vec::new();
    for path in &args.bots {
        let name = path.display().to_string();
        bots.push(Bot::new(BotScript::load(path)?, &name)?);
    }
    let (listener, addr) = kefu_serve::listen(&args.listen).await?;
    let mut config = Config::new(args.apikey, args.apisecret);
    config.app_id = args.app_id;
    config.bots = bots;
    config.session_ttl_ms = args.session_ttl_secs.saturating_mul(1000);
    config.calls_per_case = args.calls_per_case;
    config.call_schedule_ms = args.call_schedule_ms;
    config.call_duration_ms = args.call_duration_ms;
    config.public_url = format!("http://{addr}");
    config.errors = args.errors;
    if !(args.retry_scale.is_finite() && args.retry_scale >= 0.0) {
        return Err(format!("--retry-scale must be a number ≥ 0, not {}", args.retry_scale).into());
    }
    config.dial_interval_ms = args.dial_interval_ms.max(0);
    config.retry_scale = args.retry_scale;
    config.push_timeout_ms = args.push_timeout_ms;
    config.inbound_url = args.inbound_url;
    // These are sandbox credentials, printed on purpose so a developer can sign requests.
    println!(
        "sandbox credentials: apikey={} apisecret={} app_id={}",
        config.apikey, config.apisecret, config.app_id
    );
    let router = app(config);
    kefu_serve::announce(addr);
    axum::serve(listener, router).with_graceful_shutdown(kefu_serve::shutdown_signal()).await?;
    Ok(())
}
