//! The chat panel: header, error banner, transcript (`role="log"`, not live: screen readers hear
//! new bot lines once, from the polite region after it), typing indicator, suggestions,
//! "new conversation" and the [`Composer`]. It owns the chat session and the
//! [`State`]: every input becomes an [`Action`], and the panel carries out the [`Effect`]s that
//! [`State::reduce`] returns.
//!
//! Tabs of one conversation share it ([`crate::tabs`]): only the leading tab's panel has a
//! session; it tells the others its conversation after each change, and sends what their visitor
//! types. The others mirror it, and the one that takes over when it closes continues its session.
//!
//! Nothing here sets an inline style or parses HTML: text reaches the DOM as text nodes, so the
//! widget runs under `style-src 'self'` and platform text never becomes markup.
//!
//! Classes that depend on state are whole `&'static str`s set as the `className` property
//! (`~className`), not `classes!`: yew's `Classes` (an `IndexSet` of strings) costs
//! 8 KB of wasm, 2.8 KB brotli (measured with `cargo xtask size`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use kefu_client::{ChatSession, PrefetchedStart};
use kefu_protocol::Sid;
use web_sys::{HtmlElement, KeyboardEvent, PointerEvent};
use yew::{Component, Context, Html, NodeRef, Properties, html};

use crate::components::composer::composer;
use crate::components::entry::entry;
use crate::components::rating::rating;
use crate::host;
use crate::i18n::Words;
use crate::options::WidgetOptions;
use crate::persist;
use crate::state::{Action, Mode, State};
use crate::tabs::{TabLink, TabMessage, conversation_key};
use crate::voice;

mod session;
mod sharing;

/// The start the loader sent while the widget loaded (`kefu-loader.js`), for the first session;
/// taken by the panel when it starts. Equal only to itself (props compare by identity).
#[derive(Clone, Default)]
pub struct Started(pub Rc<RefCell<Option<(Sid, PrefetchedStart)>>>);

impl PartialEq for Started {
    fn eq(&self, other: &Started) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The panel's inputs.
#[derive(Properties, PartialEq)]
pub struct PanelProps {
    /// The configuration.
    pub options: WidgetOptions,
    /// The element the widget was mounted in; host-page events are dispatched on it.
    pub host: HtmlElement,
    /// Set by the page (through `Widget::focus`) to move the focus to the message box once it
    /// exists: the first render happens after `mount()` returns.
    pub focus_request: Rc<Cell<bool>>,
    /// The start the loader already sent, used by the first session.
    pub started: Started,
}

/// The chat panel.
pub struct Panel {
    session: Option<ChatSession>,
    state: State,
    input: NodeRef,
    log: NodeRef,
    shown_entries: usize,
    focus_input: bool,
    /// Where the transcript is saved across reloads.
    storage_key: String,
    /// Changed since the last save.
    dirty: bool,
    /// The link to the conversation's other tabs.
    tabs: TabLink,
    /// Whether this tab leads (has the session).
    leading: bool,
    /// The session to continue when this tab comes to lead: the saved one, or the leader's.
    resume: Option<Sid>,
    /// Whether the leader's conversation was mirrored here yet.
    mirrored: bool,
    /// Whether the browser recognizes speech (the voice button shows).
    voice: bool,
    /// Whether the header offers "back to the mini-program".
    mp_back: bool,
    /// The last speech recognition started (kept until the next, since its callbacks may run
    /// while the panel handles what they sent).
    recognizer: Option<voice::Listening>,
}

impl Component for Panel {
    type Message = Action;
    type Properties = PanelProps;

