//! Push throughput of the receiver, in process: `CALLS` calls in pushes of 100 through the push
//! router into a fresh store, `IN_FLIGHT` pushes in flight (default 8), then every push replayed.
//! Prints calls stored per second, p50/p99 push answer time, the store's size, and lost /
//! duplicated counts. A measurement, not a test:
//!
//! ```sh
//! cargo run --profile release-native -p kefu-callbacks --example throughput -- [CALLS] [IN_FLIGHT] [STORE_URL]
//! ```
//!
//! The store defaults to a new SQLite file in a temporary directory.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use kefu_callbacks::settings::parse_tokens;
use kefu_callbacks::{Receiver, Settings, Store};
use serde_json::json;
use tower::ServiceExt;

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const PER_PUSH: usize = 100;

fn push_body(batch: usize) -> String {
    let calls: Vec<_> = (0..PER_PUSH)
        .map(|i| {
            let n = batch * PER_PUSH + i;
            json!({
                "call_id": format!("call-{n:08}"), "num": format!("138{n:08}"), "state": 785,
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
    json!({"task_id": "bench", "task_name": "bench", "call_sn": format!("sn{}", batch / 10), "bot_id": "1", "bot_name": "b", "calls": calls})
        .to_string()
}

async fn run_pushes(router: &axum::Router, bodies: &[String], concurrency: usize) -> Vec<Duration> {
    let mut times = Vec::with_capacity(bodies.len());
    for wave in bodies.chunks(concurrency) {
        let mut set = tokio::task::JoinSet::new();
        for body in wave {
            let (router, body) = (router.clone(), body.clone());
            set.spawn(async move {
                let started = Instant::now();
                let request =
                    Request::post(format!("/callbacks/{TOKEN}")).body(Body::from(body)).expect("request");
                let status = router.oneshot(request).await.expect("answer").status();
                assert_eq!(status, StatusCode::OK, "a push failed");
                started.elapsed()
            });
        }
        while let Some(t) = set.join_next().await {
            times.push(t.expect("push task"));
        }
    }
    times.sort();
    times
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let calls: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(10_000);
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("bench.db");
    let concurrency: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(8).max(1);
    let url = args.next().unwrap_or_else(|| format!("sqlite:{}", db.display()));
    let store = Store::open(&url).await?;
    let router = Receiver::new(Settings::new(parse_tokens(TOKEN)?)?, store.clone()).push_router();
    let bodies: Vec<String> = (0..calls.div_ceil(PER_PUSH)).map(push_body).collect();

    let started = Instant::now();
    let times = run_pushes(&router, &bodies, concurrency).await;
    let elapsed = started.elapsed().as_secs_f64();
    let replay = run_pushes(&router, &bodies, concurrency).await;
    let counts = store.counts().await?;
    let expected = (bodies.len() * PER_PUSH) as u64;
    let size: u64 =
        std::fs::read_dir(dir.path())?.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum();
    println!("store: {} ({url})", store.backend_name());
    println!("calls: {expected} in {} pushes of {PER_PUSH}, {concurrency} in flight", bodies.len());
    println!("stored: {:.0} calls/s ({elapsed:.2} s)", expected as f64 / elapsed);
    println!("push answer: p50 {:.1} ms, p99 {:.1} ms", percentile(&times, 0.5), percentile(&times, 0.99));
    println!(
        "replay answer: p50 {:.1} ms, p99 {:.1} ms",
        percentile(&replay, 0.5),
        percentile(&replay, 0.99)
    );
    println!("store size (SQLite files): {:.1} MiB", size as f64 / (1024.0 * 1024.0));
    println!(
        "lost: {}, duplicated: {}",
        expected.saturating_sub(counts.calls),
        counts.calls.saturating_sub(expected)
    );
    store.close().await;
    Ok(())
}
