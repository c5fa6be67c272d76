//! A recording streamed from its host to the browser, one byte range at a time, never held whole.
//!
//! The browser's `Range` (one range; others are ignored, RFC 9110) is asked of the host. A host
//! that answers 206 is relayed; one that ignores `Range` and answers 200 with a length is cut to
//! the range here while streaming (the bytes before it are read and dropped). `HEAD` asks the host
//! for the first byte only and answers the length it reports. Every answer carries
//! `Accept-Ranges: bytes`, an audio `Content-Type` (the host's when it is audio, else by the
//! file name: an HTML answer is never relayed as HTML on the proxy's origin), `nosniff` and
//! `no-store`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Request, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use http_body_util::Full;
use hyper::body::Frame;
use kefu_serve::range::{ByteRange, content_range, parse_content_range, unsatisfied_range};

use crate::Error;
use crate::fetch::{Failure, Fetch};

/// What the browser asked for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ask {
    /// A `HEAD`: headers only.
    pub(crate) head: bool,
    /// The one range asked for, if any.
    pub(crate) range: Option<ByteRange>,
}

/// Fetches `uri` from its host as `ask` says and answers the browser; `media_type` is the type
/// the file name gives, used when the host's is not audio.
pub(crate) async fn relay(
    fetch: &dyn Fetch,
    uri: Uri,
    ask: Ask,
    media_type: Option<&'static str>,
) -> Result<Response, Error> {
    let wanted = match (ask.range, ask.head) {
        (Some(range), _) => Some(range),
        (None, true) => Some(ByteRange::FromTo(0, 0)),
        (None, false) => None,
    };
    let mut request = Request::new(Full::new(Bytes::new()));
    *request.uri_mut() = uri;
    request.headers_mut().insert(header::ACCEPT, HeaderValue::from_static("audio/*, */*;q=0.1"));
    if let Some(range) = wanted
        && let Ok(value) = HeaderValue::from_str(&range.header_value())
    {
        request.headers_mut().insert(header::RANGE, value);
    }
    let answer = fetch.open(request).await.map_err(|failure| match failure {
        Failure::Timeout => {
            Error::RecordingHost("the recording host did not answer in time; try again shortly".into())
        }
        Failure::TooLarge | Failure::Unreachable(_) => {
            if let Failure::Unreachable(why) = &failure {
                tracing::warn!(error = %why, "recordings: the host cannot be reached");
            }
            Error::RecordingHost("the recording host cannot be reached; try again shortly".into())
        }
    })?;
    let (parts, incoming) = answer.into_parts();
    let status = parts.status;
    let upstream = &parts.headers;
    let header_text = |name: HeaderName| upstream.get(name).and_then(|v| v.to_str().ok());
    let length = header_text(header::CONTENT_LENGTH).and_then(|v| v.trim().parse::<u64>().ok());
    let idle = fetch.timeout();

    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, content_type(header_text(header::CONTENT_TYPE), media_type));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    for name in [header::ETAG, header::LAST_MODIFIED] {
        if let Some(v) = upstream.get(&name) {
            headers.insert(name, v.clone());
        }
    }
    let set = |headers: &mut HeaderMap, name: HeaderName, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    };
    let body = |skip: u64, take: Option<u64>| {
        if ask.head { Body::empty() } else { Body::new(Slice::new(incoming, skip, take, idle)) }
    };

    match status {
        StatusCode::PARTIAL_CONTENT => {
            let (span, total) =
                header_text(header::CONTENT_RANGE).and_then(parse_content_range).ok_or_else(|| {
                    Error::RecordingHost("the recording host answered a range the proxy cannot read".into())
                })?;
            if ask.range.is_some() {
                let len = span.end() - span.start() + 1;
                set(&mut headers, header::CONTENT_RANGE, content_range(&span, total));
                set(&mut headers, header::CONTENT_LENGTH, len.to_string());
                Ok((StatusCode::PARTIAL_CONTENT, headers, body(0, Some(len))).into_response())
            } else {
                // A HEAD: the host's whole length.
                if let Some(total) = total {
                    set(&mut headers, header::CONTENT_LENGTH, total.to_string());
                }
                Ok((StatusCode::OK, headers, Body::empty()).into_response())
            }
        }
        StatusCode::OK => match (ask.range, length) {
            (Some(range), Some(total)) => match range.resolve(total) {
                Ok(span) => {
                    let len = span.end() - span.start() + 1;
                    set(&mut headers, header::CONTENT_RANGE, content_range(&span, Some(total)));
                    set(&mut headers, header::CONTENT_LENGTH, len.to_string());
                    Ok((StatusCode::PARTIAL_CONTENT, headers, body(*span.start(), Some(len))).into_response())
                }
                Err(_) => Ok(unsatisfiable(headers, Some(total))),
            },
            (_, length) => {
                if let Some(length) = length {
                    set(&mut headers, header::CONTENT_LENGTH, length.to_string());
                }
                Ok((StatusCode::OK, headers, body(0, length)).into_response())
            }
        },
        StatusCode::RANGE_NOT_SATISFIABLE => {
            let total = header_text(header::CONTENT_RANGE)
                .and_then(|v| v.trim().strip_prefix("bytes */"))
                .and_then(|n| n.trim().parse::<u64>().ok());
            if ask.range.is_none() {
                // A HEAD of an empty recording.
                set(&mut headers, header::CONTENT_LENGTH, "0".into());
                return Ok((StatusCode::OK, headers, Body::empty()).into_response());
            }
            Ok(unsatisfiable(headers, total))
        }
        StatusCode::NOT_FOUND | StatusCode::GONE => Err(Error::Missing(
            "the recording host has no such recording (it may not be ready yet, or was removed)".into(),
        )),
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Err(Error::RecordingHost(format!(
            "the recording host refused the recording (HTTP {}): the platform's recording URLs expire, \
             so reload the call for a fresh one and ask for a new link",
            status.as_u16()
        ))),
        s if s.is_redirection() => Err(Error::RecordingHost(format!(
            "the recording host answered a redirect (HTTP {}), which the proxy does not follow",
            s.as_u16()
        ))),
        s => {
            tracing::warn!(status = s.as_u16(), "recordings: the host failed");
            Err(Error::RecordingHost(format!(
                "the recording host answered HTTP {}; try again shortly",
                s.as_u16()
            )))
        }
    }
}

