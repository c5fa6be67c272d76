//! The upstream exchange for answers read whole (every policy route): HTTP/1.1 written and read
//! in the request's own task, on connections kept alive per thread, over TCP or rustls.
//!
//! hyper-util's pooled client (still used for the console's streamed recordings,
//! [`crate::client`]) runs each connection as a task of its own, fed through a channel, and
//! checks connections out of a shared pool keyed by a hashed origin. Doing without it took the
//! proxy's CPU (user + system) from about 24 to 19.5 µs a request in `cargo xtask bench proxy`'s
//! setup (64 connections, three paired runs on this shared 2-core machine). Here a request
//! takes an idle connection to its origin from its thread's list (or opens one), writes its head
//! and body with one write, reads the answer with `httparse` (`Content-Length`, chunked, or up
//! to the close), and gives the connection back if it may be reused.
//!
//! A connection idle longer than [`IDLE`], or found closed or readable while idle, is not
//! reused. A request that fails on a reused connection before any byte of an answer (the
//! upstream closed it as it was taken) is sent once more on a new connection when that cannot
//! repeat its effect: its method is idempotent, or it could not even be written whole. A `POST`
//! written whole whose answer never came may have been carried out (a chat message, a task), so
//! it fails as the upstream being unreachable, and the client, which never resends a message of
//! uncertain delivery by itself, decides.

