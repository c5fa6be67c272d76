//! The few browser requests the client does not make: a number upload with progress (an
//! `XMLHttpRequest`, whose upload reports progress where `fetch` does not) and a CSV download
//! (fetched with the operator token in `Authorization`, then saved from a blob, so the token
//! never goes into a URL). Also reading a chosen file's bytes.

use js_sys::{Array, Promise, Uint8Array};
use kefu_client::{ClientError, Failure};
use kefu_protocol::PlatformAnswer;
use kefu_protocol::coeus::{OUTNUM_PATH, OutnumForm, OutnumResult};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use yew::Callback;

use crate::error::ConsoleError;
use crate::session::Session;

fn browser(e: JsValue) -> ConsoleError {
    ConsoleError::Browser(describe(&e))
}

/// A JavaScript exception's message (an `Error`'s, or a thrown string). Not `format!("{e:?}")`:
/// a `JsValue`'s `Debug` brings a large JavaScript helper into the console's glue.
fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// The bytes of a file the operator chose.
pub(crate) async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, ConsoleError> {
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(browser)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The browser's `DecompressionStream` (web-sys has it only behind its unstable APIs).
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> web_sys::WritableStream;
}

/// Inflates raw deflate bytes with the browser's `DecompressionStream("deflate-raw")`.
async fn inflate(data: &[u8]) -> Result<Vec<u8>, String> {
    let fail = |e: JsValue| describe(&e);
    let parts = Array::of1(&Uint8Array::from(data));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(fail)?;
    let stream = DecompressionStream::new("deflate-raw").map_err(fail)?;
    let pair = web_sys::ReadableWritablePair::new(&stream.readable(), &stream.writable());
    let inflated = blob.stream().pipe_through(&pair);
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&inflated)).map_err(fail)?;
    let buffer = JsFuture::from(response.array_buffer().map_err(fail)?).await.map_err(fail)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// The rows of an .xlsx file's first sheet ([`crate::xlsx`]), its parts inflated by the browser.
pub(crate) async fn xlsx_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    let parts = crate::xlsx::parts(bytes)?;
    let open = |part: crate::xlsx::Part| async move {
        if part.deflated {
            inflate(&part.data).await.map_err(|e| format!("{}: cannot inflate ({e})", part.name))
        } else {
            Ok(part.data)
        }
    };
    let sheet = open(parts.sheet).await?;
    let shared = match parts.shared {
        Some(part) => Some(open(part).await?),
        None => None,
    };
    crate::xlsx::rows_from(&sheet, shared.as_deref())
}

/// `POST outnum` as multipart, reporting `(sent, total)` bytes to `progress` while the file goes
/// up. Never retried (a repeat would make a second batch); no answer at all is reported as
/// uncertain.
pub(crate) async fn upload_numbers(
    session: &Session,
    form: &OutnumForm,
    file: &web_sys::File,
    progress: Callback<(f64, f64)>,
) -> Result<OutnumResult, ConsoleError> {
    let data = web_sys::FormData::new().map_err(browser)?;
    for (name, value) in form.fields() {
        data.append_with_str(name, &value).map_err(browser)?;
    }
    data.append_with_blob_and_filename("file", file, &file.name()).map_err(browser)?;
    let xhr = web_sys::XmlHttpRequest::new().map_err(browser)?;
    xhr.open("POST", &session.url(OUTNUM_PATH)).map_err(browser)?;
    xhr.set_request_header("Authorization", &format!("Bearer {}", session.token)).map_err(browser)?;
    let on_progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
        if e.length_computable() {
            progress.emit((e.loaded(), e.total()));
        }
    });
    xhr.upload().map_err(browser)?.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    let done = Promise::new(&mut |resolve, _reject| {
        xhr.set_onloadend(Some(&resolve));
    });
    xhr.send_with_opt_form_data(Some(&data)).map_err(browser)?;
    JsFuture::from(done).await.map_err(browser)?;
    drop(on_progress);
    let status = xhr.status().map_err(browser)?;
    if status == 0 {
        let why = "no answer from the proxy (network error)".to_owned();
        return Err(ClientError::Delivery(Failure::Uncertain(why)).into());
    }
    let body = xhr.response_text().map_err(browser)?.unwrap_or_default();
    kefu_protocol::decode_json::<PlatformAnswer<OutnumResult>>(status, body.as_bytes())
        .map_err(|e| ClientError::Delivery(Failure::from_answer(status, e)).into())
}

/// Fetches `url` (a `calls.csv`) with the operator token and saves it as `filename`; answers
/// how many calls it holds.
pub(crate) async fn download_csv(
    session: &Session,
    url: &str,
    filename: &str,
) -> Result<usize, ConsoleError> {
    let window = web_sys::window().ok_or_else(|| ConsoleError::Browser("no window".into()))?;
    let headers = web_sys::Headers::new().map_err(browser)?;
    headers.set("Authorization", &format!("Bearer {}", session.token)).map_err(browser)?;
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_headers(&headers);
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await.map_err(|e| {
        let why = format!("network error: {}", describe(&e));
        ConsoleError::Client(ClientError::Delivery(Failure::Uncertain(why)))
    })?;
    let response: web_sys::Response = response.dyn_into().map_err(browser)?;
    let text = JsFuture::from(response.text().map_err(browser)?).await.map_err(browser)?;
    let text = text.as_string().unwrap_or_default();
    if !response.ok() {
        let status = response.status();
        let error = kefu_protocol::decode_json::<PlatformAnswer<serde_json::Value>>(status, text.as_bytes())
            .err()
            .map(|e| Failure::from_answer(status, e))
            .unwrap_or_else(|| Failure::NotDelivered(format!("HTTP {status}")));
        return Err(ClientError::Delivery(error).into());
    }
    let count = crate::numbers::csv_records(&text);
    // Excel reads UTF-8 CSV as such only after a byte-order mark (text() dropped the server's).
    let parts = Array::of1(&JsValue::from_str(&format!("\u{feff}{text}")));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(browser)?;
    let href = web_sys::Url::create_object_url_with_blob(&blob).map_err(browser)?;
    let document = window.document().ok_or_else(|| ConsoleError::Browser("no document".into()))?;
    let link: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(browser)?.dyn_into().map_err(|e| browser(e.into()))?;
    link.set_href(&href);
    link.set_download(filename);
    link.set_hidden(true);
    if let Some(body) = document.body() {
        let _ = body.append_child(&link);
        link.click();
        link.remove();
    }
    // Give the download a moment to start before the blob's URL goes.
    yew::platform::time::sleep(std::time::Duration::from_secs(1)).await;
    let _ = web_sys::Url::revoke_object_url(&href);
    Ok(count)
}
