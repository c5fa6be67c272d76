//! JSON text to a [`serde_json::Value`], for the hand-written decoders (`from_json.rs`).

use serde_json::{Error, Value};

/// Parses JSON text.
pub(crate) fn parse(bytes: &[u8]) -> Result<Value, Error> {
    serde_json::from_slice(bytes)
}
