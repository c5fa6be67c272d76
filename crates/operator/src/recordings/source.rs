//! Which recording URLs the proxy fetches: only those on this deployment's own hosts, so a
//! recording link is never an open relay (SSRF).
//!
//! A URL is taken when it is `http://` or `https://` without `user:password@`, its origin
//! (scheme, host, port) is one of the allowed origins (the upstreams, the recording base and
//! `KEFU_RECORDING_HOSTS`), nothing in its path or query steps up a folder (`..`, also
//! percent-encoded) and it names a recording: its path ends in an audio file name, or it is the
//! call-center's recordings path with an audio `filename` (seed 001). Relative §7 `record_url`s are
//! joined to the recording base first. The URL itself is kept byte for byte: the platform signs it.

use axum::http::Uri;
use axum::http::uri::Scheme;
use percent_encoding::percent_decode_str;

/// The longest recording URL taken.
pub const MAX_URL_LEN: usize = 4096;

/// Audio file name endings and their media types.
const AUDIO: [(&str, &str); 8] = [
    (".wav", "audio/wav"),
    (".mp3", "audio/mpeg"),
    (".m4a", "audio/mp4"),
    (".aac", "audio/aac"),
    (".ogg", "audio/ogg"),
    (".opus", "audio/ogg"),
    (".amr", "audio/amr"),
    (".flac", "audio/flac"),
];

/// The recording hosts of one deployment.
#[derive(Debug, Clone)]
pub struct Sources {
    /// Allowed origins, `scheme://host:port`, lowercase, with the port always written.
    origins: Vec<String>,
    /// Where relative `record_url`s are joined.
    base: String,
    /// The call-center's recordings path (seed 001 `/recordings/files`).
    callcenter_recordings: String,
}

impl Sources {
    /// Sources joining relative paths to `base` and taking URLs of these origins (any form
    /// [`origin`] reads; others are refused with the reason).
    pub fn new(base: &str, origins: &[&str], callcenter_recordings: &str) -> Result<Sources, String> {
        let mut list = Vec::new();
        for o in origins.iter().copied().chain([base]) {
            let uri: Uri = o.trim().parse().map_err(|_| format!("{o:?} is not a URL"))?;
            let origin = origin(&uri).ok_or_else(|| format!("{o:?} is not an http:// or https:// URL"))?;
            if !list.contains(&origin) {
                list.push(origin);
            }
        }
        Ok(Sources {
            origins: list,
            base: base.trim().trim_end_matches('/').to_owned(),
            callcenter_recordings: callcenter_recordings.to_owned(),
        })
    }

    /// The allowed origins, for the start log.
    pub fn origins(&self) -> &[String] {
        &self.origins
    }

    /// A stored `record_url` as an absolute URL: a relative path joined to the recording base.
    pub fn resolve(&self, record_url: &str) -> String {
        let lower = record_url.get(..8).unwrap_or(record_url).to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            record_url.to_owned()
        } else {
            format!("{}/{}", self.base, record_url.trim_start_matches('/'))
        }
    }

    /// The URL, checked; or why it is not fetched.
    pub fn check(&self, url: &str) -> Result<Uri, String> {
        if url.len() > MAX_URL_LEN {
            return Err(format!("the URL is longer than {MAX_URL_LEN} bytes"));
        }
        if url.bytes().any(|b| b <= b' ' || b == b'\\' || b >= 0x7f) {
            return Err("the URL holds spaces, control characters, backslashes or non-ASCII bytes".into());
        }
        let uri: Uri = url.parse().map_err(|_| "not a URL".to_owned())?;
        let origin = origin(&uri).ok_or("only http:// and https:// URLs without user:password@ are taken")?;
        if !self.origins.contains(&origin) {
            return Err(format!(
                "{origin} is not one of this deployment's recording hosts (the upstreams, KEFU_RECORDING_BASE, KEFU_RECORDING_HOSTS)"
            ));
        }
        let path = uri.path();
        let query = uri.query().unwrap_or_default();
        if steps_up(path) || steps_up(query) {
            return Err("the URL steps out of its folder (\"..\")".into());
        }
        if audio_type(path).is_none() && !self.is_callcenter_recording(path, query) {
            return Err(
                "the URL does not name a recording (an audio file, or the call-center's recordings path with an audio filename)"
                    .into(),
            );
        }
        Ok(uri)
    }

    /// Seed 001: `/recordings/files?filename=ai_call/…/<uuid>.wav`, one safe audio `filename`.
    fn is_callcenter_recording(&self, path: &str, query: &str) -> bool {
        if path != self.callcenter_recordings {
            return false;
        }
        let names: Vec<_> = form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| k == "filename")
            .map(|(_, v)| v)
            .collect();
        match names.as_slice() {
            [name] => {
                kefu_protocol::callcenter::recording_segments(name).is_ok() && audio_type(name).is_some()
            }
            _ => false,
        }
    }

    /// The media type a recording at `uri` is sent as, from its file name (`None`: unknown).
    pub fn media_type(&self, uri: &Uri) -> Option<&'static str> {
        audio_type(uri.path()).or_else(|| {
            form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
                .find(|(k, _)| k == "filename")
                .and_then(|(_, v)| audio_type(&v))
        })
    }
}

