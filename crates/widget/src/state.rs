//! The chat's state in one place: the transcript, the suggestions, the [`Mode`], the error banner,
//! what screen readers are told and the message box's text. Only [`State::reduce`] changes it: given an [`Action`], it returns
//! the [`Effect`]s for the panel to carry out (tell the host page, hand a message to the client,
//! move the focus). No DOM and no session here, so every transition is tested natively.

use kefu_client::{ClientError, Event, MessageId};
use kefu_protocol::chat::BotTurn;

use crate::host::HostEvent;
use crate::tabs::TabMessage;
use crate::transcript::{self, Entry, Notice, RESTORED, Status, Suggestion};

/// Where the conversation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The bot is due to answer: the typing indicator shows.
    Waiting,
    /// The visitor's turn: suggestions show.
    Idle,
    /// The conversation is over (finished, transferred, stopped): a new one is offered.
    Ended,
    /// The platform forgot the session: the next message or "new conversation" starts a new one.
    Expired,
}

impl Mode {
    /// Whether "new conversation" is offered.
    pub fn offers_restart(self) -> bool {
        matches!(self, Mode::Ended | Mode::Expired)
    }
}

/// The satisfaction rating offered when a conversation ends (finish or transfer).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Rating {
    /// Not offered.
    #[default]
    None,
    /// Offered: the score chosen so far (1–5) and the comment.
    Asked {
        /// The chosen score.
        score: Option<u8>,
        /// The comment typed so far.
        comment: String,
    },
    /// Sent: thanked for.
    Rated,
    /// Skipped.
    Skipped,
}

/// What changes the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The client reported an event.
    Client(Event),
    /// A new session begins here (a reload that could not continue the saved one).
    NewSession,
    /// The chat could not start: why.
    NotStarted(ClientError),
    /// The message box changed.
    Draft(String),
    /// Send the message box's text.
    Send,
    /// A suggestion was tapped: send its question.
    Suggest(String),
    /// Resend the failed message at this index of the transcript.
    Resend(usize),
    /// The error banner's retry.
    Retry,
    /// Start a new conversation.
    Restart,
    /// The close button or Escape.
    Close,
    /// Download the transcript as a text file.
    Download,
    /// Copy the transcript to the clipboard.
    Copy,
    /// Whether keeping the transcript (copy or download) worked, to announce.
    Kept(bool),
    /// A pointer went down (`touch` when it was a finger) or a key was pressed (`touch: false`):
    /// after a touch, taps do not move the focus into the message box, which would pop up the
    /// phone's keyboard.
    Pointer {
        /// Whether the last input was a touch.
        touch: bool,
    },
    /// The leading tab's conversation, shown in this one (which does not lead): its lines,
    /// suggestions, mode, rating step and error banner; the new bot lines are announced when
    /// `announce` (not on joining).
    Mirror {
        /// The leader's lines.
        entries: Vec<Entry>,
        /// The leader's suggestions.
        suggestions: Vec<Suggestion>,
        /// The leader's mode.
        mode: Mode,
        /// The leader's rating step (a form being filled in here stays while it is offered).
        rating: Rating,
        /// Whether the leader shows the error banner.
        error: bool,
        /// Whether to announce the bot lines that are new here.
        announce: bool,
    },
    /// Another tab's visitor wrote this: send it (this tab leads).
    Input(String),
    /// This tab leads now: the panel starts or continues the session (nothing changes here).
    Lead,
    /// Another tab said this: the panel handles it (nothing changes here).
    Tab(TabMessage),
    /// A score (1–5) of the offered rating was chosen.
    RatePick(u8),
    /// The rating's comment changed.
    RateComment(String),
    /// Send the rating.
    RateSend,
    /// Skip the rating.
    RateSkip,
    /// The voice button: start listening, or stop.
    Listen,
    /// Speech was recognized: its text goes into the message box, to review (never sent).
    Heard(String),
    /// Listening stopped.
    Listened,
    /// The client refused an [`Effect`] at once.
    Refused {
        /// Why, for the banner's detail.
        error: ClientError,
        /// The message box's text that [`Effect::Send`] carried, to put back.
        draft: Option<String>,
    },
}

/// What the panel must do after a transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Tell the host page.
    Notify(HostEvent),
    /// Hand `text` to the client, starting a new session first when the last one is over. When
    /// `draft`, it came from the message box: give it back with [`Action::Refused`] if refused.
    Send {
        /// The message.
        text: String,
        /// Whether it is the message box's text.
        draft: bool,
    },
    /// Have the client resend its message.
    Resend(MessageId),
    /// Have the client retry what failed.
    Retry,
    /// Have the client start a new session.
    Restart,
    /// Move the keyboard focus to the message box.
    Focus,
    /// Download the transcript as a text file.
    Download,
    /// Copy the transcript to the clipboard.
    Copy,
    /// Start recognizing speech.
    Listen,
    /// Stop recognizing speech.
    StopListening,
}

