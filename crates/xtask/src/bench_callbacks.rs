//! `cargo xtask bench callbacks`: the callback receiver as the platform meets it. The
//! release-native `kefu-proxy` with a fresh SQLite store in a temporary folder, on loopback;
//! `--calls` calls (default 10,000) in §7 pushes of 100 over real HTTP from a few concurrent
//! senders; then every push replayed. Reports calls stored per second, p50/p99 push answer time,
//! the store's size on disk, and lost / duplicated calls, counted through the operators' result
//! routes. Runs once per sender count (default 1, as the platform pushes a task batch serially,
//! and 4). `--store postgres` uses a throwaway PostgreSQL cluster instead (a database per run).
//! A measurement, not a test; results go to stdout and `target/bench/callbacks.txt`.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::cmd::{self, Result, XtaskError, io};
use crate::servers;

/// Which store the proxy gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum StoreKind {
    /// A SQLite file in a temporary folder.
    Sqlite,
    /// A throwaway PostgreSQL cluster (Debian's `postgresql`) on a free loopback port.
    Postgres,
}

/// How the bench is shaped.
pub(crate) struct CallbacksOptions {
    /// The store.
    pub(crate) store: StoreKind,
    /// Calls in all (rounded up to whole pushes).
    pub(crate) calls: usize,
    /// Concurrent senders of each run, one run per entry.
    pub(crate) senders: Vec<usize>,
}

const CALLS_PER_PUSH: usize = 100;
const TOKEN: &str = "b3f1c0de9a8e47d2a6c5b4f3e2d1c0b9";
const OPERATOR: &str = "bench-operator-token";
const TASK: &str = "bench";

/// One run's figures.
struct Run {
    senders: usize,
    calls: usize,
    seconds: f64,
    p50_ms: f64,
    p99_ms: f64,
    replay_p99_ms: f64,
    store_bytes: u64,
    lost: usize,
    duplicated: usize,
}

/// Runs the callbacks benchmark.
pub(crate) fn callbacks(opts: &CallbacksOptions) -> Result<()> {
    let dir = cmd::root().join("target").join("bench");
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    println!("== building kefu-proxy (profile release-native)");
    cmd::run(cmd::command(
        "cargo",
        &["build", "--locked", "--profile", "release-native", "-p", "kefu-proxy"],
        &[],
    ))?;
    let bin = servers::binary("release-native", "kefu-proxy");
    let pushes = opts.calls.div_ceil(CALLS_PER_PUSH).max(1);
    let bodies: Vec<String> = (0..pushes).map(push_body).collect();
    let cluster = match opts.store {
        StoreKind::Postgres => Some(PgCluster::start()?),
        StoreKind::Sqlite => None,
    };
    let mut runs = Vec::new();
    for &senders in &opts.senders {
        let run = match &cluster {
            Some(cluster) => {
                let db = format!("kefu_bench_{senders}");
                cluster.createdb(&db)?;
                let url = format!("postgres://postgres@127.0.0.1:{}/{db}", cluster.port);
                run(&bin, &url, || cluster.database_size(&db), &bodies, senders)?
            }
            None => {
                let store_dir = dir.join(format!("callbacks-store-{}-{senders}", std::process::id()));
                let _ = std::fs::remove_dir_all(&store_dir);
                std::fs::create_dir_all(&store_dir).map_err(|e| XtaskError::new(e.to_string()))?;
                let url = format!("sqlite:{}", store_dir.join("kefu.db").display());
                let result = run(&bin, &url, || dir_size(&store_dir), &bodies, senders);
                let _ = std::fs::remove_dir_all(&store_dir);
                result?
            }
        };
        println!(
            "senders {}: {} calls in {:.2} s = {:.0} calls/s; push p50 {:.1} ms, p99 {:.1} ms; replay p99 {:.1} ms; store {:.1} MiB; lost {}, duplicated {}",
            run.senders,
            run.calls,
            run.seconds,
            run.calls as f64 / run.seconds,
            run.p50_ms,
            run.p99_ms,
            run.replay_p99_ms,
            run.store_bytes as f64 / (1024.0 * 1024.0),
            run.lost,
            run.duplicated
        );
        runs.push(run);
    }
    drop(cluster);
    let report = report(opts.store, &runs);
    print!("{report}");
    let path = dir.join("callbacks.txt");
    std::fs::write(&path, &report).map_err(io(&path))?;
    println!("written to {}", path.display());
    if runs.iter().any(|r| r.lost > 0 || r.duplicated > 0) {
        return Err(XtaskError::new("calls were lost or duplicated"));
    }
    Ok(())
}

