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
    // The console moves the focus once the page has drawn it (kit::focus_later).
    let focused = browser.js_until("return document.activeElement.id;", 10, |id| id == "token").await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bots_are_listed_and_one_can_be_tried_beside_the_list() {
    let stack = ConsoleStack::start().await;
    let browser = ConsoleBrowser::start().await;
    browser.sign_in(&stack).await;
    browser.go(&stack, "#/bots").await;
    browser.wait_count("the bots", "table tbody tr", |n| n >= 1).await;
    browser.check_page("bots").await;
    browser.click("a.try").await;
    browser.wait_count("the widget beside the list", ".try-chat kefu-chat", |n| n == 1).await;
    browser.wait_long("the bot's welcome in the widget", ".try-chat .kefu-bot", 20, |n| n >= 1).await;
    let bot =
        browser.js("return document.querySelector('.try-chat kefu-chat').getAttribute('bot-id');").await;
    let listed = browser.texts("table tbody tr td code").await;
    assert!(listed.iter().any(|id| bot.as_str() == Some(id.as_str())), "{bot} is one of {listed:?}");
    browser.check_page("bots-try").await;
    browser.close().await;
}

/// A CSV of `n` numbers with a header row, in a temporary file.
fn numbers_csv(n: usize) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("kefu-e2e-numbers-{}-{n}.csv", std::process::id()));
    let mut text = String::from("phone,name\n");
    for i in 0..n {
        text.push_str(&format!("1390000{i:04},客户{i}\n"));
    }
    std::fs::write(&path, text).expect("the CSV written");
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_is_created_given_50_numbers_and_its_calls_charts_transcripts_and_csv_arrive() {
    let stack = ConsoleStack::start().await;
    let browser = ConsoleBrowser::start().await;
    browser.sign_in(&stack).await;
    browser.check_page("campaigns-empty").await;
    browser.go(&stack, "#/campaigns/new").await;
    browser.wait_count("the bot picker", "select#bot option", |n| n >= 1).await;
    browser.check_page("campaign-new").await;
    // Create the task: every required field, recording on, one labelled recall group.
    browser.fill("#task-name", "e2e 回访任务").await;
    browser.fill("#disnumber", "02112345678").await;
    // team_url is this deployment's callback address, pre-filled.
    browser.wait_long("the pre-filled team_url", "#team-url", 10, |n| n == 1).await;
    let team_url = browser
        .js_until("return document.querySelector('#team-url').value;", 15, |u| {
            u.as_str().is_some_and(|u| !u.is_empty())
        })
        .await;
    assert_eq!(team_url, stack.team_url());
    browser.click("form button[type=submit]").await;
    browser.wait_long("the new task's page", "#upload-title", 15, |n| n == 1).await;
    let hash = browser.js("return location.hash;").await;
    assert!(hash.as_str().is_some_and(|h| h.starts_with("#/campaigns/") && h.len() > 12), "{hash}");
    // An Excel workbook is read in the browser too: two numbers, one typed as a number, and a
    // malformed one.
    let xlsx = std::env::temp_dir().join(format!("kefu-e2e-numbers-{}.xlsx", std::process::id()));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "phone").expect("cell");
    sheet.write_string(1, 0, "13900000001").expect("cell");
    sheet.write_number(2, 0, 13_900_000_002.0).expect("cell");
    sheet.write_string(3, 0, "not a number").expect("cell");
    book.save(&xlsx).expect("the workbook written");
    let input = browser.client.find(fantoccini::Locator::Css("#numbers-file")).await.expect("the file input");
    input.send_keys(&xlsx.to_string_lossy()).await.expect("chosen");
    browser.wait_count("the workbook's check", ".check-numbers", |n| n == 1).await;
    assert_eq!(browser.texts(".check-numbers").await, vec!["2".to_owned()]);
    assert_eq!(browser.texts(".issues.malformed li").await.len(), 1);
    browser.js("document.querySelector('#numbers-file').value = ''; return true;").await;
    // A file with a malformed and a duplicate number is checked here and they are listed.
    let bad = std::env::temp_dir().join(format!("kefu-e2e-bad-{}.csv", std::process::id()));
    std::fs::write(&bad, "phone\n13900000001\n139-0000\n13900000001\n").expect("written");
    let input = browser.client.find(fantoccini::Locator::Css("#numbers-file")).await.expect("the file input");
    input.send_keys(&bad.to_string_lossy()).await.expect("chosen");
    browser.wait_count("the check", ".issues.duplicates li", |n| n == 1).await;
    assert_eq!(browser.count(".issues.duplicates li").await, 1);
    browser.check_page("campaign-check").await;
    // The 50-number CSV.
    let csv = numbers_csv(50);
    browser.js("document.querySelector('#numbers-file').value = ''; return true;").await;
    let input = browser.client.find(fantoccini::Locator::Css("#numbers-file")).await.expect("the file input");
    input.send_keys(&csv.to_string_lossy()).await.expect("chosen");
    browser.wait_count("the check of 50 numbers", ".check-numbers", |n| n == 1).await;
    assert_eq!(browser.texts(".check-numbers").await, vec!["50".to_owned()]);
    browser.click("section[aria-labelledby=upload-title] button[type=submit]").await;
    browser.wait_long("the upload's batch", ".notice code", 20, |n| n == 1).await;
    // The sandbox calls the numbers and pushes each call: the table and the charts fill.
    browser.wait_long("50 calls in the results", ".calls-count", 60, |_| true).await;
    for _ in 0..120 {
        let count = browser.texts(".calls-count").await;
        if count.first().is_some_and(|c| c.starts_with("50 "))
            && browser.count("#chart-grades rect.bar").await > 0
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert_eq!(
        browser.texts(".calls-count").await.first().map(|c| c.split(' ').next().unwrap_or("").to_owned()),
        Some("50".to_owned())
    );
    assert_eq!(browser.count("table.calls tbody tr").await, 20, "the first page of 20");
    assert!(browser.count("#chart-states rect.bar").await >= 2, "calls by state drawn");
    assert!(browser.count("#chart-grades rect.bar").await >= 1, "numbers by grade drawn");
    let chart_name =
        browser.js("return document.querySelector('#chart-states svg').getAttribute('aria-label');").await;
    assert!(chart_name.as_str().is_some_and(|n| n.contains("785")), "{chart_name}");
    browser.check_page("campaign-results").await;
    // Paging.
    browser.click("nav.pager button:last-child").await;
    browser.wait_count("the second page", "nav.pager span", |_| true).await;
    let pager = browser
        .texts_until("nav.pager span", 15, |t| t.first().is_some_and(|t| t.starts_with("21–40")))
        .await;
    assert!(pager.first().is_some_and(|t| t.starts_with("21–40")), "{pager:?}");
    // Export: all 50 rows.
    browser.click("button.export").await;
    browser.wait_long("the export", ".exported", 20, |n| n == 1).await;
    assert!(browser.texts(".exported").await[0].ends_with("50"), "{:?}", browser.texts(".exported").await);
    let downloads = std::path::PathBuf::from(kefu_e2e::console::download_dir());
    let mut saved = None;
    for _ in 0..50 {
        saved = std::fs::read_dir(&downloads).ok().and_then(|d| {
            d.filter_map(Result::ok).map(|e| e.path()).find(|p| {
                p.file_name().is_some_and(|n| {
                    n.to_string_lossy().starts_with("task-") && n.to_string_lossy().ends_with(".csv")
                })
            })
        });
        if saved.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let saved = saved.expect("the CSV saved in the download folder");
    let text = std::fs::read_to_string(&saved).expect("the CSV");
    let _ = std::fs::remove_file(&saved);
    assert_eq!(text.lines().filter(|l| !l.trim().is_empty()).count(), 51, "a header and 50 rows");
    // Filter: answered calls only.
    browser.fill("#f-answered", "yes").await;
    browser.click("form.toolbar button[type=submit]").await;
    let answered = browser
        .texts_until("table.calls td[data-label=Answered]", 15, |a| {
            !a.is_empty() && a.iter().all(|a| a == "Yes")
        })
        .await;
    assert!(!answered.is_empty() && answered.iter().all(|a| a == "Yes"), "{answered:?}");
    // Open an answered call: its transcript as a conversation.
    browser.click("table.calls a[href^='#/calls/']").await;
    browser.wait_long("the transcript", ".conversation .turn", 15, |n| n >= 2).await;
    assert!(browser.count(".turn.bot").await >= 1 && browser.count(".turn.user").await >= 1);
    assert!(browser.count(".turn .intent").await >= 1, "an intent on a callee line");
    let said = browser.texts(".turn .said").await;
    assert!(said.iter().all(|s| !s.contains('<') && !s.contains("**")), "readable text: {said:?}");
    assert_eq!(browser.count(".turn .said *").await, 0, "platform text is never markup");
    // The recording plays from a short-lived link (no token in it) and seeks.
    browser.wait_long("the recording player", "audio[src]", 15, |n| n == 1).await;
    let src = browser.js("return document.querySelector('audio').getAttribute('src');").await;
    assert!(src.as_str().is_some_and(|s| !s.contains(CONSOLE_TOKEN)), "{src}");
    let played = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const a = document.querySelector('audio');
             const fail = setTimeout(() => done('timeout: readyState ' + a.readyState + ', error ' + (a.error && a.error.code)), 15000);
             const seek = () => {
               a.addEventListener('seeked', () => { clearTimeout(fail); done([a.duration, a.currentTime]); }, { once: true });
               a.currentTime = Math.min(2, a.duration / 2);
             };
             if (a.readyState >= 3) seek(); else a.addEventListener('canplay', seek, { once: true });
             a.load && a.readyState === 0 && a.load();",
            Vec::new(),
        )
        .await
        .expect("the audio script ran");
    let (duration, at) = (played[0].as_f64().unwrap_or(0.0), played[1].as_f64().unwrap_or(0.0));
    assert!(duration >= 3.0 && at > 0.5, "canplay, then seek: {played}");
    // A link that stops working (as an expired one does) is replaced by a fresh one, once.
    browser.js("document.querySelector('audio').src = '/kefu/v1/recordings/expired'; return true;").await;
    let fresh = browser
        .js_until("return document.querySelector('audio').getAttribute('src');", 30, |s| {
            s.as_str().is_some_and(|s| !s.ends_with("/expired"))
        })
        .await;
    assert!(
        fresh.as_str().is_some_and(|s| s.contains("/kefu/v1/recordings/") && !s.ends_with("/expired")),
        "{fresh}"
    );
    assert_eq!(browser.count(".call [role=alert]").await, 0, "no failure shown");
    browser.check_page("call").await;
    // The task list finds the task by name, and says when nothing matches.
    browser.go(&stack, "#/campaigns").await;
    browser.wait_long("the task list", "table tbody tr", 15, |n| n >= 1).await;
    browser.fill("#task-search", "回访").await;
    browser.click("form[role=search] button[type=submit]").await;
    browser.wait_count("the match", "table tbody tr a", |n| n == 1).await;
    assert_eq!(browser.texts("table tbody tr a").await, vec!["e2e 回访任务".to_owned()]);
    browser.check_page("campaigns").await;
    browser.fill("#task-search", "no such task").await;
    browser.click("form[role=search] button[type=submit]").await;
    // The table goes while the search loads; the answer is the "nothing found" status.
    browser.wait_count("says nothing was found", "p[role=status]", |n| n == 1).await;
    assert_eq!(browser.count("table tbody tr").await, 0, "no match");
    browser.close().await;
}

