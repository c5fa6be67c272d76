//! Several tabs, one conversation (issue 19 item 1): the tabs that show the same conversation
//! (the same endpoint, tenant, bot and channel: [`conversation_key`]) talk over a
//! `BroadcastChannel`, and one of them leads (holds a Web Lock), so only the leader talks to the
//! platform; the others mirror its transcript and hand it what their visitor types. When the
//! leading tab closes, the browser releases its lock and a waiting tab takes over. Tabs of other
//! bots or channels use other names and never hear each other.
//!
//! The messages ([`TabMessage`]) are plain Rust and tested natively; `TabLink` is the browser
//! side (`tests/tabs.rs` runs two links in one page, which share locks and channels as two tabs
//! do).

/// What one tab tells the others about a conversation.
#[derive(Debug, Clone, PartialEq)]
pub enum TabMessage {
    /// A tab opened and asks the leader for the conversation so far.
    Hello,
    /// The leader's conversation so far (`persist`'s JSON text, with the mode and suggestions).
    Snapshot {
        /// The shared conversation, as JSON text.
        saved: String,
    },
    /// A follower's visitor typed this; the leader sends it.
    Input {
        /// What the visitor typed.
        text: String,
    },
    /// A follower's visitor asked for a new conversation; the leader starts it.
    Restart,
    /// A follower's visitor asked to resend a message that failed; the leader resends it. The
    /// line is counted from the end of the transcript (1 is the last line): the follower mirrors
    /// the leader's last lines, not its message ids.
    Resend {
        /// The line's place, counted from the end.
        from_end: usize,
    },
    /// A follower's visitor pressed the error banner's retry; the leader retries.
    Retry,
    /// A follower's visitor sent the rating; the leader tells the page and `rating-url`.
    Rate {
        /// The score, 1 to 5.
        score: u8,
        /// The comment (may be empty).
        comment: String,
    },
    /// A follower's visitor skipped the rating; the leader stops offering it.
    SkipRating,
    /// The leader's chat changed (a prompt, a notice, a delivery): followers redraw from it.
    Update {
        /// The shared conversation after the change, as JSON text.
        saved: String,
    },
}

impl TabMessage {
    /// The message as the channel carries it: a letter for its kind (a rating's score, 1 to 5,
    /// stands for its kind), then its text (no JSON codec for a few bytes of framing).
    pub fn encode(&self) -> String {
        let number;
        let (kind, text) = match self {
            TabMessage::Hello => ('h', ""),
            TabMessage::Snapshot { saved } => ('s', saved.as_str()),
            TabMessage::Input { text } => ('i', text.as_str()),
            TabMessage::Restart => ('r', ""),
            TabMessage::Resend { from_end } => {
                number = from_end.to_string();
                ('e', number.as_str())
            }
            TabMessage::Retry => ('y', ""),
            TabMessage::Rate { score, comment } => (char::from(b'0' + score.clamp(&1, &5)), comment.as_str()),
            TabMessage::SkipRating => ('k', ""),
            TabMessage::Update { saved } => ('u', saved.as_str()),
        };
        let mut message = String::from("kefu");
        message.push(kind);
        message.push_str(text);
        message
    }

    /// A message from the channel; `None` for anything that is not one (another version's, a
    /// page's own), which is ignored, never an error.
    pub fn decode(text: &str) -> Option<TabMessage> {
        let rest = text.strip_prefix("kefu")?;
        let mut chars = rest.chars();
        let kind = chars.next()?;
        let text = chars.as_str().to_owned();
        Some(match kind {
            'h' if text.is_empty() => TabMessage::Hello,
            'r' if text.is_empty() => TabMessage::Restart,
            'y' if text.is_empty() => TabMessage::Retry,
            'k' if text.is_empty() => TabMessage::SkipRating,
            'e' => TabMessage::Resend { from_end: text.parse().ok().filter(|n| *n > 0)? },
            '1'..='5' => TabMessage::Rate { score: kind as u8 - b'0', comment: text },
            's' if !text.is_empty() => TabMessage::Snapshot { saved: text },
            'i' if !text.is_empty() => TabMessage::Input { text },
            'u' if !text.is_empty() => TabMessage::Update { saved: text },
            _ => return None,
        })
    }
}

/// The name the tabs of one conversation share: the same parts as the saved conversation's key,
/// so tabs of different bots or channels stay apart.
pub fn conversation_key(endpoint: &str, app_id: &str, bot_id: &str, channel: &str) -> String {
    format!("kefu-tabs|{endpoint}|{app_id}|{bot_id}|{channel}")
}

#[cfg(target_arch = "wasm32")]
pub use browser::TabLink;

#[cfg(target_arch = "wasm32")]
mod browser {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

    use js_sys::{Function, Object, Promise, Reflect};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::{BroadcastChannel, MessageEvent};

    use super::TabMessage;

    /// One tab's link to the other tabs of a conversation: it hears their messages, posts its
    /// own, and learns when it leads. Dropping it (or the tab closing) closes the channel and
    /// gives the lead up.
    pub struct TabLink {
        channel: Option<BroadcastChannel>,
        _on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
        on_granted: Option<Closure<dyn FnMut(JsValue) -> Promise>>,
        /// Resolves the promise that holds the lock: releasing it.
        release: Rc<RefCell<Option<Function>>>,
        leading: Rc<Cell<bool>>,
        closed: Rc<Cell<bool>>,
    }