/// A 416 with `Content-Range: bytes */LENGTH` when the length is known.
fn unsatisfiable(mut headers: HeaderMap, total: Option<u64>) -> Response {
    if let Some(total) = total
        && let Ok(v) = HeaderValue::from_str(&unsatisfied_range(total))
    {
        headers.insert(header::CONTENT_RANGE, v);
    }
    let msg = match total {
        Some(total) => format!("the range asked for is outside the recording ({total} bytes)"),
        None => "the range asked for is outside the recording".to_owned(),
    };
    let body = serde_json::json!({ "code": 416, "msg": msg }).to_string();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    (StatusCode::RANGE_NOT_SATISFIABLE, headers, body).into_response()
}

/// The host's type when it is audio, else the file name's, else `application/octet-stream`.
fn content_type(upstream: Option<&str>, by_name: Option<&'static str>) -> HeaderValue {
    let audio = upstream.filter(|t| {
        let t = t.trim().to_ascii_lowercase();
        t.starts_with("audio/") && t.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
    });
    match (audio.and_then(|t| HeaderValue::from_str(t).ok()), by_name) {
        (Some(v), _) => v,
        (None, Some(t)) => HeaderValue::from_static(t),
        (None, None) => HeaderValue::from_static("application/octet-stream"),
    }
}

