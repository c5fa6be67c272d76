//! The JavaScript API (wasm-bindgen, camelCase names, typed Promises, TypeScript types generated
//! from the Rust types with tsify).
//!
//! ```js
//! import init, { KefuClient } from "kefu-client";
//! await init();
//! const client = await KefuClient.create({ endpoint: "https://kefu.example.com" });
//! const chat = await client.startChat({ channel: "h5", vars: { name: "张三" } });
//! chat.on("say", (e) => show(e.prompt));
//! chat.on("wait", () => enableInput());
//! await chat.send("你好");      // resolves once the platform has the message
//! ```

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Function, Promise};
use kefu_protocol::callcenter::{CallTaskQuery, RecordsQuery, Ticket};
use kefu_protocol::coeus::{AddTaskRequest, OutnumForm, TaskListRequest};
use kefu_protocol::outbound::{CallRequest, ConversationLogQuery, StatusQuery};
use kefu_protocol::results::{CallQuery, ContactEdit};
use kefu_protocol::{Channel, VarMap};
use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::conversation::{ChatOptions, Event, MessageId};
use crate::results::ContactsFormat;
use crate::{CallCenterPaths, ChatSession, ClientError, KefuClient, RecoveryPolicy};

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

/// Options of `client.startChat`.
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
    /// Where the chat runs.
    #[tsify(type = r#""h5" | "wx_oa" | "wx_mp" | "wx_work" | "weibo" | "email" | "app""#)]
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

/// A suggested follow-up question.
#[derive(Debug, Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    /// The title to show.
    pub title: String,
    /// The text to send when tapped.
    pub question: String,
}

/// What `on(event, callback)` hands the callback. `type` names the event.
#[derive(Debug, Tsify, Serialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ChatEvent {
    /// The session started (or restarted).
    Started {
        /// The session id.
        sid: String,
        /// Whether this continues an expired or ended conversation.
        restarted: bool,
    },
    /// Show this prompt (Markdown allowed; never as live HTML).
    Say {
        /// The text.
        prompt: String,
        /// Its id, for `acknowledge`.
        prompt_id: String,
        /// Suggested follow-up questions.
        suggestions: Vec<Suggestion>,
        /// The session's variables (`g_vars`).
        #[tsify(type = "Record<string, unknown>")]
        vars: serde_json::Value,
        /// The data that travels with the session (`user_data`).
        #[tsify(optional)]
        user_data: Option<String>,
        /// How the bot chose this prompt (`debug_info`).
        #[tsify(optional)]
        debug_info: Option<kefu_protocol::chat::DebugInfo>,
    },
    /// The platform waits for the user.
    Wait,
    /// The session is over.
    Finish {
        /// A closing text, if any.
        prompt: String,
    },
    /// The session was handed to a human agent.
    Transfer {
        /// A hand-off text, if any.
        prompt: String,
    },
    /// A message was accepted for sending.
    MessageQueued {
        /// Its id.
        id: f64,
        /// Its text.
        text: String,
    },
    /// The platform received the message.
    MessageSent {
        /// Its id.
        id: f64,
    },
    /// The message was not delivered (or may not have been); `resend(id)` sends it again.
    MessageFailed {
        /// Its id.
        id: f64,
        /// Its text.
        text: String,
        /// Why.
        error: String,
    },
    /// The idle session expired; `restart()` continues with the same variables.
    Expired,
    /// The session was stopped.
    Stopped,
    /// Something failed; `retry()` may help.
    Error {
        /// What went wrong.
        message: String,
    },
}

