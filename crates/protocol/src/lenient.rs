//! Lenient decoders shared by the wire types: the documents disagree with themselves about
//! whether ids are numbers or strings and whether lists arrive as lists, single objects or JSON
//! inside a string.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::rows::Rows;
use crate::time::Timestamp;

/// Decodes a required identifier sent either as a string or as an integer, keeping every digit:
/// 18–19 digit ids exceed 2^53 and must never pass through a float. `null` is refused.
pub(crate) fn id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(IdVisitor)?
        .ok_or_else(|| de::Error::invalid_type(de::Unexpected::Unit, &"an identifier (string or integer)"))
}

/// [`id`] for fields that may be `null` (with `#[serde(default)]`, absent too): empty then.
pub(crate) fn id_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(IdVisitor).map(Option::unwrap_or_default)
}

/// Decodes a field that may be `null`: `null` becomes the type's default (with
/// `#[serde(default)]`, absence too).
pub(crate) fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(d).map(Option::unwrap_or_default)
}

/// Decodes free text that may be `null` (empty then); a number or boolean is taken as its text.
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(TextVisitor)
}

struct TextVisitor;

impl<'de> de::Visitor<'de> for TextVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("text (a string, a number, a boolean or null)")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

/// [`id`] for optional fields: absent or `null` is `None`.
pub(crate) fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(IdVisitor)
}

struct IdVisitor;

impl<'de> de::Visitor<'de> for IdVisitor {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an identifier (string or integer)")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // A float id has already lost digits upstream; refuse rather than invent some.
        Err(E::invalid_type(de::Unexpected::Float(v), &self))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// Decodes an optional integer sent as a number or as a string of digits.
pub(crate) fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match opt_id(d)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| de::Error::invalid_value(de::Unexpected::Str(&s), &"an integer")),
    }
}

/// A list that the documents sometimes send as a list, sometimes as one bare object, sometimes
/// as JSON text inside a string (`""` and `null` mean empty). It encodes as a plain list.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonList<T>(pub Vec<T>);

/// A list that travels as JSON text inside a string (seed 000's `conversations`). It decodes
/// every form [`Rows`] does (an item that does not decode is skipped and reported in
/// [`Rows::skipped`]) and encodes as a string, as the document sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbeddedJsonList<T>(pub Rows<T>);

impl<T> Default for JsonList<T> {
    fn default() -> Self {
        JsonList(Vec::new())
    }
}

impl<T> Default for EmbeddedJsonList<T> {
    fn default() -> Self {
        EmbeddedJsonList(Rows::default())
    }
}

impl<T> From<Vec<T>> for EmbeddedJsonList<T> {
    fn from(items: Vec<T>) -> Self {
        EmbeddedJsonList(Rows::from(items))
    }
}

impl<T> std::ops::Deref for JsonList<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> std::ops::Deref for EmbeddedJsonList<T> {
    type Target = Rows<T>;
    fn deref(&self) -> &Rows<T> {
        &self.0
    }
}

impl<T: Serialize> Serialize for JsonList<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// JSON text, as on the wire; a plain list towards JavaScript (see the crate documentation).
impl<T: Serialize> Serialize for EmbeddedJsonList<T> {
    #[cfg(not(all(feature = "js", target_arch = "wasm32")))]
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(&self.0.items).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }

    #[cfg(all(feature = "js", target_arch = "wasm32"))]
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.items.serialize(s)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for JsonList<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ListVisitor(PhantomData)).map(JsonList)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for EmbeddedJsonList<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Rows::deserialize(d).map(EmbeddedJsonList)
    }
}

struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> de::Visitor<'de> for ListVisitor<T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list, an object, or a string holding a JSON list")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<T>, E> {
        if v.trim().is_empty() {
            return Ok(Vec::new());
        }
        let list: JsonList<T> = serde_json::from_str(v).map_err(E::custom)?;
        Ok(list.0)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element::<T>()? {
            out.push(item);
        }
        Ok(out)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
        let one = T::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(vec![one])
    }
}

/// An optional timestamp: `""`, `null` and absence (with `#[serde(default)]`) are all `None`.
pub(crate) fn opt_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    Option::<Timestamp>::deserialize(d).map(|t| t.filter(|t| !t.is_empty()))
}

/// Encodes an optional timestamp as the documents do: `""` for none.
pub(crate) fn timestamp_or_empty<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(t.as_ref().map_or("", Timestamp::as_str))
}

#[cfg(feature = "value-decode")]
impl<T: crate::to_json::ToJson> crate::to_json::ToJson for JsonList<T> {
    fn write_json(&self, out: &mut String) {
        self.0.write_json(out);
    }
}
