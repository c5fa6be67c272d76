//! The transcript and session id across page reloads, and the conversation as the leading tab
//! shares it with the others ([`share`], [`shared`]): : `sessionStorage` (per tab, cleared when it
//! closes), or memory where storage is blocked (sandboxed frames, some privacy modes), which
//! still keeps a remount in the same page.
//!
//! Written as JavaScript objects through `JSON.stringify`, not serde, for the bytes (see
//! `kefu_client::browser_json`).

use std::cell::RefCell;

use js_sys::{Array, JSON, Object, Reflect};
use kefu_protocol::Sid;
use wasm_bindgen::JsValue;

use crate::options::WidgetOptions;
use crate::state::{Mode, Rating, State};
use crate::transcript::{Entry, Notice, RESTORED, Status, Suggestion};

/// At most this many lines are kept; older ones are dropped.
const MAX_ENTRIES: usize = 200;

// The saved names, each written once: `to_js` writes them and `from_js` reads them back.
/// A bot line (`t`).
const BOT: &str = "bot";
/// A user line (`t`).
const USER: &str = "user";
/// A notice (`t`).
const NOTICE: &str = "notice";
/// A user line the platform has (`status`).
const SENT: &str = "sent";
/// A user line on its way (`status`; also what an unknown status reads as).
const SENDING: &str = "sending";
/// A user line that failed (`status`, with `why`).
const FAILED: &str = "failed";
/// The notices by their saved `kind` (an unknown kind reads as a new session).
const TRANSFERRED: &str = "transferred";
/// See [`TRANSFERRED`].
const FINISHED: &str = "finished";
/// See [`TRANSFERRED`].
const EXPIRED: &str = "expired";
/// See [`TRANSFERRED`].
const NEW_SESSION: &str = "new";

/// What survives a reload.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Saved {
    /// The session to continue, when it was waiting for the user.
    pub sid: Option<Sid>,
    /// The transcript's lines.
    pub entries: Vec<Entry>,
    /// Whether a satisfaction rating is offered and not yet answered (one answered or skipped
    /// is not asked again after a reload).
    pub rating_asked: bool,
}

thread_local! {
    /// Where saves go when `sessionStorage` is blocked: (key, JSON text). A list, not a map: a
    /// page holds one or two widgets, and a map's code costs kilobytes.
    static MEMORY: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
}

/// The storage key of a widget configuration: one conversation per endpoint, tenant, bot and
/// channel in a tab.
pub fn key(options: &WidgetOptions) -> String {
    format!("kefu-widget|{}|{}|{}|{}", options.endpoint, options.app_id, options.bot_id, options.channel)
}

fn session_storage() -> Option<web_sys::Storage> {
    // Blocked storage throws on access; that is `Err` here.
    web_sys::window()?.session_storage().ok().flatten()
}

/// Saves `saved` under `key`.
pub fn save(key: &str, saved: &Saved) {
    let Some(text) = JSON::stringify(&to_js(saved)).ok().and_then(|t| t.as_string()) else { return };
    let stored = session_storage().is_some_and(|storage| storage.set_item(key, &text).is_ok());
    if !stored {
        MEMORY.with(|memory| {
            let mut memory = memory.borrow_mut();
            memory.retain(|(k, _)| k != key);
            memory.push((key.to_owned(), text));
        });
    }
}

/// The leading tab's conversation as the other tabs mirror it ([`share`], [`shared`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    /// The transcript and the session to continue.
    pub saved: Saved,
    /// The leader's mode.
    pub mode: Mode,
    /// The leader's suggestions.
    pub suggestions: Vec<Suggestion>,
    /// The rating's step (offered reads as an empty form).
    pub rating: Rating,
    /// Whether the leader shows the error banner.
    pub error: bool,
}

/// The conversation as the leading tab tells the others: what [`save`] keeps, with the mode,
/// the suggestions, the rating's step and whether the error banner shows.
pub fn share(saved: &Saved, state: &State) -> String {
    let root = to_js(saved);
    let put = |key: &str, value: &JsValue| {
        let _ = Reflect::set(&root, &JsValue::from_str(key), value);
    };
    let mode = match state.mode() {
        Mode::Waiting => "w",
        Mode::Idle => "i",
        Mode::Ended => "e",
        Mode::Expired => "x",
    };
    put("mode", &JsValue::from_str(mode));
    let list = Array::new();
    for suggestion in state.suggestions() {
        list.push(&Array::of2(
            &JsValue::from_str(&suggestion.title),
            &JsValue::from_str(&suggestion.question),
        ));
    }
    put("sugg", &list);
    // Offered is `rate`, as saved; answered is told apart too, so every tab thanks alike.
    match state.rating() {
        Rating::Rated => put("rated", &JsValue::from_str("t")),
        Rating::Skipped => put("rated", &JsValue::from_str("k")),
        Rating::None | Rating::Asked { .. } => {}
    }
    if state.error().is_some() {
        put("err", &JsValue::TRUE);
    }
    JSON::stringify(&root).ok().and_then(|t| t.as_string()).unwrap_or_default()
}

