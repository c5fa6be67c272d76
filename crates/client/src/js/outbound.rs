//! `Outbound` (`client.outbound()`): seed 000's outbound calls, as the Rust API's
//! [`crate::outbound::Outbound`].

use kefu_protocol::outbound::{CallRequest, ConversationLogQuery, StatusQuery};
use tsify::Ts;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::{answer, input};
use crate::KefuClient;

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

    /// `conversation-log`: transcripts, their turns decoded (on the wire they are JSON text).
    #[wasm_bindgen(js_name = conversationLog, unchecked_return_type = "ConversationLog[]")]
    pub async fn conversation_log(&self, query: Ts<ConversationLogQuery>) -> Result<JsValue, JsValue> {
        answer(self.client.outbound().conversation_log(&input(query)?).await)
    }

    /// `status`: a call's state.
    #[wasm_bindgen(unchecked_return_type = "JobStatus")]
    pub async fn status(&self, query: Ts<StatusQuery>) -> Result<JsValue, JsValue> {
        answer(self.client.outbound().status(&input(query)?).await)
    }
}
