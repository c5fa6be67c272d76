//! The platform's request signature (seed 002 §3):
//! `Authorization: apikey:timestamp:md5(apisecret + ":" + timestamp)`, timestamp in Unix
//! seconds, accepted within ±300 s of the platform's clock.
//!
//! The apisecret must never reach a browser (§3.2), so this crate is for servers only: the proxy
//! signs with it, the sandbox verifies with it. The browser crates do not depend on it.

use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

/// How far a timestamp may stray from the verifier's clock, in seconds (§3.1: 5 minutes).
pub const MAX_SKEW_SECS: i64 = 300;

/// Why a signature was refused; each has its own platform code in the sandbox.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `Authorization` header, or an empty one.
    #[error("missing Authorization header (expected apikey:timestamp:md5(apisecret:timestamp))")]
    Missing,
    /// Not `apikey:timestamp:md5`.
    #[error("malformed Authorization header: {0}")]
    Malformed(&'static str),
    /// An apikey the verifier does not know.
    #[error("unknown apikey")]
    UnknownKey,
    /// The digest does not match the secret.
    #[error("signature mismatch")]
    BadDigest,
    /// The timestamp is more than [`MAX_SKEW_SECS`] from the verifier's clock.
    #[error("timestamp outside ±300 s of the server clock (off by {skew_secs} s)")]
    Stale {
        /// Verifier time minus the header's time.
        skew_secs: i64,
    },
}

/// The md5 hex digest of `secret:timestamp`.
pub fn digest(secret: &str, timestamp: &str) -> String {
    let mut out = String::with_capacity(32);
    push_digest(&mut out, secret, timestamp);
    out
}

/// Appends the lowercase hex md5 of `secret:timestamp` (this runs on every proxied request, so it
/// writes hex directly instead of formatting each byte).
fn push_digest(out: &mut String, secret: &str, timestamp: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut md5 = Md5::new();
    md5.update(secret.as_bytes());
    md5.update(b":");
    md5.update(timestamp.as_bytes());
    for b in md5.finalize() {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
}

/// The `Authorization` value for `key` / `secret` at `now_secs`.
pub fn header_value(key: &str, secret: &str, now_secs: i64) -> String {
    let ts = now_secs.to_string();
    let mut out = String::with_capacity(key.len() + ts.len() + 34);
    out.push_str(key);
    out.push(':');
    out.push_str(&ts);
    out.push(':');
    push_digest(&mut out, secret, &ts);
    out
}

/// Checks an `Authorization` value as the platform does.
pub fn verify(header: Option<&str>, key: &str, secret: &str, now_secs: i64) -> Result<(), SignatureError> {
    let header = header.map(str::trim).filter(|h| !h.is_empty()).ok_or(SignatureError::Missing)?;
    let mut parts = header.splitn(3, ':');
    let (Some(got_key), Some(ts), Some(got_digest)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(SignatureError::Malformed("expected apikey:timestamp:md5"));
    };
    let ts_value: i64 =
        ts.parse().map_err(|_| SignatureError::Malformed("timestamp is not whole seconds"))?;
    if got_digest.len() != 32 || !got_digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SignatureError::Malformed("signature is not 32 hexadecimal characters"));
    }
    if !bool::from(got_key.as_bytes().ct_eq(key.as_bytes())) {
        return Err(SignatureError::UnknownKey);
    }
    let expected = digest(secret, ts);
    if !bool::from(got_digest.to_ascii_lowercase().as_bytes().ct_eq(expected.as_bytes())) {
        return Err(SignatureError::BadDigest);
    }
    if (now_secs - ts_value).abs() > MAX_SKEW_SECS {
        return Err(SignatureError::Stale { skew_secs: now_secs - ts_value });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_md5_of_secret_colon_timestamp() {
        // md5("demo-secret:1700000000"), computed independently with `printf … | md5sum`.
        assert_eq!(digest("demo-secret", "1700000000"), "f774b86fb6d0ea77d0592a031c5af948");
        assert_eq!(
            header_value("demo-key", "demo-secret", 1_700_000_000),
            "demo-key:1700000000:f774b86fb6d0ea77d0592a031c5af948"
        );
    }

    #[test]
    fn each_failure_is_distinct() {
        let ok = header_value("k", "s", 1_000);
        assert_eq!(verify(Some(&ok), "k", "s", 1_000), Ok(()));
        assert_eq!(verify(Some(&ok), "k", "s", 1_300), Ok(()));
        assert_eq!(verify(Some(&ok), "k", "s", 700), Ok(()));
        assert_eq!(verify(Some(&ok.to_uppercase().replacen("K:", "k:", 1)), "k", "s", 1_000), Ok(()));
        assert_eq!(verify(None, "k", "s", 1_000), Err(SignatureError::Missing));
        assert!(matches!(verify(Some("k:1000"), "k", "s", 1_000), Err(SignatureError::Malformed(_))));
        assert!(matches!(verify(Some("k:abc:0123"), "k", "s", 1_000), Err(SignatureError::Malformed(_))));
        assert_eq!(verify(Some(&ok), "other", "s", 1_000), Err(SignatureError::UnknownKey));
        assert_eq!(verify(Some(&ok), "k", "wrong", 1_000), Err(SignatureError::BadDigest));
        assert!(matches!(verify(Some(&ok), "k", "s", 1_301), Err(SignatureError::Stale { skew_secs: 301 })));
        assert!(matches!(verify(Some(&ok), "k", "s", 699), Err(SignatureError::Stale { skew_secs: -301 })));
    }
}