use std::cell::RefCell;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::http::{HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use bytes::{Buf, Bytes, BytesMut};
use kefu_batch_send::BatchedWriter;
use rustls::pki_types::CertificateDer;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Sleep;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::client::{Answer, Failure};
use crate::error::ConfigError;
use crate::trust;

/// Longest a connection is kept idle for reuse: below the keep-alive timeouts of common
/// servers (Node's 5 s is the shortest).
const IDLE: Duration = Duration::from_secs(4);
/// Idle connections kept per thread, all origins together.
const MAX_IDLE: usize = 256;
/// Largest answer head (status line and headers), and most header lines.
const HEAD_LIMIT: usize = 64 * 1024;
const MAX_HEADERS: usize = 100;
/// Longest line of a chunked body's framing (a chunk size or a trailer).
const LINE_LIMIT: usize = 8 * 1024;

/// Exchange timers kept per thread for reuse.
const MAX_TIMERS: usize = 1024;

thread_local! {
    /// This thread's idle connections, most recently used last.
    static IDLE_CONNECTIONS: RefCell<Vec<Idle>> = const { RefCell::new(Vec::new()) };
    /// Timers of finished exchanges, with the runtime they belong to. Moving a registered timer's
    /// deadline later only stores it (tokio takes it up when the old deadline comes), while a new
    /// timer is inserted into and removed from the timer wheel under its lock: ~1,300
    /// instructions a request (callgrind).
    static TIMERS: RefCell<Vec<(tokio::runtime::Id, Pin<Box<Sleep>>)>> = const { RefCell::new(Vec::new()) };
}

/// Sends requests upstream and reads their answers whole. Cheap to share: the connections are
/// per thread.
pub(crate) struct Upstreams {
    tls: TlsConnector,
    timeout: Duration,
    connect_timeout: Duration,
}

/// A connection waiting for its next request.
struct Idle {
    tls: bool,
    authority: String,
    connection: Connection,
    since: Instant,
}

/// A connection to an upstream. Its writes (TLS records, for TLS) go through the thread's batch
/// ([`kefu_batch_send`]) where the thread batches.
enum Connection {
    Plain(BatchedWriter<TcpStream>),
    Tls(Box<TlsStream<BatchedWriter<TcpStream>>>),
}

/// Why one attempt failed.
enum Attempt {
    /// The connection gave no byte of an answer: on a reused connection, worth one more try if
    /// the request was not `written` whole or cannot repeat its effect.
    NoAnswer { written: bool, error: io::Error },
    /// The exchange failed otherwise.
    Failed(Failure),
}

impl Upstreams {
    /// Exchanges time out after `timeout` (connecting after at most 5 s of it); TLS trusts the
    /// webpki roots and the `extra` authorities ([`crate::trust`]).
    pub(crate) fn new(
        timeout: Duration,
        extra: &[CertificateDer<'static>],
    ) -> Result<Upstreams, ConfigError> {
        let mut config = trust::client_config(trust::roots(extra)?)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Upstreams {
            tls: TlsConnector::from(Arc::new(config)),
            timeout,
            connect_timeout: timeout.min(Duration::from_secs(5)),
        })
    }

    /// Sends `request` and reads the answer, at most `limit` bytes of body, all within the
    /// timeout.
    pub(crate) async fn send(&self, request: Outgoing<'_>, limit: usize) -> Result<Answer, Failure> {
        let runtime = tokio::runtime::Handle::current().id();
        let mut timer = take_timer(runtime, tokio::time::Instant::now() + self.timeout);
        let mut exchange = std::pin::pin!(self.exchange(request, limit));
        let result = std::future::poll_fn(|cx| match exchange.as_mut().poll(cx) {
            Poll::Ready(result) => Poll::Ready(result),
            Poll::Pending => timer.as_mut().poll(cx).map(|()| Err(Failure::Timeout)),
        })
        .await;
        give_back_timer(runtime, timer);
        result
    }

    async fn exchange(&self, request: Outgoing<'_>, limit: usize) -> Result<Answer, Failure> {
        let uri = request.uri;
        let tls = match uri.scheme_str() {
            Some("http") => false,
            Some("https") => true,
            _ => return Err(Failure::Unreachable(format!("{uri}: only http:// and https:// are supported"))),
        };
        let authority = uri
            .authority()
            .map(|a| a.as_str().rsplit('@').next().unwrap_or_default())
            .filter(|a| !a.is_empty())
            .ok_or_else(|| Failure::Unreachable(format!("{uri}: no host")))?;
        let head_request = *request.method == Method::HEAD;
        let bytes = encode(&request, authority);

        if let Some((mut connection, key)) = take_idle(tls, authority) {
            match attempt(&mut connection, &bytes, head_request, limit).await {
                Ok((answer, reusable)) => {
                    if reusable {
                        give_back(tls, key, connection);
                    }
                    return Ok(answer);
                }
                // Closed by the upstream as it was taken: once more on a new connection, unless
                // the request may have been carried out.
                Err(Attempt::NoAnswer { written, error }) if !written || request.method.is_idempotent() => {
                    tracing::debug!("kept-alive upstream connection closed: {error}")
                }
                Err(Attempt::NoAnswer { error, .. }) => {
                    return Err(Failure::Unreachable(format!("{authority}: {error}")));
                }
                Err(Attempt::Failed(failure)) => return Err(failure),
            }
        }
        let mut connection = self.connect(tls, authority).await?;
        match attempt(&mut connection, &bytes, head_request, limit).await {
            Ok((answer, reusable)) => {
                if reusable {
                    give_back(tls, authority.to_owned(), connection);
                }
                Ok(answer)
            }
            Err(Attempt::NoAnswer { error, .. }) => {
                Err(Failure::Unreachable(format!("{authority}: {error}")))
            }
            Err(Attempt::Failed(failure)) => Err(failure),
        }
    }

    async fn connect(&self, tls: bool, authority: &str) -> Result<Connection, Failure> {
        let (host, port) = split_authority(authority, if tls { 443 } else { 80 })
            .ok_or_else(|| Failure::Unreachable(format!("{authority}: not a host and port")))?;
        let unreachable = |e: io::Error| Failure::Unreachable(format!("{authority}: {e}"));
        let tcp = tokio::time::timeout(self.connect_timeout, TcpStream::connect((host, port)))
            .await
            .map_err(|_| Failure::Unreachable(format!("{authority}: connect timed out")))?
            .map_err(unreachable)?;
        tcp.set_nodelay(true).map_err(unreachable)?;
        let tcp = BatchedWriter::new(tcp);
        if !tls {
            return Ok(Connection::Plain(tcp));
        }
        let name = rustls::pki_types::ServerName::try_from(host.to_owned())
            .map_err(|e| Failure::Unreachable(format!("{authority}: {e}")))?;
        let stream = self.tls.connect(name, tcp).await.map_err(unreachable)?;
        Ok(Connection::Tls(Box::new(stream)))
    }
}

/// A request for an upstream. Its headers are a short list rather than a `HeaderMap`, which
/// would allocate and hash only to be written out once.
pub(crate) struct Outgoing<'a> {
    pub(crate) method: &'a Method,
    /// Absolute: `http://` or `https://`.
    pub(crate) uri: &'a Uri,
    /// Its headers; `Host` and `Content-Length` are added (and skipped here).
    pub(crate) headers: &'a [Option<(HeaderName, HeaderValue)>],
    pub(crate) body: &'a [u8],
}

