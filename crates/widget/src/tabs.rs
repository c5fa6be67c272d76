//! Several tabs, one conversation (issue 19 item 1, groundwork): the tabs that show the same
//! conversation (the same endpoint, tenant, bot and channel: [`conversation_key`]) talk over a
//! `BroadcastChannel`, and one of them leads (holds a Web Lock), so only the leader talks to the
//! platform. When the leading tab closes, the browser releases its lock and a waiting tab takes
//! over. Tabs of other bots or channels use other names and never hear each other.
//!
//! The messages ([`TabMessage`]) are plain Rust and tested natively; `TabLink` is the browser
//! side (`tests/tabs.rs` runs two links in one page, which share locks and channels as two tabs
//! do); until the view uses it, it is compiled into tests only.

use serde::{Deserialize, Serialize};

/// What one tab tells the others about a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TabMessage {
    /// A tab opened and asks the leader for the conversation so far.
    Hello,
    /// The leader's conversation so far (the saved form, as `persist` keeps it).
    Snapshot {
        /// The saved conversation, as JSON text.
        saved: String,
    },
    /// A follower's visitor typed this; the leader sends it.
    Input {
        /// What the visitor typed.
        text: String,
    },
    /// The leader's chat changed (a prompt, a notice, a delivery): followers redraw from it.
    Update {
        /// The saved conversation after the change, as JSON text.
        saved: String,
    },
}

impl TabMessage {
    /// The message as the channel carries it (JSON text).
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A message from the channel; `None` for anything that is not one (another version's, a
    /// page's own), which is ignored, never an error.
    pub fn decode(text: &str) -> Option<TabMessage> {
        serde_json::from_str(text).ok()
    }
}

/// The name the tabs of one conversation share: the same parts as the saved conversation's key,
/// so tabs of different bots or channels stay apart.
pub fn conversation_key(endpoint: &str, app_id: &str, bot_id: &str, channel: &str) -> String {
    format!("kefu-tabs|{endpoint}|{app_id}|{bot_id}|{channel}")
}

// Compiled only into tests until the view uses it (`tests/tabs.rs` includes this file), with
// the web-sys features it needs as dev-dependencies: in the library they changed the built
// wasm (39 B gzip, measured with `cargo xtask size`) for nothing. Wiring it into the view drops
// the `test` condition and moves those features.
#[cfg(all(target_arch = "wasm32", test))]
pub use browser::TabLink;

#[cfg(all(target_arch = "wasm32", test))]
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
        /// once where the browser has no Web Locks: each tab then leads alone, as without this
        /// module). Where there is no `BroadcastChannel`, the link hears and tells nothing.
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
            let on_granted = match locks() {
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
            TabMessage::Input { text: "你好".into() },
            TabMessage::Update { saved: "{}".into() },
        ] {
            assert_eq!(TabMessage::decode(&message.encode()), Some(message));
        }
        assert_eq!(TabMessage::Hello.encode(), r#"{"kind":"hello"}"#);
        for other in ["", "null", "42", "{}", r#"{"kind":"shout"}"#, r#"{"kind":"input"}"#, "\u{0}"] {
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
