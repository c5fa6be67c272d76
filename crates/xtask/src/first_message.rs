//! `cargo xtask bench first-message`: how soon a new visitor sees the bot's first message, on the
//! demo pages and on a deep-chat 2.4 page speaking the same botdm loop through the same kefu-proxy
//! to the same kefu-sandbox.
//!
//! Every visit is a new WebDriver session (a new Chromium profile: a cold HTTP and code cache) on
//! a phone viewport, on two links: an emulated slow mobile link (chromedriver's network conditions:
//! 150 ms latency, 1.6 Mbit/s down, 750 kbit/s up) and plain loopback. A script added to every
//! document before the page's own ([`PROBE`], through the DevTools protocol) notes, in the page's
//! clock (0 = navigation start), when the h5 launcher shows (and clicks it at once) and when the
//! first bot message is in the DOM with its text. The report gives the medians of the rounds and
//! the kefu/deep-chat ratio, on stdout and in `target/bench/first-message.txt`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

use crate::cmd::{self, Result, XtaskError, io};
use crate::servers::{self, Running};
use crate::setup::{self, Tools};
use crate::{deliver, package};

/// How a run is shaped.
pub(crate) struct FirstMessageOptions {
    /// Visits of each page on each link, taken in turn.
    pub(crate) rounds: u32,
}

/// A page measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Page {
    H5,
    WxMp,
    App,
    DeepChat,
}

impl Page {
    const ALL: [Page; 4] = [Page::H5, Page::WxMp, Page::App, Page::DeepChat];

    fn path(self) -> &'static str {
        match self {
            Page::H5 => "h5.html",
            Page::WxMp => "wx_mp.html",
            Page::App => "app.html",
            Page::DeepChat => "bench/deep-chat.html",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Page::H5 => "kefu h5",
            Page::WxMp => "kefu wx_mp",
            Page::App => "kefu app",
            Page::DeepChat => "deep-chat 2.4",
        }
    }
}

/// A network the pages are visited on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Link {
    Slow,
    Loopback,
}

impl Link {
    const ALL: [Link; 2] = [Link::Slow, Link::Loopback];

    fn name(self) -> &'static str {
        match self {
            Link::Slow => "slow (150 ms, 1.6/0.75 Mbit/s)",
            Link::Loopback => "loopback",
        }
    }

    /// chromedriver's network conditions (latency in ms, throughput in bytes per second).
    fn conditions(self) -> Option<Value> {
        match self {
            Link::Slow => Some(json!({
                "offline": false,
                "latency": 150,
                "download_throughput": 1_600_000 / 8,
                "upload_throughput": 750_000 / 8,
            })),
            Link::Loopback => None,
        }
    }
}

/// What one visit measured, in milliseconds after navigation start.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Visit {
    /// The first bot message in the DOM, with its text.
    first: f64,
    /// The h5 launcher shown (h5 only).
    launcher: Option<f64>,
    /// Bytes the page transferred until then (documents, scripts, styles, wasm, API answers).
    bytes: f64,
}

/// Added to every document before its own scripts: notes when the launcher shows (and clicks it,
/// as a visitor would at once) and when the first bot message is in the DOM with its text, in
/// `window.__firstMessage` (for kefu, the loader's preview of the first prompt counts: it is on
/// screen before the widget's own). kefu renders into the page; deep-chat into its open shadow root, which
/// is observed as soon as it exists.
const PROBE: &str = r#"(() => {
  const marks = (window.__firstMessage = {});
  const observed = new WeakSet();
  const options = { childList: true, subtree: true, characterData: true, attributes: true };
  const hasText = (element) => Boolean(element && element.textContent.trim());
  const check = () => {
    if (marks.first !== undefined) return;
    const launcher = document.querySelector('button.kefu-launcher');
    if (launcher && !launcher.hidden && marks.launcher === undefined) {
      marks.launcher = performance.now();
      launcher.click();
    }
    if (hasText(document.querySelector('.kefu-bot .kefu-bubble, .kefu-preview .kefu-bubble'))) {
      marks.first = performance.now();
    }
    const root = document.querySelector('deep-chat')?.shadowRoot;
    if (root) {
      if (!observed.has(root)) {
        observed.add(root);
        new MutationObserver(check).observe(root, options);
      }
      if (hasText(root.querySelector('.ai-message-text'))) marks.first = performance.now();
    }
    if (marks.first !== undefined) {
      const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
      marks.bytes = entries.reduce((sum, entry) => sum + (entry.transferSize || 0), 0);
    }
  };
  new MutationObserver(check).observe(document, options);
})();"#;

