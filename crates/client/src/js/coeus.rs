//! `Coeus` (`client.coeus()`): seed 002's outbound tasks and number lists, as the Rust API's
//! [`crate::coeus::Coeus`].

use kefu_protocol::coeus::{AddTaskRequest, OutnumForm, TaskListRequest};
use serde::Deserialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::error::invalid;
use super::{answer, input};
use crate::KefuClient;

/// The text fields of an outnum upload.
#[derive(Debug, Tsify, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutnumFields {
    /// 租户 id.
    pub app_id: String,
    /// 外呼任务 id.
    pub task_id: String,
    /// How many numbers the file holds.
    pub call_count: u64,
    /// The file's format.
    #[tsify(type = "FileSuffix")]
    pub file_suffix: String,
    /// 外显号码组id.
    pub disnum_group_id: String,
    /// 业务名称.
    #[tsify(optional)]
    pub call_sn_name: Option<String>,
}

/// Outbound tasks.
#[wasm_bindgen(js_name = Coeus)]
pub struct JsCoeus {
    pub(crate) client: KefuClient,
}

#[wasm_bindgen(js_class = Coeus)]
impl JsCoeus {
    /// `syncprompt`: the tenant's bots.
    #[wasm_bindgen(js_name = syncPrompt, unchecked_return_type = "BotSummary[]")]
    pub async fn sync_prompt(
        &self,
        #[wasm_bindgen(js_name = appId)] app_id: String,
    ) -> Result<JsValue, JsValue> {
        answer(self.client.coeus().sync_prompt(&app_id).await)
    }

    /// `addtask`.
    #[wasm_bindgen(js_name = addTask, unchecked_return_type = "AddTaskResult")]
    pub async fn add_task(&self, request: Ts<AddTaskRequest>) -> Result<JsValue, JsValue> {
        answer(self.client.coeus().add_task(&input(request)?).await)
    }

    /// `tasklist`: one page.
    #[wasm_bindgen(js_name = taskList, unchecked_return_type = "Page<Task>")]
    pub async fn task_list(&self, request: Ts<TaskListRequest>) -> Result<JsValue, JsValue> {
        answer(self.client.coeus().task_list(&input(request)?).await)
    }

    /// `followed/data`: the dialogue of a transferred session.
    #[wasm_bindgen(js_name = followedData, unchecked_return_type = "FollowedDialog[]")]
    pub async fn followed_data(
        &self,
        #[wasm_bindgen(js_name = sessionId)] session_id: String,
    ) -> Result<JsValue, JsValue> {
        answer(self.client.coeus().followed_data(&session_id).await)
    }

    /// `outnum`: uploads a number file (a `File` or `Blob`).
    #[wasm_bindgen(unchecked_return_type = "OutnumResult")]
    pub async fn outnum(
        &self,
        fields: Ts<OutnumFields>,
        file: web_sys::Blob,
        filename: String,
    ) -> Result<JsValue, JsValue> {
        let f = input(fields)?;
        let fields = [
            ("app_id", f.app_id.as_str()),
            ("task_id", f.task_id.as_str()),
            ("call_count", &f.call_count.to_string()),
            ("file_suffix", f.file_suffix.as_str()),
            ("disnum_group_id", f.disnum_group_id.as_str()),
            ("call_sn_name", f.call_sn_name.as_deref().unwrap_or_default()),
        ];
        let form = OutnumForm::from_fields(fields).map_err(|e| invalid(&e.to_string()))?;
        answer(self.client.coeus().outnum(&form, &file, &filename).await)
    }
}
