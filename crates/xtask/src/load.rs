//! `cargo xtask bench load`: many concurrent chats through kefu-proxy to kefu-sandbox, with slow
//! clients holding connections to the proxy all the while.
//!
//! Both servers are the `release-native` builds, on 127.0.0.1 with free ports. Each chat runs
//! the real botdm loop (start; `evt.complete` with the prompt id of every `evt.say`; an
//! `evt.input` on every `evt.wait` until it has had its turns; stop). Each slow client sends half
//! a request and then one header line every [`TRICKLE_EVERY`], never finishing; one the proxy
//! cuts off connects again, so they stay present for the whole run. Everything is bounded: the
//! counts by the command line's ranges, every request by [`REQUEST_TIMEOUT`], the run by
//! [`RUN_TIMEOUT`]. The report goes to stdout and `target/bench/load.txt`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;

use crate::cmd::{self, Result, XtaskError, io};
use crate::servers;

/// How a load run is shaped.
pub(crate) struct LoadOptions {
    /// Concurrent chats.
    pub(crate) chats: u32,
    /// User inputs (`evt.input`) per chat.
    pub(crate) turns: u32,
    /// Connections that trickle a request that never ends.
    pub(crate) slow_clients: u32,
}

/// The bot and tenant of the sandbox's shipped script.
const APP_ID: &str = "200000000";
const BOT_ID: &str = "134614200106471424";
/// What the visitors type, in turn: knowledge-base questions of the shipped bot, none of which
/// ends the chat (no transfer or goodbye keyword).
const INPUTS: [&str; 10] = [
    "付款方式有哪些？",
    "什么是司法确认？",
    "对方不履行协议怎么办？",
    "可以分期付款吗？",
    "逾期付款有什么后果？",
    "调解收费吗？",
    "如何查询履行进度？",
    "调解协议有法律效力吗？",
    "付款后需要提供凭证吗？",
    "我的个人信息安全吗？",
];
/// Longest a single request may take before it counts as an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest the chats may take all together.
const RUN_TIMEOUT: Duration = Duration::from_secs(600);
/// How often a slow client sends one more header line.
const TRICKLE_EVERY: Duration = Duration::from_secs(2);
/// Sessions outlive the run: the sandbox expires idle chats after this.
const SESSION_TTL_SECS: &str = "3600";
/// The proxy's per-client rate limit for the run (every chat comes from 127.0.0.1), high enough
/// that the load never meets it; and its cap on requests in flight, above chats + slow clients.
const RATE: &str = "1000000";
const MAX_CONCURRENCY: &str = "8192";
/// Connection caps, in all and per client: the bench's chats and slow clients share one address.
const MAX_CONNECTIONS: &str = "12000";

/// Runs the load benchmark.
pub(crate) fn run(opts: &LoadOptions) -> Result<()> {
    let dir = cmd::root().join("target").join("bench");
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    println!("== building kefu-proxy and kefu-sandbox (profile release-native)");
    cmd::run(cmd::command(
        "cargo",
        &["build", "--locked", "--profile", "release-native", "-p", "kefu-proxy", "-p", "kefu-sandbox"],
        &[],
    ))?;
    let sandbox = servers::start_sandbox_profile(
        "release-native",
        &["--session-ttl-secs", SESSION_TTL_SECS, "--call-schedule-ms", "0", "--call-duration-ms", "0"],
    )?;
    let mut env = servers::proxy_env(&sandbox.url, "127.0.0.1:0");
    env.extend([
        ("KEFU_RATE_PER_SECOND", RATE.to_owned()),
        ("KEFU_RATE_BURST", RATE.to_owned()),
        ("KEFU_MAX_CONCURRENCY", MAX_CONCURRENCY.to_owned()),
        // Every chat and slow client comes from 127.0.0.1, as behind one load balancer.
        ("KEFU_MAX_CONNECTIONS_PER_CLIENT", MAX_CONNECTIONS.to_owned()),
        ("KEFU_MAX_CONNECTIONS", MAX_CONNECTIONS.to_owned()),
    ]);
    let proxy = servers::start(&servers::binary("release-native", "kefu-proxy"), &[], &env)?;
    println!(
        "sandbox {} (session TTL {SESSION_TTL_SECS} s), proxy {} (pid {})",
        sandbox.url,
        proxy.url,
        proxy.pid()
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| XtaskError::new(format!("cannot start tokio: {e}")))?;
    let outcome = runtime.block_on(drive(opts, &proxy.url, proxy.pid()))?;
    drop(proxy);
    drop(sandbox);

    let report = report(opts, &outcome);
    println!("\n{report}");
    std::fs::write(dir.join("load.txt"), &report).map_err(|e| XtaskError::new(e.to_string()))?;
    println!("written to target/bench/load.txt");
    let errors: u64 = outcome.errors.values().sum();
    if errors == 0 && outcome.completed == u64::from(opts.chats) {
        Ok(())
    } else {
        Err(XtaskError::new(format!(
            "{errors} errors; {} of {} chats completed",
            outcome.completed, opts.chats
        )))
    }
}