/// Everything the chat shows.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    entries: Vec<Entry>,
    suggestions: Vec<Suggestion>,
    mode: Mode,
    error: Option<String>,
    draft: String,
    sid: String,
    touch: bool,
    kept: Option<bool>,
    /// The bot's lines of the exchange under way, announced together when the bot stops.
    heard: Vec<String>,
    rating: Rating,
    listening: bool,
    /// The last exchange's bot lines, for the live region.
    announced: Vec<String>,
    /// How many exchanges were announced: a new one replaces the live region's node.
    announcements: u32,
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}

impl State {
    /// A chat waiting for the first answer.
    pub fn new() -> State {
        State::restore(Vec::new())
    }

    /// A chat continuing `entries` saved before a page reload (see [`transcript::restore`]).
    pub fn restore(entries: Vec<Entry>) -> State {
        State {
            entries: transcript::restore(entries),
            suggestions: Vec::new(),
            mode: Mode::Waiting,
            error: None,
            draft: String::new(),
            sid: String::new(),
            touch: false,
            kept: None,
            rating: Rating::None,
            listening: false,
            heard: Vec::new(),
            announced: Vec::new(),
            announcements: 0,
        }
    }

    /// Every line, oldest first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Questions to offer under the last bot message.
    pub fn suggestions(&self) -> &[Suggestion] {
        &self.suggestions
    }

    /// Where the conversation is.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The error banner's detail, when it shows.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Whether the last copy or download of the transcript worked, until the next one.
    pub fn kept(&self) -> Option<bool> {
        self.kept
    }

    /// What the polite live region says, and its number: the bot's lines of the last exchange,
    /// each new line once, a multi-part answer as a whole. A restored transcript says nothing.
    pub fn announcement(&self) -> (u32, &[String]) {
        (self.announcements, &self.announced)
    }

    /// The satisfaction rating's step.
    pub fn rating(&self) -> &Rating {
        &self.rating
    }

    /// A restored chat whose saved conversation offered a rating not yet answered offers it
    /// again; one answered or skipped is not asked again.
    pub fn with_rating(mut self, asked: bool) -> State {
        if asked {
            self.rating = Rating::Asked { score: None, comment: String::new() };
        }
        self
    }

    /// Whether speech is being recognized for the message box.
    pub fn listening(&self) -> bool {
        self.listening
    }

    /// The message box's text.
    pub fn draft(&self) -> &str {
        &self.draft
    }

    /// Applies `action` at time `now` (`HH:MM`); returns what the panel must do.
    pub fn reduce(&mut self, action: Action, now: &str) -> Vec<Effect> {
        match action {
            Action::Client(event) => return self.apply(&event, now),
            Action::NewSession => {
                if !self.entries.is_empty() {
                    self.notice(Notice::NewSession, now);
                }
            }
            Action::NotStarted(error) => {
                self.error = Some(error.to_string());
                self.stop_waiting();
            }
            Action::Draft(text) => self.draft = text,
            Action::Send => {
                // The text leaves the box now, and comes back if the client refuses it.
                if !self.draft.trim().is_empty() {
                    let text = std::mem::take(&mut self.draft);
                    return self.then_focus(Effect::Send { text, draft: true });
                }
            }
            Action::Suggest(text) => return self.then_focus(Effect::Send { text, draft: false }),
            Action::Resend(index) => match self.entries.get(index) {
                Some(Entry::User { id: RESTORED, text, .. }) => {
                    // From before a reload: the client does not know it; send its text anew.
                    let text = text.clone();
                    self.entries.remove(index);
                    return vec![Effect::Send { text, draft: false }];
                }
                Some(Entry::User { id, .. }) => return vec![Effect::Resend(*id)],
                _ => {}
            },
            Action::Retry => {
                self.error = None;
                return vec![Effect::Retry];
            }
            Action::Restart => return self.then_focus(Effect::Restart),
            Action::Close => return vec![Effect::Notify(HostEvent::Close)],
            Action::Pointer { touch } => self.touch = touch,
            Action::Download | Action::Copy => {
                self.kept = None;
                return vec![if action == Action::Copy { Effect::Copy } else { Effect::Download }];
            }
            Action::Kept(worked) => self.kept = Some(worked),
            Action::Mirror { entries, suggestions, mode, rating, error, announce } => {
                if announce {
                    let new = entries.get(self.entries.len()..).unwrap_or_default();
                    for entry in new {
                        if let Entry::Bot { text, .. } = entry {
                            self.heard.push(crate::markdown::spoken(text));
                        }
                    }
                    if mode != Mode::Waiting {
                        self.announce();
                    }
                }
                self.entries = entries;
                self.suggestions = suggestions;
                self.mode = mode;
                let filling = matches!(self.rating, Rating::Asked { .. });
                if !(filling && matches!(rating, Rating::Asked { .. })) {
                    self.rating = rating;
                }
                if error != self.error.is_some() {
                    self.error = error.then(String::new);
                }
            }
            Action::Input(text) => return vec![Effect::Send { text, draft: false }],
            Action::RatePick(picked) => {
                if let Rating::Asked { score, .. } = &mut self.rating {
                    *score = Some(picked.clamp(1, 5));
                }
            }
            Action::RateComment(text) => {
                if let Rating::Asked { comment, .. } = &mut self.rating {
                    *comment = text;
                }
            }
            Action::RateSend => {
                if let Rating::Asked { score: Some(score), comment } = &mut self.rating {
                    let event = HostEvent::Rating {
                        score: *score,
                        comment: comment.trim().to_owned(),
                        sid: self.sid.clone(),
                    };
                    self.rating = Rating::Rated;
                    return vec![Effect::Notify(event)];
                }
            }
            Action::RateSkip => self.rating = Rating::Skipped,
            Action::Listen => {
                self.listening = !self.listening;
                return vec![if self.listening { Effect::Listen } else { Effect::StopListening }];
            }
            Action::Heard(text) => {
                if !self.draft.trim().is_empty() && !self.draft.ends_with(char::is_whitespace) {
                    self.draft.push(' ');
                }
                self.draft.push_str(&text);
            }
            Action::Listened => self.listening = false,
            Action::Lead | Action::Tab(_) => {}
            Action::Refused { error, draft } => {
                self.error = Some(error.to_string());
                if let Some(text) = draft {
                    self.draft = text;
                }
            }
        }
        Vec::new()
    }

