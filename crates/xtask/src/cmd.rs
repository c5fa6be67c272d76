//! Running commands: echo each one, stream its output, and turn failures into an error.

use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Why an xtask step failed.
#[derive(Debug)]
pub(crate) struct XtaskError(String);

impl XtaskError {
    pub(crate) fn new(msg: impl Into<String>) -> XtaskError {
        XtaskError(msg.into())
    }
}

impl fmt::Display for XtaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub(crate) type Result<T, E = XtaskError> = std::result::Result<T, E>;

/// The workspace root (the xtask crate sits at `crates/xtask`).
/// Turns an I/O error on `path` into an [`XtaskError`] that names the path.
pub(crate) fn io(path: &Path) -> impl Fn(std::io::Error) -> XtaskError + '_ {
    move |e| XtaskError::new(format!("{}: {e}", path.display()))
}

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).map(Path::to_path_buf).unwrap_or_default()
}

/// A command in the workspace root, with `path_prefix` put in front of `PATH`.
pub(crate) fn command(program: &str, args: &[&str], path_prefix: &[PathBuf]) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(root());
    if !path_prefix.is_empty() {
        let mut paths: Vec<PathBuf> = path_prefix.to_vec();
        paths.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
        if let Ok(joined) = std::env::join_paths(paths) {
            c.env("PATH", joined);
        }
    }
    c
}

fn describe(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs a command to completion, output to the terminal; fails on a non-zero exit.
pub(crate) fn run(mut c: Command) -> Result<()> {
    let what = describe(&c);
    println!("$ {what}");
    let status = c.status().map_err(|e| XtaskError::new(format!("cannot start `{what}`: {e}")))?;
    if status.success() { Ok(()) } else { Err(XtaskError::new(format!("`{what}` failed ({status})"))) }
}

/// Runs a command, streaming its standard output to ours and handing each line to `on_line`.
/// Returns whether it exited successfully.
pub(crate) fn run_streaming(mut c: Command, mut on_line: impl FnMut(&str)) -> Result<bool> {
    let what = describe(&c);
    println!("$ {what}");
    let mut child = c
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| XtaskError::new(format!("cannot start `{what}`: {e}")))?;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            println!("{line}");
            on_line(&line);
        }
    }
    let status = child.wait().map_err(|e| XtaskError::new(format!("`{what}`: {e}")))?;
    Ok(status.success())
}

/// The first line a command prints, when it runs and succeeds.
pub(crate) fn output_line(program: &str, args: &[&str], path_prefix: &[PathBuf]) -> Option<String> {
    let out = command(program, args, path_prefix).stderr(Stdio::null()).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout).lines().next().map(str::to_owned)
}