/// What a run came to.
struct Outcome {
    /// Requests answered (successfully or not), and the latency of each successful one.
    latencies: Vec<Duration>,
    requests: u64,
    elapsed: Duration,
    /// Each distinct error, with how often it happened.
    errors: BTreeMap<String, u64>,
    /// Chats that ran all their turns and stopped.
    completed: u64,
    /// Proxy memory: resident before the load, after it, and the peak (kB).
    rss_before_kb: u64,
    rss_after_kb: u64,
    rss_peak_kb: u64,
    /// Slow clients connected when the chats began and when they ended.
    slow_at_start: usize,
    slow_at_end: usize,
    /// Times the proxy cut off a slow client (which then connected again).
    slow_cut_off: u64,
}

/// Shared between the chats.
struct Shared {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
    latencies: Mutex<Vec<Duration>>,
    errors: Mutex<BTreeMap<String, u64>>,
    requests: AtomicU64,
}

impl Shared {
    fn error(&self, what: String) {
        if let Ok(mut errors) = self.errors.lock() {
            *errors.entry(what).or_default() += 1;
        }
    }

    /// POSTs `body` to `path`; returns the answer's `result` when the platform says success.
    async fn post(&self, path: &str, body: &Value) -> std::result::Result<Value, String> {
        let request = hyper::Request::post(format!("{}{path}", self.base))
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body.to_string())))
            .map_err(|e| format!("{path}: cannot build the request: {e}"))?;
        let started = Instant::now();
        let answer = tokio::time::timeout(REQUEST_TIMEOUT, async {
            let response = self.client.request(request).await.map_err(|e| format!("{path}: {e:?}"))?;
            let status = response.status();
            let body = response.into_body().collect().await.map_err(|e| format!("{path}: body: {e}"))?;
            Ok::<_, String>((status, body.to_bytes()))
        })
        .await;
        self.requests.fetch_add(1, Ordering::Relaxed);
        let (status, body) =
            answer.map_err(|_| format!("{path}: no answer within {REQUEST_TIMEOUT:?}"))??;
        let elapsed = started.elapsed();
        let value: Value = serde_json::from_slice(&body).map_err(|e| {
            format!("{path}: HTTP {status}, not JSON ({e}): {}", String::from_utf8_lossy(&body))
        })?;
        let code = value.get("code").cloned().unwrap_or(Value::Null);
        if !status.is_success() || code != json!(0) {
            return Err(format!(
                "{path}: HTTP {status}, code {code}, msg {}",
                value.get("msg").unwrap_or(&Value::Null)
            ));
        }
        if let Ok(mut latencies) = self.latencies.lock() {
            latencies.push(elapsed);
        }
        Ok(value.get("result").cloned().unwrap_or(Value::Null))
    }
}

