//! The widget in Chromium (wasm-bindgen-test): Markdown safety on its own, and whole chats
//! through a real kefu-proxy to a real kefu-sandbox, both started by `cargo xtask test`, which
//! passes the proxy's URL at build time.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use kefu_widget::components::markdown::render_markdown;
use kefu_widget::embed::{Widget, mount};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};
use yew::{Html, Properties, function_component, html};

wasm_bindgen_test_configure!(run_in_browser);

const PROXY: Option<&str> = option_env!("KEFU_TEST_PROXY_URL");
const APP_ID: &str = "200000000";
const BOT_ID: &str = "134614200106471424";

#[wasm_bindgen]
extern "C" {
    // Typed differently from kefu-client's own binding, so the two do not collide at link time.
    #[wasm_bindgen(js_name = setTimeout)]
    fn widget_test_set_timeout(handler: &js_sys::Function, ms: u32);
}

#[wasm_bindgen(inline_js = "
export function early_start(url, body) {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
}
export function answered(status, text) { return Promise.resolve(new Response(text, { status })); }
export function spy_keeping(copy_works) {
  const kept = { blob: null, name: null, copied: null };
  const create = URL.createObjectURL;
  URL.createObjectURL = (blob) => { kept.blob = blob; return create(blob); };
  HTMLAnchorElement.prototype.click = function () { kept.name = this.download; };
  navigator.clipboard.writeText = (text) => {
    kept.copied = text;
    return copy_works ? Promise.resolve() : Promise.reject(new DOMException('denied', 'NotAllowedError'));
  };
  return kept;
}
export function downloaded_text(kept) { return kept.blob.text(); }
export function stub_mini_program() {
  const seen = { back: 0 };
  window.wx = { miniProgram: { navigateBack() { seen.back += 1; }, postMessage() {} } };
  return seen;
}
export function no_mini_program() { delete window.wx; }
export function no_speech() { delete window.SpeechRecognition; delete window.webkitSpeechRecognition; }
export function stub_speech(text) {
  const seen = { lang: null, started: 0 };
  window.SpeechRecognition = class {
    start() {
      seen.started += 1;
      seen.lang = this.lang;
      setTimeout(() => { this.onresult?.({ resultIndex: 0, results: [[{ transcript: text }]] }); this.onend?.(); }, 50);
    }
    stop() {}
    abort() {}
  };
  return seen;
}
")]
extern "C" {
    /// POSTs `body` to `url` as the loader does; resolves to the `Response`.
    fn early_start(url: &str, body: &str) -> js_sys::Promise;
    /// A `Response` made here.
    fn answered(status: u16, text: &str) -> js_sys::Promise;
    /// Records downloads (the Blob and the file name, without saving) and copies (the text; the
    /// clipboard accepts it when `copy_works`), in the object returned.
    fn spy_keeping(copy_works: bool) -> JsValue;
    /// The text of the Blob last downloaded.
    fn downloaded_text(kept: &JsValue) -> js_sys::Promise;
    /// Installs a fake JSSDK `wx.miniProgram`; returns how often `navigateBack` was called
    /// (`back`).
    fn stub_mini_program() -> JsValue;
    /// Removes the fake JSSDK.
    fn no_mini_program();
    /// Removes the browser's speech recognition, as in a WebView without it.
    fn no_speech();
    /// Installs a fake `SpeechRecognition` that hears `text` once started; returns what it saw
    /// (`lang`, how often it `started`).
    fn stub_speech(text: &str) -> JsValue;
}

// The widget's lazily loaded extras, as the loader hands them over (`useExtras`), but imported
// with the test's own code instead of on first use.
#[wasm_bindgen(module = "/assets/kefu-extras.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = listen)]
    static EXTRAS_LISTEN: JsValue;
    #[wasm_bindgen(thread_local_v2, js_name = download)]
    static EXTRAS_DOWNLOAD: JsValue;
    #[wasm_bindgen(thread_local_v2, js_name = copy)]
    static EXTRAS_COPY: JsValue;
    #[wasm_bindgen(thread_local_v2, js_name = postRating)]
    static EXTRAS_POST_RATING: JsValue;
}

