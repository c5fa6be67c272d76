//! `Results` (`client.results()`): campaign results and the §9 contacts from kefu-proxy's
//! callbacks store, as the Rust API's [`crate::results::Results`].

use kefu_protocol::results::{CallQuery, ContactEdit};
use tsify::Ts;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::error::invalid;
use super::{answer, input};
use crate::KefuClient;
use crate::results::ContactsFormat;

/// The operators' result routes.
#[wasm_bindgen(js_name = Results)]
pub struct JsResults {
    pub(crate) client: KefuClient,
}

#[wasm_bindgen(js_class = Results)]
impl JsResults {
    /// Every task seen in the platform's pushes, with counts by state and grade.
    #[wasm_bindgen(unchecked_return_type = "TaskList")]
    pub async fn tasks(&self) -> Result<JsValue, JsValue> {
        answer(self.client.results().tasks().await)
    }

    /// One page of a task's calls matching `filter` (`{}` for all).
    #[wasm_bindgen(unchecked_return_type = "CallPage")]
    pub async fn calls(
        &self,
        #[wasm_bindgen(js_name = taskId)] task_id: String,
        filter: Ts<CallQuery>,
    ) -> Result<JsValue, JsValue> {
        answer(self.client.results().calls(&task_id, &input(filter)?).await)
    }

    /// One call with its dialog turns and recording link.
    #[wasm_bindgen(unchecked_return_type = "CallDetail")]
    pub async fn call(&self, #[wasm_bindgen(js_name = callId)] call_id: String) -> Result<JsValue, JsValue> {
        answer(self.client.results().call(&call_id).await)
    }

    /// The URL of a task's calls as CSV (fetching it needs the operator token).
    #[wasm_bindgen(js_name = callsCsvUrl)]
    pub fn calls_csv_url(
        &self,
        #[wasm_bindgen(js_name = taskId)] task_id: String,
        filter: Ts<CallQuery>,
    ) -> Result<String, JsValue> {
        Ok(self.client.results().calls_csv_url(&task_id, &input(filter)?))
    }

    /// The §9 contacts: those whose phone starts with `q` or whose name contains it (`""`: all).
    #[wasm_bindgen(unchecked_return_type = "ContactPage")]
    pub async fn contacts(&self, q: String, offset: u32, limit: u32) -> Result<JsValue, JsValue> {
        answer(self.client.results().contacts(&q, offset, limit).await)
    }

    /// Imports a contacts file (a `File` or `Blob`, CSV or XLSX).
    #[wasm_bindgen(js_name = importContacts, unchecked_return_type = "ContactImport")]
    pub async fn import_contacts(
        &self,
        file: web_sys::Blob,
        #[wasm_bindgen(unchecked_param_type = r#""csv" | "xlsx""#)] format: String,
    ) -> Result<JsValue, JsValue> {
        let format = match format.as_str() {
            "csv" => ContactsFormat::Csv,
            "xlsx" => ContactsFormat::Xlsx,
            other => return Err(invalid(&format!("format {other:?}: use \"csv\" or \"xlsx\""))),
        };
        let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
            .await
            .map_err(|e| invalid(&e.as_string().unwrap_or_else(|| "the file could not be read".into())))?;
        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
        answer(self.client.results().import_contacts(bytes, format).await)
    }

    /// Sets one contact (added when missing).
    #[wasm_bindgen(js_name = editContact, unchecked_return_type = "ContactEntry")]
    pub async fn edit_contact(&self, phone: String, edit: Ts<ContactEdit>) -> Result<JsValue, JsValue> {
        answer(self.client.results().edit_contact(&phone, &input(edit)?).await)
    }
}
