//! A socket whose writes go through the thread's batch.

use std::cell::Cell;
use std::io::{self, IoSlice};
use std::os::fd::AsRawFd;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::batch::{self, Outcome, Slot};

thread_local! {
    /// Writes accepted by this thread's [`BatchedWriter`]s, batched or not.
    static WRITES: Cell<u64> = const { Cell::new(0) };
}

/// How many writes the calling thread's [`BatchedWriter`]s have accepted, batched or not: a
/// cheap sign that a turn of its runtime did work (kefu-proxy's idle spin watches it).
pub fn writes() -> u64 {
    WRITES.with(Cell::get)
}

/// A socket (`S`: a `tokio::net::TcpStream`, say) whose writes are queued for the thread's next
/// [`flush`](crate::flush) when the thread batches, and written as usual when it does not.
/// Reads pass through. A write is reported whole once queued; `poll_flush` and `poll_shutdown`
/// wait until it is sent, and report its error if it failed.
pub struct BatchedWriter<S> {
    inner: S,
    pending: Option<Pending>,
}

/// Bytes accepted but not yet in the socket.
enum Pending {
    /// Queued for the next flush.
    Queued(Arc<Slot>),
    /// Left over by a send the socket took only in part: written the usual way.
    Rest { bytes: Vec<u8>, from: usize },
}

impl<S> BatchedWriter<S> {
    /// Wraps `inner`.
    pub fn new(inner: S) -> BatchedWriter<S> {
        BatchedWriter { inner, pending: None }
    }

    /// The socket.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl<S: AsyncWrite + Unpin> BatchedWriter<S> {
    /// Ready once every accepted byte is in the socket (or its error is known).
    fn poll_sent(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            match self.pending.take() {
                None => return Poll::Ready(Ok(())),
                Some(Pending::Queued(slot)) => match slot.outcome(cx.waker()) {
                    Outcome::Waiting => {
                        self.pending = Some(Pending::Queued(slot));
                        return Poll::Pending;
                    }
                    Outcome::Done(Ok(n), bytes) => {
                        if n < bytes.len() {
                            self.pending = Some(Pending::Rest { bytes, from: n });
                        }
                    }
                    Outcome::Done(Err(e), bytes) if e.kind() == io::ErrorKind::WouldBlock => {
                        self.pending = Some(Pending::Rest { bytes, from: 0 });
                    }
                    Outcome::Done(Err(e), _) => return Poll::Ready(Err(e)),
                },
                Some(Pending::Rest { bytes, from }) => {
                    match Pin::new(&mut self.inner).poll_write(cx, &bytes[from..]) {
                        Poll::Pending => {
                            self.pending = Some(Pending::Rest { bytes, from });
                            return Poll::Pending;
                        }
                        Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                        Poll::Ready(Ok(n)) if from + n < bytes.len() => {
                            self.pending = Some(Pending::Rest { bytes, from: from + n });
                        }
                        Poll::Ready(Ok(_)) => {}
                        Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    }
                }
            }
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for BatchedWriter<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + AsRawFd + Unpin> AsyncWrite for BatchedWriter<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.poll_write_vectored(cx, &[IoSlice::new(buf)])
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = self.get_mut().write_vectored(cx, bufs);
        if let Poll::Ready(Ok(1..)) = written {
            WRITES.with(|w| w.set(w.get() + 1));
        }
        written
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_sent(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_sent(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

impl<S: AsyncWrite + AsRawFd + Unpin> BatchedWriter<S> {
    /// Appends `bufs` to the queued send, queues a new one, or writes them the usual way.
    fn write_vectored(&mut self, cx: &mut Context<'_>, bufs: &[IoSlice<'_>]) -> Poll<io::Result<usize>> {
        if bufs.iter().all(|b| b.is_empty()) {
            return Poll::Ready(Ok(0));
        }
        // Into the send already queued, while it is small.
        if let Some(Pending::Queued(slot)) = &self.pending {
            let added = slot.append(bufs);
            if added > 0 {
                return Poll::Ready(Ok(added));
            }
        }
        ready!(self.poll_sent(cx))?;
        match batch::queue(self.inner.as_raw_fd(), bufs) {
            Some(slot) => {
                self.pending = Some(Pending::Queued(slot));
                Poll::Ready(Ok(bufs.iter().map(|b| b.len()).sum()))
            }
            None => Pin::new(&mut self.inner).poll_write_vectored(cx, bufs),
        }
    }
}

impl<S> Drop for BatchedWriter<S> {
    fn drop(&mut self) {
        // Before `inner` closes the socket: a send still queued is dropped, and one being made
        // is waited for.
        if let Some(Pending::Queued(slot)) = &self.pending {
            slot.cancel();
        }
    }
}
