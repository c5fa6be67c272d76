//! The answer envelopes' keys read by hand from a parsed JSON object, for
//! [`decode_value`](crate::decode_value).
//!
//! Why: serde's derived decoder of `PlatformAnswer<T>` (and of the other envelopes) is compiled
//! once for every payload type `T`, some twenty in the operators' console, though only the
//! payload differs. Here the keys are sorted out once ([`read`]) and each key's value decoded by
//! a function compiled once per value type. The result, and the error when there is one, are
//! serde's: keys met in the object's order, an alias and its name sharing one field (both
//! present is serde's ``duplicate field``), unknown keys ignored, the first failing key's error
//! reported.

use serde::Deserialize;
use serde::de::{self, DeserializeOwned};
use serde_json::{Error, Value};

use crate::code::Code;
use crate::lenient;
use crate::objects::{Objects, unexpected};
use crate::rows::Rows;

/// One field's value and where its key came in the object.
pub(crate) type Slot = Option<(usize, Value)>;

/// Sorts an object's entries into `N` fields by `keys` (key, field); `names` are the fields'
/// names for serde's messages, `what` is what the object is expected to be (`struct X`). A
/// field met twice is noted as serde's error at the second key.
pub(crate) fn read<const N: usize>(
    value: Value,
    what: &'static str,
    keys: &[(&str, usize)],
    names: [&'static str; N],
) -> Result<([Slot; N], FirstError), Error> {
    let map = match value {
        Value::Object(map) => map,
        other => return Err(de::Error::invalid_type(unexpected(&other), &what)),
    };
    let mut slots: [Slot; N] = std::array::from_fn(|_| None);
    let mut first = FirstError::default();
    for (at, (key, value)) in map.into_iter().enumerate() {
        let Some(&(_, field)) = keys.iter().find(|(k, _)| *k == key) else { continue };
        if slots[field].is_some() {
            first.note(at, de::Error::duplicate_field(names[field]));
            break;
        }
        slots[field] = Some((at, value));
    }
    Ok((slots, first))
}

/// Where missing fields' errors rank: after every key's (serde checks them once all are read).
#[cfg(feature = "value-decode")]
const MISSING: usize = usize::MAX / 2;

/// The error of the earliest key that failed, as serde would have stopped there.
#[derive(Default)]
pub(crate) struct FirstError(Option<(usize, Error)>);

impl FirstError {
    /// Keeps `e`, the error at the `at`-th key, if no earlier key failed.
    fn note(&mut self, at: usize, e: Error) {
        if self.0.as_ref().is_none_or(|(first, _)| at < *first) {
            self.0 = Some((at, e));
        }
    }

    /// Decodes a field's value as `T` (its default when absent), noting a failure.
    fn field<T: Default>(&mut self, slot: Slot, decode: fn(Value) -> Result<T, Error>) -> T {
        let Some((at, value)) = slot else { return T::default() };
        decode(value).unwrap_or_else(|e| {
            self.note(at, e);
            T::default()
        })
    }

    /// An optional status code.
    pub(crate) fn code(&mut self, slot: Slot) -> Option<Code> {
        self.field(slot, |v| Option::<Code>::deserialize(Objects(v)))
    }

    /// An optional text.
    pub(crate) fn text(&mut self, slot: Slot) -> Option<String> {
        self.field(slot, |v| Option::<String>::deserialize(Objects(v)))
    }

    /// An optional payload.
    pub(crate) fn payload<T: DeserializeOwned>(&mut self, slot: Slot) -> Option<T> {
        self.field(slot, |v| Option::<T>::deserialize(Objects(v)))
    }

    /// A count that may be `null` (zero then).
    pub(crate) fn count(&mut self, slot: Slot) -> u64 {
        self.field(slot, |v| lenient::nullable(Objects(v)))
    }

    /// A page number or size that may be `null` (zero then).
    pub(crate) fn small(&mut self, slot: Slot) -> u32 {
        self.field(slot, |v| lenient::nullable(Objects(v)))
    }

    /// A page's rows.
    pub(crate) fn rows<T: DeserializeOwned>(&mut self, slot: Slot) -> Rows<T> {
        self.field(slot, |v| Rows::deserialize(Objects(v)))
    }

    /// A field's value decoded as `T` (its default when absent).
    #[cfg(feature = "value-decode")]
    pub(crate) fn value<T: DeserializeOwned + Default>(&mut self, slot: Slot) -> T {
        self.field(slot, |v| T::deserialize(Objects(v)))
    }

    /// A field that must be there: as [`FirstError::value`], noting serde's ``missing field``
    /// when absent (after any key's error, the first missing field by its place in the struct).
    #[cfg(feature = "value-decode")]
    pub(crate) fn required<T: DeserializeOwned + Default>(
        &mut self,
        slot: Slot,
        place: usize,
        name: &'static str,
    ) -> T {
        if slot.is_none() {
            self.note(MISSING + place, de::Error::missing_field(name));
        }
        self.value(slot)
    }

    /// What was decoded after every key (a flattened part), noting its error last.
    #[cfg(feature = "value-decode")]
    pub(crate) fn last<T: Default>(&mut self, decoded: Result<T, Error>) -> T {
        decoded.unwrap_or_else(|e| {
            self.note(usize::MAX, e);
            T::default()
        })
    }

    /// `value`, unless a key failed.
    pub(crate) fn or<T>(self, value: T) -> Result<T, Error> {
        match self.0 {
            Some((_, e)) => Err(e),
            None => Ok(value),
        }
    }
}
