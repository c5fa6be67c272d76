//! The receiver's settings: callback tokens with their labels, the peer allow-list, the
//! recording base URL and the inbound prompts. Read from the environment with
//! [`Settings::from_env`] or built in code; every bad value is refused with a clear error.

use std::net::IpAddr;

use ipnet::IpNet;
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};

/// Least estimated randomness of a callback token, in bits.
pub const MIN_TOKEN_BITS: f64 = 128.0;

/// The prompt a known caller hears unless `KEFU_INBOUND_PROMPT` says otherwise.
pub const DEFAULT_KNOWN_PROMPT: &str = "您好{name|}，欢迎来电，请问有什么可以帮您？";

/// The prompt an unknown caller hears unless `KEFU_INBOUND_DEFAULT_PROMPT` says otherwise.
pub const DEFAULT_UNKNOWN_PROMPT: &str = "您好，欢迎来电，请问有什么可以帮您？";

/// One callback token and the label stored with what arrives through it.
#[derive(Clone)]
pub struct CallbackToken {
    label: String,
    token: String,
}

impl std::fmt::Debug for CallbackToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token is a secret: never in logs.
        f.debug_struct("CallbackToken").field("label", &self.label).finish_non_exhaustive()
    }
}

impl CallbackToken {
    /// A token with its label; refused when the token is too weak (see [`MIN_TOKEN_BITS`]) or
    /// the label is empty or not `[A-Za-z0-9_.-]`.
    pub fn new(label: &str, token: &str) -> Result<CallbackToken> {
        let label = label.trim();
        let token = token.trim();
        if label.is_empty() || !label.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) {
            return Err(Error::Config(format!(
                "callback token label {label:?}: use letters, digits, '_', '.' or '-'"
            )));
        }
        let bits = estimated_bits(token);
        if bits < MIN_TOKEN_BITS {
            return Err(Error::Config(format!(
                "callback token {label:?} has about {bits:.0} bits of randomness; at least {MIN_TOKEN_BITS:.0} \
                 are needed (e.g. 32 hex digits or 22 base64url characters: `openssl rand -hex 16`)"
            )));
        }
        Ok(CallbackToken { label: label.to_owned(), token: token.to_owned() })
    }

    /// The label stored with what arrives through this token.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The token itself, to build the addresses given to the platform (`/callbacks/{token}`, a
    /// task's `team_url`): show it to operators only, never log it.
    pub fn secret(&self) -> &str {
        &self.token
    }
}

/// A conservative estimate of a token's randomness: its length times the bits of the smallest
/// alphabet (hex, base64url, printable ASCII) that holds it; a token of few distinct characters,
/// or one that is not URL-safe, counts as none.
fn estimated_bits(token: &str) -> f64 {
    let distinct = token.chars().collect::<std::collections::BTreeSet<_>>().len();
    if distinct < 8 {
        return 0.0;
    }
    let per_char = if token.chars().all(|c| c.is_ascii_hexdigit()) {
        4.0
    } else if token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        6.0
    } else {
        return 0.0;
    };
    per_char * token.chars().count() as f64
}

/// How the receiver is configured.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The accepted tokens, each with its label.
    pub tokens: Vec<CallbackToken>,
    /// When set, only peers in these networks may push.
    pub allow: Option<Vec<IpNet>>,
    /// Where relative `record_url`s point (e.g. `https://record.example.com/`).
    pub recording_base: Option<String>,
    /// The §9 prompt template for a caller in the contacts (`{name|default}` placeholders over
    /// the contact's name, phone and variables).
    pub known_prompt: String,
    /// The §9 prompt for a caller not in the contacts.
    pub unknown_prompt: String,
    /// The largest push body accepted, in bytes.
    pub body_limit: usize,
}

impl Settings {
    /// Settings with these tokens and every other value at its default.
    pub fn new(tokens: Vec<CallbackToken>) -> Result<Settings> {
        if tokens.is_empty() {
            return Err(Error::Config("at least one callback token is needed (KEFU_CALLBACK_TOKEN)".into()));
        }
        Ok(Settings {
            tokens,
            allow: None,
            recording_base: None,
            known_prompt: DEFAULT_KNOWN_PROMPT.to_owned(),
            unknown_prompt: DEFAULT_UNKNOWN_PROMPT.to_owned(),
            body_limit: 8 * 1024 * 1024,
        })
    }