/// Starts the slow clients, runs the chats, and measures.
async fn drive(opts: &LoadOptions, proxy_url: &str, proxy_pid: u32) -> Result<Outcome> {
    let addr: SocketAddr = proxy_url
        .strip_prefix("http://")
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| XtaskError::new(format!("cannot read the proxy's address from {proxy_url}")))?;
    let (stop_slow, slow_stopped) = watch::channel(false);
    let connected = Arc::new(AtomicUsize::new(0));
    let cut_off = Arc::new(AtomicU64::new(0));
    let mut slow = Vec::new();
    for i in 0..opts.slow_clients {
        slow.push(tokio::spawn(slow_client(
            i,
            addr,
            slow_stopped.clone(),
            connected.clone(),
            cut_off.clone(),
        )));
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while connected.load(Ordering::Relaxed) < opts.slow_clients as usize && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let slow_at_start = connected.load(Ordering::Relaxed);
    println!("== {slow_at_start} slow clients connected; {} chats × {} turns", opts.chats, opts.turns);

    let rss_before_kb = proc_status_kb(proxy_pid, "VmRSS:").unwrap_or(0);
    let shared = Arc::new(Shared {
        client: Client::builder(TokioExecutor::new()).pool_max_idle_per_host(usize::MAX).build_http(),
        base: proxy_url.to_owned(),
        latencies: Mutex::new(Vec::with_capacity(opts.chats as usize * (opts.turns as usize * 2 + 4))),
        errors: Mutex::default(),
        requests: AtomicU64::new(0),
    });
    // One nonce a run, so a rerun against the same sandbox never reuses a sid.
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() & 0xffff_ffff)
        .unwrap_or(0);
    let started = Instant::now();
    let mut chats = Vec::new();
    for i in 0..opts.chats {
        let shared = shared.clone();
        let sid = format!("{nonce:08x}{:08x}{:016x}", std::process::id(), i);
        let turns = opts.turns;
        chats.push(tokio::spawn(async move {
            let result = chat(&shared, &sid, turns).await;
            if let Err(e) = &result {
                shared.error(e.clone());
            }
            result.is_ok()
        }));
    }
    let mut completed = 0;
    let all = async {
        for c in chats {
            if matches!(c.await, Ok(true)) {
                completed += 1;
            }
        }
    };
    let finished = tokio::time::timeout(RUN_TIMEOUT, all).await;
    let elapsed = started.elapsed();
    if finished.is_err() {
        shared.error(format!("the chats did not finish within {RUN_TIMEOUT:?}"));
    }
    let slow_at_end = connected.load(Ordering::Relaxed);
    let rss_after_kb = proc_status_kb(proxy_pid, "VmRSS:").unwrap_or(0);
    let rss_peak_kb = proc_status_kb(proxy_pid, "VmHWM:").unwrap_or(0);
    let _ = stop_slow.send(true);
    for s in slow {
        let _ = s.await;
    }
    let mut latencies = shared.latencies.lock().map(|l| l.clone()).unwrap_or_default();
    latencies.sort();
    let errors = shared.errors.lock().map(|e| e.clone()).unwrap_or_default();
    Ok(Outcome {
        latencies,
        requests: shared.requests.load(Ordering::Relaxed),
        elapsed,
        errors,
        completed,
        rss_before_kb,
        rss_after_kb,
        rss_peak_kb,
        slow_at_start,
        slow_at_end,
        slow_cut_off: cut_off.load(Ordering::Relaxed),
    })
}

/// One chat: start, acknowledge every prompt, answer every wait until `turns` inputs are sent,
/// then stop.
async fn chat(shared: &Shared, sid: &str, turns: u32) -> std::result::Result<(), String> {
    const START: &str = "/api/v1/gaia/botdm/start";
    const TRIGGER: &str = "/api/v1/gaia/botdm/trigger";
    let start = json!({
        "app_id": APP_ID, "bot_id": BOT_ID, "sid": sid, "channel": "h5",
        "var_json": { "name": "压测访客" },
    });
    let mut turn = shared.post(START, &start).await?;
    let mut sent = 0;
    loop {
        let cmd = turn.get("cmd").and_then(Value::as_str).unwrap_or_default().to_owned();
        let next = match cmd.as_str() {
            "evt.say" => {
                let Some(prompt_id) = turn.get("prompt_id").and_then(Value::as_str).filter(|p| !p.is_empty())
                else {
                    return Err("evt.say without a prompt_id".to_owned());
                };
                json!({ "sid": sid, "cmd": "evt.complete", "text": "", "prompt_id": prompt_id })
            }
            "evt.wait" if sent == turns => break,
            "evt.wait" => {
                sent += 1;
                json!({ "sid": sid, "cmd": "evt.input", "text": INPUTS[sent as usize % INPUTS.len()] })
            }
            other => return Err(format!("the chat ended early: {other:?} after {sent} of {turns} turns")),
        };
        turn = shared.post(TRIGGER, &next).await?;
    }
    shared.post("/api/v1/gaia/botdm/stop", &json!({ "sid": sid })).await?;
    Ok(())
}

