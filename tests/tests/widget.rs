//! The demo pages in real Chromium, through kefu-proxy to kefu-sandbox: the h5 launcher and a
//! whole conversation (answers, a tapped suggestion, transfer, a new conversation, finish), the
//! full-screen wx_mp and app pages, and all of it under the strict Content-Security-Policy the
//! pages declare. Screenshots at 375×667 and 1280×800 go to `target/e2e-screenshots/`.

use kefu_e2e::{Browser, DESKTOP, Device, PHONE, open_page};

const STRICT_CSP: &str = "script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

async fn csp_violations(browser: &Browser) -> Vec<String> {
    match browser.js("return window.kefuCsp || [];").await {
        serde_json::Value::Array(items) => items.into_iter().map(|v| v.to_string()).collect(),
        _ => Vec::new(),
    }
}

async fn h5_conversation(device: Device) {
    let (_stack, browser) = open_page(device, "h5.html").await;
    let policy = browser
        .js("return document.querySelector('meta[http-equiv=Content-Security-Policy]').content;")
        .await;
    assert!(
        policy.as_str().is_some_and(|p| p.contains(STRICT_CSP)),
        "the page declares the strict policy: {policy}"
    );

    // The launcher shows before the widget is loaded, as a named button.
    browser
        .wait_count("the launcher", "button.kefu-launcher[aria-label='在线客服']:not([hidden])", |n| {
            n == 1
        })
        .await;
    assert_eq!(browser.count(".kefu-panel").await, 0, "no chat until opened");
    browser.screenshot(&format!("h5-closed-{}", device.name)).await;

    browser.click("button.kefu-launcher").await;
    browser.wait_welcome().await;
    let rect = browser.js("const r = document.querySelector('.kefu-panel').getBoundingClientRect(); return [r.width, r.height];").await;
    if device.width <= 480 {
        assert_eq!(rect, serde_json::json!([device.width, device.height]), "full-screen on a narrow screen");
    } else {
        assert!(rect[0].as_f64().is_some_and(|w| w < 480.0), "a floating window on a wide screen: {rect}");
    }
    assert_eq!(browser.count("[role=log]").await, 1);
    assert_eq!(browser.count("textarea.kefu-input[aria-label='输入消息']").await, 1);
    let focused = browser.js("return document.activeElement && document.activeElement.className;").await;
    assert_eq!(focused, "kefu-input", "opening moves the focus to the message box");

    browser.say("怎么付钱").await;
    browser.wait_count("suggestions", ".kefu-suggestion", |n| n > 0).await;
    assert!(browser.texts(".kefu-bot").await.last().is_some_and(|t| t.contains("银行转账")));
    browser.screenshot(&format!("h5-suggestions-{}", device.name)).await;

    let bots = browser.count(".kefu-bot").await;
    browser.click(".kefu-suggestion").await;
    browser.wait_count("the tapped question's answer", ".kefu-bot", |n| n > bots).await;
    assert_eq!(browser.count(".kefu-user").await, 2);

    browser.say("转人工").await;
    browser.wait_count("the hand-off notice", ".kefu-notice", |n| n == 1).await;
    browser.screenshot(&format!("h5-transfer-{}", device.name)).await;

    browser.click(".kefu-restart-button").await;
    browser.wait_count("a new conversation", ".kefu-divider", |n| n == 1).await;
    browser.wait_count("its welcome", ".kefu-restart-button", |n| n == 0).await;
    browser.say("没有其他问题了，再见").await;
    browser.wait_count("the end", ".kefu-notice:not(.kefu-divider)", |n| n == 2).await;
    browser.screenshot(&format!("h5-finish-{}", device.name)).await;

    let events = browser.page_events().await;
    for expected in ["open", "message", "transfer", "finish"] {
        assert!(events.iter().any(|e| e == expected), "the page heard {expected}: {events:?}");
    }
    assert_eq!(browser.count(".kefu-failed").await, 0);
    assert!(
        csp_violations(&browser).await.is_empty(),
        "CSP violations: {:?}",
        csp_violations(&browser).await
    );

    // Closing hides the window and gives the focus back to the launcher.
    browser.click(".kefu-close").await;
    browser.wait_count("the closed window", ".kefu-window[hidden]", |n| n == 1).await;
    let focused = browser.js("return document.activeElement && document.activeElement.className;").await;
    assert_eq!(focused, "kefu-launcher");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn h5_on_a_phone_converses_to_transfer_and_finish() {
    h5_conversation(PHONE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn h5_on_a_laptop_converses_to_transfer_and_finish() {
    h5_conversation(DESKTOP).await;
}

async fn full_screen_page(page: &str) {
    let (_stack, browser) = open_page(PHONE, &format!("{page}.html")).await;
    browser.wait_welcome().await;
    assert_eq!(browser.count(".kefu-launcher").await, 0, "{page} has no launcher");
    let rect = browser
        .js("const r = document.querySelector('.kefu-panel').getBoundingClientRect(); return [r.width, r.height];")
        .await;
    assert_eq!(rect, serde_json::json!([375, 667]), "{page} fills the screen");
    browser.say("还没收到钱").await;
    browser.wait_count("the answer", ".kefu-bot", |n| n >= 4).await;
    browser.screenshot(&format!("{page}-375x667")).await;
    assert!(
        csp_violations(&browser).await.is_empty(),
        "CSP violations: {:?}",
        csp_violations(&browser).await
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wx_mp_page_is_full_screen_and_converses() {
    full_screen_page("wx_mp").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wx_oa_page_is_full_screen_and_converses() {
    full_screen_page("wx_oa").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wx_work_page_is_full_screen_and_converses() {
    full_screen_page("wx_work").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_page_is_full_screen_and_converses() {
    full_screen_page("app").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_without_wasm_unsafe_eval_is_refused_so_the_policy_is_real() {
    // The control for the CSP assertions above: the same page with a policy lacking
    // 'wasm-unsafe-eval' cannot start the widget, so the meta policy is in force.
    let (_stack, browser) = open_page(DESKTOP, "tests/csp-control.html").await;
    browser.wait_launcher().await;
    browser.click("button.kefu-launcher").await;
    browser.wait_count("the load failure notice", ".kefu-load-error", |n| n == 1).await;
    assert_eq!(browser.count(".kefu-panel").await, 0);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_npm_package_built_with_vite_mounts_and_converses() {
    let (_stack, browser) = open_page(DESKTOP, "vite/index.html").await;
    browser.wait_welcome().await;
    let display = browser.js("return getComputedStyle(document.querySelector('.kefu-panel')).display;").await;
    assert_eq!(display, "flex", "the package's stylesheet is applied");
    browser.say("怎么付钱").await;
    browser.wait_count("the answer", ".kefu-suggestion", |n| n > 0).await;
    browser.screenshot("vite-1280x800").await;
    browser.close().await;
}