impl ChatEvent {
    fn from_event(event: &Event) -> ChatEvent {
        let id = |id: &MessageId| *id as f64;
        match event {
            Event::Started { sid, restarted } => {
                ChatEvent::Started { sid: sid.to_string(), restarted: *restarted }
            }
            Event::Say(turn) => ChatEvent::Say {
                prompt: turn.prompt.clone(),
                prompt_id: turn.prompt_id.clone(),
                suggestions: turn
                    .relation_list
                    .iter()
                    .map(|r| Suggestion {
                        title: r.relation_title.clone(),
                        question: r.question_name.clone(),
                    })
                    .collect(),
                vars: serde_json::to_value(turn.ext.as_ref().map(|e| &e.g_vars)).unwrap_or_default(),
                user_data: turn.ext.as_ref().and_then(|e| e.user_data.clone()),
                debug_info: turn.debug_info.clone(),
            },
            Event::Wait => ChatEvent::Wait,
            Event::Finish(turn) => ChatEvent::Finish { prompt: turn.prompt.clone() },
            Event::Transfer(turn) => ChatEvent::Transfer { prompt: turn.prompt.clone() },
            Event::MessageQueued { id: i, text } => {
                ChatEvent::MessageQueued { id: id(i), text: text.clone() }
            }
            Event::MessageSent { id: i } => ChatEvent::MessageSent { id: id(i) },
            Event::MessageFailed { id: i, text, error } => {
                ChatEvent::MessageFailed { id: id(i), text: text.clone(), error: error.to_string() }
            }
            Event::Expired => ChatEvent::Expired,
            Event::Stopped => ChatEvent::Stopped,
            Event::Error(e) => ChatEvent::Error { message: e.to_string() },
        }
    }

    /// The name `on()` listens by.
    fn name(&self) -> &'static str {
        match self {
            ChatEvent::Started { .. } => "started",
            ChatEvent::Say { .. } => "say",
            ChatEvent::Wait => "wait",
            ChatEvent::Finish { .. } => "finish",
            ChatEvent::Transfer { .. } => "transfer",
            ChatEvent::MessageQueued { .. }
            | ChatEvent::MessageSent { .. }
            | ChatEvent::MessageFailed { .. } => "message",
            ChatEvent::Expired => "expired",
            ChatEvent::Stopped => "stopped",
            ChatEvent::Error { .. } => "error",
        }
    }
}

const EVENT_NAMES: &[&str] =
    &["started", "say", "wait", "finish", "transfer", "message", "expired", "stopped", "error"];

fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// Plain JavaScript values: objects (not `Map`s) for maps, numbers for integers.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(js_error)
}

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
    #[tsify(type = r#""excel" | "csv" | "txt""#)]
    pub file_suffix: String,
    /// 外显号码组id.
    pub disnum_group_id: String,
    /// 业务名称.
    #[tsify(optional)]
    pub call_sn_name: Option<String>,
}

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

/// A client of the platform, through kefu-proxy.
#[wasm_bindgen(js_name = KefuClient)]
pub struct JsKefuClient {
    inner: KefuClient,
}

#[wasm_bindgen(js_class = KefuClient)]
impl JsKefuClient {
    /// A client of the proxy at `options.endpoint`.
    pub async fn create(options: Ts<ClientOptions>) -> Result<JsKefuClient, JsError> {
        let options = options.to_rust().map_err(js_error)?;
        if !(options.endpoint.starts_with("http://") || options.endpoint.starts_with("https://")) {
            return Err(JsError::new("endpoint must be an http:// or https:// URL"));
        }
        let paths = options.callcenter_paths.unwrap_or_default().resolve();
        let mut recovery = RecoveryPolicy::default();
        if let Some(ttl) = options.session_ttl_ms {
            recovery.session_ttl_ms = u64::from(ttl);
        }
        let inner = KefuClient::new(&options.endpoint, options.operator_token, options.timeout_ms)
            .with_callcenter_paths(paths)
            .map_err(js_error)?
            .with_recovery(recovery);
        Ok(JsKefuClient { inner })
    }