/// Builds the package and the site (with the deep-chat page), starts the servers and chromedriver,
/// visits every page on every link `rounds` times and reports.
pub(crate) fn run(tools: &Tools, opts: &FirstMessageOptions) -> Result<()> {
    let package = package::build(tools)?;
    let site = package::assemble_site(&package)?;
    add_peer_page(&site)?;
    servers::build_servers()?;
    let sandbox = servers::start_sandbox(&[])?;
    let mut env = servers::proxy_env(&sandbox.url, "127.0.0.1:0");
    env.push(("KEFU_STATIC_DIR", site.to_string_lossy().into_owned()));
    let proxy = servers::start(&servers::binary("debug", "kefu-proxy"), &[], &env)?;
    let (driver_url, _driver) = start_chromedriver()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| XtaskError::new(format!("no tokio runtime: {e}")))?;
    let webdriver = WebDriver::new(&driver_url);
    let mut visits: BTreeMap<(Link, Page), Vec<Visit>> = BTreeMap::new();
    for round in 1..=opts.rounds {
        for link in Link::ALL {
            for page in Page::ALL {
                let url = format!("{}/{}", proxy.url, page.path());
                let visit = runtime.block_on(webdriver.visit(&url, link))?;
                println!(
                    "round {round}: {:<14} {:<9} first message {:>6.0} ms{}",
                    page.name(),
                    if link == Link::Slow { "slow" } else { "loopback" },
                    visit.first,
                    visit.launcher.map(|l| format!(", launcher {l:.0} ms")).unwrap_or_default()
                );
                visits.entry((link, page)).or_default().push(visit);
            }
        }
    }
    let report = report(&visits, opts.rounds);
    println!("\n{report}");
    let out = cmd::root().join("target").join("bench");
    std::fs::create_dir_all(&out).map_err(io(&out))?;
    let file = out.join("first-message.txt");
    std::fs::write(&file, &report).map_err(io(&file))?;
    println!("written to {}", file.display());
    Ok(())
}

/// Puts the deep-chat page, its script and deep-chat's bundle (from `.tools/deep-chat`) under
/// `<site>/bench`, with compressed siblings as the rest of the site has.
fn add_peer_page(site: &Path) -> Result<()> {
    let dir = site.join("bench");
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let assets = cmd::root().join("crates").join("xtask").join("assets").join("first-message");
    let copies = [
        (assets.join("deep-chat.html"), "deep-chat.html"),
        (assets.join("deep-chat-page.js"), "deep-chat-page.js"),
        (setup::deep_chat_bundle(), "deepChat.bundle.js"),
    ];
    for (from, name) in copies {
        std::fs::copy(&from, dir.join(name)).map_err(io(&from))?;
    }
    deliver::compress_tree(&dir).map(drop)
}

/// The report: per link and page, the median first message (and launcher), the bytes moved, and
/// the ratio to deep-chat's median on that link.
fn report(visits: &BTreeMap<(Link, Page), Vec<Visit>>, rounds: u32) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "first bot message after navigation start, cold cache, medians of {rounds} rounds");
    let _ = writeln!(
        out,
        "{:<32} {:<14} {:>14} {:>14} {:>11} {:>10}",
        "link", "page", "first message", "launcher", "KB moved", "/deep-chat"
    );
    for link in Link::ALL {
        let peer = visits.get(&(link, Page::DeepChat)).map(|v| median(v.iter().map(|v| v.first).collect()));
        for page in Page::ALL {
            let Some(list) = visits.get(&(link, page)) else { continue };
            let first = median(list.iter().map(|v| v.first).collect());
            let launchers: Vec<f64> = list.iter().filter_map(|v| v.launcher).collect();
            let launcher =
                if launchers.is_empty() { "-".to_owned() } else { format!("{:.0} ms", median(launchers)) };
            let kb = median(list.iter().map(|v| v.bytes).collect()) / 1000.0;
            let ratio = match peer {
                Some(peer) if page != Page::DeepChat && peer > 0.0 => format!("{:.2}×", first / peer),
                _ => "-".to_owned(),
            };
            let _ = writeln!(
                out,
                "{:<32} {:<14} {:>11.0} ms {:>14} {:>11.1} {:>10}",
                link.name(),
                page.name(),
                first,
                launcher,
                kb,
                ratio
            );
        }
    }
    out.push_str(&verdicts(visits));
    out
}

