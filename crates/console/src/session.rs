//! The signed-in session: the operator token (in sessionStorage only, never localStorage or a
//! URL), the client built on it, and signing out, which leaves nothing behind.

use std::rc::Rc;

use kefu_client::KefuClient;
use yew::Callback;

use crate::error::{ConsoleError, Problem};
use crate::i18n::{self, Lang};

/// The sessionStorage key of the operator token.
const TOKEN_KEY: &str = "kefu-console-token";
/// The sessionStorage key of the chosen language.
const LANG_KEY: &str = "kefu-console-lang";
/// The tenant's `app_id` when the page does not name one (the sandbox's).
const DEFAULT_APP_ID: &str = "200000000";

/// Why the operator was signed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOut {
    /// The operator pressed "sign out".
    Asked,
    /// The proxy refused the token (wrong or revoked).
    Refused,
}

/// What every page gets from the shell: the client (with the operator token), the language,
/// the tenant's `app_id`, and the way to report a failure (a refused token signs out).
#[derive(Clone)]
pub struct Session {
    /// The client of this deployment's kefu-proxy, sending the operator token.
    pub client: Rc<KefuClient>,
    /// The operator's language.
    pub lang: Lang,
    /// The tenant's `app_id` (seed 002 requests), from the page's `data-app-id`.
    pub app_id: Rc<str>,
    /// The operator token, for the few requests the client does not make (an upload with
    /// progress, a CSV download): sent as `Authorization`, never put in a URL.
    pub(crate) token: Rc<str>,
    sign_out: Callback<SignOut>,
}

impl PartialEq for Session {
    fn eq(&self, other: &Session) -> bool {
        Rc::ptr_eq(&self.client, &other.client) && self.lang == other.lang && self.app_id == other.app_id
    }
}

impl Session {
    /// A session on `token`, in `lang`; `sign_out` is called when the token is refused.
    pub fn new(token: &str, lang: Lang, sign_out: Callback<SignOut>) -> Session {
        Session {
            client: Rc::new(client(token)),
            lang,
            app_id: Rc::from(app_id()),
            token: Rc::from(token),
            sign_out,
        }
    }

    /// Tells `error` to the operator; when it is the proxy refusing the token, also signs out
    /// (the sign-in form then says why, as an alert).
    pub fn problem(&self, error: impl Into<ConsoleError>) -> Problem {
        let error = error.into();
        if error.is_unauthorized() {
            self.sign_out.emit(SignOut::Refused);
            return Problem::new(self.lang, &ConsoleError::Unauthorized);
        }
        Problem::new(self.lang, &error)
    }

    /// The proxy's base URL (the page's origin) joined with `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", origin())
    }
}

/// The page's origin: kefu-proxy serves the console and the API alike.
pub fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// A client of this proxy sending `token`.
pub fn client(token: &str) -> KefuClient {
    KefuClient::new(&origin(), Some(token.to_owned()), None)
}

/// The tenant's `app_id`: the `data-app-id` of the page's `#console` element, else the sandbox's.
pub fn app_id() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("console"))
        .and_then(|e| e.get_attribute("data-app-id"))
        .filter(|id| !id.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_APP_ID.to_owned())
}

/// Checks `token` against the proxy with an operator route every deployment has (seed 002
/// syncprompt): `Err(Unauthorized)` when the proxy refuses it.
pub async fn check_token(token: &str) -> Result<(), ConsoleError> {
    match client(token).coeus().sync_prompt(&app_id()).await {
        Ok(_) => Ok(()),
        Err(e) if crate::error::is_unauthorized(&e) => Err(ConsoleError::Unauthorized),
        Err(e) => Err(e.into()),
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// The token this tab signed in with, if any.
pub fn restore() -> Option<String> {
    storage().and_then(|s| s.get_item(TOKEN_KEY).ok().flatten()).filter(|t| !t.is_empty())
}

/// Keeps `token` for this tab (sessionStorage). Without storage the session lasts until reload.
pub fn save(token: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(TOKEN_KEY, token);
    }
}

/// Signing out: everything this origin keeps in the tab's sessionStorage goes (the token, the
/// language, a "try this bot" chat's transcript); the app's in-memory state is dropped by the
/// shell, and any embedded chat is removed.
pub fn clear() {
    if let Some(s) = storage() {
        let _ = s.clear();
    }
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        if let Ok(chats) = document.query_selector_all("kefu-chat") {
            for i in 0..chats.length() {
                if let Some(node) = chats.item(i) {
                    if let Some(parent) = node.parent_node() {
                        let _ = parent.remove_child(&node);
                    }
                }
            }
        }
    }
}

/// The language kept for this tab, else the browser's.
pub fn stored_lang() -> Lang {
    let stored = storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten());
    let tag = stored.or_else(|| web_sys::window().and_then(|w| w.navigator().language()));
    tag.map(|t| Lang::from_tag(&t)).unwrap_or_default()
}

/// Keeps the chosen language for this tab.
pub fn store_lang(lang: Lang) {
    if let Some(s) = storage() {
        let _ = s.set_item(LANG_KEY, lang.tag());
    }
}

/// Sets the document's `lang` and title for `lang`.
pub fn show_lang(lang: Lang) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        if let Some(html) = document.document_element() {
            let _ = html.set_attribute("lang", lang.tag());
        }
        document.set_title(i18n::Words::of(lang).app);
    }
}

/// Moves the focus to the page's main content (the skip link, and after navigation).
pub fn focus_main() {
    use wasm_bindgen::JsCast;
    let main = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("main"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(main) = main {
        let _ = main.focus();
    }
}