    /// Starts a chat session; its events arrive through `session.on(…)`.
    #[wasm_bindgen(js_name = startChat)]
    pub async fn start_chat(&self, options: Ts<StartChatOptions>) -> Result<JsChatSession, JsError> {
        let options = options.to_rust().map_err(js_error)?;
        let channel = Channel::from(options.channel.as_str());
        if let Channel::Other(other) = &channel {
            return Err(JsError::new(&format!(
                "channel {other:?} is not one of h5, wx_oa, wx_mp, wx_work, weibo, email, app"
            )));
        }
        let vars = match &options.vars {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => Some(VarMap::from_json(v).map_err(js_error)?),
        };
        let chat = ChatOptions {
            app_id: options.app_id,
            bot_id: options.bot_id,
            channel,
            vars,
            user_data: options.user_data,
            auto_acknowledge: options.auto_acknowledge.unwrap_or(true),
        };
        let session = self.inner.start_chat(chat).map_err(js_error)?;
        Ok(JsChatSession::new(session))
    }

    /// Seed 002 syncprompt: the tenant's bots.
    #[wasm_bindgen(js_name = syncPrompt, unchecked_return_type = "BotSummary[]")]
    pub async fn sync_prompt(
        &self,
        #[wasm_bindgen(js_name = appId)] app_id: String,
    ) -> Result<JsValue, JsError> {
        to_js(&self.inner.coeus().sync_prompt(&app_id).await.map_err(js_error)?)
    }

    /// Seed 002 addtask.
    #[wasm_bindgen(js_name = addTask, unchecked_return_type = "AddTaskResult")]
    pub async fn add_task(&self, request: Ts<AddTaskRequest>) -> Result<JsValue, JsError> {
        let request = request.to_rust().map_err(js_error)?;
        to_js(&self.inner.coeus().add_task(&request).await.map_err(js_error)?)
    }

    /// Seed 002 tasklist: one page.
    #[wasm_bindgen(js_name = taskList, unchecked_return_type = "Page<Task>")]
    pub async fn task_list(&self, request: Ts<TaskListRequest>) -> Result<JsValue, JsError> {
        let request = request.to_rust().map_err(js_error)?;
        to_js(&self.inner.coeus().task_list(&request).await.map_err(js_error)?)
    }

    /// Seed 002 followed/data: the dialogue of a transferred session.
    #[wasm_bindgen(js_name = followedData, unchecked_return_type = "FollowedDialog[]")]
    pub async fn followed_data(
        &self,
        #[wasm_bindgen(js_name = sessionId)] session_id: String,
    ) -> Result<JsValue, JsError> {
        to_js(&self.inner.coeus().followed_data(&session_id).await.map_err(js_error)?)
    }

    /// Seed 002 outnum: uploads a number file (a `File` or `Blob`).
    #[wasm_bindgen(unchecked_return_type = "OutnumResult")]
    pub async fn outnum(
        &self,
        fields: Ts<OutnumFields>,
        file: web_sys::Blob,
        filename: String,
    ) -> Result<JsValue, JsError> {
        let f = fields.to_rust().map_err(js_error)?;
        let fields = [
            ("app_id", f.app_id.as_str()),
            ("task_id", f.task_id.as_str()),
            ("call_count", &f.call_count.to_string()),
            ("file_suffix", f.file_suffix.as_str()),
            ("disnum_group_id", f.disnum_group_id.as_str()),
            ("call_sn_name", f.call_sn_name.as_deref().unwrap_or_default()),
        ];
        let form = OutnumForm::from_fields(fields).map_err(js_error)?;
        to_js(&self.inner.coeus().outnum(&form, &file, &filename).await.map_err(js_error)?)
    }

    /// Seed 000 call-v2: one item per party, each with its own `errorCode`.
    #[wasm_bindgen(js_name = placeCall, unchecked_return_type = "PlacedCall[]")]
    pub async fn place_call(&self, request: Ts<CallRequest>) -> Result<JsValue, JsError> {
        let request = request.to_rust().map_err(js_error)?;
        to_js(&self.inner.outbound().call(&request).await.map_err(js_error)?)
    }

