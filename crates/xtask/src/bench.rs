//! `cargo xtask bench proxy`: bounded load on loopback against a fixed upstream, directly,
//! through kefu-proxy, and through nginx with njs doing the same md5 signing.
//!
//! The upstream is an nginx `return 200` location (fast and fixed); the load generator is `wrk`
//! (Debian) with a small Lua script for the POST. Every process listens on 127.0.0.1 only, runs
//! for a bounded time, and is stopped at the end. Results go to stdout and `target/bench/proxy.txt`.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::cmd::{self, Result, XtaskError, io};
use crate::servers;

/// How a bench run is shaped.
pub(crate) struct BenchOptions {
    /// Seconds of each loaded run (light runs take half).
    pub(crate) seconds: u32,
    /// wrk's connections in the loaded runs.
    pub(crate) connections: u32,
    /// Loaded runs per target, taken in turn.
    pub(crate) rounds: u32,
}

const KEY: &str = "bench-key";
const SECRET: &str = "bench-secret";
const PATH: &str = "/api/v1/gaia/botdm/stop";
const BODY: &str = r#"{"sid":"ad84177a55e14ce02a46331bd500243c"}"#;
const UPSTREAM_PORT: u16 = 18_081;
const NJS_PORT: u16 = 18_082;
const PROXY_PORT: u16 = 18_083;

/// Issue 17's goals for kefu-proxy: throughput against nginx+njs (loaded), latency it adds at one
/// connection (p50), and its resident memory under the loaded runs.
const GOAL_THROUGHPUT_RATIO: f64 = 1.2;
const GOAL_ADDED_P50_MS: f64 = 0.025;
/// 30 MB, decimal, in the kB (KiB) of `/proc/<pid>/status`.
const GOAL_RSS_KIB: u64 = 30_000_000 / 1024;

/// nginx, stopped with `nginx -s stop` when dropped: killing only the master would leave its
/// workers running and holding the ports.
struct Nginx {
    master: Child,
    prefix: PathBuf,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let conf = self.prefix.join("nginx.conf");
        let stopped = Command::new("nginx")
            .arg("-p")
            .arg(&self.prefix)
            .arg("-c")
            .arg(&conf)
            .args(["-s", "stop"])
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = self.master.kill();
        }
        let _ = self.master.wait();
    }
}

struct Measured {
    name: &'static str,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// Requests completed in the run.
    requests: u64,
}

/// One target: where wrk sends load, and whose CPU time it costs.
struct Target {
    name: &'static str,
    port: u16,
    /// The process under test (for nginx its master; its workers are counted with it).
    pid: u32,
}

/// A loaded run, with what the target's processes (and the upstream's) used on it.
struct Loaded {
    measured: Measured,
    cpu_us_per_request: f64,
    /// The target's threads going to sleep (voluntary context switches), a request.
    sleeps_per_request: f64,
    /// The target's threads switched out while runnable (involuntary), a request.
    preempted_per_request: f64,
    /// The upstream's CPU, a request: what the target's way of writing to it costs it.
    upstream_cpu_us_per_request: f64,
    /// wrk's threads going to sleep, a request: how often the target's answers woke it.
    wrk_sleeps_per_request: f64,
}

/// What a process and its children (nginx's workers) have used so far.
#[derive(Clone, Copy, Default)]
struct Usage {
    /// CPU time, user + system, in seconds.
    cpu_seconds: f64,
    /// Voluntary context switches of all their threads.
    sleeps: u64,
    /// Involuntary context switches of all their threads.
    preempted: u64,
}

impl std::ops::Sub for Usage {
    type Output = Usage;
    fn sub(self, before: Usage) -> Usage {
        Usage {
            cpu_seconds: self.cpu_seconds - before.cpu_seconds,
            sleeps: self.sleeps.saturating_sub(before.sleeps),
            preempted: self.preempted.saturating_sub(before.preempted),
        }
    }
}

