//! The answer envelopes of the three API families, decoded leniently and turned into
//! `Result<T, Error>` by [`decode`].
//!
//! | family | success | message key | payload key |
//! |---|---|---|---|
//! | seed 002 (bot platform) | HTTP 200 and `code == 0` (`"000000"` too) | `msg` | `result` |
//! | seed 000 (outbound bot) | `code` 200 or 201 | `message` | `data` |
//! | seed 001 (call-center) | `code` 0 or 200 | `msg` (may be `null`) | `data`, or `total` + `rows` |
//!
//! Every envelope accepts every key form when decoding and writes its own family's form when
//! encoding. HTTP 500, or any non-2xx status, is a failure whatever the body says.

use serde::de::{DeserializeOwned, IntoDeserializer};
use serde::{Deserialize, Serialize};

use crate::code::Code;
use crate::error::{Error, PlatformError, Result};
use crate::keys;
use crate::lenient;
use crate::objects::Objects;
use crate::rows::{Rows, SkippedRow};

/// An answer type: something decoded from a platform body that either carries a payload or
/// reports a failure.
pub trait Answer: DeserializeOwned {
    /// What a successful answer yields.
    type Output;
    /// The status code, when the body has one.
    fn code(&self) -> Option<&Code>;
    /// The status message, when the body has one.
    fn message(&self) -> Option<&str>;
    /// The payload of an answer already known to be a success.
    fn into_output(self) -> Result<Self::Output>;
    /// Decodes the answer from a parsed JSON value, for [`decode_value`]: serde's derived
    /// decoder by default. The envelopes read their own few keys by hand (`keys.rs`), so that
    /// only the payload's decoding is compiled for each payload type.
    fn from_value(value: serde_json::Value) -> std::result::Result<Self, serde_json::Error> {
        Self::deserialize(Objects(value))
    }
}

/// The keys an envelope's status message may come under, in the order they are read.
pub const MESSAGE_KEYS: [&str; 2] = ["msg", "message"];
/// The keys an envelope's payload may come under, in the order they are read.
pub const PAYLOAD_KEYS: [&str; 2] = ["result", "data"];

/// What an answer's HTTP status, `code` and message say, before its payload is read.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// A success: the payload is the call's output.
    Success,
    /// The platform (or kefu-proxy, in the same envelope) refused the call.
    Refused(PlatformError),
    /// A failure status whose body is not a platform answer (neither `code` nor a message).
    NotAnAnswer,
}

/// The one success rule of the three documents, for every decoder (serde's [`decode`] and the
/// browser's own): a non-2xx status is a failure (its body's `code` / message are kept when it
/// has them, else it is [`Verdict::NotAnAnswer`]), a missing `code` on a 2xx answer is taken as
/// success, and any other `code` than the success codes is a [`PlatformError`].
pub fn judge(http_status: u16, code: Option<Code>, message: Option<String>) -> Verdict {
    let ok_status = (200..300).contains(&http_status);
    if !ok_status && code.is_none() && message.is_none() {
        return Verdict::NotAnAnswer;
    }
    if ok_status && code.as_ref().is_none_or(Code::is_success) {
        return Verdict::Success;
    }
    Verdict::Refused(PlatformError {
        code: code.unwrap_or(Code::Int(i64::from(http_status))),
        message: message.unwrap_or_default(),
        http_status,
    })
}

/// Turns an HTTP status and body into the call's typed output, or the reason it failed, by the
/// rule of [`judge`].
pub fn decode<A: Answer>(http_status: u16, body: &[u8]) -> Result<A::Output> {
    let ok_status = (200..300).contains(&http_status);
    if !ok_status {
        return Err(failure_from_body(http_status, body));
    }
    let answer: A = match serde_json::from_slice(body) {
        Ok(answer) => answer,
        Err(source) => {
            // A failure answer may lack fields the success shape needs; report it as what it is.
            if let Ok(status) = serde_json::from_slice::<Status>(body) {
                if let Verdict::Refused(e) = judge(http_status, status.code, status.msg) {
                    return Err(e.into());
                }
            }
            return Err(Error::Decode { status: http_status, source });
        }
    };
    into_result(answer, http_status)
}

