//! The loader's preview of the first prompt: on a link where the wasm is slow, the bot's first
//! prompt (from the loader's early start) is on screen before the widget is, as text in a copy of
//! the panel hidden from assistive technology; once the widget shows its own messages the copy is
//! gone, and the conversation goes on with each message shown once.

use kefu_e2e::{PHONE, open_page};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_prompt_shows_before_the_wasm_and_hands_over_to_the_widget() {
    let (_stack, browser) = open_page(PHONE, "tests/slow-wasm.html").await;
    // The page holds every wasm download back by 4 s; the early start's answer is not held.
    let seen = browser
        .js_until(
            "const bubble = document.querySelector('.kefu-shell .kefu-preview .kefu-bubble');
             return bubble && bubble.textContent.trim() ? {
               text: bubble.textContent,
               widget: document.querySelectorAll('.kefu-window:not(.kefu-shell) .kefu-panel').length,
               hidden: bubble.closest('.kefu-shell').getAttribute('aria-hidden'),
               inert: bubble.closest('.kefu-shell').inert,
               html: bubble.children.length,
               visible: bubble.checkVisibility(),
             } : null;",
            10,
            |v| !v.is_null(),
        )
        .await;
    assert!(!seen.is_null(), "no preview of the first prompt within 10 s");
    assert_eq!(seen["widget"], 0, "the preview came before the widget: {seen}");
    assert_eq!(seen["hidden"], "true", "hidden from assistive technology: {seen}");
    assert_eq!(seen["inert"], true, "{seen}");
    assert_eq!(seen["html"], 0, "the prompt is text, not markup: {seen}");
    assert_eq!(seen["visible"], true, "{seen}");
    browser.screenshot("preview-phone").await;

    browser.wait_welcome().await;
    let after = browser
        .js_until(
            "return { shells: document.querySelectorAll('.kefu-shell').length,
                      first: document.querySelector('.kefu-bot .kefu-bubble')?.textContent ?? '' };",
            10,
            |v| v["shells"] == 0,
        )
        .await;
    assert_eq!(after["shells"], 0, "the preview is gone once the widget shows its messages: {after}");
    let first = after["first"].as_str().unwrap_or_default();
    let previewed = seen["text"].as_str().unwrap_or_default();
    assert!(
        !previewed.is_empty() && first.contains(previewed.trim()),
        "the widget's first message {first:?} is the one previewed {previewed:?}"
    );
    assert_eq!(browser.count(".kefu-bot").await, 2, "each welcome prompt is shown once");
    browser.say("怎么付钱").await;
    browser.wait_count("the answer", ".kefu-suggestion", |n| n > 0).await;
    assert_eq!(browser.count(".kefu-banner").await, 0, "no error shown");
    browser.close().await;
}
