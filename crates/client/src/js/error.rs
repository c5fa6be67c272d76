//! `KefuError`: every Promise of the package rejects with one, and every method that fails throws
//! one. It is a JavaScript `Error` (named "KefuError", its `message` the text) with a
//! machine-readable `kind` and, when the platform refused, its `code`.

use js_sys::Reflect;
use kefu_protocol::Code;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::{ClientError, ErrorKind};

#[wasm_bindgen(typescript_custom_section)]
const TS_KEFU_ERROR: &str = r#"
/** What kind of failure a `KefuError` is: no answer ("network", "timeout"), refused by the
 * proxy ("refused"), refused by the platform with its `code` ("platform"), input that cannot be
 * sent ("invalidInput"), or a session that is over or out of step ("expired": `restart()`). */
export type KefuErrorKind = "network" | "timeout" | "refused" | "platform" | "invalidInput" | "expired";
/** What every Promise of the package rejects with, and every method throws. */
export interface KefuError extends Error {
  name: "KefuError";
  /** What kind of failure it is. */
  kind: KefuErrorKind;
  /** The platform's code, when `kind` is "platform". */
  code?: number | string;
}
"#;

/// A `KefuError` of `kind` saying `message`, with the platform's `code` when there is one.
pub(crate) fn kefu_error(kind: ErrorKind, message: &str, code: Option<&Code>) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name("KefuError");
    let _ = Reflect::set(&error, &JsValue::from_str("kind"), &JsValue::from_str(kind.name()));
    if let Some(code) = code {
        let code = match code {
            Code::Int(n) => JsValue::from_f64(*n as f64),
            Code::Str(s) => JsValue::from_str(s),
        };
        let _ = Reflect::set(&error, &JsValue::from_str("code"), &code);
    }
    error.into()
}

/// The `KefuError` of a client error.
pub(crate) fn from_client(e: &ClientError) -> JsValue {
    kefu_error(e.kind(), &e.to_string(), e.platform_code())
}

/// A `KefuError` for input the JavaScript API itself refuses.
pub(crate) fn invalid(message: &str) -> JsValue {
    kefu_error(ErrorKind::InvalidInput, message, None)
}

impl From<ClientError> for JsValue {
    fn from(e: ClientError) -> JsValue {
        from_client(&e)
    }
}
