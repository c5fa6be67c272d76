//! [`ChatSession`]: a [`Conversation`] driven over the browser's fetch.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::ClientError;
use crate::browser_json;
use crate::client::KefuClient;
use kefu_protocol::Sid;

use crate::conversation::{Call, ChatOptions, Conversation, Event, MessageId, Phase, SidSource};
use crate::transport::{Body, Http, answered, sleep};

/// The browser's clock, in ms.
fn now_ms() -> u64 {
    // Date.now() is a whole, non-negative number of ms.
    js_sys::Date::now().max(0.0) as u64
}

/// Session ids from the browser's secure random source (Web Crypto).
fn random_sids() -> SidSource {
    SidSource::new(|| Sid::random().ok())
}

type Listener = Box<dyn Fn(&Event)>;

struct Inner {
    conversation: RefCell<Conversation>,
    http: Http,
    listeners: RefCell<Vec<Rc<Listener>>>,
    /// Every event so far, replayed to listeners added later.
    history: RefCell<Vec<Event>>,
    pumping: Cell<bool>,
    /// The page's own `start`, answered in place of the first request when that is the same.
    prefetched: RefCell<Option<PrefetchedStart>>,
}

/// A botdm `start` the page sent itself while the client loaded (the widget's loader does, so
/// the first answer is on its way while the wasm compiles): what it sent, and its answer.
#[derive(Debug)]
pub struct PrefetchedStart {
    /// The URL it was POSTed to.
    pub url: String,
    /// The JSON body it sent.
    pub body: String,
    /// Its `fetch()`: resolves to the `Response`, or rejects when no answer came (a network
    /// failure, or the loader's timeout).
    pub answer: js_sys::Promise,
}

/// A running chat. Cheap to clone; every clone is the same session.
#[derive(Clone)]
pub struct ChatSession {
    inner: Rc<Inner>,
}

impl std::fmt::Debug for ChatSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatSession").field("phase", &self.phase()).finish()
    }
}

impl KefuClient {
    /// Starts a chat. Events arrive through [`ChatSession::on_event`].
    pub fn start_chat(&self, options: ChatOptions) -> Result<ChatSession, ClientError> {
        self.start_chat_with(options, None)
    }

    /// Starts a chat whose `start` the page has already sent as `prefetched`, with session id
    /// `sid`: if the start this client would send is that one (same URL, same body), its answer
    /// is awaited instead of sending it again; otherwise the client sends its own.
    pub fn start_chat_prefetched(
        &self,
        options: ChatOptions,
        sid: Sid,
        prefetched: PrefetchedStart,
    ) -> Result<ChatSession, ClientError> {
        self.start_chat_with(options, Some((sid, prefetched)))
    }

    fn start_chat_with(
        &self,
        options: ChatOptions,
        early: Option<(Sid, PrefetchedStart)>,
    ) -> Result<ChatSession, ClientError> {
        let mut conversation = Conversation::new(options, random_sids()).with_recovery(self.recovery);
        let prefetched = match early {
            Some((sid, prefetched)) => {
                conversation.start_with_sid(sid)?;
                Some(prefetched)
            }
            None => {
                conversation.start()?;
                None
            }
        };
        Ok(self.drive_with(conversation, prefetched))
    }

    /// Continues session `sid`, last seen waiting for the user (see [`Conversation::resume`]).
    pub fn resume_chat(&self, options: ChatOptions, sid: Sid) -> ChatSession {
        self.drive(Conversation::resume(options, sid, random_sids()).with_recovery(self.recovery))
    }

    fn drive(&self, conversation: Conversation) -> ChatSession {
        self.drive_with(conversation, None)
    }

    fn drive_with(&self, conversation: Conversation, prefetched: Option<PrefetchedStart>) -> ChatSession {
        let session = ChatSession {
            inner: Rc::new(Inner {
                conversation: RefCell::new(conversation),
                http: self.http.clone(),
                listeners: RefCell::new(Vec::new()),
                history: RefCell::new(Vec::new()),
                pumping: Cell::new(false),
                prefetched: RefCell::new(prefetched),
            }),
        };
        session.kick();
        session
    }
}

impl ChatSession {
    /// Calls `listener` for every event: first those that already happened, then each new one.
    pub fn on_event(&self, listener: impl Fn(&Event) + 'static) {
        let listener: Rc<Listener> = Rc::new(Box::new(listener));
        let past = self.inner.history.borrow().clone();
        self.inner.listeners.borrow_mut().push(listener.clone());
        for event in &past {
            listener(event);
        }
    }

