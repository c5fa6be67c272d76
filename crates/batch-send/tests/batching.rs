//! Batched writes on a single-threaded runtime that flushes before it parks, as kefu-proxy's
//! worker threads run: bytes arrive whole and in order, a full socket holds no thread, and a
//! dropped writer sends nothing.

use std::future::Future;
use std::time::Duration;

use kefu_batch_send::{BatchedWriter, Stats};
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One test at a time: one of them counts on which descriptor numbers are free.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `test` on a current-thread runtime that batches, as the proxy's workers do.
fn batching<F: Future<Output = ()>>(test: impl FnOnce() -> F) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let runtime = kefu_batch_send::current_thread_builder().build().expect("runtime");
    kefu_batch_send::enable().expect("io_uring with IORING_OP_SEND on this machine");
    assert!(kefu_batch_send::is_enabled());
    runtime.block_on(test());
}

/// A connected pair: the batched writer's socket and its peer.
async fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (client, accepted) = tokio::join!(TcpStream::connect(addr), listener.accept());
    (client.expect("connect"), accepted.expect("accept").0)
}

#[test]
fn many_writers_send_their_bytes_whole_and_in_order_in_few_flushes() {
    batching(|| async {
        let before = kefu_batch_send::stats();
        let writes = kefu_batch_send::writes();
        let mut readers = Vec::new();
        let mut writers = Vec::new();
        for c in 0..40u8 {
            let (ours, theirs) = pair().await;
            readers.push(tokio::spawn(async move {
                let mut theirs = theirs;
                let mut got = Vec::new();
                theirs.read_to_end(&mut got).await.expect("read");
                (c, got)
            }));
            writers.push(tokio::spawn(async move {
                let mut w = BatchedWriter::new(ours);
                for i in 0..25u8 {
                    // Two writes a message: the second joins the first in its queued send.
                    w.write_all(&[c, i]).await.expect("write");
                    w.write_all(b"-").await.expect("write");
                    w.flush().await.expect("flush");
                }
                w.shutdown().await.expect("shutdown");
            }));
        }
        for w in writers {
            w.await.expect("writer");
        }
        for r in readers {
            let (c, got) = r.await.expect("reader");
            let want: Vec<u8> = (0..25u8).flat_map(|i| [c, i, b'-']).collect();
            assert_eq!(got, want, "connection {c}");
        }
        // Both writes of a message are counted, though they make one send.
        assert_eq!(kefu_batch_send::writes() - writes, 40 * 25 * 2);
        let Stats { flushes, sends } = kefu_batch_send::stats();
        let (flushes, sends) = (flushes - before.flushes, sends - before.sends);
        assert_eq!(sends, 40 * 25, "one send a flushed message");
        // The 40 writers run in one turn each time: far fewer flushes than sends.
        assert!(flushes * 4 < sends, "{flushes} flushes for {sends} sends");
    });
}

#[test]
fn a_socket_that_takes_nothing_more_holds_no_thread_and_loses_no_byte() {
    batching(|| async {
        let (ours, mut theirs) = pair().await;
        let big: Vec<u8> = (0..8 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
        let sent = big.clone();
        let writer = tokio::spawn(async move {
            let mut w = BatchedWriter::new(ours);
            w.write_all(&sent).await.expect("write");
            w.flush().await.expect("flush");
        });
        // The peer reads nothing for a while: the writer waits, other tasks on this one thread
        // keep running.
        let mut ticks = 0;
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_millis(5)).await;
            ticks += 1;
        }
        assert_eq!(ticks, 20);
        assert!(!writer.is_finished(), "8 MiB cannot fit in the socket buffers");
        let mut got = Vec::with_capacity(big.len());
        let mut buf = vec![0; 64 * 1024];
        while got.len() < big.len() {
            let n = theirs.read(&mut buf).await.expect("read");
            assert!(n > 0, "closed early");
            got.extend_from_slice(&buf[..n]);
        }
        writer.await.expect("writer");
        assert!(got == big, "the bytes arrive whole and in order");
        // No flush waited on the full socket (one that did would have turned batching off).
        assert!(kefu_batch_send::is_enabled());
    });
}

#[test]
fn a_writer_dropped_before_the_flush_sends_nothing_to_its_descriptor_reused() {
    batching(|| async {
        let (ours, mut theirs) = pair().await;
        let fd = std::os::fd::AsRawFd::as_raw_fd(&ours);
        let mut w = BatchedWriter::new(ours);
        // Queued, reported written, and dropped (closing the socket) before this task yields.
        let n = std::future::poll_fn(|cx| std::pin::Pin::new(&mut w).poll_write(cx, b"never sent"))
            .await
            .expect("queued");
        assert_eq!(n, 10);
        drop(w);
        // `pair` freed its listener's descriptor, then this one: a new listener takes the first,
        // and the next socket connected takes the writer's. The queued bytes must not reach it.
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mut other = TcpStream::connect(addr).await.expect("connect");
        assert_eq!(std::os::fd::AsRawFd::as_raw_fd(&other), fd, "the descriptor is reused");
        let (mut accepted, _) = listener.accept().await.expect("accept");
        drop(listener);
        other.write_all(b"x").await.expect("write");
        other.shutdown().await.expect("shutdown");
        let mut got = Vec::new();
        accepted.read_to_end(&mut got).await.expect("read");
        assert_eq!(got, b"x");
        let mut got = Vec::new();
        theirs.read_to_end(&mut got).await.expect("read");
        assert!(got.is_empty(), "got {got:?}");
    });
}

#[test]
fn a_thread_that_does_not_batch_writes_at_once() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        assert!(!kefu_batch_send::is_enabled());
        let (ours, mut theirs) = pair().await;
        let mut w = BatchedWriter::new(ours);
        let writes = kefu_batch_send::writes();
        w.write_all(b"straight through").await.expect("write");
        assert_eq!(kefu_batch_send::writes(), writes + 1, "counted, though not batched");
        // No flush and no park: the bytes are in the socket already.
        let mut got = [0u8; 16];
        theirs.read_exact(&mut got).await.expect("read");
        assert_eq!(&got, b"straight through");
        assert_eq!(kefu_batch_send::stats(), Stats::default());
    });
}

#[test]
fn a_send_to_a_closed_peer_fails_at_the_flush() {
    batching(|| async {
        let (ours, theirs) = pair().await;
        drop(theirs);
        let mut w = BatchedWriter::new(ours);
        let mut failed = false;
        // The first write reaches a closed socket, which answers with a reset; a later one fails.
        for _ in 0..10 {
            let wrote = w.write_all(b"into the void").await;
            if wrote.is_err() || w.flush().await.is_err() {
                failed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(failed, "writing to a reset connection reports an error");
    });
}
