//! What the chat shows, as data: the client's [`Event`]s folded into entries, suggestions, the
//! typing indicator and the error banner. No DOM here, so it is tested natively.

use kefu_client::{ClientError, Event, MessageId};
use kefu_protocol::chat::BotTurn;
use kefu_protocol::ssml_to_text;

/// The id of a message restored from before a reload: the client never uses it.
pub const RESTORED: MessageId = 0;

/// Longest prompt shown, in characters; longer ones are cut short with a notice.
pub const MAX_PROMPT_CHARS: usize = 4_000;

/// One line of the transcript.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// The bot said something (Markdown).
    Bot {
        /// The text, SSML reduced to plain text, at most [`MAX_PROMPT_CHARS`].
        text: String,
        /// Whether the text was cut short.
        truncated: bool,
        /// When it arrived (`HH:MM`).
        time: String,
    },
    /// The user wrote something.
    User {
        /// The client's id for it.
        id: MessageId,
        /// Exactly what was typed.
        text: String,
        /// When it was typed (`HH:MM`).
        time: String,
        /// Where its delivery is.
        status: Status,
    },
    /// Something happened to the conversation.
    Notice {
        /// What.
        kind: Notice,
        /// When (`HH:MM`).
        time: String,
    },
}

/// Where a user message's delivery is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Waiting for its turn or on its way.
    Sending,
    /// The platform received it.
    Sent,
    /// Not delivered, or maybe not: the user may resend it.
    Failed(String),
}

/// A notice in the transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Handed to a human agent.
    Transferred,
    /// The bot ended the conversation.
    Finished,
    /// The platform forgot the idle session.
    Expired,
    /// A new session begins here.
    NewSession,
}

/// A suggested question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// What the chip shows.
    pub title: String,
    /// What tapping it sends.
    pub question: String,
}

/// What the host page is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostEvent {
    /// A message appeared: `from` is `"bot"` or `"user"`.
    Message {
        /// Who wrote it.
        from: &'static str,
        /// Its text.
        text: String,
        /// The session it belongs to.
        sid: String,
    },
    /// The conversation was handed to a human agent.
    Transfer {
        /// The session id.
        sid: String,
    },
    /// The bot ended the conversation.
    Finish {
        /// The session id.
        sid: String,
    },
    /// The visitor asked to close the chat (close button or Escape).
    Close,
    /// Something failed.
    Error {
        /// What, in English, for logs.
        message: String,
    },
}

/// The whole visible state of a chat.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Transcript {
    /// Every line, oldest first.
    pub entries: Vec<Entry>,
    /// Questions to offer under the last bot message.
    pub suggestions: Vec<Suggestion>,
    /// The bot is due to answer.
    pub typing: bool,
    /// The error banner's detail, when shown.
    pub error: Option<String>,
    /// The conversation is over (finished, transferred, stopped): offer a new one.
    pub ended: bool,
    /// The session expired: the next message or "new conversation" starts a new one.
    pub expired: bool,
    /// The current session id.
    pub sid: String,
}

impl Transcript {
    /// A transcript waiting for the first answer.
    pub fn new() -> Transcript {
        Transcript { typing: true, ..Transcript::default() }
    }

    /// A transcript continuing `entries` saved before a page reload. Their messages are no
    /// longer the client's (id [`RESTORED`]); one still on its way is marked failed, since
    /// nothing confirmed it, and offers a resend.
    pub fn restore(entries: Vec<Entry>) -> Transcript {
        let entries = entries
            .into_iter()
            .map(|entry| match entry {
                Entry::User { text, time, status, .. } => Entry::User {
                    id: RESTORED,
                    text,
                    time,
                    status: match status {
                        Status::Sending => {
                            Status::Failed("not confirmed before the page was reloaded".into())
                        }
                        other => other,
                    },
                },
                other => other,
            })
            .collect();
        Transcript { entries, ..Transcript::new() }
    }

    /// Marks where a new session begins (a reload that could not continue the old one).
    pub fn divide(&mut self, now: &str) {
        if !self.entries.is_empty() {
            self.notice(Notice::NewSession, now);
        }
    }

