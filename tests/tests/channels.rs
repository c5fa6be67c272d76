//! Each channel's own behaviour in Chromium on a phone (375×667, touch): the app page's native
//! bridges, the mini-program page's messages to the mini-program and keyboard handling, the h5
//! launcher's unread badge.

use kefu_e2e::{PHONE, open_page};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_page_posts_transfer_to_the_ios_and_android_bridges() {
    let (_stack, browser) = open_page(PHONE, "app.html").await;
    // What an app's WebView would provide.
    browser
        .js("window.iosGot = []; window.androidGot = [];
             window.webkit = { messageHandlers: { kefu: { postMessage: (m) => window.iosGot.push(m) } } };
             window.KefuBridge = { postMessage: (m) => window.androidGot.push(m) };
             return true;")
        .await;
    browser.wait_welcome().await;
    browser.say("转人工").await;
    browser.wait_count("the hand-off notice", ".kefu-notice", |n| n == 1).await;
    let ios = browser.js("return window.iosGot;").await;
    let android = browser.js("return window.androidGot.map((m) => JSON.parse(m));").await;
    for (side, got) in [("iOS", &ios), ("Android", &android)] {
        let messages = got.as_array().cloned().unwrap_or_default();
        assert_eq!(messages.len(), 1, "{side} heard one message: {got}");
        assert_eq!(messages[0]["type"], "transfer", "{side}: {got}");
        assert_eq!(messages[0]["detail"]["sid"].as_str().map(str::len), Some(32), "{side}: {got}");
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mini_program_page_posts_transfer_and_finish_to_the_mini_program() {
    let (_stack, browser) = open_page(PHONE, "wx_mp.html").await;
    // What WeChat's JSSDK (jweixin) provides in a mini-program web-view.
    browser
        .js("window.mpGot = [];
             window.wx = { miniProgram: { postMessage: (m) => window.mpGot.push(m) } };
             return true;")
        .await;
    browser.wait_welcome().await;
    browser.say("怎么付钱").await;
    browser.wait_count("the answer", ".kefu-suggestion", |n| n > 0).await;
    assert_eq!(browser.js("return window.mpGot.length;").await, 0, "messages are not posted");
    browser.say("转人工").await;
    browser.wait_count("the hand-off notice", ".kefu-notice", |n| n == 1).await;
    browser.click(".kefu-restart-button").await;
    browser.wait_count("its welcome", ".kefu-restart-button", |n| n == 0).await;
    browser.say("没有其他问题了，再见").await;
    browser.wait_count("the end", ".kefu-notice:not(.kefu-divider)", |n| n == 2).await;
    let got = browser.js("return window.mpGot;").await;
    let posted = got.as_array().cloned().unwrap_or_default();
    let types: Vec<&str> = posted.iter().filter_map(|m| m["data"]["type"].as_str()).collect();
    assert_eq!(types, ["transfer", "finish"], "{got}");
    for message in &posted {
        assert_eq!(message["data"]["detail"]["sid"].as_str().map(str::len), Some(32), "{got}");
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mini_program_page_keeps_the_message_box_above_a_keyboard() {
    keeps_the_message_box_above_a_keyboard("wx_mp").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_account_page_keeps_the_message_box_above_a_keyboard() {
    keeps_the_message_box_above_a_keyboard("wx_oa").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wecom_page_keeps_the_message_box_above_a_keyboard() {
    keeps_the_message_box_above_a_keyboard("wx_work").await;
}

/// The full-screen WeChat pages (`wx_mp`, `wx_oa`, `wx_work`): the chat stays above an
/// on-screen keyboard.
async fn keeps_the_message_box_above_a_keyboard(channel: &str) {
    let (_stack, browser) = open_page(PHONE, &format!("{channel}.html")).await;
    browser.wait_welcome().await;
    assert_eq!(browser.count("input[type=file]").await, 0, "no file input at all, so never a `multiple` one");
    // Headless Chromium has no on-screen keyboard: shrink the visual viewport as one would
    // (300 px left visible) and tell the page, as the browser does.
    let input_bottom = browser
        .js("document.querySelector('.kefu-input').focus();
             Object.defineProperty(visualViewport, 'height', { configurable: true, get: () => 300 });
             visualViewport.dispatchEvent(new Event('resize'));
             return document.querySelector('.kefu-input').getBoundingClientRect().bottom;")
        .await;
    let bottom = input_bottom.as_f64().unwrap_or(f64::MAX);
    assert!(bottom <= 300.0, "the message box ends at {bottom}px, under the keyboard");
    browser.screenshot(&format!("{channel}-keyboard-375x667")).await;
    // The keyboard closes: full height again, page scrolled back to the top.
    let after = browser
        .js("delete visualViewport.height;
             document.body.style.minHeight = '2000px';
             window.scrollTo(0, 120);
             if (window.scrollY !== 120) return 'the page did not scroll';
             visualViewport.dispatchEvent(new Event('resize'));
             return [document.querySelector('.kefu-window').getBoundingClientRect().height, window.scrollY];")
        .await;
    assert_eq!(after, serde_json::json!([667, 0]));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_h5_launcher_counts_unread_messages_while_closed() {
    let (_stack, browser) = open_page(PHONE, "h5.html").await;
    browser.open_launcher().await;
    browser.click(".kefu-close").await;
    browser.wait_count("the closed window", ".kefu-window[hidden]", |n| n == 1).await;
    assert_eq!(browser.count(".kefu-badge[hidden]").await, 1, "no badge before anything new");
    // A bot message arrives while the window is closed (the page sends one on the visitor's behalf).
    browser
        .js("const box = document.querySelector('.kefu-input');
             box.value = '怎么付钱';
             box.dispatchEvent(new Event('input', { bubbles: true }));
             document.querySelector('.kefu-composer').requestSubmit();
             return true;")
        .await;
    browser.wait_count("the unread badge", ".kefu-badge:not([hidden])", |n| n == 1).await;
    let label =
        browser.js("return document.querySelector('.kefu-launcher').getAttribute('aria-label');").await;
    assert!(label.as_str().is_some_and(|l| l.contains("未读")), "the launcher's name says so: {label}");
    browser.screenshot("h5-unread-375x667").await;
    browser.click("button.kefu-launcher").await;
    browser.wait_count("the badge cleared", ".kefu-badge[hidden]", |n| n == 1).await;
    browser.close().await;
}
