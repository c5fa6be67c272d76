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

use crate::cmd::{self, Result, XtaskError};
use crate::servers;

/// How a bench run is shaped.
pub(crate) struct BenchOptions {
    pub(crate) seconds: u32,
    pub(crate) connections: u32,
}

const KEY: &str = "bench-key";
const SECRET: &str = "bench-secret";
const PATH: &str = "/api/v1/gaia/botdm/stop";
const BODY: &str = r#"{"sid":"ad84177a55e14ce02a46331bd500243c"}"#;
const UPSTREAM_PORT: u16 = 18_081;
const NJS_PORT: u16 = 18_082;
const PROXY_PORT: u16 = 18_083;

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
}

/// A target measured twice: one request in flight (latency) and under load (throughput).
struct Target {
    light: Measured,
    loaded: Measured,
}

/// Runs the proxy benchmark.
pub(crate) fn proxy(opts: &BenchOptions) -> Result<()> {
    ensure_tools()?;
    let dir = cmd::root().join("target").join("bench");
    std::fs::create_dir_all(dir.join("tmp"))
        .map_err(|e| XtaskError::new(format!("{}: {e}", dir.display())))?;

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
    let _upstream = start_upstream(&dir)?;
    let _njs = start_njs(&dir)?;
    wait_for_port(UPSTREAM_PORT)?;
    wait_for_port(NJS_PORT)?;
    let _proxy = start_proxy(&proxy_bin)?;

    let script = dir.join("post.lua");
    std::fs::write(
        &script,
        format!("wrk.method = \"POST\"\nwrk.body = '{BODY}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"),
    )
    .map_err(|e| XtaskError::new(e.to_string()))?;

    let targets = [("direct", UPSTREAM_PORT), ("kefu-proxy", PROXY_PORT), ("nginx+njs", NJS_PORT)];
    let mut results = Vec::new();
    for (name, port) in targets {
        // A short warm-up, then one connection (latency without queueing), then the load.
        wrk(port, &script, 2, opts.connections, 2)?;
        let light = parse_wrk(name, &wrk(port, &script, opts.seconds.div_ceil(2), 1, 1)?)?;
        let loaded = parse_wrk(name, &wrk(port, &script, opts.seconds, opts.connections, 2)?)?;
        results.push(Target { light, loaded });
    }

    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mut report = format!(
        "proxy benchmark: POST {PATH} on loopback, {cores} cores shared by wrk, the proxy under test and the \
         upstream (each its own process)\n\
         light: 1 connection, {} s (latency without queueing); loaded: {} connections, wrk -t2, {} s\n\n\
         {:<12} {:>12} {:>12} {:>12} {:>12} {:>12}\n",
        opts.seconds.div_ceil(2),
        opts.connections,
        opts.seconds,
        "target",
        "light p50 ms",
        "light p99 ms",
        "loaded req/s",
        "loaded p50",
        "loaded p99"
    );
    for t in &results {
        report.push_str(&format!(
            "{:<12} {:>12.3} {:>12.3} {:>12.0} {:>12.3} {:>12.3}\n",
            t.light.name, t.light.p50_ms, t.light.p99_ms, t.loaded.rps, t.loaded.p50_ms, t.loaded.p99_ms
        ));
    }
    let (direct, proxy, njs) = (&results[0], &results[1], &results[2]);
    let added_p50 = proxy.light.p50_ms - direct.light.p50_ms;
    let added_p99 = proxy.light.p99_ms - direct.light.p99_ms;
    let njs_p99 = njs.light.p99_ms - direct.light.p99_ms;
    report.push_str(&format!(
        "\nkefu-proxy added latency (light): p50 {added_p50:.3} ms, p99 {added_p99:.3} ms \
         (nginx+njs adds p99 {njs_p99:.3} ms; target p99 < 1 ms: {})\n\
         kefu-proxy throughput vs nginx+njs (loaded): {:.0}% (target >= 100%: {})\n",
        if added_p99 < 1.0 { "met" } else { "NOT met" },
        100.0 * proxy.loaded.rps / njs.loaded.rps.max(1.0),
        if proxy.loaded.rps >= njs.loaded.rps { "met" } else { "NOT met" },
    ));
    println!("\n{report}");
    std::fs::write(dir.join("proxy.txt"), &report).map_err(|e| XtaskError::new(e.to_string()))?;
    println!("written to target/bench/proxy.txt");
    Ok(())
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
    match (rps, p50, p99) {
        (Some(rps), Some(p50_ms), Some(p99_ms)) => Ok(Measured { name, rps, p50_ms, p99_ms }),
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
        assert!(parse_wrk("x", "Non-2xx or 3xx responses: 5\n").is_err());
        assert_eq!(parse_duration_ms("2.00s"), Some(2000.0));
    }
}