/// Presses Tab until the focused element matches `css` (at most 40 times); panics otherwise.
async fn tab_to(browser: &ConsoleBrowser, css: &str) {
    let script = format!(
        "return document.activeElement && document.activeElement.matches({});",
        serde_json::json!(css)
    );
    for _ in 0..40 {
        if browser.js(&script).await == serde_json::Value::Bool(true) {
            return;
        }
        let focused = browser.client.active_element().await.expect("an active element");
        focused.send_keys("\u{E004}").await.expect("Tab");
    }
    panic!("Tab never reached {css}");
}

/// Presses Enter on the focused element.
async fn enter(browser: &ConsoleBrowser) {
    let focused = browser.client.active_element().await.expect("an active element");
    focused.send_keys("\u{E007}").await.expect("Enter");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_is_usable_by_keyboard_alone_and_speaks_chinese_and_english() {
    let stack = ConsoleStack::start().await;
    let browser = ConsoleBrowser::start().await;
    browser.open(&stack.console_url()).await;
    browser.wait_count("the sign-in form", "#token", |n| n == 1).await;
    // Sign in with the keyboard: Tab to the field, type, Enter.
    tab_to(&browser, "#token").await;
    let field = browser.client.active_element().await.expect("the field");
    field.send_keys(CONSOLE_TOKEN).await.expect("typed");
    enter(&browser).await;
    browser.wait_count("the navigation", "nav a", |n| n >= 6).await;
    // The skip link comes first and moves the focus to the page's content.
    tab_to(&browser, "a.skip").await;
    let outline = browser.js("return getComputedStyle(document.activeElement).outlineStyle;").await;
    assert_eq!(outline, "solid", "a visible focus ring");
    enter(&browser).await;
    assert_eq!(browser.js("return document.activeElement.id;").await, "main");
    // To the bots by the navigation, and the new-task form by its link.
    tab_to(&browser, "nav a[href='#/bots']").await;
    enter(&browser).await;
    browser.wait_count("the bots", "table tbody tr", |n| n >= 1).await;
    tab_to(&browser, "nav a[href='#/campaigns']").await;
    enter(&browser).await;
    tab_to(&browser, "a[href='#/campaigns/new']").await;
    enter(&browser).await;
    browser.wait_count("the bot picker", "select#bot option", |n| n >= 1).await;
    // Chinese: the switch names the other language and the page follows.
    let lang = browser.js("return document.documentElement.lang;").await;
    tab_to(&browser, "button.lang-switch").await;
    enter(&browser).await;
    let switched = browser.js("return document.documentElement.lang;").await;
    assert_ne!(lang, switched);
    let (zh, en) = if switched == "zh-CN" { (true, false) } else { (false, true) };
    assert!(zh || en);
    let heading = browser.texts("h1").await;
    let expected = if zh { "新建外呼任务" } else { "New outbound task" };
    assert_eq!(heading, vec![expected.to_owned()]);
    browser.check_page(if zh { "campaign-new-zh" } else { "campaign-new-en" }).await;
    // The choice holds for the tab after a reload, and switches back.
    browser.go(&stack, "#/bots").await;
    browser.wait_count("the bots", "table tbody tr", |n| n >= 1).await;
    assert_eq!(browser.js("return document.documentElement.lang;").await, switched);
    browser.check_page(if zh { "bots-zh" } else { "bots-en" }).await;
    browser.click("button.lang-switch").await;
    assert_eq!(browser.js("return document.documentElement.lang;").await, lang);
    browser.close().await;
}
