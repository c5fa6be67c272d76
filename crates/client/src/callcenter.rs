//! Seed 001: call records, AI call tasks, recordings.

use kefu_protocol::callcenter::{
    CALLTASK_LIST_PATH, CREATE_TASKS_PATH, CallRecord, CallTask, CallTaskQuery, CreatedTask, RECORDINGS_PATH,
    RECORDS_LIST_PATH, RecordsQuery, STOP_TASKS_PATH, StopTasksRequest, Ticket, recording_segments,
};
use kefu_protocol::{CallCenterAnswer, CallCenterPage, Page, Rows};

use crate::ClientError;
use crate::client::{KefuClient, with_query};
use crate::error::ProtocolErrorText;

/// The call-center (operator token needed).
#[derive(Debug)]
pub struct CallCenter<'a> {
    pub(crate) client: &'a KefuClient,
}

impl CallCenter<'_> {
    /// `POST records/list`: one page of call records of one type.
    pub async fn records(&self, query: &RecordsQuery) -> Result<Page<CallRecord>, ClientError> {
        self.client.post::<CallCenterPage<CallRecord>>(RECORDS_LIST_PATH, query, true).await
    }

    /// `POST calltask/list`: one page of tasks.
    pub async fn call_tasks(&self, query: &CallTaskQuery) -> Result<Page<CallTask>, ClientError> {
        self.client.post::<CallCenterPage<CallTask>>(CALLTASK_LIST_PATH, query, true).await
    }

    /// `POST createTasks` (an item that does not decode is skipped and reported in
    /// [`Rows::skipped`]). Never retried.
    pub async fn create_tasks(&self, tickets: &[Ticket]) -> Result<Rows<CreatedTask>, ClientError> {
        self.client.post::<CallCenterAnswer<Rows<CreatedTask>>>(CREATE_TASKS_PATH, &tickets, false).await
    }

    /// `POST /aicall/stopTasks` (stopping twice is harmless, so it may be retried).
    pub async fn stop_tasks(&self, batch_ids: &[i64]) -> Result<(), ClientError> {
        let request = StopTasksRequest { batch_ids: batch_ids.to_vec() };
        self.client.post::<CallCenterAnswer<()>>(STOP_TASKS_PATH, &request, true).await
    }

    /// The proxy URL of a recording (`ai_call/yyyy/MM/dd/HH/<uuid>.wav`), checked to stay inside
    /// the recordings folder. Fetching it needs the operator token.
    pub fn recording_url(&self, filename: &str) -> Result<String, ClientError> {
        recording_segments(filename).map_err(|e| ClientError::Protocol(ProtocolErrorText(e.to_string())))?;
        Ok(self.client.http.url(&with_query(RECORDINGS_PATH, &[("filename", filename)])))
    }
}
