//! Seed 001: call records, AI call tasks, recordings, at the paths the client is configured with
//! ([`crate::CallCenterPaths`], the document's by default).

use kefu_protocol::callcenter::{
    CallRecord, CallTask, CallTaskQuery, CreatedTask, RecordsQuery, StopTasksRequest, Ticket,
    recording_segments,
};
use kefu_protocol::{CallCenterAnswer, CallCenterPage, Page, Rows};

use crate::ClientError;
use crate::client::{KefuClient, with_query};

/// The call-center (operator token needed).
#[derive(Debug)]
pub struct CallCenter<'a> {
    pub(crate) client: &'a KefuClient,
}

impl KefuClient {
    /// Seed 001: the call-center.
    pub fn callcenter(&self) -> CallCenter<'_> {
        CallCenter { client: self }
    }
}

impl CallCenter<'_> {
    /// `POST records/list`: one page of call records of one type.
    pub async fn records(&self, query: &RecordsQuery) -> Result<Page<CallRecord>, ClientError> {
        self.client
            .post::<CallCenterPage<CallRecord>>(&self.client.callcenter_paths.records_list, query, true)
            .await
    }

    /// `POST calltask/list`: one page of tasks.
    pub async fn call_tasks(&self, query: &CallTaskQuery) -> Result<Page<CallTask>, ClientError> {
        self.client
            .post::<CallCenterPage<CallTask>>(&self.client.callcenter_paths.calltask_list, query, true)
            .await
    }

    /// `POST createTasks` (an item that does not decode is skipped and reported in
    /// [`Rows::skipped`]). Never retried.
    pub async fn create_tasks(&self, tickets: &[Ticket]) -> Result<Rows<CreatedTask>, ClientError> {
        self.client
            .post::<CallCenterAnswer<Rows<CreatedTask>>>(
                &self.client.callcenter_paths.create_tasks,
                &tickets,
                false,
            )
            .await
    }

    /// `POST stopTasks` (`/aicall/stopTasks` by default; stopping twice is harmless, so it may be retried).
    pub async fn stop_tasks(&self, batch_ids: &[i64]) -> Result<(), ClientError> {
        let request = StopTasksRequest { batch_ids: batch_ids.to_vec() };
        self.client
            .post::<CallCenterAnswer<()>>(&self.client.callcenter_paths.stop_tasks, &request, true)
            .await
    }

    /// The proxy URL of a recording (`ai_call/yyyy/MM/dd/HH/<uuid>.wav`), checked to stay inside
    /// the recordings folder. Fetching it needs the operator token.
    pub fn recording_url(&self, filename: &str) -> Result<String, ClientError> {
        recording_segments(filename).map_err(ClientError::from)?;
        Ok(self
            .client
            .http
            .url(&with_query(&self.client.callcenter_paths.recordings, &[("filename", filename)])))
    }
}
