//! Starting the project's servers for tests and benchmarks: each prints `listening on http://ADDR`
//! when ready, and is stopped when its handle is dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::cmd::{self, Result, XtaskError};

/// A running child process, killed when dropped.
pub(crate) struct Running(pub(crate) Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A server of ours, started and ready.
pub(crate) struct Server {
    process: Running,
    /// `http://127.0.0.1:PORT`.
    pub(crate) url: String,
}

impl Server {
    /// Waits until the server exits (for the demo, which runs until interrupted).
    pub(crate) fn wait(mut self) -> Result<()> {
        let status = self.process.0.wait().map_err(|e| XtaskError::new(e.to_string()))?;
        Err(XtaskError::new(format!("the server stopped ({status})")))
    }

    /// The server's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.process.0.id()
    }
}

/// Builds kefu-sandbox and kefu-proxy (debug).
pub(crate) fn build_servers() -> Result<()> {
    cmd::run(cmd::command("cargo", &["build", "--locked", "-p", "kefu-sandbox", "-p", "kefu-proxy"], &[]))
}

/// The sandbox's demo credentials, known to the proxies the xtask starts.
const SANDBOX_KEY: &str = "demo-key";
const SANDBOX_SECRET: &str = "demo-secret";

/// Starts the debug kefu-sandbox on a free port, with the demo credentials.
pub(crate) fn start_sandbox(extra: &[&str]) -> Result<Server> {
    start_sandbox_profile("debug", extra)
}

/// Starts the kefu-sandbox built with `profile` on a free port, with the demo credentials.
pub(crate) fn start_sandbox_profile(profile: &str, extra: &[&str]) -> Result<Server> {
    let mut args = vec!["--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    start(
        &binary(profile, "kefu-sandbox"),
        &args,
        &[("KEFU_SANDBOX_APIKEY", SANDBOX_KEY.into()), ("KEFU_SANDBOX_APISECRET", SANDBOX_SECRET.into())],
    )
}

/// The environment of a kefu-proxy on `listen` in front of `upstream` for all three API
/// families, with generous rate limits for tests. The seed 000 and 001 upstreams are given
/// explicitly: without them the proxy turns those routes off (JSON 503).
pub(crate) fn proxy_env(upstream: &str, listen: &str) -> Vec<(&'static str, String)> {
    vec![
        ("KEFU_LISTEN", listen.to_owned()),
        ("KEFU_APIKEY", SANDBOX_KEY.to_owned()),
        ("KEFU_APISECRET", SANDBOX_SECRET.to_owned()),
        ("KEFU_PLATFORM_URL", upstream.to_owned()),
        ("KEFU_OUTBOUND_URL", upstream.to_owned()),
        ("KEFU_CALLCENTER_URL", upstream.to_owned()),
        ("KEFU_RATE_PER_SECOND", "1000".to_owned()),
        ("KEFU_RATE_BURST", "1000".to_owned()),
        ("RUST_LOG", "warn".to_owned()),
    ]
}

/// A built binary of this workspace (`target/<profile>/<name>`).
pub(crate) fn binary(profile: &str, name: &str) -> PathBuf {
    cmd::root().join("target").join(profile).join(name)
}

/// Starts `program` with `envs` and waits for its `listening on http://…` line.
pub(crate) fn start(program: &Path, args: &[&str], envs: &[(&str, String)]) -> Result<Server> {
    let mut child = Command::new(program)
        .args(args)
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| XtaskError::new(format!("cannot start {}: {e}", program.display())))?;
    let out = child.stdout.take().ok_or_else(|| XtaskError::new("no stdout"))?;
    let process = Running(child);
    let mut lines = BufReader::new(out).lines();
    let url = lines
        .by_ref()
        .map_while(std::result::Result::ok)
        .find_map(|line| line.strip_prefix("listening on ").map(str::to_owned))
        .ok_or_else(|| XtaskError::new(format!("{} did not start", program.display())))?;
    // Keep reading (and dropping) its output so it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Ok(Server { process, url })
}
