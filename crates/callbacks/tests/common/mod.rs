//! Test helpers: a throwaway PostgreSQL cluster (or `KEFU_TEST_POSTGRES_URL`), routers, requests.

#![allow(dead_code, unreachable_pub)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use kefu_callbacks::settings::parse_tokens;
use kefu_callbacks::{Receiver, Settings, Store};
use serde_json::Value;
use sqlx::Connection;
use tower::ServiceExt;

/// The token of the `shop` label.
pub const TOKEN: &str = "0123456789abcdef0123456789abcdef";
/// The token of the `bank` label.
pub const TOKEN_BANK: &str = "Zy9xW8vU7tS6rQ5pO4nM3lK2jI";

/// Settings with both tokens and a recording base.
pub fn settings() -> Settings {
    let mut s = Settings::new(parse_tokens(&format!("shop:{TOKEN},bank:{TOKEN_BANK}")).expect("tokens"))
        .expect("settings");
    s.recording_base = Some("https://rec.example.com/".into());
    s
}

/// A store at `url` and a receiver's full router over it.
pub async fn app(url: &str, settings: Settings) -> (Store, Router) {
    let store = Store::open(url).await.expect("store opens");
    let router = Receiver::new(settings, store.clone()).router();
    (store, router)
}

/// Sends a request and answers the status and the body as JSON (`Value::Null` if not JSON).
pub async fn send(router: &Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = router.clone().oneshot(request).await.expect("router answers");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// POSTs a body.
pub async fn post(router: &Router, path: &str, body: impl Into<Body>) -> (StatusCode, Value) {
    let request =
        Request::post(path).header("content-type", "application/json").body(body.into()).expect("request");
    send(router, request).await
}

/// GETs a path.
pub async fn get(router: &Router, path: &str) -> (StatusCode, Value) {
    send(router, Request::get(path).body(Body::empty()).expect("request")).await
}

/// A PostgreSQL server for the tests: `KEFU_TEST_POSTGRES_URL`, or a throwaway cluster started
/// here and stopped on drop.
pub struct Postgres {
    base_url: String,
    cluster: Option<Cluster>,
    databases: AtomicUsize,
}

struct Cluster {
    _dir: tempfile::TempDir,
    data: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
}

fn pg_bin() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .map(|e| e.path().join("bin"))
                .filter(|b| b.join("initdb").exists())
                .collect()
        })
        .unwrap_or_default();
    found.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found.pop().unwrap_or_else(|| {
        panic!(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run `cargo xtask setup` \
             (Debian: `apt-get install postgresql`) or set KEFU_TEST_POSTGRES_URL"
        )
    })
}

fn run(cluster_bin: &Path, as_postgres: bool, program: &str, args: &[&str]) {
    if let Err(e) = try_run(cluster_bin, as_postgres, program, args) {
        panic!("{e}");
    }
}

fn try_run(cluster_bin: &Path, as_postgres: bool, program: &str, args: &[&str]) -> Result<(), String> {
    let exe = cluster_bin.join(program);
    let mut cmd = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    let out = cmd.args(args).output().map_err(|e| format!("{program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{program} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

impl Postgres {
    /// Connects to `KEFU_TEST_POSTGRES_URL` or starts a cluster on a free 127.0.0.1 port.
    pub fn start() -> Postgres {
        if let Ok(url) = std::env::var("KEFU_TEST_POSTGRES_URL") {
            return Postgres { base_url: url, cluster: None, databases: AtomicUsize::new(0) };
        }
        let bin = pg_bin();
        let dir = tempfile::tempdir().expect("temp dir");
        let as_postgres = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        if as_postgres {
            let ok = Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status();
            assert!(ok.is_ok_and(|s| s.success()), "chown of the cluster directory to postgres failed");
        }
        let data = dir.path().join("data");
        let data_s = data.to_string_lossy().into_owned();
        run(
            &bin,
            as_postgres,
            "initdb",
            &["-D", &data_s, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
        );
        let port = TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
        let options = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c synchronous_commit=off",
            dir.path().display()
        );
        let log = dir.path().join("log").to_string_lossy().into_owned();
        run(&bin, as_postgres, "pg_ctl", &["-D", &data_s, "-l", &log, "-w", "-o", &options, "start"]);
        Postgres {
            base_url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            cluster: Some(Cluster { _dir: dir, data, bin, as_postgres }),
            databases: AtomicUsize::new(0),
        }
    }

    /// A new empty database's URL.
    pub async fn fresh_database(&self, name: &str) -> String {
        let n = self.databases.fetch_add(1, Ordering::SeqCst);
        let db = format!("kefu_test_{}_{n}_{name}", std::process::id());
        let mut conn = sqlx::PgConnection::connect(&self.base_url).await.expect("connect to PostgreSQL");
        sqlx::query(&format!("CREATE DATABASE \"{db}\"")).execute(&mut conn).await.expect("create database");
        let (head, _) = self.base_url.rsplit_once('/').expect("a database in the URL");
        format!("{head}/{db}")
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(c) = &self.cluster {
            let data = c.data.to_string_lossy().into_owned();
            if let Err(e) =
                try_run(&c.bin, c.as_postgres, "pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"])
            {
                eprintln!("stopping the test cluster: {e}");
            }
        }
    }
}
