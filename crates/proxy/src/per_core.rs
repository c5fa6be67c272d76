//! The binary's serving loop: one single-threaded runtime per core, each accepting on the same
//! `SO_REUSEPORT` port and serving its connections with [`crate::server::serve`].
//!
//! Each thread sends the writes of a turn together ([`kefu_batch_send`]) and, after its last
//! send, keeps polling for events for a short while before it sleeps (`idle_spin.rs`).

use std::future::Future;
use std::net::SocketAddr;

use tokio::net::TcpListener;

use crate::ProxyService;
use crate::idle_spin;
use crate::server::serve;

/// Serves on one single-threaded runtime per core, all accepting on the same `SO_REUSEPORT`
/// port, until `stop` completes. Each request, its handler and its upstream connection then stay
/// on one thread (the upstream client is per thread too); measured with `cargo xtask bench
/// proxy`, this forwards 25-30% more requests a second than one multi-threaded runtime, whose
/// tasks woke each other across threads on every request. Unless `batch_sends` is off, each
/// thread sends the writes of a turn together ([`kefu_batch_send`]). `on_listening` is told the
/// bound address once every thread's socket is listening.
pub async fn serve_per_core(
    service: ProxyService,
    listen: SocketAddr,
    on_listening: impl FnOnce(SocketAddr),
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let first = bind_reuse(listen)?;
    let addr = first.local_addr()?;
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mut workers = Vec::with_capacity(cores);
    for i in 0..cores {
        let listener = if i == 0 { first.try_clone()? } else { bind_reuse(addr)? };
        let runtime = idle_spin::worker_runtime()?;
        workers.push((listener, runtime));
    }
    drop(first);
    on_listening(addr);
    let (stop_tx, _) = tokio::sync::broadcast::channel::<()>(1);
    let batch_sends = service.shared().config.batch_sends;
    let spin = service.shared().config.idle_spin;
    let mut threads = Vec::with_capacity(cores);
    for (std_listener, runtime) in workers {
        let service = service.clone();
        let mut stop = stop_tx.subscribe();
        threads.push(std::thread::spawn(move || {
            if batch_sends {
                match kefu_batch_send::enable() {
                    Ok(()) => tracing::debug!("this thread's writes are batched with io_uring"),
                    Err(e) => tracing::info!("io_uring is unavailable ({e}): writes go out one at a time"),
                }
            }
            runtime.block_on(async move {
                if !spin.is_zero() {
                    tokio::spawn(idle_spin::spin_before_sleeping(spin, idle_spin::CONTENDED));
                }
                match TcpListener::from_std(std_listener) {
                    Ok(listener) => {
                        serve(listener, service, async move {
                            let _ = stop.recv().await;
                        })
                        .await;
                    }
                    Err(e) => tracing::error!("listener: {e}"),
                }
            });
        }));
    }
    stop.await;
    let _ = stop_tx.send(());
    for t in threads {
        let _ = t.join();
    }
    Ok(())
}

/// A listening socket with `SO_REUSEPORT`, so several threads can accept on one port.
fn bind_reuse(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let socket =
        if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    #[cfg(unix)]
    socket.set_reuseport(true)?;
    socket.bind(addr)?;
    socket.listen(1024)?.into_std()
}
