//! Paths into a JSON document, for tests that change one field at a time: every object key's
//! path ([`key_paths`], into JSON held as text in strings too), its pattern with list positions
//! as `*` ([`pattern`]), setting the field to `null` or removing it ([`mutate`]) or to any value ([`set`]). Used by
//! `kefu-protocol`'s `tests/nulls.rs` and, through `#[path]`, by `kefu-client`'s browser one.

use serde_json::Value;

/// One step of a path into a JSON document.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
    /// Into the JSON text held by a string.
    Embedded,
}

/// Every object key in `value` (and in JSON lists or objects held as text in strings).
pub(crate) fn key_paths(value: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                prefix.push(Step::Key(key.clone()));
                out.push(prefix.clone());
                key_paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prefix.push(Step::Index(i));
                key_paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::String(text) if text.trim_start().starts_with(['[', '{']) => {
            if let Ok(inner) = serde_json::from_str::<Value>(text) {
                prefix.push(Step::Embedded);
                key_paths(&inner, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// `path` with list positions as `*` and embedded JSON transparent: `data.*.conversations.*.script`.
pub(crate) fn pattern(path: &[Step]) -> String {
    path.iter()
        .filter_map(|s| match s {
            Step::Key(k) => Some(k.clone()),
            Step::Index(_) => Some("*".to_owned()),
            Step::Embedded => None,
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Sets the field at `path` to `null` (`remove == false`) or removes it.
pub(crate) fn mutate(value: &mut Value, path: &[Step], remove: bool) {
    set(value, path, if remove { None } else { Some(&Value::Null) });
}

/// Sets the field at `path` to `new` (`None`: removes it).
pub(crate) fn set(value: &mut Value, path: &[Step], new: Option<&Value>) {
    match (path, value) {
        ([Step::Key(k)], Value::Object(map)) => match new {
            Some(v) => {
                map.insert(k.clone(), v.clone());
            }
            None => {
                map.remove(k);
            }
        },
        ([Step::Key(k), rest @ ..], Value::Object(map)) => {
            set(map.get_mut(k).expect("path exists"), rest, new)
        }
        ([Step::Index(i), rest @ ..], Value::Array(items)) => set(&mut items[*i], rest, new),
        ([Step::Embedded, rest @ ..], v @ Value::String(_)) => {
            let mut inner: Value =
                serde_json::from_str(v.as_str().expect("a string")).expect("embedded JSON");
            set(&mut inner, rest, new);
            *v = Value::String(inner.to_string());
        }
        (path, v) => panic!("path {path:?} does not fit {v}"),
    }
}