/// Gives the widget `kefu-extras.js`, as `kefu-loader.js` does once the wasm is in.
fn give_extras() {
    let module = Object::new();
    for (name, function) in [
        ("listen", &EXTRAS_LISTEN),
        ("download", &EXTRAS_DOWNLOAD),
        ("copy", &EXTRAS_COPY),
        ("postRating", &EXTRAS_POST_RATING),
    ] {
        function.with(|f| Reflect::set(&module, &name.into(), f)).expect("set");
    }
    let call = wasm_bindgen::closure::Closure::<dyn FnMut(String, js_sys::Array, js_sys::Function)>::new(
        move |name: String, args: js_sys::Array, done: js_sys::Function| {
            let function: js_sys::Function =
                Reflect::get(&module, &name.into()).expect("a function").unchecked_into();
            let answer = js_sys::Promise::resolve(&function.apply(&JsValue::NULL, &args).expect("called"));
            wasm_bindgen_futures::spawn_local(async move {
                let value = wasm_bindgen_futures::JsFuture::from(answer).await.unwrap_or(JsValue::UNDEFINED);
                done.call1(&JsValue::NULL, &value).expect("done");
            });
        },
    );
    kefu_widget::extras::use_extras(call.into_js_value().unchecked_into());
}

async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| widget_test_set_timeout(&resolve, ms));
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Polls `check` every 50 ms for up to 15 s.
async fn wait_for(what: &str, root: &Element, check: impl Fn(&Element) -> bool) {
    for _ in 0..300 {
        if check(root) {
            return;
        }
        sleep(50).await;
    }
    panic!("timed out waiting for {what}; the widget shows: {}", root.inner_html());
}

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

/// A new element to mount into, with no saved conversation (every test uses the same options),
/// once the last test's widget is gone (unmounting saves its transcript and gives the tabs'
/// lead up a moment later).
async fn fresh_root() -> HtmlElement {
    give_extras();
    sleep(200).await;
    if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        storage.clear().expect("cleared");
    }
    let root: HtmlElement =
        document().create_element("div").expect("div").dyn_into().expect("an HtmlElement");
    document().body().expect("body").append_child(&root).expect("attached");
    root
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).map(|l| l.length()).unwrap_or(0)
}

fn texts(root: &Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).expect("a valid selector");
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.text_content()).collect()
}

/// A mounted widget, unmounted when dropped: the tests share one page, where a widget left
/// mounted would lead the conversation of every later one (the same options, so the same tabs'
/// conversation) and they would only mirror it.
struct Mounted(Widget);

impl Mounted {
    fn unmount(&mut self) {
        self.0.unmount();
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.0.unmount();
    }
}

fn start_chat(root: &HtmlElement) -> Mounted {
    let options = Object::new();
    for (key, value) in [
        ("endpoint", PROXY.expect("KEFU_TEST_PROXY_URL is set by `cargo xtask test`")),
        ("appId", APP_ID),
        ("botId", BOT_ID),
    ] {
        Reflect::set(&options, &key.into(), &value.into()).expect("set");
    }
    Mounted(mount(root.clone(), options.into()).expect("valid options"))
}

/// Types `text` into the message box and presses Enter, as a person would.
fn type_and_enter(root: &Element, text: &str) {
    let input: HtmlTextAreaElement = root
        .query_selector(".kefu-input")
        .ok()
        .flatten()
        .expect("a message box")
        .dyn_into()
        .expect("a textarea");
    input.set_value(text);
    let bubbling = web_sys::EventInit::new();
    bubbling.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &bubbling).expect("event");
    input.dispatch_event(&event).expect("dispatched");
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    init.set_cancelable(true);
    let enter = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    input.dispatch_event(&enter).expect("dispatched");
}