/// The request's head and body, as they go on the wire.
fn encode(request: &Outgoing<'_>, authority: &str) -> Vec<u8> {
    let body = request.body;
    let mut out = Vec::with_capacity(256 + body.len());
    out.extend_from_slice(request.method.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(request.uri.path_and_query().map_or("/", |p| p.as_str()).as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\nhost: ");
    out.extend_from_slice(authority.as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in request.headers.iter().flatten() {
        if name == header::HOST || name == header::CONTENT_LENGTH || name == header::TRANSFER_ENCODING {
            continue;
        }
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if !body.is_empty() || !matches!(*request.method, Method::GET | Method::HEAD) {
        out.extend_from_slice(b"content-length: ");
        push_decimal(&mut out, body.len());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// Writes `n` in decimal (by itoa: the formatting machinery showed in the profile).
fn push_decimal(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// One exchange on `connection`: the answer, and whether the connection may be reused.
async fn attempt(
    connection: &mut Connection,
    bytes: &[u8],
    head_request: bool,
    limit: usize,
) -> Result<(Answer, bool), Attempt> {
    if let Err(e) = write(connection, bytes).await {
        return Err(Attempt::NoAnswer { written: false, error: e });
    }
    let mut buf = BytesMut::with_capacity(4096);
    match fill(connection, &mut buf).await {
        Ok(()) => {}
        Err(e) => return Err(Attempt::NoAnswer { written: true, error: e }),
    }
    read_answer(connection, buf, head_request, limit).await.map_err(Attempt::Failed)
}

/// Writes the request, and flushes it out of TLS's buffer.
async fn write(connection: &mut Connection, bytes: &[u8]) -> io::Result<()> {
    connection.write_all(bytes).await?;
    connection.flush().await
}

/// Reads one more piece of the answer into `buf`; the end of the stream is an error.
async fn fill(connection: &mut Connection, buf: &mut BytesMut) -> io::Result<()> {
    if buf.capacity() - buf.len() < 1024 {
        buf.reserve(buf.capacity().max(4096));
    }
    match connection.read_buf(buf).await? {
        0 => Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the upstream closed the connection")),
        _ => Ok(()),
    }
}

/// How an answer's body ends.
enum Framing {
    Length(usize),
    Chunked,
    Close,
}

/// Reads an answer whose first bytes are in `buf`.
async fn read_answer(
    connection: &mut Connection,
    mut buf: BytesMut,
    head_request: bool,
    limit: usize,
) -> Result<(Answer, bool), Failure> {
    let broken = |e: io::Error| Failure::Unreachable(format!("reading the answer: {e}"));
    let garbage = |why: &str| Failure::Unreachable(format!("not an HTTP/1.1 answer: {why}"));
    let head = loop {
        match parse_head(&buf, head_request)? {
            // 100 Continue and the like come before the answer.
            Some(head) if head.status.is_informational() && head.status.as_u16() != 101 => {
                buf.advance(head.len)
            }
            Some(head) => break head,
            None if buf.len() < HEAD_LIMIT => fill(connection, &mut buf).await.map_err(broken)?,
            None => return Err(garbage("the head is too large")),
        }
    };
    buf.advance(head.len);
    let Head { status, content_type, framing, keep_alive, .. } = head;
    let (body, reusable) = match framing {
        Framing::Length(n) => {
            if n > limit {
                return Err(Failure::TooLarge);
            }
            while buf.len() < n {
                fill(connection, &mut buf).await.map_err(broken)?;
            }
            let reusable = keep_alive && buf.len() == n;
            buf.truncate(n);
            (buf.freeze(), reusable)
        }
        Framing::Chunked => {
            let (body, rest) = read_chunked(connection, buf, limit).await?;
            (body, keep_alive && rest == 0)
        }
        Framing::Close => {
            loop {
                if buf.len() > limit {
                    return Err(Failure::TooLarge);
                }
                if buf.capacity() - buf.len() < 1024 {
                    buf.reserve(buf.capacity().max(4096));
                }
                if connection.read_buf(&mut buf).await.map_err(broken)? == 0 {
                    break;
                }
            }
            (buf.freeze(), false)
        }
    };
    Ok((Answer { status, content_type, body }, reusable))
}

/// An answer's head, parsed.
struct Head {
    /// Its length in bytes.
    len: usize,
    status: StatusCode,
    content_type: Option<HeaderValue>,
    framing: Framing,
    keep_alive: bool,
}

/// The head at the start of `buf`, or `None` while it is incomplete. (Not in the async function:
/// the header array would live in its state, and that state is copied about.)
fn parse_head(buf: &[u8], head_request: bool) -> Result<Option<Head>, Failure> {
    let garbage = |why: &str| Failure::Unreachable(format!("not an HTTP/1.1 answer: {why}"));
    // Left uninitialised: httparse fills only the headers it finds.
    let mut headers = [const { std::mem::MaybeUninit::uninit() }; MAX_HEADERS];
    let mut answer = httparse::Response::new(&mut []);
    let len = match httparse::ParserConfig::default().parse_response_with_uninit_headers(
        &mut answer,
        buf,
        &mut headers,
    ) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(garbage(&e.to_string())),
    };
    let code = answer.code.unwrap_or(0);
    let status = StatusCode::from_u16(code).map_err(|_| garbage("status"))?;
    let mut length = None;
    let mut chunked = false;
    let mut close = answer.version == Some(0);
    let mut content_type = None;
    for h in answer.headers.iter() {
        // The lengths first: most headers are none of these.
        if !matches!(h.name.len(), 10 | 12 | 14 | 17) {
            continue;
        }
        if h.name.eq_ignore_ascii_case("content-length") {
            let n = std::str::from_utf8(h.value)
                .ok()
                .and_then(|v| v.trim().parse::<usize>().ok())
                .ok_or_else(|| garbage("Content-Length"))?;
            if length.is_some_and(|l| l != n) {
                return Err(garbage("two Content-Lengths"));
            }
            length = Some(n);
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = h
                .value
                .rsplit(|b| *b == b',')
                .next()
                .is_some_and(|last| String::from_utf8_lossy(last).trim().eq_ignore_ascii_case("chunked"));
        } else if h.name.eq_ignore_ascii_case("connection") {
            for token in h.value.split(|b| *b == b',') {
                let token = String::from_utf8_lossy(token);
                if token.trim().eq_ignore_ascii_case("close") {
                    close = true;
                } else if token.trim().eq_ignore_ascii_case("keep-alive") {
                    close = false;
                }
            }
        } else if h.name.eq_ignore_ascii_case("content-type") {
            content_type = content_type_value(h.value);
        }
    }
    let framing = if head_request || code == 204 || code == 304 {
        Framing::Length(0)
    } else if chunked {
        Framing::Chunked
    } else if let Some(n) = length {
        Framing::Length(n)
    } else {
        Framing::Close
    };
    Ok(Some(Head { len, status, content_type, framing, keep_alive: !close }))
}

/// An answer's `Content-Type`: the usual JSON ones without copying them.
fn content_type_value(value: &[u8]) -> Option<HeaderValue> {
    const JSON: &str = "application/json";
    const JSON_UTF8: &str = "application/json; charset=utf-8";
    match value {
        v if v == JSON.as_bytes() => Some(HeaderValue::from_static(JSON)),
        v if v == JSON_UTF8.as_bytes() => Some(HeaderValue::from_static(JSON_UTF8)),
        v => HeaderValue::from_bytes(v).ok(),
    }
}

/// Reads a chunked body from `buf` on: the body, and how many bytes followed it.
async fn read_chunked(
    connection: &mut Connection,
    mut buf: BytesMut,
    limit: usize,
) -> Result<(Bytes, usize), Failure> {
    let broken = |e: io::Error| Failure::Unreachable(format!("reading the answer: {e}"));
    let garbage = |why: &str| Failure::Unreachable(format!("not an HTTP/1.1 chunked body: {why}"));
    let mut body = BytesMut::new();
    let mut trailers = false;
    loop {
        let line_end = loop {
            if let Some(i) = buf.windows(2).position(|w| w == b"\r\n") {
                break i;
            }
            if buf.len() > LINE_LIMIT {
                return Err(garbage("a line is too long"));
            }
            fill(connection, &mut buf).await.map_err(broken)?;
        };
        let line = buf.split_to(line_end + 2);
        if trailers {
            if line_end == 0 {
                return Ok((body.freeze(), buf.len()));
            }
            continue;
        }
        let size_text = line[..line_end].split(|b| *b == b';').next().unwrap_or_default();
        let size = std::str::from_utf8(size_text)
            .ok()
            .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
            .ok_or_else(|| garbage("a chunk size"))?;
        if size == 0 {
            trailers = true;
            continue;
        }
        if body.len().saturating_add(size) > limit {
            return Err(Failure::TooLarge);
        }
        while buf.len() < size + 2 {
            fill(connection, &mut buf).await.map_err(broken)?;
        }
        body.extend_from_slice(&buf[..size]);
        if &buf[size..size + 2] != b"\r\n" {
            return Err(garbage("a chunk does not end its line"));
        }
        buf.advance(size + 2);
    }
}

/// `host:port` (or `[v6]:port`) → host (brackets off) and port.
fn split_authority(authority: &str, default_port: u16) -> Option<(&str, u16)> {
    if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => default_port,
            None => return None,
        };
        return Some((host, port));
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => Some((host, port.parse().ok()?)),
        None => Some((authority, default_port)),
    }
}

/// An idle connection to this origin from this thread's list, if one is still good, with its key.
fn take_idle(tls: bool, authority: &str) -> Option<(Connection, String)> {
    IDLE_CONNECTIONS.with(|idle| {
        let mut idle = idle.borrow_mut();
        let now = Instant::now();
        while let Some(i) = idle.iter().rposition(|c| c.tls == tls && c.authority == authority) {
            let candidate = idle.remove(i);
            if now.duration_since(candidate.since) < IDLE && candidate.connection.is_quiet() {
                return Some((candidate.connection, candidate.authority));
            }
        }
        None
    })
}

/// A timer of this thread's `runtime` set to `deadline`: a kept one when there is one.
fn take_timer(runtime: tokio::runtime::Id, deadline: tokio::time::Instant) -> Pin<Box<Sleep>> {
    let kept = TIMERS.with(|timers| {
        let mut timers = timers.borrow_mut();
        // A timer of another runtime (one that ran on this thread before) cannot be used.
        while let Some((id, timer)) = timers.pop() {
            if id == runtime {
                return Some(timer);
            }
        }
        None
    });
    match kept {
        Some(mut timer) => {
            timer.as_mut().reset(deadline);
            timer
        }
        None => Box::pin(tokio::time::sleep_until(deadline)),
    }
}

/// Keeps a timer for the next exchange on this thread.
fn give_back_timer(runtime: tokio::runtime::Id, timer: Pin<Box<Sleep>>) {
    TIMERS.with(|timers| {
        let mut timers = timers.borrow_mut();
        if timers.len() < MAX_TIMERS {
            timers.push((runtime, timer));
        }
    });
}

/// Keeps a connection for the next request to its origin (`authority`, the key it was taken
/// with, reused) on this thread.
fn give_back(tls: bool, authority: String, connection: Connection) {
    IDLE_CONNECTIONS.with(|idle| {
        let mut idle = idle.borrow_mut();
        if idle.len() >= MAX_IDLE {
            idle.remove(0);
        }
        idle.push(Idle { tls, authority, connection, since: Instant::now() });
    });
}

impl Connection {
    fn tcp(&self) -> &TcpStream {
        match self {
            Connection::Plain(tcp) => tcp.get_ref(),
            Connection::Tls(tls) => tls.get_ref().0.get_ref(),
        }
    }

    /// Whether nothing arrived while it was idle: not closed, and no stray bytes (a byte read
    /// here is lost, so a connection that had any is dropped anyway).
    fn is_quiet(&self) -> bool {
        let mut byte = [0u8; 1];
        matches!(self.tcp().try_read(&mut byte), Err(e) if e.kind() == io::ErrorKind::WouldBlock)
    }
}

impl AsyncRead for Connection {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Connection::Plain(tcp) => Pin::new(tcp).poll_read(cx, buf),
            Connection::Tls(tls) => Pin::new(tls.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Connection {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Connection::Plain(tcp) => Pin::new(tcp).poll_write(cx, buf),
            Connection::Tls(tls) => Pin::new(tls.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Connection::Plain(tcp) => Pin::new(tcp).poll_flush(cx),
            Connection::Tls(tls) => Pin::new(tls.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Connection::Plain(tcp) => Pin::new(tcp).poll_shutdown(cx),
            Connection::Tls(tls) => Pin::new(tls.as_mut()).poll_shutdown(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::net::TcpListener;

    use axum::http::Request;

    use super::*;

    impl Upstreams {
        /// [`Upstreams::send`] for a `Request`, its headers as they are.
        async fn send_request(&self, request: Request<Bytes>, limit: usize) -> Result<Answer, Failure> {
            let headers: Vec<_> =
                request.headers().iter().map(|(n, v)| Some((n.clone(), v.clone()))).collect();
            let outgoing = Outgoing {
                method: request.method(),
                uri: request.uri(),
                headers: &headers,
                body: request.body(),
            };
            self.send(outgoing, limit).await
        }
    }

    #[test]
    fn lengths_are_written_in_decimal() {
        for n in [0, 7, 10, 42, 12_345, usize::MAX] {
            let mut out = b"x".to_vec();
            push_decimal(&mut out, n);
            assert_eq!(out, format!("x{n}").into_bytes());
        }
    }

    /// Reads one request (its head, then a body of its `Content-Length`) and gives its head in
    /// lower case; `None` when the client closed the connection first.
    async fn read_request(stream: &mut (impl AsyncRead + Unpin)) -> Option<String> {
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let mut byte = [0u8; 1];
            if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                return None;
            }
            head.push(byte[0]);
        }
        let text = String::from_utf8_lossy(&head).to_lowercase();
        let length = text
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .map_or(0, |n| n.trim().parse::<usize>().expect("length"));
        let mut body = vec![0u8; length];
        stream.read_exact(&mut body).await.expect("body");
        Some(text)
    }

    /// A server answering each request on a connection with the next of `answers`, closing
    /// after the last (or, for an empty answer, after reading the request, without a word); it
    /// counts the connections it accepted.
    async fn server(answers: Vec<&'static [u8]>) -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        tokio::spawn(async move {
            while let Ok((mut tcp, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let answers = answers.clone();
                tokio::spawn(async move {
                    for answer in answers {
                        let Some(text) = read_request(&mut tcp).await else { return };
                        assert!(text.contains("\r\nhost: 127.0.0.1:"), "{text}");
                        if answer.is_empty() {
                            return;
                        }
                        tcp.write_all(answer).await.expect("write");
                    }
                });
            }
        });
        (url, accepted)
    }

    fn post(url: &str) -> Request<Bytes> {
        let mut request = Request::new(Bytes::from_static(b"{\"sid\":\"x\"}"));
        *request.method_mut() = Method::POST;
        *request.uri_mut() = format!("{url}/api/v1/gaia/botdm/stop").parse().expect("uri");
        request
    }

    fn upstreams() -> Upstreams {
        Upstreams::new(Duration::from_secs(5), &[]).expect("client")
    }

    #[tokio::test]
    async fn a_kept_alive_connection_is_reused() {
        let ok: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
        let (url, accepted) = server(vec![ok, ok, ok]).await;
        let upstreams = upstreams();
        for _ in 0..3 {
            let answer = upstreams.send_request(post(&url), 1024).await.expect("answer");
            assert_eq!(answer.status, StatusCode::OK);
            assert_eq!(answer.body, "{}");
            assert_eq!(answer.content_type.as_ref().map(|v| v.as_bytes()), Some(&b"application/json"[..]));
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn chunked_and_close_delimited_answers_are_read_whole() {
        let chunked: &[u8] =
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n\
            4;ext=1\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\nx-trailer: t\r\n\r\n";
        let closed: &[u8] = b"HTTP/1.0 502 Bad Gateway\r\n\r\n{\"code\":502}";
        let (url, accepted) = server(vec![chunked, closed]).await;
        let upstreams = upstreams();
        let answer = upstreams.send_request(post(&url), 1024).await.expect("chunked");
        assert_eq!((answer.status, &answer.body[..]), (StatusCode::CREATED, &b"{\"a\":1}"[..]));
        let answer = upstreams.send_request(post(&url), 1024).await.expect("close-delimited");
        assert_eq!((answer.status, &answer.body[..]), (StatusCode::BAD_GATEWAY, &b"{\"code\":502}"[..]));
        assert_eq!(accepted.load(Ordering::SeqCst), 1, "the chunked answer kept the connection");
    }

    #[tokio::test]
    async fn a_connection_closed_while_idle_is_replaced() {
        // One answer per connection, then the server closes it.
        let ok: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
        let (url, accepted) = server(vec![ok]).await;
        let upstreams = upstreams();
        for _ in 0..3 {
            let answer = upstreams.send_request(post(&url), 1024).await.expect("answer");
            assert_eq!(answer.body, "{}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_post_that_may_have_been_carried_out_is_not_sent_again() {
        // The second request on the kept-alive connection is read whole, then the connection is
        // closed without an answer: the upstream may have carried it out.
        let ok: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
        let (url, accepted) = server(vec![ok, b""]).await;
        let upstreams = upstreams();
        assert_eq!(upstreams.send_request(post(&url), 1024).await.expect("first").body, "{}");
        assert!(matches!(upstreams.send_request(post(&url), 1024).await, Err(Failure::Unreachable(_))));
        assert_eq!(accepted.load(Ordering::SeqCst), 1, "the POST was not sent again");

        // A GET cannot repeat an effect: it is sent once more, on a new connection.
        let (url, accepted) = server(vec![ok, b""]).await;
        let get = || {
            let mut request = Request::new(Bytes::new());
            *request.uri_mut() = format!("{url}/recordings/files").parse().expect("uri");
            request
        };
        assert_eq!(upstreams.send_request(get(), 1024).await.expect("first").body, "{}");
        assert_eq!(upstreams.send_request(get(), 1024).await.expect("sent again").body, "{}");
        assert_eq!(accepted.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn kept_timers_still_time_out_and_one_of_another_runtime_is_not_used() {
        // Two runtimes, one after the other, on this thread: the second must not use the first's
        // kept timers (polling one would panic).
        for _ in 0..2 {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async {
                let ok: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
                let (url, _) = server(vec![ok, ok]).await;
                // Accepts and never answers.
                let silent = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                let silent_url = format!("http://{}", silent.local_addr().expect("addr"));
                tokio::spawn(async move {
                    let mut held = Vec::new();
                    while let Ok((tcp, _)) = silent.accept().await {
                        held.push(tcp);
                    }
                });
                let upstreams = Upstreams::new(Duration::from_millis(300), &[]).expect("client");
                for _ in 0..2 {
                    assert_eq!(upstreams.send_request(post(&url), 1024).await.expect("answer").body, "{}");
                    let started = Instant::now();
                    let answer = upstreams.send_request(post(&silent_url), 1024).await;
                    assert!(matches!(answer, Err(Failure::Timeout)));
                    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
                }
                assert!(TIMERS.with(|t| !t.borrow().is_empty()), "timers are kept");
            });
        }
    }

    #[tokio::test]
    async fn limits_and_garbage_are_failures() {
        let large: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 5000\r\n\r\n";
        let large_chunks: &[u8] = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n800\r\n";
        let garbage: &[u8] = b"SMTP ready\r\n\r\n";
        for answer in [large, large_chunks] {
            let (url, _) = server(vec![answer]).await;
            assert!(matches!(upstreams().send_request(post(&url), 1024).await, Err(Failure::TooLarge)));
        }
        let (url, _) = server(vec![garbage]).await;
        assert!(matches!(upstreams().send_request(post(&url), 1024).await, Err(Failure::Unreachable(_))));
        let unsupported = Request::new(Bytes::new());
        assert!(matches!(upstreams().send_request(unsupported, 1024).await, Err(Failure::Unreachable(_))));
    }

    #[tokio::test]
    async fn answers_over_tls_are_read_and_the_connection_kept() {
        tls_exchanges().await;
    }

    #[test]
    fn answers_over_tls_are_read_with_the_client_sends_batched() {
        // As on the binary's worker threads: the handshake and the requests go out with the
        // thread's batch.
        let runtime = kefu_batch_send::current_thread_builder().build().expect("runtime");
        kefu_batch_send::enable().expect("io_uring");
        runtime.block_on(tls_exchanges());
        assert!(kefu_batch_send::stats().sends >= 4, "{:?}", kefu_batch_send::stats());
    }

    /// Two answers over one TLS connection to an upstream trusted as an extra authority, and a
    /// refusal from a client that does not trust it.
    async fn tls_exchanges() {
        let certified =
            rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("a certificate");
        let cert = certified.cert.der().clone();
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
        let server =
            rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .expect("versions")
                .with_no_client_auth()
                .with_single_cert(vec![cert.clone()], key)
                .expect("server config");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let Ok(mut tls) = acceptor.accept(tcp).await else { continue };
                tokio::spawn(async move {
                    let answers: [&[u8]; 2] = [
                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}",
                        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n",
                    ];
                    for answer in answers {
                        let Some(text) = read_request(&mut tls).await else { return };
                        assert!(text.contains(&format!("\r\nhost: localhost:{port}")), "{text}");
                        tls.write_all(answer).await.expect("write");
                        tls.flush().await.expect("flush");
                    }
                });
            }
        });
        let url = format!("https://localhost:{port}");
        // Trusted as an extra authority (`upstream-ca-file`), beside the webpki roots.
        let trusted = Upstreams::new(Duration::from_secs(5), &[cert]).expect("client");
        assert_eq!(trusted.send_request(post(&url), 1024).await.expect("over TLS").body, "{}");
        assert_eq!(trusted.send_request(post(&url), 1024).await.expect("chunked over TLS").body, "{\"a\":1}");
        assert_eq!(accepted.load(Ordering::SeqCst), 1, "one TLS connection for both");

        // A client that does not trust the certificate refuses it.
        let doubtful = upstreams();
        match doubtful.send_request(post(&url), 1024).await {
            Err(Failure::Unreachable(why)) => assert!(why.contains("certificate"), "{why}"),
            Err(other) => panic!("an untrusted certificate failed otherwise: {other:?}"),
            Ok(answer) => panic!("an untrusted certificate was accepted: {}", answer.status),
        }
    }

    #[test]
    fn a_connection_kept_under_a_runtime_that_ended_is_not_used_under_the_next() {
        let ok: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
        // The upstream lives on a thread and runtime of its own.
        let (found, upstream) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async {
                found.send(server(vec![ok, ok, ok]).await).expect("told");
                std::future::pending::<()>().await;
            });
        });
        let (url, accepted) = upstream.recv().expect("the upstream");
        let upstreams = upstreams();
        // Two runtimes one after the other on this thread, as tests and embedders make them.
        for _ in 0..2 {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            let answer = runtime.block_on(upstreams.send_request(post(&url), 1024)).expect("answered");
            assert_eq!(answer.body, "{}");
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 2, "the second runtime opened a connection of its own");
    }

    #[test]
    fn authorities_split_into_host_and_port() {
        assert_eq!(split_authority("example.com", 443), Some(("example.com", 443)));
        assert_eq!(split_authority("127.0.0.1:8080", 80), Some(("127.0.0.1", 8080)));
        assert_eq!(split_authority("[::1]:9000", 80), Some(("::1", 9000)));
        assert_eq!(split_authority("[::1]", 80), Some(("::1", 80)));
        assert_eq!(split_authority("host:port", 80), None);
    }
}
