//! [`FromJson`]: hand-written decoders from a parsed JSON value, for the operators' console
//! (feature `value-decode`), which would otherwise link serde's derived decoder of every answer
//! and row type it reads (tens of kilobytes of wasm).
//!
//! Each decoder keeps the serde decoder's rules exactly (the lenient ones of `lenient.rs`
//! included): the same value where serde's decodes one, an error where serde's fails (the
//! messages may differ). `tests/from_json.rs` checks both on every fixture and on variants of
//! every field. Ids keep every digit: an integer is read from the parsed number, never through
//! a float. The serde derives stay for everything else (servers, tests, the widget).

use std::collections::BTreeMap;

use serde::de::{self, Error as _};
use serde_json::{Error, Map, Value};

use crate::code::Code;
use crate::rows::{Rows, SkippedRow};
use crate::time::Timestamp;

/// A type decoded by hand from a JSON value (see the module's documentation).
pub trait FromJson: Sized {
    /// Decodes `value`, or says why it cannot.
    fn from_json(value: Value) -> Result<Self, Error>;

    /// What the type is when there is no value at all (an envelope without its payload): only
    /// `()`, an `Option`, a JSON value and a list of rows have one, as with serde.
    fn from_nothing() -> Option<Self> {
        None
    }
}

/// An "invalid type" error for `value`, naming its kind (serde's messages print the value, and
/// printing a float links the float printer).
pub(crate) fn wrong(value: &Value, expected: &'static str) -> Error {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a map",
    };
    Error::custom(format_args!("invalid type: {kind}, expected {expected}"))
}

/// An "invalid value" error: `value` (its text) is not `expected`.
fn invalid(value: &dyn std::fmt::Display, expected: &'static str) -> Error {
    Error::custom(format_args!("invalid value: {value}, expected {expected}"))
}

/// What a required field holds while its record is read, when it is missing or wrong (the
/// record is then an error, this value never seen): the type's default, or for the enums
/// without one their `Other` value.
pub(crate) trait Placeholder {
    /// The stand-in value.
    fn placeholder() -> Self;
}

impl<T: Default> Placeholder for T {
    fn placeholder() -> T {
        T::default()
    }
}

/// An object's fields, taken out one by one by their keys, and the first error met. A record
/// reads every field, then fails with that error if there was one: with no early return per
/// field, each record's decoder is a plain sequence of calls (no clean-up path per field).
pub(crate) struct Fields {
    map: Map<String, Value>,
    error: Option<Error>,
}

impl Fields {
    /// The fields of `value`, which must be an object (`what` names the record for messages).
    pub(crate) fn of(value: Value, what: &'static str) -> Result<Fields, Error> {
        match value {
            Value::Object(map) => Ok(Fields { map, error: None }),
            other => Err(wrong(&other, what)),
        }
    }

