//! Developer commands for kefu, run as `cargo xtask <command>`.
//!
//! - `cargo xtask test`: installs what the suites need (idempotently, saying what it does), then
//!   runs formatting, lints, the native tests and the wasm build, and ends with one summary line
//!   per suite plus a total `N passed, M failed`.
//! - `cargo xtask setup`: only the installs.
//! - `cargo xtask demo`: the widget and the operators' console in a browser, through kefu-proxy,
//!   to kefu-sandbox.
//! - `cargo xtask site`: builds the demo site (`target/www`, with the console) without serving it.
//! - `cargo xtask size`: the widget's bytes (raw, gzip, brotli) against its budget.
//! - `cargo xtask imports`: import loops between the files of each crate.
//! - `cargo xtask tsc`: the client's and the widget's packages' TypeScript declarations under
//!   `tsc --strict`.
//! - `cargo xtask bench proxy`: the proxy's throughput and added latency.
//! - `cargo xtask bench load`: concurrent chats through proxy and sandbox, slow clients present.
//! - `cargo xtask bench callbacks`: the callback receiver's push throughput and answer times.
//! - `cargo xtask bench first-message`: time to the bot's first message in Chromium, against
//!   deep-chat.

mod bench;
mod bench_callbacks;
mod cmd;
mod console;
mod deliver;
mod demo;
mod first_message;
mod imports;
mod load;
mod package;
mod servers;
mod setup;
mod size;
mod suites;
mod typecheck;
mod wasm_names;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "kefu developer commands")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install what is missing, then run every test suite.
    Test {
        /// Skip the install step (for a machine known to be set up).
        #[arg(long)]
        no_setup: bool,
        /// Run only these suites (comma-separated, by their summary names: fmt, clippy,
        /// wasm-build, wasm-clippy, native, browser-client, browser-widget, tsc, npm-package, e2e).
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// Install what the test suites need, and nothing else.
    Setup,
    /// Run the demo: widget in a browser, through the proxy, to the sandbox.
    Demo {
        /// Where kefu-proxy listens (it serves the pages too).
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
    },
    /// Build the demo site into target/www (widget package, console), as the demo and the
    /// end-to-end tests serve it, without serving it.
    Site,
    /// Build the widget package and report its size against the budget.
    Size,
    /// Report import loops between the files of each crate (fails when there is one).
    Imports,
    /// Build the client's and the widget's npm packages and check their TypeScript declarations
    /// with `tsc --strict`.
    Tsc,
    /// Benchmarks (bounded, loopback only).
    Bench {
        #[command(subcommand)]
        what: BenchTarget,
    },
}

#[derive(Subcommand)]
enum BenchTarget {
    /// kefu-proxy against a fixed upstream, directly, and nginx+njs doing the same signing.
    Proxy {
        /// Seconds of each loaded run (light runs take half).
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=300))]
        seconds: u32,
        /// Concurrent connections of the loaded runs.
        #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=4096))]
        connections: u32,
        /// Loaded runs per target, taken in turn; the report gives their medians.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20))]
        rounds: u32,
    },
    /// Concurrent chats through kefu-proxy to kefu-sandbox, with slow clients connected.
    Load {
        /// Concurrent chats.
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=5000))]
        chats: u32,
        /// User inputs per chat.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=200))]
        turns: u32,
        /// Connections that trickle a never-finished request to the proxy throughout.
        #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(0..=5000))]
        slow_clients: u32,
    },
    /// The callback receiver in kefu-proxy with a SQLite store: pushes of 100 calls over HTTP.
    Callbacks {
        /// Calls in all (in pushes of 100).
        #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(100..=1_000_000))]
        calls: u64,
        /// Concurrent senders, one run per value (comma-separated).
        #[arg(long, default_value = "1,4", value_delimiter = ',', value_parser = clap::value_parser!(u64).range(1..=64))]
        senders: Vec<u64>,
        /// The store: a SQLite file, or a throwaway PostgreSQL cluster.
        #[arg(long, value_enum, default_value = "sqlite")]
        store: bench_callbacks::StoreKind,
    },
    /// Time to the bot's first message in headless Chromium (cold cache; a slow link and
    /// loopback) on the demo pages and on a deep-chat 2.4 page speaking the same botdm loop.
    FirstMessage {
        /// Visits of each page on each link; the report gives their medians.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=50))]
        rounds: u32,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Test { no_setup, only } => {
            let tools = if no_setup { setup::Tools::from_env() } else { setup::ensure() };
            tools.and_then(|tools| suites::run_all(&tools, &only))
        }
        Command::Setup => setup::ensure().map(|_| ()),
        Command::Bench { what: BenchTarget::Proxy { seconds, connections, rounds } } => {
            bench::proxy(&bench::BenchOptions { seconds, connections, rounds })
        }
        Command::Bench { what: BenchTarget::Load { chats, turns, slow_clients } } => {
            load::run(&load::LoadOptions { chats, turns, slow_clients })
        }
        Command::Bench { what: BenchTarget::Callbacks { calls, senders, store } } => {
            bench_callbacks::callbacks(&bench_callbacks::CallbacksOptions {
                store,
                calls: calls as usize,
                senders: senders.into_iter().map(|s| s as usize).collect(),
            })
        }
        Command::Bench { what: BenchTarget::FirstMessage { rounds } } => setup::ensure_first_message()
            .and_then(|tools| first_message::run(&tools, &first_message::FirstMessageOptions { rounds })),
        Command::Demo { listen } => setup::ensure_build_tools().and_then(|tools| demo::run(&tools, &listen)),
        Command::Site => setup::ensure_build_tools().and_then(|tools| demo::site(&tools)).map(drop),
        Command::Imports => imports::run(),
        Command::Size => setup::ensure_build_tools().and_then(|tools| size::run(&tools)),
        Command::Tsc => setup::ensure_build_tools()
            .and_then(|tools| setup::typescript().map(|()| tools))
            .and_then(|tools| typecheck::run(&tools)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
