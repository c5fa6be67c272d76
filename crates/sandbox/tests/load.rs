//! 1,000 chat sessions at once, five user turns each, every answer checked. Bounded: about
//! 15,000 in-process requests.

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use common::sandbox;
use serde_json::json;
use tokio::sync::Barrier;

const SESSIONS: usize = 1_000;
const TURNS: usize = 5;
const INPUTS: [&str; 6] =
    ["怎么付钱", "还没收到钱", "能分期吗", "帮我催一下", "今天天气怎么样", "司法确认有啥用"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_sessions() {
    let sb = Arc::new(sandbox());
    let barrier = Arc::new(Barrier::new(SESSIONS));
    let mut tasks = Vec::with_capacity(SESSIONS);
    for n in 0..SESSIONS {
        let sb = Arc::clone(&sb);
        let barrier = Arc::clone(&barrier);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let name = format!("访客{n}");
            let (sid, first) = sb.start(json!({"name": name})).await;
            assert_eq!(first["sid"], sid.as_str());
            assert!(first["prompt"].as_str().unwrap_or_default().contains(&name), "{first}");
            let mut prompt_ids = HashSet::new();
            prompt_ids.insert(first["prompt_id"].as_str().unwrap_or_default().to_owned());
            let (said, last) = sb.drain(&sid, first).await;
            assert_eq!((said.len(), last["cmd"].as_str()), (2, Some("evt.wait")));
            for turn in 0..TURNS {
                let text = INPUTS[(n + turn) % INPUTS.len()];
                let (said, first, last) = sb.say(&sid, text).await;
                assert!(!said.is_empty(), "{text}");
                assert_eq!(first["sid"], sid.as_str());
                assert_eq!(first["cmd"], "evt.say");
                assert!(
                    prompt_ids.insert(first["prompt_id"].as_str().unwrap_or_default().to_owned()),
                    "prompt ids repeat"
                );
                assert_eq!(last["cmd"], "evt.wait", "{text}: {last}");
            }
            sid
        }));
    }
    let mut sids = HashSet::new();
    for t in tasks {
        sids.insert(t.await.expect("session task"));
    }
    assert_eq!(sids.len(), SESSIONS);
}
