//! How kefu's native servers (kefu-sandbox, kefu-proxy) run: they bind, print one
//! `listening on http://ADDR` line when ready (tests and `cargo xtask` wait for it; with port 0 it
//! names the port picked), log to stderr, and stop gracefully on SIGTERM or Ctrl-C. [`range`]
//! is how both answer `Range` requests for recordings.

pub mod range;

use std::net::SocketAddr;

use tokio::net::TcpListener;

/// A URL with any `user:password@` removed, for logs and for fetches that must not carry an
/// API's credentials (an `@` in the path or query is not userinfo).
pub fn without_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// Logs to stderr (stdout carries the ready line), filtered by `RUST_LOG` or else `default_filter`
/// (e.g. `"kefu_proxy=info"`).
pub fn init_logging(default_filter: &str) {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| default_filter.into()),
        )
        .with_writer(std::io::stderr)
        .init();
}

/// Binds `addr`, prints the ready line, and returns the listener with its actual address.
pub async fn listen(addr: &str) -> Result<(TcpListener, SocketAddr), String> {
    let listener = TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| format!("cannot read the bound address: {e}"))?;
    Ok((listener, local))
}

/// Prints the ready line. Call it when the server is about to accept connections.
pub fn announce(addr: SocketAddr) {
    println!("listening on http://{addr}");
}

/// Resolves on SIGTERM or Ctrl-C: pass it to `axum::serve(…).with_graceful_shutdown`.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}
