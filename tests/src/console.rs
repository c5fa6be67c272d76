//! The harness of the console's end-to-end tests: the demo stack as `cargo xtask demo` runs it
//! (the built kefu-sandbox and kefu-proxy binaries, the proxy with a SQLite callbacks store in a
//! temporary folder and serving `target/www`, where `cargo xtask test` puts the console under
//! `/console/`), a Chromium whose window is resized between a laptop and a phone, signing in,
//! and [`ConsoleBrowser::check_page`]: screenshots of the current page at 1280×800 and 375×667
//! into `target/e2e-screenshots/console/`, and an axe-core audit at each size that fails on any
//! serious or critical violation.
//!
//! ```no_run
//! # async fn t() {
//! use kefu_e2e::console::{ConsoleBrowser, ConsoleStack};
//! let stack = ConsoleStack::start().await;
//! let browser = ConsoleBrowser::start().await;
//! browser.sign_in(&stack).await;
//! browser.go(&stack, "#/outbound").await;
//! browser.check_page("outbound").await;
//! # }
//! ```

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::{Browser, DESKTOP, Device, PHONE, root, screenshot_dir};

/// The operator token of the console's stack (a test value, not a secret).
pub const CONSOLE_TOKEN: &str = "e2e-console-operator-token";
/// The callback token of the console's stack (a test value; 128 bits of hex, as the receiver
/// requires).
pub const CALLBACK_TOKEN: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
/// The sandbox's credentials (its defaults).
const APIKEY: &str = "demo-key";
const APISECRET: &str = "demo-secret";

/// A built server binary of this workspace (`target/debug/<name>`).
fn binary(name: &str) -> PathBuf {
    let path = root().join("target").join("debug").join(name);
    assert!(
        path.exists(),
        "{} is missing; `cargo xtask test` builds it (or `cargo build -p kefu-sandbox -p kefu-proxy`)",
        path.display()
    );
    path
}