    /// Folds one client event in, at time `now` (`HH:MM`); returns what to tell the host page.
    pub fn apply(&mut self, event: &Event, now: &str) -> Vec<HostEvent> {
        let mut host = Vec::new();
        match event {
            Event::Started { sid, restarted } => {
                self.sid = sid.to_string();
                self.error = None;
                self.ended = false;
                self.expired = false;
                self.typing = true;
                if *restarted && !self.entries.is_empty() {
                    self.notice(Notice::NewSession, now);
                }
            }
            Event::Say(turn) => {
                self.error = None;
                if let Some(text) = self.bot_text(turn, now) {
                    host.push(HostEvent::Message { from: "bot", text, sid: self.sid.clone() });
                }
                if !turn.relation_list.is_empty() {
                    self.suggestions = turn
                        .relation_list
                        .iter()
                        .filter(|r| !r.question_name.trim().is_empty())
                        .map(|r| Suggestion {
                            title: if r.relation_title.trim().is_empty() {
                                r.question_name.clone()
                            } else {
                                r.relation_title.clone()
                            },
                            question: r.question_name.clone(),
                        })
                        .collect();
                }
            }
            Event::Wait => {
                self.typing = false;
                self.error = None;
            }
            Event::Finish(turn) | Event::Transfer(turn) => {
                let transfer = matches!(event, Event::Transfer(_));
                if let Some(text) = self.bot_text(turn, now) {
                    host.push(HostEvent::Message { from: "bot", text, sid: self.sid.clone() });
                }
                self.typing = false;
                self.ended = true;
                self.suggestions.clear();
                self.notice(if transfer { Notice::Transferred } else { Notice::Finished }, now);
                let sid = self.sid.clone();
                host.push(if transfer { HostEvent::Transfer { sid } } else { HostEvent::Finish { sid } });
            }
            Event::MessageQueued { id, text } => {
                self.suggestions.clear();
                self.typing = true;
                match self.user_entry(*id) {
                    Some(Entry::User { status, .. }) => *status = Status::Sending,
                    _ => {
                        self.entries.push(Entry::User {
                            id: *id,
                            text: text.clone(),
                            time: now.to_owned(),
                            status: Status::Sending,
                        });
                        host.push(HostEvent::Message {
                            from: "user",
                            text: text.clone(),
                            sid: self.sid.clone(),
                        });
                    }
                }
            }
            Event::MessageSent { id } => {
                if let Some(Entry::User { status, .. }) = self.user_entry(*id) {
                    *status = Status::Sent;
                }
            }
            Event::MessageFailed { id, text, error } => {
                self.typing = false;
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
                self.typing = false;
                self.expired = true;
                self.suggestions.clear();
                self.notice(Notice::Expired, now);
            }
            Event::Stopped => {
                self.typing = false;
                self.ended = true;
                self.suggestions.clear();
            }
            Event::Error(error) => {
                self.typing = false;
                self.error = Some(error.to_string());
                host.push(HostEvent::Error { message: error.to_string() });
            }
        }
        host
    }

    /// Shows the error banner for an action that was refused at once.
    pub fn refuse(&mut self, error: &ClientError) {
        self.error = Some(error.to_string());
    }

