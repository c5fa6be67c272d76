//! The console's own hooks.
//!
//! [`use_init`] is Yew's `use_state` with the first value given instead of a closure computing
//! it, and its [`State`] handle keeps the value as an `Rc<dyn Any>`. Yew's hook machinery
//! (`use_reducer`, the hook context's state slot, the handle's `Deref` and dispatch) is compiled
//! once per state type and once per closure passed to `use_state`: behind `use_init` it is
//! compiled once for the whole console, and each state type adds only a downcast and an `Rc`
//! (`cargo xtask size` measured both cuts).

use std::any::Any;
use std::marker::PhantomData;
use std::ops::Deref;
use std::rc::Rc;

use yew::prelude::*;

/// What Yew holds for every [`State`]: the value, of any type.
type Slot = Rc<dyn Any>;

/// A state handle like Yew's `UseStateHandle<T>`: reads as `T` (`*state`), `set` replaces the
/// value and re-renders the component.
pub(crate) struct State<T> {
    slot: UseStateHandle<Slot>,
    kind: PhantomData<T>,
}

impl<T> Clone for State<T> {
    fn clone(&self) -> Self {
        State { slot: self.slot.clone(), kind: PhantomData }
    }
}

impl<T: 'static> State<T> {
    /// Replaces the value; the component renders again.
    pub(crate) fn set(&self, value: T) {
        self.slot.set(Rc::new(value));
    }
}

impl<T: 'static> Deref for State<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // Only `use_init::<T>` and `State::<T>::set` fill this slot, so it holds a `T`.
        (**self.slot).downcast_ref().unwrap_or_else(|| another_type())
    }
}

/// Not reachable: a slot is only ever filled with its handle's type.
#[cold]
fn another_type() -> ! {
    panic!("a state slot holds another type than its handle's")
}

/// The one `use_state` the console's [`use_init`]s share (one closure type, one state type).
#[hook]
fn use_slot(first: Slot) -> UseStateHandle<Slot> {
    use_state(move || first)
}

/// `use_state(|| first)` that compiles Yew's state machinery once for every `T` (see the module
/// doc). `first` is built on every render and dropped after the first, so it must be cheap and
/// side-effect free (a constant, an empty value, a clone); state read from the browser keeps
/// `use_state`.
#[hook]
pub fn use_init<T: 'static>(first: T) -> State<T> {
    State { slot: use_slot(Rc::new(first)), kind: PhantomData }
}
