//! What the sandbox keeps of seed 002's outbound tasks: the tasks, the uploaded batches, and the
//! session id of each call of a batch.

use std::sync::Arc;

use kefu_protocol::coeus::Task;

use crate::bot::Bot;
use crate::simcall::{SimCall, simulate_ended_at};

/// The tenant's outbound tasks and the batches of numbers uploaded to them.
#[derive(Debug, Default)]
pub(crate) struct CoeusStore {
    pub(crate) tasks: Vec<Task>,
    pub(crate) batches: Vec<Batch>,
}

/// One uploaded batch: its numbers are called in order, `dial_interval_ms` apart; each call
/// ends (and is pushed) at its turn, so its times lie before then.
#[derive(Debug, Clone)]
pub(crate) struct Batch {
    pub(crate) call_sn: String,
    /// The batch's name (outnum `call_sn_name`).
    pub(crate) call_sn_name: Option<String>,
    pub(crate) task_id: String,
    pub(crate) task_name: String,
    /// The task's callback URL (§7–8 pushes go there).
    pub(crate) team_url: Option<String>,
    /// Whether the task records calls (`is_record` 2; 1, the default, is off, as §10 says).
    pub(crate) record: bool,
    /// The task's bot (an index into the configured bots).
    pub(crate) bot: usize,
    pub(crate) numbers: Arc<Vec<String>>,
    pub(crate) placed_ms: i64,
    /// The configured `--dial-interval-ms` when the batch was uploaded.
    pub(crate) dial_interval_ms: i64,
}

impl CoeusStore {
    /// Batch `index`.
    pub(crate) fn batch(&self, index: usize) -> Option<&Batch> {
        self.batches.get(index)
    }
}

/// The first digit of every call session id, and how many digits the batch and call parts
/// take: `9` + 9 digits of batch + 6 of call (a batch holds at most 150,000 numbers).
const SESSION_PREFIX: char = '9';
pub(crate) const BATCH_DIGITS: usize = 9;
const CALL_DIGITS: usize = 6;

/// The session id of call `call` of batch `batch` (16 digits, like §13's `9082792453545984`);
/// it is also the call's §7 `call_id`.
pub(crate) fn session_id(batch: usize, call: usize) -> String {
    format!("{SESSION_PREFIX}{:0BATCH_DIGITS$}{:0CALL_DIGITS$}", batch + 1, call)
}

/// The batch and call of a session id made by [`session_id`].
pub(crate) fn parse_session_id(id: &str) -> Option<(usize, usize)> {
    let digits = id.strip_prefix(SESSION_PREFIX)?;
    if digits.len() != BATCH_DIGITS + CALL_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let batch: usize = digits[..BATCH_DIGITS].parse().ok()?;
    let call: usize = digits[BATCH_DIGITS..].parse().ok()?;
    Some((batch.checked_sub(1)?, call))
}

impl Batch {
    /// Call `call` of the batch, run by `bot` (the batch's bot): the one source of what the
    /// call did, for §7, §8, §13 and its recording.
    pub(crate) fn call(&self, bot: &Bot, call: usize) -> Option<SimCall> {
        let num = self.numbers.get(call)?;
        let ended_ms =
            self.placed_ms.saturating_add(self.dial_interval_ms.saturating_mul(i64::try_from(call).ok()?));
        Some(simulate_ended_at(bot, num, ended_ms))
    }
}