/// Issue 17's goals for the first message, each with the medians it is judged on: on the slow
/// link each kefu page's first message ≤ 0.6× deep-chat's and ≤ 1.5 s, and the h5 launcher
/// ≤ 600 ms; on loopback ≤ 1.0× deep-chat's.
fn verdicts(visits: &BTreeMap<(Link, Page), Vec<Visit>>) -> String {
    let first = |link, page| visits.get(&(link, page)).map(|v| median(v.iter().map(|v| v.first).collect()));
    let kefu = [Page::H5, Page::WxMp, Page::App];
    let judged = |link: Link, holds: &dyn Fn(f64, f64) -> bool| -> (bool, String) {
        let peer = first(link, Page::DeepChat).unwrap_or(f64::NAN);
        let mut all = true;
        let mut said = Vec::new();
        for page in kefu {
            if let Some(ms) = first(link, page) {
                all &= holds(ms, peer);
                said.push(format!("{} {:.2}× ({ms:.0} ms)", page.name(), ms / peer));
            }
        }
        (all, said.join(", "))
    };
    let met = |ok: bool| if ok { "met" } else { "NOT met" };
    let visited = |link| kefu.iter().any(|page| visits.contains_key(&(link, *page)));
    let mut out = String::new();
    if visited(Link::Slow) {
        let (ok, said) = judged(Link::Slow, &|ms, peer| ms <= 0.6 * peer && ms <= 1500.0);
        let _ = writeln!(
            out,
            "goal: slow link, first message <= 0.6x deep-chat and <= 1.5 s: {} ({said})",
            met(ok)
        );
        let launchers: Vec<f64> = visits
            .get(&(Link::Slow, Page::H5))
            .map(|v| v.iter().filter_map(|v| v.launcher).collect())
            .unwrap_or_default();
        let launcher = median(launchers);
        let ok = launcher > 0.0 && launcher <= 600.0;
        let _ = writeln!(out, "goal: slow link, h5 launcher <= 600 ms: {} ({launcher:.0} ms)", met(ok));
    }
    if visited(Link::Loopback) {
        let (ok, said) = judged(Link::Loopback, &|ms, peer| ms <= peer);
        let _ = writeln!(out, "goal: loopback, first message <= 1.0x deep-chat: {} ({said})", met(ok));
    }
    out
}