fn click(root: &Element, selector: &str) {
    let button: HtmlElement = root
        .query_selector(selector)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into()
        .expect("html");
    button.click();
}

/// Presses a pointer of `kind` (`touch`, `mouse`) on `selector` and clicks it, as a tap does,
/// with nothing focused before (a tap on a button takes the focus from the message box).
fn tap(root: &Element, selector: &str, kind: &str) {
    if let Some(focused) = document().active_element().and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        focused.blur().expect("blurred");
    }
    let target = root.query_selector(selector).ok().flatten().unwrap_or_else(|| panic!("no {selector}"));
    let init = web_sys::PointerEventInit::new();
    init.set_pointer_type(kind);
    init.set_bubbles(true);
    let down = web_sys::PointerEvent::new_with_event_init_dict("pointerdown", &init).expect("event");
    target.dispatch_event(&down).expect("dispatched");
    click(root, selector);
}

/// Whether the message box has the focus.
fn box_focused(root: &Element) -> bool {
    let input = root.query_selector(".kefu-input").ok().flatten();
    input.is_some() && document().active_element() == input
}

/// Puts `text` in the message box as typing does, without a key press.
fn draft(root: &Element, text: &str) {
    let input: HtmlTextAreaElement =
        root.query_selector(".kefu-input").ok().flatten().expect("box").dyn_into().expect("textarea");
    input.set_value(text);
    let bubbling = web_sys::EventInit::new();
    bubbling.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &bubbling).expect("event");
    input.dispatch_event(&event).expect("dispatched");
}

#[derive(Properties, PartialEq)]
struct MarkdownProps {
    text: String,
}

#[function_component]
fn MarkdownView(props: &MarkdownProps) -> Html {
    html! { <div class="md">{ render_markdown(&props.text) }</div> }
}

#[wasm_bindgen_test]
async fn markdown_becomes_dom_nodes_and_hostile_markup_stays_text() {
    let root = fresh_root().await;
    let hostile = "**粗体** *斜体* [ok](https://kefu.example/a) [bad](javascript:window.kefuPwned=1)\n\
        <script>window.kefuPwned=1</script><img src=x onerror=\"window.kefuPwned=1\">\n\n\
        1. one\n2. [data](data:text/html,<script>window.kefuPwned=1</script>)\n\n- a\n- b";
    yew::Renderer::<MarkdownView>::with_root_and_props(
        root.clone().into(),
        MarkdownProps { text: hostile.into() },
    )
    .render();
    wait_for("the Markdown to render", &root, |r| count(r, ".md p") > 0).await;
    sleep(100).await;
    assert_eq!(texts(&root, "strong"), vec!["粗体"]);
    assert_eq!(texts(&root, "em"), vec!["斜体"]);
    assert_eq!(count(&root, "ol li"), 2);
    assert_eq!(count(&root, "ul li"), 2);
    assert_eq!(count(&root, "script, img, iframe"), 0, "{}", root.inner_html());
    let links = root.query_selector_all("a").expect("links");
    assert_eq!(links.length(), 1, "only the https link is a link: {}", root.inner_html());
    let link: Element = links.item(0).expect("one").dyn_into().expect("element");
    assert_eq!(link.get_attribute("href").as_deref(), Some("https://kefu.example/a"));
    assert_eq!(link.get_attribute("rel").as_deref(), Some("noopener noreferrer nofollow"));
    let shown = root.text_content().unwrap_or_default();
    assert!(shown.contains("<script>window.kefuPwned=1</script>"), "the tag is shown as text: {shown}");
    assert!(shown.contains("onerror"), "{shown}");
    // No element carries an event-handler attribute.
    let all = root.query_selector_all("*").expect("all");
    for i in 0..all.length() {
        let element: Element = all.item(i).expect("node").dyn_into().expect("element");
        let names = element.get_attribute_names();
        for name in names.iter().filter_map(|n| n.as_string()) {
            assert!(!name.starts_with("on"), "{name} on {}", element.outer_html());
        }
    }
    sleep(100).await;
    let window = web_sys::window().expect("window");
    assert!(Reflect::get(&window, &"kefuPwned".into()).expect("get").is_undefined(), "a payload ran");
}

