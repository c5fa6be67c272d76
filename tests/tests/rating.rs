//! The satisfaction rating (issue 19 item 3): offered when a conversation ends, told to the page
//! as a `rating` event, POSTed to `rating-url`, and kept with the saved conversation.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::routing::post;
use kefu_e2e::{Browser, DESKTOP, Stack};
use serde_json::Value;
use tokio::net::TcpListener;

/// A server on 127.0.0.1 that keeps the bodies POSTed to `/ratings`, with CORS for any page.
async fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let kept = bodies.clone();
    let cors = || {
        let mut headers = HeaderMap::new();
        headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
        headers.insert("access-control-allow-headers", HeaderValue::from_static("content-type"));
        headers.insert("access-control-allow-methods", HeaderValue::from_static("POST"));
        headers
    };
    let app = Router::new().route(
        "/ratings",
        post(move |body: String| async move {
            kept.lock().expect("not poisoned").push(body);
            (StatusCode::NO_CONTENT, cors())
        })
        .options(move || async move { (StatusCode::NO_CONTENT, cors()) }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let url = format!("http://{}/ratings", listener.local_addr().expect("an address"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, bodies)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rating_after_the_end_is_an_event_and_a_post_and_is_not_asked_again() {
    let (url, bodies) = receiver().await;
    let stack = Stack::start().await;
    let browser = Browser::start(DESKTOP).await;
    browser.visit(&stack, &format!("tests/rating.html?rating-url={url}")).await;
    browser.open_launcher().await;
    assert_eq!(browser.count(".kefu-rating").await, 0, "not offered while the conversation goes on");
    browser.say("没有其他问题，再见").await;
    browser.wait_count("the rating", "fieldset.kefu-rating-scale input[type=radio]", |n| n == 5).await;
    assert_eq!(browser.count(".kefu-rating-send:disabled").await, 1, "nothing to send before a score");
    let legend = browser.texts(".kefu-rating legend").await;
    assert!(legend[0].contains("评分"), "{legend:?}");

    // Reloaded before answering: still offered.
    browser.client.refresh().await.expect("reloaded");
    browser.wait_count("the rating after the reload", ".kefu-rating input[type=radio]", |n| n == 5).await;
    browser.screenshot("rating-1280x800").await;

    browser.rate(4, "很耐心").await;
    browser.wait_count("the thanks", ".kefu-rating-thanks[role=status]", |n| n == 1).await;
    let event = browser
        .js_until(
            "return (window.kefuEvents || []).filter((e) => e.type === 'rating').map((e) => e.detail);",
            5,
            |v| v.as_array().is_some_and(|a| !a.is_empty()),
        )
        .await;
    assert_eq!(event[0]["score"], 4);
    assert_eq!(event[0]["comment"], "很耐心");
    let sid = event[0]["sid"].as_str().expect("a session id").to_owned();
    assert_eq!(sid.len(), 32);
    for _ in 0..50 {
        if !bodies.lock().expect("not poisoned").is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let posted = bodies.lock().expect("not poisoned").clone();
    assert_eq!(posted.len(), 1, "POSTed once: {posted:?}");
    let body: Value = serde_json::from_str(&posted[0]).expect("JSON");
    assert_eq!(body, serde_json::json!({ "score": 4, "comment": "很耐心", "sid": sid }));

    // Reloaded after rating: not asked again.
    browser.client.refresh().await.expect("reloaded");
    browser.wait_count("the restored transcript", ".kefu-notice", |n| n >= 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(browser.count(".kefu-rating").await, 0, "not asked again");
    assert_eq!(bodies.lock().expect("not poisoned").len(), 1);
    browser.close().await;
}
