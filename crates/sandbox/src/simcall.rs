//! One simulated outbound call: how it ended (a seed 002 §18 number state), its times, and,
//! when answered, the dialog of the task's bot script against a simulated callee.
//!
//! Everything is a pure function of the number, the bot and the start time, so the call pushed
//! as §7, graded as §8, answered by `followed/data` (§13) and served as a recording is one call.

use std::collections::BTreeMap;

use kefu_protocol::{DateTime, DialogType, HangupBy, NumberState, PLATFORM_OFFSET_MINUTES, SmsState};

use crate::bot::{Bot, Then};
use crate::ids::stable_hash;

/// Seconds between two lines of a dialog.
const LINE_SECS: i64 = 3;

/// How calls end, out of 100 (cumulative upper bounds): about 60 % answered by a person, the rest
/// the usual failures of an outbound campaign.
const OUTCOMES: [(u64, NumberState); 8] = [
    (60, NumberState::PersonAnswered),
    (72, NumberState::NoAnswer),
    (79, NumberState::InCall),
    (84, NumberState::EmptyNumber),
    (89, NumberState::PoweredOff),
    (94, NumberState::Rejected),
    (97, NumberState::OutOfService),
    (100, NumberState::RingTimeout),
];

/// What simulated callees say, one script per kind of callee; each line is said in turn until
/// the bot transfers or finishes (or the lines run out, and the callee hangs up).
const CALLEES: [&[&str]; 5] = [
    &["怎么付钱", "转人工"],
    &["还没收到", "帮我催一下", "好的，再见"],
    &["已经收到了", "没有了"],
    &["能分期吗", "不用了"],
    &["你是谁啊"],
];

/// One line of a simulated call's dialog.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Turn {
    /// Bot or user.
    pub(crate) kind: DialogType,
    /// What was said.
    pub(crate) text: String,
    /// When, in ms since the Unix epoch.
    pub(crate) at_ms: i64,
    /// The intent the bot matched on a user line (empty on bot lines).
    pub(crate) intent: String,
}

/// One simulated call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SimCall {
    /// How it ended.
    pub(crate) state: NumberState,
    /// When dialling started.
    pub(crate) start_ms: i64,
    /// When the callee picked up (answered calls only).
    pub(crate) answered_ms: Option<i64>,
    /// When the call ended.
    pub(crate) end_ms: i64,
    /// Who hung up (answered calls only).
    pub(crate) hangup_by: Option<HangupBy>,
    /// Whether a follow-up SMS was sent.
    pub(crate) sms: SmsState,
    /// The dialog (empty unless answered).
    pub(crate) dialog: Vec<Turn>,
    /// The §8 intent grade.
    pub(crate) grade: &'static str,
}

impl SimCall {
    /// Whether a person answered.
    pub(crate) fn answered(&self) -> bool {
        self.answered_ms.is_some()
    }

    /// Talk time in whole seconds (0 when not answered).
    pub(crate) fn duration_secs(&self) -> u32 {
        self.answered_ms.map_or(0, |a| u32::try_from((self.end_ms - a).max(0) / 1000).unwrap_or(u32::MAX))
    }

    /// User turns.
    pub(crate) fn round(&self) -> u32 {
        self.dialog.iter().filter(|t| t.kind == DialogType::User).count() as u32
    }
}

