//! The chat calls' JSON, read and written by the browser's own `JSON` instead of serde_json.
//!
//! Why: decoding a `BotTurn` envelope with serde_json adds about 35 KB gzip to a wasm binary
//! (measured on a Yew toy app, 51 → 86 KB gzip), most of it monomorphised visitors and error
//! formatting. The chat loop runs in every widget, so [`ChatSession`](crate::ChatSession) parses
//! with `JSON.parse` and reads fields through `Reflect`. The rules are the ones of
//! [`kefu_protocol::decode`], taken from `kefu-protocol` itself ([`kefu_protocol::judge`] for
//! success, [`MESSAGE_KEYS`] and [`PAYLOAD_KEYS`] for where the message and payload are), and a
//! browser test decodes every chat fixture both ways and compares.
//!
//! Numbers pass through JavaScript numbers here, so integers beyond 2^53 in `var_json` or
//! `g_vars` lose precision in the browser, as they would in any JavaScript client.

use std::collections::BTreeMap;

use js_sys::{Array, JSON, Object, Reflect};
use kefu_protocol::chat::{BotTurn, DebugInfo, Ext, Relation};
use kefu_protocol::{Code, MESSAGE_KEYS, PAYLOAD_KEYS, VarMap, VarValue, Verdict, judge};
use wasm_bindgen::{JsCast, JsValue};

use crate::conversation::Call;
use crate::error::Failure;

/// Nesting deeper than this in `g_vars` is kept as JSON text (bounds recursion).
#[cfg(feature = "g-vars")]
const MAX_DEPTH: usize = 16;

