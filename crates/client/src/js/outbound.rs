//! `Outbound` (`client.outbound()`): seed 000's outbound calls, as the Rust API's
//! [`crate::outbound::Outbound`].

use kefu_protocol::outbound::{CallRequest, ConversationLogQuery, StatusQuery};
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::{answer, error, input};
use crate::KefuClient;

/// One call's transcript, with its turns decoded (on the wire they are JSON text).
#[derive(Debug, Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationLogView {
    /// 阶段类型.
    pub call_type: String,
    /// 工作ID.
    pub job_id: String,
    /// The turns.
    pub conversations: Vec<kefu_protocol::outbound::Turn>,
    /// 通话状态.
    pub call_status: kefu_protocol::CallStatus,
    /// The signed recording URL, byte for byte.
    pub record_url: String,
}

/// The outbound-call service.
#[wasm_bindgen(js_name = Outbound)]
pub struct JsOutbound {
    pub(crate) client: KefuClient,
}

#[wasm_bindgen(js_class = Outbound)]
impl JsOutbound {
    /// `call-v2`: one item per party, each with its own `errorCode`.
    #[wasm_bindgen(unchecked_return_type = "PlacedCall[]")]
    pub async fn call(&self, request: Ts<CallRequest>) -> Result<JsValue, JsValue> {
        answer(self.client.outbound().call(&input(request)?).await)
    }

    /// `conversation-log`: transcripts with their turns decoded.
    #[wasm_bindgen(js_name = conversationLog, unchecked_return_type = "ConversationLogView[]")]
    pub async fn conversation_log(&self, query: Ts<ConversationLogQuery>) -> Result<JsValue, JsValue> {
        let logs = self
            .client
            .outbound()
            .conversation_log(&input(query)?)
            .await
            .map_err(|e| error::from_client(&e))?;
        let views: Vec<ConversationLogView> = logs
            .into_iter()
            .map(|l| ConversationLogView {
                call_type: l.call_type,
                job_id: l.job_id,
                conversations: l.conversations.0.items,
                call_status: l.call_status,
                record_url: l.record_url,
            })
            .collect();
        super::to_js(&views)
    }

    /// `status`: a call's state.
    #[wasm_bindgen(unchecked_return_type = "JobStatus")]
    pub async fn status(&self, query: Ts<StatusQuery>) -> Result<JsValue, JsValue> {
        answer(self.client.outbound().status(&input(query)?).await)
    }
}
