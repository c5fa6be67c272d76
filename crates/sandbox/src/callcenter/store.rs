//! The seed 001 call records and AI call tasks the sandbox keeps.

use kefu_protocol::callcenter::{CallRecord, CallTask};

/// Records and tasks.
#[derive(Debug)]
pub(crate) struct CallCenterStore {
    pub(crate) records: Vec<CallRecord>,
    pub(crate) tasks: Vec<TaskEntry>,
    pub(crate) next_batch: i64,
    pub(crate) public_url: String,
}

/// One AI call task and how far it got.
#[derive(Debug)]
pub(crate) struct TaskEntry {
    pub(crate) task: CallTask,
    pub(crate) stopped: bool,
    pub(crate) recorded: bool,
}
