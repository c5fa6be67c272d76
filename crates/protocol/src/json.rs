//! JSON text to a [`serde_json::Value`], for the hand-written decoders (`from_json.rs`): a small
//! reader of its own, so that the operators' console links no serde deserializer at all.
//!
//! It accepts and refuses what `serde_json::from_slice::<Value>` does (RFC 8259, nesting at most
//! 127 deep, a later duplicate key replacing an earlier one) and builds the same value: an
//! integer is kept exactly as `u64` or `i64` (never through a float), other numbers are `f64`.
//! Its error messages are its own. `tests/from_json.rs` compares it with serde_json.

use serde::de::Error as _;
use serde_json::{Error, Map, Number, Value};

/// Lists and objects may nest less deep than this (serde_json's limit: 127 levels).
const MAX_DEPTH: usize = 128;

/// Parses JSON text.
pub(crate) fn parse(bytes: &[u8]) -> Result<Value, Error> {
    let text = std::str::from_utf8(bytes).map_err(|_| Error::custom("the JSON text is not UTF-8"))?;
    let mut reader = Reader { text, at: 0 };
    let value = reader.value(0)?;
    reader.blank();
    if reader.at < text.len() {
        return Err(reader.fail("trailing characters"));
    }
    Ok(value)
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn fail(&self, what: &str) -> Error {
        Error::custom(format_args!("{what} at byte {}", self.at))
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// Skips whitespace.
    fn blank(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    /// Consumes `word` (after its first byte was seen) or fails.
    fn word(&mut self, word: &str) -> Result<(), Error> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(())
        } else {
            Err(self.fail("expected a value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, Error> {
        self.blank();
        match self.peek() {
            None => Err(self.fail("EOF while parsing a value")),
            Some(b'n') => self.word("null").map(|()| Value::Null),
            Some(b't') => self.word("true").map(|()| Value::Bool(true)),
            Some(b'f') => self.word("false").map(|()| Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            Some(open @ (b'[' | b'{')) => {
                if depth + 1 >= MAX_DEPTH {
                    return Err(self.fail("recursion limit exceeded"));
                }
                self.at += 1;
                if open == b'[' { self.list(depth + 1) } else { self.object(depth + 1) }
            }
            Some(_) => Err(self.fail("expected a value")),
        }
    }

    /// After `,` or the opening bracket: whether the closing `close` comes next (consumed).
    fn closes(&mut self, close: u8) -> bool {
        self.blank();
        let closes = self.peek() == Some(close);
        if closes {
            self.at += 1;
        }
        closes
    }

    /// After an item: `,` (true), the closing `close` (false), or a failure.
    fn more(&mut self, close: u8) -> Result<bool, Error> {
        self.blank();
        match self.peek() {
            Some(b',') => {
                self.at += 1;
                Ok(true)
            }
            Some(c) if c == close => {
                self.at += 1;
                Ok(false)
            }
            _ => Err(self.fail("expected `,` or the end of the list or object")),
        }
    }

    fn list(&mut self, depth: usize) -> Result<Value, Error> {
        let mut items = Vec::new();
        if self.closes(b']') {
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            if !self.more(b']')? {
                return Ok(Value::Array(items));
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, Error> {
        let mut map = Map::new();
        if self.closes(b'}') {
            return Ok(Value::Object(map));
        }
        loop {
            self.blank();
            if self.peek() != Some(b'"') {
                return Err(self.fail("expected a key"));
            }
            let key = self.string()?;
            self.blank();
            if self.peek() != Some(b':') {
                return Err(self.fail("expected `:`"));
            }
            self.at += 1;
            let value = self.value(depth)?;
            map.insert(key, value);
            if !self.more(b'}')? {
                return Ok(Value::Object(map));
            }
        }
    }

    /// A string, from its opening quote.
    fn string(&mut self) -> Result<String, Error> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            let bytes = self.text.as_bytes();
            while self.at < bytes.len() && !matches!(bytes[self.at], b'"' | b'\\' | 0..=0x1f) {
                self.at += 1;
            }
            out.push_str(&self.text[start..self.at]);
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escaped = self.peek().ok_or_else(|| self.fail("EOF while parsing a string"))?;
                    self.at += 1;
                    out.push(match escaped {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode()?,
                        _ => return Err(self.fail("invalid escape")),
                    });
                }
                Some(_) => return Err(self.fail("control character in a string")),
                None => return Err(self.fail("EOF while parsing a string")),
            }
        }
    }

    /// Four hexadecimal digits.
    fn hex4(&mut self) -> Result<u32, Error> {
        let digits = self.text.get(self.at..self.at + 4).ok_or_else(|| self.fail("invalid \\u escape"))?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.fail("invalid \\u escape"));
        }
        self.at += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.fail("invalid \\u escape"))
    }

    /// The character of a `\u` escape (after the `u`), a surrogate pair taken whole.
    fn unicode(&mut self) -> Result<char, Error> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.text[self.at..].starts_with("\\u") {
                    return Err(self.fail("lone leading surrogate in hex escape"));
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.fail("lone leading surrogate in hex escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.fail("lone trailing surrogate in hex escape")),
            other => other,
        };
        char::from_u32(code).ok_or_else(|| self.fail("invalid \\u escape"))
    }

    /// A number: an integer kept exactly when `u64` or `i64` holds it, else an `f64`, as
    /// serde_json reads it.
    fn number(&mut self) -> Result<Number, Error> {
        let start = self.at;
        let bytes = self.text.as_bytes();
        let digits = |at: &mut usize| {
            let from = *at;
            while *at < bytes.len() && bytes[*at].is_ascii_digit() {
                *at += 1;
            }
            *at - from
        };
        let mut at = self.at;
        if bytes[at] == b'-' {
            at += 1;
        }
        let int_start = at;
        let int_digits = digits(&mut at);
        if int_digits == 0 || (int_digits > 1 && bytes[int_start] == b'0') {
            self.at = at;
            return Err(self.fail("invalid number"));
        }
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            if digits(&mut at) == 0 {
                self.at = at;
                return Err(self.fail("invalid number"));
            }
        }
        if matches!(bytes.get(at), Some(b'e' | b'E')) {
            at += 1;
            if matches!(bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            if digits(&mut at) == 0 {
                self.at = at;
                return Err(self.fail("invalid number"));
            }
        }
        self.at = at;
        // serde_json's own reading of the number (its `FromStr`): integers exactly, `-0` and
        // integers beyond 64 bits as floats, floats as serde_json computes them. (Not
        // `str::parse::<f64>`, whose tables would add kilobytes of wasm.)
        self.text[start..at].parse::<Number>().map_err(|_| self.fail("number out of range"))
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    /// Parses as serde_json does: the same value, or both an error.
    #[test]
    fn reads_what_serde_json_reads() {
        for text in [
            "null",
            " true ",
            "false",
            "0",
            "-0",
            "12",
            "-12",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1234567890123456789",
            "1.5",
            "-0.25e2",
            "1E3",
            "2e-3",
            "1e400",
            "01",
            "1.",
            ".5",
            "-",
            "+1",
            "1e",
            "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
            "\"\\u00e9\\u4e2d\\ud83d\\ude00\"",
            "\"\\ud83d\"",
            "\"\\ude00\"",
            "\"\\ud83dx\"",
            "\"\\u12\"",
            "\"\\x\"",
            "\"tab\there\"",
            "\"unterminated",
            "\"中文\"",
            "[]",
            "[1, [2, [3]], {\"a\": null}]",
            "[1,]",
            "[1 2]",
            "{}",
            "{\"a\": 1, \"a\": 2}",
            "{\"a\" 1}",
            "{\"a\": 1,}",
            "{a: 1}",
            "{\"a\": 1} x",
            "",
            "   ",
            "nul",
            "truex",
            "[",
            "{\"a\":",
        ] {
            let ours = parse(text.as_bytes()).ok();
            let theirs = serde_json::from_str::<serde_json::Value>(text).ok();
            assert_eq!(ours, theirs, "{text:?}");
        }
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        for n in [127, 128, 129, 300] {
            let ours = parse(deep(n).as_bytes()).is_ok();
            let theirs = serde_json::from_str::<serde_json::Value>(&deep(n)).is_ok();
            assert_eq!(ours, theirs, "{n} deep");
        }
        assert!(parse(b"\"\xff\"").is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(2000))]
        /// Arbitrary text made of JSON's own pieces: the same value as serde_json, or both fail.
        #[test]
        fn arbitrary_text_reads_as_serde_json_reads(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "{", "}", "[", "]", ",", ":", " ", "\"", "\\", "\\u00e9", "\\ud83d", "\\ude00", "a", "中",
                "null", "true", "fals", "0", "-", "7", "1.5", "e", "E+", "18446744073709551616", "-0", "\n",
                "\"k\"", "\"k\":", "\"v\"",
            ]), 0..24)
        ) {
            let text: String = pieces.concat();
            let ours = parse(text.as_bytes()).ok();
            let theirs = serde_json::from_str::<serde_json::Value>(&text).ok();
            proptest::prop_assert_eq!(ours, theirs, "{:?}", text);
        }
    }
}
