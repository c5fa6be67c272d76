//! [`spawn`]: runs a future in the browser, as `yew::platform::spawn_local` does.
//!
//! Why not call `spawn_local` directly: it is generic over the future, so the task machinery
//! behind it (wrapping, waking, polling) is compiled once per `async` block, some thirty in the
//! console. [`spawn`] boxes the future and hands every one to a single `spawn_local`.

use std::future::Future;
use std::pin::Pin;

/// Any future the console runs.
type Boxed = Pin<Box<dyn Future<Output = ()>>>;

/// Runs `future` to its end in the background.
pub(crate) fn spawn(future: impl Future<Output = ()> + 'static) {
    spawn_boxed(Box::pin(future));
}

/// The one `spawn_local` of the console.
fn spawn_boxed(future: Boxed) {
    yew::platform::spawn_local(future);
}
