//! The panel's side of the chat session: starting or continuing it when this tab comes to lead,
//! and carrying out the [`Effect`]s that need the session, the page or the browser.

use kefu_client::{ChatSession, ClientError, KefuClient, Phase};
use yew::Context;

use super::{Panel, clock};
use crate::host::{self, HostEvent};
use crate::i18n::Words;
use crate::keep;
use crate::state::{Action, Effect};
use crate::tabs::TabMessage;
use crate::transcript::plain_text;
use crate::voice;

impl Panel {
    /// This tab leads: it starts the session, or continues the saved or the last leader's one.
    pub(super) fn lead(&mut self, ctx: &Context<Self>) {
        self.leading = true;
        let options = &ctx.props().options;
        let client = KefuClient::new(&options.endpoint, None, options.timeout_ms);
        let started = match self.resume.take() {
            // The page was reloaded (or the leading tab closed) while the bot waited for the
            // visitor: carry on.
            Some(sid) => Ok(client.resume_chat(options.chat(), sid)),
            None => {
                self.state.reduce(Action::NewSession, &clock());
                // The loader's early start is for a tab that leads from the start.
                let early = ctx.props().started.0.borrow_mut().take().filter(|_| !self.mirrored);
                match early {
                    Some((sid, prefetched)) => client.start_chat_prefetched(options.chat(), sid, prefetched),
                    None => client.start_chat(options.chat()),
                }
            }
        };
        match started {
            Ok(session) => {
                let callback = ctx.link().callback(Action::Client);
                session.on_event(move |event| callback.emit(event.clone()));
                self.session = Some(session);
            }
            Err(error) => {
                self.state.reduce(Action::NotStarted(error), &clock());
            }
        }
        self.dirty = true;
    }

    /// Carries out one effect; what the client refuses at once shows in the banner.
    pub(super) fn run(&mut self, ctx: &Context<Self>, effect: Effect) {
        let (result, draft) = match effect {
            Effect::Notify(event) => {
                host::notify(&ctx.props().host, &event);
                if let (HostEvent::Rating { score, comment, sid }, Some(url)) =
                    (&event, &ctx.props().options.rating_url)
                {
                    host::post_rating(url, *score, comment, sid);
                }
                return;
            }
            Effect::Focus => {
                self.focus_input = true;
                return;
            }
            Effect::Download => {
                let words = Words::of(ctx.props().options.lang);
                let text = plain_text(self.state.entries(), words);
                let done = ctx.link().callback(Action::Kept);
                keep::download(&text, words.file_name, move |worked| {
                    if !worked {
                        done.emit(false);
                    }
                });
                return;
            }
            Effect::Copy => {
                let text = plain_text(self.state.entries(), Words::of(ctx.props().options.lang));
                let done = ctx.link().callback(Action::Kept);
                keep::copy(&text, move |worked| done.emit(worked));
                return;
            }
            Effect::Listen => {
                let heard = ctx.link().callback(Action::Heard);
                let ended = ctx.link().callback(|()| Action::Listened);
                let lang = ctx.props().options.lang.tag();
                self.recognizer =
                    Some(voice::Listening::start(lang, move |text| heard.emit(text), move || ended.emit(())));
                return;
            }
            Effect::StopListening => {
                self.recognizer = None;
                return;
            }
            Effect::Send { text, .. } if !self.leading => {
                self.tabs.post(&TabMessage::Input { text });
                return;
            }
            Effect::Restart if !self.leading => {
                self.tabs.post(&TabMessage::Restart);
                return;
            }
            Effect::Send { text, draft } => {
                (self.with_live_session(|session| session.send(&text).map(drop)), draft.then_some(text))
            }
            Effect::Resend(id) => (self.with_live_session(|session| session.resend(id)), None),
            Effect::Retry => {
                (self.session.as_ref().map_or(Err(ClientError::NotStarted), ChatSession::retry), None)
            }
            Effect::Restart => (self.session.as_ref().map_or(Ok(()), ChatSession::restart), None),
        };
        if let Err(error) = result {
            self.state.reduce(Action::Refused { error, draft }, &clock());
        }
    }

    /// Runs `action` on a session that can take messages: one that ended is restarted first,
    /// one that expired is restarted after (so the message waits for the new session).
    fn with_live_session(
        &self,
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
}
