//! Field-name case on the wire: the JSON body of a request whose document names its fields in
//! snake_case (seed 002, kefu's own `/kefu/v1/` routes), whatever names serde gives the type's
//! fields (camelCase in the JavaScript API's build, see the crate documentation).

use serde::Serialize;
use serde::ser::{self, Impossible, SerializeStruct, Serializer};

/// `name` in snake_case: `appId` → `app_id`, `ringAsrCode` → `ring_asr_code`; a snake_case name
/// is kept as it is. (The inverse of serde's `rename_all = "camelCase"` on snake_case fields.)
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The JSON text of a request body the document names in snake_case: `value`, a struct, with
/// its fields' names in snake_case ([`snake_case`]) and their values as serde_json writes them
/// (lists and the page's own maps, such as variables, keep their keys). Anything but a struct
/// is refused. (A serializer of its own rather than a detour through `serde_json::Value`, which
/// costs the browser client about 6 KB gzip.)
pub fn snake_case_json(value: &impl Serialize) -> serde_json::Result<String> {
    value.serialize(Body)
}

/// Serializes a struct as a JSON object with snake_case keys.
struct Body;

/// The object being written.
struct Object(String);

fn not_a_struct<T>() -> serde_json::Result<T> {
    Err(ser::Error::custom("a request body must be a struct"))
}

/// The [`Serializer`] methods [`Body`] refuses: every one but `serialize_struct`.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> serde_json::Result<String> {
            not_a_struct()
        })*
    };
}

impl Serializer for Body {
    type Ok = String;
    type Error = serde_json::Error;
    type SerializeSeq = Impossible<String, serde_json::Error>;
    type SerializeTuple = Impossible<String, serde_json::Error>;
    type SerializeTupleStruct = Impossible<String, serde_json::Error>;
    type SerializeTupleVariant = Impossible<String, serde_json::Error>;
    type SerializeMap = Impossible<String, serde_json::Error>;
    type SerializeStruct = Object;
    type SerializeStructVariant = Impossible<String, serde_json::Error>;

    refuse!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> serde_json::Result<String> {
        not_a_struct()
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> serde_json::Result<String> {
        not_a_struct()
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> serde_json::Result<String> {
        not_a_struct()
    }
    fn serialize_seq(self, _: Option<usize>) -> serde_json::Result<Self::SerializeSeq> {
        not_a_struct()
    }
    fn serialize_tuple(self, _: usize) -> serde_json::Result<Self::SerializeTuple> {
        not_a_struct()
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> serde_json::Result<Self::SerializeTupleStruct> {
        not_a_struct()
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> serde_json::Result<Self::SerializeTupleVariant> {
        not_a_struct()
    }
    fn serialize_map(self, _: Option<usize>) -> serde_json::Result<Self::SerializeMap> {
        not_a_struct()
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> serde_json::Result<Object> {
        Ok(Object(String::from("{")))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> serde_json::Result<Self::SerializeStructVariant> {
        not_a_struct()
    }
}

impl SerializeStruct for Object {
    type Ok = String;
    type Error = serde_json::Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> serde_json::Result<()> {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.0.push_str(&serde_json::to_string(&snake_case(key))?);
        self.0.push(':');
        self.0.push_str(&serde_json::to_string(value)?);
        Ok(())
    }

    fn end(mut self) -> serde_json::Result<String> {
        self.0.push('}');
        Ok(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_names_become_the_documents_names() {
        for (camel, snake) in [
            ("appId", "app_id"),
            ("ringAsrCode", "ring_asr_code"),
            ("disnumber", "disnumber"),
            ("makecallTimeout", "makecall_timeout"),
            ("page_no", "page_no"),
        ] {
            assert_eq!(snake_case(camel), snake);
        }
    }

    #[test]
    fn only_the_top_level_keys_change() {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Camel {
            app_id: &'static str,
            forbid_policy: Vec<&'static str>,
            var_json: std::collections::BTreeMap<&'static str, u8>,
        }
        let body =
            Camel { app_id: "2", forbid_policy: vec!["00:00-08:00"], var_json: [("userName", 1)].into() };
        assert_eq!(
            snake_case_json(&body).expect("encodes"),
            r#"{"app_id":"2","forbid_policy":["00:00-08:00"],"var_json":{"userName":1}}"#
        );
        let request =
            crate::coeus::TaskListRequest { app_id: "2".into(), page_no: Some(1), ..Default::default() };
        assert_eq!(snake_case_json(&request).expect("encodes"), r#"{"app_id":"2","page_no":1}"#);
        // The same text as serde_json writes, when the names are the document's already.
        let add = crate::coeus::AddTaskRequest {
            app_id: "2".into(),
            task_name: "回访 \"五月\"".into(),
            forbid_policy: Some(vec!["00:00-08:00".into()]),
            ..Default::default()
        };
        assert_eq!(snake_case_json(&add).expect("encodes"), serde_json::to_string(&add).expect("encodes"));
        assert!(snake_case_json(&vec![1]).is_err());
        assert!(snake_case_json(&"text").is_err());
    }
}