/// The median (the mean of the middle two for an even count); 0 for none.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Starts Debian's chromedriver on a free loopback port; returns its URL and the process (stopped
/// when dropped).
fn start_chromedriver() -> Result<(String, Running)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|probe| probe.local_addr())
        .map_err(|e| XtaskError::new(format!("no free port: {e}")))?
        .port();
    let child = Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            XtaskError::new(format!("cannot start chromedriver (cargo xtask setup installs it): {e}"))
        })?;
    let running = Running(child);
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err(XtaskError::new("chromedriver did not start within 10 s"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok((url, running))
}

/// How long one page may take to show its first message.
const VISIT_TIMEOUT: Duration = Duration::from_secs(60);

/// The few WebDriver (W3C, plus chromedriver's own) commands the bench needs, over HTTP.
struct WebDriver {
    base: String,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl WebDriver {
    fn new(base: &str) -> WebDriver {
        WebDriver { base: base.to_owned(), client: Client::builder(TokioExecutor::new()).build_http() }
    }

    /// Sends a command; returns its `value`, or the driver's error.
    async fn send(&self, method: hyper::Method, path: &str, body: Option<&Value>) -> Result<Value> {
        let text = body.map(Value::to_string).unwrap_or_default();
        let request = hyper::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(text)))
            .map_err(|e| XtaskError::new(format!("webdriver {path}: {e}")))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| XtaskError::new(format!("webdriver {path}: {e}")))?;
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| XtaskError::new(format!("webdriver {path}: {e}")))?
            .to_bytes();
        let answer: Value = serde_json::from_slice(&bytes).map_err(|e| {
            XtaskError::new(format!(
                "webdriver {path}: HTTP {status}, not JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
            ))
        })?;
        let value = answer.get("value").cloned().unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(XtaskError::new(format!("webdriver {path}: HTTP {status}: {value}")));
        }
        Ok(value)
    }

    /// One visit of `url` on `link` in a new session (a new profile, so a cold cache).
    async fn visit(&self, url: &str, link: Link) -> Result<Visit> {
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "args": [
                        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", "--window-size=375,667",
                    ],
                    "mobileEmulation": { "deviceMetrics": {
                        "width": 375, "height": 667, "pixelRatio": 1.0, "mobile": true, "touch": true,
                    } },
                },
            } }
        });
        let session = self.send(hyper::Method::POST, "/session", Some(&capabilities)).await?;
        let id = session
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| XtaskError::new(format!("webdriver: no session id in {session}")))?
            .to_owned();
        let visit = self.measure(&id, url, link).await;
        let closed = self.send(hyper::Method::DELETE, &format!("/session/{id}"), None).await;
        let visit = visit?;
        closed.map(|_| visit)
    }

    async fn measure(&self, id: &str, url: &str, link: Link) -> Result<Visit> {
        let session = format!("/session/{id}");
        let cdp = |cmd: &str, params: Value| json!({ "cmd": cmd, "params": params });
        self.send(
            hyper::Method::POST,
            &format!("{session}/goog/cdp/execute"),
            Some(&cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": PROBE }))),
        )
        .await?;
        if let Some(conditions) = link.conditions() {
            self.send(
                hyper::Method::POST,
                &format!("{session}/chromium/network_conditions"),
                Some(&json!({ "network_conditions": conditions })),
            )
            .await?;
        }
        self.send(hyper::Method::POST, &format!("{session}/url"), Some(&json!({ "url": url }))).await?;
        let deadline = Instant::now() + VISIT_TIMEOUT;
        let read = json!({ "script": "return window.__firstMessage ?? null;", "args": [] });
        loop {
            let marks =
                self.send(hyper::Method::POST, &format!("{session}/execute/sync"), Some(&read)).await?;
            if let Some(first) = marks.get("first").and_then(Value::as_f64) {
                return Ok(Visit {
                    first,
                    launcher: marks.get("launcher").and_then(Value::as_f64),
                    bytes: marks.get("bytes").and_then(Value::as_f64).unwrap_or(0.0),
                });
            }
            if Instant::now() > deadline {
                return Err(XtaskError::new(format!(
                    "{url}: no bot message within {VISIT_TIMEOUT:?} (marks: {marks})"
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_takes_the_middle_or_the_mean_of_the_middle_two() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(Vec::new()), 0.0);
    }

    #[test]
    fn the_report_gives_each_page_its_ratio_to_deep_chat() {
        let visit = |first, launcher| Visit { first, launcher, bytes: 100_000.0 };
        let mut visits = BTreeMap::new();
        visits.insert((Link::Slow, Page::DeepChat), vec![visit(2000.0, None), visit(2200.0, None)]);
        visits.insert((Link::Slow, Page::H5), vec![visit(1000.0, Some(400.0)), visit(1200.0, Some(600.0))]);
        let report = report(&visits, 2);
        let h5 = report.lines().find(|l| l.contains("kefu h5")).expect("an h5 line");
        assert!(h5.contains("1100 ms"), "{h5}");
        assert!(h5.contains("500 ms"), "{h5}");
        assert!(h5.contains("0.52×"), "{h5}");
        assert!(!report.contains("loopback"), "no loopback visits, no loopback lines: {report}");
        assert!(
            report.contains("goal: slow link, first message <= 0.6x deep-chat and <= 1.5 s: met"),
            "{report}"
        );
        assert!(report.contains("goal: slow link, h5 launcher <= 600 ms: met (500 ms)"), "{report}");
        visits.insert((Link::Slow, Page::App), vec![visit(1600.0, None)]);
        let report = super::report(&visits, 2);
        assert!(
            report.contains("first message <= 0.6x deep-chat and <= 1.5 s: NOT met"),
            "over 1.5 s: {report}"
        );
    }
}
