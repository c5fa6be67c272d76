//! The route policy: the only requests the proxy forwards. Everything not in [`ROUTES`], with
//! exactly its method and path, is answered 404 and never reaches an upstream.

use axum::http::Method;
use kefu_protocol::{callcenter as cc, chat, coeus as co, outbound as ob};

/// Which upstream a route goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upstream {
    /// Seed 002, the bot platform: requests are signed.
    Platform,
    /// Seed 000, the outbound-call service: not signed.
    Outbound,
    /// Seed 001, the call-center: not signed.
    CallCenter,
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Any visitor's browser (the chat).
    Public,
    /// Only with `Authorization: Bearer <operator token>`.
    Operator,
}

/// What the body is, and so how it is checked and how large it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// A chat request, checked against its protocol type and re-encoded (unknown fields dropped).
    Chat(ChatCall),
    /// A JSON body, checked to be JSON.
    Json,
    /// A multipart upload (outnum).
    Multipart,
    /// No body; the query string is forwarded.
    Query,
}

/// The three chat calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatCall {
    /// botdm/start.
    Start,
    /// botdm/trigger.
    Trigger,
    /// botdm/stop.
    Stop,
}

impl Upstream {
    /// The setting that configures this upstream.
    pub fn setting(self) -> &'static str {
        match self {
            Upstream::Platform => "KEFU_PLATFORM_URL",
            Upstream::Outbound => "KEFU_OUTBOUND_URL",
            Upstream::CallCenter => "KEFU_CALLCENTER_URL",
        }
    }
}

/// One allowed route.
#[derive(Debug, Clone)]
pub struct Route {
    /// A short name for logs and metrics.
    pub name: &'static str,
    /// The only method allowed.
    pub method: Method,
    /// The exact path the browser calls (for seed 001, the upstream path is configurable:
    /// [`crate::config::CallCenterPaths`]).
    pub path: &'static str,
    /// Where it goes.
    pub upstream: Upstream,
    /// Who may call it.
    pub access: Access,
    /// Its body.
    pub body: Body,
}

const fn route(
    name: &'static str,
    method: Method,
    path: &'static str,
    upstream: Upstream,
    access: Access,
    body: Body,
) -> Route {
    Route { name, method, path, upstream, access, body }
}

/// Largest JSON body accepted (64 KiB).
pub const JSON_LIMIT: usize = 64 * 1024;
/// Largest outnum upload accepted (20 MiB).
pub const UPLOAD_LIMIT: usize = 20 * 1024 * 1024;

/// Every client→platform endpoint of the three documents.
pub const ROUTES: &[Route] = &[
    route(
        "botdm_start",
        Method::POST,
        chat::START_PATH,
        Upstream::Platform,
        Access::Public,
        Body::Chat(ChatCall::Start),
    ),
    route(
        "botdm_trigger",
        Method::POST,
        chat::TRIGGER_PATH,
        Upstream::Platform,
        Access::Public,
        Body::Chat(ChatCall::Trigger),
    ),
    route(
        "botdm_stop",
        Method::POST,
        chat::STOP_PATH,
        Upstream::Platform,
        Access::Public,
        Body::Chat(ChatCall::Stop),
    ),
    route("outnum", Method::POST, co::OUTNUM_PATH, Upstream::Platform, Access::Operator, Body::Multipart),
    route("addtask", Method::POST, co::ADDTASK_PATH, Upstream::Platform, Access::Operator, Body::Json),
    route("tasklist", Method::POST, co::TASKLIST_PATH, Upstream::Platform, Access::Operator, Body::Json),
    route("syncprompt", Method::POST, co::SYNCPROMPT_PATH, Upstream::Platform, Access::Operator, Body::Json),
    route(
        "followed_data",
        Method::POST,
        co::FOLLOWED_DATA_PATH,
        Upstream::Platform,
        Access::Operator,
        Body::Json,
    ),
    route("call_v2", Method::POST, ob::CALL_V2_PATH, Upstream::Outbound, Access::Operator, Body::Json),
    route(
        "conversation_log",
        Method::GET,
        ob::CONVERSATION_LOG_PATH,
        Upstream::Outbound,
        Access::Operator,
        Body::Query,
    ),
    route("call_status", Method::GET, ob::STATUS_PATH, Upstream::Outbound, Access::Operator, Body::Query),
    route(
        "records_list",
        Method::POST,
        cc::RECORDS_LIST_PATH,
        Upstream::CallCenter,
        Access::Operator,
        Body::Json,
    ),
    route(
        "calltask_list",
        Method::POST,
        cc::CALLTASK_LIST_PATH,
        Upstream::CallCenter,
        Access::Operator,
        Body::Json,
    ),
    route(
        "create_tasks",
        Method::POST,
        cc::CREATE_TASKS_PATH,
        Upstream::CallCenter,
        Access::Operator,
        Body::Json,
    ),
    route(
        "stop_tasks",
        Method::POST,
        cc::STOP_TASKS_PATH,
        Upstream::CallCenter,
        Access::Operator,
        Body::Json,
    ),
    // The document writes stopTasks without `/api`; a client may call either reading. Both go
    // to the one configured upstream path (`CallCenterPaths::stop_tasks`).
    route(
        "stop_tasks_api",
        Method::POST,
        "/api/aicall/stopTasks",
        Upstream::CallCenter,
        Access::Operator,
        Body::Json,
    ),
    route("recording", Method::GET, cc::RECORDINGS_PATH, Upstream::CallCenter, Access::Operator, Body::Query),
];

/// The route for exactly this method and path, if any. The path is compared as received: a
/// percent-encoded or dotted variant of a route's path is not that route.
pub fn find(method: &Method, path: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.path == path && r.method == *method)
}

impl Route {
    /// The largest body this route accepts.
    pub fn body_limit(&self) -> usize {
        match self.body {
            Body::Multipart => UPLOAD_LIMIT,
            Body::Query => 0,
            Body::Chat(_) | Body::Json => JSON_LIMIT,
        }
    }

    /// Whether the path is one of the API families (answered with JSON errors, never static files),
    /// including those of the services the binary may mount (`/callbacks/`, `/kefu/v1/`; the widget
    /// package itself is served under `/kefu/`), so they
    /// answer a JSON 404 when nothing is mounted there.
    pub fn is_api_path(path: &str) -> bool {
        ["/api/", "/aicall/", "/recordings/", "/callbacks/", "/kefu/v1/"].iter().any(|p| path.starts_with(p))
    }
}
