//! TypeScript declarations for the types whose serde form is hand-written (enums with an `Other`
//! fallback, timestamps, lenient lists); the structs derive theirs with tsify. Checked against the
//! Rust enums by `tests/ts.rs`.

#[cfg(all(feature = "js", target_arch = "wasm32"))]
#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const TS_DECLARATIONS: &str = r#"
/** A timestamp as the platform sent it (yyyy-MM-dd HH:mm:ss, yyyy-MM-dd, RFC 3339, or ""). */
export type Timestamp = string;
/** A list (the platform may send it as a list, one object, or JSON text; it arrives as a list). */
export type JsonList<T> = T[];
/** A list of records (rows that did not decode are left out; pages report them in `skipped`). */
export type Rows<T> = T[];
/** A list the platform sends as JSON text inside a string (it arrives as a list). */
export type EmbeddedJsonList<T> = T[];
export type Channel = "h5" | "wx_oa" | "wx_mp" | "wx_work" | "weibo" | "email" | "app" | (string & {});
export type Cmd = "evt.say" | "evt.wait" | "evt.finish" | "evt.transfer" | "evt.input" | "evt.complete" | (string & {});
export type CallStatus = "Scheduling" | "Executing" | "Succeeded" | "Paused" | "Failed" | "Cancelled" | "Drafted" | (string & {});
export type Action = "BeginDialogue" | "Dialogue" | "Broadcast" | "EndDialogue" | "AbortDialogue" | "SilenceTimeout" | "HangUp" | "TransferToAgent" | "TransferToIVR" | "CollectNumber" | "CollectedNumber" | "RedirectToPage" | "Authorize" | "WaitOnAsyncTask" | "Error" | (string & {});
export type Speaker = "Robot" | "Contact" | (string & {});
export type CallType = "01" | "02" | "03" | (string & {});
export type FileSuffix = "excel" | "csv" | "txt" | (string & {});
/** 1 user, 2 AI. */
export type HangupBy = 1 | 2 | number;
/** 1 bot, 2 user. */
export type DialogType = 1 | 2 | number;
/** 0 placed, 1001 must wait, 1002 call limit reached. */
export type CallErrorCode = 0 | 1001 | 1002 | number;
/** 0 automatic, 1 manual. */
export type CallMode = 0 | 1 | number;
/** 1 multi-turn flow, 2 knowledge base. */
export type PromptSource = 1 | 2 | number;
/** 1 rule, 2 model, 3 similarity, 4 knowledge base, 5 system. */
export type IntentSource = 1 | 2 | 3 | 4 | 5 | number;
"#;
