//! The chat panel as a Yew component: header, error banner, transcript (`role="log"`), typing
//! indicator, suggestions, "new conversation" and the message box.
//!
//! Nothing here sets an inline style or parses HTML: text reaches the DOM as text nodes, so the
//! widget runs under `style-src 'self'` and platform text never becomes markup.
//!
//! Classes that depend on state are whole `&'static str`s set as the `className` property
//! (`~className`), not `classes!`: yew's `Classes` (an `IndexSet` of strings) costs
//! 8 KB of wasm, 2.8 KB brotli (measured with `cargo xtask size`).

use std::cell::Cell;
use std::rc::Rc;

use kefu_client::{ChatSession, ClientError, Event, KefuClient, Phase};
use web_sys::{HtmlElement, HtmlTextAreaElement, KeyboardEvent};
use yew::{Component, Context, Html, NodeRef, Properties, TargetCast, html};

use crate::embed::{Started, notify_host};
use crate::i18n::Words;
use crate::markdown::{self, Block, Inline};
use crate::options::WidgetOptions;
use crate::persist;
use crate::transcript::{Entry, Notice, RESTORED, Status, Transcript};

/// The component's inputs.
#[derive(Properties, PartialEq)]
pub struct ChatProps {
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

/// What the component reacts to.
#[derive(Debug)]
pub enum Msg {
    /// The client reported an event.
    Client(Event),
    /// The message box changed.
    Draft(String),
    /// Send the message box's text.
    Send,
    /// A suggestion was tapped.
    Suggest(String),
    /// Resend the failed message at this index of the transcript.
    Resend(usize),
    /// The error banner's retry.
    Retry,
    /// Start a new conversation.
    Restart,
    /// The close button.
    Close,
}

/// The chat panel.
pub struct Chat {
    session: Option<ChatSession>,
    transcript: Transcript,
    draft: String,
    input: NodeRef,
    log: NodeRef,
    shown_entries: usize,
    focus_input: bool,
    /// Where the transcript is saved across reloads.
    storage_key: String,
    /// Changed since the last save.
    dirty: bool,
}

impl Component for Chat {
    type Message = Msg;
    type Properties = ChatProps;

