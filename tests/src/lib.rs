//! The end-to-end harness: a kefu-sandbox and a kefu-proxy in this process (on 127.0.0.1, free
//! ports), the proxy serving the demo site `target/www` that `cargo xtask test` assembles, and a
//! headless Chromium driven through Debian's chromedriver.

pub mod console;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use kefu_proxy::config::{Config as ProxyConfig, Secret};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::process::{Child, Command};

/// Credentials shared by the in-process sandbox and proxy (test values).
const APIKEY: &str = "e2e-key";
const APISECRET: &str = "e2e-secret";
/// The proxy's operator token in these tests (opens the operator routes, e.g. followed/data).
pub const OPERATOR_TOKEN: &str = "e2e-operator";

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().map(PathBuf::from).unwrap_or_default()
}

/// Where screenshots go, for a person to look at.
pub fn screenshot_dir() -> PathBuf {
    root().join("target").join("e2e-screenshots")
}

/// The sandbox and, in front of it, the proxy serving the site.
pub struct Stack {
    /// The proxy's base URL: the pages and the API.
    pub url: String,
    /// The sandbox's address, to stop and restart it.
    pub sandbox_addr: SocketAddr,
    sandbox: Option<tokio::task::JoinHandle<()>>,
    bot_script: Option<String>,
}

impl Stack {
    /// Starts both servers, the sandbox with its default bot. Fails when the site has not been
    /// built.
    pub async fn start() -> Stack {
        Stack::start_with(None).await
    }

    /// Starts both servers, the sandbox running the bot script `toml` (besides nothing else).
    pub async fn with_bot(toml: &str) -> Stack {
        Stack::start_with(Some(toml.to_owned())).await
    }

    async fn start_with(bot_script: Option<String>) -> Stack {
        let site = root().join("target").join("www");
        assert!(
            site.join("kefu").join("kefu-loader.js").exists(),
            "{} has no widget package; run the end-to-end tests through `cargo xtask test`, which builds it",
            site.display()
        );
        let sandbox_listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let sandbox_addr = sandbox_listener.local_addr().expect("an address");
        let sandbox = Some(serve_sandbox(sandbox_listener, bot_script.as_deref()));
        let mut config = ProxyConfig::new(APIKEY, Secret::new(APISECRET), format!("http://{sandbox_addr}"));
        // The sandbox answers all three families; seeds 000 and 001 are off unless configured.
        config.outbound_url = Some(format!("http://{sandbox_addr}"));
        config.callcenter_url = Some(format!("http://{sandbox_addr}"));
        config.static_dir = Some(site);
        config.operator_tokens = vec![Secret::new(OPERATOR_TOKEN)];
        config.rate_per_second = 1000;
        config.rate_burst = 1000;
        config.upstream_timeout = Duration::from_secs(3);
        let app = kefu_proxy::app(config).expect("a valid proxy configuration");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(async move {
            let service = app.into_make_service_with_connect_info::<SocketAddr>();
            let _ = axum::serve(listener, service).await;
        });
        Stack { url, sandbox_addr, sandbox, bot_script }
    }

    /// Stops the sandbox: the proxy now answers 502 (upstream down).
    pub fn kill_sandbox(&mut self) {
        if let Some(task) = self.sandbox.take() {
            task.abort();
        }
    }

    /// Starts a fresh sandbox on the same address (it forgot every session).
    pub async fn restart_sandbox(&mut self) {
        self.kill_sandbox();
        for _ in 0..50 {
            if let Ok(listener) = TcpListener::bind(self.sandbox_addr).await {
                self.sandbox = Some(serve_sandbox(listener, self.bot_script.as_deref()));
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("cannot listen on {} again", self.sandbox_addr);
    }
}

fn serve_sandbox(listener: TcpListener, bot_script: Option<&str>) -> tokio::task::JoinHandle<()> {
    let mut config = kefu_sandbox::Config::new(APIKEY, APISECRET);
    if let Some(text) = bot_script {
        let script =
            kefu_sandbox::bot::BotScript::parse(text, false, "test bot").expect("the test bot parses");
        config.bots.push(kefu_sandbox::bot::Bot::new(script, "test bot").expect("the test bot is valid"));
    }
    let app = kefu_sandbox::app(config);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    })
}

