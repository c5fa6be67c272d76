//! [`Objects`]: a [`serde_json::Value`] read as serde_json reads it, except that a record
//! (a struct) decodes from a JSON object only, never from a list of its fields in order.
//!
//! Why: serde's derived decoder of a struct has two halves, one for an object and one for a
//! list, and a deserializer that may hand a struct a list compiles both for every struct.
//! The documents send every record as an object, so `decode_value` (and, with the
//! `value-decode` feature, every `Rows` row) reads through [`Objects`], and the list
//! half is never compiled: the operators' console, which decodes some seventy record types,
//! is tens of kilobytes smaller. Everything else (`null`, numbers, text, lists, maps, enums)
//! behaves, and fails with the same messages, as [`serde_json::Value`]'s deserializer.

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{Error, Map, Value};

/// A JSON value to decode from, records from objects only (see the module's documentation).
pub(crate) struct Objects(pub(crate) Value);

/// What serde calls a JSON value in its messages (as `serde_json::Value` does).
pub(crate) fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Unexpected::Unsigned(u),
            (_, Some(i), _) => Unexpected::Signed(i),
            (_, _, f) => Unexpected::Float(f.unwrap_or_default()),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

fn visit_array<'de, V: Visitor<'de>>(items: Vec<Value>, visitor: V) -> Result<V::Value, Error> {
    let len = items.len();
    let mut seq = Items(items.into_iter());
    let out = visitor.visit_seq(&mut seq)?;
    if seq.0.len() == 0 { Ok(out) } else { Err(de::Error::invalid_length(len, &"fewer elements in array")) }
}

fn visit_object<'de, V: Visitor<'de>>(map: Map<String, Value>, visitor: V) -> Result<V::Value, Error> {
    let len = map.len();
    let mut entries = Entries { entries: map.into_iter(), value: None };
    let out = visitor.visit_map(&mut entries)?;
    if entries.entries.len() == 0 {
        Ok(out)
    } else {
        Err(de::Error::invalid_length(len, &"fewer elements in map"))
    }
}

impl<'de> de::Deserializer<'de> for Objects {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(n) => de::Deserializer::deserialize_any(n, visitor),
            Value::String(s) => visitor.visit_string(s),
            Value::Array(items) => visit_array(items, visitor),
            Value::Object(map) => visit_object(map, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visit_object(map, visitor),
            _ => Err(de::Error::invalid_type(unexpected(&self.0), &visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_enum(self.0, name, variants, visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    // The typed requests take only their own kind of value, as `serde_json::Value` does; the
    // visitor then needs no other `visit_*` (each compiled per visitor type).
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Bool(b) => visitor.visit_bool(b),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_string(s),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Number(n) => de::Deserializer::deserialize_any(n, visitor),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visit_array(items, visitor),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visit_object(map, visitor),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    forward_to_deserialize_any! {
        i128 u128 char bytes byte_buf unit unit_struct tuple tuple_struct
    }
}

/// A list's items, each read as [`Objects`].
struct Items(std::vec::IntoIter<Value>);

impl<'de> SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        self.0.next().map(|v| seed.deserialize(Objects(v))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// An object's entries: keys as text, values read as [`Objects`].
struct Entries {
    entries: serde_json::map::IntoIter,
    value: Option<Value>,
}

impl<'de> MapAccess<'de> for Entries {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                let key: de::value::StringDeserializer<Error> = key.into_deserializer();
                seed.deserialize(key).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(Objects(value)),
            None => Err(de::Error::custom("value is missing")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::Objects;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Row {
        id: String,
        #[serde(default)]
        n: Option<i64>,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        flag: Option<bool>,
        #[serde(default)]
        counts: Option<std::collections::BTreeMap<String, u32>>,
        #[serde(default)]
        small: u8,
    }

    fn both(v: serde_json::Value) -> (Result<Row, String>, Result<Row, String>) {
        let objects = Row::deserialize(Objects(v.clone())).map_err(|e| e.to_string());
        let value = Row::deserialize(v).map_err(|e| e.to_string());
        (objects, value)
    }

    #[test]
    fn objects_decode_as_serde_json_value_does() {
        for v in [
            json!({"id": "a", "n": 3, "tags": ["x", "y"]}),
            json!({"id": "a", "n": null, "extra": {"deep": [1, 2.5, null]}}),
            json!({"id": 7}),
            json!({"n": 1}),
            json!({"id": "a", "n": -1.5}),
            json!({"id": "a", "n": 18446744073709551615u64}),
            json!({"id": "a", "tags": "x"}),
            json!(null),
            json!("text"),
            json!(12),
            json!({"id": "a", "flag": true, "counts": {"x": 1}, "small": 255}),
            json!({"id": "a", "flag": "yes"}),
            json!({"id": "a", "flag": 1}),
            json!({"id": "a", "counts": [1]}),
            json!({"id": "a", "counts": {"x": -1}}),
            json!({"id": "a", "counts": {"x": "1"}}),
            json!({"id": "a", "small": 256}),
            json!({"id": "a", "small": 1.0}),
            json!({"id": "a", "small": null}),
            json!({"id": true}),
            json!({"id": ["a"]}),
            json!({"id": {"a": 1}}),
        ] {
            let (objects, value) = both(v.clone());
            assert_eq!(objects, value, "{v}");
        }
    }

    #[test]
    fn a_record_sent_as_a_list_is_refused() {
        let (objects, value) = both(json!(["a", 1, []]));
        assert_eq!(
            value,
            Ok(Row { id: "a".into(), n: Some(1), tags: Vec::new(), flag: None, counts: None, small: 0 })
        );
        assert_eq!(objects, Err("invalid type: sequence, expected struct Row".into()));
    }
}
