//! Several tabs, one conversation (issue 19 item 1): two tabs of one browser show the same
//! transcript, only the leading one talks to the platform, and closing it hands over.

use fantoccini::wd::WindowHandle;
use kefu_e2e::{Browser, DESKTOP, Stack, open_page};

/// How many tabs this origin's `localStorage` lists as showing a conversation (the loader's
/// list, which spares a new tab's early start the Web Locks when it is empty).
const LISTED_TABS: &str =
    "return Object.keys(localStorage).filter((k) => k.startsWith('kefu-tabs|') && k.endsWith('|open'))
    .reduce((n, k) => n + JSON.parse(localStorage.getItem(k)).length, 0);";

/// The botdm requests other than `start` that this tab made (the loader's early start is its own).
async fn talks(browser: &Browser) -> u64 {
    let script = "return performance.getEntriesByType('resource')
        .filter((e) => e.name.includes('/botdm/') && !e.name.includes('/botdm/start')).length;";
    browser.js(script).await.as_u64().unwrap_or(0)
}

/// The session of the last bot message this tab's page was told of.
async fn last_sid(browser: &Browser) -> Option<String> {
    let script = "const m = (window.kefuEvents || []).filter((e) => e.type === 'message' && e.detail.from === 'bot').pop();
        return m ? m.detail.sid : null;";
    browser.js(script).await.as_str().map(str::to_owned)
}

/// `h5.html` with its chat open in a first tab, which leads, then in a second tab of the same
/// browser, which follows and is the one shown: the stack, the browser and both tabs.
async fn two_tabs() -> (Stack, Browser, WindowHandle, WindowHandle) {
    let (stack, browser) = open_page(DESKTOP, "h5.html").await;
    let first = browser.client.window().await.expect("a window");
    browser.open_launcher().await;
    let second = browser.client.new_window(true).await.expect("a new tab").handle;
    browser.client.switch_to_window(second.clone()).await.expect("switched");
    browser.visit(&stack, "h5.html").await;
    browser.open_launcher().await;
    (stack, browser, first, second)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tabs_share_one_conversation_and_the_second_takes_over() {
    let (stack, browser, first, second) = two_tabs().await;
    // The second tab shows the leader's welcome, not a welcome of its own.
    browser.say("怎么付钱").await;
    browser.wait_count("the answer in the second tab", ".kefu-suggestion", |n| n > 0).await;
    let bots = browser.count(".kefu-bot").await;
    let shown = browser.texts(".kefu-log").await;
    assert_eq!(browser.count(".kefu-user").await, 1);
    assert_eq!(talks(&browser).await, 0, "the second tab sent nothing to the platform itself");
    let starts = "return performance.getEntriesByType('resource')
        .filter((e) => e.name.includes('/botdm/start')).length;";
    assert_eq!(browser.js(starts).await, 0, "nor a start of its own (the loader saw the leader's lock)");
    assert_eq!(last_sid(&browser).await, None, "its page is told nothing twice (no unread count)");
    browser.screenshot("tabs-follower-1280x800").await;

    browser.client.switch_to_window(first.clone()).await.expect("switched");
    browser.wait_count("the answer in the first tab", ".kefu-bot", |n| n == bots).await;
    assert_eq!(browser.texts(".kefu-log").await, shown, "both tabs show the same transcript");
    let sid = last_sid(&browser).await.expect("the leader's page heard the bot");
    assert_eq!(
        browser.platform_user_lines(&sid).await,
        ["怎么付钱"],
        "the message reached the platform once"
    );

    assert_eq!(browser.js(LISTED_TABS).await, 2, "both tabs are listed for the loaders of new tabs");

    // The leading tab closes: the second continues the same session.
    browser.client.close_window().await.expect("closed");
    browser.client.switch_to_window(second).await.expect("switched");
    browser.say("还没收到钱").await;
    browser.wait_count("the answer after the hand-over", ".kefu-bot", |n| n > bots).await;
    assert_eq!(browser.count(".kefu-failed").await, 0);
    assert_eq!(browser.count(".kefu-divider").await, 0, "the same session, no divider");
    assert_eq!(last_sid(&browser).await.as_deref(), Some(sid.as_str()), "the session carried on");
    assert_eq!(browser.platform_user_lines(&sid).await, ["怎么付钱", "还没收到钱"], "each once, in order");
    assert_eq!(browser.js(LISTED_TABS).await, 1, "the closed tab is no longer listed");
    // The last tab goes (to a page without the chat): no tab is listed, so a new tab's loader
    // starts at once.
    browser.visit(&stack, "index.html").await;
    assert_eq!(browser.js(LISTED_TABS).await, 0, "no tab is listed");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tabs_of_another_bot_keep_their_own_conversation() {
    let (stack, browser) = open_page(DESKTOP, "h5.html").await;
    browser.open_launcher().await;
    browser.say("怎么付钱").await;
    browser.wait_count("the answer", ".kefu-suggestion", |n| n > 0).await;
    let second = browser.client.new_window(true).await.expect("a new tab").handle;
    browser.client.switch_to_window(second).await.expect("switched");
    browser.visit(&stack, "wx_mp.html").await;
    // Another channel: its own welcome, none of the h5 tab's lines.
    browser.wait_welcome().await;
    assert_eq!(browser.count(".kefu-user").await, 0);
    browser.close().await;
}

/// The `rating` events this tab's page was told of, as `[score, comment]` pairs.
async fn ratings(browser: &Browser) -> serde_json::Value {
    browser
        .js("return (window.kefuEvents || []).filter((e) => e.type === 'rating')
            .map((e) => [e.detail.score, e.detail.comment]);")
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rating_shows_in_every_tab_and_an_answer_in_one_is_told_once() {
    let (_stack, browser, first, _second) = two_tabs().await;
    browser.say("没有其他问题，再见").await;
    // The following tab offers the rating the leader offers.
    browser.wait_count("the rating in the second tab", ".kefu-rating input[type=radio]", |n| n == 5).await;
    browser.rate(5, "两个窗口都行").await;
    browser.wait_count("the thanks in the second tab", ".kefu-rating-thanks[role=status]", |n| n == 1).await;
    assert_eq!(browser.count(".kefu-rating").await, 0, "the form is gone here");
    assert_eq!(
        ratings(&browser).await,
        serde_json::json!([]),
        "this tab's page is not told: the leader's is"
    );
    browser.screenshot("tabs-rating-follower-1280x800").await;

    browser.client.switch_to_window(first).await.expect("switched");
    browser.wait_count("the thanks in the first tab", ".kefu-rating-thanks[role=status]", |n| n == 1).await;
    assert_eq!(browser.count(".kefu-rating").await, 0, "answered in the other tab: not asked here");
    assert_eq!(
        ratings(&browser).await,
        serde_json::json!([[5, "两个窗口都行"]]),
        "the leader's page is told once, with the score and comment chosen in the other tab"
    );
    browser.close().await;
}
