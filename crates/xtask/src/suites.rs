//! The test suites, each ending in a one-line summary.

use crate::cmd::{self, Result, XtaskError, io};
use crate::setup::Tools;
use crate::{demo, package, servers, typecheck};

/// The browser crates, built for the browser.
const BROWSER_CRATES: [&str; 10] = [
    "-p",
    "kefu-protocol",
    "-p",
    "kefu-client",
    "-p",
    "kefu-widget",
    "-p",
    "kefu-console",
    "--target",
    "wasm32-unknown-unknown",
];

/// `cargo <verb> --locked <browser crates> <extra…>`.
fn browser_crates(verb: &str, extra: &[&str], tools: &Tools) -> std::process::Command {
    let mut args = vec![verb, "--locked"];
    args.extend_from_slice(&BROWSER_CRATES);
    args.extend_from_slice(extra);
    cmd::command("cargo", &args, &tools.path_prefix)
}

/// What one suite came to.
struct Outcome {
    name: &'static str,
    passed: u64,
    failed: u64,
    /// For suites that are checks rather than counted tests.
    note: &'static str,
}

/// Runs every suite, prints the summaries, and fails if any suite failed.
pub(crate) fn run_all(tools: &Tools, only: &[String]) -> Result<()> {
    let wants = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    let unknown: Vec<&String> = only.iter().filter(|o| !SUITES.contains(&o.as_str())).collect();
    if !unknown.is_empty() {
        return Err(XtaskError::new(format!("no suite {unknown:?}; the suites: {}", SUITES.join(", "))));
    }
    let mut outcomes = Vec::new();
    if wants("fmt") {
        outcomes.push(check("fmt", "formatting", cmd::command("cargo", &["fmt", "--all", "--check"], &[]))?);
    }
    if wants("clippy") {
        outcomes.push(check(
            "clippy",
            "lints, warnings denied",
            cmd::command(
                "cargo",
                &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"],
                &tools.path_prefix,
            ),
        )?);
    }
    if wants("wasm-build") {
        outcomes.push(check(
            "wasm-build",
            "browser crates build for wasm32",
            browser_crates("build", &[], tools),
        )?);
    }
    if wants("wasm-clippy") {
        outcomes.push(check(
            "wasm-clippy",
            "browser crates' wasm-only code, warnings denied",
            browser_crates("clippy", &["--all-targets", "--", "-D", "warnings"], tools),
        )?);
    }
    if wants("native") {
        outcomes.push(cargo_tests(
            "native",
            cmd::command(
                "cargo",
                &["test", "--workspace", "--exclude", "kefu-e2e", "--locked", "--no-fail-fast"],
                &tools.path_prefix,
            ),
        )?);
    }
    if wants("yew-fork") {
        outcomes.push(yew_fork(tools)?);
    }
    if SUITES[6..].iter().any(|name| wants(name)) {
        outcomes.extend(browser(tools, &wants)?);
    }
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

/// Every suite, by the name its summary line gives (`cargo xtask test --only NAME,…`); those
/// from the seventh on need the servers.
pub(crate) const SUITES: [&str; 11] = [
    "fmt",
    "clippy",
    "wasm-build",
    "wasm-clippy",
    "native",
    "yew-fork",
    "browser-client",
    "browser-widget",
    "tsc",
    "npm-package",
    "e2e",
];

/// A suite that is one command: passes when it exits 0.
fn check(name: &'static str, note: &'static str, c: std::process::Command) -> Result<Outcome> {
    println!("\n== {name}: {note}");
    let ok = cmd::run(c).is_ok();
    Ok(Outcome { name, passed: u64::from(ok), failed: u64::from(!ok), note })
}

/// A `cargo test` run, counted from its `test result:` lines.
fn cargo_tests(name: &'static str, c: std::process::Command) -> Result<Outcome> {
    println!("\n== {name}: tests");
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

/// Yew's own unit tests, run on kefu's patched copy (`vendor/yew`, see its `KEFU-PATCH.md`) in
/// headless Chromium, so the patches are shown to keep Yew's behaviour.
///
/// One test is skipped: `non_bubbling` waits for a `focus` event, which headless Chromium does
/// not fire in a window without focus; it fails the same way on the unpatched Yew 0.23.0.
fn yew_fork(tools: &Tools) -> Result<Outcome> {
    println!("\n== yew-fork: Yew's own tests on vendor/yew, in headless Chromium");
    let chromedriver =
        cmd::output_line("which", &["chromedriver"], &[]).unwrap_or_else(|| "chromedriver".into());
    let mut test = cmd::command(
        "cargo",
        &[
            "test",
            "--locked",
            "--manifest-path",
            "vendor/yew/Cargo.toml",
            "--target",
            "wasm32-unknown-unknown",
            "--features",
            "csr,hydration,ssr,test",
            "--lib",
            "--",
            "--exact",
            "--skip",
            "dom_bundle::btag::listeners::tests::non_bubbling",
        ],
        &tools.path_prefix,
    );
    test.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
        .env("CARGO_TARGET_DIR", cmd::root().join("target"))
        .env("CHROMEDRIVER", chromedriver);
    cargo_tests("yew-fork", test)
}

/// The wasm client's tests in headless Chromium, through a real kefu-proxy to a real
/// kefu-sandbox (and a second proxy whose upstream never answers, for timeouts).
fn browser(tools: &Tools, wants: &dyn Fn(&str) -> bool) -> Result<Vec<Outcome>> {
    println!("\n== browser: kefu-client in headless Chromium, through kefu-proxy to kefu-sandbox");
    servers::build_servers()?;
    let sandbox = servers::start_sandbox(&["--call-schedule-ms", "0", "--call-duration-ms", "0"])?;
    // Accepts connections (the kernel's backlog) and never answers.
    let blackhole = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| XtaskError::new(e.to_string()))?;
    let blackhole_url =
        format!("http://{}", blackhole.local_addr().map_err(|e| XtaskError::new(e.to_string()))?);
    let proxy_env = |upstream: &str| {
        let mut env = servers::proxy_env(upstream, "127.0.0.1:0");
        env.push(("KEFU_ALLOWED_ORIGINS", "*".to_owned()));
        env.push(("KEFU_OPERATOR_TOKENS", BROWSER_OPERATOR_TOKEN.to_owned()));
        env
    };
    let proxy_bin = servers::binary("debug", "kefu-proxy");
    // The same proxy serves the npm-package page (same origin).
    let site = cmd::root().join("target").join("npm-site");
    let mut env = proxy_env(&sandbox.url);
    env.push(("KEFU_STATIC_DIR", site.to_string_lossy().into_owned()));
    // A callbacks store, fresh each run, so a browser test can push and read results.
    let store_dir = cmd::root().join("target").join("browser-store");
    let _ = std::fs::remove_dir_all(&store_dir);
    std::fs::create_dir_all(&store_dir).map_err(io(&store_dir))?;
    env.push(("KEFU_STORE", format!("sqlite:{}", store_dir.join("kefu.db").display())));
    env.push(("KEFU_CALLBACK_TOKEN", format!("browser:{BROWSER_CALLBACK_TOKEN}")));
    let proxy = servers::start(&proxy_bin, &[], &env)?;
    let slow_proxy = servers::start(&proxy_bin, &[], &proxy_env(&blackhole_url))?;
    // A second pair whose sandbox answers failures only as seed 002 documents them, with short
    // sessions: the client's recovery scenarios run against it.
    let documented_sandbox = servers::start_sandbox(&["--errors", "documented", "--session-ttl-secs", "2"])?;
    let documented_proxy = servers::start(&proxy_bin, &[], &proxy_env(&documented_sandbox.url))?;
    let chromedriver =
        cmd::output_line("which", &["chromedriver"], &[]).unwrap_or_else(|| "chromedriver".into());
    let mut outcomes = Vec::new();
    for (name, krate) in [("browser-client", "crates/client"), ("browser-widget", "crates/widget")] {
        if !wants(name) {
            continue;
        }
        let mut test =
            cmd::command("wasm-pack", &["test", "--headless", "--chrome", krate], &tools.path_prefix);
        test.env("CHROMEDRIVER", &chromedriver)
            .env("KEFU_TEST_PROXY_URL", &proxy.url)
            .env("KEFU_TEST_SLOW_PROXY_URL", &slow_proxy.url)
            .env("KEFU_TEST_DOCUMENTED_PROXY_URL", &documented_proxy.url)
            .env("KEFU_TEST_SANDBOX_URL", &sandbox.url)
            .env("KEFU_TEST_OPERATOR_TOKEN", BROWSER_OPERATOR_TOKEN)
            .env("KEFU_TEST_CALLBACK_TOKEN", BROWSER_CALLBACK_TOKEN);
        outcomes.push(cargo_tests(name, test)?);
    }
    drop(blackhole);
    if wants("tsc") || wants("npm-package") {
        outcomes.extend(npm_package_page(tools, &site, &proxy.url)?);
    }
    if wants("e2e") {
        outcomes.push(end_to_end(tools, &chromedriver)?);
    }
    Ok(outcomes)
}

/// The demo pages in Chromium through WebDriver (`tests/`): builds the widget package and the
/// site; the tests start their own sandbox and proxy.
fn end_to_end(tools: &Tools, chromedriver: &str) -> Result<Outcome> {
    println!(
        "\n== e2e: the demo pages and the console in Chromium (WebDriver), through kefu-proxy to kefu-sandbox"
    );
    if let Err(e) = demo::site(tools) {
        println!("cannot build the demo site: {e}");
        return Ok(Outcome { name: "e2e", passed: 0, failed: 1, note: "" });
    }
    let mut test =
        cmd::command("cargo", &["test", "--locked", "--no-fail-fast", "-p", "kefu-e2e"], &tools.path_prefix);
    test.env("CHROMEDRIVER", chromedriver);
    let outcome = cargo_tests("e2e", test)?;
    println!("screenshots: target/e2e-screenshots/");
    Ok(outcome)
}

/// Builds the client's npm package (`wasm-pack build --target web`, release, wasm-opt from
/// binaryen), checks its TypeScript declarations and, with the widget's package built too,
/// the widget's (the `tsc` suite: one test per package), puts the client's beside a plain page
/// that converses through the JavaScript API, and loads that page in headless Chromium (the
/// `npm-package` suite).
fn npm_package_page(tools: &Tools, site: &std::path::Path, proxy_url: &str) -> Result<Vec<Outcome>> {
    println!("\n== npm-package: the built package in a plain page, in headless Chromium");
    let tsc_note = typecheck::NOTE;
    let Ok(package) = typecheck::build_package(tools) else {
        return Ok(vec![
            Outcome { name: "tsc", passed: 0, failed: 2, note: tsc_note },
            Outcome { name: "npm-package", passed: 0, failed: 1, note: "" },
        ]);
    };
    println!("\n== tsc: {tsc_note}");
    let client_typed = typecheck::check(&package, typecheck::CLIENT)?;
    let widget_typed = match package::build(tools) {
        Ok(widget) => typecheck::check(&widget, typecheck::WIDGET)?,
        Err(e) => {
            println!("cannot build the widget package: {e}");
            false
        }
    };
    let typed = u64::from(client_typed) + u64::from(widget_typed);
    let tsc = Outcome { name: "tsc", passed: typed, failed: 2 - typed, note: tsc_note };
    let io = |e: std::io::Error| XtaskError::new(format!("{}: {e}", site.display()));
    let _ = std::fs::remove_dir_all(site);
    std::fs::create_dir_all(site.join("pkg")).map_err(io)?;
    for entry in std::fs::read_dir(&package).map_err(io)? {
        let entry = entry.map_err(io)?;
        std::fs::copy(entry.path(), site.join("pkg").join(entry.file_name())).map_err(io)?;
    }
    std::fs::copy(cmd::root().join("crates/client/tests/npm/index.html"), site.join("index.html"))
        .map_err(io)?;
    let profile = std::env::temp_dir().join(format!("kefu-chromium-{}", std::process::id()));
    let url =
        format!("{proxy_url}/index.html?token={BROWSER_OPERATOR_TOKEN}&callback={BROWSER_CALLBACK_TOKEN}");
    println!("$ chromium --headless --dump-dom {url}");
    let out = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=30000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(&url)
        .output()
        .map_err(|e| XtaskError::new(format!("cannot run chromium: {e}")))?;
    let _ = std::fs::remove_dir_all(&profile);
    let dom = String::from_utf8_lossy(&out.stdout);
    let result =
        dom.split("<pre id=\"result\">").nth(1).and_then(|r| r.split("</pre>").next()).unwrap_or("no result");
    println!("{result}");
    let passed = result.starts_with("PASS");
    Ok(vec![
        tsc,
        Outcome { name: "npm-package", passed: u64::from(passed), failed: u64::from(!passed), note: "" },
    ])
}

/// The operator token of the proxy the browser tests use (a test value, not a secret).
const BROWSER_OPERATOR_TOKEN: &str = "browser-test-token";

/// The callback token of that proxy's store (a test value, not a secret; 128 bits of hex).
const BROWSER_CALLBACK_TOKEN: &str = "7e1d0c9b8a7f6e5d4c3b2a1908f7e6d5";

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