/// Runs the proxy benchmark.
pub(crate) fn proxy(opts: &BenchOptions) -> Result<()> {
    ensure_tools()?;
    let dir = cmd::root().join("target").join("bench");
    std::fs::create_dir_all(dir.join("tmp")).map_err(io(&dir))?;

    println!("== building kefu-proxy (profile release-native)");
    cmd::run(cmd::command(
        "cargo",
        &["build", "--locked", "--profile", "release-native", "-p", "kefu-proxy"],
        &[],
    ))?;
    let proxy_bin = servers::binary("release-native", "kefu-proxy");

    for port in [UPSTREAM_PORT, NJS_PORT, PROXY_PORT] {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Err(XtaskError::new(format!(
                "127.0.0.1:{port} is already in use; stop what listens there"
            )));
        }
    }
    // Three separate processes in every run: wrk, the proxy under test (or none), the upstream.
    let upstream = start_upstream(&dir)?;
    let njs = start_njs(&dir)?;
    wait_for_port(UPSTREAM_PORT)?;
    wait_for_port(NJS_PORT)?;
    let proxy = start_proxy(&proxy_bin)?;

    let script = dir.join("post.lua");
    std::fs::write(
        &script,
        format!("wrk.method = \"POST\"\nwrk.body = '{BODY}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"),
    )
    .map_err(|e| XtaskError::new(e.to_string()))?;

    let targets = [
        Target { name: "direct", port: UPSTREAM_PORT, pid: upstream.master.id() },
        Target { name: "kefu-proxy", port: PROXY_PORT, pid: proxy.pid() },
        Target { name: "nginx+njs", port: NJS_PORT, pid: njs.master.id() },
    ];
    let tick = clock_ticks_per_second();

    for t in &targets {
        println!("== {}: warm-up", t.name);
        wrk(t.port, &script, 2, opts.connections, 2)?;
    }
    // Every round measures each target in turn, with one connection (latency without queueing)
    // and then loaded: a slow spell of this shared machine then touches every target alike
    // instead of only the one measured during it, and the medians set it aside.
    let mut light: [Vec<Measured>; 3] = Default::default();
    let mut loaded: [Vec<Loaded>; 3] = Default::default();
    // The proxy's resident memory at the end of each of its loaded runs.
    let mut proxy_rss_kib = Vec::new();
    for round in 1..=opts.rounds {
        for ((t, light), loaded) in targets.iter().zip(&mut light).zip(&mut loaded) {
            println!("== {}: round {round} of {}", t.name, opts.rounds);
            light.push(parse_wrk(t.name, &wrk(t.port, &script, opts.seconds.div_ceil(2), 1, 1)?)?);
            let (before, upstream_before) = (usage(t.pid, tick), usage(upstream.master.id(), tick));
            let wrk_before = waited_children_sleeps()?;
            let measured = parse_wrk(t.name, &wrk(t.port, &script, opts.seconds, opts.connections, 2)?)?;
            let wrk_sleeps = waited_children_sleeps()?.saturating_sub(wrk_before);
            let used = usage(t.pid, tick) - before;
            let upstream_used = usage(upstream.master.id(), tick) - upstream_before;
            let per_request = |n: f64| n / measured.requests.max(1) as f64;
            if t.port == PROXY_PORT {
                proxy_rss_kib.extend(crate::load::proc_status_kb(t.pid, "VmRSS:"));
            }
            loaded.push(Loaded {
                cpu_us_per_request: per_request(1e6 * used.cpu_seconds),
                sleeps_per_request: per_request(used.sleeps as f64),
                preempted_per_request: per_request(used.preempted as f64),
                upstream_cpu_us_per_request: per_request(1e6 * upstream_used.cpu_seconds),
                wrk_sleeps_per_request: per_request(wrk_sleeps as f64),
                measured,
            });
        }
    }
    let rss = Rss {
        median_kib: median(proxy_rss_kib.iter().map(|&k| k as f64).collect()) as u64,
        peak_kib: crate::load::proc_status_kb(proxy.pid(), "VmHWM:").unwrap_or(0),
    };

    let report = report(opts, &light, &loaded, &rss);
    println!("\n{report}");
    std::fs::write(dir.join("proxy.txt"), &report).map_err(|e| XtaskError::new(e.to_string()))?;
    println!("written to target/bench/proxy.txt");
    Ok(())
}