/// [`decode`] with the body read into a [`serde_json::Value`] first and the answer decoded from
/// that value: the same rules and results (errors lack the line and column), except that a
/// record must be a JSON object, not a list of its fields in order (the documents send only
/// objects). Why: a wasm binary that decodes many answer types compiles each type's decoder
/// once for the value, which [`Rows`] rows are decoded from anyway, instead of again for the
/// JSON text reader, and without the list half (see `objects.rs`; the operators' console saves
/// kilobytes with it).
pub fn decode_value<A: Answer>(http_status: u16, body: &[u8]) -> Result<A::Output> {
    // Only the answer type's own decoding is generic; the rest is compiled once.
    let value = read_value(http_status, body)?;
    match A::from_value(value) {
        Ok(answer) => into_result(answer, http_status),
        Err(source) => Err(undecodable(http_status, body, source)),
    }
}

/// [`decode_value`]'s first half: a failure status, or the body as a JSON value.
fn read_value(http_status: u16, body: &[u8]) -> Result<serde_json::Value> {
    if !(200..300).contains(&http_status) {
        return Err(failure_from_body(http_status, body));
    }
    serde_json::from_slice(body).map_err(|source| undecodable(http_status, body, source))
}

/// A body that does not decode as the answer type: the platform's refusal when it is one (a
/// failure answer may lack fields the success shape needs), else the decoding error.
fn undecodable(http_status: u16, body: &[u8], source: serde_json::Error) -> Error {
    if let Ok(status) = serde_json::from_slice::<Status>(body) {
        if let Verdict::Refused(e) = judge(http_status, status.code, status.msg) {
            return e.into();
        }
    }
    Error::Decode { status: http_status, source }
}

/// Checks an already decoded answer's code ([`judge`]) and yields its payload.
pub fn into_result<A: Answer>(answer: A, http_status: u16) -> Result<A::Output> {
    match judge(http_status, answer.code().cloned(), answer.message().map(str::to_owned)) {
        Verdict::Refused(e) => Err(e.into()),
        Verdict::Success | Verdict::NotAnAnswer => answer.into_output(),
    }
}

/// An answer type with a hand-written decoder (`from_json.rs`), for [`decode_json`].
#[cfg(feature = "value-decode")]
pub trait JsonAnswer: Answer {
    /// Decodes the answer from a parsed JSON value, as serde's decoder would.
    fn read(value: serde_json::Value) -> std::result::Result<Self, serde_json::Error>;
    /// The payload of an answer already known to be a success.
    fn payload(self) -> Result<Self::Output>;
}

/// [`decode_value`] by the hand-written decoders (feature `value-decode`): the same outputs,
/// and an error wherever it fails (its messages may differ). Why: the operators' console links
/// no serde decoder of an answer or row type (tens of kilobytes of wasm less).
#[cfg(feature = "value-decode")]
pub fn decode_json<A: JsonAnswer>(http_status: u16, body: &[u8]) -> Result<A::Output> {
    // Only the answer type's own decoding is generic; the rest is compiled once.
    match body_by_hand(http_status, body).map(A::read) {
        Err(e) => Err(e),
        Ok(Ok(answer)) => {
            checked(http_status, answer.code(), answer.message())?;
            answer.payload()
        }
        Ok(Err(source)) => Err(undecodable_by_hand(http_status, body, source)),
    }
}

/// [`decode_json`]'s first half: a failure status, or the body as a JSON value.
#[cfg(feature = "value-decode")]
fn body_by_hand(http_status: u16, body: &[u8]) -> Result<serde_json::Value> {
    if !(200..300).contains(&http_status) {
        return Err(failure_by_hand(http_status, body));
    }
    crate::json::parse(body).map_err(|source| undecodable_by_hand(http_status, body, source))
}

/// A decoded answer's refusal, by [`judge`].
#[cfg(feature = "value-decode")]
fn checked(http_status: u16, code: Option<&Code>, message: Option<&str>) -> Result<()> {
    match judge(http_status, code.cloned(), message.map(str::to_owned)) {
        Verdict::Refused(e) => Err(e.into()),
        Verdict::Success | Verdict::NotAnAnswer => Ok(()),
    }
}