#[wasm_bindgen_test]
async fn a_chat_greets_answers_offers_suggestions_and_sends_a_tapped_one() {
    let root = fresh_root().await;
    let _widget = start_chat(&root);
    wait_for("the two welcome prompts", &root, |r| {
        count(r, ".kefu-bot") == 2 && count(r, ".kefu-typing") == 0
    })
    .await;
    assert_eq!(count(&root, "[role=log]"), 1);
    assert_eq!(count(&root, "textarea[aria-label]"), 1);
    assert!(texts(&root, ".kefu-bot strong").iter().any(|t| t == "调解协议"), "Markdown rendered");

    type_and_enter(&root, "怎么付钱");
    wait_for("the user's message", &root, |r| {
        texts(r, ".kefu-user .kefu-bubble").iter().any(|t| t.ends_with("怎么付钱"))
    })
    .await;
    wait_for("the answer with suggestions", &root, |r| count(r, ".kefu-suggestion") > 0).await;
    assert!(texts(&root, ".kefu-bot").last().is_some_and(|t| t.contains("银行转账")));
    let input: HtmlTextAreaElement =
        root.query_selector(".kefu-input").ok().flatten().expect("box").dyn_into().expect("textarea");
    assert_eq!(input.value(), "", "the box is emptied once the message is taken");

    let bots_before = count(&root, ".kefu-bot");
    let suggestion = texts(&root, ".kefu-suggestion").remove(0);
    click(&root, ".kefu-suggestion");
    wait_for("the tapped question's answer", &root, |r| {
        count(r, ".kefu-bot") > bots_before && count(r, ".kefu-typing") == 0
    })
    .await;
    assert_eq!(count(&root, ".kefu-user"), 2, "the tapped suggestion was sent as a message ({suggestion})");
    assert_eq!(count(&root, ".kefu-failed"), 0);
}

#[wasm_bindgen_test]
async fn a_touch_tap_leaves_the_focus_alone_and_a_mouse_click_brings_it_to_the_box() {
    let root = fresh_root().await;
    let _widget = start_chat(&root);
    wait_for("the welcome", &root, |r| count(r, ".kefu-bot") == 2 && count(r, ".kefu-typing") == 0).await;
    type_and_enter(&root, "怎么付钱");
    wait_for("the answer with suggestions", &root, |r| count(r, ".kefu-suggestion") > 0).await;
    assert!(box_focused(&root), "Enter keeps the focus in the box");

    tap(&root, ".kefu-suggestion", "touch");
    wait_for("the tapped suggestion", &root, |r| count(r, ".kefu-user") == 2).await;
    sleep(100).await;
    assert!(!box_focused(&root), "a touch on a suggestion does not focus the box (no keyboard pops up)");

    draft(&root, "你好");
    tap(&root, ".kefu-send", "touch");
    wait_for("the message sent by touch", &root, |r| count(r, ".kefu-user") == 3).await;
    sleep(100).await;
    assert!(!box_focused(&root), "a touch on the send button does not focus the box");

    draft(&root, "谢谢");
    tap(&root, ".kefu-send", "mouse");
    wait_for("the message sent by mouse", &root, |r| count(r, ".kefu-user") == 4).await;
    wait_for("the focus back in the box", &root, box_focused).await;
}