/// kefu-proxy's resident memory (`/proc/<pid>/status`), in KiB.
struct Rss {
    /// `VmRSS` at the end of its loaded runs, their median.
    median_kib: u64,
    /// `VmHWM` at the end of the bench: the peak over every run.
    peak_kib: u64,
}

/// "met" or "NOT met".
fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

/// The printed report: light latency and loaded medians, each round's ratio, the proxy's memory,
/// and the verdicts on issue 17's goals.
fn report(opts: &BenchOptions, light: &[Vec<Measured>; 3], loaded: &[Vec<Loaded>; 3], rss: &Rss) -> String {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let light_p50 = |runs: &[Measured]| median(runs.iter().map(|m| m.p50_ms).collect());
    let light_p99 = |runs: &[Measured]| median(runs.iter().map(|m| m.p99_ms).collect());
    let mut out = format!(
        "proxy benchmark: POST {PATH} on loopback, {cores} cores shared by wrk, the proxy under test and the \
         upstream (each its own process); medians of {} rounds, targets taken in turn in each\n\n\
         light: 1 connection, {} s a run (latency without queueing)\n\
         {:<12} {:>10} {:>10}\n",
        opts.rounds,
        opts.seconds.div_ceil(2),
        "target",
        "p50 ms",
        "p99 ms"
    );
    for runs in light {
        let name = runs.first().map_or("", |m| m.name);
        out.push_str(&format!("{name:<12} {:>10.3} {:>10.3}\n", light_p50(runs), light_p99(runs)));
    }
    out.push_str(&format!(
        "\nloaded: {} connections, wrk -t2, {} s a run\n\
         {:<12} {:>10} {:>10} {:>10} {:>11} {:>11} {:>11} {:>11} {:>11}\n",
        opts.connections,
        opts.seconds,
        "target",
        "req/s",
        "p50 ms",
        "p99 ms",
        "CPU µs/req",
        "sleeps/req",
        "preempt/req",
        "upstream µs",
        "wrk sleeps"
    ));
    for runs in loaded {
        let of = |f: fn(&Loaded) -> f64| median(runs.iter().map(f).collect());
        out.push_str(&format!(
            "{:<12} {:>10.0} {:>10.3} {:>10.3} {:>11.1} {:>11.2} {:>11.2} {:>11.1} {:>11.2}\n",
            runs.first().map_or("", |r| r.measured.name),
            of(|r| r.measured.rps),
            of(|r| r.measured.p50_ms),
            of(|r| r.measured.p99_ms),
            of(|r| r.cpu_us_per_request),
            of(|r| r.sleeps_per_request),
            of(|r| r.preempted_per_request),
            of(|r| r.upstream_cpu_us_per_request),
            of(|r| r.wrk_sleeps_per_request),
        ));
    }
    out.push_str(
        "(CPU: the target's own processes, user + system, a request; the proxy's excludes the upstream's. \
         sleeps and preempt: the target's voluntary and involuntary context switches a request. \
         upstream µs: the upstream's CPU a request, which the target's way of writing to it moves. \
         wrk sleeps: the load generator's voluntary context switches a request, how often answers woke it)\n",
    );

    let [_, proxy, njs] = loaded;
    let ratios: Vec<f64> =
        proxy.iter().zip(njs).map(|(p, n)| p.measured.rps / n.measured.rps.max(1.0)).collect();
    let rounds: Vec<String> = proxy
        .iter()
        .zip(njs)
        .zip(&ratios)
        .map(|((p, n), r)| format!("{:.0}/{:.0} ({:.0}%)", p.measured.rps, n.measured.rps, 100.0 * r))
        .collect();
    let ratio = median(ratios);
    let [direct, proxy_light, njs_light] = light;
    let added_p50 = light_p50(proxy_light) - light_p50(direct);
    let added_p99 = light_p99(proxy_light) - light_p99(direct);
    let njs_p99 = light_p99(njs_light) - light_p99(direct);
    let mb = |kib: u64| kib as f64 * 1024.0 / 1e6;
    out.push_str(&format!(
        "\nkefu-proxy / nginx+njs req/s by round: {}\n\
         kefu-proxy resident memory (VmRSS) after its loaded runs: median {:.1} MB, peak (VmHWM) {:.1} MB\n\
         kefu-proxy added latency (light): p50 {added_p50:.3} ms, p99 {added_p99:.3} ms \
         (nginx+njs adds p99 {njs_p99:.3} ms)\n{}\
         \ngoals (issue 17):\n\
         - throughput >= {:.1}x nginx+njs's (loaded): {:.2}x, {}\n\
         - added p50 at one connection <= {:.0} µs: {:.0} µs, {}\n\
         - RSS under load <= 30 MB: peak {:.1} MB, {}\n",
        rounds.join(", "),
        mb(rss.median_kib),
        mb(rss.peak_kib),
        if added_p50.min(added_p99) < 0.0 {
            "(a negative added latency is below this machine's run-to-run noise)\n"
        } else {
            ""
        },
        GOAL_THROUGHPUT_RATIO,
        ratio,
        verdict(ratio >= GOAL_THROUGHPUT_RATIO),
        GOAL_ADDED_P50_MS * 1000.0,
        added_p50 * 1000.0,
        verdict(added_p50 <= GOAL_ADDED_P50_MS),
        mb(rss.peak_kib),
        verdict(rss.peak_kib > 0 && rss.peak_kib <= GOAL_RSS_KIB),
    ));
    out
}

