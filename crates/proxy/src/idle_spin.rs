//! The idle spin: a worker thread, after its last write, keeps polling for events for a short
//! while ([`Config::idle_spin`], 50 µs) before it sleeps.
//!
//! Waking a sleeping CPU is slow in a virtual machine: `perf sched timehist` on this 2-core VM
//! showed 16-20 µs from a wakeup to the woken thread running on the other, idle CPU, against
//! 0-5 µs on the same one. An answer that arrives within the spin is read at once. It is the
//! application's side of what Linux's `haltpoll` idle governor does in KVM guests (it polls up to
//! 200 µs before halting).
//!
//! A turn that finds no work gives the CPU (`sched_yield`) to any thread waiting for it, and the
//! spin ends if one ran: the CPU is busy then, and sleeping wakes no idle one. A turn with work
//! looks for more at once, as the runtime would. In `cargo xtask bench proxy` on this shared
//! 2-core machine a spin that held the CPU cost 5% of the loaded throughput, and one that gave it
//! away on every turn made the upstream wake for fewer requests at a time; this one costs none
//! measurable, and at one connection the median round trip fell from 83-119 µs to 45-60 µs.
//! Its price is the tail at one connection: p99 0.72 ms against 0.30 ms without the spin
//! (medians of eleven paired `wrk -t1 -c1` runs; README, kefu-proxy's "Benchmark").
//!
//! [`Config::idle_spin`]: crate::Config::idle_spin

use std::cell::RefCell;
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

/// A worker's runtime: single-threaded, sending the writes queued over a turn before it waits
/// for events, and waking its spinner whenever it wakes.
pub(crate) fn worker_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    kefu_batch_send::current_thread_builder().on_thread_unpark(wake_spinner).build()
}

/// A `sched_yield` that took this long ran another thread: the CPU is not idle.
pub(crate) const CONTENDED: Duration = Duration::from_micros(5);

thread_local! {
    /// This thread's spinner, while it waits for the thread to wake.
    static SPINNER: RefCell<Option<Waker>> = const { RefCell::new(None) };
}

fn wake_spinner() {
    if let Some(waker) = SPINNER.with(|s| s.borrow_mut().take()) {
        waker.wake();
    }
}

/// Each time the thread wakes from sleep, keeps it polling for events (yielding, which makes the
/// runtime check for them without sleeping) until `spin` has passed since its last write through
/// a [`kefu_batch_send::BatchedWriter`] (batched or not), or until giving the CPU away after a
/// turn without work took `contended` (another thread ran), then lets it sleep again. The
/// runtime runs no park hook while this yields, so the batch is sent here.
pub(crate) async fn spin_before_sleeping(spin: Duration, contended: Duration) {
    loop {
        let mut registered = false;
        std::future::poll_fn(|cx| {
            if registered {
                return Poll::Ready(());
            }
            registered = true;
            SPINNER.with(|s| *s.borrow_mut() = Some(cx.waker().clone()));
            Poll::Pending
        })
        .await;
        let mut writes = kefu_batch_send::writes();
        let mut since = Instant::now();
        loop {
            kefu_batch_send::flush();
            let written = kefu_batch_send::writes();
            if written != writes {
                // The turn had work (it wrote): look for more at once.
                writes = written;
                since = Instant::now();
            } else {
                // An empty turn, where the thread would sleep. Any other thread ready to run on
                // this CPU (on a shared machine, the very peer whose answer this waits for) runs
                // first; if one did, the CPU is busy, and sleeping wakes no idle one.
                let yielded = Instant::now();
                if yielded.duration_since(since) >= spin {
                    break;
                }
                std::thread::yield_now();
                if yielded.elapsed() >= contended {
                    break;
                }
            }
            tokio::task::yield_now().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// How often a worker runtime with `spin` (ended by a `sched_yield` that takes `contended`)
    /// parks while a peer sends it 40 messages 1 ms apart, each echoed back.
    fn parks_while_messages_trickle_in(spin: Duration, contended: Duration, batched: bool) -> usize {
        let parks = Arc::new(AtomicUsize::new(0));
        let counted = parks.clone();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .on_thread_park(move || {
                counted.fetch_add(1, Ordering::Relaxed);
                kefu_batch_send::flush();
            })
            .on_thread_unpark(wake_spinner)
            .build()
            .expect("runtime");
        if batched {
            kefu_batch_send::enable().expect("io_uring");
        }
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let peer = std::thread::spawn(move || {
            use std::io::{Read, Write};
            let (mut s, _) = listener.accept().expect("accept");
            for _ in 0..40 {
                s.write_all(b"m").expect("write");
                let mut echo = [0u8; 1];
                s.read_exact(&mut echo).expect("echo");
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        let parked = runtime.block_on(async {
            if !spin.is_zero() {
                tokio::spawn(spin_before_sleeping(spin, contended));
            }
            let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            let mut stream = kefu_batch_send::BatchedWriter::new(stream);
            let before = parks.load(Ordering::Relaxed);
            let mut byte = [0u8; 1];
            for _ in 0..40 {
                stream.read_exact(&mut byte).await.expect("read");
                stream.write_all(&byte).await.expect("echo");
                stream.flush().await.expect("flush");
            }
            parks.load(Ordering::Relaxed) - before
        });
        peer.join().expect("peer");
        parked
    }

    /// Sleeps that show a thread slept for (nearly) every one of the 40 messages. Not all 40: on
    /// a loaded machine a turn can be preempted for longer than the peer's 1 ms gap, and the next
    /// message is then read without sleeping (CI once counted 39).
    const MOST: usize = 30;

    #[test]
    fn a_worker_that_spins_does_not_sleep_between_close_requests_and_one_that_does_not_does() {
        let sleeping = parks_while_messages_trickle_in(Duration::ZERO, Duration::MAX, true);
        assert!(sleeping >= MOST, "without a spin the thread sleeps for each message: {sleeping}");
        // Never taken for contended: the gaps alone decide.
        let spinning = parks_while_messages_trickle_in(Duration::from_millis(20), Duration::MAX, true);
        assert!(spinning <= 4, "a 20 ms spin covers 1 ms gaps: {spinning} sleeps");
    }

    #[test]
    fn the_spin_sees_work_when_writes_are_not_batched_too() {
        // A 5 ms spin counted from each wake rather than from the last write would sleep every
        // 5 ms, 8 times or more over the 40 ms or more the messages take.
        let spinning = parks_while_messages_trickle_in(Duration::from_millis(5), Duration::MAX, false);
        assert!(spinning <= 4, "a 5 ms spin from the last write covers 1 ms gaps: {spinning} sleeps");
    }

    #[test]
    fn a_spin_ends_when_giving_the_cpu_away_takes_long() {
        // Every yield taken for contended: the spin ends at once, and the thread sleeps as if it
        // did not spin.
        let parks = parks_while_messages_trickle_in(Duration::from_millis(20), Duration::ZERO, true);
        assert!(parks >= MOST, "{parks} sleeps");
    }
}