    impl TabLink {
        /// Joins the tabs named `key` ([`super::conversation_key`]): `on_message` hears every
        /// message another tab posts; `on_lead` runs once, when this tab becomes the leader (at
        /// once where the browser has no Web Locks or no `BroadcastChannel`: each tab then leads
        /// alone, as without this module, and the link hears and tells nothing).
        pub fn join(
            key: &str,
            on_message: impl Fn(TabMessage) + 'static,
            on_lead: impl FnOnce() + 'static,
        ) -> TabLink {
            let channel = BroadcastChannel::new(key).ok();
            let on_message = channel.as_ref().map(|channel| {
                let closure = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                    if let Some(message) = event.data().as_string().as_deref().and_then(TabMessage::decode) {
                        on_message(message);
                    }
                });
                channel.set_onmessage(Some(closure.as_ref().unchecked_ref()));
                closure
            });
            let release = Rc::new(RefCell::new(None));
            let leading = Rc::new(Cell::new(false));
            let closed = Rc::new(Cell::new(false));
            let on_lead = RefCell::new(Some(on_lead));
            let lead = {
                let leading = leading.clone();
                move || {
                    leading.set(true);
                    if let Some(on_lead) = on_lead.borrow_mut().take() {
                        on_lead();
                    }
                }
            };
            // Without a channel a follower would hear nothing: lead alone then.
            let on_granted = match locks().filter(|_| channel.is_some()) {
                None => {
                    lead();
                    None
                }
                Some((locks, request)) => {
                    let release_slot = release.clone();
                    let closed_now = closed.clone();
                    let closure = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |_lock: JsValue| {
                        // Held until released: the lock is this promise's.
                        let held = Promise::new(&mut |resolve, _reject| {
                            *release_slot.borrow_mut() = Some(resolve);
                        });
                        if closed_now.get() {
                            // Granted after the link was dropped: give it straight back.
                            if let Some(resolve) = release_slot.borrow_mut().take() {
                                let _ = resolve.call0(&JsValue::NULL);
                            }
                        } else {
                            lead();
                        }
                        held
                    });
                    let name = JsValue::from_str(&format!("{key}|lead"));
                    let options = Object::new();
                    let _ = Reflect::set(&options, &"mode".into(), &"exclusive".into());
                    let asked = request.call3(&locks, &name, &options, closure.as_ref().unchecked_ref());
                    if let Ok(promise) = asked.and_then(|p| p.dyn_into::<Promise>()) {
                        // A refused request (the tab closing) needs no handling.
                        let ignore = Closure::<dyn FnMut(JsValue)>::new(|_| {});
                        let _ = promise.catch(&ignore);
                        ignore.forget();
                    }
                    Some(closure)
                }
            };
            TabLink { channel, _on_message: on_message, on_granted, release, leading, closed }
        }

        /// Whether this tab leads (talks to the platform for every tab).
        pub fn is_leader(&self) -> bool {
            self.leading.get()
        }

        /// Tells the other tabs `message` (this tab does not hear it).
        pub fn post(&self, message: &TabMessage) {
            if let Some(channel) = &self.channel {
                let _ = channel.post_message(&JsValue::from_str(&message.encode()));
            }
        }
    }

    impl Drop for TabLink {
        fn drop(&mut self) {
            self.closed.set(true);
            self.leading.set(false);
            if let Some(channel) = self.channel.take() {
                channel.set_onmessage(None);
                channel.close();
            }
            if let Some(resolve) = self.release.borrow_mut().take() {
                let _ = resolve.call0(&JsValue::NULL);
            }
            // The grant callback may still be called once (a request still waiting): it must
            // outlive this link, and it gives the lock straight back then.
            if let Some(closure) = self.on_granted.take() {
                closure.forget();
            }
        }
    }

    /// `navigator.locks` and its `request`, where the browser has the Web Locks API.
    fn locks() -> Option<(JsValue, Function)> {
        let navigator = web_sys::window()?.navigator();
        let locks = Reflect::get(&navigator, &"locks".into()).ok().filter(|l| l.is_object())?;
        let request = Reflect::get(&locks, &"request".into()).ok()?.dyn_into::<Function>().ok()?;
        Some((locks, request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_anything_else_is_ignored() {
        for message in [
            TabMessage::Hello,
            TabMessage::Snapshot { saved: "{\"entries\":[]}".into() },
            TabMessage::Input { text: "你好\nkefuh".into() },
            TabMessage::Restart,
            TabMessage::Resend { from_end: 7 },
            TabMessage::Retry,
            TabMessage::Rate { score: 4, comment: "很好\n5".into() },
            TabMessage::Rate { score: 1, comment: String::new() },
            TabMessage::SkipRating,
            TabMessage::Update { saved: "{}".into() },
        ] {
            assert_eq!(TabMessage::decode(&message.encode()), Some(message));
        }
        assert_eq!(TabMessage::Hello.encode(), "kefuh");
        for other in [
            "", "null", "42", "{}", "kefu", "kefux", "kefui", "kefuhx", "h", "\u{0}", "kefue", "kefue0",
            "kefue-1", "kefuex", "kefu0", "kefu6", "kefuyx", "kefukx",
        ] {
            assert_eq!(TabMessage::decode(other), None, "{other:?}");
        }
    }

    #[test]
    fn conversations_of_other_bots_or_channels_have_other_names() {
        let key = conversation_key("", "200000000", "1", "h5");
        assert_eq!(key, "kefu-tabs||200000000|1|h5");
        assert_ne!(key, conversation_key("", "200000000", "2", "h5"));
        assert_ne!(key, conversation_key("", "200000000", "1", "wx_mp"));
        assert_ne!(key, conversation_key("https://kefu.example", "200000000", "1", "h5"));
    }
}
