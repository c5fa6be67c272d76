//! `var_json`: the page variables a chat starts with (seed 002 §14): a flat map, no nesting.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::error::{Error, Result};

/// One variable's value: a scalar. Numbers keep their exact form (`24`, `2341.25`, a 19-digit id).
#[derive(Debug, Clone, PartialEq)]
pub enum VarValue {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, exactly as sent.
    Number(serde_json::Number),
    /// A string.
    Text(String),
}

impl VarValue {
    /// The value as text, as a bot substitutes it into a prompt (`null` is empty).
    pub fn to_text(&self) -> String {
        match self {
            VarValue::Null => String::new(),
            VarValue::Bool(b) => b.to_string(),
            VarValue::Number(n) => n.to_string(),
            VarValue::Text(s) => s.clone(),
        }
    }
}

impl From<&str> for VarValue {
    fn from(s: &str) -> Self {
        VarValue::Text(s.to_owned())
    }
}

impl From<String> for VarValue {
    fn from(s: String) -> Self {
        VarValue::Text(s)
    }
}

impl From<i64> for VarValue {
    fn from(n: i64) -> Self {
        VarValue::Number(n.into())
    }
}

impl From<bool> for VarValue {
    fn from(b: bool) -> Self {
        VarValue::Bool(b)
    }
}

impl Serialize for VarValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            VarValue::Null => s.serialize_unit(),
            VarValue::Bool(b) => s.serialize_bool(*b),
            VarValue::Number(n) => n.serialize(s),
            VarValue::Text(t) => s.serialize_str(t),
        }
    }
}

impl<'de> Deserialize<'de> for VarValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = VarValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number, boolean or null (var_json is flat: no objects or arrays)")
            }
            fn visit_unit<E: de::Error>(self) -> Result<VarValue, E> {
                Ok(VarValue::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<VarValue, E> {
                Ok(VarValue::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<VarValue, D::Error> {
                VarValue::deserialize(d)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<VarValue, E> {
                Ok(VarValue::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<VarValue, E> {
                Ok(VarValue::Number(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<VarValue, E> {
                Ok(VarValue::Number(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<VarValue, E> {
                serde_json::Number::from_f64(v)
                    .map(VarValue::Number)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<VarValue, E> {
                Ok(VarValue::Text(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

/// The page variables: a flat map from name to scalar. Decoding a nested value fails with a clear
/// message; [`VarMap::from_json`] names the offending key.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct VarMap(pub BTreeMap<String, VarValue>);

impl VarMap {
    /// An empty map.
    pub fn new() -> VarMap {
        VarMap::default()
    }

    /// Adds or replaces a variable; returns the map, for chaining.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<VarValue>) -> VarMap {
        self.0.insert(name.into(), value.into());
        self
    }

    /// Checks an arbitrary JSON value (say, from a web page) and keeps it if it is a flat map.
    pub fn from_json(value: &serde_json::Value) -> Result<VarMap> {
        use serde_json::Value;
        let Value::Object(map) = value else {
            return Err(Error::VarNotAMap(json_kind(value)));
        };
        let mut vars = BTreeMap::new();
        for (key, v) in map {
            let var = match v {
                Value::Null => VarValue::Null,
                Value::Bool(b) => VarValue::Bool(*b),
                Value::Number(n) => VarValue::Number(n.clone()),
                Value::String(s) => VarValue::Text(s.clone()),
                Value::Array(_) | Value::Object(_) => {
                    return Err(Error::NestedVar { key: key.clone(), found: json_kind(v) });
                }
            };
            vars.insert(key.clone(), var);
        }
        Ok(VarMap(vars))
    }

    /// Decodes an optional map as [`VarMap::from_json`] checks it (absent or `null`: none), so
    /// a nested value is refused with its key named: for `#[serde(deserialize_with)]` on a
    /// field a page fills in (kefu-client's `startChat` options).
    pub fn deserialize_optional<'de, D: Deserializer<'de>>(
        d: D,
    ) -> std::result::Result<Option<VarMap>, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Null => Ok(None),
            value => VarMap::from_json(&value).map(Some).map_err(de::Error::custom),
        }
    }

    /// A variable's value as text, if set.
    pub fn text(&self, name: &str) -> Option<String> {
        self.0.get(name).map(VarValue::to_text)
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Options {
        #[serde(default, deserialize_with = "VarMap::deserialize_optional")]
        vars: Option<VarMap>,
    }

    #[test]
    fn optional_maps_are_checked_and_name_the_nested_key() {
        let read = |json: &str| serde_json::from_str::<Options>(json).map(|o| o.vars);
        assert_eq!(read("{}").expect("absent"), None);
        assert_eq!(read(r#"{"vars": null}"#).expect("null"), None);
        assert_eq!(read(r#"{"vars": {"n": 1}}"#).expect("flat"), Some(VarMap::new().with("n", 1i64)));
        let nested = read(r#"{"vars": {"a": {"b": 1}}}"#).expect_err("nested");
        assert!(nested.to_string().contains(r#"key "a" holds an object"#), "{nested}");
        assert!(read(r#"{"vars": [1]}"#).expect_err("a list").to_string().contains("must be a JSON object"));
    }
}