    /// Keeps `e` unless an earlier field failed.
    fn note(&mut self, e: Error) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// The value under the first of `keys` (a name and its aliases) present; an error when two
    /// are (serde's ``duplicate field``).
    fn take(&mut self, keys: &[&'static str]) -> Result<Option<Value>, Error> {
        let mut found = None;
        for key in keys {
            // Taken out as `null`, the entry left in place: removing it would link the map's
            // rebalancing code.
            if let Some(value) = self.map.get_mut(*key).map(Value::take) {
                if found.is_some() {
                    return Err(de::Error::duplicate_field(keys[0]));
                }
                found = Some(value);
            }
        }
        Ok(found)
    }

    /// The field's value decoded by `read`, or `absent()` when it is not there; a failure is
    /// noted and the placeholder given instead.
    fn field<T: Placeholder>(
        &mut self,
        keys: &[&'static str],
        read: fn(Value) -> Result<T, Error>,
        absent: fn(&'static str) -> Result<T, Error>,
    ) -> T {
        let decoded = match self.take(keys) {
            Ok(Some(value)) => read(value),
            Ok(None) => absent(keys[0]),
            Err(e) => Err(e),
        };
        decoded.unwrap_or_else(|e| {
            self.note(e);
            T::placeholder()
        })
    }

    /// A field that must be there, decoded by `read`.
    pub(crate) fn need<T: Placeholder>(
        &mut self,
        keys: &[&'static str],
        read: fn(Value) -> Result<T, Error>,
    ) -> T {
        self.field(keys, read, |key| Err(de::Error::missing_field(key)))
    }

    /// A field that takes its default when absent (`#[serde(default)]`, or an `Option`).
    pub(crate) fn or_default<T: Default>(
        &mut self,
        keys: &[&'static str],
        read: fn(Value) -> Result<T, Error>,
    ) -> T {
        self.field(keys, read, |_| Ok(T::default()))
    }

    /// `value`, the record read, unless a field failed.
    pub(crate) fn done<T>(self, value: T) -> Result<T, Error> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }

    /// The fields not taken yet, as an object (a `#[serde(flatten)]` part's; those taken are
    /// `null` there, under keys the part does not read), and the fields' outcome.
    pub(crate) fn rest(self) -> (Value, Result<(), Error>) {
        let outcome = self.error.map_or(Ok(()), Err);
        (Value::Object(self.map), outcome)
    }
}

/// Implements [`FromJson`] for records: each field with its keys (name first, then aliases),
/// its decoder and `need` (required) or `or_default` (absent is the default).
macro_rules! from_json {
    ($($ty:ident { $($field:ident: $($key:literal)|+ => $read:expr, $absent:ident;)* })*) => {$(
        impl $crate::from_json::FromJson for $ty {
            fn from_json(value: serde_json::Value) -> Result<Self, serde_json::Error> {
                #[allow(unused_mut)]
                let mut fields = $crate::from_json::Fields::of(value, concat!("struct ", stringify!($ty)))?;
                let record = $ty { $($field: fields.$absent(&[$($key),+], $read),)* };
                fields.done(record)
            }
        }
    )*};
}
pub(crate) use from_json;

/// Decodes with `T`'s own decoder (a field's decoder when it has no lenient rule).
pub(crate) fn plain<T: FromJson>(value: Value) -> Result<T, Error> {
    T::from_json(value)
}

impl FromJson for String {
    fn from_json(value: Value) -> Result<String, Error> {
        match value {
            Value::String(s) => Ok(s),
            other => Err(wrong(&other, "a string")),
        }
    }
}

impl FromJson for bool {
    fn from_json(value: Value) -> Result<bool, Error> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(wrong(&other, "a boolean")),
        }
    }
}

/// An integer of type `T`, from a JSON integer in its range (a float is refused, as by serde).
fn integer<T: TryFrom<u64> + TryFrom<i64>>(value: Value, what: &'static str) -> Result<T, Error> {
    if let Value::Number(n) = &value {
        if let Some(u) = n.as_u64() {
            return T::try_from(u).map_err(|_| invalid(&u, what));
        }
        if let Some(i) = n.as_i64() {
            return T::try_from(i).map_err(|_| invalid(&i, what));
        }
    }
    Err(wrong(&value, what))
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(value: Value) -> Result<$t, Error> {
                integer(value, concat!("an integer (", stringify!($t), ")"))
            }
        }
    )*};
}
integers!(u8, u32, u64, i64);

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: Value) -> Result<Option<T>, Error> {
        match value {
            Value::Null => Ok(None),
            other => T::from_json(other).map(Some),
        }
    }
    fn from_nothing() -> Option<Option<T>> {
        Some(None)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Value) -> Result<Vec<T>, Error> {
        match value {
            Value::Array(items) => {
                // A loop, not `collect()`: its `Result` adapter costs more code per type. Every
                // item is read, the first error kept (no early return to clean up after).
                let mut out = Vec::with_capacity(items.len());
                let mut first = None;
                for item in items {
                    match T::from_json(item) {
                        Ok(t) => out.push(t),
                        Err(e) => {
                            first.get_or_insert(e);
                        }
                    }
                }
                first.map_or(Ok(out), Err)
            }
            other => Err(wrong(&other, "a sequence")),
        }
    }
}

impl FromJson for BTreeMap<String, String> {
    fn from_json(value: Value) -> Result<Self, Error> {
        match value {
            Value::Object(map) => {
                // Inserted one by one: `collect()` would sort first, and a sort costs code.
                let mut out = BTreeMap::new();
                for (key, value) in map {
                    out.insert(key, String::from_json(value)?);
                }
                Ok(out)
            }
            other => Err(wrong(&other, "a map")),
        }
    }
}

impl FromJson for Value {
    fn from_json(value: Value) -> Result<Value, Error> {
        Ok(value)
    }
    fn from_nothing() -> Option<Value> {
        Some(Value::Null)
    }
}

impl FromJson for () {
    fn from_json(value: Value) -> Result<(), Error> {
        match value {
            Value::Null => Ok(()),
            other => Err(wrong(&other, "unit")),
        }
    }
    fn from_nothing() -> Option<()> {
        Some(())
    }
}

impl FromJson for Timestamp {
    /// A string, an integer (its digits) or `null` (empty), as `Timestamp`'s serde decoder.
    fn from_json(value: Value) -> Result<Timestamp, Error> {
        match value {
            Value::Null => Ok(Timestamp::default()),
            Value::String(s) => Ok(Timestamp(s)),
            Value::Number(n) if !n.is_f64() => Ok(Timestamp(n.to_string())),
            other => Err(wrong(&other, "a timestamp (a string, an integer or null)")),
        }
    }
}

