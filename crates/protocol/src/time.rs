//! Timestamps as the documents send them: `yyyy-MM-dd HH:mm:ss`, date-only `yyyy-MM-dd`,
//! RFC 3339 with an offset (`2024-04-03T09:53:10+08:00`), or `""` for "none".
//!
//! The wire text is kept as sent; [`Timestamp::parse`] reads it on demand. This small reader
//! replaces `chrono` / `time` on purpose: the browser crates pay for every byte and only these
//! three formats occur.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, de};

/// The offset the platform's naive times are in (China Standard Time, UTC+8), in minutes.
pub const PLATFORM_OFFSET_MINUTES: i32 = 8 * 60;

/// A timestamp kept exactly as sent. It decodes from a string, from `null` (empty: "none") and
/// from an integer (its digits, e.g. milliseconds since the epoch); it encodes as a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Timestamp(pub String);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp (a string, an integer or null)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Ok(Timestamp(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Timestamp, E> {
                Ok(Timestamp(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
                Ok(Timestamp(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
                Ok(Timestamp(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Timestamp, E> {
                Ok(Timestamp::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Timestamp, E> {
                Ok(Timestamp::default())
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Timestamp, D::Error> {
                d.deserialize_any(self)
            }
        }
        d.deserialize_any(V)
    }
}

/// A parsed calendar time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    /// Year, e.g. 2024.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31.
    pub day: u8,
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute, 0–59.
    pub minute: u8,
    /// Second, 0–60.
    pub second: u8,
    /// The offset from UTC in minutes, when the text carried one.
    pub offset_minutes: Option<i32>,
}

impl Timestamp {
    /// Wraps text.
    pub fn new(s: impl Into<String>) -> Timestamp {
        Timestamp(s.into())
    }

    /// The text as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the platform sent "none" (`""`).
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// Reads the time; `None` when empty or in no known format.
    pub fn parse(&self) -> Option<DateTime> {
        DateTime::parse(&self.0)
    }

    /// Milliseconds since the Unix epoch; naive times are taken in the platform's zone (UTC+8).
    pub fn unix_millis(&self) -> Option<i64> {
        self.parse().map(|t| t.unix_seconds() * 1000)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl DateTime {
    /// Parses `yyyy-MM-dd`, `yyyy-MM-dd HH:mm:ss`, or RFC 3339 (`T` separator, optional fraction,
    /// `Z` or `±HH:MM`).
    pub fn parse(s: &str) -> Option<DateTime> {
        let s = s.trim();
        let b = s.as_bytes();
        let num = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(range)?;
            if part.bytes().all(|c| c.is_ascii_digit()) { part.parse().ok() } else { None }
        };
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let mut t = DateTime {
            year: i32::try_from(num(0..4)?).ok()?,
            month: u8::try_from(num(5..7)?).ok()?,
            day: u8::try_from(num(8..10)?).ok()?,
            hour: 0,
            minute: 0,
            second: 0,
            offset_minutes: None,
        };
        if b.len() > 10 {
            if b.len() < 19 || !matches!(b[10], b' ' | b'T') || b[13] != b':' || b[16] != b':' {
                return None;
            }
            t.hour = u8::try_from(num(11..13)?).ok()?;
            t.minute = u8::try_from(num(14..16)?).ok()?;
            t.second = u8::try_from(num(17..19)?).ok()?;
            let mut rest = &s[19..];
            if let Some(frac) = rest.strip_prefix('.') {
                let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
                rest = &frac[digits..];
            }
            match rest.as_bytes() {
                [] => {}
                [b'Z'] | [b'z'] => t.offset_minutes = Some(0),
                [sign @ (b'+' | b'-'), ..] if rest.len() == 6 && rest.as_bytes()[3] == b':' => {
                    let h = i32::try_from(num(20..22)?).ok()?;
                    let m = i32::try_from(num(23..25)?).ok()?;
                    let total = h * 60 + m;
                    t.offset_minutes = Some(if *sign == b'-' { -total } else { total });
                }
                _ => return None,
            }
        }
        let valid = (1..=12).contains(&t.month)
            && t.day >= 1
            && t.day <= days_in_month(t.year, t.month)
            && t.hour < 24
            && t.minute < 60
            && t.second <= 60;
        valid.then_some(t)
    }

    /// The calendar time of a Unix time, seen at `offset_minutes` from UTC.
    pub fn from_unix_seconds(secs: i64, offset_minutes: i32) -> DateTime {
        // Saturating: a time beyond any calendar the platform uses must not overflow.
        let local = secs.saturating_add(i64::from(offset_minutes) * 60);
        let days = local.div_euclid(86_400);
        let of_day = local.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        DateTime {
            year,
            month,
            day,
            hour: (of_day / 3600) as u8,
            minute: (of_day % 3600 / 60) as u8,
            second: (of_day % 60) as u8,
            offset_minutes: Some(offset_minutes),
        }
    }

    /// Seconds since the Unix epoch; a time without an offset is taken as UTC+8.
    pub fn unix_seconds(&self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        let offset = self.offset_minutes.unwrap_or(PLATFORM_OFFSET_MINUTES);
        days * 86_400 + i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second)
            - i64::from(offset) * 60
    }

    /// `yyyy-MM-dd HH:mm:ss`, the call-center's and the outbound service's format.
    pub fn to_plain(&self) -> String {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// RFC 3339 with the offset (UTC+8 when none is known), as in seed 002's callbacks.
    pub fn to_rfc3339(&self) -> String {
        let offset = self.offset_minutes.unwrap_or(PLATFORM_OFFSET_MINUTES);
        let sign = if offset < 0 { '-' } else { '+' };
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            offset.unsigned_abs() / 60,
            offset.unsigned_abs() % 60
        )
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}