/// What [`share`] wrote, if readable.
pub fn shared(text: &str) -> Option<Shared> {
    let root = JSON::parse(text).ok()?;
    let saved = from_js(&root)?;
    let mode = match self::text(&root, "mode").as_deref() {
        Some("i") => Mode::Idle,
        Some("e") => Mode::Ended,
        Some("x") => Mode::Expired,
        _ => Mode::Waiting,
    };
    let list = Reflect::get(&root, &JsValue::from_str("sugg")).ok().filter(Array::is_array);
    let suggestions = list
        .map(|list| Array::from(&list))
        .unwrap_or_default()
        .iter()
        .filter_map(|pair| {
            let pair = Array::from(&pair);
            Some(Suggestion { title: pair.get(0).as_string()?, question: pair.get(1).as_string()? })
        })
        .collect();
    let rating = match self::text(&root, "rated").as_deref() {
        _ if saved.rating_asked => Rating::Asked { score: None, comment: String::new() },
        Some("t") => Rating::Rated,
        Some("k") => Rating::Skipped,
        _ => Rating::None,
    };
    let error = Reflect::get(&root, &JsValue::from_str("err")).is_ok_and(|v| v.is_truthy());
    Some(Shared { saved, mode, suggestions, rating, error })
}

/// What was saved under `key`, if anything readable.
pub fn load(key: &str) -> Option<Saved> {
    let text = session_storage().and_then(|storage| storage.get_item(key).ok().flatten()).or_else(|| {
        MEMORY.with(|memory| memory.borrow().iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    })?;
    from_js(&JSON::parse(&text).ok()?)
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

fn text(object: &JsValue, key: &str) -> Option<String> {
    Reflect::get(object, &JsValue::from_str(key)).ok()?.as_string()
}

fn to_js(saved: &Saved) -> JsValue {
    let root = Object::new();
    if let Some(sid) = &saved.sid {
        set(&root, "sid", &JsValue::from_str(sid.as_str()));
    }
    if saved.rating_asked {
        set(&root, "rate", &JsValue::TRUE);
    }
    let entries = Array::new();
    let skip = saved.entries.len().saturating_sub(MAX_ENTRIES);
    for entry in &saved.entries[skip..] {
        let line = Object::new();
        let put = |key: &str, value: &str| set(&line, key, &JsValue::from_str(value));
        match entry {
            Entry::Bot { text, truncated, time } => {
                put("t", BOT);
                put("text", text);
                put("time", time);
                if *truncated {
                    put("cut", "1");
                }
            }
            Entry::User { text, time, status, .. } => {
                put("t", USER);
                put("text", text);
                put("time", time);
                match status {
                    Status::Sent => put("status", SENT),
                    Status::Sending => put("status", SENDING),
                    Status::Failed(why) => {
                        put("status", FAILED);
                        put("why", why);
                    }
                }
            }
            Entry::Notice { kind, time } => {
                put("t", NOTICE);
                put("time", time);
                put(
                    "kind",
                    match kind {
                        Notice::Transferred => TRANSFERRED,
                        Notice::Finished => FINISHED,
                        Notice::Expired => EXPIRED,
                        Notice::NewSession => NEW_SESSION,
                    },
                );
            }
        }
        entries.push(&line);
    }
    set(&root, "entries", &entries);
    root.into()
}

fn from_js(root: &JsValue) -> Option<Saved> {
    let sid = text(root, "sid").and_then(|s| Sid::parse(&s).ok());
    let list = Reflect::get(root, &JsValue::from_str("entries")).ok().filter(Array::is_array)?;
    let entries = Array::from(&list)
        .iter()
        .filter_map(|line| {
            let time = text(&line, "time").unwrap_or_default();
            let t = text(&line, "t")?;
            Some(match t.as_str() {
                BOT => {
                    Entry::Bot { text: text(&line, "text")?, truncated: text(&line, "cut").is_some(), time }
                }
                USER => Entry::User {
                    id: RESTORED,
                    text: text(&line, "text")?,
                    time,
                    status: match text(&line, "status").as_deref() {
                        Some(SENT) => Status::Sent,
                        Some(FAILED) => Status::Failed(text(&line, "why").unwrap_or_default()),
                        _ => Status::Sending,
                    },
                },
                NOTICE => Entry::Notice {
                    kind: match text(&line, "kind")?.as_str() {
                        TRANSFERRED => Notice::Transferred,
                        FINISHED => Notice::Finished,
                        EXPIRED => Notice::Expired,
                        _ => Notice::NewSession,
                    },
                    time,
                },
                _ => return None,
            })
        })
        .collect();
    let rating_asked = Reflect::get(root, &JsValue::from_str("rate")).is_ok_and(|v| v.is_truthy());
    Some(Saved { sid, entries, rating_asked })
}
