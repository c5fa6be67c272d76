//! The proactive greeting (`greeting`, `greeting-delay` on `<kefu-chat>`, h5): after its delay
//! or on exit intent, announced through a status region that was there before, dismissible,
//! once per tab session, and a way into the chat. Screenshots in `target/e2e-screenshots/`.

use std::time::Duration;

use kefu_e2e::{Browser, DESKTOP, PHONE, Stack};
use serde_json::json;

/// The pointer leaving through the page's top edge (WebDriver cannot move it off the page).
const EXIT_INTENT: &str = "document.documentElement.dispatchEvent(
    new MouseEvent('mouseout', { bubbles: true, clientX: 300, clientY: -1 })); return true;";

/// Waits until the greeting is armed (its empty status region in the page); gives that text.
async fn armed(browser: &Browser) -> serde_json::Value {
    browser.wait_count("the armed greeting", ".kefu-teaser [role=status]", |n| n == 1).await;
    browser.js("return document.querySelector('.kefu-teaser [role=status]').textContent;").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_greeting_shows_after_its_delay_is_announced_and_shows_once_per_session() {
    let stack = Stack::start().await;
    let browser = Browser::start(PHONE).await;
    browser.visit(&stack, "h5.html?greeting=&greeting-delay=3").await;
    browser.wait_launcher().await;
    assert_eq!(armed(&browser).await, "", "the live region is there, empty, before the greeting");
    assert_eq!(browser.count(".kefu-teaser-on").await, 0, "not before its delay");
    browser.wait_count("the greeting", ".kefu-teaser-on", |n| n == 1).await;
    let shown = browser
        .js("const t = document.querySelector('.kefu-teaser');
             const r = t.getBoundingClientRect();
             return [t.querySelector('[role=status]').textContent, r.width > 100, r.bottom <= innerHeight,
                     t.querySelector('button').getAttribute('aria-label')];")
        .await;
    assert_eq!(shown, json!(["您好！有什么可以帮您？", true, true, "关闭提示"]));
    browser.screenshot("h5-greeting-375x667").await;
    let found = browser.axe_violations().await;
    assert!(found.is_empty(), "with the greeting: {found:#?}");

    // Dismissed: gone, the focus on the launcher, and not again in this tab's session.
    browser.click(".kefu-teaser button").await;
    browser.wait_count("the dismissed greeting", ".kefu-teaser", |n| n == 0).await;
    let focused = browser.js("return document.activeElement.className;").await;
    assert_eq!(focused, "kefu-launcher");
    browser.visit(&stack, "h5.html?greeting=&greeting-delay=1").await;
    browser.wait_launcher().await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(browser.count(".kefu-teaser").await, 0, "once per session");
    assert_eq!(browser.count(".kefu-panel").await, 0, "and the chat stayed closed");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_intent_on_a_laptop_greets_at_once_and_a_click_opens_the_chat() {
    let stack = Stack::start().await;
    let browser = Browser::start(DESKTOP).await;
    browser
        .visit(&stack, "h5.html?lang=en&greeting=Questions%20about%20your%20agreement%3F&greeting-delay=600")
        .await;
    browser.wait_launcher().await;
    assert_eq!(armed(&browser).await, "");
    browser.js(EXIT_INTENT).await;
    browser.wait_count("the greeting", ".kefu-teaser-on", |n| n == 1).await;
    let text = browser.texts(".kefu-teaser [role=status]").await;
    assert_eq!(text, ["Questions about your agreement?"]);
    let label =
        browser.js("return document.querySelector('.kefu-teaser button').getAttribute('aria-label');").await;
    assert_eq!(label, "Dismiss");
    browser.screenshot("h5-greeting-1280x800").await;
    browser.click(".kefu-teaser p").await;
    browser.wait_welcome().await;
    assert_eq!(browser.count(".kefu-teaser").await, 0, "gone once the chat is open");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_who_opened_the_chat_is_not_greeted() {
    let stack = Stack::start().await;
    let browser = Browser::start(PHONE).await;
    browser.visit(&stack, "h5.html?greeting=&greeting-delay=4").await;
    browser.open_launcher().await;
    browser.click(".kefu-close").await;
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(browser.count(".kefu-teaser-on").await, 0);
    browser.close().await;
}
