//! The widget's JavaScript face: `mount(element, options)` returns a [`Widget`] handle with
//! `unmount()` and `focus()`; what happens in the chat reaches the page as DOM events on the
//! mount element (`message`, `transfer`, `finish`, `rating`, `error`, `close`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{JSON, Promise, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsError, JsValue};
use web_sys::HtmlElement;
use yew::AppHandle;

use kefu_client::{PrefetchedStart, browser_json};
use kefu_protocol::{Sid, VarMap};

use crate::WidgetError;
use crate::components::panel::{Panel, PanelProps, Started};
use crate::options::WidgetOptions;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Options of `mount()`; `<kefu-chat>` takes the same as kebab-case attributes (`app-id`). */
export interface KefuWidgetOptions {
  /** kefu-proxy's base URL; default: the page's own origin. */
  endpoint?: string;
  /** The tenant (leave out when the proxy pins it). */
  appId?: string;
  /** The bot (leave out when the proxy pins it). */
  botId?: string;
  /** Where the page runs: a web page, a WeChat mini-program web-view, a WeChat official-account or WeCom page, an in-app WebView. */
  channel?: "h5" | "wx_mp" | "wx_oa" | "wx_work" | "app";
  /** "zh-CN" (default) or "en". */
  lang?: string;
  /** The panel's title (default 在线客服 / Customer service). */
  title?: string;
  /** Variables for the bot's prompts: a flat object. */
  vars?: Record<string, string | number | boolean>;
  /** Data that travels with the session. */
  userData?: string;
  /** Per-request timeout in milliseconds (default 15000). */
  timeoutMs?: number;
  /** The colours: "auto" (default) follows the system's prefers-color-scheme; "light" or "dark". */
  theme?: "auto" | "light" | "dark";
  /** Where a satisfaction rating is also POSTed as JSON (`{score, comment, sid}`), besides the `rating` event. */
  ratingUrl?: string;
  /** On "wx_mp": a "back to the mini-program" button in the header, when the page has the JSSDK (`wx.miniProgram.navigateBack`). */
  mpBack?: boolean;
}

/** `detail` of the events dispatched on the mount element. */
export interface KefuWidgetEventMap {
  message: CustomEvent<{ from: "bot" | "user"; text: string; sid: string }>;
  transfer: CustomEvent<{ sid: string }>;
  finish: CustomEvent<{ sid: string }>;
  /** The visitor rated the conversation that ended (1 worst, 5 best; the comment may be empty). */
  rating: CustomEvent<{ score: number; comment: string; sid: string }>;
  error: CustomEvent<{ message: string }>;
  close: CustomEvent<{}>;
}
"#;

/// A mounted widget.
#[wasm_bindgen]
pub struct Widget {
    handle: Option<AppHandle<Panel>>,
    host: HtmlElement,
    focus_request: Rc<Cell<bool>>,
}

#[wasm_bindgen]
impl Widget {
    /// Ends the chat session and removes the widget from the page.
    pub fn unmount(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
    }

    /// Moves the keyboard focus to the message box (once it is rendered, if it is not yet).
    pub fn focus(&self) {
        self.focus_request.set(true);
        let input = self.host.query_selector(".kefu-input").ok().flatten();
        if let Some(input) = input.and_then(|e| wasm_bindgen::JsCast::dyn_into::<HtmlElement>(e).ok()) {
            if input.focus().is_ok() {
                self.focus_request.set(false);
            }
        }
    }
}

/// Renders the chat into `element` and starts a session. Throws an `Error` naming the option
/// when an option cannot be used.
#[wasm_bindgen]
pub fn mount(
    #[wasm_bindgen(unchecked_param_type = "HTMLElement")] element: HtmlElement,
    #[wasm_bindgen(unchecked_param_type = "KefuWidgetOptions | undefined")] options: JsValue,
) -> Result<Widget, JsError> {
    let vars = vars(&options)?;
    let options_value = options;
    let options = WidgetOptions::from_lookup(|name| option(&options_value, name), vars)?;
    let focus_request = Rc::new(Cell::new(false));
    let started = Started(Rc::new(RefCell::new(started(&options_value))));
    let props = PanelProps { options, host: element.clone(), focus_request: focus_request.clone(), started };
    let handle = yew::Renderer::<Panel>::with_root_and_props(element.clone().into(), props).render();
    Ok(Widget { handle: Some(handle), host: element, focus_request })
}

/// The loader's `started` option, `{sid, url, body, answer}` (see [`PrefetchedStart`]), when it
/// is complete; anything else is left alone and the widget sends its own start.
fn started(options: &JsValue) -> Option<(Sid, PrefetchedStart)> {
    let started = Reflect::get(options, &JsValue::from_str("started")).ok().filter(JsValue::is_object)?;
    let field = |name: &str| Reflect::get(&started, &JsValue::from_str(name)).ok();
    let text = |name: &str| field(name).and_then(|v| v.as_string());
    let sid = Sid::parse(&text("sid")?).ok()?;
    let answer = field("answer")?.dyn_into::<Promise>().ok()?;
    Some((sid, PrefetchedStart { url: text("url")?, body: text("body")?, answer }))
}

/// The `vars` option: an object, or JSON text of one (from an attribute).
fn vars(options: &JsValue) -> Result<Option<VarMap>, WidgetError> {
    let bad = |reason: String| WidgetError::Option { name: "vars", reason };
    let value = match options.is_object().then(|| Reflect::get(options, &JsValue::from_str("vars"))) {
        Some(Ok(value)) if !value.is_undefined() && !value.is_null() => value,
        _ => return Ok(None),
    };
    let value = match value.as_string() {
        Some(text) => JSON::parse(&text).map_err(|_| bad(format!("\"{text}\" is not JSON")))?,
        None => value,
    };
    browser_json::var_map(&value).map(Some).map_err(bad)
}

/// One option as text: strings as they are, numbers and booleans printed, objects as JSON.
fn option(options: &JsValue, name: &str) -> Option<String> {
    if !options.is_object() {
        return None;
    }
    let value = Reflect::get(options, &JsValue::from_str(name)).ok()?;
    if value.is_undefined() || value.is_null() {
        None
    } else if let Some(text) = value.as_string() {
        Some(text)
    } else if let Some(number) = value.as_f64() {
        // Whole numbers only (timeoutMs); printing any float would cost 14 KB of formatting.
        Some(if number.fract() == 0.0 && number.abs() < 1e15 {
            (number as i64).to_string()
        } else {
            "NaN".into()
        })
    } else if let Some(flag) = value.as_bool() {
        Some(flag.to_string())
    } else {
        JSON::stringify(&value).ok()?.as_string()
    }
}
