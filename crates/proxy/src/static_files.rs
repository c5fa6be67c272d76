//! The static folder (`--static-dir`): each file is sent as its precompressed `.br` or `.gz`
//! sibling when the browser's `Accept-Encoding` takes it (brotli preferred at equal weight, the
//! file itself otherwise), with `Vary: Accept-Encoding`, an `ETag` and `Last-Modified`, answers
//! of 304 to `If-None-Match` / `If-Modified-Since`, and a cache lifetime by name: a name that
//! carries a content hash (`name.<16 hex digits>.ext`, as `cargo xtask` writes them) is cached for
//! a year as immutable, any other (pages, the loader) is revalidated on every use.
//!
//! Only requests that are not API routes come here, so the API's per-request cost is untouched.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// How many hex digits of content hash a name carries to be cached as immutable.
pub(crate) const HASH_DIGITS: usize = 16;
/// `Cache-Control` for content-hashed names: their bytes never change.
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
/// `Cache-Control` for stable names: kept, but revalidated (a 304) before each use.
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");

/// The configured static folder, ready to serve.
pub(crate) struct StaticFiles {
    dir: ServeDir,
}

impl StaticFiles {
    /// Serves the files under `dir`, and their `.br` / `.gz` siblings.
    pub(crate) fn new(dir: &Path) -> StaticFiles {
        StaticFiles { dir: ServeDir::new(dir).precompressed_br().precompressed_gzip() }
    }

    /// Answers a GET or HEAD for a file.
    pub(crate) async fn serve(&self, mut request: Request) -> Response {
        // The conditions are judged here, with the ETag that ServeDir does not make.
        let headers = request.headers_mut();
        let if_none_match = headers.remove(header::IF_NONE_MATCH);
        let if_modified_since = headers.remove(header::IF_MODIFIED_SINCE);
        // A range is served only while the client's copy is current; rather than judge that,
        // send the whole file, which `If-Range` always allows.
        if headers.remove(header::IF_RANGE).is_some() {
            headers.remove(header::RANGE);
        }
        let cache_control = cache_control(request.uri().path());
        let mut response = match self.dir.clone().oneshot(request).await {
            Ok(response) => response.into_response(),
            Err(never) => match never {},
        };
        if !matches!(response.status(), StatusCode::OK | StatusCode::PARTIAL_CONTENT) {
            return response;
        }
        let etag = etag(response.headers());
        let headers = response.headers_mut();
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        headers.insert(header::CACHE_CONTROL, cache_control);
        if let Some(etag) = &etag {
            headers.insert(header::ETAG, etag.clone());
        }
        let unchanged = match (&if_none_match, &if_modified_since) {
            (Some(tags), _) => etag.as_ref().is_some_and(|etag| none_match_fails(tags, etag)),
            (None, Some(since)) => not_modified_since(since, headers),
            (None, None) => false,
        };
        if unchanged { not_modified(headers) } else { response }
    }
}

/// The 304 answer: the validators and caching headers of the 200 it stands for, no body.
fn not_modified(full: &HeaderMap) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NOT_MODIFIED;
    for name in [header::ETAG, header::LAST_MODIFIED, header::CACHE_CONTROL, header::VARY] {
        if let Some(value) = full.get(&name) {
            response.headers_mut().insert(name, value.clone());
        }
    }
    response
}

/// The lifetime for a URL path: a year and immutable for content-hashed names, else revalidate.
pub(crate) fn cache_control(path: &str) -> HeaderValue {
    if is_content_hashed(path) { IMMUTABLE } else { REVALIDATE }
}

/// Whether the path's last segment is `stem.<HASH_DIGITS lowercase hex digits>.extension`.
pub(crate) fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let mut parts = name.rsplit('.');
    let (Some(extension), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !extension.is_empty()
        && !stem.is_empty()
        && hash.len() == HASH_DIGITS
        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A strong ETag for the bytes being sent: their whole length and modification time (as nginx
/// makes them), and the content coding, so each precompressed variant has its own.
fn etag(headers: &HeaderMap) -> Option<HeaderValue> {
    let modified = headers.get(header::LAST_MODIFIED)?.to_str().ok()?;
    let seconds = httpdate::parse_http_date(modified).ok()?.duration_since(UNIX_EPOCH).ok()?.as_secs();
    // A range answer says the whole length after the slash of `bytes a-b/length`.
    let length: u64 = match headers.get(header::CONTENT_RANGE) {
        Some(range) => range.to_str().ok()?.rsplit('/').next()?.parse().ok()?,
        None => headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()?,
    };
    let coding = match headers.get(header::CONTENT_ENCODING).map(HeaderValue::as_bytes) {
        Some(b"br") => "-br",
        Some(b"gzip") => "-gz",
        _ => "",
    };
    HeaderValue::try_from(format!("\"{length:x}-{seconds:x}{coding}\"")).ok()
}

/// Whether `If-None-Match: tags` fails for `etag` (so the answer is 304): `*`, or one of the
/// listed tags equals it by the weak comparison (a `W/` prefix ignored).
fn none_match_fails(tags: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(tags) = tags.to_str() else { return false };
    let ours = etag.as_bytes();
    tags.split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag).as_bytes() == ours)
}

/// Whether `If-Modified-Since: since` holds the file's `Last-Modified` or later.
fn not_modified_since(since: &HeaderValue, headers: &HeaderMap) -> bool {
    let date = |value: Option<&HeaderValue>| -> Option<SystemTime> {
        httpdate::parse_http_date(value?.to_str().ok()?).ok()
    };
    match (date(Some(since)), date(headers.get(header::LAST_MODIFIED))) {
        (Some(since), Some(modified)) => modified <= since,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_with_a_content_hash_are_immutable() {
        assert!(is_content_hashed("/kefu/kefu_widget_bg.0123456789abcdef.wasm"));
        assert!(is_content_hashed("kefu-widget.fedcba9876543210.css"));
        for path in [
            "/kefu/kefu-loader.js",
            "/index.html",
            "/kefu/kefu_widget_bg.0123456789ABCDEF.wasm",
            "/kefu/x.0123456789abcde.js",
            "/kefu/x.0123456789abcdef0.js",
            "/kefu/.0123456789abcdef.js",
            "/kefu/x.0123456789abcdef.",
            "/0123456789abcdef.js",
            "/",
        ] {
            assert!(!is_content_hashed(path), "{path}");
        }
        assert_eq!(cache_control("/a.0123456789abcdef.js"), IMMUTABLE);
        assert_eq!(cache_control("/kefu/kefu-loader.js"), REVALIDATE);
    }

    #[test]
    fn if_none_match_lists_compare_weakly() {
        let etag = HeaderValue::from_static("\"10-5f\"");
        let fails = |tags: &'static str| none_match_fails(&HeaderValue::from_static(tags), &etag);
        assert!(fails("\"10-5f\""));
        assert!(fails("W/\"10-5f\""));
        assert!(fails("\"other\", \"10-5f\""));
        assert!(fails("*"));
        assert!(!fails("\"10-5f-br\""));
        assert!(!fails("10-5f"));
        assert!(!fails(""));
    }
}
