//! The `code` field every answer carries, in all the forms the documents show.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// A status code as sent: an integer (`0`, `200`, `201`, `-174791`) or a string (`"000000"`,
/// `"999999"`, seed 002 §17).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Code {
    /// An integer code.
    Int(i64),
    /// A string code, kept as sent (leading zeros matter).
    Str(String),
}

impl Code {
    /// The success code of seed 002 (`0`).
    pub const OK: Code = Code::Int(0);

    /// Whether the code means success in any of the three documents: `0`, `200`, `201`, or the
    /// string forms `"0"`, `"200"`, `"201"`, `"000000"`.
    pub fn is_success(&self) -> bool {
        match self {
            Code::Int(n) => matches!(n, 0 | 200 | 201),
            Code::Str(s) => matches!(s.trim(), "0" | "200" | "201" | "000000"),
        }
    }

    /// The code as an integer, when it is one or a string of digits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Code::Int(n) => Some(*n),
            Code::Str(s) => s.trim().parse().ok(),
        }
    }
}

impl From<i64> for Code {
    fn from(n: i64) -> Self {
        Code::Int(n)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Code::Int(n) => write!(f, "{n}"),
            Code::Str(s) => f.write_str(s),
        }
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Code::Int(n) => s.serialize_i64(*n),
            Code::Str(v) => s.serialize_str(v),
        }
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Code;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or string status code")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Code, E> {
                Ok(Code::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Code, E> {
                i64::try_from(v).map(Code::Int).or_else(|_| Ok(Code::Str(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Code, E> {
                if v.fract() == 0.0 && v.abs() < 9e15 {
                    Ok(Code::Int(v as i64))
                } else {
                    Ok(Code::Str(v.to_string()))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Code, E> {
                Ok(Code::Str(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}
