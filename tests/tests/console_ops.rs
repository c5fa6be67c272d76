//! The console's operations pages in Chromium, through kefu-proxy to kefu-sandbox: seed 000
//! outbound calls (placed, polled to a final state, their log and recording), the seed 001
//! call center (records filtered by call type and duration, a record's dialogue and recording,
//! tasks created from pasted rows and stopped after a confirmation), §9 inbound (contacts
//! imported, searched and edited, the prompt preview, a simulated inbound call) and the §13
//! follow-up transcript. Each page is screenshotted at 1280×800 and 375×667 and audited by
//! axe-core at both sizes.

use fantoccini::Locator;
use kefu_e2e::console::{CONSOLE_TOKEN, ConsoleBrowser, ConsoleStack};
use serde_json::{Value, json};

/// Waits up to `seconds` for `check(texts of css)` to hold; panics with what was there.
async fn wait_texts(
    browser: &ConsoleBrowser,
    what: &str,
    css: &str,
    seconds: u64,
    check: impl Fn(&[String]) -> bool,
) -> Vec<String> {
    let texts = browser.texts_until(css, seconds, &check).await;
    if check(&texts) {
        return texts;
    }
    panic!("timed out waiting for {what} ({css}): {texts:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_000_placed_calls_reach_a_final_state_and_show_their_log_and_recording() {
    let stack = ConsoleStack::start().await;
    let browser = ConsoleBrowser::start().await;
    browser.sign_in(&stack).await;
    browser.go(&stack, "#/outbound").await;
    browser.wait_count("the call form", "form.place #ob-case", |n| n == 1).await;
    browser.check_page("outbound").await;

    // An empty form is refused here, naming the field, and nothing is sent.
    browser.click("form.place button[type=submit]").await;
    browser.wait_count("the refusal", "#ob-case[aria-invalid=true]", |n| n == 1).await;
    assert_eq!(browser.count("[role=alert]").await, 1);
    // The console moves the focus once the page has drawn it (kit::focus_later).
    let focused = browser.js_until("return document.activeElement.id;", 10, |id| id == "ob-case").await;
    assert_eq!(focused, "ob-case", "the field to correct has the focus");
    assert_eq!(browser.count("table.placed").await, 0);

    // Two parties: the sandbox's call to a party whose id ends in 4 fails.
    browser.fill("#ob-case", "CASE-E2E-1").await;
    browser.fill("#ob-mediation", "42").await;
    browser.fill("#ob-persons", "P-1001, P-1004").await;
    browser.click("form.place button[type=submit]").await;
    browser.wait_long("each item's result", "table.placed tbody tr", 20, |n| n == 2).await;
    let results = browser.texts("table.placed td[data-label=Result]").await;
    assert_eq!(results, ["Placed", "Placed"], "{results:?}");
    // Both are polled until final (Scheduling → Executing → Succeeded / Failed).
    browser.wait_long("both calls final", ".job-status[data-final=true]", 30, |n| n == 2).await;
    let states = browser.texts(".job-card .call-status").await;
    assert!(states[0].contains("Succeeded") && states[1].contains("Failed"), "{states:?}");
    // The answered call's log: robot and party turns, readable (no SSML or Markdown marks).
    browser.wait_long("the conversation log", ".job-card .conversation .turn", 20, |n| n >= 3).await;
    assert!(browser.count(".job-card .turn.bot").await >= 2);
    assert!(browser.count(".job-card .turn.user").await >= 1);
    let said = browser.texts(".job-card .turn .said").await;
    assert!(said.iter().all(|s| !s.contains('<') && !s.contains("**")), "readable text: {said:?}");
    assert_eq!(browser.count(".job-card .turn .said *").await, 0, "platform text is never markup");
    assert_eq!(browser.count(".job-card .event").await, 2, "the call's beginning and end");
    // The failed call has no conversation and no recording; the answered one plays from a
    // signed link of the proxy's (no operator token in it).
    browser.wait_long("the recording", ".job-card audio", 20, |n| n == 1).await;
    let src = browser.js("return document.querySelector('.job-card audio').src;").await;
    let src = src.as_str().unwrap_or_default().to_owned();
    assert!(src.contains("/kefu/v1/recordings/") && !src.contains(CONSOLE_TOKEN), "{src}");
    let ready = browser
        .js_until("return document.querySelector('.job-card audio').readyState;", 30, |r| {
            r.as_u64() >= Some(1)
        })
        .await;
    assert!(ready.as_u64() >= Some(1), "the recording's metadata loaded: readyState {ready}");
    browser.check_page("outbound-placed").await;

    // One call on its own page, by its job id.
    browser.click("table.placed a[href*='job/']").await;
    browser.wait_long("the call's page", ".job-status[data-final=true]", 20, |n| n == 1).await;
    browser.wait_long("its log", ".job .conversation .turn", 20, |n| n >= 3).await;
    let hash = browser.js("return location.hash;").await;
    assert!(hash.as_str().is_some_and(|h| h.starts_with("#/outbound/job/")), "{hash}");
    browser.check_page("outbound-job").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_001_records_are_filtered_by_call_type_and_duration_and_tasks_created_and_stopped() {
    let stack = ConsoleStack::start().await;
    let browser = ConsoleBrowser::start().await;
    browser.sign_in(&stack).await;
    browser.go(&stack, "#/callcenter").await;
    // The default filter: AI outbound (02): the sandbox's four records.
    wait_texts(&browser, "the 02 records", ".records-count", 20, |t| {
        t.first().is_some_and(|c| c.starts_with("4 "))
    })
    .await;
    assert_eq!(browser.count("table.records tbody tr").await, 4);
    browser.check_page("callcenter-records").await;

    // Call type 01, inbound: two records, their own numbers.
    browser.fill("#cc-type", "01").await;
    browser.click("form.filters button[type=submit]").await;
    wait_texts(&browser, "the 01 records", ".records-count", 20, |t| {
        t.first().is_some_and(|c| c.starts_with("2 "))
    })
    .await;
    let mut numbers = browser.texts("table.records td.telephone").await;
    numbers.sort();
    assert_eq!(numbers, ["13912345678", "13912345698"]);

    // Call type 02, at least 10 s: the one 24-second call.
    browser.fill("#cc-type", "02").await;
    browser.fill("#cc-min", "10").await;
    browser.click("form.filters button[type=submit]").await;
    wait_texts(&browser, "the long 02 records", ".records-count", 20, |t| {
        t.first().is_some_and(|c| c.starts_with("1 "))
    })
    .await;
    assert_eq!(browser.texts("table.records td.duration").await, ["24"]);

    // At most 5 s: the other three, each 5 s or less.
    browser.fill("#cc-min", "").await;
    browser.fill("#cc-max", "5").await;
    browser.click("form.filters button[type=submit]").await;
    wait_texts(&browser, "the short 02 records", ".records-count", 20, |t| {
        t.first().is_some_and(|c| c.starts_with("3 "))
    })
    .await;
    let durations = browser.texts("table.records td.duration").await;
    assert!(
        durations.len() == 3 && durations.iter().all(|d| d.parse::<u32>().is_ok_and(|s| s <= 5)),
        "{durations:?}"
    );

    // A backwards range is refused here, on its field.
    browser.fill("#cc-min", "30").await;
    browser.fill("#cc-max", "10").await;
    browser.click("form.filters button[type=submit]").await;
    browser.wait_count("the refusal", "#cc-max[aria-invalid=true]", |n| n == 1).await;
    assert_eq!(browser.count("#cc-filter-error[role=alert]").await, 1);

    // The 24-second record's dialogue and recording.
    browser.fill("#cc-min", "10").await;
    browser.fill("#cc-max", "").await;
    browser.click("form.filters button[type=submit]").await;
    wait_texts(&browser, "the long record", ".records-count", 20, |t| {
        t.first().is_some_and(|c| c.starts_with("1 "))
    })
    .await;
    browser.click("table.records button.details").await;
    browser.wait_long("its dialogue", ".record-detail .turn", 10, |n| n == 3).await;
    let said = browser.texts(".record-detail .said").await;
    assert!(
        said.iter().any(|s| s.contains("未来大道 1 号")) && said.iter().all(|s| !s.contains("**")),
        "{said:?}"
    );
    // The console moves the focus once the page has drawn it (kit::focus_later).
    let focused =
        browser.js_until("return document.activeElement.id;", 10, |id| id == "cc-detail-title").await;
    assert_eq!(focused, "cc-detail-title", "the details take the focus");
    browser.wait_long("its recording", ".record-detail audio", 15, |n| n == 1).await;
    let src = browser.js("return document.querySelector('.record-detail audio').src;").await;
    assert!(src.as_str().is_some_and(|s| s.contains("/kefu/v1/recordings/")), "{src}");
    browser.check_page("callcenter-record").await;

    // Tasks from pasted rows: a bad row is listed and nothing can be sent until it is fixed.
    browser.go(&stack, "#/callcenter/new").await;
    browser.wait_count("the paste box", "#cc-paste", |n| n == 1).await;
    browser
        .fill(
            "#cc-paste",
            "E2E-1\t13800138000\t张三\t回访\t确认地址\nE2E-2\t138-0013\t李四\t回访\t确认地址\n",
        )
        .await;
    browser.wait_count("the bad row", ".ticket-problems li", |n| n == 1).await;
    assert!(browser.texts(".ticket-problems li").await[0].contains('2'), "its line");
    let disabled = browser
        .js("return document.querySelector('#cc-paste').form.querySelector('button[type=submit]').disabled;")
        .await;
    assert_eq!(disabled, Value::Bool(true));
    browser
        .fill(
            "#cc-paste",
            "E2E-1\t13800138000\t张三\t回访\t确认地址\nE2E-2\t13800138001\t李四\t回访\t\"确认, 新地址\"\n",
        )
        .await;
    wait_texts(&browser, "two tickets", ".tickets-found", 10, |t| t == ["2"]).await;
    assert_eq!(browser.count(".ticket-problems li").await, 0);
    browser.check_page("callcenter-new").await;
    browser.click("form button.primary[type=submit]").await;
    browser.wait_long("the created tasks", "table.created tbody tr", 20, |n| n == 2).await;
    let batches = browser.texts("table.created td code").await;
    assert_eq!(batches.len(), 2);

    // The tasks, one stopped after a confirmation (cancelled once first).
    browser.go(&stack, "#/callcenter/tasks").await;
    browser.wait_long("the tasks", "table.tasks tbody tr", 20, |n| n >= 2).await;
    let listed = browser.texts("table.tasks td[data-label='Task ID'] code").await;
    assert!(batches.iter().all(|b| listed.contains(b)), "{batches:?} in {listed:?}");
    let first = &listed[0];
    let stop_disabled = browser.js("return document.querySelector('#cc-stop').disabled;").await;
    assert_eq!(stop_disabled, Value::Bool(true), "nothing chosen, nothing to stop");
    browser.click(&format!("tr[data-batch='{first}'] input.choose")).await;
    browser.click("#cc-stop").await;
    browser.wait_count("the confirmation", "[role=alertdialog]", |n| n == 1).await;
    // The console moves the focus once the page has drawn it (kit::focus_later).
    let focused =
        browser.js_until("return document.activeElement.id;", 10, |id| id == "cc-confirm-cancel").await;
    assert_eq!(focused, "cc-confirm-cancel", "the safe choice has the focus");
    assert!(browser.texts("#cc-confirm-text").await[0].contains(first.as_str()));
    browser.check_page("callcenter-stop-confirm").await;
    // Escape cancels (by keyboard), and the focus returns to the stop button.
    let cancel = browser.client.find(Locator::Css("#cc-confirm-cancel")).await.expect("the cancel button");
    cancel.send_keys("\u{E00C}").await.expect("Escape");
    browser.wait_count("the confirmation gone", "[role=alertdialog]", |n| n == 0).await;
    assert_eq!(browser.count(".notice.stopped").await, 0, "cancelled: nothing stopped");
    let focused =
        browser.js_until("return document.activeElement.id;", 10, |id| id == &json!("cc-stop")).await;
    assert_eq!(focused, json!("cc-stop"));
    browser.click("#cc-stop").await;
    browser.wait_count("the confirmation again", "#cc-confirm-stop", |n| n == 1).await;
    browser.click("#cc-confirm-stop").await;
    browser.wait_long("the stop", ".notice.stopped", 20, |n| n == 1).await;
    assert!(browser.texts(".notice.stopped").await[0].contains(first.as_str()));
    browser.check_page("callcenter-tasks").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbound_contacts_are_imported_searched_edited_previewed_and_a_call_simulated() {
    let stack = ConsoleStack::start().await;
    let browser = ConsoleBrowser::start().await;
    browser.sign_in(&stack).await;
    browser.go(&stack, "#/inbound").await;
    wait_texts(&browser, "the empty directory", ".contacts-count", 20, |t| {
        t.first().is_some_and(|c| c.starts_with("0 "))
    })
    .await;

    // Import: two good rows and one bad, reported by its line.
    let csv = std::env::temp_dir().join(format!("kefu-e2e-contacts-{}.csv", std::process::id()));
    std::fs::write(
        &csv,
        "phone,name,transfer,level\n13912345678,张三,,金卡\n13800000001,李四,8001,银卡\nnot-a-phone,王五,,\n",
    )
    .expect("written");
    let input = browser.client.find(Locator::Css("#in-import")).await.expect("the file input");
    input.send_keys(&csv.to_string_lossy()).await.expect("chosen");
    browser.wait_long("the import", ".notice.imported", 20, |n| n == 1).await;
    let _ = std::fs::remove_file(&csv);
    assert_eq!(browser.texts(".notice.imported strong").await, ["2"]);
    assert_eq!(browser.count(".issues.rejected li").await, 1);
    assert!(browser.texts(".issues.rejected li").await[0].contains('4'), "line 4");
    wait_texts(&browser, "two contacts", ".contacts-count", 20, |t| {
        t.first().is_some_and(|c| c.starts_with("2 "))
    })
    .await;

    // Search by part of a name.
    browser.fill("#in-search", "李").await;
    browser.click("form[role=search] button[type=submit]").await;
    wait_texts(&browser, "one match", ".contacts-count", 20, |t| {
        t.first().is_some_and(|c| c.starts_with("1 "))
    })
    .await;
    assert_eq!(browser.texts("table.contacts td.name").await, ["李四"]);

    // Edit that one: a new name and variable.
    browser.click("table.contacts button.edit").await;
    browser.wait_count("the contact in the form", "#in-phone", |n| n == 1).await;
    let phone = browser.js("return document.querySelector('#in-phone').value;").await;
    assert_eq!(phone, json!("13800000001"));
    browser.fill("#in-name", "李四四").await;
    browser.fill("#in-vars", "level=金卡").await;
    browser.click("form.edit-contact button[type=submit]").await;
    browser.wait_long("saved", ".notice.saved", 20, |n| n == 1).await;
    wait_texts(&browser, "the new name listed", "table.contacts td.name", 20, |t| t == ["李四四"]).await;

    // The prompt preview follows the form and the template.
    wait_texts(&browser, "the default prompt", ".prompt-preview", 10, |t| {
        t == ["您好李四四，欢迎来电，请问有什么可以帮您？"]
    })
    .await;
    browser.fill("#in-template", "{name|客户}您好，您是{level}会员。").await;
    wait_texts(&browser, "the typed template", ".prompt-preview", 10, |t| {
        t == ["李四四您好，您是金卡会员。"]
    })
    .await;
    browser.check_page("inbound").await;

    // A simulated call from that number: the sandbox asks the lookup, which transfers it.
    let caller = browser.js("return document.querySelector('#in-caller').value;").await;
    assert_eq!(caller, json!("13800000001"));
    browser.click("form[aria-labelledby=in-sim-title] button[type=submit]").await;
    browser.wait_long("the simulated call", ".simulated", 20, |n| n == 1).await;
    let action = browser.js("return document.querySelector('.simulated').dataset.action;").await;
    assert_eq!(action, json!("transfer"));
    assert_eq!(browser.texts(".sim-transfer").await, ["8001"]);
    assert!(browser.texts(".sim-prompt").await[0].contains("李四四"), "the lookup's prompt names the caller");
    // An unknown caller hears the general prompt.
    browser.fill("#in-caller", "13700000000").await;
    browser.click("form[aria-labelledby=in-sim-title] button[type=submit]").await;
    browser.wait_long("the unknown caller", ".simulated[data-action=say]", 20, |n| n == 1).await;
    assert_eq!(browser.count(".sim-transfer").await, 0);
    browser.check_page("inbound-simulated").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_follow_up_page_shows_the_transcript_of_a_call_handed_to_an_agent() {
    let stack = ConsoleStack::start().await;
    let browser = ConsoleBrowser::start().await;
    browser.sign_in(&stack).await;
    // A conversation with the sandbox's bot, through the proxy, that ends handed to an agent.
    let script = format!(
        "const done = arguments[arguments.length - 1];
         const post = (path, body, auth) => fetch(path, {{ method: 'POST',
           headers: Object.assign({{ 'Content-Type': 'application/json' }}, auth ? {{ Authorization: 'Bearer {CONSOLE_TOKEN}' }} : {{}}),
           body: JSON.stringify(body) }}).then((r) => r.json());
         (async () => {{
           const bots = await post('/api/v1/coeus/apiserver/agent/syncprompt', {{ app_id: '200000000' }}, true);
           const sid = crypto.randomUUID().replace(/-/g, '');
           let a = await post('/api/v1/gaia/botdm/start', {{ app_id: '200000000', bot_id: bots.result[0].bot_id, sid, channel: 'h5' }});
           const drain = async () => {{
             while (a.result && a.result.cmd === 'evt.say') {{
               a = await post('/api/v1/gaia/botdm/trigger', {{ sid, cmd: 'evt.complete', prompt_id: a.result.prompt_id, text: '' }});
             }}
           }};
           await drain();
           for (const text of ['怎么付钱', '转人工']) {{
             a = await post('/api/v1/gaia/botdm/trigger', {{ sid, cmd: 'evt.input', text }});
             await drain();
           }}
           done({{ sid, last: a.result ? a.result.cmd : JSON.stringify(a) }});
         }})().catch((e) => done(String(e)));"
    );
    let chat = browser.client.execute_async(&script, Vec::new()).await.expect("the chat ran");
    let sid = chat["sid"].as_str().unwrap_or_else(|| panic!("no session: {chat}")).to_owned();
    assert_eq!(chat["last"], json!("evt.transfer"), "{chat}");

    // The form: an empty id is refused; the session id opens its transcript.
    browser.go(&stack, "#/followup").await;
    browser.wait_count("the form", "#fu-session", |n| n == 1).await;
    browser.click("form[role=search] button[type=submit]").await;
    browser.wait_count("the refusal", "#fu-session[aria-invalid=true]", |n| n == 1).await;
    browser.fill("#fu-session", &sid).await;
    browser.click("form[role=search] button[type=submit]").await;
    browser.wait_long("the transcript", ".conversation .turn", 20, |n| n >= 4).await;
    let hash = browser.js("return location.hash;").await;
    assert_eq!(hash, json!(format!("#/followup/{sid}")));
    let callers = browser.texts(".turn.user .said").await;
    assert_eq!(callers, ["怎么付钱", "转人工"], "the caller's lines, in order");
    assert!(browser.count(".turn.bot").await >= 2);
    let said = browser.texts(".turn .said").await;
    assert!(said.iter().all(|s| !s.contains("**") && !s.contains('<')), "readable: {said:?}");
    assert_eq!(browser.count(".turn .said *").await, 0, "platform text is never markup");
    browser.check_page("followup").await;

    // An unknown session says what happened.
    browser.go(&stack, "#/followup/0000000000000000").await;
    browser.wait_long("the failure", ".alert[role=alert]", 20, |n| n == 1).await;
    browser.check_page("followup-unknown").await;

    // In Chinese: the page's own words switch with the header's language switch.
    browser.go(&stack, &format!("#/followup/{sid}")).await;
    browser.wait_long("the transcript again", ".conversation .turn", 20, |n| n >= 4).await;
    browser.click("button.lang-switch").await;
    wait_texts(&browser, "the Chinese title", "h1#page-title", 10, |t| t == ["人工跟进"]).await;
    assert_eq!(browser.texts(".turn.user .who").await, ["客户", "客户"]);
    browser.check_page("followup-zh").await;
    browser.close().await;
}