#[wasm_bindgen_test]
async fn the_transcript_downloads_and_copies_as_plain_text_and_says_so() {
    let root = fresh_root().await;
    let kept = spy_keeping(true);
    let _widget = start_chat(&root);
    wait_for("the welcome", &root, |r| count(r, ".kefu-bot") == 2 && count(r, ".kefu-typing") == 0).await;
    type_and_enter(&root, "<b>怎么付钱</b>");
    wait_for("the answer", &root, |r| count(r, ".kefu-bot") == 3 && count(r, ".kefu-typing") == 0).await;
    assert_eq!(count(&root, "button.kefu-download"), 1);
    let get = |key: &str| Reflect::get(&kept, &key.into()).expect("a field");

    click(&root, ".kefu-download");
    wait_for("the download", &root, |_| get("name").is_string()).await;
    assert_eq!(get("name").as_string().as_deref(), Some("对话记录.txt"));
    let text = wasm_bindgen_futures::JsFuture::from(downloaded_text(&kept)).await.expect("the blob's text");
    let text = text.as_string().expect("text");
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with("    ")).collect();
    assert!(lines.len() >= 4, "{text}");
    assert!(lines.iter().any(|l| l.ends_with(" 我: <b>怎么付钱</b>")), "the visitor's line as typed: {text}");
    assert!(
        lines.iter().all(|l| l.as_bytes().get(2) == Some(&b':')),
        "each line starts with its time: {text}"
    );
    assert!(lines.iter().filter(|l| l.contains(" 客服: ")).count() >= 3, "{text}");

    click(&root, ".kefu-copy");
    wait_for("the copy announced", &root, |r| {
        texts(r, ".kefu-kept[role=status]").concat() == "对话记录已复制。"
    })
    .await;
    assert_eq!(get("copied").as_string(), Some(text), "the copy is the downloaded text");

    spy_keeping(false);
    click(&root, ".kefu-copy");
    wait_for("the failure announced", &root, |r| {
        texts(r, ".kefu-kept[role=status]").concat() == "无法保存对话记录。"
    })
    .await;
}

/// The polite live region's lines (one a bot message of the last exchange).
fn announced(root: &Element) -> Vec<String> {
    texts(root, ".kefu-announce[aria-live=polite] p")
}

#[wasm_bindgen_test]
async fn each_new_bot_message_is_announced_once_and_restored_ones_never() {
    let root = fresh_root().await;
    let mut widget = start_chat(&root);
    wait_for("the welcome", &root, |r| count(r, ".kefu-bot") == 2 && count(r, ".kefu-typing") == 0).await;
    let log = root.query_selector("[role=log]").ok().flatten().expect("the log");
    assert_eq!(log.get_attribute("aria-live").as_deref(), Some("off"), "the log is not re-read");
    // The two welcome prompts are one answer: announced together, in order.
    let bubbles = texts(&root, ".kefu-bot .kefu-bubble");
    let welcome = announced(&root);
    assert_eq!(welcome.len(), 2, "{}", root.inner_html());
    for (said, shown) in welcome.iter().zip(&bubbles) {
        assert!(shown.ends_with(&said.replace('\n', "")), "{said:?} is {shown:?} without markup");
        assert!(!said.contains("**"), "{said}");
    }

    type_and_enter(&root, "怎么付钱");
    wait_for("the answer announced", &root, |r| announced(r).len() == 1).await;
    assert!(announced(&root)[0].contains("银行转账"), "{:?}", announced(&root));
    assert!(!announced(&root).iter().any(|t| t.contains("怎么付钱")), "the visitor's own line is not");

    // Remounted, the saved transcript shows again but is not read out: only the new session's
    // welcome is.
    widget.unmount();
    let again: HtmlElement = document().create_element("div").expect("div").dyn_into().expect("html");
    document().body().expect("body").append_child(&again).expect("attached");
    let _widget = start_chat(&again);
    wait_for("the restored lines and a new welcome", &again, |r| {
        count(r, ".kefu-bot") == 5 && count(r, ".kefu-typing") == 0
    })
    .await;
    assert_eq!(announced(&again), welcome, "only the new welcome");
}

