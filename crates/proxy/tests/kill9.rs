//! `kill -9` of the real `kefu-proxy` binary during a push storm, a few times over one SQLite
//! store: every push answered success before the kill is stored after the restart (all its calls
//! with all their turns), and nothing is half-written (a push's calls are all stored or none, and
//! every stored call has all its turns). Bounded: each cycle kills after a few dozen answered
//! pushes.

mod proc;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kefu_callbacks::{CallFilter, Store};
use proc::{TOKEN, call_push, start, try_request};

const TASK: &str = "storm";
const CALLS_PER_PUSH: usize = 20;
const TURNS: usize = 4;
const SENDERS: usize = 4;
const CYCLES: usize = 3;
/// Answered pushes per cycle before the kill.
const KILL_AFTER: usize = 25;

#[test]
fn pushes_answered_before_a_kill_9_survive_it_whole() {
    let dir = tempfile::tempdir().expect("dir");
    let store_url = format!("sqlite:{}", dir.path().join("kefu.db").display());
    let log = dir.path().join("proxy.log");
    let env = [("KEFU_STORE", store_url.as_str())];
    // Push numbers are handed out once across all cycles: push n holds calls n*20 .. n*20+19.
    let next_push = Arc::new(AtomicUsize::new(0));
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    for cycle in 0..CYCLES {
        let mut proxy = start(&env, &log);
        let answered_now = Arc::new(AtomicUsize::new(0));
        let failed = Arc::new(AtomicBool::new(false));
        let senders: Vec<_> = (0..SENDERS)
            .map(|_| {
                let (addr, next_push, acknowledged) =
                    (proxy.addr.clone(), next_push.clone(), acknowledged.clone());
                let (answered_now, failed) = (answered_now.clone(), failed.clone());
                std::thread::spawn(move || {
                    // Until the proxy is gone (or a bound, should it never be killed).
                    for _ in 0..500 {
                        let n = next_push.fetch_add(1, Ordering::Relaxed);
                        let body = call_push(TASK, n * CALLS_PER_PUSH, CALLS_PER_PUSH, TURNS);
                        match try_request(&addr, "POST", &format!("/callbacks/{TOKEN}"), &[], body.as_bytes())
                        {
                            Ok(answer) if answer.status == 200 && answer.body.contains("success") => {
                                acknowledged.lock().expect("lock").insert(n);
                                answered_now.fetch_add(1, Ordering::Relaxed);
                            }
                            Ok(answer) => {
                                eprintln!("push {n} failed: {answer:?}");
                                failed.store(true, Ordering::Relaxed);
                                return;
                            }
                            // The kill: the connection was cut before an answer.
                            Err(_) => return,
                        }
                    }
                })
            })
            .collect();
        let waited = Instant::now();
        while answered_now.load(Ordering::Relaxed) < KILL_AFTER && waited.elapsed() < Duration::from_secs(60)
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        // SIGKILL, mid-storm: the senders have pushes in flight.
        proxy.child.kill().expect("kill -9");
        proxy.child.wait().expect("reaped");
        for s in senders {
            s.join().expect("sender");
        }
        assert!(!failed.load(Ordering::Relaxed), "cycle {cycle}: a push was refused rather than cut");
        assert!(answered_now.load(Ordering::Relaxed) >= KILL_AFTER, "cycle {cycle}: too few pushes answered");
    }

    // The restarted proxy starts on the killed store and still takes pushes (an answered one,
    // repeated, changes nothing).
    let acknowledged = acknowledged.lock().expect("lock").clone();
    let proxy = start(&env, &log);
    let first = *acknowledged.iter().next().expect("some pushes answered");
    let replay = call_push(TASK, first * CALLS_PER_PUSH, CALLS_PER_PUSH, TURNS);
    let answer = try_request(&proxy.addr, "POST", &format!("/callbacks/{TOKEN}"), &[], replay.as_bytes())
        .expect("answered after restart");
    assert_eq!(answer.status, 200, "{answer:?}");
    drop(proxy);

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let store = Store::open(&store_url).await.expect("store opens after the kills");
        let mut stored: BTreeMap<usize, usize> = BTreeMap::new();
        let mut offset = 0;
        loop {
            let filter = CallFilter { offset: Some(offset), limit: Some(1000), ..CallFilter::default() };
            let (_, rows) = store.calls(TASK, &filter).await.expect("calls");
            if rows.is_empty() {
                break;
            }
            offset += rows.len() as i64;
            for row in rows {
                let n: usize = row.call_id.rsplit('-').next().and_then(|s| s.parse().ok()).expect("call number");
                *stored.entry(n / CALLS_PER_PUSH).or_default() += 1;
                let detail = store.call(&row.call_id).await.expect("call").expect("listed call exists");
                assert_eq!(detail.turns.len(), TURNS, "call {} is missing turns", row.call_id);
            }
        }
        for n in &acknowledged {
            assert_eq!(stored.get(n), Some(&CALLS_PER_PUSH), "answered push {n} is not stored whole");
        }
        for (n, calls) in &stored {
            assert_eq!(*calls, CALLS_PER_PUSH, "push {n} is half-written");
        }
        let counts = store.counts().await.expect("counts");
        assert_eq!(counts.calls as usize, stored.len() * CALLS_PER_PUSH);
        assert_eq!(counts.turns as usize, stored.len() * CALLS_PER_PUSH * TURNS);
        assert!(stored.len() >= acknowledged.len());
        eprintln!(
            "{} pushes answered before the kills, {} stored (any more were committed but cut before their answer)",
            acknowledged.len(),
            stored.len()
        );
        store.close().await;
    });
}