    fn create(ctx: &Context<Self>) -> Self {
        let options = &ctx.props().options;
        let client = KefuClient::new(&options.endpoint, None, options.timeout_ms);
        let storage_key = persist::key(options);
        let saved = persist::load(&storage_key).unwrap_or_default();
        let mut transcript = Transcript::restore(saved.entries);
        let started = match saved.sid {
            // The page was reloaded while the bot waited for the visitor: carry on.
            Some(sid) => Ok(client.resume_chat(options.chat(), sid)),
            None => {
                transcript.divide(&clock());
                match ctx.props().started.0.borrow_mut().take() {
                    Some((sid, prefetched)) => client.start_chat_prefetched(options.chat(), sid, prefetched),
                    None => client.start_chat(options.chat()),
                }
            }
        };
        let session = match started {
            Ok(session) => {
                let callback = ctx.link().callback(Msg::Client);
                session.on_event(move |event| callback.emit(event.clone()));
                Some(session)
            }
            Err(error) => {
                transcript.refuse(&error);
                transcript.typing = false;
                None
            }
        };
        Chat {
            session,
            transcript,
            draft: String::new(),
            input: NodeRef::default(),
            log: NodeRef::default(),
            shown_entries: 0,
            focus_input: false,
            storage_key,
            dirty: true,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Client(event) => {
                for host_event in self.transcript.apply(&event, &clock()) {
                    notify_host(&ctx.props().host, &host_event);
                }
                // The platform forgot the session while the visitor was writing: carry on in a
                // new one at once, with the waiting messages (the transcript shows a divider).
                if matches!(event, Event::Expired) {
                    let result = self.session.as_ref().map_or(Ok(()), ChatSession::restart);
                    self.report(result);
                }
            }
            Msg::Draft(text) => {
                self.draft = text;
                return false;
            }
            Msg::Send => {
                let text = self.draft.clone();
                if text.trim().is_empty() {
                    return false;
                }
                // The text leaves the box only once the client has taken it.
                if self.submit(&text) {
                    self.draft.clear();
                }
                self.focus_input = true;
            }
            Msg::Suggest(question) => {
                self.submit(&question);
                self.focus_input = true;
            }
            Msg::Resend(index) => match self.transcript.entries.get(index) {
                Some(Entry::User { id: RESTORED, text, .. }) => {
                    // From before a reload: the client does not know it; send its text anew.
                    let text = text.clone();
                    self.transcript.entries.remove(index);
                    self.submit(&text);
                }
                Some(Entry::User { id, .. }) => {
                    let id = *id;
                    let result = self.with_live_session(|session| session.resend(id));
                    self.report(result);
                }
                _ => return false,
            },
            Msg::Retry => {
                self.transcript.error = None;
                match &self.session {
                    Some(session) => {
                        let result = session.retry();
                        self.report(result);
                    }
                    None => self.transcript.error = Some("the chat could not start".into()),
                }
            }
            Msg::Restart => {
                let result = self.session.as_ref().map_or(Ok(()), ChatSession::restart);
                self.report(result);
                self.focus_input = true;
            }
            Msg::Close => {
                notify_host(&ctx.props().host, &crate::transcript::HostEvent::Close);
                return false;
            }
        }
        self.dirty = true;
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let options = &ctx.props().options;
        let words = options.lang.words();
        let link = ctx.link();
        let t = &self.transcript;
        let oninput = link.callback(|e: yew::InputEvent| {
            let value = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            Msg::Draft(value)
        });
        let onkeydown = link.batch_callback(|e: KeyboardEvent| {
            // Enter sends; Shift+Enter is a new line; Enter that ends an IME composition does not.
            let composing = e.is_composing() || e.key_code() == 229;
            (e.key() == "Enter" && !e.shift_key() && !composing).then(|| {
                e.prevent_default();
                Msg::Send
            })
        });
        let onsubmit = link.callback(|e: yew::SubmitEvent| {
            e.prevent_default();
            Msg::Send
        });
        let panel_keys = link.batch_callback(|e: KeyboardEvent| (e.key() == "Escape").then_some(Msg::Close));
        html! {
            <section ~className={if options.full_screen() { "kefu-panel kefu-full" } else { "kefu-panel" }}
                lang={options.lang.tag()} aria-label={options.title().to_owned()} onkeydown={panel_keys}>
                <header class="kefu-header">
                    <h2 class="kefu-title">{ options.title() }</h2>
                    <button type="button" class="kefu-close" aria-label={words.close}
                        onclick={link.callback(|_| Msg::Close)}>{ "×" }</button>
                </header>
                if t.error.is_some() {
                    <div class="kefu-banner" role="alert">
                        <span class="kefu-banner-text">{ words.error }</span>
                        <button type="button" class="kefu-retry" onclick={link.callback(|_| Msg::Retry)}>
                            { words.retry }
                        </button>
                    </div>
                }
                <div class="kefu-log" role="log" aria-label={words.transcript} tabindex="0" ref={self.log.clone()}>
                    { for t.entries.iter().enumerate().map(|(i, entry)| self.entry(ctx, words, i, entry)) }
                </div>
                if t.typing {
                    <div class="kefu-typing" role="status">
                        <span class="kefu-sr">{ if t.entries.is_empty() { words.connecting } else { words.typing } }</span>
                        <span class="kefu-dot" aria-hidden="true"></span>
                        <span class="kefu-dot" aria-hidden="true"></span>
                        <span class="kefu-dot" aria-hidden="true"></span>
                    </div>
                }
                if !t.typing && !t.suggestions.is_empty() {
                    <div class="kefu-suggestions" role="group" aria-label={words.suggestions}>
                        { for t.suggestions.iter().map(|s| {
                            let question = s.question.clone();
                            html! {
                                <button type="button" class="kefu-suggestion"
                                    onclick={link.callback(move |_| Msg::Suggest(question.clone()))}>
                                    { &s.title }
                                </button>
                            }
                        }) }
                    </div>
                }
                if t.ended || t.expired {
                    <div class="kefu-restart">
                        <button type="button" class="kefu-restart-button" onclick={link.callback(|_| Msg::Restart)}>
                            { words.restart }
                        </button>
                    </div>
                }
                <form class="kefu-composer" onsubmit={onsubmit}>
                    <textarea class="kefu-input" rows="1" aria-label={words.input_label}
                        placeholder={words.placeholder} value={self.draft.clone()} ref={self.input.clone()}
                        {oninput} {onkeydown} />
                    <button type="submit" class="kefu-send">{ words.send }</button>
                </form>
            </section>
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, _first_render: bool) {
        if self.transcript.entries.len() != self.shown_entries {
            self.shown_entries = self.transcript.entries.len();
            if let Some(log) = self.log.cast::<HtmlElement>() {
                log.set_scroll_top(log.scroll_height());
            }
        }
        if std::mem::take(&mut self.dirty) {
            self.save(self.session.as_ref().and_then(ChatSession::resumable_sid));
        }
        let requested = ctx.props().focus_request.replace(false);
        if std::mem::take(&mut self.focus_input) || requested {
            self.focus();
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

impl Chat {
    /// Saves the transcript, and `sid` as the session to continue after a reload.
    fn save(&self, sid: Option<kefu_protocol::Sid>) {
        let saved = persist::Saved { sid, entries: self.transcript.entries.clone() };
        persist::save(&self.storage_key, &saved);
    }

    /// Moves the keyboard focus to the message box.
    pub fn focus(&self) {
        if let Some(input) = self.input.cast::<HtmlElement>() {
            let _ = input.focus();
        }
    }

    /// Hands `text` to the client, starting a new session first when the last one is over.
    /// Returns whether the client took it; if not, the banner says why.
    fn submit(&mut self, text: &str) -> bool {
        let result = self.with_live_session(|session| session.send(text).map(|_| ()));
        let taken = result.is_ok();
        self.report(result);
        taken
    }

    /// Runs `action` on a session that can take messages: one that ended is restarted first,
    /// one that expired is restarted after (so the message waits for the new session).
    fn with_live_session(
        &mut self,
        action: impl FnOnce(&ChatSession) -> Result<(), ClientError>,
    ) -> Result<(), ClientError> {
        let Some(session) = &self.session else {
            return Err(ClientError::NotStarted);
        };
        if session.phase().is_over() {
            session.restart()?;
        }
        action(session)?;
        if matches!(session.phase(), Phase::Expired | Phase::Failed) {
            session.restart()?;
        }
        Ok(())
    }

    fn report(&mut self, result: Result<(), ClientError>) {
        if let Err(error) = result {
            self.transcript.refuse(&error);
        }
    }

    fn entry(&self, ctx: &Context<Self>, words: &Words, index: usize, entry: &Entry) -> Html {
        match entry {
            Entry::Bot { text, truncated, time } => html! {
                <div key={index} class="kefu-row kefu-bot">
                    <div class="kefu-bubble">
                        <span class="kefu-sr">{ words.bot }{ "：" }</span>
                        { render_markdown(text) }
                        if *truncated { <p class="kefu-truncated">{ words.truncated }</p> }
                    </div>
                    <time class="kefu-time">{ time }</time>
                </div>
            },
            Entry::User { text, time, status, .. } => {
                let failed = matches!(status, Status::Failed(_));
                html! {
                    <div key={index} ~className={if failed { "kefu-row kefu-user kefu-failed" } else { "kefu-row kefu-user" }}>
                        <div class="kefu-bubble kefu-plain">
                            <span class="kefu-sr">{ words.you }{ "：" }</span>{ text }
                        </div>
                        <div class="kefu-meta">
                            <time class="kefu-time">{ time }</time>
                            { match status {
                                Status::Sending => html! { <span class="kefu-status">{ words.sending }</span> },
                                Status::Sent => html! {},
                                Status::Failed(reason) => html! {
                                    <>
                                        <span class="kefu-status" title={reason.clone()}>{ words.failed }</span>
                                        <button type="button" class="kefu-resend"
                                            onclick={ctx.link().callback(move |_| Msg::Resend(index))}>
                                            { words.resend }
                                        </button>
                                    </>
                                },
                            } }
                        </div>
                    </div>
                }
            }
            Entry::Notice { kind, time } => {
                let text = match kind {
                    Notice::Transferred => words.transferred,
                    Notice::Finished => words.finished,
                    Notice::Expired => words.expired,
                    Notice::NewSession => words.new_session,
                };
                html! {
                    <div key={index} ~className={if *kind == Notice::NewSession { "kefu-notice kefu-divider" } else { "kefu-notice" }}>
                        <span>{ text }</span><time class="kefu-time">{ time }</time>
                    </div>
                }
            }
        }
    }
}

/// A prompt's Markdown as DOM nodes.
pub fn render_markdown(text: &str) -> Html {
    markdown::parse(text).iter().map(render_block).collect()
}

fn render_block(block: &Block) -> Html {
    match block {
        Block::Paragraph(inlines) => html! { <p>{ render_inlines(inlines) }</p> },
        Block::List { ordered: true, start, items } => html! {
            <ol start={start.to_string()}>{ for items.iter().map(|item| html! { <li>{ render_inlines(item) }</li> }) }</ol>
        },
        Block::List { ordered: false, items, .. } => html! {
            <ul>{ for items.iter().map(|item| html! { <li>{ render_inlines(item) }</li> }) }</ul>
        },
    }
}

fn render_inlines(inlines: &[Inline]) -> Html {
    inlines.iter().map(render_inline).collect()
}

fn render_inline(inline: &Inline) -> Html {
    match inline {
        Inline::Text(text) => html! { { text } },
        Inline::Strong(children) => html! { <strong>{ render_inlines(children) }</strong> },
        Inline::Emphasis(children) => html! { <em>{ render_inlines(children) }</em> },
        Inline::Code(text) => html! { <code>{ text }</code> },
        Inline::Link { href, children } => html! {
            <a href={href.clone()} target="_blank" rel="noopener noreferrer nofollow">{ render_inlines(children) }</a>
        },
        Inline::LineBreak => html! { <br/> },
    }
}

/// The local time as `HH:MM`.
fn clock() -> String {
    let now = js_sys::Date::new_0();
    format!("{:02}:{:02}", now.get_hours(), now.get_minutes())
}