/// Starts `program` and waits (at most 60 s) for its `listening on http://…` line.
async fn start_server(program: PathBuf, args: &[String], envs: &[(&str, String)]) -> (Child, String) {
    let mut child = Command::new(&program)
        .args(args)
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
    let out = child.stdout.take().expect("its stdout");
    let mut lines = BufReader::new(out).lines();
    let url = tokio::time::timeout(Duration::from_secs(60), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(url) = line.strip_prefix("listening on ") {
                return Some(url.to_owned());
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .unwrap_or_else(|| panic!("{} did not start", program.display()));
    // Keep reading (and dropping) its output so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

/// The demo stack: kefu-sandbox and, in front of it, kefu-proxy with a callbacks store, serving
/// the site with the console. Both stop when dropped; the store's folder is removed.
pub struct ConsoleStack {
    /// The proxy's base URL: the site, the console (`/console/`) and the API.
    pub url: String,
    /// The sandbox's base URL (for its extensions, e.g. `POST /sandbox/inbound`).
    pub sandbox_url: String,
    store_dir: PathBuf,
    _sandbox: Child,
    _proxy: Child,
}

impl ConsoleStack {
    /// Starts the sandbox (calling an uploaded batch's numbers 50 ms apart, pushing each to the
    /// proxy's receiver, retries 100× faster) and the proxy. Fails when the site has no console.
    pub async fn start() -> ConsoleStack {
        let site = root().join("target").join("www");
        assert!(
            site.join("console").join("index.html").exists(),
            "{} has no console; run the end-to-end tests through `cargo xtask test`, which builds it",
            site.display()
        );
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            probe.local_addr().expect("an address").port()
        };
        let listen = format!("127.0.0.1:{port}");
        let inbound = format!("http://{listen}/callbacks/{CALLBACK_TOKEN}/inbound");
        let sandbox_args: Vec<String> = [
            "--listen",
            "127.0.0.1:0",
            "--dial-interval-ms",
            "50",
            "--retry-scale",
            "0.01",
            "--call-schedule-ms",
            "300",
            "--call-duration-ms",
            "300",
            "--inbound-url",
            &inbound,
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let credentials =
            [("KEFU_SANDBOX_APIKEY", APIKEY.to_owned()), ("KEFU_SANDBOX_APISECRET", APISECRET.to_owned())];
        let (sandbox, sandbox_url) = start_server(binary("kefu-sandbox"), &sandbox_args, &credentials).await;
        let store_dir = std::env::temp_dir().join(format!("kefu-e2e-console-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&store_dir);
        std::fs::create_dir_all(&store_dir).expect("the store's folder");
        let env = [
            ("KEFU_LISTEN", listen),
            ("KEFU_APIKEY", APIKEY.to_owned()),
            ("KEFU_APISECRET", APISECRET.to_owned()),
            ("KEFU_PLATFORM_URL", sandbox_url.clone()),
            ("KEFU_OUTBOUND_URL", sandbox_url.clone()),
            ("KEFU_CALLCENTER_URL", sandbox_url.clone()),
            ("KEFU_RATE_PER_SECOND", "1000".to_owned()),
            ("KEFU_RATE_BURST", "1000".to_owned()),
            ("KEFU_STATIC_DIR", site.to_string_lossy().into_owned()),
            ("KEFU_OPERATOR_TOKENS", CONSOLE_TOKEN.to_owned()),
            ("KEFU_STORE", format!("sqlite:{}", store_dir.join("kefu.db").display())),
            ("KEFU_CALLBACK_TOKEN", format!("e2e:{CALLBACK_TOKEN}")),
            ("KEFU_RECORDING_BASE", sandbox_url.clone()),
            ("KEFU_SANDBOX_URL", sandbox_url.clone()),
            ("RUST_LOG", "warn".to_owned()),
        ];
        let (proxy, url) = start_server(binary("kefu-proxy"), &[], &env).await;
        ConsoleStack { url, sandbox_url, store_dir, _sandbox: sandbox, _proxy: proxy }
    }

    /// The console's address.
    pub fn console_url(&self) -> String {
        format!("{}/console/", self.url)
    }

    /// The `team_url` that makes the sandbox push a task's calls to this proxy.
    pub fn team_url(&self) -> String {
        format!("{}/callbacks/{CALLBACK_TOKEN}", self.url)
    }
}

impl Drop for ConsoleStack {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.store_dir);
    }
}

/// A headless Chromium whose window the tests resize (no device emulation, so the viewport
/// follows the window), with the helpers of [`Browser`] through `browser`.
pub struct ConsoleBrowser {
    /// The WebDriver session and its helpers.
    pub browser: Browser,
}

impl std::ops::Deref for ConsoleBrowser {
    type Target = Browser;
    fn deref(&self) -> &Browser {
        &self.browser
    }
}

impl ConsoleBrowser {
    /// Starts chromedriver and a Chromium at 1280×800.
    pub async fn start() -> ConsoleBrowser {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            probe.local_addr().expect("an address").port()
        };
        let driver = Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver on PATH (cargo xtask setup installs it)");
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--autoplay-policy=no-user-gesture-required",
            "--window-size=1280,800",
        ];
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({ "args": args, "prefs": { "download.default_directory": download_dir() } }),
        );
        let webdriver = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        for _ in 0..50 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector).capabilities(capabilities.clone()).connect(&webdriver).await {
                Ok(client) => {
                    let browser = ConsoleBrowser { browser: Browser { client, _driver: driver } };
                    browser.resize(DESKTOP).await;
                    return browser;
                }
                Err(e) => last_error = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("no WebDriver session: {last_error}");
    }

    /// Makes the viewport `device`'s size (the window is sized, then corrected by what the
    /// page measures).
    pub async fn resize(&self, device: Device) {
        let (w, h) = (f64::from(device.width), f64::from(device.height));
        self.client.set_window_size(device.width, device.height).await.expect("the window resized");
        for _ in 0..3 {
            let inner = self.js("return [window.innerWidth, window.innerHeight];").await;
            let (iw, ih) = (inner[0].as_f64().unwrap_or(w), inner[1].as_f64().unwrap_or(h));
            if iw == w && ih == h {
                return;
            }
            let (ow, oh) = self.client.get_window_size().await.expect("the window's size");
            let width = (ow as f64 + w - iw).max(100.0) as u32;
            let height = (oh as f64 + h - ih).max(100.0) as u32;
            self.client.set_window_size(width, height).await.expect("the window resized");
        }
    }

    /// Opens `hash` (say `#/bots`) in the console.
    pub async fn go(&self, stack: &ConsoleStack, hash: &str) {
        self.open(&format!("{}{hash}", stack.console_url())).await;
    }

    /// Opens the console, signs in with `token`, and waits for the sign-in to be decided.
    pub async fn try_sign_in(&self, stack: &ConsoleStack, token: &str) {
        self.open(&stack.console_url()).await;
        self.wait_count("the sign-in form", "#token", |n| n == 1).await;
        let field = self.client.find(Locator::Css("#token")).await.expect("the token field");
        field.send_keys(token).await.expect("typed");
        field.send_keys("\u{E007}").await.expect("Enter");
    }

    /// Signs in with the stack's operator token and waits for the navigation.
    pub async fn sign_in(&self, stack: &ConsoleStack) {
        self.try_sign_in(stack, CONSOLE_TOKEN).await;
        self.wait_count("the navigation", "nav a", |n| n >= 6).await;
    }

    /// Waits up to `seconds` for `check(count of css)` to hold (as `wait_count`, longer).
    pub async fn wait_long(&self, what: &str, css: &str, seconds: u64, check: impl Fn(u64) -> bool) {
        for _ in 0..seconds * 5 {
            if check(self.count(css).await) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let html = self.js("return document.body.innerHTML;").await;
        panic!("timed out waiting for {what} ({css} = {}); the page: {html}", self.count(css).await);
    }

    /// Saves `target/e2e-screenshots/console/<name>-<size>.png` at 1280×800 and at 375×667 and
    /// audits the page at each size; panics on any serious or critical violation. Leaves the
    /// window at 1280×800.
    pub async fn check_page(&self, name: &str) {
        let dir = screenshot_dir().join("console");
        std::fs::create_dir_all(&dir).expect("the screenshot folder");
        for device in [DESKTOP, PHONE] {
            self.resize(device).await;
            // Let the layout settle after the resize.
            tokio::time::sleep(Duration::from_millis(150)).await;
            let png = self.client.screenshot().await.expect("a screenshot");
            std::fs::write(dir.join(format!("{name}-{}.png", device.name)), png).expect("saved");
            let found = self.axe_violations().await;
            assert!(found.is_empty(), "{name} at {}: {found:#?}", device.name);
        }
        self.resize(DESKTOP).await;
    }

    /// Sets `value` on the form control matching `css` as typing would (firing `input` and
    /// `change`).
    pub async fn fill(&self, css: &str, value: &str) {
        let script = format!(
            "const e = document.querySelector({css}); if (!e) return false;
             const proto = e instanceof HTMLSelectElement ? HTMLSelectElement.prototype
               : e instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
             Object.getOwnPropertyDescriptor(proto, 'value').set.call(e, {value});
             e.dispatchEvent(new Event('input', {{ bubbles: true }}));
             e.dispatchEvent(new Event('change', {{ bubbles: true }}));
             return true;",
            css = json!(css),
            value = json!(value)
        );
        assert_eq!(self.js(&script).await, Value::Bool(true), "no {css}");
    }

    /// Ends the WebDriver session.
    pub async fn close(self) {
        self.browser.close().await;
    }
}

/// Where the browser saves downloads.
pub fn download_dir() -> String {
    screenshot_dir()
        .parent()
        .map(|p| p.join("e2e-downloads"))
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}
