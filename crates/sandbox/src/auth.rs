//! The signature check of seed 002 §3, from `kefu-signature` (shared with the proxy).

pub use kefu_signature::{MAX_SKEW_SECS, SignatureError, digest, header_value, verify};
