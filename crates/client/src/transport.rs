//! HTTP over the browser's `fetch`: a timeout per request (AbortController), and retries with
//! backoff only for requests that are safe to repeat.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, FormData, Headers, RequestInit, Response};

use crate::error::{Failure, NO_ANSWER_WITHIN, is_transient};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(input: &str, init: &RequestInit) -> Promise;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &JsValue, ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// Attempts for a request that is safe to repeat (the first and two retries).
const ATTEMPTS: u32 = 3;
/// The first retry waits this long; each further one twice as long.
const BACKOFF_MS: i32 = 250;

/// A request body.
pub(crate) enum Body {
    /// No body (GET).
    Empty,
    /// JSON text.
    Json(String),
    /// A multipart form (the browser sets the boundary).
    Form(FormData),
    /// Bytes of a given type (a contacts file).
    Raw {
        /// Its Content-Type.
        content_type: &'static str,
        /// The bytes.
        bytes: Vec<u8>,
    },
}

/// The HTTP side of the client: the proxy's base URL, the optional operator token, a timeout.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    base: String,
    operator_token: Option<String>,
    timeout_ms: u32,
}

impl Http {
    pub(crate) fn new(base: &str, operator_token: Option<String>, timeout_ms: u32) -> Http {
        Http { base: base.trim_end_matches('/').to_owned(), operator_token, timeout_ms: timeout_ms.max(1) }
    }

    /// The absolute URL of a path on the proxy.
    pub(crate) fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base)
    }

    /// Sends a request; repeats it after a failure that may be transient only when `retry_safe`.
    pub(crate) async fn send(
        &self,
        method: &str,
        path_and_query: &str,
        body: &Body,
        retry_safe: bool,
    ) -> Result<(u16, Vec<u8>), Failure> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self.once(method, path_and_query, body).await;
            let transient = is_transient(result.as_ref().map(|(status, _)| *status));
            if !(retry_safe && transient && attempt < ATTEMPTS) {
                return result;
            }
            sleep(BACKOFF_MS << (attempt - 1)).await;
        }
    }

    async fn once(&self, method: &str, path_and_query: &str, body: &Body) -> Result<(u16, Vec<u8>), Failure> {
        let js = |e: JsValue| Failure::NotDelivered(describe(&e));
        let controller = AbortController::new().map_err(js)?;
        let init = RequestInit::new();
        init.set_method(method);
        init.set_signal(Some(&controller.signal()));
        let headers = Headers::new().map_err(js)?;
        headers.set("Accept", "application/json").map_err(js)?;
        if let Some(token) = &self.operator_token {
            headers.set("Authorization", &format!("Bearer {token}")).map_err(js)?;
        }
        match body {
            Body::Empty => {}
            Body::Json(text) => {
                headers.set("Content-Type", "application/json").map_err(js)?;
                init.set_body(&JsValue::from_str(text));
            }
            Body::Form(form) => init.set_body(form),
            Body::Raw { content_type, bytes } => {
                headers.set("Content-Type", content_type).map_err(js)?;
                init.set_body(&Uint8Array::from(bytes.as_slice()));
            }
        }
        init.set_headers(&headers);

        let timed_out = Rc::new(Cell::new(false));
        let flag = timed_out.clone();
        let abort = Closure::once_into_js(move || {
            flag.set(true);
            controller.abort();
        });
        let timer = set_timeout(&abort, i32::try_from(self.timeout_ms).unwrap_or(i32::MAX));
        let result = self.fetch_bytes(path_and_query, &init).await;
        clear_timeout(&timer);
        result.map_err(|e| {
            if timed_out.get() {
                Failure::Uncertain(format!("{NO_ANSWER_WITHIN} {} ms", self.timeout_ms))
            } else {
                network_error(&e)
            }
        })
    }

    async fn fetch_bytes(&self, path_and_query: &str, init: &RequestInit) -> Result<(u16, Vec<u8>), JsValue> {
        response_bytes(global_fetch(&self.url(path_and_query), init)).await
    }
}

/// The status and body of `answer`, a `fetch()` made elsewhere (the widget loader's early
/// start); no answer is an uncertain delivery.
pub(crate) async fn answered(answer: Promise) -> Result<(u16, Vec<u8>), Failure> {
    response_bytes(answer).await.map_err(|e| network_error(&e))
}

/// fetch rejects the same way whether or not the request left: uncertain.
fn network_error(e: &JsValue) -> Failure {
    Failure::Uncertain(format!("network error: {}", describe(e)))
}

async fn response_bytes(answer: Promise) -> Result<(u16, Vec<u8>), JsValue> {
    let response: Response = JsFuture::from(answer).await?.dyn_into()?;
    let status = response.status();
    let buffer = JsFuture::from(response.array_buffer()?).await?;
    Ok((status, Uint8Array::new(&buffer).to_vec()))
}

/// Waits `ms` milliseconds.
pub(crate) async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

/// A JavaScript exception's message (an `Error`'s, or a thrown string), without the `Debug`
/// formatting of a `JsValue` (which brings a large JavaScript helper into the bundle).
pub(crate) fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
