//! Request ids: each answer carries one in `x-request-id`, the same id travels upstream and
//! names the request in the log.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{HeaderMap, HeaderName, HeaderValue};

/// The header that carries the id (a constant name: no parsing or allocation per use).
pub(crate) const HEADER: HeaderName = HeaderName::from_static(HEADER_NAME);
/// [`HEADER`] as text.
pub(crate) const HEADER_NAME: &str = "x-request-id";

/// Longest id accepted from a client; longer ones are replaced.
const MAX_LEN: usize = 64;

/// Makes ids `<process-start-ms hex>-<sequence>`: unique per proxy run and cheap (a UUID would
/// cost a `getrandom` system call on every request).
pub(crate) struct RequestIds {
    /// `<process-start-ms hex>-`, written once.
    prefix: Vec<u8>,
    next: AtomicU64,
}

impl Default for RequestIds {
    fn default() -> Self {
        let start_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        RequestIds { prefix: format!("{start_ms:x}-").into_bytes(), next: AtomicU64::new(0) }
    }
}

impl RequestIds {
    /// The request's id: the client's own (in `headers`) when it sent a short printable one, else
    /// a new one.
    pub(crate) fn for_request(&self, headers: &HeaderMap) -> HeaderValue {
        if let Some(id) = headers.get(&HEADER) {
            if id.len() <= MAX_LEN && !id.is_empty() && id.to_str().is_ok() {
                return id.clone();
            }
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        // Written on the stack, the sequence's digits by itoa (the formatting machinery showed
        // in the profile): the prefix is at most 20 bytes, `u64::MAX` 20 digits.
        let mut text = [0u8; 40];
        let prefix = self.prefix.len().min(20);
        text[..prefix].copy_from_slice(&self.prefix[..prefix]);
        let mut digits = itoa::Buffer::new();
        let digits = digits.format(n).as_bytes();
        let len = prefix + digits.len();
        text[prefix..len].copy_from_slice(digits);
        HeaderValue::from_bytes(&text[..len]).unwrap_or(HeaderValue::from_static("unknown"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_sequential_and_a_clients_sane_id_is_kept() {
        let ids = RequestIds::default();
        let first = ids.for_request(&HeaderMap::new());
        let second = ids.for_request(&HeaderMap::new());
        assert_ne!(first, second);
        assert!(first.to_str().is_ok_and(|s| s.ends_with("-0")), "{first:?}");
        assert!(second.to_str().is_ok_and(|s| s.ends_with("-1")), "{second:?}");
        let hex = first.to_str().expect("ascii").trim_end_matches("-0");
        assert!(u64::from_str_radix(hex, 16).is_ok(), "{first:?}");
        ids.next.store(u64::MAX, Ordering::Relaxed);
        let last = ids.for_request(&HeaderMap::new());
        assert_eq!(last, format!("{hex}-{}", u64::MAX).as_str());

        let mut headers = HeaderMap::new();
        headers.insert(HEADER, HeaderValue::from_static("abc-123"));
        assert_eq!(ids.for_request(&headers), "abc-123");

        let mut headers = HeaderMap::new();
        headers.insert(HEADER, HeaderValue::from_str(&"x".repeat(MAX_LEN + 1)).expect("ascii"));
        let replaced = ids.for_request(&headers);
        assert!(replaced.len() < MAX_LEN, "a too long id is replaced");
    }
}
