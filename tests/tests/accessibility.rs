//! axe-core (the npm package, injected into the page) audits each channel's page, with the chat
//! closed and open: no serious or critical violation. Keyboard use and focus are checked too.

use kefu_e2e::{Browser, DESKTOP, Device, PHONE, Stack, open_page};

/// Serious and critical violations on the current page, as `rule: target…` lines.
async fn audit(browser: &Browser) -> Vec<String> {
    browser.axe_violations().await
}

async fn audit_page(page: &str, device: Device, open_with_launcher: bool) {
    let (_stack, browser) = open_page(device, &format!("{page}.html")).await;
    if open_with_launcher {
        browser.wait_launcher().await;
        let closed = audit(&browser).await;
        assert!(closed.is_empty(), "{page} closed, {}: {closed:#?}", device.name);
        browser.click("button.kefu-launcher").await;
    }
    browser.wait_welcome().await;
    browser.say("怎么付钱").await;
    browser.wait_count("suggestions", ".kefu-suggestion", |n| n > 0).await;
    let open = audit(&browser).await;
    assert!(open.is_empty(), "{page} open, {}: {open:#?}", device.name);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn h5_passes_axe_closed_and_open_on_a_laptop() {
    audit_page("h5", DESKTOP, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_finds_a_violation_when_there_is_one() {
    // The control: an unlabelled button and an image without alt text must be reported, or the
    // audits above prove nothing.
    let (_stack, browser) = open_page(DESKTOP, "index.html").await;
    browser
        .js("const b = document.createElement('button'); document.body.append(b);
             const i = document.createElement('img'); i.src = 'x.png'; document.body.append(i); return true;")
        .await;
    let found = audit(&browser).await;
    assert!(found.iter().any(|v| v.contains("button-name")), "{found:?}");
    assert!(found.iter().any(|v| v.contains("image-alt")), "{found:?}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn h5_passes_axe_closed_and_open_on_a_phone() {
    audit_page("h5", PHONE, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wx_mp_passes_axe() {
    audit_page("wx_mp", PHONE, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wx_oa_passes_axe() {
    audit_page("wx_oa", PHONE, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wx_work_passes_axe() {
    audit_page("wx_work", PHONE, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_passes_axe() {
    audit_page("app", PHONE, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chat_works_from_the_keyboard_alone() {
    let (_stack, browser) = open_page(DESKTOP, "h5.html").await;
    browser.wait_launcher().await;
    // Focus the launcher and press Enter, as a keyboard user would after tabbing to it.
    browser.js("document.querySelector('.kefu-launcher').focus(); return true;").await;
    let launcher = browser.client.active_element().await.expect("focused");
    launcher.send_keys("\u{E007}").await.expect("Enter");
    browser.wait_welcome().await;
    let focused = browser.js("return document.activeElement.className;").await;
    assert_eq!(focused, "kefu-input", "the message box has the focus");
    browser.say("怎么付钱").await;
    browser.wait_count("the answer", ".kefu-suggestion", |n| n > 0).await;
    let focused = browser.js("return document.activeElement.className;").await;
    assert_eq!(focused, "kefu-input", "the focus is back in the message box after sending");
    // Every control in the panel is reachable and labelled.
    let unlabelled = browser
        .js("return [...document.querySelectorAll('.kefu-panel button, .kefu-panel textarea')]
             .filter((e) => !(e.getAttribute('aria-label') || e.textContent.trim())).length;")
        .await;
    assert_eq!(unlabelled, 0);
    // A suggestion chosen from the keyboard.
    browser.js("document.querySelector('.kefu-suggestion').focus(); return true;").await;
    let chip = browser.client.active_element().await.expect("focused");
    let users = browser.count(".kefu-user").await;
    chip.send_keys("\u{E007}").await.expect("Enter");
    browser.wait_count("the chosen suggestion sent", ".kefu-user", |n| n == users + 1).await;
    // Escape closes and returns the focus to the launcher.
    let input = browser.client.active_element().await.expect("focused");
    input.send_keys("\u{E00C}").await.expect("Escape");
    browser.wait_count("the closed window", ".kefu-window[hidden]", |n| n == 1).await;
    let focused = browser.js("return document.activeElement.className;").await;
    assert_eq!(focused, "kefu-launcher");
    let outline =
        browser.js("return getComputedStyle(document.querySelector('.kefu-launcher')).outlineStyle;").await;
    assert_eq!(outline, "solid", "the focused launcher shows a visible focus ring");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_message_is_added_to_the_log_alone_so_it_is_announced_once() {
    // The transcript is a `role="log"` region made not live (`aria-live="off"`): the widget's own
    // polite region announces each exchange's bot lines once (`.kefu-announce`). A turn still
    // adds its new lines and never removes or re-adds old ones, so a reader that browses the log
    // finds the history as it was.
    let (_stack, browser) = open_page(PHONE, "wx_mp.html").await;
    browser.wait_welcome().await;
    let live = browser
        .js("const log = document.querySelector('.kefu-log');
        return [log.getAttribute('role'), log.getAttribute('aria-live')];")
        .await;
    assert_eq!(live, serde_json::json!(["log", "off"]), "role=log, not read out itself");
    browser
        .js("window.logChanges = { added: 0, removed: 0 };
             new MutationObserver((records) => records.forEach((r) => {
               window.logChanges.added += r.addedNodes.length;
               window.logChanges.removed += r.removedNodes.length;
             })).observe(document.querySelector('.kefu-log'), { childList: true });
             return true;")
        .await;
    browser.say("怎么付钱").await;
    browser.wait_count("the answer", ".kefu-suggestion", |n| n > 0).await;
    let changes = browser.js("return window.logChanges;").await;
    assert_eq!(
        changes,
        serde_json::json!({ "added": 2, "removed": 0 }),
        "one user line and one bot line added"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reduced_motion_stops_the_typing_animation() {
    let stack = Stack::start().await;
    let browser = Browser::start_with(PHONE, &["--force-prefers-reduced-motion"]).await;
    browser.visit(&stack, "wx_mp.html").await;
    browser.wait_count("the panel", ".kefu-panel", |n| n == 1).await;
    let reduced = browser.js("return matchMedia('(prefers-reduced-motion: reduce)').matches;").await;
    assert_eq!(reduced, true, "the switch is in force");
    // Probe the rule on a stand-in dot (the real one shows only while the bot is due).
    let animation = browser
        .js("const dot = document.createElement('span'); dot.className = 'kefu-dot';
             document.querySelector('.kefu-panel').append(dot);
             const name = getComputedStyle(dot).animationName; dot.remove(); return name;")
        .await;
    assert_eq!(animation, "none");
    browser.close().await;
}
