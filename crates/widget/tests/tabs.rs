//! Tab coordination in Chromium (wasm-bindgen-test): two [`TabLink`]s in one page share Web
//! Locks and `BroadcastChannel`s exactly as two tabs of the same origin do. No server needed.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use kefu_widget::tabs::{TabLink, TabMessage, conversation_key};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Waits `ms` milliseconds.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Waits up to 3 s for `check`.
async fn until(what: &str, check: impl Fn() -> bool) {
    for _ in 0..150 {
        if check() {
            return;
        }
        sleep(20).await;
    }
    panic!("timed out waiting for {what}");
}

/// A link that keeps what it hears.
fn link(key: &str) -> (TabLink, Rc<RefCell<Vec<TabMessage>>>) {
    let heard = Rc::new(RefCell::new(Vec::new()));
    let keep = heard.clone();
    (TabLink::join(key, move |m| keep.borrow_mut().push(m), || {}), heard)
}

#[wasm_bindgen_test]
async fn one_tab_leads_and_another_takes_over_when_it_closes() {
    let key = conversation_key("", "200000000", "lead-test", "h5");
    let (first, _) = link(&key);
    until("the first tab to lead", || first.is_leader()).await;
    let led = Rc::new(RefCell::new(0));
    let count = led.clone();
    let second = TabLink::join(&key, |_| {}, move || *count.borrow_mut() += 1);
    sleep(200).await;
    assert!(first.is_leader());
    assert!(!second.is_leader(), "one leader at a time");
    assert_eq!(*led.borrow(), 0);
    drop(first);
    until("the second tab to take over", || second.is_leader()).await;
    assert_eq!(*led.borrow(), 1, "told once");
    // A third joins while the second leads: it waits.
    let (third, _) = link(&key);
    sleep(200).await;
    assert!(second.is_leader() && !third.is_leader());
}

#[wasm_bindgen_test]
async fn other_conversations_have_their_own_leader() {
    let (h5, _) = link(&conversation_key("", "200000000", "own-leader", "h5"));
    let (mp, _) = link(&conversation_key("", "200000000", "own-leader", "wx_mp"));
    until("both to lead", || h5.is_leader() && mp.is_leader()).await;
}

#[wasm_bindgen_test]
async fn messages_reach_the_other_tabs_of_the_same_conversation_only() {
    let key = conversation_key("", "200000000", "message-test", "h5");
    let (a, heard_a) = link(&key);
    let (b, heard_b) = link(&key);
    let (other_bot, heard_other) = link(&conversation_key("", "200000000", "message-test-2", "h5"));
    a.post(&TabMessage::Input { text: "你好".into() });
    b.post(&TabMessage::Hello);
    until("b to hear a", || !heard_b.borrow().is_empty()).await;
    until("a to hear b", || !heard_a.borrow().is_empty()).await;
    sleep(100).await;
    assert_eq!(*heard_b.borrow(), [TabMessage::Input { text: "你好".into() }], "b heard a once, not itself");
    assert_eq!(*heard_a.borrow(), [TabMessage::Hello], "a heard b once, not itself");
    assert!(heard_other.borrow().is_empty(), "another bot's tab heard nothing");
    // Garbage on the channel (another page's) is ignored.
    let raw = web_sys::BroadcastChannel::new(&key).expect("a channel");
    raw.post_message(&"not a message".into()).expect("posted");
    raw.post_message(&wasm_bindgen::JsValue::from_f64(4.0)).expect("posted");
    sleep(100).await;
    assert_eq!(heard_a.borrow().len(), 1);
    drop(other_bot);
}
