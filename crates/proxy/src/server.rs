//! Serving: hyper's HTTP/1.1 connections straight from an accept loop, with the limits that keep
//! slow and abusive clients from holding the proxy's connections and file descriptors.
//!
//! hyper's HTTP/1 connection directly rather than `axum::serve`, which sniffs every connection
//! for HTTP/2 and wraps it for upgrades: browsers speak HTTP/2 only over TLS, which ends in
//! front of this proxy, and it upgrades nothing.
//!
//! Limits, each from [`Config`](crate::Config), each counted in `/metrics`
//! (`kefu_proxy_clients_cut_total{reason}`) and logged at most once a second per reason:
//! - a connection beyond `max_connections` in all, or beyond `max_connections_per_client` from
//!   one address (IPv6: one /64; trusted proxies exempt), gets a short JSON 503 / 429 and is
//!   closed at once;
//! - a request head must arrive whole within `header_read_timeout` of its first byte (to 1.5 ×
//!   it): a half-sent or trickled head is cut off;
//! - a connection with no request in progress, no request head begun and no bytes moving in
//!   either direction is closed after `idle_timeout` (to 1.5 × it);
//!
//! Both are checked by one timer per connection, every half of the shorter of the two, rather
//! than by a timer per request (hyper's header timer was set and cleared on every request).
//! - a request body must arrive within `body_read_timeout` (answered 408, see `forward`).
//!
//! Everything here is per connection: a request adds only a counter update to its connection's
//! state.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use kefu_batch_send::BatchedWriter;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::metrics::Cut;
use crate::{Proxy, ProxyService};

/// Longest a graceful stop waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(30);

/// The connections open now: in all and per client address.
#[derive(Default)]
pub(crate) struct Connections {
    total: AtomicUsize,
    per_client: Mutex<HashMap<IpAddr, usize>>,
}

/// One admitted connection; gives its place back when dropped.
struct Admitted {
    proxy: Arc<Proxy>,
    /// The per-client key it counts against (`None`: a trusted proxy).
    key: Option<IpAddr>,
}

impl Connections {
    /// Admits a connection from `peer`, or says which cap refuses it.
    fn admit(proxy: &Arc<Proxy>, peer: IpAddr) -> Result<Admitted, Cut> {
        let config = &proxy.config;
        let connections = &proxy.connections;
        if connections.total.fetch_add(1, Ordering::Relaxed) >= config.max_connections {
            connections.total.fetch_sub(1, Ordering::Relaxed);
            return Err(Cut::TotalCap);
        }
        let trusted = crate::client_ip::is_trusted(peer, &config.trusted_proxies);
        let key = (!trusted).then(|| crate::rate_limit::bucket(peer));
        if let Some(key) = key {
            let mut per_client = connections.per_client.lock().unwrap_or_else(|e| e.into_inner());
            let count = per_client.entry(key).or_insert(0);
            if *count >= config.max_connections_per_client {
                drop(per_client);
                connections.total.fetch_sub(1, Ordering::Relaxed);
                return Err(Cut::PerClientCap);
            }
            *count += 1;
        }
        proxy.metrics.connection_opened();
        Ok(Admitted { proxy: proxy.clone(), key })
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let connections = &self.proxy.connections;
        if let Some(key) = self.key {
            let mut per_client = connections.per_client.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(count) = per_client.get_mut(&key) {
                *count -= 1;
                if *count == 0 {
                    per_client.remove(&key);
                }
            }
        }
        connections.total.fetch_sub(1, Ordering::Relaxed);
        self.proxy.metrics.connection_closed();
    }
}

/// Serves HTTP/1.1 on `listener` until `stop` completes, then lets the requests in flight
/// finish (up to 30 s). This is the binary's serving loop;
/// [`crate::per_core::serve_per_core`] runs one per core.
pub async fn serve(listener: TcpListener, service: ProxyService, stop: impl Future<Output = ()>) {
    let proxy = service.shared().clone();
    // No timer for hyper: the header timeout is the connection watcher's.
    let http = hyper::server::conn::http1::Builder::new();
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (tcp, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, most likely: wait rather than spin.
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let admitted = match Connections::admit(&proxy, remote.ip()) {
            Ok(admitted) => admitted,
            Err(cut) => {
                refuse(&tcp, cut);
                proxy.metrics.cut(cut, remote.ip());
                continue;
            }
        };
        // Answers go out at once, as nginx's `tcp_nodelay on` does.
        let _ = tcp.set_nodelay(true);
        let activity = Arc::new(Activity::new());
        let io = hyper_util::rt::TokioIo::new(Watched {
            inner: BatchedWriter::new(tcp),
            activity: activity.clone(),
        });
        let service = connection_service(service.clone(), remote, activity.clone());
        let connection = graceful.watch(http.serve_connection(io, service));
        let limits = Limits { idle: proxy.config.idle_timeout, header: proxy.config.header_read_timeout };
        tokio::spawn(async move {
            watch_connection(connection, &activity, limits, remote, &admitted.proxy).await;
            drop(admitted);
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("stopped with requests still in flight after {DRAIN:?}");
    }
}

/// The service for one connection: the proxy, told the client's address, and counting the
/// requests in progress for the idle check.
fn connection_service(
    proxy: ProxyService,
    remote: SocketAddr,
    activity: Arc<Activity>,
) -> impl hyper::service::Service<
    hyper::Request<hyper::body::Incoming>,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future = impl Future<Output = Result<axum::response::Response, std::convert::Infallible>> + Send,
> + Send {
    // One clone per connection; `answer_from` needs no `poll_ready`.
    hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
        // The rate limiter keys on the client's address.
        let answer = proxy.answer_from(request, Some(remote));
        let busy = Busy::start(activity.clone());
        async move {
            let answer = answer.await;
            drop(busy);
            answer
        }
    })
}