/// One run: a proxy on a fresh store, every push sent, every push replayed, then the count.
fn run(
    bin: &Path,
    store_url: &str,
    store_size: impl Fn() -> Result<u64>,
    bodies: &[String],
    senders: usize,
) -> Result<Run> {
    let envs = [
        ("KEFU_LISTEN", "127.0.0.1:0".to_owned()),
        ("KEFU_APIKEY", "bench-key".to_owned()),
        ("KEFU_APISECRET", "bench-secret".to_owned()),
        ("KEFU_PLATFORM_URL", "http://127.0.0.1:9".to_owned()),
        ("KEFU_OPERATOR_TOKENS", OPERATOR.to_owned()),
        ("KEFU_RATE_PER_SECOND", "1000000".to_owned()),
        ("KEFU_RATE_BURST", "1000000".to_owned()),
        ("KEFU_STORE", store_url.to_owned()),
        ("KEFU_CALLBACK_TOKEN", format!("bench:{TOKEN}")),
        ("RUST_LOG", "warn".to_owned()),
    ];
    let server = servers::start(bin, &[], &envs)?;
    let addr = server.url.trim_start_matches("http://").to_owned();
    let started = Instant::now();
    let mut times = send_all(&addr, bodies, senders)?;
    let seconds = started.elapsed().as_secs_f64();
    let mut replay = send_all(&addr, bodies, senders)?;
    times.sort();
    replay.sort();
    let (rows, unique) = stored_calls(&addr)?;
    let expected: BTreeSet<String> = (0..bodies.len() * CALLS_PER_PUSH).map(call_id).collect();
    let lost = expected.difference(&unique).count();
    let duplicated = rows - unique.len() + unique.difference(&expected).count();
    drop(server);
    let store_bytes = store_size()?;
    Ok(Run {
        senders,
        calls: bodies.len() * CALLS_PER_PUSH,
        seconds,
        p50_ms: percentile(&times, 0.50),
        p99_ms: percentile(&times, 0.99),
        replay_p99_ms: percentile(&replay, 0.99),
        store_bytes,
        lost,
        duplicated,
    })
}

/// The bytes of the files in a folder (a SQLite database with its WAL and shared memory).
fn dir_size(dir: &Path) -> Result<u64> {
    Ok(std::fs::read_dir(dir)
        .map_err(|e| XtaskError::new(e.to_string()))?
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum())
}

/// A throwaway PostgreSQL cluster in a temporary folder, on a free loopback port, with the
/// default durability (fsync and synchronous commit on); stopped and removed when dropped.
struct PgCluster {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
    port: u16,
}

