//! Hostile text from every place the platform puts text (prompts, suggestions, variables,
//! SSML, links, megabyte-long prompts) shown by the widget in Chromium, on a page with no
//! Content-Security-Policy: nothing executes, everything shows as text or is cut short.

use kefu_e2e::{Browser, DESKTOP, Stack};

/// A bot whose every text is an attack. Each payload sets `window.kefuPwned` if it ever runs.
fn hostile_bot() -> String {
    let long = "长".repeat(1_000_000);
    format!(
        r#"
id = "666"
name = "hostile"
start = "hi"
fallback = ["<script>window.kefuPwned='fallback'</script>fallback"]
kb_threshold = 0.5
suggest_threshold = 0.01
max_suggestions = 3

[[state]]
id = "hi"
prompts = [
  "Hello {{name}} from {{org}}!",
  "<script>window.kefuPwned='script'</script><img src=x onerror=\"window.kefuPwned='img'\"><svg onload=\"window.kefuPwned='svg'\"></svg>",
  "[click](javascript:window.kefuPwned='link') [data](data:text/html,<script>parent.kefuPwned='data'</script>) <a href=\"javascript:window.kefuPwned='a'\">a</a> [ok](https://kefu.example/ok)",
  "<speak><audio src=\"javascript:window.kefuPwned='ssml'\"/>说<break time=\"1s\"/>话</speak>",
]

[[intent]]
name = "long"
keywords = ["megabyte"]
prompts = ["{long}"]

[[faq]]
question = "<img src=x onerror=\"window.kefuPwned='chip'\">payment question"
answer = "**<iframe src=\"javascript:window.kefuPwned='iframe'\"></iframe>** paid <b onmouseover=\"window.kefuPwned='b'\">bold</b>"

[[faq]]
question = "<script>window.kefuPwned='chip2'</script>payment other"
answer = "ok"
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_payload_runs_and_every_payload_is_shown_as_text() {
    let stack = Stack::with_bot(&hostile_bot()).await;
    let browser = Browser::start(DESKTOP).await;
    browser.visit(&stack, "tests/hostile.html").await;
    browser.wait_count("the four hostile prompts", ".kefu-bot", |n| n == 4).await;
    browser.say("payment question").await;
    browser.wait_count("the hostile answer", ".kefu-bot", |n| n == 5).await;
    browser.wait_count("hostile suggestions", ".kefu-suggestion", |n| n > 0).await;
    let chips = browser.texts(".kefu-suggestion").await;
    assert!(
        chips.iter().any(|c| c.contains("<script>window.kefuPwned='chip2'</script>")),
        "a suggestion shows its markup as text: {chips:?}"
    );
    browser.click(".kefu-suggestion").await;
    browser.wait_count("the tapped suggestion's answer", ".kefu-bot", |n| n == 6).await;
    browser.say("megabyte").await;
    browser.wait_count("the cut-short megabyte prompt", ".kefu-truncated", |n| n == 1).await;
    // Hover and click everything that could carry a handler.
    browser.js("document.querySelectorAll('.kefu-panel *').forEach((e) => { e.dispatchEvent(new MouseEvent('mouseover', { bubbles: true })); }); return true;").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    browser.screenshot("hostile-1280x800").await;

    let pwned = browser.js("return window.kefuPwned === undefined ? null : String(window.kefuPwned);").await;
    assert_eq!(pwned, serde_json::Value::Null, "a payload ran");
    // The widget's own markup aside (the voice button's drawn microphone), no element came from
    // the platform's text.
    assert_eq!(
        browser.count(".kefu-panel :is(script, img, svg, iframe, audio, b):not(.kefu-composer svg)").await,
        0
    );
    let hrefs = browser
        .js("return [...document.querySelectorAll('.kefu-panel a')].map((a) => a.getAttribute('href'));")
        .await;
    assert_eq!(hrefs, serde_json::json!(["https://kefu.example/ok"]), "only the https link is a link");
    let handlers = browser
        .js("return [...document.querySelectorAll('.kefu-panel *')].flatMap((e) => e.getAttributeNames().filter((n) => n.startsWith('on')));")
        .await;
    assert_eq!(handlers, serde_json::json!([]));
    let shown = browser.js("return document.querySelector('.kefu-log').textContent;").await;
    let shown = shown.as_str().unwrap_or_default();
    for visible in [
        "<script>window.kefuPwned='script'</script>",
        "onerror",
        "<b onmouseover",
        "<img src=x onerror=\"window.kefuPwned='var'\">",
    ] {
        assert!(shown.contains(visible), "{visible} is shown as text");
    }
    assert!(
        shown.contains("说") && shown.contains("话") && !shown.contains("<speak>"),
        "SSML shows as plain text"
    );
    let longest = browser.js("return Math.max(...[...document.querySelectorAll('.kefu-bot .kefu-bubble')].map((b) => b.textContent.length));").await;
    assert!(longest.as_f64().unwrap_or(f64::MAX) < 5_000.0, "the megabyte prompt is cut short: {longest}");
    browser.close().await;
}
