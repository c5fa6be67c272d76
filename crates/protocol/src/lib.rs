//! Wire types for the bot platform's three documented APIs: serde types, no I/O.
//!
//! - seed 002, the bot platform: [`chat`] (botdm start / trigger / stop), [`coeus`] (outbound
//!   tasks and number lists), [`callbacks`] (what the platform pushes to you);
//! - seed 000, the outbound-call service: [`outbound`];
//! - seed 001, the call-center: [`callcenter`].
//!
//! Decoding is lenient (every form the documents show is accepted, unknown enum values become
//! `Other`), encoding is exact (the form each field table names). [`decode`] turns an HTTP
//! status and body into the call's typed output or a [`PlatformError`]. With the `value-decode`
//! feature, `decode_json` and `json_text` decode the answers and encode the requests the
//! operators' console uses by hand-written code (`FromJson`, `ToJson`: the same rules, no serde
//! code per type in its wasm).
//!
//! ```
//! use kefu_protocol::{chat::BotTurn, decode, Cmd, PlatformAnswer};
//! let body = r#"{"code":0,"msg":"success","result":{"sid":"ad84177a55e14ce02a46331bd500243c",
//!   "cmd":"evt.say","prompt":"您好","prompt_id":"iQwtR"}}"#;
//! let turn = decode::<PlatformAnswer<BotTurn>>(200, body.as_bytes())?;
//! assert_eq!(turn.cmd, Cmd::Say);
//! # Ok::<(), kefu_protocol::Error>(())
//! ```
//!
//! # The JavaScript names (feature `js`, wasm32 only)
//!
//! The documents name fields in snake_case (seed 002 and kefu's own `/kefu/v1/` routes) or in
//! camelCase (seeds 000 and 001); kefu-client's JavaScript API names every field in camelCase.
//! With the `js` feature, on wasm32 only (`cfg(all(feature = "js", target_arch = "wasm32"))`:
//! no build script, whose mere presence reorders the widget's code and costs it bytes), one set
//! of types serves both, and derives its TypeScript declarations (tsify) from the same names:
//!
//! - what the platform answers (`BotSummary`, `Page`, `Task`, …) serializes with camelCase keys
//!   (`botId`, `pageNo`) and still decodes the documents' names: it is only ever decoded from the
//!   wire and handed to JavaScript, never sent; its declaration (`#[tsify(output,
//!   missing_as_null)]`, kefu's patch of tsify-macros, `vendor/tsify-macros/KEFU-PATCH.md`) is
//!   that of the object JavaScript receives: a field is optional only where serde skips it
//!   (`skip_serializing_if`; `#[serde(default)]` only makes decoding lenient), and an `Option`
//!   kept is `T | null`;
//! - what a page asks for (`AddTaskRequest`, `TaskListRequest`, `CallQuery`, `OutnumForm`, …)
//!   takes camelCase both ways: it is decoded from JavaScript, and a body the document names in
//!   snake_case is written with [`snake_case_json`], which gives back the document's keys;
//! - [`EmbeddedJsonList`] serializes as a list (on the wire it is JSON text).
//!
//! A server decodes requests and encodes answers with the documents' names, so the feature never
//! takes effect natively, even where Cargo unifies it into a native build.

pub mod callbacks;
pub mod callcenter;
mod case;
pub mod chat;
mod code;
pub mod coeus;
mod enums;
mod envelope;
mod error;
#[cfg(feature = "value-decode")]
mod from_json;
#[cfg(feature = "value-decode")]
mod json;
mod keys;
mod lenient;
mod objects;
pub mod outbound;
pub mod results;
mod rows;
mod sid;
mod ssml;
pub mod template;
mod time;
#[cfg(feature = "value-decode")]
mod to_json;
mod ts;
mod vars;

pub use case::{snake_case, snake_case_json};
pub use code::Code;
pub use enums::{
    Action, CallErrorCode, CallMode, CallStatus, CallType, Channel, Cmd, DialogType, FileSuffix, HangupBy,
    IntentSource, NumberState, PromptSource, RecallFlag, RecallGroup, SmsState, Speaker,
};
pub use envelope::{
    Answer, CallCenterAnswer, CallCenterPage, MESSAGE_KEYS, OutboundAnswer, PAYLOAD_KEYS, Page,
    PlatformAnswer, PlatformPage, Verdict, decode, decode_value, into_result, judge, snippet,
};
#[cfg(feature = "value-decode")]
pub use envelope::{JsonAnswer, decode_json};
pub use error::{Error, PlatformError, Result};
#[cfg(feature = "value-decode")]
pub use from_json::FromJson;
pub use lenient::{EmbeddedJsonList, JsonList};
pub use rows::{Rows, SkippedRow};
pub use sid::Sid;
pub use ssml::ssml_to_text;
pub use time::{DateTime, PLATFORM_OFFSET_MINUTES, Timestamp};
#[cfg(feature = "value-decode")]
pub use to_json::{ToJson, json_text};
pub use vars::{VarMap, VarValue};
