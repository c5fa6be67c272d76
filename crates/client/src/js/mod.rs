//! The JavaScript API (wasm-bindgen, camelCase names, typed Promises, TypeScript types generated
//! from the Rust types with tsify), one file per concept: the client and its handles
//! ([`client`], [`outbound`], [`coeus`], [`callcenter`], [`results`]), the chat session
//! ([`session`]), its events ([`event`]) and the errors ([`error`]).
//!
//! ```js
//! import init, { KefuClient } from "kefu-client";
//! await init();
//! const client = await KefuClient.create({ endpoint: "https://kefu.example.com" });
//! const chat = await client.startChat({ channel: "h5", vars: { name: "张三" } });
//! chat.on("say", (e) => show(e.prompt));
//! chat.on("wait", () => enableInput());
//! await chat.send("你好");      // resolves once the platform has it
//! const bots = await client.coeus().syncPrompt("200000000"); // as the Rust API: handles
//! ```

pub mod callcenter;
pub mod client;
pub mod coeus;
pub mod error;
pub mod event;
pub mod outbound;
pub mod results;
pub mod session;

use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::JsValue;

use crate::ClientError;

/// Plain JavaScript values: objects (not `Map`s) for maps, numbers for integers.
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| error::invalid(&e.to_string()))
}

/// A result of the Rust API as a JavaScript value, or its error as a `KefuError`.
pub(crate) fn answer<T: Serialize>(result: Result<T, ClientError>) -> Result<JsValue, JsValue> {
    to_js(&result.map_err(|e| error::from_client(&e))?)
}

/// Reads a Tsify input, or says why it does not fit.
pub(crate) fn input<T>(value: Ts<T>) -> Result<T, JsValue>
where
    T: Tsify + serde::de::DeserializeOwned,
    T::JsType: Clone,
{
    value.to_rust().map_err(|e| error::invalid(&e.to_string()))
}