    /// Folds one client event in.
    fn apply(&mut self, event: &Event, now: &str) -> Vec<Effect> {
        let mut effects = Vec::new();
        match event {
            Event::Started { sid, restarted } => {
                self.sid = sid.to_string();
                self.error = None;
                self.mode = Mode::Waiting;
                if *restarted && !self.entries.is_empty() {
                    self.notice(Notice::NewSession, now);
                }
            }
            Event::Say(turn) => {
                self.error = None;
                self.bot_line(turn, now, &mut effects);
                if !turn.relation_list.is_empty() {
                    self.suggestions = transcript::suggestions(&turn.relation_list);
                }
            }
            Event::Wait => {
                self.stop_waiting();
                self.error = None;
            }
            Event::Finish(turn) | Event::Transfer(turn) => {
                let transfer = matches!(event, Event::Transfer(_));
                self.bot_line(turn, now, &mut effects);
                self.mode = Mode::Ended;
                self.suggestions.clear();
                self.notice(if transfer { Notice::Transferred } else { Notice::Finished }, now);
                if !matches!(self.rating, Rating::Asked { .. }) {
                    self.rating = Rating::Asked { score: None, comment: String::new() };
                }
                let sid = self.sid.clone();
                effects.push(Effect::Notify(if transfer {
                    HostEvent::Transfer { sid }
                } else {
                    HostEvent::Finish { sid }
                }));
            }
            Event::MessageQueued { id, text } => {
                self.suggestions.clear();
                self.mode = Mode::Waiting;
                match self.user_entry(*id) {
                    Some(Entry::User { status, .. }) => *status = Status::Sending,
                    _ => {
                        self.entries.push(Entry::User {
                            id: *id,
                            text: text.clone(),
                            time: now.to_owned(),
                            status: Status::Sending,
                        });
                        let sid = self.sid.clone();
                        effects.push(Effect::Notify(HostEvent::Message {
                            from: "user",
                            text: text.clone(),
                            sid,
                        }));
                    }
                }
            }
            Event::MessageSent { id } => {
                if let Some(Entry::User { status, .. }) = self.user_entry(*id) {
                    *status = Status::Sent;
                }
            }
            Event::MessageFailed { id, text, error } => {
                self.stop_waiting();
                match self.user_entry(*id) {
                    Some(Entry::User { status, .. }) => *status = Status::Failed(error.to_string()),
                    _ => self.entries.push(Entry::User {
                        id: *id,
                        text: text.clone(),
                        time: now.to_owned(),
                        status: Status::Failed(error.to_string()),
                    }),
                }
            }
            Event::Expired => {
                self.mode = Mode::Expired;
                self.suggestions.clear();
                self.notice(Notice::Expired, now);
                // The platform forgot the session while the visitor was writing: carry on in a
                // new one at once, with the waiting messages (the transcript shows a divider).
                effects.push(Effect::Restart);
            }
            Event::Stopped => {
                self.mode = Mode::Ended;
                self.suggestions.clear();
            }
            Event::Error(error) => {
                self.stop_waiting();
                self.error = Some(error.to_string());
                effects.push(Effect::Notify(HostEvent::Error { message: error.to_string() }));
            }
        }
        // The bot is done with this exchange (it waits, ended, failed, or the visitor wrote):
        // what it said is announced together.
        if !matches!(event, Event::Say(_) | Event::Started { .. } | Event::MessageSent { .. }) {
            self.announce();
        }
        effects
    }