/// A client that sends half a request and then one header line every [`TRICKLE_EVERY`], and
/// connects again when the proxy cuts it off, until told to stop.
async fn slow_client(
    index: u32,
    addr: SocketAddr,
    mut stop: watch::Receiver<bool>,
    connected: Arc<AtomicUsize>,
    cut_off: Arc<AtomicU64>,
) {
    while !*stop.borrow() {
        let Ok(mut stream) = TcpStream::connect(addr).await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let head = "POST /api/v1/gaia/botdm/trigger HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        if stream.write_all(head.as_bytes()).await.is_err() {
            continue;
        }
        connected.fetch_add(1, Ordering::Relaxed);
        let mut line = 0u64;
        let mut buf = [0u8; 512];
        let held = loop {
            tokio::select! {
                _ = stop.changed() => break true,
                // The proxy answered (say, 408) or closed the connection: it was cut off.
                _ = stream.read(&mut buf) => break false,
                () = tokio::time::sleep(TRICKLE_EVERY) => {
                    line += 1;
                    let header = format!("X-Trickle-{index}: {line}\r\n");
                    if stream.write_all(header.as_bytes()).await.is_err() {
                        break false;
                    }
                }
            }
        };
        connected.fetch_sub(1, Ordering::Relaxed);
        if !held {
            cut_off.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A `kB` line of `/proc/<pid>/status` (`VmRSS:`, `VmHWM:`).
pub(crate) fn proc_status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_status_kb(&status, field)
}

fn parse_status_kb(status: &str, field: &str) -> Option<u64> {
    status.lines().find_map(|l| l.strip_prefix(field))?.split_whitespace().next()?.parse().ok()
}

/// The value below which `p` percent of the sorted `values` lie (nearest rank).
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(opts: &LoadOptions, o: &Outcome) -> String {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mib = |kb: u64| kb as f64 / 1024.0;
    let errors: u64 = o.errors.values().sum();
    let mut out = format!(
        "load benchmark: {} concurrent chats × {} turns through kefu-proxy to kefu-sandbox (release-native, \
         loopback), with {} slow clients trickling headers to the proxy throughout; {cores} cores shared by \
         the load generator, the proxy and the sandbox\n\
         settings: sandbox --session-ttl-secs {SESSION_TTL_SECS} (it has no rate limit); proxy \
         KEFU_RATE_PER_SECOND={RATE} KEFU_RATE_BURST={RATE} KEFU_MAX_CONCURRENCY={MAX_CONCURRENCY} \
         KEFU_MAX_CONNECTIONS(_PER_CLIENT)={MAX_CONNECTIONS}\n\n\
         requests:     {} in {:.2} s = {:.0} req/s\n\
         latency:      p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (successful requests)\n\
         chats:        {} of {} completed\n\
         errors:       {errors}\n",
        opts.chats,
        opts.turns,
        opts.slow_clients,
        o.requests,
        o.elapsed.as_secs_f64(),
        o.requests as f64 / o.elapsed.as_secs_f64().max(1e-9),
        ms(percentile(&o.latencies, 50.0)),
        ms(percentile(&o.latencies, 99.0)),
        ms(o.latencies.last().copied().unwrap_or_default()),
        o.completed,
        opts.chats,
    );
    for (what, count) in &o.errors {
        out.push_str(&format!("  {count} × {what}\n"));
    }
    out.push_str(&format!(
        "slow clients: {} connected when the chats began, {} when they ended; cut off by the proxy {} times \
         (each connected again)\n\
         proxy RSS:    {:.1} MiB before the chats (slow clients already connected), {:.1} MiB after \
         (peak {:.1} MiB)\n",
        o.slow_at_start,
        o.slow_at_end,
        o.slow_cut_off,
        mib(o.rss_before_kb),
        mib(o.rss_after_kb),
        mib(o.rss_peak_kb),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_proc_status() {
        let status = "Name:\tkefu-proxy\nVmHWM:\t   51234 kB\nVmRSS:\t   40960 kB\nThreads:\t3\n";
        assert_eq!(parse_status_kb(status, "VmRSS:"), Some(40_960));
        assert_eq!(parse_status_kb(status, "VmHWM:"), Some(51_234));
        assert_eq!(parse_status_kb(status, "VmSwap:"), None);
    }

    #[test]
    fn takes_nearest_rank_percentiles() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&v, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&v, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&v, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&v[..1], 99.0), Duration::from_millis(1));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }

    #[test]
    fn every_input_keeps_the_chat_going() {
        // The shipped bot transfers or finishes on its ending intents' keywords and patterns:
        // no input may meet one, or a chat would end before its turns.
        let script = std::fs::read_to_string(cmd::root().join("crates/sandbox/bots/mediation.toml"))
            .expect("the shipped bot script");
        let script: toml::Table = script.parse().expect("valid TOML");
        let intents = script["intent"].as_array().expect("intents");
        let ending: Vec<&toml::Value> = intents
            .iter()
            .filter(|i| matches!(i.get("then").and_then(toml::Value::as_str), Some("transfer" | "finish")))
            .collect();
        assert!(!ending.is_empty(), "the script has ending intents");
        for intent in ending {
            assert!(intent.get("patterns").is_none(), "patterns are not checked here: {intent}");
            for keyword in intent["keywords"].as_array().expect("keywords") {
                let keyword = keyword.as_str().expect("text").to_lowercase();
                for input in INPUTS {
                    assert!(!input.to_lowercase().contains(&keyword), "{input:?} contains {keyword:?}");
                }
            }
        }
    }
}
