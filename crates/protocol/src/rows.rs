//! Lists of records that survive a bad row: each row that does not decode is skipped and
//! reported as a [`SkippedRow`], so one malformed record never costs the caller the whole page.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A row of a list that could not be decoded and was left out.
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify),
    serde(rename_all(serialize = "camelCase")),
    tsify(output, missing_as_null)
)]
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

/// Rows from the values of a list, each decoded as a `T`.
fn rows_from<T: DeserializeOwned>(values: Vec<serde_json::Value>) -> Rows<T> {
    let mut rows = Rows::default();
    for (index, value) in values.into_iter().enumerate() {
        push_row(&mut rows, index, value);
    }
    rows
}

/// What a string holding a list holds: its values (none for `""` or `null`, one for an
/// object), or why it is not a list. Not generic, so compiled once for every row type.
fn embedded(v: &str) -> Result<Vec<serde_json::Value>, Embedded> {
    if v.trim().is_empty() {
        return Ok(Vec::new());
    }
    // JSON text inside a string: decode it as a list (a nested string is not unwrapped again).
    match serde_json::from_str(v).map_err(Embedded::Unreadable)? {
        serde_json::Value::Array(items) => Ok(items),
        serde_json::Value::Null => Ok(Vec::new()),
        object @ serde_json::Value::Object(_) => Ok(vec![object]),
        other => Err(Embedded::NotAList(other)),
    }
}

/// Why a string does not hold a list.
enum Embedded {
    Unreadable(serde_json::Error),
    NotAList(serde_json::Value),
}

/// A list's values (generic over the reader only, so shared by every row type).
fn values_of<'de, A: de::SeqAccess<'de>>(mut seq: A) -> Result<Vec<serde_json::Value>, A::Error> {
    let mut values = Vec::new();
    while let Some(value) = seq.next_element::<serde_json::Value>()? {
        values.push(value);
    }
    Ok(values)
}

/// An object's value (generic over the reader only, so shared by every row type).
fn value_of<'de, A: de::MapAccess<'de>>(map: A) -> Result<serde_json::Value, A::Error> {
    serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))
}

struct RowsVisitor<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> de::Visitor<'de> for RowsVisitor<T> {
    type Value = Rows<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list, an object, or a string holding a JSON list")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Rows<T>, E> {
        match embedded(v) {
            Ok(values) => Ok(rows_from(values)),
            Err(Embedded::Unreadable(e)) => Err(E::custom(e)),
            Err(Embedded::NotAList(other)) => Err(E::invalid_type(unexpected(&other), &self)),
        }
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
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Rows<T>, A::Error> {
        values_of(seq).map(rows_from)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Rows<T>, A::Error> {
        value_of(map).map(|value| rows_from(vec![value]))
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

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::Rows;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Row {
        id: String,
    }

    #[test]
    fn a_bad_row_is_skipped_and_reported() {
        let rows: Rows<Row> =
            serde_json::from_value(json!([{"id": "a"}, {"id": null}, {"id": "c"}])).expect("decodes");
        assert_eq!(rows.items, vec![Row { id: "a".into() }, Row { id: "c".into() }]);
        assert_eq!(rows.skipped.len(), 1);
        assert_eq!(rows.skipped[0].index, 1);
    }

    #[test]
    fn a_list_inside_a_string_decodes_row_by_row() {
        let rows: Rows<Row> = serde_json::from_value(json!(r#"[{"id": "a"}, 3]"#)).expect("decodes");
        assert_eq!(rows.items, vec![Row { id: "a".into() }]);
        assert_eq!(rows.skipped.len(), 1);
        let not_a_list =
            serde_json::from_value::<Rows<Row>>(json!("7")).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            not_a_list,
            Err("invalid type: a number, expected a list, an object, or a string holding a JSON list".into())
        );
    }

    #[cfg(feature = "value-decode")]
    #[test]
    fn with_value_decode_a_row_sent_as_a_list_is_skipped() {
        let rows: Rows<Row> = serde_json::from_value(json!([{"id": "a"}, ["b"]])).expect("decodes");
        assert_eq!(rows.items, vec![Row { id: "a".into() }]);
        assert_eq!(rows.skipped.len(), 1);
        assert_eq!(rows.skipped[0].index, 1);
    }
}