#[wasm_bindgen_test]
async fn voice_input_shows_only_with_speech_recognition_and_fills_the_box_unsent() {
    let root = fresh_root().await;
    no_speech();
    let mut widget = start_chat(&root);
    wait_for("the welcome", &root, |r| count(r, ".kefu-bot") == 2 && count(r, ".kefu-typing") == 0).await;
    assert_eq!(count(&root, ".kefu-voice"), 0, "no recognizer, no voice button");
    widget.unmount();

    let root = fresh_root().await;
    let seen = stub_speech("我想问付款");
    let _widget = start_chat(&root);
    wait_for("the welcome", &root, |r| count(r, ".kefu-bot") == 2 && count(r, ".kefu-typing") == 0).await;
    assert_eq!(count(&root, "button.kefu-voice[aria-label='语音输入']"), 1);
    draft(&root, "你好");
    click(&root, ".kefu-voice");
    let input: HtmlTextAreaElement =
        root.query_selector(".kefu-input").ok().flatten().expect("box").dyn_into().expect("textarea");
    wait_for("the recognized text in the box", &root, |_| input.value() == "你好 我想问付款").await;
    wait_for("listening to end", &root, |r| count(r, ".kefu-voice[aria-pressed=false]") == 1).await;
    sleep(300).await;
    assert_eq!(count(&root, ".kefu-user"), 0, "nothing was sent");
    let get = |key: &str| Reflect::get(&seen, &key.into()).expect("a field");
    assert_eq!(get("lang").as_string().as_deref(), Some("zh-CN"), "the language follows lang");
    assert_eq!(get("started").as_f64(), Some(1.0));
}

/// Mounts as `start_chat` does, in the `wx_mp` channel with the "back" action asked for.
fn start_mini_program_chat(root: &HtmlElement) -> Mounted {
    let options = Object::new();
    for (key, value) in [
        ("endpoint", PROXY.expect("KEFU_TEST_PROXY_URL is set by `cargo xtask test`")),
        ("appId", APP_ID),
        ("botId", BOT_ID),
        ("channel", "wx_mp"),
    ] {
        Reflect::set(&options, &key.into(), &value.into()).expect("set");
    }
    Reflect::set(&options, &"mpBack".into(), &true.into()).expect("set");
    Mounted(mount(root.clone(), options.into()).expect("valid options"))
}

#[wasm_bindgen_test]
async fn back_to_the_mini_program_shows_with_the_jssdk_and_navigates_back() {
    let root = fresh_root().await;
    no_mini_program();
    let mut widget = start_mini_program_chat(&root);
    wait_for("the panel", &root, |r| count(r, ".kefu-panel") == 1).await;
    assert_eq!(count(&root, ".kefu-mp-back"), 0, "no JSSDK, no back action");
    widget.unmount();

    let root = fresh_root().await;
    let seen = stub_mini_program();
    let _widget = start_mini_program_chat(&root);
    wait_for("the back action", &root, |r| count(r, "header .kefu-mp-back") == 1).await;
    assert!(texts(&root, ".kefu-mp-back").concat().contains("返回小程序"));
    click(&root, ".kefu-mp-back");
    assert_eq!(Reflect::get(&seen, &"back".into()).expect("back").as_f64(), Some(1.0));
    no_mini_program();
}

#[wasm_bindgen_test]
async fn transfer_shows_a_notice_tells_the_page_and_a_new_conversation_starts() {
    let root = fresh_root().await;
    let transfers = std::rc::Rc::new(std::cell::Cell::new(0));
    let seen = transfers.clone();
    let listener =
        wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(move |_| seen.set(seen.get() + 1));
    root.add_event_listener_with_callback("transfer", listener.as_ref().unchecked_ref()).expect("listener");
    listener.forget();
    let _widget = start_chat(&root);
    wait_for("the welcome", &root, |r| count(r, ".kefu-bot") == 2 && count(r, ".kefu-typing") == 0).await;
    type_and_enter(&root, "转人工");
    wait_for("the hand-off notice", &root, |r| count(r, ".kefu-notice") == 1).await;
    assert!(texts(&root, ".kefu-notice").concat().contains("人工"));
    assert_eq!(transfers.get(), 1, "the page was told once");
    assert_eq!(count(&root, ".kefu-restart-button"), 1);

    click(&root, ".kefu-restart-button");
    wait_for("a new session's welcome", &root, |r| {
        count(r, ".kefu-divider") == 1 && count(r, ".kefu-bot") >= 5
    })
    .await;
    assert_eq!(count(&root, ".kefu-restart-button"), 0);
}

