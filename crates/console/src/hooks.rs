//! The console's own hooks.
//!
//! [`use_init`] is Yew's `use_state` with the first value given instead of a closure computing
//! it. Each closure is a type of its own, and Yew's hook machinery (`use_reducer`, the hook
//! context's state slot, the handle) is compiled again for every closure passed to `use_state`:
//! through `use_init` it is compiled once per state type (`cargo xtask size` measured the cut).

use yew::prelude::*;

/// `use_state(|| first)`, compiled once per `T` rather than once per call site. `first` is
/// built on every render and dropped after the first, so it must be cheap and side-effect free
/// (a constant, an empty value, a clone); state read from the browser keeps `use_state`.
#[hook]
pub fn use_init<T: 'static>(first: T) -> UseStateHandle<T> {
    use_state(move || first)
}
