//! The conversation survives a page reload (sessionStorage) and carries on in the same platform
//! session; with storage blocked the chat still works.

use kefu_e2e::{Browser, DESKTOP, PHONE, open_page};

async fn last_sid(browser: &Browser) -> String {
    let sid = browser
        .js("return window.kefuEvents.filter((e) => e.type === 'message' && e.detail.from === 'bot').pop().detail.sid;")
        .await;
    sid.as_str().expect("a session id").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_mid_conversation_continues_the_same_session() {
    let (_stack, browser) = open_page(DESKTOP, "h5.html").await;
    browser.open_launcher().await;
    browser.say("怎么付钱").await;
    browser.wait_count("the answer", ".kefu-suggestion", |n| n > 0).await;
    let bots = browser.count(".kefu-bot").await;
    let sid = last_sid(&browser).await;

    browser.client.refresh().await.expect("reloaded");
    // The window reopens by itself, with the transcript, and no new session.
    browser.wait_count("the restored transcript", ".kefu-bot", |n| n == bots).await;
    assert_eq!(browser.count(".kefu-user").await, 1);
    assert_eq!(browser.count(".kefu-divider").await, 0, "the same session, no divider");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(browser.texts(".kefu-announce").await, [""], "the restored transcript is not read out");
    browser.say("还没收到钱").await;
    browser.wait_count("the answer after the reload", ".kefu-bot", |n| n > bots).await;
    let said = browser.texts_until(".kefu-announce p", 10, |t| !t.is_empty()).await;
    let answer = browser.texts(".kefu-bot .kefu-bubble").await.split_off(bots as usize);
    assert_eq!(said.len(), answer.len(), "only the new answer is announced, all its parts: {said:?}");
    for (said, shown) in said.iter().zip(&answer) {
        assert!(shown.ends_with(&said.replace('\n', "")), "{said:?} is {shown:?}");
    }
    assert_eq!(last_sid(&browser).await, sid, "the session carried on");
    browser.screenshot("reload-1280x800").await;
    let received = browser.platform_user_lines(&sid).await;
    assert_eq!(received, ["怎么付钱", "还没收到钱"], "one session holds both messages");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_after_the_session_ended_keeps_the_transcript_and_starts_anew() {
    let (_stack, browser) = open_page(PHONE, "wx_mp.html").await;
    browser.wait_welcome().await;
    browser.say("转人工").await;
    browser.wait_count("the hand-off", ".kefu-notice", |n| n == 1).await;
    browser.client.refresh().await.expect("reloaded");
    browser.wait_count("the old transcript, a divider and a new welcome", ".kefu-bot", |n| n == 5).await;
    assert_eq!(browser.count(".kefu-divider").await, 1);
    assert_eq!(browser.count(".kefu-notice:not(.kefu-divider)").await, 1, "the hand-off notice is kept");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_storage_blocked_the_chat_still_converses() {
    let (_stack, browser) = open_page(PHONE, "tests/no-storage.html").await;
    let blocked = browser.js("try { window.sessionStorage; return false; } catch (e) { return true; }").await;
    assert_eq!(blocked, true, "the page really blocks storage");
    browser.wait_welcome().await;
    browser.say("怎么付钱").await;
    browser.wait_count("the answer", ".kefu-suggestion", |n| n > 0).await;
    browser.say("还没收到钱").await;
    browser.wait_count("the second answer", ".kefu-bot", |n| n >= 5).await;
    assert_eq!(browser.count(".kefu-failed").await, 0);
    assert_eq!(browser.count(".kefu-banner").await, 0, "no error shown");
    browser.close().await;
}
