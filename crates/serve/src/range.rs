//! HTTP byte ranges (RFC 9110 §14) for one range at a time, as media players ask for them:
//! `bytes=0-99`, `bytes=100-` and `bytes=-500`.
//!
//! A `Range` value this module does not take (another unit, several ranges, bad syntax) is
//! ignored, as RFC 9110 lets a server do: the whole representation is sent with 200. A range that
//! does not overlap the representation is answered 416 with `Content-Range: bytes */LENGTH`.

use std::ops::RangeInclusive;

/// One byte range, as asked for, before the length is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteRange {
    /// `bytes=FIRST-LAST`: from `first` to `last` inclusive (`last` past the end means the end).
    FromTo(u64, u64),
    /// `bytes=FIRST-`: from `first` to the end.
    From(u64),
    /// `bytes=-N`: the last `n` bytes (all of them when the representation is shorter).
    Last(u64),
}

/// A range that does not overlap the representation (answer 416).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsatisfiable;

impl ByteRange {
    /// The range of a `Range` header value, or `None` when the value is to be ignored (another
    /// unit, several ranges, or not the grammar: `bytes=5-1` is not a range).
    pub fn parse(value: &str) -> Option<ByteRange> {
        let spec = value.trim().strip_prefix("bytes=")?.trim();
        if spec.contains(',') {
            return None;
        }
        let (first, last) = spec.split_once('-')?;
        let number = |s: &str| {
            let s = s.trim();
            (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u64>().ok()).flatten()
        };
        match (first.trim().is_empty(), last.trim().is_empty()) {
            (true, false) => number(last).map(ByteRange::Last),
            (false, true) => number(first).map(ByteRange::From),
            (false, false) => {
                let (first, last) = (number(first)?, number(last)?);
                (first <= last).then_some(ByteRange::FromTo(first, last))
            }
            (true, true) => None,
        }
    }

    /// The bytes of a representation of `length` bytes this range takes, first to last
    /// inclusive.
    pub fn resolve(self, length: u64) -> Result<RangeInclusive<u64>, Unsatisfiable> {
        if length == 0 {
            return Err(Unsatisfiable);
        }
        let end = length - 1;
        match self {
            ByteRange::FromTo(first, _) | ByteRange::From(first) if first > end => Err(Unsatisfiable),
            ByteRange::FromTo(first, last) => Ok(first..=last.min(end)),
            ByteRange::From(first) => Ok(first..=end),
            ByteRange::Last(0) => Err(Unsatisfiable),
            ByteRange::Last(n) => Ok(length.saturating_sub(n)..=end),
        }
    }

    /// The `Range` header value asking for this range.
    pub fn header_value(self) -> String {
        match self {
            ByteRange::FromTo(first, last) => format!("bytes={first}-{last}"),
            ByteRange::From(first) => format!("bytes={first}-"),
            ByteRange::Last(n) => format!("bytes=-{n}"),
        }
    }
}

/// The `Content-Range` value of a 206 answer: `bytes FIRST-LAST/LENGTH` (`*` for an unknown
/// length).
pub fn content_range(range: &RangeInclusive<u64>, length: Option<u64>) -> String {
    match length {
        Some(length) => format!("bytes {}-{}/{length}", range.start(), range.end()),
        None => format!("bytes {}-{}/*", range.start(), range.end()),
    }
}

/// The `Content-Range` value of a 416 answer: `bytes */LENGTH`.
pub fn unsatisfied_range(length: u64) -> String {
    format!("bytes */{length}")
}

/// A 206 answer's `Content-Range` read back: the bytes it carries and the whole length, when
/// given (`bytes 0-99/1000`, `bytes 0-99/*`).
pub fn parse_content_range(value: &str) -> Option<(RangeInclusive<u64>, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (span, length) = rest.split_once('/')?;
    let (first, last) = span.split_once('-')?;
    let (first, last) = (first.trim().parse::<u64>().ok()?, last.trim().parse::<u64>().ok()?);
    let length = match length.trim() {
        "*" => None,
        n => Some(n.parse::<u64>().ok()?),
    };
    let fits = first <= last && length.is_none_or(|l| last < l);
    fits.then_some((first..=last, length))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms_parse_and_others_are_ignored() {
        assert_eq!(ByteRange::parse("bytes=0-99"), Some(ByteRange::FromTo(0, 99)));
        assert_eq!(ByteRange::parse("bytes=100-"), Some(ByteRange::From(100)));
        assert_eq!(ByteRange::parse("bytes=-500"), Some(ByteRange::Last(500)));
        assert_eq!(ByteRange::parse(" bytes= 5 - 9 "), Some(ByteRange::FromTo(5, 9)));
        for ignored in
            ["", "bytes=", "bytes=-", "bytes=5-1", "bytes=0-1,4-5", "items=0-1", "bytes=a-b", "bytes=+1-2"]
        {
            assert_eq!(ByteRange::parse(ignored), None, "{ignored:?}");
        }
        assert_eq!(ByteRange::parse("bytes=99999999999999999999-"), None, "overflow is not a range");
    }

    #[test]
    fn ranges_resolve_against_the_length() {
        assert_eq!(ByteRange::FromTo(0, 99).resolve(1000), Ok(0..=99));
        assert_eq!(ByteRange::FromTo(900, 5000).resolve(1000), Ok(900..=999), "clamped to the end");
        assert_eq!(ByteRange::From(10).resolve(1000), Ok(10..=999));
        assert_eq!(ByteRange::Last(100).resolve(1000), Ok(900..=999));
        assert_eq!(ByteRange::Last(5000).resolve(1000), Ok(0..=999), "a longer suffix is the whole");
        assert_eq!(ByteRange::From(1000).resolve(1000), Err(Unsatisfiable));
        assert_eq!(ByteRange::FromTo(1000, 1001).resolve(1000), Err(Unsatisfiable));
        assert_eq!(ByteRange::Last(0).resolve(1000), Err(Unsatisfiable));
        assert_eq!(ByteRange::From(0).resolve(0), Err(Unsatisfiable));
    }

    #[test]
    fn headers_are_written_and_read_back() {
        assert_eq!(ByteRange::FromTo(1, 2).header_value(), "bytes=1-2");
        assert_eq!(ByteRange::From(7).header_value(), "bytes=7-");
        assert_eq!(ByteRange::Last(7).header_value(), "bytes=-7");
        assert_eq!(content_range(&(0..=99), Some(1000)), "bytes 0-99/1000");
        assert_eq!(content_range(&(0..=99), None), "bytes 0-99/*");
        assert_eq!(unsatisfied_range(1000), "bytes */1000");
        assert_eq!(parse_content_range("bytes 0-99/1000"), Some((0..=99, Some(1000))));
        assert_eq!(parse_content_range("bytes 5-9/*"), Some((5..=9, None)));
        assert_eq!(parse_content_range("bytes 5-1000/1000"), None);
        assert_eq!(parse_content_range("bytes */1000"), None);
    }
}
