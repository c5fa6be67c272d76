//! kefu-client: a typed client for the bot platform, through kefu-proxy.
//!
//! The chat loop lives in [`conversation::Conversation`], a sans-I/O state machine: it takes the
//! platform's answers and says what to send next, so it is tested natively and driven by any
//! transport. In the browser (wasm32), [`KefuClient`] drives it over `fetch` ([`ChatSession`])
//! and offers handles for every other endpoint: `outbound()`, `coeus()`, `callcenter()`, and
//! `results()` (campaign results and contacts from kefu-proxy's callbacks store). It never
//! holds the platform secret: requests go to the proxy, which signs them.

#[cfg(target_arch = "wasm32")]
pub mod browser_json;
#[cfg(target_arch = "wasm32")]
pub mod callcenter;
#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
pub mod coeus;
pub mod conversation;
mod error;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub mod js;
pub mod lang;
#[cfg(target_arch = "wasm32")]
pub mod outbound;
pub mod paths;
pub mod recovery;
#[cfg(target_arch = "wasm32")]
pub mod results;
#[cfg(target_arch = "wasm32")]
mod session;
#[cfg(target_arch = "wasm32")]
mod transport;

pub use conversation::{
    Call, ChatOptions, Conversation, Delivery, Event, MessageId, Outgoing, Phase, SidSource, Ticket,
};
pub use error::{ClientError, ErrorKind, Failure, ProtocolError, Result, is_transient};
pub use lang::Lang;
pub use paths::CallCenterPaths;
pub use recovery::{RecoveryPolicy, Trouble};
#[cfg(target_arch = "wasm32")]
pub use {
    client::{DEFAULT_TIMEOUT_MS, KefuClient},
    session::{ChatSession, PrefetchedStart},
};
