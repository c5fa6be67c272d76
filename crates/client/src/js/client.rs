//! `KefuClient`: made with `create`, it starts and resumes chats and hands out the operator
//! handles (`outbound()`, `coeus()`, `callcenter()`, `results()`), as the Rust API does.

use kefu_protocol::{Channel, Sid, VarMap};
use serde::Deserialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::callcenter::JsCallCenter;
use super::coeus::JsCoeus;
use super::error::invalid;
use super::input;
use super::outbound::JsOutbound;
use super::results::JsResults;
use super::session::JsChatSession;
use crate::conversation::ChatOptions;
use crate::{CallCenterPaths, KefuClient, RecoveryPolicy};

/// Options of `KefuClient.create`.
#[derive(Debug, Tsify, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientOptions {
    /// The kefu-proxy base URL.
    pub endpoint: String,
    /// Sent as `Authorization: Bearer`; opens the operator routes.
    #[tsify(optional)]
    pub operator_token: Option<String>,
    /// Per-request timeout (default 15000).
    #[tsify(optional)]
    pub timeout_ms: Option<u32>,
    /// Where the seed 001 calls go, for any path that differs from the document's.
    #[tsify(optional)]
    pub callcenter_paths: Option<CallCenterPathOptions>,
    /// How long the platform keeps an idle chat session, in ms (default 600000): a refused
    /// message after this long idle is taken as an expiry, and the chat restarts by itself.
    #[tsify(optional)]
    pub session_ttl_ms: Option<u32>,
}

/// Seed 001 paths on the proxy; each left out keeps the document's (`stopTasks`:
/// `/aicall/stopTasks`, the others under `/api/aicall/`, recordings `/recordings/files`).
#[derive(Debug, Default, Tsify, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallCenterPathOptions {
    /// `records/list`.
    #[tsify(optional)]
    pub records_list: Option<String>,
    /// `calltask/list`.
    #[tsify(optional)]
    pub call_task_list: Option<String>,
    /// `createTasks`.
    #[tsify(optional)]
    pub create_tasks: Option<String>,
    /// `stopTasks`.
    #[tsify(optional)]
    pub stop_tasks: Option<String>,
    /// Recording downloads.
    #[tsify(optional)]
    pub recordings: Option<String>,
}

impl CallCenterPathOptions {
    /// The document's paths with these set over them.
    fn resolve(self) -> CallCenterPaths {
        let d = CallCenterPaths::default();
        CallCenterPaths {
            records_list: self.records_list.unwrap_or(d.records_list),
            calltask_list: self.call_task_list.unwrap_or(d.calltask_list),
            create_tasks: self.create_tasks.unwrap_or(d.create_tasks),
            stop_tasks: self.stop_tasks.unwrap_or(d.stop_tasks),
            recordings: self.recordings.unwrap_or(d.recordings),
        }
    }
}

/// Options of `client.startChat` and `client.resumeChat`.
#[derive(Debug, Tsify, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartChatOptions {
    /// The tenant; may be left out when the proxy pins it.
    #[serde(default)]
    #[tsify(optional)]
    pub app_id: String,
    /// The bot; may be left out when the proxy pins it.
    #[serde(default)]
    #[tsify(optional)]
    pub bot_id: String,
    /// Where the chat runs: one of the documented channels.
    #[tsify(type = "Channel")]
    pub channel: String,
    /// Page variables: a flat object of strings, numbers and booleans.
    #[tsify(optional, type = "Record<string, string | number | boolean | null>")]
    pub vars: Option<serde_json::Value>,
    /// Data that travels with the session.
    #[tsify(optional)]
    pub user_data: Option<String>,
    /// Acknowledge each prompt on arrival (default true); otherwise call `acknowledge(promptId)`
    /// once it has been shown.
    #[tsify(optional)]
    pub auto_acknowledge: Option<bool>,
}

impl StartChatOptions {
    /// The Rust API's options; refused when the channel is not a documented one or the variables
    /// are not flat.
    fn resolve(self) -> Result<ChatOptions, JsValue> {
        let channel = Channel::from(self.channel.as_str());
        if let Channel::Other(other) = &channel {
            return Err(invalid(&format!(
                "channel {other:?} is not one of {}",
                Channel::listed(Channel::ALL)
            )));
        }
        let vars = match &self.vars {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => Some(VarMap::from_json(v).map_err(|e| invalid(&e.to_string()))?),
        };
        Ok(ChatOptions {
            app_id: self.app_id,
            bot_id: self.bot_id,
            channel,
            vars,
            user_data: self.user_data,
            auto_acknowledge: self.auto_acknowledge.unwrap_or(true),
        })
    }
}

/// A client of the platform, through kefu-proxy.
#[wasm_bindgen(js_name = KefuClient)]
pub struct JsKefuClient {
    inner: KefuClient,
}

#[wasm_bindgen(js_class = KefuClient)]
impl JsKefuClient {
    /// A client of the proxy at `options.endpoint`.
    pub async fn create(options: Ts<ClientOptions>) -> Result<JsKefuClient, JsValue> {
        let options = input(options)?;
        if !(options.endpoint.starts_with("http://") || options.endpoint.starts_with("https://")) {
            return Err(invalid("endpoint must be an http:// or https:// URL"));
        }
        let paths = options.callcenter_paths.unwrap_or_default().resolve();
        let mut recovery = RecoveryPolicy::default();
        if let Some(ttl) = options.session_ttl_ms {
            recovery.session_ttl_ms = u64::from(ttl);
        }
        let inner = KefuClient::new(&options.endpoint, options.operator_token, options.timeout_ms)
            .with_callcenter_paths(paths)?
            .with_recovery(recovery);
        Ok(JsKefuClient { inner })
    }

    /// Starts a chat session; its events arrive through `session.on(…)`.
    #[wasm_bindgen(js_name = startChat)]
    pub async fn start_chat(&self, options: Ts<StartChatOptions>) -> Result<JsChatSession, JsValue> {
        let options = input(options)?.resolve()?;
        Ok(JsChatSession::new(self.inner.start_chat(options)?))
    }

    /// Continues the chat session `sid` (a `session.resumableSid` kept from before, say, a page
    /// reload) with the options it was started with. Nothing is sent until the user writes; a
    /// session the platform has forgotten by then restarts by itself.
    #[wasm_bindgen(js_name = resumeChat)]
    pub fn resume_chat(&self, options: Ts<StartChatOptions>, sid: String) -> Result<JsChatSession, JsValue> {
        let options = input(options)?.resolve()?;
        let sid = Sid::parse(&sid).map_err(|e| invalid(&e.to_string()))?;
        Ok(JsChatSession::new(self.inner.resume_chat(options, sid)))
    }

    /// Seed 000: the outbound-call service (operator token needed).
    pub fn outbound(&self) -> JsOutbound {
        JsOutbound { client: self.inner.clone() }
    }

    /// Seed 002: outbound tasks and number lists (operator token needed).
    pub fn coeus(&self) -> JsCoeus {
        JsCoeus { client: self.inner.clone() }
    }

    /// Seed 001: the call-center (operator token needed).
    pub fn callcenter(&self) -> JsCallCenter {
        JsCallCenter { client: self.inner.clone() }
    }

    /// Campaign results and contacts, from kefu-proxy's callbacks store (operator token needed).
    pub fn results(&self) -> JsResults {
        JsResults { client: self.inner.clone() }
    }
}
