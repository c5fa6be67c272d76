//! The console's own hooks.
//!
//! [`use_init`] is Yew's `use_state` with the first value given instead of a closure computing
//! it, and its [`State`] handle keeps the value as an `Rc<dyn Any>`. Yew's hook machinery
//! (`use_reducer`, the hook context's state slot, the handle's `Deref` and dispatch) is compiled
//! once per state type and once per closure passed to `use_state`: behind `use_init` it is
//! compiled once for the whole console, and each state type adds only a downcast and an `Rc`.
//! [`use_effect_on`] does the same for `use_effect_with`, compiled once per dependency type and
//! closure: its dependencies are compared through `dyn Any` and its effect is boxed.

use std::any::Any;
use std::marker::PhantomData;
use std::ops::Deref;
use std::rc::Rc;

use yew::functional::TearDown;
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

/// Not reachable: a slot (a state's, an effect's dependencies) only ever holds its own type.
#[cold]
fn another_type() -> ! {
    panic!("a hook's slot holds another type than its own")
}

/// The one `use_state` the console's [`use_init`]s share (one closure type, one state type).
#[hook]
fn use_slot(first: Slot) -> UseStateHandle<Slot> {
    use_state(move || first)
}

/// `use_state(|| first)` that compiles Yew's state machinery once for every `T` (see the module
/// doc). `first` is built on every render and dropped after the first, so it must be cheap and
/// side-effect free (a constant, an empty value, a clone); state read from the browser takes
/// [`use_init_with`].
#[hook]
pub fn use_init<T: 'static>(first: T) -> State<T> {
    State { slot: use_slot(Rc::new(first)), kind: PhantomData }
}

/// The one lazily filled `use_state` the console's [`use_init_with`]s share.
#[hook]
fn use_lazy_slot(first: Box<dyn FnOnce() -> Slot>) -> UseStateHandle<Slot> {
    use_state(first)
}

/// `use_state(first)`, for state read from the browser: `first` runs on the first render only,
/// and Yew's state machinery is compiled once for every `T` (see the module doc).
#[hook]
pub fn use_init_with<T: 'static>(first: fn() -> T) -> State<T> {
    State { slot: use_lazy_slot(Box::new(move || Rc::new(first()) as Slot)), kind: PhantomData }
}

/// An effect's dependencies of any type, compared as their own type.
struct Deps(Rc<dyn AnyEq>);

/// `PartialEq` across `dyn Any`: values of different types are never equal.
trait AnyEq {
    /// The value as `Any`.
    fn as_any(&self) -> &dyn Any;
    /// Whether `other` is a value of this type equal to this one.
    fn same(&self, other: &dyn Any) -> bool;
}

impl<T: PartialEq + 'static> AnyEq for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn same(&self, other: &dyn Any) -> bool {
        other.downcast_ref::<T>().is_some_and(|other| other == self)
    }
}

impl PartialEq for Deps {
    fn eq(&self, other: &Deps) -> bool {
        self.0.same(other.0.as_any())
    }
}

/// An effect: run with its dependencies, it gives its clean-up.
type Effect = Box<dyn FnOnce(&Deps) -> Box<dyn FnOnce()>>;

/// The one `use_effect_with` the console's [`use_effect_on`]s share.
#[hook]
fn use_effect_slot(deps: Deps, effect: Effect) {
    use_effect_with(deps, move |deps| {
        let clean_up = effect(deps);
        move || clean_up()
    });
}

/// `use_effect_with(deps, effect)`, with Yew's effect machinery compiled once for every
/// dependency type and closure (see the module doc): `effect` runs after the first render and
/// after each render whose `deps` differ from the last, and what it returns (nothing, or a
/// closure) runs before the next time and when the component goes.
#[hook]
pub fn use_effect_on<T, F, D>(deps: T, effect: F)
where
    T: PartialEq + 'static,
    F: FnOnce(&T) -> D + 'static,
    D: TearDown,
{
    let effect: Effect = Box::new(move |deps: &Deps| {
        let deps = deps.0.as_any().downcast_ref::<T>().unwrap_or_else(|| another_type());
        let clean_up = effect(deps);
        Box::new(move || clean_up.tear_down())
    });
    use_effect_slot(Deps(Rc::new(deps)), effect);
}
