//! The operators' console (`/console/`) in Chromium, through kefu-proxy to kefu-sandbox: signing
//! in and out, and each page of the console's own, screenshotted at 1280×800 and 375×667 and
//! audited by axe-core at both sizes.

use kefu_e2e::console::{CONSOLE_TOKEN, ConsoleBrowser, ConsoleStack};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_signs_in_and_out_and_the_token_stays_out_of_urls_and_local_storage() {
    let stack = ConsoleStack::start().await;
    let browser = ConsoleBrowser::start().await;
    browser.open(&stack.console_url()).await;
    browser.wait_count("the sign-in form", "#token", |n| n == 1).await;
    let label = browser.js("return document.querySelector('label[for=token]').textContent;").await;
    assert!(label.as_str().is_some_and(|l| !l.is_empty()), "the token field is labelled");
    browser.check_page("sign-in").await;
    browser.sign_in(&stack).await;
    let kept = browser
        .js("return [sessionStorage.getItem('kefu-console-token'), localStorage.length, location.href];")
        .await;
    assert_eq!(kept[0], CONSOLE_TOKEN, "the token is in sessionStorage");
    assert_eq!(kept[1], 0, "nothing in localStorage");
    assert!(!kept[2].as_str().unwrap_or_default().contains(CONSOLE_TOKEN), "not in the URL: {kept}");
    // A reload keeps the session (same tab).
    browser.open(&stack.console_url()).await;
    browser.wait_count("the navigation after a reload", "nav a", |n| n >= 6).await;
    browser.click("button.sign-out").await;
    browser.wait_count("the sign-in form", "#token", |n| n == 1).await;
    let left = browser.js("return sessionStorage.length + localStorage.length;").await;
    assert_eq!(left, 0, "sign-out leaves nothing in storage");
    let status = browser.texts("[role=status]").await;
    assert!(!status.is_empty(), "the sign-out is said");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_is_refused_with_an_alert() {
    let stack = ConsoleStack::start().await;
    let browser = ConsoleBrowser::start().await;
    browser.try_sign_in(&stack, "not-the-token").await;
    browser.wait_count("the refusal", "[role=alert]", |n| n == 1).await;
    assert_eq!(browser.count("nav a").await, 0, "still signed out");
    let stored = browser.js("return sessionStorage.getItem('kefu-console-token');").await;
    assert_eq!(stored, serde_json::Value::Null, "a refused token is not kept");
    let focused = browser.js("return document.activeElement.id;").await;
    assert_eq!(focused, "token", "the field is focused again");
    browser.check_page("sign-in-refused").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_revoked_while_signed_in_returns_to_sign_in_with_an_alert() {
    let stack = ConsoleStack::start().await;
    let browser = ConsoleBrowser::start().await;
    browser.sign_in(&stack).await;
    // The proxy stops accepting the token this tab holds (as if revoked).
    browser.js("sessionStorage.setItem('kefu-console-token', 'revoked'); return true;").await;
    browser.open(&stack.console_url()).await;
    browser.go(&stack, "#/bots").await;
    browser.wait_count("the sign-in form", "#token", |n| n == 1).await;
    browser.wait_count("the alert", "[role=alert]", |n| n == 1).await;
    let left = browser.js("return sessionStorage.getItem('kefu-console-token');").await;
    assert_eq!(left, serde_json::Value::Null);
    browser.close().await;
}