impl FromJson for Code {
    /// An integer, an integral float or a string; a code beyond `i64` is kept as its text.
    fn from_json(value: Value) -> Result<Code, Error> {
        match value {
            Value::String(s) => Ok(Code::Str(s)),
            Value::Number(n) => Ok(match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => Code::Int(i),
                (None, Some(u), _) => Code::Str(u.to_string()),
                (_, _, Some(f)) if f.fract() == 0.0 && f.abs() < 9e15 => Code::Int(f as i64),
                (_, _, f) => Code::Str(f.unwrap_or_default().to_string()),
            }),
            other => Err(wrong(&other, "an integer or string status code")),
        }
    }
}

/// An integer code (the `int_enum!` types): an integer, an integral float or a string of
/// digits, as their serde decoder.
pub(crate) fn int_code(value: Value) -> Result<i64, Error> {
    const WHAT: &str = "an integer code";
    match &value {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                return Ok(i);
            }
            if let Some(u) = n.as_u64() {
                return Err(invalid(&u, WHAT));
            }
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 && f.abs() < 9e15 { Ok(f as i64) } else { Err(invalid(n, WHAT)) }
        }
        Value::String(s) => s.trim().parse().map_err(|_| invalid(s, WHAT)),
        other => Err(wrong(other, WHAT)),
    }
}

/// An identifier's digits or text, `None` for `null`; a float is refused (it has lost digits).
fn id_text(value: Value) -> Result<Option<String>, Error> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) if !n.is_f64() => Ok(Some(n.to_string())),
        other => Err(wrong(&other, "an identifier (string or integer)")),
    }
}

/// `lenient::id`: a required identifier, a string or an integer; `null` is refused.
pub(crate) fn id(value: Value) -> Result<String, Error> {
    id_text(value)?.ok_or_else(|| wrong(&Value::Null, "an identifier (string or integer)"))
}

/// `lenient::id_or_empty`: an identifier, empty for `null`.
pub(crate) fn id_or_empty(value: Value) -> Result<String, Error> {
    id_text(value).map(Option::unwrap_or_default)
}

/// `lenient::opt_id`: an identifier, `None` for `null`.
pub(crate) fn opt_id(value: Value) -> Result<Option<String>, Error> {
    id_text(value)
}

/// `lenient::opt_int`: an integer sent as a number or as text (blank text is `None`).
pub(crate) fn opt_int(value: Value) -> Result<Option<i64>, Error> {
    match id_text(value)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => s.trim().parse().map(Some).map_err(|_| invalid(&s, "an integer")),
    }
}

/// `lenient::text`: free text; a number or boolean is taken as its text, `null` is empty.
pub(crate) fn text(value: Value) -> Result<String, Error> {
    match value {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => u.to_string(),
            (_, Some(i), _) => i.to_string(),
            (_, _, f) => f.unwrap_or_default().to_string(),
        }),
        other => Err(wrong(&other, "text (a string, a number, a boolean or null)")),
    }
}

/// `lenient::nullable`: `null` is the type's default.
pub(crate) fn nullable<T: FromJson + Default>(value: Value) -> Result<T, Error> {
    Option::<T>::from_json(value).map(Option::unwrap_or_default)
}

/// `lenient::opt_timestamp`: `""` and `null` are `None`.
pub(crate) fn opt_timestamp(value: Value) -> Result<Option<Timestamp>, Error> {
    Option::<Timestamp>::from_json(value).map(|t| t.filter(|t| !t.is_empty()))
}

/// The rows a list field holds: a list, one object, JSON text holding either, `""` or `null`
/// (not generic, so compiled once for every row type).
fn row_values(value: Value) -> Result<Vec<Value>, Error> {
    const WHAT: &str = "a list, an object, or a string holding a JSON list";
    Ok(match value {
        Value::Null => Vec::new(),
        Value::Array(items) => items,
        object @ Value::Object(_) => vec![object],
        Value::String(s) if s.trim().is_empty() => Vec::new(),
        Value::String(s) => match crate::json::parse(s.as_bytes())? {
            Value::Array(items) => items,
            Value::Null => Vec::new(),
            object @ Value::Object(_) => vec![object],
            other => return Err(wrong(&other, WHAT)),
        },
        other => return Err(wrong(&other, WHAT)),
    })
}

/// A row that did not decode, reported.
fn skipped(index: usize, e: &Error) -> SkippedRow {
    SkippedRow { index, reason: e.to_string() }
}

impl<T: FromJson> FromJson for Rows<T> {
    /// Each row decoded alone; a row that fails is skipped and reported.
    fn from_json(value: Value) -> Result<Rows<T>, Error> {
        let mut rows = Rows::default();
        for (index, value) in row_values(value)?.into_iter().enumerate() {
            match T::from_json(value) {
                Ok(item) => rows.items.push(item),
                Err(e) => rows.skipped.push(skipped(index, &e)),
            }
        }
        Ok(rows)
    }
    fn from_nothing() -> Option<Rows<T>> {
        Some(Rows::default())
    }
}
