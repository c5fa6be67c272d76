//! Chat bodies that may travel as sent: trigger and stop bodies checked in place, without
//! building the protocol's owned types and encoding them again.
//!
//! A chat body is re-encoded from its protocol type so that only documented fields travel, each
//! in its documented form (see `forward::check_body`). Most bodies already are exactly that: an
//! object of documented fields only, each a JSON string. For those, re-encoding would send the
//! same JSON (up to spacing, order and escapes), so the original bytes are forwarded instead,
//! after the same checks (a valid `sid`, [`Sid::is_valid`]). Any other body (a lenient value such as a number for
//! `text`, a `null`, an unknown or repeated field, a missing `text`, something invalid) takes the
//! full path, which fills in, drops, converts or refuses as before. Start bodies always take it:
//! they carry pinned ids and page variables, and come once a session.

use std::borrow::Cow;

use kefu_protocol::Sid;
use serde::{Deserialize, Deserializer};

use crate::routes::ChatCall;

/// A stop body as re-encoding would send it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Stop<'a> {
    #[serde(borrow)]
    sid: Cow<'a, str>,
}

/// A trigger body as re-encoding would send it: `text` present, `prompt_id` absent or a string.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Trigger<'a> {
    #[serde(borrow)]
    sid: Cow<'a, str>,
    #[serde(borrow)]
    // The command itself is any string: the protocol keeps unknown commands as sent.
    #[allow(dead_code)]
    cmd: Cow<'a, str>,
    #[serde(borrow)]
    #[allow(dead_code)]
    text: Cow<'a, str>,
    #[serde(default, borrow, deserialize_with = "string_only")]
    #[allow(dead_code)]
    prompt_id: Option<Cow<'a, str>>,
}

/// A present optional field that must be a string: `null` is refused here (re-encoding would drop
/// it), so such a body takes the full path.
fn string_only<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'de, str>>, D::Error> {
    Cow::<'de, str>::deserialize(d).map(Some)
}

/// Whether `body`, for `call`, may be forwarded as sent: it passes the protocol's checks and
/// re-encoding it would send the same JSON. `false` says only "take the full path", which also
/// gives the error for a body that is refused.
pub(crate) fn sendable_as_is(call: ChatCall, body: &[u8]) -> bool {
    // A struct also decodes from a JSON array; only an object is sent as is.
    if body.trim_ascii_start().first() != Some(&b'{') {
        return false;
    }
    match call {
        ChatCall::Start => false,
        ChatCall::Stop => serde_json::from_slice::<Stop<'_>>(body).is_ok_and(|b| Sid::is_valid(&b.sid)),
        ChatCall::Trigger => serde_json::from_slice::<Trigger<'_>>(body).is_ok_and(|b| Sid::is_valid(&b.sid)),
    }
}

#[cfg(test)]
mod tests {
    use kefu_protocol::chat::{StopRequest, TriggerRequest};
    use serde_json::{Value, json};

    use super::*;

    const SID: &str = "ad84177a55e14ce02a46331bd500243c";

    /// What the full path sends for `body`, as JSON (`None`: refused).
    fn reencoded(call: ChatCall, body: &[u8]) -> Option<Value> {
        match call {
            ChatCall::Stop => serde_json::from_slice::<StopRequest>(body).ok().map(|r| json!(r)),
            ChatCall::Trigger => serde_json::from_slice::<TriggerRequest>(body).ok().map(|r| json!(r)),
            ChatCall::Start => None,
        }
    }

    #[test]
    fn a_body_goes_as_sent_only_when_reencoding_would_send_the_same() {
        // "SID" stands for a valid sid.
        let cases: &[(ChatCall, &str, bool)] = &[
            (ChatCall::Stop, r#"{"sid":"SID"}"#, true),
            (ChatCall::Stop, " {\n \"sid\" : \"ad84177a55e14ce02a46331bd500243c\" } ", true),
            (ChatCall::Stop, r#"{"sid":"ad84177a55e14ce02a46331bd500243\u0063"}"#, true),
            (ChatCall::Stop, r#"{"sid":"SID","evil":"<script>"}"#, false),
            (ChatCall::Stop, r#"{"sid":"short"}"#, false),
            (ChatCall::Stop, r#"{"sid":"AD84177A55E14CE02A46331BD500243C"}"#, false),
            (ChatCall::Stop, r#"["SID"]"#, false),
            (ChatCall::Stop, r#"{"sid":"SID","sid":"SID"}"#, false),
            (ChatCall::Stop, r#"{}"#, false),
            (ChatCall::Stop, r#"{"sid":null}"#, false),
            (ChatCall::Stop, r#"{"sid":"SID"} x"#, false),
            (ChatCall::Stop, "", false),
            (ChatCall::Trigger, r#"{"sid":"SID","cmd":"evt.input","text":"你好\n\"x\""}"#, true),
            (ChatCall::Trigger, r#"{"sid":"SID","cmd":"evt.complete","text":"","prompt_id":"p1"}"#, true),
            (ChatCall::Trigger, r#"{"cmd":"evt.later","text":"x","sid":"SID"}"#, true),
            // Lenient forms, absent text and null prompt ids are normalised by the full path.
            (ChatCall::Trigger, r#"{"sid":"SID","cmd":"evt.input","text":12}"#, false),
            (ChatCall::Trigger, r#"{"sid":"SID","cmd":"evt.input","text":null}"#, false),
            (ChatCall::Trigger, r#"{"sid":"SID","cmd":"evt.complete","prompt_id":"p1"}"#, false),
            (ChatCall::Trigger, r#"{"sid":"SID","cmd":"evt.input","text":"x","prompt_id":null}"#, false),
            (ChatCall::Trigger, r#"{"sid":"SID","cmd":"evt.input","text":"x","extra":1}"#, false),
            (ChatCall::Trigger, r#"{"sid":"short","cmd":"evt.input","text":"x"}"#, false),
            (ChatCall::Trigger, r#"{"cmd":"evt.input","text":"x"}"#, false),
            (ChatCall::Trigger, r#"{"sid":"SID","cmd":"evt.input","text":"\ud800"}"#, false),
            (ChatCall::Start, r#"{"sid":"SID","channel":"h5"}"#, false),
        ];
        for (call, body, as_is) in cases {
            let body = &body.replace("\"SID\"", &format!("\"{SID}\""));
            assert_eq!(sendable_as_is(*call, body.as_bytes()), *as_is, "{body}");
            if *as_is {
                // What travels is what the full path would have sent.
                let sent: Value = serde_json::from_str(body).expect("json");
                assert_eq!(Some(sent), reencoded(*call, body.as_bytes()), "{body}");
            }
        }
        assert!(sendable_as_is(ChatCall::Stop, json!({ "sid": SID }).to_string().as_bytes()));
    }
}