    /// Where the conversation is.
    pub fn phase(&self) -> Phase {
        self.inner.conversation.borrow().phase()
    }

    /// The session id.
    pub fn sid(&self) -> Option<String> {
        self.inner.conversation.borrow().sid().map(ToString::to_string)
    }

    /// The session id if the chat could be resumed from here (see
    /// [`Conversation::resumable_sid`]).
    pub fn resumable_sid(&self) -> Option<Sid> {
        self.inner.conversation.borrow().resumable_sid().cloned()
    }

    /// Every event so far.
    pub fn history(&self) -> Vec<Event> {
        self.inner.history.borrow().clone()
    }

    /// Sends a message (queued while the bot speaks).
    pub fn send(&self, text: &str) -> Result<MessageId, ClientError> {
        let id = self.inner.conversation.borrow_mut().send(text)?;
        self.after_change();
        Ok(id)
    }

    /// Resends a failed message.
    pub fn resend(&self, id: MessageId) -> Result<(), ClientError> {
        self.inner.conversation.borrow_mut().resend(id)?;
        self.after_change();
        Ok(())
    }

    /// The prompt `prompt_id` has been shown (without automatic acknowledgement).
    pub fn acknowledge(&self, prompt_id: &str) -> Result<(), ClientError> {
        self.inner.conversation.borrow_mut().acknowledge(prompt_id)?;
        self.after_change();
        Ok(())
    }

    /// Tries again after an error.
    pub fn retry(&self) -> Result<(), ClientError> {
        self.inner.conversation.borrow_mut().retry()?;
        self.after_change();
        Ok(())
    }

    /// Starts a new session with the same options (after expiry, failure or the end).
    pub fn restart(&self) -> Result<(), ClientError> {
        self.inner.conversation.borrow_mut().restart()?;
        self.after_change();
        Ok(())
    }

    /// Ends the session.
    pub fn stop(&self) {
        self.inner.conversation.borrow_mut().stop();
        self.after_change();
    }

    fn after_change(&self) {
        self.dispatch();
        self.kick();
    }

    /// Runs the send loop unless it is running already.
    fn kick(&self) {
        if self.inner.pumping.replace(true) {
            return;
        }
        let session = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            session.pump().await;
            session.inner.pumping.set(false);
        });
    }

    async fn pump(&self) {
        loop {
            let outgoing = {
                let mut conversation = self.inner.conversation.borrow_mut();
                conversation.tick(now_ms());
                conversation.poll_outgoing()
            };
            let Some(out) = outgoing else {
                // An automatic recovery waits out its backoff here.
                let wake = self.inner.conversation.borrow().wake_at();
                match wake {
                    Some(at) => {
                        self.dispatch();
                        let wait = at.saturating_sub(now_ms()).min(60_000);
                        sleep(i32::try_from(wait).unwrap_or(60_000).max(1)).await;
                        continue;
                    }
                    None => break,
                }
            };
            let text = browser_json::encode_call(&out.call);
            // Only the first request can be the page's start.
            let prefetched = self.inner.prefetched.borrow_mut().take().filter(|p| {
                matches!(out.call, Call::Start(_))
                    && p.body == text
                    && p.url == self.inner.http.url(out.call.path())
            });
            let answer = match prefetched {
                Some(prefetched) => answered(prefetched.answer).await,
                None => {
                    let body = Body::Json(text);
                    self.inner.http.send("POST", out.call.path(), &body, out.call.retry_safe()).await
                }
            };
            let delivery = match answer {
                Ok((status, bytes)) => browser_json::decode_turn(status, &bytes),
                Err(failure) => Err(failure),
            };
            {
                let mut conversation = self.inner.conversation.borrow_mut();
                conversation.tick(now_ms());
                conversation.on_delivery(out.ticket, delivery);
            }
            self.dispatch();
        }
        self.dispatch();
    }

    /// Hands new events to the listeners, holding no borrow while they run.
    fn dispatch(&self) {
        let events: Vec<Event> =
            std::iter::from_fn(|| self.inner.conversation.borrow_mut().poll_event()).collect();
        if events.is_empty() {
            return;
        }
        self.inner.history.borrow_mut().extend(events.iter().cloned());
        let listeners = self.inner.listeners.borrow().clone();
        for event in &events {
            for listener in &listeners {
                listener(event);
            }
        }
    }
}