    /// Seed 000 conversation-log: transcripts with their turns decoded.
    #[wasm_bindgen(js_name = conversationLog, unchecked_return_type = "ConversationLogView[]")]
    pub async fn conversation_log(&self, query: Ts<ConversationLogQuery>) -> Result<JsValue, JsError> {
        let query = query.to_rust().map_err(js_error)?;
        let logs = self.inner.outbound().conversation_log(&query).await.map_err(js_error)?;
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
        to_js(&views)
    }

    /// Seed 000 status.
    #[wasm_bindgen(js_name = callStatus, unchecked_return_type = "JobStatus")]
    pub async fn call_status(&self, query: Ts<StatusQuery>) -> Result<JsValue, JsError> {
        let query = query.to_rust().map_err(js_error)?;
        to_js(&self.inner.outbound().status(&query).await.map_err(js_error)?)
    }

    /// Seed 001 records/list: one page.
    #[wasm_bindgen(unchecked_return_type = "Page<CallRecord>")]
    pub async fn records(&self, query: Ts<RecordsQuery>) -> Result<JsValue, JsError> {
        let query = query.to_rust().map_err(js_error)?;
        to_js(&self.inner.callcenter().records(&query).await.map_err(js_error)?)
    }

    /// Seed 001 calltask/list: one page.
    #[wasm_bindgen(js_name = callTasks, unchecked_return_type = "Page<CallTask>")]
    pub async fn call_tasks(&self, query: Ts<CallTaskQuery>) -> Result<JsValue, JsError> {
        let query = query.to_rust().map_err(js_error)?;
        to_js(&self.inner.callcenter().call_tasks(&query).await.map_err(js_error)?)
    }

    /// Seed 001 createTasks.
    #[wasm_bindgen(js_name = createTasks, unchecked_return_type = "CreatedTask[]")]
    pub async fn create_tasks(&self, tickets: Vec<Ts<Ticket>>) -> Result<JsValue, JsError> {
        let tickets = tickets.iter().map(Ts::to_rust).collect::<Result<Vec<_>, _>>().map_err(js_error)?;
        to_js(&self.inner.callcenter().create_tasks(&tickets).await.map_err(js_error)?)
    }

    /// Seed 001 stopTasks.
    #[wasm_bindgen(js_name = stopTasks)]
    pub async fn stop_tasks(
        &self,
        #[wasm_bindgen(js_name = batchIds, unchecked_param_type = "number[]")] batch_ids: JsValue,
    ) -> Result<(), JsError> {
        let ids: Vec<i64> = serde_wasm_bindgen::from_value(batch_ids).map_err(js_error)?;
        self.inner.callcenter().stop_tasks(&ids).await.map_err(js_error)
    }

    /// The proxy URL of a recording (`ai_call/yyyy/MM/dd/HH/<uuid>.wav`).
    #[wasm_bindgen(js_name = recordingUrl)]
    pub fn recording_url(&self, filename: String) -> Result<String, JsError> {
        self.inner.callcenter().recording_url(&filename).map_err(js_error)
    }

