//! Saving the chat across reloads and sharing it with the conversation's other tabs: the
//! leader saves and tells them after each change and answers a new tab; the others mirror it.

use kefu_client::ChatSession;
use kefu_protocol::Sid;
use yew::Context;

use super::{Panel, clock};
use crate::persist;
use crate::state::{Action, Effect, Rating};
use crate::tabs::TabMessage;

impl Panel {
    /// Saves the transcript, and `sid` as the session to continue after a reload; the leader
    /// also tells the other tabs.
    pub(super) fn save(&self, sid: Option<Sid>) {
        let sid = if self.leading { sid } else { self.resume.clone() };
        let saved = self.saved(sid);
        persist::save(&self.storage_key, &saved);
        if self.leading {
            self.tabs.post(&TabMessage::Update { saved: self.share(saved) });
        }
    }

    /// What is kept of the conversation, with `sid` to continue.
    fn saved(&self, sid: Option<Sid>) -> persist::Saved {
        let rating_asked = matches!(self.state.rating(), Rating::Asked { .. });
        persist::Saved { sid, entries: self.state.entries().to_vec(), rating_asked }
    }

    /// The conversation as the other tabs are told it.
    fn share(&self, saved: persist::Saved) -> String {
        persist::share(&saved, &self.state)
    }

    /// What a tab that does not lead hands to the leader instead of doing itself: sending or
    /// skipping the rating (the leader tells the page, once), the banner's retry and a resend
    /// (the leader has the session). `None` for what it does itself.
    pub(super) fn forwarded(&self, action: &Action) -> Option<TabMessage> {
        if self.leading {
            return None;
        }
        match action {
            Action::RateSend => match self.state.rating() {
                Rating::Asked { score: Some(score), comment } => {
                    Some(TabMessage::Rate { score: *score, comment: comment.clone() })
                }
                _ => None,
            },
            Action::RateSkip => Some(TabMessage::SkipRating),
            Action::Retry => Some(TabMessage::Retry),
            Action::Resend(index) => {
                let from_end = self.state.entries().len().checked_sub(*index).filter(|n| *n > 0)?;
                Some(TabMessage::Resend { from_end })
            }
            _ => None,
        }
    }

    /// Carries out `action` here, as this tab's own, and saves (and shares) what changed.
    fn act(&mut self, ctx: &Context<Self>, action: Action) {
        for effect in self.state.reduce(action, &clock()) {
            self.run(ctx, effect);
        }
        self.dirty = true;
    }

    /// What another tab said: the leader answers and acts, the others mirror.
    pub(super) fn hear(&mut self, ctx: &Context<Self>, message: TabMessage) -> bool {
        match message {
            TabMessage::Hello if self.leading => {
                let sid = self.session.as_ref().and_then(ChatSession::resumable_sid);
                let saved = self.saved(sid);
                self.tabs.post(&TabMessage::Snapshot { saved: self.share(saved) });
                false
            }
            TabMessage::Input { text } if self.leading => {
                for effect in self.state.reduce(Action::Input(text), &clock()) {
                    self.run(ctx, effect);
                }
                true
            }
            TabMessage::Restart if self.leading => {
                self.run(ctx, Effect::Restart);
                true
            }
            TabMessage::Resend { from_end } if self.leading => {
                let Some(index) = self.state.entries().len().checked_sub(from_end) else { return false };
                self.act(ctx, Action::Resend(index));
                true
            }
            TabMessage::Retry if self.leading => {
                self.act(ctx, Action::Retry);
                true
            }
            TabMessage::Rate { score, comment } if self.leading => {
                for action in [Action::RatePick(score), Action::RateComment(comment), Action::RateSend] {
                    self.act(ctx, action);
                }
                true
            }
            TabMessage::SkipRating if self.leading => {
                self.act(ctx, Action::RateSkip);
                true
            }
            TabMessage::Snapshot { saved: shared } | TabMessage::Update { saved: shared }
                if !self.leading =>
            {
                let Some(persist::Shared { saved, mode, suggestions, rating, error }) =
                    persist::shared(&shared)
                else {
                    return false;
                };
                // Only what is new since the first mirror is read out, not the history.
                let announce = std::mem::replace(&mut self.mirrored, true);
                self.resume = saved.sid;
                let entries = saved.entries;
                let mirror = Action::Mirror { entries, suggestions, mode, rating, error, announce };
                self.state.reduce(mirror, &clock());
                self.dirty = true;
                true
            }
            _ => false,
        }
    }
}