    /// Adds the bot's text of `turn` (if any); returns it.
    fn bot_text(&mut self, turn: &BotTurn, now: &str) -> Option<String> {
        let raw = turn.prompt.trim();
        if raw.is_empty() {
            return None;
        }
        let plain = if looks_like_ssml(raw) { ssml_to_text(raw) } else { raw.to_owned() };
        let (text, truncated) = truncate(&plain, MAX_PROMPT_CHARS);
        self.entries.push(Entry::Bot { text: text.clone(), truncated, time: now.to_owned() });
        Some(text)
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

/// Whether a prompt is SSML (meant for speech) rather than chat text.
fn looks_like_ssml(text: &str) -> bool {
    let head = text.get(..64).unwrap_or(text).to_ascii_lowercase();
    head.starts_with("<speak") || head.starts_with("<?xml")
}

/// At most `max` characters of `text`, and whether it was cut.
pub fn truncate(text: &str, max: usize) -> (String, bool) {
    match text.char_indices().nth(max) {
        Some((at, _)) => (text[..at].to_owned(), true),
        None => (text.to_owned(), false),
    }
}

#[cfg(test)]
mod tests {
    use kefu_client::Failure;
    use kefu_protocol::chat::Relation;
    use kefu_protocol::{Cmd, Sid};

    use super::*;

    fn turn(cmd: Cmd, prompt: &str) -> Box<BotTurn> {
        Box::new(BotTurn {
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

    fn started(t: &mut Transcript, restarted: bool) {
        let sid = Sid::parse("0123456789abcdef0123456789abcdef").expect("valid sid");
        t.apply(&Event::Started { sid, restarted }, "10:00");
    }

    #[test]
    fn a_turn_shows_the_prompt_and_suggestions_until_the_user_writes() {
        let mut t = Transcript::new();
        assert!(t.typing);
        started(&mut t, false);
        let mut say = turn(Cmd::Say, "您好");
        say.relation_list = vec![
            Relation { relation_title: "如何付款".into(), question_name: "付款方式".into() },
            Relation { relation_title: String::new(), question_name: "强制执行".into() },
            Relation { relation_title: "empty".into(), question_name: " ".into() },
        ];
        let host = t.apply(&Event::Say(say), "10:01");
        assert_eq!(
            host,
            vec![HostEvent::Message {
                from: "bot",
                text: "您好".into(),
                sid: "0123456789abcdef0123456789abcdef".into()
            }]
        );
        t.apply(&Event::Wait, "10:01");
        assert!(!t.typing);
        assert_eq!(
            t.suggestions,
            vec![
                Suggestion { title: "如何付款".into(), question: "付款方式".into() },
                Suggestion { title: "强制执行".into(), question: "强制执行".into() },
            ]
        );
        t.apply(&Event::MessageQueued { id: 1, text: "付款方式".into() }, "10:02");
        assert!(t.suggestions.is_empty());
        assert!(t.typing);
        t.apply(&Event::MessageSent { id: 1 }, "10:02");
        assert_eq!(
            t.entries[1],
            Entry::User { id: 1, text: "付款方式".into(), time: "10:02".into(), status: Status::Sent }
        );
    }

    #[test]
    fn a_failed_message_keeps_its_text_and_a_resend_reuses_its_line() {
        let mut t = Transcript::new();
        t.apply(&Event::MessageQueued { id: 7, text: "hello".into() }, "10:00");
        let error = ClientError::Delivery(Failure::Uncertain("timeout".into()));
        t.apply(&Event::MessageFailed { id: 7, text: "hello".into(), error }, "10:00");
        assert!(
            matches!(&t.entries[0], Entry::User { status: Status::Failed(_), text, .. } if text == "hello")
        );
        let host = t.apply(&Event::MessageQueued { id: 7, text: "hello".into() }, "10:01");
        assert!(host.is_empty(), "a resend is not a new message: {host:?}");
        assert_eq!(t.entries.len(), 1);
        assert!(matches!(&t.entries[0], Entry::User { status: Status::Sending, .. }));
    }

    #[test]
    fn transfer_and_finish_end_with_a_notice_and_tell_the_host() {
        let mut t = Transcript::new();
        started(&mut t, false);
        let host = t.apply(&Event::Transfer(turn(Cmd::Transfer, "")), "10:03");
        assert!(t.ended);
        assert_eq!(t.entries, vec![Entry::Notice { kind: Notice::Transferred, time: "10:03".into() }]);
        assert!(matches!(&host[..], [HostEvent::Transfer { sid }] if sid.len() == 32));
        started(&mut t, true);
        assert!(!t.ended);
        assert!(matches!(t.entries.last(), Some(Entry::Notice { kind: Notice::NewSession, .. })));
        let host = t.apply(&Event::Finish(turn(Cmd::Finish, "再见")), "10:04");
        assert!(matches!(&host[..], [HostEvent::Message { .. }, HostEvent::Finish { .. }]));
        assert!(matches!(t.entries.last(), Some(Entry::Notice { kind: Notice::Finished, .. })));
    }

    #[test]
    fn ssml_is_plain_text_and_long_prompts_are_cut() {
        let mut t = Transcript::new();
        t.apply(&Event::Say(turn(Cmd::Say, "<speak>您好<break time=\"1s\"/>再见</speak>")), "10:00");
        let Entry::Bot { text, .. } = &t.entries[0] else { panic!("{:?}", t.entries) };
        assert!(!text.contains('<'), "{text}");
        assert!(text.contains("您好") && text.contains("再见"));
        let long = "长".repeat(MAX_PROMPT_CHARS * 3);
        t.apply(&Event::Say(turn(Cmd::Say, &long)), "10:00");
        let Entry::Bot { text, truncated, .. } = &t.entries[1] else { panic!() };
        assert!(*truncated);
        assert_eq!(text.chars().count(), MAX_PROMPT_CHARS);
    }

    #[test]
    fn errors_show_a_banner_that_the_next_answer_clears() {
        let mut t = Transcript::new();
        let error = ClientError::Delivery(Failure::NotDelivered("proxy said 503".into()));
        let host = t.apply(&Event::Error(error), "10:00");
        assert!(t.error.as_deref().is_some_and(|e| e.contains("503")));
        assert!(matches!(&host[..], [HostEvent::Error { .. }]));
        t.apply(&Event::Say(turn(Cmd::Say, "ok")), "10:00");
        assert_eq!(t.error, None);
    }

    #[test]
    fn a_restored_transcript_keeps_its_lines_and_fails_what_was_unconfirmed() {
        let mut old = Transcript::new();
        old.apply(&Event::Say(turn(Cmd::Say, "您好")), "10:00");
        old.apply(&Event::MessageQueued { id: 1, text: "sent".into() }, "10:01");
        old.apply(&Event::MessageSent { id: 1 }, "10:01");
        old.apply(&Event::MessageQueued { id: 2, text: "in flight".into() }, "10:02");
        let mut t = Transcript::restore(old.entries.clone());
        assert_eq!(t.entries.len(), 3);
        assert!(matches!(&t.entries[1], Entry::User { id: RESTORED, status: Status::Sent, .. }));
        assert!(
            matches!(&t.entries[2], Entry::User { id: RESTORED, status: Status::Failed(_), text, .. } if text == "in flight")
        );
        // The new client's message 1 is a new line, not the restored one.
        t.apply(&Event::MessageQueued { id: 1, text: "again".into() }, "10:05");
        assert_eq!(t.entries.len(), 4);
        t.divide("10:06");
        assert!(matches!(t.entries.last(), Some(Entry::Notice { kind: Notice::NewSession, .. })));
    }

    #[test]
    fn expiry_offers_a_new_session() {
        let mut t = Transcript::new();
        t.apply(&Event::Expired, "10:00");
        assert!(t.expired && !t.typing);
        assert!(matches!(t.entries[0], Entry::Notice { kind: Notice::Expired, .. }));
    }
}
