//! `cargo xtask demo`: builds the widget package, starts kefu-sandbox and, in front of it,
//! kefu-proxy serving the demo pages and the package, and prints the URL to open.

use crate::cmd::Result;
use crate::package;
use crate::servers;
use crate::setup::Tools;

/// Runs the demo until interrupted.
pub(crate) fn run(tools: &Tools, listen: &str) -> Result<()> {
    let package = package::build(tools)?;
    let site = package::assemble_site(&package)?;
    servers::build_servers()?;
    let sandbox = servers::start_sandbox(&[])?;
    let mut env = servers::proxy_env(&sandbox.url, listen);
    env.push(("KEFU_STATIC_DIR", site.to_string_lossy().into_owned()));
    // The Vite example's dev server (www/vite-example) calls the proxy from its own origin.
    env.push(("KEFU_ALLOWED_ORIGINS", "http://localhost:5173,http://127.0.0.1:5173".to_owned()));
    let proxy = servers::start(&servers::binary("debug", "kefu-proxy"), &[], &env)?;
    let url = &proxy.url;
    println!();
    println!("kefu demo: open {url}/");
    println!("  h5 (web page, launcher):      {url}/h5.html");
    println!("  wx_mp (mini-program web-view): {url}/wx_mp.html");
    println!("  app (in-app WebView):          {url}/app.html");
    println!(
        "widget in the browser -> kefu-proxy {url} (signs) -> kefu-sandbox {} (chat, outbound-bot and call-center routes alike). Ctrl-C stops.",
        sandbox.url
    );
    proxy.wait()
}
