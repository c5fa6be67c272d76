//! The signature check of seed 002 §3: `Authorization: apikey:timestamp:md5(apisecret:timestamp)`,
//! timestamp in Unix seconds, accepted within ±300 s of the sandbox's clock.

use md5::{Digest, Md5};

use crate::error::SandboxError;

/// How far a timestamp may stray from the sandbox's clock, in seconds (§3.1: 5 minutes).
pub const MAX_SKEW_SECS: i64 = 300;

/// The md5 hex digest the platform expects for `secret` at `timestamp`.
pub fn digest(secret: &str, timestamp: &str) -> String {
    let sum = Md5::digest(format!("{secret}:{timestamp}").as_bytes());
    sum.iter().map(|b| format!("{b:02x}")).collect()
}

/// The full header value a caller holding `key` / `secret` sends at `now_secs`.
pub fn header_value(key: &str, secret: &str, now_secs: i64) -> String {
    let ts = now_secs.to_string();
    format!("{key}:{ts}:{}", digest(secret, &ts))
}

/// Checks an `Authorization` header; each way it can be wrong has its own error.
pub fn verify(header: Option<&str>, key: &str, secret: &str, now_secs: i64) -> Result<(), SandboxError> {
    let header = header.map(str::trim).filter(|h| !h.is_empty()).ok_or(SandboxError::AuthMissing)?;
    let mut parts = header.splitn(3, ':');
    let (Some(got_key), Some(ts), Some(got_digest)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(SandboxError::AuthMalformed("expected apikey:timestamp:md5"));
    };
    let ts_value: i64 =
        ts.parse().map_err(|_| SandboxError::AuthMalformed("timestamp is not whole seconds"))?;
    if got_digest.len() != 32 || !got_digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SandboxError::AuthMalformed("signature is not 32 hexadecimal characters"));
    }
    if !constant_time_eq(got_key.as_bytes(), key.as_bytes()) {
        return Err(SandboxError::AuthUnknownKey);
    }
    if !constant_time_eq(got_digest.to_ascii_lowercase().as_bytes(), digest(secret, ts).as_bytes()) {
        return Err(SandboxError::AuthBadSignature);
    }
    if (now_secs - ts_value).abs() > MAX_SKEW_SECS {
        return Err(SandboxError::AuthStale { skew_secs: now_secs - ts_value });
    }
    Ok(())
}

/// Compares without an early exit, so timing does not reveal how much matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_md5_of_secret_colon_timestamp() {
        // md5("demo-secret:1700000000"), computed independently with `printf … | md5sum`.
        assert_eq!(digest("demo-secret", "1700000000"), "f774b86fb6d0ea77d0592a031c5af948");
    }

    #[test]
    fn each_failure_is_distinct() {
        let ok = header_value("k", "s", 1_000);
        assert!(verify(Some(&ok), "k", "s", 1_000).is_ok());
        assert!(verify(Some(&ok), "k", "s", 1_300).is_ok());
        assert!(matches!(verify(None, "k", "s", 1_000), Err(SandboxError::AuthMissing)));
        assert!(matches!(verify(Some("k:1000"), "k", "s", 1_000), Err(SandboxError::AuthMalformed(_))));
        assert!(matches!(verify(Some("k:abc:0123"), "k", "s", 1_000), Err(SandboxError::AuthMalformed(_))));
        assert!(matches!(verify(Some(&ok), "other", "s", 1_000), Err(SandboxError::AuthUnknownKey)));
        assert!(matches!(verify(Some(&ok), "k", "wrong", 1_000), Err(SandboxError::AuthBadSignature)));
        assert!(matches!(verify(Some(&ok), "k", "s", 1_301), Err(SandboxError::AuthStale { .. })));
        assert!(matches!(verify(Some(&ok), "k", "s", 699), Err(SandboxError::AuthStale { .. })));
    }
}