/// The time limits the connection watcher enforces.
#[derive(Clone, Copy)]
struct Limits {
    /// With no request in progress or begun and no bytes moving.
    idle: Duration,
    /// For a request head, from its first byte.
    header: Duration,
}

/// Runs one connection to its end, or closes it once idle or when a request head takes too long.
async fn watch_connection<C>(
    connection: C,
    activity: &Activity,
    limits: Limits,
    remote: SocketAddr,
    proxy: &Proxy,
) where
    C: Future<Output = Result<(), hyper::Error>>,
{
    let mut connection = std::pin::pin!(connection);
    let tick = (limits.idle.min(limits.header) / 2).max(Duration::from_millis(1));
    let mut seen = activity.moves.load(Ordering::Relaxed);
    let mut quiet_since = Instant::now();
    loop {
        tokio::select! {
            // The connection first: it is what wakes this task on every request.
            biased;
            result = &mut connection => {
                if let Err(e) = result {
                    tracing::debug!("connection from {remote}: {e}");
                }
                return;
            }
            () = tokio::time::sleep(tick) => {
                let now = Instant::now();
                let busy = activity.busy.load(Ordering::Relaxed) > 0;
                if !busy && activity.head_begun.load(Ordering::Relaxed) {
                    if activity.head_for(now) >= limits.header {
                        // Dropping the connection closes the socket.
                        proxy.metrics.cut(Cut::HeaderTimeout, remote.ip());
                        return;
                    }
                    continue;
                }
                let moves = activity.moves.load(Ordering::Relaxed);
                if moves != seen || busy {
                    seen = moves;
                    quiet_since = now;
                } else if now.duration_since(quiet_since) >= limits.idle {
                    proxy.metrics.cut(Cut::IdleTimeout, remote.ip());
                    return;
                }
            }
        }
    }
}

/// A short answer to a connection beyond a cap, written only if the socket takes it at once.
fn refuse(tcp: &TcpStream, cut: Cut) {
    let (status, body) = match cut {
        Cut::PerClientCap => {
            ("429 Too Many Requests", r#"{"code":429,"msg":"too many connections from this address"}"#)
        }
        _ => (
            "503 Service Unavailable",
            r#"{"code":503,"msg":"the proxy has too many connections; try again shortly"}"#,
        ),
    };
    let answer = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tcp.try_write(answer.as_bytes());
}

/// What the idle and header checks look at. Only the connection's own task touches it (atomics
/// because spawned tasks must be `Send`; relaxed loads and stores are plain moves).
struct Activity {
    /// When the connection was accepted: what `head_from_ms` counts from.
    opened: Instant,
    /// When the request head in progress began, in ms from `opened`.
    head_from_ms: AtomicU64,
    /// Requests being answered.
    busy: AtomicU32,
    /// Changes whenever bytes move either way.
    moves: AtomicU32,
    /// Bytes arrived while no request was being answered: a head is on its way (the header
    /// timeout's business, not the idle timeout's).
    head_begun: AtomicBool,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            opened: Instant::now(),
            head_from_ms: AtomicU64::new(0),
            busy: AtomicU32::new(0),
            moves: AtomicU32::new(0),
            head_begun: AtomicBool::new(false),
        }
    }

    /// Notes that a request head began now.
    fn head_began(&self) {
        let ms = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.head_from_ms.store(ms, Ordering::Relaxed);
        self.head_begun.store(true, Ordering::Relaxed);
    }

    /// How long the request head in progress has taken at `now`.
    fn head_for(&self, now: Instant) -> Duration {
        let began = self.opened + Duration::from_millis(self.head_from_ms.load(Ordering::Relaxed));
        now.saturating_duration_since(began)
    }

    fn moved(&self) {
        self.moves.store(self.moves.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
    }
}

/// A request being answered, from its head to its answer.
struct Busy(Arc<Activity>);

impl Busy {
    fn start(activity: Arc<Activity>) -> Busy {
        activity.busy.store(activity.busy.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
        activity.head_begun.store(false, Ordering::Relaxed);
        Busy(activity)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let busy = &self.0.busy;
        busy.store(busy.load(Ordering::Relaxed).saturating_sub(1), Ordering::Relaxed);
        self.0.moved();
    }
}

/// A TCP stream that notes when bytes move, for the idle check. Its writes go through the
/// thread's batch ([`kefu_batch_send`]) where the thread batches.
struct Watched {
    inner: BatchedWriter<TcpStream>,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.moved();
            if this.activity.busy.load(Ordering::Relaxed) == 0
                && !this.activity.head_begun.load(Ordering::Relaxed)
            {
                this.activity.head_began();
            }
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.moved();
        }
        result
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.moved();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