/// [`undecodable`] by the hand-written decoders.
#[cfg(feature = "value-decode")]
fn undecodable_by_hand(http_status: u16, body: &[u8], source: serde_json::Error) -> Error {
    match status_by_hand(body).map(|s| judge(http_status, s.code, s.msg)) {
        Some(Verdict::Refused(e)) => e.into(),
        _ => Error::Decode { status: http_status, source },
    }
}

/// The status part of a body, when it has one that decodes.
#[cfg(feature = "value-decode")]
fn status_by_hand(body: &[u8]) -> Option<Status> {
    crate::json::parse(body).and_then(<Status as crate::from_json::FromJson>::from_json).ok()
}

/// [`failure_from_body`] by the hand-written decoders.
#[cfg(feature = "value-decode")]
fn failure_by_hand(http_status: u16, body: &[u8]) -> Error {
    let (code, msg) = status_by_hand(body).map(|s| (s.code, s.msg)).unwrap_or_default();
    match judge(http_status, code, msg) {
        Verdict::Refused(e) => e.into(),
        Verdict::Success | Verdict::NotAnAnswer => {
            Error::Http { status: http_status, snippet: snippet(body) }
        }
    }
}

#[cfg(feature = "value-decode")]
crate::from_json::from_json! {
    Status { code: "code" => crate::from_json::plain, or_default; msg: "msg" | "message" => crate::from_json::plain, or_default; }
}

/// Implements [`JsonAnswer`] for answers sent bare (their payload is the whole body).
#[cfg(feature = "value-decode")]
macro_rules! bare_json_answer {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::envelope::JsonAnswer for $t {
            fn read(value: serde_json::Value) -> Result<$t, serde_json::Error> {
                <$t as $crate::from_json::FromJson>::from_json(value)
            }
            fn payload(self) -> $crate::error::Result<$t> {
                Ok(self)
            }
        }
    )*};
}
#[cfg(feature = "value-decode")]
pub(crate) use bare_json_answer;

fn failure_from_body(http_status: u16, body: &[u8]) -> Error {
    let (code, msg) = serde_json::from_slice::<Status>(body).map(|s| (s.code, s.msg)).unwrap_or_default();
    match judge(http_status, code, msg) {
        Verdict::Refused(e) => e.into(),
        Verdict::Success | Verdict::NotAnAnswer => {
            Error::Http { status: http_status, snippet: snippet(body) }
        }
    }
}

/// The first characters of a body, for messages.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    text.chars().take(200).collect()
}

/// Just the status part of any envelope.
#[derive(Deserialize)]
struct Status {
    #[serde(default)]
    code: Option<Code>,
    #[serde(default, alias = "message")]
    msg: Option<String>,
}

/// Yields the payload, or — when the answer has none — the value the payload type takes from
/// nothing (`()` and `Option` do; a struct does not, which is a [`Error::MissingPayload`]).
fn payload_or_unit<T: DeserializeOwned>(payload: Option<T>, key: &'static str) -> Result<T> {
    match payload {
        Some(t) => Ok(t),
        None => {
            let unit: serde::de::value::UnitDeserializer<serde::de::value::Error> = ().into_deserializer();
            T::deserialize(unit).map_err(|_| Error::MissingPayload(key))
        }
    }
}

