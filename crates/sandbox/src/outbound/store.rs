//! The seed 000 jobs placed so far.

/// The jobs placed so far.
#[derive(Debug, Default)]
pub(crate) struct OutboundStore {
    pub(crate) jobs: Vec<Job>,
    pub(crate) next_id: i64,
}

/// One placed job: what `call-v2` was given and when.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub(crate) id: i64,
    pub(crate) case_id: String,
    pub(crate) person_id: String,
    pub(crate) phone: String,
    pub(crate) job_id: String,
    pub(crate) instance_id: String,
    pub(crate) job_group_id: String,
    pub(crate) script_id: String,
    pub(crate) created_ms: i64,
}
