//! A seed 000 conversation log as the page shows it: one line per turn, in time order, with
//! who spoke (the robot or the contact), the time on the platform's clock (UTC+8), the time
//! since the call began, and what was said as readable text (robot lines carry Markdown or
//! SSML; never HTML). Turns without words (`BeginDialogue`'s `""`, `EndDialogue`'s `null`)
//! become event lines named by their action.

use kefu_protocol::outbound::Turn;
use kefu_protocol::{Action, DateTime, PLATFORM_OFFSET_MINUTES, Speaker};

use crate::text::readable;

/// Who a line is from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Who {
    /// The bot.
    Robot,
    /// The person called.
    Contact,
    /// A speaker the document does not name (shown as sent).
    Other(String),
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    /// Who spoke.
    pub(crate) who: Who,
    /// When, `yyyy-MM-dd HH:mm:ss` on the platform's clock.
    pub(crate) at: String,
    /// Since the first turn, `m:ss`.
    pub(crate) since: String,
    /// What was said, readable; `None` for an event without words.
    pub(crate) text: Option<String>,
    /// The turn's action.
    pub(crate) action: Action,
}

/// `ms` (since the Unix epoch) on the platform's clock, `yyyy-MM-dd HH:mm:ss`.
pub(crate) fn clock(ms: i64) -> String {
    DateTime::from_unix_seconds(ms.div_euclid(1000), PLATFORM_OFFSET_MINUTES).to_plain()
}

/// A duration in ms as `m:ss` (`-` before a negative one).
pub(crate) fn minutes(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let s = ms.unsigned_abs() / 1000;
    format!("{sign}{}:{:02}", s / 60, s % 60)
}

/// The log's lines, in time order (turns with the same time keep their order).
pub(crate) fn lines(turns: &[Turn]) -> Vec<Line> {
    let mut sorted: Vec<&Turn> = turns.iter().collect();
    sorted.sort_by_key(|t| t.timestamp);
    let start = sorted.first().map_or(0, |t| t.timestamp);
    sorted
        .into_iter()
        .map(|t| Line {
            who: match &t.speaker {
                Speaker::Robot => Who::Robot,
                Speaker::Contact => Who::Contact,
                Speaker::Other(s) => Who::Other(s.clone()),
            },
            at: clock(t.timestamp),
            since: minutes(t.timestamp - start),
            text: t.script.as_deref().map(readable).filter(|s| !s.trim().is_empty()),
            action: t.action.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use kefu_protocol::OutboundAnswer;
    use kefu_protocol::outbound::ConversationLog;
    use kefu_protocol::{CallStatus, Rows};

    use super::*;

    /// conversation-log's answer as seed 000 shows it (`conversations` is JSON inside a string),
    /// with SSML and Markdown in the robot's lines and the turns out of order.
    const ANSWER: &str = r#"{"code":200,"message":"查询成功","data":[{"callType":"follow_up","jobId":"job-1",
        "conversations":"[{\"timestamp\":1755349919000,\"speaker\":\"Contact\",\"script\":\"\",\"action\":\"BeginDialogue\"},{\"timestamp\":1755349926000,\"speaker\":\"Contact\",\"script\":\"还没收到呢。\",\"action\":\"Dialogue\"},{\"timestamp\":1755349920000,\"speaker\":\"Robot\",\"script\":\"<speak><phoneme alphabet=\\\"py\\\" ph=\\\"wei2\\\">喂</phoneme>，您好<break time=\\\"500ms\\\"/></speak>\",\"action\":\"Broadcast\"},{\"timestamp\":1755349927000,\"speaker\":\"Robot\",\"script\":\"我们会**督促对方履行**。\",\"action\":\"Broadcast\"},{\"timestamp\":1755350032000,\"speaker\":\"Contact\",\"script\":null,\"action\":\"EndDialogue\"},{\"timestamp\":1755350033000,\"speaker\":\"Agent\",\"script\":\"转接\",\"action\":\"TransferToAgent\"}]",
        "callStatus":"Succeeded","recordUrl":"http://rec.example/a.wav?Expires=1&Signature=x%2By%3D"}]}"#;

    fn decoded() -> ConversationLog {
        let answer: OutboundAnswer<Rows<ConversationLog>> = serde_json::from_str(ANSWER).expect("decodes");
        let logs = kefu_protocol::into_result(answer, 200).expect("a success");
        assert_eq!(logs.len(), 1);
        logs.items.into_iter().next().expect("one log")
    }

    #[test]
    fn a_documented_log_becomes_readable_lines_in_time_order() {
        let log = decoded();
        assert_eq!(log.call_status, CallStatus::Succeeded);
        assert_eq!(
            log.record_url, "http://rec.example/a.wav?Expires=1&Signature=x%2By%3D",
            "kept byte for byte"
        );
        let lines = lines(&log.conversations);
        let said: Vec<(Who, Option<&str>)> =
            lines.iter().map(|l| (l.who.clone(), l.text.as_deref())).collect();
        assert_eq!(
            said,
            [
                (Who::Contact, None),
                (Who::Robot, Some("喂，您好")),
                (Who::Contact, Some("还没收到呢。")),
                (Who::Robot, Some("我们会督促对方履行。")),
                (Who::Contact, None),
                (Who::Other("Agent".into()), Some("转接")),
            ]
        );
        assert_eq!(lines[0].action, Action::BeginDialogue);
        assert_eq!(lines[4].action, Action::EndDialogue);
        assert_eq!(lines[0].at, "2025-08-16 21:11:59", "the platform's clock, UTC+8");
        assert_eq!(lines[2].since, "0:07");
        assert_eq!(lines[4].since, "1:53");
    }

    #[test]
    fn a_turn_that_does_not_decode_is_skipped_and_reported_not_fatal() {
        let bad = ANSWER.replace(r#"{\"timestamp\":1755349926000,"#, r#"{\"timestamp\":\"soon\","#);
        let answer: OutboundAnswer<Rows<ConversationLog>> = serde_json::from_str(&bad).expect("decodes");
        let log = kefu_protocol::into_result(answer, 200).expect("a success").items.remove(0);
        assert_eq!(log.conversations.skipped.len(), 1, "{:?}", log.conversations.skipped);
        assert_eq!(lines(&log.conversations).len(), 5);
    }

    #[test]
    fn times_and_durations_read_plainly() {
        assert_eq!(minutes(0), "0:00");
        assert_eq!(minutes(61_999), "1:01");
        assert_eq!(minutes(-2_000), "-0:02");
        assert_eq!(clock(0), "1970-01-01 08:00:00");
        assert!(lines(&[]).is_empty());
    }
}
