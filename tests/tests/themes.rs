//! Themes in Chromium: the dark palette under a dark system (`--force-dark-mode`) and by the
//! `theme` option, `theme="light"` holding against a dark system, forced colours (high
//! contrast, `--force-high-contrast`), each axe-clean; and the theming page, which lists every
//! `--kefu-*` variable of the stylesheet. Screenshots in `target/e2e-screenshots/`.

use std::collections::BTreeSet;

use kefu_e2e::{Browser, DESKTOP, PHONE, Stack, root};
use serde_json::json;

/// The log's background in the light and the dark palette (`#f8fafc`, `#030712`).
const LIGHT_LOG: &str = "rgb(248, 250, 252)";
const DARK_LOG: &str = "rgb(3, 7, 18)";

async fn log_background(browser: &Browser) -> serde_json::Value {
    browser.js("return getComputedStyle(document.querySelector('.kefu-log')).backgroundColor;").await
}

/// Opens `page` in a browser started with `switches`, converses until suggestions show.
async fn conversed(page: &str, switches: &[&str]) -> (Stack, Browser) {
    let stack = Stack::start().await;
    let browser = Browser::start_with(DESKTOP, switches).await;
    browser.visit(&stack, page).await;
    browser.open_launcher().await;
    browser.say("怎么付钱").await;
    browser.wait_count("suggestions", ".kefu-suggestion", |n| n > 0).await;
    (stack, browser)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_follows_a_dark_system_and_stays_axe_clean() {
    let (_stack, browser) = conversed("h5.html", &["--force-dark-mode"]).await;
    assert_eq!(browser.js("return matchMedia('(prefers-color-scheme: dark)').matches;").await, true);
    assert_eq!(log_background(&browser).await, DARK_LOG);
    let scheme =
        browser.js("return getComputedStyle(document.querySelector('.kefu-input')).colorScheme;").await;
    assert_eq!(scheme, "dark", "native parts (scroll bars, the text box) are dark too");
    browser.screenshot("h5-dark-1280x800").await;
    let found = browser.axe_violations().await;
    assert!(found.is_empty(), "dark: {found:#?}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn theme_light_holds_against_a_dark_system() {
    let (_stack, browser) = conversed("h5.html?theme=light", &["--force-dark-mode"]).await;
    assert_eq!(log_background(&browser).await, LIGHT_LOG);
    let found = browser.axe_violations().await;
    assert!(found.is_empty(), "light on a dark system: {found:#?}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn theme_dark_on_a_light_system_and_a_changed_attribute_applies_at_once() {
    let (_stack, browser) = conversed("h5.html?theme=dark", &[]).await;
    assert_eq!(browser.js("return matchMedia('(prefers-color-scheme: dark)').matches;").await, false);
    assert_eq!(log_background(&browser).await, DARK_LOG);
    let found = browser.axe_violations().await;
    assert!(found.is_empty(), "dark by option: {found:#?}");
    browser.js("document.querySelector('kefu-chat').setAttribute('theme', 'light'); return true;").await;
    assert_eq!(log_background(&browser).await, LIGHT_LOG);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forced_colors_keep_every_shape_visible() {
    let stack = Stack::start().await;
    let browser = Browser::start_with(PHONE, &["--force-high-contrast"]).await;
    browser.visit(&stack, "h5.html").await;
    browser.wait_launcher().await;
    let launcher = browser
        .js("const s = getComputedStyle(document.querySelector('.kefu-launcher'));
             return [matchMedia('(forced-colors: active)').matches, s.borderTopStyle, s.borderTopWidth];")
        .await;
    assert_eq!(launcher, json!([true, "solid", "1px"]), "the launcher is outlined");
    browser.click("button.kefu-launcher").await;
    browser.wait_welcome().await;
    browser.say("怎么付钱").await;
    browser.wait_count("suggestions", ".kefu-suggestion", |n| n > 0).await;
    // Every bubble has a border in the text's colour (the user's had only a background), and a
    // typing dot (probed on a stand-in) is drawn in the text's colour, not the canvas's.
    let shapes = browser
        .js("const text = getComputedStyle(document.querySelector('.kefu-panel')).color;
             const bubbles = [...document.querySelectorAll('.kefu-bubble')].map((b) => {
               const s = getComputedStyle(b); return s.borderTopStyle === 'solid' && s.borderTopColor === text; });
             const dot = document.createElement('span'); dot.className = 'kefu-dot';
             document.querySelector('.kefu-panel').append(dot);
             const colour = getComputedStyle(dot).backgroundColor; dot.remove();
             return [bubbles.length > 2 && bubbles.every(Boolean), colour === text];")
        .await;
    assert_eq!(shapes, json!([true, true]));
    browser.screenshot("h5-forced-colors-375x667").await;
    let found = browser.axe_violations().await;
    assert!(found.is_empty(), "forced colours: {found:#?}");
    browser.close().await;
}

/// The `--kefu-*` variables in the stylesheet's source, as the theming page should list them
/// (the stylesheet's own `…-default` helpers left out).
fn stylesheet_variables() -> BTreeSet<String> {
    let css =
        std::fs::read_to_string(root().join("crates/widget/assets/kefu-widget.css")).expect("the stylesheet");
    css.match_indices("--kefu-")
        .map(|(at, _)| {
            let rest = &css[at + 2..];
            let len = rest.find(|c: char| !(c.is_ascii_lowercase() || c == '-')).unwrap_or(rest.len());
            format!("--{}", &rest[..len])
        })
        .filter(|name| name.len() > "--kefu-".len() && !name.ends_with("-default"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_theming_page_lists_every_variable_and_tries_values() {
    let stack = Stack::start().await;
    let browser = Browser::start(DESKTOP).await;
    browser.visit(&stack, "theme.html").await;
    browser.wait_welcome().await;
    browser.wait_count("the variables", "#variables[data-ready] tr", |n| n > 0).await;
    let listed: BTreeSet<String> = browser
        .js("return [...document.querySelectorAll('[data-variable]')].map((i) => i.dataset.variable);")
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let expected = stylesheet_variables();
    assert!(expected.len() >= 13, "{expected:?}");
    assert_eq!(listed, expected);
    let defaults = browser.texts("#variables tr").await;
    assert!(
        defaults
            .iter()
            .any(|row| row.contains("--kefu-bg") && row.contains("#fff") && row.contains("#111827")),
        "each variable with its light and dark defaults: {defaults:#?}"
    );
    // A value tried on the page reaches the chat.
    let header = browser
        .js("const input = document.querySelector('[data-variable=\"--kefu-accent\"]');
             input.value = '#6d28d9'; input.dispatchEvent(new Event('change'));
             return getComputedStyle(document.querySelector('.kefu-header')).backgroundColor;")
        .await;
    assert_eq!(header, "rgb(109, 40, 217)");
    browser.click("input[name=theme][value=dark]").await;
    assert_eq!(log_background(&browser).await, DARK_LOG);
    browser.screenshot("theme-page-1280x800").await;
    let found = browser.axe_violations().await;
    assert!(found.is_empty(), "the theming page: {found:#?}");
    browser.close().await;
}