/// The middle value (the mean of the two middle ones for an even count); 0 for none.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// `getconf CLK_TCK`: the unit of `/proc/<pid>/stat`'s CPU times (100 almost everywhere).
fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// What process `pid` (all its threads) and its children (nginx's workers) have used so far.
fn usage(pid: u32, tick: f64) -> Usage {
    let mut ticks = 0;
    let mut used = Usage::default();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        let own = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) == Some(pid);
        let Some((parent, cpu)) = parse_stat(&stat) else { continue };
        if !(own || parent == pid) {
            continue;
        }
        ticks += cpu;
        for task in std::fs::read_dir(entry.path().join("task")).into_iter().flatten().flatten() {
            let status = std::fs::read_to_string(task.path().join("status")).unwrap_or_default();
            let (sleeps, preempted) = parse_switches(&status);
            used.sleeps += sleeps;
            used.preempted += preempted;
        }
    }
    used.cpu_seconds = ticks as f64 / tick;
    used
}

/// Voluntary context switches of every child this process has waited for (`getrusage`'s
/// `RUSAGE_CHILDREN`): around one `wrk` run, that run's, all its threads counted.
fn waited_children_sleeps() -> Result<u64> {
    let used = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .map_err(|e| XtaskError::new(format!("getrusage: {e}")))?;
    Ok(u64::try_from(used.voluntary_context_switches()).unwrap_or(0))
}

/// From a `/proc/<pid>/task/<tid>/status`: its voluntary and involuntary context switches.
fn parse_switches(status: &str) -> (u64, u64) {
    let field = |name: &str| {
        status.lines().find_map(|l| l.strip_prefix(name)).and_then(|v| v.trim().parse().ok()).unwrap_or(0)
    };
    (field("voluntary_ctxt_switches:"), field("nonvoluntary_ctxt_switches:"))
}

/// From a `/proc/<pid>/stat` line: the parent's pid, and utime + stime in clock ticks.
fn parse_stat(stat: &str) -> Option<(u32, u64)> {
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    let rest: Vec<&str> = stat.get(stat.rfind(')')? + 1..)?.split_whitespace().collect();
    let parent = rest.get(1)?.parse().ok()?;
    let utime: u64 = rest.get(11)?.parse().ok()?;
    let stime: u64 = rest.get(12)?.parse().ok()?;
    Some((parent, utime + stime))
}