impl PgCluster {
    fn start() -> Result<PgCluster> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("bin"))
            .filter(|b| b.join("initdb").exists())
            .max()
            .ok_or_else(|| XtaskError::new("PostgreSQL is not installed: run `cargo xtask setup`"))?;
        let dir = std::env::temp_dir().join(format!("kefu-bench-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| XtaskError::new(e.to_string()))?;
        let as_postgres = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        if as_postgres {
            cmd::run({
                let mut c = Command::new("chown");
                c.args(["-R", "postgres:postgres"]).arg(&dir);
                c
            })?;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| XtaskError::new(e.to_string()))?
            .port();
        let cluster = PgCluster { dir, bin, as_postgres, port };
        let data = cluster.data();
        cluster.pg("initdb", &["-D", &data, "-U", "postgres", "--auth=trust", "-E", "UTF8"])?;
        let options = format!("-p {port} -c listen_addresses=127.0.0.1 -k {}", cluster.dir.display());
        let log = cluster.dir.join("log").to_string_lossy().into_owned();
        println!("== PostgreSQL on 127.0.0.1:{port} ({})", cluster.dir.display());
        cluster.pg("pg_ctl", &["-D", &data, "-l", &log, "-w", "-o", &options, "start"])?;
        Ok(cluster)
    }

    fn data(&self) -> String {
        self.dir.join("data").to_string_lossy().into_owned()
    }

    /// Runs a PostgreSQL program (as the `postgres` user when root); its standard output.
    fn pg(&self, program: &str, args: &[&str]) -> Result<String> {
        let exe = self.bin.join(program);
        let mut c = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = c.args(args).output().map_err(|e| XtaskError::new(format!("{program}: {e}")))?;
        if !out.status.success() {
            return Err(XtaskError::new(format!(
                "{program} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn createdb(&self, name: &str) -> Result<()> {
        let port = self.port.to_string();
        self.pg("createdb", &["-h", "127.0.0.1", "-p", &port, "-U", "postgres", name]).map(drop)
    }

    /// `pg_database_size` of one database, in bytes.
    fn database_size(&self, name: &str) -> Result<u64> {
        let port = self.port.to_string();
        let sql = format!("SELECT pg_database_size('{name}')");
        let out =
            self.pg("psql", &["-h", "127.0.0.1", "-p", &port, "-U", "postgres", "-tAc", &sql, "postgres"])?;
        out.trim().parse().map_err(|_| XtaskError::new(format!("pg_database_size: {out:?}")))
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.data();
        if let Err(e) = self.pg("pg_ctl", &["-D", &data, "-m", "fast", "-w", "stop"]) {
            eprintln!("stopping the bench cluster: {e}");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn call_id(n: usize) -> String {
    format!("bench-{n:08}")
}

/// A §7 push of 100 answered calls, two dialog turns each.
fn push_body(push: usize) -> String {
    let calls: Vec<_> = (0..CALLS_PER_PUSH)
        .map(|i| {
            let n = push * CALLS_PER_PUSH + i;
            serde_json::json!({
                "call_id": call_id(n), "num": format!("138{n:08}"), "state": 785,
                "start_time": "2024-04-03T09:53:10+08:00", "answered_time": "2024-04-03T09:53:15+08:00",
                "end_time": "2024-04-03T09:54:10+08:00", "duration": 55, "record_url": format!("/rec/{n}.wav"),
                "round": 2, "hangup_by": 1, "sms_state": 2,
                "dialogs": [
                    {"dialog_type": 1, "dialog_text": "<speak>您好，这里是回访</speak>", "msg_time": "2024-04-03T09:53:16+08:00", "intention_name": ""},
                    {"dialog_type": 2, "dialog_text": "好的", "msg_time": "2024-04-03T09:53:20+08:00", "intention_name": "肯定"}
                ]
            })
        })
        .collect();
    serde_json::json!({"task_id": TASK, "task_name": "bench", "call_sn": format!("sn{}", push / 10), "bot_id": "1", "bot_name": "b", "calls": calls})
        .to_string()
}

/// Sends every body from `senders` threads, each taking the next unsent push; answers each
/// push's answer time. A push not answered success fails the run.
fn send_all(addr: &str, bodies: &[String], senders: usize) -> Result<Vec<Duration>> {
    let next = Arc::new(AtomicUsize::new(0));
    let times = Arc::new(Mutex::new(Vec::with_capacity(bodies.len())));
    let bodies = Arc::new(bodies.to_vec());
    let threads: Vec<_> = (0..senders.max(1))
        .map(|_| {
            let (addr, next, times, bodies) = (addr.to_owned(), next.clone(), times.clone(), bodies.clone());
            std::thread::spawn(move || -> std::result::Result<(), String> {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(body) = bodies.get(i) else { return Ok(()) };
                    let started = Instant::now();
                    let (status, answer) =
                        http(&addr, "POST", &format!("/callbacks/{TOKEN}"), body.as_bytes())
                            .map_err(|e| format!("push {i}: {e}"))?;
                    let elapsed = started.elapsed();
                    if status != 200 || !answer.contains("success") {
                        return Err(format!("push {i} answered {status}: {answer}"));
                    }
                    times.lock().unwrap_or_else(|e| e.into_inner()).push(elapsed);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().map_err(|_| XtaskError::new("a sender panicked"))?.map_err(XtaskError::new)?;
    }
    let times = std::mem::take(&mut *times.lock().unwrap_or_else(|e| e.into_inner()));
    Ok(times)
}

/// Every stored call of the bench task, read through the result routes: the rows read and the
/// distinct call ids among them.
fn stored_calls(addr: &str) -> Result<(usize, BTreeSet<String>)> {
    let mut ids = BTreeSet::new();
    let mut rows = 0;
    loop {
        let path = format!("/kefu/v1/tasks/{TASK}/calls?limit=1000&offset={rows}");
        let (status, body) =
            http(addr, "GET", &path, b"").map_err(|e| XtaskError::new(format!("{path}: {e}")))?;
        if status != 200 {
            return Err(XtaskError::new(format!("{path} answered {status}: {body}")));
        }
        let page: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| XtaskError::new(format!("{path}: {e}")))?;
        let page_rows = page["rows"].as_array().cloned().unwrap_or_default();
        if page_rows.is_empty() {
            return Ok((rows, ids));
        }
        rows += page_rows.len();
        ids.extend(page_rows.iter().filter_map(|r| r["call_id"].as_str().map(str::to_owned)));
    }
}

/// One request on its own connection (the platform's pushes are separate requests): the status
/// and the body.
fn http(addr: &str, method: &str, path: &str, body: &[u8]) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_nodelay(true)?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {OPERATOR}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    let text = String::from_utf8_lossy(&out);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    Ok((status, body.to_owned()))
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

fn report(store: StoreKind, runs: &[Run]) -> String {
    let store = match store {
        StoreKind::Sqlite => "a SQLite store (WAL, synchronous=FULL)",
        StoreKind::Postgres => "a PostgreSQL store (local cluster, fsync on)",
    };
    let mut out =
        format!("# cargo xtask bench callbacks: kefu-proxy (release-native) with {store}, on loopback\n");
    out.push_str(
        "\
         # pushes of 100 calls (2 turns each) over HTTP, one connection per push; then every push replayed\n\
         # aim: >= 5000 calls/s, p99 <= 50 ms, 0 lost, 0 duplicated\n\
         senders  calls  seconds  calls_per_s  push_p50_ms  push_p99_ms  replay_p99_ms  store_mib  lost  duplicated\n",
    );
    for r in runs {
        out.push_str(&format!(
            "{:>7}  {:>5}  {:>7.2}  {:>11.0}  {:>11.1}  {:>11.1}  {:>13.1}  {:>9.1}  {:>4}  {:>10}\n",
            r.senders,
            r.calls,
            r.seconds,
            r.calls as f64 / r.seconds,
            r.p50_ms,
            r.p99_ms,
            r.replay_p99_ms,
            r.store_bytes as f64 / (1024.0 * 1024.0),
            r.lost,
            r.duplicated
        ));
    }
    out
}