    fn create(ctx: &Context<Self>) -> Self {
        let options = &ctx.props().options;
        let storage_key = persist::key(options);
        let saved = persist::load(&storage_key).unwrap_or_default();
        let link = ctx.link();
        let key =
            conversation_key(&options.endpoint, &options.app_id, &options.bot_id, options.channel.as_str());
        let hear = link.callback(Action::Tab);
        let lead = link.callback(|()| Action::Lead);
        let tabs = TabLink::join(&key, move |message| hear.emit(message), move || lead.emit(()));
        // The leader, if there is one, answers with the conversation.
        tabs.post(&TabMessage::Hello);
        Panel {
            session: None,
            state: State::restore(saved.entries).with_rating(saved.rating_asked),
            input: NodeRef::default(),
            log: NodeRef::default(),
            shown_entries: 0,
            focus_input: false,
            storage_key,
            dirty: true,
            tabs,
            leading: false,
            resume: saved.sid,
            mirrored: false,
            voice: voice::available(),
            mp_back: options.offers_mp_back() && host::can_go_back_to_mini_program(),
            recognizer: None,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, action: Action) -> bool {
        match action {
            Action::Lead => {
                self.lead(ctx);
                return true;
            }
            Action::Tab(message) => return self.hear(ctx, message),
            _ => {}
        }
        if let Some(message) = self.forwarded(&action) {
            self.tabs.post(&message);
            return false;
        }
        // Typing changes only the message box, which shows it already; closing is the page's;
        // the kind of the last input shows nowhere.
        let quiet = matches!(
            action,
            Action::Draft(_) | Action::RateComment(_) | Action::Close | Action::Pointer { .. }
        );
        for effect in self.state.reduce(action, &clock()) {
            self.run(ctx, effect);
        }
        self.dirty |= !quiet;
        !quiet
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let options = &ctx.props().options;
        let lang = options.lang;
        let words = Words::of(lang);
        let link = ctx.link();
        let state = &self.state;
        let mode = state.mode();
        let announced = state.announcement();
        // A key press is not a touch: the focus follows taps again (Escape also closes).
        let panel_keys = link.batch_callback(|e: KeyboardEvent| {
            let mut actions = vec![Action::Pointer { touch: false }];
            actions.extend((e.key() == "Escape").then_some(Action::Close));
            actions
        });
        let pointer = link.callback(|e: PointerEvent| Action::Pointer { touch: e.pointer_type() == "touch" });
        html! {
            <section ~className={if options.full_screen() { "kefu-panel kefu-full" } else { "kefu-panel" }}
                lang={lang.tag()} aria-label={options.title().to_owned()} onkeydown={panel_keys}
                onpointerdown={pointer}>
                <header class="kefu-header">
                    if self.mp_back {
                        <button type="button" class="kefu-mp-back" onclick={|_| host::back_to_mini_program()}>
                            { "‹ " }{ words.mp_back }
                        </button>
                    }
                    <h2 class="kefu-title">{ options.title() }</h2>
                    <button type="button" class="kefu-close" aria-label={words.close}
                        onclick={link.callback(|_| Action::Close)}>{ "×" }</button>
                </header>
                if state.error().is_some() {
                    <div class="kefu-banner" role="alert">
                        <span class="kefu-banner-text">{ words.error }</span>
                        <button type="button" class="kefu-retry" onclick={link.callback(|_| Action::Retry)}>
                            { words.retry }
                        </button>
                    </div>
                }
                <div class="kefu-log" role="log" aria-live="off" aria-label={words.transcript} tabindex="0" ref={self.log.clone()}>
                    { for state.entries().iter().enumerate().map(|(index, line)| entry(line, index, words, link)) }
                </div>
                <div class="kefu-sr kefu-announce" aria-live="polite">
                    // A new node for each exchange, so the same words twice are said twice.
                    <div key={announced.0}>{ for announced.1.iter().map(|text| html! { <p>{ text }</p> }) }</div>
                </div>
                if mode == Mode::Waiting {
                    <div class="kefu-typing" role="status">
                        <span class="kefu-sr">{ if state.entries().is_empty() { words.connecting } else { words.typing } }</span>
                        <span class="kefu-dot" aria-hidden="true"></span>
                        <span class="kefu-dot" aria-hidden="true"></span>
                        <span class="kefu-dot" aria-hidden="true"></span>
                    </div>
                }
                if mode != Mode::Waiting && !state.suggestions().is_empty() {
                    <div class="kefu-suggestions" role="group" aria-label={words.suggestions}>
                        { for state.suggestions().iter().map(|s| {
                            let question = s.question.clone();
                            html! {
                                <button type="button" class="kefu-suggestion"
                                    onclick={link.callback(move |_| Action::Suggest(question.clone()))}>
                                    { &s.title }
                                </button>
                            }
                        }) }
                    </div>
                }
                if mode.offers_restart() {
                    <div class="kefu-restart">
                        <button type="button" class="kefu-restart-button" onclick={link.callback(|_| Action::Restart)}>
                            { words.restart }
                        </button>
                    </div>
                }
                { rating(state.rating(), words, link) }
                if !state.entries().is_empty() {
                    <div class="kefu-keep">
                        <button type="button" class="kefu-download" onclick={link.callback(|_| Action::Download)}>
                            { words.download }
                        </button>
                        <button type="button" class="kefu-copy" onclick={link.callback(|_| Action::Copy)}>
                            { words.copy }
                        </button>
                    </div>
                }
                <div class="kefu-sr kefu-kept" role="status">
                    { match state.kept() {
                        Some(true) => words.copied,
                        Some(false) => words.keep_failed,
                        None => "",
                    } }
                </div>
                { composer(state.draft(), self.voice.then_some(state.listening()), words, &self.input, link) }
            </section>
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, _first_render: bool) {
        if self.state.entries().len() != self.shown_entries {
            self.shown_entries = self.state.entries().len();
            if let Some(log) = self.log.cast::<HtmlElement>() {
                log.set_scroll_top(log.scroll_height());
            }
        }
        if std::mem::take(&mut self.dirty) {
            self.save(self.session.as_ref().and_then(ChatSession::resumable_sid));
        }
        let requested = ctx.props().focus_request.replace(false);
        if std::mem::take(&mut self.focus_input) || requested {
            if let Some(input) = self.input.cast::<HtmlElement>() {
                let _ = input.focus();
            }
        }
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        if let Some(session) = &self.session {
            session.stop();
        }
        // The transcript stays; the stopped session is not continued.
        self.save(None);
    }
}

/// The local time as `HH:MM`.
fn clock() -> String {
    let now = js_sys::Date::new_0();
    format!("{:02}:{:02}", now.get_hours(), now.get_minutes())
}
