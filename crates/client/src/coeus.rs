//! Seed 002's outbound tasks: number uploads, tasks, bots, follow-along data. The JSON bodies
//! go with the document's snake_case keys (in the JavaScript API's build the request types take
//! camelCase, see `kefu_protocol`'s documentation).

use kefu_protocol::coeus::{
    ADDTASK_PATH, AddTaskRequest, AddTaskResult, BotSummary, FOLLOWED_DATA_PATH, FollowedDataRequest,
    FollowedDialog, OUTNUM_PATH, OutnumForm, OutnumResult, SYNCPROMPT_PATH, SyncPromptRequest, TASKLIST_PATH,
    Task, TaskListRequest,
};
use kefu_protocol::{Page, PlatformAnswer, PlatformPage, Rows};
use wasm_bindgen::JsValue;
use web_sys::{Blob, FormData};

use crate::ClientError;
use crate::client::KefuClient;
use crate::error::Failure;
use crate::transport::Body;

/// Outbound tasks (operator token needed).
#[derive(Debug)]
pub struct Coeus<'a> {
    pub(crate) client: &'a KefuClient,
}

impl KefuClient {
    /// Seed 002: outbound tasks and number lists.
    pub fn coeus(&self) -> Coeus<'_> {
        Coeus { client: self }
    }
}

impl Coeus<'_> {
    /// `POST outnum`: uploads a number file (a browser `File` or `Blob`) as multipart. Never
    /// retried: a repeat would create a second batch.
    pub async fn outnum(
        &self,
        form: &OutnumForm,
        file: &Blob,
        filename: &str,
    ) -> Result<OutnumResult, ClientError> {
        let js = |e: JsValue| ClientError::Delivery(Failure::NotDelivered(crate::transport::describe(&e)));
        let data = FormData::new().map_err(js)?;
        for (name, value) in form.fields() {
            data.append_with_str(name, &value).map_err(js)?;
        }
        data.append_with_blob_and_filename("file", file, filename).map_err(js)?;
        self.client.call::<PlatformAnswer<OutnumResult>>("POST", OUTNUM_PATH, Body::Form(data), false).await
    }

    /// `POST addtask`. Never retried.
    pub async fn add_task(&self, request: &AddTaskRequest) -> Result<AddTaskResult, ClientError> {
        self.client.post_snake_case::<PlatformAnswer<AddTaskResult>>(ADDTASK_PATH, request, false).await
    }

    /// `POST tasklist`: one page.
    pub async fn task_list(&self, request: &TaskListRequest) -> Result<Page<Task>, ClientError> {
        self.client.post_snake_case::<PlatformPage<Task>>(TASKLIST_PATH, request, true).await
    }

    /// `POST syncprompt`: the tenant's bots (a bot entry that does not decode is skipped and
    /// reported in [`Rows::skipped`]).
    pub async fn sync_prompt(&self, app_id: &str) -> Result<Rows<BotSummary>, ClientError> {
        let request = SyncPromptRequest { app_id: app_id.to_owned() };
        self.client.post_snake_case::<PlatformAnswer<Rows<BotSummary>>>(SYNCPROMPT_PATH, &request, true).await
    }

    /// `POST followed/data`: the dialogue that came with a transferred session (a line that
    /// does not decode is skipped and reported in [`Rows::skipped`]).
    pub async fn followed_data(&self, session_id: &str) -> Result<Rows<FollowedDialog>, ClientError> {
        let request = FollowedDataRequest { session_id: session_id.to_owned() };
        self.client
            .post_snake_case::<PlatformAnswer<Rows<FollowedDialog>>>(FOLLOWED_DATA_PATH, &request, true)
            .await
    }
}