/// The call of `num`, dialled at `start_ms`, answered (or not) and run by `bot`.
pub(crate) fn simulate(bot: &Bot, num: &str, start_ms: i64) -> SimCall {
    let roll = stable_hash(&format!("{num}/outcome")) % 100;
    let state = OUTCOMES.iter().find(|(upto, _)| roll < *upto).map_or(NumberState::NoAnswer, |(_, s)| *s);
    if state != NumberState::PersonAnswered {
        let ring_secs = match state {
            NumberState::NoAnswer | NumberState::RingTimeout => 40,
            NumberState::Rejected => 8,
            _ => 2,
        };
        return SimCall {
            state,
            start_ms,
            answered_ms: None,
            end_ms: start_ms + ring_secs * 1000,
            hangup_by: None,
            sms: SmsState::NotSent,
            dialog: Vec::new(),
            grade: "F类",
        };
    }
    let hash = stable_hash(&format!("{num}/callee"));
    let answered_ms = start_ms + (3 + (hash % 10) as i64) * 1000;
    let callee = CALLEES[((hash >> 16) % CALLEES.len() as u64) as usize];
    let vars = BTreeMap::from([("phone".to_owned(), num.to_owned())]);
    let mut at = answered_ms;
    let mut dialog = Vec::new();
    let mut say = |dialog: &mut Vec<Turn>, kind, text: String, intent: String| {
        dialog.push(Turn { kind, text, at_ms: at, intent });
        at += LINE_SECS * 1000;
    };
    for prompt in bot.greet(&vars).prompts {
        say(&mut dialog, DialogType::Bot, prompt, String::new());
    }
    let (mut transferred, mut moved, mut faq, mut ended_by_bot) = (false, false, false, false);
    for line in callee {
        let reply = bot.answer(line, &vars);
        let intent = reply.intent.strip_prefix("evt.intent.").unwrap_or(&reply.intent).to_owned();
        say(&mut dialog, DialogType::User, (*line).to_owned(), intent);
        for prompt in reply.prompts {
            say(&mut dialog, DialogType::Bot, prompt, String::new());
        }
        moved |= reply.state.is_some();
        faq |= reply.intent.starts_with("evt.faq.");
        match reply.then {
            Then::Transfer => {
                transferred = true;
                ended_by_bot = true;
                break;
            }
            Then::Finish => {
                ended_by_bot = true;
                break;
            }
            Then::Wait => {}
        }
    }
    // An interested callee asks for a person (A); one who engages with the flow is B; one who
    // only asks a question is C; one the bot did not understand is D.
    let grade = if transferred {
        "A类"
    } else if moved {
        "B类"
    } else if faq {
        "C类"
    } else {
        "D类"
    };
    SimCall {
        state,
        start_ms,
        answered_ms: Some(answered_ms),
        end_ms: at,
        hangup_by: Some(if ended_by_bot { HangupBy::Ai } else { HangupBy::User }),
        sms: if transferred || moved { SmsState::Sent } else { SmsState::NotSent },
        dialog,
        grade,
    }
}

/// The call of `num` that ended at `end_ms` (the platform pushes a call once it has ended).
pub(crate) fn simulate_ended_at(bot: &Bot, num: &str, end_ms: i64) -> SimCall {
    let mut call = simulate(bot, num, 0);
    let shift = end_ms - call.end_ms;
    call.start_ms += shift;
    call.end_ms += shift;
    call.answered_ms = call.answered_ms.map(|ms| ms + shift);
    for turn in &mut call.dialog {
        turn.at_ms += shift;
    }
    call
}

/// `ms` as RFC 3339 in the platform's `+08:00`.
pub(crate) fn rfc3339(ms: i64) -> String {
    DateTime::from_unix_seconds(ms.div_euclid(1000), PLATFORM_OFFSET_MINUTES).to_rfc3339()
}

/// `ms` as the plain `YYYY-MM-DD HH:MM:SS` of §13.
pub(crate) fn plain(ms: i64) -> String {
    DateTime::from_unix_seconds(ms.div_euclid(1000), PLATFORM_OFFSET_MINUTES).to_plain()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_realistic_deterministic_mix() {
        let bot = Bot::default_bot().expect("default bot");
        let calls: Vec<SimCall> = (0..1000).map(|i| simulate(&bot, &format!("138{i:08}"), 0)).collect();
        let answered = calls.iter().filter(|c| c.answered()).count();
        assert!((520..=680).contains(&answered), "about 60 % answered: {answered}");
        for grade in ["A类", "B类", "C类", "D类", "F类"] {
            assert!(calls.iter().any(|c| c.grade == grade), "{grade} occurs");
        }
        for c in &calls {
            assert_eq!(c.answered(), !c.dialog.is_empty());
            assert_eq!(c.answered(), c.grade != "F类");
            assert!(c.end_ms >= c.start_ms);
        }
        assert_eq!(simulate(&bot, "13800138000", 5), simulate(&bot, "13800138000", 5));
        let ended = simulate_ended_at(&bot, "13800138000", 100_000);
        let started = simulate(&bot, "13800138000", ended.start_ms);
        assert_eq!((ended.end_ms, &ended), (100_000, &started), "the same call, shifted");
    }
}
