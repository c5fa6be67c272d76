//! The thread's queue of sends and its `io_uring`.

use std::cell::RefCell;
use std::io::{self, IoSlice};
use std::os::fd::RawFd;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Waker;
use std::time::Duration;

use io_uring::types::{SubmitArgs, Timespec};
use io_uring::{IoUring, Probe, opcode, types};

/// Submission queue size: sends made per `io_uring_enter` at most.
const RING_ENTRIES: u32 = 256;
/// Queued sends that trigger a flush at once rather than at the end of the turn: the queue
/// never holds more than the ring takes, so a flush is one `io_uring_enter`.
const FLUSH_AT: usize = RING_ENTRIES as usize;
/// Bytes one writer may have queued; beyond this its writes wait for the flush.
pub(crate) const MAX_QUEUED_BYTES: usize = 64 * 1024;
/// Longest a flush waits for its completions. Sends made with `MSG_DONTWAIT` complete within
/// the call; if one ever did not, the thread stops batching instead of waiting on a socket.
const COMPLETION_TIMEOUT: Duration = Duration::from_millis(200);

/// One queued send, shared by its writer and the thread's queue.
pub(crate) struct Slot {
    fd: RawFd,
    state: Mutex<State>,
}

enum State {
    /// Waiting for the next flush, with the writer to wake then.
    Queued { bytes: Vec<u8>, waker: Option<Waker> },
    /// Made: how many bytes the socket took (or why not), and the bytes, for the rest.
    Done { result: io::Result<usize>, bytes: Vec<u8> },
    /// Dropped by its writer before the flush: never sent.
    Cancelled,
    /// Its result was taken by the writer.
    Taken,
}

/// What became of a send, as its writer sees it.
pub(crate) enum Outcome {
    /// Still queued; the writer is woken after the flush.
    Waiting,
    /// Made: the result, and the bytes (whole) to write the rest of.
    Done(io::Result<usize>, Vec<u8>),
}

/// How much batching this thread has done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Flushes that made at least one send.
    pub flushes: u64,
    /// Sends made.
    pub sends: u64,
}

struct Batch {
    ring: IoUring,
    queue: Vec<Arc<Slot>>,
    stats: Stats,
}

thread_local! {
    static BATCH: RefCell<Option<Batch>> = const { RefCell::new(None) };
}

/// Turns batching on for the calling thread. Its runtime must call [`flush`] before it parks,
/// or queued sends wait for the next [`flush`]. Fails, leaving the thread writing as usual, where
/// `io_uring` is missing, forbidden (Docker's default seccomp profile) or too old (before 5.11).
pub fn enable() -> io::Result<()> {
    let ring = IoUring::new(RING_ENTRIES)?;
    if !ring.params().is_feature_ext_arg() {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "io_uring without timed waits (Linux < 5.11)",
        ));
    }
    let mut probe = Probe::new();
    ring.submitter().register_probe(&mut probe)?;
    if !probe.is_supported(opcode::Send::CODE) {
        return Err(io::Error::new(io::ErrorKind::Unsupported, "io_uring without IORING_OP_SEND"));
    }
    BATCH.with(|b| {
        *b.borrow_mut() = Some(Batch { ring, queue: Vec::with_capacity(64), stats: Stats::default() })
    });
    Ok(())
}

/// A single-threaded runtime's builder, all drivers on, whose thread makes its queued sends
/// before it parks; [`enable`] turns batching on on the thread that runs it.
pub fn current_thread_builder() -> tokio::runtime::Builder {
    let mut builder = tokio::runtime::Builder::new_current_thread();
    builder.enable_all().on_thread_park(flush);
    builder
}

/// Whether the calling thread batches its sends.
pub fn is_enabled() -> bool {
    BATCH.with(|b| b.try_borrow().is_ok_and(|b| b.is_some()))
}

/// The calling thread's batching so far.
pub fn stats() -> Stats {
    BATCH.with(|b| b.try_borrow().ok().and_then(|b| b.as_ref().map(|b| b.stats)).unwrap_or_default())
}

