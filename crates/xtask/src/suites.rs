//! The test suites, each ending in a one-line summary.

use crate::cmd::{self, Result, XtaskError};
use crate::setup::Tools;

/// What one suite came to.
struct Outcome {
    name: &'static str,
    passed: u64,
    failed: u64,
    /// For suites that are checks rather than counted tests.
    note: &'static str,
}

/// Runs every suite, prints the summaries, and fails if any suite failed.
pub(crate) fn run_all(tools: &Tools) -> Result<()> {
    let outcomes = vec![
        check("fmt", "formatting", cmd::command("cargo", &["fmt", "--all", "--check"], &[]))?,
        check(
            "clippy",
            "lints, warnings denied",
            cmd::command(
                "cargo",
                &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"],
                &tools.path_prefix,
            ),
        )?,
        check(
            "wasm-build",
            "browser crates build for wasm32",
            cmd::command(
                "cargo",
                &[
                    "build",
                    "--locked",
                    "-p",
                    "kefu-protocol",
                    "-p",
                    "kefu-client",
                    "--target",
                    "wasm32-unknown-unknown",
                ],
                &tools.path_prefix,
            ),
        )?,
        cargo_tests(
            "native",
            cmd::command("cargo", &["test", "--workspace", "--locked", "--no-fail-fast"], &tools.path_prefix),
        )?,
    ];
    println!();
    println!("== summary");
    let (mut passed, mut failed) = (0, 0);
    for o in &outcomes {
        if o.note.is_empty() {
            println!("{}: {} passed, {} failed", o.name, o.passed, o.failed);
        } else {
            println!("{}: {} ({})", o.name, if o.failed == 0 { "ok" } else { "FAILED" }, o.note);
        }
        passed += o.passed;
        failed += o.failed;
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 { Ok(()) } else { Err(XtaskError::new(format!("{failed} failed"))) }
}

/// A suite that is one command: passes when it exits 0.
fn check(name: &'static str, note: &'static str, c: std::process::Command) -> Result<Outcome> {
    println!("\n== {name}: {note}");
    let ok = cmd::run(c).is_ok();
    Ok(Outcome { name, passed: u64::from(ok), failed: u64::from(!ok), note })
}

/// A `cargo test` run, counted from its `test result:` lines.
fn cargo_tests(name: &'static str, c: std::process::Command) -> Result<Outcome> {
    println!("\n== {name}: cargo tests");
    let (mut passed, mut failed) = (0, 0);
    let ok = cmd::run_streaming(c, |line| {
        if let Some((p, f)) = parse_test_result(line) {
            passed += p;
            failed += f;
        }
    })?;
    if !ok && failed == 0 {
        // It failed before any test ran (say, a compile error): count that as one failure.
        failed = 1;
    }
    Ok(Outcome { name, passed, failed, note: "" })
}

/// Reads `test result: ok. 21 passed; 0 failed; …`.
fn parse_test_result(line: &str) -> Option<(u64, u64)> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let count = |word: &str| -> Option<u64> {
        rest.split(';').find_map(|part| {
            part.trim()
                .trim_start_matches("ok. ")
                .trim_start_matches("FAILED. ")
                .strip_suffix(word)?
                .trim()
                .parse()
                .ok()
        })
    };
    Some((count(" passed")?, count(" failed")?))
}

#[cfg(test)]
mod tests {
    use super::parse_test_result;

    #[test]
    fn reads_cargo_test_summaries() {
        assert_eq!(
            parse_test_result(
                "test result: ok. 21 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s"
            ),
            Some((21, 0))
        );
        assert_eq!(parse_test_result("test result: FAILED. 3 passed; 2 failed; 0 ignored"), Some((3, 2)));
        assert_eq!(parse_test_result("running 3 tests"), None);
    }
}
