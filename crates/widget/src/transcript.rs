//! The transcript's lines as data, and the rules that make them from what the platform sends:
//! SSML as plain text, long prompts cut short, suggestions as `Relation::suggestion` maps them.
//! No DOM here, so it is tested natively; [`crate::state`] keeps the lines.

use kefu_client::MessageId;
use kefu_protocol::chat::{BotTurn, Relation};
use kefu_protocol::ssml_to_text;

use crate::i18n::Words;

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

/// The suggestions of a turn's relations, as every client maps them
/// ([`Relation::suggestion`]: blank questions dropped, a blank title shows the question).
pub fn suggestions(relations: &[Relation]) -> Vec<Suggestion> {
    relations
        .iter()
        .filter_map(Relation::suggestion)
        .map(|(title, question)| Suggestion { title: title.to_owned(), question: question.to_owned() })
        .collect()
}

/// The bot's text of `turn`, if it says anything: SSML as plain text, at most
/// [`MAX_PROMPT_CHARS`]; and whether it was cut short.
pub fn bot_text(turn: &BotTurn) -> Option<(String, bool)> {
    let raw = turn.prompt.trim();
    if raw.is_empty() {
        return None;
    }
    let plain = if looks_like_ssml(raw) { ssml_to_text(raw) } else { raw.to_owned() };
    Some(truncate(&plain, MAX_PROMPT_CHARS))
}

/// `entries` saved before a page reload, continued: their messages are no longer the client's
/// (id [`RESTORED`]); one still on its way is marked failed, since nothing confirmed it, and
/// offers a resend.
pub fn restore(entries: Vec<Entry>) -> Vec<Entry> {
    entries
        .into_iter()
        .map(|entry| match entry {
            Entry::User { text, time, status, .. } => Entry::User {
                id: RESTORED,
                text,
                time,
                status: match status {
                    Status::Sending => Status::Failed("not confirmed before the page was reloaded".into()),
                    other => other,
                },
            },
            other => other,
        })
        .collect()
}

/// What a notice says, in `words`' language.
pub fn notice_text(kind: Notice, words: &Words) -> &'static str {
    match kind {
        Notice::Transferred => words.transferred,
        Notice::Finished => words.finished,
        Notice::Expired => words.expired,
        Notice::NewSession => words.new_session,
    }
}

/// The transcript as plain text to keep (download or copy): one line per entry, `time who: text`
/// (a notice is `time — notice`), the lines of a multi-line message indented under it, a failed
/// message marked so. Text stays as it was sent (Markdown as typed), never HTML.
pub fn plain_text(entries: &[Entry], words: &Words) -> String {
    let mut out = String::new();
    for entry in entries {
        let (time, who, text, failed) = match entry {
            Entry::Bot { text, time, .. } => (time, words.bot, text.as_str(), false),
            Entry::User { text, time, status, .. } => {
                (time, words.you, text.as_str(), matches!(status, Status::Failed(_)))
            }
            Entry::Notice { kind, time } => (time, "—", notice_text(*kind, words), false),
        };
        out.push_str(time);
        out.push(' ');
        out.push_str(who);
        out.push_str(if matches!(entry, Entry::Notice { .. }) { " " } else { ": " });
        out.push_str(&text.trim_end().replace('\n', "\n    "));
        if failed {
            out.push_str(" (");
            out.push_str(words.failed);
            out.push(')');
        }
        out.push('\n');
    }
    out
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
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn the_plain_text_has_a_line_per_entry_with_time_and_who_and_keeps_markup_as_text() {
        let entries = vec![
            Entry::Bot { text: "**您好**<b>x</b>".into(), truncated: false, time: "10:00".into() },
            Entry::User {
                id: 1,
                text: "第一行\n第二行\n".into(),
                time: "10:01".into(),
                status: Status::Sent,
            },
            Entry::User {
                id: 2,
                text: "lost".into(),
                time: "10:02".into(),
                status: Status::Failed("x".into()),
            },
            Entry::Notice { kind: Notice::NewSession, time: "10:03".into() },
        ];
        assert_eq!(
            plain_text(&entries, Words::of(Lang::ZhCn)),
            "10:00 客服: **您好**<b>x</b>\n10:01 我: 第一行\n    第二行\n10:02 我: lost (发送失败)\n10:03 — 新的对话\n"
        );
        assert_eq!(plain_text(&entries[3..], Words::of(Lang::En)), "10:03 — New conversation\n");
        assert_eq!(plain_text(&[], Words::of(Lang::En)), "");
    }
}