    /// Hands the lines heard since the last announcement to the live region.
    fn announce(&mut self) {
        if !self.heard.is_empty() {
            self.announced = std::mem::take(&mut self.heard);
            self.announcements += 1;
        }
    }

    /// `effect`, then the focus back to the message box unless the last input was a touch.
    fn then_focus(&self, effect: Effect) -> Vec<Effect> {
        if self.touch { vec![effect] } else { vec![effect, Effect::Focus] }
    }

    /// The bot is no longer due to answer (an ended or expired conversation stays so).
    fn stop_waiting(&mut self) {
        if self.mode == Mode::Waiting {
            self.mode = Mode::Idle;
        }
    }

    /// Adds the bot's line of `turn`, if it says anything, and tells the host.
    fn bot_line(&mut self, turn: &BotTurn, now: &str, effects: &mut Vec<Effect>) {
        if let Some((text, truncated)) = transcript::bot_text(turn) {
            let sid = self.sid.clone();
            effects.push(Effect::Notify(HostEvent::Message { from: "bot", text: text.clone(), sid }));
            self.heard.push(crate::markdown::spoken(&text));
            self.entries.push(Entry::Bot { text, truncated, time: now.to_owned() });
        }
    }

    fn notice(&mut self, kind: Notice, now: &str) {
        self.entries.push(Entry::Notice { kind, time: now.to_owned() });
    }

