//! Short-lived recording links: what a link names (one stored call, or one recording URL), until
//! when, and an HMAC-SHA256 over both with the proxy's key, so an `<audio src>` needs no operator
//! token and the link cannot be bent to another file or a later time.
//!
//! A link is one path segment, `KIND.EXPIRES.VALUE.MAC`: `KIND` is `c` (a call id) or `u` (a
//! URL), `EXPIRES` Unix seconds, `VALUE` the call id or the URL byte for byte and `MAC` the
//! HMAC-SHA256 of `kefu-recording-link`, `KIND`, `EXPIRES` and `VALUE` (NUL-separated), both
//! base64url without padding. The URL is readable in the link: it is what the operator who asked
//! for the link already had.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The shortest key accepted, in bytes.
pub const MIN_KEY_BYTES: usize = 32;

/// What a link plays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The recording of a call stored from a §7 push.
    Call(String),
    /// A recording URL, byte for byte.
    Url(String),
}

impl Target {
    fn parts(&self) -> (&'static str, &str) {
        match self {
            Target::Call(id) => ("c", id),
            Target::Url(url) => ("u", url),
        }
    }
}

/// Why a link is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a link of this form, or its MAC does not match: altered, or signed with another key.
    Invalid,
    /// The link was valid until this Unix second.
    Expired(i64),
}

/// Signs and checks links with one key.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(<key redacted>)")
    }
}

impl Signer {
    /// A signer with this key; `None` when it is shorter than [`MIN_KEY_BYTES`].
    pub fn new(key: &[u8]) -> Option<Signer> {
        (key.len() >= MIN_KEY_BYTES).then(|| Signer { key: key.to_vec() })
    }

    /// A signer with a random key of 32 bytes from the operating system.
    pub fn random() -> Result<Signer, getrandom::Error> {
        let mut key = vec![0u8; 32];
        getrandom::fill(&mut key)?;
        Ok(Signer { key })
    }

    fn mac(&self, kind: &str, expires: i64, value: &str) -> HmacSha256 {
        // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
        let mut mac = match HmacSha256::new_from_slice(&self.key) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC accepts keys of any length"),
        };
        for part in ["kefu-recording-link", kind, &expires.to_string(), value] {
            mac.update(part.as_bytes());
            mac.update(&[0]);
        }
        mac
    }

    /// The link for `target`, valid until the Unix second `expires`.
    pub fn sign(&self, target: &Target, expires: i64) -> String {
        let (kind, value) = target.parts();
        let tag = self.mac(kind, expires, value).finalize().into_bytes();
        format!("{kind}.{expires}.{}.{}", URL_SAFE_NO_PAD.encode(value), URL_SAFE_NO_PAD.encode(tag))
    }

    /// What `link` plays, when its MAC matches (compared in constant time) and it has not expired
    /// at the Unix second `now`.
    pub fn verify(&self, link: &str, now: i64) -> Result<Target, Refusal> {
        let mut parts = link.split('.');
        let (Some(kind), Some(expires), Some(value), Some(tag), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Refusal::Invalid);
        };
        let expires: i64 = expires.parse().map_err(|_| Refusal::Invalid)?;
        let value = URL_SAFE_NO_PAD.decode(value).map_err(|_| Refusal::Invalid)?;
        let value = String::from_utf8(value).map_err(|_| Refusal::Invalid)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| Refusal::Invalid)?;
        if !matches!(kind, "c" | "u") {
            return Err(Refusal::Invalid);
        }
        self.mac(kind, expires, &value).verify_slice(&tag).map_err(|_| Refusal::Invalid)?;
        if now >= expires {
            return Err(Refusal::Expired(expires));
        }
        Ok(if kind == "c" { Target::Call(value) } else { Target::Url(value) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
    const URL: &str = "http://oss.example/a.wav?Expires=1&Signature=oFCX%2BtkS%3D";

    #[test]
    fn a_link_names_its_target_until_it_expires() {
        let signer = Signer::new(KEY).expect("long enough");
        let link = signer.sign(&Target::Url(URL.into()), 1_000);
        assert!(link.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)), "{link}");
        assert_eq!(signer.verify(&link, 999), Ok(Target::Url(URL.into())), "byte for byte");
        assert_eq!(signer.verify(&link, 1_000), Err(Refusal::Expired(1_000)));
        let call = signer.sign(&Target::Call("c1".into()), 1_000);
        assert_eq!(signer.verify(&call, 0), Ok(Target::Call("c1".into())));
    }

    #[test]
    fn altered_links_and_other_keys_are_refused() {
        let signer = Signer::new(KEY).expect("long enough");
        let link = signer.sign(&Target::Url(URL.into()), 1_000);
        let other = signer.sign(&Target::Url("http://oss.example/b.wav".into()), 1_000);
        let parts: Vec<&str> = link.split('.').collect();
        let other_parts: Vec<&str> = other.split('.').collect();
        // Another file under this link's MAC, a later expiry, another kind.
        for forged in [
            format!("u.1000.{}.{}", other_parts[2], parts[3]),
            format!("u.2000.{}.{}", parts[2], parts[3]),
            format!("c.1000.{}.{}", parts[2], parts[3]),
            format!("{link}x"),
            format!("{link}.x"),
            link.replacen('u', "x", 1),
            String::new(),
            "../../etc/passwd".into(),
        ] {
            assert_eq!(signer.verify(&forged, 0), Err(Refusal::Invalid), "{forged}");
        }
        let stranger = Signer::new(b"another key, also thirty-two bytes!").expect("long enough");
        assert_eq!(stranger.verify(&link, 0), Err(Refusal::Invalid));
        assert!(Signer::new(b"short").is_none());
        assert!(!format!("{signer:?}").contains("0123"));
    }
}
