//! [`ToJson`]: hand-written JSON encoders of the requests the operators' console sends (feature
//! `value-decode`), so that it links no serde serializer: each writes exactly the text
//! `serde_json::to_string` writes for the document's field names (`snake_case_json` for the
//! snake_case documents), which `tests/to_json.rs` checks.

use std::collections::BTreeMap;

use crate::time::Timestamp;

/// A request body written by hand as JSON (see the module's documentation).
pub trait ToJson {
    /// Appends the value's JSON text to `out`.
    fn write_json(&self, out: &mut String);

    /// Whether a field holding it is left out (`#[serde(skip_serializing_if = …)]`): `None`.
    fn skipped(&self) -> bool {
        false
    }
}

/// The JSON text of `value`.
pub fn json_text<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    value.write_json(&mut out);
    out
}

/// Writes `s` as a JSON string, escaped as serde_json escapes it.
pub(crate) fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = u32::from(c) as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[n >> 4]));
                out.push(char::from(HEX[n & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes one `"key":value` member of an object (the comma before it when not the first),
/// unless the value is to be left out.
pub(crate) fn member(out: &mut String, first: &mut bool, key: &str, value: &dyn ToJson) {
    if value.skipped() {
        return;
    }
    if !*first {
        out.push(',');
    }
    *first = false;
    write_str(key, out);
    out.push(':');
    value.write_json(out);
}

/// Implements [`ToJson`] for records: each field with its key on the wire, in the order serde
/// writes them (an `Option` field that is `None` is left out, as the types' `skip_serializing_if`).
macro_rules! to_json {
    ($($ty:ident { $($field:ident: $key:literal,)* })*) => {$(
        impl $crate::to_json::ToJson for $ty {
            fn write_json(&self, out: &mut String) {
                out.push('{');
                let mut first = true;
                $($crate::to_json::member(out, &mut first, $key, &self.$field);)*
                out.push('}');
            }
        }
    )*};
}
pub(crate) use to_json;

impl ToJson for str {
    fn write_json(&self, out: &mut String) {
        write_str(self, out);
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut String) {
        write_str(self, out);
    }
}

impl ToJson for Timestamp {
    fn write_json(&self, out: &mut String) {
        write_str(&self.0, out);
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn write_json(&self, out: &mut String) {
                out.push_str(&self.to_string());
            }
        }
    )*};
}
integers!(u8, u32, u64, i64);

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(value) => value.write_json(out),
            None => out.push_str("null"),
        }
    }
    fn skipped(&self) -> bool {
        self.is_none()
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write_json(out);
        }
        out.push(']');
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out);
    }
}

impl ToJson for BTreeMap<String, String> {
    fn write_json(&self, out: &mut String) {
        out.push('{');
        let mut first = true;
        for (key, value) in self {
            member(out, &mut first, key, value);
        }
        out.push('}');
    }
}