    fn user_entry(&mut self, id: MessageId) -> Option<&mut Entry> {
        // Restored messages (id 0) are never the client's.
        self.entries
            .iter_mut()
            .rev()
            .find(|e| matches!(e, Entry::User { id: i, .. } if *i == id && id != RESTORED))
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use kefu_client::{ClientError, Failure};
    use kefu_protocol::chat::Relation;
    use kefu_protocol::{Cmd, Sid};

    use super::*;
    use crate::transcript::MAX_PROMPT_CHARS;

    const SID: &str = "0123456789abcdef0123456789abcdef";

    fn turn(cmd: Cmd, prompt: &str) -> Rc<BotTurn> {
        Rc::new(BotTurn {
            sid: "s".into(),
            cmd,
            prompt: prompt.into(),
            prompt_id: "p".into(),
            channel: None,
            relation_list: Vec::new(),
            ext: None,
            debug_info: None,
        })
    }

    /// The effects of the client's `event` at `now`.
    fn apply(s: &mut State, event: Event, now: &str) -> Vec<Effect> {
        s.reduce(Action::Client(event), now)
    }

    /// The host notifications among `effects`.
    fn host(effects: Vec<Effect>) -> Vec<HostEvent> {
        effects
            .into_iter()
            .filter_map(|e| match e {
                Effect::Notify(event) => Some(event),
                _ => None,
            })
            .collect()
    }

    fn started(s: &mut State, restarted: bool) {
        let sid = Sid::parse(SID).expect("valid sid");
        apply(s, Event::Started { sid, restarted }, "10:00");
    }

    #[test]
    fn a_turn_shows_the_prompt_and_suggestions_until_the_user_writes() {
        let mut s = State::new();
        assert_eq!(s.mode(), Mode::Waiting);
        started(&mut s, false);
        let mut say = turn(Cmd::Say, "您好");
        Rc::get_mut(&mut say).expect("not shared yet").relation_list = vec![
            Relation { relation_title: "如何付款".into(), question_name: "付款方式".into() },
            Relation { relation_title: String::new(), question_name: "强制执行".into() },
            Relation { relation_title: "empty".into(), question_name: " ".into() },
        ];
        let effects = apply(&mut s, Event::Say(say), "10:01");
        assert_eq!(
            effects,
            vec![Effect::Notify(HostEvent::Message { from: "bot", text: "您好".into(), sid: SID.into() })]
        );
        apply(&mut s, Event::Wait, "10:01");
        assert_eq!(s.mode(), Mode::Idle);
        assert_eq!(
            s.suggestions(),
            [
                Suggestion { title: "如何付款".into(), question: "付款方式".into() },
                Suggestion { title: "强制执行".into(), question: "强制执行".into() },
            ]
        );
        apply(&mut s, Event::MessageQueued { id: 1, text: "付款方式".into() }, "10:02");
        assert!(s.suggestions().is_empty());
        assert_eq!(s.mode(), Mode::Waiting);
        apply(&mut s, Event::MessageSent { id: 1 }, "10:02");
        assert_eq!(
            s.entries()[1],
            Entry::User { id: 1, text: "付款方式".into(), time: "10:02".into(), status: Status::Sent }
        );
    }

    #[test]
    fn a_failed_message_keeps_its_text_and_a_resend_reuses_its_line() {
        let mut s = State::new();
        apply(&mut s, Event::MessageQueued { id: 7, text: "hello".into() }, "10:00");
        let error = ClientError::Delivery(Failure::Uncertain("timeout".into()));
        apply(&mut s, Event::MessageFailed { id: 7, text: "hello".into(), error }, "10:00");
        assert!(
            matches!(&s.entries()[0], Entry::User { status: Status::Failed(_), text, .. } if text == "hello")
        );
        assert_eq!(s.mode(), Mode::Idle);
        assert_eq!(s.reduce(Action::Resend(0), "10:01"), [Effect::Resend(7)]);
        let effects = apply(&mut s, Event::MessageQueued { id: 7, text: "hello".into() }, "10:01");
        assert!(host(effects.clone()).is_empty(), "a resend is not a new message: {effects:?}");
        assert_eq!(s.entries().len(), 1);
        assert!(matches!(&s.entries()[0], Entry::User { status: Status::Sending, .. }));
    }

    #[test]
    fn transfer_and_finish_end_with_a_notice_and_tell_the_host() {
        let mut s = State::new();
        started(&mut s, false);
        let effects = apply(&mut s, Event::Transfer(turn(Cmd::Transfer, "")), "10:03");
        assert_eq!(s.mode(), Mode::Ended);
        assert!(s.mode().offers_restart());
        assert_eq!(s.entries(), [Entry::Notice { kind: Notice::Transferred, time: "10:03".into() }]);
        assert!(matches!(&host(effects)[..], [HostEvent::Transfer { sid }] if sid.len() == 32));
        started(&mut s, true);
        assert_eq!(s.mode(), Mode::Waiting);
        assert!(matches!(s.entries().last(), Some(Entry::Notice { kind: Notice::NewSession, .. })));
        let effects = apply(&mut s, Event::Finish(turn(Cmd::Finish, "再见")), "10:04");
        assert!(matches!(&host(effects)[..], [HostEvent::Message { .. }, HostEvent::Finish { .. }]));
        assert!(matches!(s.entries().last(), Some(Entry::Notice { kind: Notice::Finished, .. })));
        apply(&mut s, Event::Stopped, "10:05");
        assert_eq!(s.mode(), Mode::Ended);
    }

    #[test]
    fn ssml_is_plain_text_and_long_prompts_are_cut() {
        let mut s = State::new();
        apply(&mut s, Event::Say(turn(Cmd::Say, "<speak>您好<break time=\"1s\"/>再见</speak>")), "10:00");
        let Entry::Bot { text, .. } = &s.entries()[0] else { panic!("{:?}", s.entries()) };
        assert!(!text.contains('<'), "{text}");
        assert!(text.contains("您好") && text.contains("再见"));
        let long = "长".repeat(MAX_PROMPT_CHARS * 3);
        apply(&mut s, Event::Say(turn(Cmd::Say, &long)), "10:00");
        let Entry::Bot { text, truncated, .. } = &s.entries()[1] else { panic!() };
        assert!(*truncated);
        assert_eq!(text.chars().count(), MAX_PROMPT_CHARS);
    }

    #[test]
    fn errors_show_a_banner_that_the_next_answer_clears() {
        let mut s = State::new();
        let error = ClientError::Delivery(Failure::NotDelivered("proxy said 503".into()));
        let effects = apply(&mut s, Event::Error(error), "10:00");
        assert!(s.error().is_some_and(|e| e.contains("503")));
        assert_eq!(s.mode(), Mode::Idle);
        assert!(matches!(&host(effects)[..], [HostEvent::Error { .. }]));
        apply(&mut s, Event::Say(turn(Cmd::Say, "ok")), "10:00");
        assert_eq!(s.error(), None);
    }

    #[test]
    fn the_banners_retry_hides_it_and_asks_the_client() {
        let mut s = State::new();
        s.reduce(Action::NotStarted(ClientError::NotStarted), "10:00");
        assert_eq!((s.error(), s.mode()), (Some("the chat could not start"), Mode::Idle));
        assert_eq!(s.reduce(Action::Retry, "10:00"), [Effect::Retry]);
        assert_eq!(s.error(), None);
    }

    #[test]
    fn a_restored_transcript_keeps_its_lines_and_fails_what_was_unconfirmed() {
        let mut old = State::new();
        apply(&mut old, Event::Say(turn(Cmd::Say, "您好")), "10:00");
        apply(&mut old, Event::MessageQueued { id: 1, text: "sent".into() }, "10:01");
        apply(&mut old, Event::MessageSent { id: 1 }, "10:01");
        apply(&mut old, Event::MessageQueued { id: 2, text: "in flight".into() }, "10:02");
        let mut s = State::restore(old.entries().to_vec());
        assert_eq!(s.entries().len(), 3);
        assert!(matches!(&s.entries()[1], Entry::User { id: RESTORED, status: Status::Sent, .. }));
        assert!(
            matches!(&s.entries()[2], Entry::User { id: RESTORED, status: Status::Failed(_), text, .. } if text == "in flight")
        );
        // The new client's message 1 is a new line, not the restored one.
        apply(&mut s, Event::MessageQueued { id: 1, text: "again".into() }, "10:05");
        assert_eq!(s.entries().len(), 4);
        s.reduce(Action::NewSession, "10:06");
        assert!(matches!(s.entries().last(), Some(Entry::Notice { kind: Notice::NewSession, .. })));
        // Resending a restored line sends its text anew, in place of the line.
        let effects = s.reduce(Action::Resend(2), "10:07");
        assert_eq!(effects, [Effect::Send { text: "in flight".into(), draft: false }]);
        assert_eq!(s.entries().len(), 4);
        assert!(s.reduce(Action::Resend(0), "10:07").is_empty(), "a bot line has nothing to resend");
    }

    #[test]
    fn each_exchange_is_announced_once_as_a_whole_and_restored_lines_never() {
        let mut s = State::new();
        started(&mut s, false);
        apply(&mut s, Event::Say(turn(Cmd::Say, "您好")), "10:00");
        apply(&mut s, Event::Say(turn(Cmd::Say, "请问有什么可以帮您？")), "10:00");
        assert_eq!(s.announcement(), (0, &[][..]), "nothing until the bot is done");
        apply(&mut s, Event::Wait, "10:00");
        assert_eq!(s.announcement(), (1, &["您好".to_owned(), "请问有什么可以帮您？".to_owned()][..]));
        apply(&mut s, Event::MessageQueued { id: 1, text: "怎么付钱".into() }, "10:01");
        apply(&mut s, Event::MessageSent { id: 1 }, "10:01");
        assert_eq!(s.announcement().0, 1, "the visitor's own line is not announced");
        apply(&mut s, Event::Say(turn(Cmd::Say, "银行转账")), "10:01");
        apply(&mut s, Event::Wait, "10:01");
        assert_eq!(s.announcement(), (2, &["银行转账".to_owned()][..]));
        apply(&mut s, Event::Wait, "10:02");
        assert_eq!(s.announcement().0, 2, "a wait with nothing new announces nothing");
        // The same words again are a new announcement.
        apply(&mut s, Event::Say(turn(Cmd::Say, "银行转账")), "10:02");
        apply(&mut s, Event::Finish(turn(Cmd::Finish, "再见")), "10:02");
        assert_eq!(s.announcement(), (3, &["银行转账".to_owned(), "再见".to_owned()][..]));

        let restored = State::restore(s.entries().to_vec());
        assert_eq!(restored.announcement(), (0, &[][..]), "a restored transcript is not read out");
    }

    #[test]
    fn a_mirror_shows_the_leaders_chat_and_announces_only_what_is_new() {
        let mut leader = State::new();
        apply(&mut leader, Event::Say(turn(Cmd::Say, "您好")), "10:00");
        let mut s = State::restore(vec![Entry::Notice { kind: Notice::Expired, time: "9:00".into() }]);
        let mirror = |state: &State, announce| Action::Mirror {
            entries: state.entries().to_vec(),
            suggestions: vec![Suggestion { title: "付款".into(), question: "怎么付钱".into() }],
            mode: state.mode(),
            rating: state.rating().clone(),
            error: state.error().is_some(),
            announce,
        };
        assert!(s.reduce(mirror(&leader, false), "10:00").is_empty());
        assert_eq!(s.entries(), leader.entries());
        assert_eq!(s.suggestions().len(), 1);
        assert_eq!(s.announcement().0, 0, "joining reads nothing out");
        apply(&mut leader, Event::Say(turn(Cmd::Say, "**第二句**")), "10:00");
        s.reduce(mirror(&leader, true), "10:00");
        assert_eq!(s.announcement().0, 0, "the leader's bot is not done yet");
        apply(&mut leader, Event::Wait, "10:00");
        s.reduce(mirror(&leader, true), "10:00");
        assert_eq!((s.mode(), s.announcement()), (Mode::Idle, (1, &["第二句".to_owned()][..])));
        // What the visitor types here is the leader's to send.
        assert_eq!(
            s.reduce(Action::Input("你好".into()), "10:01"),
            [Effect::Send { text: "你好".into(), draft: false }]
        );
        assert!(s.reduce(Action::Lead, "10:01").is_empty());
        assert!(s.reduce(Action::Tab(TabMessage::Hello), "10:01").is_empty());
    }

    #[test]
    fn a_mirror_shows_the_leaders_rating_and_banner_and_keeps_a_form_being_filled_in() {
        let mirror = |rating: Rating, error: bool| Action::Mirror {
            entries: Vec::new(),
            suggestions: Vec::new(),
            mode: Mode::Ended,
            rating,
            error,
            announce: false,
        };
        let asked = || Rating::Asked { score: None, comment: String::new() };
        let mut s = State::new();
        s.reduce(mirror(asked(), false), "10:00");
        assert_eq!(s.rating(), &asked(), "the leader offers the rating: so does this tab");
        s.reduce(Action::RatePick(4), "10:00");
        s.reduce(Action::RateComment("好".into()), "10:00");
        s.reduce(mirror(asked(), true), "10:00");
        assert_eq!(
            s.rating(),
            &Rating::Asked { score: Some(4), comment: "好".into() },
            "what the visitor chose here stays while the leader still offers it"
        );
        assert!(s.error().is_some(), "the leader's banner shows here too");
        s.reduce(mirror(Rating::Rated, false), "10:01");
        assert_eq!((s.rating(), s.error()), (&Rating::Rated, None), "answered (here or there): thanked");
        s.reduce(mirror(Rating::Skipped, false), "10:01");
        assert_eq!(s.rating(), &Rating::Skipped);
    }

    #[test]
    fn a_rating_is_offered_when_a_conversation_ends_and_sent_or_skipped_once() {
        let mut s = State::new();
        started(&mut s, false);
        assert_eq!(s.rating(), &Rating::None);
        s.reduce(Action::RatePick(5), "10:00");
        assert_eq!(s.rating(), &Rating::None, "nothing to rate before the end");
        apply(&mut s, Event::Finish(turn(Cmd::Finish, "再见")), "10:01");
        assert_eq!(s.rating(), &Rating::Asked { score: None, comment: String::new() });
        assert!(s.reduce(Action::RateSend, "10:01").is_empty(), "no score, nothing sent");
        s.reduce(Action::RatePick(4), "10:01");
        s.reduce(Action::RateComment(" 很好 ".into()), "10:01");
        let effects = s.reduce(Action::RateSend, "10:01");
        assert_eq!(host(effects), [HostEvent::Rating { score: 4, comment: "很好".into(), sid: SID.into() }]);
        assert_eq!(s.rating(), &Rating::Rated);
        assert!(s.reduce(Action::RateSend, "10:01").is_empty(), "sent once");
        // The next conversation's end asks again; a skip sends nothing.
        started(&mut s, true);
        apply(&mut s, Event::Transfer(turn(Cmd::Transfer, "")), "10:02");
        assert!(matches!(s.rating(), Rating::Asked { .. }));
        assert!(s.reduce(Action::RateSkip, "10:02").is_empty());
        assert_eq!(s.rating(), &Rating::Skipped);
        // After a reload: an unanswered rating is offered again, an answered one not.
        assert!(matches!(State::restore(Vec::new()).with_rating(true).rating(), Rating::Asked { .. }));
        assert_eq!(State::restore(Vec::new()).with_rating(false).rating(), &Rating::None);
    }

    #[test]
    fn speech_lands_in_the_box_and_is_never_sent() {
        let mut s = State::new();
        assert_eq!(s.reduce(Action::Listen, "10:00"), [Effect::Listen]);
        assert!(s.listening());
        assert!(s.reduce(Action::Heard("怎么付钱".into()), "10:00").is_empty(), "nothing is sent");
        assert_eq!(s.draft(), "怎么付钱");
        s.reduce(Action::Listened, "10:00");
        assert!(!s.listening());
        s.reduce(Action::Heard("谢谢".into()), "10:00");
        assert_eq!(s.draft(), "怎么付钱 谢谢", "added to what the box holds");
        s.reduce(Action::Listen, "10:00");
        assert_eq!(s.reduce(Action::Listen, "10:00"), [Effect::StopListening], "a second press stops");
        assert!(!s.listening());
    }

    #[test]
    fn a_new_session_marks_only_a_transcript_that_has_lines() {
        let mut s = State::new();
        s.reduce(Action::NewSession, "10:00");
        assert!(s.entries().is_empty());
    }

    #[test]
    fn expiry_offers_a_new_session_and_starts_one() {
        let mut s = State::new();
        let effects = apply(&mut s, Event::Expired, "10:00");
        assert_eq!(s.mode(), Mode::Expired);
        assert!(s.mode().offers_restart());
        assert!(matches!(s.entries()[0], Entry::Notice { kind: Notice::Expired, .. }));
        assert_eq!(effects, [Effect::Restart]);
    }

    #[test]
    fn the_box_keeps_its_text_until_the_client_takes_it() {
        let mut s = State::new();
        s.reduce(Action::Draft("  ".into()), "10:00");
        assert!(s.reduce(Action::Send, "10:00").is_empty(), "a blank box sends nothing");
        s.reduce(Action::Draft("你好\n".into()), "10:00");
        let effects = s.reduce(Action::Send, "10:00");
        assert_eq!(effects, [Effect::Send { text: "你好\n".into(), draft: true }, Effect::Focus]);
        assert_eq!(s.draft(), "");
        let refused = Action::Refused { error: ClientError::NoSessionId, draft: Some("你好\n".into()) };
        s.reduce(refused, "10:00");
        assert_eq!(s.draft(), "你好\n");
        assert_eq!(s.error(), Some(ClientError::NoSessionId.to_string().as_str()));
        // A refused suggestion leaves the box alone.
        let effects = s.reduce(Action::Suggest("付款方式".into()), "10:00");
        assert_eq!(effects, [Effect::Send { text: "付款方式".into(), draft: false }, Effect::Focus]);
        s.reduce(Action::Refused { error: ClientError::NotStarted, draft: None }, "10:00");
        assert_eq!(s.draft(), "你好\n");
    }

    #[test]
    fn restart_and_close_are_the_panels_to_carry_out() {
        let mut s = State::new();
        assert_eq!(s.reduce(Action::Restart, "10:00"), [Effect::Restart, Effect::Focus]);
        assert_eq!(s.reduce(Action::Close, "10:00"), [Effect::Notify(HostEvent::Close)]);
        assert_eq!(s, State::new(), "neither changes what shows");
    }

    #[test]
    fn keeping_the_transcript_is_the_panels_and_its_outcome_is_announced() {
        let mut s = State::new();
        assert_eq!(s.reduce(Action::Copy, "10:00"), [Effect::Copy]);
        s.reduce(Action::Kept(true), "10:00");
        assert_eq!(s.kept(), Some(true));
        assert_eq!(s.reduce(Action::Download, "10:00"), [Effect::Download]);
        assert_eq!(s.kept(), None, "a new attempt clears the last outcome");
        s.reduce(Action::Kept(false), "10:00");
        assert_eq!(s.kept(), Some(false));
    }

    #[test]
    fn a_new_conversation_keeps_the_old_one_above_a_divider() {
        let mut s = State::new();
        started(&mut s, false);
        apply(&mut s, Event::Say(turn(Cmd::Say, "您好")), "10:00");
        apply(&mut s, Event::Finish(turn(Cmd::Finish, "再见")), "10:01");
        assert_eq!(s.reduce(Action::Restart, "10:02"), [Effect::Restart, Effect::Focus]);
        started(&mut s, true);
        apply(&mut s, Event::Say(turn(Cmd::Say, "您好")), "10:02");
        let kinds: Vec<_> = s
            .entries()
            .iter()
            .map(|e| match e {
                Entry::Bot { text, .. } => text.clone(),
                Entry::Notice { kind, .. } => format!("{kind:?}"),
                Entry::User { .. } => "user".into(),
            })
            .collect();
        assert_eq!(kinds, ["您好", "再见", "Finished", "NewSession", "您好"]);
    }

    #[test]
    fn after_a_touch_taps_leave_the_focus_alone_and_a_key_or_mouse_brings_it_back() {
        let mut s = State::new();
        s.reduce(Action::Pointer { touch: true }, "10:00");
        let suggest = Action::Suggest("付款方式".into());
        assert_eq!(
            s.reduce(suggest.clone(), "10:00"),
            [Effect::Send { text: "付款方式".into(), draft: false }]
        );
        assert_eq!(s.reduce(Action::Restart, "10:00"), [Effect::Restart]);
        s.reduce(Action::Draft("hi".into()), "10:00");
        assert_eq!(s.reduce(Action::Send, "10:00"), [Effect::Send { text: "hi".into(), draft: true }]);
        s.reduce(Action::Pointer { touch: false }, "10:00");
        assert_eq!(s.reduce(suggest, "10:00").last(), Some(&Effect::Focus));
        s.reduce(Action::Pointer { touch: true }, "10:00");
        s.reduce(Action::Pointer { touch: false }, "10:00");
        assert_eq!(s.reduce(Action::Restart, "10:00"), [Effect::Restart, Effect::Focus]);
    }
}
