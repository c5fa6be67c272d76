//! `CallCenter` (`client.callcenter()`): seed 001's call records, tasks and recordings, as the
//! Rust API's [`crate::callcenter::CallCenter`].

use kefu_protocol::callcenter::{CallTaskQuery, RecordsQuery, Ticket};
use tsify::Ts;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::error::{from_client, invalid};
use super::{answer, input};
use crate::KefuClient;

/// The call-center.
#[wasm_bindgen(js_name = CallCenter)]
pub struct JsCallCenter {
    pub(crate) client: KefuClient,
}

#[wasm_bindgen(js_class = CallCenter)]
impl JsCallCenter {
    /// `records/list`: one page.
    #[wasm_bindgen(unchecked_return_type = "Page<CallRecord>")]
    pub async fn records(&self, query: Ts<RecordsQuery>) -> Result<JsValue, JsValue> {
        answer(self.client.callcenter().records(&input(query)?).await)
    }

    /// `calltask/list`: one page.
    #[wasm_bindgen(js_name = callTasks, unchecked_return_type = "Page<CallTask>")]
    pub async fn call_tasks(&self, query: Ts<CallTaskQuery>) -> Result<JsValue, JsValue> {
        answer(self.client.callcenter().call_tasks(&input(query)?).await)
    }

    /// `createTasks`.
    #[wasm_bindgen(js_name = createTasks, unchecked_return_type = "CreatedTask[]")]
    pub async fn create_tasks(&self, tickets: Vec<Ts<Ticket>>) -> Result<JsValue, JsValue> {
        let tickets = tickets.into_iter().map(input).collect::<Result<Vec<_>, _>>()?;
        answer(self.client.callcenter().create_tasks(&tickets).await)
    }

    /// `stopTasks`.
    #[wasm_bindgen(js_name = stopTasks)]
    pub async fn stop_tasks(
        &self,
        #[wasm_bindgen(js_name = batchIds, unchecked_param_type = "number[]")] batch_ids: JsValue,
    ) -> Result<(), JsValue> {
        let ids: Vec<i64> = serde_wasm_bindgen::from_value(batch_ids).map_err(|e| invalid(&e.to_string()))?;
        self.client.callcenter().stop_tasks(&ids).await.map_err(|e| from_client(&e))
    }

    /// The proxy URL of a recording (`ai_call/yyyy/MM/dd/HH/<uuid>.wav`).
    #[wasm_bindgen(js_name = recordingUrl)]
    pub fn recording_url(&self, filename: String) -> Result<String, JsValue> {
        Ok(self.client.callcenter().recording_url(&filename)?)
    }
}