    /// Campaign results: every task seen in the platform's pushes, with counts by state and grade.
    #[wasm_bindgen(js_name = resultTasks, unchecked_return_type = "TaskList")]
    pub async fn result_tasks(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.results().tasks().await.map_err(js_error)?)
    }

    /// Campaign results: one page of a task's calls matching `filter` (`{}` for all).
    #[wasm_bindgen(js_name = resultCalls, unchecked_return_type = "CallPage")]
    pub async fn result_calls(
        &self,
        #[wasm_bindgen(js_name = taskId)] task_id: String,
        filter: Ts<CallQuery>,
    ) -> Result<JsValue, JsError> {
        let filter = filter.to_rust().map_err(js_error)?;
        to_js(&self.inner.results().calls(&task_id, &filter).await.map_err(js_error)?)
    }

    /// Campaign results: one call with its dialog turns and recording link.
    #[wasm_bindgen(js_name = resultCall, unchecked_return_type = "CallDetail")]
    pub async fn result_call(
        &self,
        #[wasm_bindgen(js_name = callId)] call_id: String,
    ) -> Result<JsValue, JsError> {
        to_js(&self.inner.results().call(&call_id).await.map_err(js_error)?)
    }

    /// The URL of a task's calls as CSV (fetching it needs the operator token).
    #[wasm_bindgen(js_name = callsCsvUrl)]
    pub fn calls_csv_url(
        &self,
        #[wasm_bindgen(js_name = taskId)] task_id: String,
        filter: Ts<CallQuery>,
    ) -> Result<String, JsError> {
        let filter = filter.to_rust().map_err(js_error)?;
        Ok(self.inner.results().calls_csv_url(&task_id, &filter))
    }

    /// The §9 contacts: those whose phone starts with `q` or whose name contains it (`""`: all).
    #[wasm_bindgen(unchecked_return_type = "ContactPage")]
    pub async fn contacts(&self, q: String, offset: u32, limit: u32) -> Result<JsValue, JsError> {
        to_js(&self.inner.results().contacts(&q, offset, limit).await.map_err(js_error)?)
    }

    /// Imports a contacts file (a `File` or `Blob`, CSV or XLSX).
    #[wasm_bindgen(js_name = importContacts, unchecked_return_type = "ContactImport")]
    pub async fn import_contacts(
        &self,
        file: web_sys::Blob,
        #[wasm_bindgen(unchecked_param_type = r#""csv" | "xlsx""#)] format: String,
    ) -> Result<JsValue, JsError> {
        let format = match format.as_str() {
            "csv" => ContactsFormat::Csv,
            "xlsx" => ContactsFormat::Xlsx,
            other => return Err(JsError::new(&format!("format {other:?}: use \"csv\" or \"xlsx\""))),
        };
        let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.map_err(|e| {
            JsError::new(&e.as_string().unwrap_or_else(|| "the file could not be read".into()))
        })?;
        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
        to_js(&self.inner.results().import_contacts(bytes, format).await.map_err(js_error)?)
    }

    /// Sets one contact (added when missing).
    #[wasm_bindgen(js_name = editContact, unchecked_return_type = "ContactEntry")]
    pub async fn edit_contact(&self, phone: String, edit: Ts<ContactEdit>) -> Result<JsValue, JsError> {
        let edit = edit.to_rust().map_err(js_error)?;
        to_js(&self.inner.results().edit_contact(&phone, &edit).await.map_err(js_error)?)
    }
}

type Waiters = Rc<RefCell<HashMap<MessageId, (Function, Function)>>>;

/// A running chat session.
#[wasm_bindgen(js_name = ChatSession)]
pub struct JsChatSession {
    inner: ChatSession,
    /// `send` Promises waiting for their message's fate.
    waiters: Waiters,
}

impl JsChatSession {
    fn new(inner: ChatSession) -> JsChatSession {
        let waiters: Waiters = Rc::default();
        let pending = waiters.clone();
        inner.on_event(move |event| {
            let settled = match event {
                Event::MessageSent { id } => {
                    pending.borrow_mut().remove(id).map(|(resolve, _)| (resolve, JsValue::from(*id as f64)))
                }
                Event::MessageFailed { id, error, .. } => pending
                    .borrow_mut()
                    .remove(id)
                    .map(|(_, reject)| (reject, JsValue::from(js_sys::Error::new(&error.to_string())))),
                _ => None,
            };
            if let Some((f, value)) = settled {
                let _ = f.call1(&JsValue::NULL, &value);
            }
        });
        JsChatSession { inner, waiters }
    }
}

