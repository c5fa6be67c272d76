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
    _process: Running,
    /// `http://127.0.0.1:PORT`.
    pub(crate) url: String,
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
    Ok(Server { _process: process, url })
}
