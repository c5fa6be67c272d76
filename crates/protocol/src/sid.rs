//! The chat session id.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::error::{Error, Result};

/// A chat session id (`sid`, seed 002 §14: "32位无符号字符串"): 32 lowercase hexadecimal
/// characters, made from the operating system's or the browser's secure random source.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sid(String);

impl Sid {
    /// A fresh random id (128 bits from a CSPRNG: `getrandom`, Web Crypto in the browser).
    pub fn random() -> Result<Sid> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| Error::Random(e.to_string()))?;
        Ok(Sid::from_bytes(bytes))
    }

    /// The id of 128 bits the caller chose (in hexadecimal): how a conversation that is given
    /// its randomness, or a test, makes ids.
    #[inline]
    pub fn from_bytes(bytes: [u8; 16]) -> Sid {
        let mut s = String::with_capacity(32);
        for b in bytes {
            s.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
            s.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
        }
        Sid(s)
    }

    /// Checks and wraps an id received from elsewhere.
    pub fn parse(s: &str) -> Result<Sid> {
        if Sid::is_valid(s) {
            Ok(Sid(s.to_owned()))
        } else {
            Err(Error::InvalidSid(s.chars().take(64).collect()))
        }
    }

    /// Whether `s` is a session id ([`Sid::parse`] would take it), checked without copying it.
    pub fn is_valid(s: &str) -> bool {
        s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Sid {
    type Err = Error;
    fn from_str(s: &str) -> Result<Sid> {
        Sid::parse(s)
    }
}

impl fmt::Display for Sid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Sid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Sid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Sid::parse(&s).map_err(de::Error::custom)
    }
}