macro_rules! envelope {
    ($(#[$meta:meta])* $name:ident, msg = $msg:tt | $msg_alt:tt, payload = $payload:tt | $payload_alt:tt) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(bound(serialize = "T: Serialize", deserialize = "T: DeserializeOwned"))]
        pub struct $name<T> {
            /// Status code.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub code: Option<Code>,
            /// Status message.
            #[serde(default, rename = $msg, alias = $msg_alt)]
            pub msg: Option<String>,
            /// The payload; absent on failures and on calls that return nothing.
            #[serde(default, rename = $payload, alias = $payload_alt, skip_serializing_if = "Option::is_none")]
            pub payload: Option<T>,
        }

        impl<T> $name<T> {
            /// A success answer carrying `payload`.
            pub fn ok(code: Code, msg: impl Into<String>, payload: T) -> Self {
                Self { code: Some(code), msg: Some(msg.into()), payload: Some(payload) }
            }
            /// A failure answer.
            pub fn failure(code: Code, msg: impl Into<String>) -> Self {
                Self { code: Some(code), msg: Some(msg.into()), payload: None }
            }
        }

        impl<T: DeserializeOwned> Answer for $name<T> {
            type Output = T;
            fn code(&self) -> Option<&Code> {
                self.code.as_ref()
            }
            fn message(&self) -> Option<&str> {
                self.msg.as_deref()
            }
            fn into_output(self) -> Result<T> {
                payload_or_unit(self.payload, $payload)
            }
            fn from_value(value: serde_json::Value) -> std::result::Result<Self, serde_json::Error> {
                const KEYS: [(&str, usize); 5] = [("code", 0), ($msg, 1), ($msg_alt, 1), ($payload, 2), ($payload_alt, 2)];
                let ([code, msg, payload], mut first) = keys::read(value, concat!("struct ", stringify!($name)), &KEYS, ["code", $msg, $payload])?;
                let code = first.code(code);
                let msg = first.text(msg);
                let payload = first.payload(payload);
                first.or(Self { code, msg, payload })
            }
        }

        #[cfg(feature = "value-decode")]
        impl<T: DeserializeOwned + crate::from_json::FromJson> JsonAnswer for $name<T> {
            fn read(value: serde_json::Value) -> std::result::Result<Self, serde_json::Error> {
                use crate::from_json::plain;
                let mut fields = crate::from_json::Fields::of(value, concat!("struct ", stringify!($name)))?;
                let answer = Self {
                    code: fields.or_default(&["code"], plain),
                    msg: fields.or_default(&[$msg, $msg_alt], plain),
                    payload: fields.or_default(&[$payload, $payload_alt], plain),
                };
                fields.done(answer)
            }
            fn payload(self) -> Result<T> {
                match self.payload {
                    Some(t) => Ok(t),
                    None => <T as crate::from_json::FromJson>::from_nothing().ok_or(Error::MissingPayload($payload)),
                }
            }
        }
    };
}

envelope!(
    /// Seed 002's envelope: `{code, msg, result}`.
    PlatformAnswer, msg = "msg" | "message", payload = "result" | "data"
);
envelope!(
    /// Seed 000's envelope: `{code, message, data}`.
    OutboundAnswer, msg = "message" | "msg", payload = "data" | "result"
);
envelope!(
    /// Seed 001's envelope: `{code, msg, data}`.
    CallCenterAnswer, msg = "msg" | "message", payload = "data" | "result"
);

/// One page of a paged listing, whichever family it came from.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// Rows on this page.
    pub rows: Vec<T>,
    /// Rows in all pages.
    pub total: u64,
    /// This page's number (1-based), when the answer says.
    pub page_no: Option<u32>,
    /// Rows per page, when the answer says.
    pub page_size: Option<u32>,
    /// Number of pages, when the answer says.
    pub total_pages: Option<u32>,
    /// Rows of this page that could not be decoded and are not in `rows`: their position on the
    /// page and why. Empty when every row decoded.
    #[serde(default)]
    pub skipped: Vec<SkippedRow>,
}

/// Seed 001's paged envelope: `{code, msg, total, rows}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: DeserializeOwned"))]
pub struct CallCenterPage<T> {
    /// Rows in all pages.
    #[serde(default, deserialize_with = "lenient::nullable")]
    pub total: u64,
    /// This page's rows; a row that does not decode is skipped and reported.
    #[serde(default = "Rows::default")]
    pub rows: Rows<T>,
    /// Status code (`0` or `200` on success).
    #[serde(default)]
    pub code: Option<Code>,
    /// Status message; `null` in the document's example.
    #[serde(default, alias = "message")]
    pub msg: Option<String>,
}

