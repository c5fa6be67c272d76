//! Socket writes gathered over one turn of a single-threaded tokio runtime and sent together,
//! with one `io_uring_enter` call, when the runtime is about to wait for events.
//!
//! Why: on a busy proxy each answer written with its own `send` wakes the reader on the other
//! end, and the kernel switches to that reader as the call returns: the writer is preempted once
//! per answer, and the reader wakes once per answer. Sent together, the writer is preempted at
//! most once a turn and the reader finds every answer of the turn at once. In `cargo xtask bench
//! proxy` this took kefu-proxy's involuntary context switches from 0.4 to under 0.1 a request,
//! the upstream's and the load generator's sleeps from 0.3 to under 0.1, and its CPU from about
//! 17 to 12 µs a request.
//!
//! How:
//! - A thread opts in with [`enable`], and its runtime calls [`flush`] before it parks
//!   (`tokio::runtime::Builder::on_thread_park`, as [`current_thread_builder`] sets up). Threads
//!   that do not (tests, multi-threaded runtimes, kernels or sandboxes without `io_uring`) write
//!   as usual.
//! - [`BatchedWriter`] wraps a socket. A write is copied into the thread's queue and reported
//!   written; a flush of the writer waits for the thread's next [`flush`]. Each send is made with
//!   `MSG_DONTWAIT`: what the socket cannot take at once comes back and is written the usual way,
//!   waiting for the socket to drain, so a slow reader never holds the thread.
//! - A writer dropped before its bytes went out cancels them, so a closed (and perhaps reused)
//!   descriptor is never written to.

mod batch;
mod writer;

pub use batch::{Stats, current_thread_builder, enable, flush, is_enabled, stats};
pub use writer::{BatchedWriter, writes};