    /// Reads `KEFU_CALLBACK_TOKEN` (`label:token,label2:token2`; a bare token gets the label
    /// `default`), `KEFU_CALLBACK_ALLOW` (comma-separated CIDRs or addresses),
    /// `KEFU_RECORDING_BASE`, `KEFU_INBOUND_PROMPT` and `KEFU_INBOUND_DEFAULT_PROMPT`.
    pub fn from_env() -> Result<Settings> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let tokens = parse_tokens(&var("KEFU_CALLBACK_TOKEN").unwrap_or_default())?;
        let mut settings = Settings::new(tokens)?;
        if let Some(allow) = var("KEFU_CALLBACK_ALLOW") {
            settings.allow = Some(parse_allow(&allow)?);
        }
        settings.recording_base = var("KEFU_RECORDING_BASE");
        if let Some(p) = var("KEFU_INBOUND_PROMPT") {
            settings.known_prompt = p;
        }
        if let Some(p) = var("KEFU_INBOUND_DEFAULT_PROMPT") {
            settings.unknown_prompt = p;
        }
        Ok(settings)
    }

    /// The label of the configured token equal to `candidate` (compared in constant time).
    pub fn label_for(&self, candidate: &str) -> Option<&str> {
        let mut found = None;
        for t in &self.tokens {
            if bool::from(t.token.as_bytes().ct_eq(candidate.as_bytes())) {
                found = Some(t.label.as_str());
            }
        }
        found
    }

    /// Whether `peer` may push: always when no allow-list is set; otherwise only a known peer
    /// inside one of its networks.
    pub fn allows(&self, peer: Option<IpAddr>) -> bool {
        match (&self.allow, peer) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(nets), Some(ip)) => {
                let ip = match ip {
                    IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
                    v4 => v4,
                };
                nets.iter().any(|n| n.contains(&ip))
            }
        }
    }

    /// `record_url` as a link: absolute URLs unchanged, relative paths joined to the recording
    /// base (left relative when no base is configured).
    pub fn recording_link(&self, record_url: &str) -> String {
        let lower = record_url.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return record_url.to_owned();
        }
        match &self.recording_base {
            Some(base) => format!("{}/{}", base.trim_end_matches('/'), record_url.trim_start_matches('/')),
            None => record_url.to_owned(),
        }
    }
}

/// Parses `label:token,label2:token2` (a bare token gets the label `default`).
pub fn parse_tokens(text: &str) -> Result<Vec<CallbackToken>> {
    let mut tokens: Vec<CallbackToken> = Vec::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let token = match item.split_once(':') {
            Some((label, token)) => CallbackToken::new(label, token)?,
            None => CallbackToken::new("default", item)?,
        };
        if tokens.iter().any(|t| t.label == token.label || t.token == token.token) {
            return Err(Error::Config(format!(
                "callback token label {:?} or its token is repeated",
                token.label
            )));
        }
        tokens.push(token);
    }
    if tokens.is_empty() {
        return Err(Error::Config("at least one callback token is needed (KEFU_CALLBACK_TOKEN)".into()));
    }
    Ok(tokens)
}

/// Parses a comma-separated list of CIDRs or single addresses.
pub fn parse_allow(text: &str) -> Result<Vec<IpNet>> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            item.parse::<IpNet>().or_else(|_| item.parse::<IpAddr>().map(IpNet::from)).map_err(|_| {
                Error::Config(format!("KEFU_CALLBACK_ALLOW: {item:?} is not a CIDR or an address"))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn tokens_parse_with_labels_and_weak_ones_are_refused() {
        let tokens = parse_tokens(&format!("shop:{HEX},bank:Ab3dEf7hIj9kLm1nOp5qRs")).expect("valid");
        assert_eq!(tokens.iter().map(CallbackToken::label).collect::<Vec<_>>(), ["shop", "bank"]);
        assert_eq!(parse_tokens(HEX).expect("bare")[0].label(), "default");
        for weak in ["shop:short", "shop:0123456789abcdef", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", ""] {
            let err = parse_tokens(weak).expect_err(weak).to_string();
            assert!(err.contains("callback token"), "{err}");
        }
        assert!(parse_tokens(&format!("a:{HEX},a:{HEX}")).is_err());
        assert!(!format!("{tokens:?}").contains(HEX), "tokens never in Debug output");
    }

    #[test]
    fn labels_are_found_by_token() {
        let settings = Settings::new(parse_tokens(&format!("shop:{HEX}")).expect("valid")).expect("settings");
        assert_eq!(settings.label_for(HEX), Some("shop"));
        assert_eq!(settings.label_for("0123456789abcdef0123456789abcdee"), None);
        assert_eq!(settings.label_for(""), None);
    }

    #[test]
    fn allow_list_checks_the_peer() {
        let mut settings = Settings::new(parse_tokens(HEX).expect("valid")).expect("settings");
        assert!(settings.allows(None));
        settings.allow = Some(parse_allow("10.0.0.0/8, 127.0.0.1").expect("valid"));
        assert!(settings.allows(Some("10.1.2.3".parse().expect("ip"))));
        assert!(settings.allows(Some("::ffff:127.0.0.1".parse().expect("ip"))));
        assert!(!settings.allows(Some("192.168.0.1".parse().expect("ip"))));
        assert!(!settings.allows(None));
        assert!(parse_allow("10.0.0.0/33").is_err());
    }

    #[test]
    fn recording_links_resolve_relative_paths() {
        let mut settings = Settings::new(parse_tokens(HEX).expect("valid")).expect("settings");
        assert_eq!(settings.recording_link("/r/1.wav"), "/r/1.wav");
        settings.recording_base = Some("https://rec.example.com/".into());
        assert_eq!(settings.recording_link("/r/1.wav"), "https://rec.example.com/r/1.wav");
        assert_eq!(settings.recording_link("r/1.wav"), "https://rec.example.com/r/1.wav");
        assert_eq!(settings.recording_link("https://x.example/1.wav"), "https://x.example/1.wav");
    }
}
