//! `cargo xtask demo`: builds the widget package and the console, starts kefu-sandbox and, in front of it,
//! kefu-proxy serving the demo pages, the package and the console (`/console/`) and receiving the sandbox's callbacks into a
//! SQLite store, and prints the URLs, the console's and the operator token each on a line of its
//! own.

use std::io::Read;

use crate::cmd::{self, Result, XtaskError, io};
use crate::console;
use crate::package;
use crate::servers;
use crate::setup::Tools;

/// Runs the demo until interrupted.
pub(crate) fn run(tools: &Tools, listen: &str) -> Result<()> {
    let site = site(tools)?;
    servers::build_servers()?;
    let operator_token = random_hex()?;
    let callback_token = random_hex()?;
    // The proxy's address is known before it starts unless the port is left to the system.
    let inbound_url =
        (!listen.ends_with(":0")).then(|| format!("http://{listen}/callbacks/{callback_token}/inbound"));
    let mut sandbox_args = Vec::new();
    if let Some(url) = &inbound_url {
        sandbox_args.extend(["--inbound-url", url.as_str()]);
    }
    let sandbox = servers::start_sandbox(&sandbox_args)?;
    let store_dir = cmd::root().join("target").join("demo");
    std::fs::create_dir_all(&store_dir).map_err(io(&store_dir))?;
    let store = store_dir.join("kefu.db");
    let mut env = servers::proxy_env(&sandbox.url, listen);
    env.push(("KEFU_STATIC_DIR", site.to_string_lossy().into_owned()));
    // The Vite example's dev server (www/vite-example) calls the proxy from its own origin.
    env.push(("KEFU_ALLOWED_ORIGINS", "http://localhost:5173,http://127.0.0.1:5173".to_owned()));
    env.push(("KEFU_OPERATOR_TOKENS", operator_token.clone()));
    env.push(("KEFU_STORE", format!("sqlite:{}", store.display())));
    env.push(("KEFU_CALLBACK_TOKEN", format!("demo:{callback_token}")));
    env.push(("KEFU_RECORDING_BASE", sandbox.url.clone()));
    // The console's simulated inbound call goes to this sandbox (POST /kefu/v1/sandbox/inbound).
    env.push(("KEFU_SANDBOX_URL", sandbox.url.clone()));
    let proxy = servers::start(&servers::binary("debug", "kefu-proxy"), &[], &env)?;
    let url = &proxy.url;
    println!();
    println!("kefu demo: open {url}/");
    println!("  h5 (web page, launcher):      {url}/h5.html");
    println!("  wx_mp (mini-program web-view): {url}/wx_mp.html");
    println!("  app (in-app WebView):          {url}/app.html");
    println!("  wx_oa (official-account H5):   {url}/wx_oa.html");
    println!("  wx_work (WeCom):               {url}/wx_work.html");
    println!("  theme (every --kefu-* colour): {url}/theme.html");
    println!(
        "widget in the browser -> kefu-proxy {url} (signs) -> kefu-sandbox {} (chat, outbound-bot and call-center routes alike).",
        sandbox.url
    );
    println!(
        "callbacks: a task added with team_url {url}/callbacks/{callback_token} is called by the sandbox,"
    );
    println!(
        "  which pushes its calls and grades there; results: GET {url}/kefu/v1/tasks (operator token), store {}",
        store.display()
    );
    match &inbound_url {
        Some(u) => println!("  inbound: POST {}/sandbox/inbound {{\"caller\":\"…\"}} asks {u}", sandbox.url),
        None => {
            println!("  inbound: not wired (the proxy's port is chosen at start; pass --listen with a port)")
        }
    }
    println!("console: {url}/console/");
    println!("operator token: {operator_token}");
    println!("Ctrl-C stops.");
    proxy.wait()
}

/// Builds the widget package and the console and assembles the site (`target/www`) around
/// them, with the Vite example built against the package; returns its folder.
pub(crate) fn site(tools: &Tools) -> Result<std::path::PathBuf> {
    let package = package::build(tools)?;
    let site = package::assemble_site(&package)?;
    package::build_vite_example(&site)?;
    let console = console::build(tools)?;
    console::add_to_site(&console, &site)?;
    println!("site: {} (the console under console/, the Vite example under vite/)", site.display());
    Ok(site)
}

/// 128 random bits as 32 hex digits (a demo's tokens, new each run).
fn random_hex() -> Result<String> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| XtaskError::new(format!("/dev/urandom: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
