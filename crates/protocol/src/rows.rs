//! Lists of records that survive a bad row: each row that does not decode is skipped and
//! reported as a [`SkippedRow`], so one malformed record never costs the caller the whole page.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A row of a list that could not be decoded and was left out.
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRow {
    /// The row's position in the list as sent (0-based).
    pub index: usize,
    /// Why it could not be decoded (the decoder's message, e.g. ``missing field `uuid` ``).
    pub reason: String,
}

/// A list of records, decoded row by row: rows that decode are in [`Rows::items`], rows that do
/// not are reported in [`Rows::skipped`].
///
/// It decodes every form the documents use for a list: a JSON list, one bare object (a list of
/// one), JSON text inside a string, and `null` or `""` (empty). It encodes as a plain list of
/// its items. It dereferences to its items, so `rows.len()`, `rows[0]` and `rows.iter()` work.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows<T> {
    /// The rows that decoded, in the order sent.
    pub items: Vec<T>,
    /// The rows that did not, with their position and the reason.
    pub skipped: Vec<SkippedRow>,
}

impl<T> Rows<T> {
    /// The decoded rows, dropping the report of skipped ones.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Rows { items: Vec::new(), skipped: Vec::new() }
    }
}

impl<T> From<Vec<T>> for Rows<T> {
    fn from(items: Vec<T>) -> Self {
        Rows { items, skipped: Vec::new() }
    }
}

impl<T> FromIterator<T> for Rows<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Rows::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<T> std::ops::Deref for Rows<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.items
    }
}

impl<T> std::ops::DerefMut for Rows<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.items
    }
}

impl<T> IntoIterator for Rows<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Rows<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T: Serialize> Serialize for Rows<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(s)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Rows<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RowsVisitor(PhantomData))
    }
}

/// Decodes one row; a failure becomes a [`SkippedRow`]. With the `value-decode` feature a row
/// must be an object (a list is skipped), which keeps serde's list half of every row type out
/// of the binary (see `objects.rs`).
fn push_row<T: DeserializeOwned>(rows: &mut Rows<T>, index: usize, value: serde_json::Value) {
    #[cfg(feature = "value-decode")]
    let value = crate::objects::Objects(value);
    match T::deserialize(value) {
        Ok(item) => rows.items.push(item),
        Err(e) => rows.skipped.push(SkippedRow { index, reason: e.to_string() }),
    }
}

struct RowsVisitor<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> de::Visitor<'de> for RowsVisitor<T> {
    type Value = Rows<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list, an object, or a string holding a JSON list")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Rows<T>, E> {
        if v.trim().is_empty() {
            return Ok(Rows::default());
        }
        // JSON text inside a string: decode it as a list (a nested string is not unwrapped again).
        let value: serde_json::Value = serde_json::from_str(v).map_err(E::custom)?;
        let mut rows = Rows::default();
        match value {
            serde_json::Value::Array(items) => {
                for (index, item) in items.into_iter().enumerate() {
                    push_row(&mut rows, index, item);
                }
            }
            serde_json::Value::Null => {}
            serde_json::Value::Object(_) => push_row(&mut rows, 0, value),
            other => return Err(E::invalid_type(unexpected(&other), &self)),
        }
        Ok(rows)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Rows<T>, E> {
        Ok(Rows::default())
    }
    fn visit_none<E: de::Error>(self) -> Result<Rows<T>, E> {
        Ok(Rows::default())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Rows<T>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Rows<T>, A::Error> {
        let mut rows = Rows::default();
        let mut index = 0;
        while let Some(value) = seq.next_element::<serde_json::Value>()? {
            push_row(&mut rows, index, value);
            index += 1;
        }
        Ok(rows)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Rows<T>, A::Error> {
        let value = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
        let mut rows = Rows::default();
        push_row(&mut rows, 0, value);
        Ok(rows)
    }
}

fn unexpected(v: &serde_json::Value) -> de::Unexpected<'_> {
    match v {
        serde_json::Value::Bool(b) => de::Unexpected::Bool(*b),
        serde_json::Value::Number(_) => de::Unexpected::Other("a number"),
        serde_json::Value::String(s) => de::Unexpected::Str(s),
        _ => de::Unexpected::Other("a value"),
    }
}