/// `scheme://host:port` of an absolute http(s) URL without userinfo, lowercase, the port written.
pub fn origin(uri: &Uri) -> Option<String> {
    let scheme = uri.scheme()?;
    let default_port = if *scheme == Scheme::HTTP {
        80
    } else if *scheme == Scheme::HTTPS {
        443
    } else {
        return None;
    };
    let authority = uri.authority()?;
    if authority.as_str().contains('@') || authority.host().is_empty() {
        return None;
    }
    let port = authority.port_u16().unwrap_or(default_port);
    Some(format!("{}://{}:{port}", scheme.as_str(), authority.host().to_ascii_lowercase()))
}

/// Whether a path or query, percent-decoded (twice, for `%252e`), has a `..` step.
fn steps_up(text: &str) -> bool {
    let once = percent_decode_str(text).decode_utf8_lossy();
    let twice = percent_decode_str(&once).decode_utf8_lossy().into_owned();
    [text, &once, &twice].iter().any(|t| t.contains("..") || t.contains('\\'))
}

/// The media type of a file name by its ending.
fn audio_type(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    AUDIO.iter().find(|(ext, _)| lower.ends_with(ext)).map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Sources {
        Sources::new(
            "http://127.0.0.1:7700",
            &["https://api.example.com", "http://cc.example:8899", "http://oss.example"],
            "/recordings/files",
        )
        .expect("valid")
    }

    #[test]
    fn recordings_on_the_deployments_hosts_are_taken_byte_for_byte() {
        let s = sources();
        for ok in [
            "http://oss.example/exported_files/e938.wav?Expires=1770691031&OSSAccessKeyId=L&Signature=oFCX%2BtkS%3D",
            "http://OSS.example:80/a.MP3",
            "http://cc.example:8899/recordings/files?filename=ai_call/2025/08/16/21/2508162111590110001.wav",
            "http://127.0.0.1:7700/sandbox/recordings/1234.wav",
            "https://api.example.com/coeus/82001/x.mp3",
        ] {
            let uri = s.check(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert_eq!(uri.to_string(), ok, "kept byte for byte");
        }
        assert_eq!(s.resolve("/coeus/1/a.mp3"), "http://127.0.0.1:7700/coeus/1/a.mp3");
        assert_eq!(s.resolve("coeus/1/a.mp3"), "http://127.0.0.1:7700/coeus/1/a.mp3");
        assert_eq!(s.resolve("https://x.example/a.wav"), "https://x.example/a.wav");
        assert_eq!(s.origins().len(), 4);
    }

    #[test]
    fn other_hosts_traversal_and_non_recordings_are_refused() {
        let s = sources();
        for bad in [
            "http://169.254.169.254/latest/meta-data/a.wav",
            "http://oss.example.evil.com/a.wav",
            "https://oss.example/a.wav",
            "http://oss.example:8080/a.wav",
            "http://user:pw@oss.example/a.wav",
            "http://oss.example@evil.com/a.wav",
            "file:///etc/passwd.wav",
            "ftp://oss.example/a.wav",
            "/sandbox/recordings/1.wav",
            "http://oss.example/../secret.wav",
            "http://oss.example/a/%2e%2e/secret.wav",
            "http://oss.example/a/%252e%252e/secret.wav",
            "http://cc.example:8899/recordings/files?filename=../../etc/passwd.wav",
            "http://cc.example:8899/recordings/files?filename=ai_call%2F..%2F..%2Fx.wav",
            "http://cc.example:8899/recordings/files?filename=/etc/x.wav",
            "http://cc.example:8899/recordings/files?filename=a.wav&filename=b.wav",
            "http://cc.example:8899/recordings/files?filename=ai_call/x.txt",
            "http://cc.example:8899/api/aicall/records/list",
            "http://oss.example/index.html",
            "http://oss.example/a b.wav",
            "http://oss.example/a\\b.wav",
            "",
        ] {
            assert!(s.check(bad).is_err(), "{bad} must be refused");
        }
        assert!(Sources::new("ftp://x", &[], "/r").is_err());
        let big = format!("http://oss.example/{}.wav", "a".repeat(MAX_URL_LEN));
        assert!(s.check(&big).is_err());
    }

    #[test]
    fn media_types_come_from_the_file_name() {
        let s = sources();
        let uri: Uri = "http://cc.example:8899/recordings/files?filename=a/b.wav".parse().expect("uri");
        assert_eq!(s.media_type(&uri), Some("audio/wav"));
        let uri: Uri = "http://oss.example/x.mp3?Signature=1".parse().expect("uri");
        assert_eq!(s.media_type(&uri), Some("audio/mpeg"));
    }
}