/// A body that drops its first `skip` bytes, ends after `take` more (when given), and fails when
/// nothing arrives for `idle`: a stalled host does not hold the browser's connection for ever.
pub(crate) struct Slice<B> {
    inner: B,
    skip: u64,
    left: Option<u64>,
    idle: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl<B> Slice<B> {
    pub(crate) fn new(inner: B, skip: u64, take: Option<u64>, idle: Duration) -> Slice<B> {
        Slice { inner, skip, left: take, idle, timer: Box::pin(tokio::time::sleep(idle)) }
    }
}

impl<B> HttpBody for Slice<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        loop {
            if this.left == Some(0) {
                return Poll::Ready(None);
            }
            match Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Pending => {
                    return match this.timer.as_mut().poll(cx) {
                        Poll::Ready(()) => {
                            tracing::warn!("recordings: the host stopped sending");
                            Poll::Ready(Some(Err("the recording host stopped sending".into())))
                        }
                        Poll::Pending => Poll::Pending,
                    };
                }
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e.into()))),
                Poll::Ready(Some(Ok(frame))) => {
                    let deadline = tokio::time::Instant::now() + this.idle;
                    this.timer.as_mut().reset(deadline);
                    let Ok(mut data) = frame.into_data() else { continue };
                    if this.skip > 0 {
                        let n = this.skip.min(data.len() as u64);
                        data = data.slice(n as usize..);
                        this.skip -= n;
                    }
                    if let Some(left) = this.left {
                        if data.len() as u64 > left {
                            data.truncate(left as usize);
                        }
                        this.left = Some(left - data.len() as u64);
                    }
                    if data.is_empty() {
                        continue;
                    }
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.left == Some(0)
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        match self.left {
            Some(left) => hyper::body::SizeHint::with_exact(left),
            None => hyper::body::SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;

    use super::*;

    /// A body of these chunks, as a host sends it.
    struct Chunks(Vec<&'static [u8]>);

    impl HttpBody for Chunks {
        type Data = Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            Poll::Ready(if self.0.is_empty() {
                None
            } else {
                Some(Ok(Frame::data(Bytes::from_static(self.0.remove(0)))))
            })
        }
    }

    /// A body that never sends anything.
    struct Stalled;

    impl HttpBody for Stalled {
        type Data = Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            Poll::Pending
        }
    }

    async fn read(body: Slice<Chunks>) -> Vec<u8> {
        body.collect().await.expect("reads").to_bytes().to_vec()
    }

    #[tokio::test]
    async fn a_slice_skips_and_takes_across_chunks() {
        let chunks = || Chunks(vec![b"0123", b"4567", b"89"]);
        let idle = Duration::from_secs(5);
        assert_eq!(read(Slice::new(chunks(), 0, None, idle)).await, b"0123456789");
        assert_eq!(read(Slice::new(chunks(), 3, Some(4), idle)).await, b"3456");
        assert_eq!(read(Slice::new(chunks(), 8, Some(100), idle)).await, b"89");
        assert_eq!(read(Slice::new(chunks(), 0, Some(0), idle)).await, b"");
        assert_eq!(Slice::new(chunks(), 0, Some(7), idle).size_hint().exact(), Some(7));
    }

    #[tokio::test(start_paused = true)]
    async fn a_stalled_host_fails_the_body() {
        let body = Slice::new(Stalled, 0, None, Duration::from_secs(10));
        let err = body.collect().await.map(|_| ()).expect_err("times out");
        assert!(err.to_string().contains("stopped sending"), "{err}");
    }

    #[test]
    fn html_is_never_relayed_as_html() {
        assert_eq!(content_type(Some("audio/mpeg"), Some("audio/wav")), "audio/mpeg");
        assert_eq!(content_type(Some("text/html"), Some("audio/wav")), "audio/wav");
        assert_eq!(content_type(Some("application/octet-stream"), None), "application/octet-stream");
        assert_eq!(content_type(None, Some("audio/mpeg")), "audio/mpeg");
    }
}
