//! How a [`Conversation`](crate::Conversation) judges a failed call and recovers by itself.
//!
//! Seed 002 documents a failure only as HTTP 500, or `code != 0` with an opaque code and a `msg`:
//! it names no "session expired" or "wrong prompt". So the conversation decides from what it knows
//! itself: which call failed, whether a `start` ever succeeded, how long the session has been idle
//! against [`RecoveryPolicy::session_ttl_ms`], and its last exchange (an acknowledgement that was
//! sent again after getting no answer). kefu-sandbox's precise codes (its ERRORS.md) are a fast
//! path when present.
//!
//! | failed call | what is known | judged | recovery |
//! |---|---|---|---|
//! | any but `start`, refused | idle longer than the TTL | [`Trouble::Expired`] | a fresh `start`, same variables and user data, unsent messages kept |
//! | `evt.input`, refused | resumed from an earlier page, no `start` succeeded here | [`Trouble::Expired`] | the same |
//! | `evt.input`, refused | a `start` succeeded, not idle | [`Trouble::Gone`] (ended on the platform's side, or forgotten) | the same |
//! | `evt.input`, refused | a fresh start was just made for this message | [`Trouble::MessageRefused`] | the message fails alone |
//! | `evt.complete`, refused | not idle | [`Trouble::OutOfStep`] | resynchronise: a fresh `start` |
//! | `evt.complete`, no answer | | [`Trouble::LostAck`] | acknowledge again |
//! | `start`, refused or no answer | | | reported (a start is never repeated by itself) |
//!
//! Bounded: at most one automatic attempt per kind of trouble in a row (the row ends when the call
//! that failed later succeeds, or the host acts), each after a backoff that doubles along the row;
//! after that the error is reported ([`Event::Error`](crate::Event::Error) or a failed message).
//! A user message whose delivery is uncertain is never sent again automatically: a refusal is
//! certain (the platform did not take it), no answer is not.

use kefu_protocol::chat::SessionFailure;

/// How the conversation recovers by itself. [`RecoveryPolicy::default`]: a 10-minute session
/// lifetime and a 1 s backoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecoveryPolicy {
    /// How long the platform keeps an idle session, in ms. A refusal after at least this long
    /// without an answer is judged an expiry.
    pub session_ttl_ms: u64,
    /// The wait before the first automatic attempt in a row, in ms; each further one waits twice
    /// as long.
    pub backoff_ms: u64,
}

impl Default for RecoveryPolicy {
    fn default() -> Self {
        RecoveryPolicy { session_ttl_ms: 10 * 60 * 1000, backoff_ms: 1_000 }
    }
}

/// What went wrong, as the conversation judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    /// The session sat idle past its lifetime.
    Expired,
    /// The platform no longer serves the session (it ended on the platform's side, or was
    /// forgotten).
    Gone,
    /// The platform's view of the conversation differs from ours (a wrong or stale prompt).
    OutOfStep,
    /// An acknowledgement got no answer.
    LostAck,
    /// The platform refused this message itself.
    MessageRefused,
}

/// Which call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// `evt.complete`.
    Complete,
    /// `evt.input`.
    Input,
}

/// What to do once the backoff has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// Start a fresh session with the same options.
    Restart,
    /// Acknowledge the pending prompt again.
    Reacknowledge,
}

/// kefu-sandbox's precise codes (crates/sandbox/ERRORS.md), when the platform sends them.
pub(crate) fn precise(code: Option<i64>, origin: Origin) -> Option<Trouble> {
    let code = code?;
    match SessionFailure::from_code(code) {
        Some(SessionFailure::Expired) => Some(Trouble::Expired),
        Some(SessionFailure::NotFound | SessionFailure::Ended) => Some(Trouble::Gone),
        Some(SessionFailure::PromptNotAcknowledged | SessionFailure::WrongPromptId) => {
            Some(Trouble::OutOfStep)
        }
        None if origin == Origin::Input && SessionFailure::REFUSED_CODES.contains(&code) => {
            Some(Trouble::MessageRefused)
        }
        None => None,
    }
}

/// The automatic attempts made in a row, and what is due next.
#[derive(Debug, Default)]
pub(crate) struct Attempts {
    row: Vec<(Origin, Trouble)>,
    due: Option<(Option<u64>, Action)>,
}

impl Attempts {
    /// Whether an automatic attempt for `trouble` after a failed `origin` call is still allowed.
    pub(crate) fn allowed(&self, origin: Origin, trouble: Trouble) -> bool {
        !self.row.contains(&(origin, trouble))
    }

    /// Whether a fresh start was already made for a refused message in this row.
    pub(crate) fn restarted_for_input(&self) -> bool {
        self.row.iter().any(|(o, t)| *o == Origin::Input && *t != Trouble::MessageRefused)
    }

    /// Records an attempt and schedules `action` after the backoff (at once when the time is
    /// not known).
    pub(crate) fn schedule(
        &mut self,
        origin: Origin,
        trouble: Trouble,
        action: Action,
        now: Option<u64>,
        policy: &RecoveryPolicy,
    ) {
        self.row.push((origin, trouble));
        let shift = u32::try_from(self.row.len() - 1).unwrap_or(u32::MAX).min(16);
        let at = now.map(|now| now.saturating_add(policy.backoff_ms.saturating_mul(1 << shift)));
        self.due = Some((at, action));
    }

    /// The action due at `now`, taken off the schedule.
    pub(crate) fn take_due(&mut self, now: Option<u64>) -> Option<Action> {
        let (at, action) = self.due?;
        match (at, now) {
            (Some(at), Some(now)) if now < at => None,
            _ => {
                self.due = None;
                Some(action)
            }
        }
    }

    /// When the scheduled action is due, if one is scheduled with a known time.
    pub(crate) fn due_at(&self) -> Option<u64> {
        self.due.and_then(|(at, _)| at)
    }

    /// Whether an action is scheduled.
    pub(crate) fn pending(&self) -> Option<Action> {
        self.due.map(|(_, a)| a)
    }

    /// Drops the scheduled action.
    pub(crate) fn cancel(&mut self) {
        self.due = None;
    }

    /// A call of kind `origin` succeeded: its row ends.
    pub(crate) fn succeeded(&mut self, origin: Origin) {
        self.row.retain(|(o, _)| *o != origin);
    }

    /// The host acted (retry, restart): a new row begins, and what was scheduled is moot.
    pub(crate) fn reset(&mut self) {
        self.row.clear();
        self.due = None;
    }

    /// The user resent a message: a new row begins; what is scheduled stays.
    pub(crate) fn new_row(&mut self) {
        self.row.clear();
    }
}