/// Queues `bufs` for the socket `fd`, or `None` when this thread does not batch.
pub(crate) fn queue(fd: RawFd, bufs: &[IoSlice<'_>]) -> Option<Arc<Slot>> {
    let (slot, full) = BATCH.with(|b| {
        let mut b = b.try_borrow_mut().ok()?;
        let batch = b.as_mut()?;
        let mut bytes = Vec::with_capacity(bufs.iter().map(|b| b.len()).sum());
        for buf in bufs {
            bytes.extend_from_slice(buf);
        }
        let slot = Arc::new(Slot { fd, state: Mutex::new(State::Queued { bytes, waker: None }) });
        batch.queue.push(slot.clone());
        Some((slot, batch.queue.len() >= FLUSH_AT))
    })?;
    if full {
        flush();
    }
    Some(slot)
}

/// Makes every send queued on the calling thread, then wakes their writers. A no-op on a thread
/// that does not batch; meant for `on_thread_park`.
pub fn flush() {
    let wakers = BATCH.with(|b| {
        let Ok(mut b) = b.try_borrow_mut() else { return Vec::new() };
        let Some(batch) = b.as_mut() else { return Vec::new() };
        if batch.queue.is_empty() {
            return Vec::new();
        }
        let queue = std::mem::take(&mut batch.queue);
        let mut wakers = Vec::with_capacity(queue.len());
        if send_all(batch, &queue, &mut wakers).is_err() {
            *b = None;
        }
        wakers
    });
    for waker in wakers {
        waker.wake();
    }
}

/// Sends the queue (at most [`RING_ENTRIES`] sends, see [`FLUSH_AT`]) with one `io_uring_enter`,
/// and records each result in its slot. A send the ring has no room for comes back as
/// `WouldBlock`, which its writer writes the usual way. Every slot stays locked until its
/// completion is read: that keeps its bytes in place while the kernel may read them, and makes a
/// writer dropped meanwhile wait before its socket closes.
fn send_all(batch: &mut Batch, queue: &[Arc<Slot>], wakers: &mut Vec<Waker>) -> io::Result<()> {
    let mut locked: Vec<MutexGuard<'_, State>> =
        queue.iter().map(|slot| slot.state.lock().unwrap_or_else(|e| e.into_inner())).collect();
    let mut results: Vec<Option<io::Result<usize>>> = (0..queue.len()).map(|_| None).collect();
    let mut pushed = 0;
    {
        let mut submission = batch.ring.submission();
        for (i, state) in locked.iter().enumerate() {
            let State::Queued { bytes, .. } = &**state else { continue };
            let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
            let entry = opcode::Send::new(types::Fd(queue[i].fd), bytes.as_ptr(), len)
                .flags(libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL)
                .build()
                .user_data(i as u64);
            // SAFETY: the kernel reads `len` bytes from `bytes` until this entry completes. The
            // bytes belong to a slot whose lock is held in `locked` until every pushed entry has
            // completed (below) or, should waiting fail, are leaked: they are neither moved nor
            // freed while the kernel may read them.
            #[allow(unsafe_code)]
            let pushed_ok = unsafe { submission.push(&entry) }.is_ok();
            if pushed_ok {
                pushed += 1;
            } else {
                results[i] = Some(Err(io::Error::from(io::ErrorKind::WouldBlock)));
            }
        }
    }
    let mut completed = 0;
    let mut failure = None;
    let timeout = Timespec::from(COMPLETION_TIMEOUT);
    while completed < pushed {
        let args = SubmitArgs::new().timespec(&timeout);
        match batch.ring.submitter().submit_with_args(pushed - completed, &args) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // ETIME with some completions in: read them, and wait once more.
            Err(e) if e.raw_os_error() == Some(libc::ETIME) && !batch.ring.completion().is_empty() => {}
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
        for cqe in batch.ring.completion() {
            let Some(result) = usize::try_from(cqe.user_data()).ok().and_then(|i| results.get_mut(i)) else {
                continue;
            };
            let res = cqe.result();
            *result = Some(usize::try_from(res).map_err(|_| io::Error::from_raw_os_error(-res)));
            completed += 1;
        }
    }
    if let Some(e) = &failure {
        tracing::warn!("io_uring: {e}; this thread sends one write at a time from now on");
    }
    if pushed > 0 {
        batch.stats.sends += pushed as u64;
        batch.stats.flushes += 1;
    }
    for (state, result) in locked.iter_mut().zip(results) {
        let State::Queued { .. } = &**state else { continue };
        let State::Queued { bytes, waker } = std::mem::replace(&mut **state, State::Taken) else { continue };
        **state = match result {
            Some(result) => State::Done { result, bytes },
            None => {
                // No completion: the kernel may still read these bytes, so they are never freed.
                std::mem::forget(bytes);
                State::Done { result: Err(io::Error::other("io_uring send lost")), bytes: Vec::new() }
            }
        };
        wakers.extend(waker);
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

impl Slot {
    /// Adds `bufs` to the send if it is still queued and stays within [`MAX_QUEUED_BYTES`];
    /// returns how many bytes were added (0: not added).
    pub(crate) fn append(&self, bufs: &[IoSlice<'_>]) -> usize {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let State::Queued { bytes, .. } = &mut *state else { return 0 };
        let n: usize = bufs.iter().map(|b| b.len()).sum();
        if bytes.len() + n > MAX_QUEUED_BYTES {
            return 0;
        }
        for buf in bufs {
            bytes.extend_from_slice(buf);
        }
        n
    }

    /// Takes the send's outcome, or keeps `waker` to wake once it is made.
    pub(crate) fn outcome(&self, waker: &Waker) -> Outcome {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match &mut *state {
            State::Queued { waker: kept, .. } => {
                if !kept.as_ref().is_some_and(|k| k.will_wake(waker)) {
                    *kept = Some(waker.clone());
                }
                Outcome::Waiting
            }
            State::Done { .. } => match std::mem::replace(&mut *state, State::Taken) {
                State::Done { result, bytes } => Outcome::Done(result, bytes),
                _ => Outcome::Done(Ok(0), Vec::new()),
            },
            State::Cancelled | State::Taken => {
                Outcome::Done(Err(io::Error::other("send already taken")), Vec::new())
            }
        }
    }

    /// Drops the send if it is not made yet. Waits while a flush is making it, so the socket
    /// can be closed once this returns.
    pub(crate) fn cancel(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if matches!(*state, State::Queued { .. }) {
            *state = State::Cancelled;
        }
    }
}