#[wasm_bindgen(js_class = ChatSession)]
impl JsChatSession {
    /// Calls `callback` with each event named `event` ("say", "wait", "finish", "transfer",
    /// "error", "message", "started", "expired", "stopped"), first those that already happened.
    pub fn on(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = r#""say" | "wait" | "finish" | "transfer" | "error" | "message" | "started" | "expired" | "stopped""#
        )]
        event: String,
        #[wasm_bindgen(unchecked_param_type = "(event: ChatEvent) => void")] callback: Function,
    ) -> Result<(), JsError> {
        if !EVENT_NAMES.contains(&event.as_str()) {
            return Err(JsError::new(&format!("unknown event {event:?}; one of {}", EVENT_NAMES.join(", "))));
        }
        self.inner.on_event(move |e| {
            let js_event = ChatEvent::from_event(e);
            if js_event.name() == event {
                if let Ok(value) = to_js(&js_event) {
                    let _ = callback.call1(&JsValue::NULL, &value);
                }
            }
        });
        Ok(())
    }

    /// Sends a message; resolves with its id once the platform has it, rejects if it was not
    /// delivered (it can then be resent with `resend(id)`). Refused at once when empty, too long,
    /// or when the session is over.
    #[wasm_bindgen(unchecked_return_type = "Promise<number>")]
    pub fn send(&self, text: String) -> Promise {
        match self.inner.send(&text) {
            Ok(id) => self.promise_for(id),
            Err(e) => Promise::reject(&js_sys::Error::new(&e.to_string())),
        }
    }

    /// Sends a failed message again; resolves as `send` does.
    #[wasm_bindgen(unchecked_return_type = "Promise<number>")]
    pub fn resend(&self, id: f64) -> Promise {
        let id = id as MessageId;
        match self.inner.resend(id) {
            Ok(()) => self.promise_for(id),
            Err(e) => Promise::reject(&js_sys::Error::new(&e.to_string())),
        }
    }

    /// The prompt `promptId` has been shown (only with `autoAcknowledge: false`).
    pub async fn acknowledge(
        &self,
        #[wasm_bindgen(js_name = promptId)] prompt_id: String,
    ) -> Result<(), JsError> {
        self.inner.acknowledge(&prompt_id).map_err(js_error)
    }

    /// Tries again after an "error" event.
    pub async fn retry(&self) -> Result<(), JsError> {
        self.inner.retry().map_err(js_error)
    }

    /// Starts a new session with the same options (after "expired", "finish" or "transfer").
    pub async fn restart(&self) -> Result<(), JsError> {
        self.inner.restart().map_err(js_error)
    }

    /// Ends the session.
    pub async fn stop(&self) {
        self.inner.stop();
    }

    /// Where the conversation is: "idle", "starting", "botSpeaking", "waitingForUser",
    /// "finished", "transferred", "stopped", "expired" or "failed".
    #[wasm_bindgen(getter)]
    pub fn phase(&self) -> String {
        let name = format!("{:?}", self.inner.phase());
        let mut chars = name.chars();
        chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
    }

    /// The session id.
    #[wasm_bindgen(getter)]
    pub fn sid(&self) -> Option<String> {
        self.inner.sid()
    }

    fn promise_for(&self, id: MessageId) -> Promise {
        let waiters = self.waiters.clone();
        let promise = Promise::new(&mut |resolve, reject| {
            waiters.borrow_mut().insert(id, (resolve, reject));
        });
        // The message may already be settled (events run synchronously on a failure).
        let history = self.inner.history();
        for event in history.iter().rev() {
            match event {
                Event::MessageSent { id: sent } if *sent == id => self.settle(id, true, String::new()),
                Event::MessageFailed { id: failed, error, .. } if *failed == id => {
                    self.settle(id, false, error.to_string())
                }
                Event::MessageQueued { id: queued, .. } if *queued == id => break,
                _ => {}
            }
        }
        promise
    }

    fn settle(&self, id: MessageId, ok: bool, error: String) {
        if let Some((resolve, reject)) = self.waiters.borrow_mut().remove(&id) {
            let _ = if ok {
                resolve.call1(&JsValue::NULL, &JsValue::from(id as f64))
            } else {
                reject.call1(&JsValue::NULL, &js_sys::Error::new(&error).into())
            };
        }
    }
}

impl From<ClientError> for JsValue {
    fn from(e: ClientError) -> JsValue {
        js_sys::Error::new(&e.to_string()).into()
    }
}