impl<T: DeserializeOwned> Answer for CallCenterPage<T> {
    type Output = Page<T>;
    fn code(&self) -> Option<&Code> {
        self.code.as_ref()
    }
    fn message(&self) -> Option<&str> {
        self.msg.as_deref()
    }
    fn from_value(value: serde_json::Value) -> std::result::Result<Self, serde_json::Error> {
        const KEYS: [(&str, usize); 5] = [("total", 0), ("rows", 1), ("code", 2), ("msg", 3), ("message", 3)];
        let ([total, rows, code, msg], mut first) =
            keys::read(value, "struct CallCenterPage", &KEYS, ["total", "rows", "code", "msg"])?;
        let total = first.count(total);
        let rows = first.rows(rows);
        let code = first.code(code);
        let msg = first.text(msg);
        first.or(CallCenterPage { total, rows, code, msg })
    }
    fn into_output(self) -> Result<Page<T>> {
        Ok(Page {
            rows: self.rows.items,
            total: self.total,
            page_no: None,
            page_size: None,
            total_pages: None,
            skipped: self.rows.skipped,
        })
    }
}

/// Seed 002's paged envelope (§11): paging fields beside `code` / `msg`, rows under `result`
/// (typed "object" in the table, an array in the example: both decode).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: DeserializeOwned"))]
pub struct PlatformPage<T> {
    /// Status code.
    #[serde(default)]
    pub code: Option<Code>,
    /// Status message.
    #[serde(default, alias = "message")]
    pub msg: Option<String>,
    /// Rows per page.
    #[serde(default, deserialize_with = "lenient::nullable")]
    pub num_per_page: u32,
    /// Rows in all pages.
    #[serde(default, deserialize_with = "lenient::nullable")]
    pub total_rows: u64,
    /// Number of pages.
    #[serde(default, deserialize_with = "lenient::nullable")]
    pub total_pages: u32,
    /// This page's number (1-based).
    #[serde(default, deserialize_with = "lenient::nullable")]
    pub current_page: u32,
    /// This page's rows; a row that does not decode is skipped and reported.
    #[serde(default = "Rows::default")]
    pub result: Rows<T>,
}

impl<T: DeserializeOwned> Answer for PlatformPage<T> {
    type Output = Page<T>;
    fn code(&self) -> Option<&Code> {
        self.code.as_ref()
    }
    fn message(&self) -> Option<&str> {
        self.msg.as_deref()
    }
    fn from_value(value: serde_json::Value) -> std::result::Result<Self, serde_json::Error> {
        const KEYS: [(&str, usize); 8] = [
            ("code", 0),
            ("msg", 1),
            ("message", 1),
            ("num_per_page", 2),
            ("total_rows", 3),
            ("total_pages", 4),
            ("current_page", 5),
            ("result", 6),
        ];
        let names = ["code", "msg", "num_per_page", "total_rows", "total_pages", "current_page", "result"];
        let ([code, msg, num_per_page, total_rows, total_pages, current_page, result], mut first) =
            keys::read(value, "struct PlatformPage", &KEYS, names)?;
        let page = PlatformPage {
            code: first.code(code),
            msg: first.text(msg),
            num_per_page: first.small(num_per_page),
            total_rows: first.count(total_rows),
            total_pages: first.small(total_pages),
            current_page: first.small(current_page),
            result: first.rows(result),
        };
        first.or(page)
    }
    fn into_output(self) -> Result<Page<T>> {
        Ok(Page {
            rows: self.result.items,
            total: self.total_rows,
            page_no: Some(self.current_page),
            page_size: Some(self.num_per_page),
            total_pages: Some(self.total_pages),
            skipped: self.result.skipped,
        })
    }
}

#[cfg(feature = "value-decode")]
impl<T: DeserializeOwned + crate::from_json::FromJson> JsonAnswer for CallCenterPage<T> {
    fn read(value: serde_json::Value) -> std::result::Result<Self, serde_json::Error> {
        use crate::from_json::{nullable, plain};
        let mut fields = crate::from_json::Fields::of(value, "struct CallCenterPage")?;
        let page = CallCenterPage {
            total: fields.or_default(&["total"], nullable),
            rows: fields.or_default(&["rows"], plain),
            code: fields.or_default(&["code"], plain),
            msg: fields.or_default(&["msg", "message"], plain),
        };
        fields.done(page)
    }
    fn payload(self) -> Result<Page<T>> {
        self.into_output()
    }
}