#[wasm_bindgen_test]
async fn finish_shows_the_end_and_the_next_message_starts_a_new_conversation() {
    let root = fresh_root().await;
    let _widget = start_chat(&root);
    wait_for("the welcome", &root, |r| count(r, ".kefu-bot") == 2 && count(r, ".kefu-typing") == 0).await;
    type_and_enter(&root, "没有其他问题，再见");
    wait_for("the end", &root, |r| count(r, ".kefu-notice") == 1).await;
    assert!(texts(&root, ".kefu-bot").last().is_some_and(|t| t.contains("再见")));
    assert_eq!(count(&root, ".kefu-restart-button"), 1);
    // Writing after the end starts again rather than losing the message.
    type_and_enter(&root, "你好");
    wait_for("the message delivered to a new session", &root, |r| {
        count(r, ".kefu-divider") == 1 && count(r, ".kefu-user") == 2 && count(r, ".kefu-status") == 0
    })
    .await;
    assert_eq!(count(&root, ".kefu-failed"), 0);
}

#[wasm_bindgen_test]
async fn a_bad_option_is_a_clear_error_naming_it() {
    let root = fresh_root().await;
    let options = Object::new();
    Reflect::set(&options, &"channel".into(), &"fax".into()).expect("set");
    let error = mount(root.clone(), options.into()).err().expect("refused");
    let message: JsValue = error.into();
    let text = js_sys::Error::from(message).message().as_string().unwrap_or_default();
    assert!(text.contains("channel") && text.contains("fax"), "{text}");
    let options = Object::new();
    Reflect::set(&options, &"vars".into(), &r#"{"nested":{"a":1}}"#.into()).expect("set");
    let error = mount(root, options.into()).err().expect("refused");
    let text = js_sys::Error::from(JsValue::from(error)).message().as_string().unwrap_or_default();
    assert!(text.contains("vars") && text.contains("nested"), "{text}");
}

#[wasm_bindgen_test]
async fn unmount_removes_the_chat_from_the_page() {
    let root = fresh_root().await;
    let mut widget = start_chat(&root);
    wait_for("the welcome", &root, |r| count(r, ".kefu-bot") == 2).await;
    widget.unmount();
    sleep(50).await;
    assert_eq!(count(&root, ".kefu-panel"), 0, "{}", root.inner_html());
    widget.unmount(); // a second unmount is harmless
}

#[wasm_bindgen_test]
async fn english_is_available() {
    let root = fresh_root().await;
    let options = Object::new();
    for (key, value) in [
        ("endpoint", PROXY.expect("KEFU_TEST_PROXY_URL is set by `cargo xtask test`")),
        ("appId", APP_ID),
        ("botId", BOT_ID),
        ("lang", "en"),
    ] {
        Reflect::set(&options, &key.into(), &value.into()).expect("set");
    }
    let _widget = Mounted(mount(root.clone(), options.into()).expect("valid options"));
    wait_for("the panel", &root, |r| count(r, ".kefu-panel") == 1).await;
    assert_eq!(texts(&root, ".kefu-title"), vec!["Customer service"]);
    assert_eq!(texts(&root, ".kefu-send"), vec!["Send"]);
    let label = root.query_selector(".kefu-input").ok().flatten().and_then(|e| e.get_attribute("aria-label"));
    assert_eq!(label.as_deref(), Some("Message"));
}

const START: &str = "/api/v1/gaia/botdm/start";

/// The start body the widget sends for `start_chat`'s options, with `sid`.
fn start_body(sid: &str, bot_id: &str) -> String {
    format!(r#"{{"app_id":"{APP_ID}","bot_id":"{bot_id}","sid":"{sid}","channel":"h5"}}"#)
}

/// Mounts as `start_chat` does, handing the widget the loader's early start.
fn start_chat_started(root: &HtmlElement, sid: &str, body: &str, answer: js_sys::Promise) -> Mounted {
    let proxy = PROXY.expect("KEFU_TEST_PROXY_URL is set by `cargo xtask test`");
    let options = Object::new();
    for (key, value) in [("endpoint", proxy), ("appId", APP_ID), ("botId", BOT_ID)] {
        Reflect::set(&options, &key.into(), &value.into()).expect("set");
    }
    let started = Object::new();
    let url = format!("{proxy}{START}");
    for (key, value) in [("sid", sid), ("url", url.as_str()), ("body", body)] {
        Reflect::set(&started, &key.into(), &value.into()).expect("set");
    }
    Reflect::set(&started, &"answer".into(), &answer).expect("set");
    Reflect::set(&options, &"started".into(), &started).expect("set");
    Mounted(mount(root.clone(), options.into()).expect("valid options"))
}

#[wasm_bindgen_test]
async fn the_loaders_early_start_is_answered_in_place_of_the_widgets_own() {
    let root = fresh_root().await;
    let sid = "0123456789abcdef0123456789abcdef";
    let answer = format!(
        r#"{{"code":0,"msg":"ok","result":{{"sid":"{sid}","cmd":"evt.say","prompt":"早上好（提前开始）","prompt_id":"early-1"}}}}"#
    );
    let _widget = start_chat_started(&root, sid, &start_body(sid, BOT_ID), answered(200, &answer));
    wait_for("the early start's prompt", &root, |r| count(r, ".kefu-bot") >= 1).await;
    assert!(
        texts(&root, ".kefu-bot .kefu-bubble")[0].ends_with("早上好（提前开始）"),
        "the prompt of the answer handed over is shown: {:?}",
        texts(&root, ".kefu-bot .kefu-bubble")
    );
}

#[wasm_bindgen_test]
async fn an_early_start_unlike_the_widgets_own_is_left_alone() {
    let root = fresh_root().await;
    let sid = "fedcba9876543210fedcba9876543210";
    let answer = format!(
        r#"{{"code":0,"msg":"ok","result":{{"sid":"{sid}","cmd":"evt.say","prompt":"不该出现","prompt_id":"early-1"}}}}"#
    );
    // Another bot than the widget's options name: the widget sends its own start.
    let _widget = start_chat_started(&root, sid, &start_body(sid, "1"), answered(200, &answer));
    wait_for("the two welcome prompts", &root, |r| {
        count(r, ".kefu-bot") == 2 && count(r, ".kefu-typing") == 0
    })
    .await;
    assert!(
        !texts(&root, ".kefu-bot .kefu-bubble").iter().any(|t| t.contains("不该出现")),
        "the answer to a different start is not shown"
    );
}

#[wasm_bindgen_test]
async fn a_real_early_start_carries_on_as_the_chat() {
    let root = fresh_root().await;
    let sid = "00112233445566778899aabbccddeeff";
    let body = start_body(sid, BOT_ID);
    let proxy = PROXY.expect("KEFU_TEST_PROXY_URL is set by `cargo xtask test`");
    let answer = early_start(&format!("{proxy}{START}"), &body);
    let _widget = start_chat_started(&root, sid, &body, answer);
    wait_for("the two welcome prompts", &root, |r| {
        count(r, ".kefu-bot") == 2 && count(r, ".kefu-typing") == 0
    })
    .await;
    type_and_enter(&root, "怎么付钱");
    wait_for("the answer in the same session", &root, |r| {
        texts(r, ".kefu-bot").last().is_some_and(|t| t.contains("银行转账"))
    })
    .await;
    assert_eq!(count(&root, ".kefu-failed"), 0);
    assert_eq!(count(&root, ".kefu-banner"), 0, "no error: {}", root.inner_html());
}