/// The default sandbox and proxy, and a browser emulating `device` on `page` (say `h5.html`).
pub async fn open_page(device: Device, page: &str) -> (Stack, Browser) {
    let stack = Stack::start().await;
    let browser = Browser::start(device).await;
    browser.visit(&stack, page).await;
    (stack, browser)
}

/// A viewport to test in.
#[derive(Debug, Clone, Copy)]
pub struct Device {
    /// For file names.
    pub name: &'static str,
    /// CSS pixels.
    pub width: u32,
    /// CSS pixels.
    pub height: u32,
    /// A phone: touch events and a mobile user agent.
    pub mobile: bool,
}

/// A phone, 375×667 with touch.
pub const PHONE: Device = Device { name: "375x667", width: 375, height: 667, mobile: true };
/// A laptop, 1280×800.
pub const DESKTOP: Device = Device { name: "1280x800", width: 1280, height: 800, mobile: false };

/// Headless Chromium through chromedriver; both stop when dropped.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    _driver: Child,
}

impl Browser {
    /// Starts chromedriver and a Chromium emulating `device`.
    pub async fn start(device: Device) -> Browser {
        Browser::start_with(device, &[]).await
    }

    /// As [`Browser::start`], with extra Chromium switches.
    pub async fn start_with(device: Device, switches: &[&str]) -> Browser {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            probe.local_addr().expect("an address").port()
        };
        let driver = Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver on PATH (cargo xtask setup installs it)");
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            "--hide-scrollbars".into(),
            format!("--window-size={},{}", device.width, device.height),
        ];
        args.extend(switches.iter().map(|s| (*s).to_owned()));
        let mut capabilities = serde_json::Map::new();
        let mut metrics = json!({ "width": device.width, "height": device.height, "pixelRatio": 1.0 });
        if device.mobile {
            metrics["touch"] = json!(true);
            metrics["mobile"] = json!(true);
        }
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "args": args,
                "mobileEmulation": { "deviceMetrics": metrics },
            }),
        );
        let webdriver = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        for _ in 0..50 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector).capabilities(capabilities.clone()).connect(&webdriver).await {
                Ok(client) => return Browser { client, _driver: driver },
                Err(e) => last_error = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("no WebDriver session: {last_error}");
    }

    /// Opens `url`.
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("the page opens");
    }

    /// Opens `path` (say `h5.html`) on the stack's proxy.
    pub async fn visit(&self, stack: &Stack, path: &str) {
        self.open(&format!("{}/{path}", stack.url)).await;
    }

    /// Waits for the h5 launcher to show.
    pub async fn wait_launcher(&self) {
        self.wait_count("the launcher", "button.kefu-launcher:not([hidden])", |n| n == 1).await;
    }

    /// Opens the h5 window with its launcher and waits for the welcome.
    pub async fn open_launcher(&self) {
        self.wait_launcher().await;
        self.click("button.kefu-launcher").await;
        self.wait_welcome().await;
    }

    /// Waits for the default bot's two welcome prompts.
    pub async fn wait_welcome(&self) {
        self.wait_count("the welcome prompts", ".kefu-bot", |n| n == 2).await;
    }

    /// Runs `script` (a function body) and returns its value.
    pub async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Runs `script` until `check` holds for its value or `seconds` have passed (a deadline, so
    /// a slow, loaded machine gets the same time as a quick one), and returns the last value:
    /// the caller asserts on it, with its own message.
    pub async fn js_until(&self, script: &str, seconds: u64, check: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
        loop {
            let value = self.js(script).await;
            if check(&value) || tokio::time::Instant::now() >= deadline {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The texts of the elements matching `css`, once `check` holds for them or `seconds` have
    /// passed (a deadline, as [`Browser::js_until`]); the caller asserts on them.
    pub async fn texts_until(
        &self,
        css: &str,
        seconds: u64,
        check: impl Fn(&[String]) -> bool,
    ) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
        loop {
            let texts = self.texts(css).await;
            if check(&texts) || tokio::time::Instant::now() >= deadline {
                return texts;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// How many elements match `css`.
    pub async fn count(&self, css: &str) -> u64 {
        let script = format!("return document.querySelectorAll({}).length;", json!(css));
        self.js(&script).await.as_u64().unwrap_or(0)
    }

    /// The text of every element matching `css`.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let script =
            format!("return [...document.querySelectorAll({})].map((e) => e.textContent);", json!(css));
        match self.js(&script).await {
            Value::Array(items) => items.into_iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
            _ => Vec::new(),
        }
    }

    /// Waits up to 15 s for `check(count of css)` to hold.
    pub async fn wait_count(&self, what: &str, css: &str, check: impl Fn(u64) -> bool) {
        for _ in 0..150 {
            if check(self.count(css).await) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let html = self.js("return document.body.innerHTML;").await;
        panic!("timed out waiting for {what} ({css} = {}); the page: {html}", self.count(css).await);
    }

    /// Clicks the first element matching `css`.
    pub async fn click(&self, css: &str) {
        let element = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no {css}: {e}"));
        element.click().await.unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// Answers the offered rating: chooses `score` (1 to 5), types `comment` and sends it.
    pub async fn rate(&self, score: u8, comment: &str) {
        self.click(&format!(".kefu-rating-option:nth-of-type({score}) input")).await;
        let script = format!(
            "const box = document.querySelector('.kefu-rating-comment'); box.value = {};
             box.dispatchEvent(new Event('input', {{ bubbles: true }})); return true;",
            Value::from(comment)
        );
        self.js(&script).await;
        self.click(".kefu-rating-send").await;
    }

    /// Types `text` into the message box and presses Enter.
    pub async fn say(&self, text: &str) {
        let input = self.client.find(Locator::Css(".kefu-input")).await.expect("a message box");
        input.send_keys(text).await.expect("typed");
        input.send_keys("\u{E007}").await.expect("Enter");
    }

    /// Saves a screenshot as `target/e2e-screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("the screenshot folder");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("saved");
    }

    /// The host-page events the demo page recorded (`window.kefuEvents`).
    pub async fn page_events(&self) -> Vec<String> {
        match self.js("return (window.kefuEvents || []).map((e) => e.type);").await {
            Value::Array(items) => items.into_iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
            _ => Vec::new(),
        }
    }

    /// What the platform recorded the user saying in session `sid` (seed 002 followed/data,
    /// through the proxy with the operator token), in order.
    pub async fn platform_user_lines(&self, sid: &str) -> Vec<String> {
        let script = format!(
            "const done = arguments[arguments.length - 1];
             fetch('/api/v1/coeus/apiserver/followed/data', {{ method: 'POST',
               headers: {{ 'Content-Type': 'application/json', Authorization: 'Bearer {OPERATOR_TOKEN}' }},
               body: JSON.stringify({{ session_id: {sid} }}) }})
             .then((r) => r.json()).then((a) => done(a), (e) => done(String(e)));",
            sid = json!(sid)
        );
        let answer = self.client.execute_async(&script, Vec::new()).await.expect("followed/data ran");
        let lines = match &answer["result"] {
            Value::String(text) => serde_json::from_str::<Value>(text).unwrap_or(Value::Null),
            other => other.clone(),
        };
        let lines = lines.as_array().cloned().unwrap_or_else(|| panic!("followed/data answered {answer}"));
        lines
            .iter()
            .filter(|line| line["dialog_type"] == json!(2))
            .filter_map(|line| line["content"].as_str().map(str::to_owned))
            .collect()
    }

    /// axe-core's serious and critical violations on the current page, as `rule (impact):
    /// target…` lines (axe-core from `.tools/axe`, which `cargo xtask test` installs).
    pub async fn axe_violations(&self) -> Vec<String> {
        let path = root().join(".tools/axe/node_modules/axe-core/axe.min.js");
        let axe = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("{}: {e}; `cargo xtask test` installs axe-core there", path.display())
        });
        self.js(&format!("{axe}\nreturn true;")).await;
        let script = "const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] }).then((r) => done(r.violations
                .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                .map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.map((n) => n.target.join(' ')).join(', '))));";
        let found = self.client.execute_async(script, Vec::new()).await.expect("axe ran");
        found.as_array().cloned().unwrap_or_default().into_iter().map(|v| v.to_string()).collect()
    }

    /// Ends the WebDriver session.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