#[cfg(feature = "value-decode")]
impl<T: DeserializeOwned + crate::from_json::FromJson> JsonAnswer for PlatformPage<T> {
    fn read(value: serde_json::Value) -> std::result::Result<Self, serde_json::Error> {
        use crate::from_json::{nullable, plain};
        let mut fields = crate::from_json::Fields::of(value, "struct PlatformPage")?;
        let page = PlatformPage {
            code: fields.or_default(&["code"], plain),
            msg: fields.or_default(&["msg", "message"], plain),
            num_per_page: fields.or_default(&["num_per_page"], nullable),
            total_rows: fields.or_default(&["total_rows"], nullable),
            total_pages: fields.or_default(&["total_pages"], nullable),
            current_page: fields.or_default(&["current_page"], nullable),
            result: fields.or_default(&["result"], plain),
        };
        fields.done(page)
    }
    fn payload(self) -> Result<Page<T>> {
        self.into_output()
    }
}

#[cfg(test)]
mod hand_read_tests {
    use serde::Deserialize;
    use serde::de::DeserializeOwned;
    use serde_json::{Value, json};

    use crate::objects::Objects;

    use super::{Answer, CallCenterAnswer, CallCenterPage, OutboundAnswer, PlatformAnswer, PlatformPage};

    #[derive(Debug, PartialEq, Deserialize)]
    struct Row {
        id: String,
    }

    /// The hand-read envelope gives what serde's derived decoder gives (reading records from
    /// objects only, as `decode_value` does): the value, or the same message.
    fn same<A: Answer + std::fmt::Debug + PartialEq + DeserializeOwned>(v: Value) {
        let by_hand = A::from_value(v.clone()).map_err(|e| e.to_string());
        let by_serde = A::deserialize(Objects(v.clone())).map_err(|e| e.to_string());
        assert_eq!(by_hand, by_serde, "{v}");
    }

    #[test]
    fn envelopes_read_by_hand_decode_as_serde_does() {
        for v in [
            json!({"code": 0, "msg": "ok", "result": {"id": "a"}}),
            json!({"code": "000000", "message": "ok", "data": {"id": "a"}, "other": [1]}),
            json!({"code": 1, "msg": null}),
            json!({}),
            json!({"msg": "a", "message": "b"}),
            json!({"result": {"id": "a"}, "data": {"id": "b"}}),
            json!({"code": 0, "result": {"id": 7}}),
            json!({"code": [], "result": {"id": 7}}),
            json!({"code": 0, "msg": 5, "result": {"id": 7}}),
            json!({"data": {"id": 7}, "msg": 5}),
            json!({"data": null, "msg": "a", "message": "b", "result": 3}),
            json!([0, "ok", {"id": "a"}]),
            json!("text"),
            json!(null),
        ] {
            same::<PlatformAnswer<Row>>(v.clone());
            same::<OutboundAnswer<Row>>(v.clone());
            same::<CallCenterAnswer<Row>>(v.clone());
            same::<CallCenterAnswer<()>>(v);
        }
    }

    #[test]
    fn pages_read_by_hand_decode_as_serde_does() {
        for v in [
            json!({"code": 0, "total": 2, "rows": [{"id": "a"}, {"id": null}]}),
            json!({"total": null, "rows": null, "msg": null}),
            json!({"total": "2", "rows": []}),
            json!({"total": 1, "rows": "[{\"id\": \"a\"}]", "message": "ok", "msg": "ok"}),
            json!({"code": 0, "msg": "ok", "num_per_page": 10, "total_rows": 1, "total_pages": 1, "current_page": 1, "result": [{"id": "a"}]}),
            json!({"num_per_page": null, "total_rows": -1, "result": {"id": "a"}}),
            json!({"current_page": 1.5, "result": 7}),
            json!([1, 2]),
        ] {
            same::<CallCenterPage<Row>>(v.clone());
            same::<PlatformPage<Row>>(v);
        }
    }
}