fn ensure_tools() -> Result<()> {
    let have = |p: &str| Path::new(p).exists();
    if have("/usr/bin/wrk") && have("/usr/sbin/nginx") && have("/usr/lib/nginx/modules/ngx_http_js_module.so")
    {
        return Ok(());
    }
    crate::setup::apt_install(
        &["wrk", "nginx-light", "libnginx-mod-http-js"],
        "wrk, nginx and its njs module",
    )
}

/// Starts one nginx with its own prefix folder `dir/name` and the given `http { … }` body.
fn start_nginx(dir: &Path, name: &str, modules: &str, http: &str) -> Result<Nginx> {
    let prefix = dir.join(name);
    std::fs::create_dir_all(prefix.join("tmp")).map_err(|e| XtaskError::new(e.to_string()))?;
    let d = prefix.display();
    let conf = format!(
        "{modules}user root;\nworker_processes 2;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 4096; }}\n\
         http {{\n  access_log off;\n\
         \x20 client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp; fastcgi_temp_path {d}/tmp;\n\
         \x20 uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;\n{http}}}\n"
    );
    let conf_path = prefix.join("nginx.conf");
    std::fs::write(&conf_path, conf).map_err(|e| XtaskError::new(e.to_string()))?;
    let child = Command::new("nginx")
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(&conf_path)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| XtaskError::new(format!("cannot start nginx: {e}")))?;
    Ok(Nginx { master: child, prefix })
}

/// The fixed upstream: its own nginx process, answering every request at once.
fn start_upstream(dir: &Path) -> Result<Nginx> {
    let http = format!(
        "  server {{ listen 127.0.0.1:{UPSTREAM_PORT}; keepalive_requests 100000;\n\
         \x20   location / {{ default_type application/json; return 200 '{{\"code\":0,\"msg\":\"success\"}}'; }} }}\n"
    );
    start_nginx(dir, "upstream", "", &http)
}

/// nginx with njs doing the platform signing, as a separate process in front of the upstream.
fn start_njs(dir: &Path) -> Result<Nginx> {
    let script = dir.join("sign.js");
    std::fs::write(
        &script,
        format!(
            "const crypto = require('crypto');\n\
             function auth(r) {{\n\
             \x20 const ts = Math.floor(Date.now() / 1000).toString();\n\
             \x20 const digest = crypto.createHash('md5').update('{SECRET}:' + ts).digest('hex');\n\
             \x20 return '{KEY}:' + ts + ':' + digest;\n\
             }}\n\
             export default {{ auth }};\n"
        ),
    )
    .map_err(|e| XtaskError::new(e.to_string()))?;
    let http = format!(
        "  js_import sign from {};\n  js_set $kefu_auth sign.auth;\n\
         \x20 upstream platform {{ server 127.0.0.1:{UPSTREAM_PORT}; keepalive 128; }}\n\
         \x20 server {{ listen 127.0.0.1:{NJS_PORT};\n\
         \x20   location = {PATH} {{ proxy_http_version 1.1; proxy_set_header Connection \"\"; \
         proxy_set_header Authorization $kefu_auth; proxy_pass http://platform; }}\n  }}\n",
        script.display()
    );
    start_nginx(dir, "njs", "load_module /usr/lib/nginx/modules/ngx_http_js_module.so;\n", &http)
}

fn start_proxy(bin: &Path) -> Result<servers::Server> {
    let envs = [
        ("KEFU_LISTEN", format!("127.0.0.1:{PROXY_PORT}")),
        ("KEFU_APIKEY", KEY.to_owned()),
        ("KEFU_APISECRET", SECRET.to_owned()),
        ("KEFU_PLATFORM_URL", format!("http://127.0.0.1:{UPSTREAM_PORT}")),
        ("KEFU_RATE_PER_SECOND", "1000000".to_owned()),
        ("KEFU_RATE_BURST", "1000000".to_owned()),
        ("KEFU_MAX_CONCURRENCY", "4096".to_owned()),
        ("RUST_LOG", "warn".to_owned()),
    ];
    servers::start(bin, &[], &envs)
}