/// Reads a start or trigger answer: the bot's turn, or why there is none.
pub fn decode_turn(http_status: u16, body: &[u8]) -> Result<BotTurn, Failure> {
    let text = String::from_utf8_lossy(body);
    let parsed = JSON::parse(&text).ok().filter(JsValue::is_object);
    let unreadable = || {
        let snippet: String = text.chars().take(200).collect();
        let why = format!("HTTP {http_status} without a platform answer: {snippet}");
        Err(Failure::from_status(http_status, None, why))
    };
    let Some(answer) = parsed else { return unreadable() };
    let message = MESSAGE_KEYS.iter().find_map(|key| string(&answer, key));
    match judge(http_status, code(&answer), message) {
        Verdict::Success => {}
        Verdict::Refused(e) => return Err(Failure::from_status(http_status, Some(e), String::new())),
        Verdict::NotAnAnswer => return unreadable(),
    }
    let payload = PAYLOAD_KEYS.iter().find_map(|key| field(&answer, key)).filter(JsValue::is_object);
    let Some(turn) = payload else {
        return Err(Failure::from_status(http_status, None, "the answer has no result".into()));
    };
    let Some(cmd) = string(&turn, "cmd") else {
        return Err(Failure::Uncertain("the answer's result has no cmd".into()));
    };
    Ok(BotTurn {
        sid: string(&turn, "sid").unwrap_or_default(),
        cmd: cmd.as_str().into(),
        prompt: string(&turn, "prompt").unwrap_or_default(),
        prompt_id: string(&turn, "prompt_id").unwrap_or_default(),
        channel: string(&turn, "channel").map(|c| c.as_str().into()),
        relation_list: field(&turn, "relation_list")
            .filter(Array::is_array)
            .map(|list| {
                Array::from(&list)
                    .iter()
                    .filter(JsValue::is_object)
                    .map(|r| Relation {
                        relation_title: string(&r, "relation_title").unwrap_or_default(),
                        question_name: string(&r, "question_name").unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        ext: field(&turn, "ext")
            .filter(JsValue::is_object)
            .map(|ext| Ext { user_data: string(&ext, "user_data"), g_vars: g_vars(&ext) }),
        debug_info: field(&turn, "debug_info").filter(JsValue::is_object).map(|d| DebugInfo {
            prompt_source: int(&d, "prompt_source").map(Into::into),
            intent_source: int(&d, "intent_source").map(Into::into),
            intent: string(&d, "intent"),
            score: field(&d, "score").and_then(|s| s.as_f64()),
            current_state_id: string(&d, "current_state_id"),
            last_state_id: string(&d, "last_state_id"),
        }),
    })
}

/// The JSON body of a chat call.
pub fn encode_call(call: &Call) -> String {
    let body = Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = Reflect::set(&body, &JsValue::from_str(key), value);
    };
    let text = |s: &str| JsValue::from_str(s);
    match call {
        Call::Start(r) => {
            set("app_id", &text(&r.app_id));
            set("bot_id", &text(&r.bot_id));
            set("sid", &text(r.sid.as_str()));
            set("channel", &text(r.channel.as_str()));
            if let Some(vars) = &r.var_json {
                let object = Object::new();
                for (key, value) in &vars.0 {
                    let _ = Reflect::set(&object, &text(key), &var_to_js(value));
                }
                set("var_json", &object);
            }
            if let Some(data) = &r.user_data {
                set("user_data", &text(data));
            }
        }
        Call::Trigger(r) => {
            set("sid", &text(r.sid.as_str()));
            set("cmd", &text(r.cmd.as_str()));
            set("text", &text(&r.text));
            if let Some(id) = &r.prompt_id {
                set("prompt_id", &text(id));
            }
        }
        Call::Stop(r) => set("sid", &text(r.sid.as_str())),
    }
    JSON::stringify(&body).ok().and_then(|s| s.as_string()).unwrap_or_default()
}

/// Page variables from a JavaScript value: a flat object of strings, numbers and booleans.
/// The error says which key holds what.
pub fn var_map(value: &JsValue) -> Result<VarMap, String> {
    let Some(object) = value.dyn_ref::<Object>().filter(|_| !Array::is_array(value)) else {
        return Err(format!("expected an object, found {}", kind(value)));
    };
    let mut vars = VarMap::new();
    for pair in Object::entries(object).iter() {
        let pair = Array::from(&pair);
        let (Some(key), value) = (pair.get(0).as_string(), pair.get(1)) else { continue };
        let var = if value.is_null() || value.is_undefined() {
            VarValue::Null
        } else if let Some(b) = value.as_bool() {
            VarValue::Bool(b)
        } else if let Some(text) = value.as_string() {
            VarValue::Text(text)
        } else if let Some(n) = value.as_f64().and_then(number) {
            VarValue::Number(n)
        } else {
            return Err(format!("key \"{key}\" holds {}", kind(&value)));
        };
        vars.0.insert(key, var);
    }
    Ok(vars)
}

/// What a JavaScript value is, for messages.
fn kind(value: &JsValue) -> &'static str {
    if Array::is_array(value) {
        "an array"
    } else if value.is_object() {
        "an object"
    } else if value.as_f64().is_some() {
        "a number that is not finite"
    } else {
        "neither an object nor a scalar"
    }
}

/// A JavaScript number as a JSON number (integers exactly, when JavaScript holds them exactly).
fn number(n: f64) -> Option<serde_json::Number> {
    match integer(n) {
        Some(i) => Some(i.into()),
        None => serde_json::Number::from_f64(n),
    }
}

fn var_to_js(value: &VarValue) -> JsValue {
    match value {
        VarValue::Null => JsValue::NULL,
        VarValue::Bool(b) => JsValue::from_bool(*b),
        VarValue::Number(n) => n.as_f64().map_or(JsValue::NULL, JsValue::from_f64),
        VarValue::Text(t) => JsValue::from_str(t),
    }
}

fn field(object: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(object, &JsValue::from_str(key)).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

/// A string field; a number is taken as its decimal text (ids sometimes arrive as numbers).
fn string(object: &JsValue, key: &str) -> Option<String> {
    let value = field(object, key)?;
    value.as_string().or_else(|| value.as_f64().and_then(integer).map(|n| n.to_string()))
}

/// An integer field, sent as a number or as a string of digits.
fn int(object: &JsValue, key: &str) -> Option<i64> {
    let value = field(object, key)?;
    value.as_f64().and_then(integer).or_else(|| value.as_string()?.trim().parse().ok())
}

fn code(answer: &JsValue) -> Option<Code> {
    let value = field(answer, "code")?;
    match value.as_string() {
        Some(text) => Some(Code::Str(text)),
        None => value.as_f64().and_then(integer).map(Code::Int),
    }
}

/// `n` as an integer when it is one JavaScript holds exactly.
fn integer(n: f64) -> Option<i64> {
    const SAFE: f64 = 9_007_199_254_740_991.0;
    (n.fract() == 0.0 && n.abs() <= SAFE).then_some(n as i64)
}

/// `ext.g_vars`, any JSON. Left empty without the `g-vars` feature: the widget never reads
/// them, and converting arbitrary JSON costs it kilobytes.
#[cfg(feature = "g-vars")]
fn g_vars(ext: &JsValue) -> BTreeMap<String, serde_json::Value> {
    field(ext, "g_vars").map(|vars| object_entries(&vars, 0)).unwrap_or_default()
}

#[cfg(not(feature = "g-vars"))]
fn g_vars(_ext: &JsValue) -> BTreeMap<String, serde_json::Value> {
    BTreeMap::new()
}

#[cfg(feature = "g-vars")]
fn object_entries(value: &JsValue, depth: usize) -> BTreeMap<String, serde_json::Value> {
    let mut entries = BTreeMap::new();
    if let Some(object) = value.dyn_ref::<Object>() {
        // Inserted one by one: `collect()` would sort first, and a sort costs kilobytes of wasm.
        for pair in Object::entries(object).iter() {
            let pair = Array::from(&pair);
            if let Some(key) = pair.get(0).as_string() {
                entries.insert(key, to_json(&pair.get(1), depth + 1));
            }
        }
    }
    entries
}

/// A JavaScript value as a JSON value.
#[cfg(feature = "g-vars")]
fn to_json(value: &JsValue, depth: usize) -> serde_json::Value {
    use serde_json::Value;
    if depth > MAX_DEPTH {
        return Value::String(JSON::stringify(value).ok().and_then(|s| s.as_string()).unwrap_or_default());
    }
    if value.is_null() || value.is_undefined() {
        Value::Null
    } else if let Some(b) = value.as_bool() {
        Value::Bool(b)
    } else if let Some(n) = value.as_f64() {
        number(n).map_or(Value::Null, Value::Number)
    } else if let Some(s) = value.as_string() {
        Value::String(s)
    } else if Array::is_array(value) {
        Value::Array(Array::from(value).iter().map(|v| to_json(&v, depth + 1)).collect())
    } else {
        let mut map = serde_json::Map::new();
        for (key, value) in object_entries(value, depth) {
            map.insert(key, value);
        }
        Value::Object(map)
    }
}
