//! No lost messages: the platform goes away mid-conversation, the visitor keeps typing, the
//! platform comes back (having forgotten everything); every message ends up delivered exactly
//! once, in order, or visibly failed with a resend action, and nothing typed disappears.

use kefu_e2e::{Browser, PHONE, Stack, open_page};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_typed_while_the_platform_is_down_are_never_lost_or_doubled() {
    let (mut stack, browser) = open_page(PHONE, "wx_mp.html").await;
    browser.wait_welcome().await;

    stack.kill_sandbox();
    let typed = ["第一条消息", "第二条消息", "第三条消息"];
    for text in typed {
        browser.say(text).await;
    }
    browser.wait_count("three failed messages", ".kefu-failed", |n| n == 3).await;
    let shown = browser.texts(".kefu-user .kefu-bubble").await;
    for text in typed {
        assert_eq!(shown.iter().filter(|s| s.ends_with(text)).count(), 1, "{text} shown once: {shown:?}");
    }
    assert_eq!(browser.count(".kefu-resend").await, 3, "each failed message offers a resend");
    browser.screenshot("chaos-down-375x667").await;

    stack.restart_sandbox().await;
    for _ in typed {
        browser.click(".kefu-resend").await;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    browser.wait_count("every message delivered", ".kefu-user .kefu-status", |n| n == 0).await;
    assert_eq!(browser.count(".kefu-failed").await, 0);
    assert_eq!(browser.count(".kefu-divider").await, 1, "a new session began, marked in the transcript");
    let shown = browser.texts(".kefu-user .kefu-bubble").await;
    assert_eq!(shown.len(), 3, "still one bubble per message: {shown:?}");
    browser.screenshot("chaos-recovered-375x667").await;

    // What the platform received in the new session: each message once, in order.
    let sid = browser
        .js("return window.kefuEvents.filter((e) => e.type === 'message' && e.detail.from === 'bot').pop().detail.sid;")
        .await;
    let sid = sid.as_str().expect("a session id").to_owned();
    let received = browser.platform_user_lines(&sid).await;
    assert_eq!(received, typed.to_vec(), "delivered exactly once, in order");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_that_cannot_start_says_so_and_starts_on_retry() {
    let mut stack = Stack::start().await;
    stack.kill_sandbox();
    let browser = Browser::start(PHONE).await;
    browser.visit(&stack, "wx_mp.html").await;
    browser.wait_count("the error banner", ".kefu-banner[role=alert]", |n| n == 1).await;
    assert_eq!(browser.count(".kefu-typing").await, 0, "no endless typing indicator");
    // The visitor may write meanwhile; the text waits for the session.
    browser.say("你好").await;
    browser.screenshot("start-failed-375x667").await;
    stack.restart_sandbox().await;
    browser.click(".kefu-retry").await;
    browser.wait_count("the welcome prompts", ".kefu-bot", |n| n >= 2).await;
    browser.wait_count("the banner gone", ".kefu-banner", |n| n == 0).await;
    browser.wait_count("the message delivered", ".kefu-user .kefu-status", |n| n == 0).await;
    assert_eq!(browser.count(".kefu-user").await, 1, "the message typed during the outage is shown once");
    assert_eq!(browser.count(".kefu-failed").await, 0);
    browser.close().await;
}