fn wait_for_port(port: u16) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(XtaskError::new(format!("nothing listens on 127.0.0.1:{port}; see target/bench/nginx-error.log")))
}

fn wrk(port: u16, script: &Path, seconds: u32, connections: u32, threads: u32) -> Result<String> {
    let out = Command::new("wrk")
        .args([
            &format!("-t{threads}"),
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
            "-s",
        ])
        .arg(script)
        .arg(format!("http://127.0.0.1:{port}{PATH}"))
        .output()
        .map_err(|e| XtaskError::new(format!("cannot run wrk: {e}")))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(XtaskError::new(format!("wrk failed: {text}")));
    }
    Ok(text)
}

/// Reads `Requests/sec:`, and the `50%` / `99%` lines of wrk's latency distribution.
fn parse_wrk(name: &'static str, out: &str) -> Result<Measured> {
    if out.contains("Non-2xx or 3xx responses") {
        return Err(XtaskError::new(format!("{name}: some answers were errors:\n{out}")));
    }
    let field = |prefix: &str| -> Option<&str> {
        out.lines().map(str::trim).find_map(|l| l.strip_prefix(prefix)).map(str::trim)
    };
    let rps = field("Requests/sec:").and_then(|v| v.parse().ok());
    let p50 = field("50%").and_then(parse_duration_ms);
    let p99 = field("99%").and_then(parse_duration_ms);
    // `  123456 requests in 10.00s, 12.34MB read`
    let requests = out
        .lines()
        .find(|l| l.contains(" requests in "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok());
    match (rps, p50, p99, requests) {
        (Some(rps), Some(p50_ms), Some(p99_ms), Some(requests)) => {
            Ok(Measured { name, rps, p50_ms, p99_ms, requests })
        }
        _ => Err(XtaskError::new(format!("{name}: cannot read wrk's output:\n{out}"))),
    }
}

/// `812.00us`, `1.23ms`, `2.00s` → milliseconds.
fn parse_duration_ms(s: &str) -> Option<f64> {
    let s = s.trim();
    let (num, scale) = if let Some(n) = s.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    num.parse::<f64>().ok().map(|v| v * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_output() {
        let out = "Running 10s test\n  Latency Distribution\n     50%  812.00us\n     75%    1.10ms\n     90%    1.50ms\n     99%    3.21ms\n  100 requests in 1s\nRequests/sec:  45678.90\nTransfer/sec: 5MB\n";
        let m = parse_wrk("x", out).expect("parses");
        assert!((m.rps - 45_678.9).abs() < 1e-6);
        assert!((m.p50_ms - 0.812).abs() < 1e-9);
        assert!((m.p99_ms - 3.21).abs() < 1e-9);
        assert_eq!(m.requests, 100);
        assert!(parse_wrk("x", "Non-2xx or 3xx responses: 5\n").is_err());
        assert_eq!(parse_duration_ms("2.00s"), Some(2000.0));
    }

    #[test]
    fn reads_proc_stat_and_takes_medians() {
        let stat = "4242 (nginx: worker) S 4241 4241 4241 0 -1 4194624 100 0 0 0 250 31 0 0 20 0 1 0 99 0 0";
        assert_eq!(parse_stat(stat), Some((4241, 281)));
        assert_eq!(parse_stat("garbage"), None);
        let status = "Name:\tkefu-proxy\nvoluntary_ctxt_switches:\t1203\nnonvoluntary_ctxt_switches:\t45\n";
        assert_eq!(parse_switches(status), (1203, 45));
        assert_eq!(parse_switches("Name:\tx\n"), (0, 0));
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(Vec::new()), 0.0);
    }
}
